//! Measurements of metrics:
//! `/api/v1/workspaces/{workspace}/metrics/{id}/measurements` (append one
//! or a batch of up to 100,000; list a range), `/status` (where the metric
//! stands) and `/chart` (a range downsampled for drawing, breaches kept).
//! Metrics themselves are records (`/metrics`).

use super::extract::ApiQuery;
use super::ApiJson;
use crate::auth::{InWorkspace, RecordId};
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_app::MeasurementIn;
use aims_domain::metric::parse_instant;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The largest batch body: 100,000 measurements with their times.
pub const MAX_BATCH_BYTES: usize = 16 * 1024 * 1024;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(status))
        .routes(routes!(chart))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(push))
                .layer(DefaultBodyLimit::max(MAX_BATCH_BYTES)),
        )
}

/// A measurement: `value` (a finite number), `measured_at` (RFC 3339 with
/// its offset, or a date; now when left out; not in the future),
/// `period_start` (the start of the period it covers), `supersedes` (the
/// id of an earlier measurement it corrects), `note`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MeasurementInDoc {
    value: f64,
    measured_at: Option<String>,
    period_start: Option<String>,
    supersedes: Option<String>,
    #[schema(max_length = 500)]
    note: Option<String>,
}

/// A batch of measurements (up to 100,000); one measurement alone may
/// also be sent as the body itself.
#[derive(ToSchema)]
#[allow(dead_code)]
#[schema(example = json!({"items": [{"value": 0.91, "measured_at": "2026-11-26T00:00:00Z"}, {"value": 0.87, "measured_at": "2026-11-27T00:00:00Z", "note": "after the data refresh"}]}))]
pub struct MeasurementsIn {
    items: Vec<MeasurementInDoc>,
}

/// The body as sent: a batch under `items`, or one measurement.
fn measurements_of(body: Value) -> Result<Vec<MeasurementIn>, ApiError> {
    let batch = body.get("items").is_some();
    let parsed = if batch {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Batch {
            items: Vec<MeasurementIn>,
        }
        serde_json::from_value::<Batch>(body).map(|b| b.items)
    } else {
        serde_json::from_value::<MeasurementIn>(body).map(|m| vec![m])
    };
    parsed.map_err(|e| {
        ApiError::bad_request(
            Some(if batch { "items" } else { "value" }),
            format!("not a measurement or a batch of them: {e}"),
        )
    })
}

/// Appends measurements (append-only: a correction names the measurement
/// it `supersedes`). Returns how many were accepted, the metric's level
/// after them, the breach episodes they started and the records a critical
/// episode opened (once per episode, as the metric's `on_breach` says).
/// Nothing is kept when one is wrong (422 naming `items[n].field`).
#[utoipa::path(operation_id = "metrics_push", post, path = "/api/v1/workspaces/{workspace}/metrics/{id}/measurements", tag = "metrics",
    request_body = MeasurementsIn,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Metric id")),
    responses((status = 201, body = Object), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 413, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn push(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiJson(b): ApiJson<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let items = measurements_of(b)?;
    let done = s.app.record_measurements(&ws, &id, &items).await?;
    Ok((StatusCode::CREATED, Json(json!(done))))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeParams {
    /// From this time (RFC 3339 or a date); a year before `to` by default.
    from: Option<String>,
    /// Up to this time; now by default.
    to: Option<String>,
    /// At most this many measurements (1–100000, default 1000).
    #[param(value_type = Option<u32>)]
    limit: Option<String>,
    /// About this many points for a chart (10–2000, default 600).
    #[param(value_type = Option<u32>)]
    points: Option<String>,
}

fn instant(name: &str, v: Option<&str>, default: i64) -> Result<i64, ApiError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => parse_instant(s).ok_or_else(|| {
            ApiError::bad_request(
                Some(name),
                format!("{name} must be a date or an RFC 3339 time"),
            )
        }),
    }
}

fn number(name: &str, v: Option<&str>, default: i64) -> Result<i64, ApiError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => s.parse().map_err(|_| {
            ApiError::bad_request(Some(name), format!("{name} must be a whole number"))
        }),
    }
}

fn range(s: &AppState, p: &RangeParams) -> Result<(i64, i64), ApiError> {
    let now = parse_instant(&s.app.now_text()).unwrap_or(0);
    let to = instant("to", p.to.as_deref(), now)?;
    let from = instant("from", p.from.as_deref(), to - 366 * 86_400)?;
    Ok((from, to))
}

/// A metric's measurements in a range, oldest first (corrections and what
/// they supersede included).
#[utoipa::path(operation_id = "metrics_measurements", get, path = "/api/v1/workspaces/{workspace}/metrics/{id}/measurements", tag = "metrics",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Metric id"), RangeParams),
    responses((status = 200, body = Object), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiQuery(p): ApiQuery<RangeParams>,
) -> Result<Json<Value>, ApiError> {
    let (from, to) = range(&s, &p)?;
    let limit = number("limit", p.limit.as_deref(), 1000)?;
    let items = s.app.measurements(&ws, &id, from, to, limit).await?;
    Ok(Json(json!({ "items": items })))
}

/// Where a metric stands: its last value and level, whether it is stale
/// (no value for longer than its interval), when the next value is due,
/// and its breach episodes.
#[utoipa::path(operation_id = "metrics_status", get, path = "/api/v1/workspaces/{workspace}/metrics/{id}/status", tag = "metrics",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Metric id")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn status(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(s.app.metric_status(&ws, &id).await?)))
}

/// A metric's values over a range, downsampled for drawing (first, lowest,
/// highest and last of each bucket, so no breach is lost), each point with
/// its level; with the thresholds and a summary.
#[utoipa::path(operation_id = "metrics_chart", get, path = "/api/v1/workspaces/{workspace}/metrics/{id}/chart", tag = "metrics",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Metric id"), RangeParams),
    responses((status = 200, body = Object), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn chart(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiQuery(p): ApiQuery<RangeParams>,
) -> Result<Json<Value>, ApiError> {
    let (from, to) = range(&s, &p)?;
    let points = number("points", p.points.as_deref(), 600)?;
    let chart = s
        .app
        .metric_chart(&ws, &id, from, to, usize::try_from(points).unwrap_or(600))
        .await?;
    Ok(Json(json!(chart)))
}
