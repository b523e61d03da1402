//! Internal audits on the pages: an audit's checklist on its page
//! (generate it, record each item's result with its objective evidence —
//! raising a nonconformity in the same step — and sample the evidence
//! behind an item), the printable audit report
//! (`/w/{ws}/audits/{id}/report`) and the audit programme over the cycle
//! (`/w/{ws}/audit-programme`).

use super::{form_value as first, render, Layout, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::input::PageForm;
use crate::AppState;
use aims_app::store::{AuditItemRow, RecordRow};
use aims_app::{AppError, Programme, AUDIT_RESULTS};
use aims_domain::record::AUDITS;
use aims_domain::Action;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub fn routes() -> Vec<PageRoute> {
    use PageRequires::Workspace as W;
    vec![
        PageRoute::post("/w/{ws}/audits/{id}/checklist", W(Action::Update), generate),
        PageRoute::post(
            "/w/{ws}/audits/{id}/checklist/{item}",
            W(Action::Update),
            result,
        ),
        PageRoute::post(
            "/w/{ws}/audits/{id}/checklist/{item}/sample",
            W(Action::Update),
            sample,
        ),
        PageRoute::get("/w/{ws}/audits/{id}/report", W(Action::Read), report),
        PageRoute::get("/w/{ws}/audit-programme", W(Action::Read), programme),
    ]
}

/// An audit's checklist as its page shows it.
pub struct Checklist {
    pub items: Vec<AuditItemRow>,
    pub can_edit: bool,
}

impl Checklist {
    pub fn results(&self) -> &'static [(&'static str, &'static str)] {
        AUDIT_RESULTS
    }

    pub fn done(&self) -> usize {
        self.items.iter().filter(|i| !i.result.is_empty()).count()
    }
}

/// The label of a result.
pub fn result_label(key: &str) -> &'static str {
    AUDIT_RESULTS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("Not yet audited", |(_, l)| l)
}

/// The evidence a sample drew: `(id, title)`.
pub fn sampled(item: &AuditItemRow) -> Vec<(String, String)> {
    serde_json::from_str::<Vec<serde_json::Value>>(&item.sample)
        .unwrap_or_default()
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap_or_default().to_owned(),
                v["title"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

pub(super) async fn load(
    s: &AppState,
    scope: &aims_app::Scope,
    id: &str,
) -> Result<Checklist, PageError> {
    Ok(Checklist {
        items: s.app.audit_checklist(scope, id).await?,
        can_edit: scope.can(AUDITS.access.update),
    })
}

async fn back(
    s: &AppState,
    w: &WsPage,
    id: &str,
    done: Result<(), AppError>,
) -> Result<Response, PageError> {
    match done {
        Ok(()) => Ok(Redirect::to(&format!(
            "/w/{}/audits/{id}?flash=saved#checklist-h",
            w.scope.workspace.slug
        ))
        .into_response()),
        Err(AppError::Validation(e)) => {
            super::record::with_problem(
                s,
                w,
                &AUDITS,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("Not saved: {}.", e.summary()),
            )
            .await
        }
        Err(e @ AppError::Conflict { .. }) => {
            super::record::with_conflict(s, w, &AUDITS, id, format!("Not saved: {e}.")).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn generate(
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    w.user.check_csrf(first(&f, "csrf"))?;
    let only: Vec<String> = first(&f, "only")
        .split([',', ' ', ';'])
        .map(str::to_owned)
        .collect();
    let done = s
        .app
        .generate_checklist(&w.scope, &id, &only)
        .await
        .map(|_| ());
    back(&s, &w, &id, done).await
}

async fn result(
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id, item)): Path<(String, String, String)>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    w.user.check_csrf(first(&f, "csrf"))?;
    let done = s
        .app
        .record_audit_result(
            &w.scope,
            &id,
            &item,
            first(&f, "result"),
            first(&f, "notes"),
            first(&f, "raise") == "on",
        )
        .await
        .map(|_| ());
    back(&s, &w, &id, done).await
}

async fn sample(
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id, item)): Path<(String, String, String)>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    w.user.check_csrf(first(&f, "csrf"))?;
    let done = match first(&f, "size").trim().parse::<usize>() {
        Ok(n) => s
            .app
            .sample_audit_evidence(&w.scope, &id, &item, n)
            .await
            .map(|_| ()),
        Err(_) => Err(AppError::field(
            "size",
            "must be a whole number from 1 to 100",
        )),
    };
    back(&s, &w, &id, done).await
}

#[derive(Template)]
#[template(path = "audit_report.html")]
struct ReportPage {
    slug: String,
    audit: RecordRow,
    items: Vec<AuditItemRow>,
    findings: Vec<aims_app::LinkView>,
}

impl ReportPage {
    fn field(&self, name: &str) -> String {
        AUDITS
            .field(name)
            .map(|f| AUDITS.cell(f, &self.audit.fields))
            .unwrap_or_default()
    }
}

async fn report(
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let audit = s.app.record(&w.scope, &AUDITS, &id).await?;
    let findings = s
        .app
        .links(&w.scope, &AUDITS, &id)
        .await?
        .into_iter()
        .filter(|l| l.relation == "found_in")
        .collect();
    Ok(render(&ReportPage {
        slug: w.scope.workspace.slug.clone(),
        items: s.app.audit_checklist(&w.scope, &id).await?,
        findings,
        audit,
    }))
}

#[derive(Deserialize, Default)]
pub(super) struct ProgrammeQuery {
    from: Option<String>,
}

#[derive(Template)]
#[template(path = "audit_programme.html")]
struct ProgrammePage {
    layout: Layout,
    slug: String,
    p: Programme,
}

impl ProgrammePage {
    fn percent(&self) -> usize {
        (self.p.covered * 100)
            .checked_div(self.p.total)
            .unwrap_or(0)
    }
}

async fn programme(
    State(s): State<AppState>,
    w: WsPage,
    Query(q): Query<ProgrammeQuery>,
) -> Result<Response, PageError> {
    Ok(render(&ProgrammePage {
        layout: Layout::new(&w.user, "audit-programme").in_workspace(&w.scope),
        slug: w.scope.workspace.slug.clone(),
        p: s.app.audit_programme(&w.scope, q.from.as_deref()).await?,
    }))
}
