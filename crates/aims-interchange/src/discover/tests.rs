use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

mod formats;

/// A unique directory under the system temp dir, removed on drop.
struct TempTree(PathBuf);

impl TempTree {
    fn new(tag: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "aims-discover-{tag}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// (category, name, path, line) of each finding.
fn keys(findings: &[Finding]) -> Vec<(&str, &str, &str, Option<usize>)> {
    findings
        .iter()
        .map(|f| (f.category, f.name.as_str(), f.path.as_str(), f.line))
        .collect()
}

/// (category, name, line) of each finding of one file.
fn found(path: &str, text: &str) -> Vec<(&'static str, String, Option<usize>)> {
    inspect(path, text.as_bytes())
        .into_iter()
        .map(|f| (f.category, f.name, f.line))
        .collect()
}

fn lib(name: &str, line: usize) -> (&'static str, String, Option<usize>) {
    ("library", name.to_string(), Some(line))
}

fn api(name: &str, line: usize) -> (&'static str, String, Option<usize>) {
    ("model_api_client", name.to_string(), Some(line))
}

fn project(name: &str, line: usize) -> (&'static str, String, Option<usize>) {
    ("project", name.to_string(), Some(line))
}

fn scan_default(root: &Path) -> Scan {
    scan(root, &ScanLimits::default(), &mut |_| {}).unwrap()
}

fn field<'a>(p: &'a Proposal, key: &str) -> &'a str {
    p.fields.get(key).and_then(|v| v.as_str()).unwrap_or("")
}

// ---------------------------------------------------------------- fixture

const REQUIREMENTS: &str =
    "# ML stack\ntorch==2.3 # comment\nnumpy>=1.26\nscikit-learn>=1.4\n-r dev-requirements.txt\n";
const PYPROJECT: &str =
    "[project]\nname = \"fraud-detector\"\nversion = \"0.1.0\"\ndependencies = [\n    \"openai>=1.30\",\n    \"requests\",\n]\n";
const PACKAGE_JSON: &str = "{\n  \"name\": \"support-chat\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {\n    \"@anthropic-ai/sdk\": \"^0.24.0\",\n    \"express\": \"^4.19.0\"\n  }\n}\n";
const NOTEBOOK: &str = r#"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "import torch is only prose here\n"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {},
   "outputs": [],
   "source": [
    "import numpy as np\n",
    "from transformers import pipeline\n"
   ]
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
"#;
const CARGO_TOML: &str =
    "[package]\nname = \"embedder\"\nversion = \"0.1.0\"\n\n[dependencies]\ncandle-core = { version = \"0.6\" }\nserde = \"1\"\n";
const GO_MOD: &str = "module github.com/acme/chatbot\n\ngo 1.22\n\nrequire (\n\tgithub.com/sashabaranov/go-openai v1.24.0\n\tgithub.com/google/uuid v1.6.0\n)\n";

fn fixture() -> TempTree {
    let t = TempTree::new("fixture");
    t.write("requirements.txt", REQUIREMENTS);
    t.write("pyproject.toml", PYPROJECT);
    t.write(
        "src/app.py",
        "\"\"\"Support bot.\"\"\"\nimport os\nimport openai\n",
    );
    t.write("web/package.json", PACKAGE_JSON);
    t.write("notebooks/explore.ipynb", NOTEBOOK);
    t.write("models/classifier.onnx", [0x08u8, 0xff, 0xfe, 0x00, 0x80]);
    t.write("rust/Cargo.toml", CARGO_TOML);
    t.write("go/go.mod", GO_MOD);
    t.write(
        "node_modules/openai/package.json",
        "{\"name\":\"openai\",\"dependencies\":{\"openai\":\"1\"}}",
    );
    t.write("node_modules/hidden.onnx", "x");
    t.write(".git/config", "[core]\n");
    t.write(".git/lfs/model.safetensors", "x");
    t.write(
        "bad/requirements.txt",
        [b't', b'o', b'r', b'c', b'h', b'\n', 0xff, 0xfe],
    );
    t.write("broken/package.json", "{ \"dependencies\": { \"openai\": ");
    t.write("README.md", "We use openai and torch.\n");
    t
}

#[test]
fn fixture_findings_are_exact() {
    let t = fixture();
    let s = scan_default(t.path());
    assert_eq!(
        keys(&s.findings),
        vec![
            ("project", "chatbot", "go/go.mod", Some(1)),
            (
                "model_api_client",
                "github.com/sashabaranov/go-openai",
                "go/go.mod",
                Some(6)
            ),
            (
                "model_file",
                "classifier.onnx",
                "models/classifier.onnx",
                None
            ),
            ("notebook", "explore.ipynb", "notebooks/explore.ipynb", None),
            (
                "library",
                "transformers",
                "notebooks/explore.ipynb",
                Some(17)
            ),
            ("project", "fraud-detector", "pyproject.toml", Some(2)),
            ("model_api_client", "openai", "pyproject.toml", Some(5)),
            ("library", "torch", "requirements.txt", Some(2)),
            ("library", "scikit-learn", "requirements.txt", Some(4)),
            ("project", "embedder", "rust/Cargo.toml", Some(2)),
            ("library", "candle-core", "rust/Cargo.toml", Some(6)),
            ("model_api_client", "openai", "src/app.py", Some(3)),
            ("project", "support-chat", "web/package.json", Some(2)),
            (
                "model_api_client",
                "@anthropic-ai/sdk",
                "web/package.json",
                Some(5)
            ),
        ]
    );
    assert_eq!(s.files_seen, 11, "node_modules and .git are not walked");
    assert_eq!(s.skipped.len(), 2, "{:?}", s.skipped);
    assert_eq!(s.skipped[0], "bad/requirements.txt: not valid UTF-8");
    assert!(
        s.skipped[1].starts_with("broken/package.json: malformed package.json: "),
        "{:?}",
        s.skipped
    );
    assert!(s.findings.iter().all(|f| !f.why.is_empty()));
    assert_eq!(
        s.findings
            .iter()
            .find(|f| f.name == "transformers")
            .map(|f| f.why.as_str()),
        Some("Hugging Face Transformers: loads and runs pretrained models")
    );
}

#[test]
fn fixture_proposals() {
    let t = fixture();
    let s = scan_default(t.path());
    let proposals = propose_in(&s.findings, &s.root_name);
    type Summary<'a> = (&'a str, &'a str, Vec<(&'a str, Option<usize>)>);
    let summary: Vec<Summary> = proposals
        .iter()
        .map(|p| {
            (
                p.kind,
                p.name.as_str(),
                p.evidence
                    .iter()
                    .map(|f| (f.path.as_str(), f.line))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "systems",
                "fraud-detector",
                vec![
                    ("models/classifier.onnx", None),
                    ("notebooks/explore.ipynb", None),
                    ("notebooks/explore.ipynb", Some(17)),
                    ("pyproject.toml", Some(2)),
                    ("pyproject.toml", Some(5)),
                    ("requirements.txt", Some(2)),
                    ("requirements.txt", Some(4)),
                    ("src/app.py", Some(3)),
                ]
            ),
            (
                "systems",
                "chatbot",
                vec![("go/go.mod", Some(1)), ("go/go.mod", Some(6))]
            ),
            (
                "systems",
                "embedder",
                vec![("rust/Cargo.toml", Some(2)), ("rust/Cargo.toml", Some(6))]
            ),
            (
                "systems",
                "support-chat",
                vec![("web/package.json", Some(2)), ("web/package.json", Some(5))]
            ),
            (
                "models",
                "classifier.onnx",
                vec![("models/classifier.onnx", None)]
            ),
            (
                "resources",
                "Anthropic",
                vec![("web/package.json", Some(5))]
            ),
            (
                "resources",
                "OpenAI",
                vec![
                    ("go/go.mod", Some(6)),
                    ("pyproject.toml", Some(5)),
                    ("src/app.py", Some(3))
                ]
            ),
            ("resources", "Candle", vec![("rust/Cargo.toml", Some(6))]),
            (
                "resources",
                "Hugging Face Transformers",
                vec![("notebooks/explore.ipynb", Some(17))]
            ),
            ("resources", "PyTorch", vec![("requirements.txt", Some(2))]),
            (
                "resources",
                "scikit-learn",
                vec![("requirements.txt", Some(4))]
            ),
        ]
    );
    let root = &proposals[0];
    assert_eq!(field(root, "lifecycle_stage"), "development");
    assert!(
        field(root, "purpose").contains("uses Hugging Face Transformers, PyTorch, scikit-learn"),
        "{}",
        field(root, "purpose")
    );
    assert!(field(root, "purpose").contains("calls OpenAI"));
    assert!(field(root, "purpose").contains("holds 1 model"));
    let model = &proposals[4];
    assert_eq!(field(model, "model_type"), "neural network");
    assert_eq!(
        field(model, "description"),
        "ONNX model file found by discovery at models/classifier.onnx"
    );
    assert_eq!(field(model, "external_ref"), "models/classifier.onnx");
    let openai = &proposals[6];
    assert_eq!(field(openai, "resource_type"), "third_party_ai_service");
    assert_eq!(field(openai, "provider"), "OpenAI");
    assert!(field(openai, "description").contains("github.com/sashabaranov/go-openai, openai"));
    assert_eq!(field(&proposals[7], "resource_type"), "tooling");
    // The proposals serialise for `--format json`.
    let json = serde_json::to_value(&proposals).unwrap();
    assert_eq!(json[5]["fields"]["provider"], "Anthropic");
    assert_eq!(json[5]["evidence"][0]["category"], "model_api_client");
}

#[test]
fn proposals_do_not_depend_on_input_order() {
    let t = fixture();
    let s = scan_default(t.path());
    let mut reversed = s.findings.clone();
    reversed.reverse();
    assert_eq!(propose(&s.findings), propose(&reversed));
}

// ---------------------------------------------------------------- scan robustness

#[cfg(unix)]
#[test]
fn symlinks_are_reported_not_followed() {
    let t = TempTree::new("symlink");
    t.write("real/requirements.txt", "torch\n");
    std::os::unix::fs::symlink(t.path().join("real"), t.path().join("link")).unwrap();
    std::os::unix::fs::symlink(
        t.path().join("real/requirements.txt"),
        t.path().join("requirements.txt"),
    )
    .unwrap();
    let s = scan_default(t.path());
    assert_eq!(
        keys(&s.findings),
        vec![("library", "torch", "real/requirements.txt", Some(1))]
    );
    assert_eq!(
        s.skipped,
        vec![
            "link: symbolic link, not followed",
            "requirements.txt: symbolic link, not followed"
        ]
    );
}

#[test]
fn large_files_are_not_read_but_large_models_are_reported() {
    let t = TempTree::new("large");
    t.write(
        "requirements.txt",
        format!("torch\n{}", "# padding\n".repeat(20)),
    );
    t.write("weights/llama.gguf", vec![0u8; 300]);
    t.write("small/requirements.txt", "openai\n");
    let limits = ScanLimits {
        max_file_bytes: 100,
        ..ScanLimits::default()
    };
    let s = scan(t.path(), &limits, &mut |_| {}).unwrap();
    assert_eq!(
        keys(&s.findings),
        vec![
            (
                "model_api_client",
                "openai",
                "small/requirements.txt",
                Some(1)
            ),
            ("model_file", "llama.gguf", "weights/llama.gguf", None),
        ]
    );
    assert_eq!(
        s.skipped,
        vec!["requirements.txt: 206 bytes is over max_file_bytes (100), not read"]
    );
}

#[test]
fn max_files_and_max_depth_are_enforced() {
    let t = TempTree::new("limits");
    for i in 0..5 {
        t.write(&format!("m{i}.onnx"), "x");
    }
    let limits = ScanLimits {
        max_files: 3,
        ..ScanLimits::default()
    };
    let s = scan(t.path(), &limits, &mut |_| {}).unwrap();
    assert_eq!(s.files_seen, 3);
    assert_eq!(
        s.findings
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>(),
        ["m0.onnx", "m1.onnx", "m2.onnx"]
    );
    assert_eq!(
        s.skipped,
        vec!["m3.onnx: max_files (3) reached: this and later files were not scanned"]
    );

    let t = TempTree::new("depth");
    t.write("a/one.onnx", "x");
    t.write("a/b/two.onnx", "x");
    let limits = ScanLimits {
        max_depth: 1,
        ..ScanLimits::default()
    };
    let s = scan(t.path(), &limits, &mut |_| {}).unwrap();
    assert_eq!(
        keys(&s.findings),
        vec![("model_file", "one.onnx", "a/one.onnx", None)]
    );
    assert_eq!(
        s.skipped,
        vec!["a/b: deeper than max_depth (1), not scanned"]
    );
}

#[test]
fn progress_is_reported_and_root_errors_surface() {
    let t = TempTree::new("progress");
    for i in 0..130 {
        t.write(&format!("f{i:03}.txt"), "");
    }
    let mut calls = Vec::new();
    let s = scan(t.path(), &ScanLimits::default(), &mut |n| calls.push(n)).unwrap();
    assert_eq!(s.files_seen, 130);
    assert_eq!(calls, vec![64, 128, 130]);
    assert!(scan(
        &t.path().join("missing"),
        &ScanLimits::default(),
        &mut |_| {}
    )
    .is_err());
    // A single file can be scanned too.
    t.write("pyproject.toml", PYPROJECT);
    let s = scan_default(&t.path().join("pyproject.toml"));
    assert_eq!(keys(&s.findings).len(), 2);
    assert_eq!(s.root_name, "pyproject.toml");
}

#[test]
fn idle_projects_are_dropped_from_scans() {
    let t = TempTree::new("idle");
    t.write(
        "package.json",
        "{\"name\": \"mono\", \"devDependencies\": {\"typescript\": \"5\"}}",
    );
    t.write(
        "svc/pyproject.toml",
        "[project]\nname = \"svc\"\ndependencies = [\"anthropic\"]\n",
    );
    t.write("lib/Cargo.toml", "[package]\nname = \"plain\"\n");
    let s = scan_default(t.path());
    assert_eq!(
        keys(&s.findings),
        vec![
            ("project", "svc", "svc/pyproject.toml", Some(2)),
            (
                "model_api_client",
                "anthropic",
                "svc/pyproject.toml",
                Some(3)
            )
        ]
    );
    let p = propose(&s.findings);
    assert_eq!(
        p.iter()
            .map(|p| (p.kind, p.name.as_str()))
            .collect::<Vec<_>>(),
        [("systems", "svc"), ("resources", "Anthropic")]
    );
}

// ---------------------------------------------------------------- propose

fn model_file(path: &str) -> Finding {
    model_finding(path).unwrap()
}

#[test]
fn models_dedupe_by_file_name_and_shards() {
    let findings = vec![
        model_file("a/classifier.onnx"),
        model_file("b/classifier.onnx"),
        model_file("ckpt/model-00001-of-00002.safetensors"),
        model_file("ckpt/model-00002-of-00002.safetensors"),
        model_file("llm/tiny.gguf"),
    ];
    let p = propose_in(&findings, "repo");
    let models: Vec<(&str, usize, &str)> = p
        .iter()
        .filter(|p| p.kind == "models")
        .map(|p| (p.name.as_str(), p.evidence.len(), field(p, "model_type")))
        .collect();
    assert_eq!(
        models,
        [
            ("classifier.onnx", 2, "neural network"),
            ("model.safetensors", 2, "neural network"),
            ("tiny.gguf", 1, "LLM")
        ]
    );
    assert_eq!(p[0].kind, "systems");
    assert_eq!(
        p[0].name, "repo",
        "no manifest at the root: the scanned directory names the system"
    );
    assert!(field(&p[0], "purpose").contains("holds 3 models"));
    assert_eq!(
        field(&p[1], "description"),
        "ONNX model file found by discovery at a/classifier.onnx (and 1 more copies or shards)"
    );
    // Names are cut to the record's length limit.
    let long = format!("{}.onnx", "m".repeat(300));
    let p = propose(&[model_file(&long)]);
    assert_eq!(p[1].name.chars().count(), 200);
    assert_eq!(p[1].evidence[0].name, long);
}

#[test]
fn systems_per_project_root() {
    let f = |category, name: &str, path: &str, line| Finding {
        category,
        name: name.to_string(),
        path: path.to_string(),
        line,
        why: String::new(),
    };
    let findings = vec![
        f("library", "torch", "svc/requirements/base.txt", Some(1)),
        f("model_api_client", "openai", "svc/src/app.py", Some(2)),
        f("library", "keras", "svc/deep/nested/train.py", Some(1)),
        f("project", "svc-js", "svc/package.json", Some(2)),
        f("project", "svc-py", "svc/pyproject.toml", Some(2)),
        f("library", "ai", "web/ui/package.json", Some(3)),
        f("model_file", "m.onnx", "web/ui/public/m.onnx", None),
    ];
    let p = propose(&findings);
    let systems: Vec<(&str, usize)> = p
        .iter()
        .filter(|p| p.kind == "systems")
        .map(|p| (p.name.as_str(), p.evidence.len()))
        .collect();
    assert_eq!(
        systems,
        [("svc-py", 5), ("ui", 2)],
        "pyproject's name wins; requirements/ belongs to its parent"
    );
    let tooling: Vec<&str> = p
        .iter()
        .filter(|p| field(p, "resource_type") == "tooling")
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(tooling, ["Keras", "PyTorch", "Vercel AI SDK"]);
}

#[test]
fn table_lookups() {
    use table::{lookup, lookup_import, normalize_py, Eco, Kind};
    assert_eq!(normalize_py("Foo__Bar.baz-"), "foo-bar-baz");
    assert_eq!(
        lookup(Eco::Py, "LLAMA.index-Core").map(|k| k.product),
        Some("LlamaIndex")
    );
    assert!(lookup(Eco::Py, "boto3").is_none());
    assert!(lookup(Eco::Npm, "ai-foo").is_none());
    assert!(lookup(Eco::Npm, "@aws-sdk/client-s3").is_none());
    assert_eq!(
        lookup(Eco::Npm, "@langchain/anthropic").and_then(|k| k.provider),
        Some("Anthropic")
    );
    assert_eq!(
        lookup(Eco::Cargo, "candle_nn").map(|k| k.kind),
        Some(Kind::Library)
    );
    assert_eq!(
        lookup(Eco::Go, "github.com/sashabaranov/go-openai").and_then(|k| k.provider),
        Some("OpenAI")
    );
    assert!(lookup_import("mypkg.torch").is_none());
    assert!(lookup_import("google").is_none());
    assert_eq!(
        lookup_import("tensorflow.keras.layers").map(|(n, _)| n),
        Some("tensorflow".to_string())
    );
    // Every client row names its provider; every row explains itself.
    for k in table::KNOWN {
        assert!(!k.why.is_empty() && !k.product.is_empty(), "{}", k.name);
        assert_eq!(k.kind == Kind::Client, k.provider.is_some(), "{}", k.name);
    }
}
