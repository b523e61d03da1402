//! The Statement of Applicability (start of issue #9):
//! `/api/v1/workspaces/{workspace}/soa/proposal`, the first draft aims
//! proposes from the risk register's treatment links.

use crate::auth::InWorkspace;
use crate::error::{ApiError, Problem};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(proposal))
}

/// The proposed first draft of the Statement of Applicability: one row per
/// ISO/IEC 42001 Annex A control (`control`, `decision`: included,
/// excluded or undecided, `reasons`, `exclusion`, `notes`); a control that
/// a treatment action implements is proposed as included, naming the risks
/// that action treats (`{"kind": "risk_treatment", "risks": [ids]}`).
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/soa/proposal", tag = "soa",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn proposal(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
) -> Result<Json<Value>, ApiError> {
    let rows = s.app.soa_proposal(&ws).await?;
    Ok(Json(json!({ "rows": rows })))
}
