//! roxmltree helpers: finding the result element, reading child text, timestamps, and turning
//! `<ErrorResponse>` into a [`ServiceError`].
//!
//! Elements are matched by local name, so responses parse with or without the STS namespace.
//! DTDs are refused (no entity expansion) and the node count is bounded.

use std::time::SystemTime;

use roxmltree::{Document, Node, ParsingOptions};

use crate::error::{Error, ErrorKind, ServiceError};

/// The most nodes a response may have; STS responses have a few dozen.
const NODES_LIMIT: u32 = 10_000;

/// Parses `body` as XML with DTDs refused and a node limit.
pub(crate) fn parse(body: &str) -> Result<Document<'_>, Error> {
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODES_LIMIT,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(body, opts)
        .map_err(|e| Error::invalid_response("response is not well-formed xml").with_source(e))
}

/// The first child element of `node` with local name `name`.
pub(crate) fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|n| n.is_element() && n.tag_name().name() == name)
}

/// The text of the child element `name`, when present (`""` for an empty element).
pub(crate) fn child_text<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(node, name).map(|n| n.text().unwrap_or(""))
}

/// The invalid-response error for a missing required element.
pub(crate) fn missing(name: &'static str) -> Error {
    Error::invalid_response(format!("response is missing required element {name}"))
}

/// Parses an integer element's text.
pub(crate) fn parse_int<T: std::str::FromStr>(text: &str, name: &'static str) -> Result<T, Error> {
    text.trim()
        .parse()
        .map_err(|_| Error::invalid_response(format!("element {name} is not a valid integer")))
}

/// Parses an ISO 8601 / RFC 3339 timestamp, with or without fractional seconds.
pub(crate) fn parse_timestamp(text: &str, name: &'static str) -> Result<SystemTime, Error> {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(text.trim(), &Rfc3339)
        .map(SystemTime::from)
        .map_err(|e| {
            Error::invalid_response(format!("element {name} is not a valid timestamp"))
                .with_source(e)
        })
}

/// Finds `<{Action}Response><{Action}Result>` and the request id of a success response.
///
/// The root must be `{action}Response`; a root of `ErrorResponse` (or `Response` with
/// `<Errors>`) is turned into a service error with `status`.
pub(crate) fn result_node<'a, 'i>(
    doc: &'a Document<'i>,
    response: &'static str,
    result: &'static str,
) -> Result<(Node<'a, 'i>, &'a str), Error> {
    let root = doc.root_element();
    let name = root.tag_name().name();
    if name != response {
        if let Some(e) = service_error_from_doc(doc, 200) {
            return Err(Error::service(e));
        }
        return Err(Error::invalid_response(format!(
            "expected root element {response}, found {}",
            truncate(name, 64)
        )));
    }
    let request_id = child(root, "ResponseMetadata")
        .and_then(|m| child_text(m, "RequestId"))
        .ok_or_else(|| missing("RequestId"))?;
    let result = child(root, result).ok_or_else(|| missing(result))?;
    Ok((result, request_id))
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

/// Reads `<ErrorResponse><Error>…` (also `<Response><Errors><Error>…` and
/// `<ErrorResponse><Errors><Error>…`), with or without namespace.
pub(crate) fn service_error_from_doc(doc: &Document<'_>, status: u16) -> Option<ServiceError> {
    let root = doc.root_element();
    let root_name = root.tag_name().name();
    if root_name != "ErrorResponse" && root_name != "Response" {
        return None;
    }
    let error =
        child(root, "Error").or_else(|| child(root, "Errors").and_then(|e| child(e, "Error")))?;
    let code = child_text(error, "Code")?;
    let message = child_text(error, "Message").unwrap_or("").to_owned();
    let request_id = child_text(root, "RequestId")
        .or_else(|| child_text(root, "RequestID"))
        .or_else(|| child(root, "ResponseMetadata").and_then(|m| child_text(m, "RequestId")))
        .map(str::to_owned);
    Some(ServiceError::new(code.trim(), message, request_id, status))
}

/// Turns a non-success response body into an error: a service error when it is an
/// `<ErrorResponse>`, otherwise an invalid-response error naming the status.
pub(crate) fn error_from_body(body: &str, status: u16) -> Error {
    match parse(body) {
        Ok(doc) => match service_error_from_doc(&doc, status) {
            Some(e) => Error::service(e),
            None => Error::invalid_response(format!(
                "http {status} with an unexpected xml body (root {})",
                truncate(doc.root_element().tag_name().name(), 64)
            )),
        },
        Err(e) => Error::other(
            ErrorKind::InvalidResponse,
            format!("http {status} with a body that is not an sts error response"),
        )
        .with_source(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_response_variants() {
        let bodies = [
            r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>nope</Message></Error><RequestId>r1</RequestId></ErrorResponse>"#,
            "<ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>nope</Message></Error></Errors><RequestId>r1</RequestId></ErrorResponse>",
            "<Response><Errors><Error><Code>AccessDenied</Code><Message>nope</Message></Error></Errors><RequestID>r1</RequestID></Response>",
        ];
        for b in bodies {
            let e = error_from_body(b, 403);
            let s = e.service_error().expect(b);
            assert_eq!(s.code(), &crate::ErrorCode::AccessDenied);
            assert_eq!(s.message(), "nope");
            assert_eq!(s.request_id(), Some("r1"));
            assert_eq!(s.status(), 403);
        }
    }

    #[test]
    fn html_and_dtd_are_invalid_responses() {
        assert_eq!(
            error_from_body("<html><body>oops", 500).kind(),
            ErrorKind::InvalidResponse
        );
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><ErrorResponse>&lol2;</ErrorResponse>"#;
        assert_eq!(
            parse(bomb).err().map(|e| e.kind()),
            Some(ErrorKind::InvalidResponse)
        );
    }

    #[test]
    fn timestamps_with_and_without_fraction() {
        let a = parse_timestamp("2011-07-15T23:28:33Z", "Expiration").expect("plain");
        let b = parse_timestamp("2011-07-15T23:28:33.359Z", "Expiration").expect("fraction");
        assert!(b > a);
        assert!(parse_timestamp("tomorrow", "Expiration").is_err());
    }
}
