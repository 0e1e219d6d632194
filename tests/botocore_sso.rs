//! tinysts and botocore (the AWS CLI's library, from `.venv`) share the SSO token cache both
//! ways: each reads a token the other refreshed and wrote, neither refreshes a token that has
//! an hour left, and both refresh one near expiry with the same `CreateToken` request. A
//! loopback server plays the SSO portal and SSO OIDC for both.
//!
//! Needs `.venv/bin/python` with botocore (`.ci/run` installs it). Without it the test prints
//! one line and passes, unless `TINYSTS_REQUIRE_MOTO=1`.
// Test code: a failed expectation panics.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tinysts::client::ClientConfig;
use tinysts::credentials::profile::ProfileSet;
use tinysts::credentials::{ProfileProvider, ProvideCredentials};

mod common;
use common::{Seen, rfc3339_in, server, sso_env};

const CONFIG: &str = "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\n\
    sso_role_name = Dev\nregion = us-east-1\n\
    [sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\n";

/// The AWS CLI's cache file for session `corp`: SHA-1 of the session name.
fn cache_file(home: &Path) -> PathBuf {
    home.join(".aws/sso/cache")
        .join("ee0bfd2552fbd840c02cc48b6e823320543c450f.json")
}

/// Credentials as botocore resolves them for profile `dev`.
fn botocore_credentials(python: &Path, home: &Path, url: &str) -> String {
    let script = "import botocore.session, json\n\
        c = botocore.session.Session(profile='dev').get_credentials().get_frozen_credentials()\n\
        print(c.access_key)\n";
    let out = Command::new(python)
        .args(["-c", script])
        .env_clear()
        .env("HOME", home)
        .env("AWS_ENDPOINT_URL_SSO", url)
        .env("AWS_ENDPOINT_URL_SSO_OIDC", url)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "botocore: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn sso_token_cache_is_shared_with_botocore() {
    let required = std::env::var("TINYSTS_REQUIRE_MOTO").is_ok_and(|v| v == "1");
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    if !python.is_file() {
        let why = "botocore sso: .venv/bin/python not found, skipping";
        assert!(!required, "TINYSTS_REQUIRE_MOTO=1 but {why}");
        println!("{why}");
        return;
    }
    // The portal names the token it was given in the access key id, so each side's answer
    // shows which token it used; CreateToken hands out fresh-1, fresh-2, ...
    let issued = Arc::new(Mutex::new(0u32));
    let counter = Arc::clone(&issued);
    let (url, seen) = server(Arc::new(move |r: &Seen| {
        if r.method == "POST" && r.path == "/token" {
            let mut n = counter.lock().unwrap();
            *n += 1;
            let body = json!({"accessToken": format!("fresh-{n}"), "expiresIn": 3600,
                              "refreshToken": format!("refresh-{n}"), "tokenType": "Bearer"});
            return (200, body.to_string());
        }
        let token = r
            .headers
            .get("x-amz-sso_bearer_token")
            .cloned()
            .unwrap_or_default();
        let expiration = (SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 3600)
            * 1000;
        let body = json!({"roleCredentials": {"accessKeyId": format!("ASIA-{token}"),
            "secretAccessKey": "secret", "sessionToken": "session", "expiration": expiration}});
        (200, body.to_string())
    }));

    let home = std::env::temp_dir().join(format!("tinysts-botocore-sso-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(home.join(".aws/sso/cache")).unwrap();
    std::fs::write(home.join(".aws/config"), CONFIG).unwrap();
    let file = cache_file(&home);
    let near_expiry = json!({
        "startUrl": "https://corp.awsapps.com/start", "region": "us-east-1",
        "accessToken": "old", "expiresAt": rfc3339_in(300),
        "clientId": "client", "clientSecret": "client-secret",
        "registrationExpiresAt": rfc3339_in(86_400), "refreshToken": "refresh-0",
    });
    let env = sso_env(&home, &url);
    let get = |k: &str| env.get(k).cloned();
    let profiles = ProfileSet::parse(CONFIG, "").unwrap();
    let tinysts = || {
        ProfileProvider::new(
            &get,
            &profiles,
            "dev",
            &ClientConfig::new("us-east-1"),
            None,
            None,
        )
        .unwrap()
        .provide_credentials()
        .unwrap()
        .access_key_id()
        .to_owned()
    };
    let posts = || -> Vec<Value> {
        seen.lock()
            .unwrap()
            .iter()
            .filter(|r| r.method == "POST")
            .map(|r| serde_json::from_str(&r.body).unwrap())
            .collect()
    };

    // tinysts refreshes the token near expiry and writes the cache; botocore then reads it
    // as it is (an hour left: no refresh of its own).
    std::fs::write(&file, near_expiry.to_string()).unwrap();
    assert_eq!(tinysts(), "ASIA-fresh-1");
    assert_eq!(botocore_credentials(&python, &home, &url), "ASIA-fresh-1");
    assert_eq!(posts().len(), 1, "botocore did not refresh tinysts's token");

    // botocore refreshes the same near-expiry token, with the request tinysts sent; tinysts
    // then reads the cache botocore wrote.
    std::fs::write(&file, near_expiry.to_string()).unwrap();
    assert_eq!(botocore_credentials(&python, &home, &url), "ASIA-fresh-2");
    let posts = posts();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0], posts[1], "the same CreateToken request from both");
    assert_eq!(posts[0]["grantType"], "refresh_token");
    assert_eq!(posts[0]["refreshToken"], "refresh-0");
    assert_eq!(tinysts(), "ASIA-fresh-2");
    assert_eq!(
        *issued.lock().unwrap(),
        2,
        "tinysts did not refresh botocore's token"
    );
    println!("botocore sso: token cache shared both ways, same CreateToken request");
    std::fs::remove_dir_all(home).unwrap();
}
