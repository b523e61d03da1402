//! What a record page shows beyond its fields for some kinds: an
//! incident's EU AI Act Art. 73 countdown, and an objective's progress over
//! time drawn as SVG from the history of its `current` value (with the
//! target as a dashed line); and what the page loads for some kinds: the
//! journal, a supplier's questionnaires, the impact assessments a change
//! touches.

use aims_domain::history::Event;
use aims_domain::record::{Kind, INCIDENTS, OBJECTIVES};
use aims_domain::work::days_text;
use serde_json::Value;
use std::fmt::Write;

/// An incident's report deadline as the page shows it.
pub struct Deadline {
    pub due: String,
    pub text: String,
    pub overdue: bool,
}

pub struct Extras {
    pub deadline: Option<Deadline>,
    /// The progress chart, as SVG markup built here from numbers only.
    pub progress: Option<String>,
    /// The journal, for kinds that keep one (loaded by the page).
    pub journal: Option<super::journals::Journal>,
    /// A supplier's questionnaires (loaded by the page).
    pub questionnaires: Option<super::questionnaires::Questionnaires>,
    /// A change's touched AI systems with their impact assessment status.
    pub assessments: Vec<(String, String, aims_app::ImpactStatus)>,
    /// A metric's standing and chart (loaded by the page).
    pub metric: Option<super::metrics::MetricView>,
    /// A system's monitoring results and metric trends (loaded by the page).
    pub monitoring: Option<super::monitoring::MonitoringView>,
    /// A management review's inputs (loaded by the page).
    pub review: Option<aims_app::ReviewInputs>,
    /// Whether a finding may be raised as a nonconformity from its page.
    pub can_raise: bool,
    /// An audit's checklist (loaded by the page).
    pub checklist: Option<super::audits::Checklist>,
}

fn text<'a>(fields: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a str> {
    fields.get(name).and_then(Value::as_str)
}

/// `(day, value)` of each value an objective's `current` took, oldest
/// first, from its history (newest first): a creation's event holds the
/// fields, an update's each changed field as `[old, new]`.
pub fn progress_points(events: &[Event]) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = events
        .iter()
        .rev()
        .filter_map(|e| {
            let change: Value = serde_json::from_str(&e.change).ok()?;
            // A creation holds the value; an update holds [old, new].
            let new = match change.get("current")? {
                Value::Array(pair) => pair.get(1)?.as_f64()?,
                v => v.as_f64()?,
            };
            Some((e.at.get(..10)?.to_owned(), new))
        })
        .collect();
    // One point a day: the last value of the day.
    out.dedup_by(|later, earlier| {
        if later.0 == earlier.0 {
            earlier.1 = later.1;
            true
        } else {
            false
        }
    });
    out
}

/// `s` safe inside SVG text (the unit is people's text).
pub(super) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

const W: f64 = 560.0;
const H: f64 = 180.0;
const PAD: f64 = 36.0;

/// A line chart of `points` with `target` dashed, or `None` with fewer
/// than two points.
pub fn progress_svg(points: &[(String, f64)], target: Option<f64>, unit: &str) -> Option<String> {
    if points.len() < 2 {
        return None;
    }
    let days: Vec<i64> = points
        .iter()
        .filter_map(|(d, _)| aims_domain::date::day_number(d))
        .collect();
    if days.len() != points.len() {
        return None;
    }
    let (first, last) = (days[0], days[days.len() - 1].max(days[0] + 1));
    let mut lo = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let mut hi = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    if let Some(t) = target {
        lo = lo.min(t);
        hi = hi.max(t);
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let x = |d: i64| PAD + (d - first) as f64 / (last - first) as f64 * (W - 2.0 * PAD);
    let y = |v: f64| H - PAD - (v - lo) / (hi - lo) * (H - 2.0 * PAD);
    let unit = esc(unit);
    let unit = unit.as_str();
    let mut svg = String::new();
    let values: Vec<String> = points
        .iter()
        .map(|(d, v)| format!("{v} {unit} on {d}"))
        .collect();
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-labelledby=\"progress-title progress-desc\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"progress-title\">Progress over time</title><desc id=\"progress-desc\">{}{}</desc>",
        values.join("; "),
        target.map(|t| format!("; target {t} {unit}")).unwrap_or_default()
    );
    let _ = write!(
        svg,
        "<line x1=\"{PAD}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" class=\"axis\"/><text x=\"{PAD}\" y=\"{ty}\" class=\"tick\">{}</text><text x=\"{r}\" y=\"{ty}\" class=\"tick\" text-anchor=\"end\">{}</text>",
        points[0].0,
        points[points.len() - 1].0,
        b = H - PAD,
        r = W - PAD,
        ty = H - PAD + 16.0
    );
    if let Some(t) = target {
        let _ = write!(
            svg,
            "<line x1=\"{PAD}\" y1=\"{yt:.1}\" x2=\"{r}\" y2=\"{yt:.1}\" class=\"target\"/><text x=\"{r}\" y=\"{ly:.1}\" class=\"tick\" text-anchor=\"end\">target {t}</text>",
            yt = y(t),
            ly = y(t) - 4.0,
            r = W - PAD
        );
    }
    let line: Vec<String> = days
        .iter()
        .zip(points)
        .map(|(d, (_, v))| format!("{:.1},{:.1}", x(*d), y(*v)))
        .collect();
    let _ = write!(
        svg,
        "<polyline points=\"{}\" class=\"series\"/>",
        line.join(" ")
    );
    for (d, (_, v)) in days.iter().zip(points) {
        let _ = write!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" class=\"point\"/>",
            x(*d),
            y(*v)
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// The extras of `record` (of `kind`) on `today`, from its history.
pub fn extras(
    kind: &Kind,
    fields: &serde_json::Map<String, Value>,
    events: &[Event],
    today: &str,
) -> Extras {
    let deadline = (kind.name == INCIDENTS.name)
        .then(|| {
            let due = text(fields, "report_due")?;
            if text(fields, "notification") == Some("sent") {
                return None;
            }
            let days = aims_domain::incident::days_left(due, today)?;
            Some(Deadline {
                due: super::day(due),
                text: days_text(days),
                overdue: days < 0,
            })
        })
        .flatten();
    let progress = (kind.name == OBJECTIVES.name)
        .then(|| {
            progress_svg(
                &progress_points(events),
                fields.get("target").and_then(Value::as_f64),
                text(fields, "unit").unwrap_or(""),
            )
        })
        .flatten();
    Extras {
        deadline,
        progress,
        journal: None,
        questionnaires: None,
        assessments: vec![],
        metric: None,
        monitoring: None,
        review: None,
        can_raise: false,
        checklist: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(at: &str, change: &str) -> Event {
        Event {
            seq: 0,
            id: String::new(),
            at: at.into(),
            actor: String::new(),
            actor_label: String::new(),
            workspace_id: String::new(),
            action: "update".into(),
            record_type: "objective".into(),
            record_id: String::new(),
            change: change.into(),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn progress_is_each_value_of_current_oldest_first_one_a_day() {
        let newest_first = [
            event("2026-11-20T10:00:00Z", r#"{"current": [7.5, 5.5]}"#),
            event("2026-11-20T09:00:00Z", r#"{"current": [9, 7.5]}"#),
            event("2026-10-01T09:00:00Z", r#"{"status": ["a", "b"]}"#),
            event(
                "2026-09-01T09:00:00Z",
                r#"{"title": [null, "x"], "current": [null, 9]}"#,
            ),
        ];
        assert_eq!(
            progress_points(&newest_first),
            [
                ("2026-09-01".to_owned(), 9.0),
                ("2026-11-20".to_owned(), 5.5)
            ]
        );
    }

    #[test]
    fn the_chart_draws_the_values_and_the_target_and_says_them_in_text() {
        let points = [
            ("2026-09-01".to_owned(), 9.0),
            ("2026-11-20".to_owned(), 5.5),
        ];
        let svg = progress_svg(&points, Some(3.0), "points").unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(
            svg.contains("9 points on 2026-09-01; 5.5 points on 2026-11-20; target 3 points"),
            "{svg}"
        );
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("class=\"target\""));
        // The first point is at the left edge, the lowest value (the target) at the bottom.
        assert!(svg.contains("<polyline points=\"36.0,"), "{svg}");
        assert!(
            svg.contains("y1=\"144.0\" x2=\"524\" y2=\"144.0\" class=\"target\""),
            "{svg}"
        );
        assert_eq!(
            progress_svg(&points[..1], None, ""),
            None,
            "one value is no line"
        );
        let flat = [
            ("2026-09-01".to_owned(), 2.0),
            ("2026-09-01".to_owned(), 2.0),
        ];
        assert!(
            progress_svg(&flat, None, "").is_some(),
            "no division by zero"
        );
    }
}
