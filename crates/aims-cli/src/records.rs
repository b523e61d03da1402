//! `aims records list|show|export|import --kind K` for every kind of record
//! through the shared record path (documents, objectives, trainings,
//! suppliers, incidents, changes… as much as systems and risks), and
//! `aims tasks`: the work list of a member or the whole workspace.

use crate::app_error;
use crate::systems::{print_fields_and_links, write_output, Format};
use aims_app::domain::record::{kind as kind_named, Kind, KINDS};
use aims_app::{App, ListRequest, Principal, WorkOf};
use clap::Subcommand;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum RecordsCmd {
    /// List the records of a kind, with filters
    List {
        #[arg(long)]
        workspace: String,
        /// The kind: documents, objectives, responsibilities, trainings, communications, suppliers, commitments, incidents, changes, … (`aims records kinds`)
        #[arg(long)]
        kind: String,
        /// Only records whose text contains this
        #[arg(long)]
        q: Option<String>,
        /// A filter FIELD=VALUE on a choice, yes/no or owner field (owner=EMAIL, status=open, …); repeat for several
        #[arg(long = "filter", value_name = "FIELD=VALUE")]
        filters: Vec<String>,
        /// Only records linked to this record (its id)
        #[arg(long)]
        linked: Option<String>,
        /// Only records with an open dated duty before this day (YYYY-MM-DD)
        #[arg(long)]
        due_before: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Show one record with its links
    Show {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        kind: String,
        id: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Export every record of a kind as CSV, JSON or XLSX
    Export {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        kind: String,
        /// csv, json or xlsx
        #[arg(long, default_value = "csv")]
        format: String,
        /// Where to write it (`-` for standard output, except xlsx)
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Import records of a kind from a CSV or XLSX file (a dry run first with --dry-run)
    Import {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        kind: String,
        #[command(flatten)]
        args: crate::import::ImportArgs,
    },
    /// The kinds of record and their fields
    Kinds,
}

fn kind_of(name: &str) -> Result<&'static Kind, String> {
    kind_named(name.trim()).ok_or_else(|| {
        let names: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
        format!("--kind must be one of: {}", names.join(", "))
    })
}

pub async fn run(app: &App, op: &Principal, cmd: RecordsCmd) -> Result<ExitCode, String> {
    match cmd {
        RecordsCmd::Kinds => {
            for k in KINDS {
                let fields: Vec<&str> = k.fields.iter().map(|f| f.name).collect();
                outln!("{}\t{}\t{}", k.name, k.plural, fields.join(", "));
            }
        }
        RecordsCmd::List {
            workspace,
            kind,
            q,
            filters,
            linked,
            due_before,
            format,
        } => {
            let kind = kind_of(&kind)?;
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let mut req = ListRequest::filtered(
                q,
                [
                    (aims_app::LINKED_FILTER, linked),
                    (aims_app::DUE_BEFORE_FILTER, due_before),
                ],
            );
            for f in &filters {
                let (name, value) = f
                    .split_once('=')
                    .ok_or_else(|| format!("--filter {f}: write it FIELD=VALUE"))?;
                req.filters
                    .insert(name.trim().to_owned(), value.trim().to_owned());
            }
            let rows = app.all_records(&ws, kind, &req).await.map_err(app_error)?;
            match format {
                Format::Json => {
                    let items: Vec<Value> = rows
                        .iter()
                        .map(|r| json!({"id": r.id, "title": r.title, "version": r.version, "owner": r.owner_email, "fields": r.fields, "updated_at": r.updated_at}))
                        .collect();
                    outln!("{}", json!({ "items": items }));
                }
                Format::Table => {
                    let columns: Vec<_> =
                        kind.columns.iter().filter_map(|c| kind.field(c)).collect();
                    let mut head = vec!["id", kind.title_field().label];
                    head.extend(columns.iter().map(|f| f.label));
                    outln!("{}", head.join("\t"));
                    for r in &rows {
                        let mut cells = vec![r.id.clone(), r.title.clone()];
                        for f in &columns {
                            cells.push(if f.ty == aims_app::domain::record::FieldType::Member {
                                r.owner_email.clone().unwrap_or_default()
                            } else {
                                kind.cell(f, &r.fields)
                            });
                        }
                        outln!("{}", cells.join("\t"));
                    }
                }
            }
        }
        RecordsCmd::Show {
            workspace,
            kind,
            id,
            format,
        } => {
            let kind = kind_of(&kind)?;
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let r = app.record(&ws, kind, &id).await.map_err(app_error)?;
            let links = app.links(&ws, kind, &id).await.map_err(app_error)?;
            match format {
                Format::Json => outln!(
                    "{}",
                    json!({"id": r.id, "title": r.title, "version": r.version, "owner": r.owner_email,
                           "fields": r.fields, "links": links, "updated_at": r.updated_at})
                ),
                Format::Table => {
                    outln!(
                        "{} ({})\nversion {} · updated {}",
                        r.title,
                        r.id,
                        r.version,
                        r.updated_at
                    );
                    print_fields_and_links(kind, &r, 1, &links);
                }
            }
        }
        RecordsCmd::Export {
            workspace,
            kind,
            format,
            output,
        } => {
            let kind = kind_of(&kind)?;
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
        RecordsCmd::Import {
            workspace,
            kind,
            args,
        } => {
            let kind = kind_of(&kind)?;
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            return crate::import::run(app, &ws, kind.name, &args).await;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `aims tasks`: open dated duties, soonest first, overdue ones marked.
pub async fn tasks(
    app: &App,
    op: &Principal,
    workspace: &str,
    owner: Option<&str>,
    within: Option<i64>,
    format: Format,
) -> Result<ExitCode, String> {
    let ws = app.enter(op, workspace).await.map_err(app_error)?;
    let of = match owner.map(str::trim) {
        None | Some("" | "all") => WorkOf::Everyone,
        Some(who) => WorkOf::Member(who.to_owned()),
    };
    let list = app.work_list(&ws, &of, within).await.map_err(app_error)?;
    match format {
        Format::Json => outln!("{}", json!(list)),
        Format::Table => {
            outln!("due\tin\tkind\ttitle\tduty\towner");
            for i in &list.items {
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    i.due_on,
                    aims_app::domain::work::days_text(i.days),
                    i.kind,
                    i.title,
                    i.duty_label,
                    i.owner.as_deref().unwrap_or("-")
                );
            }
            if list.more > 0 {
                outln!("… and {} more due from {}", list.more, list.until);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
