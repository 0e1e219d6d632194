//! Checks for the constraints of the STS model: string lengths, character patterns, integer
//! ranges and list sizes.
//!
//! Lengths count Unicode scalar values (characters), as Smithy's `@length` does for strings.
//! The model's patterns are ECMAScript regular expressions made of one character class each;
//! they are checked here by hand-written class tests, without a regex engine. In those
//! patterns `\w` is `[A-Za-z0-9_]` and `\d` is `[0-9]` (ASCII only).
//!
//! Error texts name the rule, never the value: some values are secrets (MFA codes, tokens).

use std::borrow::Cow;

use crate::Error;

/// A character class from the model, named after the shapes that use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pattern {
    /// `arnType`: `[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+`.
    Arn,
    /// Session policies: `[\u0009\u000A\u000D\u0020-\u00FF]+`.
    Policy,
    /// `roleSessionNameType`, `sourceIdentityType`, `userNameType`: `[\w+=,.@-]*`.
    Name,
    /// `externalIdType` (`[\w+=,.@:\/-]*`) and `serialNumberType` (`[\w+=/:,.@-]*`): the same set.
    NameSlashColon,
    /// `tokenCodeType`: `[\d]*`.
    Digits,
    /// `accessKeyIdType`: `[\w]*`.
    Word,
    /// `tagKeyType`, `tagValueType`: `[\p{L}\p{Z}\p{N}_.:/=+\-@]`.
    Tag,
}

impl Pattern {
    /// The model's pattern text, quoted in error messages.
    fn text(self) -> &'static str {
        match self {
            Self::Arn => {
                r"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+"
            }
            Self::Policy => r"[\u0009\u000A\u000D\u0020-\u00FF]+",
            Self::Name => r"[\w+=,.@-]*",
            Self::NameSlashColon => r"[\w+=/:,.@-]*",
            Self::Digits => r"[\d]*",
            Self::Word => r"[\w]*",
            Self::Tag => r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*",
        }
    }

    /// Whether `c` belongs to the class.
    pub(crate) fn allows(self, c: char) -> bool {
        match self {
            Self::Arn => matches!(c,
                '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{7E}' | '\u{85}'
                | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}'),
            Self::Policy => matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{FF}'),
            Self::Name => is_word(c) || matches!(c, '+' | '=' | ',' | '.' | '@' | '-'),
            Self::NameSlashColon => {
                is_word(c) || matches!(c, '+' | '=' | '/' | ':' | ',' | '.' | '@' | '-')
            }
            Self::Digits => c.is_ascii_digit(),
            Self::Word => is_word(c),
            Self::Tag => {
                is_letter(c)
                    || is_separator(c)
                    || c.is_numeric()
                    || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
            }
        }
    }
}

/// `\w` in an ECMAScript pattern without the `u` flag's case folding: `[A-Za-z0-9_]`.
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `\p{L}`. The standard library exposes the `Alphabetic` property, which is `L`, `Nl` and
/// `Other_Alphabetic` (some combining marks); `Nl` is in `\p{N}` anyway, so the only
/// difference is that those few marks are accepted here. STS checks again on its side.
fn is_letter(c: char) -> bool {
    c.is_alphabetic()
}

/// `\p{Z}`: space separators (`Zs`), the line separator and the paragraph separator.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        '\u{20}' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Prefixes `rule` with the list item it concerns (1-based, as on the wire).
fn rule(item: Option<usize>, rule: String) -> Cow<'static, str> {
    match item {
        Some(i) => Cow::Owned(format!("(item {i}) {rule}")),
        None => Cow::Owned(rule),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Checks a string's length in characters (`max` of `None` means unbounded) and, when given,
/// that every character belongs to `pattern`. `item` is the 1-based list position, if any.
pub(crate) fn string(
    field: &'static str,
    item: Option<usize>,
    value: &str,
    min: usize,
    max: Option<usize>,
    pattern: Option<Pattern>,
) -> Result<(), Error> {
    // Counting stops early: a 100 000-character SAML assertion is not walked twice.
    let limit = max.map_or(min, |m| m.max(min)).saturating_add(1);
    let len = value.chars().take(limit).count();
    if max == Some(min) && len != min {
        return Err(Error::invalid_input(
            field,
            rule(
                item,
                format!("must be exactly {min} character{}", plural(min)),
            ),
        ));
    }
    if len < min {
        return Err(Error::invalid_input(
            field,
            rule(
                item,
                format!("must be at least {min} character{}", plural(min)),
            ),
        ));
    }
    if let Some(max) = max {
        if len > max {
            return Err(Error::invalid_input(
                field,
                rule(
                    item,
                    format!("must be at most {max} character{}", plural(max)),
                ),
            ));
        }
    }
    if let Some(p) = pattern {
        if let Some(pos) = value.chars().position(|c| !p.allows(c)) {
            return Err(Error::invalid_input(
                field,
                rule(
                    item,
                    format!(
                        "must match the pattern {} (character {} is not allowed)",
                        p.text(),
                        pos + 1
                    ),
                ),
            ));
        }
    }
    Ok(())
}

/// Checks an optional string; `None` passes.
pub(crate) fn opt_string(
    field: &'static str,
    value: Option<&str>,
    min: usize,
    max: Option<usize>,
    pattern: Option<Pattern>,
) -> Result<(), Error> {
    match value {
        Some(v) => string(field, None, v, min, max, pattern),
        None => Ok(()),
    }
}

/// Checks an optional integer against an inclusive range; `None` passes.
pub(crate) fn opt_range(
    field: &'static str,
    value: Option<i32>,
    min: i32,
    max: i32,
) -> Result<(), Error> {
    match value {
        Some(v) if v < min => Err(Error::invalid_input(
            field,
            format!("must be at least {min}"),
        )),
        Some(v) if v > max => Err(Error::invalid_input(
            field,
            format!("must be at most {max}"),
        )),
        _ => Ok(()),
    }
}

/// Checks a list's size. An empty optional list is not sent, so `min` applies to required
/// lists and to lists that are set (non-empty); pass `required` accordingly.
pub(crate) fn list_len<T>(
    field: &'static str,
    items: &[T],
    required: bool,
    min: usize,
    max: Option<usize>,
) -> Result<(), Error> {
    let n = items.len();
    if (required || n > 0) && n < min {
        return Err(Error::invalid_input(
            field,
            format!("must have at least {min} item{}", plural(min)),
        ));
    }
    if let Some(max) = max {
        if n > max {
            return Err(Error::invalid_input(
                field,
                format!("must have at most {max} item{}", plural(max)),
            ));
        }
    }
    Ok(())
}

/// The 1-based positions of `items`, for error messages and wire names.
pub(crate) fn numbered<T>(items: &[T]) -> impl Iterator<Item = (usize, &T)> {
    items.iter().enumerate().map(|(i, t)| (i + 1, t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn classes() {
        assert!("ab_Z9+=,.@-".chars().all(|c| Pattern::Name.allows(c)));
        assert!(!Pattern::Name.allows('/'));
        assert!(!Pattern::Name.allows('é'));
        assert!(Pattern::NameSlashColon.allows('/') && Pattern::NameSlashColon.allows(':'));
        assert!(Pattern::Digits.allows('7') && !Pattern::Digits.allows('٣'));
        assert!(Pattern::Word.allows('_') && !Pattern::Word.allows('-'));
        assert!(Pattern::Policy.allows('ÿ') && !Pattern::Policy.allows('Ā'));
        assert!(!Pattern::Policy.allows('\u{0}') && Pattern::Policy.allows('\t'));
        assert!(Pattern::Arn.allows('😀') && !Pattern::Arn.allows('\u{FFFE}'));
        assert!(!Pattern::Arn.allows('\u{1}') && Pattern::Arn.allows('\u{85}'));
        for c in [
            'Ж', 'é', '日', '٣', '½', '\u{A0}', '\u{3000}', '\u{2009}', '@', '-',
        ] {
            assert!(Pattern::Tag.allows(c), "{c:?}");
        }
        for c in ['*', '!', '\t', '\n', '#', '&'] {
            assert!(!Pattern::Tag.allows(c), "{c:?}");
        }
    }

    #[test]
    fn lengths_count_characters() {
        // Four characters, eight bytes.
        assert!(string("F", None, "ÉÉÉÉ", 2, Some(4), None).is_ok());
        let e = string("F", Some(3), "ÉÉÉÉÉ", 2, Some(4), None).err();
        assert_eq!(e.as_ref().map(Error::kind), Some(ErrorKind::InvalidInput));
        assert_eq!(e.as_ref().and_then(Error::field), Some("F"));
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("invalid input: F (item 3) must be at most 4 characters")
        );
        let e = string(
            "TokenCode",
            None,
            "12345",
            6,
            Some(6),
            Some(Pattern::Digits),
        )
        .err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("invalid input: TokenCode must be exactly 6 characters")
        );
        let e = string(
            "TokenCode",
            None,
            "12a456",
            6,
            Some(6),
            Some(Pattern::Digits),
        )
        .err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some(
                r"invalid input: TokenCode must match the pattern [\d]* (character 3 is not allowed)"
            )
        );
    }

    #[test]
    fn ranges_and_lists() {
        assert!(opt_range("D", Some(900), 900, 43200).is_ok());
        assert!(opt_range("D", None, 900, 43200).is_ok());
        assert!(opt_range("D", Some(899), 900, 43200).is_err());
        assert!(opt_range("D", Some(43201), 900, 43200).is_err());
        assert!(list_len::<u8>("L", &[], false, 1, Some(5)).is_ok());
        assert!(list_len::<u8>("L", &[], true, 1, Some(5)).is_err());
        assert!(list_len("L", &[0; 6], false, 1, Some(5)).is_err());
        assert!(list_len("L", &[0; 5], true, 1, Some(5)).is_ok());
    }
}
