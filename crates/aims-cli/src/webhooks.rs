//! `aims webhooks list`: a workspace's outgoing webhooks and where their
//! deliveries stand, at a terminal (a table) or for scripts (`--format json`).

use crate::app_error;
use crate::systems::Format;
use aims_app::{App, Principal};
use clap::Subcommand;
use serde_json::json;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum WebhooksCmd {
    /// The webhooks of a workspace with their filter, state and the latest
    /// delivery (secrets are never shown)
    List {
        #[arg(long)]
        workspace: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

pub async fn run(app: &App, op: &Principal, cmd: WebhooksCmd) -> Result<ExitCode, String> {
    let WebhooksCmd::List { workspace, format } = cmd;
    let ws = app.enter(op, &workspace).await.map_err(app_error)?;
    let mut rows = vec![];
    for w in app.webhooks(&ws).await.map_err(app_error)? {
        let latest = app
            .webhook_deliveries(&ws, &w.id)
            .await
            .map_err(app_error)?
            .into_iter()
            .next()
            .map(|v| v.delivery);
        rows.push((w, latest));
    }
    match format {
        Format::Json => {
            let items: Vec<_> = rows
                .iter()
                .map(|(w, d)| {
                    json!({
                        "id": w.id, "url": w.url, "events": w.events, "enabled": w.enabled,
                        "retry_at": w.retry_at, "created_at": w.created_at,
                        "latest_delivery": d.as_ref().map(|d| json!({
                            "event_seq": d.event_seq, "state": d.state, "attempts": d.attempts,
                            "last_status": d.last_status, "last_error": d.last_error,
                            "next_attempt_at": d.next_attempt_at,
                        })),
                    })
                })
                .collect();
            outln!("{}", json!({ "items": items }));
        }
        Format::Table => {
            outln!("id\turl\tevents\tenabled\tlatest_delivery\tretry_at");
            for (w, d) in &rows {
                let latest = d.as_ref().map_or_else(String::new, |d| {
                    format!("#{} {} ({} attempts)", d.event_seq, d.state, d.attempts)
                });
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    w.id,
                    w.url,
                    w.events.join(","),
                    if w.enabled { "yes" } else { "no" },
                    latest,
                    w.retry_at.as_deref().unwrap_or("")
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
