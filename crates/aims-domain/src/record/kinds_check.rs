//! The kinds of record that check and improve the AIMS (clauses 9 and 10,
//! Annex A.6.2.6): metrics watched against thresholds, audits and their
//! findings, nonconformities and the corrective actions that remove their
//! causes, the continual improvement log, management reviews and the
//! certification cycle. Each is a declaration like the others; the rules
//! particular to them are in [`crate::audit`], [`crate::nonconformity`] and
//! [`crate::certification`].

use super::{Choice, Derived, Field, Kind, APPROVED_ACCESS, STANDARD_ACCESS};

const fn c(value: &'static str, label: &'static str) -> Choice {
    Choice { value, label }
}

const METRIC_DIRECTION: &[Choice] = &[
    c("higher", "Higher is better"),
    c("lower", "Lower is better"),
];

const INTERVAL: &[Choice] = &[
    c("hourly", "Hourly"),
    c("daily", "Daily"),
    c("weekly", "Weekly"),
    c("monthly", "Monthly"),
    c("quarterly", "Quarterly"),
    c("yearly", "Yearly"),
];

const ON_BREACH: &[Choice] = &[
    c("alert", "Alert only"),
    c("incident", "Open an incident"),
    c("nonconformity", "Open a nonconformity"),
];

const METRIC_FIELDS: &[Field] = &[
    Field::text("title", "Metric", 200).required(),
    Field::long("description", "What it measures")
        .help("What is counted or measured, where the numbers come from and why it matters."),
    Field::owner().help("Who watches it and answers for a breach."),
    Field::text("unit", "Unit", 40),
    Field::choice("direction", "Direction", METRIC_DIRECTION),
    Field::decimal("warning", "Warning threshold")
        .help("A measurement past this value is a warning."),
    Field::decimal("critical", "Critical threshold")
        .help("A measurement past this value is a breach."),
    Field::choice("interval", "Measured", INTERVAL)
        .help("How often a new measurement is expected; a longer silence makes the metric stale."),
    Field::choice("on_breach", "On a breach", ON_BREACH),
];

/// What is monitored and measured (9.1, A.6.2.6): each metric's owner,
/// thresholds and cadence. Its measurements are kept apart, in their own
/// table.
pub const METRICS: Kind = Kind {
    name: "metrics",
    record_type: "metric",
    page: "metrics",
    singular: "metric",
    plural: "metrics",
    about: "What the organisation measures about its AI and its AIMS (9.1): who watches each number, how often it should arrive, the values that warn or breach and what a breach sets off.",
    fields: METRIC_FIELDS,
    columns: &["owner", "unit", "interval"],
    access: STANDARD_ACCESS,
    derived: Derived::MetricThresholds,
};

const AUDIT_TYPE: &[Choice] = &[
    c("internal", "Internal audit"),
    c("stage1", "Certification stage 1"),
    c("stage2", "Certification stage 2"),
    c("surveillance", "Surveillance audit"),
    c("recertification", "Recertification audit"),
    c("supplier", "Supplier audit"),
];

const AUDIT_STATUS: &[Choice] = &[
    c("planned", "Planned"),
    c("in_progress", "In progress"),
    c("completed", "Completed"),
    c("cancelled", "Cancelled"),
];

const AUDIT_FIELDS: &[Field] = &[
    Field::text("title", "Audit", 200).required(),
    Field::choice("type", "Type", AUDIT_TYPE),
    Field::long("scope", "Scope")
        .help("The processes, sites, AI systems and controls the audit covers."),
    Field::long("criteria", "Criteria")
        .help("What the audit checks against: the clauses and controls, policies, contracts or laws."),
    Field {
        label: "Lead auditor",
        help: "The workspace member who leads the audit (e-mail address); they should not audit their own work.",
        ..Field::owner()
    },
    Field::text("auditors", "Other auditors", 400)
        .help("The rest of the audit team, by name or e-mail address."),
    Field::text("body", "Certification body", 200)
        .help("For an external audit: the body that performs it."),
    Field::date("start_on", "Starts on").duty_until("status", &["completed", "cancelled"]),
    Field::date("end_on", "Ends on"),
    Field::choice("status", "Status", AUDIT_STATUS),
    Field::long("conclusion", "Conclusion")
        .help("What the audit team concluded about the AIMS's conformity and effectiveness."),
];

/// Internal and external audits of the AIMS (9.2): scope, criteria, team
/// and conclusion; findings link to the audit they were found in.
pub const AUDITS: Kind = Kind {
    name: "audits",
    record_type: "audit",
    page: "audits",
    singular: "audit",
    plural: "audits",
    about: "Audits of the AIMS (9.2), internal or by a certification body or of a supplier: what each covers, against which criteria, who audits, when, and what they concluded.",
    fields: AUDIT_FIELDS,
    columns: &["type", "owner", "start_on", "status"],
    access: STANDARD_ACCESS,
    derived: Derived::None,
};

/// Finding grades; their rules are [`crate::audit::Grade`].
const FINDING_GRADE: &[Choice] = &[
    c("major_nc", "Major nonconformity"),
    c("minor_nc", "Minor nonconformity"),
    c("observation", "Observation"),
    c("ofi", "Opportunity for improvement"),
];

const FINDING_STATUS: &[Choice] = &[
    c("open", "Open"),
    c("raised", "Raised as a nonconformity"),
    c("closed", "Closed"),
];

const FINDING_FIELDS: &[Field] = &[
    Field::text("title", "Finding", 200).required(),
    Field::choice("grade", "Grade", FINDING_GRADE)
        .help("A major or minor nonconformity is raised as a nonconformity to correct."),
    Field::text("requirement", "Requirement", 40)
        .help("The clause or control it concerns, such as 9.2.2 or A.6.2.4."),
    Field::long("objective_evidence", "Objective evidence")
        .help("What the auditor saw, read or was told that supports the finding."),
    Field::owner().help("Who answers for the finding in the organisation."),
    Field::choice("status", "Status", FINDING_STATUS),
];

/// What an audit found (9.2.2), graded, against a named requirement.
pub const FINDINGS: Kind = Kind {
    name: "findings",
    record_type: "finding",
    page: "findings",
    singular: "finding",
    plural: "audit findings",
    about: "What audits found (9.2): a nonconformity, an observation or an opportunity for improvement, the requirement it concerns and the evidence behind it.",
    fields: FINDING_FIELDS,
    columns: &["grade", "requirement", "owner", "status"],
    access: STANDARD_ACCESS,
    derived: Derived::None,
};

const NC_SOURCE: &[Choice] = &[
    c("audit", "Internal audit"),
    c("incident", "Incident"),
    c("metric", "Metric breach"),
    c("external_audit", "External audit"),
    c("other", "Other"),
];

const NC_GRADE: &[Choice] = &[c("major", "Major"), c("minor", "Minor")];

const ROOT_CAUSE_METHOD: &[Choice] = &[c("five_whys", "Five whys"), c("other", "Other")];

const NC_STATUS: &[Choice] = &[
    c("open", "Open"),
    c("action_planned", "Action planned"),
    c("verifying", "Verifying effectiveness"),
    c("closed", "Closed"),
    c("reopened", "Reopened"),
];

const VERIFICATION: &[Choice] = &[
    c("effective", "Effective"),
    c("not_effective", "Not effective"),
];

const NONCONFORMITY_FIELDS: &[Field] = &[
    Field::text("title", "Nonconformity", 200).required(),
    Field::choice("source", "Found by", NC_SOURCE),
    Field::choice("grade", "Grade", NC_GRADE),
    Field::text("requirement", "Requirement", 40)
        .help("The clause or control not met, such as 7.5.3 or A.6.2.4; a later finding on it reopens a closed nonconformity."),
    Field::long("description", "What is not as required"),
    Field::owner().help("Who sees it through to closure."),
    Field::long("correction", "Correction")
        .help("What was done at once to contain it and deal with its consequences; the corrective actions that remove its cause are linked apart."),
    Field::choice("root_cause_method", "Root cause method", ROOT_CAUSE_METHOD),
    Field::long("root_cause", "Root cause"),
    Field::long("similar_elsewhere", "Similar elsewhere")
        .help("Whether the same nonconformity exists, or could occur, elsewhere."),
    Field::choice("status", "Status", NC_STATUS)
        .help("Only a manager closes it, once its actions are verified effective."),
    Field::date("due_on", "Actions due").duty_until("status", &["closed"]),
    Field::date("verify_by", "Verify by")
        .duty_until("status", &["closed"])
        .lapsed("Verification overdue")
        .help("When the effectiveness of the corrective actions is to be checked."),
    Field::choice("verification", "Verification", VERIFICATION)
        .help("Checked by someone who owns none of its corrective actions; not effective sends it back to action planned."),
    Field::text("verifier", "Verified by", 200)
        .computed()
        .help("Set by aims: the member who recorded the verification."),
    Field::date("verified_on", "Verified on"),
    Field::date("closed_on", "Closed on"),
    Field::date("reopened_on", "Reopened on")
        .help("Set when a closed nonconformity is found again."),
];

/// Nonconformities (10.2): correction, root cause, corrective actions and
/// the verification that they worked.
pub const NONCONFORMITIES: Kind = Kind {
    name: "nonconformities",
    record_type: "nonconformity",
    page: "nonconformities",
    singular: "nonconformity",
    plural: "nonconformities",
    about: "Where the AIMS falls short of a requirement (10.2): how it was contained, why it happened, whether it could happen elsewhere, the actions taken and whether someone independent found them effective.",
    fields: NONCONFORMITY_FIELDS,
    columns: &["grade", "owner", "status", "due_on"],
    access: STANDARD_ACCESS,
    derived: Derived::None,
};

const ACTION_STATUS: &[Choice] = &[
    c("open", "Open"),
    c("in_progress", "In progress"),
    c("done", "Done"),
    c("cancelled", "Cancelled"),
];

const CORRECTIVE_ACTION_FIELDS: &[Field] = &[
    Field::text("title", "Corrective action", 200).required(),
    Field::owner(),
    Field::long("description", "What is to be done")
        .help("How it removes the cause of the nonconformity so it does not recur."),
    Field::date("due_on", "Due")
        .duty_until("status", &["done", "cancelled"])
        .lapsed("Overdue"),
    Field::choice("status", "Status", ACTION_STATUS),
    Field::date("done_on", "Done on"),
];

/// Actions that remove the cause of a nonconformity (10.2).
pub const CORRECTIVE_ACTIONS: Kind = Kind {
    name: "corrective-actions",
    record_type: "corrective_action",
    page: "corrective-actions",
    singular: "corrective action",
    plural: "corrective actions",
    about: "Actions that remove the cause of a nonconformity (10.2) so it does not happen again: who does what by when.",
    fields: CORRECTIVE_ACTION_FIELDS,
    columns: &["owner", "due_on", "status"],
    access: STANDARD_ACCESS,
    derived: Derived::None,
};

const IMPROVEMENT_STATUS: &[Choice] = &[
    c("proposed", "Proposed"),
    c("accepted", "Accepted"),
    c("in_progress", "In progress"),
    c("done", "Done"),
    c("declined", "Declined"),
];

const IMPROVEMENT_FIELDS: &[Field] = &[
    Field::text("title", "Improvement", 200).required(),
    Field::owner(),
    Field::long("description", "What could be better"),
    Field::text("source", "Where it came from", 200)
        .help("An audit, a review, a metric, a suggestion from someone."),
    Field::choice("status", "Status", IMPROVEMENT_STATUS),
    Field::long("outcome", "Outcome"),
    Field::date("decided_on", "Decided on"),
];

/// The continual improvement log (10.1).
pub const IMPROVEMENTS: Kind = Kind {
    name: "improvements",
    record_type: "improvement",
    page: "improvements",
    singular: "improvement",
    plural: "improvements",
    about: "Continual improvement (10.1): ways to make the AIMS more suitable, adequate or effective, where each idea came from, what was decided and how it turned out.",
    fields: IMPROVEMENT_FIELDS,
    columns: &["owner", "status", "decided_on"],
    access: STANDARD_ACCESS,
    derived: Derived::None,
};

const REVIEW_STATUS: &[Choice] = &[
    c("scheduled", "Scheduled"),
    c("held", "Held"),
    c("signed_off", "Signed off"),
    c("cancelled", "Cancelled"),
];

const REVIEW_FIELDS: &[Field] = &[
    Field::text("title", "Management review", 200).required(),
    Field::owner(),
    Field::date("scheduled_on", "Scheduled for").duty_until("status", &["signed_off", "cancelled"]),
    Field::date("held_on", "Held on").help("The day of the meeting, whenever the record was written."),
    Field::long("attendees", "Attendees"),
    Field::long("minutes", "Minutes")
        .help("What was considered: audits, nonconformities, metrics, risks, feedback, changes."),
    Field::long("decisions", "Decisions")
        .help("What top management decided: improvements, changes to the AIMS, resources; linked as actions."),
    Field::choice("status", "Status", REVIEW_STATUS),
    Field::date("signed_off_on", "Signed off on")
        .computed()
        .help("Set by aims when a manager signs the review off."),
];

/// Management reviews (9.3), signed off by top management as a manager's
/// approval.
pub const REVIEWS: Kind = Kind {
    name: "reviews",
    record_type: "management_review",
    page: "reviews",
    singular: "management review",
    plural: "management reviews",
    about: "Management reviews (9.3): when top management met, who attended, what they considered, what they decided, and their sign-off as an approved version.",
    fields: REVIEW_FIELDS,
    columns: &["owner", "scheduled_on", "held_on", "status"],
    access: APPROVED_ACCESS,
    derived: Derived::None,
};

const CERTIFICATION_TYPE: &[Choice] = &[
    c("stage1", "Stage 1 audit"),
    c("stage2", "Stage 2 audit"),
    c("surveillance", "Surveillance audit"),
    c("recertification", "Recertification audit"),
    c("certificate", "Certificate issued"),
];

const CERTIFICATION_STATUS: &[Choice] = &[
    c("planned", "Planned"),
    c("held", "Held"),
    c("cancelled", "Cancelled"),
];

const CERTIFICATION_OUTCOME: &[Choice] = &[
    c("recommended", "Recommended for certification"),
    c(
        "recommended_with_conditions",
        "Recommended once findings are closed",
    ),
    c("not_recommended", "Not recommended"),
    c("certified", "Certified"),
];

const CERTIFICATION_FIELDS: &[Field] = &[
    Field::text("title", "Certification event", 200).required(),
    Field::choice("type", "Type", CERTIFICATION_TYPE),
    Field::text("body", "Certification body", 200),
    Field::owner(),
    Field::date("planned_on", "Planned for").duty_until("status", &["held", "cancelled"]),
    Field::date("held_on", "Held on"),
    Field::choice("status", "Status", CERTIFICATION_STATUS),
    Field::choice("outcome", "Outcome", CERTIFICATION_OUTCOME),
    Field::text("certificate_no", "Certificate number", 100),
    Field::date("valid_from", "Valid from").help(
        "The first day of the certificate: its expiry and surveillance audits follow from it.",
    ),
    Field::date("valid_until", "Valid until")
        .computed()
        .duty()
        .lapsed("Certificate expired")
        .help("Set by aims: three years after the certificate starts."),
    Field::date("next_surveillance", "First surveillance by")
        .computed()
        .duty()
        .help("Set by aims: a year after the certificate starts."),
    Field::date("second_surveillance", "Second surveillance by")
        .computed()
        .duty()
        .help("Set by aims: two years after the certificate starts."),
];

/// The certification cycle: stage 1 and 2, surveillance and recertification
/// audits, and the certificate with its validity.
pub const CERTIFICATION: Kind = Kind {
    name: "certification",
    record_type: "certification_event",
    page: "certification",
    singular: "certification event",
    plural: "certification events",
    about: "The certification cycle: the certification body's stage 1 and stage 2 audits, the certificate and how long it holds, and the surveillance and recertification audits that keep it.",
    fields: CERTIFICATION_FIELDS,
    columns: &["type", "status", "outcome", "valid_until"],
    access: STANDARD_ACCESS,
    derived: Derived::Certification,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{relation, Fields, ShortcutValue};
    use serde_json::json;

    fn f(v: serde_json::Value) -> Fields {
        v.as_object().unwrap().clone()
    }

    fn duty_names(kind: &Kind, v: serde_json::Value) -> Vec<&'static str> {
        kind.duties(&f(v)).into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn duties_end_when_the_work_is_done() {
        let nc = json!({"title": "t", "due_on": "2027-01-01", "verify_by": "2027-02-01"});
        assert_eq!(
            duty_names(&NONCONFORMITIES, nc.clone()),
            ["due_on", "verify_by"]
        );
        for (status, open) in [
            ("open", true),
            ("verifying", true),
            ("reopened", true),
            ("closed", false),
        ] {
            let mut v = nc.clone();
            v["status"] = json!(status);
            assert_eq!(
                !duty_names(&NONCONFORMITIES, v).is_empty(),
                open,
                "{status}"
            );
        }
        let ca = json!({"title": "t", "due_on": "2027-01-01"});
        for (status, open) in [
            ("open", true),
            ("in_progress", true),
            ("done", false),
            ("cancelled", false),
        ] {
            let mut v = ca.clone();
            v["status"] = json!(status);
            assert_eq!(
                !duty_names(&CORRECTIVE_ACTIONS, v).is_empty(),
                open,
                "{status}"
            );
        }
        let audit = json!({"title": "t", "start_on": "2027-01-01", "status": "in_progress"});
        assert_eq!(duty_names(&AUDITS, audit), ["start_on"]);
        let audit = json!({"title": "t", "start_on": "2027-01-01", "status": "completed"});
        assert!(duty_names(&AUDITS, audit).is_empty());
        let review = json!({"title": "t", "scheduled_on": "2027-01-01", "status": "held"});
        assert_eq!(duty_names(&REVIEWS, review), ["scheduled_on"]);
        let review = json!({"title": "t", "scheduled_on": "2027-01-01", "status": "signed_off"});
        assert!(duty_names(&REVIEWS, review).is_empty());
        let cert = json!({"title": "t", "planned_on": "2026-01-01", "status": "held",
            "valid_until": "2029-01-01", "next_surveillance": "2027-01-01", "second_surveillance": "2028-01-01"});
        assert_eq!(
            duty_names(&CERTIFICATION, cert),
            ["valid_until", "next_surveillance", "second_surveillance"]
        );
    }

    #[test]
    fn lists_name_what_is_late() {
        let lapsed = |k: &Kind| {
            k.shortcuts()
                .into_iter()
                .filter(|s| s.value == ShortcutValue::Today)
                .map(|s| s.label)
                .collect::<Vec<_>>()
        };
        assert_eq!(lapsed(&NONCONFORMITIES), ["Overdue"]);
        assert_eq!(lapsed(&CORRECTIVE_ACTIONS), ["Overdue"]);
        assert_eq!(lapsed(&METRICS), Vec::<&str>::new());
        assert_eq!(
            NONCONFORMITIES.field("verify_by").unwrap().lapsed,
            "Verification overdue"
        );
        assert_eq!(
            CERTIFICATION.field("valid_until").unwrap().lapsed,
            "Certificate expired"
        );
        for k in [
            METRICS,
            AUDITS,
            FINDINGS,
            NONCONFORMITIES,
            CORRECTIVE_ACTIONS,
            IMPROVEMENTS,
            REVIEWS,
            CERTIFICATION,
        ] {
            assert!(k.has_owner(), "{}", k.name);
        }
    }

    #[test]
    fn the_lead_auditor_is_the_audits_owner() {
        let owner = AUDITS.field("owner").unwrap();
        assert_eq!(owner.label, "Lead auditor");
        assert_eq!(
            AUDITS.owner_of(&f(json!({"title": "t", "owner": "u1"}))),
            Some("u1")
        );
        assert_eq!(REVIEWS.access, APPROVED_ACCESS);
        assert_eq!(CERTIFICATION.derived, Derived::Certification);
        for name in ["valid_until", "next_surveillance", "second_surveillance"] {
            assert!(CERTIFICATION.field(name).unwrap().computed, "{name}");
        }
    }

    #[test]
    fn check_and_act_relations_join_their_kinds() {
        let allowed = [
            ("found_in", "findings", "audits"),
            ("audits_scope", "audits", "systems"),
            ("audits_scope", "audits", "risks"),
            ("raised_as", "findings", "nonconformities"),
            ("raised", "incidents", "nonconformities"),
            ("raised", "metrics", "nonconformities"),
            ("raised", "certification", "nonconformities"),
            ("corrected_by", "nonconformities", "corrective-actions"),
            ("decided", "reviews", "corrective-actions"),
            ("decided", "reviews", "improvements"),
            ("measures", "metrics", "objectives"),
        ];
        for (name, from, to) in allowed {
            let r = relation(name).unwrap();
            assert!(r.allows(from, to), "{name}: {from} → {to}");
            assert!(!r.allows(to, from), "{name}: {to} → {from}");
        }
        assert!(!relation("raised")
            .unwrap()
            .allows("findings", "nonconformities"));
    }
}
