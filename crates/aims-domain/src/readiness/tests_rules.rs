use super::rules::{CONTROL_RULES, RULES};
use super::*;

const TODAY: &str = "2026-06-15";
const YESTERDAY: &str = "2026-06-14";
const TOMORROW: &str = "2026-06-16";
const OWNER: &str = "owner@example.com";

/// Runs the clause rule `id` on `s`.
fn run<'a>(id: &str, s: &'a Snapshot) -> Vec<Check<'a>> {
    let rule = RULES
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no rule {id}"));
    (rule.run)(s)
}

/// Runs the control rule `id` on `c`.
fn run_control<'a>(id: &str, c: &'a ControlFact) -> Check<'a> {
    let rule = CONTROL_RULES
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no control rule {id}"));
    (rule.run)(c)
}

fn snap() -> Snapshot {
    Snapshot {
        today: TODAY.into(),
        ..Snapshot::default()
    }
}

fn rec(path: &str, title: &str) -> Record {
    Subject::new(path, title)
}

fn owned(path: &str, title: &str) -> Record {
    rec(path, title).owned(Some(OWNER))
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

/// Whether each check passed, in order.
fn passes(checks: &[Check]) -> Vec<bool> {
    checks.iter().map(|c| c.passed).collect()
}

/// The subjects' titles, in order.
fn titles<'a>(checks: &'a [Check<'_>]) -> Vec<&'a str> {
    checks.iter().map(|c| c.subject.title.as_str()).collect()
}

/// The missing texts of the failed checks, in order.
fn failures<'a>(checks: &'a [Check<'_>]) -> Vec<&'a str> {
    checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.missing.as_ref())
        .collect()
}

/// The system ids of each check, in order.
fn systems_of(checks: &[Check]) -> Vec<Vec<String>> {
    checks.iter().map(|c| c.systems.to_vec()).collect()
}

/// The only check of `checks`.
fn only(checks: Vec<Check>) -> Check {
    assert_eq!(checks.len(), 1, "one check: {checks:?}");
    checks.into_iter().next().unwrap_or_else(|| unreachable!())
}

fn dated(title: &str, status: &str, due: Option<&str>) -> DatedFact {
    DatedFact {
        record: rec(&format!("work/{title}"), title),
        status: status.into(),
        due: due.map(str::to_owned),
    }
}

fn system(id: &str, in_scope: Option<bool>) -> SystemFact {
    SystemFact {
        id: id.into(),
        record: owned(&format!("inventory/{id}"), &format!("System {id}")),
        in_scope,
        tier: Some("minimal".into()),
        risks: 1,
        impact_current: true,
        impact_note: "current".into(),
        obligations: Vec::new(),
    }
}

fn risk(title: &str, treatment: &str, systems: &[&str]) -> RiskFact {
    RiskFact {
        record: rec(&format!("risks/{title}"), title),
        assessed: true,
        treatment: treatment.into(),
        actions: 1,
        actions_overdue: 0,
        acceptance_valid: None,
        systems: strings(systems),
    }
}

fn control(id: &str) -> ControlFact {
    ControlFact {
        id: id.into(),
        title: "AI system design".into(),
        record: Some(owned(&format!("controls/{id}"), &format!("{id} design"))),
        implementation_status: "implemented".into(),
        evidence: Counts {
            current: 1,
            stale: 0,
            rejected: 0,
        },
    }
}

// ---------------------------------------------------------------- tables

#[test]
fn every_rule_serves_its_requirement() {
    let table: Vec<(&str, &str)> = RULES.iter().map(|r| (r.id, r.requirement)).collect();
    assert_eq!(
        table,
        [
            ("context_issues", "4.1"),
            ("interested_parties", "4.2"),
            ("scope_approved", "4.3"),
            ("systems_scoped", "4.3"),
            ("ai_policy", "5.2"),
            ("roles_assigned", "5.3"),
            ("systems_risk_assessed", "6.1.2"),
            ("risks_scored", "6.1.2"),
            ("treatment_chosen", "6.1.3"),
            ("treatments_on_track", "6.1.3"),
            ("soa_complete", "6.1.3"),
            ("soa_approved", "6.1.3"),
            ("impact_assessed", "6.1.4"),
            ("objectives_set", "6.2"),
            ("trainings_current", "7.2"),
            ("documents_approved", "7.5"),
            ("documents_reviewed", "7.5"),
            ("systems_classified", "8.1"),
            ("systems_owned", "8.1"),
            ("acceptances_valid", "8.3"),
            ("metrics_defined", "9.1"),
            ("metrics_reporting", "9.1"),
            ("metrics_within", "9.1"),
            ("audit_held", "9.2"),
            ("audits_on_schedule", "9.2"),
            ("programme_coverage", "9.2"),
            ("review_held", "9.3"),
            ("reviews_on_time", "9.3"),
            ("nonconformities_on_time", "10.2"),
            ("corrective_actions_on_time", "10.2"),
        ]
    );
    for r in RULES {
        assert!(!r.checks.is_empty(), "{}", r.id);
        assert!(!r.why.is_empty(), "{}", r.id);
    }
}

#[test]
fn every_control_rule_is_listed_once() {
    let ids: Vec<&str> = CONTROL_RULES.iter().map(|r| r.id).collect();
    assert_eq!(
        ids,
        ["control_owned", "control_implemented", "control_evidenced"]
    );
    for r in CONTROL_RULES {
        assert!(!r.checks.is_empty(), "{}", r.id);
        assert!(!r.why.is_empty(), "{}", r.id);
    }
}

// ---------------------------------------------------------------- clause 4

#[test]
fn context_issues_needs_at_least_one() {
    let mut s = snap();
    let none = only(run("context_issues", &s));
    assert_eq!(
        none,
        Check::of(
            false,
            Subject::new("context", "context issues"),
            "No context issues recorded yet"
        )
    );
    for n in [1, 2] {
        s.context_issues = n;
        assert!(only(run("context_issues", &s)).passed, "{n}");
    }
}

#[test]
fn interested_parties_needs_at_least_one() {
    let mut s = snap();
    let none = only(run("interested_parties", &s));
    assert_eq!(
        none,
        Check::of(
            false,
            Subject::new("parties", "interested parties"),
            "No interested parties recorded yet"
        )
    );
    for n in [1, 3] {
        s.interested_parties = n;
        assert!(only(run("interested_parties", &s)).passed, "{n}");
    }
}

#[test]
fn scope_approved_needs_a_statement_and_checks_each() {
    let mut s = snap();
    assert_eq!(
        only(run("scope_approved", &s)),
        Check::of(
            false,
            Subject::new("scopes", "scope statement"),
            "No scope statement recorded yet"
        )
    );
    s.scopes = vec![
        ScopeFact {
            record: owned("scopes/main", "Main scope"),
            approved: true,
        },
        ScopeFact {
            record: rec("scopes/lab", "Lab scope"),
            approved: false,
        },
    ];
    let checks = run("scope_approved", &s);
    assert_eq!(passes(&checks), [true, false]);
    assert_eq!(*checks[0].subject, owned("scopes/main", "Main scope"));
    assert_eq!(*checks[1].subject, rec("scopes/lab", "Lab scope"));
    assert_eq!(
        failures(&checks),
        ["The scope statement is not approved as it stands"]
    );
    assert!(checks.iter().all(|c| c.systems.is_empty()));
}

#[test]
fn systems_scoped_needs_a_decision_for_every_system() {
    let mut s = snap();
    assert!(
        run("systems_scoped", &s).is_empty(),
        "no systems, no checks"
    );
    s.systems = vec![
        system("a", Some(true)),
        system("b", Some(false)),
        system("c", None),
    ];
    let checks = run("systems_scoped", &s);
    assert_eq!(passes(&checks), [true, true, false]);
    assert_eq!(titles(&checks), ["System a", "System b", "System c"]);
    assert_eq!(*checks[2].subject, s.systems[2].record);
    assert_eq!(
        systems_of(&checks),
        [strings(&["a"]), strings(&["b"]), strings(&["c"])]
    );
    assert_eq!(
        failures(&checks),
        ["Not yet decided whether it is in the AIMS's scope"]
    );
}

// ---------------------------------------------------------------- clause 5

#[test]
fn ai_policy_needs_a_published_policy() {
    let mut s = snap();
    let expected_subject = Subject::new("documents", "AI policy");
    let none = only(run("ai_policy", &s));
    assert_eq!(
        none,
        Check::of(false, expected_subject.clone(), "No AI policy is published")
    );
    s.documents = vec![
        DocumentFact {
            record: rec("documents/policy", "AI policy draft"),
            doc_type: "policy".into(),
            published: false,
            next_review: None,
        },
        DocumentFact {
            record: rec("documents/proc", "Procedure"),
            doc_type: "procedure".into(),
            published: true,
            next_review: None,
        },
    ];
    let c = only(run("ai_policy", &s));
    assert!(!c.passed, "an unpublished policy and a published procedure");
    assert_eq!(*c.subject, expected_subject);
    s.documents[0].published = true;
    assert!(only(run("ai_policy", &s)).passed);
}

#[test]
fn roles_assigned_needs_responsibilities_each_with_an_owner() {
    let mut s = snap();
    assert_eq!(
        only(run("roles_assigned", &s)),
        Check::of(
            false,
            Subject::new("responsibilities", "responsibilities"),
            "No responsibilities recorded yet"
        )
    );
    s.responsibilities = vec![
        owned("responsibilities/1", "Risk management"),
        rec("responsibilities/2", "Monitoring"),
    ];
    let checks = run("roles_assigned", &s);
    assert_eq!(passes(&checks), [true, false]);
    assert_eq!(*checks[0].subject, s.responsibilities[0]);
    assert_eq!(*checks[1].subject, s.responsibilities[1]);
    assert_eq!(
        failures(&checks),
        ["Nobody is accountable for this activity"]
    );
}

// ---------------------------------------------------------------- clause 6

#[test]
fn systems_risk_assessed_checks_systems_in_scope_or_undecided() {
    let mut s = snap();
    assert!(run("systems_risk_assessed", &s).is_empty());
    let mut a = system("a", Some(true));
    let mut b = system("b", None);
    b.risks = 0;
    let mut c = system("c", Some(false));
    c.risks = 0;
    let mut d = system("d", Some(true));
    d.risks = 0;
    a.risks = 2;
    s.systems = vec![a, b, c, d];
    let checks = run("systems_risk_assessed", &s);
    assert_eq!(titles(&checks), ["System a", "System b", "System d"]);
    assert_eq!(passes(&checks), [true, false, false]);
    assert_eq!(
        systems_of(&checks),
        [strings(&["a"]), strings(&["b"]), strings(&["d"])]
    );
    assert_eq!(*checks[1].subject, s.systems[1].record);
    assert_eq!(
        failures(&checks),
        [
            "No risk is recorded for this system",
            "No risk is recorded for this system"
        ]
    );
    s.systems[3].risks = 1;
    assert!(
        run("systems_risk_assessed", &s)[2].passed,
        "one risk is enough"
    );
}

#[test]
fn risks_scored_checks_every_risk_for_its_systems() {
    let mut s = snap();
    assert!(run("risks_scored", &s).is_empty());
    let mut unscored = risk("Drift", "", &[]);
    unscored.assessed = false;
    s.risks = vec![risk("Bias", "modify", &["a", "b"]), unscored];
    let checks = run("risks_scored", &s);
    assert_eq!(passes(&checks), [true, false]);
    assert_eq!(titles(&checks), ["Bias", "Drift"]);
    assert_eq!(*checks[1].subject, s.risks[1].record);
    assert_eq!(systems_of(&checks), [strings(&["a", "b"]), Vec::new()]);
    assert_eq!(failures(&checks), ["The risk is not scored"]);
}

#[test]
fn treatment_chosen_needs_an_option() {
    let mut s = snap();
    assert!(run("treatment_chosen", &s).is_empty());
    s.risks = vec![
        risk("Bias", "retain", &["a"]),
        risk("Drift", "", &["b", "c"]),
    ];
    let checks = run("treatment_chosen", &s);
    assert_eq!(passes(&checks), [true, false]);
    assert_eq!(*checks[1].subject, s.risks[1].record);
    assert_eq!(systems_of(&checks), [strings(&["a"]), strings(&["b", "c"])]);
    assert_eq!(failures(&checks), ["No treatment option is chosen"]);
}

#[test]
fn treatments_on_track_needs_actions_and_none_overdue_for_modify_avoid_share() {
    let mut s = snap();
    let mut planned = risk("Planned", "modify", &["a"]);
    planned.actions = 2;
    let mut no_action = risk("No action", "avoid", &["b"]);
    no_action.actions = 0;
    let mut late = risk("Late", "share", &[]);
    late.actions = 3;
    late.actions_overdue = 2;
    let mut all_late = risk("All late", "modify", &["c"]);
    all_late.actions_overdue = 1;
    let mut retained = risk("Retained", "retain", &["d"]);
    retained.actions = 0;
    let mut undecided = risk("Undecided", "", &["e"]);
    undecided.actions = 0;
    let shared = risk("Shared", "share", &["f"]);
    s.risks = vec![
        planned, no_action, late, all_late, retained, undecided, shared,
    ];
    let checks = run("treatments_on_track", &s);
    assert_eq!(
        titles(&checks),
        ["Planned", "No action", "Late", "All late", "Shared"],
        "retained and undecided risks are not treated"
    );
    assert_eq!(passes(&checks), [true, false, false, false, true]);
    assert_eq!(
        failures(&checks),
        [
            "No treatment action is planned",
            "2 treatment action(s) overdue",
            "1 treatment action(s) overdue"
        ]
    );
    assert_eq!(
        systems_of(&checks),
        [
            strings(&["a"]),
            strings(&["b"]),
            Vec::new(),
            strings(&["c"]),
            strings(&["f"])
        ]
    );
    assert_eq!(*checks[1].subject, s.risks[1].record);
}

#[test]
fn acceptances_valid_needs_a_valid_acceptance_for_retained_risks() {
    let mut s = snap();
    let mut valid = risk("Valid", "retain", &["a"]);
    valid.acceptance_valid = Some(true);
    let never = risk("Never", "retain", &["b"]);
    let mut expired = risk("Expired", "retain", &[]);
    expired.acceptance_valid = Some(false);
    let mut treated = risk("Treated", "modify", &["c"]);
    treated.acceptance_valid = Some(false);
    let untreated = risk("Untreated", "", &["d"]);
    s.risks = vec![valid, never, expired, treated, untreated];
    let checks = run("acceptances_valid", &s);
    assert_eq!(titles(&checks), ["Valid", "Never", "Expired"]);
    assert_eq!(passes(&checks), [true, false, false]);
    assert_eq!(
        failures(&checks),
        [
            "Retained without a recorded acceptance",
            "Its acceptance has expired or no longer fits the risk"
        ]
    );
    assert_eq!(
        systems_of(&checks),
        [strings(&["a"]), strings(&["b"]), Vec::new()]
    );
    assert_eq!(*checks[2].subject, s.risks[2].record);
}

#[test]
fn soa_complete_needs_a_saved_statement_with_nothing_open() {
    let subject = Subject::new("soa", "Statement of Applicability");
    let mut s = snap();
    assert_eq!(
        only(run("soa_complete", &s)),
        Check::of(
            false,
            subject.clone(),
            "No Statement of Applicability is saved yet"
        )
    );
    s.soa.approved = true;
    assert!(!only(run("soa_complete", &s)).passed, "approved, not saved");
    s.soa = SoaFact {
        saved: true,
        ..SoaFact::default()
    };
    let whole = only(run("soa_complete", &s));
    assert!(whole.passed);
    assert_eq!(*whole.subject, subject);
    for (undecided, unjustified, flagged, text) in [
        (
            1,
            0,
            0,
            "1 control(s) undecided, 0 exclusion(s) without a reason, 0 exclusion(s) a treatment relies on",
        ),
        (
            0,
            2,
            0,
            "0 control(s) undecided, 2 exclusion(s) without a reason, 0 exclusion(s) a treatment relies on",
        ),
        (
            0,
            0,
            3,
            "0 control(s) undecided, 0 exclusion(s) without a reason, 3 exclusion(s) a treatment relies on",
        ),
        (
            4,
            5,
            6,
            "4 control(s) undecided, 5 exclusion(s) without a reason, 6 exclusion(s) a treatment relies on",
        ),
    ] {
        s.soa = SoaFact {
            saved: true,
            approved: true,
            undecided,
            unjustified,
            flagged,
        };
        let c = only(run("soa_complete", &s));
        assert!(!c.passed, "{text}");
        assert_eq!(c.missing, text);
        assert_eq!(*c.subject, subject);
    }
    s.soa = SoaFact {
        saved: false,
        approved: false,
        undecided: 1,
        unjustified: 1,
        flagged: 1,
    };
    assert_eq!(
        only(run("soa_complete", &s)).missing,
        "No Statement of Applicability is saved yet",
        "an unsaved statement is said to be missing, whatever else"
    );
}

#[test]
fn soa_approved_needs_a_saved_and_approved_statement() {
    let subject = Subject::new("soa", "Statement of Applicability");
    let mut s = snap();
    for (saved, approved, passed) in [
        (true, true, true),
        (true, false, false),
        (false, true, false),
        (false, false, false),
    ] {
        s.soa = SoaFact {
            saved,
            approved,
            ..SoaFact::default()
        };
        let c = only(run("soa_approved", &s));
        assert_eq!(c.passed, passed, "saved {saved}, approved {approved}");
        assert_eq!(*c.subject, subject);
        assert_eq!(
            c.missing,
            "The latest Statement of Applicability is not approved"
        );
        assert!(c.systems.is_empty());
    }
}

#[test]
fn impact_assessed_points_at_the_systems_impact_page() {
    let mut s = snap();
    assert!(run("impact_assessed", &s).is_empty());
    let a = system("a", Some(true));
    let mut b = system("b", None);
    b.impact_current = false;
    b.impact_note = "never assessed".into();
    let mut c = system("c", Some(false));
    c.impact_current = false;
    s.systems = vec![a, b, c];
    let checks = run("impact_assessed", &s);
    assert_eq!(passes(&checks), [true, false]);
    assert_eq!(
        *checks[1].subject,
        Subject {
            path: "inventory/b/impact".into(),
            title: "System b".into(),
            owner: Some(OWNER.into()),
        }
    );
    assert_eq!(checks[0].subject.path, "inventory/a/impact");
    assert_eq!(failures(&checks), ["Impact assessment: never assessed"]);
    assert_eq!(systems_of(&checks), [strings(&["a"]), strings(&["b"])]);
    // A classification with questions left unanswered is not one yet.
    let mut d = system("d", Some(true));
    d.tier = Some("undetermined".into());
    s.systems = vec![d];
    assert_eq!(passes(&run("systems_classified", &s)), [false]);
}

#[test]
fn only_an_internal_audit_counts_as_the_internal_audit() {
    let mut s = snap();
    let mut a = audit("completed", Some(&s.today.clone()), None);
    for (kind, counts) in [
        ("internal", true),
        ("", true),
        ("stage1", false),
        ("supplier", false),
    ] {
        a.audit_type = kind.into();
        s.audits = vec![a.clone()];
        assert_eq!(passes(&run("audit_held", &s)), [counts], "{kind}");
    }
}

#[test]
fn objectives_set_needs_objectives_each_owned_and_on_time() {
    let mut s = snap();
    assert_eq!(
        only(run("objectives_set", &s)),
        Check::of(
            false,
            Subject::new("objectives", "AI objectives"),
            "No AI objectives recorded yet"
        )
    );
    let objective = |title: &str, owner: bool, status: &str, due: Option<&str>| ObjectiveFact {
        record: if owner {
            owned(&format!("objectives/{title}"), title)
        } else {
            rec(&format!("objectives/{title}"), title)
        },
        status: status.into(),
        due: due.map(str::to_owned),
    };
    s.objectives = vec![
        objective("Achieved", false, "achieved", Some("2020-01-01")),
        objective("Dropped", false, "dropped", Some("2020-01-01")),
    ];
    assert!(
        run("objectives_set", &s).is_empty(),
        "achieved and dropped objectives are not checked"
    );
    s.objectives = vec![
        objective("Unowned", false, "open", None),
        objective("Unowned and late", false, "open", Some(YESTERDAY)),
        objective("Late", true, "open", Some(YESTERDAY)),
        objective("Due today", true, "open", Some(TODAY)),
        objective("Due tomorrow", true, "active", Some(TOMORROW)),
        objective("Undated", true, "open", None),
        objective("Empty date", true, "", Some("")),
        objective("Achieved", false, "achieved", Some(YESTERDAY)),
    ];
    let checks = run("objectives_set", &s);
    assert_eq!(
        titles(&checks),
        [
            "Unowned",
            "Unowned and late",
            "Late",
            "Due today",
            "Due tomorrow",
            "Undated",
            "Empty date"
        ]
    );
    assert_eq!(
        passes(&checks),
        [false, false, false, true, true, true, true]
    );
    assert_eq!(
        failures(&checks),
        [
            "Nobody owns this objective",
            "Nobody owns this objective",
            "Past its due date and not achieved"
        ]
    );
    assert_eq!(*checks[2].subject, s.objectives[2].record);
}

// ---------------------------------------------------------------- clause 7

#[test]
fn trainings_current_needs_records_none_expired() {
    let mut s = snap();
    assert_eq!(
        only(run("trainings_current", &s)),
        Check::of(
            false,
            Subject::new("trainings", "training records"),
            "No training records recorded yet"
        )
    );
    s.trainings = vec![dated("Planned", "planned", Some(YESTERDAY))];
    assert!(
        run("trainings_current", &s).is_empty(),
        "planned trainings are not checked"
    );
    s.trainings = vec![
        dated("Lapsed", "lapsed", Some(TOMORROW)),
        dated("Expired", "completed", Some(YESTERDAY)),
        dated("Expires today", "completed", Some(TODAY)),
        dated("No expiry", "completed", None),
        dated("Planned", "planned", Some(YESTERDAY)),
        dated("Later", "", Some("2027-01-01")),
    ];
    let checks = run("trainings_current", &s);
    assert_eq!(
        titles(&checks),
        ["Lapsed", "Expired", "Expires today", "No expiry", "Later"]
    );
    assert_eq!(passes(&checks), [false, false, true, true, true]);
    assert_eq!(
        failures(&checks),
        [
            "Expired: it no longer counts",
            "Expired: it no longer counts"
        ]
    );
    assert_eq!(*checks[0].subject, s.trainings[0].record);
}

#[test]
fn documents_approved_needs_documents_each_published() {
    let mut s = snap();
    assert_eq!(
        only(run("documents_approved", &s)),
        Check::of(
            false,
            Subject::new("documents", "documents"),
            "No documents recorded yet"
        )
    );
    s.documents = vec![
        DocumentFact {
            record: owned("documents/1", "Policy"),
            doc_type: "policy".into(),
            published: true,
            next_review: None,
        },
        DocumentFact {
            record: rec("documents/2", "Procedure"),
            doc_type: String::new(),
            published: false,
            next_review: None,
        },
    ];
    let checks = run("documents_approved", &s);
    assert_eq!(passes(&checks), [true, false]);
    assert_eq!(*checks[1].subject, s.documents[1].record);
    assert_eq!(failures(&checks), ["No approved version is published"]);
}

#[test]
fn documents_reviewed_checks_published_documents_review_dates() {
    let mut s = snap();
    assert!(run("documents_reviewed", &s).is_empty());
    let doc = |title: &str, published: bool, next_review: Option<&str>| DocumentFact {
        record: rec(&format!("documents/{title}"), title),
        doc_type: "procedure".into(),
        published,
        next_review: next_review.map(str::to_owned),
    };
    s.documents = vec![
        doc("Overdue", true, Some(YESTERDAY)),
        doc("Due today", true, Some(TODAY)),
        doc("Due later", true, Some(TOMORROW)),
        doc("Undated", true, None),
        doc("Draft", false, Some(YESTERDAY)),
    ];
    let checks = run("documents_reviewed", &s);
    assert_eq!(
        titles(&checks),
        ["Overdue", "Due today", "Due later", "Undated"]
    );
    assert_eq!(passes(&checks), [false, true, true, true]);
    assert_eq!(failures(&checks), ["Its review date has passed"]);
    assert_eq!(*checks[0].subject, s.documents[0].record);
}

// ---------------------------------------------------------------- clause 8

#[test]
fn systems_classified_points_at_the_classification_page() {
    let mut s = snap();
    assert!(run("systems_classified", &s).is_empty());
    let a = system("a", Some(true));
    let mut b = system("b", None);
    b.tier = None;
    let mut c = system("c", Some(false));
    c.tier = None;
    s.systems = vec![a, b, c];
    let checks = run("systems_classified", &s);
    assert_eq!(passes(&checks), [true, false]);
    assert_eq!(
        *checks[1].subject,
        Subject {
            path: "inventory/b/classification".into(),
            title: "System b".into(),
            owner: Some(OWNER.into()),
        }
    );
    assert_eq!(checks[0].subject.path, "inventory/a/classification");
    assert_eq!(
        failures(&checks),
        ["Not classified under the EU AI Act (or questions left unanswered)"]
    );
    assert_eq!(systems_of(&checks), [strings(&["a"]), strings(&["b"])]);
}

#[test]
fn systems_owned_needs_an_owner_for_systems_in_scope() {
    let mut s = snap();
    assert!(run("systems_owned", &s).is_empty());
    let a = system("a", None);
    let mut b = system("b", Some(true));
    b.record.owner = None;
    let mut c = system("c", Some(false));
    c.record.owner = None;
    s.systems = vec![a, b, c];
    let checks = run("systems_owned", &s);
    assert_eq!(passes(&checks), [true, false]);
    assert_eq!(*checks[1].subject, s.systems[1].record);
    assert_eq!(failures(&checks), ["Nobody owns this system"]);
    assert_eq!(systems_of(&checks), [strings(&["a"]), strings(&["b"])]);
}

// ---------------------------------------------------------------- clause 9

#[test]
fn metrics_defined_needs_at_least_one() {
    let mut s = snap();
    assert_eq!(
        only(run("metrics_defined", &s)),
        Check::of(
            false,
            Subject::new("metrics", "metrics"),
            "No metrics recorded yet"
        )
    );
    s.metrics = vec![MetricFact::default()];
    assert!(only(run("metrics_defined", &s)).passed);
}

#[test]
fn metrics_reporting_fails_stale_metrics() {
    let mut s = snap();
    assert!(run("metrics_reporting", &s).is_empty());
    s.metrics = vec![
        MetricFact {
            record: rec("metrics/a", "Accuracy"),
            stale: false,
            breach: Some("critical".into()),
        },
        MetricFact {
            record: rec("metrics/b", "Drift"),
            stale: true,
            breach: None,
        },
    ];
    let checks = run("metrics_reporting", &s);
    assert_eq!(passes(&checks), [true, false]);
    assert_eq!(*checks[1].subject, s.metrics[1].record);
    assert_eq!(failures(&checks), ["No value since one was due"]);
}

#[test]
fn metrics_within_fails_breaches_naming_the_level() {
    let mut s = snap();
    assert!(run("metrics_within", &s).is_empty());
    s.metrics = vec![
        MetricFact {
            record: rec("metrics/a", "Accuracy"),
            stale: true,
            breach: None,
        },
        MetricFact {
            record: rec("metrics/b", "Drift"),
            stale: false,
            breach: Some("warning".into()),
        },
        MetricFact {
            record: rec("metrics/c", "Latency"),
            stale: false,
            breach: Some("critical".into()),
        },
    ];
    let checks = run("metrics_within", &s);
    assert_eq!(passes(&checks), [true, false, false]);
    assert_eq!(*checks[1].subject, s.metrics[1].record);
    assert_eq!(
        failures(&checks),
        [
            "Outside its thresholds (warning)",
            "Outside its thresholds (critical)"
        ]
    );
}

fn audit(status: &str, start_on: Option<&str>, end_on: Option<&str>) -> AuditFact {
    AuditFact {
        record: rec("audits/1", "Audit"),
        audit_type: String::new(),
        status: status.into(),
        start_on: start_on.map(str::to_owned),
        end_on: end_on.map(str::to_owned),
    }
}

#[test]
fn audit_held_needs_a_completed_audit_within_a_year() {
    let mut s = snap();
    let c = only(run("audit_held", &s));
    assert_eq!(
        c,
        Check::of(
            false,
            Subject::new("audits", "Internal audit"),
            "No internal audit completed in the last twelve months"
        )
    );
    for (audits, held, why) in [
        (
            vec![audit("completed", None, Some("2025-06-15"))],
            true,
            "ended a year ago to the day",
        ),
        (
            vec![audit("completed", None, Some("2025-06-14"))],
            false,
            "ended a year and a day ago",
        ),
        (
            vec![audit("completed", Some("2025-07-01"), None)],
            true,
            "no end: its start counts",
        ),
        (
            vec![audit("completed", Some("2025-06-14"), None)],
            false,
            "no end, started too long ago",
        ),
        (
            vec![audit("completed", Some("2025-07-01"), Some("2025-06-01"))],
            false,
            "the end counts, not the start",
        ),
        (
            vec![audit("completed", Some("2025-05-01"), Some("2025-07-01"))],
            true,
            "ended within the year",
        ),
        (vec![audit("completed", None, None)], false, "no dates"),
        (
            vec![audit("in_progress", Some(TODAY), Some(TODAY))],
            false,
            "not completed",
        ),
        (
            vec![
                audit("planned", None, Some("2026-01-01")),
                audit("completed", None, Some("2024-01-01")),
                audit("completed", None, Some(TODAY)),
            ],
            true,
            "any completed audit of the year",
        ),
    ] {
        s.audits = audits;
        let c = only(run("audit_held", &s));
        assert_eq!(c.passed, held, "{why}");
        assert_eq!(*c.subject, Subject::new("audits", "Internal audit"));
    }
}

#[test]
fn audit_held_a_year_before_a_leap_day_is_the_28th_of_february() {
    let mut s = snap();
    s.today = "2028-02-29".into();
    s.audits = vec![audit("completed", None, Some("2027-02-28"))];
    assert!(only(run("audit_held", &s)).passed);
    s.audits = vec![audit("completed", None, Some("2027-02-27"))];
    assert!(!only(run("audit_held", &s)).passed);
}

#[test]
fn audits_on_schedule_checks_planned_audits_start_dates() {
    let mut s = snap();
    assert!(run("audits_on_schedule", &s).is_empty());
    let titled = |title: &str, status: &str, start: Option<&str>| AuditFact {
        record: rec(&format!("audits/{title}"), title),
        ..audit(status, start, None)
    };
    s.audits = vec![
        titled("Late", "planned", Some(YESTERDAY)),
        titled("Today", "planned", Some(TODAY)),
        titled("Later", "planned", Some(TOMORROW)),
        titled("Undated", "planned", None),
        titled("Started", "in_progress", Some(YESTERDAY)),
        titled("Done", "completed", Some("2020-01-01")),
    ];
    let checks = run("audits_on_schedule", &s);
    assert_eq!(titles(&checks), ["Late", "Today", "Later", "Undated"]);
    assert_eq!(passes(&checks), [false, true, true, true]);
    assert_eq!(*checks[0].subject, s.audits[0].record);
    assert_eq!(
        failures(&checks),
        ["Planned to start already and not started"]
    );
}

#[test]
fn programme_coverage_keeps_pace_with_the_cycle() {
    let mut s = snap();
    s.programme = ProgrammeFact {
        cycle_start: "2026-01-01".into(),
        cycle_end: "2026-01-10".into(),
        total: 0,
        covered: 3,
    };
    assert!(
        run("programme_coverage", &s).is_empty(),
        "an empty universe is not checked"
    );
    // A ten-day cycle: each case is (today, covered, total, passed, missing).
    for (today, covered, total, passed, missing) in [
        (
            "2026-01-06",
            2,
            4,
            true,
            "2 of 4 requirements and controls audited with 5 of 10 days of the cycle gone",
        ),
        (
            "2026-01-06",
            1,
            4,
            false,
            "1 of 4 requirements and controls audited with 5 of 10 days of the cycle gone",
        ),
        (
            "2026-01-01",
            0,
            4,
            true,
            "0 of 4 requirements and controls audited with 0 of 10 days of the cycle gone",
        ),
        (
            "2025-12-20",
            0,
            4,
            true,
            "0 of 4 requirements and controls audited with 0 of 10 days of the cycle gone",
        ),
        (
            "2026-01-10",
            9,
            10,
            true,
            "9 of 10 requirements and controls audited with 9 of 10 days of the cycle gone",
        ),
        (
            "2026-01-10",
            8,
            10,
            false,
            "8 of 10 requirements and controls audited with 9 of 10 days of the cycle gone",
        ),
        (
            "2026-01-11",
            9,
            10,
            false,
            "9 of 10 requirements and controls audited with 10 of 10 days of the cycle gone",
        ),
        (
            "2026-03-01",
            3,
            4,
            false,
            "3 of 4 requirements and controls audited with 10 of 10 days of the cycle gone",
        ),
        (
            "2026-03-01",
            4,
            4,
            true,
            "4 of 4 requirements and controls audited with 10 of 10 days of the cycle gone",
        ),
        (
            "2026-01-04",
            1,
            3,
            true,
            "1 of 3 requirements and controls audited with 3 of 10 days of the cycle gone",
        ),
        (
            "2026-01-05",
            1,
            3,
            false,
            "1 of 3 requirements and controls audited with 4 of 10 days of the cycle gone",
        ),
    ] {
        s.today = today.into();
        s.programme.covered = covered;
        s.programme.total = total;
        let c = only(run("programme_coverage", &s));
        assert_eq!(c.passed, passed, "{today}: {missing}");
        assert_eq!(c.missing, missing);
        assert_eq!(
            *c.subject,
            Subject::new("audit-programme", "Audit programme")
        );
        assert!(c.systems.is_empty());
    }
}

#[test]
fn programme_coverage_of_a_year_long_cycle() {
    let mut s = snap();
    s.programme = ProgrammeFact {
        cycle_start: "2026-01-01".into(),
        cycle_end: "2026-12-31".into(),
        total: 10,
        covered: 5,
    };
    s.today = "2026-07-02".into();
    let c = only(run("programme_coverage", &s));
    assert!(c.passed, "5 × 365 ≥ 10 × 182");
    assert_eq!(
        c.missing,
        "5 of 10 requirements and controls audited with 182 of 365 days of the cycle gone"
    );
    s.today = "2026-07-03".into();
    assert!(
        !only(run("programme_coverage", &s)).passed,
        "5 × 365 < 10 × 183"
    );
}

fn review(title: &str, status: &str, scheduled: Option<&str>, held: Option<&str>) -> ReviewFact {
    ReviewFact {
        record: rec(&format!("reviews/{title}"), title),
        status: status.into(),
        scheduled_on: scheduled.map(str::to_owned),
        held_on: held.map(str::to_owned),
    }
}

#[test]
fn review_held_needs_a_signed_off_review_within_a_year() {
    let subject = Subject::new("reviews", "Management review");
    let mut s = snap();
    assert_eq!(
        only(run("review_held", &s)),
        Check::of(
            false,
            subject.clone(),
            "No management review signed off in the last twelve months"
        )
    );
    for (reviews, held, why) in [
        (
            vec![review("R", "signed_off", None, Some("2025-06-15"))],
            true,
            "held a year ago to the day",
        ),
        (
            vec![review("R", "signed_off", None, Some("2025-06-14"))],
            false,
            "held a year and a day ago",
        ),
        (
            vec![review("R", "held", None, Some(TODAY))],
            false,
            "held, not signed off",
        ),
        (
            vec![review("R", "signed_off", Some(TODAY), None)],
            false,
            "no day held",
        ),
        (
            vec![
                review("Old", "signed_off", None, Some("2024-01-01")),
                review("New", "signed_off", None, Some("2026-01-01")),
            ],
            true,
            "any signed-off review of the year",
        ),
    ] {
        s.reviews = reviews;
        let c = only(run("review_held", &s));
        assert_eq!(c.passed, held, "{why}");
        assert_eq!(*c.subject, subject);
    }
}

#[test]
fn reviews_on_time_checks_scheduled_reviews() {
    let mut s = snap();
    assert!(run("reviews_on_time", &s).is_empty());
    s.reviews = vec![
        review("Unsaid late", "", Some(YESTERDAY), None),
        review("Scheduled late", "scheduled", Some(YESTERDAY), None),
        review("Today", "scheduled", Some(TODAY), None),
        review("Later", "scheduled", Some(TOMORROW), None),
        review("Undated", "scheduled", None, None),
        review("Held", "held", Some(YESTERDAY), Some(YESTERDAY)),
        review("Signed", "signed_off", Some("2020-01-01"), None),
    ];
    let checks = run("reviews_on_time", &s);
    assert_eq!(
        titles(&checks),
        ["Unsaid late", "Scheduled late", "Today", "Later", "Undated"]
    );
    assert_eq!(passes(&checks), [false, false, true, true, true]);
    assert_eq!(*checks[1].subject, s.reviews[1].record);
    assert_eq!(
        failures(&checks),
        [
            "Its date has passed and it is not recorded as held",
            "Its date has passed and it is not recorded as held"
        ]
    );
}

// ---------------------------------------------------------------- clause 10

#[test]
fn nonconformities_on_time_checks_open_ones_and_counts_the_days() {
    let mut s = snap();
    assert!(run("nonconformities_on_time", &s).is_empty());
    s.nonconformities = vec![
        dated("Late", "open", Some("2026-06-10")),
        dated("Very late", "in_progress", Some("2025-06-15")),
        dated("Today", "open", Some(TODAY)),
        dated("Undated", "open", None),
        dated("Closed", "closed", Some("2020-01-01")),
        dated("Yesterday", "", Some(YESTERDAY)),
    ];
    let checks = run("nonconformities_on_time", &s);
    assert_eq!(
        titles(&checks),
        ["Late", "Very late", "Today", "Undated", "Yesterday"]
    );
    assert_eq!(passes(&checks), [false, false, true, true, false]);
    assert_eq!(
        failures(&checks),
        [
            "Actions were due 5 days ago",
            "Actions were due 365 days ago",
            "Actions were due 1 days ago"
        ]
    );
    assert_eq!(*checks[0].subject, s.nonconformities[0].record);
    assert!(checks.iter().all(|c| c.systems.is_empty()));
}

#[test]
fn corrective_actions_on_time_skips_done_and_cancelled() {
    let mut s = snap();
    assert!(run("corrective_actions_on_time", &s).is_empty());
    s.corrective_actions = vec![
        dated("Late", "open", Some("2026-05-16")),
        dated("Done", "done", Some("2020-01-01")),
        dated("Cancelled", "cancelled", Some("2020-01-01")),
        dated("Closed", "closed", Some("2026-06-13")),
        dated("Today", "open", Some(TODAY)),
        dated("Later", "open", Some(TOMORROW)),
    ];
    let checks = run("corrective_actions_on_time", &s);
    assert_eq!(titles(&checks), ["Late", "Closed", "Today", "Later"]);
    assert_eq!(passes(&checks), [false, false, true, true]);
    assert_eq!(
        failures(&checks),
        ["Was due 30 days ago", "Was due 2 days ago"]
    );
    assert_eq!(*checks[0].subject, s.corrective_actions[0].record);
}

// ---------------------------------------------------------------- controls

#[test]
fn control_rules_fall_back_to_the_soa_row_without_a_record() {
    let mut c = control("A.6.2.4");
    c.record = None;
    let fallback = Subject::new("soa", "A.6.2.4 AI system design");
    for rule in CONTROL_RULES {
        assert_eq!(*(rule.run)(&c).subject, fallback, "{}", rule.id);
    }
    let with_record = control("A.6.2.4");
    for rule in CONTROL_RULES {
        assert_eq!(
            *(rule.run)(&with_record).subject,
            owned("controls/A.6.2.4", "A.6.2.4 design"),
            "{}",
            rule.id
        );
    }
}

#[test]
fn control_owned_needs_a_record_with_an_owner() {
    let mut c = control("A.6.2.4");
    assert!(run_control("control_owned", &c).passed);
    c.record = Some(rec("controls/A.6.2.4", "A.6.2.4 design"));
    let unowned = run_control("control_owned", &c);
    assert_eq!(
        unowned,
        Check::of(
            false,
            rec("controls/A.6.2.4", "A.6.2.4 design"),
            "Nobody owns this control"
        )
    );
    c.record = None;
    let no_record = run_control("control_owned", &c);
    assert!(!no_record.passed);
    assert_eq!(no_record.missing, "Nobody owns this control");
}

#[test]
fn control_implemented_names_the_status() {
    let mut c = control("A.6.2.4");
    let done = run_control("control_implemented", &c);
    assert!(done.passed);
    assert_eq!(*done.subject, c.record.clone().unwrap_or_default());
    for (status, missing) in [
        ("in_progress", "Not implemented (status: in progress)"),
        ("", "Not implemented (status: not recorded)"),
        (
            "not_yet_started",
            "Not implemented (status: not yet started)",
        ),
        ("planned", "Not implemented (status: planned)"),
        ("Implemented", "Not implemented (status: Implemented)"),
    ] {
        c.implementation_status = status.into();
        let check = run_control("control_implemented", &c);
        assert!(!check.passed, "{status}");
        assert_eq!(check.missing, missing);
    }
}

#[test]
fn control_evidenced_needs_current_evidence() {
    let mut c = control("A.6.2.4");
    for (current, stale, rejected, passed, missing) in [
        (1, 0, 0, true, None),
        (2, 3, 1, true, None),
        (0, 0, 0, false, Some("No evidence")),
        (
            0,
            2,
            0,
            false,
            Some("No current evidence (2 stale, 0 rejected)"),
        ),
        (
            0,
            0,
            1,
            false,
            Some("No current evidence (0 stale, 1 rejected)"),
        ),
        (
            0,
            3,
            4,
            false,
            Some("No current evidence (3 stale, 4 rejected)"),
        ),
    ] {
        c.evidence = Counts {
            current,
            stale,
            rejected,
        };
        let check = run_control("control_evidenced", &c);
        assert_eq!(check.passed, passed, "{current}/{stale}/{rejected}");
        if let Some(missing) = missing {
            assert_eq!(check.missing, missing);
        }
        assert_eq!(*check.subject, c.record.clone().unwrap_or_default());
        assert!(check.systems.is_empty());
    }
}
