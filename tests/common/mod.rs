//! Shared test helpers: locating or starting moto's server on 127.0.0.1.
#![allow(
    dead_code,
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::doc_markdown
)]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
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
