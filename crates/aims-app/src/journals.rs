//! Journals beside records: an incident's timeline and the communications
//! sent about it, each sending of a communication, a nonconformity's
//! notes. Reading needs what reading the record needs; writing an entry
//! needs what editing it needs. Entries are appended, never edited; each
//! is a history event of its record.

use crate::{new_id, App, AppError, Result, Scope};
use aims_domain::journal::{check, entry_types, EntryInput};
use aims_domain::record::Kind;
use aims_store::EntryRow;
use serde_json::json;

impl App {
    /// A record's journal, in the order things happened.
    pub async fn entries(&self, ws: &Scope, kind: &Kind, record_id: &str) -> Result<Vec<EntryRow>> {
        if entry_types(kind.name).is_empty() {
            return Err(AppError::NotFound("journal"));
        }
        // Reading the record checks the workspace and the reader's role.
        self.record(ws, kind, record_id).await?;
        let mut c = self.store.conn().await?;
        Ok(c.conn().entries_of(&ws.workspace.id, record_id).await?)
    }

    /// Appends an entry to a record's journal.
    pub async fn add_entry(
        &self,
        ws: &Scope,
        kind: &Kind,
        record_id: &str,
        input: &EntryInput,
    ) -> Result<EntryRow> {
        if entry_types(kind.name).is_empty() {
            return Err(AppError::NotFound("journal"));
        }
        ws.require(kind.access.update)?;
        let record = self.record(ws, kind, record_id).await?;
        let now = self.now();
        let entry = check(kind.name, input, &now).map_err(AppError::Validation)?;
        let row = EntryRow {
            id: new_id(),
            workspace_id: ws.workspace.id.clone(),
            record_id: record.id.clone(),
            entry_type: entry.entry_type.key.to_owned(),
            occurred_at: entry.occurred_at,
            body: entry.text,
            recipient: entry.recipient,
            channel: entry.channel,
            recorded_at: now,
            recorded_by: ws.principal.label.clone(),
        };
        let mut tx = self.store.begin().await?;
        tx.conn().entry_insert(&row).await?;
        let mut change = json!({
            "entry": entry.entry_type.label,
            "occurred_at": row.occurred_at,
            "text": row.body,
        });
        if entry.entry_type.sent {
            change["recipient"] = json!(row.recipient);
            change["channel"] = json!(row.channel);
        }
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "add_entry",
                kind.record_type,
                &record.id,
                change,
            ))
            .await?;
        tx.commit().await?;
        Ok(row)
    }
}
