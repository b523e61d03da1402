//! Field-level validation errors, collected so a user sees every problem at once.

use serde::Serialize;
use std::collections::BTreeMap;

/// Problems with named input fields: field name → human-readable messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Error for a single field.
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_default()
            .push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was added, `Err(self)` otherwise.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Messages for one field (empty when the field is fine).
    pub fn get(&self, field: &str) -> &[String] {
        self.0.get(field).map(Vec::as_slice).unwrap_or(&[])
    }

    /// One sentence naming every field at fault, for logs and problem details.
    pub fn summary(&self) -> String {
        self.0
            .iter()
            .map(|(field, msgs)| format!("{field}: {}", msgs.join("; ")))
            .collect::<Vec<_>>()
            .join(". ")
    }
}

/// Trims `value` and checks its length in characters; records a message under `field`.
pub fn required_text(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    max_chars: usize,
) -> String {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        errors.add(field, "is required");
    } else if trimmed.chars().count() > max_chars {
        errors.add(field, format!("must be at most {max_chars} characters"));
    } else if has_control_chars(trimmed) {
        errors.add(field, CONTROL_MESSAGE);
    } else if has_hidden_format_chars(trimmed) {
        errors.add(field, HIDDEN_MESSAGE);
    }
    trimmed.to_owned()
}

const HIDDEN_MESSAGE: &str =
    "must not contain invisible characters (bidirectional overrides or zero-width characters)";

/// True when `s` holds a character that changes how text around it is shown
/// without being visible itself: bidirectional embeddings, overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069) and zero-width characters (U+200B–U+200D,
/// U+2060, U+FEFF). In a name they make two records look alike or reverse
/// what an approver reads ("Trojan Source"), so names and titles refuse them.
pub fn has_hidden_format_chars(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
    })
}

/// The first place in a JSON value where a string (or an object key) holds a
/// control character other than tab and line breaks, as a path like
/// `items[2].title`; `None` when the whole value is clean. Every text that
/// enters aims from a JSON body or an imported file passes this check first.
pub fn json_control_char_path(value: &serde_json::Value) -> Option<String> {
    fn walk(v: &serde_json::Value, path: &mut String) -> bool {
        match v {
            serde_json::Value::String(s) => has_control_chars(s),
            serde_json::Value::Array(items) => items.iter().enumerate().any(|(i, item)| {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let found = walk(item, path);
                if !found {
                    path.truncate(len);
                }
                found
            }),
            serde_json::Value::Object(map) => map.iter().any(|(k, item)| {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                if has_control_chars(k) {
                    path.push_str(&k.escape_debug().to_string());
                    return true;
                }
                path.push_str(k);
                let found = walk(item, path);
                if !found {
                    path.truncate(len);
                }
                found
            }),
            _ => false,
        }
    }
    let mut path = String::new();
    walk(value, &mut path).then(|| {
        if path.is_empty() {
            "body".to_owned()
        } else {
            path
        }
    })
}

pub const CONTROL_MESSAGE: &str =
    "must not contain control characters (other than tabs and line breaks)";

/// True when `s` holds a control character other than tab, line feed or carriage
/// return (PostgreSQL refuses NUL in text, and none of them belongs in a record).
pub fn has_control_chars(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// True for a record id as aims issues them (a UUID); anything else cannot
/// exist, so callers answer "not found" without asking the database.
pub fn is_record_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Like [`required_text`] but an empty value is allowed.
pub fn optional_text(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    max_chars: usize,
) -> String {
    let trimmed = value.trim();
    if trimmed.chars().count() > max_chars {
        errors.add(field, format!("must be at most {max_chars} characters"));
    } else if has_control_chars(trimmed) {
        errors.add(field, CONTROL_MESSAGE);
    }
    trimmed.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_messages_per_field() {
        let mut e = FieldErrors::new();
        let name = required_text(&mut e, "name", "   ", 10);
        assert_eq!(name, "");
        optional_text(&mut e, "purpose", &"x".repeat(11), 10);
        assert_eq!(e.get("name"), ["is required"]);
        assert_eq!(e.get("purpose"), ["must be at most 10 characters"]);
        assert!(e.summary().contains("name: is required"));
        assert!(e.into_result().is_err());
    }

    #[test]
    fn control_characters_are_refused_but_line_breaks_are_fine() {
        let mut e = FieldErrors::new();
        required_text(&mut e, "name", "a\0b", 10);
        optional_text(&mut e, "purpose", "line one\nline two\ttabbed", 100);
        assert_eq!(e.get("name").len(), 1);
        assert!(e.get("purpose").is_empty());
        assert!(is_record_id("01a20aff-0ff3-762d-a3d6-b19374940cea"));
        assert!(!is_record_id("../etc") && !is_record_id("\0"));
        // Exactly the UUID shape: 36 characters, dashes at 8, 13, 18 and 23.
        assert!(is_record_id("ABCDEF01-0ff3-762d-a3d6-b19374940cea"));
        assert!(!is_record_id("01a20aff-0ff3-762d-a3d6-b19374940ce"));
        assert!(!is_record_id("01a20aff-0ff3-762d-a3d6-b19374940ceaa"));
        assert!(!is_record_id("01a20aff00ff3-762d-a3d6-b19374940cea"));
        assert!(!is_record_id("01a20aff-0ff3-762d-a3d6-b1937494-cea"));
        assert!(!is_record_id("------------------------------------"));
        assert!(!is_record_id("01a20aff-0ff3-762d-a3d6-b19374940ceg"));
    }

    #[test]
    fn errors_are_listed_per_field() {
        let e = FieldErrors::single("name", "is required");
        assert!(!e.is_empty());
        assert_eq!(e.get("name"), ["is required"]);
        let mut e2 = e.clone();
        e2.add("name", "is odd");
        e2.add("slug", "is taken");
        let listed: Vec<(&str, &[String])> = e2.iter().collect();
        assert_eq!(listed.len(), 2);
        assert_eq!(
            listed[0],
            ("name", &["is required".to_owned(), "is odd".to_owned()][..])
        );
        assert_eq!(listed[1].0, "slug");
        assert_eq!(e2.summary(), "name: is required; is odd. slug: is taken");
        assert!(FieldErrors::new().into_result().is_ok());
        assert!(e2.get("other").is_empty());
    }

    #[test]
    fn length_bounds_are_inclusive() {
        let mut e = FieldErrors::new();
        assert_eq!(required_text(&mut e, "a", &"x".repeat(10), 10).len(), 10);
        optional_text(&mut e, "b", &"é".repeat(10), 10);
        assert!(e.is_empty(), "{e:?}");
        required_text(&mut e, "c", &"x".repeat(11), 10);
        assert_eq!(e.get("c"), ["must be at most 10 characters"]);
        assert_eq!(required_text(&mut e, "d", "  padded  ", 6), "padded");
        assert!(e.get("d").is_empty());
    }

    #[test]
    fn names_refuse_invisible_format_characters() {
        for bad in [
            "a\u{202E}b",
            "a\u{2066}b",
            "a\u{200B}b",
            "a\u{FEFF}b",
            "a\u{2060}b",
            "a\u{200D}b",
            "a\u{202A}b",
            "a\u{2069}b",
        ] {
            let mut e = FieldErrors::new();
            required_text(&mut e, "name", bad, 100);
            assert_eq!(e.get("name").len(), 1, "{bad:?} should be refused");
            assert!(has_hidden_format_chars(bad));
        }
        for good in [
            "Ærø ☃ 日本",
            "a\u{2029}b",
            "a\u{200E}b",
            "a\u{2065}b",
            "a\u{2061}b",
            "a\u{200A}b",
        ] {
            assert!(!has_hidden_format_chars(good), "{good:?}");
        }
        // Free text (a purpose) may hold them: right-to-left text needs marks.
        let mut e = FieldErrors::new();
        optional_text(&mut e, "purpose", "a\u{202E}b", 100);
        assert!(e.is_empty());
    }

    #[test]
    fn json_paths_name_the_string_at_fault() {
        use serde_json::json;
        assert_eq!(
            json_control_char_path(&json!({"a": "ok\nline", "b": [1, "x\ty"]})),
            None
        );
        assert_eq!(
            json_control_char_path(&json!({"a": {"b": ["ok", "bad\u{0}"]}})).as_deref(),
            Some("a.b[1]")
        );
        assert_eq!(
            json_control_char_path(&json!({"k\u{1}": 1})).as_deref(),
            Some("k\\u{1}")
        );
        assert_eq!(
            json_control_char_path(&json!("\u{85}")).as_deref(),
            Some("body")
        );
        assert_eq!(
            json_control_char_path(&json!([["ok"], ["\u{7f}"]])).as_deref(),
            Some("[1][0]")
        );
        assert_eq!(
            json_control_char_path(&json!({"a": 1, "b": null, "c": true})),
            None
        );
    }
}
