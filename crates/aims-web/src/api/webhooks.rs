//! `/api/v1/workspaces/{workspace}/webhooks`: outgoing webhooks and their
//! delivery log (managers, signed in: API tokens never administer).

use super::ApiJson;
use crate::auth::{InWorkspace, RecordId};
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_app::{DeliveryView, WebhookCreated, WebhookInput, WebhookView};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Webhook routes, each registered with its OpenAPI operation.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(show_webhook, update_webhook, delete_webhook))
        .routes(routes!(rotate_webhook_secret))
        .routes(routes!(list_deliveries))
}

/// A webhook. Every delivery is a POST of one history event as JSON, with
/// `X-Aims-Event-Id`, `X-Aims-Timestamp` (Unix seconds) and
/// `X-Aims-Signature: sha256=<hex>`, the HMAC-SHA256 keyed with the secret
/// over `<timestamp>.<event id>.<body>`.
#[derive(Serialize, ToSchema)]
pub struct WebhookOut {
    id: String,
    url: String,
    /// Entries of the event filter: `*` (every event), `<record type>`,
    /// `<record type>.<action>`, `*.<action>`.
    events: Vec<String>,
    enabled: bool,
    /// When the delivery that failed is tried again, if one waits.
    retry_at: Option<String>,
    created_at: String,
    created_by: String,
    updated_at: String,
    secret_rotated_at: String,
    /// Only in the answers to creation and rotation: the signing secret, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

impl From<WebhookView> for WebhookOut {
    fn from(w: WebhookView) -> Self {
        WebhookOut {
            id: w.id,
            url: w.url,
            events: w.events,
            enabled: w.enabled,
            retry_at: w.retry_at,
            created_at: w.created_at,
            created_by: w.created_by,
            updated_at: w.updated_at,
            secret_rotated_at: w.secret_rotated_at,
            secret: None,
        }
    }
}

impl From<WebhookCreated> for WebhookOut {
    fn from(c: WebhookCreated) -> Self {
        let mut out = WebhookOut::from(c.webhook);
        out.secret = Some(c.secret);
        out
    }
}

#[derive(Serialize, ToSchema)]
pub struct WebhookList {
    items: Vec<WebhookOut>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookIn {
    /// An http or https URL. Private networks and this machine only when
    /// the server allows them; link-local and metadata addresses never.
    #[serde(default)]
    url: String,
    /// The event filter; every event (`["*"]`) when left out.
    #[serde(default)]
    events: Option<Vec<String>>,
    /// On when left out.
    #[serde(default)]
    enabled: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    /// A new event filter; unchanged when left out.
    #[serde(default)]
    events: Option<Vec<String>>,
    /// Switches the webhook off or on; switched on again it takes the
    /// events from then on, not those it missed.
    #[serde(default)]
    enabled: Option<bool>,
}

/// One request sent for a delivery.
#[derive(Serialize, ToSchema)]
pub struct AttemptOut {
    number: i64,
    started_at: String,
    /// Null while in flight, or when the server stopped before an answer.
    finished_at: Option<String>,
    /// The receiver's HTTP status, when it answered.
    status: Option<i64>,
    error: String,
}

/// One event for the webhook: `pending` until delivered (a 2xx answer) or
/// `failed` (given up after the last retry).
#[derive(Serialize, ToSchema)]
pub struct DeliveryOut {
    id: String,
    event_id: String,
    event_seq: i64,
    action: String,
    record_type: String,
    state: String,
    attempts: i64,
    created_at: String,
    last_attempt_at: Option<String>,
    last_status: Option<i64>,
    last_error: String,
    next_attempt_at: Option<String>,
    finished_at: Option<String>,
    attempt_log: Vec<AttemptOut>,
}

impl From<DeliveryView> for DeliveryOut {
    fn from(v: DeliveryView) -> Self {
        let d = v.delivery;
        DeliveryOut {
            id: d.id,
            event_id: d.event_id,
            event_seq: d.event_seq,
            action: d.action,
            record_type: d.record_type,
            state: d.state,
            attempts: d.attempts,
            created_at: d.created_at,
            last_attempt_at: d.last_attempt_at,
            last_status: d.last_status,
            last_error: d.last_error,
            next_attempt_at: d.next_attempt_at,
            finished_at: d.finished_at,
            attempt_log: v
                .attempts
                .into_iter()
                .map(|a| AttemptOut {
                    number: a.number,
                    started_at: a.started_at,
                    finished_at: a.finished_at,
                    status: a.status,
                    error: a.error,
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryList {
    /// The latest 100 deliveries, newest event first.
    items: Vec<DeliveryOut>,
}

/// The workspace's webhooks (managers). Secrets are never returned.
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/webhooks", tag = "webhooks",
    extensions(("x-aims-requires" = json!("administer"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = WebhookList), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_webhooks(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
) -> Result<Json<WebhookList>, ApiError> {
    let items = s
        .app
        .webhooks(&ws)
        .await?
        .into_iter()
        .map(WebhookOut::from)
        .collect();
    Ok(Json(WebhookList { items }))
}

/// Registers a webhook (managers); it receives the events after this one.
/// The answer carries the signing secret once.
#[utoipa::path(post, path = "/api/v1/workspaces/{workspace}/webhooks", tag = "webhooks", request_body = WebhookIn,
    extensions(("x-aims-requires" = json!("administer"))),
    params(("workspace" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = WebhookOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_webhook(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiJson(body): ApiJson<WebhookIn>,
) -> Result<(StatusCode, Json<WebhookOut>), ApiError> {
    let created = s
        .app
        .create_webhook(
            &ws,
            WebhookInput {
                url: Some(body.url),
                events: body.events,
                enabled: body.enabled,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// One webhook (managers).
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/webhooks/{id}", tag = "webhooks",
    extensions(("x-aims-requires" = json!("administer"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Webhook id")),
    responses((status = 200, body = WebhookOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn show_webhook(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<Json<WebhookOut>, ApiError> {
    Ok(Json(s.app.webhook(&ws, &id).await?.into()))
}

/// Changes a webhook's event filter or switches it on or off (managers).
/// The URL cannot change: delete the webhook and create another.
#[utoipa::path(patch, path = "/api/v1/workspaces/{workspace}/webhooks/{id}", tag = "webhooks", request_body = WebhookPatch,
    extensions(("x-aims-requires" = json!("administer"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Webhook id")),
    responses((status = 200, body = WebhookOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_webhook(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiJson(body): ApiJson<WebhookPatch>,
) -> Result<Json<WebhookOut>, ApiError> {
    let w = s
        .app
        .update_webhook(
            &ws,
            &id,
            WebhookInput {
                url: None,
                events: body.events,
                enabled: body.enabled,
            },
        )
        .await?;
    Ok(Json(w.into()))
}

/// Deletes a webhook and its delivery log (managers); nothing more is sent.
#[utoipa::path(delete, path = "/api/v1/workspaces/{workspace}/webhooks/{id}", tag = "webhooks",
    extensions(("x-aims-requires" = json!("administer"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Webhook id")),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete_webhook(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<StatusCode, ApiError> {
    s.app.delete_webhook(&ws, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces a webhook's signing secret at once (managers); the answer
/// carries the new secret once. Deliveries from now on are signed with it.
#[utoipa::path(post, path = "/api/v1/workspaces/{workspace}/webhooks/{id}/rotate-secret", tag = "webhooks",
    extensions(("x-aims-requires" = json!("administer"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Webhook id")),
    responses((status = 200, body = WebhookOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn rotate_webhook_secret(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<Json<WebhookOut>, ApiError> {
    Ok(Json(s.app.rotate_webhook_secret(&ws, &id).await?.into()))
}

/// A webhook's delivery log (managers): the latest 100 deliveries with
/// every attempt, newest event first.
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/webhooks/{id}/deliveries", tag = "webhooks",
    extensions(("x-aims-requires" = json!("administer"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Webhook id")),
    responses((status = 200, body = DeliveryList), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_deliveries(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<Json<DeliveryList>, ApiError> {
    let items = s
        .app
        .webhook_deliveries(&ws, &id)
        .await?
        .into_iter()
        .map(DeliveryOut::from)
        .collect();
    Ok(Json(DeliveryList { items }))
}
