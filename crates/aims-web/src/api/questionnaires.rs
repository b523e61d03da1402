//! Supplier due-diligence questionnaires:
//! `/api/v1/workspaces/{workspace}/suppliers/{id}/questionnaires` (send,
//! list) and `/questionnaires/{id}` (read, record answers, review), plus
//! the built-in questions. The supplier answers through the private link
//! a send returns (`/answer/{secret}`, a page: no account needed).

use super::ApiJson;
use crate::auth::{InWorkspace, RecordId};
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_app::SendQuestionnaire;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, send))
        .routes(routes!(one))
        .routes(routes!(answers))
        .routes(routes!(review))
        .routes(routes!(built_in))
}

type Res = Result<Json<Value>, ApiError>;

/// A supplier's questionnaires, newest first, with their answers.
#[utoipa::path(operation_id = "questionnaires_list", get, path = "/api/v1/workspaces/{workspace}/suppliers/{id}/questionnaires", tag = "suppliers",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Supplier id")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Res {
    Ok(Json(
        json!({ "items": s.app.questionnaires(&ws, &id).await? }),
    ))
}

/// A questionnaire to send.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"template": "ai-supplier", "sent_to": "compliance@vendor.example", "due_on": "2099-12-31"}))]
pub struct QuestionnaireSendIn {
    /// `ai-supplier` (the built-in AI supplier questions, the default) or `custom`.
    #[serde(default)]
    template: String,
    /// A title; the built-in questionnaire's by default.
    #[serde(default)]
    title: String,
    /// For `custom`: the questions, one per line (at most 60).
    #[serde(default)]
    questions: String,
    /// Who it goes to at the supplier: a name or an e-mail address.
    #[serde(default)]
    sent_to: String,
    /// The day answers are due, `YYYY-MM-DD`, not before today.
    #[serde(default)]
    due_on: String,
}

/// Sends a questionnaire to a supplier: returns it with `answer_path`,
/// the private link (shown this once) to give the supplier's contact.
/// Until answered, the supplier has a dated duty in the sender's work list.
#[utoipa::path(operation_id = "questionnaires_send", post, path = "/api/v1/workspaces/{workspace}/suppliers/{id}/questionnaires", tag = "suppliers",
    request_body = QuestionnaireSendIn,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Supplier id")),
    responses((status = 201, body = Object), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn send(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiJson(b): ApiJson<QuestionnaireSendIn>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let req = SendQuestionnaire {
        template: b.template,
        title: b.title,
        questions: b.questions,
        sent_to: b.sent_to,
        due_on: b.due_on,
    };
    let sent = s.app.send_questionnaire(&ws, &id, &req).await?;
    Ok((StatusCode::CREATED, Json(json!(sent))))
}

/// One questionnaire: its questions, state and answers.
#[utoipa::path(operation_id = "questionnaires_get", get, path = "/api/v1/workspaces/{workspace}/questionnaires/{id}", tag = "suppliers",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Questionnaire id")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn one(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Res {
    Ok(Json(json!(s.app.questionnaire(&ws, &id).await?)))
}

/// Answers recorded from the supplier's reply.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"answers": {"offering": "A hosted language model API", "customer_data": "Not used for training; opt-out by contract"}}))]
pub struct QuestionnaireAnswersIn {
    /// Answer text by question key (see the questionnaire's `questions`).
    answers: BTreeMap<String, String>,
}

/// Records the supplier's answers (once: they are then kept as given, and
/// the answer link closes). 409 when answered already.
#[utoipa::path(operation_id = "questionnaires_answers", put, path = "/api/v1/workspaces/{workspace}/questionnaires/{id}/answers", tag = "suppliers",
    request_body = QuestionnaireAnswersIn,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Questionnaire id")),
    responses((status = 200, body = Object), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn answers(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiJson(b): ApiJson<QuestionnaireAnswersIn>,
) -> Res {
    Ok(Json(json!(
        s.app.record_answers(&ws, &id, &b.answers).await?
    )))
}

/// The review of the answers.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"conclusion": "Acceptable: contract clause on training data added"}))]
pub struct QuestionnaireReviewIn {
    /// What the answers mean for the supplier's risk.
    conclusion: String,
}

/// Records the review of an answered questionnaire, with its conclusion.
/// 409 before it is answered or once reviewed.
#[utoipa::path(operation_id = "questionnaires_review", post, path = "/api/v1/workspaces/{workspace}/questionnaires/{id}/review", tag = "suppliers",
    request_body = QuestionnaireReviewIn,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Questionnaire id")),
    responses((status = 200, body = Object), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn review(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiJson(b): ApiJson<QuestionnaireReviewIn>,
) -> Res {
    Ok(Json(json!(
        s.app.review_questionnaire(&ws, &id, &b.conclusion).await?
    )))
}

/// The built-in AI supplier questionnaire's questions.
#[utoipa::path(operation_id = "questionnaires_built_in", get, path = "/api/v1/workspaces/{workspace}/questionnaires/built-in", tag = "suppliers",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn built_in(InWorkspace(ws): InWorkspace) -> Res {
    ws.require(aims_domain::Action::Read)?;
    Ok(Json(json!({
        "key": aims_domain::questionnaire::BUILT_IN_KEY,
        "title": aims_domain::questionnaire::BUILT_IN_TITLE,
        "questions": aims_domain::questionnaire::built_in(),
    })))
}
