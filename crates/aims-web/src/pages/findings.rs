//! An audit finding's page offers to raise it as a nonconformity in one
//! step (`POST /w/{ws}/findings/{id}/raise`), which opens the new (or
//! reopened) nonconformity.

use super::{form_value as first, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::input::PageForm;
use crate::AppState;
use aims_app::AppError;
use aims_domain::Action;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

pub fn routes() -> Vec<PageRoute> {
    vec![PageRoute::post(
        "/w/{ws}/findings/{id}/raise",
        PageRequires::Workspace(Action::Create),
        raise,
    )]
}

async fn raise(
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    w.user.check_csrf(first(&f, "csrf"))?;
    let slug = &w.scope.workspace.slug;
    match s.app.raise_finding(&w.scope, &id).await {
        Ok(nc) => Ok(
            Redirect::to(&format!("/w/{slug}/nonconformities/{}?flash=raised", nc.id))
                .into_response(),
        ),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let message = match e {
                AppError::Validation(v) => v.summary(),
                other => other.to_string(),
            };
            super::record::with_conflict(
                &s,
                &w,
                &aims_domain::record::FINDINGS,
                &id,
                format!("Not raised: {message}."),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
