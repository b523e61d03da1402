//! Journal entries kept beside records (migration 0018): appended, never
//! edited, listed in the order they happened.

use crate::conn::{on_conn, Conn};
use crate::Result;
use serde::Serialize;

/// One journal entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct EntryRow {
    pub id: String,
    #[serde(skip)]
    pub workspace_id: String,
    pub record_id: String,
    pub entry_type: String,
    pub occurred_at: String,
    #[serde(rename = "text")]
    pub body: String,
    pub recipient: String,
    pub channel: String,
    pub recorded_at: String,
    pub recorded_by: String,
}

const COLS: &str = "id, workspace_id, record_id, entry_type, occurred_at, body, recipient, channel, recorded_at, recorded_by";

impl Conn<'_> {
    pub async fn entry_insert(&mut self, r: &EntryRow) -> Result<()> {
        on_conn!(self, c => sqlx::query(&format!(
            "INSERT INTO record_entries ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
            .bind(&r.id).bind(&r.workspace_id).bind(&r.record_id).bind(&r.entry_type)
            .bind(&r.occurred_at).bind(&r.body).bind(&r.recipient).bind(&r.channel)
            .bind(&r.recorded_at).bind(&r.recorded_by)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// A record's entries, in the order they happened (then recorded).
    pub async fn entries_of(
        &mut self,
        workspace_id: &str,
        record_id: &str,
    ) -> Result<Vec<EntryRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(&format!(
            "SELECT {COLS} FROM record_entries WHERE workspace_id = $1 AND record_id = $2
             ORDER BY occurred_at, recorded_at, id"))
            .bind(workspace_id).bind(record_id).fetch_all(&mut **c).await)?)
    }
}
