//! Secrets audit: every public type that holds a secret (credentials, SAML assertions, web
//! identity tokens, MFA codes, trade-in tokens, context assertions, signed and presigned
//! requests, responses carrying credentials or tokens) and every error path that sees one is
//! formatted with `Debug` (and `Display` where it exists); no secret substring may appear.
// Test code: a failed expectation panics.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tinysts::client::{Client, ClientConfig};
use tinysts::credentials::CachingProvider;
use tinysts::sigv4::{self, SignableRequest, SigningParams, SigningSettings};
use tinysts::*;

const SECRET: &str = "AuditSecretKey/0123456789+abcdefghijklmn";
const TOKEN: &str = "AuditSessionToken//ZZZ+yyy==";
const SAML: &str = "PHNhbWxwOlJlc3BvbnNlIEFVRElUU0FNTA==";
const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.QVVESVRKV1Q.c2ln";
const MFA: &str = "987654";
const TRADE_IN: &str = "audit-trade-in-token-value";
const CONTEXT: &str = "audit-context-assertion-value";

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!text.contains(s), "{what} leaks {s:?}: {text}");
    }
}

fn all() -> Vec<&'static str> {
    vec![SECRET, TOKEN, SAML, JWT, MFA, TRADE_IN, CONTEXT]
}

fn creds() -> Credentials {
    Credentials::new("ASIAAUDIT00000000001", SECRET, Some(TOKEN.into()), None)
}

#[test]
fn requests_and_credentials() {
    let c = creds();
    assert_clean("Credentials", &format!("{c:?} {c:#?}"), &all());

    let mut ar = AssumeRoleRequest::new("arn:aws:iam::123456789012:role/r", "s");
    ar.token_code = Some(MFA.into());
    ar.serial_number = Some("arn:aws:iam::123456789012:mfa/me".into());
    ar.provided_contexts = vec![ProvidedContext::new(
        "arn:aws:iam::aws:contextProvider/IdentityCenter",
        CONTEXT,
    )];
    assert_clean("AssumeRoleRequest", &format!("{ar:?} {ar:#?}"), &all());

    let saml = AssumeRoleWithSamlRequest::new(
        "arn:aws:iam::123456789012:role/r",
        "arn:aws:iam::123456789012:saml-provider/p",
        SAML,
    );
    assert_clean("AssumeRoleWithSamlRequest", &format!("{saml:?}"), &all());

    let web = AssumeRoleWithWebIdentityRequest::new("arn:aws:iam::123456789012:role/r", "s", JWT);
    assert_clean(
        "AssumeRoleWithWebIdentityRequest",
        &format!("{web:?}"),
        &all(),
    );

    let mut st = GetSessionTokenRequest::new();
    st.token_code = Some(MFA.into());
    assert_clean("GetSessionTokenRequest", &format!("{st:?}"), &all());

    let dat = GetDelegatedAccessTokenRequest::new(TRADE_IN);
    assert_clean(
        "GetDelegatedAccessTokenRequest",
        &format!("{dat:?}"),
        &all(),
    );

    let pc = ProvidedContext::new("arn:aws:iam::aws:contextProvider/x", CONTEXT);
    assert_clean("ProvidedContext", &format!("{pc:?}"), &all());
}

#[test]
fn validation_errors_never_echo_values() {
    // Invalid values in secret fields: the error names the field and the rule, not the value.
    let mut ar = AssumeRoleRequest::new("arn:aws:iam::123456789012:role/r", "s");
    ar.token_code = Some(format!("{MFA}x"));
    let e = ar.validate().unwrap_err();
    assert_clean("TokenCode error", &format!("{e} {e:?}"), &[MFA]);

    let web = AssumeRoleWithWebIdentityRequest::new("arn:aws:iam::123456789012:role/r", "s", "");
    let e = web.validate().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);

    let long_saml = SAML.repeat(10_000);
    let saml = AssumeRoleWithSamlRequest::new(
        "arn:aws:iam::123456789012:role/r",
        "arn:aws:iam::123456789012:saml-provider/p",
        long_saml,
    );
    let e = saml.validate().unwrap_err();
    assert_clean("SAMLAssertion error", &format!("{e} {e:?}"), &[SAML]);
}

#[test]
fn responses_with_credentials_and_tokens() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/responses");
    let read = |n: &str| std::fs::read_to_string(dir.join(n)).unwrap();
    let mut checked = 0;
    macro_rules! audit {
        ($ty:ty, $file:literal, $secrets:expr) => {{
            let r = <$ty>::from_xml(&read($file)).unwrap();
            let secrets: Vec<String> = $secrets(&r);
            assert!(!secrets.is_empty());
            let text = format!("{r:?} {r:#?}");
            for s in &secrets {
                assert!(!text.contains(s.as_str()), "{} leaks {s}", stringify!($ty));
            }
            checked += 1;
        }};
    }
    let creds_of = |c: &Credentials| {
        vec![
            c.secret_access_key().to_owned(),
            c.session_token().unwrap_or("-").to_owned(),
        ]
    };
    audit!(
        AssumeRoleResponse,
        "assume_role.xml",
        |r: &AssumeRoleResponse| creds_of(&r.credentials)
    );
    audit!(
        AssumeRoleWithSamlResponse,
        "assume_role_with_saml.xml",
        |r: &AssumeRoleWithSamlResponse| creds_of(&r.credentials)
    );
    audit!(
        AssumeRoleWithWebIdentityResponse,
        "assume_role_with_web_identity.xml",
        |r: &AssumeRoleWithWebIdentityResponse| creds_of(&r.credentials)
    );
    audit!(
        AssumeRootResponse,
        "assume_root.xml",
        |r: &AssumeRootResponse| creds_of(&r.credentials)
    );
    audit!(
        GetDelegatedAccessTokenResponse,
        "get_delegated_access_token.xml",
        |r: &GetDelegatedAccessTokenResponse| creds_of(&r.credentials)
    );
    audit!(
        GetFederationTokenResponse,
        "get_federation_token.xml",
        |r: &GetFederationTokenResponse| creds_of(&r.credentials)
    );
    audit!(
        GetSessionTokenResponse,
        "get_session_token.xml",
        |r: &GetSessionTokenResponse| creds_of(&r.credentials)
    );
    audit!(
        GetWebIdentityTokenResponse,
        "get_web_identity_token.xml",
        |r: &GetWebIdentityTokenResponse| vec![r.web_identity_token.clone()]
    );
    assert_eq!(checked, 8);
}

#[test]
fn signing_outputs_and_clients() {
    let c = creds();
    let params = SigningParams {
        credentials: &c,
        region: "us-east-1",
        service: "sts",
        time: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        settings: SigningSettings::default(),
    };
    let headers = [("host", "sts.amazonaws.com")];
    let req = SignableRequest {
        method: "GET",
        uri: "/?Action=GetCallerIdentity&Version=2011-06-15",
        headers: &headers,
        body: b"",
    };
    let signed = sigv4::sign(&req, &params).unwrap();
    assert_clean("SignedHeaders", &format!("{signed:?}"), &all());
    let presigned = sigv4::presign(&req, &params, Duration::from_secs(60)).unwrap();
    assert_clean(
        "PresignedRequest",
        &format!("{presigned:?}"),
        &[SECRET, "AuditSessionToken"],
    );

    let client = Client::new("us-east-1", creds()).unwrap();
    assert_clean("Client", &format!("{client:?}"), &all());
    let caching = CachingProvider::new(|| Ok(creds()));
    assert_clean("CachingProvider", &format!("{caching:?}"), &all());

    // A failing refresh: the error wraps the cause and names no secret.
    let failing = CachingProvider::new(|| Err(Credentials::from_env_with(|_| None).unwrap_err()));
    let e = ProvideCredentials::provide_credentials(&failing).unwrap_err();
    assert_clean("refresh error", &format!("{e} {e:?}"), &all());
}

#[test]
fn network_errors_never_echo_credentials() {
    // Nothing listens on this port: the connection is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = ClientConfig::new("us-east-1");
    config.endpoint_url = Some(format!("http://127.0.0.1:{port}"));
    config.max_attempts = 1;
    let client = Client::with_config(config, Arc::new(creds())).unwrap();
    let mut req = GetSessionTokenRequest::new();
    req.serial_number = Some("arn:aws:iam::123456789012:mfa/me".into());
    req.token_code = Some(MFA.into());
    let e = client.get_session_token(&req).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport);
    let mut text = format!("{e} {e:?}");
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text = format!("{text} {s} {s:?}");
        source = s.source();
    }
    assert_clean("transport error chain", &text, &all());
}
