use aims_domain::FieldErrors;
use aims_store::StoreError;

/// Every failure a use case can report. Each variant has one meaning for the
/// HTTP layer (status in brackets) and for the CLI (a message and exit code).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// [404] The thing does not exist, or the caller may not know it exists.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// [403] The caller is known but their role does not allow this.
    #[error("your role does not allow this: {0}")]
    Forbidden(String),
    /// [401] No valid credentials.
    #[error("sign in or send a valid API token")]
    Unauthenticated,
    /// [422] Input that parsed but breaks a rule; names the fields.
    #[error("invalid input: {}", .0.summary())]
    Validation(FieldErrors),
    /// [409] The record changed since the caller read it, or a unique value is taken.
    #[error("{message}")]
    Conflict {
        message: String,
        current_version: Option<i64>,
    },
    /// [429] Too many failed attempts; retry after this many seconds.
    #[error("too many failed sign-in attempts; try again in {0} seconds")]
    Throttled(i64),
    /// [503] Busy for a moment (the database is locked by another writer, or
    /// too many sign-ins wait for a password check); nothing was changed.
    #[error("{message}")]
    Unavailable {
        message: String,
        retry_after_secs: i64,
    },
    /// [413] A file over the size limit (bytes); nothing was kept.
    #[error("the file is larger than the limit of {0} bytes")]
    TooLarge(u64),
    /// [500] Logged with details; the caller sees only a request id.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> AppError {
        AppError::Validation(FieldErrors::single(field, message))
    }

    pub fn stale(current_version: i64) -> AppError {
        AppError::Conflict {
            message: format!(
                "the record was changed by someone else (now at version {current_version}); reload it and apply your change again"
            ),
            current_version: Some(current_version),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate { field } => AppError::Validation(FieldErrors::single(
                field,
                format!("is already taken; choose another {field}"),
            )),
            StoreError::Busy => AppError::Unavailable {
                message: "the database is busy with another write; nothing was changed, try again in a moment".into(),
                retry_after_secs: 2,
            },
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Validation(e)
    }
}
