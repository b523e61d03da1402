//! AI system impact assessments: one row per version of a system's assessment.

use crate::conn::{on_conn, Conn};
use crate::Result;

/// One version of a system's impact assessment.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ImpactRow {
    pub id: String,
    pub workspace_id: String,
    pub system_id: String,
    /// 1 for the system's first assessment, then 2, …
    pub number: i64,
    /// `draft`, `in_review` or `approved` (an approved row never changes).
    pub state: String,
    /// The assessment as JSON, kept byte for byte.
    pub body: String,
    /// The system's facts (purpose, stage, tier) as JSON when last written.
    pub facts: String,
    /// Counts the writes to this version (optimistic concurrency).
    pub revision: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
    pub submitted_at: Option<String>,
    pub submitted_by: Option<String>,
    pub approved_at: Option<String>,
    pub approved_by: Option<String>,
    /// What the last mover said (sent back because…, approved with…).
    pub note: String,
}

const COLS: &str = "id, workspace_id, system_id, number, state, body, facts, revision, created_at, created_by, updated_at, updated_by, submitted_at, submitted_by, approved_at, approved_by, note";

impl Conn<'_> {
    pub async fn impact_insert(&mut self, r: &ImpactRow) -> Result<()> {
        let sql = format!(
            "INSERT INTO impact_assessments ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
        );
        on_conn!(self, c => sqlx::query(&sql)
            .bind(&r.id).bind(&r.workspace_id).bind(&r.system_id).bind(r.number).bind(&r.state)
            .bind(&r.body).bind(&r.facts).bind(r.revision).bind(&r.created_at).bind(&r.created_by)
            .bind(&r.updated_at).bind(&r.updated_by).bind(&r.submitted_at).bind(&r.submitted_by)
            .bind(&r.approved_at).bind(&r.approved_by).bind(&r.note)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Writes `r` over the row with its id whose revision is `r.revision - 1`;
    /// false when there is none (another write came first).
    pub async fn impact_update(&mut self, r: &ImpactRow) -> Result<bool> {
        let sql = "UPDATE impact_assessments SET state = $1, body = $2, facts = $3, revision = $4,
            updated_at = $5, updated_by = $6, submitted_at = $7, submitted_by = $8,
            approved_at = $9, approved_by = $10, note = $11
            WHERE id = $12 AND workspace_id = $13 AND revision = $14";
        let n = on_conn!(self, c => sqlx::query(sql)
            .bind(&r.state).bind(&r.body).bind(&r.facts).bind(r.revision).bind(&r.updated_at)
            .bind(&r.updated_by).bind(&r.submitted_at).bind(&r.submitted_by).bind(&r.approved_at)
            .bind(&r.approved_by).bind(&r.note).bind(&r.id).bind(&r.workspace_id).bind(r.revision - 1)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Every version of a system's assessment, newest first.
    pub async fn impact_versions(
        &mut self,
        workspace_id: &str,
        system_id: &str,
    ) -> Result<Vec<ImpactRow>> {
        let sql = format!(
            "SELECT {COLS} FROM impact_assessments WHERE workspace_id = $1 AND system_id = $2 ORDER BY number DESC"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).bind(system_id).fetch_all(&mut **c).await)?,
        )
    }

    /// Every version of every assessment of a workspace, by system then newest first.
    pub async fn impact_all_of_workspace(&mut self, workspace_id: &str) -> Result<Vec<ImpactRow>> {
        let sql = format!(
            "SELECT {COLS} FROM impact_assessments WHERE workspace_id = $1 ORDER BY system_id, number DESC"
        );
        Ok(on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).fetch_all(&mut **c).await)?)
    }
}
