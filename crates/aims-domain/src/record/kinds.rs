//! The kinds of record aims keeps, declared once. Adding a kind is adding a
//! `Kind` here (and its table name nowhere else: every kind shares the
//! record storage).

use super::{Choice, Derived, Field, Kind, Relation, Scale, APPROVED_ACCESS, STANDARD_ACCESS};
use crate::risk::catalogue::{OBJECTIVE_CHOICES, SOURCE_CHOICES, TREATMENT_CHOICES};

const fn c(value: &'static str, label: &'static str) -> Choice {
    Choice { value, label }
}

/// The organisation's roles for an AI system (ISO/IEC 22989 as used by 42001).
pub const AI_ROLES: &[Choice] = &[
    c("ai_provider", "AI provider"),
    c("ai_producer", "AI producer"),
    c("ai_customer", "AI customer"),
    c("ai_partner", "AI partner"),
    c("ai_subject", "AI subject"),
];

/// Life-cycle stages of an AI system.
pub const LIFECYCLE: &[Choice] = &[
    c("idea", "Idea"),
    c("design", "Design"),
    c("development", "Development"),
    c("verification_validation", "Verification and validation"),
    c("deployment", "Deployment"),
    c("operation_monitoring", "Operation and monitoring"),
    c("re_evaluation", "Re-evaluation"),
    c("retirement", "Retirement"),
];

/// How much the system decides on its own.
pub const AUTOMATION: &[Choice] = &[
    c("assistive", "Assists a person who decides"),
    c("partial", "Partly automated, a person reviews"),
    c("conditional", "Automated, a person can step in"),
    c("full", "Fully automated"),
];

const RESOURCE_TYPES: &[Choice] = &[
    c("tooling", "Tooling"),
    c("computing", "System and computing"),
    c("third_party_ai_service", "Third-party AI service"),
    c("data_resource", "Data resource"),
    c("human", "Human resource"),
];

const ISSUE_ORIGIN: &[Choice] = &[c("external", "External"), c("internal", "Internal")];

const ISSUE_EFFECT: &[Choice] = &[
    c("opportunity", "Opportunity"),
    c("threat", "Threat"),
    c("both", "Both"),
];

const SYSTEM_FIELDS: &[Field] = &[
    Field::text("name", "Name", 200).required(),
    Field::long("purpose", "Purpose").help("What the system is for, in a sentence or two."),
    Field::long("intended_use", "Intended use")
        .help("Who uses it, for what, and what it must not be used for."),
    Field::owner(),
    Field::choices("roles", "Our roles", AI_ROLES)
        .help("The organisation's roles for this system; one or more."),
    Field::choice("lifecycle_stage", "Life-cycle stage", LIFECYCLE),
    Field::long("deployment_context", "Deployment context")
        .help("Where and how it runs: markets, channels, integration."),
    Field::long("affected_people", "Affected people")
        .help("Who is affected by its outputs, including people who do not use it."),
    Field::long("decisions", "Decisions made or supported"),
    Field::choice("automation", "Level of automation", AUTOMATION),
    Field::long("human_oversight", "Human oversight")
        .help("Who can check, override or stop it, and how."),
    Field::boolean("in_scope", "In the AIMS scope"),
    Field::long("scope_reason", "Scope reason").help("Why it is in or out of the AIMS scope."),
    Field::text("external_ref", "External reference", 400)
        .help("Its id in another tool or file (a BOM reference); re-imports match on it."),
    Field::date("next_review", "Next review").duty(),
];

const MODEL_FIELDS: &[Field] = &[
    Field::text("name", "Name", 200).required(),
    Field::text("model_version", "Version", 100),
    Field::text("model_type", "Type", 200)
        .help("The task or architecture, e.g. text classification, LLM."),
    Field::text("provider", "Provider", 200),
    Field::text("licence", "Licence", 200),
    Field::long("description", "Description"),
    Field::long("training_data", "Training data"),
    Field::metrics("metrics", "Metrics")
        .help("Measured results, written name=value (dataset); one per line."),
    Field::owner(),
    Field::text("external_ref", "External reference", 400).help(
        "Its id in another tool or file (a model id, a BOM reference); re-imports match on it.",
    ),
    Field::date("next_review", "Next review").duty(),
];

const DATASET_FIELDS: &[Field] = &[
    Field::text("name", "Name", 200).required(),
    Field::text("source", "Source", 400).help("Where it comes from: a URL, a system, a vendor."),
    Field::long("provenance", "Provenance")
        .help("How it was collected and processed, and by whom."),
    Field::boolean("personal_data", "Holds personal data"),
    Field::long("personal_data_categories", "Personal data categories"),
    Field::long("quality_notes", "Quality notes"),
    Field::text("licence", "Licence", 200),
    Field::long("description", "Description"),
    Field::owner(),
    Field::text("external_ref", "External reference", 400),
    Field::date("next_review", "Next review").duty(),
];

const RESOURCE_FIELDS: &[Field] = &[
    Field::text("name", "Name", 200).required(),
    Field::choice("resource_type", "Type", RESOURCE_TYPES),
    Field::text("provider", "Provider", 200),
    Field::long("description", "Description"),
    Field::owner(),
    Field::text("external_ref", "External reference", 400),
    Field::date("next_review", "Next review").duty(),
];

const ISSUE_FIELDS: &[Field] = &[
    Field::text("title", "Issue", 200).required(),
    Field::choice("origin", "External or internal", ISSUE_ORIGIN),
    Field::choice("effect", "Effect on the AIMS", ISSUE_EFFECT),
    Field::long("description", "Description"),
    Field::long("response", "How the AIMS responds"),
    Field::owner(),
    Field::date("next_review", "Next review").duty(),
];

const PARTY_FIELDS: &[Field] = &[
    Field::text("name", "Interested party", 200).required(),
    Field::choice("origin", "External or internal", ISSUE_ORIGIN),
    Field::long("needs", "Needs and expectations"),
    Field::long("requirements", "Requirements relevant to the AIMS")
        .help("Legal, contractual or other requirements this party brings."),
    Field::boolean("addressed", "Addressed by the AIMS"),
    Field::long("how_addressed", "How they are addressed"),
    Field::owner(),
    Field::date("next_review", "Next review").duty(),
];

const SCOPE_FIELDS: &[Field] = &[
    Field::text("title", "Title", 200).required(),
    Field::long("statement", "Scope statement")
        .help("What the AIMS covers: activities, products and services involving AI."),
    Field::long("boundaries", "Boundaries")
        .help("Where the AIMS stops, and the interfaces with what lies outside it."),
    Field::long("units", "Organisational units"),
    Field::long("locations", "Locations"),
    Field::long("exclusions", "Exclusions and why"),
    Field::owner(),
    Field::date("next_review", "Next review").duty(),
];

const RISK_FIELDS: &[Field] = &[
    Field::text("title", "Risk", 200).required(),
    Field::long("description", "Description"),
    Field::choice("risk_source", "Risk source", SOURCE_CHOICES)
        .help("Where the risk comes from (ISO/IEC 42001 Annex C)."),
    Field::choices("objectives", "Objectives threatened", OBJECTIVE_CHOICES)
        .help("The organisation's AI objectives the risk puts at stake (Annex C)."),
    Field::long("cause", "Cause"),
    Field::long("consequence", "Consequence"),
    Field::owner(),
    Field::level(
        "inherent_likelihood",
        "Inherent likelihood",
        Scale::Likelihood,
    )
    .aliases(&["likelihood"])
    .help("Without any control: a level's number or name on the workspace's scale."),
    Field::level("inherent_impact", "Inherent impact", Scale::Impact).aliases(&["impact"]),
    Field::level(
        "current_likelihood",
        "Current likelihood",
        Scale::Likelihood,
    )
    .help("With the controls in place today."),
    Field::level("current_impact", "Current impact", Scale::Impact),
    Field::level(
        "residual_likelihood",
        "Residual likelihood",
        Scale::Likelihood,
    )
    .help("After the planned treatment."),
    Field::level("residual_impact", "Residual impact", Scale::Impact),
    Field::long(
        "residual_confirmation",
        "Why the residual is above the inherent risk",
    )
    .help("Required when the residual score is above the inherent score."),
    Field::choice("treatment", "Treatment option", TREATMENT_CHOICES),
    Field::text("external_ref", "External reference", 400).help(
        "Its id in another register, or the library risk it started from; re-imports match on it.",
    ),
    Field::date("next_review", "Next review").duty(),
    Field::number("inherent_score", "Inherent score"),
    Field::key("inherent_band", "Inherent band"),
    Field::number("current_score", "Current score"),
    Field::key("current_band", "Current band"),
    Field::number("residual_score", "Residual score"),
    Field::key("residual_band", "Residual band"),
];

const ACTION_STATUS: &[Choice] = &[
    c("planned", "Planned"),
    c("in_progress", "In progress"),
    c("done", "Done"),
    c("cancelled", "Cancelled"),
];

const ACTION_FIELDS: &[Field] = &[
    Field::text("title", "Action", 200).required(),
    Field::long("description", "What is done"),
    Field::owner(),
    Field::date("due", "Due")
        .duty_until("status", &["done", "cancelled"])
        .help("Once the action is done or cancelled it is no longer due."),
    Field::choice("status", "Status", ACTION_STATUS),
    Field::date("done_on", "Done on"),
    Field::text("external_ref", "External reference", 400),
];

/// The AI risk register.
pub const RISKS: Kind = Kind {
    name: "risks",
    record_type: "risk",
    page: "risks",
    singular: "risk",
    plural: "risks",
    about: "The AI risk register (clauses 6.1, 8.2, 8.3): each risk scored inherent, current and residual on the workspace's risk method, with its treatment and acceptance.",
    fields: RISK_FIELDS,
    columns: &["owner", "inherent_band", "residual_band", "treatment"],
    access: STANDARD_ACCESS,
    derived: Derived::RiskScores,
};

/// Actions that treat risks.
pub const RISK_ACTIONS: Kind = Kind {
    name: "risk-actions",
    record_type: "risk_action",
    page: "risk-actions",
    singular: "treatment action",
    plural: "treatment actions",
    about: "The actions that treat risks, each with an owner and a due date, linked to the risks they treat and the controls that implement them.",
    fields: ACTION_FIELDS,
    columns: &["owner", "due", "status"],
    access: STANDARD_ACCESS,
    derived: Derived::None,
};

const IMPLEMENTATION_STATUS: &[Choice] = &[
    c("not_started", "Not started"),
    c("planned", "Planned"),
    c("partially_implemented", "Partially implemented"),
    c("implemented", "Implemented"),
];

const CONTROL_FIELDS: &[Field] = &[
    Field::text("title", "Control", 300).required(),
    Field::text("reference", "Catalogue reference", 200).help(
        "The catalogue control it is, as framework:item (iso42001:A.6.2.4); empty for a control of your own.",
    ),
    Field::owner(),
    Field::choice(
        "implementation_status",
        "Implementation status",
        IMPLEMENTATION_STATUS,
    ),
    Field::long("implementation", "How it is implemented"),
    Field::choice("frequency", "Operated", FREQUENCY)
        .help("How often the control operates or is performed."),
    Field::date("last_tested", "Last tested or reviewed"),
    Field::choice("test_result", "Result of the last test", TEST_RESULT),
    Field::date("next_review", "Next review").duty(),
];

const FREQUENCY: &[Choice] = &[
    c("continuous", "Continuously"),
    c("per_event", "On each event or release"),
    c("daily", "Daily"),
    c("weekly", "Weekly"),
    c("monthly", "Monthly"),
    c("quarterly", "Quarterly"),
    c("yearly", "Yearly"),
];

const TEST_RESULT: &[Choice] = &[
    c("effective", "Effective"),
    c("partially_effective", "Partially effective"),
    c("not_effective", "Not effective"),
];

const EVIDENCE_SOURCE: &[Choice] = &[
    c("manual", "Manual"),
    c("cli", "CLI"),
    c("api", "API"),
    c("ci", "CI pipeline"),
];

const REVIEW_STATUS: &[Choice] = &[
    c("submitted", "Submitted"),
    c("accepted", "Accepted"),
    c("rejected", "Rejected"),
];

const EVIDENCE_FIELDS: &[Field] = &[
    Field::text("title", "Evidence", 300).required(),
    Field::long("description", "What it shows"),
    Field::owner(),
    Field::text("url", "Link", 2000)
        .help("Where the evidence lives when it is not a file (a dashboard, a ticket, a repository)."),
    Field::date("covers_from", "Covers from")
        .help("The first day of the period the evidence is about (not the day it was collected)."),
    Field::date("covers_to", "Covers to"),
    Field::date("valid_until", "Valid until")
        .duty()
        .lapsed("Stale")
        .help("The last day it counts; after it the evidence is stale and its controls need new evidence."),
    Field::choice("review_status", "Review", REVIEW_STATUS),
    Field::long("review_note", "Review note")
        .help("Why it was rejected, or what the reviewer noted."),
    Field::choice("source", "Source", EVIDENCE_SOURCE),
];

const REQUEST_STATUS: &[Choice] = &[
    c("open", "Open"),
    c("fulfilled", "Fulfilled"),
    c("cancelled", "Cancelled"),
];

const EVIDENCE_REQUEST_FIELDS: &[Field] = &[
    Field::text("title", "Evidence asked for", 300).required(),
    Field::long("description", "What would show it"),
    Field::owner().help("Who is asked for the evidence."),
    Field::date("due", "Due")
        .duty_until("status", &["fulfilled", "cancelled"])
        .help("Once fulfilled or cancelled the request is no longer due."),
    Field::choice("status", "Status", REQUEST_STATUS),
];

/// Requests to an owner for evidence by a date.
pub const EVIDENCE_REQUESTS: Kind = Kind {
    name: "evidence-requests",
    record_type: "evidence_request",
    page: "evidence-requests",
    singular: "evidence request",
    plural: "evidence requests",
    about: "Evidence asked of an owner by a date, for a control; overdue requests show in the owner's work and on the control.",
    fields: EVIDENCE_REQUEST_FIELDS,
    columns: &["owner", "due", "status"],
    access: STANDARD_ACCESS,
    derived: Derived::None,
};

/// Evidence that controls work: files (kept in versions by content hash),
/// links and notes, linked to controls, risks and systems.
pub const EVIDENCE: Kind = Kind {
    name: "evidence",
    record_type: "evidence",
    page: "evidence",
    singular: "evidence item",
    plural: "evidence",
    about: "Files, links and notes that show controls work: who collected them, the period they cover, until when they count, and whether a reviewer accepted them.",
    fields: EVIDENCE_FIELDS,
    columns: &["owner", "covers_to", "valid_until", "review_status"],
    access: STANDARD_ACCESS,
    derived: Derived::None,
};

/// The workspace's controls: a catalogue control (Annex A or any framework
/// in the catalogue) becomes one when something is first linked to it.
pub const CONTROLS: Kind = Kind {
    name: "controls",
    record_type: "control",
    page: "controls",
    singular: "control",
    plural: "controls",
    about: "The controls the organisation implements — Annex A or any framework in the catalogue — with owners, implementation status and the treatment actions and risks that rely on them; a clause requirement evidence is kept for appears here too.",
    fields: CONTROL_FIELDS,
    columns: &["reference", "owner", "implementation_status"],
    access: STANDARD_ACCESS,
    derived: Derived::None,
};

/// Every kind of record, in the order the navigation shows them.
pub const KINDS: &[Kind] = &[
    Kind {
        name: "systems",
        record_type: "ai_system",
        page: "inventory",
        singular: "AI system",
        plural: "AI systems",
        about: "Every AI system the organisation provides, builds, buys or uses, with its owner, roles, stage and scope.",
        fields: SYSTEM_FIELDS,
        columns: &["owner", "roles", "lifecycle_stage", "in_scope"],
        access: STANDARD_ACCESS,
        derived: Derived::None,
    },
    Kind {
        name: "models",
        record_type: "model",
        page: "models",
        singular: "model",
        plural: "models",
        about: "The AI models inside the systems: where they come from, their licence, training data and measured results (Annex A.4).",
        fields: MODEL_FIELDS,
        columns: &["model_version", "model_type", "provider", "owner"],
        access: STANDARD_ACCESS,
        derived: Derived::None,
    },
    Kind {
        name: "datasets",
        record_type: "dataset",
        page: "datasets",
        singular: "data set",
        plural: "data sets",
        about: "Data used to train, evaluate and run AI systems: source, provenance, personal data and quality (Annex A.4, A.7).",
        fields: DATASET_FIELDS,
        columns: &["source", "personal_data", "owner"],
        access: STANDARD_ACCESS,
        derived: Derived::None,
    },
    Kind {
        name: "resources",
        record_type: "resource",
        page: "resources",
        singular: "resource",
        plural: "resources",
        about: "Tooling, computing, third-party AI services and people the AI systems depend on (Annex A.4).",
        fields: RESOURCE_FIELDS,
        columns: &["resource_type", "provider", "owner"],
        access: STANDARD_ACCESS,
        derived: Derived::None,
    },
    Kind {
        name: "context-issues",
        record_type: "context_issue",
        page: "context",
        singular: "context issue",
        plural: "context issues",
        about: "External and internal issues that affect what the AIMS can achieve (clause 4.1).",
        fields: ISSUE_FIELDS,
        columns: &["origin", "effect", "owner"],
        access: STANDARD_ACCESS,
        derived: Derived::None,
    },
    Kind {
        name: "interested-parties",
        record_type: "interested_party",
        page: "parties",
        singular: "interested party",
        plural: "interested parties",
        about: "Who has a stake in the AIMS, what they need and expect, and whether the AIMS addresses it (clause 4.2).",
        fields: PARTY_FIELDS,
        columns: &["origin", "addressed", "owner"],
        access: STANDARD_ACCESS,
        derived: Derived::None,
    },
    Kind {
        name: "scopes",
        record_type: "scope",
        page: "scope",
        singular: "scope statement",
        plural: "scope statements",
        about: "What the AIMS covers (clause 4.3): boundaries, units, locations, and the AI systems in scope from the register; a manager approves each version.",
        fields: SCOPE_FIELDS,
        columns: &["owner", "next_review"],
        access: APPROVED_ACCESS,
        derived: Derived::None,
    },
    RISKS,
    RISK_ACTIONS,
    CONTROLS,
    EVIDENCE,
    EVIDENCE_REQUESTS,
    super::kinds_run::DOCUMENTS,
    super::kinds_run::OBJECTIVES,
    super::kinds_run::RESPONSIBILITIES,
    super::kinds_run::TRAININGS,
    super::kinds_run::COMMUNICATIONS,
    super::kinds_run::SUPPLIERS,
    super::kinds_run::COMMITMENTS,
    super::kinds_run::INCIDENTS,
    super::kinds_run::CHANGES,
    super::kinds_check::METRICS,
    super::kinds_check::AUDITS,
    super::kinds_check::FINDINGS,
    super::kinds_check::NONCONFORMITIES,
    super::kinds_check::CORRECTIVE_ACTIONS,
    super::kinds_check::IMPROVEMENTS,
    super::kinds_check::REVIEWS,
    super::kinds_check::CERTIFICATION,
];

/// Every named relation a link may have.
pub const RELATIONS: &[Relation] = &[
    Relation {
        name: "uses_model",
        from: &["systems"],
        to: &["models"],
        label: "uses model",
        inverse: "used by",
    },
    Relation {
        name: "uses_dataset",
        from: &["systems"],
        to: &["datasets"],
        label: "uses data set",
        inverse: "used by",
    },
    Relation {
        name: "trained_on",
        from: &["models"],
        to: &["datasets"],
        label: "trained on",
        inverse: "trains",
    },
    Relation {
        name: "evaluated_on",
        from: &["models"],
        to: &["datasets"],
        label: "evaluated on",
        inverse: "evaluates",
    },
    Relation {
        name: "depends_on",
        from: &["systems", "models"],
        to: &["resources"],
        label: "depends on",
        inverse: "supports",
    },
    Relation {
        name: "affects",
        from: &["context-issues", "interested-parties"],
        to: &["systems"],
        label: "concerns",
        inverse: "concerned by",
    },
    Relation {
        name: "concerns",
        from: &["risks"],
        to: &["systems"],
        label: "concerns",
        inverse: "at risk from",
    },
    Relation {
        name: "treated_by",
        from: &["risks"],
        to: &["risk-actions"],
        label: "treated by",
        inverse: "treats",
    },
    Relation {
        name: "implements",
        from: &["risk-actions"],
        to: &["controls"],
        label: "implements control",
        inverse: "implemented by",
    },
    Relation {
        name: "evidence_for",
        from: &["evidence"],
        to: &[
            "controls",
            "risks",
            "systems",
            "risk-actions",
            "objectives",
            "trainings",
            "communications",
            "suppliers",
            "incidents",
            "changes",
        ],
        label: "evidence for",
        inverse: "evidenced by",
    },
    Relation {
        name: "requests_evidence_for",
        from: &["evidence-requests"],
        to: &["controls", "risks", "systems"],
        label: "asks evidence for",
        inverse: "evidence asked by",
    },
    Relation {
        name: "fulfilled_by",
        from: &["evidence-requests"],
        to: &["evidence"],
        label: "fulfilled by",
        inverse: "fulfils",
    },
    Relation {
        name: "satisfies",
        from: &["documents"],
        to: &["controls"],
        label: "satisfies",
        inverse: "documented by",
    },
    Relation {
        name: "supplies",
        from: &["suppliers"],
        to: &["systems", "models", "datasets", "resources"],
        label: "supplies",
        inverse: "supplied by",
    },
    Relation {
        name: "involves",
        from: &[
            "incidents",
            "objectives",
            "responsibilities",
            "communications",
            "commitments",
            "changes",
        ],
        to: &["systems"],
        label: "involves",
        inverse: "involved in",
    },
    Relation {
        name: "led_to",
        from: &["incidents"],
        to: &["risks", "changes"],
        label: "led to",
        inverse: "arose from",
    },
    Relation {
        name: "touches",
        from: &["changes"],
        to: &["risks", "controls", "scopes", "suppliers", "systems"],
        label: "touches",
        inverse: "touched by change",
    },
    Relation {
        name: "qualifies_for",
        from: &["trainings"],
        to: &["responsibilities"],
        label: "qualifies for",
        inverse: "needs training",
    },
    Relation {
        name: "supports_objective",
        from: &["controls", "risk-actions"],
        to: &["objectives"],
        label: "supports",
        inverse: "supported by",
    },
    Relation {
        name: "measures",
        from: &["metrics"],
        to: &["systems", "objectives"],
        label: "measures",
        inverse: "measured by",
    },
    Relation {
        name: "audits_scope",
        from: &["audits"],
        to: &["systems", "controls", "documents", "suppliers", "risks"],
        label: "covers",
        inverse: "audited by",
    },
    Relation {
        name: "found_in",
        from: &["findings"],
        to: &["audits"],
        label: "found in",
        inverse: "has finding",
    },
    Relation {
        name: "raised_as",
        from: &["findings"],
        to: &["nonconformities"],
        label: "raised as",
        inverse: "raised from",
    },
    Relation {
        name: "raised",
        from: &["incidents", "metrics", "certification"],
        to: &["nonconformities"],
        label: "raised",
        inverse: "raised from",
    },
    Relation {
        name: "corrected_by",
        from: &["nonconformities"],
        to: &["corrective-actions"],
        label: "corrected by",
        inverse: "corrects",
    },
    Relation {
        name: "decided",
        from: &["reviews"],
        to: &["corrective-actions", "improvements"],
        label: "decided",
        inverse: "decided in",
    },
    Relation {
        name: "related_to",
        from: &[],
        to: &[],
        label: "related to",
        inverse: "related to",
    },
];

/// The kind with this API name (`systems`).
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

/// The kind stored under this record type (`ai_system`).
pub fn kind_by_record_type(record_type: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.record_type == record_type)
}

/// The relation with this name.
pub fn relation(name: &str) -> Option<&'static Relation> {
    RELATIONS.iter().find(|r| r.name == name)
}
