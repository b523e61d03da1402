use serde::Serialize;
use std::fmt;

/// A framework: a standard, regulation or internal rule set, as a tree of items.
#[derive(Debug, Clone, Serialize)]
pub struct Framework {
    pub id: String,
    pub name: String,
    pub title: String,
    pub version: String,
    pub publisher: String,
    /// standard, regulation, framework, internal or catalog.
    pub kind: String,
    pub description: String,
    pub builtin: bool,
    /// Format it was read from: `aims-toml` or `oscal-json`.
    pub format: String,
    pub items: Vec<Item>,
}

/// One requirement, control, clause, article, … of a framework.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: String,
    pub kind: String,
    pub parent: Option<String>,
    pub title: String,
    /// What the item is about, in plain words.
    pub summary: String,
    /// What it asks an organisation to do or show (our guidance).
    pub asks: String,
    /// What auditors typically expect to see.
    pub evidence: Vec<String>,
    /// Which kinds of aims record satisfy or support it.
    pub aims_records: Vec<String>,
    pub applies_to: String,
    pub applies_from: String,
    /// False for informative content (e.g. ISO clauses 1–3, Annex C).
    pub normative: bool,
}

/// How a pair's source relates to its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Relationship {
    Equal,
    /// The source is a subset of the target.
    Subset,
    /// The source is a superset of the target.
    Superset,
    Intersects,
}

impl Relationship {
    pub fn parse(s: &str) -> Option<Relationship> {
        match s {
            "equal" => Some(Relationship::Equal),
            "subset" => Some(Relationship::Subset),
            "superset" => Some(Relationship::Superset),
            "intersects" => Some(Relationship::Intersects),
            _ => None,
        }
    }

    /// The relationship seen from the target's side.
    pub fn inverse(self) -> Relationship {
        match self {
            Relationship::Subset => Relationship::Superset,
            Relationship::Superset => Relationship::Subset,
            other => other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::Equal => "equal",
            Relationship::Subset => "subset",
            Relationship::Superset => "superset",
            Relationship::Intersects => "intersects",
        }
    }
}

impl fmt::Display for Relationship {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of pairs between two frameworks, with where it comes from.
#[derive(Debug, Clone, Serialize)]
pub struct MappingSet {
    pub id: String,
    pub name: String,
    pub source: String,
    pub target: String,
    /// Who made the mapping and how official it is.
    pub provenance: String,
    pub builtin: bool,
    pub pairs: Vec<Pair>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    pub source: String,
    pub target: String,
    pub relationship: Relationship,
    /// strong, partial or weak, when the set rates its pairs.
    pub strength: Option<String>,
    pub note: String,
}

/// Record kinds in aims that an item's `aims_records` may name.
pub const AIMS_RECORDS: &[&str] = &[
    "scope",
    "interested_party",
    "ai_system",
    "model",
    "data_set",
    "third_party_service",
    "risk",
    "impact_assessment",
    "objective",
    "soa",
    "control",
    "policy",
    "role",
    "competence",
    "training",
    "supplier",
    "incident",
    "concern",
    "evidence",
    "metric",
    "audit",
    "management_review",
    "nonconformity",
    "corrective_action",
    "document",
    "communication",
];

pub const FRAMEWORK_KINDS: &[&str] =
    &["standard", "regulation", "framework", "internal", "catalog"];
pub const STRENGTHS: &[&str] = &["strong", "partial", "weak", "none"];
