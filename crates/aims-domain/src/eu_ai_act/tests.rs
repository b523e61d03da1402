//! Tests of the EU AI Act classifier (kept apart: the rules file stays short).
use super::*;
use serde_json::{json, Value};
use GpaiClass as G;
use OperatorRole::{Deployer, Provider};

/// Answers written `id=value …`: `yes`/`no`, an option, options joined
/// by `,` (nothing for none), a number, or `null`.
fn parse(text: &str) -> BTreeMap<String, Value> {
    let mut map = BTreeMap::new();
    for pair in text.split_whitespace() {
        let (id, v) = pair.split_once('=').unwrap();
        let value = match (question(id).map(|q| q.answer), v) {
            (_, "null") => Value::Null,
            (Some(AnswerKind::YesNo), _) => json!(v == "yes"),
            (Some(AnswerKind::MultiChoice { .. }), _) => {
                json!(v.split(',').filter(|o| !o.is_empty()).collect::<Vec<_>>())
            }
            (Some(AnswerKind::Number { .. }), _) => json!(v.parse::<f64>().unwrap()),
            _ => json!(v),
        };
        map.insert(id.to_owned(), value);
    }
    map
}

/// A provider whose system does nothing the Act singles out, with `over` on top.
fn full(over: &str) -> Answers {
    let mut answers = Answers::plain_provider();
    answers.answers.extend(parse(over));
    answers
}

#[test]
fn a_plain_provider_is_minimal_and_complete() {
    let c = classify(&Answers::plain_provider()).unwrap();
    assert_eq!(c.risk_tier, RiskTier::Minimal);
    assert!(c.is_complete(), "{:?}", c.missing);
    assert_eq!(c.operator_roles.iter().collect::<Vec<_>>(), [&Provider]);
}

fn with(over: &str) -> Classification {
    classify(&full(over)).unwrap()
}

/// The tier in short: `prohibited Art. 5(1)(c)`, `high_risk annex_i 4(a)`,
/// `derogation 4(a) Art. 6(3)(a)`, `minimal`, `undetermined`.
fn tier(c: &Classification) -> String {
    match &c.risk_tier {
        RiskTier::Prohibited { practices } => format!("prohibited {}", practices.join(" ")),
        RiskTier::HighRisk { basis } => {
            let basis: Vec<_> = basis
                .iter()
                .map(|b| match b {
                    HighRiskBasis::AnnexI => "annex_i",
                    HighRiskBasis::AnnexIII { point } => point,
                })
                .collect();
            format!("high_risk {}", basis.join(" "))
        }
        RiskTier::NotHighRiskDerogation { points, conditions } => {
            format!("derogation {} {}", points.join(" "), conditions.join(" "))
        }
        RiskTier::Minimal => "minimal".into(),
        RiskTier::Undetermined => "undetermined".into(),
    }
}

fn cites(c: &Classification) -> Vec<&str> {
    c.reasoning.iter().map(|s| s.cite.as_str()).collect()
}

/// The question ids behind the first step citing `cite`, joined by spaces.
fn because(c: &Classification, cite: &str) -> String {
    let step = c.reasoning.iter().find(|s| s.cite == cite);
    step.unwrap_or_else(|| panic!("no {cite}: {:#?}", c.reasoning))
        .because
        .join(" ")
}

fn missing(c: &Classification) -> String {
    c.missing.join(" ")
}

const CV: &str = "annex3.area=employment annex3.employment=recruitment";
const DEPLOYER: &str = "role.places_on_market=no role.uses_under_authority=yes";
const PRODUCT: &str = "annex1.product_legislation=yes annex1.third_party_assessment=yes";
const PROVIDER: [u32; 21] = [
    4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 43, 47, 48, 49, 72, 73,
];

#[test]
fn spam_filter_is_minimal() {
    let c = with("");
    assert_eq!(tier(&c), "minimal");
    assert!(c
        .reasoning
        .last()
        .unwrap()
        .conclusion
        .contains("minimal risk"));
    assert_eq!(because(&c, "Art. 3(3)"), "role.places_on_market");
    assert_eq!(because(&c, "Art. 6(1)"), "annex1.product_legislation");
    assert_eq!(because(&c, "Art. 6(2)"), "annex3.area");
    assert!(cites(&c).contains(&"Art. 5") && cites(&c).ends_with(&["Art. 6"]));
    assert_eq!(c.operator_roles, BTreeSet::from([Provider]));
    assert!(c.transparency.is_empty() && c.gpai == G::None);
    assert_eq!(c.obligation_articles, [4]);
    assert!(c.missing.is_empty() && c.is_complete());
}

#[test]
fn cv_screening_is_high_risk_under_annex_iii_4a() {
    let c = with(&format!("{CV} art6_3.profiling=yes"));
    assert_eq!(tier(&c), "high_risk 4(a)");
    assert_eq!(because(&c, "Annex III 4(a)"), "annex3.employment");
    assert_eq!(because(&c, "Art. 6(3)"), "art6_3.profiling");
    assert_eq!(c.obligation_articles, PROVIDER);
    assert!(c.is_complete());
    let both = with(&format!("{CV},work_relationship art6_3.profiling=yes"));
    assert_eq!(tier(&both), "high_risk 4(a) 4(b)");
}

#[test]
fn creditworthiness_scoring_is_high_risk_under_5b_and_its_deployer_assesses_rights() {
    let credit = |use_: &str| {
        let area = "annex3.area=essential_services art6_3.profiling=yes";
        with(&format!(
            "{DEPLOYER} {area} annex3.essential_services={use_}"
        ))
    };
    let c = credit("creditworthiness");
    assert_eq!(tier(&c), "high_risk 5(b)");
    assert!(cites(&c).contains(&"Annex III 5(b)"));
    assert_eq!(because(&c, "Art. 27(1)"), "");
    assert_eq!(c.obligation_articles, [4, 26, 27]);
    assert!(
        c.is_complete(),
        "not asked whether it is public: {:?}",
        c.missing
    );
    assert_eq!(
        credit("life_health_insurance").obligation_articles,
        [4, 26, 27]
    );
    let triage = credit("emergency_triage");
    assert_eq!(triage.obligation_articles, [4, 26]);
    assert_eq!(missing(&triage), "role.public_service_deployer");
}

#[test]
fn public_deployers_assess_rights_except_for_critical_infrastructure() {
    let public = |yes: &str, area: &str, point: &str| {
        let area = format!("annex3.area={area} annex3.{area}={point}");
        let rest = "art6_3.profiling=no art6_3.conditions=";
        with(&format!(
            "{DEPLOYER} role.public_service_deployer={yes} {area} {rest}"
        ))
    };
    let c = public("yes", "education", "admission");
    assert_eq!(c.obligation_articles, [4, 26, 27]);
    assert_eq!(because(&c, "Art. 27(1)"), "role.public_service_deployer");
    assert_eq!(
        public("no", "education", "admission").obligation_articles,
        [4, 26]
    );
    let open = public("null", "education", "admission");
    assert_eq!(open.obligation_articles, [4, 26]);
    assert_eq!(missing(&open), "role.public_service_deployer");
    let grid = public("yes", "critical_infrastructure", "safety_component");
    assert_eq!(tier(&grid), "high_risk 2");
    assert_eq!(grid.obligation_articles, [4, 26]);
    assert!(!cites(&grid).contains(&"Art. 27(1)"));
}

#[test]
fn customer_service_chatbot_is_minimal_with_art_50_1() {
    let c = with("art50.interacts_with_people=yes");
    assert_eq!(tier(&c), "minimal");
    assert_eq!(c.transparency, [Transparency::InteractsWithPeople]);
    assert_eq!(because(&c, "Art. 50(1)"), "art50.interacts_with_people");
    assert!(c
        .reasoning
        .iter()
        .any(|s| s.conclusion.contains("dealing with AI")));
    assert_eq!(c.obligation_articles, [4, 50]);
    // A deployer of someone else's chatbot: that duty is the provider's.
    let deployed = with(&format!("{DEPLOYER} art50.interacts_with_people=yes"));
    assert_eq!(deployed.transparency, [Transparency::InteractsWithPeople]);
    assert_eq!(deployed.obligation_articles, [4]);
}

#[test]
fn transparency_duties_fall_on_providers_or_deployers() {
    let art50 = QUESTIONS.iter().filter(|q| q.id.starts_with("art50."));
    let bearers = [Provider, Provider, Deployer, Deployer, Deployer];
    let duties = [
        "dealing with AI",
        "machine-readable",
        "exposed",
        "disclose",
        "disclose",
    ];
    for ((q, by), duty) in art50.zip(bearers).zip(duties) {
        let provider = with(&format!("{}=yes", q.id));
        let [t] = provider.transparency[..] else {
            panic!("{}", q.id)
        };
        assert_eq!((t.cite(), t.borne_by()), (q.rests_on, by));
        assert_eq!(because(&provider, t.cite()), q.id);
        assert!(provider
            .reasoning
            .iter()
            .any(|s| s.conclusion.contains(duty)));
        assert_eq!(provider.obligation_articles.contains(&50), by == Provider);
        let deployer = with(&format!("{}=yes {DEPLOYER}", q.id));
        assert_eq!(deployer.obligation_articles.contains(&50), by == Deployer);
    }
    let c = with(
        "art50.deep_fake=yes art50.public_interest_text=yes art50.generates_synthetic_content=yes",
    );
    let want = [
        Transparency::SyntheticContent,
        Transparency::DeepFakeOrPublicInterestText,
    ];
    assert_eq!(c.transparency, want);
    assert_eq!(cites(&c).iter().filter(|c| **c == "Art. 50(4)").count(), 2);
}

#[test]
fn emotion_recognition_under_annex_iii_also_triggers_art_50_3() {
    let bio = |points: &str| {
        with(&format!(
            "annex3.area=biometrics annex3.biometrics={points} art6_3.profiling=yes"
        ))
    };
    let emotions = bio("emotion_recognition");
    assert_eq!(tier(&emotions), "high_risk 1(c)");
    assert_eq!(
        emotions.transparency,
        [Transparency::EmotionOrBiometricCategorisation]
    );
    assert_eq!(because(&emotions, "Art. 50(3)"), "annex3.biometrics");
    let sorted = bio("remote_identification,biometric_categorisation");
    assert_eq!(
        sorted.transparency,
        [Transparency::EmotionOrBiometricCategorisation]
    );
    assert!(bio("remote_identification").transparency.is_empty());
    let said = with("annex3.area=biometrics annex3.biometrics=emotion_recognition art6_3.profiling=yes art50.emotion_or_biometric_categorisation=yes");
    assert_eq!(
        because(&said, "Art. 50(3)"),
        "art50.emotion_or_biometric_categorisation"
    );
    assert_eq!(
        cites(&said).iter().filter(|c| **c == "Art. 50(3)").count(),
        1
    );
    // A stale biometrics answer under another area is ignored.
    let stale =
        with("annex3.area=education annex3.education= annex3.biometrics=emotion_recognition");
    assert!(tier(&stale) == "minimal" && stale.transparency.is_empty());
    assert_eq!(because(&stale, "Annex III 3"), "annex3.education");
}

#[test]
fn narrow_procedural_hr_tool_is_not_high_risk_unless_it_profiles() {
    let hr = |rest: &str| with(&format!("{CV} {rest}"));
    let c = hr("art6_3.profiling=no art6_3.conditions=narrow_procedural_task");
    assert_eq!(tier(&c), "derogation 4(a) Art. 6(3)(a)");
    assert_eq!(
        because(&c, "Art. 6(3)(a)"),
        "art6_3.profiling art6_3.conditions"
    );
    assert!(cites(&c).contains(&"Annex III 4(a)") && cites(&c).ends_with(&["Art. 6(4)"]));
    assert_eq!(c.obligation_articles, [4, 6, 49]);
    assert!(c.is_complete());
    // The same tool profiling candidates is never derogated, whatever the conditions say.
    let profiling = hr("art6_3.profiling=yes art6_3.conditions=narrow_procedural_task");
    assert_eq!(tier(&profiling), "high_risk 4(a)");
    let step = profiling
        .reasoning
        .iter()
        .find(|s| s.cite == "Art. 6(3)")
        .unwrap();
    assert!(step.conclusion.contains("profiles natural persons"));
    assert!(!cites(&profiling).contains(&"Art. 6(3)(a)"));
    let no_condition = hr("art6_3.profiling=no art6_3.conditions=");
    assert_eq!(tier(&no_condition), "high_risk 4(a)");
    assert_eq!(because(&no_condition, "Art. 6(3)"), "art6_3.conditions");
    for o in DEROGATIONS {
        let c = hr(&format!("art6_3.profiling=no art6_3.conditions={}", o.id));
        assert_eq!(tier(&c), format!("derogation 4(a) {}", o.cite.unwrap()));
    }
    let two = hr("art6_3.profiling=no art6_3.conditions=preparatory_task,narrow_procedural_task");
    assert_eq!(tier(&two), "derogation 4(a) Art. 6(3)(d) Art. 6(3)(a)");
    let deployer = hr(&format!(
        "{DEPLOYER} art6_3.profiling=no art6_3.conditions=preparatory_task"
    ));
    assert_eq!(deployer.obligation_articles, [4]);
}

#[test]
fn annex_i_products_needing_third_party_assessment_are_high_risk() {
    let c = with(PRODUCT);
    assert_eq!(tier(&c), "high_risk annex_i");
    let both = "annex1.product_legislation annex1.third_party_assessment";
    assert_eq!(because(&c, "Art. 6(1)"), both);
    assert!(cites(&c).contains(&"Art. 2(2)"));
    assert_eq!(c.obligation_articles, PROVIDER);
    let self_assessed = with("annex1.product_legislation=yes annex1.third_party_assessment=no");
    assert_eq!(tier(&self_assessed), "minimal");
    assert_eq!(
        because(&self_assessed, "Art. 6(1)(b)"),
        "annex1.third_party_assessment"
    );
    // Annex I stands when the Annex III use is derogated; both are listed when both hold.
    let rest = "art6_3.profiling=no art6_3.conditions=preparatory_task";
    assert_eq!(
        tier(&with(&format!("{PRODUCT} {CV} {rest}"))),
        "high_risk annex_i"
    );
    let both = with(&format!("{PRODUCT} {CV} art6_3.profiling=yes"));
    assert_eq!(tier(&both), "high_risk annex_i 4(a)");
}

#[test]
fn product_manufacturers_and_other_operators_get_their_articles() {
    let maker = with(&format!(
        "{PRODUCT} role.places_on_market=no role.product_manufacturer=yes"
    ));
    assert_eq!(maker.obligation_articles, PROVIDER[1..]);
    assert_eq!(because(&maker, "Art. 25(3)"), "role.product_manufacturer");
    assert_eq!(because(&maker, "Art. 2(1)(e)"), "role.product_manufacturer");
    let also_provider = with(&format!("{PRODUCT} role.product_manufacturer=yes"));
    assert!(!cites(&also_provider).contains(&"Art. 25(3)"));
    let annex_iii = "art6_3.profiling=yes role.places_on_market=no role.product_manufacturer=yes";
    assert!(with(&format!("{CV} {annex_iii}"))
        .obligation_articles
        .is_empty());
    let roles = [
        ("authorised_representative", 22),
        ("imports", 23),
        ("distributes", 24),
    ];
    for (role, article) in roles {
        let c = with(&format!(
            "{PRODUCT} role.places_on_market=no role.{role}=yes"
        ));
        assert_eq!(
            (c.obligation_articles, c.operator_roles.len()),
            (vec![article], 1)
        );
        let minimal = with(&format!("role.places_on_market=no role.{role}=yes"));
        assert!(minimal.obligation_articles.is_empty());
    }
    let labels: Vec<_> = ROLES.iter().map(|(_, r)| r.label()).collect();
    let want =
        "provider deployer importer distributor product manufacturer authorised representative";
    assert_eq!(labels.join(" "), want);
}

#[test]
fn social_scoring_is_prohibited_whatever_else_is_true() {
    let c = with(&format!(
        "art5.social_scoring=yes {CV} art6_3.profiling=yes {PRODUCT}"
    ));
    assert_eq!(tier(&c), "prohibited Art. 5(1)(c)");
    assert_eq!(because(&c, "Art. 5(1)(c)"), "art5.social_scoring");
    assert!(!cites(&c).contains(&"Annex III 4(a)") && !cites(&c).contains(&"Art. 6(1)"));
    assert_eq!(c.obligation_articles, [4, 5]);
    let practices: Vec<_> = QUESTIONS
        .iter()
        .filter(|q| q.id.starts_with("art5."))
        .collect();
    assert_eq!(practices.len(), 8);
    for q in practices {
        assert_eq!(
            tier(&with(&format!("{}=yes", q.id))),
            format!("prohibited {}", q.rests_on)
        );
    }
    // One practice settles it: the other Art. 5 questions are still needed, no others are.
    let answers = Answers {
        answers: parse("art5.face_scraping=yes art5.manipulation=yes"),
    };
    let partial = classify(&answers).unwrap();
    assert_eq!(tier(&partial), "prohibited Art. 5(1)(a) Art. 5(1)(e)");
    let art5 = partial
        .missing
        .iter()
        .filter(|m| m.starts_with("art5."))
        .count();
    assert_eq!(art5, 6);
    assert!(!partial
        .missing
        .iter()
        .any(|m| m.starts_with("annex") || m.starts_with("art6")));
    assert!(!partial.is_complete());
}

#[test]
fn general_purpose_model_above_1e25_flops_has_systemic_risk() {
    let model = |rest: &str| with(&format!("gpai.provides_model=yes {rest}"));
    let big = model("gpai.training_compute_flops=3e25 gpai.designated=no");
    assert_eq!(
        (big.gpai, tier(&big).as_str()),
        (G::SystemicRisk, "minimal")
    );
    assert_eq!(because(&big, "Art. 51(2)"), "gpai.training_compute_flops");
    assert_eq!(because(&big, "Art. 55"), "gpai.provides_model");
    assert_eq!(big.obligation_articles, [4, 52, 53, 55]);
    // Exactly 10^25 is not "greater than"; the next representable number is.
    let at = model("gpai.training_compute_flops=1e25 gpai.designated=no");
    assert_eq!(
        (at.gpai, at.obligation_articles.as_slice()),
        (G::GeneralPurpose, &[4, 53][..])
    );
    let last = at.reasoning.last().unwrap();
    assert!(last.conclusion.contains("1e25 FLOPs, not more than 10^25"));
    assert_eq!(because(&at, "Art. 53").split(' ').count(), 3);
    let above = f64::from_bits(SYSTEMIC_RISK_FLOPS.to_bits() + 1);
    let above = model(&format!(
        "gpai.training_compute_flops={above:e} gpai.designated=no"
    ));
    assert_eq!(above.gpai, G::SystemicRisk);
    let designated = model("gpai.training_compute_flops=1e20 gpai.designated=yes");
    assert_eq!(designated.gpai, G::SystemicRisk);
    assert_eq!(because(&designated, "Art. 51(1)"), "gpai.designated");
    assert!(!cites(&designated).contains(&"Art. 51(2)"));
    // Either ground settles systemic risk; the lower class needs both answers.
    assert!(model("gpai.training_compute_flops=2e25").is_complete());
    let small = model("gpai.training_compute_flops=1e24");
    assert_eq!(
        (small.gpai, missing(&small)),
        (G::Undetermined, "gpai.designated".into())
    );
    assert_eq!(because(&small, "Art. 51"), "gpai.designated");
    let no_flops = model("gpai.designated=no");
    let want = "gpai.training_compute_flops".to_owned();
    assert_eq!((no_flops.gpai, missing(&no_flops)), (G::Undetermined, want));
    let neither = model("");
    assert_eq!(
        (neither.missing.len(), neither.obligation_articles),
        (2, vec![4])
    );
    // No model: a stale compute figure is ignored; no answer leaves the axis open.
    assert_eq!(with("gpai.training_compute_flops=1e26").gpai, G::None);
    assert_eq!(with("gpai.provides_model=null").gpai, G::Undetermined);
}

#[test]
fn missing_answers_that_could_make_it_high_risk_leave_the_tier_undetermined() {
    let empty = classify(&Answers::default()).unwrap();
    assert_eq!(
        (tier(&empty).as_str(), empty.gpai),
        ("undetermined", G::Undetermined)
    );
    assert!(empty.operator_roles.is_empty() && empty.obligation_articles.is_empty());
    let shown = applicable_questions(&Answers::default());
    assert_eq!(
        missing(&empty),
        shown.iter().map(|q| q.id).collect::<Vec<_>>().join(" ")
    );
    assert_eq!(
        because(&empty, "Art. 5").split(' ').count(),
        10,
        "Art. 5, Annex I, area"
    );
    let cases = [
        ("annex3.area=employment", "annex3.employment"),
        ("annex3.area=null", "annex3.area"),
        (
            "annex1.product_legislation=yes",
            "annex1.third_party_assessment",
        ),
        (
            "annex1.product_legislation=null",
            "annex1.product_legislation",
        ),
        (CV, "art6_3.profiling"),
        (&format!("{CV} art6_3.profiling=no"), "art6_3.conditions"),
        // High-risk under Annex III, but an open Art. 5 question could make it prohibited.
        (
            &format!("{CV} art6_3.profiling=yes art5.manipulation=null"),
            "art5.manipulation",
        ),
        // Derogated, but Annex I is still open.
        (
            &format!(
                "{CV} art6_3.profiling=no art6_3.conditions=preparatory_task {}",
                "annex1.product_legislation=null"
            ),
            "annex1.product_legislation",
        ),
    ];
    for (over, open) in cases {
        let c = with(over);
        assert_eq!(
            (tier(&c), missing(&c)),
            ("undetermined".into(), open.into()),
            "{over}"
        );
        let last = c.reasoning.last().unwrap();
        let cite = if open.starts_with("art5.") {
            "Art. 5"
        } else {
            "Art. 6"
        };
        assert_eq!(
            (last.cite.as_str(), last.because.join(" ")),
            (cite, open.into())
        );
        assert!(last.conclusion.contains("undetermined"));
        assert_eq!(c.obligation_articles, [4]);
    }
    let art5_open = with(&format!("{CV} art6_3.profiling=yes art5.manipulation=null"));
    assert!(cites(&art5_open).contains(&"Annex III 4(a)"));
    assert!(!cites(&art5_open).contains(&"Art. 6"));
    // Once Annex I makes it high-risk, an open Annex III question only adds to `missing`.
    let c = with(&format!("{PRODUCT} {CV}"));
    assert_eq!(
        (tier(&c), missing(&c)),
        ("high_risk annex_i".into(), "art6_3.profiling".into())
    );
    // Roles and transparency are listed but do not hold up the tier.
    let c = with("role.imports=null art50.deep_fake=null");
    assert_eq!(
        (tier(&c), missing(&c)),
        ("minimal".into(), "role.imports art50.deep_fake".into())
    );
}

#[test]
fn answers_are_checked_and_the_result_serialises() {
    let err = classify(&full("art5.unknown=yes annex3.area=sports")).unwrap_err();
    assert_eq!(
        err.get("art5.unknown"),
        ["is not a question of the EU AI Act questionnaire"]
    );
    assert!(err.get("annex3.area")[0].starts_with("'sports' is not an option"));
    assert!(serde_json::from_value::<Answers>(json!({"answers": {}, "extra": 1})).is_err());
    let body = r#"{"answers": {"annex3.area": "employment", "art6_3.profiling": false}}"#;
    let partial = classify(&serde_json::from_str(body).unwrap()).unwrap();
    let v = serde_json::to_value(&partial).unwrap();
    assert_eq!(
        (&v["risk_tier"], &v["missing"][0]),
        (
            &json!({"tier": "undetermined"}),
            &json!("role.places_on_market")
        )
    );
    let c = with(&format!("{PRODUCT} {CV} art6_3.profiling=yes art50.interacts_with_people=yes role.uses_under_authority=yes"));
    let v = serde_json::to_value(&c).unwrap();
    let basis = json!([{"route": "annex_i"}, {"route": "annex_iii", "point": "4(a)"}]);
    assert_eq!(v["risk_tier"], json!({"tier": "high_risk", "basis": basis}));
    assert_eq!(v["operator_roles"], json!(["provider", "deployer"]));
    assert_eq!(
        (&v["gpai"], &v["transparency"]),
        (&json!("none"), &json!(["interacts_with_people"]))
    );
    assert!(v["reasoning"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s.get("because").is_none()));
    assert_eq!(serde_json::from_value::<Classification>(v).unwrap(), c);
    let derogated = with(&format!(
        "{CV} art6_3.profiling=no art6_3.conditions=preparatory_task"
    ));
    let v = serde_json::to_value(&derogated.risk_tier).unwrap();
    let want = json!({"points": ["4(a)"], "conditions": ["Art. 6(3)(d)"]});
    assert_eq!(
        (&v["tier"], &v["points"], &v["conditions"]),
        (
            &json!("not_high_risk_derogation"),
            &want["points"],
            &want["conditions"]
        )
    );
    assert_eq!(questionnaire().len(), 36);
}

#[test]
fn needed_questions_are_always_shown_questions() {
    let sets = [
        "",
        "annex3.area=education role.uses_under_authority=yes",
        "gpai.provides_model=yes",
        "annex1.product_legislation=yes annex3.area=justice_democracy",
        "annex3.area=justice_democracy annex3.justice_democracy=elections art6_3.profiling=no",
    ];
    for over in sets {
        let c = with(over);
        let mut answers = full(over);
        for m in &c.missing {
            answers.answers.insert(m.clone(), Value::Null);
        }
        let shown: Vec<_> = applicable_questions(&answers)
            .iter()
            .map(|q| q.id)
            .collect();
        assert!(
            c.missing.iter().all(|m| shown.contains(&m.as_str())),
            "{over}: {shown:?}"
        );
        assert_eq!(c.missing.is_empty(), over.is_empty(), "{over}");
    }
}

#[test]
fn tier_names_match_their_serialised_tag() {
    for tier in [
        RiskTier::Prohibited { practices: vec![] },
        RiskTier::HighRisk { basis: vec![] },
        RiskTier::NotHighRiskDerogation {
            points: vec![],
            conditions: vec![],
        },
        RiskTier::Minimal,
        RiskTier::Undetermined,
    ] {
        let json = serde_json::to_value(&tier).unwrap();
        assert_eq!(json["tier"], tier.name());
    }
}

#[test]
fn application_dates_follow_article_113() {
    assert_eq!(applies_from(4, false), "2025-02-02");
    assert_eq!(applies_from(5, true), "2025-02-02");
    assert_eq!(applies_from(1, false), "2025-02-02");
    for a in [28, 39, 51, 53, 55, 56, 64, 70, 78, 99, 100] {
        assert_eq!(applies_from(a, false), "2025-08-02", "Art. {a}");
    }
    for a in [6, 9, 16, 26, 27, 40, 43, 49, 72, 73] {
        assert_eq!(applies_from(a, false), "2026-08-02", "Art. {a}");
        assert_eq!(applies_from(a, true), "2027-08-02", "Art. {a} via Annex I");
    }
    assert_eq!(applies_from(50, true), "2026-08-02");
    assert_eq!(applies_from(101, false), "2026-08-02");
    assert_eq!(applies_from(71, true), "2026-08-02");
    assert_eq!(applies_from(0, false), "2026-08-02");
    let product = with(PRODUCT);
    assert!(product.high_risk_via_annex_i_only());
    assert!(!with(&format!("{PRODUCT} {CV} art6_3.profiling=yes")).high_risk_via_annex_i_only());
    assert!(!with(&format!("{CV} art6_3.profiling=yes")).high_risk_via_annex_i_only());
    assert!(!with("").high_risk_via_annex_i_only());
}
