//! `/api/v1/workspaces/{workspace}/readiness`: how far the workspace is
//! from passing its audit — scores per clause, Annex A area, requirement
//! and system, EU AI Act readiness per high-risk system, and every gap
//! with what is missing, why, who owns it and where it is fixed — and
//! `/readiness/trend`, the overall score of each day it was read.

use super::extract::ApiQuery;
use crate::auth::InWorkspace;
use crate::error::{ApiError, Problem};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(readiness))
        .routes(routes!(trend))
        .routes(routes!(export))
}

/// The readiness reading, computed from live data (kept until the
/// workspace changes or the day turns). Each gap's `subject.path` is the
/// page under `/w/{workspace}/` that fixes it; `gain` is the points of the
/// overall score fixing it alone adds.
#[utoipa::path(operation_id = "readiness", get, path = "/api/v1/workspaces/{workspace}/readiness", tag = "readiness",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn readiness(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
) -> Result<Json<Shared>, ApiError> {
    Ok(Json(Shared(s.app.readiness(&ws).await?)))
}

/// The kept reading, written straight out: a big workspace's gaps are
/// megabytes of JSON, and no intermediate tree is built for them.
pub struct Shared(std::sync::Arc<aims_domain::readiness::Readiness>);

impl serde::Serialize for Shared {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendQuery {
    /// How many days back (1–3660; default 90).
    #[param(minimum = 1, maximum = 3660)]
    days: Option<i64>,
}

/// The overall score of each day readiness was read, oldest first.
#[utoipa::path(operation_id = "readiness_trend", get, path = "/api/v1/workspaces/{workspace}/readiness/trend", tag = "readiness",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), TrendQuery),
    responses((status = 200, body = Object), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn trend(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiQuery(q): ApiQuery<TrendQuery>,
) -> Result<Json<Value>, ApiError> {
    let days = q.days.unwrap_or(90).clamp(1, 3660);
    Ok(Json(
        json!({ "days": s.app.readiness_trend(&ws, days).await? }),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GapReportQuery {
    /// `xlsx` (default: summary, gaps, systems, EU AI Act), `csv` (the gaps) or `json` (everything).
    format: Option<String>,
}

/// The gap report as a file.
#[utoipa::path(operation_id = "readiness_export", get, path = "/api/v1/workspaces/{workspace}/readiness/export", tag = "readiness",
    extensions(("x-aims-requires" = json!("export"))),
    params(("workspace" = String, Path, description = "Workspace slug"), GapReportQuery),
    responses((status = 200, description = "The file (the XLSX media type, text/csv or application/json)"),
              (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn export(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiQuery(q): ApiQuery<GapReportQuery>,
) -> Result<axum::response::Response, ApiError> {
    let format = aims_app::export::Format::from_param(q.format.as_deref().or(Some("xlsx")))
        .map_err(|m| ApiError::bad_request(Some("format"), format!("format {m}")))?;
    let bytes = s.app.readiness_export(&ws, format).await?;
    Ok(crate::download(
        &ws.workspace.slug,
        "gap-report",
        format,
        bytes,
    ))
}
