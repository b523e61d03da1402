//! Dates as people read them: "26 Nov 2026, 06:13 UTC" on the page, the exact
//! stored time on hover (`title`) and for machines (`<time datetime>`).

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::OffsetDateTime;

/// One stored timestamp, ready for a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When {
    /// As stored (RFC 3339), for `<time datetime>`.
    pub iso: String,
    /// Day and minute: "26 Nov 2026, 06:13 UTC".
    pub short: String,
    /// Day only: "26 Nov 2026".
    pub date: String,
    /// To the second: "2026-11-26 06:13:50 UTC".
    pub exact: String,
}

/// Reads a stored timestamp; text that is not one is shown as it is.
pub fn when(stored: &str) -> When {
    let Ok(t) = OffsetDateTime::parse(stored, &Rfc3339) else {
        return When {
            iso: stored.to_owned(),
            short: stored.to_owned(),
            date: stored.to_owned(),
            exact: stored.to_owned(),
        };
    };
    let t = t.to_offset(time::UtcOffset::UTC);
    let fmt = |f: &[time::format_description::FormatItem<'_>]| t.format(f).unwrap_or_default();
    When {
        iso: stored.to_owned(),
        short: fmt(format_description!(
            "[day padding:none] [month repr:short] [year], [hour]:[minute] UTC"
        )),
        date: fmt(format_description!(
            "[day padding:none] [month repr:short] [year]"
        )),
        exact: fmt(format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
        )),
    }
}

/// A calendar date (`YYYY-MM-DD`) as people read it: "2 Aug 2026".
pub fn day(date: &str) -> String {
    aims_app::report_doc::day(date)
}

/// The calendar date `days` after `date` (`YYYY-MM-DD`); `date` itself when
/// it is not a date.
pub fn add_days(date: &str, days: i64) -> String {
    let f = format_description!("[year]-[month]-[day]");
    time::Date::parse(date, f)
        .ok()
        .and_then(|d| d.checked_add(time::Duration::days(days)))
        .and_then(|d| d.format(f).ok())
        .unwrap_or_else(|| date.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_added_across_months_and_years() {
        assert_eq!(add_days("2026-11-26", 30), "2026-12-26");
        assert_eq!(add_days("2026-12-20", 30), "2027-01-19");
        assert_eq!(add_days("2028-02-28", 1), "2028-02-29");
        assert_eq!(add_days("someday", 30), "someday");
    }

    #[test]
    fn stored_times_read_as_dates() {
        let w = when("2026-11-26T06:13:50.123456Z");
        assert_eq!(w.short, "26 Nov 2026, 06:13 UTC");
        assert_eq!(w.date, "26 Nov 2026");
        assert_eq!(w.exact, "2026-11-26 06:13:50 UTC");
        assert_eq!(w.iso, "2026-11-26T06:13:50.123456Z");
        assert_eq!(when("2026-01-02T03:04:05Z").short, "2 Jan 2026, 03:04 UTC");
        assert_eq!(when("not a time").short, "not a time");
        assert_eq!(day("2026-08-02"), "2 Aug 2026");
        assert_eq!(day("soon"), "soon");
    }
}
