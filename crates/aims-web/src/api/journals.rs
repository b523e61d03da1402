//! `/api/v1/workspaces/{workspace}/{kind}/{id}/entries`: the journal of a
//! record whose kind keeps one (an incident's timeline and communications
//! sent, each sending of a communication, a nonconformity's notes),
//! registered with the other routes of such a kind.

use super::ApiJson;
use crate::auth::{InWorkspace, RecordId};
use crate::error::ApiError;
use crate::AppState;
use aims_domain::journal::EntryInput;
use aims_domain::record::Kind;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

/// A new journal entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryIn {
    #[serde(default)]
    entry_type: String,
    #[serde(default)]
    occurred_at: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    recipient: String,
    #[serde(default)]
    channel: String,
}

pub async fn entries(
    kind: &'static Kind,
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "items": s.app.entries(&ws, kind, &id).await? }),
    ))
}

pub async fn add_entry(
    kind: &'static Kind,
    State(s): State<AppState>,
    InWorkspace(ws): InWorkspace,
    RecordId(id): RecordId,
    ApiJson(b): ApiJson<EntryIn>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let input = EntryInput {
        entry_type: b.entry_type,
        occurred_at: b.occurred_at,
        text: b.text,
        recipient: b.recipient,
        channel: b.channel,
    };
    let row = s.app.add_entry(&ws, kind, &id, &input).await?;
    Ok((StatusCode::CREATED, Json(json!(row))))
}
