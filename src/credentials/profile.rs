//! The shared config and credentials files (`~/.aws/config`, `~/.aws/credentials`): where they
//! are, the AWS parser dialect, and how a profile resolves to a chain of credential sources.
//!
//! Everything here is pure: file contents and environment come in as arguments.

use std::collections::BTreeMap;
use std::fmt;

use crate::{Error, ErrorKind};

/// One section's properties, keys lower-cased.
pub type Properties = BTreeMap<String, String>;

/// The parsed and merged config and credentials files.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProfileSet {
    profiles: BTreeMap<String, Properties>,
    sso_sessions: BTreeMap<String, Properties>,
    services: BTreeMap<String, Properties>,
}

impl fmt::Debug for ProfileSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Profiles hold secret keys: show names only.
        f.debug_struct("ProfileSet")
            .field("profiles", &self.profiles.keys().collect::<Vec<_>>())
            .field(
                "sso_sessions",
                &self.sso_sessions.keys().collect::<Vec<_>>(),
            )
            .field("services", &self.services.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl ProfileSet {
    /// Parses `config` (sections `[profile name]`, `[default]`, `[sso-session name]`,
    /// `[services name]`) and `credentials` (sections `[name]`) and merges them; a property in
    /// both comes from the credentials file.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] naming the file and line of a syntax error (never its content).
    pub fn parse(config: &str, credentials: &str) -> Result<Self, Error> {
        let mut set = Self::default();
        for (kind, text) in [
            (FileKind::Config, config),
            (FileKind::Credentials, credentials),
        ] {
            let sections = parse_file(kind, text)?;
            let has_prefixed_default = sections
                .iter()
                .any(|s| s.kind == SectionKind::Profile && s.name == "default" && s.prefixed);
            for s in sections {
                let target = match s.kind {
                    SectionKind::Profile => {
                        if kind == FileKind::Config
                            && s.name == "default"
                            && !s.prefixed
                            && has_prefixed_default
                        {
                            continue;
                        }
                        &mut set.profiles
                    }
                    SectionKind::SsoSession => &mut set.sso_sessions,
                    SectionKind::Services => &mut set.services,
                    SectionKind::Ignored => continue,
                };
                target.entry(s.name).or_default().extend(s.properties);
            }
        }
        Ok(set)
    }

    /// The profile `name`.
    #[must_use]
    pub fn profile(&self, name: &str) -> Option<&Properties> {
        self.profiles.get(name)
    }

    /// Every profile, by name.
    #[must_use]
    pub fn profiles(&self) -> &BTreeMap<String, Properties> {
        &self.profiles
    }

    /// Every `[sso-session name]` section, by name.
    #[must_use]
    pub fn sso_sessions(&self) -> &BTreeMap<String, Properties> {
        &self.sso_sessions
    }

    /// The `[services name]` section `name`.
    #[must_use]
    pub fn services(&self, name: &str) -> Option<&Properties> {
        self.services.get(name)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Config,
    Credentials,
}

impl FileKind {
    fn name(self) -> &'static str {
        match self {
            Self::Config => "config file",
            Self::Credentials => "credentials file",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SectionKind {
    Profile,
    SsoSession,
    Services,
    Ignored,
}

struct Section {
    kind: SectionKind,
    name: String,
    prefixed: bool,
    properties: Properties,
}

/// Profile and section names: letters, digits and `- / . % @ _ : +`.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-/.%@_:+".contains(c))
}

/// `prefix` followed by whitespace, then the rest (trimmed).
fn strip_word<'a>(header: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = header.strip_prefix(prefix)?;
    rest.starts_with([' ', '\t']).then(|| rest.trim())
}

/// Cuts a `#` or `;` comment that follows whitespace (values) or anything (headers).
fn strip_comment(s: &str, need_space: bool) -> &str {
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if (b == b'#' || b == b';')
            && (!need_space
                || i == 0
                || bytes.get(i - 1).is_some_and(|p| *p == b' ' || *p == b'\t'))
        {
            return s.get(..i).unwrap_or(s);
        }
    }
    s
}

fn parse_error(kind: FileKind, line: usize, message: &str) -> Error {
    Error::other(
        ErrorKind::Config,
        format!("{} line {line}: {message}", kind.name()),
    )
}

fn parse_header(kind: FileKind, line_no: usize, line: &str) -> Result<Section, Error> {
    let line = strip_comment(line, false).trim_end();
    let Some(inner) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) else {
        return Err(parse_error(
            kind,
            line_no,
            "Profile definition must end with ']'",
        ));
    };
    let header = inner.trim();
    let (section_kind, name, prefixed) = match kind {
        FileKind::Config => {
            if let Some(n) = strip_word(header, "profile") {
                (SectionKind::Profile, n, true)
            } else if header == "default" {
                (SectionKind::Profile, header, false)
            } else if let Some(n) = strip_word(header, "sso-session") {
                (SectionKind::SsoSession, n, true)
            } else if let Some(n) = strip_word(header, "services") {
                (SectionKind::Services, n, true)
            } else {
                (SectionKind::Ignored, header, false)
            }
        }
        FileKind::Credentials => (SectionKind::Profile, header, false),
    };
    let section_kind = if valid_name(name) {
        section_kind
    } else {
        SectionKind::Ignored
    };
    Ok(Section {
        kind: section_kind,
        name: name.to_owned(),
        prefixed,
        properties: Properties::new(),
    })
}

fn parse_file(kind: FileKind, text: &str) -> Result<Vec<Section>, Error> {
    let mut sections: Vec<Section> = Vec::new();
    // The property continuation lines extend, and whether it takes sub-properties.
    let mut current: Option<(String, bool)> = None;
    for (i, raw) in text.split('\n').enumerate() {
        let line_no = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if line.starts_with('[') {
            sections.push(parse_header(kind, line_no, line)?);
            current = None;
            continue;
        }
        let Some(section) = sections.last_mut() else {
            return Err(parse_error(kind, line_no, "Expected a profile definition"));
        };
        if line.starts_with([' ', '\t']) {
            let Some((key, sub)) = &current else {
                return Err(parse_error(
                    kind,
                    line_no,
                    "Expected a property definition, found continuation",
                ));
            };
            let piece = line.trim();
            let addition = if *sub {
                let Some((k, v)) = strip_comment(piece, true).split_once('=') else {
                    return Err(parse_error(
                        kind,
                        line_no,
                        "Expected an '=' sign defining a sub-property",
                    ));
                };
                let (k, v) = (k.trim(), v.trim());
                if k.is_empty() {
                    return Err(parse_error(
                        kind,
                        line_no,
                        "Sub-property did not have a name",
                    ));
                }
                if v.is_empty() {
                    format!("\n{k} =")
                } else {
                    format!("\n{k} = {v}")
                }
            } else {
                format!("\n{piece}")
            };
            if let Some(value) = section.properties.get_mut(key.as_str()) {
                value.push_str(&addition);
            }
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(parse_error(
                kind,
                line_no,
                "Expected an '=' sign defining a property",
            ));
        };
        let key = k.trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err(parse_error(kind, line_no, "Property did not have a name"));
        }
        let value = strip_comment(v, true).trim().to_owned();
        if key.chars().any(char::is_whitespace) {
            // An invalid property name is ignored, as the SDKs do.
            current = None;
            continue;
        }
        current = Some((key.clone(), value.is_empty()));
        section.properties.insert(key, value);
    }
    Ok(sections)
}

/// The operating system whose path rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Linux, macOS and other Unix systems.
    Unix,
    /// Windows.
    Windows,
}

impl Platform {
    /// The platform this program runs on.
    #[must_use]
    pub fn current() -> Self {
        if cfg!(windows) {
            Self::Windows
        } else {
            Self::Unix
        }
    }
}

/// Where the files are and which profile is selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLocations {
    /// The config file: `AWS_CONFIG_FILE`, else `~/.aws/config`.
    pub config: String,
    /// The credentials file: `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
    pub credentials: String,
    /// The profile: `AWS_PROFILE`, else `default`.
    pub profile: String,
}

/// The user's home directory as the SDKs find it: `HOME`, and on Windows then `USERPROFILE`,
/// then `HOMEDRIVE` + `HOMEPATH`.
#[must_use]
pub fn home_dir(env: &dyn Fn(&str) -> Option<String>, platform: Platform) -> Option<String> {
    let get = |k: &str| env(k).filter(|v| !v.is_empty());
    get("HOME").or_else(|| match platform {
        Platform::Unix => None,
        Platform::Windows => get("USERPROFILE").or_else(|| {
            let drive = get("HOMEDRIVE")?;
            let path = get("HOMEPATH")?;
            Some(format!("{drive}{path}"))
        }),
    })
}

/// Expands a leading `~` to the home directory.
fn expand_home(path: &str, home: Option<&str>, sep: char) -> String {
    match (path.strip_prefix('~'), home) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with(['/', '\\']) => {
            format!("{home}{}", rest.replace(['/', '\\'], &sep.to_string()))
        }
        _ => path.to_owned(),
    }
}

/// Resolves the config and credentials file paths and the profile name from `env`.
#[must_use]
pub fn file_locations(env: &dyn Fn(&str) -> Option<String>, platform: Platform) -> FileLocations {
    let home = home_dir(env, platform);
    let sep = match platform {
        Platform::Unix => '/',
        Platform::Windows => '\\',
    };
    let default = |name: &str| {
        let base = home.clone().unwrap_or_else(|| "~".to_owned());
        format!("{base}{sep}.aws{sep}{name}")
    };
    let get = |k: &str| env(k).filter(|v| !v.is_empty());
    FileLocations {
        config: get("AWS_CONFIG_FILE").map_or_else(
            || default("config"),
            |p| expand_home(&p, home.as_deref(), sep),
        ),
        credentials: get("AWS_SHARED_CREDENTIALS_FILE").map_or_else(
            || default("credentials"),
            |p| expand_home(&p, home.as_deref(), sep),
        ),
        profile: get("AWS_PROFILE").unwrap_or_else(|| "default".to_owned()),
    }
}

/// Where a chain of credentials starts: a source that needs no other credentials.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BaseSource {
    /// Static keys from a profile.
    AccessKey {
        /// `aws_access_key_id`.
        access_key_id: String,
        /// `aws_secret_access_key`.
        secret_access_key: String,
        /// `aws_session_token`.
        session_token: Option<String>,
        /// `aws_account_id`.
        account_id: Option<String>,
    },
    /// `credential_source`: `Environment`, `Ec2InstanceMetadata` or `EcsContainer`.
    NamedSource(String),
    /// A web identity token file and the role it assumes.
    WebIdentityToken {
        /// `role_arn`.
        role_arn: String,
        /// `web_identity_token_file`.
        web_identity_token_file: String,
        /// `role_session_name`.
        role_session_name: Option<String>,
    },
    /// IAM Identity Center (SSO): the role credentials of an `aws sso login` session.
    Sso {
        /// `sso_session`.
        sso_session: Option<String>,
        /// `sso_region`.
        sso_region: Option<String>,
        /// `sso_start_url`.
        sso_start_url: Option<String>,
        /// `sso_account_id`.
        sso_account_id: Option<String>,
        /// `sso_role_name`.
        sso_role_name: Option<String>,
    },
    /// `credential_process`: a command printing credentials as JSON.
    CredentialProcess {
        /// The command line.
        command: String,
    },
}

impl fmt::Debug for BaseSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AccessKey {
                access_key_id,
                session_token,
                account_id,
                ..
            } => f
                .debug_struct("AccessKey")
                .field("access_key_id", access_key_id)
                .field("secret_access_key", &"** redacted **")
                .field(
                    "session_token",
                    &session_token.as_ref().map(|_| "** redacted **"),
                )
                .field("account_id", account_id)
                .finish(),
            Self::NamedSource(s) => f.debug_tuple("NamedSource").field(s).finish(),
            Self::WebIdentityToken {
                role_arn,
                web_identity_token_file,
                role_session_name,
            } => f
                .debug_struct("WebIdentityToken")
                .field("role_arn", role_arn)
                .field("web_identity_token_file", web_identity_token_file)
                .field("role_session_name", role_session_name)
                .finish(),
            Self::Sso {
                sso_session,
                sso_region,
                sso_start_url,
                sso_account_id,
                sso_role_name,
            } => f
                .debug_struct("Sso")
                .field("sso_session", sso_session)
                .field("sso_region", sso_region)
                .field("sso_start_url", sso_start_url)
                .field("sso_account_id", sso_account_id)
                .field("sso_role_name", sso_role_name)
                .finish(),
            Self::CredentialProcess { .. } => {
                f.debug_struct("CredentialProcess").finish_non_exhaustive()
            }
        }
    }
}

/// A role assumed with the credentials of the previous link.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleLink {
    /// The profile this role comes from.
    pub profile: String,
    /// `role_arn`.
    pub role_arn: String,
    /// `external_id`.
    pub external_id: Option<String>,
    /// `role_session_name`.
    pub role_session_name: Option<String>,
    /// `duration_seconds`.
    pub duration_seconds: Option<i32>,
    /// `mfa_serial`.
    pub mfa_serial: Option<String>,
}

/// A resolved chain: the base source, then the roles to assume in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Chain {
    /// Where credentials come from first.
    pub base: BaseSource,
    /// Roles assumed in turn, the last one giving the user's credentials.
    pub roles: Vec<RoleLink>,
}

fn chain_error(message: impl Into<String>) -> Error {
    Error::other(ErrorKind::Credentials, message.into())
}

fn prop<'a>(p: &'a Properties, k: &str) -> Option<&'a str> {
    p.get(k).map(String::as_str).filter(|v| !v.is_empty())
}

fn owned(p: &Properties, k: &str) -> Option<String> {
    prop(p, k).map(str::to_owned)
}

fn role_link(name: &str, p: &Properties, role_arn: &str) -> Result<RoleLink, Error> {
    let duration_seconds = match prop(p, "duration_seconds") {
        Some(d) => Some(d.parse().map_err(|_| {
            chain_error(format!(
                "profile `{name}`: duration_seconds is not a number"
            ))
        })?),
        None => None,
    };
    Ok(RoleLink {
        profile: name.to_owned(),
        role_arn: role_arn.to_owned(),
        external_id: owned(p, "external_id"),
        role_session_name: owned(p, "role_session_name"),
        duration_seconds,
        mfa_serial: owned(p, "mfa_serial"),
    })
}

fn sso_base(
    name: &str,
    p: &Properties,
    sessions: &BTreeMap<String, Properties>,
) -> Result<Option<BaseSource>, Error> {
    let session = owned(p, "sso_session");
    let has_sso = session.is_some()
        || [
            "sso_account_id",
            "sso_region",
            "sso_role_name",
            "sso_start_url",
        ]
        .iter()
        .any(|k| prop(p, k).is_some());
    if !has_sso {
        return Ok(None);
    }
    if prop(p, "sso_account_id").is_some() && prop(p, "sso_role_name").is_none() {
        return Err(chain_error(
            "if `sso_account_id` is set, then `sso_role_name` must also be set",
        ));
    }
    let (mut region, mut start_url) = (owned(p, "sso_region"), owned(p, "sso_start_url"));
    if let Some(s) = &session {
        let Some(sp) = sessions.get(s) else {
            return Err(chain_error(format!(
                "profile `{name}` refers to sso-session `{s}`, which is not defined"
            )));
        };
        if region.is_some() && prop(sp, "sso_region").is_none() {
            return Err(chain_error(
                "`sso_region` can only be specified in the [sso-session] config when a session name is given",
            ));
        }
        region = owned(sp, "sso_region").or(region);
        start_url = owned(sp, "sso_start_url").or(start_url);
    }
    Ok(Some(BaseSource::Sso {
        sso_session: session,
        sso_region: region,
        sso_start_url: start_url,
        sso_account_id: owned(p, "sso_account_id"),
        sso_role_name: owned(p, "sso_role_name"),
    }))
}

/// The keys [`resolve_chain`] builds a base source or a role from. A profile with none of
/// them (only a `region`, say) is not a source of credentials: the default chain moves on, as
/// the AWS CLI's does. (A lone `aws_secret_access_key` does not count, as in botocore.)
const CREDENTIAL_KEYS: [&str; 11] = [
    "aws_access_key_id",
    "role_arn",
    "source_profile",
    "credential_source",
    "credential_process",
    "web_identity_token_file",
    "sso_session",
    "sso_region",
    "sso_start_url",
    "sso_account_id",
    "sso_role_name",
];

/// Whether `props` holds any setting that makes the profile a source of credentials.
pub(crate) fn is_credential_source(props: &Properties) -> bool {
    CREDENTIAL_KEYS
        .iter()
        .any(|k| props.get(*k).is_some_and(|v| !v.trim().is_empty()))
}

/// Resolves profile `selected` to a chain of credential sources, as the SDKs do: static keys,
/// `credential_process`, web identity, SSO, or `role_arn` with `source_profile` /
/// `credential_source`, following `source_profile` links with loop detection. No I/O.
///
/// # Errors
/// [`ErrorKind::Credentials`] naming what is missing or contradictory.
pub fn resolve_chain(
    profiles: &BTreeMap<String, Properties>,
    sso_sessions: &BTreeMap<String, Properties>,
    selected: &str,
) -> Result<Chain, Error> {
    if profiles.is_empty() {
        return Err(chain_error("No profiles were defined"));
    }
    let mut roles: Vec<RoleLink> = Vec::new();
    let mut visited: Vec<&str> = Vec::new();
    let mut name = selected;
    let base = loop {
        let Some(p) = profiles.get(name) else {
            return Err(match visited.last() {
                Some(from) => chain_error(format!(
                    "could not find source profile {name} referenced from {from}"
                )),
                None => chain_error(format!("profile `{name}` is not defined")),
            });
        };
        let first = visited.is_empty();
        if visited.contains(&name) {
            // A profile that is its own source with static keys is allowed (a self loop).
            if visited.last() == Some(&name) && prop(p, "aws_access_key_id").is_some() {
                break static_keys(name, p)?;
            }
            return Err(chain_error("profile formed an infinite loop"));
        }
        visited.push(name);
        let role_arn = prop(p, "role_arn");
        if let Some(role_arn) = role_arn {
            if let Some(file) = prop(p, "web_identity_token_file") {
                break BaseSource::WebIdentityToken {
                    role_arn: role_arn.to_owned(),
                    web_identity_token_file: file.to_owned(),
                    role_session_name: owned(p, "role_session_name"),
                };
            }
            let source_profile = prop(p, "source_profile");
            let credential_source = prop(p, "credential_source");
            roles.push(role_link(name, p, role_arn)?);
            match (source_profile, credential_source) {
                (Some(_), Some(_)) => {
                    return Err(chain_error(
                        "profile contained both source_profile and credential_source",
                    ));
                }
                (Some(next), None) => {
                    if next == name {
                        // Static keys in the same profile as the role.
                        break static_keys(name, p)?;
                    }
                    name = next;
                }
                (None, Some(source)) => {
                    match source {
                        "Environment" | "Ec2InstanceMetadata" | "EcsContainer" => {}
                        other => {
                            return Err(chain_error(format!(
                                "credential_source `{other}` is not one of Environment, Ec2InstanceMetadata, EcsContainer"
                            )));
                        }
                    }
                    break BaseSource::NamedSource(source.to_owned());
                }
                (None, None) => {
                    return Err(chain_error(format!(
                        "profile `{name}` has role_arn: profile must contain `source_profile` or `credential_source`"
                    )));
                }
            }
            continue;
        }
        if prop(p, "web_identity_token_file").is_some() {
            return Err(chain_error(format!(
                "profile `{name}` has web_identity_token_file but `role_arn` was missing"
            )));
        }
        if let Some(sso) = sso_base(name, p, sso_sessions)? {
            break sso;
        }
        if prop(p, "aws_access_key_id").is_some() || prop(p, "aws_secret_access_key").is_some() {
            break static_keys(name, p)?;
        }
        if let Some(command) = prop(p, "credential_process") {
            break BaseSource::CredentialProcess {
                command: command.to_owned(),
            };
        }
        return Err(chain_error(if first {
            format!("profile `{name}` did not contain credential information")
        } else {
            format!("profile `{name}` did not contain credential information (source profile)")
        }));
    };
    roles.reverse();
    Ok(Chain { base, roles })
}

fn static_keys(name: &str, p: &Properties) -> Result<BaseSource, Error> {
    let Some(access_key_id) = owned(p, "aws_access_key_id") else {
        return Err(chain_error(format!(
            "profile `{name}` profile missing aws_access_key_id"
        )));
    };
    let Some(secret_access_key) = owned(p, "aws_secret_access_key") else {
        return Err(chain_error(format!(
            "profile `{name}`: profile missing aws_secret_access_key"
        )));
    };
    Ok(BaseSource::AccessKey {
        access_key_id,
        secret_access_key,
        session_token: owned(p, "aws_session_token"),
        account_id: owned(p, "aws_account_id"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_services_and_keeps_secrets_out_of_debug() {
        let config = "[profile a]\nregion = eu-west-1\nservices = local\n[services local]\nsts =\n  endpoint_url = http://127.0.0.1:5000\n";
        let creds = "[a]\naws_access_key_id = AKID\naws_secret_access_key = TOPSECRET\n";
        let set = ProfileSet::parse(config, creds).expect("parse");
        let a = set.profile("a").expect("a");
        assert_eq!(a.get("region").map(String::as_str), Some("eu-west-1"));
        assert_eq!(
            set.services("local")
                .and_then(|s| s.get("sts"))
                .map(String::as_str),
            Some("\nendpoint_url = http://127.0.0.1:5000")
        );
        assert!(!format!("{set:?}").contains("TOPSECRET"));
        let chain = resolve_chain(set.profiles(), set.sso_sessions(), "a").expect("chain");
        assert!(!format!("{chain:?}").contains("TOPSECRET"));
    }

    #[test]
    fn errors_name_the_line_not_the_content() {
        let e = ProfileSet::parse("[profile a]\nsecretvalue\n", "").expect_err("no =");
        assert_eq!(
            e.to_string(),
            "config file line 2: Expected an '=' sign defining a property"
        );
    }
}
