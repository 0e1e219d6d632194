//! smithy-rs's end-to-end credential scenarios (`tests/data/profile/smithy-rs/`
//! `default-credential-provider-chain/` and `profile-provider/`, see that README §7): each
//! folder's environment and file system, replayed against its recorded HTTP traffic.
//!
//! The fake file system is copied to a temporary directory and the absolute paths that point
//! into it are rewritten there. A server on 127.0.0.1 answers the recorded requests in order:
//! the instance metadata and container endpoints are pointed at it through their environment
//! variables, and STS through the loaded client settings, after the STS URL tinysts would
//! have used is checked against the recorded one. Each of our requests must be the next
//! recorded one (method, path and query, and the IMDS token when one was recorded), and a
//! case that succeeds must use the whole recording.
//!
//! `SCENARIO_DIRS` (paths separated by `:`) runs other folders of the same layout instead.
// Test code: a failed expectation panics.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

use serde_json::Value;
use tinysts::credentials::profile::BaseSource;
use tinysts::credentials::{
    DefaultChain, Loaded, ProfileProvider, ProvideCredentials, SsoProvider, load,
};
use tinysts::endpoint::{EndpointParams, resolve};

mod common;
use common::{Seen, server};

/// Cases not run, by folder name, and why. Everything else must pass.
const SKIPPED: &[(&str, &str)] = &[];

/// Settings added to a case's environment, and why: where smithy-rs's defaults differ from
/// the AWS CLI's, which tinysts follows, the setting that asks for smithy-rs's behaviour is
/// given, so the recorded traffic still applies.
const ADDED_SETTINGS: &[(&str, &str, &str, &str)] = &[
    (
        "imds_default_chain_retries",
        "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
        "2",
        "smithy-rs retries IMDS requests by default; the AWS CLI makes one attempt unless \
         metadata_service_num_attempts asks for more",
    ),
    (
        "imds_token_fail",
        "AWS_EC2_METADATA_V1_DISABLED",
        "true",
        "smithy-rs never falls back to IMDSv1 when the token is refused; the AWS CLI does \
         unless ec2_metadata_v1_disabled is set",
    ),
];

/// One recorded request and its answer.
#[derive(Debug, Clone, Default)]
struct Exchange {
    method: String,
    /// The full recorded URI.
    uri: String,
    /// Path and query of `uri`.
    target: String,
    imds_token: Option<String>,
    sso_token: Option<String>,
    status: u16,
    body: String,
}

fn data_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/profile/smithy-rs")
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn first_header(headers: &Value, name: &str) -> Option<String> {
    headers
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.get(0))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Splits `scheme://host[:port]/path?query` into (`scheme://host[:port]`, `/path?query`).
fn split_uri(uri: &str) -> (String, String) {
    let after_scheme = uri.find("://").map_or(0, |i| i + 3);
    match uri[after_scheme..].find('/') {
        Some(i) => (
            uri[..after_scheme + i].to_owned(),
            uri[after_scheme + i..].to_owned(),
        ),
        None => (uri.to_owned(), "/".to_owned()),
    }
}

/// A URL or target with its query pairs sorted (the recordings differ in their order).
fn normalize(uri: &str) -> String {
    match uri.split_once('?') {
        Some((path, query)) => {
            let mut pairs: Vec<&str> = query.split('&').collect();
            pairs.sort_unstable();
            format!("{path}?{}", pairs.join("&"))
        }
        None => uri.to_owned(),
    }
}

/// The recorded exchanges, in connection order.
fn exchanges(traffic: &Value) -> Vec<Exchange> {
    let mut order: Vec<u64> = Vec::new();
    let mut by_conn: BTreeMap<u64, Exchange> = BTreeMap::new();
    for event in traffic["events"].as_array().unwrap() {
        let id = event["connection_id"].as_u64().unwrap();
        let action = &event["action"];
        let ex = by_conn.entry(id).or_insert_with(|| {
            order.push(id);
            Exchange::default()
        });
        if let Some(req) = action.get("Request") {
            let req = &req["request"];
            req["method"].as_str().unwrap().clone_into(&mut ex.method);
            req["uri"].as_str().unwrap().clone_into(&mut ex.uri);
            ex.target = split_uri(&ex.uri).1;
            ex.imds_token = first_header(&req["headers"], "x-aws-ec2-metadata-token");
            ex.sso_token = first_header(&req["headers"], "x-amz-sso_bearer_token");
        } else if let Some(resp) = action.get("Response") {
            let ok = &resp["response"]["Ok"];
            ex.status = u16::try_from(ok["status"].as_u64().unwrap()).unwrap();
        } else if let Some(d) = action.get("Data") {
            if d["direction"] == "Response" {
                ex.body
                    .push_str(d["data"]["Utf8"].as_str().unwrap_or_default());
            }
        }
    }
    order.into_iter().map(|id| by_conn[&id].clone()).collect()
}

#[derive(Default)]
struct Replay {
    pending: VecDeque<Exchange>,
    /// Requests that were not the next recorded one.
    problems: Vec<String>,
}

/// Serves `exchanges` in order on 127.0.0.1; returns the base URL and the shared state.
fn replay_server(exchanges: Vec<Exchange>) -> (String, Arc<Mutex<Replay>>) {
    let state = Arc::new(Mutex::new(Replay {
        pending: exchanges.into(),
        problems: Vec::new(),
    }));
    let shared = Arc::clone(&state);
    let (url, _) = server(Arc::new(move |r: &Seen| {
        let mut st = shared.lock().unwrap();
        match st.pending.pop_front() {
            Some(ex)
                if ex.method == r.method
                    && normalize(&ex.target) == normalize(&r.path)
                    && [
                        (&ex.imds_token, "x-aws-ec2-metadata-token"),
                        (&ex.sso_token, "x-amz-sso_bearer_token"),
                    ]
                    .iter()
                    .all(|(want, name)| {
                        want.is_none()
                            || want.as_deref() == r.headers.get(*name).map(String::as_str)
                    }) =>
            {
                (ex.status, ex.body)
            }
            other => {
                st.problems.push(format!(
                    "got {} {} (token {:?}), expected {:?}",
                    r.method,
                    r.path,
                    r.headers.get("x-aws-ec2-metadata-token"),
                    other.as_ref().map(|e| (&e.method, &e.uri, &e.imds_token))
                ));
                (599, "unexpected request".to_owned())
            }
        }
    }));
    (url, state)
}

/// Copies `from` into `to`, recursively.
fn copy_tree(from: &Path, to: &Path, files: &mut Vec<String>, root: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_tree(&entry.path(), &dest, files, root);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
            let rel = entry.path().strip_prefix(root).unwrap().to_owned();
            files.push(format!("/{}", rel.display()));
        }
    }
}

/// The case's environment, with its paths moved under `root` and the metadata endpoints sent
/// to `server`.
fn scenario_env(dir: &Path, name: &str, server: &str, root: &str) -> BTreeMap<String, String> {
    let relocate = |v: &str| {
        if v.starts_with('/') {
            format!("{root}{v}")
        } else {
            v.to_owned()
        }
    };
    let mut env: BTreeMap<String, String> = read_json(&dir.join("env.json"))
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    for key in [
        "HOME",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
    ] {
        if let Some(v) = env.get(key).cloned() {
            env.insert(key.to_owned(), relocate(&v));
        }
    }
    // The metadata endpoints go to the replay server.
    if let Some(rel) = env.remove("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
        env.insert(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI".to_owned(),
            format!("{server}{rel}"),
        );
    } else if let Some(full) = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI").cloned() {
        let (_, target) = split_uri(&full);
        env.insert(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI".to_owned(),
            format!("{server}{target}"),
        );
    }
    env.insert(
        "AWS_EC2_METADATA_SERVICE_ENDPOINT".to_owned(),
        server.to_owned(),
    );
    for (_, key, value, why) in ADDED_SETTINGS.iter().filter(|s| s.0 == name) {
        println!("{name}: {key}={value} ({why})");
        env.insert((*key).to_owned(), (*value).to_owned());
    }
    env
}

/// The credentials against the case's expected `Ok` value.
fn compare(want: &Value, creds: &tinysts::Credentials) -> Result<(), String> {
    let field = |k: &str| want.get(k).and_then(Value::as_str);
    if Some(creds.access_key_id()) != field("access_key_id") {
        return Err(format!("access key id {}", creds.access_key_id()));
    }
    if Some(creds.secret_access_key()) != field("secret_access_key") {
        return Err("secret access key differs".to_owned());
    }
    if creds.session_token() != field("session_token") {
        return Err("session token differs".to_owned());
    }
    let expiry = creds
        .expiration()
        .map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs());
    if expiry != want.get("expiry").and_then(Value::as_u64) {
        return Err(format!("expiry {expiry:?}"));
    }
    Ok(())
}

/// The selected profile's provider, without MFA or disk cache.
fn profile_provider(
    env: &dyn Fn(&str) -> Option<String>,
    loaded: &Loaded,
) -> Result<ProfileProvider, tinysts::Error> {
    ProfileProvider::new(
        env,
        &loaded.profiles,
        &loaded.profile,
        &loaded.config,
        None,
        None,
    )
}

/// Runs one scenario folder; returns a description of what went wrong, if anything.
#[allow(clippy::too_many_lines)] // One case from files to verdict, in reading order.
fn run_case(dir: &Path, whole_chain: bool) -> Result<(), String> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let case = read_json(&dir.join("test-case.json"));
    let tmp = std::env::temp_dir().join(format!("tinysts-scenario-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let root = tmp.to_string_lossy().into_owned();

    // The fake file system, and the absolute paths that point into it.
    let mut files = Vec::new();
    if dir.join("fs").is_dir() {
        copy_tree(&dir.join("fs"), &tmp, &mut files, &dir.join("fs"));
    }
    for f in &files {
        let path = tmp.join(f.trim_start_matches('/'));
        if let Ok(text) = std::fs::read_to_string(&path) {
            let mut rewritten = text.clone();
            for other in &files {
                rewritten = rewritten.replace(&format!("= {other}"), &format!("= {root}{other}"));
            }
            if rewritten != text {
                std::fs::write(&path, rewritten).unwrap();
            }
        }
    }

    let traffic = if dir.join("http-traffic.json").is_file() {
        exchanges(&read_json(&dir.join("http-traffic.json")))
    } else {
        Vec::new()
    };
    let (server, replay) = replay_server(traffic.clone());

    let env = scenario_env(dir, &name, &server, &root);
    let get = |k: &str| env.get(k).cloned();
    // SSO: the portal URL tinysts would call, before the replay server stands in for it.
    let sso_url = load(&get).ok().and_then(|loaded| {
        let p = profile_provider(&get, &loaded).ok()?;
        let base = &p.chain().base;
        matches!(base, BaseSource::Sso { .. }).then(|| {
            SsoProvider::new(
                &get,
                &loaded.profiles,
                &loaded.profile,
                &loaded.config,
                base,
            )
            .map(|s| s.url().to_owned())
            .map_err(|e| e.to_string())
        })
    });
    let mut env = env;
    env.insert("AWS_ENDPOINT_URL_SSO".to_owned(), server.clone());
    let get = |k: &str| env.get(k).cloned();

    let outcome = (|| {
        let mut loaded = load(&get)?;
        // STS: the URL tinysts would use must be the recorded one; then the replay server
        // stands in for it.
        let sts_base = {
            let c = &loaded.config;
            let mut params = EndpointParams::new(c.region.clone());
            params.use_fips = c.use_fips;
            params.use_dual_stack = c.use_dual_stack;
            params.use_global_endpoint = c.use_global_endpoint;
            params.endpoint.clone_from(&c.endpoint_url);
            resolve(&params).map(|e| e.url).map_err(|e| e.to_string())
        };
        // The replay server replaces the resolved endpoint, FIPS and dual-stack included.
        loaded.config.endpoint_url = Some(server.clone());
        loaded.config.use_fips = false;
        loaded.config.use_dual_stack = false;
        let provider: Arc<dyn ProvideCredentials> = if whole_chain {
            Arc::new(DefaultChain::new(&get, &loaded, None))
        } else {
            Arc::new(profile_provider(&get, &loaded)?)
        };
        provider.provide_credentials().map(|c| (c, sts_base))
    })();
    let _ = std::fs::remove_dir_all(&tmp);

    let replay = replay.lock().unwrap();
    if !replay.problems.is_empty() {
        return Err(format!("unexpected requests: {:?}", replay.problems));
    }
    let expected = &case["result"];
    match (expected.get("Ok"), outcome) {
        (Some(want), Ok((creds, sts_base))) => {
            if !replay.pending.is_empty() {
                return Err(format!(
                    "{} recorded requests were not made: {:?}",
                    replay.pending.len(),
                    replay.pending.iter().map(|e| &e.uri).collect::<Vec<_>>()
                ));
            }
            // Every recorded STS request went where tinysts would have sent it.
            for ex in &traffic {
                let (base, _) = split_uri(&ex.uri);
                let is_metadata = base.contains("169.254.")
                    || base.contains("[fd00:ec2::")
                    || base.contains("localhost")
                    || base.contains("127.0.0.1");
                if !is_metadata && ex.target.starts_with("/federation/credentials") {
                    let ours = sso_url.clone().ok_or("no SSO URL")??;
                    if normalize(&ours) != normalize(&ex.uri) {
                        return Err(format!("SSO URL: ours {ours}, recorded {}", ex.uri));
                    }
                }
                if !is_metadata && ex.method == "POST" {
                    let ours = sts_base.clone()?;
                    if ours.trim_end_matches('/') != base.trim_end_matches('/') {
                        return Err(format!("STS URL: ours {ours}, recorded {base}"));
                    }
                }
            }
            compare(want, &creds)
        }
        (Some(_), Err(e)) => Err(format!("expected credentials, got error: {e}")),
        (None, Ok((c, _))) => Err(format!(
            "expected an error ({}), got credentials for {}",
            expected["ErrorContains"],
            c.access_key_id()
        )),
        (None, Err(_)) => Ok(()),
    }
}

#[test]
fn smithy_rs_credential_scenarios() {
    let dirs: Vec<(PathBuf, bool)> = match std::env::var("SCENARIO_DIRS") {
        Ok(list) => list
            .split(':')
            .map(|d| (PathBuf::from(d), !d.contains("profile-provider")))
            .collect(),
        Err(_) => vec![
            (data_root().join("default-credential-provider-chain"), true),
            (data_root().join("profile-provider"), false),
        ],
    };
    let (mut run, mut skipped, mut failed) = (0, 0, Vec::new());
    for (dir, whole_chain) in dirs {
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("test-case.json").is_file())
            .collect();
        cases.sort();
        for case in cases {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            if let Some((_, why)) = SKIPPED.iter().find(|(n, _)| *n == name) {
                println!("skip {name}: {why}");
                skipped += 1;
                continue;
            }
            run += 1;
            if let Err(why) = run_case(&case, whole_chain) {
                println!("FAIL {name}: {why}");
                failed.push(name);
            }
        }
    }
    println!(
        "credential scenarios: {run} run, {skipped} skipped, {} failed",
        failed.len()
    );
    assert!(failed.is_empty(), "failed: {failed:?}");
}
