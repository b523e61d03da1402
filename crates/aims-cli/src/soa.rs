//! `aims soa show|approve|frameworks`: the Statement of Applicability at a
//! terminal, approved from one, and the frameworks it covers (its report
//! is `aims report soa`).

use crate::app_error;
use crate::systems::Format;
use aims_app::{App, Principal};
use clap::Subcommand;
use serde_json::json;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum SoaCmd {
    /// The current Statement of Applicability (or `--version N`): one line
    /// per control with its decision, justification and evidence
    Show {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        version: Option<i64>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Approve the latest draft (a manager's act; the operator may do it):
    /// refused, naming each row at fault, unless every control is decided
    /// and justified
    Approve {
        #[arg(long)]
        workspace: String,
        /// Kept with the version and in the history
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// The frameworks the statement covers; with `--set`, make them these
    /// (ISO/IEC 42001 always; a framework added brings a row per control
    /// into the draft, one left out takes its rows away)
    Frameworks {
        #[arg(long)]
        workspace: String,
        /// Framework ids, comma-separated (`iso27001`); empty: ISO/IEC 42001 alone
        #[arg(long, value_delimiter = ',', num_args = 0..)]
        set: Option<Vec<String>>,
    },
}

fn print(v: &aims_app::SoaVersion, format: Format) {
    match format {
        Format::Json => outln!("{}", json!(v)),
        Format::Table => {
            let state = if v.number == 0 {
                "proposal, not saved yet".to_owned()
            } else {
                format!("version {}, {}", v.number, v.state)
            };
            outln!("Statement of Applicability ({state})");
            if let (Some(at), Some(by)) = (&v.approved_at, &v.approved_by) {
                outln!("approved {at} by {by}");
            }
            outln!("control\tdecision\tjustification\timplementation\towner\tevidence");
            for l in &v.lines {
                let why = if l.row.decision == aims_app::domain::soa::Decision::Excluded {
                    format!("not applicable: {}", l.row.exclusion)
                } else {
                    l.justification()
                };
                let e = &l.facts.evidence;
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{} current, {} stale, {} rejected{}",
                    l.row.control,
                    l.row.decision.key(),
                    why,
                    l.facts.implementation_status.as_deref().unwrap_or("-"),
                    l.facts.owner.as_deref().unwrap_or("-"),
                    e.current,
                    e.stale,
                    e.rejected,
                    if l.needs_evidence {
                        " (needs evidence)"
                    } else {
                        ""
                    }
                );
            }
            for f in &v.flags {
                let aims_app::domain::soa::Flag::ExcludedButTreatsRisks { control, risks } = f;
                outln!(
                    "warning: {control} is excluded but the treatment of {} risk(s) relies on it",
                    risks.len()
                );
            }
        }
    }
}

pub async fn run(app: &App, op: &Principal, cmd: SoaCmd) -> Result<ExitCode, String> {
    match cmd {
        SoaCmd::Show {
            workspace,
            version,
            format,
        } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let v = match version {
                Some(n) => app.soa_version(&ws, n).await.map_err(app_error)?,
                None => app.soa(&ws).await.map_err(app_error)?.0,
            };
            print(&v, format);
        }
        SoaCmd::Approve {
            workspace,
            note,
            format,
        } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let (current, _) = app.soa(&ws).await.map_err(app_error)?;
            if current.number == 0 || current.state != "draft" {
                return Err(
                    "there is no draft to approve: save the Statement of Applicability first"
                        .into(),
                );
            }
            let v = app
                .approve_soa(&ws, current.number, current.revision, &note)
                .await
                .map_err(|e| match e {
                    aims_app::AppError::Validation(fields) => {
                        let lines: Vec<String> = fields
                            .iter()
                            .map(|(f, m)| format!("{f}: {}", m.join("; ")))
                            .collect();
                        format!(
                            "the Statement of Applicability cannot be approved:\n{}",
                            lines.join("\n")
                        )
                    }
                    other => app_error(other),
                })?;
            print(&v, format);
        }
        SoaCmd::Frameworks { workspace, set } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let v = match set {
                None => app.soa(&ws).await.map_err(app_error)?.0,
                Some(mut wanted) => {
                    wanted.retain(|f| !f.trim().is_empty());
                    wanted.insert(0, aims_app::SOA_FRAMEWORK.to_owned());
                    app.set_soa_frameworks(&ws, None, wanted)
                        .await
                        .map_err(app_error)?
                }
            };
            let catalog = app.catalog().await.map_err(app_error)?;
            for f in catalog.frameworks() {
                let n = v
                    .lines
                    .iter()
                    .filter(|l| aims_app::domain::soa::framework_of(&l.row.control) == f.id)
                    .count();
                let offered = f.items.iter().any(|i| i.kind == "control");
                if n > 0 {
                    outln!("{}	{}	{n} controls in the statement", f.id, f.name);
                } else if offered {
                    outln!("{}	{}	not adopted", f.id, f.name);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
