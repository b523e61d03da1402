//! Monitoring reports of AI systems (migration 0024): fairness and drift
//! reports as they were sent, appended and never edited.

use crate::conn::{on_conn, Conn};
use crate::Result;
use serde::Serialize;

/// A report with its JSON text.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MonitoringReportRow {
    pub id: String,
    pub workspace_id: String,
    pub system_id: String,
    /// `fairness` or `drift`.
    pub kind: String,
    pub created_at: String,
    pub created_by: String,
    /// The period of the log it covers, as written in the log.
    pub time_from: Option<String>,
    pub time_to: Option<String>,
    pub summary: String,
    /// The report as it was sent (JSON).
    pub report: String,
}

/// What a list shows of a report (its JSON text left in the database).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct MonitoringReportMeta {
    pub id: String,
    pub kind: String,
    pub created_at: String,
    pub created_by: String,
    pub time_from: Option<String>,
    pub time_to: Option<String>,
    pub summary: String,
}

const META: &str = "id, kind, created_at, created_by, time_from, time_to, summary";
const COLS: &str =
    "id, workspace_id, system_id, kind, created_at, created_by, time_from, time_to, summary, report";

impl Conn<'_> {
    pub async fn monitoring_report_insert(&mut self, r: &MonitoringReportRow) -> Result<()> {
        let sql = format!(
            "INSERT INTO monitoring_reports ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        );
        on_conn!(self, c => sqlx::query(&sql)
            .bind(&r.id).bind(&r.workspace_id).bind(&r.system_id).bind(&r.kind)
            .bind(&r.created_at).bind(&r.created_by).bind(&r.time_from).bind(&r.time_to)
            .bind(&r.summary).bind(&r.report)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// A system's latest report of `kind`, if it has one.
    pub async fn monitoring_report_latest(
        &mut self,
        workspace_id: &str,
        system_id: &str,
        kind: &str,
    ) -> Result<Option<MonitoringReportRow>> {
        let sql = format!(
            "SELECT {COLS} FROM monitoring_reports WHERE workspace_id = $1 AND system_id = $2 AND kind = $3
             ORDER BY created_at DESC, id DESC LIMIT 1"
        );
        Ok(on_conn!(self, c => sqlx::query_as(&sql)
            .bind(workspace_id).bind(system_id).bind(kind)
            .fetch_optional(&mut **c).await)?)
    }

    /// A system's reports, newest first, at most `limit`.
    pub async fn monitoring_reports_of(
        &mut self,
        workspace_id: &str,
        system_id: &str,
        limit: i64,
    ) -> Result<Vec<MonitoringReportMeta>> {
        let sql = format!(
            "SELECT {META} FROM monitoring_reports WHERE workspace_id = $1 AND system_id = $2
             ORDER BY created_at DESC, id DESC LIMIT $3"
        );
        Ok(on_conn!(self, c => sqlx::query_as(&sql)
            .bind(workspace_id).bind(system_id).bind(limit)
            .fetch_all(&mut **c).await)?)
    }
}
