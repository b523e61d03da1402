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
    let rows = propose(&controls(), &treats(), &[]);
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
    let mut rows = propose(&controls(), &treats(), &[]);
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
    let mut rows = propose(&controls(), &treats(), &[]);
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

#[test]
fn a_control_a_legal_obligation_maps_to_is_proposed_with_the_requirement_named() {
    let laws = vec![
        (s("iso42001:A.7.4"), s("eu-ai-act:Art. 10")),
        (s("iso42001:A.6.2.4"), s("eu-ai-act:Art. 15")),
        (s("iso42001:A.7.4"), s("eu-ai-act:Art. 10")),
    ];
    let rows = propose(&controls(), &treats(), &laws);
    assert_eq!(rows[0].decision, Decision::Undecided);
    assert_eq!(rows[2].decision, Decision::Included);
    assert_eq!(
        rows[2].reasons,
        [Reason::LegalObligation {
            references: vec![s("eu-ai-act:Art. 10")]
        }]
    );
    assert_eq!(
        rows[1].reasons,
        [
            Reason::RiskTreatment {
                risks: vec![s("risk-a"), s("risk-b")]
            },
            Reason::LegalObligation {
                references: vec![s("eu-ai-act:Art. 15")]
            }
        ],
        "both reasons, risk first"
    );
}

#[test]
fn changes_name_each_field_that_differs_and_rows_added_or_dropped() {
    let old = propose(&controls(), &treats(), &[]);
    assert!(changes(&old, &old).is_empty());
    let mut new = old.clone();
    new[0].decision = Decision::Excluded;
    new[0].exclusion = s("no third parties");
    new[1].notes = s("see policy");
    new[1].reasons.push(Reason::BestPractice);
    new.remove(2);
    new.push(Row {
        control: s("iso42001:A.9.2"),
        decision: Decision::Included,
        reasons: vec![Reason::BusinessNeed],
        exclusion: String::new(),
        notes: String::new(),
    });
    let c = changes(&old, &new);
    let view: Vec<(&str, &str, &str, &str)> = c
        .iter()
        .map(|c| (c.control.as_str(), c.field, c.old.as_str(), c.new.as_str()))
        .collect();
    assert_eq!(
        view,
        [
            ("iso42001:A.2.2", "decision", "undecided", "excluded"),
            ("iso42001:A.2.2", "exclusion", "", "no third parties"),
            (
                "iso42001:A.6.2.4",
                "reasons",
                "risk treatment: risk-a, risk-b",
                "risk treatment: risk-a, risk-b; best practice"
            ),
            ("iso42001:A.6.2.4", "notes", "", "see policy"),
            ("iso42001:A.9.2", "row", "", "included"),
            ("iso42001:A.7.4", "row", "undecided", ""),
        ]
    );
}

#[test]
fn reasons_read_as_one_line() {
    assert_eq!(reasons_text(&[]), "");
    assert_eq!(
        reasons_text(&[
            Reason::LegalObligation {
                references: vec![s("eu-ai-act:Art. 9"), s("eu-ai-act:Art. 10")]
            },
            Reason::ContractualRequirement,
            Reason::BusinessNeed,
            Reason::BestPractice,
        ]),
        "legal obligation: eu-ai-act:Art. 9, eu-ai-act:Art. 10; contractual requirement; business need; best practice"
    );
    assert_eq!(Decision::Included.key(), "included");
    assert_eq!(Decision::Excluded.key(), "excluded");
}

#[test]
fn edits_replace_their_rows_and_an_unknown_control_is_named() {
    let mut rows = propose(&controls(), &treats(), &[]);
    let mut edit = rows[2].clone();
    edit.decision = Decision::Excluded;
    edit.exclusion = s("not relevant");
    apply_edits(&mut rows, vec![edit.clone()]).unwrap();
    assert_eq!(rows[2], edit);
    assert_eq!(rows.len(), 3);
    let mut stray = edit.clone();
    stray.control = s("iso42001:Z.1");
    let err = apply_edits(&mut rows, vec![edit, stray]).unwrap_err();
    assert!(err.iter().any(|(f, _)| f == "rows[1].control"), "{err:?}");
}

#[test]
fn a_draft_may_be_undecided_but_not_malformed() {
    let mut rows = propose(&controls(), &treats(), &[]);
    assert_eq!(
        check_draft(&rows),
        Ok(()),
        "undecided rows are fine in a draft"
    );
    assert_eq!(check_draft(&[]), Ok(()));
    rows[0].reasons = vec![Reason::RiskTreatment {
        risks: vec!["r".repeat(200)],
    }];
    assert_eq!(check_draft(&rows), Ok(()), "exactly 200 characters");
    rows[0].reasons = vec![Reason::LegalObligation {
        references: vec!["r".repeat(201)],
    }];
    assert_eq!(
        check_draft(&rows).unwrap_err().get("rows[0].reasons").len(),
        1
    );
    rows[0].reasons = vec![Reason::RiskTreatment {
        risks: vec![s("a\u{1}")],
    }];
    assert_eq!(
        check_draft(&rows).unwrap_err().get("rows[0].reasons").len(),
        1
    );
    rows[0].reasons = vec![Reason::BusinessNeed];
    rows[1].exclusion = "é".repeat(TEXT_MAX);
    assert_eq!(check_draft(&rows), Ok(()), "characters, not bytes");
    rows.push(rows[2].clone());
    let e = check_draft(&rows).unwrap_err();
    assert_eq!(e.get("rows[3].control").len(), 1);
    assert_eq!(e.iter().count(), 1, "{e:?}");
}

#[test]
fn a_framework_is_adopted_into_the_statement_and_dropped_again() {
    assert_eq!(framework_of("iso27001:A.5.1"), "iso27001");
    assert_eq!(framework_of("no-colon"), "");
    let base = propose(&[s("iso42001:A.2.2"), s("iso42001:A.6.2.4")], &[], &[]);
    let mut rows = base.clone();
    rows[0].decision = Decision::Excluded;
    rows[0].exclusion = s("not applicable");
    let proposed = propose(
        &[
            s("iso27001:A.5.1"),
            s("iso42001:A.2.2"),
            s("iso27001:A.8.16"),
        ],
        &[(s("iso27001:A.8.16"), s("risk-1"))],
        &[],
    );
    assert_eq!(adopt(&mut rows, proposed.clone()), 2);
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows[0].decision,
        Decision::Excluded,
        "existing rows kept as they are"
    );
    assert_eq!(rows[2].control, "iso27001:A.5.1");
    assert_eq!(
        rows[3].decision,
        Decision::Included,
        "proposed from its treatment"
    );
    assert_eq!(frameworks(&rows), ["iso42001", "iso27001"]);
    assert_eq!(adopt(&mut rows, proposed), 0, "adopted already");
    assert_eq!(rows.len(), 4);
    assert!(drop_framework(&mut rows, "iso42001", "iso42001").is_err());
    assert_eq!(rows.len(), 4);
    assert_eq!(drop_framework(&mut rows, "iso27001", "iso42001"), Ok(2));
    assert_eq!(drop_framework(&mut rows, "iso27001", "iso42001"), Ok(0));
    assert_eq!(rows.len(), 2);
    assert_eq!(frameworks(&rows), ["iso42001"]);
    assert_eq!(frameworks(&[]), Vec::<&str>::new());
}
