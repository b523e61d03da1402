//! Tests of the impact assessment workflow and re-assessment triggers.
use super::*;
use crate::access::Role;
use ImpactState::{Approved, Draft, InReview};

#[test]
fn draft_in_review_approved() {
    let s = transition(Draft, InReview, Role::Contributor).unwrap();
    assert_eq!(s, InReview);
    let s = transition(s, Approved, Role::Manager).unwrap();
    assert_eq!(s, Approved);
    assert_eq!(transition(Draft, InReview, Role::Manager), Ok(InReview));
    assert_eq!(transition(InReview, Draft, Role::Manager), Ok(Draft));
    assert_eq!(transition(InReview, Draft, Role::Contributor), Ok(Draft));
}

#[test]
fn every_move_and_role() {
    use Role::*;
    let forbidden = |needs| Err(TransitionError::Forbidden { needs });
    let table = [
        (
            Draft,
            InReview,
            [Ok(InReview), Ok(InReview), forbidden(Contributor)],
        ),
        (
            InReview,
            Draft,
            [Ok(Draft), Ok(Draft), forbidden(Contributor)],
        ),
        (
            InReview,
            Approved,
            [Ok(Approved), forbidden(Manager), forbidden(Manager)],
        ),
    ];
    for (from, to, results) in table {
        for (role, want) in [Manager, Contributor, Auditor].into_iter().zip(results) {
            assert_eq!(
                transition(from, to, role),
                want,
                "{from:?} → {to:?} by {role}"
            );
        }
    }
    for (from, to) in [
        (Draft, Approved),
        (Draft, Draft),
        (InReview, InReview),
        (Approved, Draft),
        (Approved, InReview),
        (Approved, Approved),
    ] {
        for role in [Manager, Contributor, Auditor] {
            assert_eq!(
                transition(from, to, role),
                Err(TransitionError::NotAllowed { from, to }),
                "{from:?} → {to:?} by {role}"
            );
        }
    }
}

#[test]
fn refusals_read_well() {
    let msg = |from, to, role| transition(from, to, role).unwrap_err().to_string();
    assert_eq!(
        msg(InReview, Approved, Role::Contributor),
        "only a manager may do this"
    );
    assert_eq!(
        msg(Draft, InReview, Role::Auditor),
        "only a contributor may do this"
    );
    assert_eq!(
        msg(Approved, Draft, Role::Manager),
        "an approved assessment does not change: edit it to start a new version"
    );
    assert_eq!(
        msg(Draft, Approved, Role::Manager),
        "submit the assessment for review before approving it"
    );
    assert_eq!(
        msg(Draft, Draft, Role::Manager),
        "the assessment is already draft"
    );
    assert_eq!(
        msg(Approved, Approved, Role::Manager),
        "the assessment is already approved"
    );
    assert_eq!(
        msg(InReview, InReview, Role::Manager),
        "the assessment is already in review"
    );
    let odd = TransitionError::NotAllowed {
        from: InReview,
        to: InReview,
    };
    assert_eq!(odd.to_string(), "the assessment is already in review");
    // The generic sentence, for a move no rule names.
    let generic = TransitionError::NotAllowed {
        from: Draft,
        to: InReview,
    };
    assert_eq!(
        generic.to_string(),
        "an assessment cannot go from draft to in review"
    );
}

#[test]
fn editing_by_state() {
    assert_eq!(on_edit(Draft), Edit::InPlace);
    assert_eq!(on_edit(InReview), Edit::Refused);
    assert_eq!(on_edit(Approved), Edit::NewVersion);
}

#[test]
fn states_have_keys_and_labels() {
    let keys: Vec<_> = ImpactState::ALL.iter().map(|s| s.key()).collect();
    assert_eq!(keys, ["draft", "in_review", "approved"]);
    for s in ImpactState::ALL {
        assert_eq!(ImpactState::from_key(s.key()), Some(s));
        assert_eq!(serde_json::to_value(s).unwrap(), s.key());
    }
    assert_eq!(ImpactState::from_key("rejected"), None);
    let labels: Vec<_> = ImpactState::ALL.iter().map(|s| s.label()).collect();
    assert_eq!(labels, ["Draft", "In review", "Approved"]);
}

fn facts() -> SystemFacts {
    SystemFacts {
        purpose: "Pre-screen loan applications".into(),
        lifecycle_stage: Some("deployment".into()),
        eu_ai_act_tier: Some("high_risk".into()),
    }
}

#[test]
fn a_changed_system_is_due_for_reassessment() {
    assert_eq!(reassessment_due(&facts(), &facts()), []);
    let mut spaced = facts();
    spaced.purpose = "  Pre-screen  loan\napplications ".into();
    assert_eq!(reassessment_due(&facts(), &spaced), [], "spacing only");

    let mut after = facts();
    after.purpose = "Pre-screen and decide loan applications".into();
    assert_eq!(reassessment_due(&facts(), &after), [Reason::PurposeChanged]);

    let mut after = facts();
    after.lifecycle_stage = Some("operation_monitoring".into());
    let stage = Reason::StageChanged {
        from: Some("deployment".into()),
        to: Some("operation_monitoring".into()),
    };
    assert_eq!(
        reassessment_due(&facts(), &after),
        std::slice::from_ref(&stage)
    );

    let mut after = facts();
    after.eu_ai_act_tier = None;
    let tier = Reason::TierChanged {
        from: Some("high_risk".into()),
        to: None,
    };
    assert_eq!(
        reassessment_due(&facts(), &after),
        std::slice::from_ref(&tier)
    );

    let all = SystemFacts {
        purpose: "Something else".into(),
        lifecycle_stage: Some("operation_monitoring".into()),
        eu_ai_act_tier: None,
    };
    assert_eq!(
        reassessment_due(&facts(), &all),
        [Reason::PurposeChanged, stage, tier]
    );
    // Case matters in a purpose: it is text people approved.
    let mut after = facts();
    after.purpose = after.purpose.to_uppercase();
    assert_eq!(reassessment_due(&facts(), &after), [Reason::PurposeChanged]);
}

#[test]
fn reasons_read_well() {
    assert_eq!(
        Reason::PurposeChanged.label(),
        "The system's purpose changed"
    );
    let r = Reason::StageChanged {
        from: None,
        to: Some("deployment".into()),
    };
    assert_eq!(
        r.label(),
        "The life-cycle stage changed from none to deployment"
    );
    let r = Reason::TierChanged {
        from: Some("minimal".into()),
        to: None,
    };
    assert_eq!(r.label(), "The EU AI Act tier changed from minimal to none");
    assert_eq!(
        serde_json::to_value(r).unwrap(),
        serde_json::json!({"reason": "tier_changed", "from": "minimal", "to": null})
    );
}

#[test]
fn the_reassessment_date_is_due_on_the_day() {
    assert!(!reassessment_overdue(None, "2026-05-01"));
    assert!(!reassessment_overdue(Some("2026-05-01"), "2026-04-30"));
    assert!(reassessment_overdue(Some("2026-05-01"), "2026-05-01"));
    assert!(reassessment_overdue(Some("2026-05-01"), "2026-05-02"));
}
