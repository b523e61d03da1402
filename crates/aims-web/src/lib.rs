//! HTTP for `aims`: the JSON API under `/api/v1` (with its OpenAPI document) and
//! the server-rendered HTML pages, sharing one [`AppState`].
//!
//! Architecture invariant: handlers parse input, call one `aims-app` use case and
//! render the result. No SQL and no business rules live here. The server keeps
//! no state outside the database, so replicas behind a load balancer are safe.

mod api;
pub use api::record_json;
mod assets;
mod auth;
mod error;
mod input;
mod mail_client;
mod markdown;
mod pages;
mod request_id;
mod security;
mod server;
mod webhook_client;

use aims_app::App;
use axum::Router;
use std::time::Duration;
use tower_http::trace::TraceLayer;

pub use api::openapi_json;
pub use mail_client::{MailClient, MAIL_TIMEOUT};
pub use pages::{route_table as page_routes, PageRequires};
pub use server::ServerLimits;
pub use webhook_client::WebhookClient;

/// Settings of the HTTP layer.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` even without `X-Forwarded-Proto: https`
    /// (set when the public URL is https).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (set only behind a
    /// reverse proxy that overwrites it).
    pub trust_proxy: bool,
    /// Header read timeout, idle timeout and connection cap.
    pub limits: ServerLimits,
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: WebConfig,
}

/// Largest request body accepted (JSON or form); larger ones get 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How long a request may take: 30 s, except a file upload (multipart)
/// and an evidence pack download, which may take an hour (gigabytes);
/// either way a request that runs over gets 408.
async fn request_timeout(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let upload = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    // An evidence pack is made before it is sent: gigabytes take minutes.
    let pack = req.uri().path().ends_with("/pack");
    let limit = Duration::from_secs(if upload || pack { 3600 } else { 30 });
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => axum::http::StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

/// The whole HTTP surface: pages, API, health checks and assets.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::router())
        .merge(api::router())
        .merge(assets::router())
        .merge(health_router())
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Hostile bytes in the request line never reach a route.
        .layer(axum::middleware::from_fn(input::guard))
        // A bug must never drop the connection: it becomes a logged 500 that
        // carries the request id (so this sits inside the request-id layer).
        .layer(axum::middleware::from_fn(security::catch_panic))
        .layer(axum::middleware::from_fn(request_timeout))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                tracing::info_span!("request", method = %req.method(), path = %loggable_path(req.uri().path()), request_id = %id)
            }),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(axum::middleware::from_fn(request_id::layer))
        .with_state(state)
}

fn health_router() -> Router<AppState> {
    use axum::extract::State;
    use axum::http::StatusCode;
    use axum::routing::get;
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/readyz",
            get(|State(s): State<AppState>| async move {
                if s.app.ready().await {
                    (StatusCode::OK, "ready")
                } else {
                    (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
                }
            }),
        )
}

/// A file to download: its media type, and a name made of the workspace slug
/// and what it holds (never of anything the request says).
pub(crate) fn download(
    workspace: &str,
    what: &str,
    format: aims_app::export::Format,
    bytes: Vec<u8>,
) -> axum::response::Response {
    download_as(
        workspace,
        what,
        format.as_str(),
        format.content_type(),
        bytes,
    )
}

/// `bytes` as the attachment `{workspace}-{what}.{extension}`.
pub(crate) fn download_as(
    workspace: &str,
    what: &str,
    extension: &str,
    content_type: &'static str,
    bytes: Vec<u8>,
) -> axum::response::Response {
    use axum::http::{header, HeaderValue};
    use axum::response::IntoResponse;
    // Only characters that need no quoting in a header or a file system.
    let name: String = format!("{workspace}-{what}.{extension}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

/// Serves `router(state)` on `listener` until `shutdown` resolves, then lets
/// in-flight requests finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.config.limits.clone();
    server::serve(listener, router(state), limits, shutdown).await
}

/// A request path as logs may show it: the secret of a public link
/// (`/report/…`, `/answer/…`, `/invite/…`) is left out.
fn loggable_path(path: &str) -> String {
    for prefix in ["/report/", "/answer/", "/invite/"] {
        if path.starts_with(prefix) {
            return format!("{prefix}…");
        }
    }
    path.to_owned()
}
