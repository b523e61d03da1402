//! The daily e-mail digest: its log for instance administrators (who got
//! what, which failed) and each member's switch (on their My work page).

use super::{render, Layout, PageError, PageRequires, PageRoute};
use crate::auth::{PageAdmin, PageUser};
use crate::input::PageForm;
use crate::AppState;
use aims_app::{AppError, DigestLog};
use aims_domain::Slug;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// Days and messages listed on the log page.
const LOG_ROWS: i64 = 200;

pub fn routes() -> Vec<PageRoute> {
    use PageRequires::*;
    vec![
        PageRoute::get("/admin/digests", Admin, log),
        PageRoute::post("/me/digest", SignedIn, switch),
    ]
}

#[derive(Template)]
#[template(path = "digests.html")]
struct LogPage {
    layout: Layout,
    log: DigestLog,
}

async fn log(State(s): State<AppState>, PageAdmin(user): PageAdmin) -> Result<Response, PageError> {
    let log = s.app.digest_log(&user.principal, LOG_ROWS).await?;
    Ok(render(&LogPage {
        layout: Layout::new(&user, "admin"),
        log,
    }))
}

#[derive(Deserialize)]
struct SwitchForm {
    #[serde(default)]
    csrf: String,
    /// `on` or `off`.
    #[serde(default)]
    receive: String,
    /// The workspace whose My work page to go back to.
    #[serde(default)]
    ws: String,
}

async fn switch(
    State(s): State<AppState>,
    user: PageUser,
    PageForm(f): PageForm<SwitchForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let receive = match f.receive.as_str() {
        "on" => true,
        "off" => false,
        _ => return Err(AppError::field("receive", "must be on or off").into()),
    };
    s.app.set_receives_digest(&user.principal, receive).await?;
    // Back to a My work page; a slug that is not one goes home.
    let back = match Slug::parse(&f.ws) {
        Ok(slug) => format!("/w/{}/work", slug.as_str()),
        Err(_) => "/".to_owned(),
    };
    Ok(Redirect::to(&back).into_response())
}
