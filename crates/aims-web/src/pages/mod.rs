//! Server-rendered HTML pages. Each page is an askama template extending
//! `base.html`; htmx fragments are separate templates.

mod admin;
mod auditors;
pub(crate) mod audits;
pub(crate) mod catalog;
mod classification;
mod digest;
mod documents;
pub(crate) mod evidence;
mod findings;
mod impacts;
mod import;
mod intake;
pub(crate) mod journals;
pub(crate) mod metrics;
pub(crate) mod monitoring;
mod people;
pub(crate) mod questionnaires;
pub(crate) mod readiness;
mod record;
mod record_extras;
mod records;
pub(crate) mod reports;
pub(crate) mod reviews;
mod risk_library;
mod risk_method_form;
mod risks;
mod session;
mod soa;
mod trust;
mod webhooks;
mod when;
mod work;
mod workspace;

pub use when::{day, when, When};

pub use aims_domain::record::capitalise;

use crate::auth::PageUser;
use crate::{request_id, AppState};
use aims_app::AppError;
use aims_domain::history::Event;
use aims_domain::{Action, Role};
use askama::Template;
use axum::extract::Request;
use axum::handler::Handler;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{self, MethodRouter};
use axum::Router;

/// What a page route requires. The page role matrix test is generated from
/// the table of routes ([`table`]), and the router is built from the same
/// table, so no page exists without its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageRequires {
    /// Anyone, signed in or not (sign-in, first-run setup).
    Anyone,
    /// Any signed-in person.
    SignedIn,
    /// An instance administrator.
    Admin,
    /// This action in the workspace named by `{ws}`.
    Workspace(Action),
}

/// One page route: method, path, what it requires, and its handler.
pub struct PageRoute {
    pub method: Method,
    pub path: &'static str,
    pub requires: PageRequires,
    handler: MethodRouter<AppState>,
}

impl PageRoute {
    pub fn get<H: Handler<T, AppState>, T: 'static>(
        path: &'static str,
        requires: PageRequires,
        handler: H,
    ) -> PageRoute {
        PageRoute::new(Method::GET, path, requires, routing::get(handler))
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(
        path: &'static str,
        requires: PageRequires,
        handler: H,
    ) -> PageRoute {
        PageRoute::new(Method::POST, path, requires, routing::post(handler))
    }

    pub fn new(
        method: Method,
        path: &'static str,
        requires: PageRequires,
        handler: MethodRouter<AppState>,
    ) -> PageRoute {
        PageRoute {
            method,
            path,
            requires,
            handler,
        }
    }
}

/// Every page route.
fn table() -> Vec<PageRoute> {
    [
        session::routes(),
        workspace::routes(),
        admin::routes(),
        catalog::routes(),
        classification::routes(),
        risks::routes(),
        risk_library::routes(),
        work::routes(),
        documents::routes(),
        intake::routes(),
        people::routes(),
        questionnaires::routes(),
        metrics::routes(),
        findings::routes(),
        audits::routes(),
        readiness::routes(),
        reports::routes(),
        auditors::routes(),
        trust::routes(),
        reviews::routes(),
        impacts::routes(),
        soa::routes(),
        evidence::routes(),
        records::routes(),
        webhooks::routes(),
        digest::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The page routes as (method, path, requirement), for documentation and tests.
pub fn route_table() -> Vec<(Method, &'static str, PageRequires)> {
    table()
        .into_iter()
        .map(|r| (r.method, r.path, r.requires))
        .collect()
}

pub fn router() -> Router<AppState> {
    table()
        .into_iter()
        .fold(Router::new(), |router, r| router.route(r.path, r.handler))
        .layer(axum::middleware::from_fn(same_origin_writes))
}

/// Refuses state-changing page requests that a browser marks as cross-site
/// (`Sec-Fetch-Site`), or whose `Origin` is another site when that header is absent.
/// Together with SameSite cookies and per-session form tokens this is our CSRF
/// defence (the login and setup forms have no session yet, so this guards them).
async fn same_origin_writes(req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let h = req.headers();
        let refused = match h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
            // Every current browser says where a request comes from. Only our
            // own pages may post: not another site, and not a sibling subdomain
            // (`same-site`), which matters for the sign-in and setup forms that
            // have no session token yet.
            Some(site) => site != "same-origin",
            // Older clients: compare Origin with the host they asked for (a
            // proxy may set X-Forwarded-Host).
            None => {
                let host = h
                    .get("x-forwarded-host")
                    .or_else(|| h.get(header::HOST))
                    .and_then(|v| v.to_str().ok());
                match (h.get(header::ORIGIN).and_then(|v| v.to_str().ok()), host) {
                    (Some("null"), _) => true,
                    (Some(origin), Some(host)) => {
                        origin.split("://").nth(1).map(|o| o.trim_end_matches('/')) != Some(host)
                    }
                    _ => false,
                }
            }
        };
        if refused {
            return PageError::Csrf.into_response();
        }
    }
    next.run(req).await
}

/// A form whose only field is the session's CSRF token (sign-out, delete, revoke…).
#[derive(serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// This server's origin as the browser reached it (`http://host:port`,
/// `https://…` behind a proxy that terminates TLS), for links given to
/// people outside aims.
pub(crate) fn origin(headers: &axum::http::HeaderMap) -> String {
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

/// Every value a form sent under `name`, in order (repeated fields, multiple selects).
pub(crate) fn form_values<'a>(form: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    form.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The first value a form sent under `name`; empty when it sent none.
pub(crate) fn form_value<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Why a page could not be shown; rendered as a friendly page with the request id.
#[derive(Debug)]
pub enum PageError {
    App(AppError),
    Csrf,
    BadForm(String),
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError::App(e)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: String,
    request_id: String,
}

pub fn not_found() -> Response {
    PageError::App(AppError::NotFound("page")).into_response()
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            PageError::Csrf => (
                StatusCode::FORBIDDEN,
                "Form expired",
                "This form was not sent from an open aims page, or your session changed. Go back, reload the page and try again.".to_owned(),
            ),
            PageError::BadForm(m) => (StatusCode::BAD_REQUEST, "Bad request", m),
            PageError::App(AppError::NotFound(what)) => (
                StatusCode::NOT_FOUND,
                "Not found",
                format!("This {what} does not exist, or you do not have access to it."),
            ),
            PageError::App(AppError::Forbidden(why)) => (StatusCode::FORBIDDEN, "Not allowed", format!("Your role does not allow this: {why}.")),
            PageError::App(AppError::Unauthenticated) => (StatusCode::UNAUTHORIZED, "Sign in", "Please sign in.".to_owned()),
            PageError::App(AppError::Throttled(s)) => (StatusCode::TOO_MANY_REQUESTS, "Too many attempts", format!("Try again in {s} seconds.")),
            PageError::App(e @ AppError::TooLarge(_)) => (StatusCode::PAYLOAD_TOO_LARGE, "File too large", format!("{e}; nothing was kept.")),
            PageError::App(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => (StatusCode::UNPROCESSABLE_ENTITY, "Cannot save", e.to_string()),
            PageError::App(AppError::Unavailable { message, retry_after_secs }) => {
                let mut resp = (StatusCode::SERVICE_UNAVAILABLE, render(&ErrorPage {
                    title: "Busy",
                    message: format!("{message}."),
                    request_id: request_id::current(),
                }))
                    .into_response();
                if let Ok(v) = axum::http::HeaderValue::from_str(&retry_after_secs.to_string()) {
                    resp.headers_mut().insert(header::RETRY_AFTER, v);
                }
                return resp;
            }
            PageError::App(AppError::Internal(details)) => {
                tracing::error!(error = %details, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", "Nothing was changed. If it happens again, give your administrator the request id below.".to_owned())
            }
        };
        let page = ErrorPage {
            title,
            message,
            request_id: request_id::current(),
        };
        (status, render(&page)).into_response()
    }
}

/// Renders a template; a template failure is logged and shown as a short error.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

/// A workspace area in the navigation.
pub struct NavItem {
    pub key: &'static str,
    pub label: &'static str,
    pub path: &'static str,
    pub ready: bool,
    pub blurb: &'static str,
}

const fn item(
    key: &'static str,
    label: &'static str,
    path: &'static str,
    ready: bool,
    blurb: &'static str,
) -> NavItem {
    NavItem {
        key,
        label,
        path,
        ready,
        blurb,
    }
}

pub const NAV: &[(&str, &[NavItem])] = &[
    ("Overview", &[
        item("dashboard", "Dashboard", "", true, "Status of the whole management system."),
        item("work", "My work", "/work", true, "Every dated duty you own: overdue first, then what falls due."),
        item("readiness", "Readiness", "/readiness", true, "How far from passing the audit: scores per clause, area and system, and every gap with where to fix it."),
        item("reports", "Reports", "/reports", true, "The gap report, SoA, risk register, impact assessments, audit and review records and a summary for top management, as PDF, XLSX or a printable page."),
    ]),
    ("Context", &[
        item("inventory", "AI systems", "/inventory", true, "AI systems with owners, roles, life-cycle stage, scope and EU AI Act tier."),
        item("models", "Models", "/models", true, "AI models: provider, licence, training data and metrics."),
        item("datasets", "Data sets", "/datasets", true, "Data for training, evaluation and operation: provenance, personal data, quality."),
        item("resources", "Resources", "/resources", true, "Tooling, computing and third-party AI services."),
        item("context", "Context issues", "/context", true, "External and internal issues that affect the AIMS."),
        item("parties", "Interested parties", "/parties", true, "Who has a stake in the AIMS and what they need."),
        item("scope", "Scope", "/scope", true, "The AIMS scope statement, approved by a manager."),
    ]),
    ("Plan", &[
        item("risks", "Risks", "/risks", true, "The AI risk register: likelihood and impact, inherent and residual, treatment by controls."),
        item("risk-heatmap", "Risk heat map", "/risks/heatmap", true, "Where the risks sit on the method's grid, inherent beside residual."),
        item("risk-actions", "Treatment actions", "/risk-actions", true, "Actions that treat risks, with owners and due dates."),
        item("risk-method", "Risk method", "/risk-method", true, "Scales, grid, bands and who may accept which band; versioned."),
        item("risk-library", "Risk library", "/risk-library", true, "Starting points for common AI risks; pick one to create a draft."),
        item("impact", "Impact assessments", "/impact", true, "AI system impact assessments for individuals, groups and society."),
        item("controls", "Controls", "/controls", true, "How each control is implemented: owner, status, frequency, last test, the risks it treats and its evidence."),
        item("soa", "Statement of Applicability", "/soa", true, "Every Annex A control included or excluded, with its justification, status, owner and evidence; versioned and approved."),
        item("objectives", "Objectives", "/objectives", true, "Measurable AI objectives with owners, targets, due dates and progress."),
        item("changes", "Changes", "/changes", true, "Planned changes to the AIMS or an AI system, approved by a manager."),
    ]),
    ("Do", &[
        item("evidence", "Evidence", "/evidence", true, "Proof for every control: uploaded, linked or pushed from CI, with the period it covers and until when it counts."),
        item("evidence-requests", "Evidence requests", "/evidence-requests", true, "Evidence asked of an owner by a date."),
        item("documents", "Documents", "/documents", true, "Policies, procedures and records with controlled versions, approvals and acknowledgements."),
        item("raci", "Responsibilities", "/raci", true, "Who is responsible, accountable, consulted and informed for each AIMS activity."),
        item("people", "People", "/people", true, "Each member's responsibilities, the trainings that count, and what they lack."),
        item("trainings", "Trainings", "/trainings", true, "Training, qualifications and awareness, with expiry."),
        item("communications", "Communication", "/communications", true, "What is communicated, to whom, by whom, how and when."),
        item("suppliers", "Suppliers", "/suppliers", true, "Third-party AI suppliers and services, their responsibilities, risk and reviews."),
        item("commitments", "Customer commitments", "/commitments", true, "What was promised to customers about the organisation's AI."),
        item("incidents", "Incidents", "/incidents", true, "AI incidents and concerns, with the EU AI Act Art. 73 reporting deadline."),
    ]),
    ("Check & Act", &[
        item("metrics", "Metrics", "/metrics", true, "What is measured, against which thresholds: charts, breaches and stale metrics."),
        item("audits", "Audits", "/audits", true, "Internal and external audits: scope, auditors, checklists, sampling and reports."),
        item("audit-programme", "Audit programme", "/audit-programme", true, "What the cycle's audits have covered, and what they have not yet."),
        item("findings", "Findings", "/findings", true, "What audits found, graded; a nonconformity is raised in one step."),
        item("nonconformities", "Nonconformities", "/nonconformities", true, "Correction, root cause, corrective actions and an independent check that they worked."),
        item("corrective-actions", "Corrective actions", "/corrective-actions", true, "Actions that remove the causes of nonconformities."),
        item("improvements", "Improvement", "/improvements", true, "Opportunities for continual improvement and what came of them."),
        item("reviews", "Management review", "/reviews", true, "Reviews by top management with their inputs compiled, decisions and sign-off."),
        item("certification", "Certification", "/certification", true, "Stage 1 and 2, the certificate, surveillance and recertification."),
        item("reports", "Reports", "/reports", false, "Readiness, crosswalks and audit-ready exports."),
    ]),
    ("Workspace", &[
        item("activity", "Activity", "/activity", true, "The tamper-evident history of every change."),
        item("settings", "Settings", "/settings", true, "Members, roles and API tokens."),
    ]),
];

/// The workspace shown in the layout.
pub struct WsNav {
    pub slug: String,
    pub name: String,
    pub role: String,
}

/// What every page of the signed-in layout needs.
pub struct Layout {
    pub user_label: String,
    pub is_admin: bool,
    pub csrf: String,
    pub workspace: Option<WsNav>,
    pub active: &'static str,
    pub flash: Option<String>,
    pub nav: &'static [(&'static str, &'static [NavItem])],
}

impl Layout {
    pub fn new(user: &PageUser, active: &'static str) -> Layout {
        Layout {
            user_label: user.principal.label.clone(),
            is_admin: user.principal.is_admin(),
            csrf: user.csrf.clone(),
            workspace: None,
            active,
            flash: None,
            nav: NAV,
        }
    }

    pub fn in_workspace(mut self, scope: &aims_app::Scope) -> Layout {
        self.workspace = Some(WsNav {
            slug: scope.workspace.slug.clone(),
            name: scope.workspace.name.clone(),
            role: scope.role_label(),
        });
        self
    }

    pub fn flash(mut self, msg: Option<String>) -> Layout {
        self.flash = msg;
        self
    }
}

/// An event as the timeline shows it.
pub struct EventView {
    pub seq: i64,
    pub at: When,
    pub actor_label: String,
    pub action: String,
    pub record_type: String,
    pub title: String,
    pub summary: String,
}

impl From<Event> for EventView {
    fn from(e: Event) -> Self {
        let change: serde_json::Value = serde_json::from_str(&e.change).unwrap_or_default();
        let fields = change.get("fields").unwrap_or(&change);
        let title = ["name", "title", "email", "slug", "to_title"]
            .iter()
            .find_map(|k| match fields.get(*k).or_else(|| change.get(*k)) {
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(serde_json::Value::Array(a)) => {
                    a.get(1).and_then(|v| v.as_str()).map(str::to_owned)
                }
                _ => None,
            })
            .unwrap_or_default();
        let summary = if e.action == "update" {
            change
                .as_object()
                .map(|o| {
                    format!(
                        "changed {}",
                        o.keys().cloned().collect::<Vec<_>>().join(", ")
                    )
                })
                .unwrap_or_default()
        } else if e.action == "monitoring_report" {
            change["summary"].as_str().map_or_else(String::new, |s| {
                let kind = match change["kind"].as_str() {
                    Some("drift") => "Drift",
                    _ => "Fairness",
                };
                format!("{kind} report: {s}")
            })
        } else if e.action == "classify" {
            let tier = |v: &serde_json::Value| v.as_str().unwrap_or("none").replace('_', " ");
            match &change["risk_tier"] {
                serde_json::Value::Array(a) if a.len() == 2 => {
                    format!("EU AI Act risk tier: {} → {}", tier(&a[0]), tier(&a[1]))
                }
                v => format!("EU AI Act risk tier: {}", tier(v)),
            }
        } else {
            String::new()
        };
        EventView {
            seq: e.seq,
            at: when(&e.at),
            actor_label: e.actor_label,
            action: e.action,
            record_type: e
                .record_type
                .replace('_', " ")
                .replace("ai ", "AI ")
                .replace("api ", "API "),
            title,
            summary,
        }
    }
}

pub fn roles() -> Vec<(&'static str, &'static str)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str(), r.describe()))
        .collect()
}
