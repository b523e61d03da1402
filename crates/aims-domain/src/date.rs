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

/// Year, month and day of `date` (`YYYY-MM-DD`), if it is a date.
fn parts(date: &str) -> Option<(i64, i64, i64)> {
    let d = parse_date(date)?;
    let y = d.get(0..4)?.parse().ok()?;
    let m = d.get(5..7)?.parse().ok()?;
    let day = d.get(8..10)?.parse().ok()?;
    Some((y, m, day))
}

/// Days since 1970-01-01 of `date` (`YYYY-MM-DD`), if it is a date.
pub fn day_number(date: &str) -> Option<i64> {
    let (y, m, d) = parts(date)?;
    Some(days_from_civil(y, m, d))
}

/// Whether `y` has a 29th of February.
fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// How many days month `m` (1–12) of year `y` has.
fn month_days(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The date `months` calendar months after `date` (before it when
/// negative), on the same day of the month or, when that month is shorter,
/// its last day (a month after 31 January is 28 or 29 February); `None`
/// when `date` is not a date or the result leaves years 0001–9999.
pub fn add_months(date: &str, months: i64) -> Option<String> {
    let (y, m, d) = parts(date)?;
    let index = (y * 12 + m - 1).checked_add(months)?;
    let (y, m) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let d = d.min(month_days(y, m));
    (1..=9999)
        .contains(&y)
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// The date `years` after `date` (before it when negative): the same day,
/// or 28 February for a 29 February in a year without one.
pub fn add_years(date: &str, years: i64) -> Option<String> {
    add_months(date, years.checked_mul(12)?)
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
    fn months_have_their_days() {
        assert!(is_leap(2024));
        assert!(!is_leap(2026));
        assert!(!is_leap(2100), "a century is not a leap year");
        assert!(is_leap(2000), "unless it is a fourth century");
        let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        for (m, days) in (1..=12).zip(lengths) {
            assert_eq!(month_days(2026, m), days, "month {m}");
        }
        assert_eq!(month_days(2028, 2), 29);
        // The same as the day count gives, over four centuries.
        for y in 1900..2300 {
            for m in 1..=12 {
                let next = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                assert_eq!(
                    month_days(y, m),
                    days_from_civil(next.0, next.1, 1) - days_from_civil(y, m, 1),
                    "{y}-{m}"
                );
            }
        }
    }

    #[test]
    fn adding_months_and_years_keeps_the_day_or_takes_the_month_end() {
        assert_eq!(add_months("2026-01-15", 1).as_deref(), Some("2026-02-15"));
        assert_eq!(add_months("2026-01-31", 1).as_deref(), Some("2026-02-28"));
        assert_eq!(add_months("2028-01-31", 1).as_deref(), Some("2028-02-29"));
        assert_eq!(add_months("2026-03-31", 1).as_deref(), Some("2026-04-30"));
        assert_eq!(add_months("2026-03-30", 1).as_deref(), Some("2026-04-30"));
        assert_eq!(add_months("2026-11-30", 1).as_deref(), Some("2026-12-30"));
        assert_eq!(add_months("2026-12-31", 1).as_deref(), Some("2027-01-31"));
        assert_eq!(add_months("2026-12-01", 13).as_deref(), Some("2028-01-01"));
        assert_eq!(add_months("2026-01-31", -1).as_deref(), Some("2025-12-31"));
        assert_eq!(add_months("2026-03-31", -1).as_deref(), Some("2026-02-28"));
        assert_eq!(add_months("2026-01-01", -13).as_deref(), Some("2024-12-01"));
        assert_eq!(add_months("2026-05-20", 0).as_deref(), Some("2026-05-20"));
        assert_eq!(add_months("9999-12-31", 1), None);
        assert_eq!(add_months("9999-11-30", 1).as_deref(), Some("9999-12-30"));
        assert_eq!(add_months("0001-01-01", -1), None);
        assert_eq!(add_months("0001-02-01", -1).as_deref(), Some("0001-01-01"));
        assert_eq!(add_months("2026-01-01", i64::MAX), None);
        assert_eq!(add_months("2026-02-30", 1), None);
        assert_eq!(add_months("soon", 1), None);

        assert_eq!(add_years("2026-03-15", 3).as_deref(), Some("2029-03-15"));
        assert_eq!(add_years("2028-02-29", 1).as_deref(), Some("2029-02-28"));
        assert_eq!(add_years("2028-02-29", 4).as_deref(), Some("2032-02-29"));
        assert_eq!(add_years("2026-06-30", -2).as_deref(), Some("2024-06-30"));
        assert_eq!(add_years("9998-12-31", 1).as_deref(), Some("9999-12-31"));
        assert_eq!(add_years("9998-12-31", 2), None);
        assert_eq!(add_years("2026-01-01", i64::MAX / 6), None);
        assert_eq!(add_years("x", 1), None);
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
