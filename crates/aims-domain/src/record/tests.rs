use super::*;
use serde_json::json;
use std::collections::BTreeMap;

fn systems() -> &'static Kind {
    kind("systems").unwrap()
}

fn obj(v: Value) -> Fields {
    v.as_object().unwrap().clone()
}

fn text(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn every_kind_is_declared_soundly() {
    for k in KINDS {
        assert_eq!(declaration_problems(k), Vec::<String>::new());
        assert_eq!(kind(k.name), Some(k));
        assert_eq!(kind_by_record_type(k.record_type), Some(k));
    }
    assert_eq!(kind("nope"), None);
    assert_eq!(kind_by_record_type("nope"), None);
    // Names are unique across kinds, in every namespace they live in.
    for (i, a) in KINDS.iter().enumerate() {
        for b in &KINDS[..i] {
            assert_ne!(a.name, b.name);
            assert_ne!(a.record_type, b.record_type);
            assert_ne!(a.page, b.page);
        }
    }
}

const STAGES: &[Choice] = &[
    Choice {
        value: "live",
        label: "Live",
    },
    Choice {
        value: "retirement",
        label: "Retirement",
    },
];

#[test]
fn declaration_problems_finds_each_mistake() {
    const BAD: &[Field] = &[
        Field::long("name", "Name"),
        Field::text("id", "Id", 10),
        Field::text("x", "X", 10),
        Field::text("x", "X again", 10),
        Field::text("when", "When", 10).duty(),
        Field::owner(),
        Field::owner(),
        Field::date("due", "Due").duty_until("when", &["done"]),
        Field::date("due2", "Due").duty_until("nowhere", &[]),
        Field::choice("stage", "Stage", STAGES),
        Field::date("due3", "Due").duty_until("stage", &["retirement", "someday"]),
        Field::date("due4", "Due").duty_until("stage", &["retirement"]),
    ];
    let k = Kind {
        fields: BAD,
        columns: &["missing"],
        ..*systems()
    };
    let p = declaration_problems(&k);
    assert_eq!(p.len(), 10, "{p:?}");
    assert!(p.iter().any(|m| m.contains("duty `due3` ends on values")));
    assert!(!p.iter().any(|m| m.contains("duty `due4`")), "{p:?}");
    assert!(p.iter().any(|m| m.contains("duty `due` ends on values")));
    assert!(p.iter().any(|m| m.contains("duty `due2` ends on values")));
    assert!(p[0].contains("title must be required text"));
    assert!(p.iter().any(|m| m.contains("`id` is reserved")));
    assert!(p.iter().any(|m| m.contains("`x` is declared twice")));
    assert!(p.iter().any(|m| m.contains("duty `when` must be a date")));
    assert!(p.iter().any(|m| m.contains("`owner` is declared twice")));
    assert!(p.iter().any(|m| m.contains("at most one owner field")));
    assert!(p.iter().any(|m| m.contains("column `missing`")));
}

#[test]
fn parses_every_type_from_json() {
    let f = systems()
        .parse_new(Input::Json(&obj(json!({
            "name": "  Claims triage ",
            "purpose": "Routes claims",
            "roles": ["AI customer", "ai_provider", "ai_provider"],
            "lifecycle_stage": "Operation and monitoring",
            "in_scope": true,
            "next_review": "2028-02-29",
            "owner": "ada@example.com",
        }))))
        .unwrap();
    assert_eq!(
        Value::Object(f.clone()),
        json!({
            "name": "Claims triage",
            "purpose": "Routes claims",
            "roles": ["ai_provider", "ai_customer"],
            "lifecycle_stage": "operation_monitoring",
            "in_scope": true,
            "next_review": "2028-02-29",
            "owner": "ada@example.com",
        })
    );
    assert_eq!(systems().title_of(&f), "Claims triage");
    assert_eq!(systems().owner_of(&f), Some("ada@example.com"));
    assert_eq!(
        systems().facets(&f),
        vec![
            ("owner", "ada@example.com".to_owned()),
            ("roles", "ai_provider".to_owned()),
            ("roles", "ai_customer".to_owned()),
            ("lifecycle_stage", "operation_monitoring".to_owned()),
            ("in_scope", "true".to_owned()),
        ]
    );
    assert_eq!(
        systems().duties(&f),
        vec![("next_review", "2028-02-29".to_owned())]
    );
    assert_eq!(systems().search_text(&f), "claims triage routes claims");
}

#[test]
fn text_input_matches_json_input() {
    let from_text = systems()
        .parse_new(Input::Text(&text(&[
            ("name", "Claims triage"),
            ("roles", "AI customer; ai_provider"),
            ("lifecycle_stage", "operation-monitoring"),
            ("in_scope", "Yes"),
            ("purpose", ""),
        ])))
        .unwrap();
    assert_eq!(
        Value::Object(from_text),
        json!({"name": "Claims triage", "roles": ["ai_provider", "ai_customer"],
               "lifecycle_stage": "operation_monitoring", "in_scope": true})
    );
}

#[test]
fn every_problem_is_named_by_field() {
    let err = systems()
        .parse_new(Input::Json(&obj(json!({
            "purpose": 7,
            "roles": "ai_provider, astronaut",
            "lifecycle_stage": ["design"],
            "in_scope": "perhaps",
            "next_review": "2027-02-29",
            "nmae": "typo",
            "scope_reason": "x".repeat(LONG_TEXT_MAX + 1),
            "external_ref": "ab\u{202E}cd",
        }))))
        .unwrap_err();
    assert_eq!(err.get("name"), ["is required"]);
    assert_eq!(err.get("purpose"), ["must be a text"]);
    assert_eq!(
        err.get("roles"),
        ["must be one of: ai_provider, ai_producer, ai_customer, ai_partner, ai_subject"]
    );
    assert_eq!(err.get("lifecycle_stage"), ["must be a text"]);
    assert_eq!(err.get("in_scope"), ["must be yes or no (true/false)"]);
    assert_eq!(
        err.get("next_review"),
        ["must be a date written YYYY-MM-DD"]
    );
    assert!(err.get("nmae")[0]
        .starts_with("is not a field of AI systems; the fields are: name, purpose"));
    assert_eq!(err.get("scope_reason"), ["must be at most 4000 characters"]);
    assert!(err.get("external_ref")[0].contains("invisible"));
    let err = systems()
        .parse_new(Input::Json(&obj(
            json!({"name": "x".repeat(TITLE_MAX + 1), "in_scope": [1], "roles": [1], "metrics": 1}),
        )))
        .unwrap_err();
    assert_eq!(err.get("name"), ["must be at most 200 characters"]);
    assert_eq!(err.get("in_scope"), ["must be true or false"]);
    assert_eq!(err.get("roles"), ["must be a list of texts"]);
    let err = systems()
        .parse_new(Input::Json(&obj(
            json!({"name": "a\u{0}b", "purpose": "ok\tfine\n"}),
        )))
        .unwrap_err();
    assert_eq!(err.get("name"), [crate::validation::CONTROL_MESSAGE]);
    assert!(err.get("purpose").is_empty());
}

#[test]
fn long_text_allows_what_titles_refuse() {
    let f = systems()
        .parse_new(Input::Json(&obj(
            json!({"name": "x".repeat(TITLE_MAX), "purpose": "rtl \u{202E} text"}),
        )))
        .unwrap();
    assert_eq!(f["purpose"], "rtl \u{202E} text");
    let err = systems()
        .parse_new(Input::Json(&obj(json!({"name": "a\u{200B}b"}))))
        .unwrap_err();
    assert!(err.get("name")[0].contains("invisible"));
}

#[test]
fn update_keeps_what_is_left_out_and_clears_what_is_empty() {
    let old = systems()
        .parse_new(Input::Json(&obj(
            json!({"name": "A", "purpose": "P", "in_scope": false}),
        )))
        .unwrap();
    let new = systems()
        .parse_update(
            &old,
            Input::Json(&obj(json!({"purpose": null, "in_scope": true}))),
        )
        .unwrap();
    assert_eq!(
        Value::Object(new.clone()),
        json!({"name": "A", "in_scope": true})
    );
    let changes = crate::history::field_changes(&old, &new);
    assert_eq!(
        Value::Object(changes),
        json!({"purpose": ["P", null], "in_scope": [false, true]})
    );
    let err = systems()
        .parse_update(&old, Input::Text(&text(&[("name", "  ")])))
        .unwrap_err();
    assert_eq!(err.get("name"), ["is required"]);
}

#[test]
fn metrics_parse_from_json_and_text_and_print_back() {
    let models = kind("models").unwrap();
    let f = models
        .parse_new(Input::Json(&obj(json!({"name": "m", "metrics": [
            {"name": "accuracy", "value": 0.93, "dataset": "imdb", "task": "text-classification"},
            {"name": "f1", "value": "0.9"},
            {"name": "grade", "value": "A"},
        ]}))))
        .unwrap();
    assert_eq!(
        f["metrics"],
        json!([{"name": "accuracy", "value": 0.93, "dataset": "imdb", "task": "text-classification"},
               {"name": "f1", "value": 0.9}, {"name": "grade", "value": "A"}])
    );
    let field = models.field("metrics").unwrap();
    let cell = models.cell(field, &f);
    assert_eq!(cell, "accuracy=0.93 (imdb); f1=0.9; grade=A");
    let back = models
        .parse_new(Input::Text(&text(&[("name", "m"), ("metrics", &cell)])))
        .unwrap();
    assert_eq!(back["metrics"][0]["value"], json!(0.93));
    assert_eq!(back["metrics"][0]["dataset"], json!("imdb"));
    assert_eq!(back["metrics"][2]["value"], json!("A"));
    for bad in [
        json!([{"value": 1}]),
        json!([{"name": "a"}]),
        json!([1]),
        json!([{"name": "a", "value": ""}]),
        json!([{"name": "a", "value": "v".repeat(101)}]),
        json!([{"name": "n".repeat(201), "value": 1}]),
        json!((0..=METRICS_MAX)
            .map(|i| json!({"name": i.to_string(), "value": i}))
            .collect::<Vec<_>>()),
    ] {
        assert!(
            models
                .parse_new(Input::Json(&obj(
                    json!({"name": "m", "metrics": bad.clone()})
                )))
                .is_err(),
            "{bad}"
        );
    }
    let err = models
        .parse_new(Input::Text(&text(&[
            ("name", "m"),
            ("metrics", "accuracy 0.9"),
        ])))
        .unwrap_err();
    assert!(err.get("metrics")[0].contains("name=value"));
    let ok = models
        .parse_new(Input::Json(&obj(json!({"name": "m", "metrics": (0..METRICS_MAX).map(|i| json!({"name": i.to_string(), "value": i})).collect::<Vec<_>>()}))))
        .unwrap();
    assert_eq!(ok["metrics"].as_array().unwrap().len(), METRICS_MAX);
}

#[test]
fn cells_render_every_type() {
    let k = systems();
    let f = k
        .parse_new(Input::Json(&obj(
            json!({"name": "A", "roles": ["ai_partner", "ai_subject"], "in_scope": false}),
        )))
        .unwrap();
    let cell = |name| k.cell(k.field(name).unwrap(), &f);
    assert_eq!(cell("name"), "A");
    assert_eq!(cell("roles"), "ai_partner; ai_subject");
    assert_eq!(cell("in_scope"), "false");
    assert_eq!(cell("purpose"), "");
    let lifecycle = k.field("lifecycle_stage").unwrap();
    assert_eq!(lifecycle.choice_label("re_evaluation"), "Re-evaluation");
    assert_eq!(lifecycle.choice_label("unknown"), "unknown");
}

#[test]
fn dates_follow_the_calendar() {
    for ok in [
        "2024-02-29",
        "2000-02-29",
        "2026-12-31",
        "2026-01-01T00:00:00",
        "0001-01-01",
    ] {
        assert!(parse_date(ok).is_some(), "{ok}");
    }
    assert_eq!(
        parse_date("2026-03-01T10:30:00").as_deref(),
        Some("2026-03-01")
    );
    for bad in [
        "1900-02-29",
        "2023-02-29",
        "2026-04-31",
        "2026-13-01",
        "2026-00-10",
        "2026-01-00",
        "2026-1-01",
        "26-01-01",
        "2026/01/01",
        "0000-01-01",
        "2026-01-01Tnoon",
        "2026-01-0a",
        "２０２６-01-01",
        "",
    ] {
        assert_eq!(parse_date(bad), None, "{bad}");
    }
    for (m, d) in [
        (1, 31),
        (3, 31),
        (5, 31),
        (7, 31),
        (8, 31),
        (10, 31),
        (12, 31),
        (6, 30),
        (9, 30),
        (11, 30),
    ] {
        assert!(parse_date(&format!("2026-{m:02}-{d}")).is_some());
        assert!(parse_date(&format!("2026-{m:02}-{}", d + 1)).is_none());
    }
}

#[test]
fn yes_and_no_as_people_write_them() {
    for y in ["true", "YES", "y", "1", "On"] {
        assert_eq!(parse_bool(y), Some(true), "{y}");
    }
    for n in ["false", "No", "N", "0", "off"] {
        assert_eq!(parse_bool(n), Some(false), "{n}");
    }
    assert_eq!(parse_bool("maybe"), None);
}

#[test]
fn column_headers_match_names_and_labels() {
    let k = systems();
    assert_eq!(
        k.column_field("Life-cycle stage").map(|f| f.name),
        Some("lifecycle_stage")
    );
    assert_eq!(
        k.column_field(" LIFECYCLE_STAGE ").map(|f| f.name),
        Some("lifecycle_stage")
    );
    assert_eq!(
        k.column_field("In the AIMS scope").map(|f| f.name),
        Some("in_scope")
    );
    assert_eq!(k.column_field("Our  roles").map(|f| f.name), Some("roles"));
    assert_eq!(k.column_field("colour"), None);
    assert_eq!(normalise_name("  A - b__C. d "), "a_b_c_d");
}

#[test]
fn relations_say_which_kinds_they_join() {
    let uses = relation("uses_model").unwrap();
    assert!(uses.allows("systems", "models"));
    assert!(!uses.allows("models", "systems"));
    assert!(!uses.allows("systems", "datasets"));
    let any = relation("related_to").unwrap();
    assert!(any.allows("datasets", "context-issues"));
    assert!(relation("nope").is_none());
    for r in RELATIONS {
        for k in r.from.iter().chain(r.to) {
            assert!(kind(k).is_some(), "{} names unknown kind {k}", r.name);
        }
    }
}

#[test]
fn kinds_without_an_owner_field_say_so() {
    assert!(systems().has_owner());
    const NO_OWNER: &[Field] = &[Field::text("name", "Name", 10).required()];
    let k = Kind {
        fields: NO_OWNER,
        columns: &[],
        ..*systems()
    };
    assert!(!k.has_owner());
    assert_eq!(k.owner_of(&Fields::new()), None);
}

#[test]
fn approval_state_follows_the_latest_approved_version() {
    let scope = kind("scopes").unwrap();
    assert_eq!(scope.access.approve, Some(crate::Action::Approve));
    assert_eq!(systems().access.approve, None);
    let a = obj(json!({"title": "AIMS scope", "statement": "All AI"}));
    let b = obj(json!({"title": "AIMS scope", "statement": "All AI but HR"}));
    assert_eq!(ApprovalState::of(&a, None), ApprovalState::Draft);
    assert_eq!(
        ApprovalState::of(&a, Some((2, &a))),
        ApprovalState::Approved { number: 2 }
    );
    assert_eq!(
        ApprovalState::of(&b, Some((2, &a))),
        ApprovalState::ChangedSince { number: 2 }
    );
    assert_eq!(ApprovalState::Draft.label(), "Draft, never approved");
    assert_eq!(
        ApprovalState::Approved { number: 2 }.label(),
        "Approved (version 2)"
    );
    assert_eq!(
        ApprovalState::ChangedSince { number: 2 }.label(),
        "Draft: changed since approved version 2"
    );
}

#[test]
fn edges_of_every_limit() {
    let k = systems();
    // A member reference is at most 320 characters.
    let at = |n: usize| format!("{}@x.org", "a".repeat(n - 6));
    assert!(k
        .parse_new(Input::Json(&obj(json!({"name": "A", "owner": at(320)}))))
        .is_ok());
    let err = k
        .parse_new(Input::Json(&obj(json!({"name": "A", "owner": at(321)}))))
        .unwrap_err();
    assert_eq!(err.get("owner"), ["must be a member's e-mail address"]);
    // Lists must be lists.
    let err = k
        .parse_new(Input::Json(&obj(
            json!({"name": "A", "roles": 5, "purpose": true}),
        )))
        .unwrap_err();
    assert_eq!(err.get("roles"), ["must be a list"]);
    assert_eq!(err.get("purpose"), ["must be a text"]);
    let models = kind("models").unwrap();
    let err = models
        .parse_new(Input::Json(&obj(json!({"name": "m", "metrics": {"a": 1}}))))
        .unwrap_err();
    assert_eq!(err.get("metrics"), ["must be a list"]);
    // Metric texts up to 200 characters; values that are not finite numbers stay text.
    let long = "n".repeat(200);
    let f = models
        .parse_new(Input::Json(&obj(json!({"name": "m", "metrics": [{"name": long, "value": "inf"}, {"name": "b", "value": "NaN"}]}))))
        .unwrap();
    assert_eq!(f["metrics"][0]["value"], json!("inf"));
    assert_eq!(f["metrics"][1]["value"], json!("NaN"));
    let err = models
        .parse_new(Input::Json(&obj(
            json!({"name": "m", "metrics": [{"name": "n".repeat(201), "value": 1}]}),
        )))
        .unwrap_err();
    assert_eq!(
        err.get("metrics"),
        ["a metric's name must be at most 200 characters"]
    );
}

#[test]
fn labels_help_and_file_names() {
    assert_eq!(systems().file_stem(), "ai-systems");
    assert_eq!(
        kind("interested-parties").unwrap().file_stem(),
        "interested-parties"
    );
    assert!(systems().field("owner").unwrap().help.contains("member"));
    assert!(systems()
        .field("purpose")
        .unwrap()
        .help
        .starts_with("What the system is for"));
    assert_eq!(systems().field("owner").unwrap().label, "Owner");
}

#[test]
fn a_title_must_be_required_and_one_line() {
    const LONG_TITLE: &[Field] = &[Field::long("name", "Name").required()];
    const OPTIONAL_TITLE: &[Field] = &[Field::text("name", "Name", 10)];
    for fields in [LONG_TITLE, OPTIONAL_TITLE] {
        let k = Kind {
            fields,
            columns: &[],
            ..*systems()
        };
        assert_eq!(
            declaration_problems(&k),
            ["systems: the title must be required text"]
        );
    }
}

#[test]
fn levels_parse_as_numbers_or_names_and_computed_fields_are_not_input() {
    let risks = kind("risks").unwrap();
    let f = risks
        .parse_new(Input::Json(&obj(json!({
            "title": "Drift",
            "inherent_likelihood": 3,
            "inherent_impact": "Major",
            "current_likelihood": "2",
        }))))
        .unwrap();
    assert_eq!(f["inherent_likelihood"], json!(3));
    assert_eq!(f["inherent_impact"], json!("Major"));
    assert_eq!(f["current_likelihood"], json!(2));
    for bad in [
        json!(0),
        json!(7),
        json!(-1),
        json!(2.5),
        json!(true),
        json!(["1"]),
    ] {
        let e = risks
            .parse_new(Input::Json(&obj(
                json!({"title": "x", "inherent_impact": bad}),
            )))
            .unwrap_err();
        assert_eq!(e.get("inherent_impact").len(), 1, "{bad}");
    }
    assert!(risks
        .parse_new(Input::Json(&obj(
            json!({"title": "x", "inherent_impact": 6})
        )))
        .is_ok());
    let long = "x".repeat(61);
    let e = risks
        .parse_new(Input::Json(&obj(
            json!({"title": "x", "inherent_impact": long}),
        )))
        .unwrap_err();
    assert_eq!(e.get("inherent_impact").len(), 1);
    // A computed field is refused from JSON, ignored from text (an export imported back).
    let e = risks
        .parse_new(Input::Json(&obj(
            json!({"title": "x", "residual_band": "low"}),
        )))
        .unwrap_err();
    assert_eq!(e.get("residual_band"), [crate::record::COMPUTED_MESSAGE]);
    let text: BTreeMap<String, String> = [
        ("title", "x"),
        ("residual_band", "low"),
        ("inherent_score", "3"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_owned(), b.to_owned()))
    .collect();
    let f = risks.parse_new(Input::Text(&text)).unwrap();
    assert_eq!(f.len(), 1);
}

#[test]
fn columns_match_aliases_but_never_computed_fields() {
    let risks = kind("risks").unwrap();
    assert_eq!(
        risks.column_field("Likelihood").unwrap().name,
        "inherent_likelihood"
    );
    assert_eq!(
        risks.column_field("impact").unwrap().name,
        "inherent_impact"
    );
    assert_eq!(
        risks.column_field("Residual impact").unwrap().name,
        "residual_impact"
    );
    assert!(risks.column_field("residual_band").is_none());
    assert!(risks.column_field("Inherent score").is_none());
    assert!(systems().column_field("likelihood").is_none());
}

#[test]
fn computed_fields_are_declared_consistently() {
    const BAD: &[Field] = &[
        Field::text("name", "Name", 10).required(),
        Field::boolean("flag", "Flag").computed(),
        Field {
            computed: false,
            ..Field::number("n", "N")
        },
        Field::key("k", "K").required(),
    ];
    let k = Kind {
        fields: BAD,
        columns: &[],
        ..*systems()
    };
    let p = declaration_problems(&k);
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(p[0].contains("computed `flag` has an input type"));
    assert!(p[1].contains("`n` must be computed"));
    assert!(p[2].contains("computed `k` cannot be required"));
}

#[test]
fn a_duty_ends_when_its_record_says_it_is_done() {
    let actions = &crate::record::RISK_ACTIONS;
    let due = |status: Option<&str>| {
        let mut f = obj(json!({"title": "Filter inputs", "due": "2027-01-31"}));
        if let Some(s) = status {
            f.insert("status".into(), json!(s));
        }
        actions.duties(&f)
    };
    let open = vec![("due", "2027-01-31".to_owned())];
    assert_eq!(due(None), open);
    assert_eq!(due(Some("planned")), open);
    assert_eq!(due(Some("in_progress")), open);
    assert_eq!(due(Some("done")), vec![]);
    assert_eq!(due(Some("cancelled")), vec![]);
    // The choices it ends on are the kind's own.
    let choices: Vec<&str> = match actions.field("status").unwrap().ty {
        FieldType::Choice(c) => c.iter().map(|c| c.value).collect(),
        _ => vec![],
    };
    let (field, ends) = actions.field("due").unwrap().duty_until.unwrap();
    assert_eq!(field, "status");
    assert!(ends.iter().all(|e| choices.contains(e)));
}

#[test]
fn columns_map_by_header_unless_the_user_says_otherwise() {
    let risks = &crate::record::RISKS;
    let headers: Vec<String> = ["Title", "Prob", "Severity", "likelihood", "Notes"]
        .map(str::to_owned)
        .to_vec();
    let names = |m: &[(&str, &str)]| {
        let m: Vec<(String, String)> = m
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        risks.column_fields(&headers, &m).map(|v| {
            v.iter()
                .map(|f| f.map_or("", |f| f.name))
                .collect::<Vec<_>>()
        })
    };
    // Unmapped: by name, label or alias; the rest ignored.
    assert_eq!(
        names(&[]).unwrap(),
        ["title", "", "", "inherent_likelihood", ""]
    );
    // Mapped (header matched loosely), one column ignored on purpose.
    assert_eq!(
        names(&[
            ("prob", "residual_likelihood"),
            (" Severity ", "residual_impact"),
            ("likelihood", "")
        ])
        .unwrap(),
        ["title", "residual_likelihood", "residual_impact", "", ""]
    );
    // A header the file lacks, a computed field, no such field.
    for bad in [
        ("Missing", "title"),
        ("Prob", "inherent_score"),
        ("Prob", "nonsense"),
    ] {
        let e = names(&[bad]).unwrap_err();
        assert_eq!(e.get("columns").len(), 1, "{bad:?}");
    }
}

#[test]
fn computed_constructors_and_headings() {
    let k = Field::key("band", "Band");
    assert_eq!((k.ty, k.computed), (FieldType::Key, true));
    let n = Field::number("score", "Score");
    assert_eq!((n.ty, n.computed), (FieldType::Number, true));
    assert_eq!(crate::record::capitalise("risks"), "Risks");
    assert_eq!(crate::record::capitalise("éléments"), "Éléments");
    assert_eq!(crate::record::capitalise(""), "");
}

#[test]
fn a_level_that_is_neither_a_number_nor_a_name_is_named_as_a_level() {
    let risks = &crate::record::RISKS;
    for bad in [
        json!(true),
        json!([1]),
        json!(-1),
        json!(2.5),
        json!({"l": 1}),
    ] {
        let e = risks
            .parse_new(Input::Json(&obj(
                json!({"title": "R", "inherent_likelihood": bad}),
            )))
            .unwrap_err();
        assert_eq!(
            e.get("inherent_likelihood"),
            ["must be a level: its number (1, 2, …) or its name"],
            "{bad}"
        );
    }
}

#[test]
fn february_has_its_days() {
    use crate::record::parse_date;
    assert_eq!(parse_date("2027-02-28").as_deref(), Some("2027-02-28"));
    assert_eq!(parse_date("2027-02-01").as_deref(), Some("2027-02-01"));
    assert_eq!(parse_date("2027-02-29"), None);
    assert_eq!(parse_date("2028-02-29").as_deref(), Some("2028-02-29"));
    assert_eq!(parse_date("1900-02-29"), None);
    assert_eq!(parse_date("2000-02-29").as_deref(), Some("2000-02-29"));
    // Exactly ten characters, with its separators where they belong.
    for bad in [
        "2027-02-281",
        "2027-02-2",
        "2027/02/28",
        "2027-02/28",
        "20270-2-28",
    ] {
        assert_eq!(parse_date(bad), None, "{bad}");
    }
}
