//! `/api/v1/workspaces/{workspace}/findings/{id}/raise`: an audit finding
//! graded a nonconformity becomes one in a single step (or reopens the
//! closed nonconformity on the same requirement), linked `raised_as`.

use crate::auth::{InWorkspace, RecordId};
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_domain::record::NONCONFORMITIES;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::Value;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(raise))
}

/// Raises a finding graded a major or minor nonconformity as a
/// nonconformity (source audit, the finding's grade, requirement and
/// evidence), linked from the finding as `raised_as`; the finding's status
/// becomes raised. When a closed nonconformity on the same requirement
/// exists it is reopened instead. 409 when the finding was raised already;
/// 422 for an observation or an opportunity for improvement.
#[utoipa::path(operation_id = "findings_raise", post, path = "/api/v1/workspaces/{workspace}/findings/{id}/raise", tag = "findings",
    extensions(("x-aims-requires" = json!("create"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Finding id")),
    responses((status = 201, body = Object), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn raise(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let nc = s.app.raise_finding(&ws, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(super::record_json(&NONCONFORMITIES, &nc)),
    ))
}
