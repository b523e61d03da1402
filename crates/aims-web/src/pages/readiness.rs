//! Readiness on the pages (`/w/{ws}/readiness`): the overall score, each
//! clause and Annex A area as SVG bars, the trend of the overall score, the
//! gaps with what is missing and a link to the page that fixes each, each
//! system's score, EU AI Act readiness per high-risk system, and the rules
//! themselves. The dashboard shows the score and the top gaps.

use super::{render, Layout, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::AppState;
use aims_app::ReadinessDay;
use aims_domain::readiness::{rules, Gap, Readiness, Score};
use aims_domain::Action;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use std::sync::Arc;

pub fn routes() -> Vec<PageRoute> {
    vec![
        PageRoute::get(
            "/w/{ws}/readiness",
            PageRequires::Workspace(Action::Read),
            readiness,
        ),
        PageRoute::get(
            "/w/{ws}/pack",
            PageRequires::Workspace(Action::Export),
            pack,
        ),
    ]
}

/// The signed evidence pack as a download (`from`, `to`, `controls` as the API takes them).
async fn pack(
    State(s): State<AppState>,
    w: WsPage,
    Query(q): Query<crate::api::pack::PackQuery>,
) -> Result<Response, PageError> {
    let options = q.options()?;
    Ok(crate::api::pack::send_pack(&s, &w.scope, &options).await?)
}

/// Gaps shown at once; the rest are counted (the API lists them all).
const GAPS_SHOWN: usize = 200;

#[derive(Deserialize, Default)]
struct GapQuery {
    /// Only the gaps of one clause (`6`) or area (`A.6`).
    of: Option<String>,
}

/// The trend as an SVG polyline: `(points, first day, last day)`.
pub(crate) fn trend_points(days: &[ReadinessDay]) -> Option<(String, String, String)> {
    let (first, last) = (days.first()?, days.last()?);
    if days.len() < 2 {
        return None;
    }
    let step = 600.0 / (days.len() - 1) as f64;
    let points = days
        .iter()
        .enumerate()
        .map(|(i, d)| format!("{:.1},{:.1}", i as f64 * step, 100.0 - f64::from(d.percent)))
        .collect::<Vec<_>>()
        .join(" ");
    Some((points, first.day.clone(), last.day.clone()))
}

#[derive(Template)]
#[template(path = "readiness.html")]
struct ReadinessPage {
    layout: Layout,
    slug: String,
    r: Arc<Readiness>,
    gaps: Vec<Gap>,
    gaps_total: usize,
    of: String,
    trend: Option<(String, String, String)>,
    systems: Vec<Score>,
    rules: &'static [rules::Rule],
    control_rules: &'static [rules::ControlRule],
    /// Whether this build makes PDF reports.
    pdf: bool,
}

impl ReadinessPage {
    fn gain(&self, g: &Gap) -> String {
        format!("{:.2}", g.gain)
    }
}

async fn readiness(
    State(s): State<AppState>,
    w: WsPage,
    Query(q): Query<GapQuery>,
) -> Result<Response, PageError> {
    let r = s.app.readiness(&w.scope).await?;
    let trend = s.app.readiness_trend(&w.scope, 90).await?;
    let of = q.of.unwrap_or_default();
    let matching: Vec<&Gap> = r
        .gaps
        .iter()
        .filter(|g| of.is_empty() || aims_domain::readiness::parent_of(&g.requirement) == of)
        .collect();
    let mut systems = r.systems.clone();
    systems.sort_by(|a, b| {
        a.score
            .total_cmp(&b.score)
            .then_with(|| a.title.cmp(&b.title))
    });
    systems.truncate(50);
    Ok(render(&ReadinessPage {
        layout: Layout::new(&w.user, "readiness").in_workspace(&w.scope),
        slug: w.scope.workspace.slug.clone(),
        gaps_total: matching.len(),
        gaps: matching.into_iter().take(GAPS_SHOWN).cloned().collect(),
        of,
        trend: trend_points(&trend),
        systems,
        rules: rules::RULES,
        control_rules: rules::CONTROL_RULES,
        pdf: s.app.can_typeset(),
        r,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trend_needs_two_days_and_runs_from_the_first_to_the_last() {
        let day = |d: &str, p| ReadinessDay {
            day: d.into(),
            percent: p,
        };
        assert!(trend_points(&[]).is_none());
        assert!(trend_points(&[day("2026-01-01", 5)]).is_none());
        let (points, from, to) = trend_points(&[
            day("2026-01-01", 0),
            day("2026-01-02", 50),
            day("2026-01-03", 100),
        ])
        .unwrap_or_default();
        assert_eq!(points, "0.0,100.0 300.0,50.0 600.0,0.0");
        assert_eq!((from.as_str(), to.as_str()), ("2026-01-01", "2026-01-03"));
    }
}
