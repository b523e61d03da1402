use super::*;

fn s(v: &str) -> String {
    v.to_owned()
}

fn controls() -> Vec<String> {
    ["iso42001:A.2.2", "iso42001:A.6.2.4", "iso42001:A.7.4"]
        .map(s)
        .to_vec()
}

fn treats() -> Vec<(String, String)> {
    vec![
        (s("iso42001:A.6.2.4"), s("risk-b")),
        (s("iso42001:A.6.2.4"), s("risk-a")),
        (s("iso42001:A.6.2.4"), s("risk-a")),
        (s("iso42001:A.9.9"), s("risk-c")),
    ]
}

#[test]
fn a_control_that_treats_a_risk_is_proposed_as_included_with_the_risk_named() {
    let rows = propose(&controls(), &treats());
    assert_eq!(rows.len(), 3, "one row per control, in order");
    assert_eq!(
        rows.iter().map(|r| r.control.as_str()).collect::<Vec<_>>(),
        ["iso42001:A.2.2", "iso42001:A.6.2.4", "iso42001:A.7.4"]
    );
    assert_eq!(rows[1].decision, Decision::Included);
    assert_eq!(
        rows[1].reasons,
        [Reason::RiskTreatment {
            risks: vec![s("risk-a"), s("risk-b")]
        }],
        "each risk once, in order"
    );
    for r in [&rows[0], &rows[2]] {
        assert_eq!(r.decision, Decision::Undecided, "{}", r.control);
        assert!(r.reasons.is_empty());
    }
    // A treatment link to a control that is not listed proposes nothing.
    assert!(!rows.iter().any(|r| r.control == "iso42001:A.9.9"));
}

#[test]
fn an_excluded_control_that_a_treatment_relies_on_is_flagged() {
    let mut rows = propose(&controls(), &treats());
    assert!(flags(&rows, &treats()).is_empty());
    rows[1].decision = Decision::Excluded;
    rows[0].decision = Decision::Excluded;
    assert_eq!(
        flags(&rows, &treats()),
        [Flag::ExcludedButTreatsRisks {
            control: s("iso42001:A.6.2.4"),
            risks: vec![s("risk-a"), s("risk-b")]
        }]
    );
}

fn decided() -> Vec<Row> {
    let mut rows = propose(&controls(), &treats());
    rows[0].decision = Decision::Included;
    rows[0].reasons = vec![Reason::BestPractice];
    rows[2].decision = Decision::Excluded;
    rows[2].exclusion = s("We train no models: no training data of our own.");
    rows
}

#[test]
fn a_decided_and_justified_statement_may_be_approved() {
    assert_eq!(check_approvable(&decided()), Ok(()));
    let mut rows = decided();
    rows[0].reasons = vec![Reason::LegalObligation {
        references: vec![s("eu-ai-act:Art. 9")],
    }];
    rows[0].notes = "Line one\nline two".into();
    assert_eq!(check_approvable(&rows), Ok(()));
}

#[test]
fn an_excluded_control_without_a_justification_cannot_be_approved() {
    let mut rows = decided();
    rows[2].exclusion = s("   ");
    let e = check_approvable(&rows).unwrap_err();
    assert_eq!(e.get("rows[2].exclusion").len(), 1);
    assert_eq!(e.iter().count(), 1, "only that row: {e:?}");
}

#[test]
fn every_mistake_is_named_by_row() {
    let mut rows = decided();
    rows[0].reasons = vec![];
    rows[1].decision = Decision::Undecided;
    rows[2].reasons = vec![
        Reason::RiskTreatment { risks: vec![] },
        Reason::LegalObligation { references: vec![] },
    ];
    rows[2].notes = "x".repeat(TEXT_MAX + 1);
    rows.push(rows[0].clone());
    rows[3].reasons = vec![Reason::ContractualRequirement];
    let e = check_approvable(&rows).unwrap_err();
    assert_eq!(
        e.get("rows[0].reasons"),
        ["an included control needs a reason"]
    );
    assert_eq!(e.get("rows[1].decision"), ["must be included or excluded"]);
    assert_eq!(e.get("rows[2].reasons").len(), 2);
    assert_eq!(e.get("rows[2].notes").len(), 1);
    assert_eq!(e.get("rows[3].control"), ["iso42001:A.2.2 is listed twice"]);
    assert!(e.get("rows[3].reasons").is_empty());
    // Exactly the longest text is fine; a control character is not.
    let mut rows = decided();
    rows[2].notes = "x".repeat(TEXT_MAX);
    assert_eq!(check_approvable(&rows), Ok(()));
    rows[2].exclusion = s("no\u{7}");
    assert_eq!(
        check_approvable(&rows)
            .unwrap_err()
            .get("rows[2].exclusion")
            .len(),
        1
    );
    assert_eq!(check_approvable(&[]).unwrap_err().get("rows").len(), 1);
}

#[test]
fn rows_read_and_write_as_json() {
    let rows = decided();
    let text = serde_json::to_string(&rows).unwrap();
    assert!(text.contains(r#""kind":"risk_treatment""#), "{text}");
    assert!(text.contains(r#""decision":"excluded""#), "{text}");
    let back: Vec<Row> = serde_json::from_str(&text).unwrap();
    assert_eq!(back, rows);
    assert!(serde_json::from_str::<Row>(r#"{"control": "x", "decision": "maybe"}"#).is_err());
}
