//! Internal audits (9.2): the rules of audit programmes, plans, checklists, sampling and findings.
//!
//! An audit programme covers every part of the AIMS within a cycle; an
//! audit's team must not audit its own work; an audit's checklist walks the
//! requirements and the controls in scope; evidence is sampled so that the
//! same sample can be drawn again from what was recorded (a seed from the
//! audit and the item, a generator written out here, no clock and no
//! operating-system randomness); a finding graded a nonconformity is raised
//! as one.

use std::fmt;
use std::str::FromStr;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grade {
    /// A requirement is not met at all, or the AIMS fails to achieve what
    /// it is for.
    MajorNc,
    /// A requirement is partly met: a lapse that does not put the AIMS in doubt.
    MinorNc,
    /// Not a nonconformity yet, but could become one.
    Observation,
    /// An opportunity for improvement.
    Ofi,
}

impl Grade {
    pub const ALL: [Grade; 4] = [
        Grade::MajorNc,
        Grade::MinorNc,
        Grade::Observation,
        Grade::Ofi,
    ];

    /// Its stored value, as in the `grade` field of a finding.
    pub fn key(self) -> &'static str {
        match self {
            Grade::MajorNc => "major_nc",
            Grade::MinorNc => "minor_nc",
            Grade::Observation => "observation",
            Grade::Ofi => "ofi",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Grade::MajorNc => "Major nonconformity",
            Grade::MinorNc => "Minor nonconformity",
            Grade::Observation => "Observation",
            Grade::Ofi => "Opportunity for improvement",
        }
    }

    /// Whether a finding of this grade is raised as a nonconformity to correct.
    pub fn raises_nonconformity(self) -> bool {
        self.nc_grade().is_some()
    }

    /// The `grade` of the nonconformity it is raised as (`major`, `minor`);
    /// `None` when it is not raised as one.
    pub fn nc_grade(self) -> Option<&'static str> {
        match self {
            Grade::MajorNc => Some("major"),
            Grade::MinorNc => Some("minor"),
            Grade::Observation | Grade::Ofi => None,
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A grade that is none of the four.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownGrade(pub String);

impl fmt::Display for UnknownGrade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a grade: use major_nc, minor_nc, observation or ofi",
            self.0
        )
    }
}

impl std::error::Error for UnknownGrade {}

impl FromStr for Grade {
    type Err = UnknownGrade;

    /// From its stored value.
    fn from_str(s: &str) -> Result<Grade, UnknownGrade> {
        Grade::ALL
            .into_iter()
            .find(|g| g.key() == s)
            .ok_or_else(|| UnknownGrade(s.to_owned()))
    }
}

/// The records in an audit's scope that one of its auditors owns, by id, in
/// the order given and each once: `auditors` are user ids, `scope_owners`
/// `(record id, owner's user id)` pairs. An auditor does not audit their
/// own work.
pub fn independence_conflicts(auditors: &[&str], scope_owners: &[(&str, &str)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (record, owner) in scope_owners {
        if auditors.contains(owner) && !out.iter().any(|r| r == record) {
            out.push((*record).to_owned());
        }
    }
    out
}

/// What a checklist item checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// A requirement of a management system clause.
    Clause,
    /// A control included in the Statement of Applicability.
    Control,
}

/// One line of an audit's checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    /// The clause or control id (`9.2.2`, `A.6.2.4`).
    pub reference: String,
    pub title: String,
    pub kind: ItemKind,
}

/// An audit's checklist: the clauses' requirements, then the included
/// controls, each `(id, title)` in the order given and each reference once.
pub fn checklist(
    clause_requirements: &[(&str, &str)],
    included_controls: &[(&str, &str)],
) -> Vec<ChecklistItem> {
    let mut out: Vec<ChecklistItem> = Vec::new();
    let items = clause_requirements
        .iter()
        .map(|item| (item, ItemKind::Clause))
        .chain(
            included_controls
                .iter()
                .map(|item| (item, ItemKind::Control)),
        );
    for ((reference, title), kind) in items {
        if !out.iter().any(|i| i.reference == *reference) {
            out.push(ChecklistItem {
                reference: (*reference).to_owned(),
                title: (*title).to_owned(),
                kind,
            });
        }
    }
    out
}

/// What an audit programme has not yet covered in its cycle: the items of
/// `all` (clauses, controls, processes) no completed audit of the cycle
/// covered, in the order of `all`.
pub fn uncovered<'a>(
    all: &[&'a str],
    covered_by_completed_audits_in_cycle: &[&str],
) -> Vec<&'a str> {
    all.iter()
        .copied()
        .filter(|item| !covered_by_completed_audits_in_cycle.contains(item))
        .collect()
}

/// SplitMix64 (Steele, Lea and Flood): a small generator whose every
/// output follows from its seed, so a sample can be drawn again.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `bound` (not 0), without the bias of a remainder
    /// (the high half of a 128-bit product, after Lemire).
    fn below(&mut self, bound: usize) -> usize {
        // usize is at most 64 bits on every target Rust supports, so both
        // conversions are exact.
        let wide = u128::from(self.next()) * bound as u128;
        (wide >> 64) as usize
    }
}

/// `n` of `ids` drawn without replacement by a partial Fisher–Yates shuffle
/// driven by `seed`, returned in the order of `ids`; all of them when there
/// are no more than `n`. The same ids, `n` and seed always draw the same
/// sample.
pub fn sample(ids: &[String], n: usize, seed: u64) -> Vec<String> {
    let n = n.min(ids.len());
    let mut rng = SplitMix64(seed);
    let mut order: Vec<usize> = (0..ids.len()).collect();
    for i in 0..n {
        let j = i + rng.below(order.len() - i);
        order.swap(i, j);
    }
    let mut chosen = order[..n].to_vec();
    chosen.sort_unstable();
    chosen.into_iter().map(|i| ids[i].clone()).collect()
}

/// A seed from recorded text (an audit's id and a checklist reference):
/// the 64-bit FNV-1a hash of its bytes.
pub fn seed_from(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests;
