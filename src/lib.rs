//! A blocking, minimal AWS STS client: one synchronous function per STS operation.
//!
//! ```no_run
//! use tinysts::client::Client;
//! use tinysts::{Credentials, GetCallerIdentityRequest};
//!
//! # fn main() -> Result<(), tinysts::Error> {
//! let client = Client::new("us-east-1", Credentials::from_env()?)?;
//! let me = client.get_caller_identity(&GetCallerIdentityRequest::new())?;
//! println!("{} in account {}", me.arn, me.account);
//! # Ok(())
//! # }
//! ```
//!
//! Each call validates its request against the STS model (every length, pattern, range and
//! list-size constraint) before anything is sent, writes the awsQuery form body
//! ([`query`]), signs it with `SigV4` computed with `hmac` + `sha2` ([`sigv4`]), sends it with
//! `ureq` over the endpoint the rule set picks ([`endpoint`]), and parses the XML answer with
//! `roxmltree` into plain structs ([`operations`]). No async runtime, seven small dependencies.
//!
//! - One [`Credentials`] type both signs and comes back from STS, so role chaining is a line.
//! - One [`Error`] type, one pointer wide, with a matchable [`ErrorKind`] and, for STS's own
//!   answers, a matchable [`ErrorCode`]. No error text ever contains a secret, and `Debug` of
//!   every type holding one redacts it.
//! - The [`client::Client`] retries in the SDKs' "standard" mode and corrects a skewed clock.
//! - [`client::Client::from_env`] finds credentials and settings as the AWS CLI does: the
//!   environment, `~/.aws/config` and `~/.aws/credentials` profiles (role chaining, MFA through
//!   a callback, web identity, `credential_process`, IAM Identity Center (SSO) after
//!   `aws sso login`), container and instance credentials; see
//!   [`credentials`] and [`config`]. Assumed-role credentials are cached and refreshed ahead of
//!   expiry, once for all threads.
//! - [`presign`] makes presigned `GetCallerIdentity` URLs, EKS tokens and Vault login data;
//!   [`export`] prints credentials as `aws configure export-credentials` does.
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

mod base64;
pub mod client;
pub mod config;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod export;
mod json;
pub mod operations;
pub mod presign;
pub mod query;
mod sha1;
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

/// The README's examples, compiled as doctests so they cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
