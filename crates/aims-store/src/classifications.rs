//! EU AI Act classifications of AI systems, one row per answer set (version).

use crate::conn::{on_conn, Conn};
use crate::Result;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ClassificationRow {
    pub id: String,
    pub workspace_id: String,
    pub system_id: String,
    pub version: i64,
    /// The answers as JSON (`{question id: value}`).
    pub answers: String,
    /// The classification as JSON, as computed when it was saved.
    pub result: String,
    /// The tier's name, for filtering and listing without parsing `result`.
    pub risk_tier: String,
    /// The system's purpose when it was classified.
    pub purpose: String,
    /// The system's life-cycle stage when it was classified (unknown for older ones).
    pub lifecycle_stage: Option<String>,
    pub created_at: String,
    pub created_by: String,
}

const COLS: &str =
    "id, workspace_id, system_id, version, answers, result, risk_tier, purpose, created_at, created_by, lifecycle_stage";

impl Conn<'_> {
    pub async fn classification_insert(&mut self, r: &ClassificationRow) -> Result<()> {
        let sql = format!(
            "INSERT INTO ai_system_classifications ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        );
        on_conn!(self, c => sqlx::query(&sql)
            .bind(&r.id).bind(&r.workspace_id).bind(&r.system_id).bind(r.version).bind(&r.answers)
            .bind(&r.result).bind(&r.risk_tier).bind(&r.purpose).bind(&r.created_at).bind(&r.created_by).bind(&r.lifecycle_stage)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The latest classification of a system, if it has one.
    pub async fn classification_latest(
        &mut self,
        workspace_id: &str,
        system_id: &str,
    ) -> Result<Option<ClassificationRow>> {
        let sql = format!(
            "SELECT {COLS} FROM ai_system_classifications WHERE workspace_id = $1 AND system_id = $2 ORDER BY version DESC LIMIT 1"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).bind(system_id).fetch_optional(&mut **c).await)?,
        )
    }

    /// The latest classification of every classified system of a workspace.
    pub async fn classifications_latest_of_workspace(
        &mut self,
        workspace_id: &str,
    ) -> Result<Vec<ClassificationRow>> {
        let sql = format!(
            "SELECT {} FROM ai_system_classifications c
             WHERE c.workspace_id = $1 AND c.version =
               (SELECT MAX(d.version) FROM ai_system_classifications d WHERE d.system_id = c.system_id)",
            COLS.split(", ").map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", ")
        );
        Ok(on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).fetch_all(&mut **c).await)?)
    }
}
