//! Auditor access: `POST /api/v1/workspaces/{workspace}/auditors` invites
//! an external auditor until a day (managers, signed in: API tokens never
//! administer), answering with the private link's secret once;
//! `GET /access-log` lists what auditors opened, newest first.

use super::extract::{ApiJson, ApiQuery};
use crate::auth::InWorkspace;
use crate::error::{ApiError, Problem};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(invite))
        .routes(routes!(access_log))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditorInvite {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    /// The last day of access (`YYYY-MM-DD`, after today).
    #[serde(default)]
    expires_on: String,
}

/// Invites an auditor: read-only access to this workspace until
/// `expires_on`. Someone without an account gets a private link
/// (`/invite/{secret}`, `secret` in the answer, shown once) to choose a
/// password; someone with one is made a member at once (`secret` null).
#[utoipa::path(post, path = "/api/v1/workspaces/{workspace}/auditors", tag = "auditors", request_body = AuditorInvite,
    extensions(("x-aims-requires" = json!("administer"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Object), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn invite(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiJson(body): ApiJson<AuditorInvite>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let invited = s
        .app
        .invite_auditor(&ws, &body.email, &body.name, &body.expires_on)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(invited))))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogQuery {
    /// At most this many entries (1–10000; default 500).
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<i64>,
}

/// What auditors opened in this workspace: `{items: [{at, actor_label,
/// method, path}]}`, newest first (managers).
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/access-log", tag = "auditors",
    extensions(("x-aims-requires" = json!("administer"))),
    params(("workspace" = String, Path, description = "Workspace slug"), LogQuery),
    responses((status = 200, body = Object), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn access_log(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiQuery(q): ApiQuery<LogQuery>,
) -> Result<Json<Value>, ApiError> {
    let items = s.app.access_log(&ws, q.limit.unwrap_or(500)).await?;
    Ok(Json(json!({ "items": items })))
}
