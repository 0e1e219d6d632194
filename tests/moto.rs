//! Every STS operation moto implements, against moto's server with signature checks on.
//!
//! moto checks SigV4 signatures (with botocore) once `INITIAL_NO_AUTH_ACTION_COUNT` actions have
//! passed. The first six actions here are the IAM setup (a user, its access key, a policy, a
//! role) and the two operations STS serves unsigned; everything after is signed and checked.
//! Prints `moto <Operation>: ok` per operation.
// Test code: a failed expectation panics, and the scenario is one long sequence.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::too_many_lines,
    clippy::indexing_slicing,
    clippy::doc_markdown
)]

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tinysts::client::{Client, ClientConfig};
use tinysts::sigv4::{SignableRequest, SigningParams, SigningSettings, sign};
use tinysts::{
    AssumeRoleRequest, AssumeRoleWithSamlRequest, AssumeRoleWithWebIdentityRequest, Credentials,
    ErrorCode, ErrorKind, GetAccessKeyInfoRequest, GetCallerIdentityRequest,
    GetFederationTokenRequest, GetSessionTokenRequest, Tag,
};

const ACCOUNT: &str = "123456789012";

/// An IAM Query API call made during moto's unauthenticated window (signed with a dummy key so
/// that moto routes it to IAM).
fn iam(url: &str, body: &str) -> String {
    let host = url.trim_start_matches("http://");
    let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "setup-secret", None, None);
    let headers = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("host", host),
    ];
    let params = SigningParams {
        credentials: &creds,
        region: "us-east-1",
        service: "iam",
        time: SystemTime::now(),
        settings: SigningSettings::default(),
    };
    let req = SignableRequest {
        method: "POST",
        uri: "/",
        headers: &headers,
        body: body.as_bytes(),
    };
    let signed = sign(&req, &params).expect("sign setup");
    let mut r = ureq::post(&format!("{url}/")).header("content-type", headers[0].1);
    for (n, v) in signed.headers() {
        r = r.header(n, v);
    }
    let mut resp = r.send(body).expect("iam call");
    resp.body_mut().read_to_string().expect("iam body")
}

fn xml_text(doc: &str, name: &str) -> String {
    let d = roxmltree::Document::parse(doc).expect("iam xml");
    d.descendants()
        .find(|n| n.tag_name().name() == name)
        .and_then(|n| n.text())
        .unwrap_or_else(|| panic!("no {name} in {doc}"))
        .to_owned()
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn saml_assertion(role_arn: &str, provider_arn: &str) -> String {
    let xml = format!(
        r#"<?xml version="1.0"?>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1" Version="2.0">
  <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_2" Version="2.0">
    <saml:AttributeStatement>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">
        <saml:AttributeValue>{role_arn},{provider_arn}</saml:AttributeValue>
      </saml:Attribute>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">
        <saml:AttributeValue>saml-session</saml:AttributeValue>
      </saml:Attribute>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration">
        <saml:AttributeValue>1800</saml:AttributeValue>
      </saml:Attribute>
    </saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>"#
    );
    base64(xml.as_bytes())
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(T[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn client(url: &str, creds: Credentials) -> Client {
    let mut config = ClientConfig::new("us-east-1");
    config.endpoint_url = Some(url.to_owned());
    config.max_attempts = 1;
    Client::with_config(config, Arc::new(creds)).expect("client")
}

#[test]
fn moto_end_to_end() {
    let Some(moto) = common::moto() else { return };
    let url = moto.url.as_str();

    // 1-4: IAM setup, unauthenticated.
    iam(url, "Action=CreateUser&Version=2010-05-08&UserName=tinysts");
    let key = iam(
        url,
        "Action=CreateAccessKey&Version=2010-05-08&UserName=tinysts",
    );
    let akid = xml_text(&key, "AccessKeyId");
    let secret = xml_text(&key, "SecretAccessKey");
    let policy =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    iam(
        url,
        &format!(
            "Action=PutUserPolicy&Version=2010-05-08&UserName=tinysts&PolicyName=all&PolicyDocument={}",
            enc(policy)
        ),
    );
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:user/tinysts"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let role = iam(
        url,
        &format!(
            "Action=CreateRole&Version=2010-05-08&RoleName=demo&AssumeRolePolicyDocument={}",
            enc(&trust)
        ),
    );
    let role_arn = xml_text(&role, "Arn");
    assert_eq!(role_arn, format!("arn:aws:iam::{ACCOUNT}:role/demo"));

    let anonymous = {
        let mut config = ClientConfig::new("us-east-1");
        config.endpoint_url = Some(url.to_owned());
        Client::anonymous(config).expect("anonymous client")
    };

    // 5-6: the operations STS serves unsigned.
    let saml = anonymous
        .assume_role_with_saml(&AssumeRoleWithSamlRequest::new(
            role_arn.clone(),
            format!("arn:aws:iam::{ACCOUNT}:saml-provider/idp"),
            saml_assertion(
                &role_arn,
                &format!("arn:aws:iam::{ACCOUNT}:saml-provider/idp"),
            ),
        ))
        .expect("AssumeRoleWithSAML");
    assert!(saml.credentials.access_key_id().starts_with("ASIA"));
    assert!(
        saml.assumed_role_user.arn.ends_with("demo/saml-session"),
        "{}",
        saml.assumed_role_user.arn
    );
    assert!(!saml.request_id.is_empty());
    println!("moto AssumeRoleWithSAML: ok");

    let mut web = AssumeRoleWithWebIdentityRequest::new(
        role_arn.clone(),
        "web-session",
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0aW55c3RzIn0.c2lnbmF0dXJl",
    );
    web.duration_seconds = Some(900);
    let web = anonymous
        .assume_role_with_web_identity(&web)
        .expect("AssumeRoleWithWebIdentity");
    assert!(
        web.credentials
            .session_token()
            .is_some_and(|t| !t.is_empty())
    );
    assert!(web.assumed_role_user.arn.ends_with("demo/web-session"));
    assert!(web.credentials.expiration().is_some());
    println!("moto AssumeRoleWithWebIdentity: ok");

    // From here on, every call is signed and moto checks the signature.
    let user = client(
        url,
        Credentials::new(akid.clone(), secret.clone(), None, None),
    );
    let me = user
        .get_caller_identity(&GetCallerIdentityRequest::new())
        .expect("GetCallerIdentity");
    assert_eq!(me.account, ACCOUNT);
    assert_eq!(me.arn, format!("arn:aws:iam::{ACCOUNT}:user/tinysts"));
    assert!(!me.user_id.is_empty());
    println!("moto GetCallerIdentity: ok");

    let info = user
        .get_access_key_info(&GetAccessKeyInfoRequest::new(akid.clone()))
        .expect("GetAccessKeyInfo");
    assert_eq!(info.account, ACCOUNT);
    println!("moto GetAccessKeyInfo: ok");

    let mut st = GetSessionTokenRequest::new();
    st.duration_seconds = Some(900);
    let st = user.get_session_token(&st).expect("GetSessionToken");
    assert!(st.credentials.session_token().is_some());
    let exp = st.credentials.expiration().expect("expiration");
    assert!(exp > SystemTime::now() + Duration::from_secs(800));
    println!("moto GetSessionToken: ok");

    let mut fed = GetFederationTokenRequest::new("feduser");
    fed.duration_seconds = Some(900);
    let fed = user.get_federation_token(&fed).expect("GetFederationToken");
    assert!(
        fed.federated_user.arn.ends_with("federated-user/feduser"),
        "{}",
        fed.federated_user.arn
    );
    assert!(fed.credentials.session_token().is_some());
    println!("moto GetFederationToken: ok");

    let mut ar = AssumeRoleRequest::new(role_arn.clone(), "tinysts-session");
    ar.duration_seconds = Some(900);
    ar.external_id = Some("external-123".into());
    ar.tags = vec![Tag::new("team", "platform")];
    let assumed = user.assume_role(&ar).expect("AssumeRole");
    assert!(assumed.credentials.access_key_id().starts_with("ASIA"));
    assert_eq!(
        assumed.assumed_role_user.arn,
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/demo/tinysts-session")
    );
    println!("moto AssumeRole: ok");

    // Role chaining: the assumed credentials sign the next call, token included.
    let role_client = client(url, assumed.credentials.clone());
    let who = role_client
        .get_caller_identity(&GetCallerIdentityRequest::new())
        .expect("GetCallerIdentity as the role");
    assert_eq!(who.arn, assumed.assumed_role_user.arn);
    println!("moto GetCallerIdentity (assumed role): ok");

    // A wrong secret: a typed SignatureDoesNotMatch, no secret in the text.
    let bad = client(
        url,
        Credentials::new(akid, "wrong-secret-value", None, None),
    );
    let err = bad
        .get_session_token(&GetSessionTokenRequest::new())
        .expect_err("bad signature");
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(err.code(), Some(&ErrorCode::SignatureDoesNotMatch), "{err}");
    assert!(!err.to_string().contains("wrong-secret-value"));
    assert!(!format!("{err:?}").contains(&secret));
    println!("moto SignatureDoesNotMatch: ok");
}
