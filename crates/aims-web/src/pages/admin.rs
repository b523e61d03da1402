//! Instance administration: users, workspaces, access, the demo organisation.
//! Every route takes [`PageAdmin`]: only instance administrators get here.

use super::{render, CsrfForm, Layout, PageError, PageRequires, PageRoute};
use crate::auth::{PageAdmin, PageUser};
use crate::input::PageForm;
use crate::AppState;
use aims_app::store::{UserRow, WorkspaceRow};
use aims_app::AppError;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub fn routes() -> Vec<PageRoute> {
    use PageRequires::*;
    vec![
        PageRoute::get("/admin", Admin, admin),
        PageRoute::post("/admin/users", Admin, user_add),
        PageRoute::post("/admin/workspaces", Admin, workspace_create),
        PageRoute::post("/admin/members", Admin, member_set),
        PageRoute::post("/admin/demo", Admin, demo),
    ]
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    layout: Layout,
    users: Vec<UserRow>,
    workspaces: Vec<WorkspaceRow>,
    roles: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    saved: Option<String>,
}

async fn view(
    s: &AppState,
    user: &PageUser,
    error: Option<String>,
) -> Result<AdminPage, PageError> {
    let users = s.app.users(&user.principal).await?;
    let workspaces = s
        .app
        .workspaces(&aims_app::Principal::operator())
        .await?
        .into_iter()
        .map(|(w, _)| w)
        .collect();
    Ok(AdminPage {
        layout: Layout::new(user, "admin"),
        users,
        workspaces,
        roles: super::roles(),
        error,
        saved: None,
    })
}

async fn admin(
    State(s): State<AppState>,
    PageAdmin(user): PageAdmin,
) -> Result<Response, PageError> {
    Ok(render(&view(&s, &user, None).await?))
}

async fn failed(s: &AppState, user: &PageUser, e: AppError) -> Result<Response, PageError> {
    match e {
        AppError::Validation(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&view(s, user, Some(errors.summary())).await?),
        )
            .into_response()),
        e => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct UserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    admin: Option<String>,
}

async fn user_add(
    State(s): State<AppState>,
    PageAdmin(user): PageAdmin,
    PageForm(f): PageForm<UserForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    match s
        .app
        .add_user(
            &user.principal,
            &f.email,
            &f.name,
            &f.password,
            f.admin.is_some(),
            false,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/admin").into_response()),
        Err(e) => failed(&s, &user, e).await,
    }
}

#[derive(Deserialize)]
struct WorkspaceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
}

async fn workspace_create(
    State(s): State<AppState>,
    PageAdmin(user): PageAdmin,
    PageForm(f): PageForm<WorkspaceForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    match s
        .app
        .create_workspace(&user.principal, &f.name, &f.slug)
        .await
    {
        Ok(w) => Ok(Redirect::to(&format!("/w/{}", w.slug)).into_response()),
        Err(e) => failed(&s, &user, e).await,
    }
}

async fn demo(
    State(s): State<AppState>,
    PageAdmin(user): PageAdmin,
    PageForm(f): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    s.app.load_demo(&user.principal).await?;
    Ok(Redirect::to(&format!("/w/{}?flash=demo", aims_app::DEMO_SLUG)).into_response())
}

#[derive(Deserialize)]
struct MemberForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    workspace: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// Administrators grant access to any workspace, member or not.
async fn member_set(
    State(s): State<AppState>,
    PageAdmin(user): PageAdmin,
    PageForm(f): PageForm<MemberForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let result = match s.app.enter(&user.principal, &f.workspace).await {
        Ok(scope) => s.app.set_member(&scope, &f.email, &f.role).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(m) => {
            let mut page = view(&s, &user, None).await?;
            page.saved = Some(format!("{} is now {} in {}.", m.email, m.role, f.workspace));
            Ok(render(&page))
        }
        Err(e) => failed(&s, &user, e).await,
    }
}
