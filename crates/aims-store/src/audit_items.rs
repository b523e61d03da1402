//! Internal audit checklists (migration 0020): the items an audit checks,
//! their results, the evidence sampled and the findings they became.

use crate::conn::{on_conn, Conn};
use crate::records::placeholders;
use crate::Result;
use serde::Serialize;

/// One checklist item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditItemRow {
    pub id: String,
    #[serde(skip)]
    pub workspace_id: String,
    pub audit_id: String,
    pub position: i64,
    /// `iso42001:9.2.2` or `iso42001:A.6.2.4`.
    pub reference: String,
    pub title: String,
    /// `clause` or `control`.
    pub item_kind: String,
    /// Empty until audited; then `conforming`, `not_audited` or a finding grade.
    pub result: String,
    /// The objective evidence.
    pub notes: String,
    /// The evidence ids sampled, as JSON.
    pub sample: String,
    pub seed: String,
    pub finding_id: Option<String>,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
}

const COLS: &str = "id, workspace_id, audit_id, position, reference, title, item_kind, result, notes, sample, seed, finding_id, updated_at, updated_by";

impl Conn<'_> {
    pub async fn audit_items_insert(&mut self, rows: &[AuditItemRow]) -> Result<()> {
        for chunk in rows.chunks(500) {
            let sql = format!(
                "INSERT INTO audit_items ({COLS}) VALUES {}",
                placeholders(self, chunk.len(), 14)
            );
            on_conn!(self, c => {
                let mut q = sqlx::query(&sql);
                for r in chunk {
                    q = q.bind(&r.id).bind(&r.workspace_id).bind(&r.audit_id).bind(r.position)
                        .bind(&r.reference).bind(&r.title).bind(&r.item_kind).bind(&r.result)
                        .bind(&r.notes).bind(&r.sample).bind(&r.seed).bind(&r.finding_id)
                        .bind(&r.updated_at).bind(&r.updated_by);
                }
                q.execute(&mut **c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// An audit's checklist, in order.
    pub async fn audit_items(
        &mut self,
        workspace_id: &str,
        audit_id: &str,
    ) -> Result<Vec<AuditItemRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(&format!(
            "SELECT {COLS} FROM audit_items WHERE workspace_id = $1 AND audit_id = $2 ORDER BY position"))
            .bind(workspace_id).bind(audit_id).fetch_all(&mut **c).await)?)
    }

    pub async fn audit_item(
        &mut self,
        workspace_id: &str,
        audit_id: &str,
        id: &str,
    ) -> Result<Option<AuditItemRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(&format!(
            "SELECT {COLS} FROM audit_items WHERE workspace_id = $1 AND audit_id = $2 AND id = $3"))
            .bind(workspace_id).bind(audit_id).bind(id).fetch_optional(&mut **c).await)?)
    }

    /// Writes an item's result, notes, sample and finding.
    pub async fn audit_item_update(&mut self, r: &AuditItemRow) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "UPDATE audit_items SET result = $3, notes = $4, sample = $5, seed = $6, finding_id = $7, updated_at = $8, updated_by = $9
             WHERE workspace_id = $1 AND id = $2")
            .bind(&r.workspace_id).bind(&r.id).bind(&r.result).bind(&r.notes).bind(&r.sample).bind(&r.seed)
            .bind(&r.finding_id).bind(&r.updated_at).bind(&r.updated_by)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// `(audit_id, reference)` of every item with a result other than
    /// not audited, across the workspace's audits.
    pub async fn audited_references(
        &mut self,
        workspace_id: &str,
    ) -> Result<Vec<(String, String)>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT audit_id, reference FROM audit_items WHERE workspace_id = $1 AND result <> '' AND result <> 'not_audited'")
            .bind(workspace_id).fetch_all(&mut **c).await)?)
    }
}
