//! EKS tokens and Vault login data: decoded and checked against botocore's presigned URLs
//! (tests/data/sigv4/sts-botocore/get-presign-*-k8s) and by recomputing every signature with an
//! independent `SigV4` verifier written here from the spec (hmac + sha2 only).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::format_push_string
)]

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use tinysts::Credentials;
use tinysts::endpoint::{Endpoint, EndpointParams, resolve};
use tinysts::presign;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sigv4/sts-botocore");
    let mut dirs: Vec<PathBuf> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().ends_with("-k8s"))
        .collect();
    dirs.sort();
    dirs
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(data.as_bytes());
    m.finalize().into_bytes().to_vec()
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn signature(secret: &str, date: &str, region: &str, string_to_sign: &str) -> String {
    let k = hmac(format!("AWS4{secret}").as_bytes(), date);
    let k = hmac(&k, region);
    let k = hmac(&k, "sts");
    let k = hmac(&k, "aws4_request");
    hex::encode(hmac(&k, string_to_sign))
}

fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .find_map(|p| p.strip_prefix(name).and_then(|r| r.strip_prefix('=')))
}

fn pct_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Verifies a presigned GET URL whose signed headers are `host` plus `extra`; returns the
/// canonical request.
fn verify_presigned(url: &str, secret: &str, extra: &[(&str, &str)]) -> String {
    let rest = url.split_once("://").unwrap().1;
    let (authority, target) = rest.split_at(rest.find('/').unwrap());
    let (path, query) = target.split_once('?').unwrap();
    let sig = query_param(query, "X-Amz-Signature").unwrap();
    let mut params: Vec<&str> = query
        .split('&')
        .filter(|p| !p.starts_with("X-Amz-Signature="))
        .collect();
    params.sort_unstable();
    let credential = pct_decode(query_param(query, "X-Amz-Credential").unwrap());
    let scope: Vec<&str> = credential.split('/').collect();
    let amz_date = query_param(query, "X-Amz-Date").unwrap();
    let mut headers = vec![("host".to_owned(), authority.to_owned())];
    headers.extend(
        extra
            .iter()
            .map(|(n, v)| (n.to_lowercase(), (*v).to_owned())),
    );
    headers.sort();
    let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        pct_decode(query_param(query, "X-Amz-SignedHeaders").unwrap()),
        names.join(";")
    );
    let mut creq = format!("GET\n{path}\n{}\n", params.join("&"));
    for (n, v) in &headers {
        creq.push_str(&format!("{n}:{v}\n"));
    }
    creq.push_str(&format!("\n{}\n{}", names.join(";"), sha256_hex(b"")));
    let sts = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{}/{}/sts/aws4_request\n{}",
        scope[1],
        scope[2],
        sha256_hex(creq.as_bytes())
    );
    assert_eq!(sig, signature(secret, scope[1], scope[2], &sts), "{url}");
    creq
}

fn parse_time(ts: &str) -> SystemTime {
    let t =
        time::OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339).unwrap();
    UNIX_EPOCH + Duration::from_secs(u64::try_from(t.unix_timestamp()).unwrap())
}

#[test]
fn eks_tokens_carry_botocores_presigned_urls() {
    let dirs = cases();
    assert_eq!(dirs.len(), 5, "five k8s presign vectors");
    let mut eks_tokens = 0;
    for dir in dirs {
        let ctx: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(dir.join("context.json")).unwrap()).unwrap();
        let request = fs::read_to_string(dir.join("request.txt")).unwrap();
        let host = request
            .lines()
            .find_map(|l| l.strip_prefix("Host:"))
            .unwrap()
            .trim();
        let cluster = request
            .lines()
            .find_map(|l| l.strip_prefix("x-k8s-aws-id:"))
            .unwrap()
            .trim();
        let c = &ctx["credentials"];
        let creds = Credentials::new(
            c["access_key_id"].as_str().unwrap(),
            c["secret_access_key"].as_str().unwrap(),
            c["token"].as_str().map(str::to_owned),
            None,
        );
        let endpoint = Endpoint {
            url: format!("https://{host}"),
            signing_region: ctx["region"].as_str().unwrap().to_owned(),
            signing_name: "sts".to_owned(),
        };
        let now = parse_time(ctx["timestamp"].as_str().unwrap());
        let expires = ctx["expiration_in_seconds"].as_u64().unwrap();
        let url = if expires == 60 {
            // An EKS token proper: decode it.
            let token = presign::eks_token(&creds, &endpoint, cluster, now).unwrap();
            let encoded = token.token().strip_prefix("k8s-aws-v1.").unwrap();
            assert!(
                encoded
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "unpadded base64url"
            );
            eks_tokens += 1;
            presign::eks_token_url(token.token()).unwrap()
        } else {
            // Same header, another expiry: the general presigning API.
            presign::caller_identity_url(
                &creds,
                &endpoint,
                now,
                Duration::from_secs(expires),
                &[("x-k8s-aws-id", cluster)],
            )
            .unwrap()
        };
        let signed = fs::read_to_string(dir.join("query-signed-request.txt")).unwrap();
        let target = signed
            .lines()
            .next()
            .unwrap()
            .strip_prefix("GET ")
            .unwrap()
            .strip_suffix(" HTTP/1.1")
            .unwrap();
        // Byte for byte what botocore presigns, parameter order included.
        assert_eq!(url, format!("https://{host}{target}"), "{}", dir.display());
        let creq = verify_presigned(
            &url,
            c["secret_access_key"].as_str().unwrap(),
            &[("x-k8s-aws-id", cluster)],
        );
        let want_creq = fs::read_to_string(dir.join("query-canonical-request.txt")).unwrap();
        assert_eq!(creq, want_creq, "{}", dir.display());
    }
    assert!(eks_tokens >= 3, "{eks_tokens} vectors with a 60 s expiry");
}

#[test]
fn golden_token_layout() {
    let creds = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("IQoJb3JpZ2luX2Vj/+=".to_owned()),
        None,
    );
    let endpoint = resolve(&EndpointParams::new("eu-west-1")).unwrap();
    // 2024-05-01T12:00:00Z
    let now = UNIX_EPOCH + Duration::from_secs(1_714_564_800);
    let token = presign::eks_token(&creds, &endpoint, "prod-cluster", now).unwrap();
    assert!(
        token
            .token()
            .starts_with("k8s-aws-v1.aHR0cHM6Ly9zdHMuZXUtd2VzdC0xLmFtYXpvbmF3cy5jb20v")
    );
    assert!(!token.token().contains('='));
    let url = presign::eks_token_url(token.token()).unwrap();
    let (base, query) = url.split_once('?').unwrap();
    assert_eq!(base, "https://sts.eu-west-1.amazonaws.com/");
    let names: Vec<&str> = query
        .split('&')
        .map(|p| p.split_once('=').unwrap().0)
        .collect();
    assert_eq!(
        names,
        [
            "Action",
            "Version",
            "X-Amz-Algorithm",
            "X-Amz-Credential",
            "X-Amz-Date",
            "X-Amz-Expires",
            "X-Amz-SignedHeaders",
            "X-Amz-Security-Token",
            "X-Amz-Signature"
        ]
    );
    assert!(query.starts_with(
        "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&\
         X-Amz-Credential=AKIDEXAMPLE%2F20240501%2Feu-west-1%2Fsts%2Faws4_request&\
         X-Amz-Date=20240501T120000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&\
         X-Amz-Security-Token=IQoJb3JpZ2luX2Vj%2F%2B%3D&X-Amz-Signature="
    ));
    verify_presigned(
        &url,
        creds.secret_access_key(),
        &[("x-k8s-aws-id", "prod-cluster")],
    );
    assert!(
        token
            .exec_credential_json()
            .contains("\"expirationTimestamp\": \"2024-05-01T12:14:00Z\"")
    );
    // A different cluster name changes the signature: the header is signed.
    let other = presign::eks_token(&creds, &endpoint, "dev-cluster", now).unwrap();
    assert_ne!(
        query_param(&url, "X-Amz-Signature"),
        query_param(
            &presign::eks_token_url(other.token()).unwrap(),
            "X-Amz-Signature"
        )
    );
}

#[test]
fn caller_identity_url_signs_extra_headers_and_expiry() {
    let creds = Credentials::new("AKIDEXAMPLE", "secret", None, None);
    let endpoint = resolve(&EndpointParams::new("us-east-2")).unwrap();
    let now = UNIX_EPOCH + Duration::from_secs(1_714_564_800);
    let url = presign::caller_identity_url(
        &creds,
        &endpoint,
        now,
        Duration::from_secs(900),
        &[("X-Custom", "v1")],
    )
    .unwrap();
    assert!(url.starts_with("https://sts.us-east-2.amazonaws.com/?Action=GetCallerIdentity"));
    assert!(url.contains("&X-Amz-Expires=900&"));
    assert!(url.contains("&X-Amz-SignedHeaders=host%3Bx-custom&"));
    assert!(!url.contains("X-Amz-Security-Token"));
    verify_presigned(&url, "secret", &[("x-custom", "v1")]);
    assert!(
        presign::caller_identity_url(&creds, &endpoint, now, Duration::from_secs(604_801), &[])
            .is_err()
    );
}

#[test]
fn eks_token_url_rejects_foreign_tokens() {
    assert_eq!(presign::eks_token_url("k8s-aws-v2.aGk"), None);
    assert_eq!(presign::eks_token_url("k8s-aws-v1.a!b"), None);
    assert_eq!(
        presign::eks_token_url("k8s-aws-v1.aGk").as_deref(),
        Some("hi")
    );
}

fn b64decode(s: &str) -> String {
    // Standard alphabet with padding, decoded independently of the crate.
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    assert_eq!(s.len() % 4, 0, "padded");
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.trim_end_matches('=').bytes() {
        acc = (acc << 6) | u32::try_from(A.iter().position(|&a| a == c).unwrap()).unwrap();
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap());
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn vault_login_data_decodes_and_verifies() {
    let creds = Credentials::new(
        "ASIAEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("FwoGZXIvYXdzE/+=".to_owned()),
        None,
    );
    let mut p = EndpointParams::new("us-east-1");
    p.use_global_endpoint = true;
    let endpoint = resolve(&p).unwrap();
    let now = UNIX_EPOCH + Duration::from_secs(1_714_564_800);
    for server_id in [None, Some("vault.example.com")] {
        let data = presign::vault_login_data(&creds, &endpoint, now, server_id).unwrap();
        let json: serde_json::Value = serde_json::from_str(&data.to_json()).unwrap();
        let obj = json.as_object().unwrap();
        assert_eq!(
            obj.keys().collect::<Vec<_>>(),
            [
                "iam_http_request_method",
                "iam_request_url",
                "iam_request_body",
                "iam_request_headers"
            ]
        );
        assert_eq!(json["iam_http_request_method"], "POST");
        let url = b64decode(json["iam_request_url"].as_str().unwrap());
        assert_eq!(url, "https://sts.amazonaws.com/");
        let body = b64decode(json["iam_request_body"].as_str().unwrap());
        assert_eq!(body, "Action=GetCallerIdentity&Version=2011-06-15");
        let headers: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&b64decode(json["iam_request_headers"].as_str().unwrap()))
                .unwrap();
        let one = |name: &str| {
            let values = headers[name].as_array().unwrap();
            assert_eq!(values.len(), 1);
            values[0].as_str().unwrap().to_owned()
        };
        assert_eq!(one("X-Amz-Date"), "20240501T120000Z");
        assert_eq!(one("X-Amz-Security-Token"), "FwoGZXIvYXdzE/+=");
        // Recompute the header signature from what Vault receives.
        let mut signed: Vec<(String, String)> = headers
            .keys()
            .filter(|k| *k != "Authorization")
            .map(|k| (k.to_lowercase(), one(k)))
            .collect();
        signed.sort();
        let names: Vec<&str> = signed.iter().map(|(n, _)| n.as_str()).collect();
        let mut creq = "POST\n/\n\n".to_owned();
        for (n, v) in &signed {
            creq.push_str(&format!("{n}:{v}\n"));
        }
        creq.push_str(&format!(
            "\n{}\n{}",
            names.join(";"),
            sha256_hex(body.as_bytes())
        ));
        let sts = format!(
            "AWS4-HMAC-SHA256\n20240501T120000Z\n20240501/us-east-1/sts/aws4_request\n{}",
            sha256_hex(creq.as_bytes())
        );
        let sig = signature(creds.secret_access_key(), "20240501", "us-east-1", &sts);
        assert_eq!(
            one("Authorization"),
            format!(
                "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20240501/us-east-1/sts/aws4_request, \
                 SignedHeaders={}, Signature={sig}",
                names.join(";")
            )
        );
        match server_id {
            Some(id) => {
                assert_eq!(one("X-Vault-Aws-Iam-Server-Id"), id);
                assert!(names.contains(&"x-vault-aws-iam-server-id"));
            }
            None => assert!(!headers.contains_key("X-Vault-Aws-Iam-Server-Id")),
        }
    }
}
