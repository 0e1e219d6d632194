//! Shared test helpers: locating or starting moto's server on 127.0.0.1, and a loopback HTTP
//! server that records requests and answers them from a closure.
#![allow(
    dead_code,
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::doc_markdown
)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How many unauthenticated actions moto allows before it checks signatures: the four IAM
/// setup calls and the two unsigned STS calls (AssumeRoleWithSAML, AssumeRoleWithWebIdentity).
pub const MOTO_NO_AUTH_ACTIONS: u32 = 6;

/// A moto server: one given by `TINYSTS_MOTO_URL`, or one started here (killed on drop).
pub struct Moto {
    pub url: String,
    child: Option<Child>,
}

impl Drop for Moto {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn required() -> bool {
    std::env::var("TINYSTS_REQUIRE_MOTO").is_ok_and(|v| v == "1")
}

fn wait_until_up(url: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(2)))
        .build()
        .into();
    while Instant::now() < deadline {
        if agent.get(&format!("{url}/moto-api/")).call().is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}

/// The moto server to test against, or `None` (after printing why) when moto is absent and
/// not required.
pub fn moto() -> Option<Moto> {
    if let Ok(url) = std::env::var("TINYSTS_MOTO_URL") {
        return Some(Moto {
            url: url.trim_end_matches('/').to_owned(),
            child: None,
        });
    }
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server");
    if !bin.is_file() {
        let why =
            "moto: not available (no TINYSTS_MOTO_URL and no .venv/bin/moto_server), skipping";
        assert!(!required(), "TINYSTS_REQUIRE_MOTO=1 but {why}");
        println!("{why}");
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let child = Command::new(bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .env(
            "INITIAL_NO_AUTH_ACTION_COUNT",
            MOTO_NO_AUTH_ACTIONS.to_string(),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto_server");
    let moto = Moto {
        url: format!("http://127.0.0.1:{port}"),
        child: Some(child),
    };
    assert!(
        wait_until_up(&moto.url),
        "moto did not come up at {}",
        moto.url
    );
    Some(moto)
}

/// One request a [`server`] saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Lower-cased names.
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

/// Answers a request: status and body.
pub type Handler = dyn Fn(&Seen) -> (u16, String) + Send + Sync;

/// A loopback HTTP server: every request is recorded and answered by `handler`.
pub fn server(handler: Arc<Handler>) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let (handler, log) = (Arc::clone(&handler), Arc::clone(&log));
            thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut out = stream;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let mut parts = line.split_whitespace();
                    let method = parts.next().unwrap_or_default().to_owned();
                    let path = parts.next().unwrap_or_default().to_owned();
                    let mut headers = BTreeMap::new();
                    loop {
                        let mut h = String::new();
                        reader.read_line(&mut h).unwrap();
                        let h = h.trim_end();
                        if h.is_empty() {
                            break;
                        }
                        let (n, v) = h.split_once(':').unwrap();
                        headers.insert(n.to_ascii_lowercase(), v.trim().to_owned());
                    }
                    let len = headers
                        .get("content-length")
                        .map_or(0, |v| v.parse().unwrap());
                    let mut body = vec![0; len];
                    reader.read_exact(&mut body).unwrap();
                    let seen = Seen {
                        method,
                        path,
                        headers,
                        body: String::from_utf8(body).unwrap(),
                    };
                    let (status, text) = handler(&seen);
                    log.lock().unwrap().push(seen);
                    let resp = format!(
                        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\n\r\n{text}",
                        text.len()
                    );
                    if out.write_all(resp.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, seen)
}

/// The environment of an SSO test: `HOME`, and the SSO portal and SSO OIDC endpoints at `url`.
pub fn sso_env(home: &Path, url: &str) -> BTreeMap<&'static str, String> {
    [
        ("HOME", home.display().to_string()),
        ("AWS_ENDPOINT_URL_SSO", url.to_owned()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", url.to_owned()),
    ]
    .into()
}

/// An RFC 3339 UTC timestamp `secs` from now, whole seconds.
pub fn rfc3339_in(secs: i64) -> String {
    (time::OffsetDateTime::now_utc() + time::Duration::seconds(secs))
        .replace_nanosecond(0)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}
