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
