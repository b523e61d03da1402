//! The Statement of Applicability: `/api/v1/workspaces/{workspace}/soa…` —
//! the proposal, the current version with every version listed, one
//! version, what changed between two, saving a draft, approving it, and
//! the export (one row per control, with the justification columns).

use super::extract::ApiQuery;
use super::ApiJson;
use crate::auth::{InWorkspace, VersionNumber};
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_domain::soa::Row;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(proposal))
        .routes(routes!(current, save))
        .routes(routes!(frameworks))
        .routes(routes!(version))
        .routes(routes!(approve))
        .routes(routes!(changes))
        .routes(routes!(export))
}

type Res = Result<Json<Value>, ApiError>;

/// The proposed first draft of the Statement of Applicability: one row per
/// ISO/IEC 42001 Annex A control (`control`, `decision`: included,
/// excluded or undecided, `reasons`, `exclusion`, `notes`); a control that
/// a treatment action implements is proposed as included, naming the risks
/// that action treats (`{"kind": "risk_treatment", "risks": [ids]}`), and
/// one an EU AI Act obligation of a classified system maps to names the
/// article (`{"kind": "legal_obligation", "references": ["eu-ai-act:Art. 9"]}`).
#[utoipa::path(operation_id = "soa_proposal", get, path = "/api/v1/workspaces/{workspace}/soa/proposal", tag = "soa",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn proposal(State(s): State<AppState>, InWorkspace(ws): InWorkspace) -> Res {
    let rows = s.app.soa_proposal(&ws).await?;
    Ok(Json(json!({ "rows": rows })))
}

/// The current Statement of Applicability (`current`: the latest version,
/// or the proposal as version 0 before the first save) with every version
/// (`versions`, newest first). Each line carries the control's title and
/// area, its implementation status, owner, the systems it covers, its
/// evidence by standing (`evidence.current|stale|rejected`) and
/// `needs_evidence`; `flags` names excluded controls a treatment relies on.
#[utoipa::path(operation_id = "soa_current", get, path = "/api/v1/workspaces/{workspace}/soa", tag = "soa",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn current(State(s): State<AppState>, InWorkspace(ws): InWorkspace) -> Res {
    let (current, versions) = s.app.soa(&ws).await?;
    Ok(Json(json!({ "current": current, "versions": versions })))
}

/// Where a save starts from.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SoaBasedOn {
    number: i64,
    revision: i64,
}

/// Rows to save into the draft.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SoaSaveIn {
    /// The version and revision you read; when it moved on, 409.
    #[serde(default)]
    based_on: Option<SoaBasedOn>,
    /// Whole rows, each replacing the row of its control (`control`,
    /// `decision`, `reasons`, `exclusion`, `notes`); none: just make sure a
    /// draft exists (the first one starts from the proposal).
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    rows: Vec<Row>,
}

/// Saves rows into the draft: the first save starts version 1 from the
/// proposal; saving over an approved version starts the next draft.
#[utoipa::path(operation_id = "soa_save", put, path = "/api/v1/workspaces/{workspace}/soa", tag = "soa",
    request_body = SoaSaveIn,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = Object), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn save(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiJson(body): ApiJson<SoaSaveIn>,
) -> Res {
    let v = s
        .app
        .save_soa(
            &ws,
            body.based_on.map(|b| (b.number, b.revision)),
            body.rows,
        )
        .await?;
    Ok(Json(json!(v)))
}

/// The frameworks a statement covers.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SoaFrameworksIn {
    /// The version and revision you read; when it moved on, 409.
    #[serde(default)]
    based_on: Option<SoaBasedOn>,
    /// Catalogue framework ids (`iso42001`, `iso27001`, an imported one);
    /// ISO/IEC 42001 is always covered.
    frameworks: Vec<String>,
}

/// Sets the frameworks the statement covers: a framework added brings a
/// row per control of it into the draft (proposed from the risk register
/// like the first draft), one left out takes its rows away. An unknown
/// framework is 422 naming `frameworks[n]`.
#[utoipa::path(operation_id = "soa_frameworks", put, path = "/api/v1/workspaces/{workspace}/soa/frameworks", tag = "soa",
    request_body = SoaFrameworksIn,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = Object), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn frameworks(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiJson(body): ApiJson<SoaFrameworksIn>,
) -> Res {
    let v = s
        .app
        .set_soa_frameworks(
            &ws,
            body.based_on.map(|b| (b.number, b.revision)),
            body.frameworks,
        )
        .await?;
    Ok(Json(json!(v)))
}

/// One version as saved; an approved one with the facts frozen at approval.
#[utoipa::path(operation_id = "soa_version", get, path = "/api/v1/workspaces/{workspace}/soa/versions/{number}", tag = "soa",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"),
           ("number" = i64, Path, description = "Version number, from 1")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn version(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    VersionNumber(number): VersionNumber,
) -> Res {
    Ok(Json(json!(s.app.soa_version(&ws, number).await?)))
}

/// An approval.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SoaApproveIn {
    /// The version's revision you read; when it moved on, 409.
    revision: i64,
    /// Kept with the version and in the history.
    #[serde(default)]
    note: String,
}

/// Approves the latest version (managers): refused with 422 naming each row
/// at fault (`rows[n].exclusion`, …) unless every control is decided and
/// justified; from then on it never changes.
#[utoipa::path(operation_id = "soa_approve", post, path = "/api/v1/workspaces/{workspace}/soa/versions/{number}/approve", tag = "soa",
    request_body = SoaApproveIn,
    extensions(("x-aims-requires" = json!("approve"))),
    params(("workspace" = String, Path, description = "Workspace slug"),
           ("number" = i64, Path, description = "Version number, from 1")),
    responses((status = 200, body = Object), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn approve(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    VersionNumber(number): VersionNumber,
    ApiJson(body): ApiJson<SoaApproveIn>,
) -> Res {
    let v = s
        .app
        .approve_soa(&ws, number, body.revision, &body.note)
        .await?;
    Ok(Json(json!(v)))
}

/// Two versions to compare.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SoaChangesQuery {
    /// The older version.
    from: i64,
    /// The newer version.
    to: i64,
}

/// What changed between two versions, control by control and field by
/// field (`control`, `field`, `old`, `new`; `field` is `row` when a control
/// is only in one of them).
#[utoipa::path(operation_id = "soa_changes", get, path = "/api/v1/workspaces/{workspace}/soa/changes", tag = "soa",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), SoaChangesQuery),
    responses((status = 200, body = Object), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn changes(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiQuery(q): ApiQuery<SoaChangesQuery>,
) -> Res {
    let changes = s.app.soa_changes(&ws, q.from, q.to).await?;
    Ok(Json(
        json!({ "from": q.from, "to": q.to, "changes": changes }),
    ))
}

/// What to export.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SoaExportQuery {
    /// `csv` (default), `json` or `xlsx`.
    #[serde(default)]
    format: Option<String>,
    /// A version number; the latest when absent.
    #[serde(default)]
    version: Option<i64>,
}

/// The Statement of Applicability as a file: one row per control with its
/// decision, justification (risks by title, legal requirements), exclusion
/// reason, implementation status, owner, systems and evidence counts.
#[utoipa::path(operation_id = "soa_export", get, path = "/api/v1/workspaces/{workspace}/soa/export", tag = "soa",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), SoaExportQuery),
    responses((status = 200, description = "The file (text/csv, application/json or the XLSX media type)"),
              (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn export(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiQuery(q): ApiQuery<SoaExportQuery>,
) -> Result<Response, ApiError> {
    let format = aims_app::export::Format::from_param(q.format.as_deref())
        .map_err(|m| ApiError::bad_request(Some("format"), format!("format {m}")))?;
    let bytes = s.app.soa_export(&ws, q.version, format).await?;
    Ok(crate::download(
        &ws.workspace.slug,
        "statement-of-applicability",
        format,
        bytes,
    ))
}
