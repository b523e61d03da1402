//! `aims systems list|show|export|classify`: the AI system inventory for people at a
//! terminal (tables) and for scripts (`--format json`).

use crate::app_error;
use aims_app::domain::eu_ai_act::Answers;
use aims_app::store::RecordRow;
use aims_app::{App, ClassificationView, Principal};
use clap::{Subcommand, ValueEnum};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Subcommand)]
pub enum SystemsCmd {
    /// List the AI systems of a workspace, with their EU AI Act risk tier
    List {
        #[arg(long)]
        workspace: String,
        /// Only systems whose text fields contain this text
        #[arg(long)]
        q: Option<String>,
        /// Only systems owned by this member (e-mail)
        #[arg(long)]
        owner: Option<String>,
        /// Only systems where the organisation has this role (ai_provider, ai_producer, ai_customer, ai_partner, ai_subject)
        #[arg(long)]
        role: Option<String>,
        /// Only systems in this life-cycle stage (idea, design, development, …)
        #[arg(long)]
        stage: Option<String>,
        /// Only systems with this EU AI Act tier (high_risk, minimal, …)
        #[arg(long)]
        tier: Option<String>,
        /// Only systems in (true) or out of (false) the AIMS scope
        #[arg(long)]
        in_scope: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Show one AI system and its EU AI Act classification
    Show {
        #[arg(long)]
        workspace: String,
        id: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Export every AI system with its EU AI Act tier as CSV, JSON or XLSX, or
    /// systems, models and data sets with their links as a CycloneDX 1.6 BOM
    Export {
        #[arg(long)]
        workspace: String,
        /// csv, json, xlsx or cyclonedx
        #[arg(long, default_value = "csv")]
        format: String,
        /// Where to write it (`-` for standard output, except xlsx)
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Import AI systems (or another kind) from CSV or XLSX files, or the
    /// inventory from Hugging Face model cards and CycloneDX BOMs (detected)
    Import {
        #[arg(long)]
        workspace: String,
        /// The kind a CSV or XLSX file holds: systems, models, datasets, resources, context-issues, interested-parties
        #[arg(long, default_value = "systems")]
        kind: String,
        #[command(flatten)]
        args: crate::import::ImportArgs,
    },
    /// Classify an AI system under the EU AI Act from a JSON file of answers
    /// (`{"answers": {question_id: value}}`, or the map alone; `-` reads standard input)
    Classify {
        #[arg(long)]
        workspace: String,
        id: String,
        #[arg(long)]
        answers: PathBuf,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

fn system_json(s: &RecordRow, c: Option<&ClassificationView>) -> Value {
    let mut v = aims_web::record_json(aims_app::systems_kind(), s);
    v["classification"] = json!(c);
    v
}

fn tier(c: Option<&ClassificationView>) -> String {
    c.map_or_else(
        || "not classified".to_owned(),
        |c| {
            let t = c.result.risk_tier.name().replace('_', " ");
            if c.needs_review {
                format!("{t} (review)")
            } else {
                t
            }
        },
    )
}

fn print_classification(c: &ClassificationView) {
    outln!(
        "EU AI Act: {} (version {}, {})",
        tier(Some(c)),
        c.version,
        c.classified_at
    );
    for step in &c.result.reasoning {
        outln!("  {}: {}", step.cite, step.conclusion);
    }
    if !c.result.missing.is_empty() {
        outln!("still to answer: {}", c.result.missing.join(", "));
    }
    for o in &c.obligations {
        outln!(
            "  obligation {} {} (from {})",
            o.article,
            o.title,
            o.applies_from
        );
    }
}

fn read_answers(path: &PathBuf) -> Result<Answers, String> {
    let text = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        s
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
    };
    let value: Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
    let map = match value.get("answers") {
        Some(inner) => inner.clone(),
        None => value,
    };
    let answers = serde_json::from_value(map).map_err(|e| {
        format!(
            "{}: answers must be an object of question id → value: {e}",
            path.display()
        )
    })?;
    Ok(Answers { answers })
}

pub async fn run(app: &App, op: &Principal, cmd: SystemsCmd) -> Result<ExitCode, String> {
    match cmd {
        SystemsCmd::List {
            workspace,
            q,
            owner,
            role,
            stage,
            tier: tier_filter,
            in_scope,
            format,
        } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let req = aims_app::ListRequest::filtered(
                q,
                [
                    ("owner", owner),
                    ("roles", role),
                    ("lifecycle_stage", stage),
                    ("tier", tier_filter),
                    ("in_scope", in_scope),
                ],
            );
            let systems = app
                .all_records(&ws, aims_app::systems_kind(), &req)
                .await
                .map_err(app_error)?;
            let mut rows = vec![];
            for s in &systems {
                let (_, c) = app
                    .system_with_classification(&ws, &s.id)
                    .await
                    .map_err(app_error)?;
                rows.push((s, c));
            }
            match format {
                Format::Json => {
                    let items: Vec<Value> = rows
                        .iter()
                        .map(|(s, c)| system_json(s, c.as_ref()))
                        .collect();
                    outln!("{}", json!({ "items": items }));
                }
                Format::Table => {
                    outln!("id\tname\tEU AI Act tier\tupdated_at");
                    for (s, c) in &rows {
                        outln!(
                            "{}\t{}\t{}\t{}",
                            s.id,
                            s.title,
                            tier(c.as_ref()),
                            s.updated_at
                        );
                    }
                }
            }
        }
        SystemsCmd::Show {
            workspace,
            id,
            format,
        } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let (s, c) = app
                .system_with_classification(&ws, &id)
                .await
                .map_err(app_error)?;
            let links = app
                .links(&ws, aims_app::systems_kind(), &id)
                .await
                .map_err(app_error)?;
            match format {
                Format::Json => {
                    let mut v = system_json(&s, c.as_ref());
                    v["links"] = json!(links);
                    outln!("{v}");
                }
                Format::Table => {
                    outln!(
                        "{}\n{}\nversion {} · updated {} by {}",
                        s.title,
                        aims_app::purpose_of(&s),
                        s.version,
                        s.updated_at,
                        s.updated_by
                    );
                    let kind = aims_app::systems_kind();
                    print_fields_and_links(kind, &s, 2, &links);
                    match &c {
                        Some(c) => print_classification(c),
                        None => outln!("EU AI Act: not classified"),
                    }
                }
            }
        }
        SystemsCmd::Export {
            workspace,
            format,
            output,
        } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let started = std::time::Instant::now();
            let (bytes, format) = if format == "cyclonedx" {
                let bytes = app.export_cyclonedx(&ws).await.map_err(app_error)?;
                (bytes, aims_app::export::Format::Json)
            } else {
                let format: aims_app::export::Format =
                    format.parse().map_err(|m| format!("--format {m}"))?;
                let bar = crate::progress::spinner("exporting");
                let bytes = app
                    .export_records(&ws, aims_app::systems_kind(), &Default::default(), format)
                    .await
                    .map_err(app_error)?;
                bar.finish_and_clear();
                (bytes, format)
            };
            write_output(&bytes, format, &output, started)?;
        }
        SystemsCmd::Import {
            workspace,
            kind,
            args,
        } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            return crate::import::run(app, &ws, &kind, &args).await;
        }
        SystemsCmd::Classify {
            workspace,
            id,
            answers,
            format,
        } => {
            let answers = read_answers(&answers)?;
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let c = app
                .classify_system(&ws, &id, &answers)
                .await
                .map_err(app_error)?;
            match format {
                Format::Json => outln!("{}", json!(c)),
                Format::Table => print_classification(&c),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes an export to `output` (`-`: standard output, except XLSX) and says
/// on standard error what it wrote and how long it took.
pub fn write_output(
    bytes: &[u8],
    format: aims_app::export::Format,
    output: &std::path::Path,
    started: std::time::Instant,
) -> Result<(), String> {
    let binary = (format == aims_app::export::Format::Xlsx).then_some("an XLSX file");
    write_file(bytes, binary, output, started)
}

/// Writes `bytes` to `output` (`-`: standard output, refused for a
/// `binary` file, named in the message).
pub fn write_file(
    bytes: &[u8],
    binary: Option<&str>,
    output: &std::path::Path,
    started: std::time::Instant,
) -> Result<(), String> {
    if output.as_os_str() == "-" {
        if let Some(what) = binary {
            return Err(format!("{what} needs -o FILE"));
        }
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        if let Err(e) = out.write_all(bytes) {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                return Err(format!("cannot write to standard output: {e}"));
            }
        }
    } else {
        std::fs::write(output, bytes)
            .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
        eprintln!(
            "wrote {} ({} bytes) in {} ms",
            output.display(),
            bytes.len(),
            started.elapsed().as_millis()
        );
    }
    Ok(())
}

/// A record's fields after the first `skip` as `Label: value` lines (empty
/// ones left out, the owner as an e-mail address), then its links.
pub fn print_fields_and_links(
    kind: &aims_app::domain::record::Kind,
    r: &RecordRow,
    skip: usize,
    links: &[aims_app::LinkView],
) {
    for f in kind.fields.iter().skip(skip) {
        let v = if f.ty == aims_app::domain::record::FieldType::Member {
            r.owner_email.clone().unwrap_or_default()
        } else {
            kind.cell(f, &r.fields)
        };
        if !v.is_empty() {
            outln!("{}: {v}", f.label);
        }
    }
    for l in links {
        outln!(
            "{} {} ({}, {})",
            l.label,
            l.other.title,
            l.other.kind,
            l.other.id
        );
    }
}
