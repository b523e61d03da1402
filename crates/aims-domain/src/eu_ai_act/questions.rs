//! The EU AI Act questionnaire as data: stable question ids, our own wording,
//! the kind of answer each takes and the article or annex it rests on.
//!
//! Ids are part of the API (`{"answers": {question_id: value}}`) and of every
//! stored answer set: never rename or reuse one; add new ids instead. This
//! module also checks answers against their questions and says which
//! questions a partial answer set leads to.

use super::Answers;
use crate::validation::FieldErrors;
use serde::Serialize;
use std::collections::BTreeMap;

/// One question of the questionnaire.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Question {
    /// Stable id, `section.name`.
    pub id: &'static str,
    /// The question, in aims' own words (not the legal text).
    pub text: &'static str,
    /// What kind of answer it takes.
    pub answer: AnswerKind,
    /// The article or annex the question rests on, e.g. `Art. 6(1)(b)`.
    pub rests_on: &'static str,
    /// Asked only when this holds; `None` means always asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

/// The shape of an answer, as JSON: `true`/`false`, an option id, a list of
/// option ids (empty when none applies) or a number.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnswerKind {
    YesNo,
    SingleChoice {
        options: &'static [Choice],
    },
    MultiChoice {
        options: &'static [Choice],
    },
    /// A number of `unit`, zero or more.
    Number {
        unit: &'static str,
    },
}

/// An option of a choice question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub id: &'static str,
    pub label: &'static str,
    /// The article or annex point this option stands for, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cite: Option<&'static str>,
}

/// When a question is asked, in terms of an earlier answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Asked when `question` was answered with `value`.
    Equals { question: &'static str, value: Lit },
    /// Asked when `question` was answered with anything but `value`.
    NotEquals { question: &'static str, value: Lit },
}

/// A yes/no answer or an option id, as a condition compares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Lit {
    Bool(bool),
    Choice(&'static str),
}

const fn c(id: &'static str, label: &'static str, cite: &'static str) -> Choice {
    Choice {
        id,
        label,
        cite: Some(cite),
    }
}

const fn yes_no(id: &'static str, rests_on: &'static str, text: &'static str) -> Question {
    Question {
        id,
        text,
        answer: AnswerKind::YesNo,
        rests_on,
        condition: None,
    }
}

const fn when(mut q: Question, question: &'static str, value: Lit) -> Question {
    q.condition = Some(Condition::Equals { question, value });
    q
}

const fn points(id: &'static str, area: &'static str, options: &'static [Choice]) -> Question {
    Question {
        id,
        text: "Which of the uses listed under this Annex III area is the system intended for (none, if none fits)?",
        answer: AnswerKind::MultiChoice { options },
        rests_on: "Art. 6(2)",
        condition: Some(Condition::Equals {
            question: "annex3.area",
            value: Lit::Choice(area),
        }),
    }
}

/// The Annex III areas (option `none` when the system is used in none of them).
pub const AREAS: &[Choice] = &[
    Choice {
        id: "none",
        label: "None of the areas below",
        cite: None,
    },
    c("biometrics", "Biometrics", "Annex III 1"),
    c(
        "critical_infrastructure",
        "Critical infrastructure",
        "Annex III 2",
    ),
    c(
        "education",
        "Education and vocational training",
        "Annex III 3",
    ),
    c(
        "employment",
        "Employment, management of workers and access to self-employment",
        "Annex III 4",
    ),
    c(
        "essential_services",
        "Access to essential private and public services and benefits",
        "Annex III 5",
    ),
    c("law_enforcement", "Law enforcement", "Annex III 6"),
    c(
        "migration",
        "Migration, asylum and border control",
        "Annex III 7",
    ),
    c(
        "justice_democracy",
        "Administration of justice and democratic processes",
        "Annex III 8",
    ),
];

/// The Art. 6(3) conditions: any one of them lets an Annex III system out of
/// the high-risk tier, unless it profiles people.
pub const DEROGATIONS: &[Choice] = &[
    c("narrow_procedural_task", "It only carries out a narrow procedural task (for example sorting incoming documents into categories)", "Art. 6(3)(a)"),
    c("improves_completed_human_activity", "It only improves the result of an activity a person has already completed (for example polishing the language of a written text)", "Art. 6(3)(b)"),
    c("detects_patterns_under_human_review", "It only detects decision patterns or departures from earlier patterns, and does not replace or sway the earlier human assessment without proper human review", "Art. 6(3)(c)"),
    c("preparatory_task", "It only prepares material for an assessment that a person then makes (for example indexing or translating files)", "Art. 6(3)(d)"),
];

const BIOMETRICS: &[Choice] = &[
    c("remote_identification", "Identifying people at a distance by their biometric data (not merely confirming that someone is who they claim to be)", "Annex III 1(a)"),
    c("biometric_categorisation", "Sorting people into groups by sensitive or protected attributes inferred from biometric data", "Annex III 1(b)"),
    c("emotion_recognition", "Recognising people's emotions", "Annex III 1(c)"),
];
const CRITICAL_INFRASTRUCTURE: &[Choice] = &[c(
    "safety_component",
    "A safety component in managing or operating critical digital infrastructure, road traffic, or the supply of water, gas, heating or electricity",
    "Annex III 2",
)];
const EDUCATION: &[Choice] = &[
    c(
        "admission",
        "Deciding who gets access to, is admitted to or is assigned to an educational institution",
        "Annex III 3(a)",
    ),
    c(
        "learning_outcomes",
        "Evaluating learning outcomes, including to steer a person's learning",
        "Annex III 3(b)",
    ),
    c(
        "education_level",
        "Assessing the level of education a person will receive or can access",
        "Annex III 3(c)",
    ),
    c(
        "test_proctoring",
        "Watching for and detecting forbidden behaviour of students during tests",
        "Annex III 3(d)",
    ),
];
const EMPLOYMENT: &[Choice] = &[
    c("recruitment", "Recruiting or selecting people: targeted job ads, screening or filtering applications, evaluating candidates", "Annex III 4(a)"),
    c("work_relationship", "Decisions on working conditions, promotion or dismissal, allocating tasks from behaviour or personal traits, or monitoring and evaluating workers' performance", "Annex III 4(b)"),
];
const ESSENTIAL_SERVICES: &[Choice] = &[
    c("public_benefits", "For or on behalf of a public authority: judging eligibility for essential public benefits and services, or granting, cutting, withdrawing or reclaiming them", "Annex III 5(a)"),
    c("creditworthiness", "Assessing the creditworthiness of natural persons or giving them a credit score (fraud detection excluded)", "Annex III 5(b)"),
    c("life_health_insurance", "Assessing risk and setting prices for natural persons in life or health insurance", "Annex III 5(c)"),
    c("emergency_triage", "Assessing emergency calls, dispatching or prioritising emergency services, or triaging patients in emergencies", "Annex III 5(d)"),
];
const LAW_ENFORCEMENT: &[Choice] = &[
    c("victim_risk", "Assessing the risk that a person becomes the victim of a crime", "Annex III 6(a)"),
    c("polygraph", "Polygraphs or similar tools", "Annex III 6(b)"),
    c("evidence_reliability", "Judging how reliable evidence is", "Annex III 6(c)"),
    c("offending_risk", "Assessing the risk of a person offending or re-offending (not solely by profiling), or assessing personality traits or past criminal behaviour", "Annex III 6(d)"),
    c("investigative_profiling", "Profiling people while detecting, investigating or prosecuting crime", "Annex III 6(e)"),
];
const MIGRATION: &[Choice] = &[
    c("polygraph", "Polygraphs or similar tools", "Annex III 7(a)"),
    c("person_risk", "Assessing a security, irregular-migration or health risk posed by a person entering or who has entered", "Annex III 7(b)"),
    c("applications", "Helping to examine applications for asylum, visas or residence permits and related complaints, including how reliable the evidence is", "Annex III 7(c)"),
    c("identification", "Detecting, recognising or identifying people (checking travel documents excluded)", "Annex III 7(d)"),
];
const JUSTICE_DEMOCRACY: &[Choice] = &[
    c("judicial_assistance", "Helping a judicial authority or alternative dispute resolution body research and interpret facts and law, or apply the law to facts", "Annex III 8(a)"),
    c("elections", "Influencing the outcome of an election or referendum or how people vote (purely administrative or logistic campaign tools excluded)", "Annex III 8(b)"),
];

/// Every question, in the order a person answers them.
pub static QUESTIONS: &[Question] = &[
    // Operator roles (Art. 3).
    yes_no("role.places_on_market", "Art. 3(3)", "Does your organisation develop this AI system (or have it developed) and place it on the EU market or put it into service under its own name or trademark, paid or free?"),
    yes_no("role.uses_under_authority", "Art. 3(4)", "Does your organisation use this AI system under its own authority, for anything other than a purely personal, non-professional activity?"),
    when(yes_no("role.public_service_deployer", "Art. 27(1)", "Is your organisation a body governed by public law, or a private organisation providing public services?"), "role.uses_under_authority", Lit::Bool(true)),
    yes_no("role.imports", "Art. 3(6)", "Is your organisation established in the EU and placing on the EU market an AI system that bears the name or trademark of someone established outside the EU?"),
    yes_no("role.distributes", "Art. 3(7)", "Does your organisation make this AI system available on the EU market as part of the supply chain, without being its provider or importer?"),
    yes_no("role.product_manufacturer", "Art. 2(1)(e)", "Does your organisation place on the market or put into service, under its own name or trademark, a product that contains this AI system?"),
    yes_no("role.authorised_representative", "Art. 3(5)", "Is your organisation established in the EU and mandated in writing by a provider outside the EU to carry out that provider's duties under the Act on its behalf?"),
    // Prohibited practices (Art. 5).
    yes_no("art5.manipulation", "Art. 5(1)(a)", "Does the system use subliminal, purposely manipulative or deceptive techniques that noticeably distort people's behaviour, by weakening their ability to make an informed decision, in a way that causes or is reasonably likely to cause significant harm?"),
    yes_no("art5.exploits_vulnerabilities", "Art. 5(1)(b)", "Does the system take advantage of people's vulnerability due to age, disability or a particular social or economic situation, noticeably distorting their behaviour in a way that causes or is reasonably likely to cause significant harm?"),
    yes_no("art5.social_scoring", "Art. 5(1)(c)", "Does the system rate or rank people over time by their social behaviour or personal characteristics, where the score leads to unfavourable treatment in unrelated contexts or treatment out of proportion to the behaviour?"),
    yes_no("art5.crime_prediction", "Art. 5(1)(d)", "Does the system predict the risk that a person commits a crime based only on profiling or on personality traits, rather than supporting a human assessment grounded in objective, verifiable facts about criminal activity?"),
    yes_no("art5.face_scraping", "Art. 5(1)(e)", "Does the system build or extend facial recognition databases by scraping facial images indiscriminately from the internet or from CCTV footage?"),
    yes_no("art5.emotions_at_work_or_school", "Art. 5(1)(f)", "Does the system infer the emotions of people at the workplace or in education, for reasons other than medical or safety ones?"),
    yes_no("art5.sensitive_biometric_categorisation", "Art. 5(1)(g)", "Does the system sort individual people by their biometric data to infer their race, political opinions, trade union membership, religious or philosophical beliefs, sex life or sexual orientation (other than labelling or filtering lawfully acquired biometric data sets, or categorisation in law enforcement)?"),
    yes_no("art5.realtime_remote_biometric_id", "Art. 5(1)(h)", "Is the system used by or for law enforcement to identify people at a distance, in real time, in publicly accessible spaces, outside the narrow cases the Act allows (targeted search for victims or missing people, preventing a specific imminent threat, locating suspects of serious crimes listed in Annex II)?"),
    // High-risk through product legislation (Art. 6(1), Annex I).
    yes_no("annex1.product_legislation", "Art. 6(1)(a)", "Is the AI system a product, or a safety component of a product, covered by EU harmonisation legislation listed in Annex I (for example machinery, toys, lifts, radio equipment, medical devices, in vitro diagnostics, vehicles, civil aviation)?"),
    when(yes_no("annex1.third_party_assessment", "Art. 6(1)(b)", "Under that legislation, must the product pass a conformity assessment by a third party before it is placed on the market or put into service?"), "annex1.product_legislation", Lit::Bool(true)),
    // High-risk through intended use (Art. 6(2), Annex III).
    Question {
        id: "annex3.area",
        text: "In which of the areas listed in Annex III is the system intended to be used?",
        answer: AnswerKind::SingleChoice { options: AREAS },
        rests_on: "Art. 6(2)",
        condition: None,
    },
    points("annex3.biometrics", "biometrics", BIOMETRICS),
    points("annex3.critical_infrastructure", "critical_infrastructure", CRITICAL_INFRASTRUCTURE),
    points("annex3.education", "education", EDUCATION),
    points("annex3.employment", "employment", EMPLOYMENT),
    points("annex3.essential_services", "essential_services", ESSENTIAL_SERVICES),
    points("annex3.law_enforcement", "law_enforcement", LAW_ENFORCEMENT),
    points("annex3.migration", "migration", MIGRATION),
    points("annex3.justice_democracy", "justice_democracy", JUSTICE_DEMOCRACY),
    // The derogation (Art. 6(3)).
    Question {
        id: "art6_3.profiling",
        text: "Does the system profile natural persons, that is, process personal data automatically to evaluate or predict aspects of a person such as work performance, economic situation, health, preferences, interests, reliability, behaviour, location or movements?",
        answer: AnswerKind::YesNo,
        rests_on: "Art. 6(3)",
        condition: Some(Condition::NotEquals { question: "annex3.area", value: Lit::Choice("none") }),
    },
    when(Question {
        id: "art6_3.conditions",
        text: "Which of these describe everything the system is intended to do, so that it does not materially influence the outcome of decisions (none, if none fits)?",
        answer: AnswerKind::MultiChoice { options: DEROGATIONS },
        rests_on: "Art. 6(3)",
        condition: None,
    }, "art6_3.profiling", Lit::Bool(false)),
    // Transparency (Art. 50), whatever the tier.
    yes_no("art50.interacts_with_people", "Art. 50(1)", "Is the system meant to interact directly with people (a chatbot or voice assistant, for example) where it would not be obvious to them that they are dealing with AI?"),
    yes_no("art50.generates_synthetic_content", "Art. 50(2)", "Does the system generate synthetic audio, images, video or text?"),
    yes_no("art50.emotion_or_biometric_categorisation", "Art. 50(3)", "Is the system used to recognise people's emotions or to sort people into groups by their biometric data?"),
    yes_no("art50.deep_fake", "Art. 50(4)", "Does the system generate or alter images, audio or video that resemble real people, objects, places or events and would falsely seem authentic (deep fakes)?"),
    yes_no("art50.public_interest_text", "Art. 50(4)", "Is text generated or altered by the system published to inform the public on matters of public interest without human review or editorial responsibility?"),
    // General-purpose AI models (Chapter V).
    yes_no("gpai.provides_model", "Art. 3(63)", "Does your organisation place on the market a general-purpose AI model: one trained on large amounts of data, showing significant generality, able to perform a wide range of distinct tasks competently and to be built into various downstream systems?"),
    when(Question {
        id: "gpai.training_compute_flops",
        text: "How much compute was used to train the model, counted cumulatively in floating-point operations?",
        answer: AnswerKind::Number { unit: "FLOPs" },
        rests_on: "Art. 51(2)",
        condition: None,
    }, "gpai.provides_model", Lit::Bool(true)),
    when(yes_no("gpai.designated", "Art. 51(1)", "Has the Commission designated the model as having systemic risk, or has evaluation with appropriate technical tools found that it has high-impact capabilities?"), "gpai.provides_model", Lit::Bool(true)),
];

/// The question with this id.
pub fn question(id: &str) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| q.id == id)
}

/// The questions to show for these (possibly partial) answers: those without
/// a condition, and those whose condition holds on a question that is itself
/// shown. Unanswered, `null` and mistyped answers meet no condition.
pub fn applicable_questions(answers: &Answers) -> Vec<&'static Question> {
    let mut shown: Vec<&'static Question> = Vec::new();
    for q in QUESTIONS {
        let asked = match q.condition {
            None => true,
            Some(Condition::Equals { question, value }) => {
                shown_and(&shown, question) && equals(answers, question, value) == Some(true)
            }
            Some(Condition::NotEquals { question, value }) => {
                shown_and(&shown, question) && equals(answers, question, value) == Some(false)
            }
        };
        if asked {
            shown.push(q);
        }
    }
    shown
}

fn shown_and(shown: &[&Question], id: &str) -> bool {
    shown.iter().any(|p| p.id == id)
}

/// Whether the answer to `question` is `value`; `None` when there is no
/// answer of that type.
fn equals(answers: &Answers, question: &str, value: Lit) -> Option<bool> {
    match (value, answers.answers.get(question)) {
        (Lit::Bool(b), Some(serde_json::Value::Bool(given))) => Some(b == *given),
        (Lit::Choice(c), Some(serde_json::Value::String(given))) => Some(c == given),
        _ => None,
    }
}

/// An answer, checked against its question.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Given {
    Yes(bool),
    One(&'static str),
    Many(Vec<&'static str>),
    Number(f64),
}

/// Checks every answer against its question; problems are keyed by question
/// id. `null` answers are left out, as not answered yet.
pub(super) fn check(answers: &Answers) -> Result<BTreeMap<&'static str, Given>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut given = BTreeMap::new();
    for (id, value) in &answers.answers {
        let Some(q) = question(id) else {
            errors.add(id, "is not a question of the EU AI Act questionnaire");
            continue;
        };
        if value.is_null() {
            continue;
        }
        match check_one(q, value) {
            Ok(v) => {
                given.insert(q.id, v);
            }
            Err(message) => errors.add(id, message),
        }
    }
    errors.into_result()?;
    Ok(given)
}

fn check_one(q: &Question, value: &serde_json::Value) -> Result<Given, String> {
    use serde_json::Value as V;
    let find = |options: &'static [Choice], s: &str| {
        let found = options.iter().find(|o| o.id == s).map(|o| o.id);
        found.ok_or_else(|| {
            let ids: Vec<_> = options.iter().map(|o| o.id).collect();
            format!(
                "'{s}' is not an option; expected one of: {}",
                ids.join(", ")
            )
        })
    };
    match (q.answer, value) {
        (AnswerKind::YesNo, V::Bool(b)) => Ok(Given::Yes(*b)),
        (AnswerKind::YesNo, _) => Err("must be true or false".into()),
        (AnswerKind::SingleChoice { options }, V::String(s)) => find(options, s).map(Given::One),
        (AnswerKind::SingleChoice { .. }, _) => Err("must be one option id (a string)".into()),
        (AnswerKind::MultiChoice { options }, V::Array(items)) => {
            let mut chosen = Vec::new();
            for item in items {
                let id = find(
                    options,
                    item.as_str().ok_or("must list option ids (strings)")?,
                )?;
                if chosen.contains(&id) {
                    return Err(format!("lists '{id}' more than once"));
                }
                chosen.push(id);
            }
            Ok(Given::Many(chosen))
        }
        (AnswerKind::MultiChoice { .. }, _) => {
            Err("must be a list of option ids (empty when none applies)".into())
        }
        (AnswerKind::Number { .. }, V::Number(n)) => match n.as_f64() {
            Some(x) if x.is_finite() && x >= 0.0 => Ok(Given::Number(x)),
            _ => Err("must be a number of 0 or more".into()),
        },
        (AnswerKind::Number { .. }, _) => Err("must be a number".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn options(q: &Question) -> &'static [Choice] {
        match q.answer {
            AnswerKind::SingleChoice { options } | AnswerKind::MultiChoice { options } => options,
            _ => &[],
        }
    }

    #[test]
    fn ids_are_unique_and_every_question_cites_the_act() {
        let ids: BTreeSet<_> = QUESTIONS.iter().map(|q| q.id).collect();
        assert_eq!(ids.len(), QUESTIONS.len());
        assert_eq!(QUESTIONS.len(), 36);
        for q in QUESTIONS {
            assert!(q.rests_on.starts_with("Art. "), "{}", q.id);
            assert!(q.text.ends_with('?'), "{}", q.id);
            let opts: BTreeSet<_> = options(q).iter().map(|o| o.id).collect();
            assert_eq!(opts.len(), options(q).len(), "{}", q.id);
            assert_eq!(question(q.id), Some(q));
        }
        assert_eq!(question("annex3"), None);
    }

    #[test]
    fn conditions_point_back_to_an_earlier_answer_that_can_hold() {
        for (i, q) in QUESTIONS.iter().enumerate() {
            let (Some(Condition::Equals {
                question: on,
                value,
            })
            | Some(Condition::NotEquals {
                question: on,
                value,
            })) = q.condition
            else {
                continue;
            };
            let at = QUESTIONS.iter().position(|p| p.id == on).unwrap();
            assert!(at < i, "{} depends on a later question", q.id);
            match (QUESTIONS[at].answer, value) {
                (AnswerKind::YesNo, Lit::Bool(_)) => {}
                (AnswerKind::SingleChoice { options }, Lit::Choice(v)) => {
                    assert!(options.iter().any(|o| o.id == v), "{}", q.id)
                }
                other => panic!("{}: condition {other:?} cannot hold", q.id),
            }
        }
    }

    #[test]
    fn every_annex_iii_area_has_its_points_question() {
        for area in AREAS.iter().filter(|a| a.id != "none") {
            let q = question(&format!("annex3.{}", area.id)).unwrap();
            let Some(Condition::Equals {
                value: Lit::Choice(v),
                ..
            }) = q.condition
            else {
                panic!("{} has no area condition", q.id)
            };
            assert_eq!(v, area.id);
            let prefix = area.cite.unwrap();
            for o in options(q) {
                assert!(o.cite.unwrap().starts_with(prefix), "{}: {}", q.id, o.id);
            }
        }
        let all: usize = QUESTIONS
            .iter()
            .filter(|q| q.id.starts_with("annex3.") && q.id != "annex3.area")
            .map(|q| options(q).len())
            .sum();
        assert_eq!(
            all,
            3 + 1 + 4 + 2 + 4 + 5 + 4 + 2,
            "Annex III has 25 points"
        );
    }

    fn shown(answers: serde_json::Value) -> Vec<&'static str> {
        let answers = Answers {
            answers: serde_json::from_value(answers).unwrap(),
        };
        applicable_questions(&answers)
            .iter()
            .map(|q| q.id)
            .collect()
    }

    #[test]
    fn conditional_questions_are_shown_once_their_condition_holds() {
        let always: Vec<_> = QUESTIONS
            .iter()
            .filter(|q| q.condition.is_none())
            .map(|q| q.id)
            .collect();
        assert_eq!(always.len(), 22);
        assert_eq!(shown(serde_json::json!({})), always);
        let all = shown(serde_json::json!({
            "role.uses_under_authority": true, "annex1.product_legislation": true,
            "annex3.area": "employment", "art6_3.profiling": false, "gpai.provides_model": true,
        }));
        let extra: Vec<_> = all
            .iter()
            .filter(|id| !always.contains(id))
            .copied()
            .collect();
        assert_eq!(
            extra,
            [
                "role.public_service_deployer",
                "annex1.third_party_assessment",
                "annex3.employment",
                "art6_3.profiling",
                "art6_3.conditions",
                "gpai.training_compute_flops",
                "gpai.designated",
            ]
        );
        // The opposite answers, `null`, a wrong type and "none" show none of them;
        // a condition on a question that is not shown never holds.
        for answers in [
            serde_json::json!({"role.uses_under_authority": false, "annex1.product_legislation": false,
                "annex3.area": "none", "art6_3.profiling": false, "gpai.provides_model": false}),
            serde_json::json!({"role.uses_under_authority": null, "annex3.area": null, "art6_3.profiling": true}),
            serde_json::json!({"role.uses_under_authority": "yes", "annex3.area": true, "gpai.provides_model": 1}),
        ] {
            assert_eq!(shown(answers), always);
        }
        let education =
            shown(serde_json::json!({"annex3.area": "education", "art6_3.profiling": true}));
        assert!(education.contains(&"annex3.education") && education.contains(&"art6_3.profiling"));
        assert!(
            !education.contains(&"annex3.employment") && !education.contains(&"art6_3.conditions")
        );
    }

    #[test]
    fn unknown_questions_wrong_types_and_unknown_options_name_the_question() {
        let answers = Answers {
            answers: serde_json::from_value(serde_json::json!({
                "art5.unknown": true, "annex3.area": true, "art6_3.profiling": "no",
                "annex3.biometrics": ["retina"], "annex3.employment": ["recruitment", "recruitment"],
                "annex3.education": "admission", "annex3.migration": [1], "gpai.designated": 1,
                "gpai.training_compute_flops": -1, "art50.deep_fake": [true], "role.imports": {},
                "annex3.law_enforcement": null, "role.distributes": false,
            }))
            .unwrap(),
        };
        let err = check(&answers).unwrap_err();
        let expect = [
            ("art5.unknown", "is not a question of the EU AI Act questionnaire"),
            ("annex3.area", "must be one option id (a string)"),
            ("art6_3.profiling", "must be true or false"),
            ("annex3.biometrics", "'retina' is not an option; expected one of: remote_identification, biometric_categorisation, emotion_recognition"),
            ("annex3.employment", "lists 'recruitment' more than once"),
            ("annex3.education", "must be a list of option ids (empty when none applies)"),
            ("annex3.migration", "must list option ids (strings)"),
            ("gpai.training_compute_flops", "must be a number of 0 or more"),
            ("gpai.designated", "must be true or false"),
            ("art50.deep_fake", "must be true or false"),
            ("role.imports", "must be true or false"),
        ];
        for (field, message) in expect {
            assert_eq!(err.get(field), [message], "{field}");
        }
        assert_eq!(err.iter().count(), expect.len());
        let one = |id: &str, v: serde_json::Value| {
            let mut answers = Answers::default();
            answers.answers.insert(id.into(), v);
            check(&answers).map_err(|e| e.get(id).join(""))
        };
        let area = one("annex3.area", "sports".into()).unwrap_err();
        assert!(area.starts_with("'sports' is not an option; expected one of: none, biometrics,"));
        let text = one("gpai.training_compute_flops", "1e25".into());
        assert_eq!(text.unwrap_err(), "must be a number");
        let zero = one("gpai.training_compute_flops", 0.into()).unwrap();
        assert_eq!(zero["gpai.training_compute_flops"], Given::Number(0.0));
        let fine = one(
            "annex3.employment",
            serde_json::json!(["work_relationship", "recruitment"]),
        );
        let want = Given::Many(vec!["work_relationship", "recruitment"]);
        assert_eq!(fine.unwrap()["annex3.employment"], want);
        assert_eq!(
            one("annex3.area", "none".into()).unwrap()["annex3.area"],
            Given::One("none")
        );
        assert_eq!(
            one("role.imports", true.into()).unwrap()["role.imports"],
            Given::Yes(true)
        );
        assert!(one("role.imports", serde_json::Value::Null)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn serialises_as_the_catalogue_serves_it() {
        let json = serde_json::to_value(question("art6_3.conditions").unwrap()).unwrap();
        assert_eq!(json["answer"]["kind"], "multi_choice");
        assert_eq!(json["answer"]["options"][0]["cite"], "Art. 6(3)(a)");
        assert_eq!(json["condition"]["equals"]["question"], "art6_3.profiling");
        assert_eq!(json["condition"]["equals"]["value"], false);
        let area = serde_json::to_value(question("annex3.area").unwrap()).unwrap();
        assert!(area.get("condition").is_none());
        assert!(area["answer"]["options"][0].get("cite").is_none());
        let flops = serde_json::to_value(question("gpai.training_compute_flops").unwrap()).unwrap();
        assert_eq!(
            flops["answer"],
            serde_json::json!({"kind": "number", "unit": "FLOPs"})
        );
    }
}
