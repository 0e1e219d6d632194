//! The awsQuery writer on arbitrary strings: the body must decode back to exactly the pairs
//! written, in order, and `validate()` must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tinysts::operations::{AssumeRoleRequest, Tag};
use tinysts::query::QueryWriter;

fn decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parts: Vec<&str> = text.split('\u{0}').collect();
    let value = parts.first().copied().unwrap_or("");
    let mut w = QueryWriter::new("Fuzz");
    w.string("Value", value);
    w.string_list("List", &parts);
    let body = w.finish();
    let pairs: Vec<(Vec<u8>, Vec<u8>)> = body
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').expect("every pair has '='");
            (decode(k), decode(v))
        })
        .collect();
    assert_eq!(pairs[0], (b"Action".to_vec(), b"Fuzz".to_vec()));
    assert_eq!(pairs[2], (b"Value".to_vec(), value.as_bytes().to_vec()));
    for (i, p) in parts.iter().enumerate() {
        let key = format!("List.member.{}", i + 1);
        assert_eq!(pairs[3 + i], (key.into_bytes(), p.as_bytes().to_vec()));
    }
    let mut req = AssumeRoleRequest::new(value, parts.get(1).copied().unwrap_or(""));
    req.tags = parts.iter().map(|p| Tag::new(*p, *p)).collect();
    req.policy = parts.get(2).map(|p| (*p).to_owned());
    let _ = req.validate();
    let _ = req.to_query();
});
