//! Anonymous reporting links and the counts that rate-limit them.

use crate::conn::{on_conn, Conn};
use crate::Result;

/// A workspace's public reporting link (its secret is never stored).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IntakeLinkRow {
    pub workspace_id: String,
    pub token_hash: String,
    pub enabled: bool,
    pub created_at: String,
    pub created_by: String,
}

const COLS: &str = "workspace_id, token_hash, enabled, created_at, created_by";

impl Conn<'_> {
    pub async fn intake_link(&mut self, workspace_id: &str) -> Result<Option<IntakeLinkRow>> {
        Ok(
            on_conn!(self, c => sqlx::query_as(&format!("SELECT {COLS} FROM intake_links WHERE workspace_id = $1"))
            .bind(workspace_id).fetch_optional(&mut **c).await)?,
        )
    }

    /// The link whose secret hashes to `token_hash`, enabled or not.
    pub async fn intake_link_by_hash(&mut self, token_hash: &str) -> Result<Option<IntakeLinkRow>> {
        Ok(
            on_conn!(self, c => sqlx::query_as(&format!("SELECT {COLS} FROM intake_links WHERE token_hash = $1"))
            .bind(token_hash).fetch_optional(&mut **c).await)?,
        )
    }

    /// Creates or replaces the workspace's link (a rotation), enabled.
    pub async fn intake_link_put(&mut self, r: &IntakeLinkRow) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO intake_links (workspace_id, token_hash, enabled, created_at, created_by) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (workspace_id) DO UPDATE SET token_hash = excluded.token_hash, enabled = excluded.enabled,
             created_at = excluded.created_at, created_by = excluded.created_by")
            .bind(&r.workspace_id).bind(&r.token_hash).bind(r.enabled).bind(&r.created_at).bind(&r.created_by)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// Switches the link on or off; false when there is none.
    pub async fn intake_link_enable(&mut self, workspace_id: &str, enabled: bool) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query("UPDATE intake_links SET enabled = $1 WHERE workspace_id = $2")
            .bind(enabled).bind(workspace_id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// The slug of the workspace a link belongs to.
    pub async fn intake_workspace_slug(&mut self, workspace_id: &str) -> Result<Option<String>> {
        let row: Option<(String,)> = on_conn!(self, c => sqlx::query_as("SELECT slug FROM workspaces WHERE id = $1")
            .bind(workspace_id).fetch_optional(&mut **c).await)?;
        Ok(row.map(|r| r.0))
    }

    /// The name of a workspace, by id.
    pub async fn workspace_name(&mut self, workspace_id: &str) -> Result<Option<String>> {
        let row: Option<(String,)> = on_conn!(self, c => sqlx::query_as("SELECT name FROM workspaces WHERE id = $1")
            .bind(workspace_id).fetch_optional(&mut **c).await)?;
        Ok(row.map(|r| r.0))
    }

    /// Counts a submission from `sender` through `source` (the anonymous
    /// link, the trust page) at `at`, forgets those before `day_ago`, and
    /// returns how many came from `sender` since `hour_ago` and through
    /// `source` since `day_ago`, this one included. It is kept (and counts
    /// later) only when it stays within `max_sender` and `max_source`, so
    /// a flood of refused attempts does not use up the day for others.
    #[allow(clippy::too_many_arguments)]
    pub async fn intake_count(
        &mut self,
        workspace_id: &str,
        source: &str,
        sender: &str,
        at: &str,
        hour_ago: &str,
        day_ago: &str,
        (max_sender, max_source): (i64, i64),
    ) -> Result<(i64, i64)> {
        on_conn!(self, c => sqlx::query("DELETE FROM intake_submissions WHERE workspace_id = $1 AND at < $2")
            .bind(workspace_id).bind(day_ago).execute(&mut **c).await.map(|_| ()))?;
        let (from_sender, from_source): (i64, i64) = on_conn!(self, c => sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN sender = $3 AND at >= $4 THEN 1 ELSE 0 END), 0), COUNT(*)
             FROM intake_submissions WHERE workspace_id = $1 AND source = $2")
            .bind(workspace_id).bind(source).bind(sender).bind(hour_ago).fetch_one(&mut **c).await)?;
        let counts = (from_sender + 1, from_source + 1);
        if counts.0 <= max_sender && counts.1 <= max_source {
            on_conn!(self, c => sqlx::query("INSERT INTO intake_submissions (workspace_id, sender, at, source) VALUES ($1, $2, $3, $4)")
                .bind(workspace_id).bind(sender).bind(at).bind(source).execute(&mut **c).await.map(|_| ()))?;
        }
        Ok(counts)
    }
}
