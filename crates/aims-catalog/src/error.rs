use std::fmt;

/// Why a catalogue file was refused: where (line, field) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    /// 1-based line in the file, when known.
    pub line: Option<usize>,
    /// The field at fault, e.g. `item.title` or `pair.target`.
    pub field: Option<String>,
    pub message: String,
}

impl CatalogError {
    pub fn new(message: impl Into<String>) -> CatalogError {
        CatalogError {
            line: None,
            field: None,
            message: message.into(),
        }
    }

    pub fn at(line: Option<usize>, field: &str, message: impl Into<String>) -> CatalogError {
        CatalogError {
            line,
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, &self.field) {
            (Some(l), Some(field)) => write!(f, "line {l}, field `{field}`: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            (None, Some(field)) => write!(f, "field `{field}`: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for CatalogError {}

/// 1-based line of byte offset `at` in `text`.
pub(crate) fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(at.min(text.len()))
        .filter(|b| **b == b'\n')
        .count()
        + 1
}
