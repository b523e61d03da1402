use super::*;

const TODAY: &str = "2026-06-15";
const OWNER: &str = "owner@example.com";

fn rec(path: &str, title: &str) -> Record {
    Subject::new(path, title)
}

fn owned(path: &str, title: &str) -> Record {
    rec(path, title).owned(Some(OWNER))
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 1e-9,
        "{actual} is not {expected}"
    );
}

fn system(id: &str) -> SystemFact {
    SystemFact {
        id: id.into(),
        record: owned(&format!("inventory/{id}"), &format!("System {id}")),
        in_scope: Some(true),
        tier: Some("minimal".into()),
        risks: 1,
        impact_current: true,
        impact_note: "current".into(),
        obligations: Vec::new(),
    }
}

fn risk(id: &str, systems: &[&str]) -> RiskFact {
    RiskFact {
        record: owned(&format!("risks/{id}"), &format!("Risk {id}")),
        assessed: true,
        treatment: "modify".into(),
        actions: 1,
        actions_overdue: 0,
        acceptance_valid: None,
        systems: strings(systems),
    }
}

fn control(id: &str) -> ControlFact {
    ControlFact {
        id: id.into(),
        title: format!("Control {id}"),
        record: Some(owned(&format!("controls/{id}"), &format!("{id} record"))),
        implementation_status: "implemented".into(),
        evidence: Counts {
            current: 1,
            stale: 0,
            rejected: 0,
        },
    }
}

fn dated(title: &str, status: &str, due: Option<&str>) -> DatedFact {
    DatedFact {
        record: rec(&format!("work/{title}"), title),
        status: status.into(),
        due: due.map(str::to_owned),
    }
}

fn obligation(article: &str, controls: &[&str]) -> Obligation {
    Obligation {
        article: article.into(),
        controls: strings(controls),
    }
}

/// A workspace with everything in place: one system in scope, one risk
/// treated on track, no controls yet.
///
/// Its 15 counting requirements and 24 checks:
/// 4.1 (1), 4.2 (1), 4.3 (scope 1, systems 1), 5.2 (1), 5.3 (1),
/// 6.1.2 (systems 1, risks 1), 6.1.3 (4 rules of 1), 6.1.4 (1), 6.2 (1),
/// 7.2 (1), 7.5 (2 rules of 1), 8.1 (2 rules of 1), 9.1 (3 rules of 1),
/// 9.2 (audit held 1; schedule and programme none), 9.3 (held 1; on time
/// none). 8.3 and 10.2 have no checks and do not count.
fn good() -> Snapshot {
    let titles = [
        ("4", "Context of the organization"),
        ("6", "Planning"),
        ("6.1.2", "AI risk assessment"),
        ("6.1.3", "AI risk treatment"),
        ("7.2", "Competence"),
        ("9.2", "Internal audit"),
        ("A.6", "AI system life cycle"),
        ("A.6.2.10", "Deployment"),
    ];
    Snapshot {
        today: TODAY.into(),
        titles: titles
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        context_issues: 2,
        interested_parties: 1,
        scopes: vec![ScopeFact {
            record: owned("scopes/main", "AIMS scope"),
            approved: true,
        }],
        documents: vec![DocumentFact {
            record: owned("documents/policy", "AI policy"),
            doc_type: "policy".into(),
            published: true,
            next_review: Some("2027-01-01".into()),
        }],
        responsibilities: vec![owned("responsibilities/risk", "Risk management")],
        objectives: vec![ObjectiveFact {
            record: owned("objectives/fairness", "Fairness"),
            status: "open".into(),
            due: Some("2026-12-31".into()),
        }],
        soa: SoaFact {
            saved: true,
            approved: true,
            ..SoaFact::default()
        },
        controls: Vec::new(),
        systems: vec![system("chatbot")],
        risks: vec![risk("bias", &["chatbot"])],
        metrics: vec![MetricFact {
            record: owned("metrics/accuracy", "Accuracy"),
            stale: false,
            breach: None,
        }],
        audits: vec![AuditFact {
            record: owned("audits/2026", "Internal audit 2026"),
            audit_type: "internal".into(),
            status: "completed".into(),
            start_on: Some("2026-02-20".into()),
            end_on: Some("2026-03-01".into()),
        }],
        programme: ProgrammeFact::default(),
        reviews: vec![ReviewFact {
            record: owned("reviews/2026", "Management review 2026"),
            status: "signed_off".into(),
            scheduled_on: Some("2026-02-01".into()),
            held_on: Some("2026-02-01".into()),
        }],
        nonconformities: Vec::new(),
        corrective_actions: Vec::new(),
        trainings: vec![dated("Awareness", "completed", Some("2027-06-01"))],
    }
}

fn ids(scores: &[Score]) -> Vec<&str> {
    scores.iter().map(|s| s.id.as_str()).collect()
}

fn score<'a>(scores: &'a [Score], id: &str) -> &'a Score {
    scores
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no score {id} in {:?}", ids(scores)))
}

/// The only gap of `r`.
fn only_gap(r: &Readiness) -> &Gap {
    assert_eq!(r.gaps.len(), 1, "{:?}", r.gaps);
    &r.gaps[0]
}

/// Fixing what `broken` lacks (giving `fixed`) closes exactly the gap of
/// `rule` on `title` and raises the overall score by its gain.
fn fixing_raises_by_the_gain(broken: &Snapshot, fixed: &Snapshot, rule: &str, title: &str) {
    let before = assess(broken);
    let after = assess(fixed);
    let gap = before
        .gaps
        .iter()
        .find(|g| g.rule == rule && g.subject.title == title)
        .unwrap_or_else(|| panic!("no gap {rule} on {title}: {:?}", before.gaps));
    assert_eq!(after.gaps.len() + 1, before.gaps.len());
    assert!(
        !after
            .gaps
            .iter()
            .any(|g| g.rule == rule && g.subject.title == title),
        "fixed"
    );
    close(
        (after.overall.score - before.overall.score) * 100.0,
        gap.gain,
    );
}

// ---------------------------------------------------------------- helpers

#[test]
fn percent_rounds_down_and_is_100_only_when_whole() {
    assert_eq!(percent(0.0), 0);
    assert_eq!(percent(1.0), 100);
    assert_eq!(percent(0.5), 50);
    assert_eq!(percent(0.01), 1);
    assert_eq!(percent(0.999_999), 99);
    assert_eq!(percent(0.995), 99);
    assert_eq!(percent(2.0 / 3.0), 66);
    assert_eq!(percent(1.0 / 3.0), 33);
    assert_eq!(percent(0.875), 87);
    assert_eq!(percent(0.009), 0);
    // Binary fractions a hair below the decimal: 0.29 × 100 is
    // 28.999999999999996, still 29 %.
    assert_eq!(percent(0.29), 29);
    assert_eq!(percent(0.57), 57);
    assert_eq!(percent(0.58), 58);
    assert_eq!(percent(1.0 - 1e-12), 100, "within the rounding slack");
}

#[test]
fn percent_clamps_to_0_and_100() {
    assert_eq!(percent(1.5), 100);
    assert_eq!(percent(7.0), 100);
    assert_eq!(percent(-0.2), 0);
    assert_eq!(percent(-3.0), 0);
}

#[test]
fn parent_of_a_requirement_is_its_clause_and_of_a_control_its_area() {
    assert_eq!(parent_of("6.1.2"), "6");
    assert_eq!(parent_of("4.1"), "4");
    assert_eq!(parent_of("10.2"), "10");
    assert_eq!(parent_of("7"), "7");
    assert_eq!(parent_of("A.6.2.4"), "A.6");
    assert_eq!(parent_of("A.10.1"), "A.10");
    assert_eq!(parent_of("A.6"), "A.6");
    assert_eq!(parent_of(""), "");
}

#[test]
fn subjects_and_checks_are_built_as_said() {
    let s = Subject::new("inventory/a", "System a");
    assert_eq!(
        s,
        Subject {
            path: "inventory/a".into(),
            title: "System a".into(),
            owner: None,
        }
    );
    let o = s.clone().owned(Some(OWNER));
    assert_eq!(o.owner.as_deref(), Some(OWNER));
    assert_eq!(
        (o.path.as_str(), o.title.as_str()),
        ("inventory/a", "System a")
    );
    assert_eq!(o.owned(None).owner, None, "owned(None) clears the owner");

    let c = Check::of(false, s.clone(), "Missing");
    assert_eq!(
        c,
        Check {
            passed: false,
            subject: Cow::Owned(s.clone()),
            missing: "Missing".into(),
            systems: Cow::Borrowed(&[]),
        }
    );
    let ab = strings(&["a", "b"]);
    let c = c.for_systems(&ab);
    assert_eq!(c.systems, strings(&["a", "b"]));
    assert!(!c.passed);
    assert_eq!(*c.subject, s);
    assert_eq!(c.missing, "Missing");
    assert!(Check::of(true, Subject::default(), "").passed);
}

// ---------------------------------------------------------------- scores

#[test]
fn a_workspace_with_everything_in_place_scores_100() {
    let r = assess(&good());
    assert_eq!(r.today, TODAY);
    assert_eq!(r.overall.id, "overall");
    assert_eq!(r.overall.title, "Overall");
    close(r.overall.score, 1.0);
    assert_eq!(r.overall.percent, 100);
    assert_eq!((r.overall.passed, r.overall.checks), (24, 24));
    assert!(r.gaps.is_empty(), "{:?}", r.gaps);
    assert_eq!(
        ids(&r.requirements),
        [
            "4.1", "4.2", "4.3", "5.2", "5.3", "6.1.2", "6.1.3", "6.1.4", "6.2", "7.2", "7.5",
            "8.1", "9.1", "9.2", "9.3"
        ],
        "requirements with no checks (8.3, 10.2) do not count"
    );
    for req in &r.requirements {
        close(req.score, 1.0);
        assert_eq!(req.percent, 100, "{}", req.id);
        assert_eq!(req.passed, req.checks, "{}", req.id);
    }
    let req_counts: Vec<(&str, usize)> = r
        .requirements
        .iter()
        .map(|s| (s.id.as_str(), s.checks))
        .collect();
    assert_eq!(
        req_counts,
        [
            ("4.1", 1),
            ("4.2", 1),
            ("4.3", 2),
            ("5.2", 1),
            ("5.3", 1),
            ("6.1.2", 2),
            ("6.1.3", 4),
            ("6.1.4", 1),
            ("6.2", 1),
            ("7.2", 1),
            ("7.5", 2),
            ("8.1", 2),
            ("9.1", 3),
            ("9.2", 1),
            ("9.3", 1)
        ]
    );
    assert_eq!(score(&r.requirements, "6.1.2").title, "AI risk assessment");
    assert_eq!(score(&r.requirements, "4.1").title, "", "no title given");
    assert_eq!(ids(&r.clauses), ["4", "5", "6", "7", "8", "9"]);
    let clause_counts: Vec<(usize, usize)> =
        r.clauses.iter().map(|c| (c.passed, c.checks)).collect();
    assert_eq!(
        clause_counts,
        [(4, 4), (2, 2), (8, 8), (3, 3), (2, 2), (5, 5)]
    );
    for c in &r.clauses {
        close(c.score, 1.0);
        assert_eq!(c.percent, 100);
    }
    assert_eq!(score(&r.clauses, "4").title, "Context of the organization");
    assert!(r.areas.is_empty());
    assert!(r.eu_ai_act.is_empty(), "no high-risk system");
    assert_eq!(ids(&r.systems), ["chatbot"]);
    assert_eq!(r.systems[0].title, "System chatbot");
    assert_eq!((r.systems[0].passed, r.systems[0].checks), (8, 8));
    close(r.systems[0].score, 1.0);
    assert_eq!(r.systems[0].percent, 100);
}

#[test]
fn an_empty_workspace_scores_0_with_a_gap_for_each_missing_thing() {
    let s = Snapshot {
        today: TODAY.into(),
        ..Snapshot::default()
    };
    let r = assess(&s);
    close(r.overall.score, 0.0);
    assert_eq!(r.overall.percent, 0);
    assert_eq!((r.overall.passed, r.overall.checks), (0, 13));
    assert_eq!(
        ids(&r.requirements),
        ["4.1", "4.2", "4.3", "5.2", "5.3", "6.1.3", "6.2", "7.2", "7.5", "9.1", "9.2", "9.3"]
    );
    assert_eq!(ids(&r.clauses), ["4", "5", "6", "7", "9"]);
    assert!(r.systems.is_empty());
    let gaps: Vec<(&str, &str)> = r
        .gaps
        .iter()
        .map(|g| (g.rule, g.requirement.as_str()))
        .collect();
    assert_eq!(
        gaps,
        [
            ("context_issues", "4.1"),
            ("interested_parties", "4.2"),
            ("scope_approved", "4.3"),
            ("ai_policy", "5.2"),
            ("roles_assigned", "5.3"),
            ("objectives_set", "6.2"),
            ("trainings_current", "7.2"),
            ("documents_approved", "7.5"),
            ("metrics_defined", "9.1"),
            ("audit_held", "9.2"),
            ("review_held", "9.3"),
            ("soa_complete", "6.1.3"),
            ("soa_approved", "6.1.3"),
        ],
        "the soa gaps share 6.1.3 between two rules: half the gain"
    );
    for g in &r.gaps[..11] {
        close(g.gain, 100.0 / 12.0);
    }
    for g in &r.gaps[11..] {
        close(g.gain, 100.0 / 24.0);
    }
}

#[test]
fn a_requirement_is_the_mean_of_its_rules_not_of_its_checks() {
    let mut s = good();
    s.systems.push(system("b"));
    let mut c = system("c");
    c.risks = 0;
    s.systems.push(c);
    let r = assess(&s);

    // 6.1.2: systems_risk_assessed 2 of 3, risks_scored 1 of 1.
    let req = score(&r.requirements, "6.1.2");
    close(req.score, (2.0 / 3.0 + 1.0) / 2.0);
    assert_eq!(req.percent, 83);
    assert_eq!((req.passed, req.checks), (3, 4));
    assert_eq!(req.title, "AI risk assessment");

    // Clause 6: the mean of 6.1.2, 6.1.3, 6.1.4 and 6.2.
    let clause = score(&r.clauses, "6");
    close(clause.score, (5.0 / 6.0 + 3.0) / 4.0);
    assert_eq!(clause.percent, 95);
    assert_eq!((clause.passed, clause.checks), (11, 12));
    assert_eq!(clause.title, "Planning");
    let four = score(&r.clauses, "4");
    close(four.score, 1.0);
    assert_eq!((four.passed, four.checks), (6, 6));

    // Overall: the mean of the 15 requirements.
    close(r.overall.score, (14.0 + 5.0 / 6.0) / 15.0);
    assert_eq!(r.overall.percent, 98);
    assert_eq!((r.overall.passed, r.overall.checks), (33, 34));

    let gap = only_gap(&r);
    assert_eq!(gap.rule, "systems_risk_assessed");
    assert_eq!(gap.requirement, "6.1.2");
    assert_eq!(gap.requirement_title, "AI risk assessment");
    assert_eq!(gap.missing, "No risk is recorded for this system");
    assert_eq!(gap.subject, s.systems[2].record);
    let why = rules::RULES
        .iter()
        .find(|r| r.id == "systems_risk_assessed")
        .map(|r| r.why);
    assert_eq!(Some(gap.why), why);
    // One check of three, in one rule of two, in one requirement of 15.
    close(gap.gain, 100.0 / (3.0 * 2.0 * 15.0));

    let system_c = score(&r.systems, "c");
    assert_eq!((system_c.passed, system_c.checks), (4, 5));
    close(system_c.score, 0.8);
    assert_eq!(system_c.percent, 80);

    let mut fixed = s.clone();
    fixed.systems[2].risks = 1;
    fixing_raises_by_the_gain(&s, &fixed, "systems_risk_assessed", "System c");
    close(assess(&fixed).overall.score, 1.0);
}

#[test]
fn rules_without_checks_do_not_count_in_their_requirement() {
    // 9.2 has three rules; only audit_held has a check here.
    let mut s = good();
    s.audits[0].end_on = Some("2025-06-14".into());
    let r = assess(&s);
    let req = score(&r.requirements, "9.2");
    close(req.score, 0.0);
    assert_eq!((req.passed, req.checks), (0, 1));
    assert_eq!(req.title, "Internal audit");
    let clause = score(&r.clauses, "9");
    close(clause.score, 2.0 / 3.0);
    assert_eq!(clause.percent, 66);
    assert_eq!((clause.passed, clause.checks), (4, 5));
    close(r.overall.score, 14.0 / 15.0);
    assert_eq!(r.overall.percent, 93);
    let gap = only_gap(&r);
    assert_eq!(gap.rule, "audit_held");
    assert_eq!(gap.requirement_title, "Internal audit");
    close(gap.gain, 100.0 / 15.0);
    fixing_raises_by_the_gain(&s, &good(), "audit_held", "Internal audit");
}

#[test]
fn a_gap_in_a_requirement_of_four_rules_gains_a_quarter_share() {
    let mut s = good();
    s.soa.approved = false;
    let r = assess(&s);
    let req = score(&r.requirements, "6.1.3");
    close(req.score, 0.75);
    assert_eq!(req.percent, 75);
    assert_eq!((req.passed, req.checks), (3, 4));
    close(r.overall.score, (14.0 + 0.75) / 15.0);
    let gap = only_gap(&r);
    assert_eq!(gap.rule, "soa_approved");
    assert_eq!(gap.requirement, "6.1.3");
    assert_eq!(gap.requirement_title, "AI risk treatment");
    assert_eq!(
        gap.subject,
        Subject::new("soa", "Statement of Applicability")
    );
    close(gap.gain, 100.0 / (4.0 * 15.0));
    fixing_raises_by_the_gain(&s, &good(), "soa_approved", "Statement of Applicability");
}

#[test]
fn a_gap_among_several_checks_of_several_rules_gains_its_share() {
    // 9.1: three rules; metrics_reporting has two metrics, one stale.
    let mut s = good();
    s.metrics.push(MetricFact {
        record: rec("metrics/drift", "Drift"),
        stale: true,
        breach: None,
    });
    let r = assess(&s);
    let req = score(&r.requirements, "9.1");
    close(req.score, (1.0 + 0.5 + 1.0) / 3.0);
    assert_eq!((req.passed, req.checks), (4, 5));
    let gap = only_gap(&r);
    assert_eq!(gap.rule, "metrics_reporting");
    close(gap.gain, 100.0 / (2.0 * 3.0 * 15.0));
    let mut fixed = s.clone();
    fixed.metrics[1].stale = false;
    fixing_raises_by_the_gain(&s, &fixed, "metrics_reporting", "Drift");
}

#[test]
fn every_gap_of_a_requirement_adds_its_gain_when_fixed() {
    // 7.2: five trainings, two expired; each fix adds one fifth of 7.2's
    // share.
    let mut s = good();
    s.trainings = vec![
        dated("A", "completed", Some("2027-01-01")),
        dated("B", "lapsed", None),
        dated("C", "completed", None),
        dated("D", "completed", Some("2026-06-14")),
        dated("E", "completed", None),
    ];
    let r = assess(&s);
    assert_eq!(r.gaps.len(), 2);
    for g in &r.gaps {
        close(g.gain, 100.0 / (5.0 * 15.0));
        assert_eq!(g.requirement_title, "Competence");
    }
    close(score(&r.requirements, "7.2").score, 0.6);
    assert_eq!(score(&r.requirements, "7.2").percent, 60);
    let mut fixed = s.clone();
    fixed.trainings[1].status = "completed".into();
    fixing_raises_by_the_gain(&s, &fixed, "trainings_current", "B");
    let mut fixed = s.clone();
    fixed.trainings[3].due = None;
    fixing_raises_by_the_gain(&s, &fixed, "trainings_current", "D");
}

#[test]
fn controls_score_by_annex_a_area_in_numeric_order() {
    let mut s = good();
    let mut none = control("A.10.1");
    none.record = None;
    none.implementation_status = String::new();
    none.evidence = Counts::default();
    let mut deploying = control("A.6.2.10");
    deploying.implementation_status = "in_progress".into();
    s.controls = vec![none, deploying, control("A.6.2.4"), control("A.6.2.9")];
    let r = assess(&s);

    assert_eq!(
        ids(&r.requirements),
        [
            "4.1", "4.2", "4.3", "5.2", "5.3", "6.1.2", "6.1.3", "6.1.4", "6.2", "7.2", "7.5",
            "8.1", "9.1", "9.2", "9.3", "A.6.2.4", "A.6.2.9", "A.6.2.10", "A.10.1"
        ]
    );
    let deploy = score(&r.requirements, "A.6.2.10");
    close(deploy.score, 2.0 / 3.0);
    assert_eq!(deploy.percent, 66);
    assert_eq!((deploy.passed, deploy.checks), (2, 3));
    assert_eq!(deploy.title, "Deployment");
    let a10 = score(&r.requirements, "A.10.1");
    close(a10.score, 0.0);
    assert_eq!((a10.passed, a10.checks), (0, 3));

    assert_eq!(ids(&r.areas), ["A.6", "A.10"]);
    close(r.areas[0].score, (1.0 + 1.0 + 2.0 / 3.0) / 3.0);
    assert_eq!(r.areas[0].percent, 88);
    assert_eq!((r.areas[0].passed, r.areas[0].checks), (8, 9));
    assert_eq!(r.areas[0].title, "AI system life cycle");
    close(r.areas[1].score, 0.0);
    assert_eq!(r.areas[1].percent, 0);
    assert_eq!((r.areas[1].passed, r.areas[1].checks), (0, 3));
    assert_eq!(r.areas[1].title, "");
    assert_eq!(
        ids(&r.clauses),
        ["4", "5", "6", "7", "8", "9"],
        "controls are no clause"
    );
    assert_eq!((r.clauses[0].passed, r.clauses[0].checks), (4, 4));

    close(r.overall.score, (15.0 + 2.0 + 2.0 / 3.0) / 19.0);
    assert_eq!(r.overall.percent, 92);
    assert_eq!((r.overall.passed, r.overall.checks), (24 + 8, 24 + 12));

    let gaps: Vec<(&str, &str, &str)> = r
        .gaps
        .iter()
        .map(|g| (g.requirement.as_str(), g.rule, g.missing.as_str()))
        .collect();
    assert_eq!(
        gaps,
        [
            (
                "A.6.2.10",
                "control_implemented",
                "Not implemented (status: in progress)"
            ),
            ("A.10.1", "control_owned", "Nobody owns this control"),
            (
                "A.10.1",
                "control_implemented",
                "Not implemented (status: not recorded)"
            ),
            ("A.10.1", "control_evidenced", "No evidence"),
        ]
    );
    for g in &r.gaps {
        close(g.gain, 100.0 / (3.0 * 19.0));
    }
    assert_eq!(r.gaps[0].requirement_title, "Deployment");
    assert_eq!(
        r.gaps[0].subject,
        owned("controls/A.6.2.10", "A.6.2.10 record")
    );
    assert_eq!(
        r.gaps[1].subject,
        Subject::new("soa", "A.10.1 Control A.10.1")
    );
    let why = rules::CONTROL_RULES
        .iter()
        .find(|r| r.id == "control_owned")
        .map(|r| r.why);
    assert_eq!(Some(r.gaps[1].why), why);

    let mut fixed = s.clone();
    fixed.controls[1].implementation_status = "implemented".into();
    fixing_raises_by_the_gain(&s, &fixed, "control_implemented", "A.6.2.10 record");
}

#[test]
fn gaps_are_ordered_by_gain_then_requirement_then_subject() {
    let mut s = good();
    // 7.2: three trainings, two expired (Zeta listed before Alpha).
    s.trainings = vec![
        dated("Zeta", "lapsed", None),
        dated("Alpha", "completed", Some("2026-06-01")),
        dated("Middle", "completed", None),
    ];
    // 9.3: no review held; 10.2: one nonconformity, late.
    s.reviews.clear();
    s.nonconformities = vec![dated("NC-1", "open", Some("2026-06-10"))];
    let r = assess(&s);
    let gaps: Vec<(&str, &str)> = r
        .gaps
        .iter()
        .map(|g| (g.requirement.as_str(), g.subject.title.as_str()))
        .collect();
    assert_eq!(
        gaps,
        [
            ("9.3", "Management review"),
            ("10.2", "NC-1"),
            ("7.2", "Alpha"),
            ("7.2", "Zeta"),
        ]
    );
    // 16 requirements now: 10.2 counts.
    close(r.gaps[0].gain, 100.0 / 16.0);
    close(r.gaps[1].gain, 100.0 / 16.0);
    close(r.gaps[2].gain, 100.0 / (3.0 * 16.0));
    close(r.gaps[3].gain, 100.0 / (3.0 * 16.0));
    assert_eq!(r.gaps[1].missing, "Actions were due 5 days ago");
    assert_eq!(
        ids(&r.clauses),
        ["4", "5", "6", "7", "8", "9", "10"],
        "clause 10 after 9"
    );
    assert_eq!(
        ids(&r.requirements)[13..],
        ["9.2", "9.3", "10.2"],
        "10.2 after 9.3"
    );
    // Fixed as late work is: still open, now on time (closing it would
    // take 10.2 out of the count altogether).
    let mut fixed = s.clone();
    fixed.nonconformities[0].due = Some("2026-07-01".into());
    fixing_raises_by_the_gain(&s, &fixed, "nonconformities_on_time", "NC-1");
}

#[test]
fn gaps_of_equal_gain_follow_the_numeric_order_of_their_controls() {
    let mut s = good();
    let failing = |id: &str| ControlFact {
        evidence: Counts::default(),
        ..control(id)
    };
    s.controls = vec![
        failing("A.6.2.10"),
        failing("A.10.1"),
        failing("A.6.2.9"),
        failing("A.6.2.4"),
    ];
    let r = assess(&s);
    let order: Vec<&str> = r.gaps.iter().map(|g| g.requirement.as_str()).collect();
    assert_eq!(order, ["A.6.2.4", "A.6.2.9", "A.6.2.10", "A.10.1"]);
    for g in &r.gaps {
        close(g.gain, 100.0 / (3.0 * 19.0));
        assert_eq!(g.rule, "control_evidenced");
    }
}

#[test]
fn requirements_take_their_place_once_and_alike_ones_share_it() {
    let ids = [
        "A.6.2.10", "6.1.2", "A.6.2.9", "A.x", "10.2", "A.y", "4.1", "A.6.2.9",
    ];
    let places = requirement_places(ids.into_iter());
    let place = |id: &str| places[id];
    assert_eq!(places.len(), 7, "each id once");
    assert_eq!(
        ["4.1", "6.1.2", "10.2", "A.6.2.9", "A.6.2.10"].map(place),
        [0, 1, 2, 3, 4],
        "clauses first, then Annex A, each in numeric order"
    );
    assert_eq!((place("A.x"), place("A.y")), (5, 5), "alike: one place");
}

#[test]
fn a_system_scores_the_share_of_the_checks_about_it() {
    let mut s = good();
    s.systems[0].impact_current = false;
    s.systems[0].impact_note = "never assessed".into();
    let mut legacy = system("legacy");
    legacy.in_scope = Some(false);
    legacy.risks = 0;
    legacy.tier = None;
    legacy.record.owner = None;
    let mut draft = system("draft");
    draft.in_scope = None;
    draft.risks = 0;
    draft.impact_current = false;
    s.systems.push(legacy);
    s.systems.push(draft);
    let mut bias = risk("drift", &["legacy"]);
    bias.assessed = false;
    bias.treatment = String::new();
    s.risks.push(bias);
    let r = assess(&s);

    assert_eq!(ids(&r.systems), ["chatbot", "legacy", "draft"]);
    let summary: Vec<(&str, usize, usize, u8)> = r
        .systems
        .iter()
        .map(|x| (x.title.as_str(), x.passed, x.checks, x.percent))
        .collect();
    assert_eq!(
        summary,
        [
            // 5 system checks and 3 of its risk, the impact failing.
            ("System chatbot", 7, 8, 87),
            // Out of scope: only whether it is scoped, and its risk's
            // scored and treatment checks (no treatment: nothing on track).
            ("System legacy", 1, 3, 33),
            // Undecided: scoped fails, no risk, no impact; owned and
            // classified.
            ("System draft", 2, 5, 40),
        ]
    );
    close(r.systems[0].score, 7.0 / 8.0);
    close(r.systems[1].score, 1.0 / 3.0);
    close(r.systems[2].score, 0.4);
}

#[test]
fn rule_results_list_every_rule_then_every_control_rule_per_control() {
    let mut s = good();
    let mut c = control("A.6.2.4");
    c.record = None;
    s.controls = vec![c, control("A.9.2")];
    s.systems.push(SystemFact {
        in_scope: None,
        ..system("b")
    });
    let r = assess(&s);
    assert_eq!(r.rules.len(), rules::RULES.len() + 6);
    for (result, rule) in r.rules.iter().zip(rules::RULES) {
        assert_eq!(result.rule, rule.id);
        assert_eq!(result.requirement, rule.requirement);
    }
    let find = |rule: &str, requirement: &str| {
        r.rules
            .iter()
            .find(|x| x.rule == rule && x.requirement == requirement)
            .map(|x| (x.passed, x.checks))
    };
    assert_eq!(find("systems_scoped", "4.3"), Some((1, 2)));
    assert_eq!(find("systems_owned", "8.1"), Some((2, 2)));
    assert_eq!(find("acceptances_valid", "8.3"), Some((0, 0)));
    assert_eq!(find("programme_coverage", "9.2"), Some((0, 0)));
    assert_eq!(find("corrective_actions_on_time", "10.2"), Some((0, 0)));
    let controls: Vec<(&str, &str, usize, usize)> = r.rules[rules::RULES.len()..]
        .iter()
        .map(|x| (x.rule, x.requirement.as_str(), x.passed, x.checks))
        .collect();
    assert_eq!(
        controls,
        [
            ("control_owned", "A.6.2.4", 0, 1),
            ("control_implemented", "A.6.2.4", 1, 1),
            ("control_evidenced", "A.6.2.4", 1, 1),
            ("control_owned", "A.9.2", 1, 1),
            ("control_implemented", "A.9.2", 1, 1),
            ("control_evidenced", "A.9.2", 1, 1),
        ]
    );
}

// ---------------------------------------------------------------- EU AI Act

#[test]
fn eu_ai_act_readiness_of_high_risk_systems() {
    let mut s = good();
    let mut planned = control("A.9.2");
    planned.implementation_status = "planned".into();
    s.controls = vec![control("A.6.2.4"), planned];
    let mut chatbot = system("chatbot");
    chatbot.tier = Some("high_risk".into());
    chatbot.obligations = vec![
        obligation("Art. 9", &["A.6.2.4"]),
        obligation("Art. 10", &["A.6.2.4", "A.7.4"]),
        obligation("Art. 13", &[]),
        obligation("Art. 14", &["A.9.2", "A.6.2.4", "A.7.4"]),
    ];
    let mut triage = system("triage");
    triage.tier = Some("high_risk".into());
    triage.obligations = vec![
        obligation("Art. 9", &["A.6.2.4"]),
        obligation("Art. 12", &["A.6.2.4"]),
        obligation("Art. 15", &["A.7.4"]),
    ];
    let mut scorer = system("scorer");
    scorer.tier = Some("high_risk".into());
    let mut helper = system("helper");
    helper.tier = Some("limited".into());
    helper.obligations = vec![obligation("Art. 50", &["A.6.2.4"])];
    let mut unclassified = system("unclassified");
    unclassified.tier = None;
    unclassified.obligations = vec![obligation("Art. 9", &["A.6.2.4"])];
    s.systems = vec![chatbot, helper, triage, unclassified, scorer];
    let r = assess(&s);

    let systems: Vec<(&str, &str, &str, u8)> = r
        .eu_ai_act
        .iter()
        .map(|e| {
            (
                e.system_id.as_str(),
                e.title.as_str(),
                e.tier.as_str(),
                e.percent,
            )
        })
        .collect();
    assert_eq!(
        systems,
        [
            ("chatbot", "System chatbot", "high_risk", 25),
            ("triage", "System triage", "high_risk", 66),
            ("scorer", "System scorer", "high_risk", 0),
        ],
        "only high-risk systems, in order"
    );
    assert_eq!(
        r.eu_ai_act[0].obligations,
        [
            (s_("Art. 9"), true, Vec::new()),
            (s_("Art. 10"), false, strings(&["A.7.4"])),
            (s_("Art. 13"), false, Vec::new()),
            (s_("Art. 14"), false, strings(&["A.9.2", "A.7.4"])),
        ]
    );
    assert_eq!(
        r.eu_ai_act[1].obligations,
        [
            (s_("Art. 9"), true, Vec::new()),
            (s_("Art. 12"), true, Vec::new()),
            (s_("Art. 15"), false, strings(&["A.7.4"])),
        ]
    );
    assert!(r.eu_ai_act[2].obligations.is_empty());
}

#[test]
fn an_obligation_is_ready_when_all_its_controls_pass_every_rule() {
    let mut s = good();
    s.systems[0].tier = Some("high_risk".into());
    s.systems[0].obligations = vec![obligation("Art. 9", &["A.6.2.4", "A.9.2"])];
    s.controls = vec![control("A.6.2.4"), control("A.9.2")];
    let ready = |s: &Snapshot| {
        let r = assess(s);
        assert_eq!(r.eu_ai_act.len(), 1);
        let e = &r.eu_ai_act[0];
        (e.obligations[0].1, e.obligations[0].2.clone(), e.percent)
    };
    assert_eq!(ready(&s), (true, Vec::new(), 100));
    let breakers: [fn(&mut ControlFact); 3] = [
        |c: &mut ControlFact| c.record = None,
        |c: &mut ControlFact| c.implementation_status = "planned".into(),
        |c: &mut ControlFact| c.evidence.current = 0,
    ];
    for broken in breakers {
        let mut t = s.clone();
        broken(&mut t.controls[1]);
        assert_eq!(ready(&t), (false, strings(&["A.9.2"]), 0));
    }
    let mut t = s.clone();
    t.controls.remove(1);
    assert_eq!(
        ready(&t),
        (false, strings(&["A.9.2"]), 0),
        "a control the statement does not include"
    );
    // A failing clause rule does not touch the controls.
    let mut t = s.clone();
    t.context_issues = 0;
    assert_eq!(ready(&t), (true, Vec::new(), 100));
}

fn s_(v: &str) -> String {
    v.to_owned()
}

#[test]
fn a_system_named_twice_by_one_check_counts_that_check_once() {
    let mut s = good();
    s.risks = vec![risk("bias", &["chatbot", "chatbot"])];
    // The same 8 checks as with the system named once.
    let r = assess(&s);
    let chatbot = score(&r.systems, "chatbot");
    assert_eq!((chatbot.passed, chatbot.checks), (8, 8));
}
