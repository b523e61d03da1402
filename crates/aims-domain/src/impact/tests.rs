//! Tests of the impact questionnaire, the impact rating, the Art. 27 fields
//! and the checks of an assessment.
use super::*;
use serde_json::json;
use std::collections::BTreeSet;

fn fields(r: Result<(), FieldErrors>) -> Vec<String> {
    match r {
        Ok(()) => vec![],
        Err(e) => e.iter().map(|(f, _)| f.to_owned()).collect(),
    }
}

#[test]
fn questions_have_stable_unique_ids_in_known_sections() {
    let ids: BTreeSet<_> = QUESTIONS.iter().map(|q| q.id).collect();
    assert_eq!(ids.len(), QUESTIONS.len());
    let sections: Vec<_> = SECTIONS.iter().map(|s| s.id).collect();
    assert_eq!(sections, ["context", "individuals", "society", "qualities"]);
    for q in QUESTIONS {
        assert!(sections.contains(&q.section), "{}", q.id);
        assert!(q.id.starts_with(&format!("{}.", q.section)), "{}", q.id);
        assert!(q.text.ends_with('?'), "{}", q.id);
        if let Some(w) = q.asked_when {
            let after = question(w).unwrap();
            assert_eq!(after.kind, QuestionKind::YesNo, "{}", q.id);
            assert_eq!(after.section, q.section);
        }
        if let QuestionKind::Choice { options } = q.kind {
            let o: BTreeSet<_> = options.iter().map(|o| o.id).collect();
            assert_eq!(o.len(), options.len(), "{}", q.id);
        }
        assert_eq!(question(q.id), Some(q));
    }
    assert_eq!(question("nope"), None);
    // The topics the standard and the issue name are all asked about.
    for id in [
        "individuals.fundamental_rights",
        "individuals.discrimination",
        "individuals.safety",
        "individuals.privacy",
        "individuals.economic",
        "society.environment",
        "society.democracy",
        "society.labour",
        "qualities.performance",
        "qualities.fairness",
        "qualities.transparency",
        "qualities.safety",
        "qualities.security",
        "qualities.privacy",
    ] {
        assert!(question(id).is_some(), "{id}");
    }
    for s in SECTIONS {
        assert!(QUESTIONS.iter().any(|q| q.section == s.id), "{}", s.id);
    }
}

#[test]
fn answers_are_checked_by_kind() {
    assert_eq!(
        validate_answers(&json!({
            "context.affected_groups": "Applicants for a loan",
            "context.vulnerable_groups": false,
            "context.decision_role": "recommends",
            "individuals.privacy": null,
        })),
        Ok(())
    );
    let e = validate_answers(&json!({
        "context.colour": "blue",
        "context.vulnerable_groups": "no",
        "context.decision_role": "rules",
        "context.reversible": true,
        "context.affected_groups": 3,
        "qualities.notes": "a\u{1}b",
    }))
    .unwrap_err();
    assert_eq!(
        e.get("context.colour"),
        ["is not a question of the impact assessment"]
    );
    assert_eq!(
        e.get("context.vulnerable_groups"),
        ["must be yes or no (true or false)"]
    );
    assert_eq!(
        e.get("context.decision_role"),
        ["must be one of: none, informs, recommends, decides"]
    );
    assert_eq!(
        e.get("context.reversible"),
        ["must be one of: easily, with_effort, not"]
    );
    assert_eq!(e.get("context.affected_groups"), ["must be text"]);
    assert_eq!(e.get("qualities.notes").len(), 1);
    assert_eq!(e.iter().count(), 6);
    // Text length: at most ANSWER_MAX characters.
    let at = "é".repeat(questions::ANSWER_MAX);
    assert_eq!(validate_answers(&json!({"qualities.notes": at})), Ok(()));
    let over = "x".repeat(questions::ANSWER_MAX + 1);
    let e = validate_answers(&json!({"qualities.notes": over})).unwrap_err();
    assert_eq!(
        e.get("qualities.notes"),
        ["must be at most 4000 characters"]
    );
    // Line breaks are fine in text.
    assert_eq!(
        validate_answers(&json!({"qualities.notes": "a\nb\tc"})),
        Ok(())
    );
    // Not an object at all.
    for bad in [json!([]), json!("x"), json!(null)] {
        assert_eq!(fields(validate_answers(&bad)), ["answers"]);
    }
}

#[test]
fn missing_questions_follow_the_yes_answers() {
    let all: Vec<_> = QUESTIONS
        .iter()
        .filter(|q| q.asked_when.is_none())
        .map(|q| q.id)
        .collect();
    assert_eq!(missing(&json!({})), all);
    let mut answers = serde_json::Map::new();
    for q in QUESTIONS.iter().filter(|q| q.asked_when.is_none()) {
        let v = match q.kind {
            QuestionKind::YesNo => json!(false),
            QuestionKind::Choice { options } => json!(options[0].id),
            QuestionKind::Text { .. } => json!("Some people"),
        };
        answers.insert(q.id.into(), v);
    }
    assert_eq!(missing(&Value::Object(answers.clone())), Vec::<&str>::new());
    answers.insert("individuals.privacy".into(), json!(true));
    assert_eq!(
        missing(&Value::Object(answers.clone())),
        ["individuals.privacy_how"]
    );
    answers.insert("individuals.privacy_how".into(), json!("  "));
    assert_eq!(
        missing(&Value::Object(answers.clone())),
        ["individuals.privacy_how"]
    );
    answers.insert(
        "individuals.privacy_how".into(),
        json!("Inferred health data"),
    );
    answers.insert("qualities.notes".into(), Value::Null);
    answers.insert("society.labour".into(), Value::Null);
    assert_eq!(
        missing(&Value::Object(answers)),
        ["society.labour", "qualities.notes"]
    );
}

#[test]
fn the_impact_rating_table() {
    use ImpactLevel::*;
    let table: Vec<Vec<ImpactLevel>> = (1..=4)
        .map(|s| (1..=4).map(|l| rate(s, l).unwrap()).collect())
        .collect();
    assert_eq!(
        table,
        [
            [Low, Low, Low, Medium],
            [Low, Medium, Medium, High],
            [Medium, High, High, VeryHigh],
            [High, High, VeryHigh, VeryHigh],
        ]
    );
    for (s, l) in [(0, 1), (1, 0), (5, 1), (1, 5), (0, 0)] {
        assert_eq!(rate(s, l), None, "{s} {l}");
    }
    assert!(Low < Medium && Medium < High && High < VeryHigh);
    let keys: Vec<_> = [Low, Medium, High, VeryHigh]
        .iter()
        .map(|l| l.key())
        .collect();
    assert_eq!(keys, ["low", "medium", "high", "very_high"]);
    let labels: BTreeSet<_> = [Low, Medium, High, VeryHigh]
        .iter()
        .map(|l| l.label())
        .collect();
    assert_eq!(labels.len(), 4);
    assert_eq!(serde_json::to_value(VeryHigh).unwrap(), "very_high");
    assert_eq!((SEVERITY[3], LIKELIHOOD[0]), ("Critical", "Unlikely"));
}

#[test]
fn impact_areas() {
    let societal: Vec<_> = ImpactArea::ALL
        .iter()
        .filter(|a| a.is_societal())
        .map(|a| a.key())
        .collect();
    assert_eq!(societal, ["environment", "democracy", "labour"]);
    let keys: BTreeSet<_> = ImpactArea::ALL.iter().map(|a| a.key()).collect();
    let labels: BTreeSet<_> = ImpactArea::ALL.iter().map(|a| a.label()).collect();
    assert_eq!((keys.len(), labels.len()), (9, 9));
    for a in ImpactArea::ALL {
        assert_eq!(serde_json::to_value(a).unwrap(), a.key());
    }
}

fn impact(severity: u8, likelihood: u8) -> Impact {
    Impact {
        area: ImpactArea::Discrimination,
        description: "Older applicants refused more often".into(),
        affected: "Applicants over 60".into(),
        severity,
        likelihood,
        mitigations: "Quarterly outcome comparison by age band".into(),
        risks: vec![],
        controls: vec![],
    }
}

#[test]
fn impacts_are_checked_and_rated() {
    let a = ImpactAssessment {
        impacts: vec![impact(1, 1), impact(4, 4), impact(0, 5), impact(2, 3)],
        ..Default::default()
    };
    assert_eq!(
        fields(a.validate()),
        ["impacts[2].likelihood", "impacts[2].severity"]
    );
    let e = a.validate().unwrap_err();
    assert_eq!(e.get("impacts[2].severity"), ["must be from 1 to 4"]);
    let ranked: Vec<_> = a
        .impacts_by_rating()
        .iter()
        .map(|(i, r)| (i.severity, *r))
        .collect();
    assert_eq!(
        ranked,
        [
            (4, Some(ImpactLevel::VeryHigh)),
            (2, Some(ImpactLevel::Medium)),
            (1, Some(ImpactLevel::Low)),
            (0, None)
        ]
    );
    assert_eq!(impact(3, 1).rating(), Some(ImpactLevel::Medium));
    let mut bad = impact(1, 1);
    bad.description = "  ".into();
    bad.affected = "x".repeat(crate::record::LONG_TEXT_MAX + 1);
    bad.mitigations = "\u{0}".into();
    let a = ImpactAssessment {
        impacts: vec![bad],
        ..Default::default()
    };
    assert_eq!(
        fields(a.validate()),
        [
            "impacts[0].affected",
            "impacts[0].description",
            "impacts[0].mitigations"
        ]
    );
    assert!(serde_json::from_value::<Impact>(json!({
        "area": "safety", "description": "x", "severity": 1, "likelihood": 1, "weight": 2
    }))
    .is_err());
    let parsed: Impact = serde_json::from_value(json!({
        "area": "safety", "description": "x", "severity": 1, "likelihood": 1
    }))
    .unwrap();
    assert!(parsed.affected.is_empty() && parsed.mitigations.is_empty());
}

fn full_fria() -> Fria {
    Fria {
        process: "Pre-screening of loan applications".into(),
        period_and_frequency: "Every working day, for three years".into(),
        affected_categories: "Loan applicants".into(),
        specific_risks: "Unfair refusal of older applicants".into(),
        human_oversight: "A credit officer reviews every refusal".into(),
        measures_if_materialised: "Suspend automated refusals; review past cases".into(),
        complaint_handling: "Complaints desk answers within 30 days".into(),
    }
}

#[test]
fn the_fria_is_required_of_deployers_of_high_risk_systems() {
    assert!(required_when(true, true));
    assert!(!required_when(true, false));
    assert!(!required_when(false, true));
    assert!(!required_when(false, false));
    assert_eq!(Fria::validate(None, false), Ok(()));
    assert_eq!(fields(Fria::validate(None, true)), ["fria"]);
    assert_eq!(Fria::validate(Some(&full_fria()), true), Ok(()));
    assert_eq!(Fria::validate(Some(&Fria::default()), false), Ok(()));
    let e = Fria::validate(Some(&Fria::default()), true).unwrap_err();
    let want: Vec<_> = full_fria()
        .fields()
        .iter()
        .map(|(n, _, _)| format!("fria.{n}"))
        .collect();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(
        e.iter().map(|(f, _)| f.to_owned()).collect::<Vec<_>>(),
        want_sorted
    );
    assert_eq!(
        e.get("fria.complaint_handling"),
        ["is required (EU AI Act Art. 27)"]
    );
    let mut f = full_fria();
    f.specific_risks = "x".repeat(crate::record::LONG_TEXT_MAX + 1);
    assert_eq!(
        fields(Fria::validate(Some(&f), false)),
        ["fria.specific_risks"]
    );
    let labels: BTreeSet<_> = f.fields().iter().map(|(_, _, l)| *l).collect();
    assert_eq!(labels.len(), 7);
    let values: Vec<_> = full_fria()
        .fields()
        .iter()
        .map(|(_, v, _)| v.to_string())
        .collect();
    assert_eq!(values[0], "Pre-screening of loan applications");
    assert_eq!(values[6], "Complaints desk answers within 30 days");
    assert!(serde_json::from_value::<Fria>(json!({"process": "x", "scope": "y"})).is_err());
    let partial: Fria = serde_json::from_value(json!({"process": "x"})).unwrap();
    assert_eq!(partial.process, "x");
}

/// An assessment with every question asked answered.
fn complete() -> ImpactAssessment {
    let mut answers = serde_json::Map::new();
    for q in QUESTIONS.iter().filter(|q| q.asked_when.is_none()) {
        let v = match q.kind {
            QuestionKind::YesNo => json!(false),
            QuestionKind::Choice { options } => json!(options[1].id),
            QuestionKind::Text { .. } => json!("Applicants"),
        };
        answers.insert(q.id.into(), v);
    }
    ImpactAssessment {
        answers,
        impacts: vec![impact(3, 2)],
        fria: None,
        reviewers: vec!["user-1".into(), "user-2".into()],
        reassess_on: Some("2027-01-31".into()),
    }
}

#[test]
fn an_assessment_is_checked_whole() {
    assert_eq!(complete().validate(), Ok(()));
    assert_eq!(
        ImpactAssessment::default().validate(),
        Ok(()),
        "an empty draft"
    );
    let mut a = complete();
    a.answers.insert("context.nope".into(), json!(1));
    a.answers.insert("qualities.safety".into(), json!("yes"));
    a.fria = Some(Fria {
        process: "\u{0}".into(),
        ..Fria::default()
    });
    a.reviewers = vec!["u".into(), " ".into(), "u".into()];
    a.reassess_on = Some("2027-02-30".into());
    assert_eq!(
        fields(a.validate()),
        [
            "answers.context.nope",
            "answers.qualities.safety",
            "fria.process",
            "reassess_on",
            "reviewers"
        ]
    );
    let e = a.validate().unwrap_err();
    assert_eq!(
        e.get("reviewers"),
        ["must not hold an empty name", "names u twice"]
    );
    // A date with a time is not a date here.
    let mut a = complete();
    a.reassess_on = Some("2027-01-31T10:00".into());
    assert_eq!(fields(a.validate()), ["reassess_on"]);
    // Reviewers: up to REVIEWERS_MAX.
    let mut a = complete();
    a.reviewers = (0..REVIEWERS_MAX).map(|n| format!("u{n}")).collect();
    assert_eq!(a.validate(), Ok(()));
    a.reviewers.push("extra".into());
    assert_eq!(
        a.validate().unwrap_err().get("reviewers"),
        ["must be at most 20"]
    );
    // Unknown top-level fields are refused when read.
    assert!(serde_json::from_value::<ImpactAssessment>(json!({"answer": {}})).is_err());
    let read: ImpactAssessment = serde_json::from_value(json!({"reviewers": ["a"]})).unwrap();
    assert_eq!(read.reviewers, ["a"]);
}

#[test]
fn an_assessment_goes_to_review_only_when_complete() {
    assert_eq!(complete().check_ready(false), Ok(()));
    let mut a = complete();
    a.answers.remove("society.democracy");
    a.answers.insert("individuals.safety".into(), json!(true));
    assert_eq!(
        fields(a.check_ready(false)),
        [
            "answers.individuals.safety_how",
            "answers.society.democracy"
        ]
    );
    let e = a.check_ready(false).unwrap_err();
    assert_eq!(
        e.get("answers.society.democracy"),
        ["must be answered before review"]
    );
    // Invalid content is reported too.
    let mut a = complete();
    a.impacts[0].severity = 9;
    assert_eq!(fields(a.check_ready(false)), ["impacts[0].severity"]);
    // The FRIA when required.
    let a = complete();
    assert_eq!(fields(a.check_ready(true)), ["fria"]);
    let mut a = complete();
    a.fria = Some(Fria {
        complaint_handling: String::new(),
        ..full_fria()
    });
    assert_eq!(fields(a.check_ready(true)), ["fria.complaint_handling"]);
    assert_eq!(a.check_ready(false), Ok(()));
    a.fria = Some(full_fria());
    assert_eq!(a.check_ready(true), Ok(()));
    // A FRIA field too long is reported once, not twice.
    let mut a = complete();
    a.fria = Some(Fria {
        process: "x".repeat(crate::record::LONG_TEXT_MAX + 1),
        ..full_fria()
    });
    assert_eq!(
        a.check_ready(true).unwrap_err().get("fria.process").len(),
        1
    );
}

#[test]
fn an_impact_names_risks_and_controls_it_links_to() {
    let mut i = impact(2, 2);
    i.risks = vec!["01a2188b-f08b-7045-922f-e208053a4028".into()];
    i.controls = vec!["iso42001:A.5.4".into(), "nist-ai-rmf:MEASURE 2.11".into()];
    let mut a = complete();
    a.impacts = vec![i.clone()];
    assert_eq!(a.validate(), Ok(()));
    // Old bodies read the same: empty lists are not written.
    let text = serde_json::to_string(&impact(2, 2)).unwrap();
    assert!(
        !text.contains("risks") && !text.contains("controls"),
        "{text}"
    );

    i.risks = vec!["not an id".into()];
    i.controls = vec![
        "A.5.4".into(),
        ":A.5.4".into(),
        "iso42001:".into(),
        "iso42001:A.5.4".into(),
        "iso42001:A.5.4".into(),
    ];
    a.impacts = vec![i.clone()];
    let e = a.validate().unwrap_err();
    assert_eq!(e.get("impacts[0].risks"), ["not an id is not a risk id"]);
    let c = e.get("impacts[0].controls");
    assert_eq!(c.len(), 4, "{c:?}");
    assert!(c.iter().any(|m| m.contains("twice")));

    // Exactly the most is fine; one more is not.
    i.risks = (0..LINKS_MAX)
        .map(|n| format!("01a2188b-f08b-7045-922f-{n:012}"))
        .collect();
    i.controls = vec![];
    a.impacts = vec![i.clone()];
    assert_eq!(a.validate(), Ok(()));
    i.risks = (0..=LINKS_MAX)
        .map(|n| format!("01a2188b-f08b-7045-922f-{n:012}"))
        .collect();
    i.controls = vec![];
    a.impacts = vec![i];
    assert!(a
        .validate()
        .unwrap_err()
        .get("impacts[0].risks")
        .iter()
        .any(|m| m.contains("at most")));
}
