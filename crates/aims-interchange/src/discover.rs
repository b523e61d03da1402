//! Shadow-AI discovery: scan a source tree for AI libraries, model-API
//! clients and model artefacts, and propose inventory entries that a person
//! confirms later (`aims discover PATH`).
//!
//! * [`scan`] walks a directory (read-only, never following symbolic links)
//!   and returns [`Finding`]s plus what it skipped and why.
//! * [`inspect`] / [`try_inspect`] are pure: what one file's bytes say.
//! * [`propose`] / [`propose_in`] are pure: group findings into proposed
//!   systems, models and resources.
//!
//! Recognised inputs: Python `requirements*.txt` (and `requirements/*.txt`),
//! `pyproject.toml` (PEP 621 and Poetry), `Pipfile`, `setup.cfg`, Python
//! source imports, Jupyter notebooks (imports and `!pip install` lines),
//! `package.json`, `Cargo.toml`, `go.mod`, CycloneDX JSON SBOMs
//! (`*.cdx.json`, `bom.json`, `sbom.json`) and model files by extension. What
//! counts as AI is the data table in `discover/table.rs`.

mod manifests;
mod propose;
mod python;
mod table;
mod walk;

#[cfg(test)]
mod tests;

pub use propose::{propose, propose_in};

/// One piece of evidence that the tree uses AI.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// "library" | "model_api_client" | "model_file" | "sbom_component" |
    /// "notebook" | "project".
    ///
    /// "notebook" marks a Jupyter notebook that imports AI packages (the
    /// imports themselves are reported as "library"/"model_api_client").
    /// "project" marks a manifest that declares a project name; it is
    /// context for [`propose`] (one system per project root) and [`scan`]
    /// keeps it only when AI findings belong to that project.
    pub category: &'static str,
    /// What was found, e.g. "transformers", "openai", "resnet50.onnx".
    pub name: String,
    /// Path relative to the scanned root, '/'-separated.
    pub path: String,
    /// 1-based line where it was found, when the file is text.
    pub line: Option<usize>,
    /// Why this counts as AI, in our own words.
    pub why: String,
}

/// A proposed inventory entry, for a person to confirm.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Proposal {
    /// Record kind the entry would become: "systems" | "models" | "resources".
    pub kind: &'static str,
    pub name: String,
    /// Field name → value for the new record. systems: "purpose",
    /// "lifecycle_stage"; models: "model_type", "provider" (when known),
    /// "external_ref"; resources: "resource_type" ("third_party_ai_service"
    /// | "tooling"), "provider" (services), "description".
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// The findings behind it.
    pub evidence: Vec<Finding>,
}

/// Bounds on a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanLimits {
    /// Stop after this many files (the rest is reported in `skipped`).
    pub max_files: usize,
    /// Text files larger than this are not read (model files are reported
    /// by name whatever their size; their content is never read).
    pub max_file_bytes: u64,
    /// Directories nested deeper than this below the root are not entered.
    pub max_depth: usize,
}

impl Default for ScanLimits {
    fn default() -> Self {
        Self {
            max_files: 100_000,
            max_file_bytes: 2 * 1024 * 1024,
            max_depth: 32,
        }
    }
}

/// Result of [`scan`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scan {
    /// Sorted by path, then line.
    pub findings: Vec<Finding>,
    /// Files visited (whether or not they were read).
    pub files_seen: usize,
    /// "path: reason" for whatever was not looked at (symbolic links, too
    /// large, unreadable, not UTF-8, malformed, limits reached).
    pub skipped: Vec<String>,
    /// Name of the scanned directory (the fallback name of a system found
    /// at the root); pass it to [`propose_in`].
    pub root_name: String,
}

/// Why one file could not be inspected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectError {
    #[error("not valid UTF-8")]
    NotUtf8,
    #[error("malformed {format}: {message}")]
    Malformed {
        format: &'static str,
        message: String,
    },
}

/// Walks `root` (read-only) and inspects every recognised file.
///
/// Symbolic links are never followed (each is listed in `skipped`); the root
/// itself may be one. `.git`, `node_modules`, `target`, virtualenvs,
/// `__pycache__`, `dist`, `build`, `.tox` and all hidden directories are
/// not entered. One bad file never aborts the scan; only an unreadable root
/// is an error. `progress(files_seen)` is called every 64 files and at the
/// end.
pub fn scan(
    root: &std::path::Path,
    limits: &ScanLimits,
    progress: &mut dyn FnMut(usize),
) -> std::io::Result<Scan> {
    walk::scan(root, limits, progress)
}

/// What one file's content says; a file that cannot be parsed says nothing
/// (see [`try_inspect`] for the reason).
pub fn inspect(rel_path: &str, content: &[u8]) -> Vec<Finding> {
    try_inspect(rel_path, content).unwrap_or_default()
}

/// What one file's content says, or why it could not be inspected. Model
/// files are recognised by their path alone; `content` is ignored for them.
pub fn try_inspect(rel_path: &str, content: &[u8]) -> Result<Vec<Finding>, InspectError> {
    let kind = file_kind(rel_path);
    if let FileKind::Model = kind {
        return Ok(model_finding(rel_path).into_iter().collect());
    }
    if let FileKind::Other = kind {
        return Ok(Vec::new());
    }
    let text = std::str::from_utf8(content).map_err(|_| InspectError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut found = match kind {
        FileKind::Requirements => Ok(python::requirements(rel_path, text)),
        FileKind::PyProject => python::pyproject(rel_path, text),
        FileKind::Pipfile => python::pipfile(rel_path, text),
        FileKind::SetupCfg => Ok(python::setup_cfg(rel_path, text)),
        FileKind::PySource => Ok(python::source(rel_path, text)),
        FileKind::Notebook => python::notebook(rel_path, text),
        FileKind::PackageJson => manifests::package_json(rel_path, text),
        FileKind::CargoToml => manifests::cargo_toml(rel_path, text),
        FileKind::GoMod => Ok(manifests::go_mod(rel_path, text)),
        FileKind::Sbom => manifests::sbom(rel_path, text),
        FileKind::Model | FileKind::Other => Ok(Vec::new()),
    }?;
    sort_findings(&mut found);
    Ok(found)
}

/// How a file is treated, decided by its path alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    Requirements,
    PyProject,
    Pipfile,
    SetupCfg,
    PySource,
    Notebook,
    PackageJson,
    CargoToml,
    GoMod,
    Sbom,
    Model,
    Other,
}

impl FileKind {
    /// Manifests mark project roots (their directory).
    pub(crate) fn is_manifest(self) -> bool {
        matches!(
            self,
            FileKind::Requirements
                | FileKind::PyProject
                | FileKind::Pipfile
                | FileKind::SetupCfg
                | FileKind::PackageJson
                | FileKind::CargoToml
                | FileKind::GoMod
        )
    }
}

pub(crate) fn file_name(rel_path: &str) -> &str {
    rel_path.rsplit('/').next().unwrap_or(rel_path)
}

/// Directory part of a relative path ("" for the root).
pub(crate) fn parent_dir(rel_path: &str) -> &str {
    rel_path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn extension(name: &str) -> Option<String> {
    name.rsplit_once('.')
        .filter(|(stem, _)| !stem.is_empty())
        .map(|(_, ext)| ext.to_ascii_lowercase())
}

pub(crate) fn file_kind(rel_path: &str) -> FileKind {
    let name = file_name(rel_path);
    let lower = name.to_ascii_lowercase();
    if model_format(rel_path).is_some() {
        return FileKind::Model;
    }
    match name {
        "pyproject.toml" => return FileKind::PyProject,
        "Pipfile" => return FileKind::Pipfile,
        "setup.cfg" => return FileKind::SetupCfg,
        "package.json" => return FileKind::PackageJson,
        "Cargo.toml" => return FileKind::CargoToml,
        "go.mod" => return FileKind::GoMod,
        _ => {}
    }
    if lower.ends_with(".txt")
        && (lower.starts_with("requirements") || file_name(parent_dir(rel_path)) == "requirements")
    {
        return FileKind::Requirements;
    }
    if lower.ends_with(".cdx.json") || lower == "bom.json" || lower == "sbom.json" {
        return FileKind::Sbom;
    }
    match extension(name).as_deref() {
        Some("py") => FileKind::PySource,
        Some("ipynb") => FileKind::Notebook,
        _ => FileKind::Other,
    }
}

/// Model file format by path, or `None` when the path is not a model file.
pub(crate) fn model_format(rel_path: &str) -> Option<&'static str> {
    let name = file_name(rel_path);
    let format = match extension(name)?.as_str() {
        "onnx" => "ONNX",
        "safetensors" => "safetensors",
        "gguf" => "GGUF",
        "ggml" => "GGML",
        // `.pth` directly in site-packages is a Python path file, not weights.
        "pth"
            if matches!(
                file_name(parent_dir(rel_path)),
                "site-packages" | "dist-packages"
            ) =>
        {
            return None
        }
        "pt" | "pth" => "PyTorch",
        "ckpt" => "checkpoint",
        "h5" => "HDF5/Keras",
        "keras" => "Keras",
        "tflite" => "TensorFlow Lite",
        "mlmodel" => "Core ML",
        "pb" if name == "saved_model.pb" => "TensorFlow SavedModel",
        "joblib" | "pkl" if rel_path.to_ascii_lowercase().contains("model") => {
            if name.ends_with("joblib") {
                "joblib"
            } else {
                "pickle"
            }
        }
        _ => return None,
    };
    Some(format)
}

/// Model-type guess for a model file format (the proposal's `model_type`,
/// free text for a person to refine).
pub(crate) fn model_type(format: &str) -> &'static str {
    match format {
        "GGUF" | "GGML" => "LLM",
        "joblib" | "pickle" => "classical machine learning",
        _ => "neural network",
    }
}

/// The finding for a model file, by path only (the content is never read).
/// A `saved_model.pb` is named after its directory.
pub(crate) fn model_finding(rel_path: &str) -> Option<Finding> {
    let format = model_format(rel_path)?;
    let mut name = file_name(rel_path).to_string();
    if name == "saved_model.pb" {
        let dir = file_name(parent_dir(rel_path));
        if !dir.is_empty() {
            name = dir.to_string();
        }
    }
    Some(Finding {
        category: "model_file",
        name,
        path: rel_path.to_string(),
        line: None,
        why: format!("Trained model file ({format} format) shipped with the code"),
    })
}

/// Finding for a row of the known-package table.
pub(crate) fn known_finding(
    k: &table::Known,
    name: &str,
    path: &str,
    line: Option<usize>,
) -> Finding {
    Finding {
        category: k.kind.category(),
        name: name.to_string(),
        path: path.to_string(),
        line,
        why: k.why.to_string(),
    }
}

/// Marker for a manifest that declares a project name.
pub(crate) fn project_finding(name: &str, path: &str, line: Option<usize>) -> Finding {
    Finding {
        category: "project",
        name: name.trim().to_string(),
        path: path.to_string(),
        line,
        why: format!(
            "{} declares project '{}': AI found in this directory is proposed as one AI system",
            file_name(path),
            name.trim()
        ),
    }
}

/// A TOML error as a skip reason, with its line when known.
pub(crate) fn toml_error(e: &toml::de::Error, text: &str, format: &'static str) -> InspectError {
    let message = match e.span() {
        Some(span) => format!(
            "{} (line {})",
            e.message().trim_end(),
            line_at(text, span.start)
        ),
        None => e.message().trim_end().to_string(),
    };
    InspectError::Malformed { format, message }
}

/// 1-based line of a byte offset.
pub(crate) fn line_at(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Sorts by path, line (unknown first), category, name; drops duplicates.
pub(crate) fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.category, &a.name).cmp(&(&b.path, b.line, b.category, &b.name))
    });
    findings.dedup();
}
