//! The framework catalogue: ISO/IEC 42001, NIST AI RMF (and AI 600-1), the EU AI
//! Act and ISO/IEC 27001, with crosswalks between them — all as data files in
//! our own documented TOML format (see `FORMAT.md`), compiled into the binary.
//!
//! Organisations add their own frameworks and mapping sets in the same format,
//! or as OSCAL catalogs; [`parse_framework`], [`parse_mapping_set`] and
//! [`oscal::parse_catalog`] validate them with errors naming line and field.
//!
//! Architecture invariant: no I/O here. Built-in files are `include_str!`-ed;
//! imported files arrive as text from the caller.

mod catalog;
mod error;
mod model;
pub mod oscal;
mod parse;

pub use catalog::{Catalog, Hit, Mapped};
pub use error::CatalogError;
pub use model::{Framework, Item, MappingSet, Pair, Relationship, AIMS_RECORDS};
pub use parse::{check_id, parse_any, parse_framework, parse_mapping_set, Parsed};

/// The built-in framework files, in display order.
pub const BUILTIN_FRAMEWORKS: &[(&str, &str)] = &[
    (
        "iso42001.toml",
        include_str!("../data/frameworks/iso42001.toml"),
    ),
    (
        "nist-ai-rmf.toml",
        include_str!("../data/frameworks/nist-ai-rmf.toml"),
    ),
    (
        "nist-ai-600-1.toml",
        include_str!("../data/frameworks/nist-ai-600-1.toml"),
    ),
    (
        "eu-ai-act.toml",
        include_str!("../data/frameworks/eu-ai-act.toml"),
    ),
    (
        "iso27001.toml",
        include_str!("../data/frameworks/iso27001.toml"),
    ),
];

/// The built-in mapping sets.
pub const BUILTIN_MAPPINGS: &[(&str, &str)] = &[
    (
        "nist-ai-rmf-to-iso42001.toml",
        include_str!("../data/mappings/nist-ai-rmf-to-iso42001.toml"),
    ),
    (
        "iso42001-to-eu-ai-act.toml",
        include_str!("../data/mappings/iso42001-to-eu-ai-act.toml"),
    ),
    (
        "iso42001-to-iso27001-clauses.toml",
        include_str!("../data/mappings/iso42001-to-iso27001-clauses.toml"),
    ),
    (
        "iso42001-to-iso27001-annex-a.toml",
        include_str!("../data/mappings/iso42001-to-iso27001-annex-a.toml"),
    ),
];

#[cfg(test)]
mod tests;
