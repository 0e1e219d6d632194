//! Structures shared by several operations: session tags, managed policy descriptors, provided
//! contexts, and the user descriptions STS returns; plus the parsing and validation pieces
//! they share.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use roxmltree::Node;

pub(crate) use super::validate::numbered;
use super::validate::{self, Pattern};
use crate::query::QueryWriter;
use crate::{Credentials, Error, xml};

/// A session tag: a key and a value (`Tag` in the STS model).
///
/// Keys are 1 to 128 characters, values 0 to 256, both of letters, digits, spaces and
/// `_ . : / = + - @`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag {
    /// The tag key (`Key`).
    pub key: String,
    /// The tag value (`Value`, may be empty).
    pub value: String,
}

impl Tag {
    /// A tag from its key and value.
    #[must_use]
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// A managed policy given by ARN (`PolicyDescriptorType` in the STS model), used as a session
/// policy (`PolicyArns`) or as the task policy of `AssumeRoot`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PolicyDescriptorType {
    /// The ARN of the IAM managed policy (`arn`); optional in the model.
    pub arn: Option<String>,
}

impl PolicyDescriptorType {
    /// A descriptor naming the managed policy `arn`.
    #[must_use]
    pub fn new(arn: impl Into<String>) -> Self {
        Self {
            arn: Some(arn.into()),
        }
    }
}

/// A context assertion from a trusted context provider (`ProvidedContext` in the STS model),
/// such as the identity center's trusted identity propagation. `Debug` redacts the assertion.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct ProvidedContext {
    /// The ARN of the context provider (`ProviderArn`).
    pub provider_arn: Option<String>,
    /// The signed context assertion (`ContextAssertion`, 4 to 2048 characters).
    pub context_assertion: Option<String>,
}

impl ProvidedContext {
    /// A provided context from its provider ARN and signed assertion.
    #[must_use]
    pub fn new(provider_arn: impl Into<String>, context_assertion: impl Into<String>) -> Self {
        Self {
            provider_arn: Some(provider_arn.into()),
            context_assertion: Some(context_assertion.into()),
        }
    }
}

impl fmt::Debug for ProvidedContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProvidedContext")
            .field("provider_arn", &self.provider_arn)
            .field(
                "context_assertion",
                &self.context_assertion.as_ref().map(|_| REDACTED),
            )
            .finish()
    }
}

/// The role session STS created (`AssumedRoleUser` in the STS model).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AssumedRoleUser {
    /// `AssumedRoleId`: the role id and session name, `AROA…:session`.
    pub assumed_role_id: String,
    /// `Arn`: the ARN of the session, `arn:aws:sts::123456789012:assumed-role/role/session`.
    pub arn: String,
}

/// The federated user STS created (`FederatedUser` in the STS model).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FederatedUser {
    /// `FederatedUserId`: the account id and name, `123456789012:name`.
    pub federated_user_id: String,
    /// `Arn`: the ARN of the federated user, `arn:aws:sts::123456789012:federated-user/name`.
    pub arn: String,
}

/// What `Debug` prints in place of a secret.
pub(crate) const REDACTED: &str = "** redacted **";

/// `Some(REDACTED)` when a secret is set, for `Debug`.
pub(crate) fn redact<T>(v: Option<&T>) -> Option<&'static str> {
    v.map(|_| REDACTED)
}

// ---------------------------------------------------------------------------------------------
// Validation of the shared shapes.

/// `arnType`: 20 to 2048 characters of the ARN class.
pub(crate) fn check_arn(field: &'static str, item: Option<usize>, arn: &str) -> Result<(), Error> {
    validate::string(field, item, arn, 20, Some(2048), Some(Pattern::Arn))
}

/// `PolicyArns`: each descriptor's `arn` is an `arnType` (the list has no size limit).
pub(crate) fn check_policy_arns(items: &[PolicyDescriptorType]) -> Result<(), Error> {
    for (i, p) in numbered(items) {
        if let Some(arn) = &p.arn {
            check_arn("PolicyArns.arn", Some(i), arn)?;
        }
    }
    Ok(())
}

/// `Tags`: at most 50; keys 1 to 128, values 0 to 256 characters of the tag class.
pub(crate) fn check_tags(items: &[Tag]) -> Result<(), Error> {
    validate::list_len("Tags", items, false, 0, Some(50))?;
    for (i, t) in numbered(items) {
        validate::string(
            "Tags.Key",
            Some(i),
            &t.key,
            1,
            Some(128),
            Some(Pattern::Tag),
        )?;
        validate::string(
            "Tags.Value",
            Some(i),
            &t.value,
            0,
            Some(256),
            Some(Pattern::Tag),
        )?;
    }
    Ok(())
}

/// `TransitiveTagKeys`: at most 50 tag keys.
/// `SerialNumber` (9 to 256 characters of `[\w+=/:,.@-]`) and `TokenCode` (6 digits): the MFA
/// pair of `AssumeRole` and `GetSessionToken`.
pub(crate) fn check_mfa(
    serial_number: Option<&str>,
    token_code: Option<&str>,
) -> Result<(), Error> {
    validate::opt_string(
        "SerialNumber",
        serial_number,
        9,
        Some(256),
        Some(Pattern::NameSlashColon),
    )?;
    validate::opt_string("TokenCode", token_code, 6, Some(6), Some(Pattern::Digits))
}

pub(crate) fn check_tag_keys(items: &[String]) -> Result<(), Error> {
    validate::list_len("TransitiveTagKeys", items, false, 0, Some(50))?;
    for (i, k) in numbered(items) {
        validate::string(
            "TransitiveTagKeys",
            Some(i),
            k,
            1,
            Some(128),
            Some(Pattern::Tag),
        )?;
    }
    Ok(())
}

/// `ProvidedContexts`: 1 to 5 when set; provider ARNs and assertions of 4 to 2048 characters.
pub(crate) fn check_provided_contexts(items: &[ProvidedContext]) -> Result<(), Error> {
    validate::list_len("ProvidedContexts", items, false, 1, Some(5))?;
    for (i, c) in numbered(items) {
        if let Some(arn) = &c.provider_arn {
            check_arn("ProvidedContexts.ProviderArn", Some(i), arn)?;
        }
        if let Some(a) = &c.context_assertion {
            validate::string(
                "ProvidedContexts.ContextAssertion",
                Some(i),
                a,
                4,
                Some(2048),
                None,
            )?;
        }
    }
    Ok(())
}

/// Session policy documents of `sessionPolicyDocumentType`: 1 to 2048 characters of the
/// policy class.
pub(crate) fn check_session_policy(policy: Option<&str>) -> Result<(), Error> {
    validate::opt_string("Policy", policy, 1, Some(2048), Some(Pattern::Policy))
}

// ---------------------------------------------------------------------------------------------
// Writing the shared shapes (botocore's order: the members in model order).

/// Writes `PolicyArns.member.N.arn` when the list is set.
pub(crate) fn write_policy_arns(w: &mut QueryWriter, items: &[PolicyDescriptorType]) {
    if !items.is_empty() {
        w.list("PolicyArns", items, |w, p| {
            w.opt_string("arn", p.arn.as_deref());
        });
    }
}

/// Writes `Tags.member.N.Key` and `.Value` when the list is set.
pub(crate) fn write_tags(w: &mut QueryWriter, items: &[Tag]) {
    if !items.is_empty() {
        w.list("Tags", items, |w, t| {
            w.string("Key", &t.key);
            w.string("Value", &t.value);
        });
    }
}

/// Writes a list of strings when it is set.
pub(crate) fn write_strings(w: &mut QueryWriter, name: &str, items: &[String]) {
    if !items.is_empty() {
        w.string_list(name, items);
    }
}

/// Writes `ProvidedContexts.member.N.ProviderArn` and `.ContextAssertion` when set.
pub(crate) fn write_provided_contexts(w: &mut QueryWriter, items: &[ProvidedContext]) {
    if !items.is_empty() {
        w.list("ProvidedContexts", items, |w, c| {
            w.opt_string("ProviderArn", c.provider_arn.as_deref());
            w.opt_string("ContextAssertion", c.context_assertion.as_deref());
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing.

/// The text of an element (`""` when empty), kept as sent.
pub(crate) fn text<'a>(node: Node<'a, '_>) -> &'a str {
    node.text().unwrap_or("")
}

/// The child elements of `node`, in document order.
pub(crate) fn elements<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(Node::is_element)
}

/// Parses `<{response}><{result}>…` and returns the result element and the request id.
pub(crate) fn envelope<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
    response: &'static str,
    result: &'static str,
) -> Result<(Node<'a, 'i>, String), Error> {
    let root = doc.root_element();
    if root.tag_name().name() != response {
        // Not a success: an `<ErrorResponse>` becomes a service error, anything else is named.
        let (node, request_id) = xml::result_node(doc, response, result)?;
        return Ok((node, request_id.to_owned()));
    }
    // One pass over the root's children (`xml::result_node` would make two).
    let (mut node, mut request_id) = (None, None);
    for n in elements(root) {
        match n.tag_name().name() {
            "ResponseMetadata" => {
                request_id = elements(n)
                    .find(|m| m.tag_name().name() == "RequestId")
                    .map(text);
            }
            name if name == result => node = Some(n),
            _ => {}
        }
    }
    let request_id = required(request_id, "RequestId")?.to_owned();
    Ok((required(node, result)?, request_id))
}

/// Parses a `<Credentials>` element: all four members are required.
pub(crate) fn parse_credentials(node: Node<'_, '_>) -> Result<Credentials, Error> {
    let (mut akid, mut secret, mut token, mut expiration) = (None, None, None, None);
    for n in elements(node) {
        match n.tag_name().name() {
            "AccessKeyId" => akid = Some(text(n)),
            "SecretAccessKey" => secret = Some(text(n)),
            "SessionToken" => token = Some(text(n)),
            "Expiration" => {
                expiration = Some(parse_time(text(n), "Credentials/Expiration")?);
            }
            _ => {}
        }
    }
    let akid = akid.ok_or_else(|| xml::missing("Credentials/AccessKeyId"))?;
    let secret = secret.ok_or_else(|| xml::missing("Credentials/SecretAccessKey"))?;
    let token = token.ok_or_else(|| xml::missing("Credentials/SessionToken"))?;
    let expiration = expiration.ok_or_else(|| xml::missing("Credentials/Expiration"))?;
    Ok(Credentials::new(
        akid,
        secret,
        Some(token.to_owned()),
        Some(expiration),
    ))
}

/// Parses an `<AssumedRoleUser>` element.
pub(crate) fn parse_assumed_role_user(node: Node<'_, '_>) -> Result<AssumedRoleUser, Error> {
    let (mut id, mut arn) = (None, None);
    for n in elements(node) {
        match n.tag_name().name() {
            "AssumedRoleId" => id = Some(text(n)),
            "Arn" => arn = Some(text(n)),
            _ => {}
        }
    }
    Ok(AssumedRoleUser {
        assumed_role_id: id
            .ok_or_else(|| xml::missing("AssumedRoleUser/AssumedRoleId"))?
            .to_owned(),
        arn: arn
            .ok_or_else(|| xml::missing("AssumedRoleUser/Arn"))?
            .to_owned(),
    })
}

/// Parses a `<FederatedUser>` element.
pub(crate) fn parse_federated_user(node: Node<'_, '_>) -> Result<FederatedUser, Error> {
    let (mut id, mut arn) = (None, None);
    for n in elements(node) {
        match n.tag_name().name() {
            "FederatedUserId" => id = Some(text(n)),
            "Arn" => arn = Some(text(n)),
            _ => {}
        }
    }
    Ok(FederatedUser {
        federated_user_id: id
            .ok_or_else(|| xml::missing("FederatedUser/FederatedUserId"))?
            .to_owned(),
        arn: arn
            .ok_or_else(|| xml::missing("FederatedUser/Arn"))?
            .to_owned(),
    })
}

/// Parses `PackedPolicySize` (a non-negative integer).
pub(crate) fn parse_packed_policy_size(node: Node<'_, '_>) -> Result<u32, Error> {
    xml::parse_int(text(node), "PackedPolicySize")
}

/// Unwraps a required value or reports the missing element.
pub(crate) fn required<T>(value: Option<T>, name: &'static str) -> Result<T, Error> {
    value.ok_or_else(|| xml::missing(name))
}

/// Parses a timestamp element. STS sends `YYYY-MM-DDTHH:MM:SS[.fraction]Z`; that form is read
/// directly (it is most of the cost of a small response otherwise), anything else goes to the
/// general RFC 3339 parser, which also produces the error.
pub(crate) fn parse_time(text: &str, name: &'static str) -> Result<SystemTime, Error> {
    match fast_utc_timestamp(text.as_bytes()) {
        Some(t) => Ok(t),
        None => xml::parse_timestamp(text, name),
    }
}

fn digit(b: u8) -> Option<u64> {
    b.is_ascii_digit().then(|| u64::from(b - b'0'))
}

fn two(a: u8, b: u8) -> Option<u64> {
    Some(digit(a)? * 10 + digit(b)?)
}

/// `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z` with a year from 1970, or `None`.
fn fast_utc_timestamp(b: &[u8]) -> Option<SystemTime> {
    let [
        y0,
        y1,
        y2,
        y3,
        b'-',
        mo0,
        mo1,
        b'-',
        d0,
        d1,
        b'T',
        h0,
        h1,
        b':',
        mi0,
        mi1,
        b':',
        s0,
        s1,
        rest @ ..,
    ] = b
    else {
        return None;
    };
    let year = two(*y0, *y1)? * 100 + two(*y2, *y3)?;
    let (month, day) = (two(*mo0, *mo1)?, two(*d0, *d1)?);
    let (hour, minute, second) = (two(*h0, *h1)?, two(*mi0, *mi1)?, two(*s0, *s1)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    // Leap seconds and years before 1970 take the general path.
    if year < 1970 || day == 0 || day > month_days || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let nanos = match rest {
        [b'Z'] => 0,
        [b'.', frac @ .., b'Z'] if !frac.is_empty() && frac.len() <= 9 => {
            let mut n: u64 = 0;
            for &c in frac {
                n = n * 10 + digit(c)?;
            }
            for _ in frac.len()..9 {
                n *= 10;
            }
            n
        }
        _ => return None,
    };
    // Days from the civil date (Howard Hinnant's algorithm), for years from 1970.
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second;
    UNIX_EPOCH.checked_add(Duration::new(secs, u32::try_from(nanos).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_timestamps_agree_with_the_rfc3339_parser() {
        let cases = [
            "1970-01-01T00:00:00Z",
            "2011-07-11T19:55:29.611Z",
            "2019-11-09T13:34:41Z",
            "2020-02-29T23:59:59.999999999Z",
            "2024-12-31T00:00:00.5Z",
            "2100-03-01T12:00:00Z",
            "2000-02-29T01:02:03.000001Z",
            "9999-12-31T23:59:59Z",
        ];
        for c in cases {
            let fast = fast_utc_timestamp(c.as_bytes());
            assert!(fast.is_some(), "{c}");
            assert_eq!(
                fast.ok_or(()),
                xml::parse_timestamp(c, "T").map_err(|_| ()),
                "{c}"
            );
        }
        // Other forms take the general path, which accepts offsets and rejects nonsense.
        for c in [
            "2019-11-09T13:34:41+01:00",
            "2019-11-09t13:34:41z",
            "1969-12-31T23:59:59Z",
            "2019-11-09T13:34:41.1234567890Z",
        ] {
            assert!(fast_utc_timestamp(c.as_bytes()).is_none(), "{c}");
            assert!(parse_time(c, "T").is_ok(), "{c}");
        }
        for c in [
            "2019-02-29T00:00:00Z",
            "2019-13-01T00:00:00Z",
            "2019-11-09T24:00:00Z",
            "2019-11-09T13:34:41.Z",
            "2019-11-09T13:34:41",
            "",
        ] {
            assert!(fast_utc_timestamp(c.as_bytes()).is_none(), "{c}");
            assert!(parse_time(c, "T").is_err(), "{c}");
        }
    }
}
