//! Credential providers against loopback servers on 127.0.0.1 standing in for IMDS, the
//! container endpoint and STS; `credential_process` with real shell commands; the default
//! chain's error listing every source.
// Test code: a failed expectation panics.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::doc_markdown
)]

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread;

use tinysts::config::client_config;
use tinysts::credentials::profile::ProfileSet;
use tinysts::credentials::{
    ContainerProvider, DefaultChain, ImdsProvider, Loaded, MfaCallback, ProcessProvider,
    ProfileProvider, ProvideCredentials, WebIdentityProvider, load,
};
use tinysts::{ErrorKind, client::ClientConfig};

mod common;
use common::{Seen, rfc3339_in, server, sso_env};

const CREDS_JSON: &str = r#"{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDSEXAMPLE00001","SecretAccessKey":"imds/secret","Token":"imds-token-value","Expiration":"2031-01-01T00:00:00Z"}"#;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/responses")
            .join(name),
    )
    .unwrap()
}

#[test]
fn imds_v2_token_role_credentials() {
    let (url, seen) = server(Arc::new(|r: &Seen| {
        match (r.method.as_str(), r.path.as_str()) {
            ("PUT", "/latest/api/token") => (200, "session-token-123".into()),
            (_, "/latest/meta-data/iam/security-credentials/")
                if r.headers
                    .get("x-aws-ec2-metadata-token")
                    .map(String::as_str)
                    == Some("session-token-123") =>
            {
                (200, "my-role\n".into())
            }
            (_, "/latest/meta-data/iam/security-credentials/my-role") => (200, CREDS_JSON.into()),
            _ => (401, String::new()),
        }
    }));
    let c = ImdsProvider::with_endpoint(url)
        .provide_credentials()
        .unwrap();
    assert_eq!(c.access_key_id(), "ASIAIMDSEXAMPLE00001");
    assert_eq!(c.session_token(), Some("imds-token-value"));
    assert!(c.expiration().is_some());
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3);
    assert_eq!(
        seen[0]
            .headers
            .get("x-aws-ec2-metadata-token-ttl-seconds")
            .map(String::as_str),
        Some("21600")
    );
    assert!(
        seen[1..]
            .iter()
            .all(|r| r.headers.contains_key("x-aws-ec2-metadata-token"))
    );
}

#[test]
fn imds_disabled_by_environment() {
    let env = |k: &str| (k == "AWS_EC2_METADATA_DISABLED").then(|| "true".to_owned());
    let e = ImdsProvider::from_env(&env, &ProfileSet::default(), "default").unwrap_err();
    assert!(e.to_string().contains("AWS_EC2_METADATA_DISABLED"));
}

/// The (method, path, carried an IMDS token) of each request seen.
fn requests(seen: &Mutex<Vec<Seen>>) -> Vec<(String, String, bool)> {
    seen.lock()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.method.clone(),
                r.path.clone(),
                r.headers.contains_key("x-aws-ec2-metadata-token"),
            )
        })
        .collect()
}

const ROLES: &str = "/latest/meta-data/iam/security-credentials/";
const ROLE_CREDS: &str = "/latest/meta-data/iam/security-credentials/my-role";

/// An IMDS whose token PUT and role-list GET each fail `failures` times with 500 first.
fn flaky_imds(failures: usize) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let counts = Arc::new(Mutex::new(BTreeMap::<String, usize>::new()));
    server(Arc::new(move |r: &Seen| {
        let n = {
            let mut c = counts.lock().unwrap();
            let n = c.entry(r.path.clone()).or_default();
            *n += 1;
            *n
        };
        let has_token = r
            .headers
            .get("x-aws-ec2-metadata-token")
            .map(String::as_str)
            == Some("tok");
        match (r.method.as_str(), r.path.as_str()) {
            ("PUT", "/latest/api/token") if n > failures => (200, "tok".into()),
            (_, ROLES) if n > failures && has_token => (200, "my-role\n".into()),
            (_, ROLE_CREDS) if has_token => (200, CREDS_JSON.into()),
            (_, _) if !has_token && r.method == "GET" => (401, String::new()),
            _ => (500, "busy".into()),
        }
    }))
}

#[test]
fn imds_makes_each_request_up_to_the_attempts() {
    let (url, seen) = flaky_imds(1);
    let c = ImdsProvider::with_endpoint(&url)
        .with_attempts(2)
        .provide_credentials()
        .unwrap();
    assert_eq!(c.access_key_id(), "ASIAIMDSEXAMPLE00001");
    let calls = requests(&seen);
    let want = [
        ("PUT", "/latest/api/token", false),
        ("PUT", "/latest/api/token", false),
        ("GET", ROLES, true),
        ("GET", ROLES, true),
        ("GET", ROLE_CREDS, true),
    ];
    assert_eq!(calls.len(), want.len(), "{calls:?}");
    for (got, want) in calls.iter().zip(want) {
        assert_eq!((got.0.as_str(), got.1.as_str(), got.2), want);
    }

    // With one attempt (the default), the failed token request means IMDSv1: the GET goes
    // without a token, this server refuses it, and the error says so.
    let (url, seen) = flaky_imds(1);
    let e = ImdsProvider::with_endpoint(&url)
        .provide_credentials()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Credentials);
    assert!(e.to_string().contains("http 401"), "{e}");
    assert_eq!(e.attempts(), 1);
    let calls = requests(&seen);
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[1], ("GET".to_owned(), ROLES.to_owned(), false));
}

#[test]
fn imds_falls_back_to_v1_when_the_token_is_refused_unless_disabled() {
    for refusal in [403, 404, 405] {
        let (url, seen) = server(Arc::new(move |r: &Seen| {
            match (r.method.as_str(), r.path.as_str()) {
                ("PUT", _) => (refusal, String::new()),
                (_, ROLES) => (200, "my-role".into()),
                (_, ROLE_CREDS) => (200, CREDS_JSON.into()),
                _ => (404, String::new()),
            }
        }));
        // A refusal is final: no second token request even with attempts to spare.
        let c = ImdsProvider::with_endpoint(&url)
            .with_attempts(3)
            .provide_credentials()
            .unwrap();
        assert_eq!(c.session_token(), Some("imds-token-value"));
        let calls = requests(&seen);
        assert_eq!(calls.len(), 3, "{calls:?}");
        assert!(calls.iter().all(|c| !c.2), "IMDSv1 requests carry no token");

        let e = ImdsProvider::with_endpoint(&url)
            .with_v1_disabled(true)
            .provide_credentials()
            .unwrap_err();
        assert!(e.to_string().contains("IMDSv1 is disabled"), "{e}");
        assert_eq!(
            seen.lock().unwrap().len(),
            4,
            "only the token request was made"
        );
    }
    // A 400 to the token request is an error, not a reason to fall back.
    let (url, seen) = server(Arc::new(|_: &Seen| (400, String::new())));
    let e = ImdsProvider::with_endpoint(&url)
        .provide_credentials()
        .unwrap_err();
    assert!(e.to_string().contains("http 400"), "{e}");
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[test]
fn imds_settings_come_from_the_environment_then_the_profile() {
    // The token is given, every GET fails: the number of GETs is the number of attempts.
    let (url, seen) = server(Arc::new(|r: &Seen| {
        if r.method == "PUT" {
            (200, "tok".into())
        } else {
            (503, String::new())
        }
    }));
    let gets = || {
        let n = seen
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.method == "GET")
            .count();
        seen.lock().unwrap().clear();
        n
    };
    let profiles = ProfileSet::parse(
        "[default]\nmetadata_service_num_attempts = 2\nmetadata_service_timeout = 5\n",
        "",
    )
    .unwrap();
    let run = |vars: &[(&str, &str)], profiles: &ProfileSet| {
        let mut env: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        env.insert("AWS_EC2_METADATA_SERVICE_ENDPOINT".into(), url.clone());
        ImdsProvider::from_env(&|k| env.get(k).cloned(), profiles, "default")
    };

    let e = run(&[("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "3")], &profiles)
        .unwrap()
        .provide_credentials()
        .unwrap_err();
    assert_eq!((e.attempts(), gets()), (3, 3));
    assert!(e.to_string().contains("http 503 (after 3 attempts)"), "{e}");

    let e = run(&[], &profiles)
        .unwrap()
        .provide_credentials()
        .unwrap_err();
    assert_eq!((e.attempts(), gets()), (2, 2));

    let e = run(&[], &ProfileSet::default())
        .unwrap()
        .provide_credentials()
        .unwrap_err();
    assert_eq!((e.attempts(), gets()), (1, 1));

    for (var, value) in [
        ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "zero"),
        ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "0"),
        ("AWS_METADATA_SERVICE_TIMEOUT", "1.5"),
        ("AWS_EC2_METADATA_V1_DISABLED", "maybe"),
    ] {
        let e = run(&[(var, value)], &profiles).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{var}={value}");
        assert!(e.to_string().contains(var), "{e}");
    }
    // The environment's v1 switch is read: a refused token is then an error.
    let (refusing, _) = server(Arc::new(|_: &Seen| (403, String::new())));
    let env: BTreeMap<&str, String> = [
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", refusing),
        ("AWS_EC2_METADATA_V1_DISABLED", "true".to_owned()),
    ]
    .into();
    let e = ImdsProvider::from_env(&|k| env.get(k).cloned(), &ProfileSet::default(), "default")
        .unwrap()
        .provide_credentials()
        .unwrap_err();
    assert!(e.to_string().contains("IMDSv1 is disabled"), "{e}");
}

#[test]
fn imds_that_cannot_be_reached_gives_up_at_once() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let e = ImdsProvider::with_endpoint(format!("http://127.0.0.1:{port}"))
        .with_attempts(3)
        .provide_credentials()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Credentials);
    assert!(e.to_string().contains("could not be reached"), "{e}");
}

#[test]
fn container_retries_failures_and_non_json_answers() {
    let count = Arc::new(Mutex::new(0usize));
    let c2 = Arc::clone(&count);
    let (url, seen) = server(Arc::new(move |_: &Seen| {
        let mut n = c2.lock().unwrap();
        *n += 1;
        match *n {
            1 => (500, "{}".into()),
            2 => (200, "<html>proxy error</html>".into()),
            _ => (200, CREDS_JSON.into()),
        }
    }));
    let env: BTreeMap<&str, String> =
        [("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("{url}/creds"))].into();
    let provider = ContainerProvider::from_env(&|k| env.get(k).cloned())
        .unwrap()
        .with_retries(3, std::time::Duration::from_millis(10));
    let c = provider.provide_credentials().unwrap();
    assert_eq!(c.access_key_id(), "ASIAIMDSEXAMPLE00001");
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 3);
        assert!(
            seen.iter()
                .all(|r| r.headers.get("accept").map(String::as_str) == Some("application/json"))
        );
    }

    // Always failing: exactly the attempts asked for, and the error says how many.
    let (url, seen) = server(Arc::new(|_: &Seen| (500, "{}".into())));
    let env: BTreeMap<&str, String> =
        [("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("{url}/creds"))].into();
    let provider = ContainerProvider::from_env(&|k| env.get(k).cloned()).unwrap();
    let e = provider
        .clone()
        .with_retries(3, std::time::Duration::from_millis(10))
        .provide_credentials()
        .unwrap_err();
    assert_eq!(e.attempts(), 3);
    assert!(e.to_string().contains("http 500 (after 3 attempts)"), "{e}");
    assert_eq!(seen.lock().unwrap().len(), 3);
    let e = provider
        .with_retries(1, std::time::Duration::ZERO)
        .provide_credentials()
        .unwrap_err();
    assert_eq!(e.attempts(), 1);
    assert_eq!(seen.lock().unwrap().len(), 4);
}

#[test]
#[allow(clippy::too_many_lines)] // One story: no cache, good token, refused, expired.
fn sso_token_cache_portal_and_errors() {
    let (url, seen) = server(Arc::new(|r: &Seen| {
        match r.headers.get("x-amz-sso_bearer_token").map(String::as_str) {
            Some("good-token") => (
                200,
                r#"{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"sso/secret","sessionToken":"sso-session","expiration":1893456000000}}"#.into(),
            ),
            _ => (403, r#"{"message":"Session token not found or invalid"}"#.into()),
        }
    }));
    let home = std::env::temp_dir().join(format!("tinysts-sso-{}", std::process::id()));
    let cache = home.join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    // The AWS CLI names the file after the SHA-1 of the sso-session name.
    let file = cache.join("34c6fceca75e456f25e7e99531e2425c6c1de443.json");
    let profiles = ProfileSet::parse(
        "[default]\nsso_session = dev\nsso_account_id = 012345678901\nsso_role_name = Admin\n\
         [profile token-only]\nsso_session = dev\n\
         [sso-session dev]\nsso_region = eu-west-1\nsso_start_url = https://d-1.awsapps.com/start\n",
        "",
    )
    .unwrap();
    let env = sso_env(&home, &url);
    let get = |k: &str| env.get(k).cloned();
    let provider = |name: &str| {
        ProfileProvider::new(
            &get,
            &profiles,
            name,
            &ClientConfig::new("us-east-1"),
            None,
            None,
        )
    };

    // No cache file yet: log in first.
    let e = provider("default")
        .unwrap()
        .provide_credentials()
        .unwrap_err();
    assert!(e.to_string().contains("aws sso login"), "{e}");

    std::fs::write(
        &file,
        r#"{"accessToken":"good-token","expiresAt":"2199-01-01T00:00:00Z","startUrl":"https://d-1.awsapps.com/start"}"#,
    )
    .unwrap();
    let c = provider("default").unwrap().provide_credentials().unwrap();
    assert_eq!(c.access_key_id(), "ASIASSO");
    assert_eq!(c.session_token(), Some("sso-session"));
    assert_eq!(
        c.expiration(),
        Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_893_456_000))
    );
    {
        let seen = seen.lock().unwrap();
        let last = seen.last().unwrap();
        assert_eq!(last.method, "GET");
        assert_eq!(
            last.path,
            "/federation/credentials?account_id=012345678901&role_name=Admin"
        );
    }

    // A token the portal refuses, and an expired one: errors that never echo the token.
    std::fs::write(
        &file,
        r#"{"accessToken":"stale-token","expiresAt":"2199-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let e = provider("default")
        .unwrap()
        .provide_credentials()
        .unwrap_err();
    assert!(e.to_string().contains("http 403"), "{e}");
    assert!(e.to_string().contains("aws sso login"), "{e}");
    assert!(!format!("{e} {e:?}").contains("stale-token"));
    std::fs::write(
        &file,
        r#"{"accessToken":"old-token","expiresAt":"2001-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let requests = seen.lock().unwrap().len();
    let e = provider("default")
        .unwrap()
        .provide_credentials()
        .unwrap_err();
    assert!(e.to_string().contains("expired"), "{e}");
    assert_eq!(
        seen.lock().unwrap().len(),
        requests,
        "no request with an expired token"
    );
    let text = format!("{e} {e:?}");
    assert!(!text.contains("old-token"), "{text}");

    // A profile with a session but no account and role resolves a token, not credentials.
    let e = provider("token-only").unwrap_err();
    assert!(
        e.to_string()
            .contains("access token instead of credentials"),
        "{e}"
    );
    std::fs::remove_dir_all(home).unwrap();
}

#[test]
#[allow(clippy::too_many_lines)] // One story: refresh, no refresh, failed refresh, stale registration.
fn sso_session_tokens_near_expiry_are_refreshed_and_written_back() {
    let refresh_ok = Arc::new(Mutex::new(true));
    let ok = Arc::clone(&refresh_ok);
    let (url, seen) = server(Arc::new(move |r: &Seen| {
        if r.method == "POST" && r.path == "/token" {
            if !*ok.lock().unwrap() {
                return (400, r#"{"error":"invalid_grant"}"#.into());
            }
            return (
                200,
                r#"{"accessToken":"fresh-token","expiresIn":3600,"refreshToken":"next-refresh","tokenType":"Bearer"}"#.into(),
            );
        }
        match r.headers.get("x-amz-sso_bearer_token").map(String::as_str) {
            Some("fresh-token" | "still-valid") => (
                200,
                r#"{"roleCredentials":{"accessKeyId":"ASIAREFRESHED","secretAccessKey":"s","sessionToken":"t","expiration":1893456000000}}"#.into(),
            ),
            _ => (401, "{}".into()),
        }
    }));
    let home = std::env::temp_dir().join(format!("tinysts-ssor-{}", std::process::id()));
    let cache = home.join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    let file = cache.join("34c6fceca75e456f25e7e99531e2425c6c1de443.json");
    let write_cache = |token: &str, expires_in: i64, registration_in: i64| {
        let doc = serde_json::json!({
            "startUrl": "https://d-1.awsapps.com/start",
            "region": "eu-west-1",
            "accessToken": token,
            "expiresAt": rfc3339_in(expires_in),
            "clientId": "client-1",
            "clientSecret": "client-secret-1",
            "registrationExpiresAt": rfc3339_in(registration_in),
            "refreshToken": "refresh-1",
        });
        std::fs::write(&file, doc.to_string()).unwrap();
    };
    let profiles = ProfileSet::parse(
        "[default]\nsso_session = dev\nsso_account_id = 1\nsso_role_name = R\n\
         [sso-session dev]\nsso_region = eu-west-1\nsso_start_url = https://d-1.awsapps.com/start\n",
        "",
    )
    .unwrap();
    let env = sso_env(&home, &url);
    let get = |k: &str| env.get(k).cloned();
    let credentials = || {
        ProfileProvider::new(
            &get,
            &profiles,
            "default",
            &ClientConfig::new("us-east-1"),
            None,
            None,
        )
        .unwrap()
        .provide_credentials()
    };
    let posts = || {
        seen.lock()
            .unwrap()
            .iter()
            .filter(|r| r.method == "POST")
            .count()
    };

    // Five minutes left: inside botocore's 15-minute window, so the token is refreshed first.
    write_cache("old-token", 300, 86_400);
    assert_eq!(credentials().unwrap().access_key_id(), "ASIAREFRESHED");
    {
        let seen = seen.lock().unwrap();
        let post = seen.iter().find(|r| r.method == "POST").unwrap();
        let body: serde_json::Value = serde_json::from_str(&post.body).unwrap();
        assert_eq!(body["grantType"], "refresh_token");
        assert_eq!(body["clientId"], "client-1");
        assert_eq!(body["clientSecret"], "client-secret-1");
        assert_eq!(body["refreshToken"], "refresh-1");
    }
    // The cache now holds the new token, as the AWS CLI would have written it.
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written["accessToken"], "fresh-token");
    assert_eq!(written["refreshToken"], "next-refresh");
    assert_eq!(written["clientSecret"], "client-secret-1");
    assert_eq!(written["startUrl"], "https://d-1.awsapps.com/start");
    let expires_at = time::OffsetDateTime::parse(
        written["expiresAt"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let left = expires_at - time::OffsetDateTime::now_utc();
    assert!(left > time::Duration::minutes(55) && left <= time::Duration::minutes(60));

    // An hour left: no refresh.
    write_cache("still-valid", 3600, 86_400);
    let before = posts();
    credentials().unwrap();
    assert_eq!(posts(), before);

    // A failed refresh keeps a token that is still valid, and an expired one is an error.
    *refresh_ok.lock().unwrap() = false;
    write_cache("still-valid", 300, 86_400);
    credentials().unwrap();
    write_cache("old-token", -60, 86_400);
    let e = credentials().unwrap_err();
    assert!(e.to_string().contains("aws sso login"), "{e}");
    let text = format!("{e} {e:?}");
    for secret in ["old-token", "client-secret-1", "refresh-1"] {
        assert!(!text.contains(secret), "{text}");
    }

    // An expired client registration is not used at all.
    *refresh_ok.lock().unwrap() = true;
    write_cache("old-token", -60, -1);
    let before = posts();
    assert!(credentials().is_err());
    assert_eq!(posts(), before);
    std::fs::remove_dir_all(home).unwrap();
}

#[test]
fn a_chosen_profile_that_does_not_exist_is_an_error() {
    let home = std::env::temp_dir().join(format!("tinysts-profile-typo-{}", std::process::id()));
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(home.join(".aws/config"), "[default]\nregion = eu-west-1\n").unwrap();
    std::fs::write(
        home.join(".aws/credentials"),
        "[only-here]\naws_access_key_id = AKIDCRED\naws_secret_access_key = s\n",
    )
    .unwrap();
    let run = |profile: Option<&str>| {
        let mut env: BTreeMap<&str, String> = [
            ("HOME", home.display().to_string()),
            ("AWS_ACCESS_KEY_ID", "AKIDENV".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "s".to_owned()),
        ]
        .into();
        if let Some(p) = profile {
            env.insert("AWS_PROFILE", p.to_owned());
        }
        load(&|k| env.get(k).cloned())
    };
    // As the AWS CLI: a typo in AWS_PROFILE fails, even with credentials in the environment.
    let e = run(Some("typo")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert_eq!(
        e.to_string(),
        "the config profile (typo) could not be found"
    );
    // A profile in either file is found, and no choice at all is fine.
    assert_eq!(run(Some("only-here")).unwrap().profile, "only-here");
    assert_eq!(run(Some("default")).unwrap().config.region, "eu-west-1");
    assert_eq!(run(None).unwrap().profile, "default");
    std::fs::remove_dir_all(home).unwrap();
}

#[test]
fn container_credentials_with_token_file() {
    let (url, seen) = server(Arc::new(|r: &Seen| {
        if r.headers.get("authorization").map(String::as_str) == Some("Bearer pod-token") {
            (200, CREDS_JSON.into())
        } else {
            (403, "{}".into())
        }
    }));
    let dir = std::env::temp_dir().join(format!("tinysts-container-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("token");
    std::fs::write(&token_file, "Bearer pod-token\n").unwrap();
    let env: BTreeMap<&str, String> = [
        (
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("{url}/v1/credentials"),
        ),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            token_file.display().to_string(),
        ),
    ]
    .into();
    let p = ContainerProvider::from_env(&|k| env.get(k).cloned()).unwrap();
    let c = p.provide_credentials().unwrap();
    assert_eq!(c.secret_access_key(), "imds/secret");
    assert_eq!(seen.lock().unwrap()[0].path, "/v1/credentials");
    // A full URI over plain http to another host is refused.
    let bad = |k: &str| {
        (k == "AWS_CONTAINER_CREDENTIALS_FULL_URI").then(|| "http://198.51.100.7/creds".to_owned())
    };
    assert!(ContainerProvider::from_env(&bad).is_err());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn credential_process_success_and_failure() {
    let ok = ProcessProvider::new(
        r#"echo '{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "process-secret", "SessionToken": "process-token", "Expiration": "2031-01-01T00:00:00Z"}'"#,
    );
    let c = ok.provide_credentials().unwrap();
    assert_eq!(c.access_key_id(), "AKIDPROCESS");
    assert_eq!(c.session_token(), Some("process-token"));
    assert!(c.expiration().is_some());

    let failing = ProcessProvider::new(
        "echo '{\"SecretAccessKey\": \"leaked-secret\"}'; echo 'no sso session' >&2; exit 3",
    );
    let e = failing.provide_credentials().unwrap_err();
    let text = e.to_string();
    assert!(text.contains("exit code 3"), "{text}");
    assert!(text.contains("no sso session"), "{text}");
    assert!(!text.contains("leaked-secret"), "{text}");
    assert!(!format!("{failing:?}").contains("leaked-secret"));

    let wrong_version = ProcessProvider::new(
        r#"echo '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "B"}'"#,
    );
    assert!(
        wrong_version
            .provide_credentials()
            .unwrap_err()
            .to_string()
            .contains("Version")
    );
}

/// The fixture with credentials that expire far in the future, so that caching shows.
fn far_future(xml: &str) -> String {
    let start = xml.find("<Expiration>").unwrap() + "<Expiration>".len();
    let end = xml.find("</Expiration>").unwrap();
    format!("{}2099-01-01T00:00:00Z{}", &xml[..start], &xml[end..])
}

fn sts_server() -> (String, Arc<Mutex<Vec<Seen>>>) {
    let assume_role = far_future(&fixture("assume_role.xml"));
    let web = fixture("assume_role_with_web_identity.xml");
    server(Arc::new(move |r: &Seen| {
        if r.body.starts_with("Action=AssumeRoleWithWebIdentity&") {
            (200, web.clone())
        } else if r.body.starts_with("Action=AssumeRole&") {
            (200, assume_role.clone())
        } else {
            (
                400,
                "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>".into(),
            )
        }
    }))
}

#[test]
fn profile_role_chain_with_mfa_duration_and_external_id() {
    let (url, seen) = sts_server();
    let config_file = format!(
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\nduration_seconds = 1800\nexternal_id = ext-42\nrole_session_name = me-at-laptop\nregion = eu-west-1\nendpoint_url = {url}\n"
    );
    let creds_file =
        "[base]\naws_access_key_id = AKIDBASEEXAMPLE00001\naws_secret_access_key = base-secret\n";
    let profiles = ProfileSet::parse(&config_file, creds_file).unwrap();
    let env = |_: &str| None;
    let config = client_config(&env, &profiles, "dev").unwrap();
    assert_eq!(config.endpoint_url.as_deref(), Some(url.as_str()));

    // Without a callback the MFA code cannot be had: a clear error.
    let p = ProfileProvider::new(&env, &profiles, "dev", &config, None, None).unwrap();
    let e = p.provide_credentials().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Credentials);
    assert!(e.to_string().contains("MFA"), "{e}");

    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&asked);
    let mfa: MfaCallback = Arc::new(move |serial: &str| {
        log.lock().unwrap().push(serial.to_owned());
        Ok("123456".to_owned())
    });
    let p = ProfileProvider::new(&env, &profiles, "dev", &config, Some(&mfa), None).unwrap();
    let c = p.provide_credentials().unwrap();
    assert!(c.access_key_id().starts_with("ASIA"));
    // Cached: a second call makes no STS call and asks for no code.
    p.provide_credentials().unwrap();
    assert_eq!(
        asked.lock().unwrap().as_slice(),
        ["arn:aws:iam::123456789012:mfa/me"]
    );
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    let body = &seen[0].body;
    for part in [
        "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdev",
        "RoleSessionName=me-at-laptop",
        "DurationSeconds=1800",
        "ExternalId=ext-42",
        "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fme",
        "TokenCode=123456",
    ] {
        assert!(body.contains(part), "{part} not in {body}");
    }
    assert!(seen[0].headers["authorization"].contains("Credential=AKIDBASEEXAMPLE00001/"));
    assert!(seen[0].headers["authorization"].contains("/eu-west-1/sts/aws4_request"));
}

#[test]
fn web_identity_token_is_reread_at_each_refresh() {
    let (url, seen) = sts_server();
    let dir = std::env::temp_dir().join(format!("tinysts-web-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("token.jwt");
    std::fs::write(&file, "token-one").unwrap();
    let mut config = ClientConfig::new("us-east-1");
    config.endpoint_url = Some(url);
    let env: BTreeMap<&str, String> = [
        ("AWS_WEB_IDENTITY_TOKEN_FILE", file.display().to_string()),
        (
            "AWS_ROLE_ARN",
            "arn:aws:iam::123456789012:role/irsa".to_owned(),
        ),
        ("AWS_ROLE_SESSION_NAME", "pod-a".to_owned()),
    ]
    .into();
    let p = WebIdentityProvider::from_env(&|k| env.get(k).cloned(), config).unwrap();
    p.provide_credentials().unwrap();
    std::fs::write(&file, "token-two").unwrap();
    p.provide_credentials().unwrap();
    let seen = seen.lock().unwrap();
    assert!(seen[0].body.contains("WebIdentityToken=token-one"));
    assert!(seen[1].body.contains("WebIdentityToken=token-two"));
    assert!(
        seen.iter()
            .all(|r| !r.headers.contains_key("authorization"))
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn default_chain_lists_every_source_when_nothing_is_found() {
    let env = |k: &str| (k == "AWS_EC2_METADATA_DISABLED").then(|| "true".to_owned());
    let loaded = Loaded {
        profiles: ProfileSet::default(),
        profile: "default".to_owned(),
        config: ClientConfig::new("us-east-1"),
        disk_cache: None,
    };
    let chain = DefaultChain::new(&env, &loaded, None);
    let e = chain.provide_credentials().unwrap_err();
    let text = e.to_string();
    for source in [
        "environment:",
        "profile:",
        "web identity:",
        "container:",
        "instance metadata:",
    ] {
        assert!(text.contains(source), "{source} missing from {text}");
    }
    assert_eq!(e.kind(), ErrorKind::Credentials);
}

#[test]
fn default_chain_moves_past_an_instance_metadata_service_that_is_not_there() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let endpoint = format!("http://127.0.0.1:{port}");
    let env = |k: &str| (k == "AWS_EC2_METADATA_SERVICE_ENDPOINT").then(|| endpoint.clone());
    let loaded = Loaded {
        profiles: ProfileSet::default(),
        profile: "default".to_owned(),
        config: ClientConfig::new("us-east-1"),
        disk_cache: None,
    };
    let e = DefaultChain::new(&env, &loaded, None)
        .provide_credentials()
        .unwrap_err();
    let text = e.to_string();
    assert!(text.starts_with("no credentials found ("), "{text}");
    assert!(
        text.contains("instance metadata: the instance metadata service could not be reached"),
        "{text}"
    );
}

#[test]
fn default_chain_prefers_environment_then_profile() {
    let env: BTreeMap<&str, String> = [
        ("AWS_ACCESS_KEY_ID", "AKIDFROMENV000000001".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "env-secret".to_owned()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
    ]
    .into();
    let profiles = ProfileSet::parse(
        "",
        "[default]\naws_access_key_id = AKIDFROMFILE00000001\naws_secret_access_key = s\n",
    )
    .unwrap();
    let loaded = Loaded {
        profiles,
        profile: "default".to_owned(),
        config: ClientConfig::new("us-east-1"),
        disk_cache: None,
    };
    let get = |k: &str| env.get(k).cloned();
    let c = DefaultChain::new(&get, &loaded, None)
        .provide_credentials()
        .unwrap();
    assert_eq!(c.access_key_id(), "AKIDFROMENV000000001");
    let no_env = |k: &str| (k == "AWS_EC2_METADATA_DISABLED").then(|| "true".to_owned());
    let c = DefaultChain::new(&no_env, &loaded, None)
        .provide_credentials()
        .unwrap();
    assert_eq!(c.access_key_id(), "AKIDFROMFILE00000001");
    // A profile that is set up but broken is the answer, not skipped.
    let looped = ProfileSet::parse("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n", "").unwrap();
    let loaded = Loaded {
        profiles: looped,
        profile: "a".to_owned(),
        config: ClientConfig::new("us-east-1"),
        disk_cache: None,
    };
    let e = DefaultChain::new(&no_env, &loaded, None)
        .provide_credentials()
        .unwrap_err();
    assert!(e.to_string().contains("infinite loop"), "{e}");
}

#[test]
fn disk_cache_lets_a_second_run_skip_sts_and_the_mfa_prompt() {
    use tinysts::credentials::DiskCache;
    let (url, seen) = sts_server();
    let dir = std::env::temp_dir().join(format!("tinysts-disk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config_file = format!(
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\nregion = us-east-1\nendpoint_url = {url}\n[profile base]\naws_access_key_id = AKIDBASEEXAMPLE00001\naws_secret_access_key = base-secret\n"
    );
    let profiles = ProfileSet::parse(&config_file, "").unwrap();
    let env = |_: &str| None;
    let config = client_config(&env, &profiles, "dev").unwrap();
    let asked = Arc::new(Mutex::new(0));
    let count = Arc::clone(&asked);
    let mfa: MfaCallback = Arc::new(move |_: &str| {
        *count.lock().unwrap() += 1;
        Ok("654321".to_owned())
    });
    let cache = DiskCache::new(&dir);
    // First run: one STS call, one prompt, one file written 0600.
    let first =
        ProfileProvider::new(&env, &profiles, "dev", &config, Some(&mfa), Some(&cache)).unwrap();
    let a = first.provide_credentials().unwrap();
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // A second "run" (a new provider): served from disk.
    let second =
        ProfileProvider::new(&env, &profiles, "dev", &config, Some(&mfa), Some(&cache)).unwrap();
    let b = second.provide_credentials().unwrap();
    assert_eq!(a, b);
    assert_eq!(*asked.lock().unwrap(), 1);
    assert_eq!(seen.lock().unwrap().len(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sixteen_threads_cause_one_assume_role_call() {
    use tinysts::Credentials;
    use tinysts::credentials::profile::RoleLink;
    use tinysts::credentials::{AssumeRoleProvider, CachingProvider};
    let (url, seen) = sts_server();
    let mut config = ClientConfig::new("us-east-1");
    config.endpoint_url = Some(url);
    // A RoleLink as a profile would give it.
    let profiles = ProfileSet::parse(
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/shared\nsource_profile = r\naws_access_key_id = AKIDSHAREDEXAMPLE001\naws_secret_access_key = s\n",
        "",
    )
    .unwrap();
    let chain = tinysts::credentials::profile::resolve_chain(
        profiles.profiles(),
        profiles.sso_sessions(),
        "r",
    )
    .unwrap();
    let link: RoleLink = chain.roles[0].clone();
    let source = Arc::new(Credentials::new("AKIDSHAREDEXAMPLE001", "s", None, None));
    let provider = Arc::new(CachingProvider::wrap(Arc::new(AssumeRoleProvider::new(
        source, config, link, None,
    ))));
    thread::scope(|s| {
        for _ in 0..16 {
            let p = Arc::clone(&provider);
            s.spawn(move || {
                for _ in 0..50 {
                    p.provide_credentials().unwrap();
                }
            });
        }
    });
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "exactly one STS call for 800 requests"
    );
}
