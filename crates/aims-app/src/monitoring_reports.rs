//! Monitoring analytics (issue #13; 9.1, A.6.2.6): the fairness and drift
//! reports `aims monitor` computes from a system's prediction logs are filed
//! on the system — checked by the domain's `monitoring` rules, kept as sent
//! (at most 2 MiB) with a summary line the server reads out of them, appended
//! and recorded in the system's history. The system's page shows the latest
//! report of each kind.

use crate::systems::{systems_kind, RECORD_TYPE};
use crate::{new_id, App, AppError, Result, Scope};
use aims_domain::monitoring::{read_report, Report, ReportKind};
use aims_domain::validation::{is_record_id, json_control_char_path, CONTROL_MESSAGE};
use aims_store::{MonitoringReportMeta, MonitoringReportRow};
use serde::Serialize;
use serde_json::{json, Value};

/// The largest report accepted, in bytes of JSON.
pub const REPORT_MAX_BYTES: usize = 2 * 1024 * 1024;
/// A list of a system's reports shows at most this many.
pub const REPORTS_LIST_MAX: i64 = 500;

/// What filing a report answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonitoringFiled {
    pub id: String,
    pub kind: &'static str,
    pub created_at: String,
    pub summary: String,
}

/// A system's latest report of one kind: what the store keeps beside it,
/// the report as sent, and the report read.
#[derive(Debug, Clone)]
pub struct LatestReport {
    pub meta: MonitoringReportMeta,
    pub json: Value,
    pub report: Report,
}

/// A system's latest fairness and drift reports.
#[derive(Debug, Clone, Default)]
pub struct LatestMonitoring {
    pub fairness: Option<LatestReport>,
    pub drift: Option<LatestReport>,
}

impl App {
    /// Files a monitoring report (the JSON text as sent) on an AI system.
    /// Refused: a role that may not update systems (403), a system not in
    /// the workspace (404), a report over [`REPORT_MAX_BYTES`] (413), one
    /// that is not JSON or not a fairness or drift report (422 naming the
    /// field at fault).
    pub async fn record_monitoring_report(
        &self,
        ws: &Scope,
        system_id: &str,
        text: &str,
    ) -> Result<MonitoringFiled> {
        ws.require(systems_kind().access.update)?;
        if !is_record_id(system_id) {
            return Err(AppError::NotFound("AI system"));
        }
        if text.len() > REPORT_MAX_BYTES {
            return Err(AppError::TooLarge(REPORT_MAX_BYTES as u64));
        }
        let value: Value = serde_json::from_str(text)
            .map_err(|e| AppError::field("body", format!("is not JSON: {e}")))?;
        if let Some(path) = json_control_char_path(&value) {
            return Err(AppError::field(&path, CONTROL_MESSAGE));
        }
        let report = read_report(&value).map_err(AppError::Validation)?;
        let kind = report.kind().key();
        let summary = report.summary();
        let period = report.period();
        let row = MonitoringReportRow {
            id: new_id(),
            workspace_id: ws.workspace.id.clone(),
            system_id: system_id.to_owned(),
            kind: kind.to_owned(),
            created_at: self.now(),
            created_by: ws.principal.label.clone(),
            time_from: period.map(|p| p.0.to_owned()),
            time_to: period.map(|p| p.1.to_owned()),
            summary,
            report: text.to_owned(),
        };
        let mut tx = self.store.begin().await?;
        let Some(system) = tx
            .conn()
            .record_get(&ws.workspace.id, RECORD_TYPE, system_id)
            .await?
        else {
            return Err(AppError::NotFound("AI system"));
        };
        tx.conn().monitoring_report_insert(&row).await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "monitoring_report",
                RECORD_TYPE,
                &system.id,
                json!({"name": system.title, "report": row.id, "kind": kind,
                       "summary": row.summary, "time_from": row.time_from, "time_to": row.time_to}),
            ))
            .await?;
        tx.commit().await?;
        Ok(MonitoringFiled {
            id: row.id,
            kind,
            created_at: row.created_at,
            summary: row.summary,
        })
    }

    /// A system's latest report of each kind.
    pub async fn latest_monitoring(&self, ws: &Scope, system_id: &str) -> Result<LatestMonitoring> {
        let system = self.record(ws, systems_kind(), system_id).await?;
        let mut c = self.store.conn().await?;
        let mut out = LatestMonitoring::default();
        for kind in ReportKind::ALL {
            let Some(row) = c
                .conn()
                .monitoring_report_latest(&ws.workspace.id, &system.id, kind.key())
                .await?
            else {
                continue;
            };
            let latest = Some(latest_of(row)?);
            match kind {
                ReportKind::Fairness => out.fairness = latest,
                ReportKind::Drift => out.drift = latest,
            }
        }
        Ok(out)
    }

    /// A system's reports, newest first (what is kept beside each, not the
    /// report), at most `limit` (1 to [`REPORTS_LIST_MAX`]).
    pub async fn monitoring_reports(
        &self,
        ws: &Scope,
        system_id: &str,
        limit: i64,
    ) -> Result<Vec<MonitoringReportMeta>> {
        let system = self.record(ws, systems_kind(), system_id).await?;
        let mut c = self.store.conn().await?;
        Ok(c.conn()
            .monitoring_reports_of(
                &ws.workspace.id,
                &system.id,
                limit.clamp(1, REPORTS_LIST_MAX),
            )
            .await?)
    }
}

/// A stored report read again (it was checked when filed).
fn latest_of(row: MonitoringReportRow) -> Result<LatestReport> {
    let json: Value = serde_json::from_str(&row.report)
        .map_err(|e| AppError::Internal(format!("stored monitoring report {}: {e}", row.id)))?;
    let report = read_report(&json).map_err(|e| {
        AppError::Internal(format!(
            "stored monitoring report {}: {}",
            row.id,
            e.summary()
        ))
    })?;
    Ok(LatestReport {
        meta: MonitoringReportMeta {
            id: row.id,
            kind: row.kind,
            created_at: row.created_at,
            created_by: row.created_by,
            time_from: row.time_from,
            time_to: row.time_to,
            summary: row.summary,
        },
        json,
        report,
    })
}
