//! Starting points for common AI risks, written by the aims project in its
//! own words. Picking one creates a draft risk that people then adapt to
//! their system; nothing here is a finding about any particular system.
//!
//! Each names the Annex C risk sources and objectives it usually involves,
//! the NIST AI RMF 1.0 subcategories (`MEASURE 2.11`) and NIST AI 600-1
//! risks (`2.6`) it relates to, and the ISO/IEC 42001 Annex A controls
//! (`A.7.4`) that usually treat it — ids as the catalogue spells them, in the
//! frameworks [`ISO42001`], [`NIST_AI_RMF`] and [`NIST_AI_600_1`]. Keys are
//! stable: a draft remembers the key it came from.

use super::catalogue::{Objective as O, RiskSource as S};
use serde::Serialize;

/// Catalogue framework ids the references belong to.
pub const ISO42001: &str = "iso42001";
pub const NIST_AI_RMF: &str = "nist-ai-rmf";
pub const NIST_AI_600_1: &str = "nist-ai-600-1";

/// One starting-point risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LibraryRisk {
    pub key: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub cause: &'static str,
    pub consequence: &'static str,
    pub sources: &'static [S],
    pub objectives: &'static [O],
    pub nist_ai_rmf: &'static [&'static str],
    pub nist_ai_600_1: &'static [&'static str],
    pub annex_a: &'static [&'static str],
}

impl LibraryRisk {
    /// Every catalogue reference as `(framework id, item id)`.
    pub fn references(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        let of =
            |fw: &'static str, ids: &'static [&'static str]| ids.iter().map(move |id| (fw, *id));
        of(ISO42001, self.annex_a)
            .chain(of(NIST_AI_RMF, self.nist_ai_rmf))
            .chain(of(NIST_AI_600_1, self.nist_ai_600_1))
    }
}

impl LibraryRisk {
    /// A draft risk's fields from this entry: title, description, cause,
    /// consequence, the first source, the objectives and `library:KEY` as its
    /// external reference. Not scored: a new risk is not assessed.
    pub fn draft_fields(&self) -> crate::record::Fields {
        use serde_json::json;
        let mut f = crate::record::Fields::new();
        f.insert("title".into(), json!(self.title));
        f.insert("description".into(), json!(self.description));
        f.insert("cause".into(), json!(self.cause));
        f.insert("consequence".into(), json!(self.consequence));
        if let Some(s) = self.sources.first() {
            f.insert("risk_source".into(), json!(s.key()));
        }
        let objectives: Vec<&str> = self.objectives.iter().map(|o| o.key()).collect();
        f.insert("objectives".into(), json!(objectives));
        f.insert(
            "external_ref".into(),
            json!(format!("library:{}", self.key)),
        );
        f
    }
}

/// The library entry with this key.
pub fn library_risk(key: &str) -> Option<&'static LibraryRisk> {
    LIBRARY.iter().find(|r| r.key == key)
}

/// The library, in the order it is offered.
pub const LIBRARY: &[LibraryRisk] = &[
    LibraryRisk {
        key: "training_data_bias",
        title: "Bias learned from training data",
        description: "The model treats some groups of people worse than others because the examples it learned from were skewed.",
        cause: "Training or fine-tuning data that under-represents some groups, carries past unfair decisions, or uses labels that stand in for protected traits.",
        consequence: "Unequal error rates or outcomes for the people affected, possible unlawful discrimination, complaints and loss of trust.",
        sources: &[S::MachineLearning, S::SystemLifeCycle],
        objectives: &[O::Fairness, O::TrainingAndTestData, O::Accountability],
        nist_ai_rmf: &["MAP 5.1", "MEASURE 2.11", "MANAGE 1.3"],
        nist_ai_600_1: &["2.6"],
        annex_a: &["A.5.4", "A.7.4", "A.7.6", "A.6.2.4"],
    },
    LibraryRisk {
        key: "model_drift",
        title: "Model drift",
        description: "The model gets quietly worse after release because the data it sees in use no longer looks like the data it was built on.",
        cause: "Changes in users, behaviour, markets, sensors or upstream data that the model was never trained for, with no monitoring to notice.",
        consequence: "Decisions and predictions degrade unnoticed; errors pile up before anyone reacts.",
        sources: &[S::ComplexityOfEnvironment, S::MachineLearning, S::SystemLifeCycle],
        objectives: &[O::Robustness, O::Maintainability],
        nist_ai_rmf: &["MEASURE 2.4", "MEASURE 4.3", "MANAGE 4.1"],
        nist_ai_600_1: &[],
        annex_a: &["A.6.2.6", "A.6.2.8", "A.7.4"],
    },
    LibraryRisk {
        key: "confabulation",
        title: "Hallucination and confabulation",
        description: "A generative model states made-up facts, sources or figures with the same confidence as true ones.",
        cause: "Models that produce the most plausible continuation rather than checked facts, used for questions outside what they can ground.",
        consequence: "Wrong information reaches users or decisions; harm where people rely on it, and liability for what was published.",
        sources: &[S::MachineLearning, S::LackOfTransparencyAndExplainability, S::TechnologyReadiness],
        objectives: &[O::Robustness, O::Safety, O::TransparencyExplainability],
        nist_ai_rmf: &["MAP 2.2", "MEASURE 2.5", "MEASURE 2.9"],
        nist_ai_600_1: &["2.2", "2.8"],
        annex_a: &["A.6.2.4", "A.8.2", "A.9.4"],
    },
    LibraryRisk {
        key: "prompt_injection",
        title: "Prompt injection",
        description: "Text planted in a prompt, document, web page or tool result makes a language-model system ignore its instructions.",
        cause: "Instructions and untrusted content mixed in one input, with the model able to call tools or see data the attacker should not reach.",
        consequence: "Leaked data, unwanted actions taken by tools, or output that serves the attacker rather than the user.",
        sources: &[S::MachineLearning, S::ComplexityOfEnvironment],
        objectives: &[O::Security, O::Safety],
        nist_ai_rmf: &["MAP 4.2", "MEASURE 2.7"],
        nist_ai_600_1: &["2.9"],
        annex_a: &["A.6.2.2", "A.6.2.4", "A.6.2.6"],
    },
    LibraryRisk {
        key: "data_poisoning",
        title: "Data poisoning",
        description: "Someone slips crafted examples into training or retrieval data so the model learns a hidden behaviour or a weakness.",
        cause: "Data gathered from open or weakly controlled sources, third-party data sets and feedback loops without provenance checks.",
        consequence: "A model that misbehaves on a trigger, degrades on purpose, or favours an attacker, hard to detect after training.",
        sources: &[S::MachineLearning, S::SystemLifeCycle],
        objectives: &[O::Security, O::TrainingAndTestData, O::Robustness],
        nist_ai_rmf: &["GOVERN 6.1", "MAP 4.1", "MEASURE 2.7"],
        nist_ai_600_1: &["2.9", "2.12"],
        annex_a: &["A.7.3", "A.7.5", "A.7.6", "A.10.3"],
    },
    LibraryRisk {
        key: "model_theft",
        title: "Model theft and extraction",
        description: "The model's weights are stolen, or copied closely enough by querying it many times.",
        cause: "Weak protection of model files and training infrastructure, or an open interface with no limits on how it is queried.",
        consequence: "Loss of a costly asset, a copy used without its safeguards, and an easier path to further attacks.",
        sources: &[S::MachineLearning, S::SystemHardware],
        objectives: &[O::Security],
        nist_ai_rmf: &["MAP 4.2", "MEASURE 2.7"],
        nist_ai_600_1: &["2.9", "2.10"],
        annex_a: &["A.4.5", "A.6.2.6", "A.6.2.8"],
    },
    LibraryRisk {
        key: "privacy_leakage",
        title: "Privacy leakage and memorisation",
        description: "The system reveals personal data it was trained on or given, word for word or by inference.",
        cause: "Personal data in training sets, prompts or logs; models that memorise rare records; outputs not filtered for personal data.",
        consequence: "Personal data disclosed to people who should not see it, breach of data protection law, harm to the people concerned.",
        sources: &[S::MachineLearning, S::LackOfTransparencyAndExplainability],
        objectives: &[O::Privacy, O::Security],
        nist_ai_rmf: &["MAP 4.1", "MEASURE 2.10"],
        nist_ai_600_1: &["2.4"],
        annex_a: &["A.5.4", "A.7.3", "A.7.5", "A.7.6"],
    },
    LibraryRisk {
        key: "over_reliance",
        title: "Over-reliance and automation bias",
        description: "People accept the system's suggestions without the scrutiny they would give a colleague's, even when it is wrong.",
        cause: "Confident-looking output, time pressure, little training on the system's limits and oversight that exists only on paper.",
        consequence: "Errors pass through human review unchecked; the human in the loop no longer protects anyone.",
        sources: &[S::LevelOfAutomation, S::LackOfTransparencyAndExplainability],
        objectives: &[O::Safety, O::Accountability, O::AiExpertise],
        nist_ai_rmf: &["GOVERN 3.2", "MAP 3.4", "MAP 3.5"],
        nist_ai_600_1: &["2.7"],
        annex_a: &["A.4.6", "A.8.2", "A.9.2", "A.9.4"],
    },
    LibraryRisk {
        key: "lack_of_explainability",
        title: "Lack of explainability",
        description: "Nobody can say why the system reached a given output, to the people affected or to those who must check it.",
        cause: "Opaque models, no record of the inputs and version behind a decision, and no way of giving reasons people understand.",
        consequence: "Decisions that cannot be contested or corrected, failed audits, and duties to give reasons left unmet.",
        sources: &[S::LackOfTransparencyAndExplainability],
        objectives: &[O::TransparencyExplainability, O::Accountability],
        nist_ai_rmf: &["MAP 2.2", "MEASURE 2.8", "MEASURE 2.9"],
        nist_ai_600_1: &[],
        annex_a: &["A.6.2.7", "A.8.2", "A.8.5"],
    },
    LibraryRisk {
        key: "third_party_change",
        title: "Third-party model or API change",
        description: "A supplier changes, retires or re-trains the model or service the system depends on, with little or no notice.",
        cause: "Dependence on an external model or API whose versions, terms and behaviour the organisation does not control or pin.",
        consequence: "Behaviour shifts in production, features break, costs or terms change, and earlier test results no longer hold.",
        sources: &[S::SystemLifeCycle, S::TechnologyReadiness, S::ComplexityOfEnvironment],
        objectives: &[O::Maintainability, O::Robustness, O::Accountability],
        nist_ai_rmf: &["GOVERN 6.1", "GOVERN 6.2", "MANAGE 3.1", "MANAGE 3.2"],
        nist_ai_600_1: &["2.12"],
        annex_a: &["A.4.2", "A.6.2.6", "A.10.2", "A.10.3"],
    },
    LibraryRisk {
        key: "harmful_output",
        title: "Unsafe or harmful output",
        description: "The system produces content or actions that can hurt people: dangerous advice, abuse, or instructions for wrongdoing.",
        cause: "Broad generative abilities, filters that can be talked around, and uses or users the designers did not plan for.",
        consequence: "Injury, distress or unlawful content attributed to the organisation, with legal and reputational fallout.",
        sources: &[S::MachineLearning, S::LevelOfAutomation, S::ComplexityOfEnvironment],
        objectives: &[O::Safety, O::Fairness],
        nist_ai_rmf: &["MEASURE 2.6", "MANAGE 2.4", "MANAGE 4.3"],
        nist_ai_600_1: &["2.1", "2.3", "2.11"],
        annex_a: &["A.5.4", "A.6.2.4", "A.6.2.6", "A.8.4"],
    },
    LibraryRisk {
        key: "ip_infringement",
        title: "Intellectual property and licence infringement",
        description: "Building or using the system breaks someone's copyright, licence terms or trade secrets.",
        cause: "Training data, models or code taken without checking licences, and output that reproduces protected material.",
        consequence: "Claims and injunctions, forced removal of a model or feature, and licence fees or damages.",
        sources: &[S::MachineLearning, S::SystemLifeCycle],
        objectives: &[O::Accountability, O::TrainingAndTestData],
        nist_ai_rmf: &["GOVERN 1.1", "GOVERN 6.1", "MAP 4.1"],
        nist_ai_600_1: &["2.10"],
        annex_a: &["A.4.3", "A.7.3", "A.7.5", "A.10.3"],
    },
];
