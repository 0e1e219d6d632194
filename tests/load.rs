//! Load: 16 threads share one client for 1000 calls each against a loopback server. No
//! errors, connections reused (the server counts what it accepted), no file descriptor left
//! behind; and with a caching provider whose credentials expire during the run, exactly one
//! refresh per expiry.
// Test code: a failed expectation panics.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use tinysts::client::{Client, ClientConfig};
use tinysts::credentials::{CachingProvider, ProvideCredentials};
use tinysts::{Credentials, GetCallerIdentityRequest};

const THREADS: usize = 16;
const CALLS: usize = 1000;
const BODY: &str = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/load</Arn><UserId>AIDALOAD</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>";

/// A keep-alive server answering every request with `BODY`; returns its URL, the count of
/// accepted connections and the count of connections still open.
fn server() -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let open = Arc::new(AtomicUsize::new(0));
    let (a, o) = (Arc::clone(&accepted), Arc::clone(&open));
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            a.fetch_add(1, Ordering::SeqCst);
            o.fetch_add(1, Ordering::SeqCst);
            let o = Arc::clone(&o);
            thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut out = stream;
                'conn: loop {
                    let mut len = 0usize;
                    loop {
                        let mut line = String::new();
                        match reader.read_line(&mut line) {
                            Ok(0) | Err(_) => break 'conn,
                            Ok(_) => {}
                        }
                        if line == "\r\n" {
                            break;
                        }
                        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                            len = v.trim().parse().unwrap();
                        }
                    }
                    let mut body = vec![0; len];
                    if reader.read_exact(&mut body).is_err() {
                        break;
                    }
                    let resp = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: {}\r\n\r\n{BODY}",
                        BODY.len()
                    );
                    if out.write_all(resp.as_bytes()).is_err() {
                        break;
                    }
                }
                o.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    (url, accepted, open)
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, Iterator::count)
}

fn client(url: &str, credentials: Arc<dyn ProvideCredentials>) -> Client {
    let mut config = ClientConfig::new("us-east-1");
    config.endpoint_url = Some(url.to_owned());
    Client::with_config(config, credentials).unwrap()
}

/// One test, so that nothing else in this process opens descriptors while they are counted.
#[test]
fn load() {
    sixteen_threads_share_one_client();
    caching_provider_refreshes_once_per_expiry();
}

fn sixteen_threads_share_one_client() {
    let (url, accepted, open) = server();
    let fds_before = open_fds();
    let creds = Credentials::new("AKIALOADTEST00000001", "load-secret", None, None);
    let c = client(&url, Arc::new(creds));
    let errors = AtomicUsize::new(0);
    let start = Instant::now();
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..CALLS {
                    match c.get_caller_identity(&GetCallerIdentityRequest::new()) {
                        Ok(me) => assert_eq!(me.account, "123456789012"),
                        Err(e) => {
                            eprintln!("load error: {e}");
                            errors.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                }
            });
        }
    });
    let took = start.elapsed();
    drop(c);
    // The client's pooled connections close when it is dropped; the server sees EOF.
    let deadline = Instant::now() + Duration::from_secs(5);
    while (open.load(Ordering::SeqCst) > 0 || open_fds() > fds_before) && Instant::now() < deadline
    {
        thread::sleep(Duration::from_millis(20));
    }
    let conns = accepted.load(Ordering::SeqCst);
    println!(
        "load: {} calls in {} ms, {} errors, {conns} connections accepted, fds {} -> {}",
        THREADS * CALLS,
        took.as_millis(),
        errors.load(Ordering::SeqCst),
        fds_before,
        open_fds()
    );
    assert_eq!(errors.load(Ordering::SeqCst), 0);
    assert!(
        conns <= 2 * THREADS,
        "{conns} connections for {THREADS} threads: not reused"
    );
    assert_eq!(
        open.load(Ordering::SeqCst),
        0,
        "server connections still open"
    );
    assert!(open_fds() <= fds_before, "file descriptors left behind");
}

fn caching_provider_refreshes_once_per_expiry() {
    const ROUNDS: usize = 4;
    let (url, _, _) = server();
    let clock = Arc::new(AtomicU64::new(2_000_000_000));
    let refreshes = Arc::new(AtomicUsize::new(0));
    let (k1, k2, r) = (
        Arc::clone(&clock),
        Arc::clone(&clock),
        Arc::clone(&refreshes),
    );
    let provider = CachingProvider::new(move || {
        r.fetch_add(1, Ordering::SeqCst);
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(k1.load(Ordering::SeqCst));
        Ok(Credentials::new(
            "ASIALOADTEST00000002",
            "load-secret",
            Some("load-token".into()),
            Some(now + Duration::from_secs(3600)),
        ))
    })
    .with_clock(move || SystemTime::UNIX_EPOCH + Duration::from_secs(k2.load(Ordering::SeqCst)));
    let c = client(&url, Arc::new(provider));
    let barrier = Barrier::new(THREADS);
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for round in 0..ROUNDS {
                    for _ in 0..CALLS / ROUNDS {
                        c.get_caller_identity(&GetCallerIdentityRequest::new())
                            .unwrap();
                    }
                    // Everyone stops; one thread lets the credentials expire.
                    if barrier.wait().is_leader() && round + 1 < ROUNDS {
                        clock.fetch_add(3600, Ordering::SeqCst);
                    }
                    barrier.wait();
                }
            });
        }
    });
    println!(
        "load: {ROUNDS} credential lifetimes, {} refreshes",
        refreshes.load(Ordering::SeqCst)
    );
    assert_eq!(refreshes.load(Ordering::SeqCst), ROUNDS);
}
