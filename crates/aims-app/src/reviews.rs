//! Management review (9.3): the inputs the standard asks top management to
//! consider, compiled from live data as they stood on the review's date —
//! nobody types them: the actions decided at the previous review and where
//! each stands now (carried forward, computed), changes in the context and
//! in interested parties since then, the open nonconformities, the audits
//! completed since and what they found, metric breaches, objectives'
//! progress, incidents, and open improvement opportunities. Signing off is
//! a manager's approval of a held review: the inputs are frozen with the
//! approved version and the record is locked from then on.

use crate::{App, AppError, Result, Scope};
use aims_domain::record::{
    kind_by_record_type, Fields, AUDITS, FINDINGS, IMPROVEMENTS, INCIDENTS, NONCONFORMITIES,
    OBJECTIVES, REVIEWS,
};
use aims_store::RecordRow;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The status of a signed-off review.
pub const SIGNED_OFF: &str = "signed_off";

/// One record in the inputs: enough to read it and follow the link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputLine {
    /// The kind's page path segment (`nonconformities`).
    pub page: String,
    pub id: String,
    pub title: String,
    /// What stands out about it (`major · open · due 12 Dec 2026`).
    pub detail: String,
    /// Whether it needs attention (overdue, breached, not achieved).
    pub flag: bool,
}

/// The inputs of one management review, as of a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewInputs {
    /// The day they stood as of.
    pub as_of: String,
    /// The previous review (held before this one), whose decisions carry.
    pub previous: Option<InputLine>,
    /// Actions decided at the previous review, with where each stands now.
    pub carried_forward: Vec<InputLine>,
    /// Context issues and interested parties changed since the previous review.
    pub context_changes: Vec<InputLine>,
    pub open_nonconformities: Vec<InputLine>,
    /// Audits completed since the previous review (or the last one), with
    /// their findings by grade.
    pub audits: Vec<InputLine>,
    /// Metric breach episodes since the previous review.
    pub breaches: Vec<InputLine>,
    pub objectives: Vec<InputLine>,
    pub incidents: Vec<InputLine>,
    pub improvements: Vec<InputLine>,
}

impl ReviewInputs {
    /// The sections of the inputs, in the order clause 9.3.2 lists them:
    /// `(heading, lines, what an empty one says)`.
    pub fn sections(&self) -> Vec<(&'static str, &Vec<InputLine>, &'static str)> {
        let i = self;
        vec![
            (
                "Actions from the previous review",
                &i.carried_forward,
                "No actions were decided at the previous review (or there was none).",
            ),
            (
                "Changes in the context and interested parties",
                &i.context_changes,
                "No context issue or interested party changed since the previous review.",
            ),
            (
                "Open nonconformities",
                &i.open_nonconformities,
                "No open nonconformity.",
            ),
            ("Audit results", &i.audits, "No audit completed yet."),
            (
                "Metric breaches",
                &i.breaches,
                "No metric breached its thresholds in the period.",
            ),
            ("AI objectives", &i.objectives, "No objectives recorded."),
            (
                "Incidents and concerns",
                &i.incidents,
                "No incident reported in the period.",
            ),
            (
                "Opportunities for improvement",
                &i.improvements,
                "No open improvement opportunity.",
            ),
        ]
    }
}

fn text<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.get(name).and_then(Value::as_str).unwrap_or("")
}

fn line(r: &RecordRow, detail: String, flag: bool) -> InputLine {
    InputLine {
        page: kind_by_record_type(&r.kind)
            .map_or("", |k| k.page)
            .to_owned(),
        id: r.id.clone(),
        title: r.title.clone(),
        detail,
        flag,
    }
}

/// The label of a choice value of `field` for a record of its kind.
fn label<'a>(r: &RecordRow, field: &str, value: &'a str) -> &'a str {
    kind_by_record_type(&r.kind)
        .and_then(|k| k.field(field))
        .map_or(value, |f| f.choice_label(value))
}

/// The day a record was created (`YYYY-MM-DD`).
fn created_on(r: &RecordRow) -> &str {
    r.created_at.get(..10).unwrap_or("")
}

impl App {
    /// The inputs of review `id`: frozen as signed off, or compiled now
    /// as of its meeting day (or scheduled day, or today).
    pub async fn review_inputs(&self, ws: &Scope, id: &str) -> Result<ReviewInputs> {
        let review = self.record(ws, &REVIEWS, id).await?;
        if text(&review.fields, "status") == SIGNED_OFF {
            let approvals = self.approvals(ws, &REVIEWS, id).await?;
            if let Some(frozen) = approvals
                .versions
                .first()
                .and_then(|v| v.derived.get("inputs").cloned())
                .and_then(|v| serde_json::from_value(v).ok())
            {
                return Ok(frozen);
            }
        }
        self.compile_review_inputs(ws, &review).await
    }

    /// Compiles the inputs of `review` from live data.
    pub(crate) async fn compile_review_inputs(
        &self,
        ws: &Scope,
        review: &RecordRow,
    ) -> Result<ReviewInputs> {
        let today = self.today();
        let as_of = [
            text(&review.fields, "held_on"),
            text(&review.fields, "scheduled_on"),
        ]
        .into_iter()
        .find(|d| !d.is_empty())
        .unwrap_or(&today)
        .to_owned();
        let day_of = |r: &RecordRow| {
            let held = text(&r.fields, "held_on");
            if held.is_empty() {
                text(&r.fields, "scheduled_on").to_owned()
            } else {
                held.to_owned()
            }
        };
        let reviews = self.all_records(ws, &REVIEWS, &Default::default()).await?;
        let previous = reviews
            .iter()
            .filter(|r| r.id != review.id && text(&r.fields, "status") != "cancelled")
            .filter(|r| {
                let d = day_of(r);
                !d.is_empty() && d < as_of
            })
            .max_by_key(|r| day_of(r));
        let since = previous.map(day_of).unwrap_or_default();
        let in_period = |day: &str| day > since.as_str() && day <= as_of.as_str();
        let mut out = ReviewInputs {
            as_of: as_of.clone(),
            previous: previous.map(|p| line(p, format!("held {}", day_of(p)), false)),
            carried_forward: vec![],
            context_changes: vec![],
            open_nonconformities: vec![],
            audits: vec![],
            breaches: vec![],
            objectives: vec![],
            incidents: vec![],
            improvements: vec![],
        };
        // Actions decided at the previous review, as they stand now.
        if let Some(p) = previous {
            for l in self.links(ws, &REVIEWS, &p.id).await? {
                if l.relation != "decided" {
                    continue;
                }
                let Some(k) = aims_domain::record::kind(&l.other.kind) else {
                    continue;
                };
                let Ok(a) = self.record(ws, k, &l.other.id).await else {
                    continue;
                };
                let status = text(&a.fields, "status");
                let due = text(&a.fields, "due_on");
                let done = matches!(status, "done" | "cancelled" | "declined" | "accepted");
                let overdue = !done && !due.is_empty() && due < today.as_str();
                let mut detail = label(
                    &a,
                    "status",
                    if status.is_empty() { "open" } else { status },
                )
                .to_owned();
                if !due.is_empty() {
                    detail.push_str(&format!(" · due {due}"));
                }
                if let Some(o) = &a.owner_email {
                    detail.push_str(&format!(" · {o}"));
                }
                out.carried_forward.push(line(&a, detail, overdue));
            }
        }
        // Context and interested parties changed since the previous review.
        for k in ["context-issues", "interested-parties"] {
            let Some(k) = aims_domain::record::kind(k) else {
                continue;
            };
            for r in self.all_records(ws, k, &Default::default()).await? {
                let changed = r.updated_at.get(..10).unwrap_or("");
                if in_period(changed) {
                    let what = if r.created_at.get(..10) == Some(changed) {
                        "added"
                    } else {
                        "changed"
                    };
                    out.context_changes.push(line(
                        &r,
                        format!("{} {what} {changed}", k.singular),
                        false,
                    ));
                }
            }
        }
        for n in self
            .all_records(ws, &NONCONFORMITIES, &Default::default())
            .await?
        {
            let status = text(&n.fields, "status");
            if status == "closed" || created_on(&n) > as_of.as_str() {
                continue;
            }
            let due = text(&n.fields, "due_on");
            let grade = text(&n.fields, "grade");
            let mut detail = format!(
                "{} · {}",
                label(
                    &n,
                    "grade",
                    if grade.is_empty() { "ungraded" } else { grade }
                ),
                label(
                    &n,
                    "status",
                    if status.is_empty() { "open" } else { status }
                )
            );
            if !due.is_empty() {
                detail.push_str(&format!(" · actions due {due}"));
            }
            out.open_nonconformities.push(line(
                &n,
                detail,
                !due.is_empty() && due < today.as_str(),
            ));
        }
        // Audits completed in the period (or the last one before), with
        // their findings by grade.
        let audits = self.all_records(ws, &AUDITS, &Default::default()).await?;
        let completed: Vec<&RecordRow> = audits
            .iter()
            .filter(|a| text(&a.fields, "status") == "completed")
            .filter(|a| {
                let end = text(&a.fields, "end_on");
                !end.is_empty() && end <= as_of.as_str()
            })
            .collect();
        let mut chosen: Vec<&RecordRow> = completed
            .iter()
            .copied()
            .filter(|a| in_period(text(&a.fields, "end_on")))
            .collect();
        if chosen.is_empty() {
            chosen.extend(
                completed
                    .iter()
                    .copied()
                    .max_by_key(|a| text(&a.fields, "end_on")),
            );
        }
        for a in chosen {
            let mut grades: Vec<(String, usize)> = vec![];
            for l in self.links(ws, &AUDITS, &a.id).await? {
                if l.relation != "found_in" {
                    continue;
                }
                let Ok(f) = self.record(ws, &FINDINGS, &l.other.id).await else {
                    continue;
                };
                let g = label(&f, "grade", text(&f.fields, "grade")).to_owned();
                match grades.iter_mut().find(|(k, _)| *k == g) {
                    Some((_, n)) => *n += 1,
                    None => grades.push((g, 1)),
                }
            }
            let findings = if grades.is_empty() {
                "no findings".to_owned()
            } else {
                grades
                    .iter()
                    .map(|(g, n)| format!("{n} {g}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let flagged = grades.iter().any(|(g, _)| g.contains("nonconformity"));
            out.audits.push(line(
                a,
                format!("completed {} · {findings}", text(&a.fields, "end_on")),
                flagged,
            ));
        }
        // Metric breaches since the previous review.
        let episodes = {
            let mut c = self.store.conn().await?;
            c.conn().workspace_episodes(&ws.workspace.id).await?
        };
        for (metric_id, title, started, worst) in episodes {
            let day = aims_domain::metric::format_instant(started);
            let day = day.get(..10).unwrap_or("").to_owned();
            if in_period(&day) {
                out.breaches.push(InputLine {
                    page: "metrics".into(),
                    id: metric_id,
                    title,
                    detail: format!("{worst} since {day}"),
                    flag: worst == "critical",
                });
            }
        }
        for o in self
            .all_records(ws, &OBJECTIVES, &Default::default())
            .await?
        {
            let cur = o.fields.get("current").and_then(Value::as_f64);
            let target = o.fields.get("target").and_then(Value::as_f64);
            let unit = text(&o.fields, "unit");
            let status = text(&o.fields, "status");
            let mut detail = match (cur, target) {
                (Some(c), Some(t)) => format!("{c} of {t} {unit}"),
                (None, Some(t)) => format!("target {t} {unit}, no value yet"),
                (Some(c), None) => format!("{c} {unit}"),
                (None, None) => "not measured".to_owned(),
            };
            if !status.is_empty() {
                detail.push_str(&format!(" · {}", label(&o, "status", status)));
            }
            let due = text(&o.fields, "due");
            let overdue = !matches!(status, "achieved" | "dropped")
                && !due.is_empty()
                && due < as_of.as_str();
            out.objectives
                .push(line(&o, detail.trim().to_owned(), overdue));
        }
        for i in self
            .all_records(ws, &INCIDENTS, &Default::default())
            .await?
        {
            if in_period(created_on(&i)) {
                let sev = text(&i.fields, "severity");
                out.incidents.push(line(
                    &i,
                    format!(
                        "{} · reported {}",
                        label(&i, "severity", if sev.is_empty() { "unrated" } else { sev }),
                        created_on(&i)
                    ),
                    matches!(sev, "high" | "critical"),
                ));
            }
        }
        for i in self
            .all_records(ws, &IMPROVEMENTS, &Default::default())
            .await?
        {
            let status = text(&i.fields, "status");
            if !matches!(status, "done" | "declined") {
                out.improvements.push(line(
                    &i,
                    label(
                        &i,
                        "status",
                        if status.is_empty() {
                            "proposed"
                        } else {
                            status
                        },
                    )
                    .to_owned(),
                    false,
                ));
            }
        }
        Ok(out)
    }

    /// Refuses a change to a signed-off review: it is locked.
    pub(crate) fn check_review_unlocked(old: &RecordRow) -> Result<()> {
        if old.kind == REVIEWS.record_type && text(&old.fields, "status") == SIGNED_OFF {
            return Err(AppError::Conflict {
                message: "this management review is signed off: its record is locked".into(),
                current_version: Some(old.version),
            });
        }
        Ok(())
    }
}
