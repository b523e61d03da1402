//! Grouping findings into proposed inventory entries (pure).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::table::{self, Kind};
use super::{
    file_kind, file_name, model_format, model_type, parent_dir, FileKind, Finding, Proposal,
};

/// Prefix of the `why` of an SBOM model finding; the supplier follows.
pub(crate) const SBOM_MODEL_SUPPLIED_BY: &str =
    "Machine-learning model listed in the SBOM (supplied by ";

/// Manifests whose declared name wins, best first.
const NAME_PRIORITY: [&str; 5] = [
    "pyproject.toml",
    "setup.cfg",
    "Cargo.toml",
    "package.json",
    "go.mod",
];

/// Length limits of the record fields (names, providers; references).
const TEXT_MAX: usize = 200;
const EXTERNAL_REF_MAX: usize = 400;

/// Fallback name of a system found at the scanned root when neither a
/// manifest nor the caller names it.
const UNNAMED_ROOT: &str = "unnamed project";

/// The project root a manifest path marks, if it is a manifest.
fn manifest_root(path: &str) -> Option<&str> {
    let kind = file_kind(path);
    if !kind.is_manifest() {
        return None;
    }
    let dir = parent_dir(path);
    // `requirements/base.txt` belongs to the project above `requirements/`.
    if kind == FileKind::Requirements && file_name(dir) == "requirements" {
        return Some(parent_dir(dir));
    }
    Some(dir)
}

/// Project roots: directories of manifests among the findings.
fn roots(findings: &[Finding]) -> BTreeSet<&str> {
    findings
        .iter()
        .filter_map(|f| manifest_root(&f.path))
        .collect()
}

/// The nearest project root at or above `path`'s directory ("" — the
/// scanned root — when there is none).
fn owner<'a>(roots: &BTreeSet<&'a str>, path: &str) -> &'a str {
    let mut dir = manifest_root(path).unwrap_or_else(|| parent_dir(path));
    loop {
        if let Some(root) = roots.get(dir) {
            return root;
        }
        if dir.is_empty() {
            return "";
        }
        dir = parent_dir(dir);
    }
}

/// Drops "project" markers of projects that own no AI finding.
pub(crate) fn drop_idle_projects(findings: &mut Vec<Finding>) {
    let keep: Vec<bool> = {
        let roots = roots(findings);
        let active: BTreeSet<&str> = findings
            .iter()
            .filter(|f| f.category != "project")
            .map(|f| owner(&roots, &f.path))
            .collect();
        findings
            .iter()
            .map(|f| f.category != "project" || active.contains(owner(&roots, &f.path)))
            .collect()
    };
    let mut keep = keep.into_iter();
    findings.retain(|_| keep.next().unwrap_or(true));
}

/// Groups findings into proposals; a system at the scanned root without a
/// named manifest is called "unnamed project" (see [`propose_in`]).
pub fn propose(findings: &[Finding]) -> Vec<Proposal> {
    propose_in(findings, "")
}

/// Groups findings into proposals, deterministic order: systems (by
/// directory), then models (by name), then third-party AI services (by
/// provider), then tooling (by product). `root_name` names a system found
/// at the scanned root when no manifest there declares a name (the CLI
/// passes [`super::Scan::root_name`]).
///
/// * One "systems" entry per project root (a directory holding a manifest)
///   that owns AI findings; findings outside every project root belong to
///   the scanned root. Named from the manifest's project/package name, else
///   the directory name.
/// * One "models" entry per model file name (shards of one checkpoint
///   count once) and per SBOM model component.
/// * One "resources" entry with `resource_type` "third_party_ai_service" per
///   model-API provider, and one with "tooling" per AI library product.
pub fn propose_in(findings: &[Finding], root_name: &str) -> Vec<Proposal> {
    let roots = roots(findings);
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| {
        (&a.path, a.line, a.category, &a.name).cmp(&(&b.path, b.line, b.category, &b.name))
    });
    let mut systems: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    let mut models: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
    let mut services: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    let mut tooling: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in sorted {
        systems.entry(owner(&roots, &f.path)).or_default().push(f);
        let known = table::lookup_any(&f.name);
        match (f.category, known) {
            ("model_file", _) => models.entry(unsharded(&f.name)).or_default().push(f),
            ("sbom_component", None) => models.entry(f.name.clone()).or_default().push(f),
            ("model_api_client" | "sbom_component", Some(k)) if k.kind == Kind::Client => {
                services
                    .entry(k.provider.unwrap_or(k.product))
                    .or_default()
                    .push(f);
            }
            ("library" | "sbom_component", Some(k)) => {
                tooling.entry(k.product).or_default().push(f)
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (dir, evidence) in systems {
        if evidence.iter().all(|f| f.category == "project") {
            continue;
        }
        out.push(system(dir, evidence, root_name));
    }
    for (name, evidence) in models {
        out.push(model(name, evidence));
    }
    for (provider, evidence) in services {
        let names = joined_names(&evidence);
        let fields = map([
            ("resource_type", "third_party_ai_service".to_string()),
            ("provider", provider.to_string()),
            ("description", format!("{provider}: hosted AI models reached through {names}; prompts and data leave for this provider")),
        ]);
        out.push(proposal(
            "resources",
            provider.to_string(),
            fields,
            evidence,
        ));
    }
    for (product, evidence) in tooling {
        let names = joined_names(&evidence);
        let why = evidence.first().map_or("", |f| f.why.as_str());
        let fields = map([
            ("resource_type", "tooling".to_string()),
            ("description", format!("{why} (used as {names})")),
        ]);
        out.push(proposal("resources", product.to_string(), fields, evidence));
    }
    out
}

fn map<const N: usize>(pairs: [(&str, String); N]) -> Map<String, Value> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::String(v)))
        .collect()
}

fn proposal(
    kind: &'static str,
    name: String,
    fields: Map<String, Value>,
    evidence: Vec<&Finding>,
) -> Proposal {
    let mut evidence: Vec<Finding> = evidence.into_iter().cloned().collect();
    super::sort_findings(&mut evidence);
    Proposal {
        kind,
        name: clip(&name, TEXT_MAX),
        fields,
        evidence,
    }
}

/// Distinct finding names, sorted, comma-separated.
fn joined_names(evidence: &[&Finding]) -> String {
    let names: BTreeSet<&str> = evidence.iter().map(|f| f.name.as_str()).collect();
    names.into_iter().collect::<Vec<_>>().join(", ")
}

/// `model-00001-of-00003.safetensors` → `model.safetensors`.
fn unsharded(name: &str) -> String {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return name.to_string();
    };
    let parts: Vec<&str> = stem.rsplitn(4, '-').collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [total, "of", index, base] if digits(total) && digits(index) && !base.is_empty() => {
            format!("{base}.{ext}")
        }
        _ => name.to_string(),
    }
}

fn system(dir: &str, evidence: Vec<&Finding>, root_name: &str) -> Proposal {
    let declared = NAME_PRIORITY.iter().find_map(|manifest| {
        evidence
            .iter()
            .find(|f| f.category == "project" && file_name(&f.path) == *manifest)
            .map(|f| f.name.as_str())
    });
    let declared = declared.or_else(|| {
        evidence
            .iter()
            .find(|f| f.category == "project")
            .map(|f| f.name.as_str())
    });
    let fallback = if dir.is_empty() {
        root_name
    } else {
        file_name(dir)
    };
    let name = declared
        .or(Some(fallback).filter(|n| !n.is_empty()))
        .unwrap_or(UNNAMED_ROOT)
        .to_string();

    let mut libraries = BTreeSet::new();
    let mut providers = BTreeSet::new();
    let mut model_files = BTreeSet::new();
    for f in &evidence {
        match (f.category, table::lookup_any(&f.name)) {
            ("model_file", _) | ("sbom_component", None) => {
                model_files.insert(unsharded(&f.name));
            }
            ("model_api_client" | "sbom_component", Some(k)) if k.kind == Kind::Client => {
                providers.insert(k.provider.unwrap_or(k.product));
            }
            ("library" | "sbom_component", Some(k)) => {
                libraries.insert(k.product);
            }
            _ => {}
        }
    }
    let mut uses = Vec::new();
    if !libraries.is_empty() {
        uses.push(format!(
            "uses {}",
            libraries.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    if !providers.is_empty() {
        uses.push(format!(
            "calls {}",
            providers.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    if !model_files.is_empty() {
        let n = model_files.len();
        uses.push(format!("holds {n} model{}", if n == 1 { "" } else { "s" }));
    }
    let place = if dir.is_empty() {
        "the scanned root".to_string()
    } else {
        format!("'{dir}'")
    };
    let purpose =
        format!(
        "To be confirmed: AI found by discovery in {place} ({}). Describe what the system is for.",
        if uses.is_empty() { "AI notebooks".to_string() } else { uses.join("; ") }
    );
    let fields = map([
        ("purpose", purpose),
        ("lifecycle_stage", "development".to_string()),
    ]);
    proposal("systems", name, fields, evidence)
}

fn model(name: String, evidence: Vec<&Finding>) -> Proposal {
    let mut fields = Map::new();
    let mut put = |k: &str, v: String| fields.insert(k.to_string(), Value::String(v));
    if let Some(first) = evidence.first() {
        if first.category == "model_file" {
            let format = model_format(&first.path).unwrap_or("unknown");
            put("model_type", model_type(format).to_string());
            put("external_ref", clip(&first.path, EXTERNAL_REF_MAX));
            let n = evidence.len();
            let copies = if n > 1 {
                format!(" (and {} more copies or shards)", n - 1)
            } else {
                String::new()
            };
            put(
                "description",
                format!(
                    "{format} model file found by discovery at {}{copies}",
                    first.path
                ),
            );
        } else {
            let supplier = first
                .why
                .strip_prefix(SBOM_MODEL_SUPPLIED_BY)
                .and_then(|s| s.strip_suffix(')'));
            if let Some(supplier) = supplier {
                put("provider", clip(supplier, TEXT_MAX));
            }
            put(
                "external_ref",
                clip(&format!("{}#{}", first.path, first.name), EXTERNAL_REF_MAX),
            );
            put(
                "description",
                format!("Machine-learning model listed in the SBOM {}", first.path),
            );
        }
    }
    proposal("models", name, fields, evidence)
}

/// `s` cut to at most `max` characters.
fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}
