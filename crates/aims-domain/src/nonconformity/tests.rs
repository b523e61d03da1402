use super::*;
use crate::record::{FieldType, NONCONFORMITIES};
use serde_json::json;

const TODAY: &str = "2026-12-01";

fn fields(v: Value) -> Fields {
    v.as_object().unwrap().clone()
}

/// `old` updated with `changes` (an update keeps what it leaves out; null clears).
fn merged(old: &Fields, changes: Value) -> Fields {
    let mut new = old.clone();
    for (k, v) in fields(changes) {
        if v.is_null() {
            new.remove(&k);
        } else {
            new.insert(k, v);
        }
    }
    new
}

struct By {
    actor: &'static str,
    manager: bool,
}

const ANN: By = By {
    actor: "ann",
    manager: false,
};
const MAX: By = By {
    actor: "max",
    manager: true,
};
const OWNERS: &[&str] = &["bob", "cid"];

fn update(old: &Fields, changes: Value, by: By) -> Result<Fields, FieldErrors> {
    let mut new = merged(old, changes);
    check_update(old, &mut new, by.actor, by.manager, OWNERS, TODAY).map(|()| new)
}

fn open() -> Fields {
    fields(json!({"title": "Model card out of date", "status": "action_planned", "owner": "bob"}))
}

fn verified_effective() -> Fields {
    merged(
        &open(),
        json!({"status": "verifying", "verification": "effective", "verifier": "ann", "verified_on": "2026-11-20"}),
    )
}

fn closed() -> Fields {
    merged(
        &verified_effective(),
        json!({"status": "closed", "closed_on": "2026-11-25"}),
    )
}

#[test]
fn the_workflow_constants_are_the_kinds_choices() {
    let values = |name: &str| -> Vec<&str> {
        match NONCONFORMITIES.field(name).unwrap().ty {
            FieldType::Choice(c) => c.iter().map(|c| c.value).collect(),
            _ => vec![],
        }
    };
    for s in [CLOSED, REOPENED, ACTION_PLANNED] {
        assert!(values("status").contains(&s), "{s}");
    }
    assert_eq!(values("verification"), [EFFECTIVE, NOT_EFFECTIVE]);
    for name in CLEARED_ON_REOPEN.iter().chain(&["reopened_on"]) {
        assert!(NONCONFORMITIES.field(name).is_some(), "{name}");
    }
    assert!(NONCONFORMITIES.field("verifier").unwrap().computed);
}

#[test]
fn edits_that_touch_no_workflow_pass_unchanged() {
    let old = open();
    let new = update(&old, json!({"root_cause": "No review step"}), ANN).unwrap();
    assert_eq!(new, merged(&old, json!({"root_cause": "No review step"})));
    // A new nonconformity, by an action owner.
    let new = update(
        &Fields::new(),
        json!({"title": "t", "status": "open"}),
        By {
            actor: "bob",
            manager: false,
        },
    )
    .unwrap();
    assert_eq!(new, fields(json!({"title": "t", "status": "open"})));
    // A verified one edited without touching its verification keeps it.
    let old = verified_effective();
    let new = update(
        &old,
        json!({"description": "more"}),
        By {
            actor: "bob",
            manager: false,
        },
    )
    .unwrap();
    assert_eq!(new, merged(&old, json!({"description": "more"})));
}

#[test]
fn verification_is_by_someone_who_owns_no_corrective_action() {
    let e = update(
        &open(),
        json!({"verification": "effective"}),
        By {
            actor: "cid",
            manager: true,
        },
    )
    .unwrap_err();
    assert_eq!(
        e.get("verification"),
        ["must be recorded by someone who owns none of its corrective actions"]
    );
    let e = update(
        &open(),
        json!({"verification": "not_effective"}),
        By {
            actor: "bob",
            manager: false,
        },
    )
    .unwrap_err();
    assert_eq!(e.get("verification").len(), 1);
    // Changing an earlier verification is verifying again.
    let e = update(
        &verified_effective(),
        json!({"verification": "not_effective"}),
        By {
            actor: "bob",
            manager: false,
        },
    )
    .unwrap_err();
    assert_eq!(e.get("verification").len(), 1);
    // Anyone else records it; aims keeps who and when.
    let new = update(
        &open(),
        json!({"verification": "effective", "status": "verifying"}),
        ANN,
    )
    .unwrap();
    assert_eq!(new["verifier"], "ann");
    assert_eq!(new["verified_on"], TODAY);
    assert_eq!(new["status"], "verifying");
    // With no corrective actions, anyone can.
    let mut new = merged(&open(), json!({"verification": "effective"}));
    check_update(&open(), &mut new, "bob", false, &[], TODAY).unwrap();
    assert_eq!(new["verifier"], "bob");
}

#[test]
fn the_day_of_verification_is_today_unless_given() {
    let new = update(
        &open(),
        json!({"verification": "effective", "verified_on": "2026-11-28"}),
        ANN,
    )
    .unwrap();
    assert_eq!(new["verified_on"], "2026-11-28");
    // Verifying again: the day left from the earlier one is replaced.
    let old = merged(
        &open(),
        json!({"verification": "not_effective", "verified_on": "2026-10-01", "verifier": "dee"}),
    );
    let new = update(&old, json!({"verification": "effective"}), ANN).unwrap();
    assert_eq!(
        (new["verified_on"].as_str(), new["verifier"].as_str()),
        (Some(TODAY), Some("ann"))
    );
    let new = update(
        &old,
        json!({"verification": "effective", "verified_on": null}),
        ANN,
    )
    .unwrap();
    assert_eq!(new["verified_on"], TODAY);
    let new = update(
        &old,
        json!({"verification": "effective", "verified_on": "2026-11-30"}),
        ANN,
    )
    .unwrap();
    assert_eq!(new["verified_on"], "2026-11-30");
}

#[test]
fn not_effective_sends_it_back_to_planning_actions() {
    let old = merged(&open(), json!({"status": "verifying"}));
    let new = update(&old, json!({"verification": "not_effective"}), ANN).unwrap();
    assert_eq!(new["status"], "action_planned");
    assert_eq!(new["verifier"], "ann");
    // Effective leaves the status as it is.
    let new = update(&old, json!({"verification": "effective"}), ANN).unwrap();
    assert_eq!(new["status"], "verifying");
}

#[test]
fn removing_the_verification_removes_who_and_when() {
    let new = update(&verified_effective(), json!({"verification": null}), ANN).unwrap();
    assert_eq!((new.get("verifier"), new.get("verified_on")), (None, None));
    // Also a day given without any verification.
    let new = update(&open(), json!({"verified_on": "2026-11-01"}), ANN).unwrap();
    assert_eq!(new.get("verified_on"), None);
}

#[test]
fn only_a_manager_closes_and_only_once_verified_effective() {
    let old = verified_effective();
    let e = update(&old, json!({"status": "closed"}), ANN).unwrap_err();
    assert_eq!(e.get("status"), ["only a manager closes a nonconformity"]);
    let new = update(&old, json!({"status": "closed"}), MAX).unwrap();
    assert_eq!(new["status"], "closed");
    assert_eq!(new["closed_on"], TODAY);
    assert_eq!(new["verifier"], "ann", "the verification is kept");
    let new = update(
        &old,
        json!({"status": "closed", "closed_on": "2026-11-29"}),
        MAX,
    )
    .unwrap();
    assert_eq!(new["closed_on"], "2026-11-29");
    // Not verified, or not effective.
    let e = update(&open(), json!({"status": "closed"}), MAX).unwrap_err();
    assert_eq!(
        e.get("status"),
        ["a nonconformity is closed once its corrective actions are verified effective"]
    );
    let old_ne = merged(&open(), json!({"verification": "not_effective"}));
    let e = update(&old_ne, json!({"status": "closed"}), MAX).unwrap_err();
    assert_eq!(e.get("status").len(), 1);
    let e = update(
        &open(),
        json!({"status": "closed", "verification": "not_effective"}),
        MAX,
    )
    .unwrap_err();
    assert_eq!(e.get("status").len(), 1);
    // Neither: both said.
    let e = update(&open(), json!({"status": "closed"}), ANN).unwrap_err();
    assert_eq!(e.get("status").len(), 2);
    // Verified and closed at once by a manager who owns no action.
    let new = update(
        &open(),
        json!({"status": "closed", "verification": "effective"}),
        MAX,
    )
    .unwrap();
    assert_eq!(
        (
            new["verifier"].as_str(),
            new["verified_on"].as_str(),
            new["closed_on"].as_str()
        ),
        (Some("max"), Some(TODAY), Some(TODAY))
    );
    // Created closed: the same rules.
    let e = update(
        &Fields::new(),
        json!({"title": "t", "status": "closed"}),
        MAX,
    )
    .unwrap_err();
    assert_eq!(e.get("status").len(), 1);
}

#[test]
fn a_closed_nonconformity_stays_closed_or_is_reopened() {
    let old = closed();
    // Edits that keep it closed are fine, and do not close it again.
    let new = update(&old, json!({"similar_elsewhere": "none found"}), ANN).unwrap();
    assert_eq!(new["closed_on"], "2026-11-25");
    let mut no_day = old.clone();
    no_day.remove("closed_on");
    let new = update(&no_day, json!({"similar_elsewhere": "none found"}), MAX).unwrap();
    assert_eq!(new.get("closed_on"), None, "closing is what sets the day");
    for status in ["open", "action_planned", "verifying"] {
        let e = update(&old, json!({"status": status}), MAX).unwrap_err();
        assert_eq!(
            e.get("status"),
            ["a closed nonconformity can only be reopened"],
            "{status}"
        );
    }
    let e = update(&old, json!({"status": null}), MAX).unwrap_err();
    assert_eq!(e.get("status").len(), 1);
    // Its verification stays as it was.
    let e = update(&old, json!({"verification": "not_effective"}), MAX).unwrap_err();
    assert_eq!(
        e.get("verification"),
        ["reopen the nonconformity to verify its actions again"]
    );
    let e = update(&old, json!({"verification": null}), MAX).unwrap_err();
    assert_eq!(e.get("verification").len(), 1);
}

#[test]
fn reopening_starts_the_verification_over() {
    let reopened = fields(json!({
        "title": "Model card out of date",
        "owner": "bob",
        "status": "reopened",
        "reopened_on": TODAY
    }));
    // By anyone who can write, an action owner too.
    let new = update(
        &closed(),
        json!({"status": "reopened"}),
        By {
            actor: "bob",
            manager: false,
        },
    )
    .unwrap();
    assert_eq!(new, reopened);
    // Whatever verification came with it is cleared, whoever gave it.
    let new = update(
        &closed(),
        json!({"status": "reopened", "verification": "not_effective"}),
        By {
            actor: "bob",
            manager: false,
        },
    )
    .unwrap();
    assert_eq!(new, reopened);
    // Only a closed one is reopened.
    let e = update(&open(), json!({"status": "reopened"}), MAX).unwrap_err();
    assert_eq!(e.get("status"), ["only a closed nonconformity is reopened"]);
    let e = update(
        &Fields::new(),
        json!({"title": "t", "status": "reopened"}),
        MAX,
    )
    .unwrap_err();
    assert_eq!(e.get("status").len(), 1);
    // A reopened one is worked on like an open one, and closed again.
    let new = update(&reopened, json!({"description": "again"}), ANN).unwrap();
    assert_eq!(new["status"], "reopened");
    assert_eq!(new.get("verification"), None);
    let new = update(&reopened, json!({"verification": "effective"}), ANN).unwrap();
    assert_eq!(new["status"], "reopened");
    let new = update(&new, json!({"status": "closed"}), MAX).unwrap();
    assert_eq!(
        (new["status"].as_str(), new["closed_on"].as_str()),
        (Some("closed"), Some(TODAY))
    );
}

#[test]
fn a_later_finding_reopens_a_closed_nonconformity() {
    let mut f = closed();
    assert!(reopen(&mut f, "2027-02-01"));
    assert_eq!(
        f,
        fields(json!({
            "title": "Model card out of date",
            "owner": "bob",
            "status": "reopened",
            "reopened_on": "2027-02-01"
        }))
    );
    for status in [None, Some("open"), Some("verifying"), Some("reopened")] {
        let mut f = verified_effective();
        match status {
            Some(s) => f.insert("status".into(), json!(s)),
            None => f.remove("status"),
        };
        let before = f.clone();
        assert!(!reopen(&mut f, "2027-02-01"), "{status:?}");
        assert_eq!(f, before);
    }
}
