//! tinysts: a blocking, minimal AWS STS client.
// unwrap, expect, panic and indexing are warned crate-wide (Cargo.toml): nothing may panic on
// data from the network or from a user's files. Unit tests may.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
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
