//! `GetFederationToken`: temporary credentials for a federated user.

use super::types::{
    self, PolicyDescriptorType, Tag, check_policy_arns, check_session_policy, check_tags, elements,
    envelope, required,
};
use super::validate::{self, Pattern};
use super::{Operation, impl_to_query};
use crate::query::QueryWriter;
use crate::{Credentials, Error, FederatedUser, xml};

/// The input of
/// [GetFederationToken](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html):
/// temporary credentials for the federated user `name`, called with long-term IAM user keys.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetFederationTokenRequest {
    /// `Name`: the federated user's name, 2 to 32 characters of `[\w+=,.@-]`.
    pub name: String,
    /// `Policy`: an inline session policy in JSON (1 to 2048 characters).
    pub policy: Option<String>,
    /// `PolicyArns`: managed policies used as session policies.
    pub policy_arns: Vec<PolicyDescriptorType>,
    /// `DurationSeconds`: the session duration, 900 to 129600.
    pub duration_seconds: Option<i32>,
    /// `Tags`: session tags, at most 50.
    pub tags: Vec<Tag>,
}

impl GetFederationTokenRequest {
    /// A request for credentials of the federated user `name`.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            policy: None,
            policy_arns: Vec::new(),
            duration_seconds: None,
            tags: Vec::new(),
        }
    }

    /// Checks every constraint of the STS model on this request.
    ///
    /// # Errors
    ///
    /// An [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error naming the first
    /// member that breaks a length, pattern, range or list-size constraint.
    pub fn validate(&self) -> Result<(), Error> {
        validate::string("Name", None, &self.name, 2, Some(32), Some(Pattern::Name))?;
        check_session_policy(self.policy.as_deref())?;
        check_policy_arns(&self.policy_arns)?;
        validate::opt_range("DurationSeconds", self.duration_seconds, 900, 129_600)?;
        check_tags(&self.tags)
    }
}

impl Operation for GetFederationTokenRequest {
    const ACTION: &'static str = "GetFederationToken";
    type Output = GetFederationTokenResponse;

    fn validate(&self) -> Result<(), Error> {
        GetFederationTokenRequest::validate(self)
    }

    fn write_members(&self, w: &mut QueryWriter) {
        w.string("Name", &self.name);
        w.opt_string("Policy", self.policy.as_deref());
        types::write_policy_arns(w, &self.policy_arns);
        w.opt_integer("DurationSeconds", self.duration_seconds.map(i64::from));
        types::write_tags(w, &self.tags);
    }

    fn parse(body: &str) -> Result<GetFederationTokenResponse, Error> {
        GetFederationTokenResponse::from_xml(body)
    }
}

impl_to_query!(GetFederationTokenRequest);

/// The output of
/// [GetFederationToken](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetFederationTokenResponse {
    /// `Credentials`: the temporary credentials of the federated user.
    pub credentials: Credentials,
    /// `FederatedUser`: the federated user's id and ARN.
    pub federated_user: FederatedUser,
    /// `PackedPolicySize`: the percentage of the allowed size the session policies and tags use.
    pub packed_policy_size: Option<u32>,
    /// `ResponseMetadata/RequestId`.
    pub request_id: String,
}

impl GetFederationTokenResponse {
    /// Parses a `<GetFederationTokenResponse>` body.
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
            "GetFederationTokenResponse",
            "GetFederationTokenResult",
        )?;
        let (mut credentials, mut user, mut size) = (None, None, None);
        for n in elements(result) {
            match n.tag_name().name() {
                "Credentials" => credentials = Some(types::parse_credentials(n)?),
                "FederatedUser" => user = Some(types::parse_federated_user(n)?),
                "PackedPolicySize" => size = Some(types::parse_packed_policy_size(n)?),
                _ => {}
            }
        }
        Ok(Self {
            credentials: required(credentials, "Credentials")?,
            federated_user: required(user, "FederatedUser")?,
            packed_policy_size: size,
            request_id,
        })
    }
}
