//! AI system impact assessments:
//! `/api/v1/workspaces/{workspace}/impact-assessments` (every system's status)
//! and `/api/v1/workspaces/{workspace}/systems/{id}/impact-assessment…` (one
//! system's versions: save, read, submit, send back, approve), plus the
//! questionnaire.

use super::ApiJson;
use crate::auth::{InWorkspace, RecordId, VersionNumber};
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_app::{ImpactStatus, ImpactVersion};
use aims_domain::impact::{ImpactAssessment, ImpactState, QUESTIONS, SECTIONS};
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(statuses))
        .routes(routes!(questionnaire))
        .routes(routes!(get_assessment, save_assessment))
        .routes(routes!(get_version))
        .routes(routes!(submit))
        .routes(routes!(send_back))
        .routes(routes!(approve))
}

/// Where a system stands with its impact assessment.
#[derive(Serialize, ToSchema)]
pub struct StatusOut {
    system_id: String,
    system_name: String,
    eu_ai_act_tier: Option<String>,
    /// True when the EU AI Act Art. 27 fields are required (deployer of a high-risk system).
    fria_required: bool,
    /// The latest version's number; absent when never assessed.
    latest_version: Option<i64>,
    /// `draft`, `in_review` or `approved`; absent when never assessed.
    latest_state: Option<String>,
    /// The latest approved version.
    approved_version: Option<i64>,
    approved_at: Option<String>,
    reassess_on: Option<String>,
    /// Why the approved version no longer fits the system (`purpose_changed`,
    /// `stage_changed`, `tier_changed` with `from`/`to`).
    #[schema(value_type = Vec<Object>)]
    reasons: Value,
    /// True on and after `reassess_on`.
    overdue: bool,
    /// True when the system needs (another) approved assessment.
    needs_assessment: bool,
}

impl From<ImpactStatus> for StatusOut {
    fn from(s: ImpactStatus) -> Self {
        StatusOut {
            needs_assessment: s.needs_assessment(),
            reasons: json!(s.reasons),
            system_id: s.system_id,
            system_name: s.system_name,
            eu_ai_act_tier: s.eu_ai_act_tier,
            fria_required: s.fria_required,
            latest_version: s.latest.map(|l| l.0),
            latest_state: s.latest.map(|l| l.1.key().to_owned()),
            approved_version: s.approved,
            approved_at: s.approved_at,
            reassess_on: s.reassess_on,
            overdue: s.overdue,
        }
    }
}

/// One version of an impact assessment.
#[derive(Serialize, ToSchema)]
pub struct VersionOut {
    system_id: String,
    system_name: String,
    number: i64,
    /// `draft`, `in_review` or `approved`.
    state: String,
    /// Send it back with the next save or move.
    revision: i64,
    /// `answers` (question id → answer), `impacts` (`area`, `description`,
    /// `affected`, `severity` 1–4, `likelihood` 1–4, `mitigations`), `fria`
    /// (EU AI Act Art. 27 fields), `reviewers` (member ids), `reassess_on`.
    #[schema(value_type = Object)]
    assessment: Value,
    /// The rating of each impact (`low`, `medium`, `high`, `very_high`), in order.
    #[schema(value_type = Vec<String>)]
    ratings: Value,
    fria_required: bool,
    created_at: String,
    created_by: String,
    updated_at: String,
    updated_by: String,
    submitted_at: Option<String>,
    submitted_by: Option<String>,
    approved_at: Option<String>,
    approved_by: Option<String>,
    note: String,
}

impl From<ImpactVersion> for VersionOut {
    fn from(v: ImpactVersion) -> Self {
        VersionOut {
            assessment: json!(v.assessment),
            ratings: json!(v.ratings),
            state: v.state.key().to_owned(),
            system_id: v.system_id,
            system_name: v.system_name,
            number: v.number,
            revision: v.revision,
            fria_required: v.fria_required,
            created_at: v.created_at,
            created_by: v.created_by,
            updated_at: v.updated_at,
            updated_by: v.updated_by,
            submitted_at: v.submitted_at,
            submitted_by: v.submitted_by,
            approved_at: v.approved_at,
            approved_by: v.approved_by,
            note: v.note,
        }
    }
}

/// A system's status and every version of its assessment, newest first.
#[derive(Serialize, ToSchema)]
pub struct AssessmentOut {
    status: StatusOut,
    versions: Vec<VersionOut>,
}

/// The version and revision an edit was made on.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BasedOn {
    number: i64,
    revision: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveIn {
    /// The whole assessment (as `assessment` in a version).
    #[schema(value_type = Object)]
    assessment: ImpactAssessment,
    /// The latest version and revision you read; when it moved on, 409.
    #[serde(default)]
    based_on: Option<BasedOn>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveIn {
    /// The version's revision you read; when it moved on, 409.
    revision: i64,
    /// Kept with the version and in the history.
    #[serde(default)]
    note: String,
}

type Res<T> = Result<Json<T>, ApiError>;

/// Every AI system with where it stands on its impact assessment.
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/impact-assessments", tag = "impact",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = Vec<StatusOut>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn statuses(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
) -> Res<Vec<StatusOut>> {
    let all = s.app.impact_statuses(&ws).await?;
    Ok(Json(all.into_iter().map(StatusOut::from).collect()))
}

/// The impact assessment questionnaire: sections and questions with stable ids.
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/impact-assessments/questionnaire", tag = "impact",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn questionnaire(InWorkspace(ws): InWorkspace) -> Res<Value> {
    ws.require(aims_domain::Action::Read)
        .map_err(ApiError::from)?;
    Ok(Json(json!({"sections": SECTIONS, "questions": QUESTIONS})))
}

/// A system's impact assessment: its status and every version, newest first.
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/systems/{id}/impact-assessment", tag = "impact",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "System id")),
    responses((status = 200, body = AssessmentOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_assessment(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Res<AssessmentOut> {
    let (status, versions) = s.app.impact_assessment(&ws, &id).await?;
    Ok(Json(AssessmentOut {
        status: status.into(),
        versions: versions.into_iter().map(VersionOut::from).collect(),
    }))
}

/// Saves a system's impact assessment: the first version, the draft in
/// place, or — when the latest is approved — a new version (the approved
/// one stays as it is). Refused (409) while in review.
#[utoipa::path(put, path = "/api/v1/workspaces/{workspace}/systems/{id}/impact-assessment", tag = "impact",
    request_body = SaveIn,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "System id")),
    responses((status = 200, body = VersionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn save_assessment(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiJson(body): ApiJson<SaveIn>,
) -> Res<VersionOut> {
    let based_on = body.based_on.map(|b| (b.number, b.revision));
    Ok(Json(
        s.app
            .save_impact(&ws, &id, based_on, body.assessment)
            .await?
            .into(),
    ))
}

/// One version of a system's impact assessment (an approved one never changes).
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/systems/{id}/impact-assessment/versions/{number}", tag = "impact",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "System id"),
           ("number" = i64, Path, description = "Version number, from 1")),
    responses((status = 200, body = VersionOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_version(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    VersionNumber(number): VersionNumber,
) -> Res<VersionOut> {
    Ok(Json(s.app.impact_version(&ws, &id, number).await?.into()))
}

async fn move_to(
    s: AppState,
    ws: aims_app::Scope,
    id: String,
    number: i64,
    body: MoveIn,
    to: ImpactState,
) -> Res<VersionOut> {
    Ok(Json(
        s.app
            .move_impact(&ws, &id, number, body.revision, to, &body.note)
            .await?
            .into(),
    ))
}

/// Submits the latest version for review (every question must be answered,
/// and the Art. 27 fields filled in when required).
#[utoipa::path(post, path = "/api/v1/workspaces/{workspace}/systems/{id}/impact-assessment/versions/{number}/submit", tag = "impact",
    request_body = MoveIn,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "System id"),
           ("number" = i64, Path, description = "Version number, from 1")),
    responses((status = 200, body = VersionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn submit(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    VersionNumber(number): VersionNumber,
    ApiJson(body): ApiJson<MoveIn>,
) -> Res<VersionOut> {
    move_to(s, ws, id, number, body, ImpactState::InReview).await
}

/// Sends a version in review back to draft (a reviewer's objection, or the
/// author withdrawing it).
#[utoipa::path(post, path = "/api/v1/workspaces/{workspace}/systems/{id}/impact-assessment/versions/{number}/return", tag = "impact",
    request_body = MoveIn,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "System id"),
           ("number" = i64, Path, description = "Version number, from 1")),
    responses((status = 200, body = VersionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn send_back(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    VersionNumber(number): VersionNumber,
    ApiJson(body): ApiJson<MoveIn>,
) -> Res<VersionOut> {
    move_to(s, ws, id, number, body, ImpactState::Draft).await
}

/// Approves the version in review (managers); from then on it never changes.
#[utoipa::path(post, path = "/api/v1/workspaces/{workspace}/systems/{id}/impact-assessment/versions/{number}/approve", tag = "impact",
    request_body = MoveIn,
    extensions(("x-aims-requires" = json!("approve"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "System id"),
           ("number" = i64, Path, description = "Version number, from 1")),
    responses((status = 200, body = VersionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn approve(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    VersionNumber(number): VersionNumber,
    ApiJson(body): ApiJson<MoveIn>,
) -> Res<VersionOut> {
    move_to(s, ws, id, number, body, ImpactState::Approved).await
}
