//! Reading framework and mapping-set files (our TOML format), with errors that
//! name the line and the field.

use crate::error::{line_of, CatalogError};
use crate::model::{
    Framework, Item, MappingSet, Pair, Relationship, AIMS_RECORDS, FRAMEWORK_KINDS, STRENGTHS,
};
use crate::Catalog;
use serde::Deserialize;
use std::collections::HashSet;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworkFile {
    framework: FrameworkHeader,
    #[serde(default)]
    item: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworkHeader {
    id: Spanned<String>,
    name: Spanned<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    publisher: String,
    kind: Spanned<String>,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    parent: Option<Spanned<String>>,
    title: Spanned<String>,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    asks: String,
    #[serde(default)]
    evidence: Vec<String>,
    #[serde(default)]
    aims_records: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    applies_to: String,
    #[serde(default)]
    applies_from: String,
    #[serde(default = "yes")]
    normative: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    mapping_set: MappingHeader,
    #[serde(default)]
    pair: Vec<RawPair>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingHeader {
    id: Spanned<String>,
    name: Spanned<String>,
    source: Spanned<String>,
    target: Spanned<String>,
    #[serde(default)]
    provenance: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPair {
    source: Spanned<String>,
    target: Spanned<String>,
    relationship: Spanned<String>,
    #[serde(default)]
    strength: Option<Spanned<String>>,
    #[serde(default)]
    note: String,
}

/// A file's content once parsed: a framework or a mapping set.
#[derive(Debug, Clone)]
pub enum Parsed {
    Framework(Framework),
    MappingSet(MappingSet),
}

/// Turns a TOML syntax or shape error into line + field.
fn toml_error(text: &str, e: toml::de::Error) -> CatalogError {
    let line = e.span().map(|s| line_of(text, s.start));
    let message = e.message().to_owned();
    // The field is named in the message (missing/unknown field) or is the key on the line.
    let named = message.starts_with("missing field") || message.starts_with("unknown field");
    let key_on_line = || {
        let l = line?;
        let src = text.lines().nth(l - 1)?;
        src.split_once('=')
            .map(|(k, _)| k.trim().to_owned())
            .filter(|k| !k.is_empty() && !k.contains(' '))
    };
    let field = if named {
        between(&message, '`', '`').or_else(key_on_line)
    } else {
        key_on_line()
    };
    CatalogError {
        line,
        field,
        message,
    }
}

fn between(s: &str, open: char, close: char) -> Option<String> {
    let start = s.find(open)? + open.len_utf8();
    let end = s[start..].find(close)? + start;
    Some(s[start..end].to_owned())
}

fn spanned_line<T>(text: &str, s: &Spanned<T>) -> Option<usize> {
    Some(line_of(text, s.span().start))
}

/// A framework or mapping-set id: 2–64 characters of a-z, 0-9, '-' and '.'.
pub fn check_id(id: &str) -> Result<(), String> {
    let ok = (2..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && id.as_bytes()[0].is_ascii_alphanumeric();
    if ok {
        Ok(())
    } else {
        Err("must be 2–64 characters of lowercase a-z, 0-9, '-' and '.', starting with a letter or digit".into())
    }
}

/// Parses and validates a framework file. `builtin` marks compiled-in files.
pub fn parse_framework(text: &str, builtin: bool) -> Result<Framework, CatalogError> {
    let f: FrameworkFile = toml::from_str(text).map_err(|e| toml_error(text, e))?;
    let h = &f.framework;
    check_id(h.id.get_ref())
        .map_err(|m| CatalogError::at(spanned_line(text, &h.id), "framework.id", m))?;
    if h.name.get_ref().trim().is_empty() {
        return Err(CatalogError::at(
            spanned_line(text, &h.name),
            "framework.name",
            "must not be empty",
        ));
    }
    if !FRAMEWORK_KINDS.contains(&h.kind.get_ref().as_str()) {
        return Err(CatalogError::at(
            spanned_line(text, &h.kind),
            "framework.kind",
            format!("must be one of {}", FRAMEWORK_KINDS.join(", ")),
        ));
    }
    if f.item.is_empty() {
        return Err(CatalogError::at(
            None,
            "item",
            "a framework needs at least one [[item]]",
        ));
    }
    let mut seen = HashSet::new();
    let mut items = Vec::with_capacity(f.item.len());
    for raw in f.item {
        let line = spanned_line(text, &raw.id);
        let id = raw.id.get_ref().trim().to_owned();
        if id.is_empty() || id.len() > 100 {
            return Err(CatalogError::at(
                line,
                "item.id",
                "must be 1–100 characters",
            ));
        }
        if !seen.insert(id.clone()) {
            return Err(CatalogError::at(
                line,
                "item.id",
                format!("`{id}` is defined twice"),
            ));
        }
        if raw.kind.get_ref().trim().is_empty() {
            return Err(CatalogError::at(
                spanned_line(text, &raw.kind),
                "item.kind",
                "must not be empty",
            ));
        }
        if raw.title.get_ref().trim().is_empty() {
            return Err(CatalogError::at(
                spanned_line(text, &raw.title),
                "item.title",
                format!("item `{id}` needs a title"),
            ));
        }
        let parent = match raw.parent {
            Some(p) => {
                let pid = p.get_ref().trim().to_owned();
                if !seen.contains(&pid) || pid == id {
                    return Err(CatalogError::at(
                        spanned_line(text, &p),
                        "item.parent",
                        format!("parent `{pid}` of `{id}` must be an item defined above it"),
                    ));
                }
                Some(pid)
            }
            None => None,
        };
        if let Some(records) = &raw.aims_records {
            if let Some(bad) = records
                .get_ref()
                .iter()
                .find(|r| !AIMS_RECORDS.contains(&r.as_str()))
            {
                return Err(CatalogError::at(
                    spanned_line(text, records),
                    "item.aims_records",
                    format!(
                        "`{bad}` is not an aims record kind (one of {})",
                        AIMS_RECORDS.join(", ")
                    ),
                ));
            }
        }
        items.push(Item {
            id,
            kind: raw.kind.into_inner().trim().to_owned(),
            parent,
            title: raw.title.into_inner().trim().to_owned(),
            summary: raw.summary,
            asks: raw.asks,
            evidence: raw.evidence,
            aims_records: raw
                .aims_records
                .map(Spanned::into_inner)
                .unwrap_or_default(),
            applies_to: raw.applies_to,
            applies_from: raw.applies_from,
            normative: raw.normative,
        });
    }
    Ok(Framework {
        id: h.id.get_ref().clone(),
        name: h.name.get_ref().trim().to_owned(),
        title: h.title.clone(),
        version: h.version.clone(),
        publisher: h.publisher.clone(),
        kind: h.kind.get_ref().clone(),
        description: h.description.clone(),
        builtin,
        format: "aims-toml".into(),
        items,
    })
}

/// Parses a mapping set and checks every pair against `catalog`: both
/// frameworks must exist and every id must exist on its side.
pub fn parse_mapping_set(
    text: &str,
    catalog: &Catalog,
    builtin: bool,
) -> Result<MappingSet, CatalogError> {
    let f: MappingFile = toml::from_str(text).map_err(|e| toml_error(text, e))?;
    let h = &f.mapping_set;
    check_id(h.id.get_ref())
        .map_err(|m| CatalogError::at(spanned_line(text, &h.id), "mapping_set.id", m))?;
    if h.name.get_ref().trim().is_empty() {
        return Err(CatalogError::at(
            spanned_line(text, &h.name),
            "mapping_set.name",
            "must not be empty",
        ));
    }
    let side = |s: &Spanned<String>, field: &str| {
        catalog.framework(s.get_ref()).ok_or_else(|| {
            CatalogError::at(
                spanned_line(text, s),
                field,
                format!("no framework `{}` in the catalogue", s.get_ref()),
            )
        })
    };
    let source = side(&h.source, "mapping_set.source")?;
    let target = side(&h.target, "mapping_set.target")?;
    if f.pair.is_empty() {
        return Err(CatalogError::at(
            None,
            "pair",
            "a mapping set needs at least one [[pair]]",
        ));
    }
    let mut pairs = Vec::with_capacity(f.pair.len());
    for p in f.pair {
        if source.item(p.source.get_ref()).is_none() {
            return Err(CatalogError::at(
                spanned_line(text, &p.source),
                "pair.source",
                format!("`{}` is not an item of {}", p.source.get_ref(), source.id),
            ));
        }
        if target.item(p.target.get_ref()).is_none() {
            return Err(CatalogError::at(
                spanned_line(text, &p.target),
                "pair.target",
                format!("`{}` is not an item of {}", p.target.get_ref(), target.id),
            ));
        }
        let Some(relationship) = Relationship::parse(p.relationship.get_ref()) else {
            return Err(CatalogError::at(
                spanned_line(text, &p.relationship),
                "pair.relationship",
                "must be one of equal, subset, superset, intersects",
            ));
        };
        let strength = match p.strength {
            Some(s) if !STRENGTHS.contains(&s.get_ref().as_str()) => {
                return Err(CatalogError::at(
                    spanned_line(text, &s),
                    "pair.strength",
                    "must be one of strong, partial, weak, none",
                ))
            }
            Some(s) => Some(s.into_inner()),
            None => None,
        };
        pairs.push(Pair {
            source: p.source.into_inner(),
            target: p.target.into_inner(),
            relationship,
            strength,
            note: p.note,
        });
    }
    Ok(MappingSet {
        id: h.id.get_ref().clone(),
        name: h.name.get_ref().trim().to_owned(),
        source: source.id.clone(),
        target: target.id.clone(),
        provenance: h.provenance.clone(),
        builtin,
        pairs,
    })
}

/// Reads any importable file: an OSCAL catalog (JSON), or our TOML with a
/// `[framework]` or `[mapping_set]` table.
pub fn parse_any(text: &str, catalog: &Catalog) -> Result<Parsed, CatalogError> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        return crate::oscal::parse_catalog(text).map(Parsed::Framework);
    }
    let has_table = |name: &str| text.lines().any(|l| l.trim() == format!("[{name}]"));
    if has_table("mapping_set") {
        parse_mapping_set(text, catalog, false).map(Parsed::MappingSet)
    } else if has_table("framework") {
        parse_framework(text, false).map(Parsed::Framework)
    } else {
        // Report a TOML syntax error where there is one; otherwise say what is expected.
        toml::from_str::<toml::Table>(text).map_err(|e| toml_error(text, e))?;
        Err(CatalogError::new(
            "not a catalogue file: expected an OSCAL catalog (JSON) or a TOML file with a [framework] or [mapping_set] table",
        ))
    }
}
