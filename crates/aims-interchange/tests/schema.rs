//! Exported BOMs validate against the official CycloneDX 1.6 JSON schema
//! (offline: the schema and the two it references are in testdata/).

// Helpers outside #[test] functions may fail loudly too: this is test code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aims_interchange::cyclonedx::{read_cyclonedx, write_cyclonedx};
use aims_interchange::inventory::{spdx_id, Inventory, Item, ItemKind, SPDX_IDS};
use aims_interchange::modelcard::read_model_card;
use common::{bom_validator, schema_errors, testdata};
use serde_json::{json, Value};

const SERIAL: &str = "3e671687-395b-41f5-a30f-a58921a69b79";
const TIME: &str = "2026-05-01T12:00:00Z";

#[test]
fn the_validator_accepts_the_official_file() {
    let validator = bom_validator();
    let official: Value =
        serde_json::from_slice(&testdata("cyclonedx/valid-machine-learning-1.6.json")).unwrap();
    assert_eq!(schema_errors(&validator, &official), Vec::<String>::new());
}

#[test]
fn export_of_the_official_file_is_valid() {
    let validator = bom_validator();
    let inv = read_cyclonedx(
        "ml.json",
        &testdata("cyclonedx/valid-machine-learning-1.6.json"),
    )
    .unwrap();
    let bom = write_cyclonedx(&inv, SERIAL, TIME);
    assert_eq!(
        schema_errors(&validator, &bom),
        Vec::<String>::new(),
        "{bom:#}"
    );
}

#[test]
fn export_of_model_cards_is_valid() {
    let validator = bom_validator();
    for name in [
        "sample_simple_model_index.md",
        "sample_simple.md",
        "sample_invalid_model_index.md",
        "sample_no_metadata.md",
    ] {
        let inv = read_model_card(name, &testdata(&format!("modelcards/{name}"))).unwrap();
        let bom = write_cyclonedx(&inv, SERIAL, TIME);
        assert_eq!(
            schema_errors(&validator, &bom),
            Vec::<String>::new(),
            "{name}: {bom:#}"
        );
    }
}

#[test]
fn export_of_every_kind_of_field_is_valid() {
    let mut w = Vec::new();
    let mut system = Item::new(ItemKind::System, "sys");
    system.set_text("name", "Claims triage", &mut w);
    system.set_text("purpose", "Routes claims", &mut w);
    system.set_text("intended_use", "Internal only", &mut w);
    let mut model = Item::new(ItemKind::Model, "pkg:huggingface/acme/m@1");
    for (f, v) in [
        ("name", "m"),
        ("model_version", "1"),
        ("model_type", "text-classification"),
        ("provider", "Acme"),
        ("licence", "MIT OR Apache-2.0"),
        ("training_data", "claims"),
        ("description", "A model"),
    ] {
        model.set_text(f, v, &mut w);
    }
    model.fields.insert(
        "metrics".into(),
        json!([{"name": "f1", "value": 0.5, "dataset": "d", "task": "t"}, {"name": "x", "value": "high"}]),
    );
    let mut data = Item::new(ItemKind::Dataset, "d");
    for (f, v) in [
        ("name", "Claims"),
        ("source", "an internal share"),
        ("provenance", "exported from the claims system"),
        ("personal_data_categories", "names"),
        ("quality_notes", "deduplicated"),
        ("licence", "Proprietary, cc-by-4.0"),
        ("description", "Claims of 2023"),
    ] {
        data.set_text(f, v, &mut w);
    }
    data.fields.insert("personal_data".into(), json!(true));
    let mut inv = Inventory {
        items: vec![system, model, data],
        ..Inventory::default()
    };
    inv.link("sys", "uses_model", "pkg:huggingface/acme/m@1");
    inv.link("sys", "uses_dataset", "d");
    inv.link("pkg:huggingface/acme/m@1", "trained_on", "d");
    inv.link("pkg:huggingface/acme/m@1", "evaluated_on", "d");
    inv.finish();
    let bom = write_cyclonedx(&inv, SERIAL, TIME);
    assert_eq!(
        schema_errors(&bom_validator(), &bom),
        Vec::<String>::new(),
        "{bom:#}"
    );
    let back = read_cyclonedx("x.json", &serde_json::to_vec(&bom).unwrap()).unwrap();
    // Known SPDX ids come back in their canonical spelling; all else unchanged.
    assert_eq!(
        bom["components"][2]["licenses"],
        json!([{"license": {"name": "Proprietary"}}, {"license": {"id": "CC-BY-4.0"}}])
    );
    inv.items[2].set_text("licence", "Proprietary, CC-BY-4.0", &mut w);
    assert_eq!((back.items, back.links), (inv.items, inv.links));
}

#[test]
fn broken_boms_are_invalid() {
    let validator = bom_validator();
    let inv = read_cyclonedx(
        "ml.json",
        &testdata("cyclonedx/valid-machine-learning-1.6.json"),
    )
    .unwrap();
    let good = write_cyclonedx(&inv, SERIAL, TIME);

    let mut no_name = good.clone();
    no_name["components"][0]
        .as_object_mut()
        .unwrap()
        .remove("name");
    assert!(!validator.is_valid(&no_name));

    let mut bad_type = good.clone();
    bad_type["components"][1]["type"] = json!("ai-model");
    assert!(!validator.is_valid(&bad_type));

    let mut bad_licence = good.clone();
    bad_licence["components"][1]["licenses"] = json!([{"license": {"id": "Not-A-Licence"}}]);
    assert!(
        !validator.is_valid(&bad_licence),
        "the SPDX schema is really consulted"
    );

    assert!(!validator.is_valid(&write_cyclonedx(&inv, "not-a-uuid", TIME)));
}

#[test]
fn every_listed_spdx_id_is_in_the_official_list() {
    let spdx: Value = serde_json::from_slice(&testdata("cyclonedx/spdx.schema.json")).unwrap();
    let known: Vec<&str> = spdx["enum"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for id in SPDX_IDS {
        assert!(known.contains(id), "{id} is not an SPDX id");
    }
    assert_eq!(spdx_id("apache-2.0"), Some("Apache-2.0"));
    assert_eq!(spdx_id("openrail"), None);
}
