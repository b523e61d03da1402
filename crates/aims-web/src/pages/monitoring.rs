//! An AI system's monitoring section on its page: the latest fairness
//! report (each grouping's groups with their rates, then how far apart they
//! are), the latest drift report (each column's test and verdict), each with
//! when it was filed and the period of the log it covers, and the trend of
//! each metric linked to the system, drawn small by the metric chart
//! (`metrics::chart_svg_in`). Reports arrive through the API
//! (`aims monitor fairness|drift … --server`).

use super::metrics::{chart_svg_in, Frame};
use super::{when, PageError, When};
use crate::AppState;
use aims_app::store::{MonitoringReportMeta, RecordRow};
use aims_app::{LatestReport, ListRequest};
use aims_domain::metric::{format_instant, parse_instant};
use aims_domain::monitoring::{Drift, Fairness, Report};
use aims_domain::record::METRICS;

/// How many linked metrics the section draws.
pub const TRENDS_MAX: usize = 12;
/// The trends cover this many days back from today.
const TREND_DAYS: i64 = 366;

/// When a report was filed, by whom, and the log's period.
pub struct Filed {
    pub at: When,
    pub by: String,
    pub summary: String,
    /// The log's first and last time as people read them.
    pub period: Option<(String, String)>,
}

/// A metric linked to the system, with its chart over the last year.
pub struct Trend {
    pub id: String,
    pub title: String,
    pub svg: Option<String>,
    pub count: usize,
}

/// What the section shows.
pub struct MonitoringView {
    pub fairness: Option<(Filed, Fairness)>,
    pub drift: Option<(Filed, Drift)>,
    pub trends: Vec<Trend>,
    /// More metrics are linked than drawn.
    pub more_trends: bool,
}

impl MonitoringView {
    pub fn has_reports(&self) -> bool {
        self.fairness.is_some() || self.drift.is_some()
    }
}

/// A number to four decimals, or a dash.
pub fn dec(v: &Option<f64>) -> String {
    aims_domain::monitoring::decimal(*v)
}

/// A time as written in a log: an instant aims reads is shown as a date
/// and time, anything else as it is.
fn log_time(t: &str) -> String {
    match parse_instant(t) {
        Some(at) => when(&format_instant(at)).short,
        None => t.to_owned(),
    }
}

fn filed(meta: &MonitoringReportMeta) -> Filed {
    Filed {
        at: when(&meta.created_at),
        by: meta.created_by.clone(),
        summary: meta.summary.clone(),
        period: meta
            .time_from
            .as_deref()
            .zip(meta.time_to.as_deref())
            .map(|(from, to)| (log_time(from), log_time(to))),
    }
}

pub(super) async fn load(
    s: &AppState,
    scope: &aims_app::Scope,
    system: &RecordRow,
) -> Result<MonitoringView, PageError> {
    let latest = s.app.latest_monitoring(scope, &system.id).await?;
    let fairness = latest.fairness.and_then(|l: LatestReport| match l.report {
        Report::Fairness(f) => Some((filed(&l.meta), f)),
        Report::Drift(_) => None,
    });
    let drift = latest.drift.and_then(|l: LatestReport| match l.report {
        Report::Drift(d) => Some((filed(&l.meta), d)),
        Report::Fairness(_) => None,
    });
    let mut req = ListRequest::linked_to(&system.id);
    req.sort = Some("title".into());
    req.limit = Some(TRENDS_MAX as i64 + 1);
    let metrics = s
        .app
        .records::<RecordRow>(scope, &METRICS, &req)
        .await?
        .items;
    let now = parse_instant(&s.app.now_text()).unwrap_or(0);
    let mut trends = Vec::with_capacity(TRENDS_MAX);
    for (n, m) in metrics.iter().take(TRENDS_MAX).enumerate() {
        let chart = s
            .app
            .metric_chart(scope, &m.id, now - TREND_DAYS * 86_400, now, 200)
            .await?;
        let id = format!("trend-{n}");
        let title = format!("{} over the last year", m.title);
        let frame = Frame {
            id: &id,
            title: &title,
            class: "trend",
            width: 420.0,
            height: 150.0,
            pad: 34.0,
        };
        trends.push(Trend {
            id: m.id.clone(),
            title: m.title.clone(),
            svg: chart_svg_in(&chart, &frame),
            count: chart.count,
        });
    }
    Ok(MonitoringView {
        fairness,
        drift,
        trends,
        more_trends: metrics.len() > TRENDS_MAX,
    })
}
