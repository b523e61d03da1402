//! Documents kept in versions with a state (draft … approved): a system's
//! impact assessments, the workspace's Statement of Applicability and the
//! text of documents. Each
//! lives in its own table with the same columns (an approved row never
//! changes: a trigger refuses it); one set of queries serves them all.

use crate::conn::{on_conn, Conn};
use crate::Result;

/// Which versioned document a query is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Versioned {
    /// A system's impact assessment; the subject is the system.
    Impact,
    /// The Statement of Applicability; the subject is the workspace.
    Soa,
    /// A document's text; the subject is the document record.
    Document,
}

impl Versioned {
    fn table(self) -> &'static str {
        match self {
            Versioned::Impact => "impact_assessments",
            Versioned::Soa => "soa_versions",
            Versioned::Document => "document_versions",
        }
    }

    fn subject(self) -> &'static str {
        match self {
            Versioned::Impact => "system_id",
            Versioned::Soa | Versioned::Document => "subject_id",
        }
    }

    fn columns(self) -> String {
        format!(
            "id, workspace_id, {} AS subject_id, number, state, body, facts, revision, created_at, created_by, updated_at, updated_by, submitted_at, submitted_by, approved_at, approved_by, note",
            self.subject()
        )
    }
}

/// One version of a versioned document.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VersionRow {
    pub id: String,
    pub workspace_id: String,
    /// What the document is about: the system (impact) or the workspace (SoA).
    pub subject_id: String,
    /// 1 for the first version, then 2, …
    pub number: i64,
    /// `draft`, `in_review` or `approved` (an approved row never changes).
    pub state: String,
    /// The document as JSON, kept byte for byte.
    pub body: String,
    /// Facts about the subject as JSON when last written.
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

impl Conn<'_> {
    pub async fn version_insert(&mut self, of: Versioned, r: &VersionRow) -> Result<()> {
        let sql = format!(
            "INSERT INTO {} (id, workspace_id, {}, number, state, body, facts, revision, created_at, created_by, updated_at, updated_by, submitted_at, submitted_by, approved_at, approved_by, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
            of.table(),
            of.subject()
        );
        on_conn!(self, c => sqlx::query(&sql)
            .bind(&r.id).bind(&r.workspace_id).bind(&r.subject_id).bind(r.number).bind(&r.state)
            .bind(&r.body).bind(&r.facts).bind(r.revision).bind(&r.created_at).bind(&r.created_by)
            .bind(&r.updated_at).bind(&r.updated_by).bind(&r.submitted_at).bind(&r.submitted_by)
            .bind(&r.approved_at).bind(&r.approved_by).bind(&r.note)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Writes `r` over the row with its id whose revision is `r.revision - 1`;
    /// false when there is none (another write came first).
    pub async fn version_update(&mut self, of: Versioned, r: &VersionRow) -> Result<bool> {
        let sql = format!(
            "UPDATE {} SET state = $1, body = $2, facts = $3, revision = $4,
            updated_at = $5, updated_by = $6, submitted_at = $7, submitted_by = $8,
            approved_at = $9, approved_by = $10, note = $11
            WHERE id = $12 AND workspace_id = $13 AND revision = $14",
            of.table()
        );
        let n = on_conn!(self, c => sqlx::query(&sql)
            .bind(&r.state).bind(&r.body).bind(&r.facts).bind(r.revision).bind(&r.updated_at)
            .bind(&r.updated_by).bind(&r.submitted_at).bind(&r.submitted_by).bind(&r.approved_at)
            .bind(&r.approved_by).bind(&r.note).bind(&r.id).bind(&r.workspace_id).bind(r.revision - 1)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Every version of one subject's document, newest first.
    pub async fn versions(
        &mut self,
        of: Versioned,
        workspace_id: &str,
        subject_id: &str,
    ) -> Result<Vec<VersionRow>> {
        let sql = format!(
            "SELECT {} FROM {} WHERE workspace_id = $1 AND {} = $2 ORDER BY number DESC",
            of.columns(),
            of.table(),
            of.subject()
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).bind(subject_id).fetch_all(&mut **c).await)?,
        )
    }

    /// Every version of every subject's document in a workspace, by subject then newest first.
    pub async fn versions_of_workspace(
        &mut self,
        of: Versioned,
        workspace_id: &str,
    ) -> Result<Vec<VersionRow>> {
        let sql = format!(
            "SELECT {} FROM {} WHERE workspace_id = $1 ORDER BY {}, number DESC",
            of.columns(),
            of.table(),
            of.subject()
        );
        Ok(on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).fetch_all(&mut **c).await)?)
    }
}
