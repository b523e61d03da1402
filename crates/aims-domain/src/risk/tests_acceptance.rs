//! Tests of acceptance: the material hash, who may accept, and when an
//! acceptance stops holding.
use super::*;
use crate::access::Role;
use sha2::{Digest, Sha256};

type Change = (&'static str, fn(&mut MaterialState));

const TODAY: &str = "2026-03-10";

fn state() -> MaterialState {
    MaterialState {
        assessments: Assessments {
            inherent: Assessment::new(4, 4),
            current: Assessment::new(3, 4),
            residual: Assessment::new(2, 3), // 6, medium
        },
        treatment: Some(TreatmentOption::Modify),
        action_ids: vec!["act-2".into(), "act-1".into()],
        system_ids: vec!["sys-1".into()],
    }
}

fn decision(role: Role, expires_on: &str) -> Decision {
    Decision {
        role,
        accepted_by: "user-7".into(),
        reason: "  Monitoring in place; cost of further controls too high  ".into(),
        expires_on: expires_on.into(),
    }
}

fn accepted() -> Acceptance {
    let m = RiskMethod::default_5x5();
    accept(
        &m,
        3,
        &state(),
        &decision(Role::Manager, "2026-06-30"),
        TODAY,
    )
    .unwrap()
}

#[test]
fn the_hash_is_sha256_of_the_documented_text() {
    let text = "aims-risk-state/1\ninherent=4/4\ncurrent=3/4\nresidual=2/3\ntreatment=modify\nactions=2\n5:act-1\n5:act-2\nsystems=1\n5:sys-1\n";
    let want = hex::encode(Sha256::digest(text.as_bytes()));
    assert_eq!(scored_state_hash(&state()), want);
    let empty = "aims-risk-state/1\ninherent=-/-\ncurrent=-/-\nresidual=-/-\ntreatment=-\nactions=0\nsystems=0\n";
    assert_eq!(
        scored_state_hash(&MaterialState::default()),
        hex::encode(Sha256::digest(empty.as_bytes()))
    );
    assert_eq!(scored_state_hash(&state()).len(), 64);
}

#[test]
fn the_hash_ignores_order_and_repeats_of_ids() {
    let mut s = state();
    s.action_ids = vec!["act-1".into(), "act-2".into(), "act-1".into()];
    s.system_ids = vec!["sys-1".into(), "sys-1".into()];
    assert_eq!(scored_state_hash(&s), scored_state_hash(&state()));
}

#[test]
fn every_material_field_changes_the_hash() {
    let base = scored_state_hash(&state());
    let changes: Vec<Change> = vec![
        ("inherent likelihood", |s| {
            s.assessments.inherent.likelihood = Some(5)
        }),
        ("inherent impact", |s| s.assessments.inherent.impact = None),
        ("current likelihood", |s| {
            s.assessments.current.likelihood = Some(2)
        }),
        ("current impact", |s| s.assessments.current.impact = Some(5)),
        ("residual likelihood", |s| {
            s.assessments.residual.likelihood = None
        }),
        ("residual impact", |s| {
            s.assessments.residual.impact = Some(2)
        }),
        ("swapped residual", |s| {
            s.assessments.residual = Assessment::new(3, 2)
        }),
        ("treatment", |s| s.treatment = Some(TreatmentOption::Share)),
        ("no treatment", |s| s.treatment = None),
        ("an action added", |s| s.action_ids.push("act-3".into())),
        ("an action removed", |s| {
            s.action_ids.pop();
        }),
        ("a system linked", |s| s.system_ids.push("sys-2".into())),
        ("a system unlinked", |s| s.system_ids.clear()),
        ("an action became a system", |s| {
            s.action_ids.retain(|a| a != "act-2");
            s.system_ids.push("act-2".into());
        }),
    ];
    for (what, change) in changes {
        let mut s = state();
        change(&mut s);
        assert_ne!(scored_state_hash(&s), base, "{what}");
    }
}

#[test]
fn a_manager_accepts_with_a_reason_and_a_later_expiry() {
    let a = accepted();
    assert_eq!(
        a,
        Acceptance {
            method_version: 3,
            state_hash: scored_state_hash(&state()),
            band: "medium".into(),
            accepted_by: "user-7".into(),
            reason: "Monitoring in place; cost of further controls too high".into(),
            accepted_on: TODAY.into(),
            expires_on: "2026-06-30".into(),
        }
    );
    assert_eq!(
        acceptance_status(&a, &RiskMethod::default_5x5(), &state(), TODAY),
        AcceptanceStatus::Valid
    );
    // A date with a time is read as its date.
    let m = RiskMethod::default_5x5();
    let a = accept(
        &m,
        1,
        &state(),
        &decision(Role::Manager, "2026-03-11T08:00"),
        TODAY,
    )
    .unwrap();
    assert_eq!(a.expires_on, "2026-03-11");
}

#[test]
fn acceptance_is_refused_field_by_field() {
    let m = RiskMethod::default_5x5();
    let fields = |s: &MaterialState, d: &Decision| -> Vec<String> {
        match accept(&m, 1, s, d, TODAY) {
            Ok(_) => vec![],
            Err(e) => e.iter().map(|(f, _)| f.to_owned()).collect(),
        }
    };
    // Expiry: strictly after today.
    assert_eq!(
        fields(&state(), &decision(Role::Manager, "2026-03-11")),
        Vec::<String>::new()
    );
    assert_eq!(
        fields(&state(), &decision(Role::Manager, TODAY)),
        ["expires_on"]
    );
    assert_eq!(
        fields(&state(), &decision(Role::Manager, "2026-03-09")),
        ["expires_on"]
    );
    assert_eq!(
        fields(&state(), &decision(Role::Manager, "2026-02-30")),
        ["expires_on"]
    );
    assert_eq!(
        fields(&state(), &decision(Role::Manager, "")),
        ["expires_on"]
    );
    let e = accept(&m, 1, &state(), &decision(Role::Manager, TODAY), TODAY).unwrap_err();
    assert_eq!(e.get("expires_on"), ["must be after today (2026-03-10)"]);
    let e = accept(&m, 1, &state(), &decision(Role::Manager, "soon"), TODAY).unwrap_err();
    assert_eq!(e.get("expires_on"), ["must be a date, YYYY-MM-DD"]);
    // A reason.
    let mut d = decision(Role::Manager, "2026-06-30");
    d.reason = " \n ".into();
    assert_eq!(fields(&state(), &d), ["reason"]);
    d.reason = "ok\u{0}".into();
    assert_eq!(fields(&state(), &d), ["reason"]);
    // A role the band's rule allows.
    let e = accept(
        &m,
        1,
        &state(),
        &decision(Role::Contributor, "2026-06-30"),
        TODAY,
    )
    .unwrap_err();
    assert_eq!(
        e.get("band"),
        ["only a manager may accept risks in band medium"]
    );
    // A band that may be accepted.
    let mut critical = state();
    critical.assessments.residual = Assessment::new(5, 4);
    let e = accept(
        &m,
        1,
        &critical,
        &decision(Role::Manager, "2026-06-30"),
        TODAY,
    )
    .unwrap_err();
    assert_eq!(
        e.get("band"),
        ["risks in band critical may not be accepted under the risk method: treat them"]
    );
    // An assessed residual.
    let mut open = state();
    open.assessments.residual.impact = None;
    let mut d = decision(Role::Manager, "");
    d.reason.clear();
    assert_eq!(fields(&open, &d), ["expires_on", "reason", "residual"]);
}

#[test]
fn who_may_accept_which_band() {
    let m = RiskMethod::default_5x5();
    assert_eq!(may_accept(&m, "low", Role::Manager), Ok(()));
    assert_eq!(may_accept(&m, "high", Role::Manager), Ok(()));
    let needs_manager = |band: &str| Refusal::NeedsRole {
        band: band.into(),
        needs: Role::Manager,
    };
    assert_eq!(
        may_accept(&m, "low", Role::Contributor),
        Err(needs_manager("low"))
    );
    assert_eq!(
        may_accept(&m, "low", Role::Auditor),
        Err(needs_manager("low"))
    );
    let not = |band: &str| Refusal::NotAcceptable { band: band.into() };
    assert_eq!(
        may_accept(&m, "critical", Role::Manager),
        Err(not("critical"))
    );
    assert_eq!(
        may_accept(&m, "unknown", Role::Manager),
        Err(not("unknown"))
    );

    let mut m = RiskMethod::default_5x5();
    m.acceptance[0].by = Role::Contributor;
    assert_eq!(may_accept(&m, "low", Role::Contributor), Ok(()));
    assert_eq!(may_accept(&m, "low", Role::Manager), Ok(()));
    let needs_contributor = Err(Refusal::NeedsRole {
        band: "low".into(),
        needs: Role::Contributor,
    });
    assert_eq!(may_accept(&m, "low", Role::Auditor), needs_contributor);
    // A rule naming an auditor (refused by validation) still lets no auditor accept.
    m.acceptance[0].by = Role::Auditor;
    assert_eq!(may_accept(&m, "low", Role::Auditor), needs_contributor);
    assert_eq!(may_accept(&m, "low", Role::Contributor), Ok(()));
    // A refusing rule refuses a manager too.
    m.acceptance[1].may_accept = false;
    assert_eq!(may_accept(&m, "medium", Role::Manager), Err(not("medium")));
    assert_eq!(
        Refusal::NeedsRole {
            band: "b".into(),
            needs: Role::Contributor
        }
        .to_string(),
        "only a contributor may accept risks in band b"
    );
}

#[test]
fn an_acceptance_expires_on_its_expiry_date() {
    let a = accepted();
    let m = RiskMethod::default_5x5();
    let on = |day: &str| acceptance_status(&a, &m, &state(), day);
    assert_eq!(on("2026-06-29"), AcceptanceStatus::Valid, "the day before");
    assert!(on("2026-06-29").is_valid());
    assert_eq!(
        on("2026-06-30"),
        AcceptanceStatus::Expired,
        "the day itself"
    );
    assert_eq!(on("2026-07-01"), AcceptanceStatus::Expired, "the day after");
    assert!(!on("2026-07-01").is_valid());
}

#[test]
fn a_material_change_voids_the_acceptance() {
    let a = accepted();
    let m = RiskMethod::default_5x5();
    let mut changed = state();
    changed.system_ids.push("sys-9".into());
    let voided = AcceptanceStatus::Voided(VoidReason::MaterialChange);
    assert_eq!(acceptance_status(&a, &m, &changed, TODAY), voided);
    assert!(!voided.is_valid());
    // Even when the residual and its band stay the same.
    let mut changed = state();
    changed.assessments.inherent = Assessment::new(5, 5);
    assert_eq!(acceptance_status(&a, &m, &changed, TODAY), voided);
    // And it is voided rather than expired once both are true.
    assert_eq!(acceptance_status(&a, &m, &changed, "2027-01-01"), voided);
    // Changes that are not material keep it.
    let mut same = state();
    same.action_ids.reverse();
    assert_eq!(
        acceptance_status(&a, &m, &same, TODAY),
        AcceptanceStatus::Valid
    );
}

#[test]
fn a_method_change_voids_the_acceptance_only_if_the_band_moves() {
    let a = accepted(); // residual 2×3 = 6, medium
                        // Medium now starts at 7: the residual drops to low.
    let mut moved = RiskMethod::default_5x5();
    moved.bands[1].min_score = 7;
    assert_eq!(moved.validate(), Ok(()));
    let voided = AcceptanceStatus::Voided(VoidReason::BandMoved {
        from: "medium".into(),
        to: "low".into(),
    });
    assert_eq!(acceptance_status(&a, &moved, &state(), TODAY), voided);
    assert_eq!(
        acceptance_status(&a, &moved, &state(), "2027-01-01"),
        voided
    );
    // The cell's score changes but stays medium: still valid.
    let mut kept = RiskMethod::default_5x5();
    kept.grid[1][2] = 8;
    assert_eq!(
        acceptance_status(&a, &kept, &state(), TODAY),
        AcceptanceStatus::Valid
    );
    // A cell that falls in no band (an unvalidated method): not assessed.
    let mut odd = RiskMethod::default_5x5();
    odd.grid[1][2] = 0;
    assert_eq!(
        acceptance_status(&a, &odd, &state(), TODAY),
        AcceptanceStatus::Voided(VoidReason::NotAssessed)
    );
    // The impact scale shrank and the stored residual was not cleared yet.
    let mut shrunk = RiskMethod::default_5x5();
    shrunk.impact.truncate(3);
    for row in &mut shrunk.grid {
        row.truncate(3);
    }
    let mut s = state();
    s.assessments.residual = Assessment::new(1, 4);
    let a4 = accept(
        &RiskMethod::default_5x5(),
        1,
        &s,
        &decision(Role::Manager, "2026-06-30"),
        TODAY,
    )
    .unwrap();
    assert_eq!(
        acceptance_status(&a4, &shrunk, &s, TODAY),
        AcceptanceStatus::Voided(VoidReason::NotAssessed)
    );
}

#[test]
fn a_band_the_method_no_longer_lets_be_accepted_voids_it() {
    let a = accepted();
    let mut m = RiskMethod::default_5x5();
    m.acceptance[1].may_accept = false;
    let voided = AcceptanceStatus::Voided(VoidReason::NoLongerAcceptable {
        band: "medium".into(),
    });
    assert_eq!(acceptance_status(&a, &m, &state(), TODAY), voided);
    m.acceptance.remove(1);
    assert_eq!(acceptance_status(&a, &m, &state(), TODAY), voided);
    assert_eq!(acceptance_status(&a, &m, &state(), "2027-01-01"), voided);
}

#[test]
fn statuses_serialise_with_their_reason() {
    let v = AcceptanceStatus::Voided(VoidReason::BandMoved {
        from: "medium".into(),
        to: "high".into(),
    });
    assert_eq!(
        serde_json::to_value(v).unwrap(),
        serde_json::json!({"status": "voided", "reason": "band_moved", "from": "medium", "to": "high"})
    );
    assert_eq!(
        serde_json::to_value(AcceptanceStatus::Expired).unwrap(),
        serde_json::json!({"status": "expired"})
    );
}

#[test]
fn status_keys_are_what_the_api_serialises() {
    let all = [
        AcceptanceStatus::Valid,
        AcceptanceStatus::Expired,
        AcceptanceStatus::Voided(VoidReason::MaterialChange),
        AcceptanceStatus::Voided(VoidReason::NotAssessed),
        AcceptanceStatus::Voided(VoidReason::BandMoved {
            from: "low".into(),
            to: "high".into(),
        }),
        AcceptanceStatus::Voided(VoidReason::NoLongerAcceptable {
            band: "high".into(),
        }),
    ];
    for status in &all {
        let json = serde_json::to_value(status).unwrap();
        assert_eq!(json["status"], status.key());
        match status {
            AcceptanceStatus::Voided(r) => {
                assert_eq!(json["reason"], r.key());
                assert_eq!(status.summary(), format!("voided: {}", r.key()));
            }
            _ => assert_eq!(status.summary(), status.key()),
        }
    }
}

#[test]
fn each_status_reads_in_words() {
    let moved = VoidReason::BandMoved {
        from: "low".into(),
        to: "high".into(),
    };
    for (status, words) in [
        (AcceptanceStatus::Valid, "Valid"),
        (AcceptanceStatus::Expired, "Expired: to be reviewed"),
        (
            AcceptanceStatus::Voided(VoidReason::MaterialChange),
            "Voided: the risk changed since it was accepted",
        ),
        (
            AcceptanceStatus::Voided(VoidReason::NotAssessed),
            "Voided: the residual level is no longer assessed",
        ),
        (
            AcceptanceStatus::Voided(moved),
            "Voided: the band moved from low to high",
        ),
        (
            AcceptanceStatus::Voided(VoidReason::NoLongerAcceptable {
                band: "critical".into(),
            }),
            "Voided: the method no longer lets critical be accepted",
        ),
    ] {
        assert_eq!(status.label(), words);
    }
}
