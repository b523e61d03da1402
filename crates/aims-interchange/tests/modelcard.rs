//! Reading Hugging Face model cards.

// Helpers outside #[test] functions may fail loudly too: this is test code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aims_interchange::inventory::{Inventory, Item, ItemKind, Link, MAX_TEXT_CHARS};
use aims_interchange::modelcard::read_model_card;
use common::testdata;
use serde_json::json;

fn card(name: &str) -> Inventory {
    read_model_card(name, &testdata(&format!("modelcards/{name}"))).unwrap()
}

fn link(from: &str, relation: &str, to: &str) -> Link {
    Link {
        from: from.into(),
        relation: relation.into(),
        to: to.into(),
    }
}

fn model(inv: &Inventory) -> &Item {
    let models: Vec<_> = inv
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Model)
        .collect();
    assert_eq!(models.len(), 1, "{inv:#?}");
    models[0]
}

#[test]
fn model_index_gives_metrics_with_dataset_and_task() {
    let inv = card("sample_simple_model_index.md");
    assert_eq!(inv.warnings, Vec::<String>::new());
    let m = model(&inv);
    assert_eq!(m.key, "my-cool-model");
    assert_eq!(
        serde_json::Value::Object(m.fields.clone()),
        json!({
            "name": "my-cool-model",
            "external_ref": "my-cool-model",
            "model_type": "image-classification",
            "licence": "MIT",
            "training_data": "Datasets: beans",
            "description": "This is a test model card with multiple evaluations across different \
                (dataset, metric) configurations.\n\nLibrary: timm. Language: en. Tags: pytorch, image-classification.",
            "metrics": [
                {"name": "accuracy", "value": 0.9, "dataset": "Beans", "task": "image-classification"},
                {"name": "f1", "value": 0.66, "dataset": "Beans (test split)", "task": "image-classification"},
            ],
        })
    );
    // The dataset is named by `datasets:` (training) and by the model index
    // (evaluation): one dataset item, two links.
    let datasets: Vec<_> = inv
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Dataset)
        .collect();
    assert_eq!(datasets.len(), 1);
    assert_eq!(datasets[0].key, "hf:dataset/beans");
    assert_eq!(datasets[0].name(), "beans");
    assert_eq!(
        datasets[0].text("source"),
        Some("https://huggingface.co/datasets/beans")
    );
    assert_eq!(
        inv.links,
        vec![
            link("my-cool-model", "evaluated_on", "hf:dataset/beans"),
            link("my-cool-model", "trained_on", "hf:dataset/beans"),
        ]
    );
}

#[test]
fn card_without_metadata_imports_name_and_description_with_a_warning() {
    let inv = card("sample_no_metadata.md");
    let m = model(&inv);
    assert_eq!(m.key, "MyCoolModel");
    assert_eq!(m.name(), "MyCoolModel");
    assert!(m
        .text("description")
        .is_some_and(|d| d.starts_with("In this example, we don't have any metadata")));
    assert_eq!(
        m.fields.len(),
        3,
        "only name, description, external_ref: {m:?}"
    );
    assert!(
        inv.warnings
            .iter()
            .any(|w| w.starts_with("sample_no_metadata.md: the card has no metadata")),
        "{:?}",
        inv.warnings
    );
}

#[test]
fn front_matter_that_is_a_list_is_refused_where_it_starts() {
    let err = read_model_card(
        "sample_invalid_card_data.md",
        &testdata("modelcards/sample_invalid_card_data.md"),
    )
    .unwrap_err();
    assert_eq!(err.location.as_deref(), Some("line 2, column 1"));
    assert!(err.message.contains("must be a mapping"), "{err}");
    assert!(err.message.ends_with("but it is a list"), "{err}");
}

#[test]
fn model_index_result_without_dataset_keeps_metrics_and_warns() {
    let inv = card("sample_invalid_model_index.md");
    let m = model(&inv);
    assert_eq!(
        m.fields.get("metrics"),
        Some(&json!([{"name": "acc", "value": 0.9, "task": "image-classification"}]))
    );
    assert_eq!(
        inv.warnings,
        vec!["sample_invalid_model_index.md: model-index[0].results[0] names no dataset; its metrics were imported without one"]
    );
    // Only the training link: there is no evaluation dataset to point to.
    assert_eq!(
        inv.links,
        vec![link("my-cool-model", "trained_on", "hf:dataset/beans")]
    );
}

#[test]
fn windows_line_breaks_read_like_unix_ones() {
    let crlf = testdata("modelcards/sample_windows_line_breaks.md");
    assert!(
        crlf.windows(2).any(|w| w == b"\r\n"),
        "the fixture must keep its CRLF"
    );
    let inv = read_model_card("w.md", &crlf).unwrap();
    let m = model(&inv);
    assert_eq!(m.name(), "Hello old Windows line breaks");
    assert_eq!(m.text("licence"), Some("MIT"));
    assert_eq!(m.text("description"), Some("Language: eo."));
    let lf = String::from_utf8(crlf.clone())
        .unwrap()
        .replace("\r\n", "\n");
    assert_eq!(read_model_card("w.md", lf.as_bytes()).unwrap(), inv);
}

#[test]
fn malformed_yaml_is_located_in_the_whole_file() {
    // Line 5 is mis-indented; the front matter starts on line 2.
    let text = "---\nlicense: mit\ntags:\n  - a\n - b\n---\n# x\n";
    let err = read_model_card("c.md", text.as_bytes()).unwrap_err();
    assert_eq!(err.location.as_deref(), Some("line 5, column 2"));
    assert!(
        err.message
            .starts_with("the YAML front matter is invalid: did not find expected key"),
        "{err}"
    );
    assert!(
        !err.message.contains("line 4"),
        "marks relative to the front matter are removed: {err}"
    );

    // Leading blank lines and CRLF shift nothing but the line number.
    let shifted = "\r\n\r\n---\r\nlicense: mit\r\ntags:\r\n  - a\r\n - b\r\n---\r\n";
    let err = read_model_card("c.md", shifted.as_bytes()).unwrap_err();
    assert_eq!(err.location.as_deref(), Some("line 7, column 2"));

    let tabs = "---\nlicense: mit\n\tlanguage: en\n---\n";
    let err = read_model_card("c.md", tabs.as_bytes()).unwrap_err();
    assert_eq!(err.location.as_deref(), Some("line 3, column 1"));
    assert!(err.message.contains("tabs"), "{err}");
}

#[test]
fn other_unreadable_cards_are_refused_with_a_reason() {
    let err = read_model_card("c.md", b"").unwrap_err();
    assert_eq!(err.to_string(), "c.md: the file is empty");

    let err = read_model_card("c.md", b"\n---\nlicense: mit\n# no closing line\n").unwrap_err();
    assert_eq!(err.location.as_deref(), Some("line 2, column 1"));
    assert!(err.message.contains("never closed"), "{err}");

    let err = read_model_card("c.md", b"# Title\n\nBad \xC3\x28 byte\n").unwrap_err();
    assert_eq!(err.location.as_deref(), Some("line 3, column 5"));
    assert!(err.message.contains("UTF-8"), "{err}");
}

#[test]
fn metadata_keys_map_to_fields() {
    let text = "\u{feff}---\n\
        model_name: acme/sentiment-small\n\
        license: [Apache-2.0, other]\n\
        license_name: acme-research-licence\n\
        pipeline_tag: text-classification\n\
        base_model:\n  - distilbert/distilbert-base-uncased\n  - acme/base\n\
        datasets: [stanfordnlp/imdb, 'Common Voice']\n\
        model-index:\n  - name: ignored-because-model_name-wins\n    results: []\n\
        ---\n\
        <!-- a comment -->\n\
        # Model Card for acme/sentiment-small\n\
        \n\
        Classifies   reviews\n  as positive or negative.\n\
        \n\
        More text.\n";
    let inv = read_model_card("README.md", text.as_bytes()).unwrap();
    let m = model(&inv);
    assert_eq!(m.key, "acme/sentiment-small");
    assert_eq!(m.text("provider"), Some("acme"));
    assert_eq!(m.text("licence"), Some("Apache-2.0, acme-research-licence"));
    assert_eq!(m.text("model_type"), Some("text-classification"));
    assert_eq!(
        m.text("training_data"),
        Some("Datasets: stanfordnlp/imdb, Common Voice\nBase models: distilbert/distilbert-base-uncased, acme/base")
    );
    assert_eq!(
        m.text("description"),
        Some("Classifies   reviews as positive or negative.")
    );
    let keys: Vec<_> = inv.items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "acme/sentiment-small",
            "hf:dataset/stanfordnlp/imdb",
            "hf:dataset/Common Voice"
        ]
    );
    // Not a Hub id: no made-up URL.
    assert_eq!(inv.items[2].text("source"), None);
    assert_eq!(
        inv.items[1].text("source"),
        Some("https://huggingface.co/datasets/stanfordnlp/imdb")
    );
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);

    // Without model_name the model-index name is the id; `model_index` is accepted too.
    let text = "---\nmodel_index:\n- name: org/x\n  results: []\nmodel_creator: Someone\nlicense: MIT\n---\n";
    let m = read_model_card("c.md", text.as_bytes())
        .unwrap()
        .items
        .remove(0);
    assert_eq!(
        (m.key.as_str(), m.text("provider"), m.text("licence")),
        ("org/x", Some("org"), Some("MIT"))
    );

    // Without any id: the file stem, with a warning.
    let inv = read_model_card("dir/my-model.md", b"---\nlicense: mit\n---\nNo heading.\n").unwrap();
    assert_eq!(inv.items[0].key, "my-model");
    assert_eq!(inv.items[0].text("description"), Some("No heading."));
    assert!(
        inv.warnings[0].contains("the file name \"my-model\" was used"),
        "{:?}",
        inv.warnings
    );
}

#[test]
fn long_values_are_cut_with_a_warning() {
    let long = "word ".repeat(2000);
    let text = format!("---\nmodel_name: {}\n---\n# t\n\n{long}\n", "n".repeat(300));
    let inv = read_model_card("c.md", text.as_bytes()).unwrap();
    let m = model(&inv);
    assert_eq!(m.name().chars().count(), 200);
    assert_eq!(m.key.chars().count(), 300, "the key is the full id");
    assert!(m.text("description").unwrap().chars().count() <= MAX_TEXT_CHARS);
    assert!(
        inv.warnings
            .iter()
            .any(|w| w.contains("name: longer than 200")),
        "{:?}",
        inv.warnings
    );
    assert!(
        inv.warnings
            .iter()
            .any(|w| w.contains("description: longer than 4000")),
        "{:?}",
        inv.warnings
    );
}

#[test]
fn yaml_bombs_and_odd_values_are_bounded() {
    // Billion laughs: refused quickly instead of expanding 10^9 nodes.
    let mut bomb = String::from("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    bomb.push_str("---\n");
    let err = read_model_card("bomb.md", bomb.as_bytes()).unwrap_err();
    assert!(
        err.message.contains("limit") || err.message.contains("too large"),
        "{err}"
    );

    // A quadratic alias blow-up within libyaml's own repetition limit.
    let mut wide = String::from("---\nbase: &b [");
    wide.push_str(&vec!["abcdefgh"; 5000].join(", "));
    wide.push_str("]\nrefs: [");
    wide.push_str(&vec!["*b"; 5000].join(", "));
    wide.push_str("]\n---\n");
    let err = read_model_card("wide.md", wide.as_bytes()).unwrap_err();
    assert!(err.message.contains("too large"), "{err}");

    let deep = format!("---\na: {}{}\n---\n", "[".repeat(500), "]".repeat(500));
    assert!(read_model_card("deep.md", deep.as_bytes()).is_err());

    let odd = "---\nmodel_name: m\n123: numeric key\n[a, b]: complex key\nmodel-index:\n- name: m\n  results:\n  - task: {type: t}\n    dataset: {type: d, name: D}\n    metrics:\n    - {type: big, value: 123456789012345678901234567890}\n    - {type: inf, value: 1e999999}\n    - {type: neg, value: -7}\n    - {type: tagged, value: !custom 0.5}\n---\n";
    let inv = read_model_card("odd.md", odd.as_bytes()).unwrap();
    let metrics = model(&inv).fields["metrics"].as_array().unwrap().clone();
    let values: Vec<_> = metrics.iter().map(|m| m["value"].clone()).collect();
    assert_eq!(values[2], json!(-7));
    assert_eq!(values[3], json!(0.5));
    assert_eq!(metrics.len(), 4);
}

#[test]
fn description_skips_comments_code_html_and_template_lines() {
    let text = "---\nmodel_name: m\n---\n<!-- intro -->\n## Overview\n\n<div align=\"center\">\n\n```python\nprint('code')\n```\n\n{{ model_summary | default(\"\", true) }}\n<!-- Provide\na longer summary. -->\nThe real\nparagraph.\n# Later heading\n";
    let inv = read_model_card("c.md", text.as_bytes()).unwrap();
    assert_eq!(model(&inv).text("description"), Some("The real paragraph."));

    // The Hugging Face template, unfilled: placeholders are skipped.
    let inv = card("hf_hub_modelcard_template.md");
    assert_eq!(
        model(&inv).text("description"),
        Some("Use the code below to get started with the model.")
    );
    assert_eq!(model(&inv).key, "hf_hub_modelcard_template");
}

#[test]
fn card_without_model_index_lists_its_metric_names_and_datasets() {
    let inv = card("sample_simple.md");
    let m = model(&inv);
    assert_eq!(m.key, "my-cool-model");
    assert_eq!(m.fields.get("metrics"), None);
    assert_eq!(
        m.text("description"),
        Some(
            "You can embed local or remote images using `![](...)`\n\nLibrary: pytorch-lightning. \
             Language: en. Tags: pytorch, image-classification. Metrics named (no values given): acc."
        )
    );
    assert_eq!(m.text("training_data"), Some("Datasets: beans"));
    assert_eq!(
        inv.links,
        vec![link("my-cool-model", "trained_on", "hf:dataset/beans")]
    );
}
