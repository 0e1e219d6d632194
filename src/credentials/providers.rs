//! Credential providers: environment, profiles (static keys, role chaining with MFA, web
//! identity, `credential_process`), container credentials, `IMDSv2`, and the default chain.
//!
//! These are the crate's second I/O edge (beside the client): they read files, run a
//! process, or make HTTP calls to the container or instance metadata endpoints.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::profile::{
    BaseSource, Chain, Platform, ProfileSet, RoleLink, file_locations, resolve_chain,
};
use super::{CachingProvider, Credentials, ProvideCredentials};
use crate::client::{Client, ClientConfig};
use crate::config::{self, Env};
use crate::json::{self, Value};
use crate::operations::{AssumeRoleRequest, AssumeRoleWithWebIdentityRequest};
use crate::{Error, ErrorKind};

/// Supplies the MFA code for a profile's `mfa_serial` (the argument), e.g. by asking on the
/// terminal.
pub type MfaCallback = Arc<dyn Fn(&str) -> Result<String, Error> + Send + Sync>;

fn cred_error(message: impl Into<String>) -> Error {
    Error::other(ErrorKind::Credentials, message.into())
}

/// A source that is not set up at all: the default chain moves on.
fn not_configured(message: impl Into<String>) -> Error {
    Error::other(ErrorKind::Credentials, message.into()).with_source(NotConfigured(None))
}

/// As [`not_configured`], keeping the cause (reachable through `source()`).
fn not_configured_because(
    message: impl Into<String>,
    cause: impl std::error::Error + Send + Sync + 'static,
) -> Error {
    Error::other(ErrorKind::Credentials, message.into())
        .with_source(NotConfigured(Some(Box::new(cause))))
}

/// The marker a "not set up here" error carries as its source, with the cause if any.
#[derive(Debug)]
struct NotConfigured(Option<Box<dyn std::error::Error + Send + Sync>>);

impl fmt::Display for NotConfigured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not configured")
    }
}

impl std::error::Error for NotConfigured {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Whether `e` says its source is not set up here (only `e` itself: a source that is set up,
/// such as a role profile, fails for good when what it stands on is missing).
pub(crate) fn is_not_configured(e: &Error) -> bool {
    std::error::Error::source(e).is_some_and(<dyn std::error::Error>::is::<NotConfigured>)
}

/// Credentials from a JSON document with `AccessKeyId`, `SecretAccessKey`, optional
/// `SessionToken` or `Token`, and optional RFC 3339 `Expiration`.
fn credentials_from_json(text: &str, what: &str) -> Result<Credentials, Error> {
    let obj = json::parse_object(text.trim())
        .ok_or_else(|| cred_error(format!("{what} did not return a JSON object")))?;
    credentials_from_object(&obj, what)
}

/// As [`credentials_from_json`], for a document already parsed.
fn credentials_from_object(
    obj: &std::collections::BTreeMap<String, Value>,
    what: &str,
) -> Result<Credentials, Error> {
    let s = |k: &str| match obj.get(k) {
        Some(Value::Str(v)) if !v.is_empty() => Some(v.clone()),
        _ => None,
    };
    let akid =
        s("AccessKeyId").ok_or_else(|| cred_error(format!("{what}: AccessKeyId is missing")))?;
    let secret = s("SecretAccessKey")
        .ok_or_else(|| cred_error(format!("{what}: SecretAccessKey is missing")))?;
    let expiration =
        match s("Expiration") {
            Some(e) => Some(crate::xml::parse_timestamp(&e, "Expiration").map_err(|_| {
                cred_error(format!("{what}: Expiration is not an RFC 3339 timestamp"))
            })?),
            None => None,
        };
    Ok(Credentials::new(
        akid,
        secret,
        s("SessionToken").or_else(|| s("Token")),
        expiration,
    ))
}

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
/// `AWS_CREDENTIAL_EXPIRATION`, read at each call.
#[derive(Debug, Clone, Copy, Default)]
pub struct EnvironmentProvider;

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        if config::process_env("AWS_ACCESS_KEY_ID").is_none() {
            return Err(not_configured("AWS_ACCESS_KEY_ID is not set"));
        }
        Credentials::from_env()
    }
}

/// `credential_process`: runs a command (through `sh -c`, or `cmd /C` on Windows) that prints
/// credentials as Version 1 JSON.
#[derive(Clone)]
pub struct ProcessProvider {
    command: String,
}

impl fmt::Debug for ProcessProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcessProvider").finish_non_exhaustive()
    }
}

impl ProcessProvider {
    /// A provider running `command`.
    #[must_use]
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            command: command.into(),
        }
    }
}

impl ProvideCredentials for ProcessProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        let mut cmd = if cfg!(windows) {
            let mut c = std::process::Command::new("cmd");
            c.arg("/C");
            c
        } else {
            let mut c = std::process::Command::new("sh");
            c.arg("-c");
            c
        };
        let out = cmd
            .arg(&self.command)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| cred_error("credential_process could not be started").with_source(e))?;
        if !out.status.success() {
            // The exit status and stderr help; stdout may hold secrets and is never shown.
            let stderr = String::from_utf8_lossy(&out.stderr);
            let stderr: String = stderr.trim().chars().take(500).collect();
            let code = out
                .status
                .code()
                .map_or_else(|| "a signal".to_owned(), |c| format!("exit code {c}"));
            return Err(cred_error(format!(
                "credential_process failed with {code}: {stderr}"
            )));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let obj = json::parse_object(text.trim())
            .ok_or_else(|| cred_error("credential_process did not print a JSON object"))?;
        match obj.get("Version") {
            Some(Value::Num(v)) if (*v - 1.0).abs() < f64::EPSILON => {}
            _ => {
                return Err(cred_error(
                    "credential_process output must have \"Version\": 1",
                ));
            }
        }
        credentials_from_object(&obj, "credential_process")
    }
}

fn http_agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_connect(Some(timeout))
        .timeout_global(Some(timeout * 2))
        .user_agent(crate::client::USER_AGENT)
        .build()
        .into()
}

fn read_small(resp: &mut ureq::http::Response<ureq::Body>, what: &str) -> Result<String, Error> {
    resp.body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .map_err(|e| cred_error(format!("reading the {what} response failed")).with_source(e))
}

/// Container credentials (ECS task roles, EKS Pod Identity): GETs the URI from
/// [`config::container_uri`] with the `AWS_CONTAINER_AUTHORIZATION_TOKEN` (or the contents
/// of `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, re-read each time) as `Authorization`.
///
/// As botocore does: 2 s timeouts, and 3 attempts 1 s apart when the endpoint cannot be
/// reached, answers other than 200, or answers with something that is not JSON.
#[derive(Clone)]
pub struct ContainerProvider {
    uri: String,
    token: Option<String>,
    token_file: Option<String>,
    agent: ureq::Agent,
    attempts: u32,
    pause: Duration,
}

impl fmt::Debug for ContainerProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContainerProvider")
            .field("uri", &self.uri)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl ContainerProvider {
    /// From the environment.
    ///
    /// # Errors
    /// As [`config::container_uri`] (not configured when no variable is set).
    pub fn from_env(env: Env<'_>) -> Result<Self, Error> {
        let uri = config::container_uri(env).map_err(|e| {
            if env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_none()
                && env("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_none()
            {
                not_configured(e.to_string())
            } else {
                e
            }
        })?;
        Ok(Self {
            uri,
            token: env("AWS_CONTAINER_AUTHORIZATION_TOKEN").filter(|t| !t.is_empty()),
            token_file: env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").filter(|t| !t.is_empty()),
            agent: http_agent(Duration::from_secs(2)),
            attempts: 3,
            pause: Duration::from_secs(1),
        })
    }

    /// Makes at most `attempts` requests (at least 1), `pause` apart; the default is 3, 1 s
    /// apart.
    #[must_use]
    pub fn with_retries(mut self, attempts: u32, pause: Duration) -> Self {
        self.attempts = attempts.max(1);
        self.pause = pause;
        self
    }

    /// One request. `Ok(Err(_))` is a failure worth another attempt.
    fn attempt(&self, token: Option<&str>) -> Result<Result<Credentials, Error>, Error> {
        let mut req = self
            .agent
            .get(&self.uri)
            .header("accept", "application/json");
        if let Some(t) = token {
            req = req.header("authorization", t);
        }
        let mut resp = match req.call() {
            Ok(resp) => resp,
            Err(e) => {
                return Ok(Err(cred_error(
                    "the container credentials endpoint could not be reached",
                )
                .with_source(e)));
            }
        };
        let status = resp.status().as_u16();
        let body = match read_small(&mut resp, "container credentials") {
            Ok(body) => body,
            Err(e) => return Ok(Err(e)),
        };
        if status != 200 {
            return Ok(Err(cred_error(format!(
                "the container credentials endpoint answered http {status}"
            ))));
        }
        let Some(obj) = json::parse_object(body.trim()) else {
            return Ok(Err(cred_error(
                "the container credentials endpoint answered with something that is not JSON",
            )));
        };
        credentials_from_object(&obj, "the container credentials endpoint").map(Ok)
    }
}

impl ProvideCredentials for ContainerProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        let token = match &self.token_file {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| {
                        cred_error("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE could not be read")
                            .with_source(e)
                    })?
                    .trim()
                    .to_owned(),
            ),
            None => self.token.clone(),
        };
        if token.as_deref().is_some_and(|t| t.contains(['\r', '\n'])) {
            return Err(cred_error(
                "the container authorization token has a line break",
            ));
        }
        let mut attempt = 1;
        loop {
            match self.attempt(token.as_deref())? {
                Ok(credentials) => return Ok(credentials),
                Err(e) if attempt >= self.attempts => return Err(e.with_attempts(attempt)),
                Err(_) => {
                    std::thread::sleep(self.pause);
                    attempt += 1;
                }
            }
        }
    }
}

/// What the IMDS token request gave.
enum ImdsToken {
    /// An `IMDSv2` session token.
    Token(String),
    /// No token (refused with 403, 404 or 405, a read timeout, or attempts used up): go on
    /// with `IMDSv1` unless it is disabled, as botocore does.
    V1,
    /// No connection could be made: there is no instance metadata service here.
    Unreachable(ureq::Error),
}

/// EC2 instance metadata: a session token (PUT), the role name, then the role's credentials.
///
/// Settings are botocore's: `AWS_METADATA_SERVICE_TIMEOUT` or the profile's
/// `metadata_service_timeout` (seconds, default 1, so that a machine that is not on EC2 does
/// not wait), `AWS_METADATA_SERVICE_NUM_ATTEMPTS` or `metadata_service_num_attempts` (default
/// 1: each request is made that many times at most), and `AWS_EC2_METADATA_V1_DISABLED` or
/// `ec2_metadata_v1_disabled`. When the token request is refused (403, 404, 405) or times out
/// reading, the requests go on without a token (`IMDSv1`) unless that is disabled. When no
/// connection can be made at all, the provider gives up at once: the default chain moves on.
#[derive(Clone)]
pub struct ImdsProvider {
    endpoint: String,
    agent: ureq::Agent,
    attempts: u32,
    v1_disabled: bool,
}

impl fmt::Debug for ImdsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImdsProvider")
            .field("endpoint", &self.endpoint)
            .field("attempts", &self.attempts)
            .field("v1_disabled", &self.v1_disabled)
            .finish_non_exhaustive()
    }
}

impl ImdsProvider {
    /// From the environment and profile (`AWS_EC2_METADATA_DISABLED`,
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT[_MODE]`, and the settings above).
    ///
    /// # Errors
    /// Not configured when disabled; [`ErrorKind::Config`] for an invalid endpoint, mode,
    /// timeout, number of attempts or boolean.
    pub fn from_env(env: Env<'_>, profiles: &ProfileSet, profile: &str) -> Result<Self, Error> {
        if env("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) {
            return Err(not_configured("AWS_EC2_METADATA_DISABLED is true"));
        }
        let props = profiles.profile(profile);
        let endpoint = config::imds_endpoint(env, props, None, None)?;
        let number = |var: &str, key: &str, default: u64, max: u64| match config::setting(
            env, props, var, key,
        ) {
            None => Ok(default),
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    Error::other(
                        ErrorKind::Config,
                        format!("{var} / {key} must be a whole number from 1 to {max}"),
                    )
                }),
        };
        let timeout = number(
            "AWS_METADATA_SERVICE_TIMEOUT",
            "metadata_service_timeout",
            1,
            3600,
        )?;
        let attempts = number(
            "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
            "metadata_service_num_attempts",
            1,
            100,
        )?;
        let v1_disabled = config::flag(
            env,
            props,
            "AWS_EC2_METADATA_V1_DISABLED",
            "ec2_metadata_v1_disabled",
        )?;
        Ok(Self::with_endpoint(endpoint)
            .with_timeout(Duration::from_secs(timeout))
            .with_attempts(u32::try_from(attempts).unwrap_or(1))
            .with_v1_disabled(v1_disabled))
    }

    /// A provider for the IMDS at `endpoint` (e.g. `http://169.254.169.254`): 1 s timeouts,
    /// one attempt per request, `IMDSv1` fallback allowed.
    #[must_use]
    pub fn with_endpoint(endpoint: impl Into<String>) -> Self {
        Self {
            endpoint: endpoint.into().trim_end_matches('/').to_owned(),
            agent: http_agent(Duration::from_secs(1)),
            attempts: 1,
            v1_disabled: false,
        }
    }

    /// Sets the connect and read timeout (the whole request may take twice that).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.agent = http_agent(timeout);
        self
    }

    /// Makes each request at most `attempts` times (at least 1).
    #[must_use]
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// Refuses to go on without a session token (`IMDSv1`) when none can be had.
    #[must_use]
    pub fn with_v1_disabled(mut self, disabled: bool) -> Self {
        self.v1_disabled = disabled;
        self
    }

    fn token(&self) -> Result<ImdsToken, Error> {
        let url = format!("{}/latest/api/token", self.endpoint);
        let mut unreachable = None;
        for _ in 0..self.attempts {
            let sent = self
                .agent
                .put(&url)
                .header("x-aws-ec2-metadata-token-ttl-seconds", "21600")
                .send_empty();
            let mut resp = match sent {
                Ok(resp) => resp,
                Err(e) if connect_failure(&e) => {
                    unreachable = Some(e);
                    continue;
                }
                Err(ureq::Error::Timeout(_)) => return Ok(ImdsToken::V1),
                Err(_) => continue,
            };
            unreachable = None;
            let status = resp.status().as_u16();
            let Ok(token) = read_small(&mut resp, "instance metadata token") else {
                continue;
            };
            match status {
                200 if !token.trim().is_empty() => {
                    return Ok(ImdsToken::Token(token.trim().to_owned()));
                }
                200 | 403 | 404 | 405 => return Ok(ImdsToken::V1),
                400 => {
                    return Err(cred_error(
                        "the instance metadata service refused the token request (http 400)",
                    ));
                }
                _ => {}
            }
        }
        Ok(unreachable.map_or(ImdsToken::V1, ImdsToken::Unreachable))
    }

    fn get(&self, path: &str, token: Option<&str>) -> Result<String, Error> {
        let url = format!("{}{path}", self.endpoint);
        let mut last = None;
        for _ in 0..self.attempts {
            let mut req = self.agent.get(&url);
            if let Some(t) = token {
                req = req.header("x-aws-ec2-metadata-token", t);
            }
            let mut resp = match req.call() {
                Ok(resp) => resp,
                Err(e) => {
                    last = Some(
                        cred_error("the instance metadata service could not be reached")
                            .with_source(e),
                    );
                    continue;
                }
            };
            let status = resp.status().as_u16();
            match read_small(&mut resp, "instance metadata") {
                Ok(body) if status == 200 && !body.trim().is_empty() => return Ok(body),
                Ok(_) if status == 200 => {
                    last = Some(cred_error("the instance metadata service answered empty"));
                }
                Ok(_) => {
                    last = Some(cred_error(format!(
                        "the instance metadata service answered http {status}"
                    )));
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last
            .unwrap_or_else(|| cred_error("the instance metadata service failed"))
            .with_attempts(self.attempts))
    }
}

/// Whether `e` happened before any connection was made.
fn connect_failure(e: &ureq::Error) -> bool {
    match e {
        ureq::Error::Timeout(t) => matches!(t, ureq::Timeout::Connect | ureq::Timeout::Resolve),
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => true,
        ureq::Error::Io(io) => matches!(
            io.kind(),
            std::io::ErrorKind::ConnectionRefused
                | std::io::ErrorKind::HostUnreachable
                | std::io::ErrorKind::NetworkUnreachable
                | std::io::ErrorKind::AddrNotAvailable
        ),
        _ => false,
    }
}

impl ProvideCredentials for ImdsProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        let token = match self.token()? {
            ImdsToken::Token(t) => Some(t),
            ImdsToken::Unreachable(e) => {
                return Err(not_configured_because(
                    "the instance metadata service could not be reached",
                    e,
                ));
            }
            ImdsToken::V1 if self.v1_disabled => {
                return Err(cred_error(
                    "no instance metadata session token could be had, and IMDSv1 is disabled \
                     (ec2_metadata_v1_disabled)",
                ));
            }
            ImdsToken::V1 => None,
        };
        let token = token.as_deref();
        let roles = self.get("/latest/meta-data/iam/security-credentials/", token)?;
        let role = roles
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .ok_or_else(|| cred_error("the instance has no IAM role"))?;
        if !role
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@-_".contains(c))
        {
            return Err(cred_error("the instance metadata role name is invalid"));
        }
        let doc = self.get(
            &format!("/latest/meta-data/iam/security-credentials/{role}"),
            token,
        )?;
        let obj = json::parse_object(doc.trim()).ok_or_else(|| {
            cred_error("the instance metadata service did not return a JSON object")
        })?;
        if let Some(Value::Str(code)) = obj.get("Code") {
            if code != "Success" {
                return Err(cred_error(format!("instance metadata credentials: {code}")));
            }
        }
        credentials_from_object(&obj, "the instance metadata service")
    }
}

/// IAM Identity Center (SSO) credentials, as the AWS CLI gets them after `aws sso login`: the
/// cached access token (`~/.aws/sso/cache/<SHA-1 of the sso-session name, or of the start
/// URL>.json`) goes to the portal's `GetRoleCredentials` for the profile's `sso_account_id`
/// and `sso_role_name`. The portal is `https://portal.sso.<sso_region>.amazonaws.com` (FIPS and
/// dual-stack as set), or the configured endpoint of service `SSO` (`AWS_ENDPOINT_URL_SSO`,
/// `AWS_ENDPOINT_URL`, a `[services]` `sso` entry). For an `sso_session` profile, a token
/// with less than 15 minutes left is first refreshed through sso-oidc `CreateToken` with the
/// cached refresh token and written back to the cache, as the AWS CLI does (the older
/// `sso_start_url`-only form has no refresh). An expired or missing token is an error that
/// asks for `aws sso login`.
#[derive(Clone)]
pub struct SsoProvider {
    token_file: std::path::PathBuf,
    url: String,
    agent: ureq::Agent,
    /// For `sso_session` profiles: where and for what a token near expiry is refreshed.
    refresh: Option<SsoRefresh>,
}

/// An `sso_session` token's refresh: sso-oidc `CreateToken` with the cached refresh token.
#[derive(Clone)]
struct SsoRefresh {
    /// `https://oidc.<sso_region>.amazonaws.com/token`, or the configured `SSO OIDC` endpoint.
    url: String,
    start_url: String,
    region: String,
}

/// How close to expiry an `sso_session` token is refreshed: botocore's 15 minutes.
const SSO_REFRESH_WINDOW: Duration = Duration::from_secs(15 * 60);

impl fmt::Debug for SsoProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoProvider")
            .field("token_file", &self.token_file)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl SsoProvider {
    /// The provider for `base` (a [`BaseSource::Sso`] resolved from profile `profile`), with
    /// `config`'s FIPS, dual-stack, timeout and CA settings.
    ///
    /// # Errors
    /// [`ErrorKind::Credentials`] when `base` is not SSO, names no account and role (such a
    /// profile resolves an access token, not credentials), or lacks a region or start URL;
    /// [`ErrorKind::Config`] for a region or endpoint setting that does not resolve.
    pub fn new(
        env: Env<'_>,
        profiles: &ProfileSet,
        profile: &str,
        config: &ClientConfig,
        base: &BaseSource,
    ) -> Result<Self, Error> {
        let BaseSource::Sso {
            sso_session,
            sso_region,
            sso_start_url,
            sso_account_id,
            sso_role_name,
        } = base
        else {
            return Err(cred_error(format!(
                "profile `{profile}` is not an SSO profile"
            )));
        };
        let (Some(account), Some(role)) = (sso_account_id, sso_role_name) else {
            return Err(cred_error(format!(
                "profile `{profile}`: the selected profile will resolve an access token instead \
                 of credentials (sso_account_id and sso_role_name are not set)"
            )));
        };
        let region = sso_region
            .as_deref()
            .ok_or_else(|| cred_error(format!("profile `{profile}`: sso_region is not set")))?;
        let key = match (sso_session, sso_start_url) {
            (Some(session), _) => session,
            (None, Some(url)) => url,
            (None, None) => {
                return Err(cred_error(format!(
                    "profile `{profile}`: sso_start_url is not set"
                )));
            }
        };
        let home = super::profile::home_dir(env, Platform::current())
            .ok_or_else(|| cred_error("no home directory (HOME) to find the SSO token cache in"))?;
        let token_file = std::path::Path::new(&home)
            .join(".aws")
            .join("sso")
            .join("cache")
            .join(format!("{}.json", crate::sha1::sha1_hex(key.as_bytes())));
        let service_url =
            |service_id: &str, rules: fn(&str, bool, bool) -> Result<String, Error>| {
                match config::configured_endpoint(service_id, env, profiles, profile, None, false) {
                    Some(_) if config.use_fips => Err(Error::other(
                        ErrorKind::Config,
                        "Invalid Configuration: FIPS and custom endpoint are not supported",
                    )),
                    Some(_) if config.use_dual_stack => Err(Error::other(
                        ErrorKind::Config,
                        "Invalid Configuration: Dualstack and custom endpoint are not supported",
                    )),
                    Some(url) => Ok(url.trim_end_matches('/').to_owned()),
                    None => rules(region, config.use_fips, config.use_dual_stack),
                }
            };
        let base_url = service_url("SSO", crate::endpoint::sso_portal_url)?;
        let refresh = match (sso_session, sso_start_url) {
            (Some(_), Some(start_url)) => Some(SsoRefresh {
                url: format!(
                    "{}/token",
                    service_url("SSO OIDC", crate::endpoint::sso_oidc_url)?
                ),
                start_url: start_url.clone(),
                region: region.to_owned(),
            }),
            _ => None,
        };
        let query = |v: &str| {
            percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC).to_string()
        };
        Ok(Self {
            token_file,
            url: format!(
                "{base_url}/federation/credentials?account_id={}&role_name={}",
                query(account),
                query(role)
            ),
            agent: crate::client::agent(config)?,
            refresh,
        })
    }

    /// The `GetRoleCredentials` URL this provider calls.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The cached access token, if it is there and not expired.
    fn access_token(&self) -> Result<String, Error> {
        let path = self.token_file.display();
        let text = std::fs::read_to_string(&self.token_file).map_err(|e| {
            cred_error(format!(
                "failed to read the SSO token cache `{path}`; run `aws sso login`"
            ))
            .with_source(e)
        })?;
        let obj = json::parse_object(text.trim()).ok_or_else(|| {
            cred_error(format!("the SSO token cache `{path}` is not a JSON object"))
        })?;
        let Some(Value::Str(token)) = obj.get("accessToken") else {
            return Err(cred_error(format!(
                "the SSO token cache `{path}` has no accessToken; run `aws sso login`"
            )));
        };
        let Some(Value::Str(expires)) = obj.get("expiresAt") else {
            return Err(cred_error(format!(
                "the SSO token cache `{path}` has no expiresAt; run `aws sso login`"
            )));
        };
        let mut expires = crate::xml::parse_timestamp(expires, "expiresAt").map_err(|_| {
            cred_error(format!(
                "the SSO token cache `{path}` has an expiresAt that is not a timestamp"
            ))
        })?;
        let mut token = token.clone();
        let now = SystemTime::now();
        if let Some(refresh) = &self.refresh {
            let near = expires
                .duration_since(now)
                .map_or(true, |left| left < SSO_REFRESH_WINDOW);
            if near {
                // As botocore: a failed refresh keeps the cached token, valid or not.
                if let Some((t, e)) = self.refreshed(refresh, &obj, now) {
                    (token, expires) = (t, e);
                }
            }
        }
        if expires <= now {
            return Err(cred_error(format!(
                "the SSO access token in `{path}` has expired; run `aws sso login`"
            )));
        }
        if token.is_empty() || token.contains(['\r', '\n']) {
            return Err(cred_error(format!(
                "the SSO token cache `{path}` has an invalid accessToken"
            )));
        }
        Ok(token)
    }

    /// sso-oidc `CreateToken` with the cached refresh token; the new token is written back to
    /// the cache (as the AWS CLI does) and returned with its expiry. `None` when the cache has
    /// no usable registration or the call fails.
    fn refreshed(
        &self,
        refresh: &SsoRefresh,
        cached: &std::collections::BTreeMap<String, Value>,
        now: SystemTime,
    ) -> Option<(String, SystemTime)> {
        let s = |k: &str| match cached.get(k) {
            Some(Value::Str(v)) if !v.is_empty() => Some(v.as_str()),
            _ => None,
        };
        let (refresh_token, client_id, client_secret, registration) = (
            s("refreshToken")?,
            s("clientId")?,
            s("clientSecret")?,
            s("registrationExpiresAt")?,
        );
        if crate::xml::parse_timestamp(registration, "registrationExpiresAt").ok()? <= now {
            return None;
        }
        let mut body = String::from("{\"clientId\":");
        crate::export::json_ascii_string(&mut body, client_id);
        body.push_str(",\"clientSecret\":");
        crate::export::json_ascii_string(&mut body, client_secret);
        body.push_str(",\"grantType\":\"refresh_token\",\"refreshToken\":");
        crate::export::json_ascii_string(&mut body, refresh_token);
        body.push('}');
        let mut resp = self
            .agent
            .post(&refresh.url)
            .header("content-type", "application/json")
            .send(&body)
            .ok()?;
        let status = resp.status().as_u16();
        let text = read_small(&mut resp, "SSO OIDC CreateToken").ok()?;
        if status != 200 {
            return None;
        }
        let answer = json::parse_object(text.trim())?;
        let Some(Value::Str(token)) = answer.get("accessToken") else {
            return None;
        };
        let Some(Value::Num(secs)) = answer.get("expiresIn") else {
            return None;
        };
        // A year at most: anything longer is not an access token's lifetime.
        if !(secs.is_finite() && *secs > 0.0 && *secs <= 366.0 * 86_400.0)
            || token.is_empty()
            || token.contains(['\r', '\n'])
        {
            return None;
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let expires = now.checked_add(Duration::from_secs(*secs as u64))?;
        // botocore drops the refresh token when the answer has none; keeping the one that
        // worked lets the next refresh happen too.
        let new_refresh = match answer.get("refreshToken") {
            Some(Value::Str(t)) if !t.is_empty() => t.as_str(),
            _ => refresh_token,
        };
        let expires_at = crate::presign::format_seconds_z(expires);
        let mut cache = String::from("{");
        for (i, (key, value)) in [
            ("startUrl", refresh.start_url.as_str()),
            ("region", refresh.region.as_str()),
            ("accessToken", token.as_str()),
            ("expiresAt", expires_at.as_str()),
            ("clientId", client_id),
            ("clientSecret", client_secret),
            ("registrationExpiresAt", registration),
            ("refreshToken", new_refresh),
        ]
        .into_iter()
        .enumerate()
        {
            if i > 0 {
                cache.push_str(", ");
            }
            crate::export::json_ascii_string(&mut cache, key);
            cache.push_str(": ");
            crate::export::json_ascii_string(&mut cache, value);
        }
        cache.push('}');
        // A cache that cannot be written only costs the next run a refresh.
        let _ = write_private(&self.token_file, cache.as_bytes());
        Some((token.clone(), expires))
    }
}

impl ProvideCredentials for SsoProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        let token = self.access_token()?;
        let mut resp = self
            .agent
            .get(&self.url)
            .header("x-amz-sso_bearer_token", &token)
            .call()
            .map_err(|e| cred_error("the SSO portal could not be reached").with_source(e))?;
        let status = resp.status().as_u16();
        let body = read_small(&mut resp, "SSO GetRoleCredentials")?;
        if status != 200 {
            let hint = if matches!(status, 401 | 403) {
                "; the SSO session may have ended: run `aws sso login`"
            } else {
                ""
            };
            return Err(cred_error(format!(
                "SSO GetRoleCredentials answered http {status}{hint}"
            )));
        }
        let outer = json::parse_object(body.trim())
            .ok_or_else(|| cred_error("SSO GetRoleCredentials did not return a JSON object"))?;
        let Some(Value::Nested(inner)) = outer.get("roleCredentials") else {
            return Err(cred_error(
                "SSO GetRoleCredentials: roleCredentials is missing",
            ));
        };
        let inner = json::parse_object(inner).ok_or_else(|| {
            cred_error("SSO GetRoleCredentials: roleCredentials is not an object")
        })?;
        let s = |k: &str| match inner.get(k) {
            Some(Value::Str(v)) if !v.is_empty() => Ok(v.clone()),
            _ => Err(cred_error(format!(
                "SSO GetRoleCredentials: {k} is missing"
            ))),
        };
        let expiration = match inner.get("expiration") {
            // Milliseconds since the epoch.
            Some(Value::Num(ms)) if ms.is_finite() && *ms >= 0.0 => {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let ms = *ms as u64;
                Some(
                    UNIX_EPOCH
                        .checked_add(Duration::from_millis(ms))
                        .ok_or_else(|| {
                            cred_error("SSO GetRoleCredentials: expiration is out of range")
                        })?,
                )
            }
            _ => {
                return Err(cred_error(
                    "SSO GetRoleCredentials: expiration is missing or not a number",
                ));
            }
        };
        Ok(Credentials::new(
            s("accessKeyId")?,
            s("secretAccessKey")?,
            Some(s("sessionToken")?),
            expiration,
        ))
    }
}

/// Web identity federation: reads a token file (re-read at every refresh) and calls
/// `AssumeRoleWithWebIdentity` (unsigned).
#[derive(Clone)]
pub struct WebIdentityProvider {
    client: Client,
    role_arn: String,
    token_file: String,
    session_name: Option<String>,
}

impl fmt::Debug for WebIdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityProvider")
            .field("role_arn", &self.role_arn)
            .field("token_file", &self.token_file)
            .finish_non_exhaustive()
    }
}

impl WebIdentityProvider {
    /// A provider assuming `role_arn` with the token in `token_file`, sending with `config`.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when `config` does not resolve to an endpoint.
    pub fn new(
        config: ClientConfig,
        role_arn: impl Into<String>,
        token_file: impl Into<String>,
        session_name: Option<String>,
    ) -> Result<Self, Error> {
        Ok(Self {
            client: Client::anonymous(config)?,
            role_arn: role_arn.into(),
            token_file: token_file.into(),
            session_name,
        })
    }

    /// From `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME` (EKS IRSA).
    ///
    /// # Errors
    /// Not configured when the variables are not set.
    pub fn from_env(env: Env<'_>, config: ClientConfig) -> Result<Self, Error> {
        let get = |k: &str| env(k).filter(|v| !v.trim().is_empty());
        let (Some(file), Some(role)) = (get("AWS_WEB_IDENTITY_TOKEN_FILE"), get("AWS_ROLE_ARN"))
        else {
            return Err(not_configured(
                "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not both set",
            ));
        };
        Self::new(config, role, file, get("AWS_ROLE_SESSION_NAME"))
    }
}

fn default_session_name(prefix: &str) -> String {
    let millis = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("{prefix}-{millis}")
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        let token = std::fs::read_to_string(&self.token_file).map_err(|e| {
            cred_error("the web identity token file could not be read").with_source(e)
        })?;
        let session = self
            .session_name
            .clone()
            .unwrap_or_else(|| default_session_name("tinysts-web-identity"));
        let req =
            AssumeRoleWithWebIdentityRequest::new(self.role_arn.clone(), session, token.trim());
        Ok(self.client.assume_role_with_web_identity(&req)?.credentials)
    }
}

/// An on-disk cache of assumed-role credentials, in the spirit of the AWS CLI's
/// `~/.aws/cli/cache`: one JSON file per role and session settings (named by a SHA-256 of
/// them), written with mode 0600, so that separate runs of a program skip STS (and the MFA
/// prompt) while the credentials are fresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskCache {
    dir: std::path::PathBuf,
}

impl DiskCache {
    /// A cache in `dir` (created when first written).
    #[must_use]
    pub fn new(dir: impl Into<std::path::PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// `~/.aws/tinysts/cache` (beside the AWS CLI's, in tinysts's own format).
    #[must_use]
    pub fn default_location(env: Env<'_>) -> Option<Self> {
        let home = super::profile::home_dir(env, Platform::current())?;
        Some(Self::new(
            std::path::Path::new(&home)
                .join(".aws")
                .join("tinysts")
                .join("cache"),
        ))
    }

    fn path(&self, link: &RoleLink, session: &str) -> std::path::PathBuf {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for part in [
            link.role_arn.as_str(),
            session,
            link.external_id.as_deref().unwrap_or(""),
            link.mfa_serial.as_deref().unwrap_or(""),
            &link
                .duration_seconds
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        self.dir.join(format!("{}.json", hex::encode(h.finalize())))
    }

    /// Cached credentials for `link` that stay valid for at least `min_left`.
    fn load(&self, link: &RoleLink, session: &str, min_left: Duration) -> Option<Credentials> {
        let text = std::fs::read_to_string(self.path(link, session)).ok()?;
        let c = credentials_from_json(&text, "the credentials cache").ok()?;
        let left = c.expiration()?.duration_since(SystemTime::now()).ok()?;
        (left > min_left).then_some(c)
    }

    fn store(&self, link: &RoleLink, session: &str, c: &Credentials) -> Result<(), Error> {
        let io = |e: std::io::Error| {
            cred_error("the credentials cache could not be written").with_source(e)
        };
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        write_private(
            &self.path(link, session),
            crate::export::process_json(c).as_bytes(),
        )
        .map_err(io)
    }
}

/// Replaces `path` with `bytes` atomically (a temporary file renamed over it), readable by
/// the owner only.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&tmp)?;
    std::io::Write::write_all(&mut f, bytes)?;
    drop(f);
    std::fs::rename(&tmp, path)
}

/// Assumes a profile's role with the credentials of its source.
#[derive(Clone)]
pub struct AssumeRoleProvider {
    source: Arc<dyn ProvideCredentials>,
    config: ClientConfig,
    link: RoleLink,
    mfa: Option<MfaCallback>,
    session: String,
    disk: Option<DiskCache>,
}

impl fmt::Debug for AssumeRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProvider")
            .field("role", &self.link)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl AssumeRoleProvider {
    /// Assumes `link` with the credentials of `source`, sending with `config`; `mfa` supplies
    /// the code when the link has an `mfa_serial`.
    #[must_use]
    pub fn new(
        source: Arc<dyn ProvideCredentials>,
        config: ClientConfig,
        link: RoleLink,
        mfa: Option<MfaCallback>,
    ) -> Self {
        let session = link
            .role_session_name
            .clone()
            .unwrap_or_else(|| default_session_name("tinysts"));
        Self {
            source,
            config,
            link,
            mfa,
            session,
            disk: None,
        }
    }

    /// Reuses credentials cached on disk by earlier runs, and caches new ones there.
    #[must_use]
    pub fn with_disk_cache(mut self, cache: DiskCache) -> Self {
        // A stable session name, so that later runs find the same file.
        if self.link.role_session_name.is_none() {
            "tinysts".clone_into(&mut self.session);
        }
        self.disk = Some(cache);
        self
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        if let Some(disk) = &self.disk {
            if let Some(c) = disk.load(&self.link, &self.session, super::DEFAULT_ADVISORY) {
                return Ok(c);
            }
        }
        let source = self.source.provide_credentials()?;
        let client = Client::with_config(self.config.clone(), Arc::new(source))?;
        let mut req = AssumeRoleRequest::new(self.link.role_arn.clone(), self.session.clone());
        req.external_id.clone_from(&self.link.external_id);
        req.duration_seconds = self.link.duration_seconds;
        if let Some(serial) = &self.link.mfa_serial {
            let Some(mfa) = &self.mfa else {
                return Err(cred_error(format!(
                    "profile `{}` needs an MFA code for {serial}, and no MFA callback was given",
                    self.link.profile
                )));
            };
            req.serial_number = Some(serial.clone());
            req.token_code = Some(mfa(serial)?);
        }
        let credentials = client.assume_role(&req)?.credentials;
        if let Some(disk) = &self.disk {
            // A cache that cannot be written only costs the next run an STS call.
            let _ = disk.store(&self.link, &self.session, &credentials);
        }
        Ok(credentials)
    }
}

/// A profile's credentials: its resolved chain, each role cached and refreshed.
#[derive(Debug, Clone)]
pub struct ProfileProvider {
    inner: Arc<dyn ProvideCredentials>,
    chain: Chain,
    profile: String,
}

/// A source a profile names that is not set up (`credential_source = Environment` with no
/// `AWS_ACCESS_KEY_ID`, say) is a failure of that profile, not a reason to move on.
fn within_profile(profile: &str, e: Error) -> Error {
    if is_not_configured(&e) {
        cred_error(format!("profile `{profile}`: {e}"))
    } else {
        e
    }
}

impl ProfileProvider {
    /// The provider for profile `profile`, sending STS calls with `config`.
    ///
    /// # Errors
    /// Not configured when the profile does not exist or holds no credential setting (only a
    /// `region`, say); otherwise the chain's resolution errors (missing source profile, loops,
    /// an SSO profile without account and role).
    pub fn new(
        env: Env<'_>,
        profiles: &ProfileSet,
        profile: &str,
        config: &ClientConfig,
        mfa: Option<&MfaCallback>,
        disk: Option<&DiskCache>,
    ) -> Result<Self, Error> {
        let Some(props) = profiles.profile(profile) else {
            return Err(not_configured(format!(
                "profile `{profile}` is not in the config or credentials file"
            )));
        };
        if !super::profile::is_credential_source(props) {
            return Err(not_configured(format!(
                "profile `{profile}` has no credential settings"
            )));
        }
        let chain = resolve_chain(profiles.profiles(), profiles.sso_sessions(), profile)?;
        let mut current: Arc<dyn ProvideCredentials> = match &chain.base {
            BaseSource::AccessKey {
                access_key_id,
                secret_access_key,
                session_token,
                ..
            } => Arc::new(Credentials::new(
                access_key_id.clone(),
                secret_access_key.clone(),
                session_token.clone(),
                None,
            )),
            BaseSource::NamedSource(name) => match name.as_str() {
                "Environment" => Arc::new(EnvironmentProvider),
                "EcsContainer" => Arc::new(CachingProvider::wrap(Arc::new(
                    ContainerProvider::from_env(env).map_err(|e| within_profile(profile, e))?,
                ))),
                _ => Arc::new(CachingProvider::wrap(Arc::new(
                    ImdsProvider::from_env(env, profiles, profile)
                        .map_err(|e| within_profile(profile, e))?,
                ))),
            },
            BaseSource::WebIdentityToken {
                role_arn,
                web_identity_token_file,
                role_session_name,
            } => Arc::new(CachingProvider::wrap(Arc::new(WebIdentityProvider::new(
                config.clone(),
                role_arn.clone(),
                web_identity_token_file.clone(),
                role_session_name.clone(),
            )?))),
            BaseSource::CredentialProcess { command } => Arc::new(CachingProvider::wrap(Arc::new(
                ProcessProvider::new(command.clone()),
            ))),
            sso @ BaseSource::Sso { .. } => Arc::new(CachingProvider::wrap(Arc::new(
                SsoProvider::new(env, profiles, profile, config, sso)?,
            ))),
        };
        for link in &chain.roles {
            let mut step =
                AssumeRoleProvider::new(current, config.clone(), link.clone(), mfa.cloned());
            if let Some(d) = disk {
                step = step.with_disk_cache(d.clone());
            }
            current = Arc::new(CachingProvider::wrap(Arc::new(step)));
        }
        Ok(Self {
            inner: current,
            chain,
            profile: profile.to_owned(),
        })
    }

    /// The resolved chain.
    #[must_use]
    pub fn chain(&self) -> &Chain {
        &self.chain
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        self.inner
            .provide_credentials()
            .map_err(|e| within_profile(&self.profile, e))
    }
}

/// A source of the default chain, or why it is not set up.
type Source = Result<Arc<dyn ProvideCredentials>, String>;

/// The SDKs' default chain: environment, profile, web identity from the environment,
/// container, IMDS. Sources that are not set up are skipped; the first one that is set up
/// answers (its error included). When none is, the error lists every source and why.
#[derive(Debug, Clone)]
pub struct DefaultChain {
    sources: Vec<(&'static str, Source)>,
}

/// Everything `Client::from_env` loads: the files, the profile, the settings.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The parsed config and credentials files.
    pub profiles: ProfileSet,
    /// The selected profile (`AWS_PROFILE` or `default`).
    pub profile: String,
    /// The client settings from the environment and profile.
    pub config: ClientConfig,
    /// Where assumed-role credentials are cached between runs (off unless set).
    pub disk_cache: Option<DiskCache>,
}

/// Reads the config and credentials files the environment points to (a missing file is
/// empty) and the settings of the selected profile.
///
/// # Errors
/// [`ErrorKind::Config`] for a syntax error in a file or an invalid setting (a flag that is
/// neither `true` nor `false`, for instance), and when `AWS_PROFILE` names a profile that is in
/// neither file (as the AWS CLI: "The config profile (name) could not be found"). No region is
/// not an error: see [`config::client_config`].
pub fn load(env: Env<'_>) -> Result<Loaded, Error> {
    let loc = file_locations(env, Platform::current());
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let profiles = ProfileSet::parse(&read(&loc.config), &read(&loc.credentials))?;
    let chosen = env("AWS_PROFILE").is_some_and(|p| !p.is_empty());
    if chosen && profiles.profile(&loc.profile).is_none() {
        return Err(Error::other(
            ErrorKind::Config,
            format!("the config profile ({}) could not be found", loc.profile),
        ));
    }
    let config = config::client_config(env, &profiles, &loc.profile)?;
    Ok(Loaded {
        profiles,
        profile: loc.profile,
        config,
        disk_cache: None,
    })
}

impl DefaultChain {
    /// Builds the chain from the environment and the loaded files.
    #[must_use]
    pub fn new(env: Env<'_>, loaded: &Loaded, mfa: Option<&MfaCallback>) -> Self {
        let reason = |e: Error| e.to_string();
        let env_source: Result<Arc<dyn ProvideCredentials>, String> =
            if env("AWS_ACCESS_KEY_ID").is_some_and(|v| !v.is_empty()) {
                Credentials::from_env_with(env)
                    .map(|c| Arc::new(c) as Arc<dyn ProvideCredentials>)
                    .map_err(reason)
            } else {
                Err("AWS_ACCESS_KEY_ID is not set".to_owned())
            };
        let profile = ProfileProvider::new(
            env,
            &loaded.profiles,
            &loaded.profile,
            &loaded.config,
            mfa,
            loaded.disk_cache.as_ref(),
        )
        .map(|p| Arc::new(p) as Arc<dyn ProvideCredentials>);
        let web = WebIdentityProvider::from_env(env, loaded.config.clone())
            .map(|p| Arc::new(CachingProvider::wrap(Arc::new(p))) as Arc<dyn ProvideCredentials>);
        let container = ContainerProvider::from_env(env)
            .map(|p| Arc::new(CachingProvider::wrap(Arc::new(p))) as Arc<dyn ProvideCredentials>);
        let imds = ImdsProvider::from_env(env, &loaded.profiles, &loaded.profile)
            .map(|p| Arc::new(CachingProvider::wrap(Arc::new(p))) as Arc<dyn ProvideCredentials>);
        let keep = |r: Result<Arc<dyn ProvideCredentials>, Error>| match r {
            Ok(p) => Ok(p),
            Err(e) if is_not_configured(&e) => Err(e.to_string()),
            // Set up but broken (a profile with a loop, say): that error is the answer.
            Err(e) => Ok(Arc::new(Broken(e.to_string())) as Arc<dyn ProvideCredentials>),
        };
        Self {
            sources: vec![
                ("environment", env_source),
                ("profile", keep(profile)),
                ("web identity", keep(web)),
                ("container", keep(container)),
                ("instance metadata", keep(imds)),
            ],
        }
    }
}

/// A source that is set up but cannot work; answers with its error.
#[derive(Debug)]
struct Broken(String);

impl ProvideCredentials for Broken {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        Err(cred_error(self.0.clone()))
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        let mut reasons = Vec::new();
        for (name, source) in &self.sources {
            match source {
                Ok(p) => match p.provide_credentials() {
                    Ok(c) => return Ok(c),
                    Err(e) if is_not_configured(&e) => reasons.push(format!("{name}: {e}")),
                    Err(e) => {
                        return Err(
                            cred_error(format!("{name} credentials failed: {e}")).with_source(e)
                        );
                    }
                },
                Err(why) => reasons.push(format!("{name}: {why}")),
            }
        }
        Err(cred_error(format!(
            "no credentials found ({})",
            reasons.join("; ")
        )))
    }
}

impl Client {
    /// A client configured the way the AWS CLI is: settings from the environment and the
    /// selected profile, credentials from the default chain (cached and refreshed).
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when the settings are invalid.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_env_with_mfa(None)
    }

    /// As [`Client::from_env`], with a callback that supplies MFA codes for profiles with
    /// `mfa_serial`.
    ///
    /// # Errors
    /// As [`Client::from_env`].
    // Takes the callback by value: callers hand over a fresh `Arc`.
    #[allow(clippy::needless_pass_by_value)]
    pub fn from_env_with_mfa(mfa: Option<MfaCallback>) -> Result<Self, Error> {
        let env = &config::process_env;
        let loaded = load(env)?;
        let chain = DefaultChain::new(env, &loaded, mfa.as_ref());
        Self::with_config(
            loaded.config,
            Arc::new(CachingProvider::wrap(Arc::new(chain))),
        )
    }
}
