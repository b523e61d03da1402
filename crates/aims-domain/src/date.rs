//! Calendar arithmetic on `YYYY-MM-DD` dates (the proleptic Gregorian
//! calendar), with no clock and no time zone: a duty falls due on a day, and
//! which day "today" is comes from the caller's clock. Days are counted from
//! 1970-01-01 by the civil-date algorithm of Howard Hinnant.

use crate::record::parse_date;

/// Days since 1970-01-01 of the valid date `y-m-d`.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The date `z` days after 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Days since 1970-01-01 of `date` (`YYYY-MM-DD`), if it is a date.
pub fn day_number(date: &str) -> Option<i64> {
    let d = parse_date(date)?;
    let y = d.get(0..4)?.parse().ok()?;
    let m = d.get(5..7)?.parse().ok()?;
    let day = d.get(8..10)?.parse().ok()?;
    Some(days_from_civil(y, m, day))
}

/// The date `days` after `date` (before it when negative); `None` when
/// `date` is not a date or the result leaves years 0001–9999.
pub fn add_days(date: &str, days: i64) -> Option<String> {
    let (y, m, d) = civil_from_days(day_number(date)?.checked_add(days)?);
    (1..=9999)
        .contains(&y)
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: &str, to: &str) -> Option<i64> {
    Some(day_number(to)? - day_number(from)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_counted_from_the_epoch() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("1970-01-02"), Some(1));
        assert_eq!(day_number("1969-12-31"), Some(-1));
        assert_eq!(day_number("2000-03-01"), Some(11_017));
        assert_eq!(day_number("2026-11-26"), Some(20_783));
        assert_eq!(day_number("0001-01-01"), Some(-719_162));
        assert_eq!(day_number("9999-12-31"), Some(2_932_896));
        assert_eq!(day_number("2026-02-30"), None);
        assert_eq!(day_number("soon"), None);
    }

    #[test]
    fn adding_days_crosses_months_years_and_leap_days() {
        assert_eq!(add_days("2026-01-31", 1).as_deref(), Some("2026-02-01"));
        assert_eq!(add_days("2026-02-28", 1).as_deref(), Some("2026-03-01"));
        assert_eq!(add_days("2028-02-28", 1).as_deref(), Some("2028-02-29"));
        assert_eq!(add_days("2028-02-29", 1).as_deref(), Some("2028-03-01"));
        assert_eq!(
            add_days("2100-02-28", 1).as_deref(),
            Some("2100-03-01"),
            "no leap day in 2100"
        );
        assert_eq!(
            add_days("2000-02-28", 1).as_deref(),
            Some("2000-02-29"),
            "but in 2000"
        );
        assert_eq!(add_days("2026-12-31", 1).as_deref(), Some("2027-01-01"));
        assert_eq!(add_days("2026-12-20", 15).as_deref(), Some("2027-01-04"));
        assert_eq!(add_days("2026-04-30", 2).as_deref(), Some("2026-05-02"));
        assert_eq!(add_days("2026-03-01", -1).as_deref(), Some("2026-02-28"));
        assert_eq!(add_days("2026-11-26", 0).as_deref(), Some("2026-11-26"));
        assert_eq!(add_days("2026-11-26", 365).as_deref(), Some("2027-11-26"));
        assert_eq!(add_days("1970-01-01", -1).as_deref(), Some("1969-12-31"));
        assert_eq!(add_days("9999-12-31", 1), None);
        assert_eq!(add_days("0001-01-01", -1), None);
        assert_eq!(add_days("0001-01-01", 0).as_deref(), Some("0001-01-01"));
        assert_eq!(add_days("9999-12-31", 0).as_deref(), Some("9999-12-31"));
        assert_eq!(add_days("2026-11-26", i64::MAX), None);
        assert_eq!(add_days("not a date", 1), None);
        // Every day of four centuries goes there and back.
        let start = day_number("1900-01-01").unwrap();
        for n in 0..146_097 {
            let (y, m, d) = civil_from_days(start + n);
            assert_eq!(days_from_civil(y, m, d), start + n);
        }
    }

    #[test]
    fn days_between_two_dates() {
        assert_eq!(days_between("2026-11-26", "2026-12-11"), Some(15));
        assert_eq!(days_between("2026-12-11", "2026-11-26"), Some(-15));
        assert_eq!(days_between("2028-02-01", "2028-03-01"), Some(29));
        assert_eq!(days_between("2026-02-01", "2026-03-01"), Some(28));
        assert_eq!(days_between("2026-02-01", "x"), None);
        assert_eq!(days_between("x", "2026-02-01"), None);
    }
}
