//! `GetCallerIdentity`: who the signing credentials belong to.

use super::types::{elements, envelope, required, text};
use super::{Operation, impl_to_query};
use crate::query::QueryWriter;
use crate::{Error, xml};

/// The input of
/// [GetCallerIdentity](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html):
/// the identity whose credentials sign the call. It has no members.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GetCallerIdentityRequest {}

impl GetCallerIdentityRequest {
    /// The request (it has no members).
    #[must_use]
    pub fn new() -> Self {
        Self {}
    }

    /// Checks the request; there is nothing to check.
    ///
    /// # Errors
    ///
    /// Never: the request has no members.
    pub fn validate(&self) -> Result<(), Error> {
        Ok(())
    }
}

impl Operation for GetCallerIdentityRequest {
    const ACTION: &'static str = "GetCallerIdentity";
    type Output = GetCallerIdentityResponse;

    fn validate(&self) -> Result<(), Error> {
        GetCallerIdentityRequest::validate(self)
    }

    fn write_members(&self, _w: &mut QueryWriter) {}

    fn parse(body: &str) -> Result<GetCallerIdentityResponse, Error> {
        GetCallerIdentityResponse::from_xml(body)
    }
}

impl_to_query!(GetCallerIdentityRequest);

/// The output of
/// [GetCallerIdentity](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetCallerIdentityResponse {
    /// `UserId`: the unique id of the caller (`AIDA…`, or `AROA…:session` for a role session).
    pub user_id: String,
    /// `Account`: the 12-digit account id.
    pub account: String,
    /// `Arn`: the caller's ARN.
    pub arn: String,
    /// `ResponseMetadata/RequestId`.
    pub request_id: String,
}

impl GetCallerIdentityResponse {
    /// Parses a `<GetCallerIdentityResponse>` body.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidResponse`](crate::ErrorKind::InvalidResponse) when the body is not
    /// XML, has another root, or misses `UserId`, `Account` or `Arn`;
    /// [`ErrorKind::Service`](crate::ErrorKind::Service) when it is an `<ErrorResponse>`.
    pub fn from_xml(body: &str) -> Result<Self, Error> {
        let doc = xml::parse(body)?;
        let (result, request_id) =
            envelope(&doc, "GetCallerIdentityResponse", "GetCallerIdentityResult")?;
        let (mut user_id, mut account, mut arn) = (None, None, None);
        for n in elements(result) {
            match n.tag_name().name() {
                "UserId" => user_id = Some(text(n)),
                "Account" => account = Some(text(n)),
                "Arn" => arn = Some(text(n)),
                _ => {}
            }
        }
        Ok(Self {
            user_id: required(user_id, "UserId")?.to_owned(),
            account: required(account, "Account")?.to_owned(),
            arn: required(arn, "Arn")?.to_owned(),
            request_id,
        })
    }
}
