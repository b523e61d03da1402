//! Filing monitoring results on a server: each value goes to the system's
//! metric of the same name (so its thresholds and alerts apply), the JSON
//! report goes in as evidence on A.6.2.6 covering the log's time range.
//!
//! A metric takes a value when its title, in lower case with punctuation
//! read as spaces, is the value's name: "Demographic parity difference"
//! (all sensitive columns together), "Demographic parity difference (sex)",
//! "Equalized odds ratio — sex × race", "Accuracy", "Drift: age",
//! "PSI age", "Share of drifted columns"…

use crate::remote::{describe, ServerArgs};
use aims_monitor::drift_log::DriftReport;
use aims_monitor::fairness_log::FairnessReport;
use aims_monitor::report::Input;
use serde_json::json;

/// One result and the metric names it answers to.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub names: Vec<String>,
    pub value: f64,
}

/// A title as names are compared: lower case, punctuation as spaces.
pub fn normalise(title: &str) -> String {
    title
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn value(names: &[String], v: f64) -> Value {
    Value {
        names: names.iter().map(|n| normalise(n)).collect(),
        value: v,
    }
}

/// The values of a fairness report.
pub fn fairness_values(r: &FairnessReport) -> Vec<Value> {
    let mut out = Vec::new();
    let last = r.groupings.len().saturating_sub(1);
    for (i, g) in r.groupings.iter().enumerate() {
        let of = g.sensitive.join(" ");
        for (name, v) in [
            (
                "demographic parity difference",
                g.demographic_parity_difference,
            ),
            ("demographic parity ratio", g.demographic_parity_ratio),
            ("equalized odds difference", g.equalized_odds_difference),
            ("equalized odds ratio", g.equalized_odds_ratio),
        ] {
            let mut names = vec![format!("{name} {of}")];
            if i == last {
                names.push(name.to_owned());
            }
            out.push(value(&names, v));
        }
    }
    let o = &r.overall;
    for (name, v) in [
        ("accuracy", o.accuracy),
        ("selection rate", o.selection_rate),
        ("true positive rate", o.true_positive_rate),
        ("false positive rate", o.false_positive_rate),
    ] {
        out.push(value(&[name.to_owned()], v));
    }
    out
}

/// The values of a drift report.
pub fn drift_values(r: &DriftReport) -> Vec<Value> {
    let mut out = vec![value(
        &[
            "share of drifted columns".into(),
            "drifted columns share".into(),
            "drift share".into(),
        ],
        r.share_drifted,
    )];
    out.push(value(&["drifted columns".into()], r.drifted_columns as f64));
    for c in &r.columns {
        let col = &c.column;
        out.push(value(&[format!("drift {col}")], c.score));
        if let Some(b) = &c.binned {
            out.push(value(&[format!("psi {col}")], b.psi));
            out.push(value(&[format!("jensen shannon {col}")], b.jensenshannon));
        }
        if let Some(o) = &c.ordered {
            out.push(value(&[format!("wasserstein {col}")], o.wasserstein_norm));
            out.push(value(&[format!("ks p value {col}")], o.ks_pvalue));
        }
    }
    out
}

/// The log's time range as dates `FROM..TO`, when its times are dates.
fn covers(input: &Input) -> Option<String> {
    let t = input.time_range.as_ref()?;
    let day = |s: &str| {
        aims_app::domain::metric::parse_instant(s)
            .map(|at| aims_app::domain::metric::format_instant(at)[..10].to_owned())
    };
    Some(format!("{}..{}", day(&t.from)?, day(&t.to)?))
}

/// Pushes the values to the system's metrics and the report as evidence.
pub async fn push(
    remote: &ServerArgs,
    workspace: &str,
    system: &str,
    what: &str,
    report: &serde_json::Value,
    input: &Input,
    values: &[Value],
) -> Result<serde_json::Value, String> {
    let client = remote.client()?;
    let system_id =
        crate::metrics::find(&client, remote, workspace, "systems", system, None).await?;
    let url = format!(
        "{}/api/v1/workspaces/{workspace}/metrics?linked={system_id}&limit=500",
        remote.base()
    );
    let page = crate::metrics::get(&client, remote, &url).await?;
    let measured_at = input
        .time_range
        .as_ref()
        .and_then(|t| aims_app::domain::metric::parse_instant(&t.to))
        .map(aims_app::domain::metric::format_instant);
    let mut pushed = Vec::new();
    for m in page["items"].as_array().into_iter().flatten() {
        let title = m["title"].as_str().unwrap_or_default();
        let id = m["id"].as_str().unwrap_or_default();
        let key = normalise(title);
        let Some(v) = values.iter().find(|v| v.names.contains(&key)) else {
            continue;
        };
        if !v.value.is_finite() {
            pushed.push(json!({"metric": title, "id": id, "value": null, "skipped": "no value"}));
            continue;
        }
        let mut item =
            json!({"value": v.value, "note": format!("aims monitor {what}: {}", input.file)});
        if let Some(at) = &measured_at {
            item["measured_at"] = json!(at);
        }
        let url = format!(
            "{}/api/v1/workspaces/{workspace}/metrics/{id}/measurements",
            remote.base()
        );
        let resp = client
            .post(&url)
            .bearer_auth(&remote.token)
            .json(&json!({"items": [item]}))
            .send()
            .await
            .map_err(|e| format!("cannot push to {}: {}", remote.base(), describe(&e)))?;
        let status = resp.status();
        let body: serde_json::Value = resp.json().await.unwrap_or_default();
        if !status.is_success() {
            return Err(format!(
                "the server refused the value of {title:?} ({status}): {}",
                body["detail"].as_str().unwrap_or("no details")
            ));
        }
        pushed.push(json!({"metric": title, "id": id, "value": v.value, "level": body["level"], "raised": body["raised"]}));
    }
    // The report itself, for the system's monitoring section and the API.
    let url = format!(
        "{}/api/v1/workspaces/{workspace}/systems/{system_id}/monitoring",
        remote.base()
    );
    let resp = client
        .post(&url)
        .bearer_auth(&remote.token)
        .json(report)
        .send()
        .await
        .map_err(|e| format!("cannot push to {}: {}", remote.base(), describe(&e)))?;
    let status = resp.status();
    let stored: serde_json::Value = resp.json().await.unwrap_or_default();
    if !status.is_success() {
        return Err(format!(
            "the server refused the report ({status}): {}",
            stored["detail"].as_str().unwrap_or("no details")
        ));
    }
    // The report as evidence on A.6.2.6, for the system.
    let scratch = aims_monitor::table::Scratch::new("monitor-push").map_err(|e| e.to_string())?;
    let file = scratch.dir.join(format!("{what}-report.json"));
    let text = serde_json::to_vec_pretty(report).map_err(|e| e.to_string())?;
    std::fs::write(&file, text).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    let name = std::path::Path::new(&input.file)
        .file_name()
        .map_or_else(|| input.file.clone(), |n| n.to_string_lossy().into_owned());
    let title = match covers(input) {
        Some(c) => format!(
            "{} report: {name} ({})",
            capitalised(what),
            c.replace("..", " to ")
        ),
        None => format!("{} report: {name}", capitalised(what)),
    };
    let evidence = crate::evidence::push(
        remote,
        workspace,
        &["A.6.2.6".to_owned()],
        std::slice::from_ref(&system_id),
        covers(input),
        None,
        Some(title),
        None,
        &[file],
    )
    .await?;
    Ok(
        json!({"system": system_id, "measurements": pushed, "evidence": {"id": evidence["id"], "title": evidence["title"]}}),
    )
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// What a push did, as a table.
pub fn print_pushed(p: &serde_json::Value) {
    let ms = p["measurements"].as_array().cloned().unwrap_or_default();
    if ms.is_empty() {
        outln!("No metric of the system is named after these results (e.g. \"Demographic parity difference\", \"Drift: age\"): nothing measured.");
    }
    for m in &ms {
        outln!(
            "{}: {} — {}",
            m["metric"].as_str().unwrap_or(""),
            m["value"],
            m["level"].as_str().or(m["skipped"].as_str()).unwrap_or("")
        );
        for r in m["raised"].as_array().into_iter().flatten() {
            outln!("  opened for the breach: {}", r.as_str().unwrap_or(""));
        }
    }
    outln!(
        "Report filed as evidence on A.6.2.6: {} ({})",
        p["evidence"]["title"].as_str().unwrap_or(""),
        p["evidence"]["id"].as_str().unwrap_or("")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_compare_without_case_or_punctuation() {
        assert_eq!(
            normalise("Demographic parity difference (sex)"),
            "demographic parity difference sex"
        );
        assert_eq!(
            normalise("Equalized odds ratio — sex × race"),
            "equalized odds ratio sex race"
        );
        assert_eq!(normalise("Drift: age"), "drift age");
        assert_eq!(normalise("  PSI  income_band "), "psi income band");
    }
}
