//! [`Credentials`]: the one type used to sign requests and returned by STS, and the
//! [`ProvideCredentials`] seam through which a client obtains them.

use std::fmt;
use std::time::SystemTime;

use crate::Error;

/// AWS credentials: an access key id, a secret access key, and for temporary credentials a
/// session token and an expiration.
///
/// The same type signs requests and is what STS returns, so role chaining is one line:
/// the credentials of one `AssumeRole` sign the next. `Debug` redacts the secret and the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiration: Option<SystemTime>,
}

impl Credentials {
    /// Credentials from their parts. Long-term IAM user keys have no token and no expiration.
    #[must_use]
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expiration: Option<SystemTime>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            expiration,
        }
    }

    /// The access key id (`AKIA…` for long-term keys, `ASIA…` for temporary ones).
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key. Never print it.
    #[must_use]
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token of temporary credentials.
    #[must_use]
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// When temporary credentials expire.
    #[must_use]
    pub fn expiration(&self) -> Option<SystemTime> {
        self.expiration
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// Something that yields credentials on demand: a fixed [`Credentials`] value, or a provider
/// that loads and refreshes them.
///
/// A client calls [`ProvideCredentials::provide_credentials`] before signing each request, so a
/// provider decides itself when to reuse and when to refresh.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Returns credentials valid for signing a request now.
    ///
    /// # Errors
    /// An error of kind [`crate::ErrorKind::Credentials`] when none can be had.
    fn provide_credentials(&self) -> Result<Credentials, Error>;
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        Ok(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secret_and_token() {
        let c = Credentials::new(
            "AKIDEXAMPLE",
            "SECRETSECRET",
            Some("TOKENTOKEN".into()),
            None,
        );
        let s = format!("{c:?}");
        assert!(s.contains("AKIDEXAMPLE"));
        assert!(!s.contains("SECRETSECRET"));
        assert!(!s.contains("TOKENTOKEN"));
    }
}
