//! Response hardening applied to every response, and panics turned into a
//! logged 500 that still carries the request id.

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;

/// Only our own scripts, styles and images; no inline script or style, no
/// plugins, no framing, forms post only to us.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; \
frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Powerful browser features aims never uses, switched off.
pub const PERMISSIONS_POLICY: &str =
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), \
encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), \
midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), \
usb=(), xr-spatial-tracking=()";

/// Security headers on every response. Anything but the static assets is
/// `Cache-Control: no-store`: pages show signed-in data, and some responses
/// carry a secret (a new API token) that no cache may keep.
pub async fn headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let https = crate::auth::is_https(req.headers(), &state);
    let is_asset = req.uri().path().starts_with("/assets/");
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    // A handler may set a stricter policy of its own (evidence files: sandbox).
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
    }
    let mut set = |name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(
        HeaderName::from_static("permissions-policy"),
        PERMISSIONS_POLICY,
    );
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if https {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    if !is_asset {
        set(header::CACHE_CONTROL, "no-store");
    }
    resp
}

/// Runs the rest of the stack; a panic becomes a 500 (problem+json under
/// `/api/`, the friendly error page elsewhere) with the request id, and is logged.
pub async fn catch_panic(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    match std::panic::AssertUnwindSafe(next.run(req))
        .catch_unwind()
        .await
    {
        Ok(resp) => resp,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let err = aims_app::AppError::Internal(format!("panic: {what}"));
            if is_api {
                ApiError::from(err).into_response()
            } else {
                let mut resp = crate::pages::PageError::from(err).into_response();
                *resp.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                resp
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    #[allow(clippy::panic)]
    async fn boom() -> &'static str {
        panic!("a bug")
    }

    fn app() -> Router {
        Router::new()
            .route("/api/v1/boom", get(boom))
            .route("/boom", get(boom))
            .layer(axum::middleware::from_fn(catch_panic))
            .layer(axum::middleware::from_fn(crate::request_id::layer))
    }

    async fn call(path: &str) -> (StatusCode, String, String, String) {
        let resp = app()
            .oneshot(
                axum::http::Request::get(path)
                    .body(Body::empty())
                    .unwrap_or_default(),
            )
            .await
            .unwrap_or_else(|e| match e {});
        let status = resp.status();
        let id = resp.headers()["x-request-id"]
            .to_str()
            .unwrap_or("")
            .to_owned();
        let ct = resp.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap_or("")
            .to_owned();
        let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap_or_default();
        (status, ct, id, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn a_panic_is_a_500_that_names_the_request() {
        let (status, ct, id, body) = call("/api/v1/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(ct, "application/problem+json");
        assert!(!id.is_empty() && body.contains(&id), "{body}");
        assert!(!body.contains("a bug"), "details stay in the log");
        let (status, ct, id, body) = call("/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(ct.starts_with("text/html"), "{ct}");
        assert!(body.contains(&id), "{body}");
    }
}
