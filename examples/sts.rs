//! `sts`: a small stand-in for `aws sts`, plus EKS tokens, Vault login data and
//! `credential_process` output.
//!
//! ```text
//! cargo run --example sts -- get-caller-identity
//! cargo run --example sts -- assume-role --role-arn arn:aws:iam::123456789012:role/r --role-session-name s
//! cargo run --example sts -- eks-token --cluster-name prod
//! cargo run --example sts -- export-credentials --format env
//! ```
//!
//! Subcommands and options carry the AWS CLI's names; the JSON printed has the same keys,
//! nesting, order and timestamp text as `aws sts` (awscli v1) prints, so a script can switch
//! binaries. Global options (`--region`, `--profile`, `--endpoint-url`, `--output json|text`)
//! go before or after the subcommand. Exit status: 0 success, 1 service or network error,
//! 2 usage error; errors are one line on stderr.
//!
//! Credentials: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN` unless
//! `--profile` is given, then the profile in `~/.aws/credentials` and `~/.aws/config`
//! (`AWS_SHARED_CREDENTIALS_FILE`, `AWS_CONFIG_FILE`); a profile with `role_arn` and
//! `source_profile` assumes the role, asking for the MFA code on the terminal when it has
//! `mfa_serial`.

// Field builders return Option so absent output members drop out of `obj` uniformly; `run` is
// one match arm per command, read top to bottom.
#![allow(clippy::unnecessary_wraps, clippy::too_many_lines)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, Write as _};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tinysts::client::{Client, ClientConfig};
use tinysts::credentials::{self, DefaultChain, Loaded, MfaCallback, ProvideCredentials};
use tinysts::endpoint::{EndpointParams, resolve};
use tinysts::{
    AssumeRoleRequest, AssumeRoleWithSamlRequest, AssumeRoleWithWebIdentityRequest,
    AssumeRootRequest, AssumedRoleUser, Credentials, DecodeAuthorizationMessageRequest,
    GetAccessKeyInfoRequest, GetCallerIdentityRequest, GetDelegatedAccessTokenRequest,
    GetFederationTokenRequest, GetSessionTokenRequest, GetWebIdentityTokenRequest,
    PolicyDescriptorType, Tag, export, presign,
};

const USAGE: &str = "usage: sts [--region R] [--profile P] [--endpoint-url URL] [--output json|text] <command> [options]
commands:
  get-caller-identity
  assume-role --role-arn ARN --role-session-name NAME [--duration-seconds N] [--external-id ID]
      [--serial-number ARN --token-code CODE] [--policy JSON] [--policy-arns arn=ARN ...]
      [--tags Key=k,Value=v ...] [--transitive-tag-keys K ...] [--source-identity ID]
  assume-role-with-saml --role-arn ARN --principal-arn ARN --saml-assertion B64 [--policy JSON]
      [--policy-arns arn=ARN ...] [--duration-seconds N]
  assume-role-with-web-identity --role-arn ARN --role-session-name NAME --web-identity-token T
      [--provider-id ID] [--policy JSON] [--policy-arns arn=ARN ...] [--duration-seconds N]
  assume-root --target-principal ID --task-policy-arn arn=ARN [--duration-seconds N]
  decode-authorization-message --encoded-message MSG
  get-access-key-info --access-key-id AKID
  get-delegated-access-token --trade-in-token T
  get-federation-token --name NAME [--policy JSON] [--policy-arns arn=ARN ...]
      [--duration-seconds N] [--tags Key=k,Value=v ...]
  get-session-token [--duration-seconds N] [--serial-number ARN --token-code CODE]
  get-web-identity-token --audience A ... --signing-algorithm ALG [--duration-seconds N]
      [--tags Key=k,Value=v ...]
  eks-token --cluster-name NAME [--role-arn ARN]
  presign-caller-identity [--expires-in SECONDS]
  export-credentials [--format process|env|env-no-export]
  vault-login-data [--server-id ID]";

/// What went wrong, mapped to the exit status.
enum Failure {
    /// Bad command line: exit 2.
    Usage(String),
    /// Service, network or credentials error: exit 1.
    Run(String),
}

impl From<tinysts::Error> for Failure {
    fn from(e: tinysts::Error) -> Self {
        if e.kind() == tinysts::ErrorKind::InvalidInput {
            Failure::Usage(e.to_string())
        } else {
            Failure::Run(e.to_string())
        }
    }
}

fn usage(msg: impl Into<String>) -> Failure {
    Failure::Usage(msg.into())
}

// ---------------------------------------------------------------------------------------
// Command line

/// Parsed command line: global options, the command, and its options (name -> values).
struct Args {
    region: Option<String>,
    profile: Option<String>,
    endpoint_url: Option<String>,
    output: Output,
    command: String,
    options: BTreeMap<String, Vec<String>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Output {
    Json,
    Text,
}

/// Options that take several values (`--tags a b c`), per the AWS CLI's list parameters.
const MULTI: [&str; 4] = ["policy-arns", "tags", "transitive-tag-keys", "audience"];

fn parse_args(raw: &[String]) -> Result<Args, Failure> {
    let mut args = Args {
        region: None,
        profile: None,
        endpoint_url: None,
        output: Output::Json,
        command: String::new(),
        options: BTreeMap::new(),
    };
    let mut i = 0;
    while let Some(arg) = raw.get(i) {
        i += 1;
        let Some(name) = arg.strip_prefix("--") else {
            if args.command.is_empty() {
                args.command.clone_from(arg);
                continue;
            }
            return Err(usage(format!("unexpected argument: {arg}")));
        };
        if name == "help" {
            return Err(usage(""));
        }
        let (name, inline) = match name.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (name.to_owned(), None),
        };
        let mut values = Vec::new();
        if let Some(v) = inline {
            values.push(v);
        }
        let multi = MULTI.contains(&name.as_str());
        while values.is_empty() || multi {
            match raw.get(i) {
                Some(v) if !v.starts_with("--") => {
                    values.push(v.clone());
                    i += 1;
                }
                _ => break,
            }
        }
        if values.is_empty() {
            return Err(usage(format!("--{name} needs a value")));
        }
        let single = || values.first().cloned().unwrap_or_default();
        match name.as_str() {
            "region" => args.region = Some(single()),
            "profile" => args.profile = Some(single()),
            "endpoint-url" => args.endpoint_url = Some(single()),
            "output" => {
                args.output = match single().as_str() {
                    "json" => Output::Json,
                    "text" => Output::Text,
                    other => return Err(usage(format!("--output: unsupported format {other}"))),
                }
            }
            _ => {
                if args.options.insert(name.clone(), values).is_some() {
                    return Err(usage(format!("--{name} given twice")));
                }
            }
        }
    }
    if args.command.is_empty() {
        return Err(usage("a command is required"));
    }
    Ok(args)
}

/// The options a command accepts: (name, required).
fn known_options(command: &str) -> Option<&'static [(&'static str, bool)]> {
    Some(match command {
        "get-caller-identity" => &[],
        "assume-role" => &[
            ("role-arn", true),
            ("role-session-name", true),
            ("policy-arns", false),
            ("policy", false),
            ("duration-seconds", false),
            ("tags", false),
            ("transitive-tag-keys", false),
            ("external-id", false),
            ("serial-number", false),
            ("token-code", false),
            ("source-identity", false),
        ],
        "assume-role-with-saml" => &[
            ("role-arn", true),
            ("principal-arn", true),
            ("saml-assertion", true),
            ("policy-arns", false),
            ("policy", false),
            ("duration-seconds", false),
        ],
        "assume-role-with-web-identity" => &[
            ("role-arn", true),
            ("role-session-name", true),
            ("web-identity-token", true),
            ("provider-id", false),
            ("policy-arns", false),
            ("policy", false),
            ("duration-seconds", false),
        ],
        "assume-root" => &[
            ("target-principal", true),
            ("task-policy-arn", true),
            ("duration-seconds", false),
        ],
        "decode-authorization-message" => &[("encoded-message", true)],
        "get-access-key-info" => &[("access-key-id", true)],
        "get-delegated-access-token" => &[("trade-in-token", true)],
        "get-federation-token" => &[
            ("name", true),
            ("policy", false),
            ("policy-arns", false),
            ("duration-seconds", false),
            ("tags", false),
        ],
        "get-session-token" => &[
            ("duration-seconds", false),
            ("serial-number", false),
            ("token-code", false),
        ],
        "get-web-identity-token" => &[
            ("audience", true),
            ("duration-seconds", false),
            ("signing-algorithm", true),
            ("tags", false),
        ],
        "eks-token" => &[("cluster-name", true), ("role-arn", false)],
        "presign-caller-identity" => &[("expires-in", false)],
        "export-credentials" => &[("format", false)],
        "vault-login-data" => &[("server-id", false)],
        _ => return None,
    })
}

fn check_options(args: &Args) -> Result<(), Failure> {
    let known = known_options(&args.command)
        .ok_or_else(|| usage(format!("unknown command: {}", args.command)))?;
    for name in args.options.keys() {
        if !known.iter().any(|(k, _)| k == name) {
            return Err(usage(format!("{}: unknown option --{name}", args.command)));
        }
    }
    for (name, required) in known {
        if *required && !args.options.contains_key(*name) {
            return Err(usage(format!("{}: --{name} is required", args.command)));
        }
    }
    Ok(())
}

impl Args {
    fn one(&self, name: &str) -> Option<String> {
        self.options.get(name).and_then(|v| v.first().cloned())
    }

    fn required(&self, name: &str) -> Result<String, Failure> {
        self.one(name)
            .ok_or_else(|| usage(format!("{}: --{name} is required", self.command)))
    }

    fn list(&self, name: &str) -> Vec<String> {
        self.options.get(name).cloned().unwrap_or_default()
    }

    fn int(&self, name: &str) -> Result<Option<i32>, Failure> {
        self.one(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| usage(format!("--{name}: not an integer: {v}")))
            })
            .transpose()
    }

    /// `--policy-arns arn=A arn=B` (the AWS CLI's shorthand).
    fn policy_arns(&self, name: &str) -> Result<Vec<PolicyDescriptorType>, Failure> {
        self.list(name)
            .iter()
            .map(|v| {
                v.strip_prefix("arn=")
                    .map(PolicyDescriptorType::new)
                    .ok_or_else(|| usage(format!("--{name}: expected arn=ARN, got {v}")))
            })
            .collect()
    }

    /// `--tags Key=k,Value=v ...` (the AWS CLI's shorthand).
    fn tags(&self) -> Result<Vec<Tag>, Failure> {
        self.list("tags")
            .iter()
            .map(|v| {
                let mut key = None;
                let mut value = None;
                for part in v.split(',') {
                    match part.split_once('=') {
                        Some(("Key", k)) => key = Some(k),
                        Some(("Value", x)) => value = Some(x),
                        _ => {}
                    }
                }
                match (key, value) {
                    (Some(k), Some(x)) => Ok(Tag::new(k, x)),
                    _ => Err(usage(format!("--tags: expected Key=k,Value=v, got {v}"))),
                }
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------
// Output: a tiny JSON tree, printed as awscli's json (indent 4, ensure_ascii=False) or text.

enum Value {
    Str(String),
    Int(i64),
    Obj(Vec<(&'static str, Value)>),
}

fn obj(fields: Vec<(&'static str, Option<Value>)>) -> Value {
    Value::Obj(
        fields
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect(),
    )
}

fn s(v: &str) -> Option<Value> {
    Some(Value::Str(v.to_owned()))
}

fn opt_s(v: Option<&String>) -> Option<Value> {
    v.map(|x| Value::Str(x.clone()))
}

fn opt_int(v: Option<u32>) -> Option<Value> {
    v.map(|x| Value::Int(i64::from(x)))
}

/// A timestamp as STS writes it on the wire, which awscli v1 prints unchanged:
/// `2024-05-01T12:00:00Z`, with microseconds when there are any (moto sends them).
fn timestamp(t: SystemTime) -> String {
    let iso = export::isoformat(t);
    format!("{}Z", iso.trim_end_matches("+00:00"))
}

fn credentials_value(c: &Credentials) -> Option<Value> {
    Some(obj(vec![
        ("AccessKeyId", s(c.access_key_id())),
        ("SecretAccessKey", s(c.secret_access_key())),
        ("SessionToken", c.session_token().and_then(s)),
        (
            "Expiration",
            c.expiration().map(timestamp).as_deref().and_then(s),
        ),
    ]))
}

fn assumed_role_user(u: &AssumedRoleUser) -> Option<Value> {
    Some(obj(vec![
        ("AssumedRoleId", s(&u.assumed_role_id)),
        ("Arn", s(&u.arn)),
    ]))
}

fn json_string(out: &mut String, v: &str) {
    // Python's json.dumps(ensure_ascii=False).
    out.push('"');
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_json(out: &mut String, v: &Value, depth: usize) {
    let pad = |out: &mut String, d: usize| out.push_str(&" ".repeat(4 * d));
    match v {
        Value::Str(x) => json_string(out, x),
        Value::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Obj(fields) if fields.is_empty() => out.push_str("{}"),
        Value::Obj(fields) => {
            out.push_str("{\n");
            for (i, (k, x)) in fields.iter().enumerate() {
                pad(out, depth + 1);
                json_string(out, k);
                out.push_str(": ");
                write_json(out, x, depth + 1);
                out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
            }
            pad(out, depth);
            out.push('}');
        }
    }
}

/// awscli's text output: per object, its scalars sorted by key on one tab-separated line
/// (prefixed by the upper-cased key of a nested object), then its objects by key.
fn write_text(out: &mut String, v: &Value, ident: Option<&str>) {
    match v {
        Value::Obj(fields) => {
            let mut sorted: Vec<&(&str, Value)> = fields.iter().collect();
            sorted.sort_by_key(|(k, _)| *k);
            let scalars: Vec<String> = sorted
                .iter()
                .filter_map(|(_, x)| match x {
                    Value::Str(t) => Some(t.clone()),
                    Value::Int(n) => Some(n.to_string()),
                    Value::Obj(_) => None,
                })
                .collect();
            if !scalars.is_empty() {
                if let Some(id) = ident {
                    out.push_str(id);
                    out.push('\t');
                }
                out.push_str(&scalars.join("\t"));
                out.push('\n');
            }
            for (k, x) in sorted {
                if matches!(x, Value::Obj(_)) {
                    write_text(out, x, Some(&k.to_uppercase()));
                }
            }
        }
        Value::Str(t) => {
            out.push_str(t);
            out.push('\n');
        }
        Value::Int(n) => {
            let _ = writeln!(out, "{n}");
        }
    }
}

fn render(v: &Value, output: Output) -> String {
    let mut out = String::new();
    match output {
        Output::Json => {
            write_json(&mut out, v, 0);
            out.push('\n');
        }
        Output::Text => write_text(&mut out, v, None),
    }
    out
}

// ---------------------------------------------------------------------------------------
// Configuration and credentials

fn lookup_env(env: &BTreeMap<String, String>) -> impl Fn(&str) -> Option<String> + '_ {
    |k: &str| env.get(k).cloned()
}

/// What the CLI runs with: the environment as the AWS CLI reads it, with `--profile` and
/// `--region` applied on top, the files and settings `tinysts::credentials::load` finds there,
/// and `--endpoint-url`.
struct Context {
    env: BTreeMap<String, String>,
    loaded: Loaded,
    region: String,
    endpoint_url: Option<String>,
}

impl Context {
    fn new(args: &Args) -> Result<Self, Failure> {
        let mut env: BTreeMap<String, String> = std::env::vars().collect();
        if let Some(p) = &args.profile {
            env.insert("AWS_PROFILE".into(), p.clone());
        }
        if let Some(r) = &args.region {
            env.insert("AWS_REGION".into(), r.clone());
        }
        let lookup = |k: &str| env.get(k).cloned();
        // With no region anywhere, the global endpoint, as the AWS CLI does.
        let loaded = credentials::load(&lookup)?;
        let mut config = loaded.config.clone();
        let endpoint_url = args
            .endpoint_url
            .clone()
            .or_else(|| config.endpoint_url.clone());
        config.endpoint_url.clone_from(&endpoint_url);
        let region = config.region.clone();
        // Like the AWS CLI: assumed-role credentials are cached between runs.
        let disk_cache = credentials::DiskCache::default_location(&lookup_env(&env));
        Ok(Self {
            env,
            loaded: Loaded {
                config,
                disk_cache,
                ..loaded
            },
            region,
            endpoint_url,
        })
    }

    fn config(&self) -> ClientConfig {
        self.loaded.config.clone()
    }

    fn client(&self) -> Result<Client, Failure> {
        let creds = self.credentials()?;
        Ok(Client::with_config(self.config(), Arc::new(creds))?)
    }

    fn anonymous(&self) -> Result<Client, Failure> {
        Ok(Client::anonymous(self.config())?)
    }

    /// Credentials from the default chain (environment, profile with role chaining and MFA,
    /// web identity, container, instance metadata), as the AWS CLI finds them.
    fn credentials(&self) -> Result<Credentials, Failure> {
        let lookup = |k: &str| self.env.get(k).cloned();
        let mfa: MfaCallback = Arc::new(|serial: &str| {
            ask_mfa_code(serial).map_err(|f| match f {
                Failure::Usage(m) | Failure::Run(m) => tinysts::Error::credentials(m),
            })
        });
        let chain = DefaultChain::new(&lookup, &self.loaded, Some(&mfa));
        Ok(chain.provide_credentials()?)
    }
}

/// Asks for the MFA code on the terminal (stderr prompt, one line from stdin).
fn ask_mfa_code(serial: &str) -> Result<String, Failure> {
    let mut err = std::io::stderr();
    let _ = write!(err, "Enter MFA code for {serial}: ");
    let _ = err.flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::Run(format!("reading the MFA code: {e}")))?;
    let code = line.trim().to_owned();
    if code.is_empty() {
        return Err(Failure::Run("no MFA code given".to_owned()));
    }
    Ok(code)
}

// ---------------------------------------------------------------------------------------
// Commands

fn run(raw: &[String]) -> Result<String, Failure> {
    let args = parse_args(raw)?;
    check_options(&args)?;
    let ctx = Context::new(&args)?;
    let a = &args;
    let value = match a.command.as_str() {
        "get-caller-identity" => {
            let r = ctx
                .client()?
                .get_caller_identity(&GetCallerIdentityRequest::new())?;
            obj(vec![
                ("UserId", s(&r.user_id)),
                ("Account", s(&r.account)),
                ("Arn", s(&r.arn)),
            ])
        }
        "assume-role" => {
            let mut req =
                AssumeRoleRequest::new(a.required("role-arn")?, a.required("role-session-name")?);
            req.policy_arns = a.policy_arns("policy-arns")?;
            req.policy = a.one("policy");
            req.duration_seconds = a.int("duration-seconds")?;
            req.tags = a.tags()?;
            req.transitive_tag_keys = a.list("transitive-tag-keys");
            req.external_id = a.one("external-id");
            req.serial_number = a.one("serial-number");
            req.token_code = a.one("token-code");
            req.source_identity = a.one("source-identity");
            let r = ctx.client()?.assume_role(&req)?;
            obj(vec![
                ("Credentials", credentials_value(&r.credentials)),
                ("AssumedRoleUser", assumed_role_user(&r.assumed_role_user)),
                ("PackedPolicySize", opt_int(r.packed_policy_size)),
                ("SourceIdentity", opt_s(r.source_identity.as_ref())),
            ])
        }
        "assume-role-with-saml" => {
            let mut req = AssumeRoleWithSamlRequest::new(
                a.required("role-arn")?,
                a.required("principal-arn")?,
                a.required("saml-assertion")?,
            );
            req.policy_arns = a.policy_arns("policy-arns")?;
            req.policy = a.one("policy");
            req.duration_seconds = a.int("duration-seconds")?;
            let r = ctx.anonymous()?.assume_role_with_saml(&req)?;
            obj(vec![
                ("Credentials", credentials_value(&r.credentials)),
                ("AssumedRoleUser", assumed_role_user(&r.assumed_role_user)),
                ("PackedPolicySize", opt_int(r.packed_policy_size)),
                ("Subject", opt_s(r.subject.as_ref())),
                ("SubjectType", opt_s(r.subject_type.as_ref())),
                ("Issuer", opt_s(r.issuer.as_ref())),
                ("Audience", opt_s(r.audience.as_ref())),
                ("NameQualifier", opt_s(r.name_qualifier.as_ref())),
                ("SourceIdentity", opt_s(r.source_identity.as_ref())),
            ])
        }
        "assume-role-with-web-identity" => {
            let mut req = AssumeRoleWithWebIdentityRequest::new(
                a.required("role-arn")?,
                a.required("role-session-name")?,
                a.required("web-identity-token")?,
            );
            req.provider_id = a.one("provider-id");
            req.policy_arns = a.policy_arns("policy-arns")?;
            req.policy = a.one("policy");
            req.duration_seconds = a.int("duration-seconds")?;
            let r = ctx.anonymous()?.assume_role_with_web_identity(&req)?;
            obj(vec![
                ("Credentials", credentials_value(&r.credentials)),
                (
                    "SubjectFromWebIdentityToken",
                    opt_s(r.subject_from_web_identity_token.as_ref()),
                ),
                ("AssumedRoleUser", assumed_role_user(&r.assumed_role_user)),
                ("PackedPolicySize", opt_int(r.packed_policy_size)),
                ("Provider", opt_s(r.provider.as_ref())),
                ("Audience", opt_s(r.audience.as_ref())),
                ("SourceIdentity", opt_s(r.source_identity.as_ref())),
            ])
        }
        "assume-root" => {
            let arn = a.required("task-policy-arn")?;
            let arn = arn.strip_prefix("arn=").unwrap_or(&arn).to_owned();
            let mut req = AssumeRootRequest::new(a.required("target-principal")?, arn);
            req.duration_seconds = a.int("duration-seconds")?;
            let r = ctx.client()?.assume_root(&req)?;
            obj(vec![
                ("Credentials", credentials_value(&r.credentials)),
                ("SourceIdentity", opt_s(r.source_identity.as_ref())),
            ])
        }
        "decode-authorization-message" => {
            let req = DecodeAuthorizationMessageRequest::new(a.required("encoded-message")?);
            let r = ctx.client()?.decode_authorization_message(&req)?;
            obj(vec![("DecodedMessage", s(&r.decoded_message))])
        }
        "get-access-key-info" => {
            let req = GetAccessKeyInfoRequest::new(a.required("access-key-id")?);
            let r = ctx.client()?.get_access_key_info(&req)?;
            obj(vec![("Account", s(&r.account))])
        }
        "get-delegated-access-token" => {
            let req = GetDelegatedAccessTokenRequest::new(a.required("trade-in-token")?);
            let r = ctx.client()?.get_delegated_access_token(&req)?;
            obj(vec![
                ("Credentials", credentials_value(&r.credentials)),
                ("PackedPolicySize", opt_int(r.packed_policy_size)),
                ("AssumedPrincipal", opt_s(r.assumed_principal.as_ref())),
            ])
        }
        "get-federation-token" => {
            let mut req = GetFederationTokenRequest::new(a.required("name")?);
            req.policy = a.one("policy");
            req.policy_arns = a.policy_arns("policy-arns")?;
            req.duration_seconds = a.int("duration-seconds")?;
            req.tags = a.tags()?;
            let r = ctx.client()?.get_federation_token(&req)?;
            obj(vec![
                ("Credentials", credentials_value(&r.credentials)),
                (
                    "FederatedUser",
                    Some(obj(vec![
                        ("FederatedUserId", s(&r.federated_user.federated_user_id)),
                        ("Arn", s(&r.federated_user.arn)),
                    ])),
                ),
                ("PackedPolicySize", opt_int(r.packed_policy_size)),
            ])
        }
        "get-session-token" => {
            let mut req = GetSessionTokenRequest::new();
            req.duration_seconds = a.int("duration-seconds")?;
            req.serial_number = a.one("serial-number");
            req.token_code = a.one("token-code");
            let r = ctx.client()?.get_session_token(&req)?;
            obj(vec![("Credentials", credentials_value(&r.credentials))])
        }
        "get-web-identity-token" => {
            let mut req = GetWebIdentityTokenRequest::new(
                a.list("audience"),
                a.required("signing-algorithm")?,
            );
            req.duration_seconds = a.int("duration-seconds")?;
            req.tags = a.tags()?;
            let r = ctx.client()?.get_web_identity_token(&req)?;
            obj(vec![
                ("WebIdentityToken", s(&r.web_identity_token)),
                ("Expiration", s(&timestamp(r.expiration))),
            ])
        }
        "eks-token" => return eks_token(a, &ctx),
        "presign-caller-identity" => {
            let expires = match a.one("expires-in") {
                Some(v) => v
                    .parse()
                    .map_err(|_| usage(format!("--expires-in: not an integer: {v}")))?,
                None => 3600,
            };
            let client = ctx.client()?;
            let creds = client.credentials()?;
            let url = presign::caller_identity_url(
                &creds,
                client.endpoint(),
                client.now(),
                Duration::from_secs(expires),
                &[],
            )?;
            return Ok(format!("{url}\n"));
        }
        "export-credentials" => {
            let creds = ctx.credentials()?;
            return match a.one("format").as_deref().unwrap_or("process") {
                "process" => Ok(export::process_json(&creds)),
                "env" => Ok(export::env(&creds, true)),
                "env-no-export" => Ok(export::env(&creds, false)),
                other => Err(usage(format!(
                    "--format: expected process, env or env-no-export, got {other}"
                ))),
            };
        }
        "vault-login-data" => {
            let creds = ctx.credentials()?;
            // Vault's default STS endpoint is the global one (us-east-1 signing).
            let endpoint = if ctx.endpoint_url.is_some() {
                ctx.client()?.endpoint().clone()
            } else {
                let mut p = EndpointParams::new(ctx.region.clone());
                p.use_global_endpoint = true;
                resolve(&p)?
            };
            let data = presign::vault_login_data(
                &creds,
                &endpoint,
                SystemTime::now(),
                a.one("server-id").as_deref(),
            )?;
            return Ok(format!("{}\n", data.to_json()));
        }
        other => return Err(usage(format!("unknown command: {other}"))),
    };
    Ok(render(&value, a.output))
}

/// `eks-token`: the `ExecCredential` JSON `aws eks get-token` prints. With `--role-arn`, the
/// token is signed with that role's credentials (session name `EKSGetTokenAuth`, as awscli).
fn eks_token(a: &Args, ctx: &Context) -> Result<String, Failure> {
    let client = ctx.client()?;
    let creds = match a.one("role-arn") {
        Some(role) => {
            client
                .assume_role(&AssumeRoleRequest::new(role, "EKSGetTokenAuth"))?
                .credentials
        }
        None => client.credentials()?,
    };
    let token = presign::eks_token(
        &creds,
        client.endpoint(),
        &a.required("cluster-name")?,
        client.now(),
    )?;
    Ok(token.exec_credential_json())
}

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    match run(&raw) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            if stdout.write_all(out.as_bytes()).is_err() || stdout.flush().is_err() {
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(Failure::Usage(msg)) => {
            if msg.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("sts: {msg} (see sts --help)");
            ExitCode::from(2)
        }
        Err(Failure::Run(msg)) => {
            eprintln!("sts: {}", msg.replace('\n', " "));
            ExitCode::from(1)
        }
    }
}
