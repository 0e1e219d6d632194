//! Presigned `GetCallerIdentity` requests: a presigned URL, the EKS token that
//! `aws eks get-token` and aws-iam-authenticator make, and the login data of Vault's AWS IAM
//! auth method. All pure: the clock is an argument.
//!
//! Each of these proves who the caller is to a third party (EKS, Vault) that forwards the
//! request to STS: treat every output as a short-lived secret.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use tinysts::{Credentials, endpoint, presign};
//!
//! # fn main() -> Result<(), tinysts::Error> {
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None);
//! let sts = endpoint::resolve(&endpoint::EndpointParams::new("eu-west-1"))?;
//! let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
//! let token = presign::eks_token(&creds, &sts, "my-cluster", now)?;
//! assert!(token.token().starts_with("k8s-aws-v1."));
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use crate::endpoint::Endpoint;
use crate::export::json_ascii_string;
use crate::sigv4::{SignableRequest, Signer, SigningParams, SigningSettings};
use crate::{Credentials, Error, base64};

/// The query of a `GetCallerIdentity` call.
const CALLER_IDENTITY_QUERY: &str = "Action=GetCallerIdentity&Version=2011-06-15";

/// The prefix of an EKS token (`TOKEN_PREFIX` in awscli's `get_token.py`).
pub const EKS_TOKEN_PREFIX: &str = "k8s-aws-v1.";

/// The header that binds an EKS token to its cluster.
pub const EKS_CLUSTER_HEADER: &str = "x-k8s-aws-id";

/// How long the presigned URL inside an EKS token is valid (`URL_TIMEOUT`): 60 seconds.
pub const EKS_URL_EXPIRES_IN: Duration = Duration::from_secs(60);

/// The `expirationTimestamp` awscli reports for a token: 14 minutes after it was made
/// (`TOKEN_EXPIRATION_MINS`; EKS accepts a token for 15 minutes).
pub const EKS_TOKEN_LIFETIME: Duration = Duration::from_secs(14 * 60);

/// The header Vault checks against its configured `iam_server_id_header_value`.
pub const VAULT_SERVER_ID_HEADER: &str = "X-Vault-AWS-IAM-Server-ID";

/// A presigned `GET` URL for `GetCallerIdentity` at `endpoint`, valid for `expires_in`,
/// signing `extra_signed_headers` (name, value) besides `host`. The receiver must send those
/// headers with the same values. The URL carries the session token, if any.
///
/// # Errors
/// [`crate::ErrorKind::InvalidInput`] when `expires_in` is not 1 second to 7 days or the time
/// is out of range.
pub fn caller_identity_url(
    credentials: &Credentials,
    endpoint: &Endpoint,
    time: SystemTime,
    expires_in: Duration,
    extra_signed_headers: &[(&str, &str)],
) -> Result<String, Error> {
    let host = endpoint.host();
    let mut headers = Vec::with_capacity(extra_signed_headers.len() + 1);
    headers.push(("host", host));
    headers.extend_from_slice(extra_signed_headers);
    let path = endpoint.path();
    let uri = format!("{path}?{CALLER_IDENTITY_QUERY}");
    let req = SignableRequest {
        method: "GET",
        uri: &uri,
        headers: &headers,
        body: b"",
    };
    let params = SigningParams {
        credentials,
        region: &endpoint.signing_region,
        service: &endpoint.signing_name,
        time,
        settings: SigningSettings::default(),
    };
    let presigned = Signer::new().presign(&req, &params, expires_in)?;
    let scheme = if endpoint.is_https() { "https" } else { "http" };
    Ok(format!("{scheme}://{host}{}", presigned.uri()))
}

/// An EKS bearer token and the expiry awscli reports for it.
#[derive(Clone, PartialEq, Eq)]
pub struct EksToken {
    token: String,
    expiration: SystemTime,
}

impl EksToken {
    /// The bearer token: `k8s-aws-v1.` and the unpadded base64url of the presigned URL.
    #[must_use]
    pub fn token(&self) -> &str {
        &self.token
    }

    /// When awscli considers the token expired: 14 minutes after it was made.
    #[must_use]
    pub fn expiration(&self) -> SystemTime {
        self.expiration
    }

    /// The token as a Kubernetes `ExecCredential` (`client.authentication.k8s.io/v1beta1`),
    /// laid out as `aws eks get-token` prints it (4-space indent, `expirationTimestamp` as
    /// `%Y-%m-%dT%H:%M:%SZ`), with a final newline. kubectl reads it from an `exec` plugin.
    #[must_use]
    pub fn exec_credential_json(&self) -> String {
        let mut out = String::with_capacity(self.token.len() + 200);
        out.push_str(
            "{\n    \"kind\": \"ExecCredential\",\n    \"apiVersion\": \
             \"client.authentication.k8s.io/v1beta1\",\n    \"spec\": {},\n    \"status\": {\n        \
             \"expirationTimestamp\": ",
        );
        json_ascii_string(&mut out, &format_seconds_z(self.expiration));
        out.push_str(",\n        \"token\": ");
        json_ascii_string(&mut out, &self.token);
        out.push_str("\n    }\n}\n");
        out
    }
}

impl fmt::Debug for EksToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EksToken")
            .field("token", &"** redacted **")
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// An EKS token for `cluster_name`, as `aws eks get-token --cluster-name` makes it: a
/// `GetCallerIdentity` URL at `endpoint` presigned at `time` for 60 seconds with the signed
/// header `x-k8s-aws-id: <cluster_name>`, base64url-encoded without padding after
/// `k8s-aws-v1.`. awscli signs against the STS endpoint of the configured region (regional
/// unless the profile asks for the legacy global one): resolve `endpoint` the same way.
///
/// # Errors
/// [`crate::ErrorKind::InvalidInput`] when `cluster_name` is empty or holds a control
/// character, or the time is out of range.
pub fn eks_token(
    credentials: &Credentials,
    endpoint: &Endpoint,
    cluster_name: &str,
    time: SystemTime,
) -> Result<EksToken, Error> {
    if cluster_name.is_empty() || cluster_name.chars().any(char::is_control) {
        return Err(Error::invalid_input(
            "cluster_name",
            "must be non-empty, without control characters",
        ));
    }
    let url = caller_identity_url(
        credentials,
        endpoint,
        time,
        EKS_URL_EXPIRES_IN,
        &[(EKS_CLUSTER_HEADER, cluster_name)],
    )?;
    let mut token = String::with_capacity(EKS_TOKEN_PREFIX.len() + url.len() * 4 / 3 + 4);
    token.push_str(EKS_TOKEN_PREFIX);
    token.push_str(&base64::encode_url_unpadded(url.as_bytes()));
    Ok(EksToken {
        token,
        expiration: time + EKS_TOKEN_LIFETIME,
    })
}

/// The presigned URL inside an EKS token (the inverse of [`eks_token`]'s encoding), or `None`
/// when `token` lacks the `k8s-aws-v1.` prefix or is not base64url of UTF-8 text. It does not
/// check the signature.
#[must_use]
pub fn eks_token_url(token: &str) -> Option<String> {
    let encoded = token.strip_prefix(EKS_TOKEN_PREFIX)?;
    String::from_utf8(base64::decode(encoded)?).ok()
}

/// Login data for Vault's AWS auth method, IAM type (`vault login -method=aws`): a signed
/// `POST` of `GetCallerIdentity` that Vault replays to STS.
#[derive(Clone, PartialEq, Eq)]
pub struct VaultLoginData {
    url: String,
    body: String,
    headers: Vec<(String, Vec<String>)>,
}

impl VaultLoginData {
    /// `iam_http_request_method`: always `POST`.
    #[must_use]
    pub fn method(&self) -> &'static str {
        "POST"
    }

    /// The request URL, e.g. `https://sts.amazonaws.com/` (not yet base64-encoded).
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The form body, `Action=GetCallerIdentity&Version=2011-06-15`.
    #[must_use]
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The headers sent, by name in Go's canonical form, sorted, each with its values. They
    /// include the `Authorization` header and the session token: secrets.
    #[must_use]
    pub fn headers(&self) -> &[(String, Vec<String>)] {
        &self.headers
    }

    /// The headers as Vault expects them before base64: a JSON object of name to list of
    /// values, as Go's `json.Marshal(http.Header)` writes it (sorted keys, no spaces).
    #[must_use]
    pub fn headers_json(&self) -> String {
        let mut out = String::from("{");
        for (i, (name, values)) in self.headers.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json_ascii_string(&mut out, name);
            out.push_str(":[");
            for (j, v) in values.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                json_ascii_string(&mut out, v);
            }
            out.push(']');
        }
        out.push('}');
        out
    }

    /// The JSON to send to `auth/aws/login` (add `role` as needed):
    /// `{"iam_http_request_method":"POST","iam_request_url":…,"iam_request_body":…,
    /// "iam_request_headers":…}`, the last three standard base64 with padding, as Vault's own
    /// `GenerateLoginData` makes them.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(2048);
        let _ = write!(
            out,
            "{{\"iam_http_request_method\":\"POST\",\"iam_request_url\":\"{}\",\
             \"iam_request_body\":\"{}\",\"iam_request_headers\":\"{}\"}}",
            base64::encode(self.url.as_bytes()),
            base64::encode(self.body.as_bytes()),
            base64::encode(self.headers_json().as_bytes()),
        );
        out
    }
}

impl fmt::Debug for VaultLoginData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("VaultLoginData")
            .field("url", &self.url)
            .field("body", &self.body)
            .field("header_names", &names)
            .finish_non_exhaustive()
    }
}

/// Login data for Vault's AWS IAM auth: `GetCallerIdentity` as a `POST` to `endpoint`, signed
/// at `time` with `Content-Type`, `Host`, `X-Amz-Date`, the session token and, when
/// `server_id` is given, `X-Vault-AWS-IAM-Server-ID`. Vault's default STS endpoint is the
/// global `https://sts.amazonaws.com` (signing region `us-east-1`).
///
/// # Errors
/// [`crate::ErrorKind::InvalidInput`] when `server_id` holds a control character, or the time
/// is out of range.
pub fn vault_login_data(
    credentials: &Credentials,
    endpoint: &Endpoint,
    time: SystemTime,
    server_id: Option<&str>,
) -> Result<VaultLoginData, Error> {
    const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";
    if server_id.is_some_and(|s| s.chars().any(char::is_control)) {
        return Err(Error::invalid_input(
            "server_id",
            "must not contain control characters",
        ));
    }
    let host = endpoint.host();
    let path = endpoint.path();
    let mut to_sign = vec![("content-type", CONTENT_TYPE), ("host", host)];
    if let Some(id) = server_id {
        to_sign.push(("x-vault-aws-iam-server-id", id));
    }
    let req = SignableRequest {
        method: "POST",
        uri: path,
        headers: &to_sign,
        body: CALLER_IDENTITY_QUERY.as_bytes(),
    };
    let params = SigningParams {
        credentials,
        region: &endpoint.signing_region,
        service: &endpoint.signing_name,
        time,
        settings: SigningSettings::default(),
    };
    let signed = Signer::new().sign(&req, &params)?;
    let mut headers: Vec<(String, Vec<String>)> = vec![
        ("Content-Type".to_owned(), vec![CONTENT_TYPE.to_owned()]),
        ("Host".to_owned(), vec![host.to_owned()]),
    ];
    if let Some(id) = server_id {
        headers.push((go_canonical(VAULT_SERVER_ID_HEADER), vec![id.to_owned()]));
    }
    for (name, value) in signed.headers() {
        headers.push((go_canonical(name), vec![value.to_owned()]));
    }
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    let scheme = if endpoint.is_https() { "https" } else { "http" };
    Ok(VaultLoginData {
        url: format!("{scheme}://{host}{path}"),
        body: CALLER_IDENTITY_QUERY.to_owned(),
        headers,
    })
}

/// Go's `http.CanonicalHeaderKey`: each dash-separated word capitalized, the rest lowercase.
fn go_canonical(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if upper {
            out.push(c.to_ascii_uppercase());
        } else {
            out.push(c.to_ascii_lowercase());
        }
        upper = c == '-';
    }
    out
}

/// `%Y-%m-%dT%H:%M:%SZ` in UTC.
pub(crate) fn format_seconds_z(t: SystemTime) -> String {
    let dt = time::OffsetDateTime::from(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::{EndpointParams, resolve};
    use std::time::UNIX_EPOCH;

    fn creds() -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            Some("SESSIONTOKEN/+=".to_owned()),
            None,
        )
    }

    fn at() -> SystemTime {
        // 2023-11-14T22:13:20Z
        UNIX_EPOCH + Duration::from_secs(1_700_000_000)
    }

    #[test]
    fn go_canonical_header_keys() {
        assert_eq!(go_canonical("x-amz-date"), "X-Amz-Date");
        assert_eq!(
            go_canonical("X-Vault-AWS-IAM-Server-ID"),
            "X-Vault-Aws-Iam-Server-Id"
        );
        assert_eq!(go_canonical("authorization"), "Authorization");
    }

    #[test]
    fn exec_credential_layout() {
        let ep = resolve(&EndpointParams::new("us-west-2")).unwrap();
        let t = eks_token(&creds(), &ep, "demo", at()).unwrap();
        assert_eq!(t.expiration(), at() + Duration::from_secs(840));
        let json = t.exec_credential_json();
        let want = format!(
            "{{\n    \"kind\": \"ExecCredential\",\n    \"apiVersion\": \
             \"client.authentication.k8s.io/v1beta1\",\n    \"spec\": {{}},\n    \
             \"status\": {{\n        \"expirationTimestamp\": \"2023-11-14T22:27:20Z\",\n        \
             \"token\": \"{}\"\n    }}\n}}\n",
            t.token()
        );
        assert_eq!(json, want);
    }

    #[test]
    fn debug_redacts() {
        let ep = resolve(&EndpointParams::new("us-east-1")).unwrap();
        let t = eks_token(&creds(), &ep, "demo", at()).unwrap();
        let shown = format!("{t:?}");
        assert!(!shown.contains(t.token()));
        assert!(!shown.contains("k8s-aws-v1."));
        let v = vault_login_data(&creds(), &ep, at(), Some("vault.example.com")).unwrap();
        let shown = format!("{v:?}");
        assert!(!shown.contains("SESSIONTOKEN"));
        assert!(!shown.contains("Signature="));
        assert!(shown.contains("X-Amz-Security-Token"));
    }

    #[test]
    fn bad_cluster_name_is_refused() {
        let ep = resolve(&EndpointParams::new("us-east-1")).unwrap();
        assert!(eks_token(&creds(), &ep, "", at()).is_err());
        assert!(eks_token(&creds(), &ep, "a\nb", at()).is_err());
        assert!(vault_login_data(&creds(), &ep, at(), Some("a\r\nX: y")).is_err());
    }

    #[test]
    fn vault_headers_sorted_and_complete() {
        let mut p = EndpointParams::new("us-east-1");
        p.use_global_endpoint = true;
        let ep = resolve(&p).unwrap();
        let v = vault_login_data(&creds(), &ep, at(), Some("vault.example.com")).unwrap();
        assert_eq!(v.url(), "https://sts.amazonaws.com/");
        let names: Vec<&str> = v.headers().iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Authorization",
                "Content-Type",
                "Host",
                "X-Amz-Date",
                "X-Amz-Security-Token",
                "X-Vault-Aws-Iam-Server-Id"
            ]
        );
        let auth = &v.headers()[0].1[0];
        assert!(auth.contains(
            "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-vault-aws-iam-server-id,"
        ));
    }
}
