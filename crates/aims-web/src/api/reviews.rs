//! `/api/v1/workspaces/{workspace}/reviews/{id}/inputs`: a management
//! review's inputs, compiled from live data as of its date (frozen once
//! it is signed off — a manager's approval of the held review, through
//! `/reviews/{id}/approve`).

use crate::auth::{InWorkspace, RecordId};
use crate::error::{ApiError, Problem};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(inputs))
}

/// The review's inputs (9.3.2): the previous review and the actions it
/// decided with where each stands now, context and interested-party
/// changes since, open nonconformities, audits completed and their
/// findings, metric breaches, objectives' progress, incidents and open
/// improvements — each a list of `{page, id, title, detail, flag}`.
#[utoipa::path(operation_id = "reviews_inputs", get, path = "/api/v1/workspaces/{workspace}/reviews/{id}/inputs", tag = "reviews",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Management review id")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn inputs(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(s.app.review_inputs(&ws, &id).await?)))
}
