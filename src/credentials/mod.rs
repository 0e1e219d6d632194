//! [`Credentials`]: the one type used to sign requests and returned by STS, and the
//! [`ProvideCredentials`] seam through which a client obtains them.

use std::fmt;
use std::sync::OnceLock;
use std::time::SystemTime;

mod cache;
pub mod profile;
mod providers;

pub use providers::{
    AssumeRoleProvider, ContainerProvider, DefaultChain, DiskCache, EnvironmentProvider,
    ImdsProvider, Loaded, MfaCallback, ProcessProvider, ProfileProvider, SsoProvider,
    WebIdentityProvider, load,
};

pub use cache::{CachingProvider, DEFAULT_ADVISORY, DEFAULT_MANDATORY};

use crate::Error;

/// AWS credentials: an access key id, a secret access key, and for temporary credentials a
/// session token and an expiration.
///
/// The same type signs requests and is what STS returns, so role chaining is one line:
/// the credentials of one `AssumeRole` sign the next. `Debug` redacts the secret and the token.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiration: Option<SystemTime>,
    /// Whether the token has no whitespace or control byte, so signing can skip folding it:
    /// found at the first signature and kept, rather than at every signature or at every
    /// parse (STS tokens run to thousands of bytes).
    token_is_canonical: OnceLock<bool>,
}

impl PartialEq for Credentials {
    fn eq(&self, other: &Self) -> bool {
        self.access_key_id == other.access_key_id
            && self.secret_access_key == other.secret_access_key
            && self.session_token == other.session_token
            && self.expiration == other.expiration
    }
}

impl Eq for Credentials {}

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
            token_is_canonical: OnceLock::new(),
        }
    }

    /// Credentials from the environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, and
    /// optionally `AWS_SESSION_TOKEN` and `AWS_CREDENTIAL_EXPIRATION` (RFC 3339).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Credentials`] naming the missing or invalid variable (never its value).
    pub fn from_env() -> Result<Self, Error> {
        Self::from_env_with(|k| std::env::var(k).ok())
    }

    /// As [`Credentials::from_env`], reading variables through `var` (for tests and for
    /// programs that keep their own environment).
    ///
    /// # Errors
    /// As [`Credentials::from_env`].
    pub fn from_env_with(var: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |k: &str| var(k).filter(|v| !v.trim().is_empty());
        let missing = |k: &'static str| {
            Error::other(
                crate::ErrorKind::Credentials,
                format!("environment variable {k} is not set"),
            )
        };
        let akid = get("AWS_ACCESS_KEY_ID").ok_or_else(|| missing("AWS_ACCESS_KEY_ID"))?;
        let secret =
            get("AWS_SECRET_ACCESS_KEY").ok_or_else(|| missing("AWS_SECRET_ACCESS_KEY"))?;
        let expiration = match get("AWS_CREDENTIAL_EXPIRATION") {
            Some(e) => Some(
                crate::xml::parse_timestamp(&e, "AWS_CREDENTIAL_EXPIRATION").map_err(|_| {
                    Error::other(
                        crate::ErrorKind::Credentials,
                        "AWS_CREDENTIAL_EXPIRATION is not an RFC 3339 timestamp",
                    )
                })?,
            ),
            None => None,
        };
        Ok(Self::new(
            akid.trim(),
            secret.trim(),
            get("AWS_SESSION_TOKEN").map(|t| t.trim().to_owned()),
            expiration,
        ))
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

    /// Whether the session token is already in canonical header form (no whitespace).
    pub(crate) fn token_is_canonical(&self) -> bool {
        *self.token_is_canonical.get_or_init(|| {
            // A branch-free fold rather than `all`, so that it vectorizes.
            self.session_token
                .as_deref()
                .is_some_and(|t| t.bytes().fold(0u8, |acc, b| acc | u8::from(b <= b' ')) == 0)
        })
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
            .finish_non_exhaustive()
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
    fn token_form_is_found_once_and_equality_ignores_it() {
        let plain = Credentials::new("A", "S", Some("FwoGZXIvYXdzE/+=".to_owned()), None);
        let spaced = Credentials::new("A", "S", Some(" two  words ".to_owned()), None);
        let control = Credentials::new("A", "S", Some("a\u{1}b".to_owned()), None);
        let none = Credentials::new("A", "S", None, None);
        let fresh = plain.clone();
        assert!(plain.token_is_canonical());
        assert!(!spaced.token_is_canonical());
        assert!(!control.token_is_canonical());
        assert!(!none.token_is_canonical());
        // One has looked at its token, the other not: still equal.
        assert_eq!(plain, fresh);
        assert_ne!(plain, spaced);
        assert!(plain.clone().token_is_canonical());
    }

    #[test]
    fn from_env_reads_and_names_what_is_missing() {
        let env = |k: &str| match k {
            "AWS_ACCESS_KEY_ID" => Some("AKIDEXAMPLE".to_owned()),
            "AWS_SECRET_ACCESS_KEY" => Some("s3cr3t".to_owned()),
            "AWS_SESSION_TOKEN" => Some("tok".to_owned()),
            "AWS_CREDENTIAL_EXPIRATION" => Some("2030-01-01T00:00:00Z".to_owned()),
            _ => None,
        };
        let c = Credentials::from_env_with(env).expect("env");
        assert_eq!(c.access_key_id(), "AKIDEXAMPLE");
        assert_eq!(c.session_token(), Some("tok"));
        assert!(c.expiration().is_some());
        let e = Credentials::from_env_with(|k| env(k).filter(|_| k != "AWS_SECRET_ACCESS_KEY"))
            .expect_err("missing");
        assert_eq!(
            e.to_string(),
            "environment variable AWS_SECRET_ACCESS_KEY is not set"
        );
    }

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
