//! Internal audits beyond their records: an audit's checklist
//! (`/api/v1/workspaces/{workspace}/audits/{id}/checklist`: generate, read,
//! record an item's result, sample the evidence behind it) and the audit
//! programme over the certification cycle (`/audit-programme`).

use super::extract::ApiQuery;
use super::ApiJson;
use crate::auth::{InWorkspace, ItemId, RecordId};
use crate::error::{ApiError, Problem};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(checklist, generate))
        .routes(routes!(result))
        .routes(routes!(sample))
        .routes(routes!(programme))
}

type Res = Result<Json<Value>, ApiError>;

/// An audit's checklist in order: each item's `reference`
/// (`iso42001:9.2.2`), `title`, `item_kind` (clause or control), `result`
/// (empty until audited), `notes` (objective evidence), `sample` (the
/// evidence drawn, JSON) with its `seed`, and `finding_id`.
#[utoipa::path(operation_id = "audits_checklist", get, path = "/api/v1/workspaces/{workspace}/audits/{id}/checklist", tag = "audits",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Audit id")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn checklist(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Res {
    Ok(Json(
        json!({ "items": s.app.audit_checklist(&ws, &id).await? }),
    ))
}

/// Which parts of the audit universe a checklist covers.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"only": ["9", "A.6"]}))]
pub struct ChecklistIn {
    /// Clause or control ids whose items to include (`9` takes 9.1 to
    /// 9.3.3, `A.6` the A.6 controls); every clause requirement of 4–10 and
    /// every control the Statement of Applicability includes when empty.
    #[serde(default)]
    only: Vec<String>,
}

/// Generates the audit's checklist from the clause requirements and the
/// controls the Statement of Applicability includes. 409 when it has one.
#[utoipa::path(operation_id = "audits_generate_checklist", post, path = "/api/v1/workspaces/{workspace}/audits/{id}/checklist", tag = "audits",
    request_body = ChecklistIn,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Audit id")),
    responses((status = 201, body = Object), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn generate(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiJson(b): ApiJson<ChecklistIn>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let items = s.app.generate_checklist(&ws, &id, &b.only).await?;
    Ok((StatusCode::CREATED, Json(json!({ "items": items }))))
}

/// An item's result.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"result": "minor_nc", "notes": "Two of five sampled model cards name no owner", "raise": true}))]
pub struct ResultIn {
    /// not_audited, conforming, major_nc, minor_nc, observation or ofi.
    result: String,
    /// The objective evidence (required for a finding).
    #[serde(default)]
    notes: String,
    /// Raise a major or minor nonconformity as a nonconformity at once.
    #[serde(default)]
    raise: bool,
}

/// Records a checklist item's result. A finding grade makes a finding
/// record found in the audit; with `raise`, a nonconformity grade also
/// becomes a nonconformity in the same step.
#[utoipa::path(operation_id = "audits_record_result", put, path = "/api/v1/workspaces/{workspace}/audits/{id}/checklist/{item}", tag = "audits",
    request_body = ResultIn,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Audit id"),
           ("item" = String, Path, description = "Checklist item id")),
    responses((status = 200, body = Object), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn result(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ItemId(item): ItemId,
    ApiJson(b): ApiJson<ResultIn>,
) -> Res {
    Ok(Json(json!(
        s.app
            .record_audit_result(&ws, &id, &item, &b.result, &b.notes, b.raise)
            .await?
    )))
}

/// How many evidence items to draw.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"size": 3}))]
pub struct SampleIn {
    /// 1–100.
    size: usize,
}

/// Draws a sample of the evidence for the item's control or requirement;
/// the same audit, item and size always draw the same sample (the seed is
/// recorded with it).
#[utoipa::path(operation_id = "audits_sample", post, path = "/api/v1/workspaces/{workspace}/audits/{id}/checklist/{item}/sample", tag = "audits",
    request_body = SampleIn,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Audit id"),
           ("item" = String, Path, description = "Checklist item id")),
    responses((status = 200, body = Object), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn sample(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ItemId(item): ItemId,
    ApiJson(b): ApiJson<SampleIn>,
) -> Res {
    Ok(Json(json!(
        s.app.sample_audit_evidence(&ws, &id, &item, b.size).await?
    )))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgrammeParams {
    /// The cycle's first day (YYYY-MM-DD); the current certificate's, or
    /// three years back from today, by default.
    from: Option<String>,
}

/// The audit programme: the cycle's audits, and which clause
/// requirements and included controls its completed audits have covered
/// (`uncovered` lists the rest).
#[utoipa::path(operation_id = "audits_programme", get, path = "/api/v1/workspaces/{workspace}/audit-programme", tag = "audits",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ProgrammeParams),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn programme(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiQuery(p): ApiQuery<ProgrammeParams>,
) -> Res {
    Ok(Json(json!(
        s.app.audit_programme(&ws, p.from.as_deref()).await?
    )))
}
