//! The public trust page (`/trust/{slug}`, no account; 404 unless the
//! workspace switched it on) with its contact form, and its switch for
//! managers (`/w/{ws}/settings/trust`).

use super::{form_value as first, render, Layout, PageError, PageRequires, PageRoute};
use crate::auth::{ClientAddr, WsPage};
use crate::input::PageForm;
use crate::AppState;
use aims_app::{AppError, Report, Taken, TrustView};
use aims_domain::Action;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub fn routes() -> Vec<PageRoute> {
    use PageRequires::{Anyone, Workspace as W};
    vec![
        PageRoute::get("/trust/{slug}", Anyone, public),
        PageRoute::post("/trust/{slug}/contact", Anyone, contact),
        PageRoute::get("/w/{ws}/settings/trust", W(Action::Administer), settings),
        PageRoute::post("/w/{ws}/settings/trust", W(Action::Administer), switch),
    ]
}

#[derive(Template)]
#[template(path = "trust.html")]
struct TrustPage {
    t: TrustView,
    /// Each public document's text, rendered and sanitised.
    documents: Vec<(String, String)>,
    sent: bool,
    too_many: bool,
    error: Option<String>,
    message: String,
}

fn page_of(t: TrustView) -> TrustPage {
    let documents = t
        .documents
        .iter()
        .map(|(title, md)| (title.clone(), crate::markdown::render(md)))
        .collect();
    TrustPage {
        t,
        documents,
        sent: false,
        too_many: false,
        error: None,
        message: String::new(),
    }
}

async fn public(
    State(s): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    Ok(render(&page_of(s.app.trust_page(&slug).await?)))
}

async fn contact(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Path(slug): Path<String>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut page = page_of(s.app.trust_page(&slug).await?);
    let from = first(&f, "from").trim().to_owned();
    let message = first(&f, "message").to_owned();
    let report = Report {
        what: if from.is_empty() {
            message.clone()
        } else {
            format!("{message}\n\nFrom: {from}")
        },
        system: first(&f, "system").to_owned(),
    };
    match s.app.trust_contact(&slug, &addr, &report).await {
        Ok(Taken::Recorded) => {
            page.sent = true;
            Ok(render(&page))
        }
        Ok(Taken::TooMany) => {
            page.too_many = true;
            page.message = message;
            let mut headers = HeaderMap::new();
            headers.insert("retry-after", HeaderValue::from_static("3600"));
            Ok((StatusCode::TOO_MANY_REQUESTS, headers, render(&page)).into_response())
        }
        Err(AppError::Validation(e)) => {
            page.error = Some(e.summary());
            page.message = message;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "trust_settings.html")]
struct SettingsPage {
    layout: Layout,
    slug: String,
    enabled: bool,
}

async fn settings(State(s): State<AppState>, w: WsPage) -> Result<Response, PageError> {
    Ok(render(&SettingsPage {
        layout: Layout::new(&w.user, "settings").in_workspace(&w.scope),
        slug: w.scope.workspace.slug.clone(),
        enabled: s.app.trust_page_enabled(&w.scope).await?,
    }))
}

#[derive(Deserialize)]
struct SwitchForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    enabled: String,
}

async fn switch(
    State(s): State<AppState>,
    w: WsPage,
    PageForm(f): PageForm<SwitchForm>,
) -> Result<Response, PageError> {
    w.user.check_csrf(&f.csrf)?;
    s.app
        .set_trust_page(&w.scope, matches!(f.enabled.as_str(), "on" | "true" | "1"))
        .await?;
    Ok(Redirect::to(&format!("/w/{}/settings/trust", w.scope.workspace.slug)).into_response())
}
