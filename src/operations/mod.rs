//! One module per STS operation: the request (with `validate()` and the awsQuery encoding) and
//! the response (parsed from XML).
//!
//! Requests are plain structs: build one with `new(required…)`, set optional members by
//! mutation, check it with `validate()` (every length, pattern, range and list-size constraint
//! of the STS model) and see its form body with `to_query()`. Responses are plain data parsed by
//! `from_xml()`: unknown elements are ignored, elements may come in any order, with or without
//! the STS namespace, and a missing required element is an [`ErrorKind::InvalidResponse`]
//! error naming it.
//!
//! ```
//! use tinysts::{AssumeRoleRequest, ErrorKind, Tag};
//!
//! let mut req = AssumeRoleRequest::new("arn:aws:iam::123456789012:role/demo", "build-42");
//! req.duration_seconds = Some(900);
//! req.tags.push(Tag::new("team", "blue"));
//! req.validate()?;
//! assert!(req.to_query().starts_with("Action=AssumeRole&Version=2011-06-15&RoleArn="));
//!
//! req.role_session_name = "has a space".into();
//! let err = req.validate().unwrap_err();
//! assert_eq!((err.kind(), err.field()), (ErrorKind::InvalidInput, Some("RoleSessionName")));
//! # Ok::<(), tinysts::Error>(())
//! ```
//!
//! [`ErrorKind::InvalidResponse`]: crate::ErrorKind::InvalidResponse

use crate::Error;
use crate::query::QueryWriter;

mod assume_role;
mod assume_role_with_saml;
mod assume_role_with_web_identity;
mod assume_root;
mod decode_authorization_message;
mod get_access_key_info;
mod get_caller_identity;
mod get_delegated_access_token;
mod get_federation_token;
mod get_session_token;
mod get_web_identity_token;
mod types;
pub(crate) mod validate;

pub use assume_role::{AssumeRoleRequest, AssumeRoleResponse};
pub use assume_role_with_saml::{AssumeRoleWithSamlRequest, AssumeRoleWithSamlResponse};
pub use assume_role_with_web_identity::{
    AssumeRoleWithWebIdentityRequest, AssumeRoleWithWebIdentityResponse,
};
pub use assume_root::{AssumeRootRequest, AssumeRootResponse};
pub use decode_authorization_message::{
    DecodeAuthorizationMessageRequest, DecodeAuthorizationMessageResponse,
};
pub use get_access_key_info::{GetAccessKeyInfoRequest, GetAccessKeyInfoResponse};
pub use get_caller_identity::{GetCallerIdentityRequest, GetCallerIdentityResponse};
pub use get_delegated_access_token::{
    GetDelegatedAccessTokenRequest, GetDelegatedAccessTokenResponse,
};
pub use get_federation_token::{GetFederationTokenRequest, GetFederationTokenResponse};
pub use get_session_token::{GetSessionTokenRequest, GetSessionTokenResponse};
pub use get_web_identity_token::{GetWebIdentityTokenRequest, GetWebIdentityTokenResponse};
pub use types::{AssumedRoleUser, FederatedUser, PolicyDescriptorType, ProvidedContext, Tag};

/// What the client needs of an operation: its name, whether it is signed, its validation and
/// encoding, and how to parse its answer.
// `SIGNED`, `validate` and `parse` are for the client (src/client.rs), which lands separately.
#[allow(dead_code)]
pub(crate) trait Operation {
    /// The `Action` name.
    const ACTION: &'static str;
    /// Whether the request is signed (`AssumeRoleWithSAML` and `AssumeRoleWithWebIdentity` are not).
    const SIGNED: bool = true;
    /// The parsed response.
    type Output;
    /// Checks every constraint of the model.
    fn validate(&self) -> Result<(), Error>;
    /// Writes the members after `Action` and `Version`.
    fn write_members(&self, w: &mut QueryWriter);
    /// Parses a 2xx response body.
    fn parse(body: &str) -> Result<Self::Output, Error>;
}

/// Adds the public `to_query()` of a request: its whole form body.
macro_rules! impl_to_query {
    ($request:ty) => {
        impl $request {
            /// The awsQuery form body this request is sent as: `Action`, `Version`, then the
            /// members in model order, encoded as botocore encodes them. It does not validate.
            #[must_use]
            pub fn to_query(&self) -> String {
                let mut w = $crate::query::QueryWriter::new(
                    <Self as $crate::operations::Operation>::ACTION,
                );
                <Self as $crate::operations::Operation>::write_members(self, &mut w);
                w.finish()
            }
        }
    };
}
pub(crate) use impl_to_query;

#[cfg(test)]
mod tests {
    use super::*;

    fn meta<O: Operation>() -> (&'static str, bool) {
        (O::ACTION, O::SIGNED)
    }

    #[test]
    fn actions_and_signing() {
        assert_eq!(meta::<AssumeRoleRequest>(), ("AssumeRole", true));
        assert_eq!(
            meta::<AssumeRoleWithSamlRequest>(),
            ("AssumeRoleWithSAML", false)
        );
        assert_eq!(
            meta::<AssumeRoleWithWebIdentityRequest>(),
            ("AssumeRoleWithWebIdentity", false)
        );
        assert_eq!(meta::<AssumeRootRequest>(), ("AssumeRoot", true));
        assert_eq!(
            meta::<DecodeAuthorizationMessageRequest>(),
            ("DecodeAuthorizationMessage", true)
        );
        assert_eq!(
            meta::<GetAccessKeyInfoRequest>(),
            ("GetAccessKeyInfo", true)
        );
        assert_eq!(
            meta::<GetCallerIdentityRequest>(),
            ("GetCallerIdentity", true)
        );
        assert_eq!(
            meta::<GetDelegatedAccessTokenRequest>(),
            ("GetDelegatedAccessToken", true)
        );
        assert_eq!(
            meta::<GetFederationTokenRequest>(),
            ("GetFederationToken", true)
        );
        assert_eq!(meta::<GetSessionTokenRequest>(), ("GetSessionToken", true));
        assert_eq!(
            meta::<GetWebIdentityTokenRequest>(),
            ("GetWebIdentityToken", true)
        );
    }

    #[test]
    fn trait_methods_are_the_inherent_ones() {
        let bad = AssumeRoleRequest::new("arn:short", "s");
        let e = Operation::validate(&bad).err();
        assert_eq!(e.as_ref().and_then(Error::field), Some("RoleArn"));
        let body = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/u</Arn>\
                    <UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult>\
                    <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
        let out = <GetCallerIdentityRequest as Operation>::parse(body).ok();
        assert_eq!(out.as_ref().map(|o| o.request_id.as_str()), Some("r-1"));
        assert_eq!(out, GetCallerIdentityResponse::from_xml(body).ok());
        let mut w = QueryWriter::new(GetAccessKeyInfoRequest::ACTION);
        GetAccessKeyInfoRequest::new("AKIAIOSFODNN7EXAMPLE").write_members(&mut w);
        assert_eq!(
            w.finish(),
            "Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=AKIAIOSFODNN7EXAMPLE"
        );
    }
}
