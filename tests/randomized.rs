//! A deterministic randomized test (fixed seed, no dependency) that keeps the fuzzers'
//! properties in CI: mutated response bodies never panic a parser and always give a typed
//! error or a value; random strings written by the query writer decode back to themselves;
//! `validate()` never panics on random requests.
// Test code: a failed expectation panics.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use tinysts::query::QueryWriter;
use tinysts::*;

/// xorshift64*: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap()
    }
    fn string(&mut self, max: usize) -> String {
        let alphabet: Vec<char> = "aZ09 -_.~+/=&%?#:\"'<>\\\t\n\u{e9}\u{3000}\u{1F600}\u{0}"
            .chars()
            .collect();
        (0..self.below(max))
            .map(|_| alphabet[self.below(alphabet.len())])
            .collect()
    }
}

fn parse_all(body: &str) -> usize {
    let results = [
        AssumeRoleResponse::from_xml(body).err(),
        AssumeRoleWithSamlResponse::from_xml(body).err(),
        AssumeRoleWithWebIdentityResponse::from_xml(body).err(),
        AssumeRootResponse::from_xml(body).err(),
        DecodeAuthorizationMessageResponse::from_xml(body).err(),
        GetAccessKeyInfoResponse::from_xml(body).err(),
        GetCallerIdentityResponse::from_xml(body).err(),
        GetDelegatedAccessTokenResponse::from_xml(body).err(),
        GetFederationTokenResponse::from_xml(body).err(),
        GetSessionTokenResponse::from_xml(body).err(),
        GetWebIdentityTokenResponse::from_xml(body).err(),
    ];
    let _ = ServiceError::from_xml(body, 400);
    for e in results.iter().flatten() {
        assert!(
            matches!(e.kind(), ErrorKind::InvalidResponse | ErrorKind::Service),
            "{e:?}"
        );
    }
    results.iter().filter(|e| e.is_none()).count()
}

fn mutate(rng: &mut Rng, body: &str) -> String {
    let mut bytes = body.as_bytes().to_vec();
    match rng.below(6) {
        0 => bytes.truncate(rng.below(bytes.len())),
        1 => {
            for _ in 0..=rng.below(8) {
                let i = rng.below(bytes.len());
                bytes[i] = u8::try_from(rng.next() & 0x7f).unwrap();
            }
        }
        2 => {
            let mut lines: Vec<&str> = body.lines().collect();
            let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
            lines.swap(a, b);
            bytes = lines.join("\n").into_bytes();
        }
        3 => {
            let i = rng.below(bytes.len());
            let junk = rng.string(64);
            bytes.splice(i..i, junk.into_bytes());
        }
        4 => {
            let i = rng.below(bytes.len());
            bytes.splice(i..i, "x".repeat(rng.below(100_000)).into_bytes());
        }
        _ => {
            let i = rng.below(bytes.len());
            bytes.splice(i..i, b"<Unknown a=\"1\"><Deep/></Unknown>".iter().copied());
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                out.push(
                    u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap(), 16).unwrap(),
                );
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn mutated_responses_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/responses");
    let mut fixtures: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "xml").then(|| std::fs::read_to_string(p).unwrap())
        })
        .collect();
    fixtures.sort();
    let mut rng = Rng(0x7157_5757_0000_0001);
    let mut parsed = 0;
    for _ in 0..3000 {
        let base = &fixtures[rng.below(fixtures.len())];
        parsed += parse_all(&mutate(&mut rng, base));
    }
    // Every unmutated fixture parses with its own parser, so some mutants still do too.
    assert!(parsed > 0);
}

#[test]
fn query_writer_round_trips() {
    let mut rng = Rng(0xC0FF_EE00_1234_5678);
    for _ in 0..5000 {
        let values: Vec<String> = (0..rng.below(5)).map(|_| rng.string(40)).collect();
        let single = rng.string(80);
        let mut w = QueryWriter::new("Random");
        w.string("One", &single);
        w.string_list("Many", &values);
        let body = w.finish();
        let pairs: Vec<(String, String)> = body
            .split('&')
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap();
                (decode(k), decode(v))
            })
            .collect();
        assert_eq!(pairs[2], ("One".to_owned(), single));
        if values.is_empty() {
            assert_eq!(pairs[3], ("Many".to_owned(), String::new()));
        }
        for (i, v) in values.iter().enumerate() {
            assert_eq!(pairs[3 + i], (format!("Many.member.{}", i + 1), v.clone()));
        }
    }
}

#[test]
fn validate_never_panics() {
    let mut rng = Rng(42);
    for _ in 0..5000 {
        let mut r = AssumeRoleRequest::new(rng.string(30), rng.string(70));
        r.duration_seconds = Some(i32::try_from(rng.next() % 100_000).unwrap() - 1000);
        r.tags = (0..rng.below(60))
            .map(|_| Tag::new(rng.string(10), rng.string(10)))
            .collect();
        r.transitive_tag_keys = (0..rng.below(60)).map(|_| rng.string(10)).collect();
        r.policy = Some(rng.string(200));
        r.token_code = Some(rng.string(8));
        r.source_identity = Some(rng.string(70));
        if let Err(e) = r.validate() {
            assert_eq!(e.kind(), ErrorKind::InvalidInput);
            assert!(e.field().is_some());
        }
        let f = GetFederationTokenRequest::new(rng.string(40));
        let _ = f.validate();
        let w =
            AssumeRoleWithWebIdentityRequest::new(rng.string(30), rng.string(10), rng.string(30));
        let _ = w.validate();
        let _ = r.to_query();
    }
}
