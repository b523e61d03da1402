//! Approved versions of records: immutable snapshots, numbered per record.

use crate::conn::{on_conn, Conn};
use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApprovalRow {
    pub id: String,
    pub record_id: String,
    pub workspace_id: String,
    pub kind: String,
    /// 1 for the first approved version of the record, then 2, …
    pub number: i64,
    /// The record's version that was approved.
    pub record_version: i64,
    /// The snapshot as JSON: `{"fields": {...}, ...derived facts}`.
    pub fields: String,
    pub approved_at: String,
    pub approved_by: String,
    pub note: String,
}

const COLS: &str =
    "id, record_id, workspace_id, kind, number, record_version, fields, approved_at, approved_by, note";

impl Conn<'_> {
    pub async fn approval_insert(&mut self, a: &ApprovalRow) -> Result<()> {
        let sql = format!(
            "INSERT INTO record_approvals ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        );
        on_conn!(self, c => sqlx::query(&sql)
            .bind(&a.id).bind(&a.record_id).bind(&a.workspace_id).bind(&a.kind).bind(a.number)
            .bind(a.record_version).bind(&a.fields).bind(&a.approved_at).bind(&a.approved_by).bind(&a.note)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// A record's approved versions, newest first.
    pub async fn approvals_of(
        &mut self,
        workspace_id: &str,
        record_id: &str,
    ) -> Result<Vec<ApprovalRow>> {
        let sql = format!(
            "SELECT {COLS} FROM record_approvals WHERE workspace_id = $1 AND record_id = $2 ORDER BY number DESC"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).bind(record_id).fetch_all(&mut **c).await)?,
        )
    }
}
