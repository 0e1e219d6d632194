//! `AssumeRoot`: short-term credentials for privileged tasks on a member account.

use super::types::{self, PolicyDescriptorType, check_arn, elements, envelope, required, text};
use super::validate;
use super::{Operation, impl_to_query};
use crate::query::QueryWriter;
use crate::{Credentials, Error, xml};

/// The input of [AssumeRoot](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html):
/// short-term root credentials on the member account `target_principal`, scoped by the
/// AWS managed policy `task_policy_arn`. Send it to a Regional endpoint.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRootRequest {
    /// `TargetPrincipal`: the member account's id or principal ARN (12 to 2048 characters).
    pub target_principal: String,
    /// `TaskPolicyArn`: the managed policy that scopes the session, such as
    /// `arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials`.
    pub task_policy_arn: PolicyDescriptorType,
    /// `DurationSeconds`: the session duration, 0 to 900.
    pub duration_seconds: Option<i32>,
}

impl AssumeRootRequest {
    /// A request for root credentials on `target_principal` scoped by `task_policy_arn`.
    #[must_use]
    pub fn new(target_principal: impl Into<String>, task_policy_arn: PolicyDescriptorType) -> Self {
        Self {
            target_principal: target_principal.into(),
            task_policy_arn,
            duration_seconds: None,
        }
    }

    /// Checks every constraint of the STS model on this request.
    ///
    /// # Errors
    ///
    /// An [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error naming the first
    /// member that breaks a length, pattern or range constraint.
    pub fn validate(&self) -> Result<(), Error> {
        validate::string(
            "TargetPrincipal",
            None,
            &self.target_principal,
            12,
            Some(2048),
            None,
        )?;
        if let Some(arn) = &self.task_policy_arn.arn {
            check_arn("TaskPolicyArn.arn", None, arn)?;
        }
        validate::opt_range("DurationSeconds", self.duration_seconds, 0, 900)
    }
}

impl Operation for AssumeRootRequest {
    const ACTION: &'static str = "AssumeRoot";
    type Output = AssumeRootResponse;

    fn validate(&self) -> Result<(), Error> {
        AssumeRootRequest::validate(self)
    }

    fn write_members(&self, w: &mut QueryWriter) {
        w.string("TargetPrincipal", &self.target_principal);
        w.structure("TaskPolicyArn", |w| {
            w.opt_string("arn", self.task_policy_arn.arn.as_deref());
        });
        w.opt_integer("DurationSeconds", self.duration_seconds.map(i64::from));
    }

    fn parse(body: &str) -> Result<AssumeRootResponse, Error> {
        AssumeRootResponse::from_xml(body)
    }
}

impl_to_query!(AssumeRootRequest);

/// The output of [AssumeRoot](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRootResponse {
    /// `Credentials`: the short-term root credentials.
    pub credentials: Credentials,
    /// `SourceIdentity`: the source identity, when one was set.
    pub source_identity: Option<String>,
    /// `ResponseMetadata/RequestId`.
    pub request_id: String,
}

impl AssumeRootResponse {
    /// Parses an `<AssumeRootResponse>` body.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidResponse`](crate::ErrorKind::InvalidResponse) when the body is not
    /// XML, has another root, or misses a required element (the error names it);
    /// [`ErrorKind::Service`](crate::ErrorKind::Service) when it is an `<ErrorResponse>`.
    pub fn from_xml(body: &str) -> Result<Self, Error> {
        let doc = xml::parse(body)?;
        let (result, request_id) = envelope(&doc, "AssumeRootResponse", "AssumeRootResult")?;
        let (mut credentials, mut source_identity) = (None, None);
        for n in elements(result) {
            match n.tag_name().name() {
                "Credentials" => credentials = Some(types::parse_credentials(n)?),
                "SourceIdentity" => source_identity = Some(text(n).to_owned()),
                _ => {}
            }
        }
        Ok(Self {
            credentials: required(credentials, "Credentials")?,
            source_identity,
            request_id,
        })
    }
}
