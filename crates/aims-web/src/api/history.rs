//! The history of a record and the activity of a workspace.

use super::ApiQuery;
use crate::auth::{InWorkspace, RecordId};
use crate::error::{ApiError, Problem};
use crate::AppState;
use aims_domain::history::Event;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// History routes, each registered with its OpenAPI operation.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(activity))
}

/// One entry of the hash-chained history.
#[derive(Serialize, ToSchema)]
pub struct EventOut {
    seq: i64,
    id: String,
    at: String,
    actor: String,
    actor_label: String,
    action: String,
    record_type: String,
    record_id: String,
    /// What changed; for updates each field maps to `[old, new]`.
    #[schema(value_type = Object)]
    change: serde_json::Value,
    prev_hash: String,
    hash: String,
}

impl From<Event> for EventOut {
    fn from(e: Event) -> Self {
        EventOut {
            seq: e.seq,
            change: serde_json::from_str(&e.change)
                .unwrap_or(serde_json::Value::String(e.change.clone())),
            id: e.id,
            at: e.at,
            actor: e.actor,
            actor_label: e.actor_label,
            action: e.action,
            record_type: e.record_type,
            record_id: e.record_id,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct EventList {
    items: Vec<EventOut>,
    /// Pass as `before` for older events; null when there are none.
    next: Option<i64>,
}

/// The history of one record of `kind`, newest first (it outlives the
/// record); served for every kind at `/{kind}/{id}/history`.
pub async fn record_history(
    kind: &'static aims_domain::record::Kind,
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<Json<EventList>, ApiError> {
    let events = s.app.record_history(&ws, kind.record_type, &id).await?;
    if events.is_empty() {
        return Err(aims_app::AppError::NotFound(kind.singular).into());
    }
    Ok(Json(EventList {
        items: events.into_iter().map(EventOut::from).collect(),
        next: None,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityParams {
    /// Events older than this `seq`.
    #[param(value_type = Option<i64>, minimum = 1)]
    before: Option<String>,
    /// Page size, 1–500 (default 100).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<String>,
}

/// Everything that happened in the workspace, newest first.
#[utoipa::path(get, path = "/api/v1/workspaces/{workspace}/activity", tag = "history",
    extensions(("x-aims-requires" = json!("read"))),
    params(("workspace" = String, Path, description = "Workspace slug"), ActivityParams),
    responses((status = 200, body = EventList), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn activity(
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    ApiQuery(params): ApiQuery<ActivityParams>,
) -> Result<Json<EventList>, ApiError> {
    let before =
        match params.before.as_deref().filter(|b| !b.is_empty()) {
            None => None,
            Some(b) => Some(b.parse::<i64>().map_err(|_| {
                ApiError::bad_request(Some("before"), "before must be a whole number")
            })?),
        };
    let limit = match params.limit.as_deref().filter(|b| !b.is_empty()) {
        None => 100,
        Some(l) => match l.parse::<i64>() {
            Ok(n) if (1..=500).contains(&n) => n,
            _ => {
                return Err(ApiError::bad_request(
                    Some("limit"),
                    "limit must be a whole number from 1 to 500",
                ))
            }
        },
    };
    let events = s.app.activity(&ws, before, limit).await?;
    let next = (events.len() as i64 == limit)
        .then(|| events.last().map(|e| e.seq))
        .flatten();
    Ok(Json(EventList {
        items: events.into_iter().map(EventOut::from).collect(),
        next,
    }))
}
