//! `/api/v1/me`, `/api/v1/workspaces`, members and API tokens.

use super::ApiJson;
use crate::auth::{ApiCaller, InWorkspace, RecordId};
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_app::PrincipalKind;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Workspace, member and token routes, each registered with its OpenAPI operation.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(list_workspaces, create_workspace))
        .routes(routes!(list_members, set_member))
        .routes(routes!(remove_member))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    /// `user` or `token`.
    kind: &'static str,
    label: String,
    is_admin: bool,
    workspaces: Vec<WorkspaceOut>,
}

#[derive(Serialize, ToSchema)]
pub struct WorkspaceOut {
    id: String,
    slug: String,
    name: String,
    /// The caller's role in this workspace.
    role: String,
    created_at: String,
}

/// Who the caller is and which workspaces they can reach.
#[utoipa::path(get, path = "/api/v1/me", tag = "workspaces",
    extensions(("x-aims-requires" = json!("signed-in"))),
    responses((status = 200, body = Me), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn me(State(s): State<AppState>, ApiCaller(p): ApiCaller) -> Result<Json<Me>, ApiError> {
    let workspaces = workspaces_out(&s, &p).await?;
    Ok(Json(Me {
        kind: if matches!(p.kind, PrincipalKind::Token { .. }) {
            "token"
        } else {
            "user"
        },
        label: p.label.clone(),
        is_admin: p.is_admin(),
        workspaces,
    }))
}

async fn workspaces_out(
    s: &AppState,
    p: &aims_app::Principal,
) -> Result<Vec<WorkspaceOut>, ApiError> {
    Ok(s.app
        .workspaces(p)
        .await?
        .into_iter()
        .map(|(w, role)| WorkspaceOut {
            id: w.id,
            slug: w.slug,
            name: w.name,
            role: role.to_string(),
            created_at: w.created_at,
        })
        .collect())
}

#[derive(Serialize, ToSchema)]
pub struct WorkspaceList {
    items: Vec<WorkspaceOut>,
}

/// Workspaces the caller belongs to.
#[utoipa::path(get, path = "/api/v1/workspaces", tag = "workspaces",
    extensions(("x-aims-requires" = json!("signed-in"))),
    responses((status = 200, body = WorkspaceList), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list_workspaces(
    State(s): State<AppState>,
    ApiCaller(p): ApiCaller,
) -> Result<Json<WorkspaceList>, ApiError> {
    Ok(Json(WorkspaceList {
        items: workspaces_out(&s, &p).await?,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct WorkspaceIn {
    #[serde(default)]
    name: String,
    /// 2–63 characters: a-z, 0-9 and '-'.
    #[serde(default)]
    slug: String,
}

/// Creates a workspace (instance administrators); the creator becomes its manager.
#[utoipa::path(post, path = "/api/v1/workspaces", tag = "workspaces", request_body = WorkspaceIn,
    extensions(("x-aims-requires" = json!("admin"))),
    responses((status = 201, body = WorkspaceOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_workspace(
    State(s): State<AppState>,
    ApiCaller(p): ApiCaller,
    ApiJson(body): ApiJson<WorkspaceIn>,
) -> Result<(StatusCode, Json<WorkspaceOut>), ApiError> {
    let w = s.app.create_workspace(&p, &body.name, &body.slug).await?;
    Ok((
        StatusCode::CREATED,
        Json(WorkspaceOut {
            id: w.id,
            slug: w.slug,
            name: w.name,
            role: "manager".into(),
            created_at: w.created_at,
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct MemberOut {
    user_id: String,
    email: String,
    name: String,
    role: String,
    since: String,
}

#[derive(Serialize, ToSchema)]
pub struct MemberList {
    items: Vec<MemberOut>,
}

fn member_out(m: aims_app::store::MemberRow) -> MemberOut {
    MemberOut {
        user_id: m.user_id,
        email: m.email,
        name: m.name,
        role: m.role,
        since: m.created_at,
    }
}

/// Members of a workspace and their roles.
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/members", tag = "workspaces",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = MemberList), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_members(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
) -> Result<Json<MemberList>, ApiError> {
    let items = s
        .app
        .members(&ws)
        .await?
        .into_iter()
        .map(member_out)
        .collect();
    Ok(Json(MemberList { items }))
}

#[derive(Deserialize, ToSchema)]
pub struct MemberIn {
    #[serde(default)]
    email: String,
    /// manager, contributor or auditor.
    #[serde(default)]
    role: String,
}

/// Adds an existing user to the workspace, or changes their role (managers).
#[utoipa::path(put, path = "/api/v1/workspaces/{workspace}/members", tag = "workspaces", request_body = MemberIn,
    extensions(("x-aims-requires" = json!("administer"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = MemberOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_member(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiJson(body): ApiJson<MemberIn>,
) -> Result<Json<MemberOut>, ApiError> {
    Ok(Json(member_out(
        s.app.set_member(&ws, &body.email, &body.role).await?,
    )))
}

/// Takes a member's access away (managers, signed in). The last manager stays.
#[utoipa::path(delete, path = "/api/v1/workspaces/{workspace}/members/{id}", tag = "workspaces",
    extensions(("x-aims-requires" = json!("administer"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "The member's user id")),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn remove_member(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(user_id): RecordId,
) -> Result<StatusCode, ApiError> {
    s.app.remove_member(&ws, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct TokenOut {
    id: String,
    name: String,
    role: String,
    /// The first characters of the token, to recognise it.
    prefix: String,
    created_at: String,
    created_by: String,
    last_used_at: Option<String>,
    revoked_at: Option<String>,
    /// Only in the answer to creation: the token itself, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

impl From<aims_app::store::TokenRow> for TokenOut {
    fn from(t: aims_app::store::TokenRow) -> Self {
        TokenOut {
            id: t.id,
            name: t.name,
            role: t.role,
            prefix: t.prefix,
            created_at: t.created_at,
            created_by: t.created_by,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
            token: None,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TokenList {
    items: Vec<TokenOut>,
}

/// API tokens of the workspace (managers). Secrets are never returned.
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/tokens", tag = "workspaces",
    extensions(("x-aims-requires" = json!("administer"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = TokenList), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_tokens(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
) -> Result<Json<TokenList>, ApiError> {
    let items = s
        .app
        .tokens(&ws)
        .await?
        .into_iter()
        .map(TokenOut::from)
        .collect();
    Ok(Json(TokenList { items }))
}

#[derive(Deserialize, ToSchema)]
pub struct TokenIn {
    #[serde(default)]
    name: String,
    /// manager, contributor or auditor.
    #[serde(default)]
    role: String,
}

/// Creates an API token (managers); the answer carries the token once.
#[utoipa::path(post, path = "/api/v1/workspaces/{workspace}/tokens", tag = "workspaces", request_body = TokenIn,
    extensions(("x-aims-requires" = json!("administer"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = TokenOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_token(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiJson(body): ApiJson<TokenIn>,
) -> Result<(StatusCode, Json<TokenOut>), ApiError> {
    let created = s.app.create_token(&ws, &body.name, &body.role).await?;
    let mut out = TokenOut::from(created.row);
    out.token = Some(created.secret);
    Ok((StatusCode::CREATED, Json(out)))
}

/// Revokes an API token (managers); it stops working at once.
#[utoipa::path(delete, path = "/api/v1/workspaces/{workspace}/tokens/{id}", tag = "workspaces",
    extensions(("x-aims-requires" = json!("administer"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Token id")),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_token(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<StatusCode, ApiError> {
    s.app.revoke_token(&ws, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
