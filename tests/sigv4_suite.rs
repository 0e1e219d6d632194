//! Runs every `SigV4` vector under `tests/data/sigv4/` (or under `$SIGV4_SUITE_DIR`): the
//! aws-c-auth layout (`context.json`, `request.txt`, `header-*` / `query-*` expectations) and the
//! original AWS suite layout of botocore (`<name>.req`, `.creq`, `.sts`, `.authz`).
//!
//! Prints `sigv4 suite: N cases, M signatures checked, F failed`.
#![allow(clippy::too_many_lines)]
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tinysts::Credentials;
use tinysts::sigv4::{
    self, Mode, PayloadHash, SessionTokenMode, SignableRequest, SigningParams, SigningSettings,
};

/// A request parsed from `request.txt` / `.req` the way aws-c-auth's runner parses it.
struct RawRequest {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn parse_request(bytes: &[u8]) -> RawRequest {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = match text.find("\n\n") {
        Some(i) => (&text[..i], text[i + 2..].as_bytes().to_vec()),
        None => (text.trim_end_matches('\n'), Vec::new()),
    };
    let mut lines = head.split('\n');
    let first = lines.next().expect("request line");
    let (method, rest) = first.split_once(' ').expect("method");
    let target = rest.strip_suffix(" HTTP/1.1").expect("HTTP/1.1").to_owned();
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            // obs-fold: the value continues with the line break and the continuation line.
            let last = headers.last_mut().expect("continuation after a header");
            last.1.push('\n');
            last.1.push_str(line);
        } else {
            let (n, v) = line.split_once(':').expect("header colon");
            headers.push((n.to_owned(), v.to_owned()));
        }
    }
    RawRequest {
        method: method.to_owned(),
        target,
        headers,
        body,
    }
}

fn parse_time(s: &str) -> SystemTime {
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .expect("timestamp");
    SystemTime::from(t)
}

fn read(path: &Path) -> Option<String> {
    fs::read(path)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

#[derive(Default)]
struct Tally {
    cases: usize,
    signatures: usize,
    failures: Vec<String>,
}

impl Tally {
    fn check(&mut self, case: &str, what: &str, got: &str, want: &str) {
        if got != want {
            self.failures.push(format!(
                "{case}: {what}\n--- got\n{got}\n--- want\n{want}\n"
            ));
        }
    }
}

fn run_aws_c_auth_case(dir: &Path, tally: &mut Tally) {
    let name = dir.display().to_string();
    let ctx: serde_json::Value =
        serde_json::from_str(&read(&dir.join("context.json")).expect("context")).expect("json");
    let raw = parse_request(&fs::read(dir.join("request.txt")).expect("request.txt"));
    let c = &ctx["credentials"];
    let creds = Credentials::new(
        c["access_key_id"].as_str().expect("akid"),
        c["secret_access_key"].as_str().expect("secret"),
        c["token"].as_str().map(str::to_owned),
        None,
    );
    let flag = |k: &str| ctx[k].as_bool().unwrap_or(false);
    let payload = if flag("sign_body") {
        PayloadHash::SignedHeader
    } else if flag("hash_body") {
        PayloadHash::Body
    } else {
        PayloadHash::Empty
    };
    let mut settings = SigningSettings::default();
    settings.normalize_path = ctx["normalize"].as_bool().unwrap_or(true);
    settings.payload = payload;
    settings.session_token = if flag("omit_session_token") {
        SessionTokenMode::AfterSigning
    } else {
        SessionTokenMode::Sign
    };
    let params = SigningParams {
        credentials: &creds,
        region: ctx["region"].as_str().expect("region"),
        service: ctx["service"].as_str().expect("service"),
        time: parse_time(ctx["timestamp"].as_str().expect("timestamp")),
        settings,
    };
    let headers: Vec<(&str, &str)> = raw
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let req = SignableRequest {
        method: &raw.method,
        uri: &raw.target,
        headers: &headers,
        body: &raw.body,
    };
    tally.cases += 1;

    if let Some(want_creq) = read(&dir.join("header-canonical-request.txt")) {
        let creq = sigv4::canonical_request(&req, &params, Mode::Header).expect("creq");
        tally.check(&name, "header canonical request", &creq, &want_creq);
        if let Some(want) = read(&dir.join("header-string-to-sign.txt")) {
            let sts = sigv4::string_to_sign(&req, &params, Mode::Header).expect("sts");
            tally.check(&name, "header string to sign", &sts, &want);
        }
        let want_sig = read(&dir.join("header-signature.txt")).expect("header-signature");
        let cold = sigv4::sign(&req, &params).expect("sign");
        let warm = sigv4::Signer::new().sign(&req, &params).expect("sign warm");
        tally.check(&name, "header signature", cold.signature(), want_sig.trim());
        tally.check(
            &name,
            "header signature (cached key)",
            warm.signature(),
            want_sig.trim(),
        );
        if let Some(signed) = read(&dir.join("header-signed-request.txt")) {
            let want_auth = signed
                .lines()
                .find_map(|l| l.strip_prefix("Authorization:"))
                .map(str::trim)
                .expect("Authorization line");
            tally.check(
                &name,
                "authorization header",
                cold.authorization(),
                want_auth,
            );
        }
        tally.signatures += 1;
    }

    if let Some(want_creq) = read(&dir.join("query-canonical-request.txt")) {
        let expires_in =
            Duration::from_secs(ctx["expiration_in_seconds"].as_u64().expect("expiration"));
        let mode = Mode::Query { expires_in };
        let creq = sigv4::canonical_request(&req, &params, mode).expect("query creq");
        tally.check(&name, "query canonical request", &creq, &want_creq);
        if let Some(want) = read(&dir.join("query-string-to-sign.txt")) {
            let sts = sigv4::string_to_sign(&req, &params, mode).expect("query sts");
            tally.check(&name, "query string to sign", &sts, &want);
        }
        let want_sig = read(&dir.join("query-signature.txt")).expect("query-signature");
        let presigned = sigv4::Signer::new()
            .presign(&req, &params, expires_in)
            .expect("presign");
        tally.check(
            &name,
            "query signature",
            presigned.signature(),
            want_sig.trim(),
        );
        if let Some(signed) = read(&dir.join("query-signed-request.txt")) {
            let line = signed.lines().next().unwrap_or_default();
            let target = line
                .split_once(' ')
                .and_then(|(_, t)| t.strip_suffix(" HTTP/1.1"))
                .unwrap_or_default();
            // Same parameters (order may differ between SDKs), same signature.
            let mut got: Vec<&str> = presigned.uri().split(['?', '&']).collect();
            let mut want: Vec<&str> = target.split(['?', '&']).collect();
            got.sort_unstable();
            want.sort_unstable();
            tally.check(&name, "presigned target", &got.join("\n"), &want.join("\n"));
        }
        tally.signatures += 1;
    }
}

/// The original AWS suite: fixed inputs, header mode only, the request already carries
/// `X-Amz-Date`.
fn run_botocore_case(dir: &Path, stem: &str, tally: &mut Tally) {
    let name = dir.display().to_string();
    let file = |ext: &str| dir.join(format!("{stem}.{ext}"));
    let raw = parse_request(&fs::read(file("req")).expect(".req"));
    let want_creq = read(&file("creq")).expect(".creq");
    let token = want_creq
        .lines()
        .find_map(|l| l.strip_prefix("x-amz-security-token:"))
        .filter(|_| {
            !raw.headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("x-amz-security-token"))
        })
        .map(str::to_owned);
    let creds = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        token,
        None,
    );
    let params = SigningParams {
        credentials: &creds,
        region: "us-east-1",
        service: "service",
        time: parse_time("2015-08-30T12:36:00Z"),
        settings: SigningSettings::default(),
    };
    let headers: Vec<(&str, &str)> = raw
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let req = SignableRequest {
        method: &raw.method,
        uri: &raw.target,
        headers: &headers,
        body: &raw.body,
    };
    tally.cases += 1;
    let creq = sigv4::canonical_request(&req, &params, Mode::Header).expect("creq");
    tally.check(&name, "canonical request", &creq, &want_creq);
    let sts = sigv4::string_to_sign(&req, &params, Mode::Header).expect("sts");
    tally.check(
        &name,
        "string to sign",
        &sts,
        &read(&file("sts")).expect(".sts"),
    );
    let authz = read(&file("authz")).expect(".authz");
    let want_sig = authz.rsplit("Signature=").next().unwrap_or_default().trim();
    let signed = sigv4::Signer::new().sign(&req, &params).expect("sign");
    tally.check(&name, "signature", signed.signature(), want_sig);
    tally.check(&name, "authorization", signed.authorization(), authz.trim());
    tally.signatures += 1;
}

fn walk(dir: &Path, tally: &mut Tally) {
    let mut entries: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(_) => return,
    };
    entries.sort();
    if dir.join("context.json").is_file() && dir.join("request.txt").is_file() {
        run_aws_c_auth_case(dir, tally);
    }
    for path in &entries {
        if path.extension().is_some_and(|e| e == "req") {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            run_botocore_case(dir, stem, tally);
        }
    }
    for path in entries {
        if path.is_dir() {
            walk(&path, tally);
        }
    }
}

#[test]
fn sigv4_suite() {
    let root = std::env::var_os("SIGV4_SUITE_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sigv4"),
        PathBuf::from,
    );
    let mut tally = Tally::default();
    walk(&root, &mut tally);
    let failed_cases: std::collections::BTreeSet<&str> = tally
        .failures
        .iter()
        .map(|f| f.split(':').next().unwrap_or_default())
        .collect();
    println!(
        "sigv4 suite: {} cases, {} signatures checked, {} failed",
        tally.cases,
        tally.signatures,
        failed_cases.len()
    );
    for f in &tally.failures {
        eprintln!("{f}");
    }
    assert!(
        tally.cases > 0,
        "no sigv4 cases found under {}",
        root.display()
    );
    assert!(
        tally.failures.is_empty(),
        "{} checks failed",
        tally.failures.len()
    );
}
