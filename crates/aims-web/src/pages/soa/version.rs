//! One version of the Statement of Applicability read-only, with what
//! changed since another (`/w/{ws}/soa/versions/{number}`), and the
//! printable statement (`/w/{ws}/soa/print`), a page of its own without
//! the navigation.

use super::display::{
    catalog_id, decision_label, decision_of, field_label, head, line_views, state_label, Head,
    LineView,
};
use crate::auth::WsPage;
use crate::pages::{render, when, Layout, PageError, When};
use crate::AppState;
use aims_app::{AppError, SoaVersion};
use aims_domain::soa::Reason;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use std::collections::HashMap;

/// A version number in the path: a whole number from 1, else "not found".
fn number_of(text: &str) -> Result<i64, PageError> {
    match text.parse::<i64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(AppError::NotFound("Statement of Applicability version").into()),
    }
}

/// One difference between two versions, as the table shows it.
struct ChangeView {
    control: String,
    field: &'static str,
    old: String,
    new: String,
}

#[derive(Template)]
#[template(path = "soa_version.html")]
struct VersionPage {
    layout: Layout,
    slug: String,
    head: Head,
    lines: Vec<LineView>,
    /// The other versions to compare with: (number, state label, chosen).
    others: Vec<(i64, &'static str, bool)>,
    compare: Option<i64>,
    changes: Vec<ChangeView>,
}

#[derive(Deserialize)]
pub(super) struct VersionQuery {
    compare: Option<String>,
}

/// Risk id → title, from the risk-treatment reasons of `versions`' rows.
fn risk_titles(versions: &[&SoaVersion]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for l in versions.iter().flat_map(|v| v.lines.iter()) {
        let ids = l.row.reasons.iter().flat_map(|r| match r {
            Reason::RiskTreatment { risks } => risks.as_slice(),
            _ => &[],
        });
        for (id, title) in ids.zip(&l.risk_titles) {
            out.insert(id.clone(), title.clone());
        }
    }
    out
}

/// A changed value as people read it: a decision by its label, the risks
/// a reason names by their titles.
fn change_value(field: &str, text: &str, risks: &HashMap<String, String>) -> String {
    match (field, decision_of(text)) {
        ("decision" | "row", Some(d)) => decision_label(d).to_owned(),
        ("reasons", _) => risks
            .iter()
            .fold(text.to_owned(), |t, (id, title)| t.replace(id, title)),
        _ => text.to_owned(),
    }
}

pub(super) async fn version_page(
    State(s): State<AppState>,
    page: WsPage,
    Path((_, number)): Path<(String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, PageError> {
    let scope = &page.scope;
    let number = number_of(&number)?;
    let v = s.app.soa_version(scope, number).await?;
    let (_, list) = s.app.soa(scope).await?;
    let compare = match q.compare.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(number_of(c)?),
        None => None,
    };
    let title_of = |control: &str| {
        let id = catalog_id(control);
        v.lines
            .iter()
            .find(|l| l.row.control == control)
            .map_or_else(|| id.to_owned(), |l| format!("{id} {}", l.title))
    };
    let changes = match compare {
        Some(m) => {
            let other = s.app.soa_version(scope, m).await?;
            let risks = risk_titles(&[&v, &other]);
            s.app
                .soa_changes(scope, m, number)
                .await?
                .into_iter()
                .map(|c| ChangeView {
                    control: title_of(&c.control),
                    field: field_label(c.field),
                    old: change_value(c.field, &c.old, &risks),
                    new: change_value(c.field, &c.new, &risks),
                })
                .collect()
        }
        None => vec![],
    };
    let slug = scope.workspace.slug.clone();
    Ok(render(&VersionPage {
        layout: Layout::new(&page.user, "soa").in_workspace(scope),
        head: head(&s, &page, &v).await,
        lines: line_views(&slug, &v),
        others: list
            .iter()
            .filter(|o| o.number != number)
            .map(|o| (o.number, state_label(&o.state), compare == Some(o.number)))
            .collect(),
        compare,
        changes,
        slug,
    }))
}

#[derive(Template)]
#[template(path = "soa_print.html")]
struct PrintPage {
    slug: String,
    organisation: String,
    head: Head,
    lines: Vec<LineView>,
    printed: When,
}

#[derive(Deserialize)]
pub(super) struct PrintQuery {
    version: Option<String>,
}

pub(super) async fn print(
    State(s): State<AppState>,
    page: WsPage,
    Query(q): Query<PrintQuery>,
) -> Result<Response, PageError> {
    let scope = &page.scope;
    let v = match q.version.as_deref().filter(|v| !v.is_empty()) {
        Some(n) => s.app.soa_version(scope, number_of(n)?).await?,
        None => s.app.soa(scope).await?.0,
    };
    let now = s
        .app
        .clock
        .now()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let slug = scope.workspace.slug.clone();
    Ok(render(&PrintPage {
        organisation: scope.workspace.name.clone(),
        head: head(&s, &page, &v).await,
        lines: line_views(&slug, &v),
        printed: when(&now),
        slug,
    }))
}
