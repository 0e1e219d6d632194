//! Credentials printed the way `aws configure export-credentials` prints them: `process`
//! (the `credential_process` JSON, version 1) and `env` / `env-no-export` (shell lines).
//!
//! The layout is awscli's (`awscli/customizations/configure/exportcreds.py`): JSON indented by
//! two spaces with `": "` separators and non-ASCII escaped, keys in the order `Version`,
//! `AccessKeyId`, `SecretAccessKey`, `SessionToken`, `Expiration`; shell lines in the order
//! `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
//! `AWS_CREDENTIAL_EXPIRATION`, values unquoted; each output ends with a newline. The
//! expiration is Python's `datetime.isoformat()` of a UTC time: `2024-05-01T12:00:00+00:00`,
//! with `.ffffff` microseconds only when they are not zero.
//!
//! Both outputs contain the secret key: print them only where the user asked for them.
//!
//! ```
//! use tinysts::{Credentials, export};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "secret", None, None);
//! assert_eq!(
//!     export::env(&creds, true),
//!     "export AWS_ACCESS_KEY_ID=AKIDEXAMPLE\nexport AWS_SECRET_ACCESS_KEY=secret\n"
//! );
//! ```

use std::fmt::Write as _;
use std::time::SystemTime;

use crate::Credentials;

/// The `credential_process` JSON (`"Version": 1`) for `credentials`, as
/// `aws configure export-credentials --format process` prints it, with a final newline.
#[must_use]
pub fn process_json(credentials: &Credentials) -> String {
    let mut out = String::with_capacity(256);
    out.push_str("{\n  \"Version\": 1,\n  \"AccessKeyId\": ");
    json_ascii_string(&mut out, credentials.access_key_id());
    out.push_str(",\n  \"SecretAccessKey\": ");
    json_ascii_string(&mut out, credentials.secret_access_key());
    if let Some(token) = credentials.session_token() {
        out.push_str(",\n  \"SessionToken\": ");
        json_ascii_string(&mut out, token);
    }
    if let Some(expiration) = credentials.expiration() {
        out.push_str(",\n  \"Expiration\": ");
        json_ascii_string(&mut out, &isoformat(expiration));
    }
    out.push_str("\n}\n");
    out
}

/// Shell variable lines for `credentials`: `export NAME=value` lines when `export` is true
/// (`--format env`), `NAME=value` otherwise (`--format env-no-export`).
#[must_use]
pub fn env(credentials: &Credentials, export: bool) -> String {
    let prefix = if export { "export " } else { "" };
    let mut out = String::with_capacity(256);
    let mut line = |name: &str, value: &str| {
        let _ = writeln!(out, "{prefix}{name}={value}");
    };
    line("AWS_ACCESS_KEY_ID", credentials.access_key_id());
    line("AWS_SECRET_ACCESS_KEY", credentials.secret_access_key());
    if let Some(token) = credentials.session_token() {
        line("AWS_SESSION_TOKEN", token);
    }
    if let Some(expiration) = credentials.expiration() {
        line("AWS_CREDENTIAL_EXPIRATION", &isoformat(expiration));
    }
    out
}

/// Python's `datetime.isoformat()` of a UTC-aware datetime: `2024-05-01T12:00:00+00:00`, or
/// `2024-05-01T12:00:00.250000+00:00` when there are microseconds. Out-of-range times clamp to
/// the epoch.
#[must_use]
pub fn isoformat(t: SystemTime) -> String {
    let dt = time::OffsetDateTime::from(t);
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    );
    let micros = dt.microsecond();
    if micros != 0 {
        let _ = write!(out, ".{micros:06}");
    }
    out.push_str("+00:00");
    out
}

/// Writes `s` as a JSON string the way Python's `json.dumps` does by default
/// (`ensure_ascii=True`): `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other control characters
/// and every non-ASCII character as `\uXXXX` (UTF-16 surrogate pairs above U+FFFF).
pub(crate) fn json_ascii_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn temporary() -> Credentials {
        Credentials::new(
            "ASIAEXAMPLE",
            "wJalr/K7MDENG+bPxRfiCY",
            Some("FwoG/Zg==".to_owned()),
            // 2024-05-01T12:00:00Z
            Some(UNIX_EPOCH + Duration::from_secs(1_714_564_800)),
        )
    }

    #[test]
    fn process_json_layout_matches_awscli() {
        assert_eq!(
            process_json(&temporary()),
            "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIAEXAMPLE\",\n  \
             \"SecretAccessKey\": \"wJalr/K7MDENG+bPxRfiCY\",\n  \
             \"SessionToken\": \"FwoG/Zg==\",\n  \
             \"Expiration\": \"2024-05-01T12:00:00+00:00\"\n}\n"
        );
        let long_term = Credentials::new("AKIDEXAMPLE", "s", None, None);
        assert_eq!(
            process_json(&long_term),
            "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"AKIDEXAMPLE\",\n  \
             \"SecretAccessKey\": \"s\"\n}\n"
        );
    }

    #[test]
    fn process_json_is_valid_json() {
        let v: serde_json::Value = serde_json::from_str(&process_json(&temporary())).unwrap();
        assert_eq!(v["Version"], 1);
        assert_eq!(v["SessionToken"], "FwoG/Zg==");
    }

    #[test]
    fn env_lines_in_awscli_order() {
        assert_eq!(
            env(&temporary(), true),
            "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE\n\
             export AWS_SECRET_ACCESS_KEY=wJalr/K7MDENG+bPxRfiCY\n\
             export AWS_SESSION_TOKEN=FwoG/Zg==\n\
             export AWS_CREDENTIAL_EXPIRATION=2024-05-01T12:00:00+00:00\n"
        );
        assert_eq!(
            env(&temporary(), false),
            "AWS_ACCESS_KEY_ID=ASIAEXAMPLE\n\
             AWS_SECRET_ACCESS_KEY=wJalr/K7MDENG+bPxRfiCY\n\
             AWS_SESSION_TOKEN=FwoG/Zg==\n\
             AWS_CREDENTIAL_EXPIRATION=2024-05-01T12:00:00+00:00\n"
        );
    }

    #[test]
    fn isoformat_like_python() {
        let t = UNIX_EPOCH + Duration::from_secs(1_714_564_800);
        assert_eq!(isoformat(t), "2024-05-01T12:00:00+00:00");
        assert_eq!(
            isoformat(t + Duration::from_millis(250)),
            "2024-05-01T12:00:00.250000+00:00"
        );
        // Python truncates below microseconds.
        assert_eq!(
            isoformat(t + Duration::from_nanos(1_999)),
            "2024-05-01T12:00:00.000001+00:00"
        );
    }

    #[test]
    fn json_escapes_like_python_ensure_ascii() {
        let mut out = String::new();
        json_ascii_string(&mut out, "a\"b\\c\n\u{1}é😀");
        assert_eq!(out, r#""a\"b\\c\n\u0001\u00e9\ud83d\ude00""#);
    }
}
