//! Pages inside a workspace: dashboard, inventory, activity, settings and the
//! planned areas.

use super::risks::assessment_grid;
use super::{
    render, roles, CsrfForm, EventView, Layout, NavItem, PageError, PageRequires, PageRoute, NAV,
};
use crate::auth::{PageUser, WsPage};
use crate::input::PageForm;
use crate::AppState;
use aims_app::store::{MemberRow, TokenRow};
use aims_app::{AppError, Scope};
use aims_domain::Action;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub fn routes() -> Vec<PageRoute> {
    use aims_domain::Action::*;
    use PageRequires::Workspace as W;
    vec![
        PageRoute::get("/w/{ws}", W(Read), dashboard),
        PageRoute::get("/w/{ws}/activity", W(Read), activity),
        PageRoute::get("/w/{ws}/settings", W(Read), settings),
        PageRoute::post("/w/{ws}/settings/members", W(Administer), member_set),
        PageRoute::post(
            "/w/{ws}/settings/members/{user_id}/remove",
            W(Administer),
            member_remove,
        ),
        PageRoute::post("/w/{ws}/settings/tokens", W(Administer), token_create),
        PageRoute::post(
            "/w/{ws}/settings/tokens/{id}/revoke",
            W(Administer),
            token_revoke,
        ),
        PageRoute::get("/w/{ws}/{area}", W(Read), area),
    ]
}

#[derive(Deserialize, Default)]
struct Flash {
    flash: Option<String>,
}

impl Flash {
    /// Only known messages are shown, so a link cannot inject text.
    fn message(&self) -> Option<String> {
        let m = match self.flash.as_deref()? {
            "created" => "AI system added.",
            "saved" => "Changes saved.",
            "deleted" => "AI system deleted. Its history is kept in Activity.",
            "member" => "Member saved.",
            "removed" => "Member removed. They no longer see this workspace.",
            "revoked" => "Token revoked. It no longer works.",
            "demo" => "The demo organisation is loaded.",
            _ => return None,
        };
        Some(m.to_owned())
    }
}

#[derive(Template)]
#[template(path = "workspace.html")]
struct DashboardPage {
    layout: Layout,
    slug: String,
    ws_name: String,
    systems: i64,
    members: usize,
    role: String,
    areas: Vec<&'static NavItem>,
    events: Vec<EventView>,
    check: aims_app::CheckSummary,
    readiness: std::sync::Arc<aims_domain::readiness::Readiness>,
    /// The inherent and residual heat maps.
    heat: Vec<super::risks::GridView>,
    risks: u32,
}

async fn dashboard(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    let access = &scope;
    let events = s
        .app
        .activity(&scope, None, 8)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let systems = s
        .app
        .count_records(&scope, aims_app::systems_kind())
        .await?;
    let members = s.app.members(&scope).await?.len();
    let (method, map) = s.app.risk_heat_map(&scope).await?;
    let areas = NAV
        .iter()
        .flat_map(|g| g.1.iter())
        .filter(|i| i.key != "dashboard")
        .collect();
    Ok(render(&DashboardPage {
        layout: Layout::new(&user, "dashboard")
            .in_workspace(access)
            .flash(f.message()),
        slug: access.workspace.slug.clone(),
        ws_name: access.workspace.name.clone(),
        systems,
        members,
        role: access.role_label(),
        areas,
        events,
        check: s.app.check_summary(&scope).await?,
        readiness: s.app.readiness(&scope).await?,
        risks: map.total,
        heat: vec![
            assessment_grid(&method, &map, 0),
            assessment_grid(&method, &map, 2),
        ],
    }))
}

#[derive(Deserialize)]
struct ActivityQuery {
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "activity.html")]
struct ActivityPage {
    layout: Layout,
    slug: String,
    events: Vec<EventView>,
    next: Option<i64>,
}

async fn activity(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    Query(q): Query<ActivityQuery>,
) -> Result<Response, PageError> {
    let access = &scope;
    const PAGE: i64 = 50;
    let events = s.app.activity(&scope, q.before, PAGE).await?;
    let next = if events.len() as i64 == PAGE {
        events.last().map(|e| e.seq)
    } else {
        None
    };
    Ok(render(&ActivityPage {
        layout: Layout::new(&user, "activity").in_workspace(access),
        slug: access.workspace.slug.clone(),
        events: events.into_iter().map(Into::into).collect(),
        next,
    }))
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    layout: Layout,
    slug: String,
    members: Vec<MemberRow>,
    tokens: Vec<TokenRow>,
    can_admin: bool,
    roles: Vec<(&'static str, &'static str)>,
    new_secret: Option<String>,
    error: Option<String>,
}

async fn settings_view(
    s: &AppState,
    user: &PageUser,
    access: &Scope,
    flash: Option<String>,
) -> Result<SettingsPage, PageError> {
    let can_admin = access.can(Action::Administer);
    let tokens = if can_admin {
        s.app.tokens(access).await?
    } else {
        vec![]
    };
    Ok(SettingsPage {
        layout: Layout::new(user, "settings")
            .in_workspace(access)
            .flash(flash),
        slug: access.workspace.slug.clone(),
        members: s.app.members(access).await?,
        tokens,
        can_admin,
        roles: roles(),
        new_secret: None,
        error: None,
    })
}

async fn settings(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    Ok(render(
        &settings_view(&s, &user, &scope, f.message()).await?,
    ))
}

#[derive(Deserialize)]
struct NamedRoleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

async fn member_set(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    PageForm(f): PageForm<NamedRoleForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    match s.app.set_member(&scope, &f.email, &f.role).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/w/{}/settings?flash=member",
            scope.workspace.slug
        ))
        .into_response()),
        Err(AppError::Validation(errors)) => {
            let mut page = settings_view(&s, &user, &scope, None).await?;
            page.error = Some(errors.summary());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn token_create(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    PageForm(f): PageForm<NamedRoleForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    match s.app.create_token(&scope, &f.name, &f.role).await {
        Ok(created) => {
            // Rendered directly (not redirected) so the secret never sits in a URL.
            let mut page = settings_view(&s, &user, &scope, None).await?;
            page.new_secret = Some(created.secret);
            Ok(render(&page))
        }
        Err(AppError::Validation(errors)) => {
            let mut page = settings_view(&s, &user, &scope, None).await?;
            page.error = Some(errors.summary());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn token_revoke(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(f): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    s.app.revoke_token(&scope, &id).await?;
    Ok(Redirect::to(&format!(
        "/w/{}/settings?flash=revoked",
        scope.workspace.slug
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "area.html")]
struct AreaPage {
    layout: Layout,
    slug: String,
    area: &'static NavItem,
}

async fn area(
    WsPage { user, scope }: WsPage,
    Path((_, area)): Path<(String, String)>,
) -> Result<Response, PageError> {
    scope.require(Action::Read)?;
    let access = &scope;
    let Some(item) = NAV
        .iter()
        .flat_map(|g| g.1.iter())
        .find(|i| !i.ready && i.path.trim_start_matches('/') == area)
    else {
        return Err(AppError::NotFound("page").into());
    };
    Ok(render(&AreaPage {
        layout: Layout::new(&user, item.key).in_workspace(access),
        slug: access.workspace.slug.clone(),
        area: item,
    }))
}

async fn member_remove(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    Path((_, user_id)): Path<(String, String)>,
    PageForm(f): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    match s.app.remove_member(&scope, &user_id).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/w/{}/settings?flash=removed",
            scope.workspace.slug
        ))
        .into_response()),
        Err(AppError::Conflict { message, .. }) => {
            let mut page = settings_view(&s, &user, &scope, None).await?;
            page.error = Some(message);
            Ok((StatusCode::CONFLICT, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
