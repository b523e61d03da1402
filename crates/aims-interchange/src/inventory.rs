//! Neutral inventory items read from interchange files.
//!
//! An importer ([`crate::modelcard::read_model_card`],
//! [`crate::cyclonedx::read_cyclonedx`]) turns a file into an [`Inventory`]:
//! items of three kinds (AI systems, models, datasets) whose fields carry the
//! exact names and JSON types the app layer stores, links between them, and
//! warnings about what was missing or skipped.
//!
//! Every item carries a stable `key` so that importing the same file again
//! updates the records it made instead of duplicating them:
//!
//! - CycloneDX: the component's `bom-ref`, else its `purl`, else
//!   `name@version`, else its name. A dataset described inline in a model's
//!   `modelCard.modelParameters.datasets` without a `bom-ref` gets
//!   `<model key>#dataset/<dataset name>`.
//! - Model card: the model id (`model_name`, else `model-index[0].name`, else
//!   the first `# ` heading, else the file stem); datasets named by the card
//!   get `hf:dataset/<dataset id>`.
//!
//! Field values are cleaned the same way for every source: strings trimmed,
//! control characters (other than tab and line feed) removed, invisible
//! formatting characters removed from names, every string capped at
//! [`MAX_TEXT_CHARS`] characters and names at [`MAX_NAME_CHARS`] (cut on a
//! character boundary, with a warning). Empty values are left out.

use serde_json::{Map, Number, Value};

/// Longest string kept in any field, in characters.
pub const MAX_TEXT_CHARS: usize = 4000;
/// Longest `name` kept, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Most warnings kept for one file (then a count of the rest).
pub const MAX_WARNINGS: usize = 100;
/// Largest file an importer accepts, in bytes.
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;

/// What an item is in the aims inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// An AI system (a CycloneDX `application`).
    System,
    /// A machine-learning model.
    Model,
    /// A dataset.
    Dataset,
}

impl ItemKind {
    /// The record collection this kind goes to: `systems`, `models`, `datasets`.
    pub fn plural(self) -> &'static str {
        match self {
            ItemKind::System => "systems",
            ItemKind::Model => "models",
            ItemKind::Dataset => "datasets",
        }
    }

    /// The singular word used in warnings: `system`, `model`, `dataset`.
    pub fn singular(self) -> &'static str {
        match self {
            ItemKind::System => "system",
            ItemKind::Model => "model",
            ItemKind::Dataset => "dataset",
        }
    }

    /// Every field name an item of this kind may carry.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            ItemKind::System => &["name", "purpose", "intended_use", "external_ref"],
            ItemKind::Model => &[
                "name",
                "model_version",
                "model_type",
                "provider",
                "licence",
                "training_data",
                "metrics",
                "description",
                "external_ref",
            ],
            ItemKind::Dataset => &[
                "name",
                "source",
                "provenance",
                "personal_data",
                "personal_data_categories",
                "quality_notes",
                "licence",
                "description",
                "external_ref",
            ],
        }
    }
}

/// One system, model or dataset found in a file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Item {
    pub kind: ItemKind,
    /// Stable identity across re-imports (see the module documentation).
    pub key: String,
    /// Field name → JSON value, with the names of [`ItemKind::fields`].
    pub fields: Map<String, Value>,
}

impl Item {
    /// An item with only its `external_ref` set (to `key`). The key is
    /// trimmed, loses control characters and is capped at [`MAX_TEXT_CHARS`].
    pub fn new(kind: ItemKind, key: impl Into<String>) -> Item {
        let key = clean_key(&key.into());
        let mut fields = Map::new();
        fields.insert("external_ref".into(), Value::String(key.clone()));
        Item { kind, key, fields }
    }

    /// The string value of `field`, if it has one.
    pub fn text(&self, field: &str) -> Option<&str> {
        self.fields.get(field).and_then(Value::as_str)
    }

    /// The item's name (every imported item has one).
    pub fn name(&self) -> &str {
        self.text("name").unwrap_or(&self.key)
    }

    /// Sets a string field, cleaned and capped (see the module documentation);
    /// an empty value removes the field. Notes in `warnings` what was cut.
    pub fn set_text(&mut self, field: &str, value: &str, warnings: &mut Vec<String>) {
        let limit = if field == "name" {
            MAX_NAME_CHARS
        } else {
            MAX_TEXT_CHARS
        };
        let what = format!("{} \"{}\"", self.kind.singular(), self.key);
        match clean_text(
            value,
            field == "name",
            limit,
            &format!("{what}: {field}"),
            warnings,
        ) {
            Some(clean) => {
                self.fields.insert(field.into(), Value::String(clean));
            }
            None => {
                self.fields.remove(field);
            }
        }
    }

    /// Sets a string field only when it has no value yet.
    pub fn set_text_if_absent(&mut self, field: &str, value: &str, warnings: &mut Vec<String>) {
        if !self.fields.contains_key(field) {
            self.set_text(field, value, warnings);
        }
    }
}

/// A relation between two items, by key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Link {
    /// Key of the item the relation starts from.
    pub from: String,
    /// `uses_model`, `uses_dataset`, `trained_on` or `evaluated_on`.
    pub relation: String,
    /// Key of the item the relation points to.
    pub to: String,
}

/// System → model.
pub const USES_MODEL: &str = "uses_model";
/// System → dataset.
pub const USES_DATASET: &str = "uses_dataset";
/// Model → dataset it was trained on.
pub const TRAINED_ON: &str = "trained_on";
/// Model → dataset it was evaluated on.
pub const EVALUATED_ON: &str = "evaluated_on";

/// The relation a link from an item of kind `from` to one of kind `to` has
/// when the source only says "depends on"; `None` when aims has no such link.
pub fn default_relation(from: ItemKind, to: ItemKind) -> Option<&'static str> {
    match (from, to) {
        (ItemKind::System, ItemKind::Model) => Some(USES_MODEL),
        (ItemKind::System, ItemKind::Dataset) => Some(USES_DATASET),
        (ItemKind::Model, ItemKind::Dataset) => Some(TRAINED_ON),
        _ => None,
    }
}

/// Everything read from one file.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Inventory {
    pub items: Vec<Item>,
    pub links: Vec<Link>,
    /// Human-readable notes: what was missing or skipped.
    pub warnings: Vec<String>,
}

impl Inventory {
    /// The item with `key`, if any.
    pub fn item(&self, key: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.key == key)
    }

    /// The item with `key`, if any, for changing.
    pub fn item_mut(&mut self, key: &str) -> Option<&mut Item> {
        self.items.iter_mut().find(|i| i.key == key)
    }

    /// Adds a link (duplicates are dropped by [`Inventory::finish`]).
    pub fn link(&mut self, from: &str, relation: &str, to: &str) {
        self.links.push(Link {
            from: from.into(),
            relation: relation.into(),
            to: to.into(),
        });
    }

    /// Sorts and de-duplicates the links, drops (with a warning) those whose
    /// ends are not items of this inventory, and caps the warnings.
    pub fn finish(&mut self) {
        let mut links = std::mem::take(&mut self.links);
        links.sort();
        links.dedup();
        let keys: std::collections::HashSet<&str> =
            self.items.iter().map(|i| i.key.as_str()).collect();
        let mut kept = Vec::with_capacity(links.len());
        let mut dangling = 0usize;
        for link in links {
            if keys.contains(link.from.as_str()) && keys.contains(link.to.as_str()) {
                kept.push(link);
            } else {
                dangling += 1;
            }
        }
        self.links = kept;
        if dangling > 0 {
            self.warnings.push(format!(
                "{dangling} link(s) pointed to something that is not an imported item and were skipped"
            ));
        }
        if self.warnings.len() > MAX_WARNINGS {
            let more = self.warnings.len() - MAX_WARNINGS;
            self.warnings.truncate(MAX_WARNINGS);
            self.warnings.push(format!("… and {more} more warnings"));
        }
    }
}

/// Why a file could not be imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}{}: {message}", location.as_ref().map(|l| format!(" ({l})")).unwrap_or_default())]
pub struct ImportError {
    /// The file name as given.
    pub file: String,
    /// "line 3, column 17" or a JSON path like "$.components[2].modelCard".
    pub location: Option<String>,
    pub message: String,
}

impl ImportError {
    /// An error without a location.
    pub fn new(file: &str, message: impl Into<String>) -> ImportError {
        ImportError {
            file: file.into(),
            location: None,
            message: message.into(),
        }
    }

    /// An error at `location`.
    pub fn at(file: &str, location: impl Into<String>, message: impl Into<String>) -> ImportError {
        ImportError {
            file: file.into(),
            location: Some(location.into()),
            message: message.into(),
        }
    }

    /// An error at a 1-based line and column.
    pub fn at_line(
        file: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> ImportError {
        ImportError::at(file, format!("line {line}, column {column}"), message)
    }
}

/// Checks the common preconditions of every importer: not too large, UTF-8.
/// Returns the text without a leading byte-order mark.
pub(crate) fn decode_text<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, ImportError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(ImportError::new(
            file,
            format!(
                "the file is {} bytes; aims imports files of at most {} bytes",
                bytes.len(),
                MAX_INPUT_BYTES
            ),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(valid.get(line_start..).unwrap_or_default())
            .chars()
            .count()
            + 1;
        ImportError::at_line(file, line, column, "the file is not valid UTF-8 text")
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// A JSON object.
pub(crate) type Obj = Map<String, Value>;

/// What kind of JSON value `v` is, in words.
pub(crate) fn describe_json(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Reads typed values out of parsed JSON; a value of the wrong type is an
/// [`ImportError`] located by its JSON path (`$.components[3].name`). Absent
/// and `null` values are "not given".
pub(crate) struct JsonAt<'f> {
    pub file: &'f str,
}

impl JsonAt<'_> {
    pub fn wrong(&self, path: &str, expected: &str, found: &Value) -> ImportError {
        let message = format!("expected {expected}, found {}", describe_json(found));
        ImportError::at(self.file, path, message)
    }

    pub fn obj<'v>(&self, v: &'v Value, path: &str) -> Result<&'v Obj, ImportError> {
        v.as_object()
            .ok_or_else(|| self.wrong(path, "an object", v))
    }

    pub fn opt_obj<'v>(
        &self,
        o: &'v Obj,
        key: &str,
        path: &str,
    ) -> Result<Option<&'v Obj>, ImportError> {
        match o.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => self.obj(v, &format!("{path}.{key}")).map(Some),
        }
    }

    /// A text value; blank text counts as not given.
    pub fn opt_str<'v>(
        &self,
        o: &'v Obj,
        key: &str,
        path: &str,
    ) -> Result<Option<&'v str>, ImportError> {
        match o.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str()).filter(|s| !s.trim().is_empty())),
            Some(v) => Err(self.wrong(&format!("{path}.{key}"), "text", v)),
        }
    }

    /// A list; absent is empty.
    pub fn arr<'v>(&self, o: &'v Obj, key: &str, path: &str) -> Result<&'v [Value], ImportError> {
        match o.get(key) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(a)) => Ok(a.as_slice()),
            Some(v) => Err(self.wrong(&format!("{path}.{key}"), "a list", v)),
        }
    }

    /// A required text value; `message` says why it is needed.
    pub fn req_str<'v>(
        &self,
        o: &'v Obj,
        key: &str,
        path: &str,
        message: &str,
    ) -> Result<&'v str, ImportError> {
        self.opt_str(o, key, path)?
            .ok_or_else(|| ImportError::at(self.file, format!("{path}.{key}"), message))
    }

    /// The objects of a list, each with its JSON path.
    pub fn objs<'v>(
        &self,
        o: &'v Obj,
        key: &str,
        path: &str,
    ) -> Result<Vec<(String, &'v Obj)>, ImportError> {
        let list = self.arr(o, key, path)?.iter().enumerate();
        list.map(|(i, v)| {
            let at = format!("{path}.{key}[{i}]");
            self.obj(v, &at).map(|o| (at, o))
        })
        .collect()
    }

    /// A list of texts, trimmed, blank ones left out.
    pub fn strings(&self, o: &Obj, key: &str, path: &str) -> Result<Vec<String>, ImportError> {
        let mut out = Vec::new();
        for (i, v) in self.arr(o, key, path)?.iter().enumerate() {
            match v {
                Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_owned()),
                Value::String(_) => {}
                other => return Err(self.wrong(&format!("{path}.{key}[{i}]"), "text", other)),
            }
        }
        Ok(out)
    }
}

/// An [`ImportError`] for JSON that does not parse, at its line and column.
pub(crate) fn json_syntax_error(file: &str, text: &str, e: &serde_json::Error) -> ImportError {
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(at) => full.get(..at).unwrap_or(&full).to_owned(),
        None => full.clone(),
    };
    let message = format!("the file is not valid JSON: {message}");
    if e.line() == 0 {
        return ImportError::new(file, message);
    }
    // serde_json counts columns in bytes; report characters.
    let line = text.split('\n').nth(e.line() - 1).unwrap_or_default();
    let upto = line.get(..e.column().saturating_sub(1).min(line.len()));
    let column = upto.map_or(e.column(), |s| s.chars().count() + 1);
    ImportError::at_line(file, e.line(), column, message)
}

/// What kind of file the bytes look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    ModelCard,
    CycloneDx,
    Csv,
    Xlsx,
    Unknown,
}

/// Sniffs content first (ZIP magic `PK\x03\x04` → Xlsx; a JSON object with
/// `"bomFormat": "CycloneDX"` → CycloneDx; YAML front matter `---` at the
/// start → ModelCard), then uses the file extension as a tiebreak (`.md` →
/// ModelCard, `.csv` → Csv, `.xlsx` → Xlsx, and a `.json` whose text names
/// `bomFormat` → CycloneDx so that a broken BOM gets a precise error).
pub fn detect(file_name: &str, bytes: &[u8]) -> Detected {
    if bytes.starts_with(b"PK\x03\x04") {
        return Detected::Xlsx;
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let rest = start.and_then(|s| body.get(s..)).unwrap_or_default();
    if rest.first() == Some(&b'{') {
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
            if map.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
                return Detected::CycloneDx;
            }
        }
    }
    if rest.starts_with(b"---") {
        return Detected::ModelCard;
    }
    let lower = file_name.to_ascii_lowercase();
    let has_ext = |ext: &str| lower.ends_with(ext);
    if has_ext(".md") || has_ext(".markdown") {
        Detected::ModelCard
    } else if has_ext(".csv") {
        Detected::Csv
    } else if has_ext(".xlsx") {
        Detected::Xlsx
    } else if has_ext(".json") && rest.first() == Some(&b'{') && contains(rest, b"\"bomFormat\"") {
        Detected::CycloneDx
    } else {
        Detected::Unknown
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// An item key as [`Item::new`] stores it: trimmed, without control
/// characters, at most [`MAX_TEXT_CHARS`] characters.
pub fn clean_key(key: &str) -> String {
    let key: String = key.trim().chars().filter(|c| !c.is_control()).collect();
    truncate_chars(&key, MAX_TEXT_CHARS).0.to_owned()
}

/// Cleans a string for a field: removes control characters (other than tab
/// and line feed; in names those become spaces) and, in names, invisible
/// formatting characters; trims; cuts at `limit` characters. `None` when
/// nothing is left. `what` names the value in warnings.
pub(crate) fn clean_text(
    value: &str,
    is_name: bool,
    limit: usize,
    what: &str,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let mut removed = 0usize;
    let mut out = String::with_capacity(value.len().min(limit * 4));
    for c in value.chars() {
        let hidden = matches!(c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}');
        if c == '\r' {
            continue;
        } else if (c == '\n' || c == '\t') && is_name {
            out.push(' ');
        } else if (c.is_control() && c != '\n' && c != '\t') || (hidden && is_name) {
            removed += 1;
        } else {
            out.push(c);
        }
    }
    if removed > 0 {
        warnings.push(format!(
            "{what}: removed {removed} control or invisible character(s)"
        ));
    }
    let trimmed = out.trim();
    if trimmed.is_empty() {
        return None;
    }
    let (cut, was_cut) = truncate_chars(trimmed, limit);
    if was_cut {
        warnings.push(format!(
            "{what}: longer than {limit} characters, cut to {limit}"
        ));
    }
    Some(cut.trim_end().to_owned())
}

/// The first `limit` characters of `s`, and whether anything was cut.
pub(crate) fn truncate_chars(s: &str, limit: usize) -> (&str, bool) {
    match s.char_indices().nth(limit) {
        Some((at, _)) => (s.get(..at).unwrap_or(s), true),
        None => (s, false),
    }
}

/// A metric value as aims stores it: a number when the text is one (integers
/// stay integers), else the trimmed text.
pub(crate) fn metric_value_from_text(text: &str) -> Option<Value> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(n) = t.parse::<i64>() {
        return Some(Value::Number(n.into()));
    }
    if let Ok(n) = t.parse::<u64>() {
        return Some(Value::Number(n.into()));
    }
    let looks_numeric = t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    if looks_numeric {
        if let Some(n) = t.parse::<f64>().ok().and_then(Number::from_f64) {
            return Some(Value::Number(n));
        }
    }
    Some(Value::String(t.to_owned()))
}

/// Builds one metric object `{name, value, dataset?, task?}` with cleaned
/// strings; `None` (and a warning) when the name or value is missing.
pub(crate) fn metric(
    name: Option<&str>,
    value: Option<Value>,
    dataset: Option<&str>,
    task: Option<&str>,
    what: &str,
    warnings: &mut Vec<String>,
) -> Option<Value> {
    let name = name.and_then(|n| clean_text(n, true, MAX_NAME_CHARS, what, warnings));
    let value = match value {
        Some(Value::String(s)) => clean_text(&s, false, MAX_TEXT_CHARS, what, warnings)
            .and_then(|s| metric_value_from_text(&s)),
        Some(Value::Number(n)) => Some(Value::Number(n)),
        _ => None,
    };
    let (Some(name), Some(value)) = (name, value) else {
        warnings.push(format!(
            "{what}: a metric without a name or value was skipped"
        ));
        return None;
    };
    let mut m = Map::new();
    m.insert("name".into(), Value::String(name));
    m.insert("value".into(), value);
    for (field, v) in [("dataset", dataset), ("task", task)] {
        if let Some(v) = v.and_then(|v| clean_text(v, false, MAX_TEXT_CHARS, what, warnings)) {
            m.insert(field.into(), Value::String(v));
        }
    }
    Some(Value::Object(m))
}

/// Common SPDX licence ids (all in the SPDX list that CycloneDX 1.6 accepts).
/// Licences written with one of these ids, in any letter case, are stored
/// with its canonical spelling and exported as `{"license": {"id": …}}`.
pub const SPDX_IDS: &[&str] = &[
    "0BSD",
    "AFL-3.0",
    "AGPL-3.0",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "Apache-1.1",
    "Apache-2.0",
    "Artistic-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSD-3-Clause-Clear",
    "BSL-1.0",
    "C-UDA-1.0",
    "CC-BY-2.0",
    "CC-BY-2.5",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-NC-2.0",
    "CC-BY-NC-3.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-ND-3.0",
    "CC-BY-NC-ND-4.0",
    "CC-BY-NC-SA-2.0",
    "CC-BY-NC-SA-3.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
    "CDLA-Permissive-1.0",
    "CDLA-Permissive-2.0",
    "CDLA-Sharing-1.0",
    "ECL-2.0",
    "EPL-2.0",
    "EUPL-1.1",
    "EUPL-1.2",
    "GFDL-1.3-only",
    "GPL-2.0",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "ISC",
    "LGPL-2.1",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "LPPL-1.3c",
    "MIT",
    "MIT-0",
    "MPL-2.0",
    "MS-PL",
    "NCSA",
    "ODbL-1.0",
    "ODC-By-1.0",
    "OFL-1.1",
    "OSL-3.0",
    "PDDL-1.0",
    "PostgreSQL",
    "Unlicense",
    "WTFPL",
    "Zlib",
];

/// The canonical SPDX id for `s` (letter case ignored), if it is a known one.
pub fn spdx_id(s: &str) -> Option<&'static str> {
    let s = s.trim();
    SPDX_IDS
        .iter()
        .copied()
        .find(|id| id.eq_ignore_ascii_case(s))
}

/// Joins licences into the `licence` field: known SPDX ids spelled
/// canonically, others as given, separated by ", ".
pub(crate) fn join_licences<S: AsRef<str>>(licences: &[S]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for l in licences {
        let l = l.as_ref().trim();
        let l = spdx_id(l).unwrap_or(l);
        if !l.is_empty() && !out.contains(&l) {
            out.push(l);
        }
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_names_the_record_collections() {
        assert_eq!(ItemKind::System.plural(), "systems");
        assert_eq!(ItemKind::Model.plural(), "models");
        assert_eq!(ItemKind::Dataset.plural(), "datasets");
    }

    #[test]
    fn set_text_trims_caps_and_omits_empty_values() {
        let mut w = Vec::new();
        let mut item = Item::new(ItemKind::Model, "m");
        item.set_text("description", "  hello \u{0007}world \r\n", &mut w);
        assert_eq!(item.text("description"), Some("hello world"));
        assert_eq!(w.len(), 1, "{w:?}");
        item.set_text("description", "   ", &mut w);
        assert_eq!(item.text("description"), None);
        let long = "é".repeat(250);
        item.set_text("name", &long, &mut w);
        assert_eq!(item.name().chars().count(), MAX_NAME_CHARS);
        assert!(w.last().is_some_and(|m| m.contains("cut to 200")), "{w:?}");
        item.set_text("name", "a\u{202E}b\u{200B}c", &mut w);
        assert_eq!(item.name(), "abc");
        assert_eq!(item.text("external_ref"), Some("m"));
    }

    #[test]
    fn metric_values_keep_numbers_as_numbers() {
        assert_eq!(
            metric_value_from_text(" 0.9 "),
            Some(serde_json::json!(0.9))
        );
        assert_eq!(
            metric_value_from_text("20220120"),
            Some(serde_json::json!(20220120))
        );
        assert_eq!(
            metric_value_from_text("NaN"),
            Some(serde_json::json!("NaN"))
        );
        assert_eq!(
            metric_value_from_text("1e999"),
            Some(serde_json::json!("1e999"))
        );
        assert_eq!(
            metric_value_from_text("high"),
            Some(serde_json::json!("high"))
        );
        assert_eq!(metric_value_from_text(""), None);
    }

    #[test]
    fn detect_sniffs_content_before_the_extension() {
        assert_eq!(detect("a.csv", b"PK\x03\x04rest"), Detected::Xlsx);
        assert_eq!(
            detect(
                "bom.txt",
                br#" {"bomFormat": "CycloneDX", "specVersion": "1.6"}"#
            ),
            Detected::CycloneDx
        );
        assert_eq!(
            detect("README", b"\n---\nlicense: mit\n---\n"),
            Detected::ModelCard
        );
        assert_eq!(detect("card.MD", b"# Title"), Detected::ModelCard);
        assert_eq!(detect("x.csv", b"name,purpose\n"), Detected::Csv);
        assert_eq!(
            detect("x.json", br#"{"bomFormat": "CycloneDX",}"#),
            Detected::CycloneDx
        );
        assert_eq!(detect("x.json", br#"{"a": 1}"#), Detected::Unknown);
        assert_eq!(detect("x.bin", &[0xff, 0xfe]), Detected::Unknown);
    }

    #[test]
    fn import_error_display_names_file_and_location() {
        let e = ImportError::at_line("card.md", 3, 17, "bad");
        assert_eq!(e.to_string(), "card.md (line 3, column 17): bad");
        assert_eq!(ImportError::new("x", "y").to_string(), "x: y");
    }

    #[test]
    fn invalid_utf8_is_located() {
        let e = decode_text("f", b"ok\nab\xffc").err();
        assert_eq!(e.and_then(|e| e.location), Some("line 2, column 3".into()));
    }
}
