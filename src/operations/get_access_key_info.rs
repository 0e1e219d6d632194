//! `GetAccessKeyInfo`: the account an access key id belongs to.

use super::types::{elements, envelope, required, text};
use super::validate::{self, Pattern};
use super::{Operation, impl_to_query};
use crate::query::QueryWriter;
use crate::{Error, xml};

/// The input of
/// [GetAccessKeyInfo](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html):
/// the account that owns an access key id.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetAccessKeyInfoRequest {
    /// `AccessKeyId`: the key id to look up (16 to 128 characters of `[\w]`).
    pub access_key_id: String,
}

impl GetAccessKeyInfoRequest {
    /// A request for the account of `access_key_id`.
    #[must_use]
    pub fn new(access_key_id: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
        }
    }

    /// Checks every constraint of the STS model on this request.
    ///
    /// # Errors
    ///
    /// An [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error when the key id
    /// breaks its length or pattern.
    pub fn validate(&self) -> Result<(), Error> {
        validate::string(
            "AccessKeyId",
            None,
            &self.access_key_id,
            16,
            Some(128),
            Some(Pattern::Word),
        )
    }
}

impl Operation for GetAccessKeyInfoRequest {
    const ACTION: &'static str = "GetAccessKeyInfo";
    type Output = GetAccessKeyInfoResponse;

    fn validate(&self) -> Result<(), Error> {
        GetAccessKeyInfoRequest::validate(self)
    }

    fn write_members(&self, w: &mut QueryWriter) {
        w.string("AccessKeyId", &self.access_key_id);
    }

    fn parse(body: &str) -> Result<GetAccessKeyInfoResponse, Error> {
        GetAccessKeyInfoResponse::from_xml(body)
    }
}

impl_to_query!(GetAccessKeyInfoRequest);

/// The output of
/// [GetAccessKeyInfo](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetAccessKeyInfoResponse {
    /// `Account`: the 12-digit account id that owns the key.
    pub account: String,
    /// `ResponseMetadata/RequestId`.
    pub request_id: String,
}

impl GetAccessKeyInfoResponse {
    /// Parses a `<GetAccessKeyInfoResponse>` body.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidResponse`](crate::ErrorKind::InvalidResponse) when the body is not
    /// XML, has another root, or misses `Account`;
    /// [`ErrorKind::Service`](crate::ErrorKind::Service) when it is an `<ErrorResponse>`.
    pub fn from_xml(body: &str) -> Result<Self, Error> {
        let doc = xml::parse(body)?;
        let (result, request_id) =
            envelope(&doc, "GetAccessKeyInfoResponse", "GetAccessKeyInfoResult")?;
        let mut account = None;
        for n in elements(result) {
            if n.tag_name().name() == "Account" {
                account = Some(text(n).to_owned());
            }
        }
        Ok(Self {
            account: required(account, "Account")?,
            request_id,
        })
    }
}
