//! People and competence (`/w/{ws}/people`): each member's RACI
//! accountabilities, the trainings that count, and what they lack.

use super::{render, Layout, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::AppState;
use aims_app::Person;
use aims_domain::Action;
use askama::Template;
use axum::extract::State;
use axum::response::Response;

pub fn routes() -> Vec<PageRoute> {
    vec![PageRoute::get(
        "/w/{ws}/people",
        PageRequires::Workspace(Action::Read),
        page,
    )]
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    layout: Layout,
    slug: String,
    people: Vec<Person>,
}

async fn page(State(s): State<AppState>, w: WsPage) -> Result<Response, PageError> {
    Ok(render(&PeoplePage {
        layout: Layout::new(&w.user, "people").in_workspace(&w.scope),
        slug: w.scope.workspace.slug.clone(),
        people: s.app.people(&w.scope).await?,
    }))
}
