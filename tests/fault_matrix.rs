//! The fault matrix: a loopback server on 127.0.0.1 misbehaves in every way the issue lists,
//! and each case must end in success after retry or in a typed error, within a bound, with no
//! panic and no secret in the error's text. Prints `case | outcome | time` per case.
// Test code: a failed expectation panics; the server is a hand-written raw HTTP peer.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::doc_markdown,
    clippy::too_many_lines
)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use tinysts::client::{Client, ClientConfig};
use tinysts::{Credentials, ErrorKind, GetCallerIdentityRequest};

const SECRET: &str = "fault/matrix+SECRET/key0123456789abcdefgh";
const TOKEN: &str = "FaultMatrixSessionTOKEN//value+==";

const OK_BODY: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/alice</Arn>
    <UserId>AIDAEXAMPLEUSERID</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"#;

/// Reads one request (head and content-length body); false when the peer closed first.
fn read_request(s: &mut TcpStream) -> bool {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => return false,
        }
    }
    let head = String::from_utf8_lossy(&buf).to_ascii_lowercase();
    let len = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).is_ok()
}

fn respond(s: &mut TcpStream, status: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/xml\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(body);
}

/// Starts a server whose `behave(n, stream)` handles the n-th connection (from 0).
fn server(behave: impl Fn(usize, TcpStream) + Send + Sync + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let behave = Arc::new(behave);
    thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(stream) = stream else { return };
            let behave = Arc::clone(&behave);
            thread::spawn(move || behave(n, stream));
        }
    });
    url
}

fn client(url: &str, timeout: Duration) -> Client {
    let mut config = ClientConfig::new("us-east-1");
    config.endpoint_url = Some(url.to_owned());
    config.timeout = timeout;
    config.connect_timeout = Duration::from_secs(1);
    config.max_response_bytes = 64 * 1024;
    let creds = Credentials::new("ASIAFAULTMATRIX00001", SECRET, Some(TOKEN.to_owned()), None);
    Client::with_config(config, Arc::new(creds)).unwrap()
}

enum Want {
    Ok { attempts_at_least: usize },
    Err(ErrorKind),
}

struct Case {
    name: &'static str,
    want: Want,
    bound: Duration,
}

fn run(case: &Case, url: &str, timeout: Duration, calls: &AtomicUsize) -> String {
    let c = client(url, timeout);
    let start = Instant::now();
    let result = c.get_caller_identity(&GetCallerIdentityRequest::new());
    let took = start.elapsed();
    assert!(
        took <= case.bound,
        "{}: took {took:?}, bound {:?}",
        case.name,
        case.bound
    );
    let outcome = match (&result, &case.want) {
        (Ok(me), Want::Ok { attempts_at_least }) => {
            assert_eq!(me.account, "123456789012", "{}", case.name);
            let n = calls.load(Ordering::SeqCst);
            assert!(n >= *attempts_at_least, "{}: {n} connections", case.name);
            format!("ok after {n} attempt(s)")
        }
        (Err(e), Want::Err(kind)) => {
            assert_eq!(e.kind(), *kind, "{}: {e}", case.name);
            let text = format!("{e} {e:?}");
            assert!(
                !text.contains(SECRET) && !text.contains(TOKEN),
                "{}: secret in {text}",
                case.name
            );
            format!("{:?} after {} attempt(s): {e}", e.kind(), e.attempts())
        }
        (Ok(_), Want::Err(kind)) => panic!("{}: succeeded, wanted {kind:?}", case.name),
        (Err(e), Want::Ok { .. }) => panic!("{}: failed: {e}", case.name),
    };
    println!(
        "{:<28} | {:<70} | {:>6} ms",
        case.name,
        outcome,
        took.as_millis()
    );
    outcome
}

/// Runs a case whose server behaviour is `behave`.
fn case(
    name: &'static str,
    want: Want,
    bound_ms: u64,
    timeout: Duration,
    behave: impl Fn(usize, TcpStream) + Send + Sync + 'static,
) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let url = server(move |n, s| {
        counted.fetch_add(1, Ordering::SeqCst);
        behave(n, s);
    });
    run(
        &Case {
            name,
            want,
            bound: Duration::from_millis(bound_ms),
        },
        &url,
        timeout,
        &calls,
    );
}

const T: Duration = Duration::from_secs(5);

#[test]
fn connection_refused() {
    // A port that was just free: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let calls = AtomicUsize::new(0);
    let out = run(
        &Case {
            name: "connection refused",
            want: Want::Err(ErrorKind::Transport),
            bound: Duration::from_secs(3),
        },
        &format!("http://127.0.0.1:{port}"),
        T,
        &calls,
    );
    assert!(out.contains("after 3 attempt(s)"), "{out}");
}

#[test]
fn reset_before_status_line() {
    // Closing with the request unread makes the kernel send a reset.
    case(
        "reset before status line",
        Want::Err(ErrorKind::Transport),
        3000,
        T,
        |_, s| {
            thread::sleep(Duration::from_millis(20));
            drop(s);
        },
    );
}

#[test]
fn reset_mid_body() {
    case(
        "reset mid-body",
        Want::Err(ErrorKind::Transport),
        3000,
        T,
        |_, mut s| {
            read_request(&mut s);
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: 5000\r\n\r\n<GetCallerIdentityResponse>");
            let _ = s.flush();
            drop(s);
        },
    );
}

#[test]
fn never_answers() {
    case(
        "never answers",
        Want::Err(ErrorKind::Timeout),
        5000,
        Duration::from_millis(700),
        |_, mut s| {
            read_request(&mut s);
            thread::sleep(Duration::from_secs(6));
        },
    );
}

#[test]
fn trickles_a_byte_a_second() {
    case(
        "trickle 1 byte/s",
        Want::Err(ErrorKind::Timeout),
        8000,
        Duration::from_millis(1500),
        |_, mut s| {
            read_request(&mut s);
            for b in b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n" {
                if s.write_all(&[*b]).is_err() {
                    return;
                }
                thread::sleep(Duration::from_secs(1));
            }
        },
    );
}

#[test]
fn http_500_html_page() {
    case(
        "500 with an html page",
        Want::Err(ErrorKind::InvalidResponse),
        3000,
        T,
        |_, mut s| {
            read_request(&mut s);
            respond(
                &mut s,
                "500 Internal Server Error",
                b"<html><body><h1>500</h1></body></html>",
            );
        },
    );
}

#[test]
fn http_503_then_success() {
    case(
        "503 then success",
        Want::Ok {
            attempts_at_least: 2,
        },
        3000,
        T,
        |n, mut s| {
            while read_request(&mut s) {
                if n == 0 {
                    respond(&mut s, "503 Service Unavailable", b"<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error><RequestId>r</RequestId></ErrorResponse>");
                    return;
                }
                respond(&mut s, "200 OK", OK_BODY.as_bytes());
            }
        },
    );
}

#[test]
fn throttling_then_success() {
    case(
        "throttling then success",
        Want::Ok {
            attempts_at_least: 2,
        },
        3000,
        T,
        |n, mut s| {
            if read_request(&mut s) {
                if n == 0 {
                    respond(&mut s, "400 Bad Request", b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>");
                    return;
                }
                respond(&mut s, "200 OK", OK_BODY.as_bytes());
            }
        },
    );
}

fn canned(name: &'static str, want: Want, status: &'static str, body: Vec<u8>) {
    let body = Arc::new(body);
    case(name, want, 3000, T, move |_, mut s| {
        while read_request(&mut s) {
            respond(&mut s, status, &body);
        }
    });
}

#[test]
fn ok_with_empty_body() {
    canned(
        "200 empty body",
        Want::Err(ErrorKind::InvalidResponse),
        "200 OK",
        Vec::new(),
    );
}

#[test]
fn ok_with_truncated_xml() {
    canned(
        "200 truncated xml",
        Want::Err(ErrorKind::InvalidResponse),
        "200 OK",
        OK_BODY.as_bytes()[..120].to_vec(),
    );
}

#[test]
fn ok_with_html() {
    canned(
        "200 html",
        Want::Err(ErrorKind::InvalidResponse),
        "200 OK",
        b"<!DOCTYPE html><html><body>login</body></html>".to_vec(),
    );
}

#[test]
fn ok_with_wrong_root() {
    canned(
        "200 wrong root",
        Want::Err(ErrorKind::InvalidResponse),
        "200 OK",
        b"<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>".to_vec(),
    );
}

#[test]
fn ok_with_huge_body() {
    let mut body = OK_BODY.as_bytes()[..60].to_vec();
    body.extend(std::iter::repeat_n(b'x', 4 * 1024 * 1024));
    canned(
        "200 body over the limit",
        Want::Err(ErrorKind::InvalidResponse),
        "200 OK",
        body,
    );
}

#[test]
fn ok_with_entity_bomb() {
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><GetCallerIdentityResponse>&lol2;</GetCallerIdentityResponse>"#;
    canned(
        "200 entity bomb",
        Want::Err(ErrorKind::InvalidResponse),
        "200 OK",
        bomb.as_bytes().to_vec(),
    );
}

#[test]
fn ok_with_invalid_utf8() {
    let mut body = OK_BODY.as_bytes().to_vec();
    body[100] = 0xff;
    body[101] = 0xfe;
    canned(
        "200 invalid utf-8",
        Want::Err(ErrorKind::InvalidResponse),
        "200 OK",
        body,
    );
}

#[test]
fn chunked_body() {
    case(
        "chunked body",
        Want::Ok {
            attempts_at_least: 1,
        },
        3000,
        T,
        |_, mut s| {
            if read_request(&mut s) {
                let b = OK_BODY.as_bytes();
                let (a, c) = b.split_at(100);
                let mut out = b"HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
                for part in [a, c] {
                    out.extend(format!("{:x}\r\n", part.len()).as_bytes());
                    out.extend(part);
                    out.extend(b"\r\n");
                }
                out.extend(b"0\r\n\r\n");
                let _ = s.write_all(&out);
            }
        },
    );
}

#[test]
fn chunked_body_over_the_limit() {
    case(
        "chunked over the limit",
        Want::Err(ErrorKind::InvalidResponse),
        3000,
        T,
        |_, mut s| {
            if read_request(&mut s) {
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n");
                let chunk = vec![b'y'; 16 * 1024];
                for _ in 0..64 {
                    let mut out = format!("{:x}\r\n", chunk.len()).into_bytes();
                    out.extend(&chunk);
                    out.extend(b"\r\n");
                    if s.write_all(&out).is_err() {
                        return;
                    }
                }
                let _ = s.write_all(b"0\r\n\r\n");
            }
        },
    );
}

#[test]
fn unknown_length_body() {
    case(
        "unknown length (close)",
        Want::Ok {
            attempts_at_least: 1,
        },
        3000,
        T,
        |_, mut s| {
            if read_request(&mut s) {
                let _ = s.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\nconnection: close\r\n\r\n",
                );
                let _ = s.write_all(OK_BODY.as_bytes());
            }
        },
    );
}

#[test]
fn access_denied_is_not_retried() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let url = server(move |_, mut s| {
        counted.fetch_add(1, Ordering::SeqCst);
        while read_request(&mut s) {
            respond(&mut s, "403 Forbidden", b"<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error><RequestId>r</RequestId></ErrorResponse>");
        }
    });
    let e = client(&url, T)
        .get_caller_identity(&GetCallerIdentityRequest::new())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Service);
    assert_eq!(e.attempts(), 1);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// The server's clock runs an hour ahead: the first attempt is refused as expired with the
/// server's `Date`, the client corrects its clock, re-signs and succeeds, and later calls use
/// the correction from the start.
#[test]
fn clock_skew_is_corrected_and_remembered() {
    use time::macros::format_description;
    let skew = Duration::from_secs(3600);
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let url = server(move |_, mut s| {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        loop {
            while !head.ends_with(b"\r\n\r\n") {
                match s.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => return,
                }
            }
            counted.fetch_add(1, Ordering::SeqCst);
            let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
            head.clear();
            let len: usize = text
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap());
            let mut body = vec![0; len];
            if s.read_exact(&mut body).is_err() {
                return;
            }
            let amz = text
                .lines()
                .find_map(|l| l.strip_prefix("x-amz-date:"))
                .unwrap()
                .trim()
                .to_owned();
            let sent = time::PrimitiveDateTime::parse(
                &amz,
                format_description!("[year][month][day]t[hour][minute][second]z"),
            )
            .unwrap()
            .assume_utc();
            let server_now = time::OffsetDateTime::now_utc() + skew;
            let date = server_now
                .format(format_description!(
                    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
                ))
                .unwrap();
            let (status, body) = if (server_now - sent).abs() > time::Duration::minutes(5) {
                ("400 Bad Request", "<ErrorResponse><Error><Type>Sender</Type><Code>RequestExpired</Code><Message>Request has expired.</Message></Error><RequestId>r</RequestId></ErrorResponse>".to_owned())
            } else {
                ("200 OK", OK_BODY.to_owned())
            };
            let resp = format!(
                "HTTP/1.1 {status}\r\ndate: {date}\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            if s.write_all(resp.as_bytes()).is_err() {
                return;
            }
        }
    });
    let c = client(&url, T);
    let start = Instant::now();
    let me = c
        .get_caller_identity(&GetCallerIdentityRequest::new())
        .expect("corrected");
    assert_eq!(me.account, "123456789012");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "one refused attempt, one corrected"
    );
    let drift = c
        .now()
        .duration_since(std::time::SystemTime::now())
        .expect("ahead");
    assert!(
        drift > Duration::from_secs(3500) && drift < Duration::from_secs(3700),
        "{drift:?}"
    );
    c.get_caller_identity(&GetCallerIdentityRequest::new())
        .expect("second call");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        3,
        "the correction is remembered"
    );
    println!(
        "{:<28} | {:<70} | {:>6} ms",
        "clock skew +1 h",
        "ok after a re-signed attempt; next call right first time",
        start.elapsed().as_millis()
    );
}
