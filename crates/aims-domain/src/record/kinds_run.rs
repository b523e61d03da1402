//! The kinds of record that run the AIMS day to day (clauses 5–8, Annex
//! A.2, A.3, A.6.1.2, A.8, A.10): documents and policies, objectives, responsibilities, trainings,
//! communications, suppliers, customer commitments, incidents and concerns,
//! and planned changes. Each is a declaration like the others: the record
//! path gives it storage, API, pages, lists, import, export and history.

use super::{Choice, Derived, Field, Kind, APPROVED_ACCESS, STANDARD_ACCESS};

const fn c(value: &'static str, label: &'static str) -> Choice {
    Choice { value, label }
}

const DOC_TYPE: &[Choice] = &[
    c("policy", "Policy"),
    c("procedure", "Procedure"),
    c("scope", "Scope statement"),
    c("plan", "Plan"),
    c("record", "Record"),
    c("other", "Other"),
];

const CLASSIFICATION: &[Choice] = &[
    c("public", "Public"),
    c("internal", "Internal"),
    c("confidential", "Confidential"),
];

const REVIEW_CYCLE: &[Choice] = &[
    c("6", "Every 6 months"),
    c("12", "Every year"),
    c("24", "Every 2 years"),
];

const MUST_READ: &[Choice] = &[
    c("nobody", "Nobody in particular"),
    c("everyone", "Every member"),
    c("contributors", "Contributors and managers"),
    c("managers", "Managers"),
];

const DOCUMENT_FIELDS: &[Field] = &[
    Field::text("title", "Document", 200).required(),
    Field::choice("type", "Type", DOC_TYPE),
    Field::long("purpose", "Purpose"),
    Field::owner(),
    Field::choice("classification", "Classification", CLASSIFICATION),
    Field::choice("review_cycle", "Review cycle", REVIEW_CYCLE),
    Field::date("next_review", "Next review")
        .duty()
        .lapsed("Review overdue"),
    Field::choice("must_read", "Who must read it", MUST_READ)
        .help("Members asked to acknowledge each published version."),
    Field::text("template", "Made from template", 80)
        .help("The aims template it started from, if any."),
];

/// The document library (5.2, 7.5, A.2): policies, procedures and records
/// whose text is kept in controlled versions.
pub const DOCUMENTS: Kind = Kind {
    name: "documents",
    record_type: "document",
    page: "documents",
    singular: "document",
    plural: "documents",
    about: "Policies, procedures and records (5.2, 7.5, A.2) with controlled versions: written in Markdown, approved by a manager, published, acknowledged by those who must read them, reviewed on a cycle.",
    fields: DOCUMENT_FIELDS,
    columns: &["type", "owner", "classification", "next_review"],
    access: STANDARD_ACCESS,
    derived: Derived::None,
};

const OBJECTIVE_STATUS: &[Choice] = &[
    c("planned", "Planned"),
    c("on_track", "On track"),
    c("at_risk", "At risk"),
    c("off_track", "Off track"),
    c("achieved", "Achieved"),
    c("dropped", "Dropped"),
];

const DIRECTION: &[Choice] = &[
    c("higher_better", "Higher is better"),
    c("lower_better", "Lower is better"),
];

const OBJECTIVE_FIELDS: &[Field] = &[
    Field::text("title", "Objective", 200).required(),
    Field::long("description", "What it aims at"),
    Field::owner(),
    Field::text("measure", "How progress is measured", 400)
        .help("The number watched and where it comes from (a survey, a metric, a count)."),
    Field::text("unit", "Unit", 40),
    Field::choice("direction", "Direction", DIRECTION),
    Field::decimal("baseline", "Baseline"),
    Field::decimal("target", "Target"),
    Field::decimal("current", "Current value")
        .help("Update it as progress is measured: every value is kept in the history and drawn as progress over time."),
    Field::date("due", "Due")
        .duty_until("status", &["achieved", "dropped"])
        .help("Once achieved or dropped the objective is no longer due."),
    Field::choice("status", "Status", OBJECTIVE_STATUS),
];

/// Measurable AI objectives (clause 6.2, A.6.1.2, A.9.3).
pub const OBJECTIVES: Kind = Kind {
    name: "objectives",
    record_type: "objective",
    page: "objectives",
    singular: "objective",
    plural: "objectives",
    about: "Measurable AI objectives (6.2): who owns each, the target and the date, how progress is measured and where it stands.",
    fields: OBJECTIVE_FIELDS,
    columns: &["owner", "target", "current", "due", "status"],
    access: STANDARD_ACCESS,
    derived: Derived::None,
};

const PROCESS: &[Choice] = &[
    c("context", "Context and scope (4)"),
    c("leadership", "Leadership and policy (5)"),
    c("planning", "Risks, impacts and objectives (6)"),
    c("support", "Resources, competence and documents (7)"),
    c("operation", "Operation and AI life cycle (8)"),
    c("evaluation", "Monitoring and audit (9)"),
    c("improvement", "Improvement (10)"),
];

const RESPONSIBILITY_FIELDS: &[Field] = &[
    Field::text("title", "Activity", 200).required(),
    Field::choice("process", "Process", PROCESS),
    Field::owner().help("Accountable: the one member who answers for it."),
    Field::text("responsible", "Responsible", 400).help("Who does the work: roles or people."),
    Field::text("consulted", "Consulted", 400),
    Field::text("informed", "Informed", 400),
    Field::long("competence", "Competence needed")
        .help("What those who do it must know or be able to do (7.2)."),
    Field::long("authority", "Authority").help("What they may decide on their own."),
];

/// Who does what in the AIMS: a RACI across processes and AI systems
/// (5.3, A.3.2).
pub const RESPONSIBILITIES: Kind = Kind {
    name: "responsibilities",
    record_type: "responsibility",
    page: "raci",
    singular: "responsibility",
    plural: "responsibilities",
    about: "Roles and responsibilities as a RACI (5.3, A.3.2): for each AIMS activity or AI system, who is responsible, accountable, consulted and informed, and the competence it needs.",
    fields: RESPONSIBILITY_FIELDS,
    columns: &["process", "owner", "responsible"],
    access: STANDARD_ACCESS,
    derived: Derived::None,
};

const TRAINING_TYPE: &[Choice] = &[
    c("training", "Training"),
    c("qualification", "Qualification or certificate"),
    c("awareness", "Awareness session"),
];

const TRAINING_STATUS: &[Choice] = &[
    c("planned", "Planned"),
    c("completed", "Completed"),
    c("lapsed", "Lapsed"),
];

const TRAINING_FIELDS: &[Field] = &[
    Field::text("title", "Training or qualification", 200).required(),
    Field::choice("type", "Type", TRAINING_TYPE),
    Field::owner().help("The member who took it or holds it."),
    Field::text("competence", "Competence it gives", 400),
    Field::text("provider", "Provider", 200),
    Field::date("completed_on", "Completed on"),
    Field::date("expires_on", "Expires on")
        .duty()
        .lapsed("Expired")
        .help("After this day it no longer counts and must be renewed."),
    Field::choice("status", "Status", TRAINING_STATUS),
];

/// Training, qualification and awareness records (7.2, 7.3, A.4.6).
pub const TRAININGS: Kind = Kind {
    name: "trainings",
    record_type: "training",
    page: "trainings",
    singular: "training record",
    plural: "trainings",
    about: "Training, qualifications and awareness (7.2, 7.3): who holds what, since when and until when; expired ones show in the holder's work.",
    fields: TRAINING_FIELDS,
    columns: &["owner", "type", "completed_on", "expires_on"],
    access: STANDARD_ACCESS,
    derived: Derived::None,
};

const AUDIENCE: &[Choice] = &[
    c("staff", "Staff"),
    c("management", "Top management"),
    c("users", "Users of AI systems"),
    c("affected", "People affected by AI systems"),
    c("customers", "Customers"),
    c("suppliers", "Suppliers and partners"),
    c("regulators", "Regulators and authorities"),
    c("public", "The public"),
];

const CHANNEL: &[Choice] = &[
    c("email", "E-mail"),
    c("intranet", "Intranet"),
    c("meeting", "Meeting"),
    c("website", "Website"),
    c("product", "In the product"),
    c("report", "Report"),
    c("other", "Other"),
];

const WHEN: &[Choice] = &[
    c("once", "Once"),
    c("on_change", "On each change"),
    c("monthly", "Monthly"),
    c("quarterly", "Quarterly"),
    c("yearly", "Yearly"),
];

const COMMUNICATION_FIELDS: &[Field] = &[
    Field::text("title", "What is communicated", 200).required(),
    Field::long("description", "Content"),
    Field::choices("audience", "To whom", AUDIENCE),
    Field::owner().help("Who communicates it."),
    Field::choice("channel", "Channel", CHANNEL),
    Field::choice("frequency", "When", WHEN),
    Field::date("last_sent", "Last sent").help("The history keeps each day it was sent."),
    Field::date("next_due", "Next due").duty(),
];

/// Internal and external communication about the AIMS and AI systems
/// (7.4, A.8).
pub const COMMUNICATIONS: Kind = Kind {
    name: "communications",
    record_type: "communication",
    page: "communications",
    singular: "communication",
    plural: "communications",
    about: "What is communicated about the AIMS and its AI systems (7.4, A.8), to whom, by whom, through which channel and when; the history records each sending.",
    fields: COMMUNICATION_FIELDS,
    columns: &["owner", "audience", "channel", "next_due"],
    access: STANDARD_ACCESS,
    derived: Derived::None,
};

const SUPPLIER_TYPE: &[Choice] = &[
    c("model_api", "Model API"),
    c("model_provider", "Model provider"),
    c("data_vendor", "Data vendor"),
    c("ai_saas", "AI-enabled SaaS"),
    c("cloud", "Cloud or compute"),
    c("labelling", "Labelling or annotation"),
    c("consultancy", "Consultancy"),
    c("other", "Other"),
];

const RATING: &[Choice] = &[
    c("low", "Low"),
    c("medium", "Medium"),
    c("high", "High"),
    c("critical", "Critical"),
];

const DILIGENCE: &[Choice] = &[
    c("not_started", "Not started"),
    c("sent", "Questionnaire sent"),
    c("answered", "Answered"),
    c("reviewed", "Reviewed"),
];

const SUPPLIER_FIELDS: &[Field] = &[
    Field::text("title", "Supplier or service", 200).required(),
    Field::choice("type", "Type", SUPPLIER_TYPE),
    Field::long("services", "What it provides"),
    Field::owner().help("Who manages the relationship."),
    Field::long("responsibilities", "Responsibilities allocated")
        .help("What the supplier answers for and what stays with the organisation (A.10.2)."),
    Field::choice("risk_rating", "Risk rating", RATING),
    Field::choice("due_diligence", "Due diligence", DILIGENCE),
    Field::date("next_review", "Next review").duty(),
    Field::date("contract_end", "Contract ends").duty(),
    Field::text("external_ref", "External reference", 400),
];

/// Third-party AI suppliers and services (A.10.2, A.10.3).
pub const SUPPLIERS: Kind = Kind {
    name: "suppliers",
    record_type: "supplier",
    page: "suppliers",
    singular: "supplier",
    plural: "suppliers",
    about: "Third parties the AI depends on (A.10): model APIs, data vendors, AI-enabled services — what they provide, who answers for what, their risk rating, due diligence and review dates.",
    fields: SUPPLIER_FIELDS,
    columns: &["type", "owner", "risk_rating", "next_review"],
    access: STANDARD_ACCESS,
    derived: Derived::None,
};

const COMMITMENT_STATUS: &[Choice] = &[
    c("active", "Active"),
    c("met", "Met"),
    c("breached", "Breached"),
    c("ended", "Ended"),
];

const COMMITMENT_FIELDS: &[Field] = &[
    Field::text("title", "Commitment", 200).required(),
    Field::text("customer", "Customer", 200),
    Field::long("description", "What was promised"),
    Field::owner(),
    Field::date("review_on", "Next review").duty_until("status", &["met", "ended"]),
    Field::choice("status", "Status", COMMITMENT_STATUS),
];

/// What the organisation promised customers about its AI (A.10.4).
pub const COMMITMENTS: Kind = Kind {
    name: "commitments",
    record_type: "commitment",
    page: "commitments",
    singular: "customer commitment",
    plural: "customer commitments",
    about: "Commitments made to customers about the organisation's AI (A.10.4): what was promised, to whom, and whether it holds.",
    fields: COMMITMENT_FIELDS,
    columns: &["customer", "owner", "status", "review_on"],
    access: STANDARD_ACCESS,
    derived: Derived::None,
};

const INCIDENT_TYPE: &[Choice] = &[
    c("incident", "Incident"),
    c("concern", "Concern"),
    c("near_miss", "Near miss"),
];

const SEVERITY: &[Choice] = &[
    c("low", "Low"),
    c("medium", "Medium"),
    c("high", "High"),
    c("critical", "Critical"),
];

const INCIDENT_STATUS: &[Choice] = &[
    c("new", "New"),
    c("investigating", "Investigating"),
    c("contained", "Contained"),
    c("closed", "Closed"),
];

/// EU AI Act Art. 73 categories; their days are in [`crate::incident`].
const SERIOUS: &[Choice] = &[
    c("no", "Not a serious incident"),
    c("serious", "Serious incident: report within 15 days"),
    c(
        "death",
        "Serious incident involving a death: within 10 days",
    ),
    c(
        "widespread",
        "Widespread infringement or critical infrastructure: within 2 days",
    ),
];

const NOTIFICATION: &[Choice] = &[
    c("not_required", "Not required"),
    c("pending", "Pending"),
    c("sent", "Sent"),
];

const INCIDENT_SOURCE: &[Choice] = &[
    c("staff", "Staff"),
    c("user", "User or customer"),
    c("anonymous", "Anonymous report"),
    c("monitoring", "Monitoring"),
    c("supplier", "Supplier"),
    c("trust_page", "Public trust page"),
];

const INCIDENT_FIELDS: &[Field] = &[
    Field::text("title", "What happened", 200).required(),
    Field::choice("type", "Type", INCIDENT_TYPE),
    Field::long("description", "Description and timeline")
        .help("What happened, when, and each step taken since."),
    Field::owner().help("Who handles it."),
    Field::choice("severity", "Severity", SEVERITY),
    Field::choice("status", "Status", INCIDENT_STATUS),
    Field::date("occurred_on", "Happened on"),
    Field::date("aware_on", "Aware since")
        .help("The day the organisation became aware of it: a serious incident's report is due so many days after it."),
    Field::text("affected_people", "People affected", 400),
    Field::choice("serious", "EU AI Act Art. 73", SERIOUS),
    Field::date("report_due", "Report due")
        .computed()
        .duty_until("notification", &["sent", "not_required"])
        .lapsed("Report overdue")
        .help("Set by aims from the awareness day and the Art. 73 category."),
    Field::choice("notification", "Authority notified", NOTIFICATION),
    Field::date("reported_on", "Reported on"),
    Field::choice("source", "Reported by", INCIDENT_SOURCE),
];

/// AI incidents and concerns (A.3.3, A.8.4), with the EU AI Act Art. 73
/// reporting deadline.
pub const INCIDENTS: Kind = Kind {
    name: "incidents",
    record_type: "incident",
    page: "incidents",
    singular: "incident",
    plural: "incidents and concerns",
    about: "AI incidents, near misses and concerns (A.3.3, A.8.4): severity, the systems and people affected, a timeline, and — for a serious incident under EU AI Act Art. 73 — the day its report is due.",
    fields: INCIDENT_FIELDS,
    columns: &["type", "severity", "status", "owner", "report_due"],
    access: STANDARD_ACCESS,
    derived: Derived::IncidentDeadline,
};

const CHANGE_TYPE: &[Choice] = &[
    c("aims", "The AIMS"),
    c("ai_system", "An AI system"),
    c("process", "A process"),
    c("organisation", "The organisation"),
];

const CHANGE_STATUS: &[Choice] = &[
    c("proposed", "Proposed"),
    c("approved", "Approved"),
    c("rejected", "Rejected"),
    c("implemented", "Implemented"),
    c("cancelled", "Cancelled"),
];

const CHANGE_FIELDS: &[Field] = &[
    Field::text("title", "Change", 200).required(),
    Field::choice("type", "What changes", CHANGE_TYPE),
    Field::long("purpose", "Purpose and consequences")
        .help("Why it is made and what it may affect (6.3)."),
    Field::owner(),
    Field::text("approvals", "Approvals needed", 400),
    Field::date("planned_for", "Planned for")
        .duty_until("status", &["implemented", "rejected", "cancelled"]),
    Field::choice("status", "Status", CHANGE_STATUS),
    Field::long("outcome", "Outcome"),
];

/// Planned changes to the AIMS or an AI system (6.3), approved by a
/// manager.
pub const CHANGES: Kind = Kind {
    name: "changes",
    record_type: "change",
    page: "changes",
    singular: "change",
    plural: "changes",
    about: "Changes planned to the AIMS or an AI system (6.3): why, the risks and assessments they touch, the approvals they need and how they turned out.",
    fields: CHANGE_FIELDS,
    columns: &["type", "owner", "planned_for", "status"],
    access: APPROVED_ACCESS,
    derived: Derived::None,
};
