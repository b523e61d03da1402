//! Readiness scores per workspace and day (migration 0021), for the trend.

use crate::conn::{on_conn, Conn};
use crate::Result;

impl Conn<'_> {
    /// Keeps `percent` as the workspace's score of `day` (the last one read that day).
    pub async fn readiness_day_put(
        &mut self,
        workspace_id: &str,
        day: &str,
        percent: i64,
        now: &str,
    ) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO readiness_days (workspace_id, day, percent, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (workspace_id, day) DO UPDATE SET percent = excluded.percent, updated_at = excluded.updated_at")
            .bind(workspace_id).bind(day).bind(percent).bind(now)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// `(day, percent)` from `since` on, oldest first.
    pub async fn readiness_days(
        &mut self,
        workspace_id: &str,
        since: &str,
    ) -> Result<Vec<(String, i64)>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT day, percent FROM readiness_days WHERE workspace_id = $1 AND day >= $2 ORDER BY day")
            .bind(workspace_id).bind(since).fetch_all(&mut **c).await)?)
    }
}
