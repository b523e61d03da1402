//! Nonconformities and corrective actions (10.2): the rules of their workflow.
//!
//! A nonconformity is corrected at once, its cause found and removed by
//! corrective actions, and then someone checks that those actions worked.
//! That check is independent: whoever records it owns none of the
//! corrective actions. Only a manager closes a nonconformity, and only once
//! the check found the actions effective; a check that finds them not
//! effective sends the nonconformity back to planning actions. A closed
//! nonconformity found again is reopened, and its verification starts over.
//!
//! The application calls [`check_update`] on every write of a
//! nonconformity (with empty old fields on creation), after parsing.

use crate::record::Fields;
use crate::validation::FieldErrors;
use serde_json::Value;

/// The status of a closed nonconformity.
pub const CLOSED: &str = "closed";
/// The status of one found again after it was closed.
pub const REOPENED: &str = "reopened";
/// The status one goes back to when its actions were not effective.
pub const ACTION_PLANNED: &str = "action_planned";
/// The verification that lets a manager close it.
pub const EFFECTIVE: &str = "effective";
/// The verification that sends it back to [`ACTION_PLANNED`].
pub const NOT_EFFECTIVE: &str = "not_effective";

/// The fields a reopening clears: the verification starts over.
const CLEARED_ON_REOPEN: [&str; 4] = ["verification", "verifier", "verified_on", "closed_on"];

fn text<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields.get(name).and_then(Value::as_str)
}

fn set(fields: &mut Fields, name: &str, value: &str) {
    fields.insert(name.into(), Value::String(value.to_owned()));
}

/// Checks and completes a nonconformity's fields as `actor` (a user id,
/// as in `action_owners`, the owners of its corrective actions) changes
/// them from `old` (empty on creation) to `new` on `today`:
///
/// - a verification newly recorded must be by someone who owns none of its
///   corrective actions; aims keeps who (`verifier` = `actor`) and when
///   (`verified_on`, today unless given);
/// - a verification of not effective sends it back to action planned;
/// - a verification removed takes who and when with it;
/// - only a manager closes it, and only once verified effective; closing
///   sets `closed_on` (today unless given);
/// - once closed it stays closed, with its verification, or is reopened,
///   which clears the verification and the closing and sets `reopened_on`;
///   only a closed nonconformity is reopened.
pub fn check_update(
    old: &Fields,
    new: &mut Fields,
    actor: &str,
    actor_is_manager: bool,
    action_owners: &[&str],
    today: &str,
) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    let old_status = text(old, "status");
    let status = text(new, "status");
    let old_verification = text(old, "verification");
    let verification = text(new, "verification");
    let was_closed = old_status == Some(CLOSED);
    let closing = status == Some(CLOSED) && !was_closed;
    let reopening = status == Some(REOPENED) && old_status != Some(REOPENED);
    let verifying = verification.is_some() && verification != old_verification && !reopening;

    if was_closed && !matches!(status, Some(CLOSED | REOPENED)) {
        e.add("status", "a closed nonconformity can only be reopened");
    }
    if reopening && !was_closed {
        e.add("status", "only a closed nonconformity is reopened");
    }
    if was_closed && status == Some(CLOSED) && verification != old_verification {
        e.add(
            "verification",
            "reopen the nonconformity to verify its actions again",
        );
    }
    if verifying && action_owners.contains(&actor) {
        e.add(
            "verification",
            "must be recorded by someone who owns none of its corrective actions",
        );
    }
    if closing && !actor_is_manager {
        e.add("status", "only a manager closes a nonconformity");
    }
    if closing && verification != Some(EFFECTIVE) {
        e.add(
            "status",
            "a nonconformity is closed once its corrective actions are verified effective",
        );
    }
    e.into_result()?;
    let not_effective = verification == Some(NOT_EFFECTIVE);
    let unverified = verification.is_none();

    if reopening {
        clear_for_reopening(new, today);
        return Ok(());
    }
    if verifying {
        set(new, "verifier", actor);
        if text(new, "verified_on").is_none()
            || text(new, "verified_on") == text(old, "verified_on")
        {
            set(new, "verified_on", today);
        }
        if not_effective {
            set(new, "status", ACTION_PLANNED);
        }
    }
    if unverified {
        new.remove("verifier");
        new.remove("verified_on");
    }
    if closing && text(new, "closed_on").is_none() {
        set(new, "closed_on", today);
    }
    Ok(())
}

fn clear_for_reopening(fields: &mut Fields, today: &str) {
    for name in CLEARED_ON_REOPEN {
        fields.remove(name);
    }
    set(fields, "status", REOPENED);
    set(fields, "reopened_on", today);
}

/// Reopens a closed nonconformity found again (by a later audit, an
/// incident): status reopened on `today`, its verification and closing
/// cleared. Whether it was reopened: one not closed is still open and is
/// left as it is.
pub fn reopen(fields: &mut Fields, today: &str) -> bool {
    let closed = text(fields, "status") == Some(CLOSED);
    if closed {
        clear_for_reopening(fields, today);
    }
    closed
}

#[cfg(test)]
mod tests;
