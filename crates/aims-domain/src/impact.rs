//! The AI system impact assessment (ISO/IEC 42001 6.1.4, 8.4, A.5.2–A.5.5):
//! per AI system, versioned, a questionnaire on the consequences for
//! individuals, groups and society, the impacts identified with their
//! severity and likelihood, and — for deployers of high-risk systems — the
//! fundamental-rights fields of EU AI Act Art. 27.
//!
//! - [`questions`]: the questionnaire ([`QUESTIONS`], stable ids) and
//!   [`validate_answers`];
//! - [`fria`]: the Art. 27 fields ([`Fria`]);
//! - [`workflow`]: draft → in review → approved ([`transition`]), editing,
//!   and when a system needs a new assessment ([`reassessment_due`]).
//!
//! **Impact rating** — a fixed 4×4 table, severity weighing more than
//! likelihood, so a critical harm is at least *high* however unlikely:
//!
//! ```text
//!                    likelihood 1 unlikely  2 possible  3 likely   4 almost certain
//! severity 1 limited            low         low         low        medium
//! severity 2 significant        low         medium      medium     high
//! severity 3 serious            medium      high        high       very high
//! severity 4 critical           high        high        very high  very high
//! ```

pub mod fria;
pub mod questions;
pub mod workflow;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_workflow;

pub use fria::{required_when, Fria};
pub use questions::{
    missing, question, validate_answers, Question, QuestionKind, QUESTIONS, SECTIONS,
};
pub use workflow::{
    on_edit, reassessment_due, reassessment_overdue, transition, Edit, ImpactState, Reason,
    SystemFacts, TransitionError,
};

use crate::record::{parse_date, LONG_TEXT_MAX};
use crate::validation::{optional_text, FieldErrors};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What an identified impact concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImpactArea {
    FundamentalRights,
    Discrimination,
    Safety,
    Privacy,
    Economic,
    Environment,
    Democracy,
    Labour,
    Other,
}

impl ImpactArea {
    pub const ALL: [ImpactArea; 9] = [
        ImpactArea::FundamentalRights,
        ImpactArea::Discrimination,
        ImpactArea::Safety,
        ImpactArea::Privacy,
        ImpactArea::Economic,
        ImpactArea::Environment,
        ImpactArea::Democracy,
        ImpactArea::Labour,
        ImpactArea::Other,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            ImpactArea::FundamentalRights => "fundamental_rights",
            ImpactArea::Discrimination => "discrimination",
            ImpactArea::Safety => "safety",
            ImpactArea::Privacy => "privacy",
            ImpactArea::Economic => "economic",
            ImpactArea::Environment => "environment",
            ImpactArea::Democracy => "democracy",
            ImpactArea::Labour => "labour",
            ImpactArea::Other => "other",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            ImpactArea::FundamentalRights => "Fundamental rights",
            ImpactArea::Discrimination => "Discrimination",
            ImpactArea::Safety => "Safety",
            ImpactArea::Privacy => "Privacy",
            ImpactArea::Economic => "Economic effects",
            ImpactArea::Environment => "Environment",
            ImpactArea::Democracy => "Democracy",
            ImpactArea::Labour => "Work and labour",
            ImpactArea::Other => "Other",
        }
    }

    /// True for consequences for society rather than for individuals or groups.
    pub const fn is_societal(self) -> bool {
        matches!(
            self,
            ImpactArea::Environment | ImpactArea::Democracy | ImpactArea::Labour
        )
    }
}

/// An impact rating from the fixed 4×4 table (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImpactLevel {
    Low,
    Medium,
    High,
    VeryHigh,
}

impl ImpactLevel {
    pub const fn key(self) -> &'static str {
        match self {
            ImpactLevel::Low => "low",
            ImpactLevel::Medium => "medium",
            ImpactLevel::High => "high",
            ImpactLevel::VeryHigh => "very_high",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            ImpactLevel::Low => "Low",
            ImpactLevel::Medium => "Medium",
            ImpactLevel::High => "High",
            ImpactLevel::VeryHigh => "Very high",
        }
    }
}

/// Severity levels 1–4.
pub const SEVERITY: [&str; 4] = ["Limited", "Significant", "Serious", "Critical"];
/// Likelihood levels 1–4.
pub const LIKELIHOOD: [&str; 4] = ["Unlikely", "Possible", "Likely", "Almost certain"];

const RATING: [[ImpactLevel; 4]; 4] = {
    use ImpactLevel::*;
    [
        [Low, Low, Low, Medium],
        [Low, Medium, Medium, High],
        [Medium, High, High, VeryHigh],
        [High, High, VeryHigh, VeryHigh],
    ]
};

/// The rating of a severity and a likelihood (1–4 each); `None` off the table.
pub fn rate(severity: u8, likelihood: u8) -> Option<ImpactLevel> {
    let s = usize::from(severity).checked_sub(1)?;
    let l = usize::from(likelihood).checked_sub(1)?;
    RATING.get(s)?.get(l).copied()
}

/// An impact identified in the assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Impact {
    pub area: ImpactArea,
    pub description: String,
    /// Who is affected.
    #[serde(default)]
    pub affected: String,
    /// 1 (limited) to 4 (critical).
    pub severity: u8,
    /// 1 (unlikely) to 4 (almost certain).
    pub likelihood: u8,
    /// What is done about it, in words.
    #[serde(default)]
    pub mitigations: String,
    /// Ids of the workspace's risks that carry it into the risk register.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risks: Vec<String>,
    /// Catalogue controls that mitigate it (`iso42001:A.5.4`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<String>,
}

/// Most risks or controls one impact names.
pub const LINKS_MAX: usize = 50;

impl Impact {
    pub fn rating(&self) -> Option<ImpactLevel> {
        rate(self.severity, self.likelihood)
    }

    fn check(&self, e: &mut FieldErrors, path: &str) {
        let description = optional_text(
            e,
            &format!("{path}.description"),
            &self.description,
            LONG_TEXT_MAX,
        );
        if description.is_empty() {
            e.add(&format!("{path}.description"), "is required");
        }
        optional_text(
            e,
            &format!("{path}.affected"),
            &self.affected,
            LONG_TEXT_MAX,
        );
        optional_text(
            e,
            &format!("{path}.mitigations"),
            &self.mitigations,
            LONG_TEXT_MAX,
        );
        for (name, list) in [("risks", &self.risks), ("controls", &self.controls)] {
            let at = format!("{path}.{name}");
            if list.len() > LINKS_MAX {
                e.add(&at, format!("must name at most {LINKS_MAX}"));
            }
            for (n, item) in list.iter().enumerate() {
                let shaped = match name {
                    "risks" => crate::validation::is_record_id(item),
                    _ => {
                        item.split_once(':')
                            .is_some_and(|(fw, id)| !fw.trim().is_empty() && !id.trim().is_empty())
                            && item.chars().count() <= 200
                            && !crate::validation::has_control_chars(item)
                    }
                };
                if !shaped {
                    e.add(
                        &at,
                        match name {
                            "risks" => format!("{item} is not a risk id"),
                            _ => format!("{item} is not a catalogue reference (framework:item)"),
                        },
                    );
                } else if list[..n].contains(item) {
                    e.add(&at, format!("names {item} twice"));
                }
            }
        }
        for (name, value) in [("severity", self.severity), ("likelihood", self.likelihood)] {
            if !(1..=4).contains(&value) {
                e.add(&format!("{path}.{name}"), "must be from 1 to 4");
            }
        }
    }
}

/// Most reviewers on one assessment.
pub const REVIEWERS_MAX: usize = 20;

/// One version of a system's impact assessment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImpactAssessment {
    /// Question id → answer (see [`questions`]).
    pub answers: Map<String, Value>,
    pub impacts: Vec<Impact>,
    /// EU AI Act Art. 27 fields.
    pub fria: Option<Fria>,
    /// Member ids of the reviewers.
    pub reviewers: Vec<String>,
    /// `YYYY-MM-DD`: when it must be assessed again.
    pub reassess_on: Option<String>,
}

/// Puts `errors` under `prefix.` in `into`.
fn nest(into: &mut FieldErrors, prefix: &str, errors: FieldErrors) {
    for (field, messages) in errors.iter() {
        for m in messages {
            into.add(&format!("{prefix}.{field}"), m.clone());
        }
    }
}

impl ImpactAssessment {
    /// Checks what a draft may hold: known answers of the right type
    /// (`answers.<question id>`), complete impacts (`impacts[0].severity`),
    /// the FRIA fields' length (`fria.process`), reviewers (distinct, at
    /// most [`REVIEWERS_MAX`]) and the re-assessment date. Unanswered
    /// questions and empty FRIA fields are fine until review ([`Self::check_ready`]).
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if let Err(more) = validate_answers(&Value::Object(self.answers.clone())) {
            nest(&mut e, "answers", more);
        }
        for (n, impact) in self.impacts.iter().enumerate() {
            impact.check(&mut e, &format!("impacts[{n}]"));
        }
        if let Err(more) = Fria::validate(self.fria.as_ref(), false) {
            for (field, messages) in more.iter() {
                for m in messages {
                    e.add(field, m.clone());
                }
            }
        }
        if self.reviewers.len() > REVIEWERS_MAX {
            e.add("reviewers", format!("must be at most {REVIEWERS_MAX}"));
        }
        for (n, r) in self.reviewers.iter().enumerate() {
            if r.trim().is_empty() {
                e.add("reviewers", "must not hold an empty name");
            } else if self.reviewers[..n].contains(r) {
                e.add("reviewers", format!("names {r} twice"));
            }
        }
        if let Some(d) = &self.reassess_on {
            if parse_date(d).as_deref() != Some(d.as_str()) {
                e.add("reassess_on", "must be a date, YYYY-MM-DD");
            }
        }
        e.into_result()
    }

    /// Checks that the assessment may go to review (and be approved): valid,
    /// every question asked answered (`answers.<id>`: "must be answered"),
    /// and the FRIA fields filled in when `fria_required`
    /// ([`required_when`]).
    pub fn check_ready(&self, fria_required: bool) -> Result<(), FieldErrors> {
        let mut e = match self.validate() {
            Ok(()) => FieldErrors::new(),
            Err(e) => e,
        };
        for id in missing(&Value::Object(self.answers.clone())) {
            e.add(&format!("answers.{id}"), "must be answered before review");
        }
        if fria_required {
            if let Err(more) = Fria::validate(self.fria.as_ref(), true) {
                for (field, messages) in more.iter() {
                    for m in messages.iter().filter(|m| m.starts_with("is required")) {
                        e.add(field, m.clone());
                    }
                }
            }
        }
        e.into_result()
    }

    /// The identified impacts, worst rating first (stable for equal ones).
    pub fn impacts_by_rating(&self) -> Vec<(&Impact, Option<ImpactLevel>)> {
        let mut v: Vec<_> = self.impacts.iter().map(|i| (i, i.rating())).collect();
        v.sort_by_key(|x| std::cmp::Reverse(x.1));
        v
    }
}
