//! The certification cycle: the rule that completes a certification event
//! before it is stored. A management system certificate holds for three
//! years from the day it starts, kept by a surveillance audit in each year
//! between; aims keeps the expiry and the two surveillance audits as dated
//! duties of the certificate's record, so they reach the owner's work list.

use crate::record::Fields;
use crate::validation::FieldErrors;
use serde_json::Value;

/// Years a certificate holds from the day it starts.
pub const VALID_YEARS: i64 = 3;

/// The fields computed from `valid_from` and the years after it each falls.
pub const FROM_VALID_FROM: [(&str, i64); 3] = [
    ("next_surveillance", 1),
    ("second_surveillance", 2),
    ("valid_until", VALID_YEARS),
];

/// Completes a certification event's fields: `valid_until`,
/// `next_surveillance` and `second_surveillance` from `valid_from` (one,
/// two and three years later), or none of them without it.
pub fn derive(fields: &mut Fields) -> Result<(), FieldErrors> {
    let Some(from) = fields.get("valid_from").and_then(Value::as_str) else {
        for (name, _) in FROM_VALID_FROM {
            fields.remove(name);
        }
        return Ok(());
    };
    let dates = FROM_VALID_FROM
        .iter()
        .map(|(name, years)| Some((*name, crate::date::add_years(from, *years)?)))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| {
            FieldErrors::single(
                "valid_from",
                "is too late: the certificate would run past the year 9999",
            )
        })?;
    for (name, date) in dates {
        fields.insert(name.into(), Value::String(date));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn derived(v: Value) -> Result<Fields, FieldErrors> {
        let mut f = v.as_object().unwrap().clone();
        derive(&mut f).map(|()| f)
    }

    #[test]
    fn a_certificate_holds_three_years_with_two_surveillance_audits() {
        let f = derived(json!({"title": "Certificate", "valid_from": "2026-03-15"})).unwrap();
        assert_eq!(f["next_surveillance"], "2027-03-15");
        assert_eq!(f["second_surveillance"], "2028-03-15");
        assert_eq!(f["valid_until"], "2029-03-15");
        assert_eq!(f["valid_from"], "2026-03-15");
        assert_eq!(f.len(), 5);
        // From a leap day, each anniversary without one is the 28th.
        let f = derived(json!({"valid_from": "2028-02-29"})).unwrap();
        assert_eq!(f["next_surveillance"], "2029-02-28");
        assert_eq!(f["second_surveillance"], "2030-02-28");
        assert_eq!(f["valid_until"], "2031-02-28");
    }

    #[test]
    fn without_a_start_nothing_is_computed_and_stale_dates_go() {
        let f = derived(json!({
            "title": "Stage 2",
            "valid_until": "2029-03-15",
            "next_surveillance": "2027-03-15",
            "second_surveillance": "2028-03-15"
        }))
        .unwrap();
        assert_eq!(f, *json!({"title": "Stage 2"}).as_object().unwrap());
    }

    #[test]
    fn a_start_too_late_for_the_calendar_is_refused() {
        let mut f = json!({"valid_from": "9997-06-01"})
            .as_object()
            .unwrap()
            .clone();
        let e = derive(&mut f).unwrap_err();
        assert_eq!(f.len(), 1, "nothing is half computed");
        assert_eq!(
            e.get("valid_from"),
            ["is too late: the certificate would run past the year 9999"]
        );
        let f = derived(json!({"valid_from": "9996-12-31"})).unwrap();
        assert_eq!(f["valid_until"], "9999-12-31");
        assert_eq!(VALID_YEARS, 3);
    }
}
