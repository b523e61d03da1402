//! Per-format tests: what `inspect` finds in one file.

use super::*;

// ---------------------------------------------------------------- Python

#[test]
fn requirements_syntax() {
    let text = "\
Torch[cuda] >= 2.0 ; python_version > \"3.8\"
-r base.txt
-e git+https://github.com/x/y.git#egg=openai
https://example.com/anthropic-1.0.tar.gz
./local/transformers
boto3==1.34
Scikit_Learn~=1.4
LangChain.OpenAI
langchain-core
llama_index.core
sentence-transformers @ https://example.com/st.whl
torch  # repeated: reported once
anthropic --hash=sha256:abc
";
    assert_eq!(
        found("requirements-dev.txt", text),
        vec![
            lib("Torch", 1),
            lib("Scikit_Learn", 7),
            api("LangChain.OpenAI", 8),
            lib("langchain-core", 9),
            lib("llama_index.core", 10),
            lib("sentence-transformers", 11),
            api("anthropic", 13),
        ]
    );
    assert_eq!(
        found("requirements/prod.txt", "vllm\n"),
        vec![lib("vllm", 1)]
    );
    assert_eq!(found("notes.txt", "torch\n"), vec![]);
}

#[test]
fn pyproject_pep621_and_poetry() {
    let pep = "[project]\nname = \"svc\"\ndependencies = [\"requests\", \"google-genai>=1\"]\n\n[project.optional-dependencies]\ngpu = [\n  \"vllm\",\n]\n";
    assert_eq!(
        found("pyproject.toml", pep),
        vec![project("svc", 2), api("google-genai", 3), lib("vllm", 7)]
    );
    let poetry = "[tool.poetry]\nname = \"bot\"\n\n[tool.poetry.dependencies]\npython = \"^3.11\"\nlangchain-aws = \"^0.1\"\n\"mistralai\" = { version = \"1\" }\n\n[tool.poetry.group.dev.dependencies]\nkeras = \"*\"\n";
    assert_eq!(
        found("pyproject.toml", poetry),
        vec![
            project("bot", 2),
            api("langchain-aws", 6),
            api("mistralai", 7),
            lib("keras", 10)
        ]
    );
    assert_eq!(
        found("pyproject.toml", "[tool.black]\nline-length = 100\n"),
        vec![]
    );
    assert!(matches!(
        try_inspect("pyproject.toml", b"[project\nname ="),
        Err(InspectError::Malformed {
            format: "pyproject.toml",
            ..
        })
    ));
    let err = try_inspect(
        "pyproject.toml",
        b"[project]\nname = \"x\"\ndependencies = [1]\n",
    )
    .unwrap_err();
    assert!(
        err.to_string().starts_with("malformed pyproject.toml: "),
        "{err}"
    );
    assert!(err.to_string().ends_with("(line 3)"), "{err}");
}

#[test]
fn pipfile_and_setup_cfg() {
    let pipfile = "[[source]]\nurl = \"https://pypi.org/simple\"\n\n[packages]\ncohere = \"*\"\nflask = \"*\"\n\n[dev-packages]\njupyter = \"*\"\nnltk = \"*\"\n";
    assert_eq!(
        found("Pipfile", pipfile),
        vec![api("cohere", 5), lib("nltk", 10)]
    );
    let cfg = "[metadata]\nname = scorer\n\n[options]\npackages = find:\ninstall_requires =\n    xgboost>=2\n    requests\n    # a comment\n    huggingface_hub\npython_requires = >=3.9\n\n[options.extras_require]\nllm = openai>=1\n";
    assert_eq!(
        found("setup.cfg", cfg),
        vec![
            project("scorer", 2),
            lib("xgboost", 7),
            api("huggingface_hub", 10),
            api("openai", 14)
        ]
    );
}

#[test]
fn python_imports() {
    let src = r#"#!/usr/bin/env python
"""Module docstring.

import tensorflow  (inside a docstring: not an import)
"""
import os, sys
import torch.nn as nn
from torch import optim
from google import genai, auth
from google.cloud import aiplatform
from . import transformers
from .models import keras
import mypkg.openai
from googleapiclient import discovery
x = "import anthropic"
try:
    import sklearn
except ImportError:
    pass
from langchain_openai.chat_models import (ChatOpenAI,
    AzureChatOpenAI)
import llama_index.core
"#;
    assert_eq!(
        found("app/main.py", src),
        vec![
            lib("torch", 7),
            api("google.genai", 9),
            api("google.cloud.aiplatform", 10),
            lib("sklearn", 17),
            api("langchain_openai", 20),
            lib("llama_index", 22),
        ]
    );
}

#[test]
fn notebooks() {
    let text = r#"{"cells": [
 {"cell_type": "code", "source": ["%pip install -q openai \"langchain>=0.2\"\n", "import openai\n"]},
 {"cell_type": "code", "source": "import torch\nfrom sklearn import svm"},
 {"cell_type": "raw", "source": ["import anthropic\n"]}
], "nbformat": 4}"#;
    let f = inspect("exp/nb.ipynb", text.as_bytes());
    assert_eq!(
        keys(&f),
        vec![
            ("library", "sklearn", "exp/nb.ipynb", None),
            ("library", "torch", "exp/nb.ipynb", None),
            ("notebook", "nb.ipynb", "exp/nb.ipynb", None),
            ("library", "langchain", "exp/nb.ipynb", Some(2)),
            ("model_api_client", "openai", "exp/nb.ipynb", Some(2)),
        ]
    );
    assert_eq!(f[2].why, "Jupyter notebook using AI packages (langchain, openai, sklearn, torch): model experiments, training or evaluation outside the main code");
    assert_eq!(
        found(
            "plain.ipynb",
            "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"print(1)\"]}]}"
        ),
        vec![]
    );
    assert!(matches!(
        try_inspect("x.ipynb", b"{\"cells\": ["),
        Err(InspectError::Malformed { .. })
    ));
}

// ---------------------------------------------------------------- other ecosystems

#[test]
fn package_json() {
    let text = r#"{
  "name": "@acme/web",
  "dependencies": {
    "ai": "^3.0.0",
    "ai-utils": "1.0.0",
    "@ai-sdk/openai": "^0.0.9",
    "@langchain/core": "0.2.0",
    "openai": "4"
  },
  "devDependencies": {
    "@tensorflow/tfjs-node": "4",
    "onnxruntime-web": "1.18",
    "openai": "4"
  }
}"#;
    assert_eq!(
        found("package.json", text),
        vec![
            project("@acme/web", 2),
            lib("ai", 4),
            api("@ai-sdk/openai", 6),
            lib("@langchain/core", 7),
            api("openai", 8),
            lib("@tensorflow/tfjs-node", 11),
            lib("onnxruntime-web", 12),
        ]
    );
    assert!(matches!(
        try_inspect("package.json", b"[1, 2]"),
        Err(InspectError::Malformed { .. })
    ));
}

#[test]
fn cargo_toml() {
    let text = r#"[package]
name = "infer"

[dependencies]
serde = "1"
ml = { package = "candle-transformers", version = "0.6" }
async_openai = "0.23"

[dependencies.ort]
version = "2"

[dev-dependencies]
linfa-trees = "0.7"

[target.'cfg(unix)'.dependencies]
tch = "0.16"
"#;
    assert_eq!(
        found("Cargo.toml", text),
        vec![
            project("infer", 2),
            lib("candle-transformers", 6),
            api("async_openai", 7),
            lib("ort", 9),
            lib("linfa-trees", 13),
            lib("tch", 16),
        ]
    );
    let ws = "[workspace]\nmembers = [\"a\"]\n\n[workspace.dependencies]\nburn = \"0.13\"\n";
    assert_eq!(found("Cargo.toml", ws), vec![lib("burn", 5)]);
    assert!(matches!(
        try_inspect("Cargo.toml", b"[dependencies\n"),
        Err(InspectError::Malformed {
            format: "Cargo.toml",
            ..
        })
    ));
}

#[test]
fn go_mod() {
    let text = "module example.com/svc/v2\n\ngo 1.22\n\nrequire github.com/openai/openai-go/v2 v2.0.0\n\nrequire (\n\t// comment line\n\tgithub.com/tmc/langchaingo v0.1.10 // indirect\n\tgorgonia.org/gorgonia v0.9.17\n\tgithub.com/stretchr/testify v1.9.0\n)\n";
    assert_eq!(
        found("go.mod", text),
        vec![
            project("svc", 1),
            api("github.com/openai/openai-go/v2", 5),
            lib("github.com/tmc/langchaingo", 9),
            lib("gorgonia.org/gorgonia", 10),
        ]
    );
}

#[test]
fn cyclonedx_sbom() {
    let text = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "components": [
    {
      "type": "machine-learning-model",
      "name": "resnet50",
      "supplier": { "name": "Acme Vision" }
    },
    { "type": "library", "name": "requests", "purl": "pkg:pypi/requests@2.32" },
    { "type": "library", "name": "sdk", "group": "@anthropic-ai", "purl": "pkg:npm/%40anthropic-ai/sdk@0.24.0" },
    {
      "type": "library",
      "name": "parent",
      "components": [
        { "type": "library", "name": "torch", "purl": "pkg:pypi/torch@2.3.0" }
      ]
    }
  ]
}"#;
    let f = inspect("bom.json", text.as_bytes());
    assert_eq!(
        keys(&f),
        vec![
            ("sbom_component", "resnet50", "bom.json", Some(7)),
            ("sbom_component", "@anthropic-ai/sdk", "bom.json", Some(11)),
            ("sbom_component", "torch", "bom.json", Some(16)),
        ]
    );
    assert_eq!(
        f[0].why,
        "Machine-learning model listed in the SBOM (supplied by Acme Vision)"
    );
    let p = propose(&f);
    let names: Vec<(&str, &str)> = p.iter().map(|p| (p.kind, p.name.as_str())).collect();
    assert_eq!(
        names,
        [
            ("systems", "unnamed project"),
            ("models", "resnet50"),
            ("resources", "Anthropic"),
            ("resources", "PyTorch")
        ]
    );
    assert_eq!(field(&p[1], "provider"), "Acme Vision");
    assert_eq!(field(&p[1], "external_ref"), "bom.json#resnet50");
    assert_eq!(
        found("sbom.json", "{\"spdxVersion\": \"SPDX-2.3\"}"),
        vec![]
    );
    assert!(matches!(
        try_inspect("app.cdx.json", b"{"),
        Err(InspectError::Malformed { .. })
    ));
}

// ---------------------------------------------------------------- model files, bytes

#[test]
fn model_files_by_extension_only() {
    let models = [
        "a.onnx",
        "b.safetensors",
        "c.gguf",
        "d.ggml",
        "e.pt",
        "f.PTH",
        "g.ckpt",
        "h.h5",
        "i.keras",
        "j.tflite",
        "k.mlmodel",
        "export/saved_model.pb",
        "models/clf.joblib",
        "out/model.pkl",
    ];
    for path in models {
        let f = inspect(path, &[0xff, 0x00]);
        assert_eq!(f.len(), 1, "{path}");
        assert_eq!(f[0].category, "model_file", "{path}");
    }
    assert_eq!(inspect("export/saved_model.pb", b"")[0].name, "export");
    for path in [
        "graph.pb",
        "data/cache.pkl",
        "x.joblib",
        "onnx",
        "notes.txt",
        ".onnx",
        "x.bin",
        "lib/site-packages/distutils-precedence.pth",
    ] {
        assert_eq!(inspect(path, b"import torch"), vec![], "{path}");
    }
}

#[test]
fn invalid_utf8_is_an_error_not_a_panic() {
    assert_eq!(
        try_inspect("app.py", &[0x69, 0x6d, 0xff]),
        Err(InspectError::NotUtf8)
    );
    assert_eq!(inspect("package.json", &[0xc3]), vec![]);
    assert_eq!(InspectError::NotUtf8.to_string(), "not valid UTF-8");
    // A byte-order mark is tolerated.
    assert_eq!(
        found("requirements.txt", "\u{feff}openai\n"),
        vec![api("openai", 1)]
    );
}
