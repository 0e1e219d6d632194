//! The awsQuery form writer: `Action=…&Version=…&Name=value&List.member.1=…`.
//!
//! Values are encoded as botocore encodes them (`urlencode` on UTF-8): the unreserved set
//! `A-Z a-z 0-9 - _ . ~` is kept, space becomes `+`, every other byte becomes `%XX` with upper
//! case hex. The string built here is the exact body that is hashed and sent.

use std::fmt::Write as _;

/// The STS API version every request names.
pub const STS_VERSION: &str = "2011-06-15";

/// Writes an awsQuery form body. Names are written relative to the current scope: inside
/// [`QueryWriter::list`] the scope is `Name.member.N`, inside [`QueryWriter::structure`] it is
/// `Name`; an empty name writes the scope itself (a list of scalars).
#[derive(Debug, Clone)]
pub struct QueryWriter {
    body: String,
    prefix: String,
}

impl QueryWriter {
    /// Starts a body with `Action=action&Version=2011-06-15`.
    #[must_use]
    pub fn new(action: &str) -> Self {
        Self::with_version(action, STS_VERSION)
    }

    /// Starts a body with `Action=action&Version=version`.
    #[must_use]
    pub fn with_version(action: &str, version: &str) -> Self {
        let mut body = String::with_capacity(256);
        body.push_str("Action=");
        encode_into(&mut body, action);
        body.push_str("&Version=");
        encode_into(&mut body, version);
        Self {
            body,
            prefix: String::new(),
        }
    }

    fn key(&mut self, name: &str) {
        self.body.push('&');
        if name.is_empty() {
            // A scalar list member: the scope itself, without its trailing dot.
            let scope = self.prefix.strip_suffix('.').unwrap_or(&self.prefix);
            encode_into(&mut self.body, scope);
        } else {
            encode_into(&mut self.body, &self.prefix);
            encode_into(&mut self.body, name);
        }
        self.body.push('=');
    }

    /// Writes a string member.
    pub fn string(&mut self, name: &str, value: &str) {
        self.key(name);
        encode_into(&mut self.body, value);
    }

    /// Writes a string member when it is set.
    pub fn opt_string(&mut self, name: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.string(name, v);
        }
    }

    /// Writes an integer member.
    pub fn integer(&mut self, name: &str, value: i64) {
        self.key(name);
        // Writing to a String cannot fail.
        let _ = write!(self.body, "{value}");
    }

    /// Writes an integer member when it is set.
    pub fn opt_integer(&mut self, name: &str, value: Option<i64>) {
        if let Some(v) = value {
            self.integer(name, v);
        }
    }

    /// Writes a boolean member as `true` or `false`.
    pub fn boolean(&mut self, name: &str, value: bool) {
        self.key(name);
        self.body.push_str(if value { "true" } else { "false" });
    }

    /// Writes a boolean member when it is set.
    pub fn opt_boolean(&mut self, name: &str, value: Option<bool>) {
        if let Some(v) = value {
            self.boolean(name, v);
        }
    }

    /// Writes a list as `name.member.1…`; `each` writes one item in the scope
    /// `name.member.N` (call [`QueryWriter::string`] with an empty name for a scalar). An empty
    /// list is written as `name=`.
    pub fn list<T>(&mut self, name: &str, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        if items.is_empty() {
            self.key(name);
            return;
        }
        let saved = self.prefix.len();
        for (i, item) in items.iter().enumerate() {
            self.prefix.truncate(saved);
            self.prefix.push_str(name);
            self.prefix.push_str(".member.");
            push_usize(&mut self.prefix, i + 1);
            self.prefix.push('.');
            each(self, item);
        }
        self.prefix.truncate(saved);
    }

    /// Writes a list of strings as `name.member.N=value` (an empty list as `name=`).
    pub fn string_list<S: AsRef<str>>(&mut self, name: &str, items: &[S]) {
        self.list(name, items, |w, s| w.string("", s.as_ref()));
    }

    /// Writes a nested structure: members written by `f` are named `name.Member`.
    pub fn structure(&mut self, name: &str, f: impl FnOnce(&mut Self)) {
        let saved = self.prefix.len();
        self.prefix.push_str(name);
        self.prefix.push('.');
        f(self);
        self.prefix.truncate(saved);
    }

    /// The finished body.
    #[must_use]
    pub fn finish(self) -> String {
        self.body
    }
}

fn push_usize(s: &mut String, v: usize) {
    // Writing to a String cannot fail.
    let _ = write!(s, "{v}");
}

/// The upper-case hex digit of a nibble (`n < 16`).
fn hex_digit(n: u8) -> char {
    char::from(if n < 10 { b'0' + n } else { b'A' + n - 10 })
}

/// Appends `value` form-encoded as botocore does: unreserved kept, space as `+`, rest `%XX`.
pub fn encode_into(out: &mut String, value: &str) {
    let bytes = value.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            continue;
        }
        out.push_str(value.get(start..i).unwrap_or_default());
        if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(hex_digit(b >> 4));
            out.push(hex_digit(b & 0xf));
        }
        start = i + 1;
    }
    out.push_str(value.get(start..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_lists_and_structures() {
        let mut w = QueryWriter::new("AssumeRole");
        w.string("RoleArn", "arn:aws:iam::123456789012:role/demo");
        w.integer("DurationSeconds", 3600);
        w.integer("Neg", -42);
        w.boolean("Flag", false);
        w.list("Tags", &[("k 1", "v~*")], |w, (k, v)| {
            w.string("Key", k);
            w.string("Value", v);
        });
        w.string_list("TransitiveTagKeys", &["a", "b"]);
        w.string_list::<&str>("Empty", &[]);
        w.structure("Nested", |w| w.string("Inner", "x"));
        assert_eq!(
            w.finish(),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo\
             &DurationSeconds=3600&Neg=-42&Flag=false&Tags.member.1.Key=k+1&Tags.member.1.Value=v~%2A\
             &TransitiveTagKeys.member.1=a&TransitiveTagKeys.member.2=b&Empty=&Nested.Inner=x"
        );
    }

    #[test]
    fn non_ascii_is_percent_encoded_per_byte() {
        let mut s = String::new();
        encode_into(&mut s, "é+/ \u{3000}");
        assert_eq!(s, "%C3%A9%2B%2F+%E3%80%80");
    }
}
