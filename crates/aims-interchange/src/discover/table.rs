//! The table of known AI packages, one row per package (or package prefix)
//! and ecosystem. Detection code only looks names up here; adding a package
//! means adding a row.

/// Package ecosystem a name belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Eco {
    /// PyPI distribution names, stored PEP 503-normalised. Python import
    /// names are looked up here too (see [`lookup_import`]).
    Py,
    /// npm package names (lower case, scoped names with their `@scope/`).
    Npm,
    /// crates.io names, stored with `-` (crates.io treats `_` the same).
    Cargo,
    /// Go module paths without a `/vN` major-version suffix.
    Go,
}

/// What a known package does, which decides the finding category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Framework, runtime or toolkit that builds or runs models in-house.
    Library,
    /// Client of a hosted model API: data leaves for a third party.
    Client,
}

impl Kind {
    pub(crate) fn category(self) -> &'static str {
        match self {
            Kind::Library => "library",
            Kind::Client => "model_api_client",
        }
    }
}

/// One row of the table.
#[derive(Debug)]
pub(crate) struct Known {
    pub eco: Eco,
    /// Package name (normalised for the ecosystem), or a prefix when `prefix`.
    pub name: &'static str,
    pub prefix: bool,
    pub kind: Kind,
    /// Product the package belongs to; tooling proposals group by it.
    pub product: &'static str,
    /// Provider of the hosted service, for [`Kind::Client`] rows.
    pub provider: Option<&'static str>,
    pub why: &'static str,
}

const fn lib(eco: Eco, name: &'static str, product: &'static str, why: &'static str) -> Known {
    Known {
        eco,
        name,
        prefix: false,
        kind: Kind::Library,
        product,
        provider: None,
        why,
    }
}

const fn lib_prefix(
    eco: Eco,
    name: &'static str,
    product: &'static str,
    why: &'static str,
) -> Known {
    Known {
        eco,
        name,
        prefix: true,
        kind: Kind::Library,
        product,
        provider: None,
        why,
    }
}

const fn client(eco: Eco, name: &'static str, provider: &'static str, why: &'static str) -> Known {
    Known {
        eco,
        name,
        prefix: false,
        kind: Kind::Client,
        product: provider,
        provider: Some(provider),
        why,
    }
}

pub(crate) const OPENAI: &str = "OpenAI";
pub(crate) const ANTHROPIC: &str = "Anthropic";
pub(crate) const GEMINI: &str = "Google Gemini";
pub(crate) const VERTEX: &str = "Google Vertex AI";
pub(crate) const AZURE_OPENAI: &str = "Azure OpenAI";
pub(crate) const AZURE_AI: &str = "Azure AI Foundry";
pub(crate) const BEDROCK: &str = "AWS Bedrock";
pub(crate) const SAGEMAKER: &str = "AWS SageMaker";
pub(crate) const COHERE: &str = "Cohere";
pub(crate) const MISTRAL: &str = "Mistral AI";
pub(crate) const HUGGING_FACE: &str = "Hugging Face";
pub(crate) const REPLICATE: &str = "Replicate";
pub(crate) const GROQ: &str = "Groq";
pub(crate) const TOGETHER: &str = "Together AI";

use Eco::{Cargo, Go, Npm, Py};

/// Exact rows come before prefix rows of the same ecosystem in lookups, so a
/// specific integration (e.g. `langchain-openai`) wins over its family.
#[rustfmt::skip]
pub(crate) static KNOWN: &[Known] = &[
    // ---- Python (PyPI names, PEP 503-normalised) ----
    lib(Py, "torch", "PyTorch", "PyTorch: trains and runs neural networks"),
    lib(Py, "torchvision", "PyTorch", "TorchVision: pretrained vision models and datasets for PyTorch"),
    lib(Py, "torchaudio", "PyTorch", "TorchAudio: speech and audio models for PyTorch"),
    lib(Py, "tensorflow", "TensorFlow", "TensorFlow: trains and runs neural networks"),
    lib_prefix(Py, "tensorflow-", "TensorFlow", "TensorFlow variant or add-on: trains and runs neural networks"),
    lib(Py, "keras", "Keras", "Keras: high-level API for building and training neural networks"),
    lib(Py, "tf-keras", "Keras", "Keras 2 for TensorFlow: builds and trains neural networks"),
    lib(Py, "jax", "JAX", "JAX: accelerated numerics used to train machine-learning models"),
    lib(Py, "flax", "JAX", "Flax: neural-network library on top of JAX"),
    lib(Py, "transformers", "Hugging Face Transformers", "Hugging Face Transformers: loads and runs pretrained models"),
    lib(Py, "diffusers", "Hugging Face Diffusers", "Hugging Face Diffusers: runs image and audio generation models"),
    lib(Py, "sentence-transformers", "Sentence Transformers", "Sentence Transformers: computes text embeddings with pretrained models"),
    lib(Py, "tokenizers", "Hugging Face Transformers", "Hugging Face Tokenizers: prepares text for language models"),
    lib(Py, "accelerate", "Hugging Face Transformers", "Hugging Face Accelerate: distributes model training and inference"),
    lib(Py, "peft", "Hugging Face Transformers", "Hugging Face PEFT: fine-tunes large pretrained models"),
    lib(Py, "timm", "PyTorch", "timm: pretrained image models for PyTorch"),
    lib(Py, "ultralytics", "Ultralytics YOLO", "Ultralytics: trains and runs YOLO object-detection models"),
    lib(Py, "scikit-learn", "scikit-learn", "scikit-learn: classical machine learning (training and prediction)"),
    lib(Py, "sklearn", "scikit-learn", "scikit-learn: classical machine learning (training and prediction)"),
    lib(Py, "xgboost", "XGBoost", "XGBoost: trains gradient-boosted decision-tree models"),
    lib(Py, "lightgbm", "LightGBM", "LightGBM: trains gradient-boosted decision-tree models"),
    lib(Py, "catboost", "CatBoost", "CatBoost: trains gradient-boosted decision-tree models"),
    lib(Py, "onnx", "ONNX", "ONNX: reads, writes and converts models in the ONNX format"),
    lib(Py, "onnxruntime", "ONNX Runtime", "ONNX Runtime: runs models exported to ONNX"),
    lib_prefix(Py, "onnxruntime-", "ONNX Runtime", "ONNX Runtime build: runs models exported to ONNX"),
    lib(Py, "vllm", "vLLM", "vLLM: serves large language models"),
    lib(Py, "llama-cpp-python", "llama.cpp", "llama.cpp bindings: runs local large language models"),
    lib(Py, "ollama", "Ollama", "Ollama client: runs open models on an Ollama server"),
    lib(Py, "litellm", "LiteLLM", "LiteLLM: one client for many hosted model APIs"),
    lib(Py, "spacy", "spaCy", "spaCy: natural-language processing with trained pipelines"),
    lib(Py, "nltk", "NLTK", "NLTK: natural-language processing toolkit with trainable classifiers"),
    lib(Py, "mlflow", "MLflow", "MLflow: tracks experiments and packages and serves models"),
    client(Py, "openai", OPENAI, "OpenAI SDK: sends prompts and data to OpenAI-hosted models"),
    client(Py, "anthropic", ANTHROPIC, "Anthropic SDK: sends prompts and data to Claude models"),
    client(Py, "google-generativeai", GEMINI, "Google Generative AI SDK: sends prompts and data to Gemini models"),
    client(Py, "google-genai", GEMINI, "Google Gen AI SDK: sends prompts and data to Gemini models"),
    client(Py, "vertexai", VERTEX, "Vertex AI SDK: calls models hosted on Google Cloud Vertex AI"),
    client(Py, "google-cloud-aiplatform", VERTEX, "Vertex AI SDK: calls and trains models on Google Cloud Vertex AI"),
    client(Py, "azure-ai-inference", AZURE_AI, "Azure AI Inference SDK: calls models hosted on Azure"),
    client(Py, "sagemaker", SAGEMAKER, "SageMaker SDK: trains and calls models hosted on AWS"),
    client(Py, "cohere", COHERE, "Cohere SDK: sends prompts and data to Cohere models"),
    client(Py, "mistralai", MISTRAL, "Mistral SDK: sends prompts and data to Mistral-hosted models"),
    client(Py, "huggingface-hub", HUGGING_FACE, "Hugging Face Hub client: downloads models and calls hosted inference"),
    client(Py, "replicate", REPLICATE, "Replicate client: runs models hosted on Replicate"),
    client(Py, "groq", GROQ, "Groq SDK: sends prompts and data to Groq-hosted models"),
    client(Py, "together", TOGETHER, "Together SDK: sends prompts and data to Together-hosted models"),
    client(Py, "langchain-openai", OPENAI, "LangChain OpenAI integration: sends prompts to OpenAI models"),
    client(Py, "langchain-anthropic", ANTHROPIC, "LangChain Anthropic integration: sends prompts to Claude models"),
    client(Py, "langchain-aws", BEDROCK, "LangChain AWS integration: sends prompts to models on AWS Bedrock"),
    client(Py, "langchain-google-genai", GEMINI, "LangChain Gemini integration: sends prompts to Gemini models"),
    client(Py, "langchain-google-vertexai", VERTEX, "LangChain Vertex AI integration: calls models on Vertex AI"),
    client(Py, "langchain-mistralai", MISTRAL, "LangChain Mistral integration: sends prompts to Mistral models"),
    client(Py, "langchain-cohere", COHERE, "LangChain Cohere integration: sends prompts to Cohere models"),
    client(Py, "langchain-groq", GROQ, "LangChain Groq integration: sends prompts to Groq-hosted models"),
    client(Py, "langchain-together", TOGETHER, "LangChain Together integration: sends prompts to Together-hosted models"),
    client(Py, "langchain-huggingface", HUGGING_FACE, "LangChain Hugging Face integration: runs Hub models or hosted inference"),
    lib_prefix(Py, "langchain", "LangChain", "LangChain: builds applications around language models"),
    lib_prefix(Py, "llama-index", "LlamaIndex", "LlamaIndex: connects language models to your data (RAG)"),
    // ---- npm ----
    client(Npm, "openai", OPENAI, "OpenAI SDK: sends prompts and data to OpenAI-hosted models"),
    client(Npm, "@anthropic-ai/sdk", ANTHROPIC, "Anthropic SDK: sends prompts and data to Claude models"),
    client(Npm, "@google/generative-ai", GEMINI, "Google Generative AI SDK: sends prompts and data to Gemini models"),
    client(Npm, "@google/genai", GEMINI, "Google Gen AI SDK: sends prompts and data to Gemini models"),
    client(Npm, "@google-cloud/vertexai", VERTEX, "Vertex AI SDK: calls models hosted on Google Cloud Vertex AI"),
    client(Npm, "@google-cloud/aiplatform", VERTEX, "Vertex AI client: calls and trains models on Google Cloud"),
    client(Npm, "@azure/openai", AZURE_OPENAI, "Azure OpenAI SDK: sends prompts and data to OpenAI models on Azure"),
    client(Npm, "@aws-sdk/client-bedrock-runtime", BEDROCK, "AWS Bedrock runtime client: sends prompts to models on AWS"),
    client(Npm, "@aws-sdk/client-bedrock-agent-runtime", BEDROCK, "AWS Bedrock agents client: runs model agents on AWS"),
    client(Npm, "@huggingface/inference", HUGGING_FACE, "Hugging Face Inference client: calls models hosted by Hugging Face"),
    client(Npm, "@mistralai/mistralai", MISTRAL, "Mistral SDK: sends prompts and data to Mistral-hosted models"),
    client(Npm, "cohere-ai", COHERE, "Cohere SDK: sends prompts and data to Cohere models"),
    client(Npm, "groq-sdk", GROQ, "Groq SDK: sends prompts and data to Groq-hosted models"),
    client(Npm, "replicate", REPLICATE, "Replicate client: runs models hosted on Replicate"),
    client(Npm, "together-ai", TOGETHER, "Together SDK: sends prompts and data to Together-hosted models"),
    client(Npm, "@langchain/openai", OPENAI, "LangChain OpenAI integration: sends prompts to OpenAI models"),
    client(Npm, "@langchain/anthropic", ANTHROPIC, "LangChain Anthropic integration: sends prompts to Claude models"),
    client(Npm, "@langchain/aws", BEDROCK, "LangChain AWS integration: sends prompts to models on AWS Bedrock"),
    client(Npm, "@langchain/google-genai", GEMINI, "LangChain Gemini integration: sends prompts to Gemini models"),
    client(Npm, "@langchain/google-vertexai", VERTEX, "LangChain Vertex AI integration: calls models on Vertex AI"),
    client(Npm, "@langchain/mistralai", MISTRAL, "LangChain Mistral integration: sends prompts to Mistral models"),
    client(Npm, "@langchain/cohere", COHERE, "LangChain Cohere integration: sends prompts to Cohere models"),
    client(Npm, "@langchain/groq", GROQ, "LangChain Groq integration: sends prompts to Groq-hosted models"),
    client(Npm, "@ai-sdk/openai", OPENAI, "Vercel AI SDK OpenAI provider: sends prompts to OpenAI models"),
    client(Npm, "@ai-sdk/anthropic", ANTHROPIC, "Vercel AI SDK Anthropic provider: sends prompts to Claude models"),
    client(Npm, "@ai-sdk/google", GEMINI, "Vercel AI SDK Google provider: sends prompts to Gemini models"),
    client(Npm, "@ai-sdk/google-vertex", VERTEX, "Vercel AI SDK Vertex provider: calls models on Vertex AI"),
    client(Npm, "@ai-sdk/amazon-bedrock", BEDROCK, "Vercel AI SDK Bedrock provider: sends prompts to models on AWS"),
    client(Npm, "@ai-sdk/azure", AZURE_OPENAI, "Vercel AI SDK Azure provider: sends prompts to OpenAI models on Azure"),
    client(Npm, "@ai-sdk/mistral", MISTRAL, "Vercel AI SDK Mistral provider: sends prompts to Mistral models"),
    client(Npm, "@ai-sdk/cohere", COHERE, "Vercel AI SDK Cohere provider: sends prompts to Cohere models"),
    client(Npm, "@ai-sdk/groq", GROQ, "Vercel AI SDK Groq provider: sends prompts to Groq-hosted models"),
    client(Npm, "@ai-sdk/togetherai", TOGETHER, "Vercel AI SDK Together provider: sends prompts to Together-hosted models"),
    lib(Npm, "ai", "Vercel AI SDK", "Vercel AI SDK: builds chat and generation features on language models"),
    lib_prefix(Npm, "@ai-sdk/", "Vercel AI SDK", "Vercel AI SDK add-on: builds features on language models"),
    lib(Npm, "langchain", "LangChain", "LangChain.js: builds applications around language models"),
    lib_prefix(Npm, "@langchain/", "LangChain", "LangChain.js package: builds applications around language models"),
    lib(Npm, "llamaindex", "LlamaIndex", "LlamaIndex.TS: connects language models to your data (RAG)"),
    lib(Npm, "ollama", "Ollama", "Ollama client: runs open models on an Ollama server"),
    lib_prefix(Npm, "@tensorflow/tfjs", "TensorFlow", "TensorFlow.js: trains and runs neural networks in JavaScript"),
    lib_prefix(Npm, "@tensorflow-models/", "TensorFlow", "TensorFlow.js pretrained model package"),
    lib_prefix(Npm, "onnxruntime-", "ONNX Runtime", "ONNX Runtime for JavaScript: runs models exported to ONNX"),
    lib(Npm, "@huggingface/transformers", "Hugging Face Transformers", "Transformers.js: runs pretrained models in JavaScript"),
    lib(Npm, "@xenova/transformers", "Hugging Face Transformers", "Transformers.js: runs pretrained models in JavaScript"),
    // ---- Rust (crates.io) ----
    lib_prefix(Cargo, "candle-", "Candle", "Candle: Hugging Face's Rust framework that runs and trains models"),
    lib(Cargo, "burn", "Burn", "Burn: Rust deep-learning framework"),
    lib_prefix(Cargo, "burn-", "Burn", "Burn component: Rust deep-learning framework"),
    lib(Cargo, "tch", "PyTorch", "tch: Rust bindings to PyTorch (libtorch)"),
    lib(Cargo, "ort", "ONNX Runtime", "ort: runs ONNX models through ONNX Runtime"),
    lib_prefix(Cargo, "tract-", "tract", "tract: runs ONNX and TensorFlow models in pure Rust"),
    lib(Cargo, "llm", "llm", "llm: runs or calls large language models from Rust"),
    lib(Cargo, "tokenizers", "Hugging Face Transformers", "Hugging Face Tokenizers: prepares text for language models"),
    lib(Cargo, "linfa", "Linfa", "Linfa: classical machine learning in Rust"),
    lib_prefix(Cargo, "linfa-", "Linfa", "Linfa algorithm crate: classical machine learning in Rust"),
    lib(Cargo, "smartcore", "SmartCore", "SmartCore: classical machine learning in Rust"),
    lib(Cargo, "rust-bert", "rust-bert", "rust-bert: runs pretrained transformer models in Rust"),
    lib(Cargo, "mistralrs", "mistral.rs", "mistral.rs: runs local large language models"),
    lib(Cargo, "rig-core", "Rig", "Rig: builds applications around language models in Rust"),
    lib(Cargo, "ollama-rs", "Ollama", "Ollama client: runs open models on an Ollama server"),
    client(Cargo, "async-openai", OPENAI, "async-openai: sends prompts and data to OpenAI-hosted models"),
    client(Cargo, "openai-api-rs", OPENAI, "openai-api-rs: sends prompts and data to OpenAI-hosted models"),
    // ---- Go (module paths) ----
    client(Go, "github.com/sashabaranov/go-openai", OPENAI, "go-openai: sends prompts and data to OpenAI-hosted models"),
    client(Go, "github.com/openai/openai-go", OPENAI, "OpenAI Go SDK: sends prompts and data to OpenAI-hosted models"),
    client(Go, "github.com/anthropics/anthropic-sdk-go", ANTHROPIC, "Anthropic Go SDK: sends prompts and data to Claude models"),
    client(Go, "github.com/liushuangls/go-anthropic", ANTHROPIC, "go-anthropic: sends prompts and data to Claude models"),
    client(Go, "github.com/google/generative-ai-go", GEMINI, "Google Generative AI Go SDK: sends prompts and data to Gemini models"),
    client(Go, "google.golang.org/genai", GEMINI, "Google Gen AI Go SDK: sends prompts and data to Gemini models"),
    client(Go, "cloud.google.com/go/vertexai", VERTEX, "Vertex AI Go SDK: calls models hosted on Google Cloud Vertex AI"),
    client(Go, "cloud.google.com/go/aiplatform", VERTEX, "Vertex AI Go client: calls and trains models on Google Cloud"),
    client(Go, "github.com/aws/aws-sdk-go-v2/service/bedrockruntime", BEDROCK, "AWS Bedrock runtime client: sends prompts to models on AWS"),
    client(Go, "github.com/cohere-ai/cohere-go", COHERE, "Cohere Go SDK: sends prompts and data to Cohere models"),
    lib(Go, "github.com/tmc/langchaingo", "LangChain", "LangChainGo: builds applications around language models"),
    lib(Go, "gorgonia.org/gorgonia", "Gorgonia", "Gorgonia: builds and trains neural networks in Go"),
    lib(Go, "github.com/ollama/ollama", "Ollama", "Ollama: runs open models locally"),
    lib(Go, "github.com/yalue/onnxruntime_go", "ONNX Runtime", "onnxruntime_go: runs ONNX models through ONNX Runtime"),
];

/// PEP 503 normalisation: lower case, runs of `-`, `_`, `.` become one `-`.
pub(crate) fn normalize_py(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Normalises a name the way its ecosystem compares names.
pub(crate) fn normalize(eco: Eco, name: &str) -> String {
    match eco {
        Eco::Py => normalize_py(name),
        Eco::Npm => name.trim().to_lowercase(),
        Eco::Cargo => name.trim().to_lowercase().replace('_', "-"),
        Eco::Go => strip_major_version(name.trim()).to_string(),
    }
}

/// `github.com/openai/openai-go/v2` → `github.com/openai/openai-go`.
fn strip_major_version(path: &str) -> &str {
    if let Some((head, tail)) = path.rsplit_once('/') {
        let digits = tail.strip_prefix('v').unwrap_or("");
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return head;
        }
    }
    path
}

/// Looks a package name up in one ecosystem: exact rows first, then prefixes.
pub(crate) fn lookup(eco: Eco, name: &str) -> Option<&'static Known> {
    let n = normalize(eco, name);
    if n.is_empty() {
        return None;
    }
    let rows = || KNOWN.iter().filter(move |k| k.eco == eco);
    rows()
        .find(|k| !k.prefix && k.name == n)
        .or_else(|| rows().find(|k| k.prefix && n.starts_with(k.name)))
}

/// Looks a Python import (dotted module path) up. Only matches that start at
/// the top-level module count: `torch.nn` → `torch`, `google.genai` →
/// `google-genai`, but `mypkg.torch` → nothing. Returns the matched dotted
/// prefix (what the finding reports) and the row.
pub(crate) fn lookup_import(module: &str) -> Option<(String, &'static Known)> {
    let parts: Vec<&str> = module.split('.').map(str::trim).collect();
    if parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    for n in (1..=parts.len()).rev() {
        let dotted = parts[..n].join(".");
        let norm = normalize_py(&dotted);
        if let Some(k) = KNOWN
            .iter()
            .find(|k| k.eco == Eco::Py && !k.prefix && k.name == norm)
        {
            return Some((dotted, k));
        }
    }
    let top = parts.first()?;
    let norm = normalize_py(top);
    KNOWN
        .iter()
        .find(|k| k.eco == Eco::Py && k.prefix && norm.starts_with(k.name))
        .map(|k| ((*top).to_string(), k))
}

/// Looks a name up in every ecosystem (used where the ecosystem is unknown,
/// e.g. SBOM components without a purl, and by `propose`). Names reported
/// for Python imports are PyPI names after PEP 503 normalisation.
pub(crate) fn lookup_any(name: &str) -> Option<&'static Known> {
    [Eco::Npm, Eco::Py, Eco::Cargo, Eco::Go]
        .into_iter()
        .find_map(|eco| lookup(eco, name))
}
