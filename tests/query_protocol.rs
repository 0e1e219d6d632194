//! botocore's awsQuery input protocol tests (`tests/data/protocol/query-input.json`) run
//! through [`QueryWriter`], driven generically from each case's `params` and `shapes`.
//!
//! Cases that need a feature STS never uses are skipped, each with its reason printed: maps,
//! flattened lists, renamed (`locationName`) members, timestamps, blobs, floats, idempotency
//! tokens and request compression.

// Test code: a failed expectation is meant to panic.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};
use tinysts::query::QueryWriter;

/// The first feature of `value` (typed by `shape`) that STS never uses, if any.
fn unsupported(shapes: &Map<String, Value>, shape: &str, value: &Value) -> Option<&'static str> {
    let s = &shapes[shape];
    match s["type"].as_str().expect("type") {
        "string" | "integer" | "long" | "boolean" => None,
        "map" => Some("maps"),
        "timestamp" => Some("timestamps"),
        "blob" => Some("blobs"),
        "float" | "double" => Some("floats"),
        "structure" => {
            let members = s["members"].as_object().expect("members");
            if members
                .values()
                .any(|m| m.get("idempotencyToken").is_some())
            {
                return Some("idempotency tokens");
            }
            value
                .as_object()
                .expect("object")
                .iter()
                .find_map(|(k, v)| {
                    let m = &members[k];
                    if m.get("flattened").is_some() {
                        Some("flattened lists")
                    } else if m.get("locationName").is_some() {
                        Some("renamed members (locationName)")
                    } else {
                        unsupported(shapes, m["shape"].as_str().expect("shape"), v)
                    }
                })
        }
        "list" => {
            if s.get("flattened").is_some() {
                return Some("flattened lists");
            }
            if s["member"].get("locationName").is_some() {
                return Some("renamed list members (locationName)");
            }
            let member = s["member"]["shape"].as_str().expect("member shape");
            value
                .as_array()
                .expect("array")
                .iter()
                .find_map(|v| unsupported(shapes, member, v))
        }
        _ => Some("other shape types"),
    }
}

/// Writes `value` of type `shape` under `name` (`""` for a list member).
fn write(w: &mut QueryWriter, shapes: &Map<String, Value>, name: &str, shape: &str, value: &Value) {
    let s = &shapes[shape];
    match s["type"].as_str().expect("type") {
        "string" => w.string(name, value.as_str().expect("string")),
        "integer" | "long" => w.integer(name, value.as_i64().expect("integer")),
        "boolean" => w.boolean(name, value.as_bool().expect("boolean")),
        "structure" => {
            let f = |w: &mut QueryWriter| write_members(w, shapes, shape, value);
            if name.is_empty() {
                f(w);
            } else {
                w.structure(name, f);
            }
        }
        "list" => {
            let member = s["member"]["shape"].as_str().expect("member shape");
            let items = value.as_array().expect("array");
            w.list(name, items, |w, item| write(w, shapes, "", member, item));
        }
        other => panic!("unsupported type {other} reached the writer"),
    }
}

/// Writes the members of a structure in the order the case gives them (botocore's order).
fn write_members(w: &mut QueryWriter, shapes: &Map<String, Value>, shape: &str, value: &Value) {
    let members = shapes[shape]["members"].as_object().expect("members");
    for (k, v) in value.as_object().expect("object") {
        write(
            w,
            shapes,
            k,
            members[k]["shape"].as_str().expect("shape"),
            v,
        );
    }
}

#[test]
fn botocore_query_input_cases() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/protocol/query-input.json");
    let suites: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
    let (mut run, mut failed) = (0, Vec::new());
    let mut skipped: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for suite in &suites {
        let version = suite["metadata"]["apiVersion"]
            .as_str()
            .expect("apiVersion");
        let shapes = suite["shapes"].as_object().expect("shapes");
        for case in suite["cases"].as_array().expect("cases") {
            let id = case["id"].as_str().expect("id").to_owned();
            let action = case["given"]["name"].as_str().expect("name");
            let params = &case["params"];
            let input = case["given"]["input"]["shape"].as_str();
            let reason = if case["given"].get("requestcompression").is_some() {
                Some("request compression")
            } else {
                input.and_then(|shape| unsupported(shapes, shape, params))
            };
            if let Some(reason) = reason {
                skipped.entry(reason).or_default().push(id);
                continue;
            }
            let mut w = QueryWriter::with_version(action, version);
            if let Some(shape) = input {
                write_members(&mut w, shapes, shape, params);
            }
            let body = w.finish();
            let expected = case["serialized"]["body"].as_str().expect("body");
            run += 1;
            if body != expected {
                failed.push(format!("{id}:\n  ours:     {body}\n  expected: {expected}"));
            }
        }
    }
    let n_skipped: usize = skipped.values().map(Vec::len).sum();
    let reasons: Vec<String> = skipped
        .iter()
        .map(|(r, ids)| format!("{r}: {}", ids.join(", ")))
        .collect();
    println!(
        "query protocol: {run} cases run, {n_skipped} skipped ({}), {} failed",
        reasons.join("; "),
        failed.len()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    // Pinned so a change in the walker cannot silently skip more.
    assert_eq!((run, n_skipped), (16, 22));
}
