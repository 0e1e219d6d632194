//! Runs all 69 cases of STS's endpoint tests (botocore `endpoint-tests-1.json`), error cases
//! included, through `tinysts::endpoint::resolve`. Prints `endpoint rules: N cases, F failed`.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use tinysts::endpoint::{EndpointParams, resolve};

#[test]
fn endpoint_rules() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/endpoints/sts-endpoint-tests.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
    let cases = doc["testCases"].as_array().expect("testCases");
    let mut failures = Vec::new();
    for case in cases {
        let doc_text = case["documentation"].as_str().unwrap_or("?");
        let p = &case["params"];
        let mut params = EndpointParams::default();
        params.region = p["Region"].as_str().map(str::to_owned);
        params.use_fips = p["UseFIPS"].as_bool().unwrap_or(false);
        params.use_dual_stack = p["UseDualStack"].as_bool().unwrap_or(false);
        params.use_global_endpoint = p["UseGlobalEndpoint"].as_bool().unwrap_or(false);
        params.endpoint = p["Endpoint"].as_str().map(str::to_owned);
        let got = resolve(&params);
        let expect = &case["expect"];
        let outcome = match (got, expect["error"].as_str()) {
            (Err(e), Some(want)) if e.to_string() == want => Ok(()),
            (Err(e), Some(want)) => Err(format!("error {e:?}, want error {want:?}")),
            (Err(e), None) => Err(format!("unexpected error {e}")),
            (Ok(ep), Some(want)) => Err(format!("got {}, want error {want:?}", ep.url)),
            (Ok(ep), None) => {
                let want = &expect["endpoint"];
                let mut problems = Vec::new();
                if ep.url != want["url"].as_str().unwrap_or_default() {
                    problems.push(format!("url {} != {}", ep.url, want["url"]));
                }
                if let Some(scheme) = want["properties"]["authSchemes"]
                    .as_array()
                    .and_then(|a| a.first())
                {
                    if let Some(r) = scheme["signingRegion"].as_str() {
                        if ep.signing_region != r {
                            problems.push(format!("signing region {} != {r}", ep.signing_region));
                        }
                    }
                    if let Some(n) = scheme["signingName"].as_str() {
                        if ep.signing_name != n {
                            problems.push(format!("signing name {} != {n}", ep.signing_name));
                        }
                    }
                }
                if problems.is_empty() {
                    Ok(())
                } else {
                    Err(problems.join("; "))
                }
            }
        };
        if let Err(why) = outcome {
            failures.push(format!("{doc_text}: {why}"));
        }
    }
    println!(
        "endpoint rules: {} cases, {} failed",
        cases.len(),
        failures.len()
    );
    for f in &failures {
        eprintln!("{f}");
    }
    assert_eq!(cases.len(), 69, "the shared file has 69 cases");
    assert!(failures.is_empty());
}
