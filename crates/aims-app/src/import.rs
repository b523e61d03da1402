//! Tabular import for every kind: a CSV or XLSX sheet whose columns are
//! mapped by header (a field's name or label, case and spacing tolerant)
//! becomes new and updated records. Every row is checked before anything is
//! written; a dry run only reports; otherwise all rows are written in one
//! transaction, or none when a row is wrong — unless the caller asks for the
//! sound rows only.

use crate::records::{derive_fields, resolve_member_fields};
use crate::{App, AppError, Result, Scope};
use aims_domain::history::{field_changes, NewEvent};
use aims_domain::record::{Field, Fields, Input, Kind};
use aims_domain::validation::is_record_id;
use aims_domain::Action;
use aims_store::RecordRow;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// What an import does with the rows it checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Check every row and report; write nothing.
    DryRun,
    /// Write every row, or nothing when any row is wrong.
    AllOrNothing,
    /// Write the sound rows and report the others.
    SoundRowsOnly,
}

impl ImportMode {
    pub fn from_param(raw: Option<&str>) -> std::result::Result<ImportMode, &'static str> {
        match raw.map(str::trim).unwrap_or("") {
            "" | "all" | "all-or-nothing" => Ok(ImportMode::AllOrNothing),
            "dry-run" | "dry_run" | "check" => Ok(ImportMode::DryRun),
            "sound" | "sound-rows" | "sound_rows" => Ok(ImportMode::SoundRowsOnly),
            _ => Err("must be dry-run, all or sound"),
        }
    }
}

/// One problem in one row, where the user finds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowProblem {
    /// The CSV line or spreadsheet row.
    pub line: usize,
    /// The column's header as written, when one column is at fault.
    pub column: Option<String>,
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// `csv` or `xlsx`.
    pub format: String,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Rows left out because they were wrong (sound-rows mode).
    pub skipped: usize,
    pub problems: Vec<RowProblem>,
    /// Headers that name no field (ignored).
    pub ignored_columns: Vec<String>,
    /// Rows whose `id` names no record of this workspace (say, a file exported
    /// from another one): matched by external reference or title, or created.
    pub foreign_ids: usize,
    /// Whether anything was written.
    pub written: bool,
}

/// Columns our own exports add that an import of the same file passes over.
const EXPORT_ONLY: &[&str] = &[
    "version",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "eu_ai_act_tier",
    "classification_version",
    "needs_review",
];

enum Target {
    New,
    Existing(usize),
}

/// Longest file an import reads (both formats).
pub const MAX_IMPORT_FILE_BYTES: usize = 32 * 1024 * 1024;

impl App {
    /// Imports a CSV or XLSX sheet of records of `kind`. `progress(done, total)`
    /// is called as rows are checked and written.
    pub async fn import_table(
        &self,
        ws: &Scope,
        kind: &Kind,
        bytes: &[u8],
        mode: ImportMode,
        progress: &(dyn Fn(usize, usize) + Send + Sync),
    ) -> Result<ImportReport> {
        self.import_table_mapped(ws, kind, bytes, mode, &[], progress)
            .await
    }

    /// [`App::import_table`] with columns the user mapped to fields
    /// (`(header, field name)`; an empty name ignores the column), for
    /// headers aims does not recognise by itself.
    pub async fn import_table_mapped(
        &self,
        ws: &Scope,
        kind: &Kind,
        bytes: &[u8],
        mode: ImportMode,
        mapping: &[(String, String)],
        progress: &(dyn Fn(usize, usize) + Send + Sync),
    ) -> Result<ImportReport> {
        ws.require(kind.access.create)?;
        ws.require(kind.access.update)?;
        ws.require(Action::Create)?;
        if bytes.len() > MAX_IMPORT_FILE_BYTES {
            return Err(AppError::field(
                "file",
                format!("is larger than {} MiB", MAX_IMPORT_FILE_BYTES >> 20),
            ));
        }
        let (format, sheet) = aims_export::read_sheet(bytes, &Default::default())
            .map_err(|e| AppError::field("file", e.to_string()))?;
        let mut report = ImportReport {
            format: match format {
                aims_export::SheetFormat::Csv => "csv",
                aims_export::SheetFormat::Xlsx => "xlsx",
            }
            .into(),
            rows: sheet.rows.len(),
            ..Default::default()
        };
        // Columns → fields.
        let mapped = kind
            .column_fields(&sheet.headers, mapping)
            .map_err(AppError::Validation)?;
        let mut columns: Vec<Option<&'static Field>> = vec![];
        let mut id_column = None;
        for (i, (h, field)) in sheet.headers.iter().zip(mapped).enumerate() {
            let norm = aims_domain::record::normalise_name(h);
            if norm == "id" {
                id_column = Some(i);
                columns.push(None);
                continue;
            }
            let ignored_on_purpose = mapping.iter().any(|(m, f)| {
                f.trim().is_empty() && aims_domain::record::normalise_name(m) == norm
            });
            if field.is_none() && !ignored_on_purpose && !EXPORT_ONLY.contains(&norm.as_str()) {
                report.ignored_columns.push(h.clone());
            }
            columns.push(field);
        }
        let title = kind.title_field();
        if id_column.is_none() && !columns.iter().flatten().any(|f| f.name == title.name) {
            return Err(AppError::field(
                "file",
                format!(
                    "needs a column named `{}` (or `id` to update records by id)",
                    title.name
                ),
            ));
        }
        // What exists: by id, external reference and title.
        let existing = self.all_records(ws, kind, &Default::default()).await?;
        let derivation = {
            let mut c = self.store.conn().await?;
            self.derivation(&mut c.conn(), ws, kind).await?
        };
        let members = self.members(ws).await?;
        let by_id: HashMap<&str, usize> = existing
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        let key = |r: &Fields, name: &str| -> Option<String> {
            r.get(name).and_then(Value::as_str).map(str::to_lowercase)
        };
        let by_ref: HashMap<String, usize> = existing
            .iter()
            .enumerate()
            .filter_map(|(i, r)| key(&r.fields, "external_ref").map(|k| (k, i)))
            .collect();
        let by_title: HashMap<String, usize> = existing
            .iter()
            .enumerate()
            .map(|(i, r)| (r.title.to_lowercase(), i))
            .collect();
        // Check every row.
        let mut new_rows: Vec<(usize, Fields)> = vec![];
        let mut updates: Vec<(usize, usize, Fields)> = vec![];
        let mut seen: HashMap<String, usize> = HashMap::new();
        let total = sheet.rows.len();
        // Each row parsed on its own, on every core; then, in file order, what
        // depends on the rows before it (the same record twice).
        progress(0, total);
        let checked = aims_domain::par::par_map(&sheet.rows, |row| {
            let mut text = BTreeMap::new();
            for (cell, field) in row.cells.iter().zip(&columns) {
                if let Some(f) = field {
                    text.insert(f.name.to_owned(), cell.clone());
                }
            }
            let mut errs: Vec<(String, String)> = vec![];
            let mut foreign = false;
            let id = id_column
                .and_then(|i| row.cells.get(i))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty());
            // A row names its record by id; an id of no record here (a file
            // exported from another workspace) falls back to the external
            // reference, then the title, like a row without an id.
            let by_id_here = id.and_then(|id| by_id.get(id));
            if id.is_some_and(|id| !is_record_id(id)) {
                errs.push(("id".into(), "is not the id of a record".into()));
            } else if id.is_some() && by_id_here.is_none() {
                foreign = true;
            }
            let target = match by_id_here {
                Some(i) => Some(Target::Existing(*i)),
                None if !errs.is_empty() => None,
                None => {
                    let ext = text
                        .get("external_ref")
                        .map(|s| s.trim().to_lowercase())
                        .filter(|s| !s.is_empty());
                    let t = text.get(title.name).map(|s| s.trim().to_lowercase());
                    match (
                        ext.and_then(|e| by_ref.get(&e)),
                        t.and_then(|t| by_title.get(&t)),
                    ) {
                        (Some(i), _) | (None, Some(i)) => Some(Target::Existing(*i)),
                        _ => Some(Target::New),
                    }
                }
            };
            let parsed = match &target {
                Some(Target::Existing(i)) => kind
                    .parse_update(&existing[*i].fields, Input::Text(&text))
                    .map(|f| (Some(*i), f)),
                _ => kind.parse_new(Input::Text(&text)).map(|f| (None, f)),
            }
            .and_then(|(at, mut f)| derive_fields(&derivation, &mut f).map(|()| (at, f)));
            (errs, foreign, parsed)
        });
        for (n, (row, (mut errs, foreign, parsed))) in sheet.rows.iter().zip(checked).enumerate() {
            if n % 500 == 0 {
                progress(n, total);
            }
            if foreign {
                report.foreign_ids += 1;
            }
            match parsed {
                Ok((at, mut fields)) if errs.is_empty() => {
                    if let Err(errors) = resolve_member_fields(kind, &mut fields, &members) {
                        for (f, msgs) in errors.iter() {
                            for m in msgs {
                                errs.push((f.to_owned(), m.clone()));
                            }
                        }
                    } else {
                        // The same record twice in one file is a mistake, not a merge.
                        let who = at.map_or_else(
                            || format!("new:{}", kind.title_of(&fields).to_lowercase()),
                            |i| existing[i].id.clone(),
                        );
                        if let Some(first) = seen.insert(who, row.line) {
                            errs.push((
                                title.name.to_owned(),
                                format!("is the same record as line {first}"),
                            ));
                        } else {
                            match at {
                                Some(i) => updates.push((row.line, i, fields)),
                                None => new_rows.push((row.line, fields)),
                            }
                        }
                    }
                }
                Ok(_) => {}
                Err(errors) => {
                    for (f, msgs) in errors.iter() {
                        for m in msgs {
                            errs.push((f.to_owned(), m.clone()));
                        }
                    }
                }
            }
            if !errs.is_empty() {
                report.skipped += 1;
            }
            // Left to right, as the user reads the row.
            let position = |field: &str| {
                columns
                    .iter()
                    .position(|c| c.is_some_and(|c| c.name == field))
                    .or(if field == "id" { id_column } else { None })
            };
            errs.sort_by_key(|(f, _)| position(f));
            for (field, message) in errs {
                let column = position(&field).and_then(|i| sheet.headers.get(i).cloned());
                report.problems.push(RowProblem {
                    line: row.line,
                    column,
                    field,
                    message,
                });
            }
        }
        progress(total, total);
        updates.retain(|(_, i, fields)| {
            let same = field_changes(&existing[*i].fields, fields).is_empty();
            if same {
                report.unchanged += 1;
            }
            !same
        });
        report.created = new_rows.len();
        report.updated = updates.len();
        let refuse = !report.problems.is_empty() && mode == ImportMode::AllOrNothing;
        if mode == ImportMode::DryRun || refuse {
            if refuse {
                report.skipped = 0;
            }
            return Ok(report);
        }
        let mut tx = self.store.begin().await?;
        // The rules of kinds with a workflow (a review's sign-off, a
        // nonconformity's checks) hold for imported rows too.
        for (_, fields) in new_rows.iter_mut() {
            self.before_write(&mut tx.conn(), ws, kind, None, fields)
                .await?;
        }
        for (_, i, fields) in updates.iter_mut() {
            self.before_write(&mut tx.conn(), ws, kind, Some(&existing[*i]), fields)
                .await?;
        }
        // Write: new rows in bulk, each with its history event; updates one by one.
        let rows: Vec<RecordRow> = new_rows
            .into_iter()
            .map(|(_, fields)| self.new_row(ws, kind, fields))
            .collect();
        let events: Vec<NewEvent> = aims_domain::par::par_map(&rows, |r| {
            self.event(
                &ws.principal,
                &r.workspace_id,
                "create",
                kind.record_type,
                &r.id,
                Value::Object(r.fields.clone()),
            )
        });
        tx.conn().records_insert_many(kind, &rows).await?;
        tx.conn().history_append_many(events).await?;
        for r in &rows {
            self.after_write(&mut tx.conn(), ws, kind, r).await?;
        }
        let mut members = Some(members);
        for (done, (_, i, fields)) in updates.into_iter().enumerate() {
            if done % 500 == 0 {
                progress(done, report.updated);
            }
            let new = self
                .update_parsed(&mut tx.conn(), ws, kind, &existing[i], fields, &mut members)
                .await?;
            self.after_write(&mut tx.conn(), ws, kind, &new).await?;
        }
        tx.commit().await?;
        report.written = true;
        if report.created + report.updated >= 1000 {
            // After the answer: fresh planner statistics keep filtered lists
            // fast; the import does not wait for them.
            let store = self.store.clone();
            tokio::spawn(async move {
                let analyzed = match store.conn().await {
                    Ok(mut c) => c.conn().records_analyze().await,
                    Err(e) => Err(e),
                };
                if let Err(e) = analyzed {
                    tracing::warn!(error = %e, "statistics after an import not refreshed");
                }
            });
        }
        Ok(report)
    }
}
