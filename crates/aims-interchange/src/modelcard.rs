//! Hugging Face model cards: Markdown with YAML front matter.
//!
//! One card gives one model item, plus a dataset item for every dataset the
//! card names (`datasets:` → `trained_on`, `model-index` results →
//! `evaluated_on`), keyed `hf:dataset/<dataset id>`. The model's key is its
//! id: `model_name`, else `model-index[0].name`, else the first `# ` heading
//! (without a leading "Model Card for "), else the file stem.
//!
//! Errors (the card is refused): invalid UTF-8, an empty file, front matter
//! that is never closed, YAML that does not parse (located by line and column
//! in the whole file), front matter that is not a mapping. Everything else
//! that is missing or malformed becomes a warning and the rest is imported.

use std::cell::Cell;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use serde_json::{Map, Number, Value};

use crate::inventory::{
    clean_key, decode_text, join_licences, metric, ImportError, Inventory, Item, ItemKind,
    EVALUATED_ON, TRAINED_ON,
};

/// Most YAML nodes (after alias expansion) one front matter may produce.
const MAX_YAML_NODES: usize = 200_000;
/// Most bytes of string content (after alias expansion) one front matter may produce.
const MAX_YAML_STRING_BYTES: usize = 8 * 1024 * 1024;
/// Deepest nesting of YAML collections accepted.
const MAX_YAML_DEPTH: usize = 64;
/// Most metrics (and model-index results) read from one card.
const MAX_METRICS: usize = 1000;
/// Most datasets read from a card's `datasets:` list.
const MAX_DATASETS: usize = 1000;

/// Reads a model card into one model item and the datasets it names.
pub fn read_model_card(file_name: &str, bytes: &[u8]) -> Result<Inventory, ImportError> {
    let text = decode_text(file_name, bytes)?;
    if text.trim().is_empty() {
        return Err(ImportError::new(file_name, "the file is empty"));
    }
    let text = text.replace("\r\n", "\n");
    let (front, body) = split_front_matter(file_name, &text)?;
    let mut inv = Inventory::default();
    let meta = match front {
        None => {
            inv.warnings.push(format!(
                "{file_name}: the card has no metadata (YAML front matter between --- lines); \
                 only its name and description were imported"
            ));
            Map::new()
        }
        Some(front) => parse_front_matter(file_name, &front, &mut inv.warnings)?,
    };
    let (heading, paragraph) = heading_and_first_paragraph(body);
    Card {
        file_name,
        meta: &meta,
        heading,
        paragraph,
        inv: &mut inv,
    }
    .build();
    inv.finish();
    Ok(inv)
}

/// The YAML text between the `---` lines and the 1-based file line it starts on.
struct FrontMatter<'a> {
    yaml: &'a str,
    first_line: usize,
    opening_line: usize,
}

/// Splits off front matter: the first non-blank line is `---` and a later
/// line is `---` (or `...`). Returns the front matter and the Markdown body.
fn split_front_matter<'a>(
    file: &str,
    text: &'a str,
) -> Result<(Option<FrontMatter<'a>>, &'a str), ImportError> {
    let mut offset = 0usize;
    let mut opening: Option<(usize, usize)> = None; // (line, byte offset after it)
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let line_no = index + 1;
        let end = offset + line.len();
        let content = line.trim_end();
        match opening {
            None if content.trim().is_empty() => {}
            None if content == "---" => opening = Some((line_no, end)),
            None => return Ok((None, text)),
            Some((open_line, start)) if content == "---" || content == "..." => {
                let yaml = text.get(start..offset).unwrap_or_default();
                let body = text.get(end..).unwrap_or_default();
                let front = FrontMatter {
                    yaml,
                    first_line: open_line + 1,
                    opening_line: open_line,
                };
                return Ok((Some(front), body));
            }
            Some(_) => {}
        }
        offset = end;
    }
    match opening {
        Some((line, _)) => Err(ImportError::at_line(
            file,
            line,
            1,
            "the front matter opened by this --- line is never closed by another --- line",
        )),
        None => Ok((None, text)),
    }
}

fn parse_front_matter(
    file: &str,
    front: &FrontMatter<'_>,
    warnings: &mut Vec<String>,
) -> Result<Map<String, Value>, ImportError> {
    if front.yaml.trim().is_empty() {
        warnings.push(format!("{file}: the card's front matter is empty"));
        return Ok(Map::new());
    }
    let budget = Budget::default();
    let de = serde_norway::Deserializer::from_str(front.yaml);
    let value = (Seed {
        budget: &budget,
        depth: 0,
    })
    .deserialize(de)
    .map_err(|e| {
        let mut message = format!(
            "the YAML front matter is invalid: {}",
            strip_marks(&e.to_string())
        );
        let line = e
            .location()
            .and_then(|l| front.yaml.lines().nth(l.line().saturating_sub(1)));
        if line.is_some_and(|l| {
            l.starts_with(|c: char| c.is_whitespace())
                && l.trim_start_matches(' ').starts_with('\t')
        }) {
            message.push_str(" (YAML does not allow tabs for indentation; use spaces)");
        }
        match e.location() {
            Some(l) => {
                ImportError::at_line(file, l.line() + front.first_line - 1, l.column(), message)
            }
            None => ImportError::new(file, message),
        }
    })?;
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => {
            warnings.push(format!("{file}: the card's front matter holds no values"));
            Ok(Map::new())
        }
        other => Err(ImportError::at_line(
            file,
            front.opening_line + 1,
            1,
            format!(
                "the YAML front matter must be a mapping of keys to values (like `license: mit`), \
                 but it is {}",
                describe(&other)
            ),
        )),
    }
}

/// Removes libyaml's " at line L column C" / " at position N" notes, which
/// count from the start of the front matter rather than of the file.
fn strip_marks(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(" at ") {
        let (head, tail) = rest.split_at(at);
        out.push_str(head);
        let after = tail.get(4..).unwrap_or_default();
        let skip = mark_len(after);
        if skip > 0 {
            rest = after.get(skip..).unwrap_or_default();
        } else {
            out.push_str(" at ");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Length of a "line L column C" or "position N" prefix of `s`, else 0.
fn mark_len(s: &str) -> usize {
    fn digits(s: &str) -> usize {
        s.bytes().take_while(u8::is_ascii_digit).count()
    }
    if let Some(r) = s.strip_prefix("line ") {
        let d = digits(r);
        if let Some(r2) = r.get(d..).and_then(|r| r.strip_prefix(" column ")) {
            let d2 = digits(r2);
            if d > 0 && d2 > 0 {
                return "line ".len() + d + " column ".len() + d2;
            }
        }
    } else if let Some(r) = s.strip_prefix("position ") {
        let d = digits(r);
        if d > 0 {
            return "position ".len() + d;
        }
    }
    0
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a single text value",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// The first `# ` heading and the first paragraph after the first heading of
/// any level (or of the body when it has none). Skips HTML comments, fenced
/// code, HTML-only lines and lines of an unfilled template (`{{ … }}`).
fn heading_and_first_paragraph(body: &str) -> (Option<String>, Option<String>) {
    let body = strip_html_comments(body);
    let is_fence = |t: &str| t.starts_with("```") || t.starts_with("~~~");
    // Pass 1: the first `# ` heading, and whether there is any heading.
    let mut h1: Option<&str> = None;
    let mut has_heading = false;
    let mut in_fence = false;
    for t in body.lines().map(str::trim) {
        if is_fence(t) {
            in_fence = !in_fence;
        } else if !in_fence && t.starts_with('#') {
            has_heading = true;
            if let Some(title) = t.strip_prefix("# ") {
                if h1.is_none() && !title.contains("{{") {
                    h1 = Some(title.trim());
                }
            }
        }
    }
    // Pass 2: the first paragraph after the first heading.
    let mut paragraph: Vec<&str> = Vec::new();
    let mut seen_heading = !has_heading;
    in_fence = false;
    for t in body.lines().map(str::trim) {
        let template = t.contains("{{") && t.contains("}}");
        let html = t.starts_with('<') && t.ends_with('>');
        if is_fence(t) {
            in_fence = !in_fence;
        } else if in_fence {
            continue;
        } else if t.starts_with('#') {
            seen_heading = true;
        } else if seen_heading && !t.is_empty() && !template && !html {
            paragraph.push(t);
            continue;
        }
        if !paragraph.is_empty() {
            break;
        }
    }
    let paragraph = (!paragraph.is_empty()).then(|| paragraph.join(" "));
    let heading = h1.map(|h| {
        h.strip_prefix("Model Card for ")
            .or_else(|| h.strip_prefix("Model card for "))
            .unwrap_or(h)
            .trim()
            .to_owned()
    });
    (heading.filter(|h| !h.is_empty()), paragraph)
}

fn strip_html_comments(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find("<!--") {
        out.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start + 4..).unwrap_or_default();
        match after.find("-->") {
            Some(end) => {
                out.push('\n');
                rest = after.get(end + 3..).unwrap_or_default();
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Everything needed to turn a parsed card into items.
struct Card<'a> {
    file_name: &'a str,
    meta: &'a Map<String, Value>,
    heading: Option<String>,
    paragraph: Option<String>,
    inv: &'a mut Inventory,
}

impl Card<'_> {
    fn build(mut self) {
        let model_index = self.model_index();
        let id = self.model_id(&model_index);
        let mut w = Vec::new();
        let mut model = Item::new(ItemKind::Model, id);
        let id = model.key.clone();
        model.set_text("name", &id, &mut w);

        if let Some(task) = self
            .string("pipeline_tag")
            .or_else(|| first_task(&model_index))
        {
            model.set_text("model_type", &task, &mut w);
        }
        let provider = id
            .split_once('/')
            .map(|(org, _)| org.trim().to_owned())
            .filter(|o| !o.is_empty())
            .or_else(|| self.string("model_creator"));
        if let Some(p) = provider {
            model.set_text("provider", &p, &mut w);
        }
        if let Some(licence) = self.licence() {
            model.set_text("licence", &licence, &mut w);
        }

        let mut datasets = self.list("datasets");
        if datasets.len() > MAX_DATASETS {
            datasets.truncate(MAX_DATASETS);
            w.push(format!(
                "only the first {MAX_DATASETS} datasets were imported"
            ));
        }
        let base = self.list("base_model");
        let mut training = Vec::new();
        if !datasets.is_empty() {
            training.push(format!("Datasets: {}", datasets.join(", ")));
        }
        match base.len() {
            0 => {}
            1 => training.push(format!("Base model: {}", base.join(""))),
            _ => training.push(format!("Base models: {}", base.join(", "))),
        }
        if !training.is_empty() {
            model.set_text("training_data", &training.join("\n"), &mut w);
        }

        let evaluated = self.metrics(&model_index, &mut model, &mut w);
        let mut description = self.paragraph.clone().unwrap_or_default();
        let mut notes = Vec::new();
        if let Some(lib) = self.string("library_name") {
            notes.push(format!("Library: {lib}."));
        }
        let languages = self.list("language");
        if !languages.is_empty() {
            notes.push(format!("Language: {}.", languages.join(", ")));
        }
        let tags = self.list("tags");
        if !tags.is_empty() {
            notes.push(format!("Tags: {}.", tags.join(", ")));
        }
        let named = self.list("metrics");
        if !named.is_empty() && !model.fields.contains_key("metrics") {
            notes.push(format!(
                "Metrics named (no values given): {}.",
                named.join(", ")
            ));
        }
        if !notes.is_empty() {
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(&notes.join(" "));
        }
        model.set_text("description", &description, &mut w);
        self.inv.items.push(model);

        for ds in &datasets {
            self.dataset(&id, ds, None, TRAINED_ON, &mut w);
        }
        for (ds_id, pretty) in evaluated {
            self.dataset(&id, &ds_id, pretty.as_deref(), EVALUATED_ON, &mut w);
        }
        let file = self.file_name;
        self.inv
            .warnings
            .extend(w.into_iter().map(|m| format!("{file}: {m}")));
    }

    fn string(&self, key: &str) -> Option<String> {
        scalar_text(self.meta.get(key)?)
    }

    /// A value that may be one text or a list of texts.
    fn list(&self, key: &str) -> Vec<String> {
        match self.meta.get(key) {
            Some(Value::Array(items)) => items.iter().filter_map(scalar_text).collect(),
            Some(v) => scalar_text(v).into_iter().collect(),
            None => Vec::new(),
        }
    }

    fn licence(&self) -> Option<String> {
        let other = self.string("license_name");
        let licences: Vec<String> = self
            .list("license")
            .into_iter()
            .map(|l| match &other {
                Some(name) if l.eq_ignore_ascii_case("other") => name.clone(),
                _ => l,
            })
            .collect();
        (!licences.is_empty()).then(|| join_licences(&licences))
    }

    fn model_index(&mut self) -> Vec<Value> {
        let key = if self.meta.contains_key("model-index") {
            "model-index"
        } else {
            "model_index"
        };
        match self.meta.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(entries)) => entries.clone(),
            Some(other) => {
                self.warn(format!(
                    "{key} was ignored: it should be a list of models, but it is {}",
                    describe(other)
                ));
                Vec::new()
            }
        }
    }

    fn model_id(&mut self, model_index: &[Value]) -> String {
        if let Some(id) = self.string("model_name").filter(|s| !s.trim().is_empty()) {
            return id.trim().to_owned();
        }
        let indexed = model_index
            .first()
            .and_then(|e| e.get("name"))
            .and_then(scalar_text)
            .filter(|s| !s.trim().is_empty() && !s.contains('{'));
        if let Some(id) = indexed {
            return id.trim().to_owned();
        }
        if let Some(h) = self.heading.clone() {
            self.warn(format!(
                "the card names no model id (model_name or model-index); its heading \"{h}\" was used as the key"
            ));
            return h;
        }
        let stem = file_stem(self.file_name);
        self.warn(format!(
            "the card names no model id and has no # heading; the file name \"{stem}\" was used as the key"
        ));
        stem
    }

    /// Reads `model-index` results into the model's metrics; returns the
    /// evaluation datasets as (id, pretty name).
    fn metrics(
        &mut self,
        model_index: &[Value],
        model: &mut Item,
        w: &mut Vec<String>,
    ) -> Vec<(String, Option<String>)> {
        let mut metrics = Vec::new();
        let mut datasets: Vec<(String, Option<String>)> = Vec::new();
        let mut read = 0usize;
        'entries: for (i, entry) in model_index.iter().enumerate() {
            let results = match entry.get("results") {
                Some(Value::Array(r)) => r.as_slice(),
                _ => {
                    w.push(format!(
                        "model-index[{i}] has no list of results; it was skipped"
                    ));
                    continue;
                }
            };
            for (j, result) in results.iter().enumerate() {
                read += 1;
                if read > MAX_METRICS || metrics.len() >= MAX_METRICS {
                    w.push(format!(
                        "only the first {MAX_METRICS} model-index results and metrics were read"
                    ));
                    break 'entries;
                }
                let at = format!("model-index[{i}].results[{j}]");
                let task = result.get("task");
                let task_text = task
                    .and_then(|t| t.get("name").and_then(scalar_text))
                    .or_else(|| task.and_then(|t| t.get("type").and_then(scalar_text)));
                let dataset = result.get("dataset");
                let ds_id = dataset
                    .and_then(|d| d.get("type").and_then(scalar_text))
                    .or_else(|| dataset.and_then(|d| d.get("name").and_then(scalar_text)));
                let ds_name = dataset.and_then(|d| d.get("name").and_then(scalar_text));
                let ds_label = ds_name.clone().or_else(|| ds_id.clone()).map(|n| {
                    match dataset.and_then(|d| d.get("split")).and_then(scalar_text) {
                        Some(split) => format!("{n} ({split} split)"),
                        None => n,
                    }
                });
                match &ds_id {
                    Some(id) => {
                        if !datasets.iter().any(|(d, _)| d == id) {
                            datasets.push((id.clone(), ds_name.clone()));
                        }
                    }
                    None => w.push(format!(
                        "{at} names no dataset; its metrics were imported without one"
                    )),
                }
                let Some(Value::Array(ms)) = result.get("metrics") else {
                    w.push(format!("{at} has no list of metrics; it was skipped"));
                    continue;
                };
                for (k, m) in ms.iter().enumerate().take(MAX_METRICS - metrics.len()) {
                    let name = m
                        .get("name")
                        .and_then(scalar_text)
                        .or_else(|| m.get("type").and_then(scalar_text));
                    let value = match m.get("value") {
                        Some(Value::Number(n)) => Some(Value::Number(n.clone())),
                        Some(Value::String(s)) => Some(Value::String(s.clone())),
                        Some(Value::Bool(b)) => Some(Value::String(b.to_string())),
                        _ => None,
                    };
                    let what = format!("{at}.metrics[{k}]");
                    if let Some(m) = metric(
                        name.as_deref(),
                        value,
                        ds_label.as_deref(),
                        task_text.as_deref(),
                        &what,
                        w,
                    ) {
                        metrics.push(m);
                    }
                }
            }
        }
        if !metrics.is_empty() {
            model.fields.insert("metrics".into(), Value::Array(metrics));
        }
        datasets
    }

    /// Adds (once) the dataset item `hf:dataset/<id>` and links the model to it.
    fn dataset(
        &mut self,
        model: &str,
        id: &str,
        pretty: Option<&str>,
        relation: &str,
        w: &mut Vec<String>,
    ) {
        let key = clean_key(&format!("hf:dataset/{id}"));
        if self.inv.item(&key).is_none() {
            let mut ds = Item::new(ItemKind::Dataset, key.clone());
            ds.set_text("name", pretty.unwrap_or(id), w);
            if is_hub_id(id) {
                ds.set_text(
                    "source",
                    &format!("https://huggingface.co/datasets/{id}"),
                    w,
                );
            }
            ds.set_text(
                "provenance",
                &format!("Hugging Face dataset \"{id}\", named in the model card of {model}"),
                w,
            );
            self.inv.items.push(ds);
        }
        self.inv.link(model, relation, &key);
    }

    fn warn(&mut self, message: String) {
        self.inv
            .warnings
            .push(format!("{}: {message}", self.file_name));
    }
}

fn first_task(model_index: &[Value]) -> Option<String> {
    model_index.iter().find_map(|e| {
        e.get("results")?
            .as_array()?
            .iter()
            .find_map(|r| r.get("task")?.get("type").and_then(scalar_text))
    })
}

/// A scalar as text (numbers and booleans included); `None` for anything else.
fn scalar_text(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// A Hugging Face repository id: `name` or `org/name` of letters, digits, `-_.`.
fn is_hub_id(id: &str) -> bool {
    let ok = |part: &str| {
        !part.is_empty()
            && part.len() <= 96
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && !part.starts_with('.')
    };
    match id.split_once('/') {
        Some((org, name)) => ok(org) && ok(name),
        None => ok(id),
    }
}

fn file_stem(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s).trim();
    if stem.is_empty() {
        "model".to_owned()
    } else {
        stem.to_owned()
    }
}

/// Shared limits for one YAML document, counted across alias expansions.
#[derive(Default)]
struct Budget {
    nodes: Cell<usize>,
    string_bytes: Cell<usize>,
}

impl Budget {
    fn node<E: de::Error>(&self, string_len: usize) -> Result<(), E> {
        self.nodes.set(self.nodes.get() + 1);
        self.string_bytes
            .set(self.string_bytes.get().saturating_add(string_len));
        if self.nodes.get() > MAX_YAML_NODES || self.string_bytes.get() > MAX_YAML_STRING_BYTES {
            return Err(E::custom(
                "the front matter is too large once its aliases (*name) are expanded",
            ));
        }
        Ok(())
    }
}

/// Deserialises any YAML value into JSON, within the [`Budget`].
#[derive(Clone, Copy)]
struct Seed<'b> {
    budget: &'b Budget,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl Seed<'_> {
    fn deeper<E: de::Error>(self) -> Result<Self, E> {
        if self.depth >= MAX_YAML_DEPTH {
            return Err(E::custom("the front matter is nested too deeply"));
        }
        Ok(Seed {
            budget: self.budget,
            depth: self.depth + 1,
        })
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.budget.node(0)?;
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.budget.node(0)?;
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.budget.node(0)?;
        Ok(Value::Number(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        self.budget.node(0)?;
        Ok(i64::try_from(v).map_or_else(
            |_| Value::String(v.to_string()),
            |n| Value::Number(n.into()),
        ))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        self.budget.node(0)?;
        Ok(u64::try_from(v).map_or_else(
            |_| Value::String(v.to_string()),
            |n| Value::Number(n.into()),
        ))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.budget.node(0)?;
        Ok(Number::from_f64(v).map_or_else(|| Value::String(v.to_string()), Value::Number))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.budget.node(v.len())?;
        Ok(Value::String(v.to_owned()))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        self.budget.node(v.len())?;
        Ok(Value::String(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.budget.node(0)?;
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.budget.node(0)?;
        let inner = self.deeper()?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(inner)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.budget.node(0)?;
        let inner = self.deeper()?;
        let mut out = Map::new();
        while let Some(k) = map.next_key_seed(inner)? {
            let key = match k {
                Value::String(s) => s,
                Value::Null => "null".to_owned(),
                other => other.to_string(),
            };
            let v = map.next_value_seed(inner)?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A tagged value (`!tag value`): the tag is dropped, the value kept.
        let (_tag, variant): (de::IgnoredAny, _) = data.variant()?;
        variant.newtype_variant_seed(self)
    }
}
