//! JSON and query extractors whose failures are problem documents naming the
//! field at fault (axum's own rejections are plain text).

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            })
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported media type",
                "Send the body as JSON with 'Content-Type: application/json'.",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rej| {
            let status = rej.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    status,
                    "Payload too large",
                    format!("The body is larger than {} bytes.", crate::MAX_BODY_BYTES),
                )
            } else {
                ApiError::bad_request(None, "The request body could not be read.")
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Syntax errors are 400; well-formed JSON of the wrong shape is 422 naming the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request(None, format!("The body is not valid JSON: {e}.")))?;
    if !value.is_object() {
        return Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "body",
            "must be a JSON object",
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let msg = err.into_inner().to_string();
        let field = if path == "." { "body".to_owned() } else { path };
        ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, &field, msg)
    })
}

/// Query parameters as a problem document on failure. Handlers take their
/// parameters as text and parse numbers themselves, so a bad `limit` is named.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|axum::extract::Query(v)| ApiQuery(v))
            .map_err(|rej| {
                let text = rej.body_text();
                let detail = text.trim_start_matches("Failed to deserialize query string: ");
                ApiError::bad_request(None, format!("The query string is malformed: {detail}"))
            })
    }
}
