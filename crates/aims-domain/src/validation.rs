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
    }
    trimmed.to_owned()
}

const CONTROL_MESSAGE: &str =
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
    s.len() == 36 && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
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
    }
}
