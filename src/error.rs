//! The crate's one error type.
//!
//! [`Error`] is one pointer wide. Match on [`Error::kind`]; for an answer from STS,
//! [`Error::service_error`] gives the code (matchable through [`ErrorCode`]), message,
//! request id and HTTP status. Causes are reachable through [`std::error::Error::source`].
//! No error's text ever contains a secret key, a session token, a SAML assertion, a web
//! identity token or an MFA code.

use std::borrow::Cow;
use std::fmt;

/// Boxed cause of an [`Error`].
type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error from tinysts: invalid input, a service error, a bad response, a network failure,
/// or credentials and configuration that could not be loaded.
pub struct Error(Box<Inner>);

struct Inner {
    kind: ErrorKind,
    detail: Detail,
    source: Option<Source>,
    attempts: u32,
}

enum Detail {
    Message(Cow<'static, str>),
    InvalidInput {
        field: &'static str,
        rule: Cow<'static, str>,
    },
    Service(ServiceError),
}

/// What went wrong, in a form that can be matched.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A request parameter breaks a constraint of the STS model; nothing was sent.
    InvalidInput,
    /// STS answered with an `<ErrorResponse>`; see [`Error::service_error`].
    Service,
    /// The response could not be understood (not XML, wrong root, missing element, too large).
    InvalidResponse,
    /// Connecting, TLS, or reading and writing the connection failed.
    Transport,
    /// The call did not complete within its timeout.
    Timeout,
    /// Credentials could not be loaded or refreshed.
    Credentials,
    /// A setting (region, endpoint, profile, file) is invalid or missing.
    Config,
}

impl Error {
    fn new(kind: ErrorKind, detail: Detail) -> Self {
        Self(Box::new(Inner {
            kind,
            detail,
            source: None,
            attempts: 1,
        }))
    }

    /// An invalid request parameter: `field` names the member, `rule` the broken constraint.
    #[must_use]
    pub(crate) fn invalid_input(field: &'static str, rule: impl Into<Cow<'static, str>>) -> Self {
        Self::new(
            ErrorKind::InvalidInput,
            Detail::InvalidInput {
                field,
                rule: rule.into(),
            },
        )
    }

    /// A response that could not be understood.
    #[must_use]
    pub(crate) fn invalid_response(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::InvalidResponse, Detail::Message(message.into()))
    }

    /// An `<ErrorResponse>` from STS.
    #[must_use]
    pub(crate) fn service(error: ServiceError) -> Self {
        Self::new(ErrorKind::Service, Detail::Service(error))
    }

    /// An error of `kind` with a message that must not contain a secret.
    #[must_use]
    pub(crate) fn other(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(kind, Detail::Message(message.into()))
    }

    /// A [`ErrorKind::Credentials`] error, for credential providers and MFA callbacks written
    /// outside tinysts. The message must not contain a secret.
    #[must_use]
    pub fn credentials(message: impl Into<String>) -> Self {
        Self::other(ErrorKind::Credentials, message.into())
    }

    /// Attaches the underlying cause, reachable through `source()`.
    #[must_use]
    pub(crate) fn with_source(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        self.0.source = Some(source.into());
        self
    }

    /// Records how many attempts were made before this error was returned.
    #[must_use]
    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.0.attempts = attempts;
        self
    }

    /// What kind of error this is.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The service error, when STS answered with an `<ErrorResponse>`.
    #[must_use]
    pub fn service_error(&self) -> Option<&ServiceError> {
        match &self.0.detail {
            Detail::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The service error code, when STS answered with an `<ErrorResponse>`.
    #[must_use]
    pub fn code(&self) -> Option<&ErrorCode> {
        self.service_error().map(ServiceError::code)
    }

    /// For [`ErrorKind::InvalidInput`]: the request member that broke a constraint.
    #[must_use]
    pub fn field(&self) -> Option<&'static str> {
        match &self.0.detail {
            Detail::InvalidInput { field, .. } => Some(field),
            _ => None,
        }
    }

    /// How many attempts were made (1 unless the call was retried).
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.detail {
            Detail::Message(m) => f.write_str(m)?,
            Detail::InvalidInput { field, rule } => write!(f, "invalid input: {field} {rule}")?,
            Detail::Service(e) => fmt::Display::fmt(e, f)?,
        }
        if self.0.attempts > 1 {
            write!(f, " (after {} attempts)", self.0.attempts)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.0.kind);
        match &self.0.detail {
            Detail::Message(m) => d.field("message", m),
            Detail::InvalidInput { field, rule } => d.field("field", field).field("rule", rule),
            Detail::Service(e) => d.field("service", e),
        };
        if self.0.attempts > 1 {
            d.field("attempts", &self.0.attempts);
        }
        if let Some(s) = &self.0.source {
            d.field("source", s);
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// An error answer from STS: `<ErrorResponse><Error><Code>…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    code: ErrorCode,
    message: String,
    request_id: Option<String>,
    status: u16,
}

impl ServiceError {
    /// A service error with the wire `code`, `message`, `request_id` and HTTP `status`.
    #[must_use]
    pub fn new(code: &str, message: String, request_id: Option<String>, status: u16) -> Self {
        Self {
            code: ErrorCode::from_wire(code),
            message,
            request_id,
            status,
        }
    }

    /// Parses an `<ErrorResponse>` body (with or without namespace, `<Error>` or
    /// `<Errors><Error>`) received with HTTP `status`; `None` when the body is not one.
    #[must_use]
    pub fn from_xml(body: &str, status: u16) -> Option<Self> {
        let doc = crate::xml::parse(body).ok()?;
        crate::xml::service_error_from_doc(&doc, status)
    }

    /// The error code, matchable for the known STS codes.
    #[must_use]
    pub fn code(&self) -> &ErrorCode {
        &self.code
    }

    /// The human-readable message STS sent (may be empty).
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The `RequestId` of the failed call, when STS sent one.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The HTTP status code of the response.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sts error {} (http {})", self.code.as_str(), self.status)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident => $wire:literal,)*) => {
        /// An STS error code. The codes modelled by STS and the common AWS ones are variants;
        /// any other code is kept as [`ErrorCode::Other`].
        #[non_exhaustive]
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
            /// A code tinysts does not know, kept as sent.
            Other(String),
        }

        impl ErrorCode {
            /// Maps a wire code (`<Code>` text) to a variant.
            #[must_use]
            pub fn from_wire(code: &str) -> Self {
                match code {
                    $($wire => Self::$variant,)*
                    other => Self::Other(other.to_owned()),
                }
            }

            /// The code as sent on the wire.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Other(s) => s,
                }
            }
        }
    };
}

error_codes! {
    /// The web identity token or SAML assertion has expired, or the caller's token has.
    ExpiredToken => "ExpiredTokenException",
    /// The trade-in token of `GetDelegatedAccessToken` has expired.
    ExpiredTradeInToken => "ExpiredTradeInTokenException",
    /// STS could not reach the identity provider (retryable).
    IdpCommunicationError => "IDPCommunicationError",
    /// The identity provider rejected the claim.
    IdpRejectedClaim => "IDPRejectedClaim",
    /// The message passed to `DecodeAuthorizationMessage` is invalid.
    InvalidAuthorizationMessage => "InvalidAuthorizationMessageException",
    /// The web identity token is invalid.
    InvalidIdentityToken => "InvalidIdentityToken",
    /// The JWT payload of `GetWebIdentityToken` is too large.
    JwtPayloadSizeExceeded => "JWTPayloadSizeExceededException",
    /// The policy document is malformed.
    MalformedPolicyDocument => "MalformedPolicyDocument",
    /// Outbound web identity federation is disabled for the account.
    OutboundWebIdentityFederationDisabled => "OutboundWebIdentityFederationDisabledException",
    /// The packed policies and tags are too large.
    PackedPolicyTooLarge => "PackedPolicyTooLarge",
    /// STS is not activated in the requested region.
    RegionDisabled => "RegionDisabledException",
    /// The requested session duration exceeds what the caller's session allows.
    SessionDurationEscalation => "SessionDurationEscalationException",
    /// The caller is not allowed to perform the action.
    AccessDenied => "AccessDenied",
    /// The caller's security token has expired.
    ExpiredTokenCommon => "ExpiredToken",
    /// The access key id does not exist.
    InvalidClientTokenId => "InvalidClientTokenId",
    /// The signature does not match the one STS computed.
    SignatureDoesNotMatch => "SignatureDoesNotMatch",
    /// The `Authorization` header is incomplete.
    IncompleteSignature => "IncompleteSignature",
    /// The request carried no credentials.
    MissingAuthenticationToken => "MissingAuthenticationToken",
    /// The request's timestamp is too far from STS's clock.
    RequestExpired => "RequestExpired",
    /// The request was throttled.
    Throttling => "Throttling",
    /// STS failed internally (retryable).
    InternalFailure => "InternalFailure",
    /// STS is unavailable (retryable).
    ServiceUnavailable => "ServiceUnavailable",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_pointer_and_send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Error>();
        assert_send_sync::<ServiceError>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn wire_codes_round_trip() {
        for code in [
            "IDPCommunicationError",
            "ExpiredTokenException",
            "ExpiredToken",
            "Throttling",
        ] {
            assert_eq!(ErrorCode::from_wire(code).as_str(), code);
            assert!(!matches!(ErrorCode::from_wire(code), ErrorCode::Other(_)));
        }
        assert_eq!(
            ErrorCode::from_wire("Nope"),
            ErrorCode::Other("Nope".into())
        );
    }

    #[test]
    fn display_texts_are_pinned() {
        let e = Error::invalid_input("RoleArn", "must be at least 20 characters");
        assert_eq!(
            e.to_string(),
            "invalid input: RoleArn must be at least 20 characters"
        );
        assert_eq!(e.field(), Some("RoleArn"));
        let s = ServiceError::new("AccessDenied", "no".into(), Some("r-1".into()), 403);
        let e = Error::service(s).with_attempts(3);
        assert_eq!(
            e.to_string(),
            "sts error AccessDenied (http 403): no [request id r-1] (after 3 attempts)"
        );
        assert_eq!(e.code(), Some(&ErrorCode::AccessDenied));
        assert_eq!(e.kind(), ErrorKind::Service);
    }
}
