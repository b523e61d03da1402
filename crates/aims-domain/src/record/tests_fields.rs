//! Field types and list views declared per kind: decimals as people
//! write them, and the ready-made views a list offers.

use super::*;
use serde_json::json;
use std::collections::BTreeMap;

const MEASURED: &[Field] = &[
    Field::text("title", "Title", 100).required(),
    Field::decimal("target", "Target"),
];

fn measured() -> Kind {
    Kind {
        fields: MEASURED,
        ..EVIDENCE
    }
}

fn from_text(v: &str) -> Result<Option<Value>, Vec<String>> {
    let input: BTreeMap<String, String> = [
        ("title".to_owned(), "t".to_owned()),
        ("target".to_owned(), v.to_owned()),
    ]
    .into();
    measured()
        .parse_new(Input::Text(&input))
        .map(|f| f.get("target").cloned())
        .map_err(|e| e.get("target").to_vec())
}

fn from_json(v: Value) -> Result<Option<Value>, Vec<String>> {
    let input = json!({"title": "t", "target": v});
    measured()
        .parse_new(Input::Json(input.as_object().unwrap()))
        .map(|f| f.get("target").cloned())
        .map_err(|e| e.get("target").to_vec())
}

#[test]
fn a_decimal_is_a_finite_number_within_bounds_whole_ones_stored_whole() {
    assert_eq!(from_text("0.85"), Ok(Some(json!(0.85))));
    assert_eq!(from_text(" 12 "), Ok(Some(json!(12))));
    assert_eq!(
        from_text("12.0"),
        Ok(Some(json!(12))),
        "whole: stored as 12"
    );
    assert_eq!(from_text("-3.5"), Ok(Some(json!(-3.5))));
    assert_eq!(
        from_text("1e15"),
        Ok(Some(json!(1_000_000_000_000_000_i64)))
    );
    assert_eq!(
        from_text("-1e15"),
        Ok(Some(json!(-1_000_000_000_000_000_i64)))
    );
    assert_eq!(from_text(""), Ok(None), "empty clears");
    assert_eq!(from_json(json!(0.5)), Ok(Some(json!(0.5))));
    assert_eq!(from_json(json!(7)), Ok(Some(json!(7))));
    assert_eq!(from_json(json!("7.25")), Ok(Some(json!(7.25))));
    assert_eq!(from_json(Value::Null), Ok(None));
    for bad in [
        "1.1e15",
        "-1.0000001e15",
        "NaN",
        "inf",
        "-inf",
        "twelve",
        "1,5",
    ] {
        let e = from_text(bad).unwrap_err();
        assert_eq!(e.len(), 1, "{bad}: {e:?}");
        assert!(e[0].starts_with("must be a number"), "{bad}: {e:?}");
    }
    assert_eq!(
        from_json(json!(true)),
        Err(vec!["must be a number, such as 12 or 0.85".to_owned()])
    );
    assert_eq!(
        from_json(json!(2e15)),
        Err(vec![format!(
            "must be a number between -{DECIMAL_MAX} and {DECIMAL_MAX}"
        )])
    );
    // Exported as people read it.
    let fields = measured()
        .parse_new(Input::Text(
            &[
                ("title".to_owned(), "t".to_owned()),
                ("target".to_owned(), "0.85".to_owned()),
            ]
            .into(),
        ))
        .unwrap();
    assert_eq!(measured().cell(&MEASURED[1], &fields), "0.85");
}

#[test]
fn lists_offer_mine_and_what_is_past_its_date() {
    let views = |k: &Kind| -> Vec<(&str, &str, &str)> {
        k.shortcuts()
            .iter()
            .map(|s| (s.label, s.filter, s.value.on("2026-11-26")))
            .collect()
    };
    assert_eq!(
        views(&EVIDENCE),
        [
            ("Mine", "owner", "me"),
            ("Stale", "due_before", "2026-11-26")
        ]
    );
    assert_eq!(
        views(&RISK_ACTIONS),
        [
            ("Mine", "owner", "me"),
            ("Overdue", "due_before", "2026-11-26")
        ]
    );
    // An owner is a member field named owner; the first duty names the view.
    const NOT_OWNER: &[Field] = &[
        Field::text("title", "Title", 10).required(),
        Field::text("owner", "Owner", 10),
        Field {
            name: "reviewer",
            ..Field::owner()
        },
    ];
    assert_eq!(
        views(&Kind {
            fields: NOT_OWNER,
            ..EVIDENCE
        }),
        []
    );
    const TWO_DUTIES: &[Field] = &[
        Field::text("title", "Title", 10).required(),
        Field::date("next_review", "Next review").duty(),
        Field::date("expires", "Expires").duty().lapsed("Expired"),
    ];
    assert_eq!(
        views(&Kind {
            fields: TWO_DUTIES,
            ..EVIDENCE
        }),
        [("Overdue", "due_before", "2026-11-26")]
    );
}
