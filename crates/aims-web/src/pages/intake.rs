//! Anonymous reporting: the public form at `/report/{token}` (no account,
//! no session, nothing of the workspace shown; rate-limited) and the
//! managers' page that makes, rotates and switches off the link
//! (`/w/{ws}/settings/reporting`).

use super::{form_value as first, render, when, Layout, PageError, PageRequires, PageRoute, When};
use crate::auth::{ClientAddr, WsPage};
use crate::input::PageForm;
use crate::AppState;
use aims_app::{AppError, IntakeLink, Report, Taken};
use aims_domain::Action;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

pub fn routes() -> Vec<PageRoute> {
    use PageRequires::{Anyone, Workspace as W};
    vec![
        PageRoute::get("/report/{token}", Anyone, form),
        PageRoute::post("/report/{token}", Anyone, submit),
        PageRoute::get(
            "/w/{ws}/settings/reporting",
            W(Action::Administer),
            settings,
        ),
        PageRoute::post(
            "/w/{ws}/settings/reporting/rotate",
            W(Action::Administer),
            rotate,
        ),
        PageRoute::post(
            "/w/{ws}/settings/reporting/enable",
            W(Action::Administer),
            enable,
        ),
    ]
}

#[derive(Template, Default)]
#[template(path = "report.html")]
struct ReportPage {
    token: String,
    what: String,
    system: String,
    error: Option<String>,
    done: bool,
    too_many: bool,
}

/// Only the form's own token is echoed back, and only when it is well formed
/// (the reporting link's and a questionnaire's answer link alike).
pub(super) fn token_of(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_hexdigit)
        .take(48)
        .collect()
}

async fn form(State(s): State<AppState>, Path(token): Path<String>) -> Result<Response, PageError> {
    s.app.intake_open(&token).await?;
    Ok(render(&ReportPage {
        token: token_of(&token),
        ..Default::default()
    }))
}

async fn submit(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Path(token): Path<String>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let report = Report {
        what: first(&f, "what").to_owned(),
        system: first(&f, "system").to_owned(),
    };
    let page = ReportPage {
        token: token_of(&token),
        what: report.what.clone(),
        system: report.system.clone(),
        ..Default::default()
    };
    match s.app.submit_report(&token, &addr, &report).await {
        Ok(Taken::Recorded) => Ok(render(&ReportPage { done: true, ..page })),
        Ok(Taken::TooMany) => {
            let mut headers = HeaderMap::new();
            headers.insert("retry-after", axum::http::HeaderValue::from_static("3600"));
            Ok((
                StatusCode::TOO_MANY_REQUESTS,
                headers,
                render(&ReportPage {
                    too_many: true,
                    ..page
                }),
            )
                .into_response())
        }
        Err(AppError::Validation(e)) => {
            let message = e
                .iter()
                .map(|(_, m)| m.join("; "))
                .collect::<Vec<_>>()
                .join(". ");
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&ReportPage {
                    error: Some(format!("Not sent: {message}.")),
                    ..page
                }),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "reporting.html")]
struct ReportingPage {
    layout: Layout,
    slug: String,
    link: Option<IntakeLink>,
    made: When,
    new_url: Option<String>,
}

async fn view(
    s: &AppState,
    w: &WsPage,
    new_url: Option<String>,
) -> Result<ReportingPage, PageError> {
    let link = s.app.intake_link(&w.scope).await?;
    Ok(ReportingPage {
        layout: Layout::new(&w.user, "settings").in_workspace(&w.scope),
        slug: w.scope.workspace.slug.clone(),
        made: when(link.as_ref().map_or("", |l| l.created_at.as_str())),
        link,
        new_url,
    })
}

async fn settings(State(s): State<AppState>, w: WsPage) -> Result<Response, PageError> {
    Ok(render(&view(&s, &w, None).await?))
}

async fn rotate(
    State(s): State<AppState>,
    w: WsPage,
    headers: HeaderMap,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    w.user.check_csrf(first(&f, "csrf"))?;
    let secret = s.app.rotate_intake_link(&w.scope).await?;
    let url = format!("{}/report/{secret}", super::origin(&headers));
    Ok(render(&view(&s, &w, Some(url)).await?))
}

async fn enable(
    State(s): State<AppState>,
    w: WsPage,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    w.user.check_csrf(first(&f, "csrf"))?;
    s.app
        .enable_intake_link(&w.scope, first(&f, "enabled") == "true")
        .await?;
    Ok(render(&view(&s, &w, None).await?))
}
