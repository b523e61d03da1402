//! Bulk edit of the controls the Statement of Applicability lists (issue
//! #9): the implementation status and owner of several catalogue controls
//! at once, written on the workspace's control records through the record
//! path (parsing, owners resolved to members, one history event per record
//! changed or made), all in one transaction: every control is changed, or
//! none is.

use crate::records::{all_pages, derive_fields};
use crate::{App, AppError, Result, Scope};
use aims_domain::record::{Input, CONTROLS};
use aims_domain::FieldErrors;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// What a bulk edit sets on each control; `None` leaves it as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ControlsEdit {
    /// An implementation status key (`implemented`, …).
    pub implementation_status: Option<String>,
    /// A member's e-mail address (or user id); an empty text clears the owner.
    pub owner: Option<String>,
}

/// Most controls one bulk edit changes.
pub const BULK_MAX: usize = 500;

impl App {
    /// Sets `edit` on the workspace's records of the catalogue controls
    /// `references` (`iso42001:A.6.2.4`), making the record of a control that
    /// has none yet (titled from the catalogue, not started unless a status
    /// is given). Returns how many records were changed or made; a record
    /// that already holds the values is left alone.
    pub async fn bulk_edit_controls(
        &self,
        ws: &Scope,
        references: &[String],
        edit: &ControlsEdit,
    ) -> Result<usize> {
        ws.require(CONTROLS.access.update)?;
        ws.require(CONTROLS.access.create)?;
        let mut errors = FieldErrors::new();
        if references.is_empty() {
            errors.add("control", "choose at least one control");
        } else if references.len() > BULK_MAX {
            errors.add(
                "control",
                format!("choose at most {BULK_MAX} controls at once"),
            );
        }
        if edit.implementation_status.is_none() && edit.owner.is_none() {
            errors.add(
                "implementation_status",
                "choose a status or an owner to set",
            );
        }
        let catalog: HashMap<String, String> = self
            .soa_catalog_controls()
            .await?
            .into_iter()
            .map(|c| (c.reference, c.title))
            .collect();
        let mut chosen: Vec<&str> = vec![];
        for r in references {
            if !catalog.contains_key(r) {
                errors.add("control", format!("{r} is not a control of the catalogue"));
            } else if !chosen.contains(&r.as_str()) {
                chosen.push(r);
            }
        }
        errors.into_result().map_err(AppError::Validation)?;
        let mut input = Map::new();
        if let Some(s) = &edit.implementation_status {
            input.insert("implementation_status".into(), Value::String(s.clone()));
        }
        if let Some(o) = &edit.owner {
            let o = o.trim();
            input.insert(
                "owner".into(),
                if o.is_empty() {
                    Value::Null
                } else {
                    Value::String(o.to_owned())
                },
            );
        }
        let mut tx = self.store.begin().await?;
        let records = all_pages(
            &mut tx.conn(),
            &ws.workspace.id,
            &CONTROLS,
            Default::default(),
        )
        .await?;
        let derivation = self.derivation(&mut tx.conn(), ws, &CONTROLS).await?;
        let mut members = None;
        let mut changed = 0;
        for reference in chosen {
            let existing = records
                .iter()
                .find(|r| r.fields.get("reference").and_then(Value::as_str) == Some(reference));
            match existing {
                Some(old) => {
                    let mut fields = CONTROLS.parse_update(&old.fields, Input::Json(&input))?;
                    derive_fields(&derivation, &mut fields)?;
                    let new = self
                        .update_parsed(&mut tx.conn(), ws, &CONTROLS, old, fields, &mut members)
                        .await?;
                    if new.version != old.version {
                        changed += 1;
                    }
                }
                None => {
                    let mut body = input.clone();
                    let title = catalog.get(reference).cloned().unwrap_or_default();
                    let id = reference.split_once(':').map_or(reference, |(_, id)| id);
                    body.insert("title".into(), Value::String(format!("{id} {title}")));
                    body.insert("reference".into(), Value::String(reference.to_owned()));
                    body.entry("implementation_status")
                        .or_insert_with(|| Value::String("not_started".into()));
                    if body.get("owner") == Some(&Value::Null) {
                        body.remove("owner");
                    }
                    let mut fields = CONTROLS.parse_new(Input::Json(&body))?;
                    derive_fields(&derivation, &mut fields)?;
                    self.insert_record(&mut tx.conn(), ws, &CONTROLS, fields, &mut members)
                        .await?;
                    changed += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(changed)
    }
}
