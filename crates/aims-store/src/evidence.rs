//! Evidence files (the versions of an evidence item's content) and the
//! narrow reads that judge every item of a workspace at once.

use crate::conn::{on_conn, Conn};
use crate::Result;

/// One uploaded version of an evidence item.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct EvidenceFile {
    pub id: String,
    pub workspace_id: String,
    pub evidence_id: String,
    /// 1 for the first upload, then 2, …
    pub number: i64,
    pub sha256: String,
    pub size: i64,
    /// The name the client gave (its last component), shown and offered on download.
    pub file_name: String,
    /// The type sniffed from the content, not the one the client claimed.
    pub media_type: String,
    /// `manual`, `cli`, `api` or `ci`.
    pub source: String,
    /// The CI run it came from, as JSON (`{}` outside CI).
    pub ci: String,
    pub created_at: String,
    pub created_by: String,
}

const COLS: &str = "id, workspace_id, evidence_id, number, sha256, size, file_name, media_type, source, ci, created_at, created_by";

/// How many evidence items a record has with one review status and
/// validity date: the evidence column counted by the database.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EvidenceGroup {
    /// The record the evidence is for (a control's id, …).
    pub target_id: String,
    /// `submitted`, `accepted`, `rejected`, or empty when not set.
    pub review_status: String,
    pub valid_until: Option<String>,
    pub items: i64,
}

impl Conn<'_> {
    pub async fn evidence_file_insert(&mut self, f: &EvidenceFile) -> Result<()> {
        let sql = format!(
            "INSERT INTO evidence_files ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        );
        on_conn!(self, c => sqlx::query(&sql)
            .bind(&f.id).bind(&f.workspace_id).bind(&f.evidence_id).bind(f.number).bind(&f.sha256)
            .bind(f.size).bind(&f.file_name).bind(&f.media_type).bind(&f.source).bind(&f.ci)
            .bind(&f.created_at).bind(&f.created_by)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Every file version of an evidence item, newest first.
    pub async fn evidence_files(
        &mut self,
        workspace_id: &str,
        evidence_id: &str,
    ) -> Result<Vec<EvidenceFile>> {
        let sql = format!(
            "SELECT {COLS} FROM evidence_files WHERE workspace_id = $1 AND evidence_id = $2 ORDER BY number DESC"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).bind(evidence_id).fetch_all(&mut **c).await)?,
        )
    }

    /// Every stored content hash with the workspace, item and version that
    /// use it (all workspaces when `workspace_id` is `None`), by hash.
    pub async fn evidence_blobs(
        &mut self,
        workspace_id: Option<&str>,
    ) -> Result<Vec<EvidenceFile>> {
        let sql = format!(
            "SELECT {COLS} FROM evidence_files WHERE ($1 = '' OR workspace_id = $1) ORDER BY sha256, workspace_id, evidence_id, number"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id.unwrap_or_default()).fetch_all(&mut **c).await)?,
        )
    }

    /// Every record of one kind as `(id, title)`: names for views that link many.
    pub async fn record_titles(
        &mut self,
        workspace_id: &str,
        record_type: &str,
    ) -> Result<Vec<(String, String)>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT id, title FROM records WHERE workspace_id = $1 AND kind = $2")
            .bind(workspace_id).bind(record_type).fetch_all(&mut **c).await)?)
    }

    /// The workspace's `evidence_for` links counted per target, review
    /// status and validity date, in one grouped scan (the caller judges
    /// each group's standing; there are far fewer groups than items).
    pub async fn evidence_groups(&mut self, workspace_id: &str) -> Result<Vec<EvidenceGroup>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT l.to_id AS target_id,
                    CASE WHEN i.facets LIKE '% review_status=rejected %' THEN 'rejected'
                         WHEN i.facets LIKE '% review_status=accepted %' THEN 'accepted'
                         WHEN i.facets LIKE '% review_status=submitted %' THEN 'submitted'
                         ELSE '' END AS review_status,
                    d.due_on AS valid_until, COUNT(*) AS items
             FROM record_links l
             JOIN record_index i ON i.workspace_id = l.workspace_id AND i.kind = 'evidence' AND i.id = l.from_id
             LEFT JOIN record_duties d ON d.record_id = l.from_id AND d.duty = 'valid_until'
             WHERE l.workspace_id = $1 AND l.relation = 'evidence_for'
             GROUP BY l.to_id, 2, d.due_on")
            .bind(workspace_id).fetch_all(&mut **c).await)?)
    }

    /// `(target, system)` for every target of `evidence_for` whose evidence
    /// is also for an AI system: the systems a control's evidence is about.
    pub async fn evidence_systems(&mut self, workspace_id: &str) -> Result<Vec<(String, String)>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT DISTINCT l.to_id, s.to_id FROM record_links l
             JOIN record_links s ON s.workspace_id = l.workspace_id AND s.from_id = l.from_id AND s.relation = 'evidence_for'
             JOIN record_index si ON si.workspace_id = s.workspace_id AND si.kind = 'ai_system' AND si.id = s.to_id
             WHERE l.workspace_id = $1 AND l.relation = 'evidence_for' AND l.to_id <> s.to_id")
            .bind(workspace_id).fetch_all(&mut **c).await)?)
    }
}
