//! Importing an OSCAL catalog (NIST's JSON format, e.g. SP 800-53 rev5) as a
//! framework: groups become groups, controls and their enhancements become
//! controls, statement prose becomes the summary and guidance prose `asks`.

use crate::error::CatalogError;
use crate::model::{Framework, Item};
use serde_json::Value;

/// Parses an OSCAL catalog document. Errors name the JSON line or the path of
/// the field at fault (e.g. `catalog.groups[2].controls[0].title`).
pub fn parse_catalog(text: &str) -> Result<Framework, CatalogError> {
    let doc: Value =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| CatalogError {
            line: Some(e.line()),
            field: None,
            message: format!("not valid JSON: {e}"),
        })?;
    let cat = doc.get("catalog").ok_or_else(|| {
        CatalogError::at(
            None,
            "catalog",
            "an OSCAL catalog has a top-level `catalog` object",
        )
    })?;
    let title = str_at(cat, "catalog.metadata.title", &["metadata", "title"])?;
    let version = cat
        .pointer("/metadata/version")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let publisher = cat
        .pointer("/metadata/parties/0/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let mut items = Vec::new();
    if let Some(groups) = cat.get("groups") {
        walk_groups(groups, "catalog.groups", None, &mut items)?;
    }
    if let Some(controls) = cat.get("controls") {
        walk_controls(controls, "catalog.controls", None, &mut items)?;
    }
    if items.is_empty() {
        return Err(CatalogError::at(
            None,
            "catalog.groups",
            "the catalog has no groups or controls",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for i in &items {
        if !seen.insert(i.id.as_str()) {
            return Err(CatalogError::at(
                None,
                "id",
                format!("control id `{}` appears twice", i.id),
            ));
        }
    }
    Ok(Framework {
        id: slug(&title),
        name: title.clone(),
        title,
        version,
        publisher,
        kind: "catalog".into(),
        description: "Imported from an OSCAL catalog.".into(),
        builtin: false,
        format: "oscal-json".into(),
        items,
    })
}

fn str_at(v: &Value, path: &str, keys: &[&str]) -> Result<String, CatalogError> {
    let mut cur = v;
    for k in keys {
        cur = cur
            .get(*k)
            .ok_or_else(|| CatalogError::at(None, path, "is missing"))?;
    }
    cur.as_str()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| CatalogError::at(None, path, "must be a non-empty string"))
}

fn array<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>, CatalogError> {
    v.as_array()
        .ok_or_else(|| CatalogError::at(None, path, "must be an array"))
}

fn walk_groups(
    groups: &Value,
    path: &str,
    parent: Option<&str>,
    out: &mut Vec<Item>,
) -> Result<(), CatalogError> {
    for (i, g) in array(groups, path)?.iter().enumerate() {
        let here = format!("{path}[{i}]");
        let title = str_at(g, &format!("{here}.title"), &["title"])?;
        let id = label(g)
            .or_else(|| g.get("id").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_else(|| format!("group-{}", out.len() + 1));
        out.push(item(&id, "group", parent, &title, g));
        if let Some(sub) = g.get("groups") {
            walk_groups(sub, &format!("{here}.groups"), Some(&id), out)?;
        }
        if let Some(controls) = g.get("controls") {
            walk_controls(controls, &format!("{here}.controls"), Some(&id), out)?;
        }
    }
    Ok(())
}

fn walk_controls(
    controls: &Value,
    path: &str,
    parent: Option<&str>,
    out: &mut Vec<Item>,
) -> Result<(), CatalogError> {
    for (i, c) in array(controls, path)?.iter().enumerate() {
        let here = format!("{path}[{i}]");
        let raw_id = str_at(c, &format!("{here}.id"), &["id"])?;
        let title = str_at(c, &format!("{here}.title"), &["title"])?;
        let id = label(c).unwrap_or(raw_id);
        out.push(item(&id, "control", parent, &title, c));
        if let Some(sub) = c.get("controls") {
            walk_controls(sub, &format!("{here}.controls"), Some(&id), out)?;
        }
    }
    Ok(())
}

/// The human label (`props[name=label]`), e.g. `AC-2(1)` for `ac-2.1`.
fn label(v: &Value) -> Option<String> {
    v.get("props")?
        .as_array()?
        .iter()
        .find(|p| p.get("name").and_then(Value::as_str) == Some("label"))
        .and_then(|p| p.get("value").and_then(Value::as_str))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn item(id: &str, kind: &str, parent: Option<&str>, title: &str, v: &Value) -> Item {
    Item {
        id: id.to_owned(),
        kind: kind.to_owned(),
        parent: parent.map(str::to_owned),
        title: title.to_owned(),
        summary: prose(v, "statement"),
        asks: prose(v, "guidance"),
        evidence: vec![],
        aims_records: vec![],
        applies_to: String::new(),
        applies_from: String::new(),
        normative: kind == "control",
    }
}

/// All prose of the parts named `name` (and their sub-parts), joined.
fn prose(v: &Value, name: &str) -> String {
    fn collect(part: &Value, out: &mut Vec<String>) {
        if let Some(p) = part.get("prose").and_then(Value::as_str) {
            out.push(p.trim().to_owned());
        }
        if let Some(parts) = part.get("parts").and_then(Value::as_array) {
            for p in parts {
                collect(p, out);
            }
        }
    }
    let mut out = vec![];
    if let Some(parts) = v.get("parts").and_then(Value::as_array) {
        for p in parts
            .iter()
            .filter(|p| p.get("name").and_then(Value::as_str) == Some(name))
        {
            collect(p, &mut out);
        }
    }
    let text = out.join(" ");
    if text.chars().count() > 2000 {
        text.chars().take(2000).collect::<String>() + "…"
    } else {
        text
    }
}

/// A framework id from a title: lowercase words joined by '-', at most 48 characters.
fn slug(title: &str) -> String {
    let mut s = String::new();
    for ch in title.to_lowercase().chars() {
        if ch.is_ascii_alphanumeric() || ch == '.' {
            s.push(ch);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let mut s = s.trim_matches(|c| c == '-' || c == '.').to_owned();
    if s.len() > 48 {
        // Cut at a word boundary so the id stays readable.
        let cut = s[..48].rfind('-').filter(|i| *i >= 2).unwrap_or(48);
        s.truncate(cut);
    }
    if s.len() < 2 {
        "oscal-catalog".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn ids_from_titles_are_valid_and_readable() {
        assert_eq!(
            slug("Sample Security Catalog *for Demonstration* and Testing"),
            "sample-security-catalog-for-demonstration-and"
        );
        assert_eq!(slug(".NET controls"), "net-controls");
        assert_eq!(slug("   "), "oscal-catalog");
        for t in ["NIST SP 800-53 Rev 5.1.1", "é", "a", &"x".repeat(100)] {
            assert!(crate::check_id(&slug(t)).is_ok(), "{t}");
        }
    }
}
