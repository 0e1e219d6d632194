//! `AssumeRole`: temporary credentials for an IAM role.

use std::fmt;

use super::types::{
    self, PolicyDescriptorType, ProvidedContext, Tag, check_arn, check_policy_arns,
    check_provided_contexts, check_tag_keys, check_tags, elements, envelope, redact, required,
    text,
};
use super::validate::{self, Pattern};
use super::{Operation, impl_to_query};
use crate::query::QueryWriter;
use crate::{AssumedRoleUser, Credentials, Error, xml};

/// The input of [AssumeRole](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html):
/// temporary credentials for the role `role_arn`.
///
/// `Debug` redacts the MFA code and the provided contexts' assertions.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub struct AssumeRoleRequest {
    /// `RoleArn`: the ARN of the role to assume (20 to 2048 characters).
    pub role_arn: String,
    /// `RoleSessionName`: the session name, 2 to 64 characters of `[\w+=,.@-]`.
    pub role_session_name: String,
    /// `PolicyArns`: managed policies used as session policies.
    pub policy_arns: Vec<PolicyDescriptorType>,
    /// `Policy`: an inline session policy in JSON (at least 1 character of
    /// `[\u0009\u000A\u000D\u0020-\u00FF]`; STS limits the packed size).
    pub policy: Option<String>,
    /// `DurationSeconds`: the session duration, 900 to 43200.
    pub duration_seconds: Option<i32>,
    /// `Tags`: session tags, at most 50.
    pub tags: Vec<Tag>,
    /// `TransitiveTagKeys`: keys of `tags` that pass on to chained role sessions, at most 50.
    pub transitive_tag_keys: Vec<String>,
    /// `ExternalId`: the external id the role's trust policy requires, 2 to 1224 characters.
    pub external_id: Option<String>,
    /// `SerialNumber`: the MFA device's serial number or ARN, 9 to 256 characters.
    pub serial_number: Option<String>,
    /// `TokenCode`: the six-digit MFA code (secret).
    pub token_code: Option<String>,
    /// `SourceIdentity`: the source identity, 2 to 64 characters of `[\w+=,.@-]`.
    pub source_identity: Option<String>,
    /// `ProvidedContexts`: signed context assertions, 1 to 5 when set.
    pub provided_contexts: Vec<ProvidedContext>,
}

impl AssumeRoleRequest {
    /// A request to assume `role_arn` as the session `role_session_name`.
    #[must_use]
    pub fn new(role_arn: impl Into<String>, role_session_name: impl Into<String>) -> Self {
        Self {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            policy_arns: Vec::new(),
            policy: None,
            duration_seconds: None,
            tags: Vec::new(),
            transitive_tag_keys: Vec::new(),
            external_id: None,
            serial_number: None,
            token_code: None,
            source_identity: None,
            provided_contexts: Vec::new(),
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
        check_policy_arns(&self.policy_arns)?;
        // `unrestrictedSessionPolicyDocumentType`: no maximum in the model for AssumeRole.
        validate::opt_string(
            "Policy",
            self.policy.as_deref(),
            1,
            None,
            Some(Pattern::Policy),
        )?;
        validate::opt_range("DurationSeconds", self.duration_seconds, 900, 43200)?;
        check_tags(&self.tags)?;
        check_tag_keys(&self.transitive_tag_keys)?;
        validate::opt_string(
            "ExternalId",
            self.external_id.as_deref(),
            2,
            Some(1224),
            Some(Pattern::NameSlashColon),
        )?;
        types::check_mfa(self.serial_number.as_deref(), self.token_code.as_deref())?;
        validate::opt_string(
            "SourceIdentity",
            self.source_identity.as_deref(),
            2,
            Some(64),
            Some(Pattern::Name),
        )?;
        check_provided_contexts(&self.provided_contexts)
    }
}

impl fmt::Debug for AssumeRoleRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleRequest")
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("policy_arns", &self.policy_arns)
            .field("policy", &self.policy)
            .field("duration_seconds", &self.duration_seconds)
            .field("tags", &self.tags)
            .field("transitive_tag_keys", &self.transitive_tag_keys)
            .field("external_id", &self.external_id)
            .field("serial_number", &self.serial_number)
            .field("token_code", &redact(self.token_code.as_ref()))
            .field("source_identity", &self.source_identity)
            .field("provided_contexts", &self.provided_contexts)
            .finish()
    }
}

impl Operation for AssumeRoleRequest {
    const ACTION: &'static str = "AssumeRole";
    type Output = AssumeRoleResponse;

    fn validate(&self) -> Result<(), Error> {
        AssumeRoleRequest::validate(self)
    }

    fn write_members(&self, w: &mut QueryWriter) {
        w.string("RoleArn", &self.role_arn);
        w.string("RoleSessionName", &self.role_session_name);
        types::write_policy_arns(w, &self.policy_arns);
        w.opt_string("Policy", self.policy.as_deref());
        w.opt_integer("DurationSeconds", self.duration_seconds.map(i64::from));
        types::write_tags(w, &self.tags);
        types::write_strings(w, "TransitiveTagKeys", &self.transitive_tag_keys);
        w.opt_string("ExternalId", self.external_id.as_deref());
        w.opt_string("SerialNumber", self.serial_number.as_deref());
        w.opt_string("TokenCode", self.token_code.as_deref());
        w.opt_string("SourceIdentity", self.source_identity.as_deref());
        types::write_provided_contexts(w, &self.provided_contexts);
    }

    fn parse(body: &str) -> Result<AssumeRoleResponse, Error> {
        AssumeRoleResponse::from_xml(body)
    }
}

impl_to_query!(AssumeRoleRequest);

/// The output of [AssumeRole](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleResponse {
    /// `Credentials`: the temporary credentials of the role session.
    pub credentials: Credentials,
    /// `AssumedRoleUser`: the session's id and ARN.
    pub assumed_role_user: AssumedRoleUser,
    /// `PackedPolicySize`: the percentage of the allowed size the session policies and tags use.
    pub packed_policy_size: Option<u32>,
    /// `SourceIdentity`: the source identity, when one was set.
    pub source_identity: Option<String>,
    /// `ResponseMetadata/RequestId`.
    pub request_id: String,
}

impl AssumeRoleResponse {
    /// Parses an `<AssumeRoleResponse>` body.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidResponse`](crate::ErrorKind::InvalidResponse) when the body is not
    /// XML, has another root, or misses a required element (the error names it);
    /// [`ErrorKind::Service`](crate::ErrorKind::Service) when it is an `<ErrorResponse>`.
    pub fn from_xml(body: &str) -> Result<Self, Error> {
        let doc = xml::parse(body)?;
        let (result, request_id) = envelope(&doc, "AssumeRoleResponse", "AssumeRoleResult")?;
        let (mut credentials, mut user, mut size, mut source_identity) = (None, None, None, None);
        for n in elements(result) {
            match n.tag_name().name() {
                "Credentials" => credentials = Some(types::parse_credentials(n)?),
                "AssumedRoleUser" => user = Some(types::parse_assumed_role_user(n)?),
                "PackedPolicySize" => size = Some(types::parse_packed_policy_size(n)?),
                "SourceIdentity" => source_identity = Some(text(n).to_owned()),
                _ => {}
            }
        }
        Ok(Self {
            credentials: required(credentials, "Credentials")?,
            assumed_role_user: required(user, "AssumedRoleUser")?,
            packed_policy_size: size,
            source_identity,
            request_id,
        })
    }
}
