//! A document's text (`/w/{ws}/documents/{id}/text`): the published
//! version rendered (Markdown, sanitised), the draft in an editor with a
//! live preview, the versions, the moves through review, approval,
//! publication and retirement, and acknowledgements — plus the templates a
//! workspace adopts (`/w/{ws}/document-templates`).

use super::{form_value as first, render, when, Layout, PageError, PageRequires, PageRoute, When};
use crate::auth::WsPage;
use crate::input::PageForm;
use crate::AppState;
use aims_app::{AppError, DocVersion, DocumentTemplate};
use aims_domain::document::{transition, DocState};
use aims_domain::record::DOCUMENTS;
use aims_domain::{Action, Role};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

pub fn routes() -> Vec<PageRoute> {
    use PageRequires::Workspace as W;
    vec![
        PageRoute::get("/w/{ws}/documents/{id}/text", W(Action::Read), page),
        PageRoute::post("/w/{ws}/documents/{id}/text", W(Action::Update), save),
        PageRoute::post(
            "/w/{ws}/documents/{id}/move",
            W(Action::Update),
            move_version,
        ),
        PageRoute::post(
            "/w/{ws}/documents/{id}/acknowledge",
            W(Action::Read),
            acknowledge,
        ),
        PageRoute::post("/w/{ws}/document-preview", W(Action::Read), preview),
        PageRoute::get("/w/{ws}/document-templates", W(Action::Read), templates),
        PageRoute::post("/w/{ws}/document-templates/{key}", W(Action::Create), adopt),
    ]
}

struct VersionLine {
    number: i64,
    state: &'static str,
    at: When,
    by: String,
    note: String,
}

/// A move offered on the latest version: (target state key, button label).
type Offer = (&'static str, &'static str);

#[derive(Template)]
#[template(path = "document_text.html")]
struct TextPage {
    layout: Layout,
    slug: String,
    id: String,
    title: String,
    /// The published version, rendered.
    published: Option<(i64, String)>,
    /// The latest version when it is not the published one.
    latest: Option<(i64, &'static str, String)>,
    versions: Vec<VersionLine>,
    /// The text in the editor and where it starts from (`number.revision`).
    draft: String,
    based_on: String,
    editing_starts_new: bool,
    in_review: bool,
    offers: Vec<Offer>,
    latest_number: i64,
    latest_revision: i64,
    can_edit: bool,
    can_acknowledge: bool,
    acknowledged: Vec<(String, String)>,
    pending: Vec<String>,
    problem: Option<String>,
}

#[derive(serde::Deserialize, Default)]
struct TextQuery {
    #[serde(default)]
    flash: String,
}

fn flash(key: &str) -> Option<String> {
    Some(
        match key {
            "saved" => "The text is saved.",
            "moved" => "The version moved on.",
            "acknowledged" => "Thank you: your acknowledgement is recorded.",
            "adopted" => "The template is adopted: edit its first draft below.",
            _ => return None,
        }
        .to_owned(),
    )
}

async fn view(
    s: &AppState,
    w: &WsPage,
    id: &str,
    flash_key: &str,
    edited: Option<String>,
    problem: Option<String>,
) -> Result<TextPage, PageError> {
    let scope = &w.scope;
    let doc = s.app.record(scope, &DOCUMENTS, id).await?;
    let versions: Vec<DocVersion> = s.app.document_versions(scope, id).await?;
    let acks = s.app.document_acknowledgements(scope, id).await?;
    let published = versions
        .iter()
        .find(|v| v.state == DocState::Published)
        .map(|v| (v.number, crate::markdown::render(&v.markdown)));
    let latest = versions.first();
    let role = scope.role.unwrap_or(Role::Auditor);
    let offers: Vec<Offer> = latest
        .map(|l| {
            [
                ("in_review", "Submit for review"),
                ("draft", "Send back to draft"),
                ("approved", "Approve"),
                ("published", "Publish"),
                ("retired", "Retire"),
            ]
            .into_iter()
            .filter(|(k, _)| {
                DocState::from_key(k).is_some_and(|to| transition(l.state, to, role).is_ok())
            })
            .collect()
        })
        .unwrap_or_default();
    let me = scope.principal.label.to_lowercase();
    Ok(TextPage {
        layout: Layout::new(&w.user, "documents")
            .in_workspace(scope)
            .flash(flash(flash_key)),
        slug: scope.workspace.slug.clone(),
        id: doc.id.clone(),
        title: doc.title.clone(),
        latest: latest.filter(|l| l.state != DocState::Published).map(|l| {
            (
                l.number,
                l.state.label(),
                crate::markdown::render(&l.markdown),
            )
        }),
        published,
        versions: versions
            .iter()
            .map(|v| VersionLine {
                number: v.number,
                state: v.state.label(),
                at: when(&v.updated_at),
                by: v.updated_by.clone(),
                note: v.note.clone(),
            })
            .collect(),
        draft: edited.unwrap_or_else(|| latest.map(|l| l.markdown.clone()).unwrap_or_default()),
        based_on: latest.map_or(String::new(), |l| format!("{}.{}", l.number, l.revision)),
        editing_starts_new: latest.is_some_and(|l| l.state.is_fixed()),
        in_review: latest.is_some_and(|l| l.state == DocState::InReview),
        offers,
        latest_number: latest.map_or(0, |l| l.number),
        latest_revision: latest.map_or(0, |l| l.revision),
        can_edit: scope.can(Action::Update),
        can_acknowledge: acks.number.is_some()
            && scope.principal.user_id().is_some()
            && !acks
                .acknowledged
                .iter()
                .any(|(e, _)| e.to_lowercase() == me),
        acknowledged: acks
            .acknowledged
            .into_iter()
            .map(|(e, at)| (e, super::when(&at).short))
            .collect(),
        pending: acks.pending,
        problem,
    })
}

async fn page(
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
    Query(q): Query<TextQuery>,
) -> Result<Response, PageError> {
    Ok(render(&view(&s, &w, &id, &q.flash, None, None).await?))
}

fn back(w: &WsPage, id: &str, flash: &str) -> Response {
    Redirect::to(&format!(
        "/w/{}/documents/{id}/text?flash={flash}",
        w.scope.workspace.slug
    ))
    .into_response()
}

/// The page again with what went wrong: 409 for a conflict, else 422.
async fn refused(
    s: &AppState,
    w: &WsPage,
    id: &str,
    edited: Option<String>,
    e: AppError,
) -> Result<Response, PageError> {
    let (status, message) = match e {
        AppError::Validation(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            errors
                .iter()
                .map(|(f, m)| format!("{f}: {}", m.join("; ")))
                .collect::<Vec<_>>()
                .join(". "),
        ),
        AppError::Conflict { message, .. } => (StatusCode::CONFLICT, message),
        e => return Err(e.into()),
    };
    let v = view(s, w, id, "", edited, Some(message)).await?;
    Ok((status, render(&v)).into_response())
}

/// `number.revision` as the form carries it.
fn based_on(form: &[(String, String)]) -> Option<(i64, i64)> {
    let (n, r) = first(form, "based_on").split_once('.')?;
    Some((n.parse().ok()?, r.parse().ok()?))
}

async fn save(
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    w.user.check_csrf(first(&form, "csrf"))?;
    let text = first(&form, "markdown").replace("\r\n", "\n");
    match s
        .app
        .save_document_text(&w.scope, &id, based_on(&form), &text)
        .await
    {
        Ok(_) => Ok(back(&w, &id, "saved")),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            refused(&s, &w, &id, Some(text), e).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn move_version(
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    w.user.check_csrf(first(&form, "csrf"))?;
    let (Ok(number), Ok(revision), Some(to)) = (
        first(&form, "number").parse::<i64>(),
        first(&form, "revision").parse::<i64>(),
        DocState::from_key(first(&form, "to")).filter(|t| *t != DocState::Superseded),
    ) else {
        return Err(AppError::field("to", "reload the page and try again").into());
    };
    match s
        .app
        .move_document(&w.scope, &id, number, revision, to, first(&form, "note"))
        .await
    {
        Ok(_) => Ok(back(&w, &id, "moved")),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            refused(&s, &w, &id, None, e).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn acknowledge(
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    w.user.check_csrf(first(&form, "csrf"))?;
    match s.app.acknowledge_document(&w.scope, &id).await {
        Ok(_) => Ok(back(&w, &id, "acknowledged")),
        Err(e @ AppError::Conflict { .. }) => refused(&s, &w, &id, None, e).await,
        Err(e) => Err(e.into()),
    }
}

/// The live preview: the Markdown posted, rendered and sanitised (an
/// htmx fragment; nothing is stored).
async fn preview(
    w: WsPage,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    w.user.check_csrf(first(&form, "csrf"))?;
    let text = first(&form, "markdown");
    if let Err(m) = aims_domain::document::check_text(text) {
        return Err(AppError::field("markdown", m).into());
    }
    Ok(Html(crate::markdown::render(text)).into_response())
}

#[derive(Template)]
#[template(path = "document_templates.html")]
struct TemplatesPage {
    layout: Layout,
    slug: String,
    templates: &'static [DocumentTemplate],
    can_adopt: bool,
}

async fn templates(w: WsPage) -> Result<Response, PageError> {
    Ok(render(&TemplatesPage {
        layout: Layout::new(&w.user, "documents").in_workspace(&w.scope),
        slug: w.scope.workspace.slug.clone(),
        templates: &aims_app::TEMPLATES,
        can_adopt: w.scope.can(Action::Create),
    }))
}

async fn adopt(
    State(s): State<AppState>,
    w: WsPage,
    Path((_, key)): Path<(String, String)>,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    w.user.check_csrf(first(&form, "csrf"))?;
    let doc = s.app.adopt_template(&w.scope, &key).await?;
    Ok(back(&w, &doc.id, "adopted"))
}
