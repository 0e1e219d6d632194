//! Endpoint resolution: region and partition to URL and signing region.
//!
//! A hand-written reading of STS's endpoint rule set (`endpoint-rule-set-1.json`) and the
//! partitions table (`partitions.json`): regional endpoints by default, the legacy global
//! endpoint `https://sts.amazonaws.com` as an opt-in for the 16 legacy regions and for
//! `aws-global`, FIPS, dual-stack, all 8 partitions, and a custom endpoint URL. The error texts
//! are the rule set's, verbatim.

use crate::{Error, ErrorKind};

/// The inputs of endpoint resolution (the rule set's parameters).
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointParams {
    /// `Region`: the region to send to, e.g. `eu-west-1` (or `aws-global`).
    pub region: Option<String>,
    /// `UseDualStack`: the dual-stack (IPv4 and IPv6) endpoint.
    pub use_dual_stack: bool,
    /// `UseFIPS`: the FIPS 140 endpoint.
    pub use_fips: bool,
    /// `UseGlobalEndpoint`: the legacy global endpoint for the 16 legacy regions.
    pub use_global_endpoint: bool,
    /// `Endpoint`: a custom endpoint URL, e.g. `http://127.0.0.1:5000`.
    pub endpoint: Option<String>,
}

impl EndpointParams {
    /// Parameters for `region` with every flag off.
    #[must_use]
    pub fn new(region: impl Into<String>) -> Self {
        Self {
            region: Some(region.into()),
            ..Self::default()
        }
    }
}

/// A resolved endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The base URL, without a trailing slash, e.g. `https://sts.eu-west-1.amazonaws.com`.
    pub url: String,
    /// The region requests are signed for.
    pub signing_region: String,
    /// The signing name, `sts`.
    pub signing_name: String,
}

/// The legacy global endpoint.
const GLOBAL_URL: &str = "https://sts.amazonaws.com";

/// The regions the legacy global endpoint serves when `UseGlobalEndpoint` is set.
const LEGACY_GLOBAL_REGIONS: [&str; 16] = [
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "aws-global",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

impl Endpoint {
    /// Whether this is the legacy global endpoint `https://sts.amazonaws.com`.
    #[must_use]
    pub fn is_global(&self) -> bool {
        self.url.trim_end_matches('/') == GLOBAL_URL
    }

    /// Whether the URL is `https`.
    #[must_use]
    pub fn is_https(&self) -> bool {
        self.url.starts_with("https://")
    }

    /// The `host[:port]` of the URL, for the `Host` header.
    #[must_use]
    pub fn host(&self) -> &str {
        let rest = self
            .url
            .split_once("://")
            .map_or(self.url.as_str(), |(_, r)| r);
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = rest.get(..end).unwrap_or(rest);
        // Drop any userinfo.
        authority.rsplit_once('@').map_or(authority, |(_, h)| h)
    }

    /// The path of the URL (`/` when it has none), to which requests are sent.
    #[must_use]
    pub fn path(&self) -> &str {
        let rest = self
            .url
            .split_once("://")
            .map_or(self.url.as_str(), |(_, r)| r);
        match rest.find('/') {
            Some(i) => rest.get(i..).unwrap_or("/"),
            None => "/",
        }
    }
}

/// One row of `partitions.json`.
struct Partition {
    name: &'static str,
    /// The region name's leading labels (`regionRegex` is `^(prefix)-\w+-\d+$`).
    prefixes: &'static [&'static str],
    regions: &'static [&'static str],
    dns_suffix: &'static str,
    dual_stack_dns_suffix: &'static str,
    supports_fips: bool,
    supports_dual_stack: bool,
}

const PARTITIONS: &[Partition] = &[
    Partition {
        name: "aws",
        prefixes: &["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"],
        regions: &[
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "aws-global",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        name: "aws-cn",
        prefixes: &["cn"],
        regions: &["aws-cn-global", "cn-north-1", "cn-northwest-1"],
        dns_suffix: "amazonaws.com.cn",
        dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        name: "aws-eusc",
        prefixes: &["eusc-de"],
        regions: &["eusc-de-east-1"],
        dns_suffix: "amazonaws.eu",
        dual_stack_dns_suffix: "api.amazonwebservices.eu",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        name: "aws-iso",
        prefixes: &["us-iso"],
        regions: &["aws-iso-global", "us-iso-east-1", "us-iso-west-1"],
        dns_suffix: "c2s.ic.gov",
        dual_stack_dns_suffix: "api.aws.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        name: "aws-iso-b",
        prefixes: &["us-isob"],
        regions: &["aws-iso-b-global", "us-isob-east-1", "us-isob-west-1"],
        dns_suffix: "sc2s.sgov.gov",
        dual_stack_dns_suffix: "api.aws.scloud",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        name: "aws-iso-e",
        prefixes: &["eu-isoe"],
        regions: &["aws-iso-e-global", "eu-isoe-west-1"],
        dns_suffix: "cloud.adc-e.uk",
        dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        name: "aws-iso-f",
        prefixes: &["us-isof"],
        regions: &["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"],
        dns_suffix: "csp.hci.ic.gov",
        dual_stack_dns_suffix: "api.aws.hci.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        name: "aws-us-gov",
        prefixes: &["us-gov"],
        regions: &["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
    },
];

/// Whether `region` matches `^(prefix)-\w+-\d+$` for one of `prefixes`.
fn matches_regex(prefixes: &[&str], region: &str) -> bool {
    prefixes.iter().any(|p| {
        let Some(rest) = region.strip_prefix(p).and_then(|r| r.strip_prefix('-')) else {
            return false;
        };
        let Some((word, digits)) = rest.split_once('-') else {
            return false;
        };
        !word.is_empty()
            && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

/// `aws.partition`: the partition that lists the region, else the first whose pattern
/// matches, else `aws`.
fn partition(region: &str) -> Option<&'static Partition> {
    PARTITIONS
        .iter()
        .find(|p| p.regions.contains(&region))
        .or_else(|| {
            PARTITIONS
                .iter()
                .find(|p| matches_regex(p.prefixes, region))
        })
        .or_else(|| PARTITIONS.first())
}

fn config_error(message: &'static str) -> Error {
    Error::other(ErrorKind::Config, message)
}

fn endpoint(url: String, signing_region: &str) -> Endpoint {
    Endpoint {
        url,
        signing_region: signing_region.to_owned(),
        signing_name: "sts".to_owned(),
    }
}

/// Resolves the STS endpoint for `params`, as the rule set does.
///
/// # Errors
/// [`ErrorKind::Config`] with the rule set's message (e.g. `Invalid Configuration: Missing
/// Region`, `FIPS is enabled but this partition does not support FIPS`), or when a custom
/// endpoint is not an `http`/`https` URL with a host.
pub fn resolve(params: &EndpointParams) -> Result<Endpoint, Error> {
    let region = params.region.as_deref().filter(|r| !r.is_empty());
    let fips = params.use_fips;
    let dual = params.use_dual_stack;

    if let Some(url) = params.endpoint.as_deref() {
        if fips {
            return Err(config_error(
                "Invalid Configuration: FIPS and custom endpoint are not supported",
            ));
        }
        if dual {
            return Err(config_error(
                "Invalid Configuration: Dualstack and custom endpoint are not supported",
            ));
        }
        check_custom_url(url)?;
        let url = url.trim_end_matches('/').to_owned();
        return Ok(endpoint(url, region.unwrap_or("us-east-1")));
    }

    let Some(region) = region else {
        return Err(config_error("Invalid Configuration: Missing Region"));
    };
    check_region(region)?;
    let p = partition(region).ok_or_else(|| config_error("no partition for the region"))?;

    if params.use_global_endpoint && !fips && !dual && LEGACY_GLOBAL_REGIONS.contains(&region) {
        return Ok(endpoint(GLOBAL_URL.to_owned(), "us-east-1"));
    }

    if fips && dual {
        if p.supports_fips && p.supports_dual_stack {
            return Ok(endpoint(
                format!("https://sts-fips.{region}.{}", p.dual_stack_dns_suffix),
                region,
            ));
        }
        return Err(config_error(
            "FIPS and DualStack are enabled, but this partition does not support one or both",
        ));
    }
    if fips {
        if !p.supports_fips {
            return Err(config_error(
                "FIPS is enabled but this partition does not support FIPS",
            ));
        }
        if p.name == "aws-us-gov" {
            return Ok(endpoint(
                format!("https://sts.{region}.amazonaws.com"),
                region,
            ));
        }
        return Ok(endpoint(
            format!("https://sts-fips.{region}.{}", p.dns_suffix),
            region,
        ));
    }
    if dual {
        if !p.supports_dual_stack {
            return Err(config_error(
                "DualStack is enabled but this partition does not support DualStack",
            ));
        }
        return Ok(endpoint(
            format!("https://sts.{region}.{}", p.dual_stack_dns_suffix),
            region,
        ));
    }
    if region == "aws-global" {
        return Ok(endpoint(GLOBAL_URL.to_owned(), "us-east-1"));
    }
    Ok(endpoint(
        format!("https://sts.{region}.{}", p.dns_suffix),
        region,
    ))
}

/// The IAM Identity Center (SSO) portal's base URL for `region`, as the SSO rule set gives it:
/// `https://portal.sso.{region}.{dnsSuffix}`, `portal.sso-fips` with FIPS (but plain
/// `portal.sso.{region}.amazonaws.com` in `aws-us-gov`), the dual-stack suffix with dual-stack.
///
/// # Errors
/// [`ErrorKind::Config`] for an invalid region, or FIPS or dual-stack where the partition has
/// neither.
pub fn sso_portal_url(region: &str, fips: bool, dual_stack: bool) -> Result<String, Error> {
    sso_family_url("portal.sso", region, fips, dual_stack)
}

/// The SSO OIDC service's base URL for `region` (`https://oidc.{region}.{dnsSuffix}`, with
/// the same FIPS and dual-stack rules as [`sso_portal_url`]).
///
/// # Errors
/// As [`sso_portal_url`].
pub fn sso_oidc_url(region: &str, fips: bool, dual_stack: bool) -> Result<String, Error> {
    sso_family_url("oidc", region, fips, dual_stack)
}

/// The SSO and SSO OIDC rule sets, which differ only in the host's first label.
fn sso_family_url(
    label: &str,
    region: &str,
    fips: bool,
    dual_stack: bool,
) -> Result<String, Error> {
    check_region(region)?;
    let p = partition(region).ok_or_else(|| config_error("no partition for the SSO region"))?;
    let url = match (fips, dual_stack) {
        (true, true) => {
            if !(p.supports_fips && p.supports_dual_stack) {
                return Err(config_error(
                    "FIPS and DualStack are enabled, but this partition does not support one or both",
                ));
            }
            format!("https://{label}-fips.{region}.{}", p.dual_stack_dns_suffix)
        }
        (true, false) => {
            if !p.supports_fips {
                return Err(config_error(
                    "FIPS is enabled but this partition does not support FIPS",
                ));
            }
            if p.name == "aws-us-gov" {
                format!("https://{label}.{region}.amazonaws.com")
            } else {
                format!("https://{label}-fips.{region}.{}", p.dns_suffix)
            }
        }
        (false, true) => {
            if !p.supports_dual_stack {
                return Err(config_error(
                    "DualStack is enabled but this partition does not support DualStack",
                ));
            }
            format!("https://{label}.{region}.{}", p.dual_stack_dns_suffix)
        }
        (false, false) => format!("https://{label}.{region}.{}", p.dns_suffix),
    };
    Ok(url)
}

/// A region becomes a host label: letters, digits and `-` only.
fn check_region(region: &str) -> Result<(), Error> {
    let ok = region.len() <= 63
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !region.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(config_error(
            "invalid region: only letters, digits and '-' are allowed",
        ))
    }
}

fn check_custom_url(url: &str) -> Result<(), Error> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| config_error("invalid endpoint url: the scheme must be http or https"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = rest.get(..end).unwrap_or("");
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._:[]".contains(&b));
    if !host_ok {
        return Err(config_error("invalid endpoint url: it has no valid host"));
    }
    if url.contains(['?', '#']) {
        return Err(config_error(
            "invalid endpoint url: a query or fragment is not allowed",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_path_and_global() {
        let e = resolve(&EndpointParams::new("eu-west-1")).expect("resolve");
        assert_eq!(e.url, "https://sts.eu-west-1.amazonaws.com");
        assert_eq!(e.host(), "sts.eu-west-1.amazonaws.com");
        assert_eq!(e.path(), "/");
        assert!(e.is_https() && !e.is_global());
        let mut p = EndpointParams::new("eu-west-1");
        p.use_global_endpoint = true;
        let g = resolve(&p).expect("global");
        assert!(g.is_global());
        assert_eq!(g.signing_region, "us-east-1");
        // A region that is not legacy stays regional with the opt-in.
        let mut p = EndpointParams::new("eu-south-1");
        p.use_global_endpoint = true;
        assert!(!resolve(&p).expect("regional").is_global());
    }

    #[test]
    fn custom_endpoints() {
        let mut p = EndpointParams::new("us-west-2");
        p.endpoint = Some("http://127.0.0.1:5000/".into());
        let e = resolve(&p).expect("custom");
        assert_eq!(e.url, "http://127.0.0.1:5000");
        assert_eq!(e.host(), "127.0.0.1:5000");
        assert_eq!(e.signing_region, "us-west-2");
        assert!(!e.is_https());
        for bad in [
            "not a url",
            "ftp://x",
            "http://",
            "http://a b",
            "https://h/?q=1",
        ] {
            p.endpoint = Some(bad.into());
            assert_eq!(
                resolve(&p).expect_err(bad).kind(),
                ErrorKind::Config,
                "{bad}"
            );
        }
    }

    #[test]
    fn partitions_by_pattern() {
        assert_eq!(
            partition("us-gov-west-1").map(|p| p.name),
            Some("aws-us-gov")
        );
        assert_eq!(
            partition("us-isob-east-9").map(|p| p.name),
            Some("aws-iso-b")
        );
        assert_eq!(
            partition("eusc-de-west-3").map(|p| p.name),
            Some("aws-eusc")
        );
        assert_eq!(partition("cn-south-7").map(|p| p.name), Some("aws-cn"));
        assert_eq!(partition("xx-nowhere-1").map(|p| p.name), Some("aws"));
        assert!(resolve(&EndpointParams::new("evil.com/x")).is_err());
    }
}
