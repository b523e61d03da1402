//! Readiness: how far a workspace is from passing its audit, and exactly
//! what is missing. Pure functions over a [`Snapshot`] of the workspace
//! (gathered by the application in a handful of reads): every rule in
//! [`rules::RULES`] checks one thing a clause 4–10 requirement needs, every
//! rule in [`rules::CONTROL_RULES`] one thing an included Annex A control
//! needs, and each failed check is a [`Gap`] naming what is missing, why
//! it matters, who owns it and where to fix it.
//!
//! Scores (all in `0.0..=1.0`, shown as whole percent rounded down, so 100 %
//! means nothing is missing):
//! - a rule scores the share of its checks that pass; a rule with no checks
//!   (no risks yet: nothing to score) does not count;
//! - a requirement (a clause or an included control) scores the mean of
//!   its counting rules;
//! - a clause (4–10) scores the mean of its requirements, an Annex A area
//!   (`A.6`) the mean of its included controls;
//! - overall is the mean of every counting requirement, each clause
//!   requirement and each included control counting once;
//! - a system scores the share of the checks about it that pass.
//!
//! A gap's `gain` is how many points the overall score rises when it alone
//! is fixed; gaps are listed by gain, the largest first.

pub mod rules;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_rules;

use crate::evidence::Counts;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// What a check is about, and where it is fixed: a path under the
/// workspace (`inventory/<id>`, `soa`, `documents`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub path: String,
    pub title: String,
    /// Who owns it (an e-mail), when someone does.
    #[serde(default)]
    pub owner: Option<String>,
}

impl Subject {
    pub fn new(path: impl Into<String>, title: impl Into<String>) -> Subject {
        Subject {
            path: path.into(),
            title: title.into(),
            owner: None,
        }
    }

    pub fn owned(mut self, owner: Option<&str>) -> Subject {
        self.owner = owner.map(str::to_owned);
        self
    }
}

/// A record as readiness sees it: where it is, what it is called, who owns it.
pub type Record = Subject;

/// A scope statement: approved and unchanged since.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeFact {
    pub record: Record,
    pub approved: bool,
}

/// A document of the library.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentFact {
    pub record: Record,
    /// `policy`, `procedure`, … (empty: not said).
    pub doc_type: String,
    /// A version is published (approved and in force).
    pub published: bool,
    pub next_review: Option<String>,
}

/// An objective.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectiveFact {
    pub record: Record,
    pub status: String,
    pub due: Option<String>,
}

/// The Statement of Applicability as it stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoaFact {
    /// A version has been saved (a proposal alone is not a statement).
    pub saved: bool,
    /// The latest version is approved.
    pub approved: bool,
    /// Rows still undecided.
    pub undecided: usize,
    /// Excluded rows without a reason.
    pub unjustified: usize,
    /// Excluded rows a treatment still relies on.
    pub flagged: usize,
}

/// An Annex A control the statement includes (or has not decided on yet).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlFact {
    /// The Annex A id: `A.6.2.4`.
    pub id: String,
    pub title: String,
    /// The workspace's record of it, once there is one (its path then).
    pub record: Option<Record>,
    pub implementation_status: String,
    pub evidence: Counts,
}

/// An AI system.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemFact {
    pub id: String,
    pub record: Record,
    /// `Some(true)`: in scope; `None`: not decided.
    pub in_scope: Option<bool>,
    /// Its EU AI Act tier when classified (`high_risk`, …).
    pub tier: Option<String>,
    /// Risks that concern it.
    pub risks: usize,
    /// An approved impact assessment that still fits and is not due again.
    pub impact_current: bool,
    /// Why not, in a few words (`never assessed`, `re-assessment due`).
    pub impact_note: String,
    /// The EU AI Act obligations of its classification, each with the
    /// Annex A controls the crosswalk maps it to.
    pub obligations: Vec<Obligation>,
}

/// One EU AI Act obligation of a system and the controls that meet it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obligation {
    /// `Art. 9`
    pub article: String,
    /// Annex A ids (`A.6.2.4`).
    pub controls: Vec<String>,
}

/// A risk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskFact {
    pub record: Record,
    /// Residual (else current) band computed; `false`: not assessed.
    pub assessed: bool,
    /// `modify`, `avoid`, `share`, `retain` or empty.
    pub treatment: String,
    /// Treatment actions linked to it.
    pub actions: usize,
    /// Of those, open past their due date.
    pub actions_overdue: usize,
    /// Its newest acceptance is valid today (`None`: never accepted).
    pub acceptance_valid: Option<bool>,
    /// Ids of the systems it concerns.
    pub systems: Vec<String>,
}

/// A metric.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricFact {
    pub record: Record,
    /// No value for longer than its interval.
    pub stale: bool,
    /// At warning or critical now (the level's key), else `None`.
    pub breach: Option<String>,
}

/// An internal audit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFact {
    pub record: Record,
    /// `internal`, `stage1`, `supplier`, … (empty: not said, taken as internal).
    #[serde(default)]
    pub audit_type: String,
    pub status: String,
    pub start_on: Option<String>,
    pub end_on: Option<String>,
}

/// The audit programme over its cycle.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeFact {
    pub cycle_start: String,
    pub cycle_end: String,
    /// Items of the audit universe.
    pub total: usize,
    /// Of those, covered by completed audits of the cycle.
    pub covered: usize,
}

/// A management review.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewFact {
    pub record: Record,
    pub status: String,
    pub scheduled_on: Option<String>,
    pub held_on: Option<String>,
}

/// A dated piece of work with a status: a nonconformity, a corrective
/// action, a training.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatedFact {
    pub record: Record,
    pub status: String,
    /// The day it is due (or, for a training, expires).
    pub due: Option<String>,
}

/// Everything readiness reads, as of `today`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// `YYYY-MM-DD`
    pub today: String,
    /// Short titles of the requirements and areas, by id (`6.1.2`, `A.6`).
    pub titles: BTreeMap<String, String>,
    pub context_issues: usize,
    pub interested_parties: usize,
    pub scopes: Vec<ScopeFact>,
    pub documents: Vec<DocumentFact>,
    /// Responsibilities (RACI activities); the owner is the accountable one.
    pub responsibilities: Vec<Record>,
    pub objectives: Vec<ObjectiveFact>,
    pub soa: SoaFact,
    pub controls: Vec<ControlFact>,
    pub systems: Vec<SystemFact>,
    pub risks: Vec<RiskFact>,
    pub metrics: Vec<MetricFact>,
    pub audits: Vec<AuditFact>,
    pub programme: ProgrammeFact,
    pub reviews: Vec<ReviewFact>,
    pub nonconformities: Vec<DatedFact>,
    pub corrective_actions: Vec<DatedFact>,
    pub trainings: Vec<DatedFact>,
}

/// The outcome of one check. It borrows what it can from the snapshot:
/// a big workspace has a check per risk and rule, and only the failed ones
/// become [`Gap`]s with their own copies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check<'a> {
    pub passed: bool,
    /// What it is about, and where it is fixed.
    pub subject: Cow<'a, Subject>,
    /// What is missing, said when it fails.
    pub missing: Cow<'a, str>,
    /// Ids of the AI systems it counts for.
    pub systems: Cow<'a, [String]>,
}

/// A check's subject: the snapshot's own record, or one made for the check.
pub trait IntoSubject<'a> {
    fn into_subject(self) -> Cow<'a, Subject>;
}

impl<'a> IntoSubject<'a> for &'a Subject {
    fn into_subject(self) -> Cow<'a, Subject> {
        Cow::Borrowed(self)
    }
}

impl<'a> IntoSubject<'a> for Subject {
    fn into_subject(self) -> Cow<'a, Subject> {
        Cow::Owned(self)
    }
}

impl<'a> Check<'a> {
    /// A check of `subject`: passed, else `missing`.
    pub fn of(
        passed: bool,
        subject: impl IntoSubject<'a>,
        missing: impl Into<Cow<'a, str>>,
    ) -> Check<'a> {
        Check {
            passed,
            subject: subject.into_subject(),
            missing: missing.into(),
            systems: Cow::Borrowed(&[]),
        }
    }

    /// The same check, counted for a system too.
    pub fn for_systems(mut self, systems: &'a [String]) -> Check<'a> {
        self.systems = Cow::Borrowed(systems);
        self
    }
}

/// One thing missing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// The rule that found it.
    pub rule: &'static str,
    /// The clause requirement or Annex A control (`6.1.2`, `A.6.2.4`).
    pub requirement: String,
    pub requirement_title: String,
    pub missing: String,
    /// Why it matters, in our words.
    pub why: &'static str,
    pub subject: Subject,
    /// Points of the overall score fixing it alone would add.
    pub gain: f64,
}

/// A score with the checks behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// `4`, `A.6`, `6.1.2`, `A.6.2.4` or a system's id.
    pub id: String,
    pub title: String,
    /// `0.0..=1.0`
    pub score: f64,
    /// Whole percent, rounded down.
    pub percent: u8,
    pub passed: usize,
    pub checks: usize,
}

/// A high-risk system's EU AI Act obligations and whether the controls
/// mapped to each are in place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EuReadiness {
    pub system_id: String,
    pub title: String,
    pub tier: String,
    /// `(article, ready, controls not ready)`; an article the crosswalk
    /// maps to no control is listed with `ready` false and no controls.
    pub obligations: Vec<(String, bool, Vec<String>)>,
    pub percent: u8,
}

/// A rule's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleResult {
    pub rule: &'static str,
    pub requirement: String,
    pub passed: usize,
    pub checks: usize,
}

/// The whole reading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Readiness {
    pub today: String,
    pub overall: Score,
    /// Clauses 4–10, in order.
    pub clauses: Vec<Score>,
    /// Annex A areas with included controls, in order.
    pub areas: Vec<Score>,
    /// Every counting requirement: clause requirements, then controls.
    pub requirements: Vec<Score>,
    pub systems: Vec<Score>,
    pub eu_ai_act: Vec<EuReadiness>,
    pub rules: Vec<RuleResult>,
    /// Largest gain first.
    pub gaps: Vec<Gap>,
}

/// Whole percent of `score`, rounded down (1.0 only when it is whole).
pub fn percent(score: f64) -> u8 {
    // The cast is of a value clamped to 0..=100.
    (score.clamp(0.0, 1.0) * 100.0 + 1e-9).floor() as u8
}

fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        None
    } else {
        Some(values.iter().sum::<f64>() / values.len() as f64)
    }
}

/// The clause of a requirement (`6.1.2` → `6`) or the area of a control
/// (`A.6.2.4` → `A.6`).
pub fn parent_of(id: &str) -> String {
    if id.starts_with("A.") {
        id.split('.').take(2).collect::<Vec<_>>().join(".")
    } else {
        id.split('.').next().unwrap_or(id).to_owned()
    }
}

/// Annex A ids in numeric order (`A.6.2.10` after `A.6.2.9`).
fn id_order(id: &str) -> Vec<u32> {
    id.trim_start_matches("A.")
        .split('.')
        .map(|p| p.parse().unwrap_or(u32::MAX))
        .collect()
}

struct Outcome<'a> {
    rule: &'static str,
    why: &'static str,
    requirement: String,
    checks: Vec<Check<'a>>,
}

/// Reads the snapshot: every rule, every score, every gap.
pub fn assess(s: &Snapshot) -> Readiness {
    let mut outcomes: Vec<Outcome> = Vec::new();
    for r in rules::RULES {
        outcomes.push(Outcome {
            rule: r.id,
            why: r.why,
            requirement: r.requirement.to_owned(),
            checks: (r.run)(s),
        });
    }
    for c in &s.controls {
        for r in rules::CONTROL_RULES {
            outcomes.push(Outcome {
                rule: r.id,
                why: r.why,
                requirement: c.id.clone(),
                checks: vec![(r.run)(c)],
            });
        }
    }
    let title = |id: &str| s.titles.get(id).cloned().unwrap_or_default();
    // Requirement → the scores of its counting rules.
    let mut by_requirement: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for o in &outcomes {
        if let Some(score) = share(&o.checks) {
            by_requirement
                .entry(&o.requirement)
                .or_default()
                .push(score);
        }
    }
    let requirement_count = by_requirement.len();
    let mut requirements: Vec<Score> = Vec::new();
    let mut requirement_scores: BTreeMap<&str, f64> = BTreeMap::new();
    for (id, scores) in &by_requirement {
        let score = mean(scores).unwrap_or(0.0);
        requirement_scores.insert(id, score);
        let (passed, checks) = counts(outcomes.iter().filter(|o| o.requirement == *id));
        requirements.push(scored(id, title(id), score, passed, checks));
    }
    requirements.sort_by_key(|r| (r.id.starts_with("A."), id_order(&r.id)));
    let overall_score = mean(&requirement_scores.values().copied().collect::<Vec<_>>());
    let (passed, checks) = counts(outcomes.iter());
    let overall = scored(
        "overall",
        "Overall".into(),
        overall_score.unwrap_or(0.0),
        passed,
        checks,
    );
    let group = |annex: bool| -> Vec<Score> {
        let mut parents: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for (id, score) in &requirement_scores {
            if id.starts_with("A.") == annex {
                parents.entry(parent_of(id)).or_default().push(*score);
            }
        }
        let mut out: Vec<Score> = parents
            .into_iter()
            .map(|(p, scores)| {
                let (passed, checks) = counts(
                    outcomes
                        .iter()
                        .filter(|o| o.requirement.starts_with("A.") == annex)
                        .filter(|o| parent_of(&o.requirement) == p),
                );
                let t = title(&p);
                scored(&p, t, mean(&scores).unwrap_or(0.0), passed, checks)
            })
            .collect();
        out.sort_by_key(|g| id_order(&g.id));
        out
    };
    let clauses = group(false);
    let areas = group(true);
    // Each system's (passed, checks), in one pass over the checks.
    let mut per_system: HashMap<&str, (usize, usize)> = HashMap::new();
    for c in outcomes.iter().flat_map(|o| &o.checks) {
        for (i, id) in c.systems.iter().enumerate() {
            if c.systems[..i].contains(id) {
                continue; // a system named twice counts once
            }
            let e = per_system.entry(id.as_str()).or_default();
            e.0 += usize::from(c.passed);
            e.1 += 1;
        }
    }
    let systems = s
        .systems
        .iter()
        .map(|sys| {
            let (passed, checks) = per_system.get(sys.id.as_str()).copied().unwrap_or((0, 0));
            let score = if checks == 0 {
                0.0
            } else {
                passed as f64 / checks as f64
            };
            scored(&sys.id, sys.record.title.clone(), score, passed, checks)
        })
        .collect();
    // Gaps go largest gain first, then clauses before Annex A in numeric
    // order, then by title; each requirement's place is worked out once.
    let places = requirement_places(outcomes.iter().map(|o| o.requirement.as_str()));
    let mut keyed: Vec<(usize, Gap)> = Vec::new();
    for o in &outcomes {
        // An outcome with checks counts for its requirement, so one with a
        // failed check has a rule here and a requirement counting.
        let rules_here = by_requirement
            .get(o.requirement.as_str())
            .map_or(0, Vec::len);
        if rules_here == 0 {
            continue;
        }
        let per_check = 100.0 / (o.checks.len() * rules_here * requirement_count) as f64;
        let place = places.get(o.requirement.as_str()).copied().unwrap_or(0);
        let requirement_title = title(&o.requirement);
        for c in o.checks.iter().filter(|c| !c.passed) {
            keyed.push((
                place,
                Gap {
                    rule: o.rule,
                    requirement: o.requirement.clone(),
                    requirement_title: requirement_title.clone(),
                    missing: c.missing.to_string(),
                    why: o.why,
                    subject: c.subject.clone().into_owned(),
                    gain: per_check,
                },
            ));
        }
    }
    keyed.sort_by(|(pa, a), (pb, b)| {
        b.gain
            .total_cmp(&a.gain)
            .then(pa.cmp(pb))
            .then_with(|| a.subject.title.cmp(&b.subject.title))
    });
    let gaps: Vec<Gap> = keyed.into_iter().map(|(_, g)| g).collect();
    let rules = outcomes
        .iter()
        .map(|o| RuleResult {
            rule: o.rule,
            requirement: o.requirement.clone(),
            passed: o.checks.iter().filter(|c| c.passed).count(),
            checks: o.checks.len(),
        })
        .collect();
    Readiness {
        today: s.today.clone(),
        overall,
        clauses,
        areas,
        requirements,
        systems,
        eu_ai_act: eu_readiness(s, &outcomes),
        rules,
        gaps,
    }
}

/// Each requirement's place in the order clauses, then Annex A, each in
/// numeric order; requirements that order the same share a place.
fn requirement_places<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut keys: Vec<((bool, Vec<u32>), &str)> = ids
        .collect::<std::collections::BTreeSet<&str>>()
        .into_iter()
        .map(|id| ((id.starts_with("A."), id_order(id)), id))
        .collect();
    keys.sort();
    let mut places = HashMap::new();
    let mut place = 0;
    for (i, (key, id)) in keys.iter().enumerate() {
        if i > 0 && keys[i - 1].0 != *key {
            place = i;
        }
        places.insert(*id, place);
    }
    places
}

fn share(checks: &[Check<'_>]) -> Option<f64> {
    if checks.is_empty() {
        None
    } else {
        Some(checks.iter().filter(|c| c.passed).count() as f64 / checks.len() as f64)
    }
}

fn counts<'a, 's: 'a>(outcomes: impl Iterator<Item = &'a Outcome<'s>>) -> (usize, usize) {
    outcomes
        .flat_map(|o| &o.checks)
        .fold((0, 0), |(p, n), c| (p + usize::from(c.passed), n + 1))
}

fn scored(id: &str, title: String, score: f64, passed: usize, checks: usize) -> Score {
    Score {
        id: id.to_owned(),
        title,
        score,
        percent: percent(score),
        passed,
        checks,
    }
}

/// Each high-risk system's obligations: ready when every control the
/// crosswalk maps the article to is included and passes all its checks.
fn eu_readiness(s: &Snapshot, outcomes: &[Outcome<'_>]) -> Vec<EuReadiness> {
    let control_ok = |id: &str| {
        s.controls.iter().any(|c| c.id == id)
            && outcomes
                .iter()
                .filter(|o| o.requirement == id)
                .all(|o| o.checks.iter().all(|c| c.passed))
    };
    s.systems
        .iter()
        .filter(|sys| sys.tier.as_deref() == Some("high_risk"))
        .map(|sys| {
            let obligations: Vec<(String, bool, Vec<String>)> = sys
                .obligations
                .iter()
                .map(|o| {
                    let missing: Vec<String> = o
                        .controls
                        .iter()
                        .filter(|c| !control_ok(c))
                        .cloned()
                        .collect();
                    (
                        o.article.clone(),
                        !o.controls.is_empty() && missing.is_empty(),
                        missing,
                    )
                })
                .collect();
            let ready = obligations.iter().filter(|o| o.1).count();
            let score = if obligations.is_empty() {
                0.0
            } else {
                ready as f64 / obligations.len() as f64
            };
            EuReadiness {
                system_id: sys.id.clone(),
                title: sys.record.title.clone(),
                tier: "high_risk".into(),
                obligations,
                percent: percent(score),
            }
        })
        .collect()
}
