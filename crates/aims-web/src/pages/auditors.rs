//! Auditor access on the pages: `/w/{ws}/settings/auditors` (managers)
//! invites an external auditor until a day — the private link shown once —
//! and shows the invitations and the access log of what auditors opened;
//! `/invite/{secret}` (no account yet) lets the invited person choose a
//! password.

use super::{render, Layout, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::input::PageForm;
use crate::AppState;
use aims_app::store::{AccessRow, InvitationRow};
use aims_app::{AppError, InvitationView, Scope};
use aims_domain::Action;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

pub fn routes() -> Vec<PageRoute> {
    use PageRequires::{Anyone, Workspace as W};
    vec![
        PageRoute::get("/w/{ws}/settings/auditors", W(Action::Administer), page),
        PageRoute::post("/w/{ws}/settings/auditors", W(Action::Administer), invite),
        PageRoute::get("/invite/{secret}", Anyone, invitation),
        PageRoute::post("/invite/{secret}", Anyone, accept),
    ]
}

/// Entries of the access log shown.
const LOG_SHOWN: i64 = 500;

#[derive(Template)]
#[template(path = "auditors.html")]
struct AuditorsPage {
    layout: Layout,
    slug: String,
    invitations: Vec<InvitationRow>,
    log: Vec<AccessRow>,
    /// The link of the invitation just made, shown once.
    link: Option<String>,
    /// Someone with an account, made a member at once.
    added: Option<String>,
    error: Option<String>,
}

async fn view(s: &AppState, w: &WsPage) -> Result<AuditorsPage, PageError> {
    let scope: &Scope = &w.scope;
    Ok(AuditorsPage {
        layout: Layout::new(&w.user, "settings").in_workspace(scope),
        slug: scope.workspace.slug.clone(),
        invitations: s.app.invitations(scope).await?,
        log: s.app.access_log(scope, LOG_SHOWN).await?,
        link: None,
        added: None,
        error: None,
    })
}

async fn page(State(s): State<AppState>, w: WsPage) -> Result<Response, PageError> {
    Ok(render(&view(&s, &w).await?))
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    expires_on: String,
}

async fn invite(
    State(s): State<AppState>,
    headers: axum::http::HeaderMap,
    w: WsPage,
    PageForm(f): PageForm<InviteForm>,
) -> Result<Response, PageError> {
    w.user.check_csrf(&f.csrf)?;
    match s
        .app
        .invite_auditor(&w.scope, &f.email, &f.name, &f.expires_on)
        .await
    {
        Ok(invited) => {
            // Rendered directly (not redirected) so the secret never sits in a URL.
            let mut page = view(&s, &w).await?;
            match invited.secret {
                Some(secret) => {
                    page.link = Some(format!("{}/invite/{secret}", super::origin(&headers)))
                }
                None => page.added = Some(invited.invitation.email),
            }
            Ok(render(&page))
        }
        Err(AppError::Validation(errors)) => {
            let mut page = view(&s, &w).await?;
            page.error = Some(errors.summary());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "invite.html")]
struct InvitePage {
    secret: String,
    i: Option<InvitationView>,
    error: Option<String>,
    done: bool,
}

/// The secret as it may be written back into the page: `inv_` and hex.
fn secret_of(raw: &str) -> String {
    let hex: String = raw
        .trim_start_matches("inv_")
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(64)
        .collect();
    format!("inv_{hex}")
}

async fn invitation(
    State(s): State<AppState>,
    Path(secret): Path<String>,
) -> Result<Response, PageError> {
    let i = s.app.invitation(&secret).await?;
    Ok(render(&InvitePage {
        secret: secret_of(&secret),
        i: Some(i),
        error: None,
        done: false,
    }))
}

#[derive(Deserialize)]
struct AcceptForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    again: String,
}

async fn accept(
    State(s): State<AppState>,
    Path(secret): Path<String>,
    PageForm(f): PageForm<AcceptForm>,
) -> Result<Response, PageError> {
    let i = s.app.invitation(&secret).await?;
    let refused = |message: String| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&InvitePage {
                secret: secret_of(&secret),
                i: Some(i.clone()),
                error: Some(message),
                done: false,
            }),
        )
            .into_response()
    };
    if f.password != f.again {
        return Ok(refused("the two passwords differ".into()));
    }
    match s.app.accept_invitation(&secret, &f.password).await {
        Ok(_) => Ok(render(&InvitePage {
            secret: String::new(),
            i: None,
            error: None,
            done: true,
        })),
        Err(AppError::Validation(e)) => Ok(refused(e.summary())),
        Err(e) => Err(e.into()),
    }
}
