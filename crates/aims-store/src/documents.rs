//! Acknowledgements of published document versions: who read which.

use crate::conn::{on_conn, Conn};
use crate::Result;

impl Conn<'_> {
    /// Records that `user_id` read version `number`; false when they had already.
    pub async fn document_ack(
        &mut self,
        workspace_id: &str,
        document_id: &str,
        number: i64,
        user_id: &str,
        at: &str,
    ) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query(
            "INSERT INTO document_acks (workspace_id, document_id, number, user_id, at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (document_id, number, user_id) DO NOTHING")
            .bind(workspace_id).bind(document_id).bind(number).bind(user_id).bind(at)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// `(user_id, at)` of everyone who acknowledged version `number`.
    pub async fn document_acks(
        &mut self,
        workspace_id: &str,
        document_id: &str,
        number: i64,
    ) -> Result<Vec<(String, String)>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT user_id, at FROM document_acks WHERE workspace_id = $1 AND document_id = $2 AND number = $3 ORDER BY at")
            .bind(workspace_id).bind(document_id).bind(number)
            .fetch_all(&mut **c).await)?)
    }
}

/// A published document a member has not acknowledged yet.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnreadRow {
    pub document_id: String,
    pub title: String,
    /// The document's fields (JSON), for who must read it.
    pub fields: String,
    pub number: i64,
    /// When the version was published.
    pub published_at: String,
}

impl Conn<'_> {
    /// The published versions of the workspace's documents that `user_id`
    /// has not acknowledged.
    pub async fn documents_unread(
        &mut self,
        workspace_id: &str,
        user_id: &str,
    ) -> Result<Vec<UnreadRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT r.id AS document_id, r.title, r.fields, v.number, v.updated_at AS published_at
             FROM document_versions v JOIN records r ON r.id = v.subject_id
             WHERE v.workspace_id = $1 AND v.state = 'published'
               AND NOT EXISTS (SELECT 1 FROM document_acks a
                               WHERE a.document_id = v.subject_id AND a.number = v.number AND a.user_id = $2)
             ORDER BY v.updated_at")
            .bind(workspace_id).bind(user_id).fetch_all(&mut **c).await)?)
    }
}
