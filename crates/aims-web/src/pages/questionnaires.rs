//! Supplier due-diligence questionnaires on the pages: the list and the
//! send form on a supplier's page (`POST /w/{ws}/suppliers/{id}/questionnaires`,
//! which shows the private answer link once), one questionnaire with its
//! answers and the forms that record answers and the review
//! (`/w/{ws}/questionnaires/{id}`), and the supplier's own answer form at
//! `/answer/{token}` (no account; nothing else of the workspace shown).

use super::intake::token_of;
use super::{form_value as first, render, Layout, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::input::PageForm;
use crate::AppState;
use aims_app::{AppError, Questionnaire, SendQuestionnaire, ToAnswer};
use aims_domain::questionnaire::{BUILT_IN_KEY, BUILT_IN_TITLE};
use aims_domain::record::SUPPLIERS;
use aims_domain::Action;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeMap;

pub fn routes() -> Vec<PageRoute> {
    use PageRequires::{Anyone, Workspace as W};
    vec![
        PageRoute::post(
            "/w/{ws}/suppliers/{id}/questionnaires",
            W(Action::Update),
            send,
        ),
        PageRoute::get("/w/{ws}/questionnaires/{id}", W(Action::Read), show),
        PageRoute::post(
            "/w/{ws}/questionnaires/{id}/answers",
            W(Action::Update),
            answers,
        ),
        PageRoute::post(
            "/w/{ws}/questionnaires/{id}/review",
            W(Action::Update),
            review,
        ),
        PageRoute::get("/answer/{token}", Anyone, answer_form),
        PageRoute::post("/answer/{token}", Anyone, answer_submit),
    ]
}

/// A supplier's questionnaires as its page shows them.
pub struct Questionnaires {
    pub items: Vec<Questionnaire>,
    pub can_send: bool,
    pub built_in_title: &'static str,
    pub built_in_key: &'static str,
    /// What the send form held when it was refused, and why.
    pub draft: SendQuestionnaire,
    pub error: Option<String>,
}

pub(super) async fn load(
    s: &AppState,
    scope: &aims_app::Scope,
    supplier_id: &str,
) -> Result<Questionnaires, PageError> {
    Ok(Questionnaires {
        items: s.app.questionnaires(scope, supplier_id).await?,
        can_send: scope.can(SUPPLIERS.access.update),
        built_in_title: BUILT_IN_TITLE,
        built_in_key: BUILT_IN_KEY,
        draft: SendQuestionnaire {
            template: BUILT_IN_KEY.into(),
            ..Default::default()
        },
        error: None,
    })
}

fn problems(e: &aims_domain::FieldErrors) -> String {
    e.iter()
        .map(|(f, m)| format!("{f}: {}", m.join("; ")))
        .collect::<Vec<_>>()
        .join(". ")
}

#[derive(Template)]
#[template(path = "questionnaire.html")]
struct QuestionnairePage {
    layout: Layout,
    slug: String,
    q: Questionnaire,
    supplier: String,
    can_edit: bool,
    /// The private answer link, right after sending (shown once).
    new_url: Option<String>,
    error: Option<String>,
}

async fn page(
    s: &AppState,
    w: &WsPage,
    q: Questionnaire,
    new_url: Option<String>,
    error: Option<String>,
) -> Result<QuestionnairePage, PageError> {
    let supplier = s.app.record(&w.scope, &SUPPLIERS, &q.supplier_id).await?;
    Ok(QuestionnairePage {
        layout: Layout::new(&w.user, SUPPLIERS.page).in_workspace(&w.scope),
        slug: w.scope.workspace.slug.clone(),
        supplier: supplier.title,
        can_edit: w.scope.can(SUPPLIERS.access.update),
        q,
        new_url,
        error,
    })
}

async fn send(
    State(s): State<AppState>,
    w: WsPage,
    headers: HeaderMap,
    Path((_, id)): Path<(String, String)>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    w.user.check_csrf(first(&f, "csrf"))?;
    let req = SendQuestionnaire {
        template: first(&f, "template").to_owned(),
        title: first(&f, "title").to_owned(),
        questions: first(&f, "questions").to_owned(),
        sent_to: first(&f, "sent_to").to_owned(),
        due_on: first(&f, "due_on").to_owned(),
    };
    match s.app.send_questionnaire(&w.scope, &id, &req).await {
        Ok(sent) => {
            let url = format!("{}{}", super::origin(&headers), sent.answer_path);
            Ok(render(
                &page(&s, &w, sent.questionnaire, Some(url), None).await?,
            ))
        }
        Err(AppError::Validation(e)) => {
            super::record::with_questionnaire_error(&s, &w, &id, req, problems(&e)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn show(
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let q = s.app.questionnaire(&w.scope, &id).await?;
    Ok(render(&page(&s, &w, q, None, None).await?))
}

/// `answer.<key>` fields of a form as answers by key.
fn answers_of(f: &[(String, String)]) -> BTreeMap<String, String> {
    f.iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("answer.")?.to_owned(), v.clone())))
        .collect()
}

async fn refused(s: &AppState, w: &WsPage, id: &str, e: AppError) -> Result<Response, PageError> {
    let (status, message) = match e {
        AppError::Validation(e) => (StatusCode::UNPROCESSABLE_ENTITY, problems(&e)),
        e @ AppError::Conflict { .. } => (StatusCode::CONFLICT, e.to_string()),
        e => return Err(e.into()),
    };
    let q = s.app.questionnaire(&w.scope, id).await?;
    Ok((status, render(&page(s, w, q, None, Some(message)).await?)).into_response())
}

async fn answers(
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    w.user.check_csrf(first(&f, "csrf"))?;
    match s.app.record_answers(&w.scope, &id, &answers_of(&f)).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/w/{}/questionnaires/{id}",
            w.scope.workspace.slug
        ))
        .into_response()),
        Err(e) => refused(&s, &w, &id, e).await,
    }
}

async fn review(
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    w.user.check_csrf(first(&f, "csrf"))?;
    match s
        .app
        .review_questionnaire(&w.scope, &id, first(&f, "conclusion"))
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/w/{}/questionnaires/{id}",
            w.scope.workspace.slug
        ))
        .into_response()),
        Err(e) => refused(&s, &w, &id, e).await,
    }
}

#[derive(Template)]
#[template(path = "answer.html")]
struct AnswerPage {
    token: String,
    q: Option<ToAnswer>,
    given: BTreeMap<String, String>,
    error: Option<String>,
    done: bool,
}

impl AnswerPage {
    fn given(&self, key: &str) -> &str {
        self.given.get(key).map_or("", String::as_str)
    }
}

async fn answer_form(
    State(s): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let q = s.app.questionnaire_to_answer(&token).await?;
    Ok(render(&AnswerPage {
        token: token_of(&token),
        q: Some(q),
        given: BTreeMap::new(),
        error: None,
        done: false,
    }))
}

async fn answer_submit(
    State(s): State<AppState>,
    Path(token): Path<String>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let given = answers_of(&f);
    let q = s.app.questionnaire_to_answer(&token).await?;
    match s.app.answer_questionnaire(&token, &given).await {
        Ok(()) => Ok(render(&AnswerPage {
            token: String::new(),
            q: None,
            given: BTreeMap::new(),
            error: None,
            done: true,
        })),
        Err(AppError::Validation(e)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&AnswerPage {
                token: token_of(&token),
                q: Some(q),
                given,
                error: Some(
                    e.iter()
                        .map(|(_, m)| m.join("; "))
                        .collect::<Vec<_>>()
                        .join(". "),
                ),
                done: false,
            }),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
