//! `/api/v1/workspaces/{workspace}/systems/{id}/monitoring`: the fairness
//! and drift reports `aims monitor fairness|drift` computes, filed on an AI
//! system (the report as sent, at most 2 MiB) and read back — the latest of
//! each kind with its report, and the latest 50 without.

use super::ApiJsonText;
use crate::auth::{InWorkspace, RecordId};
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_app::store::MonitoringReportMeta;
use aims_app::{LatestReport, REPORT_MAX_BYTES};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// How many reports a read lists.
const LISTED: i64 = 50;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read)).merge(
        OpenApiRouter::new()
            .routes(routes!(file))
            .layer(DefaultBodyLimit::max(REPORT_MAX_BYTES)),
    )
}

/// The kinds of report.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
enum MonitoringKind {
    Fairness,
    Drift,
}

/// A report as `aims monitor fairness|drift --json FILE` writes it (at most
/// 2 MiB). A fairness report has `input` (the log: `file`, `rows`,
/// `rows_used`, `time_range` {`from`, `to`} when it has a time column),
/// `label`, `prediction`, `positive`, `negative`, `overall` and
/// `groupings` (each: `sensitive` columns, `groups` with their `values`,
/// `count`, `selection_rate`, `accuracy`, `true_positive_rate`,
/// `false_positive_rate`, and the grouping's `demographic_parity_*` and
/// `equalized_odds_*` difference and ratio); a drift report has
/// `reference` and `current` (logs as `input`), `columns` (each: `column`,
/// `kind`, `stattest`, `threshold`, `score`, `drifted`, and `psi`,
/// `jensenshannon`, `ks_pvalue`, `wasserstein_norm` when computed),
/// `drifted_columns` and `share_drifted`. Numbers that could not be
/// computed are `null`; other fields are kept as sent.
#[derive(ToSchema)]
#[allow(dead_code)]
#[schema(example = json!({
    "kind": "fairness",
    "input": {"file": "predictions.csv", "format": "csv", "bytes": 1200, "rows": 40, "rows_used": 40, "rejected": {},
              "time_range": {"column": "ts", "from": "2026-01-01T00:00:00Z", "to": "2026-01-07T23:00:00Z"}},
    "label": "label", "prediction": "prediction", "positive": "1", "negative": "0",
    "overall": {"count": 40, "selection_rate": 0.55, "accuracy": 0.9, "true_positive_rate": 0.95, "false_positive_rate": 0.15},
    "groupings": [{"sensitive": ["sex"],
        "groups": [{"values": ["F"], "count": 20, "selection_rate": 0.6, "accuracy": 0.9, "true_positive_rate": 1.0, "false_positive_rate": 0.2},
                   {"values": ["M"], "count": 20, "selection_rate": 0.5, "accuracy": 0.9, "true_positive_rate": 0.9, "false_positive_rate": 0.1}],
        "by_metric": {"selection_rate": {"difference": 0.1, "ratio": 0.8333}},
        "demographic_parity_difference": 0.1, "demographic_parity_ratio": 0.8333,
        "equalized_odds_difference": 0.1, "equalized_odds_ratio": 0.5}]
}))]
pub struct MonitoringReportIn {
    #[schema(inline)]
    kind: MonitoringKind,
    #[schema(value_type = Option<Object>)]
    input: Option<Value>,
    label: Option<String>,
    prediction: Option<String>,
    positive: Option<String>,
    negative: Option<String>,
    #[schema(value_type = Option<Object>)]
    overall: Option<Value>,
    #[schema(value_type = Option<Vec<Object>>)]
    groupings: Option<Value>,
    #[schema(value_type = Option<Object>)]
    reference: Option<Value>,
    #[schema(value_type = Option<Object>)]
    current: Option<Value>,
    #[schema(value_type = Option<Vec<Object>>)]
    columns: Option<Value>,
    drifted_columns: Option<u64>,
    share_drifted: Option<f64>,
}

/// A report filed.
#[derive(Serialize, ToSchema)]
pub struct MonitoringFiledOut {
    id: String,
    #[schema(inline)]
    #[schema(value_type = MonitoringKind)]
    kind: String,
    created_at: String,
    /// What the server read out of it: the largest demographic parity
    /// difference and its grouping, or how many columns drifted.
    summary: String,
}

/// A report without its content.
#[derive(Serialize, ToSchema)]
pub struct MonitoringReportOut {
    id: String,
    #[schema(inline)]
    #[schema(value_type = MonitoringKind)]
    kind: String,
    created_at: String,
    created_by: String,
    /// The period of the log it covers (a drift report's current log), as
    /// written in the log.
    time_from: Option<String>,
    time_to: Option<String>,
    summary: String,
}

impl From<MonitoringReportMeta> for MonitoringReportOut {
    fn from(m: MonitoringReportMeta) -> Self {
        MonitoringReportOut {
            id: m.id,
            kind: m.kind,
            created_at: m.created_at,
            created_by: m.created_by,
            time_from: m.time_from,
            time_to: m.time_to,
            summary: m.summary,
        }
    }
}

/// A system's latest report of one kind, with the report as it was sent.
#[derive(Serialize, ToSchema)]
pub struct LatestReportOut {
    id: String,
    created_at: String,
    created_by: String,
    time_from: Option<String>,
    time_to: Option<String>,
    summary: String,
    #[schema(value_type = Object)]
    report: Value,
}

impl From<LatestReport> for LatestReportOut {
    fn from(l: LatestReport) -> Self {
        LatestReportOut {
            id: l.meta.id,
            created_at: l.meta.created_at,
            created_by: l.meta.created_by,
            time_from: l.meta.time_from,
            time_to: l.meta.time_to,
            summary: l.meta.summary,
            report: l.json,
        }
    }
}

/// The latest report of each kind, `null` when there is none yet.
#[derive(Serialize, ToSchema)]
pub struct LatestByKind {
    fairness: Option<LatestReportOut>,
    drift: Option<LatestReportOut>,
}

/// A system's monitoring results.
#[derive(Serialize, ToSchema)]
pub struct MonitoringOut {
    latest: LatestByKind,
    /// The latest 50 reports, newest first, without their content.
    items: Vec<MonitoringReportOut>,
}

/// Files a fairness or drift report (as `aims monitor … --json` writes it)
/// on an AI system; it is kept as sent, with a summary line the server
/// reads out of it, and recorded in the system's history. 413 over 2 MiB;
/// 422 naming the field at fault when it is not a fairness or drift report.
#[utoipa::path(operation_id = "monitoring_file", post, path = "/api/v1/workspaces/{workspace}/systems/{id}/monitoring", tag = "systems",
    request_body = MonitoringReportIn,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "System id")),
    responses((status = 201, body = MonitoringFiledOut), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 413, body = Problem, content_type = "application/problem+json"),
              (status = 415, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn file(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiJsonText(text): ApiJsonText<REPORT_MAX_BYTES>,
) -> Result<(StatusCode, Json<MonitoringFiledOut>), ApiError> {
    let filed = s.app.record_monitoring_report(&ws, &id, &text).await?;
    Ok((
        StatusCode::CREATED,
        Json(MonitoringFiledOut {
            id: filed.id,
            kind: filed.kind.to_owned(),
            created_at: filed.created_at,
            summary: filed.summary,
        }),
    ))
}

/// An AI system's monitoring results: the latest fairness and drift
/// reports with their content, and the latest 50 reports without.
#[utoipa::path(operation_id = "monitoring_read", get, path = "/api/v1/workspaces/{workspace}/systems/{id}/monitoring", tag = "systems",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "System id")),
    responses((status = 200, body = MonitoringOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn read(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<Json<MonitoringOut>, ApiError> {
    let latest = s.app.latest_monitoring(&ws, &id).await?;
    let items = s.app.monitoring_reports(&ws, &id, LISTED).await?;
    Ok(Json(MonitoringOut {
        latest: LatestByKind {
            fairness: latest.fairness.map(Into::into),
            drift: latest.drift.map(Into::into),
        },
        items: items.into_iter().map(Into::into).collect(),
    }))
}
