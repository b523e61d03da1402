//! EU AI Act (Regulation (EU) 2024/1689) classification of one AI system, as a
//! pure function: answers to the questionnaire in, a classification out.
//!
//! It decides, on separate axes:
//! - the organisation's **operator roles** for the system (Art. 3, Art. 25(3));
//! - the **risk tier**: prohibited practice (Art. 5), high-risk through
//!   Annex I (Art. 6(1)) or Annex III (Art. 6(2)), not high-risk under the
//!   Art. 6(3) derogation, minimal, or undetermined while answers are missing;
//! - the **transparency** obligations of Art. 50;
//! - whether the organisation provides a **general-purpose AI model**, and
//!   whether it has systemic risk (Art. 51–55);
//! - the **articles** whose obligations follow (the catalogue adds titles and
//!   dates), and the **reasoning**, each step citing its article or annex point.
//!
//! The tier is decided in this order:
//! 1. Any Art. 5 practice → prohibited, whatever else is true. While an Art. 5
//!    question is unanswered and none applies, the tier stays undetermined.
//! 2. A product, or safety component of a product, under Annex I legislation
//!    that needs third-party conformity assessment → high-risk (Art. 6(1)).
//! 3. An intended use listed in Annex III → high-risk (Art. 6(2)), unless one
//!    of the Art. 6(3) conditions is fulfilled; the derogation never applies
//!    when the system profiles natural persons.
//! 4. An unanswered question that could still make the system high-risk →
//!    undetermined: a lower tier is never assumed.
//! 5. Otherwise minimal.
//!
//! Art. 50 and the general-purpose model axis are decided independently of
//! the tier. Systemic risk is presumed when cumulative training compute is
//! *greater than* 10^25 FLOPs (Art. 51(2)): exactly 10^25 is not enough.
//!
//! Answers to questions whose condition is not met (say, employment uses when
//! the area chosen is education) are checked for type but otherwise ignored;
//! `null` means "not answered yet".
//!
//! This is an aid for a first, documented assessment, not legal advice: the
//! wording is ours, the Act's exceptions are folded into the questions, and a
//! qualified person should confirm the result before anyone relies on it.

use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

mod questions;

pub use questions::{applicable_questions, question, AnswerKind, Choice, Condition, Lit, Question};
use questions::{Given, DEROGATIONS, QUESTIONS};

/// Problems with answers, keyed by question id.
pub type AnswerErrors = FieldErrors;

/// Training compute above which a general-purpose model is presumed to have
/// high-impact capabilities, and so systemic risk (Art. 51(2)).
pub const SYSTEMIC_RISK_FLOPS: f64 = 1e25;

/// Every question, in the order a person answers them
/// (`GET /api/v1/catalog/eu-ai-act/questionnaire`).
pub fn questionnaire() -> &'static [Question] {
    QUESTIONS
}

/// One answer set: question id → `true`/`false`, an option id, a list of
/// option ids, a number, or `null` for "not answered yet".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    pub answers: BTreeMap<String, serde_json::Value>,
}

impl Answers {
    /// The answers of a provider whose system does nothing the Act singles
    /// out: every Art. 5, Art. 50 and other operator-role question "no" (the
    /// public-body question, asked only of deployers, stays open), no Annex I
    /// product, no Annex III area, no general-purpose model. A starting point
    /// that a person (or the demo) changes; it classifies as minimal.
    pub fn plain_provider() -> Answers {
        let mut answers = BTreeMap::new();
        for q in QUESTIONS {
            let role = ROLES.iter().any(|(id, _)| *id == q.id);
            if role || q.id.starts_with("art5.") || q.id.starts_with("art50.") {
                answers.insert(q.id.to_owned(), serde_json::Value::Bool(false));
            }
        }
        for (id, value) in [
            ("role.places_on_market", serde_json::json!(true)),
            ("annex1.product_legislation", serde_json::json!(false)),
            ("annex3.area", serde_json::json!("none")),
            ("gpai.provides_model", serde_json::json!(false)),
        ] {
            answers.insert(id.to_owned(), value);
        }
        Answers { answers }
    }
}

/// What the organisation is for the system, in the Act's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatorRole {
    Provider,
    Deployer,
    Importer,
    Distributor,
    ProductManufacturer,
    AuthorisedRepresentative,
}

impl OperatorRole {
    pub fn label(self) -> &'static str {
        match self {
            OperatorRole::Provider => "provider",
            OperatorRole::Deployer => "deployer",
            OperatorRole::Importer => "importer",
            OperatorRole::Distributor => "distributor",
            OperatorRole::ProductManufacturer => "product manufacturer",
            OperatorRole::AuthorisedRepresentative => "authorised representative",
        }
    }
}

/// The risk tier of the system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "tier", rename_all = "snake_case")]
pub enum RiskTier {
    /// Art. 5 practices that apply, e.g. `Art. 5(1)(c)`.
    Prohibited {
        practices: Vec<String>,
    },
    HighRisk {
        basis: Vec<HighRiskBasis>,
    },
    /// Annex III points (e.g. `4(a)`) set aside by the Art. 6(3) conditions
    /// that are fulfilled (e.g. `Art. 6(3)(a)`).
    NotHighRiskDerogation {
        points: Vec<String>,
        conditions: Vec<String>,
    },
    Minimal,
    /// Answers that could change the tier are missing (see `missing`).
    Undetermined,
}

/// Every tier's name with a label people read, in order of severity.
pub const TIER_NAMES: &[(&str, &str)] = &[
    ("prohibited", "Prohibited practice"),
    ("high_risk", "High-risk"),
    ("not_high_risk_derogation", "Not high-risk (Art. 6(3))"),
    ("minimal", "Minimal"),
    ("undetermined", "Undetermined"),
];

impl RiskTier {
    /// The tier's name as serialised (`tier`), for lists and filters.
    pub fn name(&self) -> &'static str {
        match self {
            RiskTier::Prohibited { .. } => "prohibited",
            RiskTier::HighRisk { .. } => "high_risk",
            RiskTier::NotHighRiskDerogation { .. } => "not_high_risk_derogation",
            RiskTier::Minimal => "minimal",
            RiskTier::Undetermined => "undetermined",
        }
    }
}

/// When an article's obligations apply (Art. 113), as `YYYY-MM-DD`.
/// `annex_i_only` is true for a system high-risk only through Annex I
/// (Art. 6(1)), whose high-risk obligations apply a year later. Dates are
/// the Act's as published; a pending amendment may move the high-risk ones.
pub fn applies_from(article: u32, annex_i_only: bool) -> &'static str {
    match article {
        1..=5 => "2025-02-02",
        28..=39 | 51..=56 | 64..=70 | 78 | 99 | 100 => "2025-08-02",
        6..=27 | 40..=49 | 72 | 73 if annex_i_only => "2027-08-02",
        _ => "2026-08-02",
    }
}

impl Classification {
    /// True when the system is high-risk through Annex I and nothing else.
    pub fn high_risk_via_annex_i_only(&self) -> bool {
        matches!(&self.risk_tier, RiskTier::HighRisk { basis }
            if !basis.is_empty() && basis.iter().all(|b| matches!(b, HighRiskBasis::AnnexI)))
    }
}

/// Why a system is high-risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "route")]
pub enum HighRiskBasis {
    /// Art. 6(1): product legislation listed in Annex I.
    #[serde(rename = "annex_i")]
    AnnexI,
    /// Art. 6(2): an Annex III point such as `4(a)`.
    #[serde(rename = "annex_iii")]
    AnnexIII { point: String },
}

/// An Art. 50 transparency obligation that the system triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transparency {
    InteractsWithPeople,
    SyntheticContent,
    EmotionOrBiometricCategorisation,
    DeepFakeOrPublicInterestText,
}

impl Transparency {
    pub const ALL: [Transparency; 4] = [
        Transparency::InteractsWithPeople,
        Transparency::SyntheticContent,
        Transparency::EmotionOrBiometricCategorisation,
        Transparency::DeepFakeOrPublicInterestText,
    ];

    pub fn cite(self) -> &'static str {
        match self {
            Transparency::InteractsWithPeople => "Art. 50(1)",
            Transparency::SyntheticContent => "Art. 50(2)",
            Transparency::EmotionOrBiometricCategorisation => "Art. 50(3)",
            Transparency::DeepFakeOrPublicInterestText => "Art. 50(4)",
        }
    }

    /// Who carries the obligation: providers for 50(1)–(2), deployers for 50(3)–(4).
    pub fn borne_by(self) -> OperatorRole {
        match self {
            Transparency::InteractsWithPeople | Transparency::SyntheticContent => {
                OperatorRole::Provider
            }
            _ => OperatorRole::Deployer,
        }
    }

    fn duty(self) -> &'static str {
        match self {
            Transparency::InteractsWithPeople => "The provider must design the system so that people are told they are dealing with AI.",
            Transparency::SyntheticContent => "The provider must mark generated or altered output, in a machine-readable way, as artificially made.",
            Transparency::EmotionOrBiometricCategorisation => "The deployer must tell the people exposed to the system that it is in operation.",
            Transparency::DeepFakeOrPublicInterestText => "The deployer must disclose that the content was artificially generated or altered.",
        }
    }
}

/// The general-purpose AI model axis (Chapter V).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GpaiClass {
    /// The organisation provides no general-purpose AI model.
    None,
    /// A general-purpose model without systemic risk (Art. 53).
    GeneralPurpose,
    /// A model with systemic risk (Art. 51, 55).
    SystemicRisk,
    Undetermined,
}

/// One step of the reasoning: what was concluded, on which provision, from
/// which answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The article or annex point, e.g. `Annex III 4(a)` or `Art. 6(3)`.
    pub cite: String,
    pub conclusion: String,
    /// The question ids the step rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub because: Vec<String>,
}

/// The result of [`classify`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub operator_roles: BTreeSet<OperatorRole>,
    pub risk_tier: RiskTier,
    pub transparency: Vec<Transparency>,
    pub gpai: GpaiClass,
    pub reasoning: Vec<Step>,
    /// Articles whose obligations follow for this organisation, ascending.
    pub obligation_articles: Vec<u32>,
    /// Unanswered questions that matter for the result, in questionnaire order.
    pub missing: Vec<String>,
}

impl Classification {
    /// True when every question that matters was answered.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// Classifies a system from its answers. Unknown question ids, answers of the
/// wrong type and unknown options are errors naming the question; missing
/// answers are listed in [`Classification::missing`].
pub fn classify(answers: &Answers) -> Result<Classification, AnswerErrors> {
    let mut cx = Ctx {
        given: questions::check(answers)?,
        missing: BTreeSet::new(),
        steps: Vec::new(),
    };
    let operator_roles = roles(&mut cx);
    let risk_tier = risk_tier(&mut cx);
    let transparency = transparency(&mut cx);
    let gpai = gpai(&mut cx);
    let obligation_articles =
        obligations(&mut cx, &operator_roles, &risk_tier, &transparency, gpai);
    Ok(Classification {
        operator_roles,
        risk_tier,
        transparency,
        gpai,
        missing: QUESTIONS
            .iter()
            .filter(|q| cx.missing.contains(q.id))
            .map(|q| q.id.to_owned())
            .collect(),
        reasoning: cx.steps,
        obligation_articles,
    })
}

/// The checked answers, the unanswered questions that were needed, and the
/// reasoning so far.
struct Ctx {
    given: BTreeMap<&'static str, Given>,
    missing: BTreeSet<&'static str>,
    steps: Vec<Step>,
}

impl Ctx {
    /// The answer to a question that matters; noted as missing when there is none.
    fn need(&mut self, id: &'static str) -> Option<&Given> {
        if !self.given.contains_key(id) {
            self.missing.insert(id);
        }
        self.given.get(id)
    }

    fn yes(&mut self, id: &'static str) -> Option<bool> {
        match self.need(id) {
            Some(Given::Yes(b)) => Some(*b),
            _ => None,
        }
    }

    fn many(&mut self, id: &'static str) -> Option<Vec<&'static str>> {
        match self.need(id) {
            Some(Given::Many(v)) => Some(v.clone()),
            _ => None,
        }
    }

    fn step(&mut self, cite: &str, because: &[&str], conclusion: impl Into<String>) {
        self.steps.push(Step {
            cite: cite.to_owned(),
            conclusion: conclusion.into(),
            because: because.iter().map(|s| (*s).to_owned()).collect(),
        });
    }
}

/// The citation of an option, e.g. `Annex III 4(a)` for `recruitment`.
fn cite_of(options: &[Choice], id: &str) -> &'static str {
    let found = options.iter().find(|o| o.id == id);
    found.and_then(|o| o.cite).unwrap_or_default()
}

const ROLES: [(&str, OperatorRole); 6] = [
    ("role.places_on_market", OperatorRole::Provider),
    ("role.uses_under_authority", OperatorRole::Deployer),
    ("role.imports", OperatorRole::Importer),
    ("role.distributes", OperatorRole::Distributor),
    (
        "role.product_manufacturer",
        OperatorRole::ProductManufacturer,
    ),
    (
        "role.authorised_representative",
        OperatorRole::AuthorisedRepresentative,
    ),
];

fn roles(cx: &mut Ctx) -> BTreeSet<OperatorRole> {
    let mut roles = BTreeSet::new();
    for (id, role) in ROLES {
        if cx.yes(id) == Some(true) {
            roles.insert(role);
            let cite = question(id).map_or("Art. 3", |q| q.rests_on);
            let text = format!("Your organisation is a {} of this system.", role.label());
            cx.step(cite, &[id], text);
        }
    }
    roles
}

fn risk_tier(cx: &mut Ctx) -> RiskTier {
    let before = cx.missing.clone();
    let mut practices = Vec::new();
    for q in QUESTIONS.iter().filter(|q| q.id.starts_with("art5.")) {
        if cx.yes(q.id) == Some(true) {
            practices.push(q.rests_on.to_owned());
            cx.step(q.rests_on, &[q.id], "This is a prohibited AI practice.");
        }
    }
    if !practices.is_empty() {
        cx.step("Art. 5", &[], "A prohibited practice may not be placed on the market, put into service or used in the EU, whatever else is true of the system; the high-risk rules are not assessed.");
        return RiskTier::Prohibited { practices };
    }
    let art5_open = cx.missing.len() > before.len();
    if !art5_open {
        cx.step(
            "Art. 5",
            &[],
            "None of the practices prohibited by Art. 5 applies.",
        );
    }
    let mut basis = Vec::new();
    annex_i(cx, &mut basis);
    let derogation = annex_iii(cx, &mut basis);
    let open: Vec<&str> = cx.missing.difference(&before).copied().collect();
    if art5_open || (basis.is_empty() && !open.is_empty()) {
        let (cite, why) = match art5_open {
            true => ("Art. 5", "Until every Art. 5 question is answered, a prohibited practice cannot be ruled out"),
            false => ("Art. 6", "Unanswered questions could still make the system high-risk"),
        };
        cx.step(cite, &open, format!("{why}: the tier stays undetermined."));
        return RiskTier::Undetermined;
    }
    if !basis.is_empty() {
        return RiskTier::HighRisk { basis };
    }
    if let Some((points, conditions)) = derogation {
        cx.step("Art. 6(4)", &[], "Not high-risk under the Art. 6(3) derogation. The provider must document this assessment before placing the system on the market, and still register the system (Art. 49(2)).");
        return RiskTier::NotHighRiskDerogation { points, conditions };
    }
    cx.step("Art. 6", &[], "No prohibited practice, and neither Annex I nor Annex III makes the system high-risk: minimal risk, with no obligations specific to a tier; voluntary codes of conduct are encouraged (Art. 95).");
    RiskTier::Minimal
}

fn annex_i(cx: &mut Ctx, basis: &mut Vec<HighRiskBasis>) {
    const PRODUCT: &str = "annex1.product_legislation";
    const THIRD_PARTY: &str = "annex1.third_party_assessment";
    match cx.yes(PRODUCT) {
        Some(false) => cx.step("Art. 6(1)", &[PRODUCT], "The system is neither a product nor a safety component of a product under the legislation listed in Annex I."),
        Some(true) => match cx.yes(THIRD_PARTY) {
            Some(false) => cx.step("Art. 6(1)(b)", &[THIRD_PARTY], "The product needs no third-party conformity assessment, so Annex I does not make the system high-risk."),
            Some(true) => {
                basis.push(HighRiskBasis::AnnexI);
                cx.step("Art. 6(1)", &[PRODUCT, THIRD_PARTY], "A product, or a safety component of a product, under Annex I legislation that needs third-party conformity assessment: high-risk.");
                cx.step("Art. 2(2)", &[], "For products under the legislation in Annex I Section B (vehicles, civil aviation, marine equipment, rail) only Art. 6(1), Art. 102–109 and Art. 112 apply directly, and the requirements arrive through that legislation; the obligations listed assume Section A.");
            }
            None => {}
        },
        None => {}
    }
}

/// Adds the Annex III points that make the system high-risk to `basis`;
/// returns the points and conditions when the derogation sets them aside.
fn annex_iii(cx: &mut Ctx, basis: &mut Vec<HighRiskBasis>) -> Option<(Vec<String>, Vec<String>)> {
    const AREA: &str = "annex3.area";
    const PROFILING: &str = "art6_3.profiling";
    const CONDITIONS: &str = "art6_3.conditions";
    let area = match cx.need(AREA)? {
        Given::One("none") => {
            cx.step(
                "Art. 6(2)",
                &[AREA],
                "The system is intended for no use listed in Annex III at all.",
            );
            return None;
        }
        Given::One(area) => *area,
        _ => return None,
    };
    let q = question(&format!("annex3.{area}"))?;
    let AnswerKind::MultiChoice { options } = q.answer else {
        return None;
    };
    let cites: Vec<&str> = cx.many(q.id)?.iter().map(|o| cite_of(options, o)).collect();
    if cites.is_empty() {
        let cite = cite_of(questions::AREAS, area);
        cx.step(
            cite,
            &[q.id],
            "None of the uses listed under this point of Annex III applies.",
        );
        return None;
    }
    for cite in &cites {
        cx.step(cite, &[q.id], "This intended use is listed in Annex III: high-risk under Art. 6(2), unless the Art. 6(3) derogation applies.");
    }
    let points: Vec<String> = cites.iter().map(|c| c.replace("Annex III ", "")).collect();
    let high_risk = points
        .iter()
        .map(|p| HighRiskBasis::AnnexIII { point: p.clone() });
    if cx.yes(PROFILING)? {
        cx.step("Art. 6(3)", &[PROFILING], "The system profiles natural persons, so the derogation can never apply: it stays high-risk.");
        basis.extend(high_risk);
        return None;
    }
    let met = cx.many(CONDITIONS)?;
    if met.is_empty() {
        cx.step(
            "Art. 6(3)",
            &[CONDITIONS],
            "None of the conditions of the derogation is fulfilled, so the system stays high-risk.",
        );
        basis.extend(high_risk);
        return None;
    }
    let conditions: Vec<String> = met.iter().map(|c| cite_of(DEROGATIONS, c).into()).collect();
    for cite in &conditions {
        cx.step(cite, &[PROFILING, CONDITIONS], "This condition is fulfilled and the system does not profile people, so the derogation applies.");
    }
    Some((points, conditions))
}

fn transparency(cx: &mut Ctx) -> Vec<Transparency> {
    let mut found = BTreeSet::new();
    for q in QUESTIONS.iter().filter(|q| q.id.starts_with("art50.")) {
        let Some(t) = Transparency::ALL
            .into_iter()
            .find(|t| t.cite() == q.rests_on)
        else {
            continue;
        };
        if cx.yes(q.id) == Some(true) {
            found.insert(t);
            cx.step(t.cite(), &[q.id], t.duty());
        }
    }
    // Emotion recognition or biometric categorisation chosen under Annex III 1
    // triggers Art. 50(3) as well, whatever the Art. 50 answer says.
    let t = Transparency::EmotionOrBiometricCategorisation;
    let in_annex_iii = cx.given.get("annex3.area") == Some(&Given::One("biometrics"))
        && matches!(cx.given.get("annex3.biometrics"),
            Some(Given::Many(v)) if v.iter().any(|o| *o != "remote_identification"));
    if in_annex_iii && found.insert(t) {
        cx.step(t.cite(), &["annex3.biometrics"], t.duty());
    }
    found.into_iter().collect()
}

fn gpai(cx: &mut Ctx) -> GpaiClass {
    const MODEL: &str = "gpai.provides_model";
    const FLOPS: &str = "gpai.training_compute_flops";
    const DESIGNATED: &str = "gpai.designated";
    match cx.yes(MODEL) {
        None => return GpaiClass::Undetermined,
        Some(false) => return GpaiClass::None,
        Some(true) => {}
    }
    let flops = match cx.given.get(FLOPS) {
        Some(Given::Number(f)) => Some(*f),
        _ => None,
    };
    let designated = match cx.given.get(DESIGNATED) {
        Some(Given::Yes(b)) => Some(*b),
        _ => None,
    };
    let by_compute = flops.filter(|f| *f > SYSTEMIC_RISK_FLOPS);
    if let Some(f) = by_compute {
        cx.step("Art. 51(2)", &[FLOPS], format!("Trained with {f:e} FLOPs, more than 10^25: high-impact capabilities are presumed, so the model has systemic risk."));
    }
    if designated == Some(true) {
        cx.step(
            "Art. 51(1)",
            &[DESIGNATED],
            "Designated, or found to have high-impact capabilities: the model has systemic risk.",
        );
    }
    if by_compute.is_some() || designated == Some(true) {
        cx.step("Art. 55", &[MODEL], "The provider of a general-purpose AI model with systemic risk has the duties of Art. 53 and Art. 55, and notifies the Commission (Art. 52).");
        return GpaiClass::SystemicRisk;
    }
    if let (Some(f), Some(false)) = (flops, designated) {
        cx.step("Art. 53", &[MODEL, FLOPS, DESIGNATED], format!("Trained with {f:e} FLOPs, not more than 10^25, and not designated: a general-purpose AI model without systemic risk, with the provider's duties of Art. 53."));
        return GpaiClass::GeneralPurpose;
    }
    let open: Vec<&str> = [(FLOPS, flops.is_none()), (DESIGNATED, designated.is_none())]
        .into_iter()
        .filter_map(|(id, open)| open.then_some(id))
        .collect();
    cx.missing.extend(&open);
    cx.step(
        "Art. 51",
        &open,
        "Whether the model has systemic risk stays open until these questions are answered.",
    );
    GpaiClass::Undetermined
}

/// A high-risk system's provider: requirements (Art. 8–15), provider duties
/// (Art. 16–21), conformity assessment, declaration, CE marking and
/// registration (Art. 43, 47–49), post-market monitoring and serious
/// incidents (Art. 72–73).
const HIGH_RISK_PROVIDER: [u32; 20] = [
    8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 43, 47, 48, 49, 72, 73,
];

fn obligations(
    cx: &mut Ctx,
    roles: &BTreeSet<OperatorRole>,
    tier: &RiskTier,
    transparency: &[Transparency],
    gpai: GpaiClass,
) -> Vec<u32> {
    use OperatorRole as R;
    let has = |r: R| roles.contains(&r);
    let mut out = BTreeSet::new();
    if has(R::Provider) || has(R::Deployer) {
        out.insert(4); // AI literacy, whatever the tier.
    }
    match tier {
        RiskTier::Prohibited { .. } => out.extend([5]),
        RiskTier::HighRisk { basis } => {
            let manufacturer =
                has(R::ProductManufacturer) && basis.contains(&HighRiskBasis::AnnexI);
            if manufacturer && !has(R::Provider) {
                cx.step("Art. 25(3)", &["role.product_manufacturer"], "As manufacturer of the Annex I product that contains it, your organisation counts as the provider of the high-risk AI system.");
            }
            if has(R::Provider) || manufacturer {
                out.extend(HIGH_RISK_PROVIDER);
            }
            if has(R::Deployer) {
                out.insert(26);
                if rights_assessment(cx, basis) {
                    out.insert(27);
                }
            }
            let others = [
                (R::AuthorisedRepresentative, 22),
                (R::Importer, 23),
                (R::Distributor, 24),
            ];
            out.extend(others.into_iter().filter(|(r, _)| has(*r)).map(|(_, a)| a));
        }
        RiskTier::NotHighRiskDerogation { .. } if has(R::Provider) => out.extend([6, 49]),
        _ => {}
    }
    if transparency.iter().any(|t| has(t.borne_by())) {
        out.insert(50);
    }
    match gpai {
        GpaiClass::GeneralPurpose => out.extend([53]),
        GpaiClass::SystemicRisk => out.extend([52, 53, 55]),
        GpaiClass::None | GpaiClass::Undetermined => {}
    }
    out.into_iter().collect()
}

/// Art. 27: a deployer of an Annex III system assesses its impact on
/// fundamental rights when it scores credit or prices life and health
/// insurance (5(b), 5(c)), or when the deployer is a public body or provides
/// public services (except for critical infrastructure, point 2).
fn rights_assessment(cx: &mut Ctx, basis: &[HighRiskBasis]) -> bool {
    const PUBLIC: &str = "role.public_service_deployer";
    let points: Vec<&str> = basis
        .iter()
        .filter_map(|b| match b {
            HighRiskBasis::AnnexIII { point } => Some(point.as_str()),
            HighRiskBasis::AnnexI => None,
        })
        .collect();
    if points.iter().any(|p| matches!(*p, "5(b)" | "5(c)")) {
        cx.step("Art. 27(1)", &[], "A deployer of a system that scores credit or prices life or health insurance must assess its impact on fundamental rights before first use.");
        return true;
    }
    if points.iter().all(|p| *p == "2") || cx.yes(PUBLIC) != Some(true) {
        return false;
    }
    cx.step("Art. 27(1)", &[PUBLIC], "A public body, or an organisation providing public services, that deploys an Annex III system must assess its impact on fundamental rights before first use.");
    true
}

#[cfg(test)]
mod tests;
