//! The four operations moto lacks (AssumeRoot, DecodeAuthorizationMessage,
//! GetDelegatedAccessToken, GetWebIdentityToken), sent to a loopback server on 127.0.0.1 that
//! recomputes the signature of what it received with the known test key, checks the form
//! body, and answers with the operation's fixture. Also: error answers, unsigned requests and
//! the user agent.
// Test code: a failed expectation panics; the server parses what the client sent by hand.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::doc_markdown
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::thread;
use std::time::SystemTime;

use tinysts::client::{Client, ClientConfig, USER_AGENT};
use tinysts::sigv4::{self, SignableRequest, SigningParams, SigningSettings};
use tinysts::{
    AssumeRoleWithWebIdentityRequest, AssumeRootRequest, Credentials,
    DecodeAuthorizationMessageRequest, ErrorCode, ErrorKind, GetDelegatedAccessTokenRequest,
    GetWebIdentityTokenRequest,
};

const AKID: &str = "ASIAQEXAMPLEKEY12345";
const SECRET: &str = "loopback/secret+key/EXAMPLE0123456789abcd";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLE//token+value==";

/// What the server received.
struct Received {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/responses")
        .join(name);
    std::fs::read_to_string(path).expect("fixture")
}

/// Serves one request: returns the server's URL and a handle yielding what it received.
fn serve_once(status: u16, body: String) -> (String, thread::JoinHandle<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let handle = thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut line = String::new();
        reader.read_line(&mut line).expect("request line");
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap().to_owned();
        let target = parts.next().unwrap().to_owned();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            reader.read_line(&mut h).expect("header");
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (n, v) = h.split_once(':').unwrap();
            headers.push((n.to_owned(), v.trim().to_owned()));
        }
        let len: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .map_or(0, |(_, v)| v.parse().unwrap());
        let mut buf = vec![0; len];
        reader.read_exact(&mut buf).expect("body");
        let mut stream = stream;
        write!(
            stream,
            "HTTP/1.1 {status} X\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("respond");
        Received {
            method,
            target,
            headers,
            body: String::from_utf8(buf).unwrap(),
        }
    });
    (url, handle)
}

fn client(url: &str) -> Client {
    let mut config = ClientConfig::new("eu-west-1");
    config.endpoint_url = Some(url.to_owned());
    config.max_attempts = 1;
    let creds = Credentials::new(AKID, SECRET, Some(TOKEN.to_owned()), None);
    Client::with_config(config, Arc::new(creds)).expect("client")
}

/// Recomputes the signature of the received request with the known key and compares it.
fn check_signature(r: &Received) {
    let auth = r.header("authorization").expect("signed request");
    let amz_date = r.header("x-amz-date").expect("x-amz-date");
    assert_eq!(r.header("x-amz-security-token"), Some(TOKEN));
    let signed_names: Vec<&str> = auth
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .unwrap()
        .split(';')
        .collect();
    assert_eq!(
        signed_names,
        ["content-type", "host", "x-amz-date", "x-amz-security-token"]
    );
    let headers: Vec<(&str, &str)> = signed_names
        .iter()
        .map(|n| (*n, r.header(n).unwrap()))
        .collect();
    let time = time::PrimitiveDateTime::parse(
        amz_date,
        &time::macros::format_description!("[year][month][day]T[hour][minute][second]Z"),
    )
    .map(|t| SystemTime::from(t.assume_utc()))
    .expect("date");
    let creds = Credentials::new(AKID, SECRET, Some(TOKEN.to_owned()), None);
    let params = SigningParams {
        credentials: &creds,
        region: "eu-west-1",
        service: "sts",
        time,
        settings: SigningSettings::default(),
    };
    let req = SignableRequest {
        method: &r.method,
        uri: &r.target,
        headers: &headers,
        body: r.body.as_bytes(),
    };
    let expected = sigv4::sign(&req, &params).expect("recompute");
    assert_eq!(auth, expected.authorization());
    assert!(auth.contains(&format!("Credential={AKID}/")));
    assert!(auth.contains("/eu-west-1/sts/aws4_request"));
}

fn check_common(r: &Received, body: &str) {
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, "/");
    assert_eq!(r.body, body);
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded; charset=utf-8")
    );
    assert_eq!(r.header("user-agent"), Some(USER_AGENT));
    check_signature(r);
}

#[test]
fn assume_root() {
    let (url, server) = serve_once(200, fixture("assume_root.xml"));
    let mut req = AssumeRootRequest::new(
        "111122223333",
        "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
    );
    req.duration_seconds = Some(900);
    let resp = client(&url).assume_root(&req).expect("AssumeRoot");
    check_common(&server.join().unwrap(), &req.to_query());
    assert!(resp.credentials.session_token().is_some());
    assert!(!resp.request_id.is_empty());
    println!("loopback AssumeRoot: ok");
}

#[test]
fn decode_authorization_message() {
    let (url, server) = serve_once(200, fixture("decode_authorization_message.xml"));
    let req = DecodeAuthorizationMessageRequest::new("EXAMPLE-encoded+message/==");
    let resp = client(&url)
        .decode_authorization_message(&req)
        .expect("Decode");
    check_common(&server.join().unwrap(), &req.to_query());
    assert!(resp.decoded_message.starts_with('{'));
    println!("loopback DecodeAuthorizationMessage: ok");
}

#[test]
fn get_delegated_access_token() {
    let (url, server) = serve_once(200, fixture("get_delegated_access_token.xml"));
    let req = GetDelegatedAccessTokenRequest::new("trade-in-token-EXAMPLE");
    let resp = client(&url)
        .get_delegated_access_token(&req)
        .expect("GetDelegatedAccessToken");
    check_common(&server.join().unwrap(), &req.to_query());
    assert!(resp.credentials.access_key_id().starts_with("ASIA"));
    println!("loopback GetDelegatedAccessToken: ok");
}

#[test]
fn get_web_identity_token() {
    let (url, server) = serve_once(200, fixture("get_web_identity_token.xml"));
    let mut req = GetWebIdentityTokenRequest::new(["https://api.example.com"], "ES384");
    req.duration_seconds = Some(300);
    let resp = client(&url)
        .get_web_identity_token(&req)
        .expect("GetWebIdentityToken");
    let received = server.join().unwrap();
    check_common(&received, &req.to_query());
    assert!(
        received
            .body
            .contains("Audience.member.1=https%3A%2F%2Fapi.example.com")
    );
    assert!(resp.web_identity_token.len() > 100);
    println!("loopback GetWebIdentityToken: ok");
}

#[test]
fn service_error_is_typed_with_status_and_request_id() {
    let (url, server) = serve_once(403, fixture("error_response.xml"));
    let req = DecodeAuthorizationMessageRequest::new("msg");
    let err = client(&url)
        .decode_authorization_message(&req)
        .expect_err("error");
    server.join().unwrap();
    assert_eq!(err.kind(), ErrorKind::Service);
    let s = err.service_error().expect("service error");
    assert_eq!(s.status(), 403);
    assert!(s.request_id().is_some());
    assert!(!matches!(s.code(), ErrorCode::Other(_)), "{:?}", s.code());
    assert!(!err.to_string().contains(SECRET) && !err.to_string().contains(TOKEN));
}

#[test]
fn unsigned_operation_carries_no_credentials() {
    let (url, server) = serve_once(200, fixture("assume_role_with_web_identity.xml"));
    let mut config = ClientConfig::new("eu-west-1");
    config.endpoint_url = Some(url);
    let anonymous = Client::anonymous(config).expect("client");
    let req = AssumeRoleWithWebIdentityRequest::new(
        "arn:aws:iam::123456789012:role/web",
        "session",
        "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
    );
    anonymous
        .assume_role_with_web_identity(&req)
        .expect("web identity");
    let r = server.join().unwrap();
    assert!(r.header("authorization").is_none());
    assert!(r.header("x-amz-security-token").is_none());
    assert_eq!(r.body, req.to_query());
    // A signed operation on an anonymous client fails before anything is sent.
    let err = anonymous
        .decode_authorization_message(&DecodeAuthorizationMessageRequest::new("m"))
        .expect_err("no credentials");
    assert_eq!(err.kind(), ErrorKind::Credentials);
}

#[test]
fn invalid_input_is_refused_before_sending() {
    // Port 9 on loopback: nothing listens, and nothing must be sent anyway.
    let c = client("http://127.0.0.1:9");
    let err = c
        .assume_root(&AssumeRootRequest::new("1", "arn:aws:iam::aws:policy/x"))
        .expect_err("invalid");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.field(), Some("TargetPrincipal"));
}
