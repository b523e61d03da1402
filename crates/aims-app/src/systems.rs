//! AI systems: create, read, update (optimistic concurrency), delete — each with history.

use crate::{new_id, App, AppError, Result, Scope};
use aims_domain::system::SystemFields;
use aims_domain::validation::is_record_id;
use aims_domain::Action;
use aims_store::{Page, SystemFilter, SystemRow};
use serde_json::{json, Value};

pub const RECORD_TYPE: &str = "ai_system";

impl App {
    pub async fn create_system(&self, ws: &Scope, name: &str, purpose: &str) -> Result<SystemRow> {
        ws.require(Action::Create)?;
        let f = SystemFields::parse(name, purpose)?;
        let now = self.now();
        let s = SystemRow {
            id: new_id(),
            workspace_id: ws.workspace.id.clone(),
            name: f.name,
            purpose: f.purpose,
            version: 1,
            created_at: now.clone(),
            updated_at: now,
            created_by: ws.principal.label.clone(),
            updated_by: ws.principal.label.clone(),
        };
        let mut tx = self.store.begin().await?;
        tx.conn().system_insert(&s).await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &s.workspace_id,
                "create",
                RECORD_TYPE,
                &s.id,
                json!({"name": s.name, "purpose": s.purpose}),
            ))
            .await?;
        tx.commit().await?;
        Ok(s)
    }

    pub async fn system(&self, ws: &Scope, id: &str) -> Result<SystemRow> {
        if !is_record_id(id) {
            return Err(AppError::NotFound("AI system"));
        }
        ws.require(Action::Read)?;
        let mut c = self.store.conn().await?;
        c.conn()
            .system_get(&ws.workspace.id, id)
            .await?
            .ok_or(AppError::NotFound("AI system"))
    }

    pub async fn systems(&self, ws: &Scope, filter: &SystemFilter) -> Result<Page<SystemRow>> {
        ws.require(Action::Read)?;
        check_filter(filter)?;
        let mut c = self.store.conn().await?;
        Ok(c.conn().systems_list(&ws.workspace.id, filter).await?)
    }

    /// Replaces name and purpose if `version` is current; a stale version is a
    /// conflict and writes nothing. An update that changes nothing is a no-op.
    pub async fn update_system(
        &self,
        ws: &Scope,
        id: &str,
        version: i64,
        name: &str,
        purpose: &str,
    ) -> Result<SystemRow> {
        if !is_record_id(id) {
            return Err(AppError::NotFound("AI system"));
        }
        ws.require(Action::Update)?;
        let f = SystemFields::parse(name, purpose)?;
        let mut tx = self.store.begin().await?;
        let Some(old) = tx.conn().system_get(&ws.workspace.id, id).await? else {
            return Err(AppError::NotFound("AI system"));
        };
        if old.version != version {
            return Err(AppError::stale(old.version));
        }
        let before = SystemFields {
            name: old.name.clone(),
            purpose: old.purpose.clone(),
        };
        let change = aims_domain::history::field_changes(&before, &f);
        if change.is_empty() {
            return Ok(old);
        }
        let new = SystemRow {
            name: f.name,
            purpose: f.purpose,
            version: old.version + 1,
            updated_at: self.now(),
            updated_by: ws.principal.label.clone(),
            ..old.clone()
        };
        if !tx.conn().system_update(&new, version).await? {
            return Err(AppError::stale(old.version + 1));
        }
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &new.workspace_id,
                "update",
                RECORD_TYPE,
                &new.id,
                Value::Object(change),
            ))
            .await?;
        tx.commit().await?;
        Ok(new)
    }

    pub async fn delete_system(&self, ws: &Scope, id: &str) -> Result<()> {
        if !is_record_id(id) {
            return Err(AppError::NotFound("AI system"));
        }
        ws.require(Action::Delete)?;
        let mut tx = self.store.begin().await?;
        let Some(old) = tx.conn().system_get(&ws.workspace.id, id).await? else {
            return Err(AppError::NotFound("AI system"));
        };
        tx.conn().system_delete(&ws.workspace.id, id).await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &old.workspace_id,
                "delete",
                RECORD_TYPE,
                &old.id,
                json!({"name": old.name, "purpose": old.purpose, "version": old.version}),
            ))
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl App {
    pub async fn count_systems(&self, ws: &Scope) -> Result<i64> {
        ws.require(Action::Read)?;
        Ok(self
            .store
            .conn()
            .await?
            .conn()
            .systems_count(&ws.workspace.id)
            .await?)
    }
}

/// Longest search text: enough for any name, short enough for every backend's
/// pattern matcher (SQLite refuses LIKE patterns past 50,000 bytes).
pub const MAX_QUERY_CHARS: usize = 200;

/// A list filter names a search text of sane length and a cursor that is a
/// record id (anything else cannot come from a previous page).
pub(crate) fn check_filter(filter: &SystemFilter) -> Result<()> {
    let mut errors = aims_domain::FieldErrors::new();
    if let Some(q) = &filter.q {
        if q.chars().count() > MAX_QUERY_CHARS {
            errors.add("q", format!("must be at most {MAX_QUERY_CHARS} characters"));
        }
        if aims_domain::validation::has_control_chars(q) {
            errors.add("q", aims_domain::validation::CONTROL_MESSAGE);
        }
    }
    if let Some(after) = &filter.after {
        if !is_record_id(after) {
            errors.add("after", "must be the `next` cursor of a previous page");
        }
    }
    Ok(errors.into_result()?)
}

impl App {
    /// Every AI system of the workspace, oldest first (paged through).
    pub async fn all_systems(&self, ws: &Scope) -> Result<Vec<SystemRow>> {
        self.all_systems_matching(ws, None).await
    }

    /// Every AI system whose name or purpose contains `q` (all when `None`).
    pub async fn all_systems_matching(
        &self,
        ws: &Scope,
        q: Option<String>,
    ) -> Result<Vec<SystemRow>> {
        let mut out = vec![];
        let mut after = None;
        loop {
            let page = self
                .systems(
                    ws,
                    &SystemFilter {
                        q: q.clone(),
                        after: after.take(),
                        limit: 500,
                    },
                )
                .await?;
            out.extend(page.items);
            match page.next {
                Some(n) => after = Some(n),
                None => return Ok(out),
            }
        }
    }

    /// Every AI system of the workspace with its EU AI Act tier, as a file in
    /// `format` (auditors and everyone else who may export).
    pub async fn export_systems(&self, ws: &Scope, format: aims_export::Format) -> Result<Vec<u8>> {
        ws.require(Action::Export)?;
        let systems = self.all_systems(ws).await?;
        let mut c = self.store.conn().await?;
        let tiers: std::collections::HashMap<String, (i64, String, String)> = c
            .conn()
            .classifications_latest_of_workspace(&ws.workspace.id)
            .await?
            .into_iter()
            .map(|(id, v, tier, purpose)| (id, (v, tier, purpose)))
            .collect();
        drop(c);
        let columns = [
            "id",
            "name",
            "purpose",
            "eu_ai_act_tier",
            "classification_version",
            "needs_review",
            "version",
            "created_at",
            "created_by",
            "updated_at",
            "updated_by",
        ];
        let rows = systems
            .into_iter()
            .map(|s| {
                let (cv, tier, review) = match tiers.get(&s.id) {
                    Some((v, tier, purpose)) => (
                        v.to_string(),
                        tier.clone(),
                        crate::classifications::needs_review(purpose, &s.purpose).to_string(),
                    ),
                    None => (String::new(), "not_classified".to_owned(), String::new()),
                };
                vec![
                    s.id,
                    s.name,
                    s.purpose,
                    tier,
                    cv,
                    review,
                    s.version.to_string(),
                    s.created_at,
                    s.created_by,
                    s.updated_at,
                    s.updated_by,
                ]
            })
            .collect();
        let table = aims_export::Table {
            sheet: "AI systems".into(),
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            rows,
        };
        aims_export::write(&table, format).map_err(|e| AppError::Internal(e.to_string()))
    }
}
