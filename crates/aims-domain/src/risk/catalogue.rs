//! The fixed vocabularies of the risk register, each with a stable key (part
//! of the API and of every stored risk: never rename or reuse one) and a
//! short label in our own words:
//!
//! - [`RiskSource`]: the risk sources of ISO/IEC 42001 Annex C (C.3.x). The
//!   list is *extendable*: a risk may name a workspace's own source by any
//!   key ([`is_key`]); these are the ones offered.
//! - [`Objective`]: the organisational objectives of Annex C (C.2.x) a risk
//!   threatens. A fixed list.
//! - [`TreatmentOption`]: how a risk is treated (modify, avoid, share, retain).

use crate::record::Choice;
use serde::{Deserialize, Serialize};

/// True for a key a workspace may coin (a band, its own risk source): 1 to 64
/// characters of `a-z`, `0-9`, `_` and `-`, starting with a letter and not
/// ending with `_` or `-`.
pub fn is_key(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && b[0].is_ascii_lowercase()
        && !matches!(b[b.len() - 1], b'_' | b'-')
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'_' | b'-'))
}

/// A risk source of ISO/IEC 42001 Annex C.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskSource {
    ComplexityOfEnvironment,
    LackOfTransparencyAndExplainability,
    LevelOfAutomation,
    MachineLearning,
    SystemHardware,
    SystemLifeCycle,
    TechnologyReadiness,
}

impl RiskSource {
    pub const ALL: [RiskSource; 7] = [
        RiskSource::ComplexityOfEnvironment,
        RiskSource::LackOfTransparencyAndExplainability,
        RiskSource::LevelOfAutomation,
        RiskSource::MachineLearning,
        RiskSource::SystemHardware,
        RiskSource::SystemLifeCycle,
        RiskSource::TechnologyReadiness,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            RiskSource::ComplexityOfEnvironment => "complexity_of_environment",
            RiskSource::LackOfTransparencyAndExplainability => {
                "lack_of_transparency_and_explainability"
            }
            RiskSource::LevelOfAutomation => "level_of_automation",
            RiskSource::MachineLearning => "machine_learning",
            RiskSource::SystemHardware => "system_hardware",
            RiskSource::SystemLifeCycle => "system_life_cycle",
            RiskSource::TechnologyReadiness => "technology_readiness",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            RiskSource::ComplexityOfEnvironment => "A complex or changing environment",
            RiskSource::LackOfTransparencyAndExplainability => {
                "Opaque or hard-to-explain behaviour"
            }
            RiskSource::LevelOfAutomation => "How much the system decides alone",
            RiskSource::MachineLearning => "Machine learning itself (data, training, models)",
            RiskSource::SystemHardware => "Hardware and computing faults",
            RiskSource::SystemLifeCycle => "Weak practice across the life cycle",
            RiskSource::TechnologyReadiness => "Immature or unproven technology",
        }
    }

    /// The item of the `iso42001` framework in the catalogue (`C.3.1` …).
    pub const fn catalog_ref(self) -> &'static str {
        match self {
            RiskSource::ComplexityOfEnvironment => "C.3.1",
            RiskSource::LackOfTransparencyAndExplainability => "C.3.2",
            RiskSource::LevelOfAutomation => "C.3.3",
            RiskSource::MachineLearning => "C.3.4",
            RiskSource::SystemHardware => "C.3.5",
            RiskSource::SystemLifeCycle => "C.3.6",
            RiskSource::TechnologyReadiness => "C.3.7",
        }
    }

    pub fn from_key(key: &str) -> Option<RiskSource> {
        RiskSource::ALL.into_iter().find(|s| s.key() == key)
    }

    /// What people read for a stored source key: the label of a listed
    /// source, or a workspace's own key as it is.
    pub fn label_of(key: &str) -> &str {
        RiskSource::from_key(key).map_or(key, |s| s.label())
    }

    /// Checks a stored source key: a listed one or any workspace key.
    pub fn check_key(key: &str) -> Result<(), String> {
        if is_key(key) {
            Ok(())
        } else {
            Err(format!(
                "must be a listed risk source ({}) or a key of your own: lowercase letters, digits, '_' and '-', starting with a letter",
                RiskSource::ALL.map(RiskSource::key).join(", ")
            ))
        }
    }
}

/// An organisational objective of ISO/IEC 42001 Annex C that a risk threatens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    Accountability,
    AiExpertise,
    TrainingAndTestData,
    EnvironmentalImpact,
    Fairness,
    Maintainability,
    Privacy,
    Robustness,
    Safety,
    Security,
    TransparencyExplainability,
}

impl Objective {
    pub const ALL: [Objective; 11] = [
        Objective::Accountability,
        Objective::AiExpertise,
        Objective::TrainingAndTestData,
        Objective::EnvironmentalImpact,
        Objective::Fairness,
        Objective::Maintainability,
        Objective::Privacy,
        Objective::Robustness,
        Objective::Safety,
        Objective::Security,
        Objective::TransparencyExplainability,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            Objective::Accountability => "accountability",
            Objective::AiExpertise => "ai_expertise",
            Objective::TrainingAndTestData => "training_and_test_data",
            Objective::EnvironmentalImpact => "environmental_impact",
            Objective::Fairness => "fairness",
            Objective::Maintainability => "maintainability",
            Objective::Privacy => "privacy",
            Objective::Robustness => "robustness",
            Objective::Safety => "safety",
            Objective::Security => "security",
            Objective::TransparencyExplainability => "transparency_explainability",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Objective::Accountability => "Accountability",
            Objective::AiExpertise => "AI expertise",
            Objective::TrainingAndTestData => "Good training and test data",
            Objective::EnvironmentalImpact => "Environmental impact",
            Objective::Fairness => "Fairness",
            Objective::Maintainability => "Maintainability",
            Objective::Privacy => "Privacy",
            Objective::Robustness => "Robustness",
            Objective::Safety => "Safety",
            Objective::Security => "Security",
            Objective::TransparencyExplainability => "Transparency and explainability",
        }
    }

    /// The item of the `iso42001` framework in the catalogue (`C.2.1` …).
    pub const fn catalog_ref(self) -> &'static str {
        match self {
            Objective::Accountability => "C.2.1",
            Objective::AiExpertise => "C.2.2",
            Objective::TrainingAndTestData => "C.2.3",
            Objective::EnvironmentalImpact => "C.2.4",
            Objective::Fairness => "C.2.5",
            Objective::Maintainability => "C.2.6",
            Objective::Privacy => "C.2.7",
            Objective::Robustness => "C.2.8",
            Objective::Safety => "C.2.9",
            Objective::Security => "C.2.10",
            Objective::TransparencyExplainability => "C.2.11",
        }
    }

    pub fn from_key(key: &str) -> Option<Objective> {
        Objective::ALL.into_iter().find(|o| o.key() == key)
    }
}

/// How a risk is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TreatmentOption {
    /// Change likelihood or impact with controls.
    Modify,
    /// Stop the activity that gives rise to the risk.
    Avoid,
    /// Hand part of it to another party (contract, insurance).
    Share,
    /// Keep it as it is, knowingly.
    Retain,
}

impl TreatmentOption {
    pub const ALL: [TreatmentOption; 4] = [
        TreatmentOption::Modify,
        TreatmentOption::Avoid,
        TreatmentOption::Share,
        TreatmentOption::Retain,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            TreatmentOption::Modify => "modify",
            TreatmentOption::Avoid => "avoid",
            TreatmentOption::Share => "share",
            TreatmentOption::Retain => "retain",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            TreatmentOption::Modify => "Modify: reduce it with controls",
            TreatmentOption::Avoid => "Avoid: stop what causes it",
            TreatmentOption::Share => "Share: hand part of it to another party",
            TreatmentOption::Retain => "Retain: keep it, knowingly",
        }
    }

    pub fn from_key(key: &str) -> Option<TreatmentOption> {
        TreatmentOption::ALL.into_iter().find(|t| t.key() == key)
    }
}

const fn source(s: RiskSource) -> Choice {
    Choice {
        value: s.key(),
        label: s.label(),
    }
}

const fn objective(o: Objective) -> Choice {
    Choice {
        value: o.key(),
        label: o.label(),
    }
}

const fn treatment(t: TreatmentOption) -> Choice {
    Choice {
        value: t.key(),
        label: t.label(),
    }
}

/// The listed risk sources as choices for a record field (offered, not exclusive).
pub const SOURCE_CHOICES: &[Choice] = &[
    source(RiskSource::ComplexityOfEnvironment),
    source(RiskSource::LackOfTransparencyAndExplainability),
    source(RiskSource::LevelOfAutomation),
    source(RiskSource::MachineLearning),
    source(RiskSource::SystemHardware),
    source(RiskSource::SystemLifeCycle),
    source(RiskSource::TechnologyReadiness),
];

/// The objectives as choices for a record field.
pub const OBJECTIVE_CHOICES: &[Choice] = &[
    objective(Objective::Accountability),
    objective(Objective::AiExpertise),
    objective(Objective::TrainingAndTestData),
    objective(Objective::EnvironmentalImpact),
    objective(Objective::Fairness),
    objective(Objective::Maintainability),
    objective(Objective::Privacy),
    objective(Objective::Robustness),
    objective(Objective::Safety),
    objective(Objective::Security),
    objective(Objective::TransparencyExplainability),
];

/// The treatment options as choices for a record field.
pub const TREATMENT_CHOICES: &[Choice] = &[
    treatment(TreatmentOption::Modify),
    treatment(TreatmentOption::Avoid),
    treatment(TreatmentOption::Share),
    treatment(TreatmentOption::Retain),
];
