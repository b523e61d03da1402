//! The check-and-act records by name: `aims audits list|show`,
//! `aims nc list|show` (nonconformities) — the record path's list and show
//! for their kind — and `aims review show`: a management review with the
//! inputs aims compiled for it.

use crate::app_error;
use crate::records::{run as records, RecordsCmd};
use crate::systems::Format;
use aims_app::domain::record::REVIEWS;
use aims_app::{App, Principal};
use clap::Subcommand;
use serde_json::json;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum KindCmd {
    /// List them, with filters
    List {
        #[arg(long)]
        workspace: String,
        /// Only those whose text contains this
        #[arg(long)]
        q: Option<String>,
        /// A filter FIELD=VALUE (status=open, grade=major, owner=EMAIL…); repeat for several
        #[arg(long = "filter", value_name = "FIELD=VALUE")]
        filters: Vec<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Show one with its links
    Show {
        #[arg(long)]
        workspace: String,
        id: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

/// Runs `cmd` on the records of the kind named `kind`.
pub async fn run_kind(
    app: &App,
    op: &Principal,
    kind: &str,
    cmd: KindCmd,
) -> Result<ExitCode, String> {
    let cmd = match cmd {
        KindCmd::List {
            workspace,
            q,
            filters,
            format,
        } => RecordsCmd::List {
            workspace,
            kind: kind.into(),
            q,
            filters,
            linked: None,
            due_before: None,
            format,
        },
        KindCmd::Show {
            workspace,
            id,
            format,
        } => RecordsCmd::Show {
            workspace,
            kind: kind.into(),
            id,
            format,
        },
    };
    records(app, op, cmd).await
}

#[derive(Subcommand)]
pub enum ReviewCmd {
    /// A management review and its inputs (the latest when no id is given)
    Show {
        #[arg(long)]
        workspace: String,
        id: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

pub async fn review(app: &App, op: &Principal, cmd: ReviewCmd) -> Result<ExitCode, String> {
    let ReviewCmd::Show {
        workspace,
        id,
        format,
    } = cmd;
    let ws = app.enter(op, &workspace).await.map_err(app_error)?;
    let id = match id {
        Some(id) => id,
        None => app
            .all_records(&ws, &REVIEWS, &Default::default())
            .await
            .map_err(app_error)?
            .into_iter()
            .max_by_key(|r| r.created_at.clone())
            .map(|r| r.id)
            .ok_or("no management review in this workspace yet")?,
    };
    let r = app.record(&ws, &REVIEWS, &id).await.map_err(app_error)?;
    let inputs = app.review_inputs(&ws, &id).await.map_err(app_error)?;
    match format {
        Format::Json => outln!(
            "{}",
            json!({"id": r.id, "title": r.title, "version": r.version, "owner": r.owner_email, "fields": r.fields, "inputs": inputs})
        ),
        Format::Table => {
            outln!("{} ({})", r.title, r.id);
            for f in REVIEWS.fields.iter().skip(1) {
                let v = REVIEWS.cell(f, &r.fields);
                if !v.is_empty() {
                    outln!("  {}: {}", f.label, v);
                }
            }
            outln!("Inputs as of {}:", inputs.as_of);
            let sections = [
                ("Actions from the previous review", &inputs.carried_forward),
                ("Context and interested parties", &inputs.context_changes),
                ("Open nonconformities", &inputs.open_nonconformities),
                ("Audit results", &inputs.audits),
                ("Metric breaches", &inputs.breaches),
                ("Objectives", &inputs.objectives),
                ("Incidents", &inputs.incidents),
                ("Improvements", &inputs.improvements),
            ];
            for (heading, lines) in sections {
                outln!(
                    "  {heading}: {}",
                    if lines.is_empty() { "none" } else { "" }
                );
                for l in lines {
                    outln!(
                        "    {}{} — {}",
                        if l.flag { "! " } else { "" },
                        l.title,
                        l.detail
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
