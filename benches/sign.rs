//! Signing benchmarks: the STS `AssumeRole` POST signed cold (key derived) and warm (key
//! cached), a presigned EKS-style `GetCallerIdentity`, and one SHA-256 block compression, the
//! unit the targets are expressed in.
//!
//! Targets: cold <= 1.4 x 42 compressions, warm <= 1.25 x 26 compressions.
#![allow(missing_docs, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use criterion::{Criterion, criterion_group, criterion_main};
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

criterion_group!(benches, bench);
criterion_main!(benches);
