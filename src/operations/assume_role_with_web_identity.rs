//! `AssumeRoleWithWebIdentity`: temporary credentials for a role, in exchange for an OIDC or
//! OAuth 2.0 token.

use std::fmt;

use super::types::{
    self, PolicyDescriptorType, REDACTED, check_arn, check_policy_arns, check_session_policy,
    elements, envelope, required, text,
};
use super::validate::{self, Pattern};
use super::{Operation, impl_to_query};
use crate::query::QueryWriter;
use crate::{AssumedRoleUser, Credentials, Error, xml};

/// The input of
/// [AssumeRoleWithWebIdentity](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html):
/// temporary credentials for `role_arn` in exchange for a web identity token. The request is
/// not signed.
///
/// `Debug` redacts the web identity token.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub struct AssumeRoleWithWebIdentityRequest {
    /// `RoleArn`: the ARN of the role to assume (20 to 2048 characters).
    pub role_arn: String,
    /// `RoleSessionName`: the session name, 2 to 64 characters of `[\w+=,.@-]`.
    pub role_session_name: String,
    /// `WebIdentityToken`: the OIDC ID token or OAuth 2.0 access token (4 to 20000
    /// characters; secret).
    pub web_identity_token: String,
    /// `ProviderId`: for OAuth 2.0 providers only, their domain (4 to 2048 characters).
    pub provider_id: Option<String>,
    /// `PolicyArns`: managed policies used as session policies.
    pub policy_arns: Vec<PolicyDescriptorType>,
    /// `Policy`: an inline session policy in JSON (1 to 2048 characters).
    pub policy: Option<String>,
    /// `DurationSeconds`: the session duration, 900 to 43200.
    pub duration_seconds: Option<i32>,
}

impl AssumeRoleWithWebIdentityRequest {
    /// A request to assume `role_arn` as `role_session_name` with `web_identity_token`.
    #[must_use]
    pub fn new(
        role_arn: impl Into<String>,
        role_session_name: impl Into<String>,
        web_identity_token: impl Into<String>,
    ) -> Self {
        Self {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            web_identity_token: web_identity_token.into(),
            provider_id: None,
            policy_arns: Vec::new(),
            policy: None,
            duration_seconds: None,
        }
    }

    /// Checks every constraint of the STS model on this request.
    ///
    /// # Errors
    ///
    /// An [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error naming the first
    /// member that breaks a length, pattern, range or list-size constraint.
    pub fn validate(&self) -> Result<(), Error> {
        check_arn("RoleArn", None, &self.role_arn)?;
        validate::string(
            "RoleSessionName",
            None,
            &self.role_session_name,
            2,
            Some(64),
            Some(Pattern::Name),
        )?;
        validate::string(
            "WebIdentityToken",
            None,
            &self.web_identity_token,
            4,
            Some(20_000),
            None,
        )?;
        validate::opt_string(
            "ProviderId",
            self.provider_id.as_deref(),
            4,
            Some(2048),
            None,
        )?;
        check_policy_arns(&self.policy_arns)?;
        check_session_policy(self.policy.as_deref())?;
        validate::opt_range("DurationSeconds", self.duration_seconds, 900, 43200)
    }
}

impl fmt::Debug for AssumeRoleWithWebIdentityRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleWithWebIdentityRequest")
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("web_identity_token", &REDACTED)
            .field("provider_id", &self.provider_id)
            .field("policy_arns", &self.policy_arns)
            .field("policy", &self.policy)
            .field("duration_seconds", &self.duration_seconds)
            .finish()
    }
}

impl Operation for AssumeRoleWithWebIdentityRequest {
    const ACTION: &'static str = "AssumeRoleWithWebIdentity";
    const SIGNED: bool = false;
    type Output = AssumeRoleWithWebIdentityResponse;

    fn validate(&self) -> Result<(), Error> {
        AssumeRoleWithWebIdentityRequest::validate(self)
    }

    fn write_members(&self, w: &mut QueryWriter) {
        w.string("RoleArn", &self.role_arn);
        w.string("RoleSessionName", &self.role_session_name);
        w.string("WebIdentityToken", &self.web_identity_token);
        w.opt_string("ProviderId", self.provider_id.as_deref());
        types::write_policy_arns(w, &self.policy_arns);
        w.opt_string("Policy", self.policy.as_deref());
        w.opt_integer("DurationSeconds", self.duration_seconds.map(i64::from));
    }

    fn parse(body: &str) -> Result<AssumeRoleWithWebIdentityResponse, Error> {
        AssumeRoleWithWebIdentityResponse::from_xml(body)
    }
}

impl_to_query!(AssumeRoleWithWebIdentityRequest);

/// The output of
/// [AssumeRoleWithWebIdentity](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleWithWebIdentityResponse {
    /// `Credentials`: the temporary credentials of the role session.
    pub credentials: Credentials,
    /// `SubjectFromWebIdentityToken`: the token's `sub` claim.
    pub subject_from_web_identity_token: Option<String>,
    /// `AssumedRoleUser`: the session's id and ARN.
    pub assumed_role_user: AssumedRoleUser,
    /// `PackedPolicySize`: the percentage of the allowed size the session policies and tags use.
    pub packed_policy_size: Option<u32>,
    /// `Provider`: the token's issuer (`iss` claim) or the `ProviderId` given.
    pub provider: Option<String>,
    /// `Audience`: the token's audience (`aud` or `azp` claim).
    pub audience: Option<String>,
    /// `SourceIdentity`: the source identity from the token, when one was set.
    pub source_identity: Option<String>,
    /// `ResponseMetadata/RequestId`.
    pub request_id: String,
}

impl AssumeRoleWithWebIdentityResponse {
    /// Parses an `<AssumeRoleWithWebIdentityResponse>` body.
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
            "AssumeRoleWithWebIdentityResponse",
            "AssumeRoleWithWebIdentityResult",
        )?;
        let (mut credentials, mut subject, mut user, mut size) = (None, None, None, None);
        let (mut provider, mut audience, mut source_identity) = (None, None, None);
        for n in elements(result) {
            match n.tag_name().name() {
                "Credentials" => credentials = Some(types::parse_credentials(n)?),
                "SubjectFromWebIdentityToken" => subject = Some(text(n).to_owned()),
                "AssumedRoleUser" => user = Some(types::parse_assumed_role_user(n)?),
                "PackedPolicySize" => size = Some(types::parse_packed_policy_size(n)?),
                "Provider" => provider = Some(text(n).to_owned()),
                "Audience" => audience = Some(text(n).to_owned()),
                "SourceIdentity" => source_identity = Some(text(n).to_owned()),
                _ => {}
            }
        }
        Ok(Self {
            credentials: required(credentials, "Credentials")?,
            subject_from_web_identity_token: subject,
            assumed_role_user: required(user, "AssumedRoleUser")?,
            packed_policy_size: size,
            provider,
            audience,
            source_identity,
            request_id,
        })
    }
}
