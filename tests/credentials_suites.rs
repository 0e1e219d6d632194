//! The public credential-provider suites of `tests/data/profile/`, table-driven: the profile
//! parser (smithy-rs, 65 cases), file locations (9), and the assume-role chain cases (19; or
//! the file named by `TINYSTS_ASSUME_ROLE_SUITE`). Each prints its own line.
// Test code: a failed expectation panics.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::too_many_lines
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tinysts::credentials::profile::{
    BaseSource, Platform, ProfileSet, Properties, file_locations, resolve_chain,
};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/profile")
        .join(rel)
}

fn load(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read suite")).expect("json")
}

fn map_of_maps(v: &Value) -> BTreeMap<String, Properties> {
    v.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, props)| {
                    let p = props
                        .as_object()
                        .unwrap()
                        .iter()
                        .map(|(pk, pv)| (pk.to_ascii_lowercase(), pv.as_str().unwrap().to_owned()))
                        .collect();
                    (k.clone(), p)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn profile_parser_suite() {
    let suite = load(&data("smithy-rs/profile-parser-tests.json"));
    let tests = suite["tests"].as_array().unwrap();
    let mut failures = Vec::new();
    for t in tests {
        let name = t["name"].as_str().unwrap();
        let config = t["input"]["configFile"].as_str().unwrap_or("");
        let creds = t["input"]["credentialsFile"].as_str().unwrap_or("");
        let got = ProfileSet::parse(config, creds);
        let out = &t["output"];
        let ok = match (&got, out["errorContaining"].as_str()) {
            (Err(e), Some(want)) => e.to_string().contains(want),
            (Ok(set), None) => {
                let want_profiles = map_of_maps(&out["config"]["profiles"]);
                let want_sso = map_of_maps(&out["config"]["sso_sessions"]);
                *set.profiles() == want_profiles && *set.sso_sessions() == want_sso
            }
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{name}: got {:?}",
                got.map(|s| s.profiles().clone().into_keys().collect::<Vec<_>>())
            ));
        }
    }
    println!(
        "profile parser suite: {} cases, {} failed",
        tests.len(),
        failures.len()
    );
    for f in &failures {
        eprintln!("{f}");
    }
    assert_eq!(tests.len(), 65);
    assert!(failures.is_empty());
}

#[test]
fn file_location_suite() {
    let suite = load(&data("smithy-rs/file-location-tests.json"));
    let tests = suite["tests"].as_array().unwrap();
    let mut failures = Vec::new();
    for t in tests {
        let env: BTreeMap<String, String> = t["environment"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        let platform = match t["platform"].as_str().unwrap() {
            "windows" => Platform::Windows,
            _ => Platform::Unix,
        };
        let got = file_locations(&|k| env.get(k).cloned(), platform);
        let mut ok = got.config == t["configLocation"].as_str().unwrap()
            && got.credentials == t["credentialsLocation"].as_str().unwrap();
        if let Some(p) = t["profile"].as_str() {
            ok &= got.profile == p;
        }
        if !ok {
            failures.push(format!("{}: {got:?}", t["name"]));
        }
    }
    println!(
        "file location suite: {} cases, {} failed",
        tests.len(),
        failures.len()
    );
    for f in &failures {
        eprintln!("{f}");
    }
    assert_eq!(tests.len(), 9);
    assert!(failures.is_empty());
}

fn opt(v: &Value, k: &str) -> Option<String> {
    v[k].as_str().map(str::to_owned)
}

/// The chain in the suite's JSON shape.
fn chain_json(base: &BaseSource, roles: &[tinysts::credentials::profile::RoleLink]) -> Vec<Value> {
    let mut out = Vec::new();
    let strip = |m: serde_json::Map<String, Value>| {
        Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).collect())
    };
    out.push(match base {
        BaseSource::AccessKey { access_key_id, secret_access_key, session_token, account_id } => {
            serde_json::json!({"AccessKey": strip(serde_json::json!({
                "access_key_id": access_key_id, "secret_access_key": secret_access_key,
                "session_token": session_token, "account_id": account_id,
            }).as_object().unwrap().clone())})
        }
        BaseSource::NamedSource(s) => serde_json::json!({ "NamedSource": s }),
        BaseSource::WebIdentityToken { role_arn, web_identity_token_file, role_session_name } => {
            serde_json::json!({"WebIdentityToken": strip(serde_json::json!({
                "role_arn": role_arn, "web_identity_token_file": web_identity_token_file,
                "role_session_name": role_session_name,
            }).as_object().unwrap().clone())})
        }
        BaseSource::Sso { sso_session, sso_region, sso_start_url, sso_account_id, sso_role_name } => {
            serde_json::json!({"Sso": strip(serde_json::json!({
                "sso_session": sso_session, "sso_region": sso_region, "sso_start_url": sso_start_url,
                "sso_account_id": sso_account_id, "sso_role_name": sso_role_name,
            }).as_object().unwrap().clone())})
        }
        BaseSource::CredentialProcess { command } => {
            serde_json::json!({"CredentialProcess": {"command": command}})
        }
        _ => serde_json::json!({"Unknown": null}),
    });
    for r in roles {
        out.push(serde_json::json!({"AssumeRole": strip(serde_json::json!({
            "role_arn": r.role_arn, "external_id": r.external_id,
            "role_session_name": r.role_session_name,
        }).as_object().unwrap().clone())}));
    }
    out
}

#[test]
fn assume_role_suite() {
    let path = std::env::var_os("TINYSTS_ASSUME_ROLE_SUITE")
        .map_or_else(|| data("smithy-rs/assume-role-tests.json"), PathBuf::from);
    let cases = load(&path);
    let cases = cases.as_array().expect("a JSON array of cases");
    let mut failures = Vec::new();
    for case in cases {
        let input = &case["input"];
        let profiles = map_of_maps(&input["profiles"]);
        let sessions = map_of_maps(&input["sso_sessions"]);
        let selected = input["selected_profile"].as_str().unwrap_or("default");
        let got = resolve_chain(&profiles, &sessions, selected);
        let out = &case["output"];
        let verdict = match (&got, out.get("ProfileChain"), opt(out, "Error")) {
            (Ok(chain), Some(want), _) => {
                let json = chain_json(&chain.base, &chain.roles);
                if Value::Array(json.clone()) == *want {
                    Ok(())
                } else {
                    Err(format!("chain {json:?}"))
                }
            }
            // Upstream checks its own wording with `contains`; ours matches it, and any
            // other wording still has to be a failure.
            (Err(e), None, Some(want)) => {
                if e.to_string().contains(&want) {
                    Ok(())
                } else {
                    Err(format!("error {e} does not contain {want:?}"))
                }
            }
            (Ok(chain), None, _) => Err(format!("resolved {chain:?}, wanted an error")),
            (Err(e), Some(_), _) => Err(format!("error {e}")),
            (Err(e), None, None) => Err(format!("unexpected output shape; error {e}")),
        };
        if let Err(why) = verdict {
            failures.push(format!("{}: {why}", case["docs"]));
        }
    }
    println!(
        "assume-role suite: {} cases, {} failed",
        cases.len(),
        failures.len()
    );
    for f in &failures {
        eprintln!("{f}");
    }
    assert!(!cases.is_empty());
    assert!(failures.is_empty());
}

fn env_of(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn configured_endpoint_url_suite() {
    use tinysts::config::configured_endpoint;
    let path = std::env::var_os("TINYSTS_ENDPOINT_URL_SUITE")
        .map_or_else(|| data("botocore/profile-tests.json"), PathBuf::from);
    let doc = load(&path);
    let mut total = 0;
    let mut failures = Vec::new();
    for suite in doc["testSuites"].as_array().unwrap() {
        for t in suite["endpointUrlTests"].as_array().unwrap() {
            total += 1;
            let profile_name = t["profile"].as_str().unwrap();
            let profile = &suite["profiles"][profile_name];
            // The config file botocore's harness writes for this test.
            let mut config = format!("[profile {profile_name}]\n");
            for (k, v) in profile.as_object().unwrap() {
                writeln!(config, "{k}={}", v.as_str().unwrap()).unwrap();
            }
            if let Some(section) = profile["services"].as_str() {
                writeln!(config, "[services {section}]").unwrap();
                for (svc, settings) in suite["services"][section].as_object().unwrap() {
                    writeln!(config, "{svc} =").unwrap();
                    for (k, v) in settings.as_object().unwrap() {
                        writeln!(config, "  {k}={}", v.as_str().unwrap()).unwrap();
                    }
                }
            }
            let profiles = ProfileSet::parse(&config, "").expect("config");
            let env = env_of(&suite["environments"][t["environment"].as_str().unwrap()]);
            let client = &suite["client_configs"][t["client_config"].as_str().unwrap()];
            let service_id = match t["service"].as_str().unwrap() {
                "dynamodb" => "DynamoDB",
                other => other,
            };
            let got = configured_endpoint(
                service_id,
                &|k| env.get(k).cloned(),
                &profiles,
                profile_name,
                client["endpoint_url"].as_str(),
                client["ignore_configured_endpoint_urls"]
                    .as_bool()
                    .unwrap_or(false),
            );
            let want = t["output"]["endpointUrl"].as_str().unwrap();
            // An amazonaws.com answer means no configured URL applies: the rules decide.
            let want = (!want.ends_with(".amazonaws.com")).then_some(want);
            if got.as_deref() != want {
                failures.push(format!("{}: got {got:?}, want {want:?}", t["name"]));
            }
        }
    }
    println!(
        "endpoint-url suite: {total} cases, {} failed",
        failures.len()
    );
    for f in &failures {
        eprintln!("{f}");
    }
    assert!(total > 0);
    assert!(failures.is_empty());
}

#[test]
fn imds_endpoint_suite() {
    use tinysts::config::{ImdsMode, imds_endpoint};
    let suite = load(&data("smithy-rs/imds-endpoint-tests.json"));
    let tests = suite["tests"].as_array().unwrap();
    let mut failures = Vec::new();
    for t in tests {
        let env = env_of(&t["env"]);
        let fs = env_of(&t["fs"]);
        let config = env
            .get("AWS_CONFIG_FILE")
            .and_then(|p| fs.get(p))
            .cloned()
            .unwrap_or_default();
        let profiles = ProfileSet::parse(&config, "").expect("config");
        let mode = t["mode_override"]
            .as_str()
            .map(|m| ImdsMode::parse(m).unwrap());
        let got = imds_endpoint(
            &|k| env.get(k).cloned(),
            profiles.profile("default"),
            t["endpoint_override"].as_str(),
            mode,
        )
        .map(|base| format!("{base}/latest/api/token"));
        let ok = match (
            &got,
            t["result"]["Ok"].as_str(),
            t["result"]["Err"].as_str(),
        ) {
            (Ok(url), Some(want), _) => url == want,
            (Err(e), None, Some(want)) => e.to_string().contains(want),
            _ => false,
        };
        if !ok {
            failures.push(format!("{}: {got:?}", t["docs"]));
        }
    }
    println!(
        "imds endpoint suite: {} cases, {} failed",
        tests.len(),
        failures.len()
    );
    for f in &failures {
        eprintln!("{f}");
    }
    assert_eq!(tests.len(), 14);
    assert!(failures.is_empty());
}

#[test]
fn container_uri_suite() {
    use tinysts::config::container_uri;
    let suite = load(&data("smithy-rs/ecs-tests.json"));
    let tests = suite["tests"].as_array().unwrap();
    let mut failures = Vec::new();
    for t in tests {
        let env = env_of(&t["env"]);
        let got = container_uri(&|k| env.get(k).cloned());
        let ok = match (
            &got,
            t["result"]["Ok"].as_str(),
            t["result"]["ErrorContains"].as_str(),
        ) {
            (Ok(uri), Some(want), _) => uri == want,
            (Err(e), None, Some(want)) => e.to_string().contains(want),
            _ => false,
        };
        if !ok {
            failures.push(format!("{}: {got:?}", t["docs"]));
        }
    }
    println!(
        "container uri suite: {} cases, {} failed",
        tests.len(),
        failures.len()
    );
    for f in &failures {
        eprintln!("{f}");
    }
    assert_eq!(tests.len(), 11);
    assert!(failures.is_empty());
}
