//! Reports on the pages: `/w/{ws}/reports` lists the seven kinds with their
//! downloads (PDF, XLSX, CSV, JSON through the API), and
//! `/w/{ws}/reports/{kind}` shows one as a printable page — the same
//! document the PDF typesets.

use super::{render, Layout, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::AppState;
use aims_app::{Block, ReportDoc, ReportKind, ReportOf};
use aims_domain::Action;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

pub fn routes() -> Vec<PageRoute> {
    vec![
        PageRoute::get(
            "/w/{ws}/reports",
            PageRequires::Workspace(Action::Read),
            index,
        ),
        PageRoute::get(
            "/w/{ws}/reports/{kind}",
            PageRequires::Workspace(Action::Read),
            printable,
        ),
    ]
}

/// What each report holds, for the list.
fn about(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::Gap => "Readiness per clause and Annex A area, every gap with what is missing, who owns it and the points fixing it adds, each system's score and the EU AI Act obligations of high-risk systems.",
        ReportKind::Soa => "Every control included or excluded, with its justification, implementation status, owner and evidence.",
        ReportKind::Risks => "Risks per band, the register with inherent, current and residual levels and treatments, and the treatment actions.",
        ReportKind::Impact => "Where each AI system stands with its impact assessment, and the impacts of its latest version.",
        ReportKind::Audit => "The latest internal audit: scope, criteria, checklist results, findings and conclusion.",
        ReportKind::Review => "The latest management review: attendees, the inputs clause 9.3 asks for, minutes, decisions and sign-off.",
        ReportKind::Summary => "For top management: the score, the clauses, what to fix first, certification dates, nonconformities and metrics.",
    }
}

#[derive(Template)]
#[template(path = "reports.html")]
struct IndexPage {
    layout: Layout,
    slug: String,
    kinds: Vec<(ReportKind, &'static str)>,
    pdf: bool,
}

async fn index(State(s): State<AppState>, w: WsPage) -> Result<Response, PageError> {
    Ok(render(&IndexPage {
        layout: Layout::new(&w.user, "reports").in_workspace(&w.scope),
        slug: w.scope.workspace.slug.clone(),
        kinds: ReportKind::ALL.into_iter().map(|k| (k, about(k))).collect(),
        pdf: s.app.can_typeset(),
    }))
}

#[derive(Deserialize, Default)]
struct PrintQuery {
    id: Option<String>,
    version: Option<i64>,
}

#[derive(Template)]
#[template(path = "report_doc.html")]
struct PrintPage {
    slug: String,
    kind: ReportKind,
    doc: ReportDoc,
    /// `&id=…` or `&version=…`: the same report as a file.
    query: String,
    pdf: bool,
}

async fn printable(
    State(s): State<AppState>,
    w: WsPage,
    Path((_, kind)): Path<(String, String)>,
    Query(q): Query<PrintQuery>,
) -> Result<Response, PageError> {
    let kind: ReportKind = kind
        .parse()
        .map_err(|_| PageError::from(aims_app::AppError::NotFound("report")))?;
    let of = ReportOf {
        id: q
            .id
            .clone()
            .filter(|i| !i.is_empty() && kind.of_one_record()),
        soa_version: q.version.filter(|_| kind == ReportKind::Soa),
    };
    let doc = s.app.report_doc(&w.scope, kind, &of).await?;
    let query = match (&of.id, of.soa_version) {
        (Some(id), _) => format!("&id={id}"),
        (None, Some(v)) => format!("&version={v}"),
        (None, None) => String::new(),
    };
    Ok(render(&PrintPage {
        slug: w.scope.workspace.slug.clone(),
        kind,
        doc,
        query,
        pdf: s.app.can_typeset(),
    }))
}
