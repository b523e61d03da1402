//! A management review's inputs on its page — compiled from live data as
//! of its date, frozen once signed off — and the printable record
//! (`/w/{ws}/reviews/{id}/print`) that exports it as a document.

use super::{render, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::AppState;
use aims_app::ReviewInputs;
use aims_domain::record::REVIEWS;
use aims_domain::Action;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

pub fn routes() -> Vec<PageRoute> {
    vec![PageRoute::get(
        "/w/{ws}/reviews/{id}/print",
        PageRequires::Workspace(Action::Read),
        print,
    )]
}

/// Whether a review's record is signed off (and so locked).
pub fn signed_off(review: &aims_app::store::RecordRow) -> bool {
    review
        .fields
        .get("status")
        .and_then(serde_json::Value::as_str)
        == Some("signed_off")
}

#[derive(Template)]
#[template(path = "review_print.html")]
struct PrintPage {
    slug: String,
    review: aims_app::store::RecordRow,
    inputs: ReviewInputs,
    approvals: aims_app::Approvals,
}

impl PrintPage {
    fn field(&self, name: &str) -> String {
        REVIEWS
            .field(name)
            .map(|f| REVIEWS.cell(f, &self.review.fields))
            .unwrap_or_default()
    }
}

async fn print(
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let review = s.app.record(&w.scope, &REVIEWS, &id).await?;
    Ok(render(&PrintPage {
        slug: w.scope.workspace.slug.clone(),
        inputs: s.app.review_inputs(&w.scope, &id).await?,
        approvals: s.app.approvals(&w.scope, &REVIEWS, &id).await?,
        review,
    }))
}
