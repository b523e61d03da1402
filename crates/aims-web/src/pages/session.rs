//! First-run setup, sign-in and sign-out, and the start page.

use super::{render, CsrfForm, Layout, PageError, PageRequires, PageRoute};
use crate::auth::{
    clear_session_cookie, cookie, is_https, session_cookie, PageUser, SESSION_COOKIE,
};
use crate::input::PageForm;
use crate::AppState;
use aims_app::{AppError, LoginOutcome, Principal};
use aims_domain::FieldErrors;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub fn routes() -> Vec<PageRoute> {
    use PageRequires::*;
    vec![
        PageRoute::get("/", SignedIn, home),
        PageRoute::get("/setup", Anyone, setup_page),
        PageRoute::post("/setup", Anyone, setup_submit),
        PageRoute::get("/login", Anyone, login_page),
        PageRoute::post("/login", Anyone, login_submit),
        PageRoute::post("/logout", SignedIn, logout),
    ]
}

#[derive(Template)]
#[template(path = "auth.html")]
struct AuthPage {
    title: &'static str,
    lead: &'static str,
    action: &'static str,
    button: &'static str,
    setup: bool,
    name: String,
    email: String,
    error: Option<String>,
    errors: FieldErrors,
}

fn setup_form(name: String, email: String, error: Option<String>, errors: FieldErrors) -> AuthPage {
    AuthPage {
        title: "Welcome to aims",
        lead: "Create the administrator account. You will use it to create workspaces and invite your team.",
        action: "/setup",
        button: "Create administrator",
        setup: true,
        name,
        email,
        error,
        errors,
    }
}

fn login_form(email: String, error: Option<String>) -> AuthPage {
    AuthPage {
        title: "Sign in",
        lead: "Sign in to your AI management system.",
        action: "/login",
        button: "Sign in",
        setup: false,
        name: String::new(),
        email,
        error,
        errors: FieldErrors::new(),
    }
}

#[derive(Deserialize)]
struct SetupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

async fn setup_page(State(s): State<AppState>) -> Result<Response, PageError> {
    if !s.app.needs_setup().await? {
        return Ok(Redirect::to("/login").into_response());
    }
    Ok(render(&setup_form(
        String::new(),
        String::new(),
        None,
        FieldErrors::new(),
    )))
}

async fn setup_submit(
    State(s): State<AppState>,
    headers: HeaderMap,
    PageForm(f): PageForm<SetupForm>,
) -> Result<Response, PageError> {
    match s
        .app
        .add_user(
            &Principal::operator(),
            &f.email,
            &f.name,
            &f.password,
            true,
            true,
        )
        .await
    {
        Ok(user) => {
            let session = s.app.start_session(&user.id).await?;
            signed_in(&s, &headers, session.cookie_value, session.max_age_secs)
        }
        Err(AppError::Validation(errors)) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            render(&setup_form(
                f.name,
                f.email,
                Some("Please correct the fields below.".into()),
                errors,
            )),
        )
            .into_response()),
        Err(AppError::Conflict { .. }) => Ok(Redirect::to("/login").into_response()),
        Err(e) => Err(e.into()),
    }
}

fn signed_in(
    s: &AppState,
    headers: &HeaderMap,
    cookie_value: String,
    max_age: i64,
) -> Result<Response, PageError> {
    let mut resp = Redirect::to("/").into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(&cookie_value, max_age, is_https(headers, s)),
    );
    Ok(resp)
}

async fn login_page(State(s): State<AppState>) -> Result<Response, PageError> {
    if s.app.needs_setup().await? {
        return Ok(Redirect::to("/setup").into_response());
    }
    Ok(render(&login_form(String::new(), None)))
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

async fn login_submit(
    State(s): State<AppState>,
    headers: HeaderMap,
    crate::auth::ClientAddr(client): crate::auth::ClientAddr,
    PageForm(f): PageForm<LoginForm>,
) -> Result<Response, PageError> {
    match s.app.login(&f.email, &f.password, &client).await {
        Ok(LoginOutcome::Success(session, _)) => {
            signed_in(&s, &headers, session.cookie_value, session.max_age_secs)
        }
        Ok(LoginOutcome::BadCredentials) => Ok((
            axum::http::StatusCode::UNAUTHORIZED,
            render(&login_form(
                f.email,
                Some("The e-mail or password is not right.".into()),
            )),
        )
            .into_response()),
        Err(AppError::Throttled(secs)) => Ok((
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, secs.to_string())],
            render(&login_form(
                f.email,
                Some(format!(
                    "Too many failed attempts. Try again in {} minutes.",
                    (secs + 59) / 60
                )),
            )),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn logout(
    State(s): State<AppState>,
    user: PageUser,
    headers: HeaderMap,
    PageForm(f): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    if let Some(v) = cookie(&headers, SESSION_COOKIE) {
        s.app.logout(&v).await?;
    }
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, clear_session_cookie());
    Ok(resp)
}

pub struct WorkspaceCard {
    slug: String,
    name: String,
    role: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    workspaces: Vec<WorkspaceCard>,
}

#[derive(Deserialize)]
struct HomeQuery {
    /// Show the list even with a single workspace (the "Workspaces" link).
    all: Option<String>,
}

async fn home(
    State(s): State<AppState>,
    user: PageUser,
    axum::extract::Query(q): axum::extract::Query<HomeQuery>,
) -> Result<Response, PageError> {
    let workspaces: Vec<WorkspaceCard> = s
        .app
        .workspaces(&user.principal)
        .await?
        .into_iter()
        .map(|(w, r)| WorkspaceCard {
            slug: w.slug,
            name: w.name,
            role: r.to_string(),
        })
        .collect();
    // Someone with a single workspace goes straight to its dashboard.
    if let ([only], None) = (workspaces.as_slice(), &q.all) {
        return Ok(Redirect::to(&format!("/w/{}", only.slug)).into_response());
    }
    Ok(render(&HomePage {
        layout: Layout::new(&user, "home"),
        workspaces,
    }))
}
