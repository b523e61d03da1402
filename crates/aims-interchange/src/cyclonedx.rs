//! CycloneDX ML-BOM (JSON, spec 1.5 and 1.6): read into inventory items and
//! written back as CycloneDX 1.6.
//!
//! Reading: `metadata.component` and every component (nested ones included)
//! of type `application`, `platform` or `device` becomes a system,
//! `machine-learning-model` a model, `data` a dataset; other types are
//! skipped with a warning. A dataset written inline in a model card's
//! `modelParameters.datasets` becomes a dataset item too. Links come from
//! `dependencies` (system → model `uses_model`, system → data `uses_dataset`,
//! model → data `trained_on`) and from the model card's dataset references.
//!
//! Invalid JSON is refused with its line and column; a value of the wrong
//! type where aims reads one is refused with its JSON path
//! (`$.components[3].name`). Fields aims does not read are ignored.
//!
//! Writing: what has no natural place in CycloneDX is kept in component
//! `properties` named `aims:<field>` (`aims:intended_use`, `aims:training_data`,
//! `aims:provenance`, …), the task of metric N in `aims:metric[N].task` and
//! each `evaluated_on` dataset in `aims:evaluated-on`; reading gives those
//! properties precedence, so import ∘ export returns the same items and links.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{json, Value};

use crate::inventory::{
    clean_key, decode_text, default_relation, join_licences, json_syntax_error, metric, spdx_id,
    ImportError, Inventory, Item, ItemKind, JsonAt, Link, Obj, EVALUATED_ON, TRAINED_ON,
};

/// A JSON member name and the label it gets in text.
type Labelled = (&'static str, &'static str);

/// Property name prefix for aims fields without a CycloneDX home.
const AIMS: &str = "aims:";
/// Property naming a dataset (by bom-ref) the model was evaluated on.
const EVALUATED_ON_PROPERTY: &str = "aims:evaluated-on";

/// Reads a CycloneDX 1.5 or 1.6 JSON BOM.
pub fn read_cyclonedx(file_name: &str, bytes: &[u8]) -> Result<Inventory, ImportError> {
    let text = decode_text(file_name, bytes)?;
    let root: Value =
        serde_json::from_str(text).map_err(|e| json_syntax_error(file_name, text, &e))?;
    let mut r = Reader {
        file: file_name,
        j: JsonAt { file: file_name },
        inv: Inventory::default(),
        kinds: HashMap::new(),
        pending: Vec::new(),
        skipped: BTreeMap::new(),
        inline: Vec::new(),
    };
    r.read(&root)?;
    Ok(r.inv)
}

struct Reader<'f> {
    file: &'f str,
    j: JsonAt<'f>,
    inv: Inventory,
    kinds: HashMap<String, ItemKind>,
    /// Links from model card references, checked once all components are read:
    /// (from, relation, to, JSON path of the reference).
    pending: Vec<(String, &'static str, String, String)>,
    /// Component types that were skipped, with counts.
    skipped: BTreeMap<String, usize>,
    /// Datasets described inside the model card being read, added after it.
    inline: Vec<(Item, String, Vec<String>)>,
}

impl Reader<'_> {
    fn read(&mut self, root: &Value) -> Result<(), ImportError> {
        let root = self.j.obj(root, "$")?;
        if self.j.opt_str(root, "bomFormat", "$")? != Some("CycloneDX") {
            let message = "this is not a CycloneDX BOM: bomFormat must be \"CycloneDX\"";
            return Err(ImportError::at(self.file, "$.bomFormat", message));
        }
        let version = self.j.opt_str(root, "specVersion", "$")?;
        if !matches!(version, Some("1.5" | "1.6")) {
            let given = version.map_or_else(|| "(none given)".to_owned(), |v| format!("\"{v}\""));
            let message = format!("unsupported CycloneDX version {given}; aims reads 1.5 and 1.6");
            return Err(ImportError::at(self.file, "$.specVersion", message));
        }
        if let Some(meta) = self.j.opt_obj(root, "metadata", "$")? {
            if let Some(c) = self.j.opt_obj(meta, "component", "$.metadata")? {
                self.component(c, "$.metadata.component")?;
            }
        }
        self.components(root, "$")?;
        if !self.j.arr(root, "services", "$")?.is_empty() {
            self.inv.warnings.push(format!(
                "{}: services were not imported (aims reads components only)",
                self.file
            ));
        }
        self.dependencies(root)?;
        self.resolve_pending();
        if !self.skipped.is_empty() {
            let list: Vec<String> = self
                .skipped
                .iter()
                .map(|(t, n)| format!("{t}: {n}"))
                .collect();
            self.inv.warnings.push(format!(
                "{}: skipped components that are not AI systems, models or datasets ({})",
                self.file,
                list.join(", ")
            ));
        }
        self.inv.finish();
        Ok(())
    }

    fn components(&mut self, parent: &Obj, path: &str) -> Result<(), ImportError> {
        for (at, c) in self.j.objs(parent, "components", path)? {
            self.component(c, &at)?;
            self.components(c, &at)?;
        }
        Ok(())
    }

    fn component(&mut self, c: &Obj, path: &str) -> Result<(), ImportError> {
        let ty = self
            .j
            .req_str(c, "type", path, "a component needs a type")?;
        let kind = match ty {
            "machine-learning-model" => ItemKind::Model,
            "data" => ItemKind::Dataset,
            "application" | "platform" | "device" => ItemKind::System,
            other => {
                *self.skipped.entry(other.to_owned()).or_default() += 1;
                return Ok(());
            }
        };
        let name = self
            .j
            .req_str(c, "name", path, "a component needs a name")?;
        let version = self.j.opt_str(c, "version", path)?;
        let key = match (
            self.j.opt_str(c, "bom-ref", path)?,
            self.j.opt_str(c, "purl", path)?,
            version,
        ) {
            (Some(r), _, _) | (None, Some(r), _) => r.trim().to_owned(),
            (None, None, Some(v)) => format!("{}@{}", name.trim(), v.trim()),
            (None, None, None) => name.trim().to_owned(),
        };
        let mut w = Vec::new();
        let mut item = Item::new(kind, key);
        let key = item.key.clone();
        item.set_text("name", name, &mut w);
        let description = self
            .j
            .opt_str(c, "description", path)?
            .unwrap_or_default()
            .to_owned();
        let licence = self.licences(c, path)?;
        match kind {
            ItemKind::System => item.set_text("purpose", &description, &mut w),
            ItemKind::Model => {
                item.set_text("model_version", version.unwrap_or_default(), &mut w);
                if let Some(p) = self.party(c, path)? {
                    item.set_text("provider", &p, &mut w);
                }
                item.set_text("licence", &licence, &mut w);
                self.model_card(c, path, &key, description, &mut item, &mut w)?;
            }
            ItemKind::Dataset => {
                item.set_text("licence", &licence, &mut w);
                let mut description = description;
                for (at, d) in self.j.objs(c, "data", path)? {
                    self.component_data(d, &at, &mut item, &mut description, &mut w)?;
                }
                item.set_text("description", &description, &mut w);
                if !item.fields.contains_key("source") {
                    for (at, r) in self.j.objs(c, "externalReferences", path)? {
                        if let Some(url) = self.j.opt_str(r, "url", &at)? {
                            item.set_text("source", url, &mut w);
                            break;
                        }
                    }
                }
                if !item.fields.contains_key("provenance") {
                    if let Some(p) = self.party(c, path)? {
                        item.set_text("provenance", &format!("Supplied by {p}"), &mut w);
                    }
                }
            }
        }
        self.aims_properties(c, path, &mut item, &mut w)?;
        let inline = std::mem::take(&mut self.inline);
        if !self.add_item(item, path, w) {
            return Ok(());
        }
        for (ds, at, w) in inline {
            self.inv.link(&key, TRAINED_ON, &ds.key);
            self.add_item(ds, &at, w);
        }
        Ok(())
    }

    /// Adds an item unless its key is taken (then warns and returns false).
    fn add_item(&mut self, item: Item, path: &str, w: Vec<String>) -> bool {
        let file = self.file;
        if self.kinds.contains_key(&item.key) {
            self.inv.warnings.push(format!(
                "{file}: {path} has the same key \"{}\" as an earlier item and was skipped",
                item.key
            ));
            return false;
        }
        self.inv
            .warnings
            .extend(w.into_iter().map(|m| format!("{file}: {m}")));
        self.kinds.insert(item.key.clone(), item.kind);
        self.inv.items.push(item);
        true
    }

    /// The organisation or person behind a component.
    fn party(&self, c: &Obj, path: &str) -> Result<Option<String>, ImportError> {
        for key in ["manufacturer", "supplier"] {
            if let Some(o) = self.j.opt_obj(c, key, path)? {
                if let Some(n) = self.j.opt_str(o, "name", &format!("{path}.{key}"))? {
                    return Ok(Some(n.trim().to_owned()));
                }
            }
        }
        for (at, a) in self.j.objs(c, "authors", path)? {
            if let Some(n) = self.j.opt_str(a, "name", &at)? {
                return Ok(Some(n.trim().to_owned()));
            }
        }
        for key in ["author", "publisher", "group"] {
            if let Some(n) = self.j.opt_str(c, key, path)? {
                return Ok(Some(n.trim().to_owned()));
            }
        }
        Ok(None)
    }

    fn licences(&self, c: &Obj, path: &str) -> Result<String, ImportError> {
        let mut out = Vec::new();
        for (at, l) in self.j.objs(c, "licenses", path)? {
            if let Some(e) = self.j.opt_str(l, "expression", &at)? {
                out.push(e.trim().to_owned());
            } else if let Some(lic) = self.j.opt_obj(l, "license", &at)? {
                let at = format!("{at}.license");
                if let Some(id) = self.j.opt_str(lic, "id", &at)? {
                    out.push(id.trim().to_owned());
                } else if let Some(n) = self.j.opt_str(lic, "name", &at)? {
                    out.push(n.trim().to_owned());
                }
            }
        }
        Ok(join_licences(&out))
    }

    fn model_card(
        &mut self,
        c: &Obj,
        cpath: &str,
        key: &str,
        description: String,
        item: &mut Item,
        w: &mut Vec<String>,
    ) -> Result<(), ImportError> {
        let mut notes: Vec<String> = Vec::new();
        let path = format!("{cpath}.modelCard");
        if let Some(card) = self.j.opt_obj(c, "modelCard", cpath)? {
            if let Some(mp) = self.j.opt_obj(card, "modelParameters", &path)? {
                let at = format!("{path}.modelParameters");
                if let Some(task) = self.j.opt_str(mp, "task", &at)? {
                    item.set_text("model_type", task, w);
                }
                if let Some(a) = self.j.opt_obj(mp, "approach", &at)? {
                    if let Some(t) = self.j.opt_str(a, "type", &format!("{at}.approach"))? {
                        notes.push(format!("Approach: {t}"));
                    }
                }
                for (field, label) in [
                    ("architectureFamily", "Architecture family"),
                    ("modelArchitecture", "Model architecture"),
                ] {
                    if let Some(v) = self.j.opt_str(mp, field, &at)? {
                        notes.push(format!("{label}: {}", v.trim()));
                    }
                }
                for (dp, d) in self.j.objs(mp, "datasets", &at)? {
                    if let Some(r) = self.j.opt_str(d, "ref", &dp)? {
                        self.pending
                            .push((key.to_owned(), TRAINED_ON, clean_key(r), dp));
                    } else {
                        self.inline_dataset(d, &dp, key)?;
                    }
                }
            }
            if let Some(qa) = self.j.opt_obj(card, "quantitativeAnalysis", &path)? {
                let at = format!("{path}.quantitativeAnalysis");
                let mut metrics = Vec::new();
                for (mp, m) in self.j.objs(qa, "performanceMetrics", &at)? {
                    let value = match m.get("value") {
                        None | Some(Value::Null) => None,
                        Some(v @ (Value::String(_) | Value::Number(_))) => Some(v.clone()),
                        Some(v) => return Err(self.j.wrong(&format!("{mp}.value"), "text", v)),
                    };
                    let name = self.j.opt_str(m, "type", &mp)?;
                    let slice = self.j.opt_str(m, "slice", &mp)?;
                    if let Some(m) = metric(name, value, slice, None, &mp, w) {
                        metrics.push(m);
                    }
                }
                if !metrics.is_empty() {
                    item.fields.insert("metrics".into(), Value::Array(metrics));
                }
            }
            if let Some(cons) = self.j.opt_obj(card, "considerations", &path)? {
                self.considerations(cons, &format!("{path}.considerations"), &mut notes)?;
            }
            self.aims_properties(card, &path, item, w)?;
        }
        let mut text = description;
        if !notes.is_empty() {
            if !text.trim().is_empty() {
                text = format!("{}\n\n", text.trim());
            }
            text.push_str(&notes.join("\n"));
        }
        item.set_text("description", &text, w);
        Ok(())
    }

    fn considerations(
        &self,
        cons: &Obj,
        path: &str,
        notes: &mut Vec<String>,
    ) -> Result<(), ImportError> {
        for (field, label) in [
            ("users", "Users"),
            ("useCases", "Use cases"),
            ("technicalLimitations", "Technical limitations"),
            ("performanceTradeoffs", "Performance trade-offs"),
        ] {
            let list = self.j.strings(cons, field, path)?;
            if !list.is_empty() {
                notes.push(format!("{label}: {}", list.join("; ")));
            }
        }
        let objects: [(&str, &str, &[Labelled]); 2] = [
            (
                "ethicalConsiderations",
                "Ethical considerations",
                &[("name", "risk"), ("mitigationStrategy", "mitigation")],
            ),
            (
                "fairnessAssessments",
                "Fairness assessments",
                &[
                    ("groupAtRisk", "group at risk"),
                    ("benefits", "benefits"),
                    ("harms", "harms"),
                    ("mitigationStrategy", "mitigation"),
                ],
            ),
        ];
        for (field, label, parts) in objects {
            let mut entries = Vec::new();
            for (at, e) in self.j.objs(cons, field, path)? {
                let mut texts = Vec::new();
                for (key, name) in parts {
                    if let Some(v) = self.j.opt_str(e, key, &at)? {
                        texts.push(format!("{name}: {}", v.trim()));
                    }
                }
                if !texts.is_empty() {
                    entries.push(texts.join(", "));
                }
            }
            if !entries.is_empty() {
                notes.push(format!("{label}: {}", entries.join("; ")));
            }
        }
        Ok(())
    }

    /// A dataset described inside a model card: its own item, `trained_on`.
    fn inline_dataset(&mut self, d: &Obj, path: &str, model_key: &str) -> Result<(), ImportError> {
        let name = self.j.opt_str(d, "name", path)?.map(str::trim);
        let key = match (self.j.opt_str(d, "bom-ref", path)?, name) {
            (Some(r), _) => r.trim().to_owned(),
            (None, Some(n)) => format!("{model_key}#dataset/{n}"),
            (None, None) => {
                self.inv.warnings.push(format!(
                    "{}: {path} describes a dataset without a name or bom-ref; it was skipped",
                    self.file
                ));
                return Ok(());
            }
        };
        let mut w = Vec::new();
        let mut item = Item::new(ItemKind::Dataset, key);
        let key = item.key.clone();
        item.set_text("name", name.unwrap_or(&key), &mut w);
        let mut description = String::new();
        self.component_data(d, path, &mut item, &mut description, &mut w)?;
        item.set_text("description", &description, &mut w);
        self.inline.push((item, path.to_owned(), w));
        Ok(())
    }

    /// Reads one CycloneDX `componentData` entry into a dataset item.
    fn component_data(
        &self,
        d: &Obj,
        path: &str,
        item: &mut Item,
        description: &mut String,
        w: &mut Vec<String>,
    ) -> Result<(), ImportError> {
        if let Some(contents) = self.j.opt_obj(d, "contents", path)? {
            if let Some(url) = self
                .j
                .opt_str(contents, "url", &format!("{path}.contents"))?
            {
                item.set_text_if_absent("source", url, w);
            }
        }
        if let Some(text) = self.j.opt_str(d, "description", path)? {
            if description.trim().is_empty() {
                *description = text.trim().to_owned();
            }
        }
        if let Some(class) = self.j.opt_str(d, "classification", path)? {
            if !description.trim().is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(&format!("Data classification: {}", class.trim()));
        }
        let sensitive = self.j.strings(d, "sensitiveData", path)?;
        if !sensitive.is_empty() {
            item.fields
                .insert("personal_data".into(), Value::Bool(true));
            item.set_text_if_absent("personal_data_categories", &sensitive.join("; "), w);
        }
        if let Some(g) = self.j.opt_obj(d, "governance", path)? {
            let at = format!("{path}.governance");
            let mut parts = Vec::new();
            for (field, label) in [
                ("owners", "Owners"),
                ("stewards", "Stewards"),
                ("custodians", "Custodians"),
            ] {
                let mut names = Vec::new();
                for (pp, p) in self.j.objs(g, field, &at)? {
                    for who in ["organization", "contact"] {
                        if let Some(o) = self.j.opt_obj(p, who, &pp)? {
                            let op = format!("{pp}.{who}");
                            if let Some(n) = self
                                .j
                                .opt_str(o, "name", &op)?
                                .or(self.j.opt_str(o, "email", &op)?)
                            {
                                names.push(n.trim().to_owned());
                            }
                        }
                    }
                }
                if !names.is_empty() {
                    parts.push(format!("{label}: {}", names.join(", ")));
                }
            }
            if !parts.is_empty() {
                item.set_text_if_absent("provenance", &parts.join("; "), w);
            }
        }
        Ok(())
    }

    /// Applies `aims:<field>` properties (they win over derived values) and
    /// collects metric tasks and evaluation datasets.
    fn aims_properties(
        &mut self,
        o: &Obj,
        path: &str,
        item: &mut Item,
        w: &mut Vec<String>,
    ) -> Result<(), ImportError> {
        for (at, p) in self.j.objs(o, "properties", path)? {
            let (Some(name), value) = (
                self.j.opt_str(p, "name", &at)?,
                self.j.opt_str(p, "value", &at)?,
            ) else {
                continue;
            };
            let Some(field) = name.strip_prefix(AIMS) else {
                continue;
            };
            let value = value.unwrap_or_default();
            if name == EVALUATED_ON_PROPERTY {
                self.pending
                    .push((item.key.clone(), EVALUATED_ON, clean_key(value), at));
            } else if let Some(index) = field
                .strip_prefix("metric[")
                .and_then(|r| r.strip_suffix("].task"))
            {
                let metric = index.parse::<usize>().ok().and_then(|n| {
                    item.fields
                        .get_mut("metrics")?
                        .as_array_mut()?
                        .get_mut(n)?
                        .as_object_mut()
                });
                if let Some(m) = metric {
                    m.insert("task".into(), Value::String(value.trim().to_owned()));
                }
            } else if field == "personal_data" {
                match value.trim() {
                    "true" => item.fields.insert(field.into(), Value::Bool(true)),
                    "false" => item.fields.insert(field.into(), Value::Bool(false)),
                    _ => None,
                };
            } else if !matches!(field, "name" | "external_ref" | "metrics")
                && item.kind.fields().contains(&field)
            {
                item.set_text(field, value, w);
            }
        }
        Ok(())
    }

    fn dependencies(&mut self, root: &Obj) -> Result<(), ImportError> {
        let mut unusable = 0usize;
        for (at, d) in self.j.objs(root, "dependencies", "$")? {
            let from = clean_key(self.j.req_str(d, "ref", &at, "a dependency needs a ref")?);
            for (j, to) in self.j.arr(d, "dependsOn", &at)?.iter().enumerate() {
                let Some(to) = to.as_str() else {
                    return Err(self.j.wrong(&format!("{at}.dependsOn[{j}]"), "text", to));
                };
                let to = clean_key(to);
                let (Some(fk), Some(tk)) = (self.kinds.get(&from), self.kinds.get(&to)) else {
                    continue;
                };
                match default_relation(*fk, *tk) {
                    Some(rel) => self.inv.link(&from, rel, &to),
                    None => unusable += 1,
                }
            }
        }
        if unusable > 0 {
            self.inv.warnings.push(format!(
                "{}: {unusable} dependencies between items that aims does not link (such as model → model) were ignored",
                self.file
            ));
        }
        Ok(())
    }

    /// Adds the model card's dataset links; a model → dataset dependency that
    /// the model card already qualifies keeps only the card's relation.
    fn resolve_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        let qualified: HashSet<(&str, &str)> = pending
            .iter()
            .map(|(f, _, t, _)| (f.as_str(), t.as_str()))
            .collect();
        self.inv.links.retain(|l| {
            l.relation != TRAINED_ON || !qualified.contains(&(l.from.as_str(), l.to.as_str()))
        });
        for (from, relation, to, path) in &pending {
            if self.kinds.get(to.as_str()) == Some(&ItemKind::Dataset) {
                self.inv.link(from, relation, to);
            } else {
                self.inv.warnings.push(format!(
                    "{}: {path} refers to \"{to}\", which is not a dataset in this BOM; the link was skipped",
                    self.file
                ));
            }
        }
    }
}

/// Writes the inventory as a CycloneDX 1.6 JSON BOM. `serial_uuid` is a UUID
/// (with or without `urn:uuid:`), `timestamp_rfc3339` the BOM's time; items
/// with a key already written are left out, as are links to unknown items.
pub fn write_cyclonedx(inv: &Inventory, serial_uuid: &str, timestamp_rfc3339: &str) -> Value {
    let serial = serial_uuid.trim();
    let serial = serial
        .strip_prefix("urn:uuid:")
        .unwrap_or(serial)
        .to_ascii_lowercase();
    let mut seen: HashMap<&str, ItemKind> = HashMap::new();
    let items: Vec<&Item> = inv
        .items
        .iter()
        .filter(|i| !i.key.is_empty() && seen.insert(i.key.as_str(), i.kind).is_none())
        .collect();
    // Links by the key they start from, in order, to items that are written.
    let mut links: HashMap<&str, Vec<&Link>> = HashMap::new();
    for l in &inv.links {
        if seen.contains_key(l.from.as_str()) && seen.contains_key(l.to.as_str()) {
            links.entry(l.from.as_str()).or_default().push(l);
        }
    }
    let mut components = Vec::new();
    let mut dependencies = Vec::new();
    for item in &items {
        let mine = links.get(item.key.as_str()).map_or(&[][..], Vec::as_slice);
        components.push(component(item, mine));
        let mut unique = HashSet::new();
        let targets: Vec<&str> = mine
            .iter()
            .map(|l| l.to.as_str())
            .filter(|to| unique.insert(*to))
            .collect();
        if !targets.is_empty() {
            dependencies.push(json!({"ref": item.key, "dependsOn": targets}));
        }
    }
    let mut bom = json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{serial}"),
        "version": 1,
        "metadata": {
            "timestamp": timestamp_rfc3339,
            "tools": {"components": [{
                "type": "application",
                "name": "aims",
                "version": env!("CARGO_PKG_VERSION"),
            }]},
        },
        "components": components,
    });
    if !dependencies.is_empty() {
        bom["dependencies"] = Value::Array(dependencies);
    }
    bom
}

/// The component of one item; `links` are the links that start from it.
fn component(item: &Item, links: &[&Link]) -> Value {
    let text = |f: &str| item.text(f).filter(|s| !s.is_empty());
    let (ty, description, aims_fields): (_, _, &[&str]) = match item.kind {
        ItemKind::System => ("application", "purpose", &["intended_use"]),
        ItemKind::Model => ("machine-learning-model", "description", &["training_data"]),
        ItemKind::Dataset => (
            "data",
            "description",
            &["personal_data_categories", "provenance", "quality_notes"],
        ),
    };
    let mut c = json!({
        "type": ty,
        "bom-ref": item.key,
        "name": item.name(),
        "version": text("model_version"),
        "description": text(description),
        "supplier": text("provider").map(|p| json!({"name": p})),
        "licenses": text("licence").map(licences_json),
    });
    let mut props: Vec<Value> = Vec::new();
    let mut prop = |name: String, value: &str| props.push(json!({"name": name, "value": value}));
    for f in aims_fields {
        if let Some(v) = text(f) {
            prop(format!("{AIMS}{f}"), v);
        }
    }
    match item.kind {
        ItemKind::System => {}
        ItemKind::Model => {
            let mine = |rel: &'static str| links.iter().filter(move |l| l.relation == rel);
            let trained: Vec<Value> = mine(TRAINED_ON).map(|l| json!({"ref": l.to})).collect();
            for l in mine(EVALUATED_ON) {
                prop(EVALUATED_ON_PROPERTY.to_owned(), &l.to);
            }
            let mut perf = Vec::new();
            let metrics = item.fields.get("metrics").and_then(Value::as_array);
            for (i, m) in metrics.into_iter().flatten().enumerate() {
                let value = match m.get("value") {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => String::new(),
                };
                perf.push(json!({
                    "type": m.get("name").and_then(Value::as_str).unwrap_or("metric"),
                    "value": value,
                    "slice": m.get("dataset"),
                }));
                if let Some(task) = m.get("task").and_then(Value::as_str) {
                    prop(format!("{AIMS}metric[{i}].task"), task);
                }
            }
            let card = json!({
                "modelParameters": {
                    "task": text("model_type"),
                    "datasets": (!trained.is_empty()).then_some(trained),
                },
                "quantitativeAnalysis": (!perf.is_empty()).then(|| json!({"performanceMetrics": perf})),
            });
            c["modelCard"] = card;
        }
        ItemKind::Dataset => {
            let personal = item.fields.get("personal_data").and_then(Value::as_bool);
            let mut data = json!({
                "type": "dataset",
                "name": item.name(),
                "sensitiveData": text("personal_data_categories").filter(|_| personal == Some(true)).map(|c| [c]),
            });
            match text("source") {
                Some(url) if is_url(url) => data["contents"] = json!({"url": url}),
                Some(other) => prop(format!("{AIMS}source"), other),
                None => {}
            }
            if let Some(b) = personal {
                prop(
                    format!("{AIMS}personal_data"),
                    if b { "true" } else { "false" },
                );
            }
            c["data"] = json!([data]);
        }
    }
    if !props.is_empty() {
        c["properties"] = Value::Array(props);
    }
    prune(&mut c);
    c
}

/// Removes `null` members and the objects that become empty, recursively.
fn prune(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.values_mut().for_each(prune);
            map.retain(|_, v| !v.is_null() && v.as_object().is_none_or(|o| !o.is_empty()));
        }
        Value::Array(items) => items.iter_mut().for_each(prune),
        _ => {}
    }
}

/// `licence` as a CycloneDX license choice: one SPDX expression, or a list of
/// SPDX ids (when known) and names.
fn licences_json(licence: &str) -> Value {
    if [" OR ", " AND ", " WITH "]
        .iter()
        .any(|op| licence.contains(op))
    {
        return json!([{"expression": licence}]);
    }
    let list: Vec<Value> = licence
        .split(", ")
        .filter(|p| !p.trim().is_empty())
        .map(|p| match spdx_id(p) {
            Some(id) => json!({"license": {"id": id}}),
            None => json!({"license": {"name": p.trim()}}),
        })
        .collect();
    Value::Array(list)
}

fn is_url(s: &str) -> bool {
    !s.chars().any(char::is_whitespace)
        && s.split_once("://").is_some_and(|(scheme, rest)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !rest.is_empty()
        })
}
