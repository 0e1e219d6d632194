//! `GetWebIdentityToken`: a signed JWT that represents the caller, for outbound federation.

use std::fmt;
use std::time::SystemTime;

use super::types::{self, REDACTED, Tag, check_tags, elements, envelope, numbered, required, text};
use super::validate;
use super::{Operation, impl_to_query};
use crate::query::QueryWriter;
use crate::{Error, xml};

/// The input of
/// [GetWebIdentityToken](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetWebIdentityToken.html):
/// a JSON Web Token signed by STS that external services can verify through OIDC discovery.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetWebIdentityTokenRequest {
    /// `Audience`: the token's `aud` values, 1 to 10 of 1 to 1000 characters each.
    pub audience: Vec<String>,
    /// `DurationSeconds`: the token's lifetime, 60 to 3600 (STS's default is 300).
    pub duration_seconds: Option<i32>,
    /// `SigningAlgorithm`: `RS256` or `ES384` (exactly 5 characters in the model).
    pub signing_algorithm: String,
    /// `Tags`: custom claims added to the token, at most 50.
    pub tags: Vec<Tag>,
}

impl GetWebIdentityTokenRequest {
    /// A request for a token for `audience`, signed with `signing_algorithm`.
    #[must_use]
    pub fn new<S: Into<String>>(
        audience: impl IntoIterator<Item = S>,
        signing_algorithm: impl Into<String>,
    ) -> Self {
        Self {
            audience: audience.into_iter().map(Into::into).collect(),
            duration_seconds: None,
            signing_algorithm: signing_algorithm.into(),
            tags: Vec::new(),
        }
    }

    /// Checks every constraint of the STS model on this request.
    ///
    /// # Errors
    ///
    /// An [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error naming the first
    /// member that breaks a length, range or list-size constraint.
    pub fn validate(&self) -> Result<(), Error> {
        validate::list_len("Audience", &self.audience, true, 1, Some(10))?;
        for (i, a) in numbered(&self.audience) {
            validate::string("Audience", Some(i), a, 1, Some(1000), None)?;
        }
        validate::opt_range("DurationSeconds", self.duration_seconds, 60, 3600)?;
        validate::string(
            "SigningAlgorithm",
            None,
            &self.signing_algorithm,
            5,
            Some(5),
            None,
        )?;
        check_tags(&self.tags)
    }
}

impl Operation for GetWebIdentityTokenRequest {
    const ACTION: &'static str = "GetWebIdentityToken";
    type Output = GetWebIdentityTokenResponse;

    fn validate(&self) -> Result<(), Error> {
        GetWebIdentityTokenRequest::validate(self)
    }

    fn write_members(&self, w: &mut QueryWriter) {
        // A required list: botocore writes `Audience=` for an empty one, and so do we.
        w.string_list("Audience", &self.audience);
        w.opt_integer("DurationSeconds", self.duration_seconds.map(i64::from));
        w.string("SigningAlgorithm", &self.signing_algorithm);
        types::write_tags(w, &self.tags);
    }

    fn parse(body: &str) -> Result<GetWebIdentityTokenResponse, Error> {
        GetWebIdentityTokenResponse::from_xml(body)
    }
}

impl_to_query!(GetWebIdentityTokenRequest);

/// The output of
/// [GetWebIdentityToken](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetWebIdentityToken.html).
///
/// `Debug` redacts the token.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub struct GetWebIdentityTokenResponse {
    /// `WebIdentityToken`: the signed JWT (secret: it proves the caller's identity).
    pub web_identity_token: String,
    /// `Expiration`: when the token expires.
    pub expiration: SystemTime,
    /// `ResponseMetadata/RequestId`.
    pub request_id: String,
}

impl fmt::Debug for GetWebIdentityTokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetWebIdentityTokenResponse")
            .field("web_identity_token", &REDACTED)
            .field("expiration", &self.expiration)
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl GetWebIdentityTokenResponse {
    /// Parses a `<GetWebIdentityTokenResponse>` body.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidResponse`](crate::ErrorKind::InvalidResponse) when the body is not
    /// XML, has another root, or misses `WebIdentityToken` or `Expiration`;
    /// [`ErrorKind::Service`](crate::ErrorKind::Service) when it is an `<ErrorResponse>`.
    pub fn from_xml(body: &str) -> Result<Self, Error> {
        let doc = xml::parse(body)?;
        let (result, request_id) = envelope(
            &doc,
            "GetWebIdentityTokenResponse",
            "GetWebIdentityTokenResult",
        )?;
        let (mut token, mut expiration) = (None, None);
        for n in elements(result) {
            match n.tag_name().name() {
                "WebIdentityToken" => token = Some(text(n).to_owned()),
                "Expiration" => expiration = Some(types::parse_time(text(n), "Expiration")?),
                _ => {}
            }
        }
        Ok(Self {
            web_identity_token: required(token, "WebIdentityToken")?,
            expiration: required(expiration, "Expiration")?,
            request_id,
        })
    }
}
