//! Reading CycloneDX ML-BOMs, and the round trip through `write_cyclonedx`.

// Helpers outside #[test] functions may fail loudly too: this is test code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aims_interchange::cyclonedx::{read_cyclonedx, write_cyclonedx};
use aims_interchange::inventory::{Inventory, ItemKind, Link};
use aims_interchange::modelcard::read_model_card;
use common::testdata;
use serde_json::{json, Value};

const OFFICIAL: &str = "cyclonedx/valid-machine-learning-1.6.json";
const INLINE_DATASET: &str = "component-a#dataset/Training Data";

fn link(from: &str, relation: &str, to: &str) -> Link {
    Link {
        from: from.into(),
        relation: relation.into(),
        to: to.into(),
    }
}

fn fields(inv: &Inventory, key: &str) -> Value {
    let item = inv
        .item(key)
        .unwrap_or_else(|| panic!("no item {key}: {inv:#?}"));
    Value::Object(item.fields.clone())
}

fn read(name: &str, bom: &Value) -> Inventory {
    read_cyclonedx(name, &serde_json::to_vec_pretty(bom).unwrap()).unwrap()
}

/// A 1.5 BOM with a system, a model, a dataset and a library, linked.
pub fn crafted_bom() -> Value {
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "component": {
                "type": "application", "bom-ref": "app", "name": "Claims triage",
                "description": "Routes insurance claims to the right team.",
                "properties": [{"name": "aims:intended_use", "value": "Internal claim routing only"}]
            }
        },
        "components": [
            {
                "type": "machine-learning-model", "name": "triage-bert", "version": "2.1",
                "purl": "pkg:huggingface/acme/triage-bert@2.1",
                "supplier": {"name": "Acme AI"},
                "licenses": [{"license": {"id": "apache-2.0"}}, {"license": {"name": "Acme EULA"}}],
                "modelCard": {
                    "modelParameters": {
                        "task": "text-classification",
                        "datasets": [{"ref": "claims-2023"}]
                    },
                    "quantitativeAnalysis": {
                        "performanceMetrics": [
                            {"type": "accuracy", "value": "0.91", "slice": "holdout 2024"},
                            {"type": "latency", "value": "12 ms"}
                        ]
                    }
                }
            },
            {
                "type": "data", "bom-ref": "claims-2023", "name": "Claims 2023",
                "licenses": [{"expression": "CC-BY-4.0 OR MIT"}],
                "data": [{
                    "type": "dataset",
                    "contents": {"url": "s3://acme/claims/2023"},
                    "sensitiveData": ["names", "health data"],
                    "governance": {
                        "owners": [{"organization": {"name": "Claims department"}}],
                        "custodians": [{"contact": {"email": "data@acme.example"}}]
                    }
                }]
            },
            {
                "type": "library", "bom-ref": "torch", "name": "torch",
                "components": [{"type": "data", "name": "nested-lookup", "version": "1"}]
            }
        ],
        "dependencies": [
            {"ref": "app", "dependsOn": ["pkg:huggingface/acme/triage-bert@2.1", "claims-2023", "torch"]},
            {"ref": "pkg:huggingface/acme/triage-bert@2.1", "dependsOn": ["claims-2023", "torch"]}
        ]
    })
}

#[test]
fn official_machine_learning_bom_imports_its_model_and_dataset() {
    let inv = read_cyclonedx("ml.json", &testdata(OFFICIAL)).unwrap();
    assert_eq!(inv.warnings, Vec::<String>::new());
    let keys: Vec<_> = inv.items.iter().map(|i| (i.kind, i.key.as_str())).collect();
    assert_eq!(
        keys,
        [
            (ItemKind::Model, "component-a"),
            (ItemKind::Dataset, INLINE_DATASET)
        ]
    );

    let model = fields(&inv, "component-a");
    assert_eq!(model["name"], "stable-diffusion");
    assert_eq!(model["model_version"], "1.4");
    assert_eq!(model["provider"], "Acme Inc");
    assert_eq!(model["model_type"], "task goes here");
    // Training data is a link (trained_on), not copied into free text.
    assert_eq!(model["training_data"], serde_json::Value::Null);
    assert_eq!(model["external_ref"], "component-a");
    assert_eq!(
        model["metrics"],
        json!([{
            "name": "The type of performance metric",
            "value": "The value of the performance metric",
            "dataset": "The name of the slice this metric was computed on. By default, assume this metric is not sliced",
        }])
    );
    let description = model["description"].as_str().unwrap();
    assert!(description.starts_with("Stable Diffusion is a latent text-to-image diffusion model"));
    assert!(
        description.contains("🤗's Stable Diffusion with 🧨Diffusers blog."),
        "surrogate pairs decoded"
    );
    assert!(description.contains("\nModel architecture: The architecture of the model.\n"));
    assert!(description.contains("Use cases: Who are the intended users of the model?; Text-to-image generation for creative applications"));
    assert!(description.contains("Ethical considerations: risk: The name of the risk, mitigation: Strategy used to address this risk\n"));
    assert!(model.get("licence").is_none(), "the file names no licence");

    assert_eq!(
        fields(&inv, INLINE_DATASET),
        json!({
            "name": "Training Data",
            "source": "https://example.com/path/to/dataset",
            "description": "Data classification: public",
            "external_ref": INLINE_DATASET,
        })
    );
    assert_eq!(
        inv.links,
        vec![link("component-a", "trained_on", INLINE_DATASET)]
    );
}

#[test]
fn systems_models_datasets_and_dependencies() {
    let inv = read("crafted.json", &crafted_bom());
    let model_key = "pkg:huggingface/acme/triage-bert@2.1";
    let keys: Vec<_> = inv.items.iter().map(|i| (i.kind, i.key.as_str())).collect();
    assert_eq!(
        keys,
        [
            (ItemKind::System, "app"),
            (ItemKind::Model, model_key),
            (ItemKind::Dataset, "claims-2023"),
            (ItemKind::Dataset, "nested-lookup@1"),
        ]
    );
    assert_eq!(
        fields(&inv, "app"),
        json!({
            "name": "Claims triage",
            "purpose": "Routes insurance claims to the right team.",
            "intended_use": "Internal claim routing only",
            "external_ref": "app",
        })
    );
    let model = fields(&inv, model_key);
    assert_eq!(model["licence"], "Apache-2.0, Acme EULA");
    assert_eq!(model["provider"], "Acme AI");
    assert_eq!(model["model_type"], "text-classification");
    assert_eq!(model["training_data"], serde_json::Value::Null);
    assert_eq!(
        model["metrics"],
        json!([
            {"name": "accuracy", "value": 0.91, "dataset": "holdout 2024"},
            {"name": "latency", "value": "12 ms"},
        ])
    );
    assert_eq!(
        fields(&inv, "claims-2023"),
        json!({
            "name": "Claims 2023",
            "licence": "CC-BY-4.0 OR MIT",
            "source": "s3://acme/claims/2023",
            "personal_data": true,
            "personal_data_categories": "names; health data",
            "provenance": "Owners: Claims department; Custodians: data@acme.example",
            "external_ref": "claims-2023",
        })
    );
    assert_eq!(
        inv.links,
        vec![
            link("app", "uses_dataset", "claims-2023"),
            link("app", "uses_model", model_key),
            link(model_key, "trained_on", "claims-2023"),
        ]
    );
    assert_eq!(
        inv.warnings,
        vec!["crafted.json: skipped components that are not AI systems, models or datasets (library: 1)"]
    );
}

#[test]
fn invalid_json_is_located_by_line_and_column() {
    let bom = b"{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n}";
    let err = read_cyclonedx("bom.json", bom).unwrap_err();
    assert_eq!(err.location.as_deref(), Some("line 4, column 1"));
    assert_eq!(err.message, "the file is not valid JSON: trailing comma");
    assert_eq!(
        err.to_string(),
        "bom.json (line 4, column 1): the file is not valid JSON: trailing comma"
    );

    // Columns count characters, not bytes.
    let err = read_cyclonedx("bom.json", "{\n \"é\": é}".as_bytes()).unwrap_err();
    assert_eq!(err.location.as_deref(), Some("line 2, column 7"));
}

#[test]
fn wrong_values_are_refused_with_their_json_path() {
    let cases = [
        (json!([]), "$", "expected an object, found a list"),
        (
            json!({"bomFormat": "SPDX", "specVersion": "1.6"}),
            "$.bomFormat",
            "this is not a CycloneDX BOM",
        ),
        (
            json!({"bomFormat": "CycloneDX", "specVersion": "1.4"}),
            "$.specVersion",
            "unsupported CycloneDX version \"1.4\"",
        ),
        (
            json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": {}}),
            "$.components",
            "expected a list, found an object",
        ),
        (
            json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
                {"type": "library", "name": "a"}, {"type": "data", "name": "b"}, {"type": "data", "name": "c"},
                {"type": "machine-learning-model", "name": ["x"]}]}),
            "$.components[3].name",
            "expected text, found a list",
        ),
        (
            json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
                {"type": "application", "name": "a", "components": [{"type": "machine-learning-model", "name": "m", "modelCard": []}]}]}),
            "$.components[0].components[0].modelCard",
            "expected an object, found a list",
        ),
        (
            json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "machine-learning-model", "name": "m",
                "modelCard": {"quantitativeAnalysis": {"performanceMetrics": [{"type": "acc", "value": {"v": 1}}]}}}]}),
            "$.components[0].modelCard.quantitativeAnalysis.performanceMetrics[0].value",
            "expected text, found an object",
        ),
        (
            json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "dependencies": [{"ref": "a", "dependsOn": [1]}]}),
            "$.dependencies[0].dependsOn[0]",
            "expected text, found a number",
        ),
        (
            json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "x"}]}),
            "$.components[0].type",
            "a component needs a type",
        ),
    ];
    for (bom, path, message) in cases {
        let err = read_cyclonedx("b.json", &serde_json::to_vec(&bom).unwrap()).unwrap_err();
        assert_eq!(err.location.as_deref(), Some(path), "{bom}");
        assert!(err.message.starts_with(message), "{err}");
    }
}

#[test]
fn duplicate_refs_and_dangling_references_are_warnings() {
    let bom = json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
        {"type": "machine-learning-model", "bom-ref": "m", "name": "one",
         "modelCard": {"modelParameters": {"datasets": [{"ref": "missing"}]}}},
        {"type": "data", "bom-ref": "m", "name": "two"}
    ]});
    let inv = read("d.json", &bom);
    assert_eq!(inv.items.len(), 1);
    assert_eq!(inv.items[0].name(), "one");
    assert!(inv.links.is_empty());
    assert_eq!(inv.warnings.len(), 2, "{:?}", inv.warnings);
    assert!(
        inv.warnings[0].contains("$.components[1] has the same key \"m\""),
        "{:?}",
        inv.warnings
    );
    assert!(
        inv.warnings[1].contains("refers to \"missing\", which is not a dataset"),
        "{:?}",
        inv.warnings
    );
}

/// `read(write(inv))` gives back the same items and links.
fn assert_round_trip(inv: &Inventory) {
    let bom = write_cyclonedx(
        inv,
        "3E671687-395B-41F5-A30F-A58921A69B79",
        "2026-05-01T12:00:00Z",
    );
    assert_eq!(
        bom["serialNumber"],
        "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"
    );
    assert_eq!(bom["metadata"]["timestamp"], "2026-05-01T12:00:00Z");
    let back = read("export.json", &bom);
    assert_eq!(back.items, inv.items, "{bom:#}");
    assert_eq!(back.links, inv.links, "{bom:#}");
    assert_eq!(back.warnings, Vec::<String>::new());
    // And once more: the export of the re-import is the same document.
    assert_eq!(
        write_cyclonedx(
            &back,
            "3e671687-395b-41f5-a30f-a58921a69b79",
            "2026-05-01T12:00:00Z"
        ),
        bom
    );
}

#[test]
fn official_bom_round_trips() {
    assert_round_trip(&read_cyclonedx("ml.json", &testdata(OFFICIAL)).unwrap());
}

#[test]
fn crafted_bom_round_trips() {
    assert_round_trip(&read("crafted.json", &crafted_bom()));
}

#[test]
fn model_card_inventory_round_trips() {
    let inv = read_model_card(
        "sample_simple_model_index.md",
        &testdata("modelcards/sample_simple_model_index.md"),
    )
    .unwrap();
    assert_eq!(
        inv.links.len(),
        2,
        "trained_on and evaluated_on the same dataset"
    );
    assert_round_trip(&inv);
}

#[test]
fn export_shape() {
    let inv = read_model_card(
        "sample_simple_model_index.md",
        &testdata("modelcards/sample_simple_model_index.md"),
    )
    .unwrap();
    let bom = write_cyclonedx(
        &inv,
        "3e671687-395b-41f5-a30f-a58921a69b79",
        "2026-05-01T12:00:00Z",
    );
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.6");
    assert_eq!(bom["version"], 1);
    assert_eq!(bom["metadata"]["tools"]["components"][0]["name"], "aims");
    let model = &bom["components"][0];
    assert_eq!(model["type"], "machine-learning-model");
    assert_eq!(model["bom-ref"], "my-cool-model");
    assert_eq!(model["licenses"], json!([{"license": {"id": "MIT"}}]));
    assert_eq!(
        model["modelCard"]["modelParameters"]["task"],
        "image-classification"
    );
    assert_eq!(
        model["modelCard"]["modelParameters"]["datasets"],
        json!([{"ref": "hf:dataset/beans"}])
    );
    assert_eq!(
        model["modelCard"]["quantitativeAnalysis"]["performanceMetrics"],
        json!([
            {"type": "accuracy", "value": "0.9", "slice": "Beans"},
            {"type": "f1", "value": "0.66", "slice": "Beans (test split)"},
        ])
    );
    let data = &bom["components"][1];
    assert_eq!(data["type"], "data");
    assert_eq!(
        data["data"][0]["contents"]["url"],
        "https://huggingface.co/datasets/beans"
    );
    assert_eq!(
        bom["dependencies"],
        json!([{"ref": "my-cool-model", "dependsOn": ["hf:dataset/beans"]}])
    );
}

#[test]
fn large_boms_import_and_export_in_time_with_capped_warnings() {
    let n = 20_000;
    let mut components: Vec<Value> = (0..n)
        .map(|i| json!({"type": "data", "bom-ref": format!("d{i}"), "name": format!("data {i}")}))
        .collect();
    components.push(json!({"type": "application", "bom-ref": "app", "name": "big"}));
    // 300 duplicates: one warning each, capped.
    components.extend(
        (0..300).map(|i| json!({"type": "data", "bom-ref": format!("d{i}"), "name": "dup"})),
    );
    let depends: Vec<String> = (0..n).map(|i| format!("d{i}")).collect();
    let bom = json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": components,
        "dependencies": [{"ref": "app", "dependsOn": depends}]});
    let started = std::time::Instant::now();
    let inv = read("big.json", &bom);
    assert_eq!(inv.items.len(), n + 1);
    assert_eq!(inv.links.len(), n);
    assert_eq!(inv.warnings.len(), 101);
    assert_eq!(inv.warnings[100], "… and 200 more warnings");
    let back = read(
        "big2.json",
        &write_cyclonedx(
            &inv,
            "3e671687-395b-41f5-a30f-a58921a69b79",
            "2026-05-01T12:00:00Z",
        ),
    );
    assert_eq!(back.links.len(), n);
    assert!(
        started.elapsed().as_secs() < 30,
        "took {:?}",
        started.elapsed()
    );
}
