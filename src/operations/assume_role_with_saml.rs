//! `AssumeRoleWithSAML`: temporary credentials for a role, in exchange for a SAML assertion.

use std::fmt;

use super::types::{
    self, PolicyDescriptorType, REDACTED, check_arn, check_policy_arns, check_session_policy,
    elements, envelope, required, text,
};
use super::validate;
use super::{Operation, impl_to_query};
use crate::query::QueryWriter;
use crate::{AssumedRoleUser, Credentials, Error, xml};

/// The input of
/// [AssumeRoleWithSAML](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html):
/// temporary credentials for `role_arn` in exchange for a SAML assertion from the identity
/// provider `principal_arn`. The request is not signed.
///
/// `Debug` redacts the SAML assertion.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub struct AssumeRoleWithSamlRequest {
    /// `RoleArn`: the ARN of the role to assume (20 to 2048 characters).
    pub role_arn: String,
    /// `PrincipalArn`: the ARN of the SAML provider in IAM (20 to 2048 characters).
    pub principal_arn: String,
    /// `SAMLAssertion`: the base64-encoded SAML response (4 to 100000 characters; secret).
    pub saml_assertion: String,
    /// `PolicyArns`: managed policies used as session policies.
    pub policy_arns: Vec<PolicyDescriptorType>,
    /// `Policy`: an inline session policy in JSON (1 to 2048 characters).
    pub policy: Option<String>,
    /// `DurationSeconds`: the session duration, 900 to 43200.
    pub duration_seconds: Option<i32>,
}

impl AssumeRoleWithSamlRequest {
    /// A request to assume `role_arn` with `saml_assertion` from the provider `principal_arn`.
    #[must_use]
    pub fn new(
        role_arn: impl Into<String>,
        principal_arn: impl Into<String>,
        saml_assertion: impl Into<String>,
    ) -> Self {
        Self {
            role_arn: role_arn.into(),
            principal_arn: principal_arn.into(),
            saml_assertion: saml_assertion.into(),
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
        check_arn("PrincipalArn", None, &self.principal_arn)?;
        validate::string(
            "SAMLAssertion",
            None,
            &self.saml_assertion,
            4,
            Some(100_000),
            None,
        )?;
        check_policy_arns(&self.policy_arns)?;
        check_session_policy(self.policy.as_deref())?;
        validate::opt_range("DurationSeconds", self.duration_seconds, 900, 43200)
    }
}

impl fmt::Debug for AssumeRoleWithSamlRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleWithSamlRequest")
            .field("role_arn", &self.role_arn)
            .field("principal_arn", &self.principal_arn)
            .field("saml_assertion", &REDACTED)
            .field("policy_arns", &self.policy_arns)
            .field("policy", &self.policy)
            .field("duration_seconds", &self.duration_seconds)
            .finish()
    }
}

impl Operation for AssumeRoleWithSamlRequest {
    const ACTION: &'static str = "AssumeRoleWithSAML";
    const SIGNED: bool = false;
    type Output = AssumeRoleWithSamlResponse;

    fn validate(&self) -> Result<(), Error> {
        AssumeRoleWithSamlRequest::validate(self)
    }

    fn write_members(&self, w: &mut QueryWriter) {
        w.string("RoleArn", &self.role_arn);
        w.string("PrincipalArn", &self.principal_arn);
        w.string("SAMLAssertion", &self.saml_assertion);
        types::write_policy_arns(w, &self.policy_arns);
        w.opt_string("Policy", self.policy.as_deref());
        w.opt_integer("DurationSeconds", self.duration_seconds.map(i64::from));
    }

    fn parse(body: &str) -> Result<AssumeRoleWithSamlResponse, Error> {
        AssumeRoleWithSamlResponse::from_xml(body)
    }
}

impl_to_query!(AssumeRoleWithSamlRequest);

/// The output of
/// [AssumeRoleWithSAML](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleWithSamlResponse {
    /// `Credentials`: the temporary credentials of the role session.
    pub credentials: Credentials,
    /// `AssumedRoleUser`: the session's id and ARN.
    pub assumed_role_user: AssumedRoleUser,
    /// `PackedPolicySize`: the percentage of the allowed size the session policies and tags use.
    pub packed_policy_size: Option<u32>,
    /// `Subject`: the `NameID` of the assertion's `Subject`.
    pub subject: Option<String>,
    /// `SubjectType`: the format of the name id (`persistent`, `transient` or a full URI).
    pub subject_type: Option<String>,
    /// `Issuer`: the assertion's `Issuer`.
    pub issuer: Option<String>,
    /// `Audience`: the assertion's `Recipient` (the SAML sign-in URL).
    pub audience: Option<String>,
    /// `NameQualifier`: a hash of the issuer, account id and provider name.
    pub name_qualifier: Option<String>,
    /// `SourceIdentity`: the source identity from the assertion, when one was set.
    pub source_identity: Option<String>,
    /// `ResponseMetadata/RequestId`.
    pub request_id: String,
}

impl AssumeRoleWithSamlResponse {
    /// Parses an `<AssumeRoleWithSAMLResponse>` body.
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
            "AssumeRoleWithSAMLResponse",
            "AssumeRoleWithSAMLResult",
        )?;
        let (mut credentials, mut user, mut size) = (None, None, None);
        let (mut subject, mut subject_type, mut issuer, mut audience) = (None, None, None, None);
        let (mut name_qualifier, mut source_identity) = (None, None);
        for n in elements(result) {
            match n.tag_name().name() {
                "Credentials" => credentials = Some(types::parse_credentials(n)?),
                "AssumedRoleUser" => user = Some(types::parse_assumed_role_user(n)?),
                "PackedPolicySize" => size = Some(types::parse_packed_policy_size(n)?),
                "Subject" => subject = Some(text(n).to_owned()),
                "SubjectType" => subject_type = Some(text(n).to_owned()),
                "Issuer" => issuer = Some(text(n).to_owned()),
                "Audience" => audience = Some(text(n).to_owned()),
                "NameQualifier" => name_qualifier = Some(text(n).to_owned()),
                "SourceIdentity" => source_identity = Some(text(n).to_owned()),
                _ => {}
            }
        }
        Ok(Self {
            credentials: required(credentials, "Credentials")?,
            assumed_role_user: required(user, "AssumedRoleUser")?,
            packed_policy_size: size,
            subject,
            subject_type,
            issuer,
            audience,
            name_qualifier,
            source_identity,
            request_id,
        })
    }
}
