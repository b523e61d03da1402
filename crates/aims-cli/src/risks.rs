//! `aims risks list|show|import|export` and `aims risks method show|set`:
//! the AI risk register at a terminal (tables) and for scripts (`--format json`).

use crate::app_error;
use crate::systems::{print_fields_and_links, write_output, Format};
use aims_app::domain::risk::fields::field_names;
use aims_app::domain::risk::Which;
use aims_app::store::RecordRow;
use aims_app::{risks_kind, App, Principal};
use clap::Subcommand;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum RisksCmd {
    /// List the risks of a workspace with their inherent and residual scores
    List {
        #[arg(long)]
        workspace: String,
        /// Only risks whose text fields contain this text
        #[arg(long)]
        q: Option<String>,
        /// Only risks owned by this member (e-mail, or `me`)
        #[arg(long)]
        owner: Option<String>,
        /// Only risks whose residual band is this key (low, high, not_assessed, …)
        #[arg(long)]
        residual_band: Option<String>,
        /// Only risks whose inherent band is this key
        #[arg(long)]
        inherent_band: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Show one risk: its fields, links and acceptances
    Show {
        #[arg(long)]
        workspace: String,
        id: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Import risks from CSV or XLSX files (headers such as title,
    /// description, risk_source, owner, likelihood, impact, treatment)
    Import {
        #[arg(long)]
        workspace: String,
        #[command(flatten)]
        args: crate::import::ImportArgs,
    },
    /// Export the register: XLSX (risks, treatment actions and the method as
    /// a legend), CSV or JSON (the risks)
    Export {
        #[arg(long)]
        workspace: String,
        /// csv, json or xlsx
        #[arg(long, default_value = "csv")]
        format: String,
        /// Where to write it (`-` for standard output, except xlsx)
        #[arg(short, long)]
        output: PathBuf,
    },
    /// The risk library: starting points for common AI risks
    Library {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Create a draft risk from a library entry (see `aims risks library`)
    Add {
        #[arg(long)]
        workspace: String,
        /// The library key, e.g. model_drift
        #[arg(long)]
        from_library: String,
        /// The id of an AI system it concerns (linked, and named in the title)
        #[arg(long)]
        system: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// The workspace's risk method: scales, grid, bands, acceptance rules
    #[command(subcommand)]
    Method(MethodCmd),
}

#[derive(Subcommand)]
pub enum MethodCmd {
    /// Print the method in force (JSON with --format json, as `set` takes it)
    Show {
        #[arg(long)]
        workspace: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Set a new version of the method from a JSON file (`-`: standard input);
    /// every risk is scored again and the risks whose band moved are listed
    Set {
        #[arg(long)]
        workspace: String,
        file: PathBuf,
        /// Why it changes (kept in the history)
        #[arg(long, default_value = "")]
        note: String,
        /// The version you edited: refused if another change came first
        #[arg(long)]
        based_on: Option<i64>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

fn read_json(path: &PathBuf) -> Result<Value, String> {
    let text = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        s
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
    };
    serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}

/// `12 high`, or `not assessed`.
fn assessment(r: &RecordRow, which: Which) -> String {
    let [_, _, score, band] = field_names(which);
    match (
        r.fields.get(score),
        r.fields.get(band).and_then(Value::as_str),
    ) {
        (Some(score), Some(band)) => format!("{score} {band}"),
        _ => "not assessed".to_owned(),
    }
}

pub async fn run(app: &App, op: &Principal, cmd: RisksCmd) -> Result<ExitCode, String> {
    let kind = risks_kind();
    match cmd {
        RisksCmd::List {
            workspace,
            q,
            owner,
            residual_band,
            inherent_band,
            format,
        } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let req = aims_app::ListRequest::filtered(
                q,
                [
                    ("owner", owner),
                    ("residual_band", residual_band),
                    ("inherent_band", inherent_band),
                ],
            );
            let risks = app.all_records(&ws, kind, &req).await.map_err(app_error)?;
            match format {
                Format::Json => {
                    let items: Vec<Value> = risks
                        .iter()
                        .map(|r| aims_web::record_json(kind, r))
                        .collect();
                    outln!("{}", json!({ "items": items }));
                }
                Format::Table => {
                    outln!("id\ttitle\tinherent\tresidual\towner");
                    for r in &risks {
                        outln!(
                            "{}\t{}\t{}\t{}\t{}",
                            r.id,
                            r.title,
                            assessment(r, Which::Inherent),
                            assessment(r, Which::Residual),
                            r.owner_email.as_deref().unwrap_or("")
                        );
                    }
                }
            }
        }
        RisksCmd::Show {
            workspace,
            id,
            format,
        } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let r = app.record(&ws, kind, &id).await.map_err(app_error)?;
            let links = app.links(&ws, kind, &id).await.map_err(app_error)?;
            let acceptances = app.risk_acceptances(&ws, &id).await.map_err(app_error)?;
            match format {
                Format::Json => {
                    let mut v = aims_web::record_json(kind, &r);
                    v["links"] = json!(links);
                    v["acceptances"] = json!(acceptances);
                    outln!("{v}");
                }
                Format::Table => {
                    outln!(
                        "{}\nversion {} · updated {} by {}",
                        r.title,
                        r.version,
                        r.updated_at,
                        r.updated_by
                    );
                    print_fields_and_links(kind, &r, 1, &links);
                    match acceptances.first() {
                        None => outln!("acceptance: none"),
                        Some(a) => outln!(
                            "acceptance: {} (band {}, until {}, method v{}): {}",
                            a.status.key(),
                            a.acceptance.band,
                            a.acceptance.expires_on,
                            a.acceptance.method_version,
                            a.acceptance.reason
                        ),
                    }
                }
            }
        }
        RisksCmd::Import { workspace, args } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            return crate::import::run(app, &ws, kind.name, &args).await;
        }
        RisksCmd::Export {
            workspace,
            format,
            output,
        } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let started = std::time::Instant::now();
            let format: aims_app::export::Format =
                format.parse().map_err(|m| format!("--format {m}"))?;
            let bar = crate::progress::spinner("exporting");
            let bytes = app
                .export_records(&ws, kind, &Default::default(), format)
                .await
                .map_err(app_error)?;
            bar.finish_and_clear();
            write_output(&bytes, format, &output, started)?;
        }
        RisksCmd::Library { format } => {
            let entries: Vec<Value> = aims_app::domain::risk::LIBRARY
                .iter()
                .map(|r| json!({"key": r.key, "title": r.title, "description": r.description,
                    "annex_a": r.annex_a, "nist_ai_rmf": r.nist_ai_rmf, "nist_ai_600_1": r.nist_ai_600_1}))
                .collect();
            match format {
                Format::Json => outln!("{}", json!({ "items": entries })),
                Format::Table => {
                    outln!("key\ttitle\tAnnex A controls");
                    for r in aims_app::domain::risk::LIBRARY {
                        outln!("{}\t{}\t{}", r.key, r.title, r.annex_a.join(", "));
                    }
                }
            }
        }
        RisksCmd::Add {
            workspace,
            from_library,
            system,
            format,
        } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let r = app
                .risk_from_library(&ws, &from_library, system.as_deref())
                .await
                .map_err(app_error)?;
            match format {
                Format::Json => outln!("{}", aims_web::record_json(kind, &r)),
                Format::Table => outln!("{}\t{}\t(not assessed: score it next)", r.id, r.title),
            }
        }
        RisksCmd::Method(MethodCmd::Show { workspace, format }) => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let m = app.risk_method(&ws).await.map_err(app_error)?;
            match format {
                Format::Json => outln!("{}", json!(m)),
                Format::Table => {
                    outln!(
                        "risk method version {}{}",
                        m.version,
                        if m.note.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", m.note)
                        }
                    );
                    for row in aims_app::method_table(&m).rows {
                        outln!("{}", row.join("\t"));
                    }
                }
            }
        }
        RisksCmd::Method(MethodCmd::Set {
            workspace,
            file,
            note,
            based_on,
            format,
        }) => {
            let value = read_json(&file)?;
            // `aims risks method show --format json` prints the version around it.
            let method = match value.get("method") {
                Some(m) if value.get("version").is_some() => m.clone(),
                _ => value,
            };
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let change = app
                .set_risk_method(&ws, based_on, &method, &note)
                .await
                .map_err(app_error)?;
            match format {
                Format::Json => outln!("{}", json!(change)),
                Format::Table => {
                    if !change.changed {
                        outln!(
                            "unchanged: version {} is already this method",
                            change.method.version
                        );
                    } else {
                        outln!(
                            "risk method version {}: {} risks scored again, {} bands moved, {} assessments to redo",
                            change.method.version,
                            change.rescored,
                            change.report.moved.len(),
                            change.report.needs_reassessment.len()
                        );
                        for m in &change.report.moved {
                            outln!(
                                "  {} {}: {} ({}) → {} ({})",
                                m.id,
                                m.which.key(),
                                m.from_band,
                                m.from_score,
                                m.to_band,
                                m.to_score
                            );
                        }
                        for n in &change.report.needs_reassessment {
                            outln!("  {} {}: not assessed any more", n.id, n.which.key());
                        }
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
