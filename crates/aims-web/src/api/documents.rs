//! The text of documents: `/api/v1/workspaces/{workspace}/documents/{id}/…`
//! — versions (Markdown and its sanitised HTML), saving the draft, moving a
//! version through review, approval, publication and retirement, who
//! acknowledged the published version (people acknowledge on the page) —
//! and the templates a workspace adopts.

use super::ApiJson;
use crate::auth::{InWorkspace, RecordId, TemplateKey, VersionNumber};
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_app::DocVersion;
use aims_domain::document::DocState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(versions))
        .routes(routes!(version))
        .routes(routes!(save_text))
        .routes(routes!(move_version))
        .routes(routes!(acknowledgements))
        .routes(routes!(templates))
        .routes(routes!(adopt))
}

type Res = Result<Json<Value>, ApiError>;

/// A version with its text rendered as sanitised HTML.
fn with_html(v: &DocVersion) -> Value {
    let mut out = json!(v);
    out["html"] = json!(crate::markdown::render(&v.markdown));
    out
}

/// Every version of the document's text, newest first (`number`, `state`:
/// draft, in_review, approved, published, superseded or retired,
/// `revision`, `markdown`, who and when).
#[utoipa::path(operation_id = "documents_versions", get, path = "/api/v1/workspaces/{workspace}/documents/{id}/versions", tag = "documents",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Document id")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn versions(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Res {
    Ok(Json(
        json!({ "versions": s.app.document_versions(&ws, &id).await? }),
    ))
}

/// One version, with `html`: its Markdown rendered and sanitised (no
/// script, no event attributes, no `javascript:` links).
#[utoipa::path(operation_id = "documents_version", get, path = "/api/v1/workspaces/{workspace}/documents/{id}/versions/{number}", tag = "documents",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Document id"),
           ("number" = i64, Path, description = "Version number, from 1")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn version(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    VersionNumber(number): VersionNumber,
) -> Res {
    Ok(Json(with_html(
        &s.app.document_version(&ws, &id, number).await?,
    )))
}

/// Where a save starts from.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocBasedOn {
    number: i64,
    revision: i64,
}

/// New text for the document.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocTextIn {
    /// The version and revision you read; when it moved on, 409.
    #[serde(default)]
    based_on: Option<DocBasedOn>,
    /// The whole text, Markdown (at most 200,000 characters).
    markdown: String,
}

/// Saves the text: the draft in place, or — when the latest version is
/// approved, published, superseded or retired — the next version as a
/// draft (the approved text never changes). 409 while in review.
#[utoipa::path(operation_id = "documents_save_text", put, path = "/api/v1/workspaces/{workspace}/documents/{id}/text", tag = "documents",
    request_body = DocTextIn,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Document id")),
    responses((status = 200, body = Object), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn save_text(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiJson(body): ApiJson<DocTextIn>,
) -> Res {
    let v = s
        .app
        .save_document_text(
            &ws,
            &id,
            body.based_on.map(|b| (b.number, b.revision)),
            &body.markdown,
        )
        .await?;
    Ok(Json(with_html(&v)))
}

/// A move of a version.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocMoveIn {
    /// The version's revision you read; when it moved on, 409.
    revision: i64,
    /// `in_review`, `draft` (send back), `approved`, `published` or `retired`.
    to: String,
    /// Kept with the version and in the history.
    #[serde(default)]
    note: String,
}

/// Moves the latest version: submit for review or send back (contributors),
/// approve, publish or retire (managers). Publishing supersedes the version
/// published before. A move that does not exist is 409 saying why.
#[utoipa::path(operation_id = "documents_move", post, path = "/api/v1/workspaces/{workspace}/documents/{id}/versions/{number}/move", tag = "documents",
    request_body = DocMoveIn,
    extensions(("x-aims-requires" = json!("update"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Document id"),
           ("number" = i64, Path, description = "Version number, from 1")),
    responses((status = 200, body = Object), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn move_version(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    VersionNumber(number): VersionNumber,
    ApiJson(body): ApiJson<DocMoveIn>,
) -> Res {
    let to = DocState::from_key(body.to.trim())
        .filter(|s| *s != DocState::Superseded)
        .ok_or_else(|| {
            aims_app::AppError::field(
                "to",
                "must be one of: in_review, draft, approved, published, retired",
            )
        })?;
    let v = s
        .app
        .move_document(&ws, &id, number, body.revision, to, &body.note)
        .await?;
    Ok(Json(with_html(&v)))
}

/// Who acknowledged the published version (`acknowledged`: e-mail and
/// when) and who of those asked to read it has not (`pending`).
#[utoipa::path(operation_id = "documents_acknowledgements", get, path = "/api/v1/workspaces/{workspace}/documents/{id}/acknowledgements", tag = "documents",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Document id")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn acknowledgements(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Res {
    Ok(Json(json!(
        s.app.document_acknowledgements(&ws, &id).await?
    )))
}

/// The document templates aims ships, in its own words: `key`, `title`,
/// `type`, the clauses and controls each helps satisfy, its review cycle,
/// a summary and the Markdown.
#[utoipa::path(operation_id = "documents_templates", get, path = "/api/v1/workspaces/{workspace}/document-templates", tag = "documents",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn templates(InWorkspace(ws): InWorkspace) -> Res {
    ws.require(aims_domain::Action::Read)?;
    Ok(Json(json!({ "templates": *aims_app::TEMPLATES })))
}

/// Adopts a template: a new document (type, review cycle and next review
/// from the template) whose first draft is the template's text with the
/// organisation's name filled in, linked to what it satisfies.
#[utoipa::path(operation_id = "documents_adopt_template", post, path = "/api/v1/workspaces/{workspace}/document-templates/{key}/adopt", tag = "documents",
    extensions(("x-aims-requires" = json!("create"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("key" = String, Path, description = "Template key")),
    responses((status = 201, body = Object), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn adopt(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    TemplateKey(key): TemplateKey,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let doc = s.app.adopt_template(&ws, &key).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": doc.id, "title": doc.title, "version": doc.version})),
    ))
}
