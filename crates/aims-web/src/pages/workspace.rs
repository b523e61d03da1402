//! Pages inside a workspace: dashboard, inventory, activity, settings and the
//! planned areas.

use super::{
    render, roles, CsrfForm, EventView, Layout, NavItem, PageError, PageRequires, PageRoute, NAV,
};
use crate::auth::{PageUser, WsPage};
use crate::input::PageForm;
use crate::AppState;
use aims_app::store::{MemberRow, SystemFilter, SystemRow, TokenRow};
use aims_app::{AppError, Scope};
use aims_domain::{Action, FieldErrors};
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
        PageRoute::get("/w/{ws}/inventory", W(Read), inventory),
        PageRoute::post("/w/{ws}/inventory", W(Create), inventory_create),
        PageRoute::get("/w/{ws}/inventory/rows", W(Read), inventory_rows),
        PageRoute::get("/w/{ws}/inventory/export", W(Export), inventory_export),
        PageRoute::get("/w/{ws}/inventory/{id}", W(Read), system_page),
        PageRoute::post("/w/{ws}/inventory/{id}", W(Update), system_update),
        PageRoute::post("/w/{ws}/inventory/{id}/delete", W(Delete), system_delete),
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
    let systems = s.app.count_systems(&scope).await?;
    let members = s.app.members(&scope).await?.len();
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
    }))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    q: String,
    after: Option<String>,
    flash: Option<String>,
}

#[derive(Template)]
#[template(path = "systems.html")]
struct InventoryPage {
    layout: Layout,
    slug: String,
    q: String,
    systems: Vec<SystemRow>,
    next: Option<String>,
    can_create: bool,
    form_name: String,
    form_purpose: String,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "systems_rows.html")]
struct InventoryRows {
    slug: String,
    q: String,
    systems: Vec<SystemRow>,
    next: Option<String>,
}

async fn list(
    s: &AppState,
    scope: &Scope,
    q: &ListQuery,
) -> Result<aims_app::store::Page<SystemRow>, PageError> {
    let filter = SystemFilter {
        q: Some(q.q.trim().to_owned()).filter(|q| !q.is_empty()),
        after: q.after.clone().filter(|a| !a.is_empty()),
        limit: 50,
    };
    Ok(s.app.systems(scope, &filter).await?)
}

async fn inventory(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let page = list(&s, &scope, &q).await?;
    let access = &scope;
    let flash = Flash {
        flash: q.flash.clone(),
    }
    .message();
    Ok(render(&InventoryPage {
        can_create: access.can(Action::Create),
        layout: Layout::new(&user, "inventory")
            .in_workspace(access)
            .flash(flash),
        slug: access.workspace.slug.clone(),
        q: q.q,
        systems: page.items,
        next: page.next,
        form_name: String::new(),
        form_purpose: String::new(),
        errors: FieldErrors::new(),
    }))
}

#[derive(Deserialize)]
struct ExportQuery {
    format: Option<String>,
}

/// The inventory as a CSV, JSON or XLSX file.
async fn inventory_export(
    State(s): State<AppState>,
    WsPage { scope, .. }: WsPage,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    let format = aims_app::export::Format::from_param(q.format.as_deref())
        .map_err(|m| PageError::BadForm(format!("The format {m}.")))?;
    let bytes = s.app.export_systems(&scope, format).await?;
    Ok(crate::download(
        &scope.workspace.slug,
        "ai-systems",
        format,
        bytes,
    ))
}

/// The htmx fragment behind the search box.
async fn inventory_rows(
    State(s): State<AppState>,
    WsPage { scope, .. }: WsPage,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let page = list(&s, &scope, &q).await?;
    let access = &scope;
    Ok(render(&InventoryRows {
        slug: access.workspace.slug.clone(),
        q: q.q,
        systems: page.items,
        next: page.next,
    }))
}

#[derive(Deserialize)]
struct SystemForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    version: String,
}

async fn inventory_create(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    PageForm(f): PageForm<SystemForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    match s.app.create_system(&scope, &f.name, &f.purpose).await {
        Ok(row) => Ok(Redirect::to(&format!(
            "/w/{}/inventory/{}?flash=created",
            scope.workspace.slug, row.id
        ))
        .into_response()),
        Err(AppError::Validation(errors)) => {
            let page = list(&s, &scope, &ListQuery::default()).await?;
            let access = &scope;
            let page = InventoryPage {
                can_create: true,
                layout: Layout::new(&user, "inventory").in_workspace(access),
                slug: access.workspace.slug.clone(),
                q: String::new(),
                systems: page.items,
                next: page.next,
                form_name: f.name,
                form_purpose: f.purpose,
                errors,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "system.html")]
struct SystemPage {
    layout: Layout,
    slug: String,
    system: SystemRow,
    can_edit: bool,
    can_delete: bool,
    form_name: String,
    form_purpose: String,
    errors: FieldErrors,
    conflict: Option<String>,
    events: Vec<EventView>,
}

async fn system_view(
    s: &AppState,
    user: &PageUser,
    access: &Scope,
    id: &str,
    flash: Option<String>,
) -> Result<SystemPage, PageError> {
    let system = s.app.system(access, id).await?;
    let events = s
        .app
        .record_history(access, "ai_system", id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(SystemPage {
        can_edit: access.can(Action::Update),
        can_delete: access.can(Action::Delete),
        layout: Layout::new(user, "inventory")
            .in_workspace(access)
            .flash(flash),
        slug: access.workspace.slug.clone(),
        form_name: system.name.clone(),
        form_purpose: system.purpose.clone(),
        system,
        errors: FieldErrors::new(),
        conflict: None,
        events,
    })
}

async fn system_page(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    Path((_, id)): Path<(String, String)>,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    Ok(render(
        &system_view(&s, &user, &scope, &id, f.message()).await?,
    ))
}

async fn system_update(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(f): PageForm<SystemForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let version = f.version.parse::<i64>().map_err(|_| {
        PageError::BadForm("The form lost its version field; reload the page.".into())
    })?;
    match s
        .app
        .update_system(&scope, &id, version, &f.name, &f.purpose)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/w/{}/inventory/{id}?flash=saved",
            scope.workspace.slug
        ))
        .into_response()),
        Err(AppError::Validation(errors)) => {
            let mut page = system_view(&s, &user, &scope, &id, None).await?;
            page.errors = errors;
            page.form_name = f.name;
            page.form_purpose = f.purpose;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(AppError::Conflict { .. }) => {
            // Keep what the person typed; show the current version beside it.
            let mut page = system_view(&s, &user, &scope, &id, None).await?;
            page.conflict = Some(format!(
                "Someone else saved this AI system while you were editing (it is now at version {}). Your text is still in the form: check the history, then save again.",
                page.system.version
            ));
            page.form_name = f.name;
            page.form_purpose = f.purpose;
            Ok((StatusCode::CONFLICT, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn system_delete(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(f): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    s.app.delete_system(&scope, &id).await?;
    Ok(Redirect::to(&format!(
        "/w/{}/inventory?flash=deleted",
        scope.workspace.slug
    ))
    .into_response())
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
