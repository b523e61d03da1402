//! `aims impact list|show|export`: AI system impact assessments at a
//! terminal (tables) and for scripts (`--format json`).

use crate::app_error;
use crate::systems::{write_output, Format};
use aims_app::domain::impact::{question, LIKELIHOOD, SEVERITY};
use aims_app::{App, ImpactStatus, Principal};
use clap::Subcommand;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ImpactCmd {
    /// Every AI system with where it stands on its impact assessment
    List {
        #[arg(long)]
        workspace: String,
        /// Only the systems that need (another) approved assessment
        #[arg(long)]
        due: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// One system's assessment: the latest version, or `--version N`
    Show {
        #[arg(long)]
        workspace: String,
        /// The system's id
        system: String,
        #[arg(long)]
        version: Option<i64>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Export every system's status as CSV or JSON; XLSX adds the impacts
    /// and answers of each latest version
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
}

/// The name of level `n` (1-based) on a 4-level scale.
fn level(n: u8, names: &[&'static str; 4]) -> &'static str {
    names
        .get(usize::from(n).saturating_sub(1))
        .copied()
        .unwrap_or("?")
}

fn state_of(s: &ImpactStatus) -> String {
    match s.latest {
        None => "not assessed".into(),
        Some((n, state)) => format!("v{n} {}", state.key()),
    }
}

pub async fn run(app: &App, op: &Principal, cmd: ImpactCmd) -> Result<ExitCode, String> {
    match cmd {
        ImpactCmd::List {
            workspace,
            due,
            format,
        } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let all: Vec<ImpactStatus> = app
                .impact_statuses(&ws)
                .await
                .map_err(app_error)?
                .into_iter()
                .filter(|s| !due || s.needs_assessment())
                .collect();
            match format {
                Format::Json => {
                    let items: Vec<Value> = all
                        .iter()
                        .map(|s| json!({"status": s, "needs_assessment": s.needs_assessment()}))
                        .collect();
                    outln!("{}", json!({ "items": items }));
                }
                Format::Table => {
                    outln!("system_id\tsystem\tlatest\tapproved\treassess_on\tneeds_assessment");
                    for s in &all {
                        outln!(
                            "{}\t{}\t{}\t{}\t{}\t{}",
                            s.system_id,
                            s.system_name,
                            state_of(s),
                            s.approved.map(|n| format!("v{n}")).unwrap_or_default(),
                            s.reassess_on.as_deref().unwrap_or(""),
                            if s.needs_assessment() { "yes" } else { "no" }
                        );
                    }
                }
            }
        }
        ImpactCmd::Show {
            workspace,
            system,
            version,
            format,
        } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let (status, versions) = app
                .impact_assessment(&ws, &system)
                .await
                .map_err(app_error)?;
            let chosen = match version {
                Some(n) => versions.iter().find(|v| v.number == n),
                None => versions.first(),
            };
            let Some(v) = chosen else {
                return Err(match version {
                    Some(n) => format!(
                        "{} has no version {n} of its impact assessment",
                        status.system_name
                    ),
                    None => format!("{} has no impact assessment yet", status.system_name),
                });
            };
            match format {
                Format::Json => outln!("{}", json!({"status": status, "version": v})),
                Format::Table => {
                    outln!(
                        "Impact assessment of {}, version {} ({})\nupdated {} by {}{}",
                        v.system_name,
                        v.number,
                        v.state.label(),
                        v.updated_at,
                        v.updated_by,
                        v.approved_at
                            .as_ref()
                            .map(|a| format!(
                                "; approved {a} by {}",
                                v.approved_by.as_deref().unwrap_or("")
                            ))
                            .unwrap_or_default()
                    );
                    for r in &status.reasons {
                        outln!("needs re-assessment: {}", r.label());
                    }
                    outln!("\nImpacts:");
                    for (i, rating) in v.assessment.impacts.iter().zip(&v.ratings) {
                        outln!(
                            "- {} ({}): {} · severity {} · likelihood {} · {}",
                            i.area.label(),
                            i.affected,
                            i.description,
                            level(i.severity, &SEVERITY),
                            level(i.likelihood, &LIKELIHOOD),
                            rating.map_or("unrated", |r| r.label())
                        );
                    }
                    outln!("\nAnswers:");
                    for (id, answer) in &v.assessment.answers {
                        outln!(
                            "- {}: {answer}",
                            question(id).map_or(id.as_str(), |q| q.text)
                        );
                    }
                    if let Some(f) = &v.assessment.fria {
                        outln!("\nFundamental rights (EU AI Act Art. 27):");
                        for (_, value, label) in f.fields() {
                            outln!("- {label}: {value}");
                        }
                    }
                }
            }
        }
        ImpactCmd::Export {
            workspace,
            format,
            output,
        } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let started = std::time::Instant::now();
            let format: aims_app::export::Format =
                format.parse().map_err(|m| format!("--format {m}"))?;
            let bytes = app.impact_export(&ws, format).await.map_err(app_error)?;
            write_output(&bytes, format, &output, started)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
