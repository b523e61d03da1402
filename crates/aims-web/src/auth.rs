//! Who is calling: extractors for API callers (bearer token or session) and
//! signed-in page users, session cookies and CSRF checks.

use crate::error::ApiError;
use crate::AppState;
use aims_app::{AppError, Principal};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Redirect, Response};
use subtle::ConstantTimeEq;

pub const SESSION_COOKIE: &str = "aims_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The client's address for sign-in throttling: the peer of the TCP
/// connection, or — behind a reverse proxy that the operator trusts
/// (`--trust-proxy`) — the last address the proxy appended to `X-Forwarded-For`.
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.config.trust_proxy {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .rfind(|v| !v.is_empty())
                .and_then(|v| v.parse::<std::net::IpAddr>().ok());
            if let Some(ip) = forwarded {
                return Ok(ClientAddr(ip.to_string()));
            }
        }
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "unknown".into());
        Ok(ClientAddr(peer))
    }
}

/// The value of cookie `name` in the request, if any.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// True when the browser reached us over https (directly configured, or via a
/// proxy that says so).
pub fn is_https(headers: &HeaderMap, state: &AppState) -> bool {
    state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// `Set-Cookie` for a session: HttpOnly, SameSite=Lax, Secure behind https.
pub fn session_cookie(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("aims_session=; Path=/; Max-Age=0"))
}

pub fn clear_session_cookie() -> HeaderValue {
    HeaderValue::from_static("aims_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

pub fn tokens_equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// An authenticated API caller. A bearer token wins over a session; a session
/// caller must send the session's CSRF token in `X-CSRF-Token` on any write.
pub struct ApiCaller(pub Principal);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            // The scheme name is case-insensitive (RFC 9110, 11.1).
            let secret = auth
                .to_str()
                .ok()
                .and_then(|v| v.split_once(' '))
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map(|(_, secret)| secret.trim())
                .ok_or_else(|| ApiError::from(AppError::Unauthenticated))?;
            return match state.app.token_principal(secret).await? {
                Some(p) => Ok(ApiCaller(p)),
                None => Err(ApiError::new(
                    axum::http::StatusCode::UNAUTHORIZED,
                    "Authentication required",
                    "The API token is unknown or revoked.",
                )),
            };
        }
        let Some(value) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(AppError::Unauthenticated.into());
        };
        let Some((principal, csrf)) = state.app.session_principal(&value).await? else {
            return Err(AppError::Unauthenticated.into());
        };
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !tokens_equal(sent, &csrf) {
                return Err(ApiError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "Forbidden",
                    "A write with a session cookie needs the session's CSRF token in the X-CSRF-Token header; automation should use an API token.",
                ));
            }
        }
        Ok(ApiCaller(principal))
    }
}

/// A signed-in person using the web UI. Without a session the browser is sent
/// to the sign-in page (or to first-run setup while there is no user).
pub struct PageUser {
    pub principal: Principal,
    pub csrf: String,
}

impl PageUser {
    pub fn check_csrf(&self, submitted: &str) -> Result<(), crate::pages::PageError> {
        if tokens_equal(submitted, &self.csrf) {
            Ok(())
        } else {
            Err(crate::pages::PageError::Csrf)
        }
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = match cookie(&parts.headers, SESSION_COOKIE) {
            Some(v) => state
                .app
                .session_principal(&v)
                .await
                .map_err(|e| crate::pages::PageError::from(e).into_response())?,
            None => None,
        };
        if let Some((principal, csrf)) = session {
            return Ok(PageUser { principal, csrf });
        }
        let setup = state.app.needs_setup().await.unwrap_or(false);
        Err(Redirect::to(if setup { "/setup" } else { "/login" }).into_response())
    }
}

/// An API caller who is an instance administrator. Checked before the body is
/// read, so nobody else can make the server buffer a large upload.
pub struct AdminCaller(pub Principal);

impl FromRequestParts<AppState> for AdminCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ApiCaller(p) = ApiCaller::from_request_parts(parts, state).await?;
        if !p.is_admin() {
            return Err(AppError::Forbidden("only administrators do this".into()).into());
        }
        Ok(AdminCaller(p))
    }
}

/// A signed-in instance administrator using the web UI (checked before any body is read).
pub struct PageAdmin(pub PageUser);

impl FromRequestParts<AppState> for PageAdmin {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = PageUser::from_request_parts(parts, state).await?;
        if !user.principal.is_admin() {
            return Err(crate::pages::PageError::from(AppError::Forbidden(
                "only administrators do this".into(),
            ))
            .into_response());
        }
        Ok(PageAdmin(user))
    }
}

/// The value of path parameter `name`, if the route has one.
async fn path_param(parts: &mut Parts, name: &str) -> Option<String> {
    let params = axum::extract::RawPathParams::from_request_parts(parts, &())
        .await
        .ok()?;
    params
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// An API caller inside the workspace named by the `{workspace}` path
/// parameter, resolved once per request: who, which workspace, which role.
/// Use cases check the action they need on it.
pub struct InWorkspace(pub aims_app::Scope);

impl FromRequestParts<AppState> for InWorkspace {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ApiCaller(p) = ApiCaller::from_request_parts(parts, state).await?;
        let slug = path_param(parts, "workspace").await.unwrap_or_default();
        let scope = state.app.enter(&p, &slug).await?;
        log_access(state, &scope, parts).await;
        Ok(InWorkspace(scope))
    }
}

/// Notes what an auditor opens (the app keeps it for auditors only). A
/// failure to write the log does not stop the request; it is logged.
async fn log_access(state: &AppState, scope: &aims_app::Scope, parts: &Parts) {
    if let Err(e) = state
        .app
        .log_access(scope, parts.method.as_str(), parts.uri.path())
        .await
    {
        tracing::warn!(error = %e, "could not write the access log");
    }
}

/// The `{id}` path parameter as a record id: anything that cannot be an id
/// aims issued is "not found" before any query runs.
pub struct RecordId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for RecordId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match path_param(parts, "id").await {
            Some(id) if aims_domain::validation::is_record_id(&id) => Ok(RecordId(id)),
            _ => Err(AppError::NotFound("record").into()),
        }
    }
}

/// The `{link}` path parameter as a link id, like [`RecordId`].
pub struct LinkId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for LinkId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match path_param(parts, "link").await {
            Some(id) if aims_domain::validation::is_record_id(&id) => Ok(LinkId(id)),
            _ => Err(AppError::NotFound("link").into()),
        }
    }
}

/// The `{item}` path parameter as a checklist item id, like [`RecordId`].
pub struct ItemId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ItemId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match path_param(parts, "item").await {
            Some(id) if aims_domain::validation::is_record_id(&id) => Ok(ItemId(id)),
            _ => Err(AppError::NotFound("checklist item").into()),
        }
    }
}

/// The `{number}` path parameter: a version number (1 or more); anything
/// else is "not found".
pub struct VersionNumber(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for VersionNumber {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match path_param(parts, "number")
            .await
            .and_then(|n| n.parse::<i64>().ok())
        {
            Some(n) if n >= 1 => Ok(VersionNumber(n)),
            _ => Err(AppError::NotFound("version").into()),
        }
    }
}

/// The `{key}` path parameter: a key of the risk library; anything else is
/// "not found".
pub struct LibraryKey(pub &'static str);

impl<S: Send + Sync> FromRequestParts<S> for LibraryKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match path_param(parts, "key")
            .await
            .and_then(|k| aims_domain::risk::library_risk(&k))
        {
            Some(r) => Ok(LibraryKey(r.key)),
            None => Err(AppError::NotFound("library risk").into()),
        }
    }
}

/// The `{key}` path parameter: a key of a document template; anything else
/// is "not found".
pub struct TemplateKey(pub String);

impl<S: Send + Sync> FromRequestParts<S> for TemplateKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match path_param(parts, "key").await {
            Some(k) if aims_app::TEMPLATES.iter().any(|t| t.key == k) => Ok(TemplateKey(k)),
            _ => Err(AppError::NotFound("document template").into()),
        }
    }
}

/// A signed-in person on a page of the workspace named by `{ws}`, resolved
/// once per request.
pub struct WsPage {
    pub user: PageUser,
    pub scope: aims_app::Scope,
}

impl FromRequestParts<AppState> for WsPage {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = PageUser::from_request_parts(parts, state).await?;
        let slug = path_param(parts, "ws").await.unwrap_or_default();
        match state.app.enter(&user.principal, &slug).await {
            Ok(scope) => {
                log_access(state, &scope, parts).await;
                Ok(WsPage { user, scope })
            }
            Err(e) => Err(crate::pages::PageError::from(e).into_response()),
        }
    }
}
