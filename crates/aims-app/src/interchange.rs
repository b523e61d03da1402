//! Inventory files: Hugging Face model cards and CycloneDX ML-BOM create or
//! update systems, models and data sets with their links (matched by external
//! reference, then by name, so a re-import updates and never duplicates); the
//! inventory exports as CycloneDX 1.6.

use crate::records::resolve_member_fields;
use crate::{App, AppError, ImportMode, Result, Scope};
use aims_domain::history::field_changes;
use aims_domain::record::{kind, relation, Fields, Input, Kind};
use aims_domain::validation::is_record_id;
use aims_interchange::{Detected, Inventory, Item, ItemKind, Link};
use aims_store::RecordRow;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// What an inventory file import did (or, on a dry run, would do).
#[derive(Debug, Clone, Default, Serialize)]
pub struct InventoryReport {
    pub file: String,
    /// `model_card` or `cyclonedx`.
    pub format: String,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub links_added: usize,
    /// What the file lacked or what was left out.
    pub warnings: Vec<String>,
    /// Items that cannot become records, with why.
    pub problems: Vec<String>,
    pub written: bool,
}

/// Relations an inventory file carries.
const FILE_RELATIONS: &[&str] = &["uses_model", "uses_dataset", "trained_on", "evaluated_on"];

fn item_kind(k: ItemKind) -> Option<&'static Kind> {
    kind(k.plural())
}

/// Whether the bytes are an inventory file (model card or CycloneDX), not a sheet.
pub fn is_inventory_file(file_name: &str, bytes: &[u8]) -> bool {
    matches!(
        aims_interchange::detect(file_name, bytes),
        Detected::ModelCard | Detected::CycloneDx
    )
}

impl App {
    /// Imports a model card or a CycloneDX BOM (the format is detected).
    pub async fn import_inventory_file(
        &self,
        ws: &Scope,
        file_name: &str,
        bytes: &[u8],
        mode: ImportMode,
    ) -> Result<InventoryReport> {
        ws.require(aims_domain::Action::Create)?;
        ws.require(aims_domain::Action::Update)?;
        let (format, parsed) = match aims_interchange::detect(file_name, bytes) {
            Detected::ModelCard => ("model_card", aims_interchange::read_model_card(file_name, bytes)),
            Detected::CycloneDx => ("cyclonedx", aims_interchange::read_cyclonedx(file_name, bytes)),
            _ => {
                return Err(AppError::field(
                    "file",
                    format!("{file_name}: is neither a model card (Markdown with YAML front matter) nor a CycloneDX BOM"),
                ))
            }
        };
        let inv = parsed.map_err(|e| AppError::field("file", e.to_string()))?;
        let mut report = InventoryReport {
            file: file_name.to_owned(),
            format: format.into(),
            warnings: inv.warnings.clone(),
            ..Default::default()
        };
        let members = self.members(ws).await?;
        // Every item as fields for its record, matched to what exists.
        let mut existing: HashMap<&'static str, Vec<RecordRow>> = HashMap::new();
        let mut plan: Vec<(&'static Kind, String, Option<RecordRow>, Fields)> = vec![];
        for item in &inv.items {
            let Some(k) = item_kind(item.kind) else {
                continue;
            };
            if !existing.contains_key(k.name) {
                existing.insert(k.name, self.all_records(ws, k, &Default::default()).await?);
            }
            let rows = existing.get(k.name).map(Vec::as_slice).unwrap_or(&[]);
            let found = find_existing(rows, item);
            let mut input = item.fields.clone();
            if found.as_ref().is_some_and(|r| r.id == item.key) {
                // Our own export's key is the record id, not an external reference.
                input.remove("external_ref");
            }
            input.retain(|name, _| k.field(name).is_some());
            let parsed = match &found {
                Some(r) => k.parse_update(&r.fields, Input::Json(&input)),
                None => k.parse_new(Input::Json(&input)),
            };
            match parsed.and_then(|mut f| resolve_member_fields(k, &mut f, &members).map(|()| f)) {
                Ok(fields) => plan.push((k, item.key.clone(), found, fields)),
                Err(errors) => report.problems.push(format!(
                    "{} `{}`: {}",
                    k.singular,
                    item.key,
                    errors.summary()
                )),
            }
        }
        for (_, _, found, fields) in &plan {
            match found {
                None => report.created += 1,
                Some(r) if field_changes(&r.fields, fields).is_empty() => report.unchanged += 1,
                Some(_) => report.updated += 1,
            }
        }
        if mode == ImportMode::DryRun
            || (!report.problems.is_empty() && mode == ImportMode::AllOrNothing)
        {
            return Ok(report);
        }
        let mut tx = self.store.begin().await?;
        let mut by_key: HashMap<String, (&'static Kind, RecordRow)> = HashMap::new();
        let mut members = Some(members);
        for (k, key, found, fields) in plan {
            let row = match found {
                Some(old) => {
                    self.update_parsed(&mut tx.conn(), ws, k, &old, fields, &mut members)
                        .await?
                }
                None => {
                    self.insert_record(&mut tx.conn(), ws, k, fields, &mut members)
                        .await?
                }
            };
            by_key.insert(key, (k, row));
        }
        for Link {
            from,
            relation: rel,
            to,
        } in &inv.links
        {
            let (Some((k, a)), Some((_, b)), Some(rel)) =
                (by_key.get(from), by_key.get(to), relation(rel))
            else {
                continue;
            };
            if !FILE_RELATIONS.contains(&rel.name)
                || tx.conn().link_exists(&a.id, rel.name, &b.id).await?
            {
                continue;
            }
            self.insert_link(&mut tx.conn(), ws, k, a, rel, b).await?;
            report.links_added += 1;
        }
        tx.commit().await?;
        report.written = true;
        Ok(report)
    }

    /// The workspace's systems, models and data sets with the links between
    /// them, as a CycloneDX 1.6 BOM.
    pub async fn export_cyclonedx(&self, ws: &Scope) -> Result<Vec<u8>> {
        ws.require(aims_domain::Action::Export)?;
        let mut inv = Inventory::default();
        let mut keys: HashMap<String, String> = HashMap::new();
        let mut sources: Vec<(String, String)> = vec![];
        for ik in [ItemKind::System, ItemKind::Model, ItemKind::Dataset] {
            let Some(k) = item_kind(ik) else { continue };
            for r in self.all_records(ws, k, &Default::default()).await? {
                let key = r
                    .fields
                    .get("external_ref")
                    .and_then(Value::as_str)
                    .map_or_else(|| r.id.clone(), str::to_owned);
                let mut item = Item::new(ik, key.clone());
                let allowed = ik.fields();
                for (name, v) in &r.fields {
                    if allowed.contains(&name.as_str()) && name != "external_ref" {
                        item.fields.insert(name.clone(), v.clone());
                    }
                }
                if key == r.id {
                    item.fields.remove("external_ref");
                }
                if ik != ItemKind::Dataset {
                    sources.push((r.id.clone(), key.clone()));
                }
                keys.insert(r.id.clone(), key);
                inv.items.push(item);
            }
        }
        // Links start at systems and models; each record's links in one query.
        let mut c = self.store.conn().await?;
        for (id, key) in sources {
            for l in c.conn().links_of(&ws.workspace.id, &id).await? {
                if l.from_id != id || !FILE_RELATIONS.contains(&l.relation.as_str()) {
                    continue;
                }
                if let Some(to) = keys.get(&l.to_id) {
                    inv.links.push(Link {
                        from: key.clone(),
                        relation: l.relation.clone(),
                        to: to.clone(),
                    });
                }
            }
        }
        drop(c);
        inv.finish();
        let serial = uuid::Uuid::now_v7().to_string();
        let bom = aims_interchange::write_cyclonedx(&inv, &serial, &self.now());
        serde_json::to_vec_pretty(&bom).map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// The record an item stands for: by record id (our own export), by
/// external reference, then by name.
fn find_existing(rows: &[RecordRow], item: &Item) -> Option<RecordRow> {
    let key = item.key.to_lowercase();
    if is_record_id(&item.key) {
        if let Some(r) = rows.iter().find(|r| r.id == item.key) {
            return Some(r.clone());
        }
    }
    let ext = |r: &RecordRow| {
        r.fields
            .get("external_ref")
            .and_then(Value::as_str)
            .map(str::to_lowercase)
    };
    if let Some(r) = rows
        .iter()
        .find(|r| ext(r).as_deref() == Some(key.as_str()))
    {
        return Some(r.clone());
    }
    let name = item
        .fields
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_lowercase)?;
    rows.iter()
        .find(|r| r.title.to_lowercase() == name && ext(r).is_none())
        .cloned()
}
