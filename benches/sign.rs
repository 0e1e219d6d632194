//! Signing benchmarks: the STS `AssumeRole` POST signed cold (key derived) and warm (key
//! cached), a presigned EKS-style `GetCallerIdentity`, and one SHA-256 block compression, the
//! unit the targets are expressed in.
//!
//! Targets: cold <= 1.4 x 42 compressions, warm <= 1.25 x 26 compressions. After a
//! `cargo bench` run, the medians are printed beside those limits, computed from the
//! compression measured in the same run.
#![allow(missing_docs, clippy::expect_used)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use criterion::{Criterion, criterion_group};
use tinysts::Credentials;
use tinysts::sigv4::{self, SignableRequest, Signer, SigningParams, SigningSettings};

const BODY: &[u8] = b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=bench-session&DurationSeconds=3600";

fn credentials() -> Credentials {
    let token: String = "FwoGZXIvYXdzEJr//////////wEaDM3x+example/token=="
        .chars()
        .cycle()
        .take(800)
        .collect();
    Credentials::new(
        "ASIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        Some(token),
        None,
    )
}

fn time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_764_000_000)
}

fn bench(c: &mut Criterion) {
    let creds = credentials();
    let params = SigningParams {
        credentials: &creds,
        region: "us-east-1",
        service: "sts",
        time: time(),
        settings: SigningSettings::default(),
    };
    let headers = [
        (
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        ),
        ("host", "sts.us-east-1.amazonaws.com"),
    ];
    let req = SignableRequest {
        method: "POST",
        uri: "/",
        headers: &headers,
        body: BODY,
    };

    c.bench_function("sign/assume_role_cold", |b| {
        b.iter(|| sigv4::sign(black_box(&req), black_box(&params)).expect("sign"));
    });
    let signer = Signer::new();
    c.bench_function("sign/assume_role_warm", |b| {
        b.iter(|| {
            signer
                .sign(black_box(&req), black_box(&params))
                .expect("sign")
        });
    });

    let k8s_headers = [
        ("host", "sts.us-east-1.amazonaws.com"),
        ("x-k8s-aws-id", "my-cluster"),
    ];
    let presign_req = SignableRequest {
        method: "GET",
        uri: "/?Action=GetCallerIdentity&Version=2011-06-15",
        headers: &k8s_headers,
        body: b"",
    };
    c.bench_function("presign/get_caller_identity_k8s", |b| {
        b.iter(|| {
            signer
                .presign(
                    black_box(&presign_req),
                    black_box(&params),
                    Duration::from_secs(60),
                )
                .expect("presign")
        });
    });

    let mut state = [
        0x6a09_e667u32,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ];
    let block = sha2::digest::generic_array::GenericArray::from([0x5au8; 64]);
    c.bench_function("sha256/compress_one_block", |b| {
        b.iter(|| {
            sha2::compress256(
                black_box(&mut state),
                black_box(std::slice::from_ref(&block)),
            );
        });
    });
}

/// Where criterion writes its estimates (the same place it would choose by default).
fn output_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
            PathBuf::from,
        )
        .join("criterion")
}

criterion_group! {
    name = benches;
    config = Criterion::default().output_directory(&output_dir());
    targets = bench
}

/// The median of one benchmark, in ns, if this run measured it (estimates written since
/// `since`).
fn median(id: &str, since: SystemTime) -> Option<f64> {
    let path = output_dir().join(id).join("new/estimates.json");
    let fresh = std::fs::metadata(&path).and_then(|m| m.modified()).ok()? >= since;
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    fresh.then(|| json.pointer("/median/point_estimate")?.as_f64())?
}

/// Prints each signing median beside its limit: `factor x compressions x` the median of one
/// compression measured in the same run.
fn report(since: SystemTime) {
    let Some(unit) = median("sha256_compress_one_block", since) else {
        return;
    };
    println!("\nlimits (medians of this run; C = one SHA-256 compression = {unit:.2} ns)");
    for (id, factor, blocks) in [
        ("sign_assume_role_warm", 1.25, 26.0),
        ("sign_assume_role_cold", 1.4, 42.0),
    ] {
        let Some(m) = median(id, since) else { continue };
        let limit = factor * blocks * unit;
        let ratio = m / limit;
        println!(
            "  {id}: {:.3} µs, limit {factor} x {blocks} x C = {:.3} µs, ratio {ratio:.3}{}",
            m / 1000.0,
            limit / 1000.0,
            if ratio > 1.0 { "  OVER THE LIMIT" } else { "" }
        );
    }
}

fn main() {
    let since = SystemTime::now();
    benches();
    Criterion::default()
        .configure_from_args()
        .output_directory(&output_dir())
        .final_summary();
    report(since);
}
