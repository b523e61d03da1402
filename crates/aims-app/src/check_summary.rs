//! What the workspace's dashboard shows of check and act: metrics in
//! breach or stale (the alerts), open nonconformities and overdue
//! corrective actions, the next management review, and the certification
//! countdowns (certificate expiry, the next certification audit planned).

use crate::{App, Result, Scope};
use aims_domain::metric::{is_stale, parse_instant, Level};
use aims_domain::record::{CERTIFICATION, CORRECTIVE_ACTIONS, METRICS, NONCONFORMITIES, REVIEWS};
use serde::Serialize;
use serde_json::Value;

/// A record named on the dashboard: `(id, title, detail)`, with the days
/// left to its date when it has one (negative: past).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub page: &'static str,
    pub id: String,
    pub title: String,
    pub detail: String,
    pub days: Option<i64>,
}

/// The dashboard's check-and-act figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CheckSummary {
    /// Metrics at warning or critical now.
    pub breached: Vec<Named>,
    /// Metrics with no value for longer than their interval.
    pub stale: Vec<Named>,
    pub open_nonconformities: usize,
    pub overdue_actions: usize,
    pub next_review: Option<Named>,
    pub certificate: Option<Named>,
    pub next_certification_audit: Option<Named>,
    /// Open duties of any record (reviews, due dates, expiries) past their day.
    pub overdue_duties: i64,
    /// Controls not excluded from the SoA with no current evidence.
    pub controls_needing_evidence: usize,
    /// Controls not excluded with evidence past its validity.
    pub controls_with_stale_evidence: usize,
}

fn text<'a>(f: &'a aims_domain::record::Fields, name: &str) -> &'a str {
    f.get(name).and_then(Value::as_str).unwrap_or("")
}

/// A metric with where it stands now.
pub(crate) struct MetricStanding {
    pub record: aims_store::RecordRow,
    /// `(level, last value)` when at warning or critical.
    pub breach: Option<(String, f64)>,
    /// No value for longer than its interval.
    pub stale: bool,
}

impl App {
    /// Every metric with its level now and whether it stopped reporting.
    pub(crate) async fn metric_standings(&self, ws: &Scope) -> Result<Vec<MetricStanding>> {
        let now = parse_instant(&self.now()).unwrap_or(0);
        let states = {
            let mut c = self.store.conn().await?;
            c.conn().metric_states(&ws.workspace.id).await?
        };
        Ok(self
            .all_records(ws, &METRICS, &Default::default())
            .await?
            .into_iter()
            .map(|m| {
                let state = states.iter().find(|s| s.metric_id == m.id);
                let settings = crate::settings_of(&m.fields);
                let created = parse_instant(&m.created_at).unwrap_or(now);
                MetricStanding {
                    breach: state
                        .filter(|s| s.level != Level::Normal.key())
                        .map(|s| (s.level.clone(), s.last_value)),
                    stale: settings
                        .interval
                        .is_some_and(|i| is_stale(state.map(|s| s.last_at), created, i, now)),
                    record: m,
                }
            })
            .collect())
    }

    pub async fn check_summary(&self, ws: &Scope) -> Result<CheckSummary> {
        let today = self.today();
        let days = |d: &str| aims_domain::date::days_between(&today, d);
        let mut out = CheckSummary::default();
        for m in self.metric_standings(ws).await? {
            if let Some((level, value)) = &m.breach {
                out.breached.push(Named {
                    page: METRICS.page,
                    id: m.record.id.clone(),
                    title: m.record.title.clone(),
                    detail: format!("{level} at {value}"),
                    days: None,
                });
            }
            if m.stale {
                out.stale.push(Named {
                    page: METRICS.page,
                    id: m.record.id.clone(),
                    title: m.record.title.clone(),
                    detail: "no value since it was due".into(),
                    days: None,
                });
            }
        }
        out.open_nonconformities = self
            .all_records(ws, &NONCONFORMITIES, &Default::default())
            .await?
            .iter()
            .filter(|n| text(&n.fields, "status") != "closed")
            .count();
        out.overdue_actions = self
            .all_records(ws, &CORRECTIVE_ACTIONS, &Default::default())
            .await?
            .iter()
            .filter(|a| !matches!(text(&a.fields, "status"), "done" | "cancelled"))
            .filter(|a| {
                let d = text(&a.fields, "due_on");
                !d.is_empty() && d < today.as_str()
            })
            .count();
        out.next_review = self
            .all_records(ws, &REVIEWS, &Default::default())
            .await?
            .into_iter()
            .filter(|r| {
                text(&r.fields, "status") == "scheduled" || text(&r.fields, "status").is_empty()
            })
            .filter(|r| !text(&r.fields, "scheduled_on").is_empty())
            .min_by_key(|r| text(&r.fields, "scheduled_on").to_owned())
            .map(|r| {
                let d = text(&r.fields, "scheduled_on").to_owned();
                Named {
                    page: REVIEWS.page,
                    days: days(&d),
                    detail: d,
                    id: r.id,
                    title: r.title,
                }
            });
        let events = self
            .all_records(ws, &CERTIFICATION, &Default::default())
            .await?;
        out.certificate = events
            .iter()
            .filter(|e| {
                text(&e.fields, "type") == "certificate"
                    && !text(&e.fields, "valid_until").is_empty()
            })
            .max_by_key(|e| text(&e.fields, "valid_until"))
            .map(|e| {
                let d = text(&e.fields, "valid_until").to_owned();
                Named {
                    page: CERTIFICATION.page,
                    days: days(&d),
                    detail: d,
                    id: e.id.clone(),
                    title: e.title.clone(),
                }
            });
        out.next_certification_audit = events
            .iter()
            .filter(|e| {
                text(&e.fields, "status") == "planned" && !text(&e.fields, "planned_on").is_empty()
            })
            .min_by_key(|e| text(&e.fields, "planned_on"))
            .map(|e| {
                let d = text(&e.fields, "planned_on").to_owned();
                Named {
                    page: CERTIFICATION.page,
                    days: days(&d),
                    detail: d,
                    id: e.id.clone(),
                    title: e.title.clone(),
                }
            });
        out.overdue_duties = {
            let mut c = self.store.conn().await?;
            c.conn().duties_before(&ws.workspace.id, &today).await?
        };
        let (soa, _) = self.soa(ws).await?;
        let counted = soa
            .lines
            .iter()
            .filter(|l| l.row.decision != aims_domain::soa::Decision::Excluded);
        for l in counted {
            out.controls_needing_evidence += usize::from(l.needs_evidence);
            out.controls_with_stale_evidence += usize::from(l.facts.evidence.stale > 0);
        }
        Ok(out)
    }
}
