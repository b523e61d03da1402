//! `/api/v1/workspaces/{workspace}/reports/{kind}`: each report as a file —
//! typeset PDF, or XLSX, CSV or JSON — as `aims report` writes it.

use super::extract::ApiQuery;
use crate::auth::InWorkspace;
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_app::{ReportFormat, ReportKind, ReportOf, Scope};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(report))
}

/// The kinds of report, for the OpenAPI document ([`ReportKind::ALL`]; a
/// test holds the two together).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum ReportName {
    Gap,
    Soa,
    Risks,
    Impact,
    Audit,
    Review,
    Summary,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `pdf` (default), `xlsx`, `csv` or `json`.
    format: Option<String>,
    /// The audit or review the report is of (the latest when absent).
    id: Option<String>,
    /// The SoA version (the latest when absent).
    version: Option<i64>,
}

/// A report as a file: `gap`, `soa`, `risks` (register and treatment
/// plan), `impact`, `audit`, `review` or `summary` (for top management).
#[utoipa::path(operation_id = "report", get, path = "/api/v1/workspaces/{workspace}/reports/{kind}", tag = "readiness",
    extensions(("x-aims-requires" = json!("export"))),
    params(("workspace" = String, Path, description = "Workspace slug"),
           ("kind" = inline(ReportName), Path, description = "gap, soa, risks, impact, audit, review or summary"), ReportQuery),
    responses((status = 200, description = "The file (application/pdf, the XLSX media type, text/csv or application/json)"),
              (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn report(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    Path(path): Path<(String, String)>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<axum::response::Response, ApiError> {
    let kind: ReportKind = path
        .1
        .parse()
        .map_err(|m| ApiError::field(StatusCode::NOT_FOUND, "kind", format!("report {m}")))?;
    send_report(&s, &ws, kind, &q).await
}

/// The report as a download.
async fn send_report(
    s: &AppState,
    ws: &Scope,
    kind: ReportKind,
    q: &ReportQuery,
) -> Result<axum::response::Response, ApiError> {
    let format: ReportFormat = q
        .format
        .as_deref()
        .filter(|f| !f.is_empty())
        .unwrap_or("pdf")
        .parse()
        .map_err(|m| ApiError::bad_request(Some("format"), format!("format {m}")))?;
    let of = ReportOf {
        id: q
            .id
            .clone()
            .filter(|i| !i.is_empty() && kind.of_one_record()),
        soa_version: q.version.filter(|_| kind == ReportKind::Soa),
    };
    let bytes = s.app.report_file(ws, kind, &of, format).await?;
    // The id named a record that exists (else the report was not found).
    let what = match &of.id {
        Some(id) => format!("{}-report-{id}", kind.key()),
        None => format!("{}-report", kind.key()),
    };
    Ok(crate::download_as(
        &ws.workspace.slug,
        &what,
        format.extension(),
        format.content_type(),
        bytes,
    ))
}
