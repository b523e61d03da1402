//! The JSON reports' shared parts: numbers (NaN and infinities as null),
//! the input files and the rows set aside, with the reason for each.

use serde::{Serialize, Serializer};
use std::cmp::Ordering::{Greater, Less};
use std::collections::BTreeMap;

/// A float as JSON: null when it is not finite.
pub fn number<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.is_finite() {
        s.serialize_f64(*v)
    } else {
        s.serialize_none()
    }
}

/// An optional float as JSON: null when absent or not finite.
pub fn opt_number<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => number(v, s),
        None => s.serialize_none(),
    }
}

/// One file read: its rows, those used and those set aside by reason.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Input {
    pub file: String,
    pub format: &'static str,
    pub bytes: u64,
    /// Every data row (the header not counted).
    pub rows: u64,
    /// The rows the statistics count.
    pub rows_used: u64,
    /// Rows set aside, by reason (`wrong_column_count`, `missing_label`…).
    pub rejected: BTreeMap<&'static str, u64>,
    /// The earliest and latest value of the time column, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_range: Option<TimeRange>,
}

/// The first and last moment a log covers, as written in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeRange {
    pub column: String,
    pub from: String,
    pub to: String,
}

/// Keeps the earliest and latest time text seen: numbers (epoch seconds)
/// compare as numbers, other text (ISO 8601) as text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Span {
    pub from: Option<End>,
    pub to: Option<End>,
}

/// One end of a [`Span`]: the text, and its value when it is a number.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct End {
    pub text: Vec<u8>,
    number: Option<f64>,
}

impl End {
    fn set(&mut self, v: &[u8]) {
        self.text.clear();
        self.text.extend_from_slice(v);
        self.number = as_number(v);
    }

    fn new(v: &[u8]) -> End {
        let mut e = End::default();
        e.set(v);
        e
    }
}

/// A time's value when it is a number (epoch seconds): a digit or minus
/// first, no colon, and a number throughout.
fn as_number(v: &[u8]) -> Option<f64> {
    let numeric = v.first().is_some_and(|c| c.is_ascii_digit() || *c == b'-') && !v.contains(&b':');
    numeric.then(|| crate::table::number(v)).flatten()
}

/// How `v` orders against an end already kept: as numbers when both are
/// (epoch seconds), else as text (ISO 8601 sorts as text). None only for
/// numbers that do not compare (NaN).
fn order(v: &[u8], end: &End) -> Option<std::cmp::Ordering> {
    // `v` is parsed only when the end is a number: ISO times never are.
    match end.number.and_then(|y| as_number(v).map(|x| (x, y))) {
        Some((x, y)) => x.partial_cmp(&y),
        None => Some(v.cmp(&end.text)),
    }
}

impl Span {
    pub fn see(&mut self, v: &[u8]) {
        let v = v.trim_ascii();
        if v.is_empty() {
            return;
        }
        // Most rows fall between the two: equal text needs no parsing.
        match &mut self.from {
            Some(f) if v != f.text && order(v, f) == Some(Less) => f.set(v),
            Some(_) => {}
            None => self.from = Some(End::new(v)),
        }
        match &mut self.to {
            Some(t) if v != t.text && order(v, t) == Some(Greater) => t.set(v),
            Some(_) => {}
            None => self.to = Some(End::new(v)),
        }
    }

    pub fn merge(&mut self, o: &Span) {
        for e in [&o.from, &o.to].into_iter().flatten() {
            self.see(&e.text);
        }
    }

    pub fn range(&self, column: &str) -> Option<TimeRange> {
        Some(TimeRange {
            column: column.to_owned(),
            from: String::from_utf8_lossy(&self.from.as_ref()?.text).into_owned(),
            to: String::from_utf8_lossy(&self.to.as_ref()?.text).into_owned(),
        })
    }
}

/// Column names a log's time is usually kept in, tried in order when none
/// is named.
pub const TIME_COLUMNS: &[&str] = &[
    "timestamp",
    "ts",
    "time",
    "datetime",
    "date",
    "event_time",
    "created_at",
    "predicted_at",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_keeps_the_extremes() {
        let mut s = Span::default();
        for v in [
            "2026-03-01T10:00:00Z",
            "2026-01-05T00:00:00Z",
            "",
            "2026-12-31T23:59:59Z",
        ] {
            s.see(v.as_bytes());
        }
        let r = s.range("ts").unwrap();
        assert_eq!(
            (r.from.as_str(), r.to.as_str()),
            ("2026-01-05T00:00:00Z", "2026-12-31T23:59:59Z")
        );
        let mut n = Span::default();
        for v in ["100", "99", "1000"] {
            n.see(v.as_bytes());
        }
        let mut m = Span::default();
        m.see(b"5");
        m.merge(&n);
        let r = m.range("t").unwrap();
        assert_eq!((r.from.as_str(), r.to.as_str()), ("5", "1000"));
        assert!(Span::default().range("t").is_none());
    }

    #[test]
    fn non_finite_numbers_are_null() {
        #[derive(Serialize)]
        struct T {
            #[serde(serialize_with = "number")]
            a: f64,
            #[serde(serialize_with = "number")]
            b: f64,
            #[serde(serialize_with = "opt_number")]
            c: Option<f64>,
        }
        let j = serde_json::to_string(&T {
            a: f64::NAN,
            b: 0.5,
            c: Some(f64::INFINITY),
        })
        .unwrap();
        assert_eq!(j, r#"{"a":null,"b":0.5,"c":null}"#);
    }
}
