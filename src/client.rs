//! The blocking client: the only module that does I/O and reads the clock.
//!
//! A call is: validate, write the awsQuery body, sign it (unless the operation is unsigned),
//! POST it with ureq, read the body with a size limit, then parse the answer or map the
//! `<ErrorResponse>`. Failed attempts are retried in the SDKs' "standard" mode, and a clock
//! that STS says is skewed is corrected once and remembered.

use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use crate::credentials::ProvideCredentials;
use crate::endpoint::{self, Endpoint, EndpointParams};
use crate::error::{ErrorCode, ErrorKind};
use crate::operations::{
    AssumeRoleRequest, AssumeRoleResponse, AssumeRoleWithSamlRequest, AssumeRoleWithSamlResponse,
    AssumeRoleWithWebIdentityRequest, AssumeRoleWithWebIdentityResponse, AssumeRootRequest,
    AssumeRootResponse, DecodeAuthorizationMessageRequest, DecodeAuthorizationMessageResponse,
    GetAccessKeyInfoRequest, GetAccessKeyInfoResponse, GetCallerIdentityRequest,
    GetCallerIdentityResponse, GetDelegatedAccessTokenRequest, GetDelegatedAccessTokenResponse,
    GetFederationTokenRequest, GetFederationTokenResponse, GetSessionTokenRequest,
    GetSessionTokenResponse, GetWebIdentityTokenRequest, GetWebIdentityTokenResponse, Operation,
};
use crate::query::QueryWriter;
use crate::sigv4::{SignableRequest, Signer, SigningParams, SigningSettings};
use crate::{Credentials, Error, xml};

/// The `User-Agent` every request carries (not signed).
pub const USER_AGENT: &str = concat!("tinysts/", env!("CARGO_PKG_VERSION"));
/// Default connect timeout: 3.1 s, the AWS SDKs' default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);
/// Default timeout of one attempt, from connecting to the last byte of the body: 30 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default number of attempts (the SDKs' "standard" retry mode): 3.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Default limit on a response body: 1 MiB (STS answers are a few KB).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 1024 * 1024;
/// First backoff step; attempt `n` waits a random time up to `BASE * 2^(n-1)`.
const BACKOFF_BASE: Duration = Duration::from_millis(100);
/// Longest backoff between two attempts.
const BACKOFF_CAP: Duration = Duration::from_secs(20);
/// A server clock further than this from ours counts as skew.
const SKEW_THRESHOLD: Duration = Duration::from_secs(240);

/// Settings of a [`Client`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// The region, e.g. `us-east-1` (or `aws-global`).
    pub region: String,
    /// A custom endpoint URL (`http://` allowed only here), e.g. `http://127.0.0.1:5000`.
    pub endpoint_url: Option<String>,
    /// Use the FIPS endpoint.
    pub use_fips: bool,
    /// Use the dual-stack endpoint.
    pub use_dual_stack: bool,
    /// Use the legacy global endpoint `sts.amazonaws.com` for the 16 legacy regions.
    pub use_global_endpoint: bool,
    /// Connect timeout ([`DEFAULT_CONNECT_TIMEOUT`]).
    pub connect_timeout: Duration,
    /// Timeout of one attempt, connect to last byte ([`DEFAULT_TIMEOUT`]).
    pub timeout: Duration,
    /// Attempts per call, at least 1 ([`DEFAULT_MAX_ATTEMPTS`]).
    pub max_attempts: u32,
    /// Largest response body accepted ([`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub max_response_bytes: u64,
    /// A PEM file of CA certificates to trust instead of the built-in web PKI roots
    /// (`AWS_CA_BUNDLE`, profile `ca_bundle`).
    pub ca_bundle: Option<std::path::PathBuf>,
}

impl ClientConfig {
    /// Settings for `region` with the documented defaults.
    #[must_use]
    pub fn new(region: impl Into<String>) -> Self {
        Self {
            region: region.into(),
            endpoint_url: None,
            use_fips: false,
            use_dual_stack: false,
            use_global_endpoint: false,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            ca_bundle: None,
        }
    }
}

/// A blocking STS client: one method per operation. `Send + Sync`, and cheap to clone (clones
/// share the connection pool, the signing-key cache and the clock-skew correction).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    agent: ureq::Agent,
    endpoint: Endpoint,
    config: ClientConfig,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    signer: Signer,
    /// Server time minus local time, in seconds, learned from a skew error.
    clock_offset: AtomicI64,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint)
            .field("config", &self.inner.config)
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

/// A failed attempt, with what the retry logic needs.
struct Failure {
    error: Error,
    status: Option<u16>,
    server_date: Option<SystemTime>,
}

impl Client {
    /// A client for `region` that signs with `credentials` (a [`Credentials`] value or any
    /// provider).
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when the region cannot be resolved to an endpoint.
    pub fn new(
        region: impl Into<String>,
        credentials: impl ProvideCredentials + 'static,
    ) -> Result<Self, Error> {
        Self::with_config(ClientConfig::new(region), Arc::new(credentials))
    }

    /// A client with explicit settings.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when the settings do not resolve to an endpoint.
    pub fn with_config(
        config: ClientConfig,
        credentials: Arc<dyn ProvideCredentials>,
    ) -> Result<Self, Error> {
        Self::build(config, Some(credentials))
    }

    /// A client without credentials: it can only call the unsigned operations
    /// (`AssumeRoleWithSAML`, `AssumeRoleWithWebIdentity`); the others fail with
    /// [`ErrorKind::Credentials`].
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when the settings do not resolve to an endpoint.
    pub fn anonymous(config: ClientConfig) -> Result<Self, Error> {
        Self::build(config, None)
    }

    fn build(
        config: ClientConfig,
        credentials: Option<Arc<dyn ProvideCredentials>>,
    ) -> Result<Self, Error> {
        let mut params = EndpointParams::new(config.region.clone());
        params.use_fips = config.use_fips;
        params.use_dual_stack = config.use_dual_stack;
        params.use_global_endpoint = config.use_global_endpoint;
        params.endpoint.clone_from(&config.endpoint_url);
        let endpoint = endpoint::resolve(&params)?;
        let agent = agent(&config)?;
        Ok(Self {
            inner: Arc::new(Inner {
                agent,
                endpoint,
                config,
                credentials,
                signer: Signer::new(),
                clock_offset: AtomicI64::new(0),
            }),
        })
    }

    /// The same client sending through `agent`. tinysts configures its own agent (no
    /// redirects, status codes as bodies, timeouts, user agent); one passed here is used as it
    /// is, and ties your `ureq` version to tinysts's (3.x).
    #[must_use]
    pub fn with_agent(self, agent: ureq::Agent) -> Self {
        let inner = &self.inner;
        Self {
            inner: Arc::new(Inner {
                agent,
                endpoint: inner.endpoint.clone(),
                config: inner.config.clone(),
                credentials: inner.credentials.clone(),
                signer: inner.signer.clone(),
                clock_offset: AtomicI64::new(inner.clock_offset.load(Ordering::Relaxed)),
            }),
        }
    }

    /// The resolved endpoint.
    #[must_use]
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    /// The settings.
    #[must_use]
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The credentials the client signs with now (from its provider).
    ///
    /// # Errors
    /// [`ErrorKind::Credentials`] when the provider has none, or the client is anonymous.
    pub fn credentials(&self) -> Result<Credentials, Error> {
        match &self.inner.credentials {
            Some(p) => p.provide_credentials(),
            None => Err(Error::other(
                ErrorKind::Credentials,
                "this client has no credentials: it can only call unsigned operations",
            )),
        }
    }

    /// The current time as the client signs with it: the local clock, corrected by the offset
    /// learned from a clock-skew error.
    #[must_use]
    pub fn now(&self) -> SystemTime {
        apply_offset(
            SystemTime::now(),
            self.inner.clock_offset.load(Ordering::Relaxed),
        )
    }

    /// [AssumeRole](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
    ///
    /// # Errors
    /// See [`Client::get_caller_identity`].
    pub fn assume_role(&self, req: &AssumeRoleRequest) -> Result<AssumeRoleResponse, Error> {
        self.call(req)
    }

    /// [AssumeRoleWithSAML](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html)
    /// (unsigned).
    ///
    /// # Errors
    /// See [`Client::get_caller_identity`].
    pub fn assume_role_with_saml(
        &self,
        req: &AssumeRoleWithSamlRequest,
    ) -> Result<AssumeRoleWithSamlResponse, Error> {
        self.call(req)
    }

    /// [AssumeRoleWithWebIdentity](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html)
    /// (unsigned).
    ///
    /// # Errors
    /// See [`Client::get_caller_identity`].
    pub fn assume_role_with_web_identity(
        &self,
        req: &AssumeRoleWithWebIdentityRequest,
    ) -> Result<AssumeRoleWithWebIdentityResponse, Error> {
        self.call(req)
    }

    /// [AssumeRoot](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html).
    /// Refused on the global endpoint: `AssumeRoot` needs a regional one.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] on the global endpoint; otherwise see
    /// [`Client::get_caller_identity`].
    pub fn assume_root(&self, req: &AssumeRootRequest) -> Result<AssumeRootResponse, Error> {
        if self.inner.endpoint.is_global() {
            return Err(Error::other(
                ErrorKind::Config,
                "AssumeRoot needs a regional endpoint, not the global sts.amazonaws.com",
            ));
        }
        self.call(req)
    }

    /// [DecodeAuthorizationMessage](https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html).
    ///
    /// # Errors
    /// See [`Client::get_caller_identity`].
    pub fn decode_authorization_message(
        &self,
        req: &DecodeAuthorizationMessageRequest,
    ) -> Result<DecodeAuthorizationMessageResponse, Error> {
        self.call(req)
    }

    /// [GetAccessKeyInfo](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html).
    ///
    /// # Errors
    /// See [`Client::get_caller_identity`].
    pub fn get_access_key_info(
        &self,
        req: &GetAccessKeyInfoRequest,
    ) -> Result<GetAccessKeyInfoResponse, Error> {
        self.call(req)
    }

    /// [GetCallerIdentity](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html):
    /// who the credentials belong to.
    ///
    /// # Errors
    /// - [`ErrorKind::InvalidInput`]: a parameter breaks the model's constraints (nothing sent);
    /// - [`ErrorKind::Service`]: STS answered with an error (see [`Error::service_error`]);
    /// - [`ErrorKind::InvalidResponse`]: the answer could not be understood;
    /// - [`ErrorKind::Transport`] / [`ErrorKind::Timeout`]: the network failed, after retries;
    /// - [`ErrorKind::Credentials`]: no credentials to sign with.
    pub fn get_caller_identity(
        &self,
        req: &GetCallerIdentityRequest,
    ) -> Result<GetCallerIdentityResponse, Error> {
        self.call(req)
    }

    /// [GetDelegatedAccessToken](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetDelegatedAccessToken.html).
    ///
    /// # Errors
    /// See [`Client::get_caller_identity`].
    pub fn get_delegated_access_token(
        &self,
        req: &GetDelegatedAccessTokenRequest,
    ) -> Result<GetDelegatedAccessTokenResponse, Error> {
        self.call(req)
    }

    /// [GetFederationToken](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html).
    ///
    /// # Errors
    /// See [`Client::get_caller_identity`].
    pub fn get_federation_token(
        &self,
        req: &GetFederationTokenRequest,
    ) -> Result<GetFederationTokenResponse, Error> {
        self.call(req)
    }

    /// [GetSessionToken](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html).
    ///
    /// # Errors
    /// See [`Client::get_caller_identity`].
    pub fn get_session_token(
        &self,
        req: &GetSessionTokenRequest,
    ) -> Result<GetSessionTokenResponse, Error> {
        self.call(req)
    }

    /// [GetWebIdentityToken](https://docs.aws.amazon.com/STS/latest/APIReference/API_GetWebIdentityToken.html).
    ///
    /// # Errors
    /// See [`Client::get_caller_identity`].
    pub fn get_web_identity_token(
        &self,
        req: &GetWebIdentityTokenRequest,
    ) -> Result<GetWebIdentityTokenResponse, Error> {
        self.call(req)
    }

    /// Validate, encode, then send with retries; parse a 2xx answer.
    fn call<O: Operation>(&self, op: &O) -> Result<O::Output, Error> {
        op.validate()?;
        let mut writer = QueryWriter::new(O::ACTION);
        op.write_members(&mut writer);
        let body = writer.finish();
        let max_attempts = self.inner.config.max_attempts.max(1);
        let mut attempt = 0;
        let mut skew_corrected = false;
        loop {
            attempt += 1;
            let failure = match self.attempt(&body, O::SIGNED) {
                Ok(text) => return O::parse(&text).map_err(|e| e.with_attempts(attempt)),
                Err(f) => f,
            };
            if !skew_corrected && self.correct_skew(&failure) {
                // One extra attempt, re-signed with the corrected clock.
                skew_corrected = true;
                continue;
            }
            if attempt >= max_attempts || !retryable(&failure) {
                return Err(failure.error.with_attempts(attempt));
            }
            std::thread::sleep(backoff(attempt));
        }
    }

    /// One signed (or unsigned) POST; `Ok` is a 2xx body.
    fn attempt(&self, body: &str, signed: bool) -> Result<String, Failure> {
        let inner = &*self.inner;
        let endpoint = &inner.endpoint;
        let host = endpoint.host();
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        let url = format!("{}{}", endpoint.url, "/");
        let mut request = inner.agent.post(&url).header("content-type", content_type);
        if signed {
            let credentials = self.credentials().map_err(|error| Failure {
                error,
                status: None,
                server_date: None,
            })?;
            let headers = [("content-type", content_type), ("host", host)];
            let params = SigningParams {
                credentials: &credentials,
                region: &endpoint.signing_region,
                service: &endpoint.signing_name,
                time: self.now(),
                settings: SigningSettings::default(),
            };
            let req = SignableRequest {
                method: "POST",
                uri: endpoint.path(),
                headers: &headers,
                body: body.as_bytes(),
            };
            let signed = inner.signer.sign(&req, &params).map_err(|error| Failure {
                error,
                status: None,
                server_date: None,
            })?;
            for (name, value) in signed.headers() {
                request = request.header(name, value);
            }
        }
        let mut response = request.send(body).map_err(|e| Failure {
            error: transport_error(e, host),
            status: None,
            server_date: None,
        })?;
        let status = response.status().as_u16();
        let server_date = response
            .headers()
            .get("date")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date);
        let text = response
            .body_mut()
            .with_config()
            .limit(inner.config.max_response_bytes)
            .read_to_string()
            .map_err(|e| Failure {
                error: body_error(e, inner.config.max_response_bytes),
                status: Some(status),
                server_date,
            })?;
        if (200..300).contains(&status) {
            Ok(text)
        } else {
            Err(Failure {
                error: xml::error_from_body(&text, status),
                status: Some(status),
                server_date,
            })
        }
    }

    /// When STS says the request time is wrong and its clock is far from ours, remember the
    /// offset and return true.
    fn correct_skew(&self, failure: &Failure) -> bool {
        let skew_code = failure.error.code().is_some_and(|c| {
            matches!(
                c,
                ErrorCode::RequestExpired | ErrorCode::SignatureDoesNotMatch
            ) || matches!(c, ErrorCode::Other(s) if s == "RequestTimeTooSkewed" || s == "InvalidSignatureException")
        }) || failure
            .error
            .service_error()
            .is_some_and(|s| s.message().to_ascii_lowercase().contains("skew"));
        let Some(server) = failure.server_date else {
            return false;
        };
        if !skew_code {
            return false;
        }
        let now = SystemTime::now();
        let offset = match server.duration_since(now) {
            Ok(ahead) => i64::try_from(ahead.as_secs()).unwrap_or(i64::MAX),
            Err(behind) => -i64::try_from(behind.duration().as_secs()).unwrap_or(i64::MAX),
        };
        let current = self.inner.clock_offset.load(Ordering::Relaxed);
        if offset.unsigned_abs() < SKEW_THRESHOLD.as_secs()
            || offset.abs_diff(current) < SKEW_THRESHOLD.as_secs()
        {
            return false;
        }
        self.inner.clock_offset.store(offset, Ordering::Relaxed);
        true
    }
}

/// The trust roots of `config.ca_bundle`, or the built-in web PKI roots.
fn tls_config(config: &ClientConfig) -> Result<ureq::tls::TlsConfig, Error> {
    let builder = ureq::tls::TlsConfig::builder();
    let Some(path) = &config.ca_bundle else {
        return Ok(builder.build());
    };
    let pem = std::fs::read(path).map_err(|e| {
        Error::other(ErrorKind::Config, "the CA bundle could not be read").with_source(e)
    })?;
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(Error::other(
            ErrorKind::Config,
            "the CA bundle holds no PEM certificate",
        ));
    }
    Ok(builder
        .root_certs(ureq::tls::RootCerts::new_with_certs(&certs))
        .build())
}

pub(crate) fn agent(config: &ClientConfig) -> Result<ureq::Agent, Error> {
    let cfg = ureq::Agent::config_builder()
        .tls_config(tls_config(config)?)
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_connect(Some(config.connect_timeout))
        .timeout_global(Some(config.timeout))
        .user_agent(USER_AGENT)
        // One client usually talks to one STS host from many threads: keep enough idle
        // connections for them to be reused rather than reopened.
        .max_idle_connections(32)
        .max_idle_connections_per_host(16)
        .build();
    Ok(ureq::Agent::new_with_config(cfg))
}

fn apply_offset(now: SystemTime, offset: i64) -> SystemTime {
    let d = Duration::from_secs(offset.unsigned_abs());
    if offset >= 0 {
        now.checked_add(d).unwrap_or(now)
    } else {
        now.checked_sub(d).unwrap_or(now)
    }
}

/// Whether a failed attempt is worth another: network failures and timeouts, 5xx and 429,
/// throttling, and `IDPCommunicationError`. Never validation, access or signature errors.
fn retryable(f: &Failure) -> bool {
    match f.error.kind() {
        ErrorKind::Transport | ErrorKind::Timeout => true,
        ErrorKind::Service | ErrorKind::InvalidResponse => {
            let status_retry = matches!(f.status, Some(500 | 502 | 503 | 504 | 429));
            let code_retry = f.error.code().is_some_and(|c| match c {
                ErrorCode::Throttling
                | ErrorCode::IdpCommunicationError
                | ErrorCode::InternalFailure
                | ErrorCode::ServiceUnavailable => true,
                ErrorCode::Other(s) => matches!(
                    s.as_str(),
                    "ThrottlingException"
                        | "ThrottledException"
                        | "RequestThrottledException"
                        | "TooManyRequestsException"
                        | "ProvisionedThroughputExceededException"
                        | "TransactionInProgressException"
                        | "RequestLimitExceeded"
                        | "BandwidthLimitExceeded"
                        | "LimitExceededException"
                        | "RequestThrottled"
                        | "SlowDown"
                        | "PriorRequestNotComplete"
                        | "EC2ThrottledException"
                        | "RequestTimeout"
                        | "RequestTimeoutException"
                ),
                _ => false,
            });
            status_retry || code_retry
        }
        _ => false,
    }
}

/// Exponential backoff with full jitter: a random wait up to `min(cap, base * 2^(n-1))`.
fn backoff(attempt: u32) -> Duration {
    let ceiling = BACKOFF_BASE
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
        .min(BACKOFF_CAP);
    // A random 64-bit value from the standard library's per-instance hash keys.
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(random % nanos.max(1))
}

fn transport_error(e: ureq::Error, host: &str) -> Error {
    match e {
        ureq::Error::Timeout(t) => Error::other(
            ErrorKind::Timeout,
            format!("request to {host} timed out ({t})"),
        )
        .with_source(ureq::Error::Timeout(t)),
        other => Error::other(
            ErrorKind::Transport,
            format!("request to {host} failed: {}", kind_of(&other)),
        )
        .with_source(other),
    }
}

fn body_error(e: ureq::Error, limit: u64) -> Error {
    match e {
        ureq::Error::BodyExceedsLimit(_) => Error::invalid_response(format!(
            "response body is larger than the {limit}-byte limit"
        ))
        .with_source(e),
        ureq::Error::Timeout(t) => Error::other(
            ErrorKind::Timeout,
            format!("reading the response timed out ({t})"),
        )
        .with_source(ureq::Error::Timeout(t)),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
            Error::invalid_response("response body is not valid utf-8").with_source(io)
        }
        other => Error::other(
            ErrorKind::Transport,
            format!("reading the response failed: {}", kind_of(&other)),
        )
        .with_source(other),
    }
}

/// A short, secret-free description of a ureq error.
fn kind_of(e: &ureq::Error) -> &'static str {
    match e {
        ureq::Error::HostNotFound => "host not found",
        ureq::Error::ConnectionFailed => "connection failed",
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "connection refused",
            std::io::ErrorKind::ConnectionReset => "connection reset",
            std::io::ErrorKind::UnexpectedEof => "connection closed early",
            _ => "i/o error",
        },
        ureq::Error::Tls(_) => "tls error",
        ureq::Error::Protocol(_) => "http protocol error",
        ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => "redirect refused",
        _ => "http error",
    }
}

/// Parses an IMF-fixdate `Date` header: `Tue, 24 Nov 2026 02:31:53 GMT`.
fn parse_http_date(s: &str) -> Option<SystemTime> {
    let mut parts = s.split_whitespace();
    let _weekday = parts.next()?;
    let day: u8 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => time::Month::January,
        "Feb" => time::Month::February,
        "Mar" => time::Month::March,
        "Apr" => time::Month::April,
        "May" => time::Month::May,
        "Jun" => time::Month::June,
        "Jul" => time::Month::July,
        "Aug" => time::Month::August,
        "Sep" => time::Month::September,
        "Oct" => time::Month::October,
        "Nov" => time::Month::November,
        "Dec" => time::Month::December,
        _ => return None,
    };
    let year: i32 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':');
    let h: u8 = hms.next()?.parse().ok()?;
    let m: u8 = hms.next()?.parse().ok()?;
    let sec: u8 = hms.next()?.parse().ok()?;
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    let t = time::Time::from_hms(h, m, sec).ok()?;
    Some(SystemTime::from(
        time::PrimitiveDateTime::new(date, t).assume_utc(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone>() {}
        check::<Client>();
    }

    #[test]
    fn http_dates() {
        let t = parse_http_date("Tue, 24 Nov 2026 02:31:53 GMT").expect("date");
        let secs = t
            .duration_since(SystemTime::UNIX_EPOCH)
            .expect("epoch")
            .as_secs();
        assert_eq!(secs, 1_795_487_513);
        assert!(parse_http_date("yesterday").is_none());
        assert!(parse_http_date("Tue, 99 Nov 2026 02:31:53 GMT").is_none());
    }

    #[test]
    fn backoff_is_bounded() {
        for attempt in 1..40 {
            let b = backoff(attempt);
            assert!(b <= BACKOFF_CAP);
            assert!(b <= BACKOFF_BASE * (1 << (attempt - 1).min(16)));
        }
    }

    #[test]
    fn assume_root_refused_on_global_endpoint() {
        let mut config = ClientConfig::new("aws-global");
        config.max_attempts = 1;
        let client = Client::with_config(
            config,
            Arc::new(Credentials::new("AKIDEXAMPLE", "secret", None, None)),
        )
        .expect("client");
        assert!(client.endpoint().is_global());
        let req = AssumeRootRequest::new(
            "123456789012",
            "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
        );
        let err = client.assume_root(&req).expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::Config);
    }

    #[test]
    fn ca_bundle_must_hold_certificates() {
        let dir = std::env::temp_dir().join(format!("tinysts-ca-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "not a certificate").expect("write");
        let mut config = ClientConfig::new("us-east-1");
        config.ca_bundle = Some(empty);
        let err = Client::anonymous(config.clone()).expect_err("no certs");
        assert_eq!(err.kind(), ErrorKind::Config);
        config.ca_bundle = Some(dir.join("missing.pem"));
        assert_eq!(
            Client::anonymous(config).expect_err("missing").kind(),
            ErrorKind::Config
        );
        std::fs::remove_dir_all(dir).expect("cleanup");
    }

    #[test]
    fn anonymous_client_cannot_sign() {
        let client = Client::anonymous(ClientConfig::new("us-east-1")).expect("client");
        assert_eq!(
            client.credentials().expect_err("none").kind(),
            ErrorKind::Credentials
        );
    }
}
