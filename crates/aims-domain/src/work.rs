//! The work list's rules: which dated duties it shows and how urgent each
//! is, judged on the day the caller's clock says it is.

use crate::date::days_between;
use serde::Serialize;

/// How far ahead the work list looks by default.
pub const HORIZON_DAYS: i64 = 30;

/// The longest look ahead a caller may ask for (ten years).
pub const MAX_HORIZON_DAYS: i64 = 3650;

/// How soon a duty falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Its day has passed.
    Overdue,
    Today,
    /// Within the next seven days.
    ThisWeek,
    /// Later than that.
    Later,
}

impl Urgency {
    /// Its name in the API (`this_week`), the one serde gives it.
    pub fn key(self) -> &'static str {
        match self {
            Urgency::Overdue => "overdue",
            Urgency::Today => "today",
            Urgency::ThisWeek => "this_week",
            Urgency::Later => "later",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Urgency::Overdue => "Overdue",
            Urgency::Today => "Due today",
            Urgency::ThisWeek => "Due this week",
            Urgency::Later => "Coming up",
        }
    }

    /// Every urgency, most urgent first.
    pub const ALL: [Urgency; 4] = [
        Urgency::Overdue,
        Urgency::Today,
        Urgency::ThisWeek,
        Urgency::Later,
    ];
}

/// Days from `today` to `due` (negative once passed) and how urgent that
/// is; `None` when either is not a date.
pub fn urgency(due: &str, today: &str) -> Option<(i64, Urgency)> {
    let days = days_between(today, due)?;
    let u = match days {
        d if d < 0 => Urgency::Overdue,
        0 => Urgency::Today,
        1..=7 => Urgency::ThisWeek,
        _ => Urgency::Later,
    };
    Some((days, u))
}

/// "3 days overdue", "due today", "in 1 day", "in 12 days".
pub fn days_text(days: i64) -> String {
    match days {
        d if d < -1 => format!("{} days overdue", -d),
        -1 => "1 day overdue".to_owned(),
        0 => "due today".to_owned(),
        1 => "in 1 day".to_owned(),
        d => format!("in {d} days"),
    }
}

/// The prefix of a duty a record carries for something kept beside it
/// (`questionnaire:<id>`: a supplier's questionnaire waiting for answers),
/// rather than for one of its date fields.
pub const QUESTIONNAIRE_DUTY: &str = "questionnaire:";

/// What a duty of a record of `kind` is called in a work list: its date
/// field's label, or what a duty kept beside the record stands for.
pub fn duty_label(kind: &crate::record::Kind, duty: &str) -> &'static str {
    if let Some(f) = kind.field(duty) {
        return f.label;
    }
    if duty.starts_with(QUESTIONNAIRE_DUTY) {
        return "Questionnaire answers due";
    }
    match duty {
        "value_due" => "Next value due",
        "breach" => "Threshold breached",
        _ => "Due",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duty_is_overdue_today_this_week_or_later() {
        let t = "2026-11-26";
        assert_eq!(urgency("2026-11-25", t), Some((-1, Urgency::Overdue)));
        assert_eq!(urgency("2025-11-26", t), Some((-365, Urgency::Overdue)));
        assert_eq!(urgency("2026-11-26", t), Some((0, Urgency::Today)));
        assert_eq!(urgency("2026-11-27", t), Some((1, Urgency::ThisWeek)));
        assert_eq!(urgency("2026-12-03", t), Some((7, Urgency::ThisWeek)));
        assert_eq!(urgency("2026-12-04", t), Some((8, Urgency::Later)));
        assert_eq!(urgency("soon", t), None);
        // Across a month end and a year end.
        assert_eq!(
            urgency("2026-12-01", "2026-11-30"),
            Some((1, Urgency::ThisWeek))
        );
        assert_eq!(
            urgency("2026-12-31", "2027-01-01"),
            Some((-1, Urgency::Overdue))
        );
        assert_eq!(
            urgency("2028-03-01", "2028-02-28"),
            Some((2, Urgency::ThisWeek))
        );
        assert!(Urgency::Overdue < Urgency::Today && Urgency::ThisWeek < Urgency::Later);
        assert_eq!(
            Urgency::ALL.map(Urgency::label),
            ["Overdue", "Due today", "Due this week", "Coming up"]
        );
    }

    #[test]
    fn days_read_as_people_say_them() {
        assert_eq!(days_text(0), "due today");
        assert_eq!(days_text(1), "in 1 day");
        assert_eq!(days_text(12), "in 12 days");
        assert_eq!(days_text(-1), "1 day overdue");
        assert_eq!(days_text(-3), "3 days overdue");
    }

    #[test]
    fn duties_are_named_by_their_field_or_what_they_stand_for() {
        use crate::record::{INCIDENTS, SUPPLIERS};
        assert_eq!(duty_label(&INCIDENTS, "report_due"), "Report due");
        assert_eq!(
            duty_label(&SUPPLIERS, "questionnaire:abc"),
            "Questionnaire answers due"
        );
        assert_eq!(duty_label(&SUPPLIERS, "value_due"), "Next value due");
        assert_eq!(duty_label(&SUPPLIERS, "breach"), "Threshold breached");
        assert_eq!(duty_label(&SUPPLIERS, "questionnaire"), "Due");
    }

    #[test]
    fn an_urgency_key_is_its_serde_name() {
        for (u, key) in [
            (Urgency::Overdue, "overdue"),
            (Urgency::Today, "today"),
            (Urgency::ThisWeek, "this_week"),
            (Urgency::Later, "later"),
        ] {
            assert_eq!(u.key(), key);
            assert_eq!(serde_json::to_value(u).unwrap(), serde_json::json!(key));
        }
    }
}
