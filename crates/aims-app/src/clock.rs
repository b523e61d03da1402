use time::{format_description::FormatItem, macros::format_description, OffsetDateTime};

/// Where "now" comes from; tests pass a fixed clock.
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that always says the same time.
pub struct FixedClock(pub OffsetDateTime);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// Fixed-width UTC timestamps sort as text in both databases.
const FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

pub fn format(t: OffsetDateTime) -> String {
    let utc = t.to_offset(time::UtcOffset::UTC);
    utc.format(FORMAT)
        .unwrap_or_else(|_| utc.unix_timestamp().to_string())
}

/// Reads a timestamp written by [`format`].
pub fn parse(s: &str) -> Option<OffsetDateTime> {
    time::PrimitiveDateTime::parse(s, FORMAT)
        .ok()
        .map(|t| t.assume_utc())
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_have_fixed_width() {
        let t = time::macros::datetime!(2026-01-02 03:04:05.5 UTC);
        assert_eq!(super::format(t), "2026-01-02T03:04:05.500000Z");
        assert_eq!(super::parse("2026-01-02T03:04:05.500000Z"), Some(t));
        assert_eq!(super::parse("garbage"), None);
    }
}
