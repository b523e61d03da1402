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

/// The sections of the inputs, in the order clause 9.3.2 lists them:
/// `(heading, lines, what an empty one says)`.
pub fn sections(i: &ReviewInputs) -> Vec<(&'static str, &Vec<aims_app::InputLine>, &'static str)> {
    vec![
        (
            "Actions from the previous review",
            &i.carried_forward,
            "No actions were decided at the previous review (or there was none).",
        ),
        (
            "Changes in the context and interested parties",
            &i.context_changes,
            "No context issue or interested party changed since the previous review.",
        ),
        (
            "Open nonconformities",
            &i.open_nonconformities,
            "No open nonconformity.",
        ),
        ("Audit results", &i.audits, "No audit completed yet."),
        (
            "Metric breaches",
            &i.breaches,
            "No metric breached its thresholds in the period.",
        ),
        ("AI objectives", &i.objectives, "No objectives recorded."),
        (
            "Incidents and concerns",
            &i.incidents,
            "No incident reported in the period.",
        ),
        (
            "Opportunities for improvement",
            &i.improvements,
            "No open improvement opportunity.",
        ),
    ]
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
