//! Response parsing: every operation's fixture and an error response, each next to
//! `roxmltree/parse_only` on the same bytes (with the same parsing options as the crate), so
//! the cost of the walk over the parsed tree is visible as a ratio.
//!
//! Run: `cargo bench --bench parse -- --warm-up-time 1 --measurement-time 3`.

// Bench code: a fixture that does not parse should stop the run.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, missing_docs)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use roxmltree::{Document, ParsingOptions};
use tinysts::{
    AssumeRoleResponse, AssumeRoleWithSamlResponse, AssumeRoleWithWebIdentityResponse,
    AssumeRootResponse, DecodeAuthorizationMessageResponse, Error, GetAccessKeyInfoResponse,
    GetCallerIdentityResponse, GetDelegatedAccessTokenResponse, GetFederationTokenResponse,
    GetSessionTokenResponse, GetWebIdentityTokenResponse,
};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/responses")
        .join(name);
    std::fs::read_to_string(path).expect("fixture")
}

/// The options `tinysts` parses with (DTD refused, node limit), so the comparison is fair.
/// Parsing and dropping the document, nothing else.
fn roxmltree_only(body: &str) -> bool {
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: 10_000,
        ..ParsingOptions::default()
    };
    black_box(Document::parse_with_options(body, opts)).is_ok()
}

fn bench_pair<T>(c: &mut Criterion, group: &str, file: &str, parse: fn(&str) -> Result<T, Error>) {
    let body = fixture(file);
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("roxmltree/parse_only", |b| {
        b.iter(|| roxmltree_only(black_box(&body)));
    });
    g.bench_function("from_xml", |b| b.iter(|| parse(black_box(&body)).is_ok()));
    g.finish();
}

fn headline(c: &mut Criterion) {
    // About 1.5 KB, an 800-character session token, pretty-printed as STS sends it.
    let body = fixture("assume_role.xml");
    assert!(AssumeRoleResponse::from_xml(&body).is_ok());
    bench_pair(
        c,
        "assume_role",
        "assume_role.xml",
        AssumeRoleResponse::from_xml,
    );
}

fn operations(c: &mut Criterion) {
    bench_pair(
        c,
        "assume_role_with_saml",
        "assume_role_with_saml.xml",
        AssumeRoleWithSamlResponse::from_xml,
    );
    bench_pair(
        c,
        "assume_role_with_web_identity",
        "assume_role_with_web_identity.xml",
        AssumeRoleWithWebIdentityResponse::from_xml,
    );
    bench_pair(
        c,
        "assume_root",
        "assume_root.xml",
        AssumeRootResponse::from_xml,
    );
    bench_pair(
        c,
        "decode_authorization_message",
        "decode_authorization_message.xml",
        DecodeAuthorizationMessageResponse::from_xml,
    );
    bench_pair(
        c,
        "get_access_key_info",
        "get_access_key_info.xml",
        GetAccessKeyInfoResponse::from_xml,
    );
    bench_pair(
        c,
        "get_caller_identity",
        "get_caller_identity.xml",
        GetCallerIdentityResponse::from_xml,
    );
    bench_pair(
        c,
        "get_delegated_access_token",
        "get_delegated_access_token.xml",
        GetDelegatedAccessTokenResponse::from_xml,
    );
    bench_pair(
        c,
        "get_federation_token",
        "get_federation_token.xml",
        GetFederationTokenResponse::from_xml,
    );
    bench_pair(
        c,
        "get_session_token",
        "get_session_token.xml",
        GetSessionTokenResponse::from_xml,
    );
    bench_pair(
        c,
        "get_web_identity_token",
        "get_web_identity_token.xml",
        GetWebIdentityTokenResponse::from_xml,
    );
    // An `<ErrorResponse>` through a success parser: the path that maps it to a service error.
    bench_pair(
        c,
        "error_response",
        "error_response.xml",
        AssumeRoleResponse::from_xml,
    );
}

criterion_group!(benches, headline, operations);
criterion_main!(benches);
