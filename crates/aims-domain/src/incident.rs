//! AI incidents and concerns (Annex A.3.3, A.8.4): the rule that completes
//! an incident record before it is stored. Under EU AI Act Art. 73 a
//! serious incident is reported within a number of days of the moment the
//! organisation became aware of it: 15 in general, 10 when a person died,
//! 2 for a widespread infringement or one that disrupts critical
//! infrastructure. aims keeps the day the report is due as a dated duty of
//! the incident, so it reaches the owner's work list and counts down.

use crate::record::Fields;
use crate::validation::FieldErrors;
use serde_json::Value;

/// The `serious` values and the days to report each within.
pub const SERIOUSNESS_DAYS: [(&str, i64); 3] = [("serious", 15), ("death", 10), ("widespread", 2)];

/// Days from awareness to the report for a `serious` value; `None` when it
/// is not a serious incident.
pub fn report_days(serious: &str) -> Option<i64> {
    SERIOUSNESS_DAYS
        .iter()
        .find(|(k, _)| *k == serious)
        .map(|(_, d)| *d)
}

/// The day a report is due: `aware_on` plus the days its seriousness gives.
pub fn report_due(aware_on: &str, serious: &str) -> Option<String> {
    crate::date::add_days(aware_on, report_days(serious)?)
}

/// Days left until `due` on `today`: 0 on the day itself, negative once
/// it has passed.
pub fn days_left(due: &str, today: &str) -> Option<i64> {
    crate::date::days_between(today, due)
}

fn text<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields.get(name).and_then(Value::as_str)
}

/// Completes an incident's fields: `report_due` from `aware_on` and
/// `serious`, `notification` pending until it is sent; refuses a serious
/// incident without the day the organisation became aware of it, and an
/// awareness before the incident happened.
pub fn derive(fields: &mut Fields) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    let serious = text(fields, "serious").filter(|s| report_days(s).is_some());
    let aware = text(fields, "aware_on");
    if let (Some(aware), Some(happened)) = (aware, text(fields, "occurred_on")) {
        if aware < happened {
            e.add("aware_on", "cannot be before the incident happened");
        }
    }
    let due = match (serious, aware) {
        (Some(s), Some(a)) => report_due(a, s),
        (Some(_), None) => {
            e.add(
                "aware_on",
                "a serious incident needs the day the organisation became aware of it: the report is due so many days after it",
            );
            None
        }
        _ => None,
    };
    let serious = serious.is_some();
    e.into_result()?;
    match due {
        Some(d) => fields.insert("report_due".into(), Value::String(d)),
        None => fields.remove("report_due"),
    };
    if serious && text(fields, "notification").is_none_or(|n| n == "not_required") {
        fields.insert("notification".into(), Value::String("pending".into()));
    }
    if !serious && text(fields, "notification") == Some("pending") {
        fields.insert("notification".into(), Value::String("not_required".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: Value) -> Fields {
        v.as_object().unwrap().clone()
    }

    fn derived(v: Value) -> Result<Fields, FieldErrors> {
        let mut f = fields(v);
        derive(&mut f).map(|()| f)
    }

    #[test]
    fn the_report_is_due_15_10_or_2_days_after_awareness() {
        assert_eq!(
            report_due("2026-11-20", "serious").as_deref(),
            Some("2026-12-05")
        );
        assert_eq!(
            report_due("2026-11-20", "death").as_deref(),
            Some("2026-11-30")
        );
        assert_eq!(
            report_due("2026-11-30", "widespread").as_deref(),
            Some("2026-12-02")
        );
        // Across a month end and a leap day.
        assert_eq!(
            report_due("2028-02-20", "serious").as_deref(),
            Some("2028-03-06")
        );
        assert_eq!(
            report_due("2027-02-20", "serious").as_deref(),
            Some("2027-03-07")
        );
        assert_eq!(
            report_due("2026-12-30", "widespread").as_deref(),
            Some("2027-01-01")
        );
        assert_eq!(report_due("2026-11-20", "no"), None);
        assert_eq!(report_due("someday", "serious"), None);
        assert_eq!(report_days("serious"), Some(15));
        assert_eq!(report_days("nope"), None);
    }

    #[test]
    fn it_counts_down_to_the_day_and_past_it() {
        assert_eq!(days_left("2026-12-05", "2026-11-26"), Some(9));
        assert_eq!(days_left("2026-12-05", "2026-12-05"), Some(0));
        assert_eq!(days_left("2026-12-05", "2026-12-07"), Some(-2));
        assert_eq!(days_left("2026-12-05", "x"), None);
    }

    #[test]
    fn an_incident_is_completed_before_it_is_stored() {
        let f =
            derived(json!({"title": "t", "serious": "death", "aware_on": "2026-11-28"})).unwrap();
        assert_eq!(f["report_due"], "2026-12-08");
        assert_eq!(f["notification"], "pending");
        let f = derived(
            json!({"serious": "serious", "aware_on": "2026-11-28", "notification": "sent"}),
        )
        .unwrap();
        assert_eq!(
            (f["report_due"].as_str(), f["notification"].as_str()),
            (Some("2026-12-13"), Some("sent"))
        );
        let f = derived(
            json!({"serious": "serious", "aware_on": "2026-11-28", "notification": "not_required"}),
        )
        .unwrap();
        assert_eq!(
            f["notification"], "pending",
            "a serious incident is reported"
        );
        // No longer serious: no deadline, nothing pending.
        let f = derived(json!({"serious": "no", "aware_on": "2026-11-28", "report_due": "2026-12-13", "notification": "pending"})).unwrap();
        assert_eq!(
            (f.get("report_due"), f["notification"].as_str()),
            (None, Some("not_required"))
        );
        let f = derived(json!({"title": "t", "notification": "sent"})).unwrap();
        assert_eq!(
            (f.get("report_due"), f["notification"].as_str()),
            (None, Some("sent"))
        );
        let f = derived(json!({"title": "t"})).unwrap();
        assert_eq!((f.get("report_due"), f.get("notification")), (None, None));
        // Serious without awareness, or aware before it happened.
        let e = derived(json!({"serious": "widespread"})).unwrap_err();
        assert_eq!(e.get("aware_on").len(), 1);
        let e =
            derived(json!({"occurred_on": "2026-11-28", "aware_on": "2026-11-27"})).unwrap_err();
        assert_eq!(
            e.get("aware_on"),
            ["cannot be before the incident happened"]
        );
        let f = derived(
            json!({"occurred_on": "2026-11-28", "aware_on": "2026-11-28", "serious": "serious"}),
        )
        .unwrap();
        assert_eq!(f["report_due"], "2026-12-13", "aware the day it happened");
    }
}
