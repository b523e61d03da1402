//! `/api/v1/workspaces/{workspace}/systems`: the AI system inventory.

use super::{ApiJson, ApiQuery};
use crate::auth::{InWorkspace, RecordId};
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_app::store::{SystemFilter, SystemRow};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Inventory routes, each registered with its OpenAPI operation.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_systems, create_system))
        .routes(routes!(export_systems))
        .routes(routes!(get_system, update_system, delete_system))
}

/// An AI system in the inventory.
#[derive(Serialize, ToSchema)]
pub struct SystemOut {
    id: String,
    name: String,
    purpose: String,
    /// Send this back with an update; it grows by one with every change.
    version: i64,
    created_at: String,
    updated_at: String,
    created_by: String,
    updated_by: String,
}

impl From<SystemRow> for SystemOut {
    fn from(s: SystemRow) -> Self {
        SystemOut {
            id: s.id,
            name: s.name,
            purpose: s.purpose,
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
            created_by: s.created_by,
            updated_by: s.updated_by,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SystemList {
    items: Vec<SystemOut>,
    /// Pass as `after` to get the next page; null on the last page.
    next: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page size, 1–500 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<String>,
    /// The `next` cursor of the previous page.
    after: Option<String>,
    /// Case-insensitive text to find in name or purpose.
    q: Option<String>,
}

/// Lists AI systems, oldest first, in pages.
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/systems", tag = "systems",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ListParams),
    responses((status = 200, body = SystemList), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_systems(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<SystemList>, ApiError> {
    let limit = match params.limit.as_deref() {
        None | Some("") => 50,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if (1..=500).contains(&n) => n,
            _ => {
                return Err(ApiError::bad_request(
                    Some("limit"),
                    "limit must be a whole number from 1 to 500",
                ))
            }
        },
    };
    let filter = SystemFilter {
        q: params
            .q
            .filter(|q| !q.trim().is_empty())
            .map(|q| q.trim().to_owned()),
        after: params.after.filter(|a| !a.is_empty()),
        limit,
    };
    let page = s.app.systems(&ws, &filter).await?;
    Ok(Json(SystemList {
        items: page.items.into_iter().map(SystemOut::from).collect(),
        next: page.next,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct SystemIn {
    #[serde(default)]
    name: String,
    #[serde(default)]
    purpose: String,
}

/// Adds an AI system to the inventory (managers, contributors).
#[utoipa::path(post, path = "/api/v1/workspaces/{workspace}/systems", tag = "systems", request_body = SystemIn,
    extensions(("x-aims-requires" = json!("create"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = SystemOut), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_system(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiJson(body): ApiJson<SystemIn>,
) -> Result<(StatusCode, Json<SystemOut>), ApiError> {
    let row = s.app.create_system(&ws, &body.name, &body.purpose).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// One AI system.
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/systems/{id}", tag = "systems",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "System id")),
    responses((status = 200, body = SystemOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_system(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<Json<SystemOut>, ApiError> {
    Ok(Json(s.app.system(&ws, &id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct SystemUpdate {
    #[serde(default)]
    name: String,
    #[serde(default)]
    purpose: String,
    /// The version you read; a stale one answers 409 and changes nothing.
    version: Option<i64>,
}

/// Replaces an AI system's fields if `version` is current (managers, contributors).
#[utoipa::path(put, path = "/api/v1/workspaces/{workspace}/systems/{id}", tag = "systems", request_body = SystemUpdate,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "System id")),
    responses((status = 200, body = SystemOut), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_system(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiJson(body): ApiJson<SystemUpdate>,
) -> Result<Json<SystemOut>, ApiError> {
    let Some(version) = body.version else {
        return Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "version",
            "is required: send the version you read",
        ));
    };
    Ok(Json(
        s.app
            .update_system(&ws, &id, version, &body.name, &body.purpose)
            .await?
            .into(),
    ))
}

/// Deletes an AI system (managers). Its history stays.
#[utoipa::path(delete, path = "/api/v1/workspaces/{workspace}/systems/{id}", tag = "systems",
    extensions(("x-aims-requires" = json!("delete"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "System id")),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete_system(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<StatusCode, ApiError> {
    s.app.delete_system(&ws, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// csv (default), json or xlsx.
    #[param(value_type = Option<String>)]
    format: Option<String>,
}

/// Every AI system with its EU AI Act tier, as a CSV, JSON or XLSX file.
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/systems/export", tag = "systems",
    extensions(("x-aims-requires" = json!("export"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ExportParams),
    responses((status = 200, description = "The file", content_type = "text/csv"),
              (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn export_systems(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> Result<axum::response::Response, ApiError> {
    let format = aims_app::export::Format::from_param(params.format.as_deref())
        .map_err(|m| ApiError::bad_request(Some("format"), format!("format {m}")))?;
    let bytes = s.app.export_systems(&ws, format).await?;
    Ok(crate::download(
        &ws.workspace.slug,
        "ai-systems",
        format,
        bytes,
    ))
}
