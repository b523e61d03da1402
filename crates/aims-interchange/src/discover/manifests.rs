//! package.json, Cargo.toml, go.mod and CycloneDX JSON SBOMs.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use super::propose::SBOM_MODEL_SUPPLIED_BY;
use super::table::{self, Eco};
use super::{known_finding, line_at, project_finding, toml_error, Finding, InspectError};

fn json_error(e: &serde_json::Error, format: &'static str) -> InspectError {
    InspectError::Malformed {
        format,
        message: e.to_string(),
    }
}

/// Byte offset of the next object key `"key"` (followed by `:`) at or after
/// `from`.
fn find_json_key(text: &str, key: &str, from: usize) -> Option<usize> {
    let needle = serde_json::to_string(key).ok()?;
    let mut at = from.min(text.len());
    while let Some(i) = text.get(at..)?.find(&needle) {
        let start = at + i;
        let after = text.get(start + needle.len()..)?.trim_start();
        if after.starts_with(':') {
            return Some(start);
        }
        at = start + needle.len();
    }
    None
}

/// Byte offset of the next member `"key": "value"` at or after `from`.
fn find_json_member(text: &str, key: &str, value: &str, from: usize) -> Option<usize> {
    let quoted = serde_json::to_string(value).ok()?;
    let mut at = from.min(text.len());
    while let Some(start) = find_json_key(text, key, at) {
        let rest = text.get(start..)?;
        let colon = rest.find(':')?;
        if rest.get(colon + 1..)?.trim_start().starts_with(&quoted) {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

const NPM_SECTIONS: [&str; 4] = [
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "peerDependencies",
];

/// `package.json`: dependencies of every kind, and the package name.
pub(crate) fn package_json(path: &str, text: &str) -> Result<Vec<Finding>, InspectError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| json_error(&e, "package.json"))?;
    let Value::Object(doc) = doc else {
        return Err(InspectError::Malformed {
            format: "package.json",
            message: "not a JSON object".into(),
        });
    };
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for section in NPM_SECTIONS {
        let Some(Value::Object(deps)) = doc.get(section) else {
            continue;
        };
        let section_at = find_json_key(text, section, 0).unwrap_or(0);
        for name in deps.keys() {
            let Some(k) = table::lookup(Eco::Npm, name) else {
                continue;
            };
            if seen.insert(name.clone()) {
                let line = find_json_key(text, name, section_at).map(|i| line_at(text, i));
                out.push(known_finding(k, name, path, line));
            }
        }
    }
    if let Some(Value::String(name)) = doc.get("name") {
        if !name.trim().is_empty() {
            let line = find_json_member(text, "name", name, 0).map(|i| line_at(text, i));
            out.push(project_finding(name, path, line));
        }
    }
    Ok(out)
}

type Deps = BTreeMap<Spanned<String>, toml::Value>;

#[derive(Deserialize)]
struct CargoManifest {
    package: Option<CargoPackage>,
    #[serde(default)]
    dependencies: Deps,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: Deps,
    #[serde(default, rename = "build-dependencies")]
    build_dependencies: Deps,
    #[serde(default)]
    target: BTreeMap<String, DepTables>,
    workspace: Option<CargoWorkspace>,
}

#[derive(Deserialize)]
struct CargoPackage {
    name: Option<Spanned<String>>,
}

#[derive(Deserialize)]
struct CargoWorkspace {
    #[serde(default)]
    dependencies: Deps,
}

#[derive(Deserialize)]
struct DepTables {
    #[serde(default)]
    dependencies: Deps,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: Deps,
    #[serde(default, rename = "build-dependencies")]
    build_dependencies: Deps,
}

impl DepTables {
    fn all(&self) -> impl Iterator<Item = (&Spanned<String>, &toml::Value)> {
        self.dependencies
            .iter()
            .chain(&self.dev_dependencies)
            .chain(&self.build_dependencies)
    }
}

/// `Cargo.toml`: every dependency table (also per target and workspace),
/// honouring `package = "…"` renames, and the package name.
pub(crate) fn cargo_toml(path: &str, text: &str) -> Result<Vec<Finding>, InspectError> {
    let doc: CargoManifest =
        toml::from_str(text).map_err(|e| toml_error(&e, text, "Cargo.toml"))?;
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let workspace = doc.workspace.iter().flat_map(|w| &w.dependencies);
    let top = doc
        .dependencies
        .iter()
        .chain(&doc.dev_dependencies)
        .chain(&doc.build_dependencies);
    let all = top
        .chain(doc.target.values().flat_map(DepTables::all))
        .chain(workspace);
    for (key, value) in all {
        let real = value
            .get("package")
            .and_then(toml::Value::as_str)
            .unwrap_or(key.get_ref());
        let Some(k) = table::lookup(Eco::Cargo, real) else {
            continue;
        };
        if seen.insert(table::normalize(Eco::Cargo, real)) {
            out.push(known_finding(
                k,
                real,
                path,
                Some(line_at(text, key.span().start)),
            ));
        }
    }
    if let Some(name) = doc.package.and_then(|p| p.name) {
        out.push(project_finding(
            name.get_ref(),
            path,
            Some(line_at(text, name.span().start)),
        ));
    }
    Ok(out)
}

/// `go.mod`: `require` lines and blocks, and the module name (its last path
/// segment, without a `/vN` suffix).
pub(crate) fn go_mod(path: &str, text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut in_block = false;
    for (i, raw) in text.lines().enumerate() {
        let line = Some(i + 1);
        let t = raw.split("//").next().unwrap_or("").trim();
        let module = if in_block {
            if t.starts_with(')') {
                in_block = false;
                continue;
            }
            t
        } else if let Some(rest) = t.strip_prefix("require") {
            let rest = rest.trim();
            if rest.starts_with('(') {
                in_block = true;
                continue;
            }
            rest
        } else {
            if let Some(m) = t
                .strip_prefix("module")
                .filter(|r| r.starts_with(char::is_whitespace))
            {
                let m = table::normalize(Eco::Go, m.trim().trim_matches('"'));
                let name = m.rsplit('/').next().unwrap_or(&m);
                if !name.is_empty() {
                    out.push(project_finding(name, path, line));
                }
            }
            continue;
        };
        let Some(module) = module.split_whitespace().next() else {
            continue;
        };
        let module = module.trim_matches('"');
        let Some(k) = table::lookup(Eco::Go, module) else {
            continue;
        };
        if seen.insert(table::normalize(Eco::Go, module)) {
            out.push(known_finding(k, module, path, line));
        }
    }
    out
}

/// Package name and ecosystem from a purl (`pkg:npm/%40scope/name@1.0`).
fn purl_package(purl: &str) -> Option<(Eco, String)> {
    let rest = purl.strip_prefix("pkg:")?;
    let (ty, rest) = rest.split_once('/')?;
    let eco = match ty {
        "pypi" => Eco::Py,
        "npm" => Eco::Npm,
        "cargo" => Eco::Cargo,
        "golang" => Eco::Go,
        _ => return None,
    };
    let end = rest.find(['@', '?', '#']).unwrap_or(rest.len());
    let (head, tail) = rest.split_at(end);
    // An npm scope is written `%40scope`, so a literal '@' right at the start
    // cannot occur; still accept it.
    let name = if head.is_empty() && ty == "npm" {
        let t = tail.trim_start_matches('@');
        format!("@{}", t.split(['@', '?', '#']).next().unwrap_or(""))
    } else {
        head.replace("%40", "@")
            .replace("%2F", "/")
            .replace("%2f", "/")
    };
    Some((eco, name))
}

/// Components of a CycloneDX SBOM, depth first in document order.
fn components(doc: &Value) -> Vec<&serde_json::Map<String, Value>> {
    let mut out = Vec::new();
    let mut stack: Vec<&Value> = Vec::new();
    if let Some(Value::Array(list)) = doc.get("components") {
        stack.extend(list.iter().rev());
    }
    if let Some(c) = doc.get("metadata").and_then(|m| m.get("component")) {
        stack.push(c);
    }
    while let Some(Value::Object(c)) = stack.pop() {
        out.push(c);
        if let Some(Value::Array(children)) = c.get("components") {
            stack.extend(children.iter().rev());
        }
    }
    out
}

/// CycloneDX JSON: components of type `machine-learning-model`, and
/// components whose package is in the table. Other JSON files with an SBOM
/// name are not CycloneDX and say nothing.
pub(crate) fn sbom(path: &str, text: &str) -> Result<Vec<Finding>, InspectError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| json_error(&e, "SBOM JSON"))?;
    if doc.get("bomFormat").and_then(Value::as_str) != Some("CycloneDX") {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut cursor = 0;
    for c in components(&doc) {
        let Some(name) = c
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.trim().is_empty())
        else {
            continue;
        };
        let mut at = || {
            let i = find_json_member(text, "name", name, cursor)?;
            cursor = i + 1;
            Some(line_at(text, i))
        };
        if c.get("type").and_then(Value::as_str) == Some("machine-learning-model") {
            let supplier = ["supplier", "manufacturer"]
                .iter()
                .find_map(|k| {
                    c.get(*k)
                        .and_then(|s| s.get("name"))
                        .and_then(Value::as_str)
                })
                .or_else(|| c.get("author").and_then(Value::as_str))
                .or_else(|| c.get("group").and_then(Value::as_str));
            let why = match supplier {
                Some(s) => format!("{SBOM_MODEL_SUPPLIED_BY}{s})"),
                None => "Machine-learning model listed in the SBOM".to_string(),
            };
            let line = at();
            out.push(Finding {
                category: "sbom_component",
                name: name.to_string(),
                path: path.to_string(),
                line,
                why,
            });
            continue;
        }
        let group = c
            .get("group")
            .and_then(Value::as_str)
            .filter(|g| !g.is_empty());
        let (eco, package) = match c.get("purl").and_then(Value::as_str).and_then(purl_package) {
            Some((eco, package)) => (Some(eco), package),
            None => (
                None,
                group.map_or_else(|| name.to_string(), |g| format!("{g}/{name}")),
            ),
        };
        let known = match eco {
            Some(eco) => table::lookup(eco, &package),
            None => table::lookup_any(&package),
        };
        if let Some(k) = known {
            let line = at();
            let mut f = known_finding(k, &package, path, line);
            f.category = "sbom_component";
            f.why = format!("{} (listed in the SBOM)", k.why);
            out.push(f);
        }
    }
    Ok(out)
}
