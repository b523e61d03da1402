//! The risk library page: starting points for common AI risks, each with
//! its sources, objectives, NIST references and the Annex A controls that
//! usually treat it; a contributor picks one (for a system, if they like)
//! and gets a draft risk to score.

use super::{render, Layout, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::input::PageForm;
use crate::AppState;
use aims_app::{AppError, LibraryEntry};
use aims_domain::Action;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

pub fn routes() -> Vec<PageRoute> {
    use PageRequires::Workspace as W;
    vec![
        PageRoute::get("/w/{ws}/risk-library", W(Action::Read), page),
        PageRoute::post("/w/{ws}/risk-library/{key}", W(Action::Create), pick),
    ]
}

#[derive(Template)]
#[template(path = "risk_library.html")]
struct LibraryPage {
    layout: Layout,
    slug: String,
    entries: Vec<LibraryEntry>,
    /// (id, name) of the AI systems a draft may concern.
    systems: Vec<(String, String)>,
    can_pick: bool,
}

async fn page(State(s): State<AppState>, w: WsPage) -> Result<Response, PageError> {
    let systems = s
        .app
        .all_records(&w.scope, aims_app::systems_kind(), &Default::default())
        .await?
        .into_iter()
        .map(|r| (r.id, r.title))
        .collect();
    Ok(render(&LibraryPage {
        layout: Layout::new(&w.user, "risk-library").in_workspace(&w.scope),
        slug: w.scope.workspace.slug.clone(),
        entries: s.app.risk_library(&w.scope).await?,
        systems,
        can_pick: w.scope.can(Action::Create),
    }))
}

#[derive(serde::Deserialize)]
struct PickForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    system: String,
}

async fn pick(
    State(s): State<AppState>,
    w: WsPage,
    Path((_, key)): Path<(String, String)>,
    PageForm(form): PageForm<PickForm>,
) -> Result<Response, PageError> {
    w.user.check_csrf(&form.csrf)?;
    if aims_domain::risk::library_risk(&key).is_none() {
        return Err(AppError::NotFound("library risk").into());
    }
    let risk = s
        .app
        .risk_from_library(&w.scope, &key, Some(form.system.as_str()))
        .await?;
    Ok(Redirect::to(&format!(
        "/w/{}/risks/{}?flash=created",
        w.scope.workspace.slug, risk.id
    ))
    .into_response())
}
