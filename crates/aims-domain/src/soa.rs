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
/// those risks as its reason; one that a legal obligation of the
/// workspace's systems maps to (through the crosswalks) is proposed as
/// included naming those requirements; the others are left undecided for
/// people. `treats` pairs a control with a risk it treats (through an
/// action); `obligations` pairs a control with a requirement
/// (`eu-ai-act:Art. 9`) that asks for it.
pub fn propose(
    controls: &[String],
    treats: &[(String, String)],
    obligations: &[(String, String)],
) -> Vec<Row> {
    let risks = risks_by_control(treats);
    let laws = risks_by_control(obligations);
    controls
        .iter()
        .map(|c| {
            let mut reasons = Vec::new();
            if let Some(r) = risks.get(c.as_str()) {
                reasons.push(Reason::RiskTreatment {
                    risks: r.iter().map(|s| (*s).to_owned()).collect(),
                });
            }
            if let Some(r) = laws.get(c.as_str()) {
                reasons.push(Reason::LegalObligation {
                    references: r.iter().map(|s| (*s).to_owned()).collect(),
                });
            }
            Row {
                control: c.clone(),
                decision: if reasons.is_empty() {
                    Decision::Undecided
                } else {
                    Decision::Included
                },
                reasons,
                exclusion: String::new(),
                notes: String::new(),
            }
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
/// excluded one with the reason it does not apply; and everything
/// [`check_draft`] checks.
pub fn check_approvable(rows: &[Row]) -> Result<(), FieldErrors> {
    let mut e = match check_draft(rows) {
        Ok(()) => FieldErrors::new(),
        Err(e) => e,
    };
    if rows.is_empty() {
        e.add("rows", "must list the controls");
    }
    for (n, r) in rows.iter().enumerate() {
        let at = |f: &str| format!("rows[{n}].{f}");
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
    }
    e.into_result()
}

/// Checks what a draft must hold already: each control once, a risk or
/// legal reason naming what it rests on, texts within bounds and free of
/// control characters.
pub fn check_draft(rows: &[Row]) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    let mut seen = BTreeSet::new();
    for (n, r) in rows.iter().enumerate() {
        let at = |f: &str| format!("rows[{n}].{f}");
        if !seen.insert(r.control.as_str()) {
            e.add(&at("control"), format!("{} is listed twice", r.control));
        }
        for reason in &r.reasons {
            let named: &[String] = match reason {
                Reason::RiskTreatment { risks } => risks,
                Reason::LegalObligation { references } => references,
                _ => &[],
            };
            let empty = matches!(
                reason,
                Reason::RiskTreatment { .. } | Reason::LegalObligation { .. }
            ) && named.is_empty();
            if empty {
                e.add(
                    &at("reasons"),
                    "a risk or legal reason must name what it rests on",
                );
            }
            if named
                .iter()
                .any(|t| t.chars().count() > 200 || has_control_chars(t))
            {
                e.add(
                    &at("reasons"),
                    "a name in a reason must be at most 200 characters, without control characters",
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

/// One difference between two versions of the Statement of Applicability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub control: String,
    /// `decision`, `reasons`, `exclusion`, `notes`, or `row` when the
    /// control is only in one of the two versions.
    pub field: &'static str,
    /// The value before and after, as text (empty when absent).
    pub old: String,
    pub new: String,
}

/// A row's reasons as one line of text, in the order given.
pub fn reasons_text(reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(|r| match r {
            Reason::RiskTreatment { risks } => format!("risk treatment: {}", risks.join(", ")),
            Reason::LegalObligation { references } => {
                format!("legal obligation: {}", references.join(", "))
            }
            Reason::ContractualRequirement => "contractual requirement".to_owned(),
            Reason::BusinessNeed => "business need".to_owned(),
            Reason::BestPractice => "best practice".to_owned(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl Decision {
    pub fn key(self) -> &'static str {
        match self {
            Decision::Included => "included",
            Decision::Excluded => "excluded",
            Decision::Undecided => "undecided",
        }
    }
}

/// What changed from `old` to `new`, control by control in `new`'s order
/// (then the controls only `old` has), field by field.
pub fn changes(old: &[Row], new: &[Row]) -> Vec<Change> {
    let before: BTreeMap<&str, &Row> = old.iter().map(|r| (r.control.as_str(), r)).collect();
    let after: BTreeSet<&str> = new.iter().map(|r| r.control.as_str()).collect();
    let mut out = Vec::new();
    for n in new {
        let Some(o) = before.get(n.control.as_str()) else {
            out.push(Change {
                control: n.control.clone(),
                field: "row",
                old: String::new(),
                new: n.decision.key().to_owned(),
            });
            continue;
        };
        let pairs = [
            (
                "decision",
                o.decision.key().to_owned(),
                n.decision.key().to_owned(),
            ),
            (
                "reasons",
                reasons_text(&o.reasons),
                reasons_text(&n.reasons),
            ),
            ("exclusion", o.exclusion.clone(), n.exclusion.clone()),
            ("notes", o.notes.clone(), n.notes.clone()),
        ];
        for (field, old, new) in pairs {
            if old != new {
                out.push(Change {
                    control: n.control.clone(),
                    field,
                    old,
                    new,
                });
            }
        }
    }
    for o in old.iter().filter(|o| !after.contains(o.control.as_str())) {
        out.push(Change {
            control: o.control.clone(),
            field: "row",
            old: o.decision.key().to_owned(),
            new: String::new(),
        });
    }
    out
}

/// Puts each of `edits` in place of the row of the same control in
/// `rows`; an edit for a control `rows` does not list is an error naming
/// `rows[n].control` (the index into `edits`).
pub fn apply_edits(rows: &mut [Row], edits: Vec<Row>) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    for (n, edit) in edits.into_iter().enumerate() {
        match rows.iter_mut().find(|r| r.control == edit.control) {
            Some(r) => *r = edit,
            None => e.add(
                &format!("rows[{n}].control"),
                format!(
                    "{} is not a row of the Statement of Applicability",
                    edit.control
                ),
            ),
        }
    }
    e.into_result()
}

/// The framework a row's control belongs to: `iso27001` of
/// `iso27001:A.5.1`.
pub fn framework_of(control: &str) -> &str {
    control.split_once(':').map_or("", |(fw, _)| fw)
}

/// The frameworks `rows` cover, in the order their first row appears.
pub fn frameworks(rows: &[Row]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for r in rows {
        let fw = framework_of(&r.control);
        if !out.contains(&fw) {
            out.push(fw);
        }
    }
    out
}

/// Adds a framework's rows (`proposed`, as [`propose`] makes them) after
/// the rows already there, skipping controls `rows` lists already; how
/// many were added (0: it was adopted already).
pub fn adopt(rows: &mut Vec<Row>, proposed: Vec<Row>) -> usize {
    let before = rows.len();
    for p in proposed {
        if !rows.iter().any(|r| r.control == p.control) {
            rows.push(p);
        }
    }
    rows.len() - before
}

/// Removes every row of `framework`; `base` (ISO/IEC 42001) stays. How
/// many rows went (0: the statement did not cover it).
pub fn drop_framework(
    rows: &mut Vec<Row>,
    framework: &str,
    base: &str,
) -> Result<usize, FieldErrors> {
    if framework == base {
        return Err(FieldErrors::single(
            "framework",
            "the statement always covers its base framework's controls",
        ));
    }
    let before = rows.len();
    rows.retain(|r| framework_of(&r.control) != framework);
    Ok(before - rows.len())
}

#[cfg(test)]
mod tests;
