//! `GetSessionToken`: temporary credentials for an IAM user or the root user, with MFA.

use std::fmt;

use super::types::{self, elements, envelope, redact, required};
use super::validate;
use super::{Operation, impl_to_query};
use crate::query::QueryWriter;
use crate::{Credentials, Error, xml};

/// The input of
/// [GetSessionToken](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html):
/// temporary credentials for the calling IAM user, typically to prove MFA.
///
/// `Debug` redacts the MFA code.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq, Default)]
pub struct GetSessionTokenRequest {
    /// `DurationSeconds`: the session duration, 900 to 129600.
    pub duration_seconds: Option<i32>,
    /// `SerialNumber`: the MFA device's serial number or ARN, 9 to 256 characters.
    pub serial_number: Option<String>,
    /// `TokenCode`: the six-digit MFA code (secret).
    pub token_code: Option<String>,
}

impl GetSessionTokenRequest {
    /// A request with no optional members set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks every constraint of the STS model on this request.
    ///
    /// # Errors
    ///
    /// An [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error naming the first
    /// member that breaks a length, pattern or range constraint.
    pub fn validate(&self) -> Result<(), Error> {
        validate::opt_range("DurationSeconds", self.duration_seconds, 900, 129_600)?;
        types::check_mfa(self.serial_number.as_deref(), self.token_code.as_deref())
    }
}

impl fmt::Debug for GetSessionTokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetSessionTokenRequest")
            .field("duration_seconds", &self.duration_seconds)
            .field("serial_number", &self.serial_number)
            .field("token_code", &redact(self.token_code.as_ref()))
            .finish()
    }
}

impl Operation for GetSessionTokenRequest {
    const ACTION: &'static str = "GetSessionToken";
    type Output = GetSessionTokenResponse;

    fn validate(&self) -> Result<(), Error> {
        GetSessionTokenRequest::validate(self)
    }

    fn write_members(&self, w: &mut QueryWriter) {
        w.opt_integer("DurationSeconds", self.duration_seconds.map(i64::from));
        w.opt_string("SerialNumber", self.serial_number.as_deref());
        w.opt_string("TokenCode", self.token_code.as_deref());
    }

    fn parse(body: &str) -> Result<GetSessionTokenResponse, Error> {
        GetSessionTokenResponse::from_xml(body)
    }
}

impl_to_query!(GetSessionTokenRequest);

/// The output of
/// [GetSessionToken](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetSessionTokenResponse {
    /// `Credentials`: the temporary credentials.
    pub credentials: Credentials,
    /// `ResponseMetadata/RequestId`.
    pub request_id: String,
}

impl GetSessionTokenResponse {
    /// Parses a `<GetSessionTokenResponse>` body.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidResponse`](crate::ErrorKind::InvalidResponse) when the body is not
    /// XML, has another root, or misses a required element (the error names it);
    /// [`ErrorKind::Service`](crate::ErrorKind::Service) when it is an `<ErrorResponse>`.
    pub fn from_xml(body: &str) -> Result<Self, Error> {
        let doc = xml::parse(body)?;
        let (result, request_id) =
            envelope(&doc, "GetSessionTokenResponse", "GetSessionTokenResult")?;
        let mut credentials = None;
        for n in elements(result) {
            if n.tag_name().name() == "Credentials" {
                credentials = Some(types::parse_credentials(n)?);
            }
        }
        Ok(Self {
            credentials: required(credentials, "Credentials")?,
            request_id,
        })
    }
}
