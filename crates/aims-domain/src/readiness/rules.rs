//! The readiness rules: each checks one thing a requirement needs, in a
//! small function over the snapshot. A new rule is one entry here and its
//! test in `tests_rules.rs`.

use super::{Check, ControlFact, DatedFact, Snapshot, Subject};
use crate::date::{add_years, days_between};

/// A rule over the whole snapshot, for one clause requirement.
pub struct Rule {
    pub id: &'static str,
    /// The clause requirement it serves (`6.1.2`).
    pub requirement: &'static str,
    /// What it checks, for the documentation and the page.
    pub checks: &'static str,
    /// Why it matters, in our words.
    pub why: &'static str,
    pub run: fn(&Snapshot) -> Vec<Check<'_>>,
}

/// A rule applied to every included Annex A control.
pub struct ControlRule {
    pub id: &'static str,
    pub checks: &'static str,
    pub why: &'static str,
    pub run: fn(&ControlFact) -> Check<'_>,
}

/// One check that there is at least one of something.
fn at_least_one(count: usize, path: &str, what: &str) -> Vec<Check<'static>> {
    vec![Check::of(
        count > 0,
        Subject::new(path, what),
        format!("No {what} recorded yet"),
    )]
}

/// `day` is set and before `today`.
fn past(day: Option<&str>, today: &str) -> bool {
    day.is_some_and(|d| !d.is_empty() && d < today)
}

/// The day a year before `today`.
fn year_ago(today: &str) -> String {
    add_years(today, -1).unwrap_or_default()
}

/// Open dated work past its day: each item a check.
fn on_time<'a>(items: &'a [DatedFact], today: &str, done: &[&str], late: &str) -> Vec<Check<'a>> {
    items
        .iter()
        .filter(|i| !done.contains(&i.status.as_str()))
        .map(|i| {
            let overdue = past(i.due.as_deref(), today);
            let days = i
                .due
                .as_deref()
                .and_then(|d| days_between(d, today))
                .unwrap_or(0);
            Check::of(!overdue, &i.record, format!("{late} {days} days ago"))
        })
        .collect()
}

fn context_issues(s: &Snapshot) -> Vec<Check<'_>> {
    at_least_one(s.context_issues, "context", "context issues")
}

fn interested_parties(s: &Snapshot) -> Vec<Check<'_>> {
    at_least_one(s.interested_parties, "parties", "interested parties")
}

fn scope_approved(s: &Snapshot) -> Vec<Check<'_>> {
    if s.scopes.is_empty() {
        return at_least_one(0, "scopes", "scope statement");
    }
    s.scopes
        .iter()
        .map(|sc| {
            Check::of(
                sc.approved,
                &sc.record,
                "The scope statement is not approved as it stands",
            )
        })
        .collect()
}

fn systems_scoped(s: &Snapshot) -> Vec<Check<'_>> {
    s.systems
        .iter()
        .map(|sys| {
            Check::of(
                sys.in_scope.is_some(),
                &sys.record,
                "Not yet decided whether it is in the AIMS's scope",
            )
            .for_systems(std::slice::from_ref(&sys.id))
        })
        .collect()
}

fn ai_policy(s: &Snapshot) -> Vec<Check<'_>> {
    let published = s
        .documents
        .iter()
        .any(|d| d.doc_type == "policy" && d.published);
    vec![Check::of(
        published,
        Subject::new("documents", "AI policy"),
        "No AI policy is published",
    )]
}

fn roles_assigned(s: &Snapshot) -> Vec<Check<'_>> {
    if s.responsibilities.is_empty() {
        return at_least_one(0, "responsibilities", "responsibilities");
    }
    s.responsibilities
        .iter()
        .map(|r| {
            Check::of(
                r.owner.is_some(),
                r.clone(),
                "Nobody is accountable for this activity",
            )
        })
        .collect()
}

/// The systems readiness holds to the AIMS's requirements: in scope or
/// not yet decided (an undecided system is not yet left out).
fn in_scope(s: &Snapshot) -> impl Iterator<Item = &super::SystemFact> {
    s.systems.iter().filter(|sys| sys.in_scope != Some(false))
}

fn systems_risk_assessed(s: &Snapshot) -> Vec<Check<'_>> {
    in_scope(s)
        .map(|sys| {
            Check::of(
                sys.risks > 0,
                &sys.record,
                "No risk is recorded for this system",
            )
            .for_systems(std::slice::from_ref(&sys.id))
        })
        .collect()
}

fn risks_scored(s: &Snapshot) -> Vec<Check<'_>> {
    s.risks
        .iter()
        .map(|r| Check::of(r.assessed, &r.record, "The risk is not scored").for_systems(&r.systems))
        .collect()
}

fn treatment_chosen(s: &Snapshot) -> Vec<Check<'_>> {
    s.risks
        .iter()
        .map(|r| {
            Check::of(
                !r.treatment.is_empty(),
                &r.record,
                "No treatment option is chosen",
            )
            .for_systems(&r.systems)
        })
        .collect()
}

fn treatments_on_track(s: &Snapshot) -> Vec<Check<'_>> {
    s.risks
        .iter()
        .filter(|r| matches!(r.treatment.as_str(), "modify" | "avoid" | "share"))
        .map(|r| {
            let missing = if r.actions == 0 {
                "No treatment action is planned".to_owned()
            } else {
                format!("{} treatment action(s) overdue", r.actions_overdue)
            };
            Check::of(r.actions > 0 && r.actions_overdue == 0, &r.record, missing)
                .for_systems(&r.systems)
        })
        .collect()
}

fn acceptances_valid(s: &Snapshot) -> Vec<Check<'_>> {
    s.risks
        .iter()
        .filter(|r| r.treatment == "retain")
        .map(|r| {
            let missing = match r.acceptance_valid {
                None => "Retained without a recorded acceptance",
                Some(_) => "Its acceptance has expired or no longer fits the risk",
            };
            Check::of(r.acceptance_valid == Some(true), &r.record, missing).for_systems(&r.systems)
        })
        .collect()
}

fn soa_complete(s: &Snapshot) -> Vec<Check<'_>> {
    let soa = &s.soa;
    let missing = if !soa.saved {
        "No Statement of Applicability is saved yet".to_owned()
    } else {
        format!(
            "{} control(s) undecided, {} exclusion(s) without a reason, {} exclusion(s) a treatment relies on",
            soa.undecided, soa.unjustified, soa.flagged
        )
    };
    vec![Check::of(
        soa.saved && soa.undecided == 0 && soa.unjustified == 0 && soa.flagged == 0,
        Subject::new("soa", "Statement of Applicability"),
        missing,
    )]
}

fn soa_approved(s: &Snapshot) -> Vec<Check<'_>> {
    vec![Check::of(
        s.soa.saved && s.soa.approved,
        Subject::new("soa", "Statement of Applicability"),
        "The latest Statement of Applicability is not approved",
    )]
}

fn impact_assessed(s: &Snapshot) -> Vec<Check<'_>> {
    in_scope(s)
        .map(|sys| {
            Check::of(
                sys.impact_current,
                Subject {
                    path: format!("{}/impact", sys.record.path),
                    ..sys.record.clone()
                },
                format!("Impact assessment: {}", sys.impact_note),
            )
            .for_systems(std::slice::from_ref(&sys.id))
        })
        .collect()
}

fn objectives_set(s: &Snapshot) -> Vec<Check<'_>> {
    if s.objectives.is_empty() {
        return at_least_one(0, "objectives", "AI objectives");
    }
    s.objectives
        .iter()
        .filter(|o| !matches!(o.status.as_str(), "achieved" | "dropped"))
        .map(|o| {
            let missing = if o.record.owner.is_none() {
                "Nobody owns this objective"
            } else {
                "Past its due date and not achieved"
            };
            Check::of(
                o.record.owner.is_some() && !past(o.due.as_deref(), &s.today),
                o.record.clone(),
                missing,
            )
        })
        .collect()
}

fn trainings_current(s: &Snapshot) -> Vec<Check<'_>> {
    if s.trainings.is_empty() {
        return at_least_one(0, "trainings", "training records");
    }
    s.trainings
        .iter()
        .filter(|t| t.status != "planned")
        .map(|t| {
            Check::of(
                t.status != "lapsed" && !past(t.due.as_deref(), &s.today),
                t.record.clone(),
                "Expired: it no longer counts",
            )
        })
        .collect()
}

fn documents_approved(s: &Snapshot) -> Vec<Check<'_>> {
    if s.documents.is_empty() {
        return at_least_one(0, "documents", "documents");
    }
    s.documents
        .iter()
        .map(|d| Check::of(d.published, &d.record, "No approved version is published"))
        .collect()
}

fn documents_reviewed(s: &Snapshot) -> Vec<Check<'_>> {
    s.documents
        .iter()
        .filter(|d| d.published)
        .map(|d| {
            Check::of(
                !past(d.next_review.as_deref(), &s.today),
                d.record.clone(),
                "Its review date has passed",
            )
        })
        .collect()
}

fn systems_classified(s: &Snapshot) -> Vec<Check<'_>> {
    in_scope(s)
        .map(|sys| {
            Check::of(
                sys.tier.as_deref().is_some_and(|t| t != "undetermined"),
                Subject {
                    path: format!("{}/classification", sys.record.path),
                    ..sys.record.clone()
                },
                "Not classified under the EU AI Act (or questions left unanswered)",
            )
            .for_systems(std::slice::from_ref(&sys.id))
        })
        .collect()
}

fn systems_owned(s: &Snapshot) -> Vec<Check<'_>> {
    in_scope(s)
        .map(|sys| {
            Check::of(
                sys.record.owner.is_some(),
                &sys.record,
                "Nobody owns this system",
            )
            .for_systems(std::slice::from_ref(&sys.id))
        })
        .collect()
}

fn metrics_defined(s: &Snapshot) -> Vec<Check<'_>> {
    at_least_one(s.metrics.len(), "metrics", "metrics")
}

fn metrics_reporting(s: &Snapshot) -> Vec<Check<'_>> {
    s.metrics
        .iter()
        .map(|m| Check::of(!m.stale, &m.record, "No value since one was due"))
        .collect()
}

fn metrics_within(s: &Snapshot) -> Vec<Check<'_>> {
    s.metrics
        .iter()
        .map(|m| {
            let level = m.breach.as_deref().unwrap_or("");
            Check::of(
                m.breach.is_none(),
                &m.record,
                format!("Outside its thresholds ({level})"),
            )
        })
        .collect()
}

fn audit_held(s: &Snapshot) -> Vec<Check<'_>> {
    let since = year_ago(&s.today);
    let held = s.audits.iter().any(|a| {
        matches!(a.audit_type.as_str(), "" | "internal")
            && a.status == "completed"
            && a.end_on
                .as_deref()
                .or(a.start_on.as_deref())
                .is_some_and(|d| d >= since.as_str())
    });
    vec![Check::of(
        held,
        Subject::new("audits", "Internal audit"),
        "No internal audit completed in the last twelve months",
    )]
}

fn audits_on_schedule(s: &Snapshot) -> Vec<Check<'_>> {
    s.audits
        .iter()
        .filter(|a| a.status == "planned")
        .map(|a| {
            Check::of(
                !past(a.start_on.as_deref(), &s.today),
                a.record.clone(),
                "Planned to start already and not started",
            )
        })
        .collect()
}

/// The programme covers its universe at least as fast as its cycle runs.
fn programme_coverage(s: &Snapshot) -> Vec<Check<'_>> {
    let p = &s.programme;
    if p.total == 0 {
        return Vec::new();
    }
    let length = days_between(&p.cycle_start, &p.cycle_end).unwrap_or(0) + 1;
    let gone = days_between(&p.cycle_start, &s.today)
        .unwrap_or(0)
        .clamp(0, length.max(1));
    // covered / total ≥ gone / length, in whole numbers.
    let on_pace = (p.covered as i64) * length.max(1) >= (p.total as i64) * gone;
    vec![Check::of(
        on_pace,
        Subject::new("audit-programme", "Audit programme"),
        format!(
            "{} of {} requirements and controls audited with {} of {} days of the cycle gone",
            p.covered, p.total, gone, length
        ),
    )]
}

fn review_held(s: &Snapshot) -> Vec<Check<'_>> {
    let since = year_ago(&s.today);
    let held = s.reviews.iter().any(|r| {
        r.status == "signed_off" && r.held_on.as_deref().is_some_and(|d| d >= since.as_str())
    });
    vec![Check::of(
        held,
        Subject::new("reviews", "Management review"),
        "No management review signed off in the last twelve months",
    )]
}

fn reviews_on_time(s: &Snapshot) -> Vec<Check<'_>> {
    s.reviews
        .iter()
        .filter(|r| matches!(r.status.as_str(), "" | "scheduled"))
        .map(|r| {
            Check::of(
                !past(r.scheduled_on.as_deref(), &s.today),
                r.record.clone(),
                "Its date has passed and it is not recorded as held",
            )
        })
        .collect()
}

fn nonconformities_on_time(s: &Snapshot) -> Vec<Check<'_>> {
    on_time(
        &s.nonconformities,
        &s.today,
        &["closed"],
        "Actions were due",
    )
}

fn corrective_actions_on_time(s: &Snapshot) -> Vec<Check<'_>> {
    on_time(
        &s.corrective_actions,
        &s.today,
        &["done", "cancelled"],
        "Was due",
    )
}

pub const RULES: &[Rule] = &[
    Rule {
        id: "context_issues",
        requirement: "4.1",
        checks: "At least one external or internal issue is recorded.",
        why: "The AIMS is planned around the issues that affect it; an auditor asks where they are written down.",
        run: context_issues,
    },
    Rule {
        id: "interested_parties",
        requirement: "4.2",
        checks: "At least one interested party is recorded.",
        why: "Who has a stake in the AI systems, and what they expect, shapes the scope and the risks.",
        run: interested_parties,
    },
    Rule {
        id: "scope_approved",
        requirement: "4.3",
        checks: "Every scope statement is approved as it stands.",
        why: "The scope says what the certificate will cover; it must be settled and approved.",
        run: scope_approved,
    },
    Rule {
        id: "systems_scoped",
        requirement: "4.3",
        checks: "Every AI system says whether it is in scope.",
        why: "A system left undecided is neither covered nor consciously left out.",
        run: systems_scoped,
    },
    Rule {
        id: "ai_policy",
        requirement: "5.2",
        checks: "A policy document has a published version.",
        why: "Top management's AI policy is the first document an auditor reads.",
        run: ai_policy,
    },
    Rule {
        id: "roles_assigned",
        requirement: "5.3",
        checks: "Responsibilities are recorded, each with someone accountable.",
        why: "Every part of the AIMS needs a person who answers for it.",
        run: roles_assigned,
    },
    Rule {
        id: "systems_risk_assessed",
        requirement: "6.1.2",
        checks: "Every AI system in scope has at least one risk recorded.",
        why: "Risk assessment covers each system in scope; one with no risk was not assessed.",
        run: systems_risk_assessed,
    },
    Rule {
        id: "risks_scored",
        requirement: "6.1.2",
        checks: "Every risk is scored on the risk method.",
        why: "An unscored risk cannot be compared with the acceptance criteria.",
        run: risks_scored,
    },
    Rule {
        id: "treatment_chosen",
        requirement: "6.1.3",
        checks: "Every risk has a treatment option.",
        why: "Each assessed risk needs a decision: modify, avoid, share or retain.",
        run: treatment_chosen,
    },
    Rule {
        id: "treatments_on_track",
        requirement: "6.1.3",
        checks: "Every risk being treated has treatment actions, none overdue.",
        why: "A treatment plan is only real when its actions exist and happen on time.",
        run: treatments_on_track,
    },
    Rule {
        id: "soa_complete",
        requirement: "6.1.3",
        checks: "The Statement of Applicability decides every control and justifies every exclusion.",
        why: "The SoA is a mandatory output of risk treatment; gaps in it are findings.",
        run: soa_complete,
    },
    Rule {
        id: "soa_approved",
        requirement: "6.1.3",
        checks: "The latest Statement of Applicability is approved.",
        why: "An unapproved statement is a draft, not the organisation's decision.",
        run: soa_approved,
    },
    Rule {
        id: "impact_assessed",
        requirement: "6.1.4",
        checks: "Every AI system in scope has an approved impact assessment that still fits and is not due again.",
        why: "Impacts on people and society are assessed per system and kept up to date.",
        run: impact_assessed,
    },
    Rule {
        id: "objectives_set",
        requirement: "6.2",
        checks: "AI objectives exist; each open one is owned and not past its date.",
        why: "Objectives turn the policy into measurable commitments with owners and dates.",
        run: objectives_set,
    },
    Rule {
        id: "trainings_current",
        requirement: "7.2",
        checks: "Training records exist and none has expired.",
        why: "Competence must be shown by records that are still valid.",
        run: trainings_current,
    },
    Rule {
        id: "documents_approved",
        requirement: "7.5",
        checks: "Every document has a published, approved version.",
        why: "Documented information must be approved before it is used.",
        run: documents_approved,
    },
    Rule {
        id: "documents_reviewed",
        requirement: "7.5",
        checks: "No published document is past its review date.",
        why: "Documents are kept suitable by reviewing them on their cycle.",
        run: documents_reviewed,
    },
    Rule {
        id: "systems_classified",
        requirement: "8.1",
        checks: "Every AI system in scope is classified under the EU AI Act.",
        why: "The classification decides which legal obligations and controls apply.",
        run: systems_classified,
    },
    Rule {
        id: "systems_owned",
        requirement: "8.1",
        checks: "Every AI system in scope has an owner.",
        why: "Operational control needs someone responsible for each system.",
        run: systems_owned,
    },
    Rule {
        id: "acceptances_valid",
        requirement: "8.3",
        checks: "Every retained risk has a valid acceptance.",
        why: "Retaining a risk is a decision by someone with the authority to take it, and it expires.",
        run: acceptances_valid,
    },
    Rule {
        id: "metrics_defined",
        requirement: "9.1",
        checks: "At least one metric is monitored.",
        why: "Performance is evaluated from what is measured.",
        run: metrics_defined,
    },
    Rule {
        id: "metrics_reporting",
        requirement: "9.1",
        checks: "Every metric has a value within its interval.",
        why: "A metric that stops reporting watches nothing.",
        run: metrics_reporting,
    },
    Rule {
        id: "metrics_within",
        requirement: "9.1",
        checks: "Every metric is within its thresholds.",
        why: "A breach is a signal the AIMS must act on.",
        run: metrics_within,
    },
    Rule {
        id: "audit_held",
        requirement: "9.2",
        checks: "An internal audit was completed in the last twelve months.",
        why: "Certification auditors expect at least one full internal audit cycle before stage 2.",
        run: audit_held,
    },
    Rule {
        id: "audits_on_schedule",
        requirement: "9.2",
        checks: "No planned audit is past its start date.",
        why: "The audit programme is kept as planned.",
        run: audits_on_schedule,
    },
    Rule {
        id: "programme_coverage",
        requirement: "9.2",
        checks: "Completed audits cover the requirements and included controls at least as fast as the cycle runs.",
        why: "Over its cycle the programme must audit every requirement and control.",
        run: programme_coverage,
    },
    Rule {
        id: "review_held",
        requirement: "9.3",
        checks: "A management review was signed off in the last twelve months.",
        why: "Top management reviews the AIMS at planned intervals, at least once before certification.",
        run: review_held,
    },
    Rule {
        id: "reviews_on_time",
        requirement: "9.3",
        checks: "No scheduled review is past its date.",
        why: "Reviews happen when planned.",
        run: reviews_on_time,
    },
    Rule {
        id: "nonconformities_on_time",
        requirement: "10.2",
        checks: "No open nonconformity is past the day its actions were due.",
        why: "Nonconformities are corrected in good time, and auditors look at the dates.",
        run: nonconformities_on_time,
    },
    Rule {
        id: "corrective_actions_on_time",
        requirement: "10.2",
        checks: "No open corrective action is overdue.",
        why: "Corrective actions that slip leave the cause in place.",
        run: corrective_actions_on_time,
    },
];

fn control_subject(c: &ControlFact) -> Subject {
    c.record
        .clone()
        .unwrap_or_else(|| Subject::new("soa", format!("{} {}", c.id, c.title)))
}

fn control_owned(c: &ControlFact) -> Check<'_> {
    let owned = c.record.as_ref().is_some_and(|r| r.owner.is_some());
    Check::of(owned, control_subject(c), "Nobody owns this control")
}

fn control_implemented(c: &ControlFact) -> Check<'_> {
    let status = if c.implementation_status.is_empty() {
        "not recorded"
    } else {
        c.implementation_status.as_str()
    };
    Check::of(
        c.implementation_status == "implemented",
        control_subject(c),
        format!("Not implemented (status: {})", status.replace('_', " ")),
    )
}

fn control_evidenced(c: &ControlFact) -> Check<'_> {
    let e = &c.evidence;
    let missing = if e.stale + e.rejected > 0 {
        format!(
            "No current evidence ({} stale, {} rejected)",
            e.stale, e.rejected
        )
    } else {
        "No evidence".to_owned()
    };
    Check::of(e.current > 0, control_subject(c), missing)
}

pub const CONTROL_RULES: &[ControlRule] = &[
    ControlRule {
        id: "control_owned",
        checks: "The control has an owner.",
        why: "An included control needs someone who keeps it working.",
        run: control_owned,
    },
    ControlRule {
        id: "control_implemented",
        checks: "The control is implemented.",
        why: "Including a control in the SoA commits to implementing it.",
        run: control_implemented,
    },
    ControlRule {
        id: "control_evidenced",
        checks: "The control has current, accepted evidence.",
        why: "Auditors sample evidence for each control; none, stale or rejected evidence is a finding.",
        run: control_evidenced,
    },
];
