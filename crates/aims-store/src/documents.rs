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
