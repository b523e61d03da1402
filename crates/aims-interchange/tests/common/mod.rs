//! Shared helpers of the integration tests: fixtures and the offline
//! CycloneDX 1.6 schema validator.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;

/// The bytes of `testdata/<path>`.
pub fn testdata(path: &str) -> Vec<u8> {
    let full = format!("{}/testdata/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn json(path: &str) -> Value {
    serde_json::from_slice(&testdata(path)).unwrap()
}

/// A validator for the official CycloneDX 1.6 JSON schema. The two schemas
/// it `$ref`s by relative id (SPDX licence ids, JSF signatures) are
/// registered under their absolute ids, and retrieval is switched off, so
/// nothing is fetched from the network.
pub fn bom_validator() -> jsonschema::Validator {
    let registry = jsonschema::Registry::new()
        .add(
            "http://cyclonedx.org/schema/spdx.schema.json",
            json("cyclonedx/spdx.schema.json"),
        )
        .unwrap()
        .add(
            "http://cyclonedx.org/schema/jsf-0.82.schema.json",
            json("cyclonedx/jsf-0.82.schema.json"),
        )
        .unwrap()
        .prepare()
        .unwrap();
    jsonschema::options()
        .offline()
        .with_registry(&registry)
        .build(&json("cyclonedx/bom-1.6.schema.json"))
        .unwrap()
}

/// The schema errors of `bom`, one line each (empty when valid).
pub fn schema_errors(validator: &jsonschema::Validator, bom: &Value) -> Vec<String> {
    validator
        .iter_errors(bom)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}
