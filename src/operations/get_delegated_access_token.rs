//! `GetDelegatedAccessToken`: credentials in exchange for a trade-in token.

use std::fmt;

use super::types::{self, REDACTED, elements, envelope, required, text};
use super::{Operation, impl_to_query};
use crate::query::QueryWriter;
use crate::{Credentials, Error, xml};

/// The input of
/// [GetDelegatedAccessToken](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetDelegatedAccessToken.html):
/// temporary credentials of the principal a trade-in token stands for.
///
/// `Debug` redacts the trade-in token.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub struct GetDelegatedAccessTokenRequest {
    /// `TradeInToken`: the token to exchange (secret; the model sets no length limits).
    pub trade_in_token: String,
}

impl GetDelegatedAccessTokenRequest {
    /// A request exchanging `trade_in_token`.
    #[must_use]
    pub fn new(trade_in_token: impl Into<String>) -> Self {
        Self {
            trade_in_token: trade_in_token.into(),
        }
    }

    /// Checks the request. The model puts no constraint on `TradeInToken`, so this always
    /// passes; it exists so every request checks the same way.
    ///
    /// # Errors
    ///
    /// Never, for the current model.
    pub fn validate(&self) -> Result<(), Error> {
        Ok(())
    }
}

impl fmt::Debug for GetDelegatedAccessTokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetDelegatedAccessTokenRequest")
            .field("trade_in_token", &REDACTED)
            .finish()
    }
}

impl Operation for GetDelegatedAccessTokenRequest {
    const ACTION: &'static str = "GetDelegatedAccessToken";
    type Output = GetDelegatedAccessTokenResponse;

    fn validate(&self) -> Result<(), Error> {
        GetDelegatedAccessTokenRequest::validate(self)
    }

    fn write_members(&self, w: &mut QueryWriter) {
        w.string("TradeInToken", &self.trade_in_token);
    }

    fn parse(body: &str) -> Result<GetDelegatedAccessTokenResponse, Error> {
        GetDelegatedAccessTokenResponse::from_xml(body)
    }
}

impl_to_query!(GetDelegatedAccessTokenRequest);

/// The output of
/// [GetDelegatedAccessToken](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetDelegatedAccessToken.html).
/// `Debug` redacts the credentials' secrets.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetDelegatedAccessTokenResponse {
    /// `Credentials`: the temporary credentials.
    pub credentials: Credentials,
    /// `PackedPolicySize`: the percentage of the allowed size the session policies use.
    pub packed_policy_size: Option<u32>,
    /// `AssumedPrincipal`: the ARN of the principal whose permissions the credentials carry.
    pub assumed_principal: Option<String>,
    /// `ResponseMetadata/RequestId`.
    pub request_id: String,
}

impl GetDelegatedAccessTokenResponse {
    /// Parses a `<GetDelegatedAccessTokenResponse>` body.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidResponse`](crate::ErrorKind::InvalidResponse) when the body is not
    /// XML, has another root, or misses a required element (the error names it);
    /// [`ErrorKind::Service`](crate::ErrorKind::Service) when it is an `<ErrorResponse>`.
    pub fn from_xml(body: &str) -> Result<Self, Error> {
        let doc = xml::parse(body)?;
        let (result, request_id) = envelope(
            &doc,
            "GetDelegatedAccessTokenResponse",
            "GetDelegatedAccessTokenResult",
        )?;
        let (mut credentials, mut size, mut principal) = (None, None, None);
        for n in elements(result) {
            match n.tag_name().name() {
                "Credentials" => credentials = Some(types::parse_credentials(n)?),
                "PackedPolicySize" => size = Some(types::parse_packed_policy_size(n)?),
                "AssumedPrincipal" => principal = Some(text(n).to_owned()),
                _ => {}
            }
        }
        Ok(Self {
            credentials: required(credentials, "Credentials")?,
            packed_policy_size: size,
            assumed_principal: principal,
            request_id,
        })
    }
}
