//! The public trust page's switch per workspace (migration 0023).

use crate::conn::{on_conn, Conn};
use crate::Result;

impl Conn<'_> {
    /// Switches a workspace's trust page on or off.
    pub async fn trust_page_set(
        &mut self,
        workspace_id: &str,
        enabled: bool,
        at: &str,
        by: &str,
    ) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO trust_pages (workspace_id, enabled, updated_at, updated_by) VALUES ($1, $2, $3, $4)
             ON CONFLICT (workspace_id) DO UPDATE SET enabled = excluded.enabled,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by")
            .bind(workspace_id).bind(enabled).bind(at).bind(by)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// Whether the workspace's trust page is on.
    pub async fn trust_page_enabled(&mut self, workspace_id: &str) -> Result<bool> {
        let on: Option<bool> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT enabled FROM trust_pages WHERE workspace_id = $1")
            .bind(workspace_id).fetch_optional(&mut **c).await)?;
        Ok(on.unwrap_or(false))
    }
}
