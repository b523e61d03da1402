//! The work list: `/api/v1/workspaces/{workspace}/tasks` — every open
//! dated duty of every kind for one member or the whole workspace.

use super::extract::ApiQuery;
use crate::auth::InWorkspace;
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_app::WorkOf;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TasksParams {
    /// Whose work: `me` (a signed-in member; the default for one), a
    /// member's e-mail address, or `all` for the whole workspace (the
    /// default for an API token).
    owner: Option<String>,
    /// Days ahead to look, 0–3650 (default 30); overdue duties are always listed.
    #[param(value_type = Option<u32>, minimum = 0, maximum = 3650)]
    within: Option<String>,
}

/// Open dated duties, soonest first: reviews due, treatment actions,
/// evidence validity and requests, trainings expiring, incident report
/// deadlines… Each item names its record (`kind`, `record_id`, `title`),
/// the duty (`duty`, `duty_label`, `due_on`), `days` from today (negative:
/// overdue), its `urgency` (`overdue`, `today`, `this_week`, `later`) and
/// its `owner`; `more` counts the duties beyond `until` (or past the
/// 500 listed).
#[utoipa::path(operation_id = "tasks_list", get, path = "/api/v1/workspaces/{workspace}/tasks", tag = "tasks",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), TasksParams),
    responses((status = 200, body = Object), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiQuery(p): ApiQuery<TasksParams>,
) -> Result<Json<Value>, ApiError> {
    // A token has no work of its own: by default it reads the workspace's.
    let default = if ws.principal.user_id().is_some() {
        "me"
    } else {
        "all"
    };
    let of = match p
        .owner
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .unwrap_or(default)
    {
        "me" => WorkOf::Me,
        "all" => WorkOf::Everyone,
        who => WorkOf::Member(who.to_owned()),
    };
    let within = match p.within.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        None => None,
        Some(w) => Some(w.parse::<i64>().map_err(|_| {
            ApiError::bad_request(Some("within"), "within must be a whole number of days")
        })?),
    };
    let list = s.app.work_list(&ws, &of, within).await?;
    Ok(Json(json!(list)))
}
