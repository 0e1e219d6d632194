//! tinysts: a blocking, minimal AWS STS client.
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod client;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod operations;
pub mod query;
pub mod sigv4;
mod xml;

pub use credentials::{Credentials, ProvideCredentials};
pub use error::{Error, ErrorCode, ErrorKind, ServiceError};
pub use operations::{
    AssumeRoleRequest, AssumeRoleResponse, AssumeRoleWithSamlRequest, AssumeRoleWithSamlResponse,
    AssumeRoleWithWebIdentityRequest, AssumeRoleWithWebIdentityResponse, AssumeRootRequest,
    AssumeRootResponse, AssumedRoleUser, DecodeAuthorizationMessageRequest,
    DecodeAuthorizationMessageResponse, FederatedUser, GetAccessKeyInfoRequest,
    GetAccessKeyInfoResponse, GetCallerIdentityRequest, GetCallerIdentityResponse,
    GetDelegatedAccessTokenRequest, GetDelegatedAccessTokenResponse, GetFederationTokenRequest,
    GetFederationTokenResponse, GetSessionTokenRequest, GetSessionTokenResponse,
    GetWebIdentityTokenRequest, GetWebIdentityTokenResponse, PolicyDescriptorType, ProvidedContext,
    Tag,
};
