//! `aims evidence push|list|show|verify`. `push` talks to a running server
//! over HTTP (one multipart request, files streamed from disk with a
//! progress bar, the CI run read from the environment), so a pipeline
//! needs only a URL and a token; `list` and `show` read the database like
//! the other commands; `verify` re-hashes every stored file beside a
//! running server and names each one missing or altered (exit 1).

use crate::app_error;
use crate::remote::{describe, ServerArgs};
use crate::systems::Format;
use aims_app::domain::evidence::{ci_run, file_name};
use aims_app::{App, ListRequest, Principal};
use clap::Subcommand;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum EvidenceCmd {
    /// Push files as evidence to a running server, for controls and systems,
    /// recording the CI run (commit, branch, pipeline, run) when run in CI
    Push {
        /// The server, an API token of the workspace (contributor or
        /// manager), and the CAs to trust
        #[command(flatten)]
        remote: Box<ServerArgs>,
        #[arg(long)]
        workspace: String,
        /// A control or clause requirement it is evidence for (A.6.2.4, 9.2.2 or iso42001:A.6.2.4); repeat for several
        #[arg(long)]
        control: Vec<String>,
        /// An AI system it is about, by name or id; repeat for several
        #[arg(long)]
        system: Vec<String>,
        /// The period it covers: FROM..TO (dates)
        #[arg(long)]
        covers: Option<String>,
        /// The last day it counts
        #[arg(long)]
        valid_until: Option<String>,
        /// The item's title (default: the first file's name)
        #[arg(long)]
        title: Option<String>,
        /// Add the files as new versions of this evidence item (its id)
        #[arg(long)]
        evidence: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// The files
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// The evidence items of a workspace
    List {
        #[arg(long)]
        workspace: String,
        /// Only items linked to this record (a control's id, …)
        #[arg(long)]
        linked: Option<String>,
        /// Only items for this control (A.6.2.4 or iso42001:A.6.2.4)
        #[arg(long, conflicts_with = "linked")]
        control: Option<String>,
        /// Only items this member owns (an e-mail address)
        #[arg(long)]
        owner: Option<String>,
        /// Only stale items (past their valid-until date)
        #[arg(long)]
        stale: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// One evidence item with its file versions
    Show {
        #[arg(long)]
        workspace: String,
        id: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Re-hash every stored evidence file and name each missing or altered one
    Verify {
        /// Only this workspace's files
        #[arg(long)]
        workspace: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

/// A file's bytes as a stream of chunks, moving `bar` as they are read.
fn file_stream(
    file: tokio::fs::File,
    bar: indicatif::ProgressBar,
) -> impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> {
    futures_util::stream::unfold((file, bar), |(mut f, bar)| async move {
        use tokio::io::AsyncReadExt;
        let mut buf = vec![0u8; 1 << 20];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                bar.inc(n as u64);
                Some((Ok(buf), (f, bar)))
            }
            Err(e) => Some((Err(e), (f, bar))),
        }
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn push(
    remote: &ServerArgs,
    workspace: &str,
    controls: &[String],
    systems: &[String],
    covers: Option<String>,
    valid_until: Option<String>,
    title: Option<String>,
    evidence: Option<String>,
    files: &[PathBuf],
) -> Result<Value, String> {
    let client = remote.client()?;
    let mut form = reqwest::multipart::Form::new().text("source", "cli");
    for c in controls {
        form = form.text("control", c.clone());
    }
    for s in systems {
        form = form.text("system", s.clone());
    }
    for (k, v) in [
        ("covers", covers),
        ("valid_until", valid_until),
        ("title", title),
    ] {
        if let Some(v) = v {
            form = form.text(k, v);
        }
    }
    if let Some(run) = ci_run(|k| std::env::var(k).ok()) {
        form = form.text("ci", json!(run).to_string());
    }
    let mut total = 0;
    let mut opened = Vec::new();
    for path in files {
        let f = tokio::fs::File::open(path)
            .await
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let len = f.metadata().await.map_err(|e| e.to_string())?.len();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(file_name)
            .ok_or_else(|| format!("{} has no usable file name", path.display()))?;
        total += len;
        opened.push((f, len, name));
    }
    let bar = crate::progress::bytes(total, "uploading");
    for (f, len, name) in opened {
        let body = reqwest::Body::wrap_stream(file_stream(f, bar.clone()));
        let part = reqwest::multipart::Part::stream_with_length(body, len).file_name(name);
        form = form.part("file", part);
    }
    let base = remote.base();
    let url = match &evidence {
        Some(id) => format!("{base}/api/v1/workspaces/{workspace}/evidence/{id}/files"),
        None => format!("{base}/api/v1/workspaces/{workspace}/evidence/push"),
    };
    let resp = client
        .post(&url)
        .bearer_auth(&remote.token)
        .multipart(form)
        .send()
        .await
        .map_err(|e| {
            bar.finish_and_clear();
            format!("cannot push to {base}: {}", describe(&e))
        })?;
    bar.finish_and_clear();
    let status = resp.status();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        let detail = body["detail"].as_str().unwrap_or("no details").to_owned();
        return Err(format!("the server refused the push ({status}): {detail}"));
    }
    Ok(body)
}

fn print_item(v: &Value) {
    outln!(
        "{} ({})",
        v["title"].as_str().unwrap_or(""),
        v["id"].as_str().unwrap_or("")
    );
    for f in v["fields"].as_object().into_iter().flatten() {
        if f.0 != "title" {
            outln!(
                "  {}: {}",
                f.0,
                f.1.as_str().map_or_else(|| f.1.to_string(), str::to_owned)
            );
        }
    }
    for r in v["for_records"].as_array().into_iter().flatten() {
        outln!(
            "  evidence for: {} {}",
            r["kind"].as_str().unwrap_or(""),
            r["title"].as_str().unwrap_or("")
        );
    }
    for f in v["files"].as_array().into_iter().flatten() {
        let ci: Value = f["ci"]
            .as_str()
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or(Value::Null);
        outln!(
            "  v{} {} {} bytes sha256:{} ({}, {} by {}){}",
            f["number"],
            f["file_name"].as_str().unwrap_or(""),
            f["size"],
            f["sha256"].as_str().unwrap_or(""),
            f["media_type"].as_str().unwrap_or(""),
            f["created_at"].as_str().unwrap_or(""),
            f["created_by"].as_str().unwrap_or(""),
            if ci.get("system").is_some() {
                format!(
                    " from {} commit {} run {}",
                    ci["system"].as_str().unwrap_or(""),
                    ci["commit"].as_str().unwrap_or("-"),
                    ci["run"].as_str().unwrap_or("-")
                )
            } else {
                String::new()
            }
        );
    }
}

pub async fn run_remote(cmd: EvidenceCmd) -> Result<ExitCode, String> {
    let EvidenceCmd::Push {
        remote,
        workspace,
        control,
        system,
        covers,
        valid_until,
        title,
        evidence,
        format,
        files,
    } = cmd
    else {
        return Err("only push talks to a server".into());
    };
    let v = push(
        &remote,
        &workspace,
        &control,
        &system,
        covers,
        valid_until,
        title,
        evidence,
        &files,
    )
    .await?;
    match format {
        Format::Json => outln!("{v}"),
        Format::Table => print_item(&v),
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn run(app: &App, op: &Principal, cmd: EvidenceCmd) -> Result<ExitCode, String> {
    match cmd {
        EvidenceCmd::Push { .. } => run_remote(cmd).await,
        EvidenceCmd::List {
            workspace,
            linked,
            control,
            owner,
            stale,
            format,
        } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let linked = match control {
                Some(c) => {
                    let reference = if c.contains(':') {
                        c.trim().to_owned()
                    } else {
                        format!("{}:{}", aims_app::SOA_FRAMEWORK, c.trim())
                    };
                    let catalog = app.catalog().await.map_err(app_error)?;
                    let known = reference
                        .split_once(':')
                        .and_then(|(fw, item)| catalog.item(fw, item))
                        .is_some();
                    if !known {
                        return Err(format!(
                            "--control: {c} is not a control in the catalogue (e.g. A.6.2.4)"
                        ));
                    }
                    // A control nothing was ever linked to has no evidence.
                    match app
                        .control_by_reference(&ws, &reference)
                        .await
                        .map_err(app_error)?
                    {
                        Some(r) => Some(r.id),
                        None => {
                            outln!(
                                "{}",
                                if matches!(format, Format::Json) {
                                    r#"{"items":[]}"#
                                } else {
                                    "no evidence for this control"
                                }
                            );
                            return Ok(ExitCode::SUCCESS);
                        }
                    }
                }
                None => linked,
            };
            let req = ListRequest::filtered(
                None,
                [
                    (aims_app::LINKED_FILTER, linked),
                    ("owner", owner),
                    (aims_app::DUE_BEFORE_FILTER, stale.then(|| app.today())),
                ],
            );
            let items = app
                .all_records(&ws, &aims_app::domain::record::EVIDENCE, &req)
                .await
                .map_err(app_error)?;
            match format {
                Format::Json => {
                    let items: Vec<Value> = items
                        .iter()
                        .map(|r| json!({"id": r.id, "title": r.title, "version": r.version, "fields": r.fields}))
                        .collect();
                    outln!("{}", json!({ "items": items }));
                }
                Format::Table => {
                    outln!("id\ttitle\tcovers_to\tvalid_until\treview_status");
                    for r in &items {
                        let f = |k: &str| {
                            r.fields
                                .get(k)
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_owned()
                        };
                        outln!(
                            "{}\t{}\t{}\t{}\t{}",
                            r.id,
                            r.title,
                            f("covers_to"),
                            f("valid_until"),
                            f("review_status")
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        EvidenceCmd::Show {
            workspace,
            id,
            format,
        } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let v = json!(app.evidence_item(&ws, &id).await.map_err(app_error)?);
            match format {
                Format::Json => outln!("{v}"),
                Format::Table => print_item(&v),
            }
            Ok(ExitCode::SUCCESS)
        }
        EvidenceCmd::Verify { workspace, format } => {
            let ws = match &workspace {
                Some(w) => Some(app.enter(op, w).await.map_err(app_error)?),
                None => None,
            };
            let bar = crate::progress::bytes(0, "re-hashing");
            let (checked, problems) = app
                .verify_evidence(ws.as_ref(), |done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                })
                .await
                .map_err(app_error)?;
            bar.finish_and_clear();
            match format {
                Format::Json => outln!("{}", json!({"checked": checked, "problems": problems})),
                Format::Table => {
                    for p in &problems {
                        for (_, evidence, number, name) in &p.used_by {
                            outln!(
                                "{}: {} (evidence {evidence} version {number}, sha256:{})",
                                p.problem,
                                name,
                                p.sha256
                            );
                        }
                    }
                    outln!(
                        "{checked} stored file(s) checked, {} missing or altered",
                        problems.len()
                    );
                }
            }
            Ok(if problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
