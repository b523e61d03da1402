//! AI systems: the first entry of the inventory.

use crate::validation::{optional_text, required_text, FieldErrors};

pub const NAME_MAX: usize = 200;
pub const PURPOSE_MAX: usize = 4000;

/// The editable fields of an AI system, validated.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SystemFields {
    pub name: String,
    pub purpose: String,
}

impl SystemFields {
    /// Validates raw input; every problem is reported, keyed by field name.
    pub fn parse(name: &str, purpose: &str) -> Result<SystemFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = required_text(&mut errors, "name", name, NAME_MAX);
        let purpose = optional_text(&mut errors, "purpose", purpose, PURPOSE_MAX);
        errors.into_result()?;
        Ok(SystemFields { name, purpose })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_name_and_purpose() {
        let ok = SystemFields::parse("  Claims triage  ", "Routes insurance claims").unwrap();
        assert_eq!(ok.name, "Claims triage");
        let err = SystemFields::parse("", &"p".repeat(PURPOSE_MAX + 1)).unwrap_err();
        assert_eq!(err.get("name"), ["is required"]);
        assert_eq!(err.get("purpose").len(), 1);
    }
}
