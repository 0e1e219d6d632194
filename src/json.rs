//! A small, strict reader for the flat JSON objects credential sources print
//! (`credential_process`, the container endpoint, IMDS, the SSO token cache): top-level
//! string, number, boolean and null members; a nested object or array is kept as its JSON
//! text, to be read the same way. No panics on any input.

use std::collections::BTreeMap;

/// A top-level JSON member value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    /// An object or array, as its JSON text.
    Nested(String),
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 32;

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        self.ws();
        (self.peek()? == b).then(|| self.i += 1)
    }

    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = String::new();
        loop {
            let b = self.peek()?;
            self.i += 1;
            match b {
                b'"' => return Some(out),
                b'\\' => {
                    let e = self.peek()?;
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hex = std::str::from_utf8(self.s.get(self.i..self.i + 4)?).ok()?;
                            let code = u32::from_str_radix(hex, 16).ok()?;
                            self.i += 4;
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        _ => return None,
                    }
                }
                0..=0x1f => return None,
                _ => {
                    // Copy the whole UTF-8 sequence starting at this byte.
                    let start = self.i - 1;
                    let mut end = self.i;
                    while self.s.get(end).is_some_and(|c| (c & 0xC0) == 0x80) {
                        end += 1;
                    }
                    out.push_str(std::str::from_utf8(self.s.get(start..end)?).ok()?);
                    self.i = end;
                }
            }
        }
    }

    fn value(&mut self) -> Option<Value> {
        self.ws();
        match self.peek()? {
            b'"' => self.string().map(Value::Str),
            b'{' | b'[' => {
                let start = self.i;
                self.skip_nested()?;
                let text = std::str::from_utf8(self.s.get(start..self.i)?).ok()?;
                Some(Value::Nested(text.to_owned()))
            }
            b't' => self.word("true").map(|()| Value::Bool(true)),
            b'f' => self.word("false").map(|()| Value::Bool(false)),
            b'n' => self.word("null").map(|()| Value::Null),
            _ => {
                let start = self.i;
                while matches!(
                    self.peek(),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                ) {
                    self.i += 1;
                }
                let text = std::str::from_utf8(self.s.get(start..self.i)?).ok()?;
                text.parse().ok().map(Value::Num)
            }
        }
    }

    fn word(&mut self, w: &str) -> Option<()> {
        let end = self.i + w.len();
        (self.s.get(self.i..end)? == w.as_bytes()).then(|| self.i = end)
    }

    fn skip_nested(&mut self) -> Option<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let close = if self.peek()? == b'{' { b'}' } else { b']' };
        self.i += 1;
        self.ws();
        if self.peek()? == close {
            self.i += 1;
            self.depth -= 1;
            return Some(());
        }
        loop {
            if close == b'}' {
                self.string()?;
                self.eat(b':')?;
            }
            self.value()?;
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                c if c == close => {
                    self.i += 1;
                    self.depth -= 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }
}

/// Parses a JSON object's top-level members; `None` when `text` is not one JSON object.
pub(crate) fn parse_object(text: &str) -> Option<BTreeMap<String, Value>> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    p.eat(b'{')?;
    let mut out = BTreeMap::new();
    p.ws();
    if p.peek()? == b'}' {
        p.i += 1;
    } else {
        loop {
            let k = p.string()?;
            p.eat(b':')?;
            let v = p.value()?;
            out.insert(k, v);
            p.ws();
            match p.peek()? {
                b',' => p.i += 1,
                b'}' => {
                    p.i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    p.ws();
    (p.i == p.s.len()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_objects() {
        let o = parse_object(r#" {"Version": 1, "AccessKeyId":"A\u0042", "Nested": {"x": [1, {"y": null}]}, "T": true} "#)
            .expect("object");
        assert_eq!(o.get("Version"), Some(&Value::Num(1.0)));
        assert_eq!(o.get("AccessKeyId"), Some(&Value::Str("AB".into())));
        assert_eq!(
            o.get("Nested"),
            Some(&Value::Nested(r#"{"x": [1, {"y": null}]}"#.into()))
        );
        let Some(Value::Nested(inner)) = o.get("Nested") else {
            panic!("nested")
        };
        let inner = parse_object(inner).expect("inner object");
        assert!(matches!(inner.get("x"), Some(Value::Nested(a)) if a == r#"[1, {"y": null}]"#));
        for bad in [
            "",
            "{",
            "[1]",
            "{\"a\":}",
            "{\"a\":1,}",
            "{\"a\":1} x",
            "{\"a\":\"\u{1}\"}",
        ] {
            assert!(parse_object(bad).is_none(), "{bad:?}");
        }
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(100), "]".repeat(100));
        assert!(parse_object(&deep).is_none());
    }

    /// Every byte-level mutation and truncation of real documents (an SSO token cache, a
    /// `GetRoleCredentials` answer, an IMDS document) parses or is refused, without a panic;
    /// a nested value that parses is itself one JSON value that parses the same way.
    #[test]
    fn mutations_never_panic() {
        let docs = [
            r#"{"accessToken":"t","expiresAt":"2199-11-14T04:05:45Z","refreshToken":"r","clientId":"c","clientSecret":"s","registrationExpiresAt":"2199-03-06T19:53:17Z","region":"us-east-1","startUrl":"https://d-abc123.awsapps.com/start"}"#,
            r#"{"roleCredentials":{"accessKeyId":"ASIA","secretAccessKey":"s","sessionToken":"t","expiration":1651516560000}}"#,
            "{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : \"2021-09-21T18:30:29Z\",\n  \"Type\" : \"AWS-HMAC\",\n  \"AccessKeyId\" : \"ASIARTEST\",\n  \"Token\" : \"t\\u00e9\"\n}",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let interesting = b"{}[]\":,\\u0123456789.-+eE ntfrl\x00\xff";
        for doc in docs {
            for cut in 0..doc.len() {
                let _ = doc.get(..cut).map(parse_object);
            }
            for _ in 0..2000 {
                let mut bytes = doc.as_bytes().to_vec();
                for _ in 0..=(next() % 4) {
                    let at = usize::try_from(next() % bytes.len() as u64).unwrap_or(0);
                    let pick = usize::try_from(next() % interesting.len() as u64).unwrap_or(0);
                    let b = interesting.get(pick).copied().unwrap_or(b'x');
                    match next() % 3 {
                        0 => bytes.insert(at, b),
                        1 => {
                            bytes.remove(at);
                        }
                        _ => {
                            if let Some(slot) = bytes.get_mut(at) {
                                *slot = b;
                            }
                        }
                    }
                    if bytes.is_empty() {
                        break;
                    }
                }
                let text = String::from_utf8_lossy(&bytes);
                if let Some(obj) = parse_object(&text) {
                    for v in obj.values() {
                        if let Value::Nested(inner) = v {
                            if inner.starts_with('{') {
                                assert!(parse_object(inner).is_some(), "{inner}");
                            }
                        }
                    }
                }
            }
        }
    }
}
