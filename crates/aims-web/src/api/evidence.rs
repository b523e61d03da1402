//! Evidence files: `/api/v1/workspaces/{workspace}/evidence/push` (one
//! multipart request per push: the files, streamed into the blob store as
//! they arrive, and what they are evidence for), a new version of an item
//! (`…/evidence/{id}/files`), an item with its versions, a download (always
//! an attachment, never sniffed) and the reviewer's verdict. Items
//! themselves (list, fields, links) are on the record path.

use super::ApiJson;
use crate::auth::{InWorkspace, RecordId, VersionNumber};
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_app::{Push, PushedFile};
use aims_domain::evidence::{file_name, previewable, CiRun};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(
            // Files are streamed to storage, bounded by `max_upload_bytes`.
            OpenApiRouter::new()
                .routes(routes!(push))
                .routes(routes!(item, add_files))
                .layer(DefaultBodyLimit::disable()),
        )
        .routes(routes!(download))
        .routes(routes!(preview))
        .routes(routes!(review))
        .routes(routes!(requirement_evidence))
}

/// The parts of a push (`multipart/form-data`). Every part but `file` is text.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PushForm {
    /// One or more files (repeat the part); each becomes a version.
    #[schema(value_type = Vec<String>, format = Binary)]
    file: Vec<Vec<u8>>,
    /// The new item's title (default: the first file's name).
    title: Option<String>,
    description: Option<String>,
    /// A catalogue control or clause requirement it is evidence for
    /// (`A.6.2.4`, `9.2.2` or `iso42001:A.6.2.4`); repeat for several.
    control: Option<Vec<String>>,
    /// An AI system it is about, by id or name; repeat for several.
    system: Option<Vec<String>>,
    /// The period it covers, `FROM..TO` (dates), or the two parts below.
    covers: Option<String>,
    covers_from: Option<String>,
    covers_to: Option<String>,
    /// The last day it counts; after it the evidence is stale.
    valid_until: Option<String>,
    /// `manual`, `cli`, `api` (default) or `ci`.
    source: Option<String>,
    /// The CI run, as JSON: `system`, `repository`, `commit`, `branch`,
    /// `pipeline`, `run`, `url`.
    ci: Option<String>,
}

/// Longest text part.
const TEXT_PART_MAX: usize = 64 * 1024;

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    let status = e.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(status, "Payload too large", e.body_text())
    } else {
        ApiError::bad_request(
            None,
            format!("the multipart body is malformed: {}", e.body_text()),
        )
    }
}

async fn text_part(
    name: &str,
    mut field: axum::extract::multipart::Field<'_>,
) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if bytes.len() + chunk.len() > TEXT_PART_MAX {
            return Err(ApiError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                name,
                format!("must be at most {TEXT_PART_MAX} bytes"),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, name, "must be UTF-8 text")
    })?;
    if aims_domain::validation::has_control_chars(&text) {
        return Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            name,
            aims_domain::validation::CONTROL_MESSAGE,
        ));
    }
    Ok(text.trim().to_owned())
}

/// Reads a push's parts, streaming each file into the blob store.
async fn read_push(
    s: &AppState,
    ws: &aims_app::Scope,
    mut multipart: Multipart,
    evidence_id: Option<String>,
) -> Result<Push, ApiError> {
    let mut push = Push {
        evidence_id,
        source: "api".into(),
        ..Push::default()
    };
    let optional = |t: String| Some(t).filter(|t| !t.is_empty());
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let Some(given) = field.file_name().and_then(file_name) else {
                return Err(ApiError::field(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "file",
                    "each file needs a file name",
                ));
            };
            // Refused here, before a byte is read, unless the caller may add evidence.
            let mut w = s.app.evidence_writer(ws)?;
            while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                w.write(chunk).await.map_err(|e| match e {
                    aims_app::store::blobs::BlobError::TooLarge { limit } => {
                        ApiError::from(aims_app::AppError::TooLarge(limit))
                    }
                    other => ApiError::from(aims_app::AppError::Internal(other.to_string())),
                })?;
            }
            let stored = w
                .finish()
                .await
                .map_err(|e| ApiError::from(aims_app::AppError::Internal(e.to_string())))?;
            push.files.push(PushedFile {
                file_name: given,
                stored,
            });
            continue;
        }
        let text = text_part(&name, field).await?;
        match name.as_str() {
            "title" => push.title = optional(text),
            "description" => push.description = optional(text),
            "control" => push.controls.push(text),
            "system" => push.systems.push(text),
            "covers" => match text.split_once("..") {
                Some((from, to)) => {
                    push.covers_from = optional(from.trim().to_owned());
                    push.covers_to = optional(to.trim().to_owned());
                }
                None => {
                    return Err(ApiError::field(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "covers",
                        "must be FROM..TO, two dates (YYYY-MM-DD)",
                    ))
                }
            },
            "covers_from" => push.covers_from = optional(text),
            "covers_to" => push.covers_to = optional(text),
            "valid_until" => push.valid_until = optional(text),
            "source" => {
                if !matches!(text.as_str(), "manual" | "cli" | "api" | "ci") {
                    return Err(ApiError::field(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "source",
                        "must be manual, cli, api or ci",
                    ));
                }
                push.source = text;
            }
            "ci" => {
                let run: CiRun = serde_json::from_str(&text).map_err(|e| {
                    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "ci", e.to_string())
                })?;
                push.ci = Some(run);
            }
            other => {
                return Err(ApiError::field(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    other,
                    "is not a part of an evidence push",
                ))
            }
        }
    }
    Ok(push)
}

/// Pushes evidence in one request: the files (streamed to storage, kept by
/// content hash: identical content is stored once), the controls and
/// systems it is for, the period it covers, its validity and the CI run it
/// came from. Answers the item with its versions (201).
#[utoipa::path(operation_id = "evidence_push", post, path = "/api/v1/workspaces/{workspace}/evidence/push", tag = "evidence",
    request_body(content = PushForm, content_type = "multipart/form-data"),
    extensions(("x-aims-requires" = json!("create"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Object), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 413, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn push(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    multipart: Multipart,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let push = read_push(&s, &ws, multipart, None).await?;
    let view = s.app.push_evidence(&ws, push).await?;
    Ok((StatusCode::CREATED, Json(json!(view))))
}

/// An evidence item with its file versions (newest first: number, sha256,
/// size, file name, sniffed media type, source, CI run, who and when) and
/// the records it is evidence for.
#[utoipa::path(operation_id = "evidence_item", get, path = "/api/v1/workspaces/{workspace}/evidence/{id}/files", tag = "evidence",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Evidence id")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn item(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(s.app.evidence_item(&ws, &id).await?)))
}

/// Adds files to an evidence item as its next versions (same parts as a push).
#[utoipa::path(operation_id = "evidence_add_files", post, path = "/api/v1/workspaces/{workspace}/evidence/{id}/files", tag = "evidence",
    request_body(content = PushForm, content_type = "multipart/form-data"),
    extensions(("x-aims-requires" = json!("create"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Evidence id")),
    responses((status = 201, body = Object), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 413, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_files(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    multipart: Multipart,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let push = read_push(&s, &ws, multipart, Some(id)).await?;
    let view = s.app.push_evidence(&ws, push).await?;
    Ok((StatusCode::CREATED, Json(json!(view))))
}

/// `attachment; filename="…"; filename*=UTF-8''…`: an ASCII name for old
/// clients and the exact one, percent-encoded.
fn disposition(kind: &str, name: &str) -> Option<HeaderValue> {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._- ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!(
        "{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .ok()
}

/// A file's content as a response body, read in 256 KiB chunks as it is sent.
pub(crate) fn file_body(handle: tokio::fs::File) -> Body {
    Body::from_stream(futures_util::stream::unfold(handle, |mut f| async move {
        use tokio::io::AsyncReadExt;
        let mut buf = vec![0u8; 256 * 1024];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(buf)), f))
            }
            Err(e) => Some((Err(e), f)),
        }
    }))
}

/// Streams a file version: `inline` only for what a browser may preview.
pub(crate) async fn send_file(
    s: &AppState,
    ws: &aims_app::Scope,
    id: &str,
    number: i64,
    inline: bool,
) -> Result<Response, aims_app::AppError> {
    let (file, handle, size) = s.app.evidence_file(ws, id, number).await?;
    let inline = inline && previewable(&file.media_type);
    let mut resp = file_body(handle).into_response();
    let h = resp.headers_mut();
    let media = if inline {
        file.media_type.as_str()
    } else {
        "application/octet-stream"
    };
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(media)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
    );
    if let Some(v) = disposition(
        if inline { "inline" } else { "attachment" },
        &file.file_name,
    ) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", file.sha256)) {
        h.insert(header::ETAG, v);
    }
    Ok(resp)
}

/// Downloads file version `number`: always an attachment, with the
/// content's SHA-256 as its ETag.
#[utoipa::path(operation_id = "evidence_download", get, path = "/api/v1/workspaces/{workspace}/evidence/{id}/files/{number}", tag = "evidence",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Evidence id"),
           ("number" = i64, Path, description = "Version number, from 1")),
    responses((status = 200, description = "The file"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn download(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    VersionNumber(number): VersionNumber,
) -> Result<Response, ApiError> {
    Ok(send_file(&s, &ws, &id, number, false).await?)
}

/// Shows file version `number` inline when a browser may preview it
/// (images, PDF, text; sandboxed), else downloads it.
#[utoipa::path(operation_id = "evidence_preview", get, path = "/api/v1/workspaces/{workspace}/evidence/{id}/files/{number}/preview", tag = "evidence",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Evidence id"),
           ("number" = i64, Path, description = "Version number, from 1")),
    responses((status = 200, description = "The file"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn preview(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    VersionNumber(number): VersionNumber,
) -> Result<Response, ApiError> {
    Ok(send_file(&s, &ws, &id, number, true).await?)
}

/// A reviewer's verdict.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewIn {
    /// The item's version you read; when it moved on, 409.
    version: i64,
    /// `accepted`, `rejected` (with a note saying why) or `submitted`.
    status: String,
    #[serde(default)]
    note: String,
}

/// Accepts or rejects an evidence item (managers).
#[utoipa::path(operation_id = "evidence_review", post, path = "/api/v1/workspaces/{workspace}/evidence/{id}/review", tag = "evidence",
    request_body = ReviewIn,
    extensions(("x-aims-requires" = json!("approve"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Evidence id")),
    responses((status = 200, body = Object), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn review(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiJson(body): ApiJson<ReviewIn>,
) -> Result<Json<Value>, ApiError> {
    let r = s
        .app
        .review_evidence(&ws, &id, body.version, &body.status, &body.note)
        .await?;
    Ok(Json(
        json!({"id": r.id, "version": r.version, "fields": r.fields}),
    ))
}

/// The workspace's evidence that supports a catalogue requirement: on the
/// ISO/IEC 42001 control itself, or — through the crosswalks — on the
/// controls a NIST AI RMF, EU AI Act or ISO/IEC 27001 requirement maps to,
/// each with the relationship and strength the crosswalk gives and every
/// item's standing today.
#[utoipa::path(operation_id = "evidence_requirement_evidence", get, path = "/api/v1/workspaces/{workspace}/catalog/{framework}/{item}/evidence", tag = "evidence",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"),
           ("framework" = String, Path, description = "Framework id (nist-ai-rmf, eu-ai-act, iso27001, iso42001)"),
           ("item" = String, Path, description = "Item id (MAP 1.1, Art. 9, A.6.2.4)")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn requirement_evidence(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    path: axum::extract::Path<(String, String, String)>,
) -> Result<Json<Value>, ApiError> {
    let axum::extract::Path((_, framework, item)) = path;
    let supporting = s.app.requirement_evidence(&ws, &framework, &item).await?;
    Ok(Json(
        json!({ "framework": framework, "item": item, "supporting": supporting }),
    ))
}
