//! People and competence (`/w/{ws}/people`): each member's RACI
//! accountabilities, the trainings that count, and what they lack; and
//! the RACI as one matrix (`/w/{ws}/raci/matrix`).

use super::{render, Layout, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::AppState;
use aims_app::Person;
use aims_domain::Action;
use askama::Template;
use axum::extract::State;
use axum::response::Response;

pub fn routes() -> Vec<PageRoute> {
    vec![
        PageRoute::get(
            "/w/{ws}/people",
            PageRequires::Workspace(Action::Read),
            page,
        ),
        PageRoute::get(
            "/w/{ws}/raci/matrix",
            PageRequires::Workspace(Action::Read),
            matrix,
        ),
    ]
}

#[derive(Template)]
#[template(path = "raci_matrix.html")]
struct MatrixPage {
    layout: Layout,
    slug: String,
    m: aims_domain::raci::Matrix,
}

async fn matrix(State(s): State<AppState>, w: WsPage) -> Result<Response, PageError> {
    Ok(render(&MatrixPage {
        layout: Layout::new(&w.user, "raci").in_workspace(&w.scope),
        slug: w.scope.workspace.slug.clone(),
        m: s.app.raci_matrix(&w.scope).await?,
    }))
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
