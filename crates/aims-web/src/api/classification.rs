//! `/api/v1/workspaces/{workspace}/systems/{id}/classification`: a system's
//! EU AI Act classification (answers to the questionnaire in, tier and
//! reasoning out), kept as versions.

use super::ApiJson;
use crate::auth::{InWorkspace, RecordId};
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_app::ClassificationView;
use aims_domain::eu_ai_act::Answers;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_classification, classify))
}

#[derive(Deserialize, ToSchema)]
pub struct ClassificationIn {
    /// Question id (from `GET /api/v1/catalog/eu-ai-act/questionnaire`) →
    /// answer: `true`/`false`, an option id, a list of option ids, a number,
    /// or `null` for not answered yet.
    #[schema(value_type = Object)]
    answers: std::collections::BTreeMap<String, serde_json::Value>,
}

/// A classification and what follows from it.
#[derive(Serialize, ToSchema)]
pub struct ClassificationOut {
    system_id: String,
    /// Grows by one with every new answer set.
    version: i64,
    #[schema(value_type = Object)]
    answers: serde_json::Value,
    /// Operator roles, risk tier (with its basis), Art. 50 duties, general-purpose
    /// model class, the reasoning step by step with the article behind each step,
    /// obligation articles, and the questions still `missing`.
    #[schema(value_type = Object)]
    result: serde_json::Value,
    /// The articles whose obligations follow, with titles and application dates.
    #[schema(value_type = Vec<Object>)]
    obligations: serde_json::Value,
    /// True when the system's purpose changed since: classify it again.
    needs_review: bool,
    classified_at: String,
    classified_by: String,
}

impl From<ClassificationView> for ClassificationOut {
    fn from(v: ClassificationView) -> Self {
        ClassificationOut {
            system_id: v.system_id,
            version: v.version,
            answers: v.answers,
            result: serde_json::to_value(&v.result).unwrap_or_default(),
            obligations: serde_json::to_value(&v.obligations).unwrap_or_default(),
            needs_review: v.needs_review,
            classified_at: v.classified_at,
            classified_by: v.classified_by,
        }
    }
}

/// The latest EU AI Act classification of an AI system.
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/systems/{id}/classification", tag = "systems",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "System id")),
    responses((status = 200, body = ClassificationOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_classification(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<Json<ClassificationOut>, ApiError> {
    Ok(Json(s.app.system_classification(&ws, &id).await?.into()))
}

/// Classifies an AI system under the EU AI Act from questionnaire answers
/// (managers, contributors); keeps the answers as a new version.
#[utoipa::path(put, path = "/api/v1/workspaces/{workspace}/systems/{id}/classification", tag = "systems",
    request_body = ClassificationIn,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "System id")),
    responses((status = 200, body = ClassificationOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn classify(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiJson(body): ApiJson<ClassificationIn>,
) -> Result<Json<ClassificationOut>, ApiError> {
    let answers = Answers {
        answers: body.answers,
    };
    Ok(Json(
        s.app.classify_system(&ws, &id, &answers).await?.into(),
    ))
}
