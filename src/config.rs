//! Settings the user's shell already has, read as the AWS CLI and SDKs read them: region,
//! endpoint URLs (`AWS_ENDPOINT_URL*`, profile `endpoint_url` and `[services]` sections),
//! `AWS_STS_REGIONAL_ENDPOINTS`, FIPS, dual-stack, `AWS_MAX_ATTEMPTS`, and the IMDS and
//! container endpoints.
//!
//! Everything here is pure: the environment comes in as a function and the profile files as a
//! parsed [`ProfileSet`].

use crate::client::ClientConfig;
use crate::credentials::profile::{ProfileSet, Properties};
use crate::{Error, ErrorKind};

/// Reads an environment variable (`std::env::var` in production, a map in tests).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment as an [`Env`].
#[must_use]
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn get(env: Env<'_>, k: &str) -> Option<String> {
    env(k)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// A setting: the environment variable `var`, else the profile's `key`; trimmed, and empty
/// counts as unset.
pub(crate) fn setting(
    env: Env<'_>,
    props: Option<&Properties>,
    var: &str,
    key: &str,
) -> Option<String> {
    get(env, var).or_else(|| {
        props
            .and_then(|p| p.get(key))
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    })
}

/// A `true` / `false` [`setting`] (any case); unset is `false`.
pub(crate) fn flag(
    env: Env<'_>,
    props: Option<&Properties>,
    var: &str,
    key: &str,
) -> Result<bool, Error> {
    match setting(env, props, var, key) {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(_) => Err(config_error(format!("{var} / {key} must be true or false"))),
    }
}

fn is_true(v: Option<&str>) -> bool {
    v.is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

fn config_error(message: String) -> Error {
    Error::other(ErrorKind::Config, message)
}

/// Reads `key = value` lines of a sub-section value (`sts =\n  endpoint_url = …`).
fn sub_property<'a>(raw: &'a str, key: &str) -> Option<&'a str> {
    raw.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim().eq_ignore_ascii_case(key)).then(|| v.trim())
    })
}

/// The endpoint URL configured for the service `service_id` (e.g. `STS`, `S3`, `DynamoDB`),
/// in the SDKs' order: the client's own setting; then, unless ignored
/// (`AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`, profile `ignore_configured_endpoint_urls` or the
/// client's flag), `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's
/// `[services]` section entry, and the profile's `endpoint_url`. `None`: use the endpoint
/// rules.
#[must_use]
pub fn configured_endpoint(
    service_id: &str,
    env: Env<'_>,
    profiles: &ProfileSet,
    profile: &str,
    client_endpoint: Option<&str>,
    client_ignore: bool,
) -> Option<String> {
    if let Some(url) = client_endpoint.filter(|u| !u.is_empty()) {
        return Some(url.to_owned());
    }
    let props = profiles.profile(profile);
    let prop = |k: &str| props.and_then(|p| p.get(k)).map(String::as_str);
    if client_ignore
        || is_true(get(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").as_deref())
        || is_true(prop("ignore_configured_endpoint_urls"))
    {
        return None;
    }
    let env_suffix = service_id.to_ascii_uppercase().replace(' ', "_");
    let section_key = service_id.to_ascii_lowercase().replace(' ', "_");
    get(env, &format!("AWS_ENDPOINT_URL_{env_suffix}"))
        .or_else(|| get(env, "AWS_ENDPOINT_URL"))
        .or_else(|| {
            let services = profiles.services(prop("services")?)?;
            sub_property(services.get(&section_key)?, "endpoint_url").map(str::to_owned)
        })
        .or_else(|| {
            prop("endpoint_url")
                .filter(|u| !u.is_empty())
                .map(str::to_owned)
        })
}

/// Builds a [`ClientConfig`] from the environment and profile `profile`: region
/// (`AWS_REGION`, `AWS_DEFAULT_REGION`, profile `region`; with none set, `aws-global`, the
/// global endpoint `https://sts.amazonaws.com` signed for `us-east-1`, as the AWS CLI does),
/// the STS endpoint URL
/// ([`configured_endpoint`]), `AWS_STS_REGIONAL_ENDPOINTS` / `sts_regional_endpoints`
/// (`legacy` opts into the global endpoint; regional is the default), `AWS_USE_FIPS_ENDPOINT` /
/// `use_fips_endpoint`, `AWS_USE_DUALSTACK_ENDPOINT` / `use_dualstack_endpoint`, and
/// `AWS_MAX_ATTEMPTS` / `max_attempts`, and `AWS_CA_BUNDLE` / `ca_bundle`.
///
/// # Errors
/// [`ErrorKind::Config`] when a setting has an invalid value.
pub fn client_config(
    env: Env<'_>,
    profiles: &ProfileSet,
    profile: &str,
) -> Result<ClientConfig, Error> {
    let props: Option<&Properties> = profiles.profile(profile);
    let setting = |var: &str, key: &str| setting(env, props, var, key);
    let region = get(env, "AWS_REGION")
        .or_else(|| setting("AWS_DEFAULT_REGION", "region"))
        .unwrap_or_else(|| "aws-global".to_owned());
    let mut config = ClientConfig::new(region);
    config.endpoint_url = configured_endpoint("STS", env, profiles, profile, None, false);
    let flag = |var: &str, key: &str| flag(env, props, var, key);
    config.use_fips = flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")?;
    config.use_dual_stack = flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint")?;
    config.use_global_endpoint =
        match setting("AWS_STS_REGIONAL_ENDPOINTS", "sts_regional_endpoints") {
            None => false,
            Some(v) if v.eq_ignore_ascii_case("regional") => false,
            Some(v) if v.eq_ignore_ascii_case("legacy") => true,
            Some(_) => {
                return Err(config_error(
                    "AWS_STS_REGIONAL_ENDPOINTS must be `regional` or `legacy`".to_owned(),
                ));
            }
        };
    config.ca_bundle = setting("AWS_CA_BUNDLE", "ca_bundle").map(std::path::PathBuf::from);
    if let Some(n) = setting("AWS_MAX_ATTEMPTS", "max_attempts") {
        config.max_attempts = n.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            config_error("AWS_MAX_ATTEMPTS must be a whole number of at least 1".to_owned())
        })?;
    }
    Ok(config)
}

/// The IMDS endpoint mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImdsMode {
    /// `http://169.254.169.254`.
    IPv4,
    /// `http://[fd00:ec2::254]`.
    IPv6,
}

impl ImdsMode {
    /// Parses `IPv4` / `IPv6`, case-insensitively.
    ///
    /// # Errors
    /// [`ErrorKind::Config`]: `` `x` is not a valid endpoint mode ``.
    pub fn parse(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ipv4" => Ok(Self::IPv4),
            "ipv6" => Ok(Self::IPv6),
            _ => Err(config_error(format!("`{s}` is not a valid endpoint mode"))),
        }
    }
}

fn check_uri(uri: &str) -> Result<(), Error> {
    let ok_chars = uri.chars().all(|c| {
        c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}')
    });
    if !ok_chars {
        return Err(config_error(
            "invalid uri character in IMDS endpoint".to_owned(),
        ));
    }
    if !(uri.starts_with("http://") || uri.starts_with("https://")) {
        return Err(config_error(
            "IMDS endpoint must be an http or https URI".to_owned(),
        ));
    }
    Ok(())
}

/// The IMDS base URL (without a trailing slash): an explicit `endpoint_override`, else
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else the profile's `ec2_metadata_service_endpoint`,
/// else the address of the mode (`mode_override`, `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`,
/// profile `ec2_metadata_service_endpoint_mode`, default IPv4).
///
/// # Errors
/// [`ErrorKind::Config`] for an invalid mode or URI.
pub fn imds_endpoint(
    env: Env<'_>,
    profile: Option<&Properties>,
    endpoint_override: Option<&str>,
    mode_override: Option<ImdsMode>,
) -> Result<String, Error> {
    let prop = |k: &str| {
        profile
            .and_then(|p| p.get(k))
            .filter(|v| !v.is_empty())
            .cloned()
    };
    let endpoint = endpoint_override
        .map(str::to_owned)
        .or_else(|| get(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT"))
        .or_else(|| prop("ec2_metadata_service_endpoint"));
    if let Some(e) = endpoint {
        check_uri(&e)?;
        return Ok(e.trim_end_matches('/').to_owned());
    }
    let mode = match mode_override {
        Some(m) => m,
        None => match get(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")
            .or_else(|| prop("ec2_metadata_service_endpoint_mode"))
        {
            Some(m) => ImdsMode::parse(&m)?,
            None => ImdsMode::IPv4,
        },
    };
    Ok(match mode {
        ImdsMode::IPv4 => "http://169.254.169.254".to_owned(),
        ImdsMode::IPv6 => "http://[fd00:ec2::254]".to_owned(),
    })
}

/// Whether `host` (no port) may be reached over plain http for container credentials:
/// loopback, the ECS task address 169.254.170.2, and EKS Pod Identity's 169.254.170.23 and
/// `fd00:ec2::23`.
fn allowed_http_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => {
            ip.is_loopback()
                || ip == std::net::IpAddr::from([169, 254, 170, 2])
                || ip == std::net::IpAddr::from([169, 254, 170, 23])
                || bare.eq_ignore_ascii_case("fd00:ec2::23")
        }
        Err(_) => false,
    }
}

/// Splits `scheme://host[:port]/rest` into (scheme, host without port).
fn scheme_and_host(uri: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() {
        return None;
    }
    let host = if authority.starts_with('[') {
        authority
            .split_once(']')
            .map(|(h, _)| h.trim_start_matches('['))?
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    Some((scheme, host))
}

/// The URI the container provider GETs: `http://169.254.170.2` + `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`,
/// else `AWS_CONTAINER_CREDENTIALS_FULL_URI` (https to any host; http only to loopback and the
/// ECS and EKS Pod Identity addresses).
///
/// # Errors
/// [`ErrorKind::Credentials`] when neither variable is set ("not enabled": the default chain
/// skips it), or the full URI is not allowed.
pub fn container_uri(env: Env<'_>) -> Result<String, Error> {
    if let Some(rel) = get(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
        let sep = if rel.starts_with('/') { "" } else { "/" };
        return Ok(format!("http://169.254.170.2{sep}{rel}"));
    }
    let Some(full) = get(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI") else {
        return Err(Error::other(
            ErrorKind::Credentials,
            "No environment variables were set to configure ECS provider",
        ));
    };
    let Some((scheme, host)) = scheme_and_host(&full) else {
        return Err(Error::other(
            ErrorKind::Credentials,
            "AWS_CONTAINER_CREDENTIALS_FULL_URI is invalid: URI did not specify a host",
        ));
    };
    match scheme {
        "https" => Ok(full),
        "http" if allowed_http_host(host) => Ok(full),
        "http" => Err(Error::other(
            ErrorKind::Credentials,
            format!(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI: plain http is only allowed to loopback or the ECS/EKS addresses, not {host}"
            ),
        )),
        _ => Err(Error::other(
            ErrorKind::Credentials,
            "AWS_CONTAINER_CREDENTIALS_FULL_URI must be http or https",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_config_from_env_and_profile() {
        let profiles = ProfileSet::parse(
            "[profile p]\nregion = eu-north-1\nmax_attempts = 5\nsts_regional_endpoints = legacy\nservices = s\n[services s]\nsts =\n  endpoint_url = http://127.0.0.1:4566\n",
            "",
        )
        .expect("parse");
        let env = |_: &str| None;
        let c = client_config(&env, &profiles, "p").expect("config");
        assert_eq!(c.region, "eu-north-1");
        assert_eq!(c.max_attempts, 5);
        assert!(c.use_global_endpoint);
        assert_eq!(c.endpoint_url.as_deref(), Some("http://127.0.0.1:4566"));
        let env = |k: &str| (k == "AWS_REGION").then(|| "us-west-2".to_owned());
        assert_eq!(
            client_config(&env, &profiles, "p").expect("config").region,
            "us-west-2"
        );
        // No region anywhere: the global endpoint, as the AWS CLI (botocore) chooses.
        let none = |_: &str| None;
        let c = client_config(&none, &ProfileSet::default(), "default").expect("no region");
        assert_eq!(c.region, "aws-global");
        let e = crate::endpoint::resolve(&crate::endpoint::EndpointParams::new(c.region))
            .expect("aws-global resolves");
        assert_eq!(e.url, "https://sts.amazonaws.com");
        assert_eq!(e.signing_region, "us-east-1");
    }
}
