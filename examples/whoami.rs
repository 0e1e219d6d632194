//! Who am I? `GetCallerIdentity` with credentials from the environment
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), the region from
//! `AWS_REGION` (default `us-east-1`) and an optional `AWS_ENDPOINT_URL`.
//!
//! `cargo run --example whoami`

use std::process::ExitCode;
use std::sync::Arc;

use tinysts::client::{Client, ClientConfig};
use tinysts::{Credentials, GetCallerIdentityRequest};

fn run() -> Result<(), tinysts::Error> {
    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".to_owned());
    let mut config = ClientConfig::new(region);
    config.endpoint_url = std::env::var("AWS_ENDPOINT_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let client = Client::with_config(config, Arc::new(Credentials::from_env()?))?;
    let me = client.get_caller_identity(&GetCallerIdentityRequest::new())?;
    println!("account: {}", me.account);
    println!("arn:     {}", me.arn);
    println!("user id: {}", me.user_id);
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("whoami: {e}");
            ExitCode::FAILURE
        }
    }
}
