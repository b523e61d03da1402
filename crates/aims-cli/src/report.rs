//! `aims report gap|soa|risks|impact|audit|review|summary`: each report as
//! a file — typeset PDF, or XLSX, CSV or JSON.

use crate::app_error;
use crate::systems::write_file;
use aims_app::{App, Principal, ReportFormat, ReportKind, ReportOf};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// What every report takes.
#[derive(Args)]
pub struct ReportArgs {
    #[arg(long)]
    workspace: String,
    /// pdf, xlsx, csv or json
    #[arg(long, default_value = "xlsx")]
    format: String,
    /// Where to write it (`-` for standard output, except pdf and xlsx)
    #[arg(short, long)]
    output: PathBuf,
}

#[derive(Subcommand)]
pub enum ReportCmd {
    /// The gap report: readiness overall, per clause and Annex A area, every
    /// gap with what is missing and who owns it, each system's score and the
    /// EU AI Act obligations (xlsx: four sheets; csv: the gaps; json: everything)
    Gap(ReportArgs),
    /// The Statement of Applicability: one row per Annex A control with its
    /// decision, justification, exclusion reason, implementation status,
    /// owner, systems and evidence counts
    Soa {
        #[command(flatten)]
        args: ReportArgs,
        /// A version number; the latest when absent
        #[arg(long)]
        version: Option<i64>,
    },
    /// The risk register and treatment plan (xlsx: risks, actions, method)
    Risks(ReportArgs),
    /// Every AI system's impact assessment: where each stands and the
    /// impacts of its latest version
    Impact(ReportArgs),
    /// An internal audit's report: scope, criteria, checklist results,
    /// findings and conclusion
    Audit {
        #[command(flatten)]
        args: ReportArgs,
        /// The audit's id; the latest (by start date) when absent
        #[arg(long)]
        id: Option<String>,
    },
    /// A management review's record: attendees, the inputs, minutes,
    /// decisions and sign-off
    Review {
        #[command(flatten)]
        args: ReportArgs,
        /// The review's id; the latest (by the day it was held) when absent
        #[arg(long)]
        id: Option<String>,
    },
    /// Readiness for top management: the score, the clauses, what to fix
    /// first, certification dates, nonconformities and metrics
    Summary(ReportArgs),
}

fn of_record(id: Option<String>) -> ReportOf {
    ReportOf {
        id,
        soa_version: None,
    }
}

pub async fn run(app: &App, op: &Principal, cmd: ReportCmd) -> Result<ExitCode, String> {
    let (kind, args, of) = match cmd {
        ReportCmd::Gap(a) => (ReportKind::Gap, a, ReportOf::default()),
        ReportCmd::Soa { args, version } => (
            ReportKind::Soa,
            args,
            ReportOf {
                soa_version: version,
                ..Default::default()
            },
        ),
        ReportCmd::Risks(a) => (ReportKind::Risks, a, ReportOf::default()),
        ReportCmd::Impact(a) => (ReportKind::Impact, a, ReportOf::default()),
        ReportCmd::Audit { args, id } => (ReportKind::Audit, args, of_record(id)),
        ReportCmd::Review { args, id } => (ReportKind::Review, args, of_record(id)),
        ReportCmd::Summary(a) => (ReportKind::Summary, a, ReportOf::default()),
    };
    let format: ReportFormat = args.format.parse().map_err(|m| format!("--format {m}"))?;
    let ws = app.enter(op, &args.workspace).await.map_err(app_error)?;
    let started = std::time::Instant::now();
    let bytes = app
        .report_file(&ws, kind, &of, format)
        .await
        .map_err(app_error)?;
    let binary = match format {
        ReportFormat::Pdf => Some("a PDF file"),
        ReportFormat::File(aims_app::export::Format::Xlsx) => Some("an XLSX file"),
        ReportFormat::File(_) => None,
    };
    write_file(&bytes, binary, &args.output, started)?;
    Ok(ExitCode::SUCCESS)
}
