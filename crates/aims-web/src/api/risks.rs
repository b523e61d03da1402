//! The risk register's own routes beside the record path
//! (`/api/v1/workspaces/{workspace}/risks…` comes from it): the workspace's
//! risk method as versioned JSON, the heat map, and acceptances of residual
//! risks.

use super::ApiJson;
use crate::auth::{InWorkspace, LibraryKey, RecordId};
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_app::{AcceptanceView, MethodChange, MethodVersion};
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_method, set_method))
        .routes(routes!(method_versions))
        .routes(routes!(heat_map))
        .routes(routes!(acceptances, accept))
        .routes(routes!(library))
        .routes(routes!(from_library))
}

/// The risk library: starting points for common AI risks with their
/// sources, objectives, NIST references and the Annex A controls that
/// usually treat them.
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/risk-library", tag = "risks",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = Vec<Object>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn library(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        serde_json::to_value(s.app.risk_library(&ws).await?).unwrap_or_default(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FromLibraryIn {
    /// An AI system the risk concerns: its id (the risk is linked to it and named after it).
    #[serde(default)]
    system: Option<String>,
}

/// Creates a draft risk from a library entry (not scored yet: it shows as
/// not assessed until someone scores it).
#[utoipa::path(post, path = "/api/v1/workspaces/{workspace}/risk-library/{key}", tag = "risks",
    request_body = FromLibraryIn,
    extensions(("x-aims-requires" = json!("create"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("key" = String, Path, description = "Library key, e.g. model_drift")),
    responses((status = 201, body = Object), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn from_library(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    LibraryKey(key): LibraryKey,
    ApiJson(body): ApiJson<FromLibraryIn>,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let risk = s
        .app
        .risk_from_library(&ws, key, body.system.as_deref())
        .await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(crate::api::record_json(aims_app::risks_kind(), &risk)),
    ))
}

/// One version of the risk method.
#[derive(Serialize, ToSchema)]
pub struct MethodOut {
    /// 1 is the default method; each change adds one.
    version: i64,
    /// `likelihood` and `impact` (3 to 6 levels of `{name, description}`),
    /// `grid` (`grid[l-1][i-1]` is the score of likelihood l and impact i),
    /// `bands` (`{key, name, colour, min_score}`, ascending) and `acceptance`
    /// (`{band, may_accept, by}`: the least role that may accept the band).
    #[schema(value_type = Object)]
    method: Value,
    note: String,
    /// Absent for the default method.
    created_at: Option<String>,
    created_by: Option<String>,
}

impl From<MethodVersion> for MethodOut {
    fn from(v: MethodVersion) -> Self {
        MethodOut {
            version: v.version,
            method: serde_json::to_value(&v.method).unwrap_or_default(),
            note: v.note,
            created_at: v.created_at,
            created_by: v.created_by,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MethodIn {
    /// The whole method, as `GET` returns it under `method`.
    #[schema(value_type = Object)]
    method: Value,
    /// The version you edited; when another change came first the answer is 409.
    #[serde(default)]
    based_on: Option<i64>,
    /// Why it changes (kept in the history).
    #[serde(default)]
    note: String,
}

/// What a method change did to the register.
#[derive(Serialize, ToSchema)]
pub struct MethodChangeOut {
    method: MethodOut,
    /// False when the method sent was already in force (nothing written).
    changed: bool,
    /// How many risks were written again.
    rescored: usize,
    /// `moved`: assessments whose band changed (`id`, `which`, from/to band
    /// and score); `needs_reassessment`: assessments that lost a level.
    #[schema(value_type = Object)]
    report: Value,
}

impl From<MethodChange> for MethodChangeOut {
    fn from(c: MethodChange) -> Self {
        MethodChangeOut {
            report: serde_json::to_value(&c.report).unwrap_or_default(),
            method: c.method.into(),
            changed: c.changed,
            rescored: c.rescored,
        }
    }
}

/// The workspace's risk method in force.
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/risk-method", tag = "risks",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = MethodOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_method(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
) -> Result<Json<MethodOut>, ApiError> {
    Ok(Json(s.app.risk_method(&ws).await?.into()))
}

/// Sets a new version of the risk method (managers): every risk is scored
/// again under it, and the answer lists the risks whose band moved.
#[utoipa::path(put, path = "/api/v1/workspaces/{workspace}/risk-method", tag = "risks",
    request_body = MethodIn,
    extensions(("x-aims-requires" = json!("approve"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = MethodChangeOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_method(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiJson(body): ApiJson<MethodIn>,
) -> Result<Json<MethodChangeOut>, ApiError> {
    Ok(Json(
        s.app
            .set_risk_method(&ws, body.based_on, &body.method, &body.note)
            .await?
            .into(),
    ))
}

/// Every version of the risk method, newest first (the default last).
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/risk-method/versions", tag = "risks",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = Vec<MethodOut>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn method_versions(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
) -> Result<Json<Vec<MethodOut>>, ApiError> {
    let versions = s.app.risk_method_versions(&ws).await?;
    Ok(Json(versions.into_iter().map(MethodOut::from).collect()))
}

/// The heat map: how many risks sit in each cell of the method's grid, for
/// the inherent, current and residual assessments, under the method in force.
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/risks/heatmap", tag = "risks",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn heat_map(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
) -> Result<Json<Value>, ApiError> {
    let (_, map) = s.app.risk_heat_map(&ws).await?;
    Ok(Json(serde_json::to_value(map).unwrap_or_default()))
}

/// A risk's acceptances, newest first, each with its status today: `valid`,
/// `expired`, or `voided` with the reason (a material change, the residual
/// no longer assessed, its band moved, the band no longer acceptable).
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/risks/{id}/acceptance", tag = "risks",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Risk id")),
    responses((status = 200, body = Vec<Object>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn acceptances(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<Json<Vec<AcceptanceView>>, ApiError> {
    Ok(Json(s.app.risk_acceptances(&ws, &id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptIn {
    /// The risk's version you accept (stale → 409).
    version: i64,
    /// Why the residual risk is acceptable.
    reason: String,
    /// `YYYY-MM-DD`, after today: from that day the acceptance needs review.
    expires_on: String,
}

/// Accepts a risk's residual level until a date, with a reason. Who may
/// accept which band is the risk method's rule; the acceptance records the
/// method version and a hash of the risk's scored state, so any material
/// change voids it.
#[utoipa::path(post, path = "/api/v1/workspaces/{workspace}/risks/{id}/acceptance", tag = "risks",
    request_body = AcceptIn,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Risk id")),
    responses((status = 200, body = Vec<Object>), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn accept(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiJson(body): ApiJson<AcceptIn>,
) -> Result<Json<Vec<AcceptanceView>>, ApiError> {
    Ok(Json(
        s.app
            .accept_risk(&ws, &id, body.version, &body.reason, &body.expires_on)
            .await?,
    ))
}
