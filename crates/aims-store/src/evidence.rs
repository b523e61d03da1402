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

/// An evidence item as the evidence column needs it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EvidenceStanding {
    pub id: String,
    /// The index row's facets (` review_status=accepted owner=… `).
    pub facets: String,
    /// Its `valid_until` duty, if any.
    pub valid_until: Option<String>,
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

    /// Every evidence item of a workspace with its facets and validity date.
    pub async fn evidence_standings(
        &mut self,
        workspace_id: &str,
    ) -> Result<Vec<EvidenceStanding>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT i.id, i.facets, d.due_on AS valid_until FROM record_index i
             LEFT JOIN record_duties d ON d.record_id = i.id AND d.duty = 'valid_until'
             WHERE i.workspace_id = $1 AND i.kind = 'evidence'")
            .bind(workspace_id).fetch_all(&mut **c).await)?)
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
}
