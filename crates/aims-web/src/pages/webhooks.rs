//! Workspace settings → webhooks (managers): the webhooks with their state,
//! a form to add one (its secret shown once), and each webhook's page with
//! its filter, switch, secret rotation and delivery log.

use super::{render, CsrfForm, Layout, PageError, PageRequires, PageRoute};
use crate::auth::{PageUser, WsPage};
use crate::input::PageForm;
use crate::AppState;
use aims_app::{AppError, DeliveryView, Scope, WebhookInput, WebhookView};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub fn routes() -> Vec<PageRoute> {
    use aims_domain::Action::Administer;
    use PageRequires::Workspace as W;
    vec![
        PageRoute::get("/w/{ws}/settings/webhooks", W(Administer), list),
        PageRoute::post("/w/{ws}/settings/webhooks", W(Administer), create),
        PageRoute::get("/w/{ws}/settings/webhooks/{id}", W(Administer), show),
        PageRoute::post("/w/{ws}/settings/webhooks/{id}", W(Administer), update),
        PageRoute::post(
            "/w/{ws}/settings/webhooks/{id}/rotate",
            W(Administer),
            rotate,
        ),
        PageRoute::post(
            "/w/{ws}/settings/webhooks/{id}/delete",
            W(Administer),
            delete,
        ),
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
            "saved" => "Webhook saved.",
            "deleted" => "Webhook deleted. Nothing more is sent to it.",
            _ => return None,
        };
        Some(m.to_owned())
    }
}

#[derive(Template)]
#[template(path = "webhooks.html")]
struct ListPage {
    layout: Layout,
    slug: String,
    hooks: Vec<WebhookView>,
    new_secret: Option<String>,
    error: Option<String>,
    /// What the add form showed, kept after a refusal.
    url: String,
    events: String,
}

async fn list_view(
    s: &AppState,
    user: &PageUser,
    scope: &Scope,
    flash: Option<String>,
) -> Result<ListPage, PageError> {
    Ok(ListPage {
        layout: Layout::new(user, "settings")
            .in_workspace(scope)
            .flash(flash),
        slug: scope.workspace.slug.clone(),
        hooks: s.app.webhooks(scope).await?,
        new_secret: None,
        error: None,
        url: String::new(),
        events: "*".into(),
    })
}

async fn list(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    Ok(render(&list_view(&s, &user, &scope, f.message()).await?))
}

#[derive(Deserialize)]
struct WebhookForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    events: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    enabled: Option<String>,
}

/// The filter's entries as typed: separated by commas or spaces.
fn entries(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn create(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    PageForm(f): PageForm<WebhookForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let input = WebhookInput {
        url: Some(f.url.clone()),
        events: Some(entries(&f.events)),
        enabled: Some(f.enabled.is_some()),
    };
    match s.app.create_webhook(&scope, input).await {
        Ok(created) => {
            // Rendered directly (not redirected) so the secret never sits in a URL.
            let mut page = list_view(&s, &user, &scope, None).await?;
            page.new_secret = Some(created.secret);
            Ok(render(&page))
        }
        Err(AppError::Validation(errors)) => {
            let mut page = list_view(&s, &user, &scope, None).await?;
            page.error = Some(errors.summary());
            page.url = f.url;
            page.events = f.events;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "webhook.html")]
struct OnePage {
    layout: Layout,
    slug: String,
    hook: WebhookView,
    deliveries: Vec<DeliveryView>,
    new_secret: Option<String>,
    error: Option<String>,
    events: String,
}

async fn one_view(
    s: &AppState,
    user: &PageUser,
    scope: &Scope,
    id: &str,
    flash: Option<String>,
) -> Result<OnePage, PageError> {
    let hook = s.app.webhook(scope, id).await?;
    let deliveries = s.app.webhook_deliveries(scope, id).await?;
    Ok(OnePage {
        layout: Layout::new(user, "settings")
            .in_workspace(scope)
            .flash(flash),
        slug: scope.workspace.slug.clone(),
        events: hook.events.join(", "),
        hook,
        deliveries,
        new_secret: None,
        error: None,
    })
}

async fn show(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    Path((_, id)): Path<(String, String)>,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    Ok(render(
        &one_view(&s, &user, &scope, &id, f.message()).await?,
    ))
}

async fn update(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(f): PageForm<WebhookForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let input = WebhookInput {
        url: None,
        events: Some(entries(&f.events)),
        enabled: Some(f.enabled.is_some()),
    };
    match s.app.update_webhook(&scope, &id, input).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/w/{}/settings/webhooks/{id}?flash=saved",
            scope.workspace.slug
        ))
        .into_response()),
        Err(AppError::Validation(errors)) => {
            let mut page = one_view(&s, &user, &scope, &id, None).await?;
            page.error = Some(errors.summary());
            page.events = f.events;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn rotate(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(f): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let rotated = s.app.rotate_webhook_secret(&scope, &id).await?;
    let mut page = one_view(&s, &user, &scope, &id, None).await?;
    page.new_secret = Some(rotated.secret);
    Ok(render(&page))
}

async fn delete(
    State(s): State<AppState>,
    WsPage { user, scope }: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(f): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    s.app.delete_webhook(&scope, &id).await?;
    Ok(Redirect::to(&format!(
        "/w/{}/settings/webhooks?flash=deleted",
        scope.workspace.slug
    ))
    .into_response())
}
