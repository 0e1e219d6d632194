//! AWS Signature Version 4: canonical request, string to sign, signing key, signature.
