//! The Statement of Applicability (ISO/IEC 42001 6.1.3 d): one row per
//! control, included or excluded, with structured reasons. The rules here
//! are pure: the first draft proposed from the risk register's treatment
//! links, the check that a version may be approved, and the flags people
//! must look at (a control excluded while a risk's treatment relies on it).

use crate::validation::{has_control_chars, FieldErrors};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Longest free text of a row.
pub const TEXT_MAX: usize = 4000;

/// Why a control is included.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// It treats these risks (ids), as the register's treatment links say.
    RiskTreatment {
        risks: Vec<String>,
    },
    /// A law or regulation asks for it (`eu-ai-act:Art. 9`, …).
    LegalObligation {
        references: Vec<String>,
    },
    ContractualRequirement,
    BusinessNeed,
    BestPractice,
}

/// Whether a control applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Included,
    Excluded,
    /// Not decided yet: a draft may hold it, an approved version may not.
    Undecided,
}

/// One row of the Statement of Applicability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    /// The catalogue control, `framework:item` (`iso42001:A.6.2.4`).
    pub control: String,
    pub decision: Decision,
    /// Why it is included (at least one when included).
    #[serde(default)]
    pub reasons: Vec<Reason>,
    /// Why it does not apply (required when excluded).
    #[serde(default)]
    pub exclusion: String,
    /// Anything else, in the author's words.
    #[serde(default)]
    pub notes: String,
}

/// The first draft: a row per control, in the order given. A control that
/// implements a treatment action of some risks is proposed as included with
/// those risks as its reason; the others are left undecided for people.
/// `treats` pairs a control with a risk it treats (through an action).
pub fn propose(controls: &[String], treats: &[(String, String)]) -> Vec<Row> {
    let risks = risks_by_control(treats);
    controls
        .iter()
        .map(|c| match risks.get(c.as_str()) {
            Some(r) => Row {
                control: c.clone(),
                decision: Decision::Included,
                reasons: vec![Reason::RiskTreatment {
                    risks: r.iter().map(|s| (*s).to_owned()).collect(),
                }],
                exclusion: String::new(),
                notes: String::new(),
            },
            None => Row {
                control: c.clone(),
                decision: Decision::Undecided,
                reasons: vec![],
                exclusion: String::new(),
                notes: String::new(),
            },
        })
        .collect()
}

fn risks_by_control(treats: &[(String, String)]) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut out: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (control, risk) in treats {
        out.entry(control.as_str())
            .or_default()
            .insert(risk.as_str());
    }
    out
}

/// A row people must look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum Flag {
    /// Excluded, while these risks' treatment relies on it.
    ExcludedButTreatsRisks { control: String, risks: Vec<String> },
}

/// The flags of `rows` against the register's treatment links.
pub fn flags(rows: &[Row], treats: &[(String, String)]) -> Vec<Flag> {
    let risks = risks_by_control(treats);
    rows.iter()
        .filter(|r| r.decision == Decision::Excluded)
        .filter_map(|r| {
            risks
                .get(r.control.as_str())
                .map(|risks| Flag::ExcludedButTreatsRisks {
                    control: r.control.clone(),
                    risks: risks.iter().map(|s| (*s).to_owned()).collect(),
                })
        })
        .collect()
}

/// Checks that a version may be approved, naming each row at fault as
/// `rows[n].<field>`: every control decided; an included one with a
/// reason (a risk treatment or legal obligation naming something); an
/// excluded one with the reason it does not apply; texts within bounds;
/// each control once.
pub fn check_approvable(rows: &[Row]) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    if rows.is_empty() {
        e.add("rows", "must list the controls");
    }
    let mut seen = BTreeSet::new();
    for (n, r) in rows.iter().enumerate() {
        let at = |f: &str| format!("rows[{n}].{f}");
        if !seen.insert(r.control.as_str()) {
            e.add(&at("control"), format!("{} is listed twice", r.control));
        }
        match r.decision {
            Decision::Undecided => e.add(&at("decision"), "must be included or excluded"),
            Decision::Included if r.reasons.is_empty() => {
                e.add(&at("reasons"), "an included control needs a reason")
            }
            Decision::Excluded if r.exclusion.trim().is_empty() => e.add(
                &at("exclusion"),
                "an excluded control needs the reason it does not apply",
            ),
            _ => {}
        }
        for reason in &r.reasons {
            let empty = match reason {
                Reason::RiskTreatment { risks } => risks.is_empty(),
                Reason::LegalObligation { references } => references.is_empty(),
                _ => false,
            };
            if empty {
                e.add(
                    &at("reasons"),
                    "a risk or legal reason must name what it rests on",
                );
            }
        }
        for (field, text) in [("exclusion", &r.exclusion), ("notes", &r.notes)] {
            if text.chars().count() > TEXT_MAX {
                e.add(&at(field), format!("must be at most {TEXT_MAX} characters"));
            } else if has_control_chars(text) {
                e.add(&at(field), crate::validation::CONTROL_MESSAGE);
            }
        }
    }
    e.into_result()
}

#[cfg(test)]
mod tests;
