//! `aims metrics push` — measurements from a pipeline to a server, one
//! value or a CSV file of them in batches with a progress bar — and
//! `aims metrics list`: every metric of a workspace with where it stands.

use crate::app_error;
use crate::remote::{describe, ServerArgs};
use crate::systems::Format;
use aims_app::domain::record::METRICS;
use aims_app::{App, Principal};
use clap::Subcommand;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum MetricsCmd {
    /// Send measurements to a server: one --value, or a CSV --file with a
    /// `value` column and optional `measured_at`, `period_start`, `note`
    /// and `supersedes` columns
    Push {
        #[command(flatten)]
        remote: ServerArgs,
        #[arg(long)]
        workspace: String,
        /// The AI system the metric measures (its id or name), to tell
        /// metrics of the same name apart
        #[arg(long)]
        system: Option<String>,
        /// The metric: its id or its name
        #[arg(long)]
        metric: String,
        /// One value
        #[arg(long, conflicts_with = "file", allow_hyphen_values = true)]
        value: Option<f64>,
        /// When the value was measured: RFC 3339 (2026-11-27T10:00:00Z) or a date; now by default
        #[arg(long, requires = "value")]
        at: Option<String>,
        /// A CSV file of measurements
        #[arg(long, required_unless_present = "value")]
        file: Option<PathBuf>,
        /// Measurements per request (at most 100000)
        #[arg(long, default_value_t = 20_000)]
        batch: usize,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Every metric of a workspace: its level, last value, and whether it is stale
    List {
        #[arg(long)]
        workspace: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

/// The API's answer to a GET, or its problem's detail.
pub(crate) async fn get(
    client: &reqwest::Client,
    remote: &ServerArgs,
    url: &str,
) -> Result<Value, String> {
    let resp = client
        .get(url)
        .bearer_auth(&remote.token)
        .send()
        .await
        .map_err(|e| format!("cannot reach {}: {}", remote.base(), describe(&e)))?;
    let status = resp.status();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        return Err(format!(
            "the server answered {status}: {}",
            body["detail"].as_str().unwrap_or("no details")
        ));
    }
    Ok(body)
}

/// The id of the record of `kind` named `name` (or with that id),
/// optionally linked to `linked`.
pub(crate) async fn find(
    client: &reqwest::Client,
    remote: &ServerArgs,
    workspace: &str,
    kind: &str,
    name: &str,
    linked: Option<&str>,
) -> Result<String, String> {
    let name = name.trim();
    if aims_app::domain::validation::is_record_id(name) {
        return Ok(name.to_owned());
    }
    let mut url = reqwest::Url::parse(&format!(
        "{}/api/v1/workspaces/{workspace}/{kind}",
        remote.base()
    ))
    .map_err(|e| format!("--server: {e}"))?;
    url.query_pairs_mut()
        .append_pair("q", name)
        .append_pair("limit", "500");
    if let Some(l) = linked {
        url.query_pairs_mut().append_pair("linked", l);
    }
    let page = get(client, remote, url.as_str()).await?;
    let title = if kind == "systems" { "name" } else { "title" };
    let found: Vec<&Value> = page["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| {
            r[title]
                .as_str()
                .is_some_and(|t| t.eq_ignore_ascii_case(name))
        })
        .collect();
    match found.as_slice() {
        [one] => Ok(one["id"].as_str().unwrap_or_default().to_owned()),
        [] => Err(format!(
            "no {kind} named {name:?} in {workspace}{}",
            if linked.is_some() {
                " for that system"
            } else {
                ""
            }
        )),
        _ => Err(format!(
            "several {kind} are named {name:?}: give --system or the id"
        )),
    }
}

/// One measurement as the API's JSON (`{"value":…,"measured_at":…}`),
/// written directly: a million of them serialise in a fraction of a second.
fn item_json(value: f64, fields: &[(&str, &str)]) -> Result<String, String> {
    if !value.is_finite() {
        return Err("not a finite number".into());
    }
    let mut out = format!("{{\"value\":{value}");
    for (name, text) in fields {
        let quoted = serde_json::to_string(text).map_err(|e| e.to_string())?;
        out.push_str(&format!(",\"{name}\":{quoted}"));
    }
    out.push('}');
    Ok(out)
}

/// Reads measurements from a CSV file: `value` and the optional columns,
/// each as its JSON item.
fn read_csv(path: &PathBuf) -> Result<Vec<String>, String> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let headers: Vec<String> = r
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .iter()
        .map(|h| h.trim().to_lowercase().replace([' ', '-'], "_"))
        .collect();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let value = col(&["value"]).ok_or_else(|| format!("{}: no `value` column", path.display()))?;
    let columns = [
        (
            "measured_at",
            col(&["measured_at", "at", "time", "timestamp", "date"]),
        ),
        ("period_start", col(&["period_start"])),
        ("note", col(&["note"])),
        ("supersedes", col(&["supersedes"])),
    ];
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut line = 1;
    loop {
        line += 1;
        match r.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(format!("{} line {line}: {e}", path.display())),
        }
        let bad = |what: &str| format!("{} line {line}, column value: {what}", path.display());
        let v: f64 = rec
            .get(value)
            .unwrap_or("")
            .parse()
            .map_err(|_| bad("not a number"))?;
        let fields: Vec<(&str, &str)> = columns
            .iter()
            .filter_map(|(name, i)| Some((*name, rec.get((*i)?)?)))
            .filter(|(_, x)| !x.is_empty())
            .collect();
        out.push(item_json(v, &fields).map_err(|e| bad(&e))?);
    }
    Ok(out)
}

pub async fn push(cmd: MetricsCmd) -> Result<ExitCode, String> {
    let MetricsCmd::Push {
        remote,
        workspace,
        system,
        metric,
        value,
        at,
        file,
        batch,
        format,
    } = cmd
    else {
        return Err("only push talks to a server".into());
    };
    let client = remote.client()?;
    let system = match &system {
        Some(s) => Some(find(&client, &remote, &workspace, "systems", s, None).await?),
        None => None,
    };
    let metric = find(
        &client,
        &remote,
        &workspace,
        "metrics",
        &metric,
        system.as_deref(),
    )
    .await?;
    let items = match (value, &file) {
        (Some(v), _) => {
            let at: Vec<(&str, &str)> = at
                .as_deref()
                .map(|a| ("measured_at", a))
                .into_iter()
                .collect();
            vec![item_json(v, &at).map_err(|e| format!("--value: {e}"))?]
        }
        (None, Some(f)) => read_csv(f)?,
        (None, None) => return Err("give --value or --file".into()),
    };
    let url = format!(
        "{}/api/v1/workspaces/{workspace}/metrics/{metric}/measurements",
        remote.base()
    );
    let batch = batch.clamp(1, aims_app::BATCH_MAX);
    let bar = crate::progress::bar(items.len() as u64, "pushing");
    let (mut accepted, mut raised, mut level) = (0u64, Vec::<Value>::new(), Value::Null);
    for (n, chunk) in items.chunks(batch).enumerate() {
        let body = format!("{{\"items\":[{}]}}", chunk.join(","));
        let resp = client
            .post(&url)
            .bearer_auth(&remote.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| {
                bar.finish_and_clear();
                format!("cannot push to {}: {}", remote.base(), describe(&e))
            })?;
        let status = resp.status();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            bar.finish_and_clear();
            // Name the file's line for an item at fault.
            let first = n * batch;
            let mut detail = body["detail"].as_str().unwrap_or("no details").to_owned();
            for e in body["errors"].as_array().into_iter().flatten() {
                let field = e["field"].as_str().unwrap_or("");
                if let Some(i) = field
                    .strip_prefix("items[")
                    .and_then(|r| r.split(']').next())
                    .and_then(|i| i.parse::<usize>().ok())
                {
                    detail = format!(
                        "measurement {} (line {} of a file): {}",
                        first + i + 1,
                        first + i + 2,
                        e["message"].as_str().unwrap_or("")
                    );
                    break;
                }
            }
            return Err(format!(
                "the server refused the measurements ({status}); {accepted} were kept before: {detail}"
            ));
        }
        accepted += body["accepted"].as_u64().unwrap_or(0);
        raised.extend(body["raised"].as_array().cloned().unwrap_or_default());
        level = body["level"].clone();
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    let out = json!({"metric": metric, "accepted": accepted, "level": level, "raised": raised});
    match format {
        Format::Json => outln!("{out}"),
        Format::Table => {
            outln!(
                "{accepted} measurement(s) kept; the metric is now {}",
                level.as_str().unwrap_or("?")
            );
            for r in &raised {
                outln!("opened for the breach: {}", r.as_str().unwrap_or(""));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn run(app: &App, op: &Principal, cmd: MetricsCmd) -> Result<ExitCode, String> {
    match cmd {
        MetricsCmd::Push { .. } => push(cmd).await,
        MetricsCmd::List { workspace, format } => {
            let ws = app.enter(op, &workspace).await.map_err(app_error)?;
            let metrics = app
                .all_records(&ws, &METRICS, &Default::default())
                .await
                .map_err(app_error)?;
            let mut items = Vec::new();
            for m in &metrics {
                let st = app.metric_status(&ws, &m.id).await.map_err(app_error)?;
                items.push(
                    json!({"id": m.id, "title": m.title, "owner": m.owner_email, "level": st.level,
                    "last_value": st.last_value, "last_at": st.last_at, "stale": st.stale,
                    "next_due": st.next_due, "count": st.count}),
                );
            }
            match format {
                Format::Json => outln!("{}", json!({"items": items})),
                Format::Table => {
                    outln!(
                        "{:<36}  {:<32}  {:<8}  {:>10}  {:<10}  STALE",
                        "ID",
                        "METRIC",
                        "LEVEL",
                        "LAST",
                        "AT"
                    );
                    for i in &items {
                        outln!(
                            "{:<36}  {:<32}  {:<8}  {:>10}  {:<10}  {}",
                            i["id"].as_str().unwrap_or(""),
                            i["title"]
                                .as_str()
                                .unwrap_or("")
                                .chars()
                                .take(32)
                                .collect::<String>(),
                            i["level"].as_str().unwrap_or(""),
                            i["last_value"]
                                .as_f64()
                                .map_or("-".into(), |v| v.to_string()),
                            i["last_at"]
                                .as_str()
                                .map_or("-", |a| a.get(..10).unwrap_or(a)),
                            if i["stale"] == true { "yes" } else { "no" }
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
