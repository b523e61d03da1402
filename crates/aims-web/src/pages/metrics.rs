//! A metric's page beyond its fields: where it stands (last value, level,
//! stale or not, the next value due), its values over a chosen range drawn
//! as SVG with the thresholds dashed and the breaches marked (downsampled
//! by the domain without losing a breach), its breach episodes, and a form
//! to record a value by hand (`POST /w/{ws}/metrics/{id}/measurements`).

use super::{form_value as first, PageError, PageRequires, PageRoute};
use crate::auth::WsPage;
use crate::input::PageForm;
use crate::AppState;
use aims_app::{AppError, Chart, MeasurementIn, MetricStatus};
use aims_domain::metric::{format_instant, parse_instant, Level};
use aims_domain::record::METRICS;
use aims_domain::Action;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use std::fmt::Write;

pub fn routes() -> Vec<PageRoute> {
    vec![PageRoute::post(
        "/w/{ws}/metrics/{id}/measurements",
        PageRequires::Workspace(Action::Update),
        record_value,
    )]
}

/// The ranges a metric's chart offers: `(key, label, days)`.
pub const RANGES: &[(&str, &str, i64)] = &[
    ("30d", "30 days", 30),
    ("90d", "90 days", 90),
    ("1y", "1 year", 366),
    ("3y", "3 years", 1096),
];

/// What the page shows of a metric.
pub struct MetricView {
    pub status: MetricStatus,
    pub svg: Option<String>,
    pub count: usize,
    pub range: &'static str,
    pub can_record: bool,
    pub error: Option<String>,
}

impl MetricView {
    pub fn level_label(&self) -> &'static str {
        match self.status.level {
            Level::Normal => "Within thresholds",
            Level::Warning => "Warning",
            Level::Critical => "Critical",
        }
    }

    pub fn ranges(&self) -> &'static [(&'static str, &'static str, i64)] {
        RANGES
    }
}

pub(super) async fn load(
    s: &AppState,
    scope: &aims_app::Scope,
    id: &str,
    range: Option<&str>,
) -> Result<MetricView, PageError> {
    let (key, _, days) = RANGES
        .iter()
        .copied()
        .find(|(k, _, _)| Some(*k) == range)
        .unwrap_or(RANGES[2]);
    let now = parse_instant(&s.app.now_text()).unwrap_or(0);
    let chart = s
        .app
        .metric_chart(scope, id, now - days * 86_400, now, 600)
        .await?;
    Ok(MetricView {
        status: s.app.metric_status(scope, id).await?,
        svg: chart_svg(&chart),
        count: chart.count,
        range: key,
        can_record: scope.can(METRICS.access.update),
        error: None,
    })
}

/// Where and how big a chart is drawn: its element ids start with `id`
/// (unique on the page), `title` names it for screen readers.
pub struct Frame<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub class: &'a str,
    pub width: f64,
    pub height: f64,
    pub pad: f64,
}

/// A metric's own chart, on its page.
pub const FULL: Frame<'static> = Frame {
    id: "metric",
    title: "Values over time",
    class: "metric-chart",
    width: 720.0,
    height: 240.0,
    pad: 44.0,
};

/// The chart as SVG: the series, the warning and critical thresholds
/// dashed, each breaching point marked by its level; `None` without points.
pub fn chart_svg(c: &Chart) -> Option<String> {
    chart_svg_in(c, &FULL)
}

/// [`chart_svg`] drawn in `frame`.
pub fn chart_svg_in(c: &Chart, frame: &Frame<'_>) -> Option<String> {
    let (w, h, pad) = (frame.width, frame.height, frame.pad);
    let first = c.points.first()?;
    let (t0, t1) = (c.from.min(first.at), c.to.max(c.points.last()?.at));
    let mut lo = c
        .points
        .iter()
        .map(|p| p.value)
        .fold(f64::INFINITY, f64::min);
    let mut hi = c
        .points
        .iter()
        .map(|p| p.value)
        .fold(f64::NEG_INFINITY, f64::max);
    for t in [c.thresholds.warning, c.thresholds.critical]
        .into_iter()
        .flatten()
    {
        lo = lo.min(t);
        hi = hi.max(t);
    }
    if (hi - lo).abs() < f64::EPSILON {
        hi = lo + 1.0;
    }
    let span = (t1 - t0).max(1) as f64;
    let x = |t: i64| pad + (t - t0) as f64 / span * (w - 2.0 * pad);
    let y = |v: f64| h - pad - (v - lo) / (hi - lo) * (h - 2.0 * pad);
    let unit = super::record_extras::esc(&c.unit);
    let (id, frame_class) = (
        super::record_extras::esc(frame.id),
        super::record_extras::esc(frame.class),
    );
    let title = super::record_extras::esc(frame.title);
    let breaches = c.points.iter().filter(|p| p.level.is_breach()).count();
    let mut svg = String::with_capacity(c.points.len() * 16 + 1024);
    let _ = write!(
        svg,
        "<svg class=\"chart {frame_class}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{} values from {} to {}, lowest {lo} {unit}, highest {hi} {unit}; {breaches} points at or past a threshold.</desc>",
        c.count,
        &format_instant(t0)[..10],
        &format_instant(t1)[..10],
    );
    let (b, r) = (h - pad, w - pad);
    let _ = write!(
        svg,
        "<line x1=\"{pad}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" class=\"axis\"/><text x=\"{pad}\" y=\"{ty}\" class=\"tick\">{}</text><text x=\"{r}\" y=\"{ty}\" class=\"tick\" text-anchor=\"end\">{}</text><text x=\"4\" y=\"{yh:.1}\" class=\"tick\">{}</text><text x=\"4\" y=\"{yl:.1}\" class=\"tick\">{}</text>",
        super::day(&format_instant(t0)[..10]),
        super::day(&format_instant(t1)[..10]),
        short(hi),
        short(lo),
        ty = b + 16.0,
        yh = y(hi) + 4.0,
        yl = y(lo) + 4.0,
    );
    for (t, class, name) in [
        (c.thresholds.warning, "threshold warning", "warning"),
        (c.thresholds.critical, "threshold critical", "critical"),
    ] {
        if let Some(t) = t {
            let _ = write!(
                svg,
                "<line x1=\"{pad}\" y1=\"{yt:.1}\" x2=\"{r}\" y2=\"{yt:.1}\" class=\"{class}\"/><text x=\"{r}\" y=\"{ly:.1}\" class=\"tick\" text-anchor=\"end\">{name} {t}</text>",
                yt = y(t),
                ly = y(t) - 4.0,
            );
        }
    }
    svg.push_str("<polyline class=\"series\" points=\"");
    for p in &c.points {
        let _ = write!(svg, "{:.1},{:.1} ", x(p.at), y(p.value));
    }
    svg.push_str("\"/>");
    for p in c.points.iter().filter(|p| p.level.is_breach()) {
        let _ = write!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" class=\"breach {}\"><title>{} {unit} on {}</title></circle>",
            x(p.at),
            y(p.value),
            p.level.key(),
            p.value,
            &format_instant(p.at)[..10],
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// A number short enough for an axis label.
fn short(v: f64) -> String {
    if v.abs() >= 1000.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}").trim_end_matches('0').to_owned()
    }
}

async fn record_value(
    State(s): State<AppState>,
    w: WsPage,
    Path((_, id)): Path<(String, String)>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    w.user.check_csrf(first(&f, "csrf"))?;
    let value = first(&f, "value").trim().parse::<f64>();
    let at = first(&f, "measured_at").trim();
    let result = match value {
        Ok(v) => {
            let m = MeasurementIn {
                value: v,
                // A datetime-local field has no offset: read it as UTC.
                measured_at: (!at.is_empty()).then(|| {
                    if at.len() == 16 {
                        format!("{at}:00Z")
                    } else {
                        at.to_owned()
                    }
                }),
                note: Some(first(&f, "note").to_owned()),
                ..Default::default()
            };
            s.app
                .record_measurements(&w.scope, &id, &[m])
                .await
                .map(|_| ())
        }
        Err(_) => Err(AppError::field("items[0].value", "must be a number")),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/w/{}/metrics/{id}?flash=measured#metric-h",
            w.scope.workspace.slug
        ))
        .into_response()),
        Err(AppError::Validation(e)) => {
            let message = e
                .iter()
                .map(|(_, m)| m.join("; "))
                .collect::<Vec<_>>()
                .join(". ");
            super::record::with_metric_error(&s, &w, &id, message).await
        }
        Err(e) => Err(e.into()),
    }
}
