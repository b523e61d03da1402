//! Errors as HTTP: `application/problem+json` (RFC 9457) for the API; pages
//! render their own friendly version in `pages`.

use crate::request_id;
use aims_app::AppError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A problem document. `errors` names each field at fault.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// Present on 409 for a stale version: the version to reload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// Quote this when reporting a problem; it is in the server log too.
    pub request_id: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    /// The input field, e.g. `name` or `version`.
    pub field: String,
    pub message: String,
}

/// An API error: converts to a problem response.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub title: &'static str,
    pub detail: String,
    pub errors: Vec<FieldProblem>,
    pub current_version: Option<i64>,
    retry_after: Option<i64>,
}

impl ApiError {
    pub fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            title,
            detail: detail.into(),
            errors: vec![],
            current_version: None,
            retry_after: None,
        }
    }

    pub fn bad_request(field: Option<&str>, detail: impl Into<String>) -> ApiError {
        let detail = detail.into();
        let mut e = ApiError::new(StatusCode::BAD_REQUEST, "Bad request", detail.clone());
        if let Some(f) = field {
            e.errors.push(FieldProblem {
                field: f.into(),
                message: detail,
            });
        }
        e
    }

    /// Adds a problem naming `field`.
    pub fn with_field(mut self, field: &str, message: impl Into<String>) -> ApiError {
        self.errors.push(FieldProblem {
            field: field.into(),
            message: message.into(),
        });
        self
    }

    pub fn field(status: StatusCode, field: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        let mut e = ApiError::new(status, "Invalid input", format!("{field}: {message}"));
        e.errors.push(FieldProblem {
            field: field.into(),
            message,
        });
        e
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        match e {
            e @ AppError::TooLarge(_) => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Payload too large",
                format!("{e}; nothing was kept"),
            ),
            AppError::NotFound(what) => ApiError::new(
                StatusCode::NOT_FOUND,
                "Not found",
                format!("{what} not found"),
            ),
            AppError::Forbidden(why) => ApiError::new(
                StatusCode::FORBIDDEN,
                "Forbidden",
                format!("Your role does not allow this: {why}."),
            ),
            AppError::Unauthenticated => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "Authentication required",
                "Send an API token as 'Authorization: Bearer <token>', or sign in.",
            ),
            AppError::Validation(fields) => {
                let mut err = ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Invalid input",
                    fields.summary(),
                );
                for (field, msgs) in fields.iter() {
                    for m in msgs {
                        err.errors.push(FieldProblem {
                            field: field.into(),
                            message: m.clone(),
                        });
                    }
                }
                err
            }
            AppError::Conflict {
                message,
                current_version,
            } => {
                let mut err = ApiError::new(StatusCode::CONFLICT, "Conflict", message);
                if current_version.is_some() {
                    err.errors.push(FieldProblem {
                        field: "version".into(),
                        message: "is not the current version".into(),
                    });
                }
                err.current_version = current_version;
                err
            }
            AppError::Throttled(secs) => {
                let mut err = ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many attempts",
                    AppError::Throttled(secs).to_string(),
                );
                err.retry_after = Some(secs);
                err
            }
            AppError::Unavailable {
                message,
                retry_after_secs,
            } => {
                let mut err = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "Busy", message);
                err.retry_after = Some(retry_after_secs);
                err
            }
            AppError::Internal(details) => {
                tracing::error!(error = %details, "internal error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal error",
                    "Something went wrong on our side. Nothing was changed; quote the request id when reporting it.",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = Problem {
            kind: format!("https://aims.invalid/problems/{}", self.status.as_u16()),
            title: self.title.into(),
            status: self.status.as_u16(),
            detail: self.detail,
            errors: self.errors,
            current_version: self.current_version,
            request_id: request_id::current(),
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut resp = (self.status, body).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp
    }
}
