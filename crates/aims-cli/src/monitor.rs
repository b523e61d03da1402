//! `aims monitor fairness|drift`: fairness and drift of a prediction log,
//! computed here in one streaming pass, printed as a table or JSON, written
//! as a JSON report, and — given a server — pushed as measurements of the
//! system's metrics and as evidence on A.6.2.6.

use crate::remote::ServerArgs;
use crate::systems::Format;
use aims_monitor::drift::StatTest;
use aims_monitor::drift_log::{DriftArgs, DriftReport};
use aims_monitor::fairness_log::{FairnessArgs, FairnessReport};
use aims_monitor::report::Input;
use clap::{Args, Subcommand};
use serde_json::Value;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum MonitorCmd {
    /// Group fairness of a binary classifier's predictions (fairlearn's
    /// definitions): per group and per intersection of the sensitive columns
    Fairness {
        /// The prediction log (CSV)
        #[arg(long)]
        predictions: PathBuf,
        /// The column of true labels
        #[arg(long)]
        label: String,
        /// The column of predicted labels
        #[arg(long)]
        prediction: String,
        /// The sensitive columns, comma-separated
        #[arg(long, value_delimiter = ',', required = true)]
        sensitive: Vec<String>,
        /// A score column (its mean is reported per group)
        #[arg(long)]
        score: Option<String>,
        /// The positive class's value
        #[arg(long, default_value = "1")]
        pos_label: String,
        /// The negative class's value
        #[arg(long, default_value = "0")]
        neg_label: String,
        #[command(flatten)]
        common: Common,
    },
    /// Data drift of each column between a reference and a current log
    /// (PSI, Jensen–Shannon, Kolmogorov–Smirnov, Wasserstein)
    Drift {
        /// The reference log (CSV)
        #[arg(long)]
        reference: PathBuf,
        /// The current log (CSV)
        #[arg(long)]
        current: PathBuf,
        /// The columns to compare, comma-separated (default: every column
        /// both logs have, except the time column)
        #[arg(long, value_delimiter = ',')]
        columns: Option<Vec<String>>,
        /// Columns to read as categories even when they hold numbers
        #[arg(long, value_delimiter = ',')]
        categorical: Vec<String>,
        /// The test behind each verdict: psi, jensenshannon, wasserstein or
        /// ks (default: Wasserstein for numeric columns, Jensen–Shannon for
        /// categorical ones, KS below 1,000 reference values)
        #[arg(long)]
        stattest: Option<StatTest>,
        /// The verdict's threshold (default 0.1; a p-value of 0.05 for ks)
        #[arg(long)]
        threshold: Option<f64>,
        #[command(flatten)]
        common: Common,
    },
}

/// Options both commands take.
#[derive(Args)]
pub struct Common {
    /// The column holding each row's time (default: timestamp, ts, time, …
    /// whichever the log has)
    #[arg(long)]
    time: Option<String>,
    /// Write the JSON report to this file
    #[arg(long)]
    json: Option<PathBuf>,
    /// Worker threads (default: the machine's cores)
    #[arg(long)]
    threads: Option<usize>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Push the results to this server: measurements of the system's
    /// metrics, the report as evidence on A.6.2.6
    #[arg(long, env = "AIMS_SERVER", requires_all = ["token", "workspace", "system"])]
    server: Option<String>,
    /// An API token of the workspace
    #[arg(long, env = "AIMS_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// A PEM file of certificate authorities to trust besides the system's
    #[arg(long, env = "AIMS_CA_CERT")]
    ca_cert: Option<PathBuf>,
    #[arg(long)]
    workspace: Option<String>,
    /// The AI system whose predictions these are (name or id)
    #[arg(long)]
    system: Option<String>,
}

impl Common {
    fn threads(&self) -> usize {
        self.threads
            .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
            .unwrap_or(2)
            .clamp(1, 64)
    }

    fn remote(&self) -> Option<ServerArgs> {
        Some(ServerArgs {
            server: self.server.clone()?,
            token: self.token.clone().unwrap_or_default(),
            ca_cert: self.ca_cert.clone(),
        })
    }
}

/// Runs a monitoring command.
pub async fn run(cmd: MonitorCmd) -> Result<ExitCode, String> {
    match cmd {
        MonitorCmd::Fairness {
            predictions,
            label,
            prediction,
            sensitive,
            score,
            pos_label,
            neg_label,
            common,
        } => {
            let args = FairnessArgs {
                predictions,
                label,
                prediction,
                sensitive,
                score,
                time: common.time.clone(),
                pos_label,
                neg_label,
                threads: common.threads(),
            };
            let report = compute(move |p| aims_monitor::fairness_log::fairness(&args, p)).await?;
            let json = serde_json::to_value(&report).map_err(|e| e.to_string())?;
            finish(
                &common,
                &json,
                &report.input,
                "fairness",
                || print_fairness(&report),
                crate::monitor_push::fairness_values(&report),
            )
            .await
        }
        MonitorCmd::Drift {
            reference,
            current,
            columns,
            categorical,
            stattest,
            threshold,
            common,
        } => {
            let args = DriftArgs {
                reference,
                current,
                columns,
                categorical,
                stattest,
                threshold,
                time: common.time.clone(),
                threads: common.threads(),
            };
            let report = compute(move |p| aims_monitor::drift_log::drift(&args, p)).await?;
            let json = serde_json::to_value(&report).map_err(|e| e.to_string())?;
            finish(
                &common,
                &json,
                &report.current,
                "drift",
                || print_drift(&report),
                crate::monitor_push::drift_values(&report),
            )
            .await
        }
    }
}

/// Runs the computation off the async runtime, with a progress bar.
async fn compute<T: Send + 'static>(
    f: impl FnOnce(&(dyn Fn(u64, u64) + Sync)) -> Result<T, aims_monitor::table::TableError>
        + Send
        + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(move || {
        let bar = crate::progress::bytes(0, "reading");
        let r = f(&|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        });
        bar.finish_and_clear();
        r.map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| format!("the computation stopped: {e}"))?
}

async fn finish(
    common: &Common,
    json: &Value,
    input: &Input,
    what: &str,
    print: impl FnOnce(),
    values: Vec<crate::monitor_push::Value>,
) -> Result<ExitCode, String> {
    if let Some(path) = &common.json {
        let text = serde_json::to_vec_pretty(json).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    match common.format {
        Format::Json if common.remote().is_none() => outln!("{json}"),
        Format::Json => {}
        Format::Table => print(),
    }
    if let Some(remote) = common.remote() {
        let pushed = crate::monitor_push::push(
            &remote,
            common.workspace.as_deref().unwrap_or_default(),
            common.system.as_deref().unwrap_or_default(),
            what,
            json,
            input,
            &values,
        )
        .await?;
        match common.format {
            Format::Json => outln!("{}", serde_json::json!({"report": json, "pushed": pushed})),
            Format::Table => crate::monitor_push::print_pushed(&pushed),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A float as a table shows it.
fn num(v: f64) -> String {
    if v.is_nan() {
        "-".into()
    } else {
        format!("{v:.4}")
    }
}

fn print_input(what: &str, i: &Input) {
    let rejected: Vec<String> = i.rejected.iter().map(|(k, n)| format!("{k} {n}")).collect();
    outln!(
        "{what} {}: {} rows, {} used{}",
        i.file,
        i.rows,
        i.rows_used,
        if rejected.is_empty() {
            String::new()
        } else {
            format!(" (set aside: {})", rejected.join(", "))
        }
    );
    if let Some(t) = &i.time_range {
        outln!("  {} from {} to {}", t.column, t.from, t.to);
    }
}

fn print_fairness(r: &FairnessReport) {
    print_input("Predictions", &r.input);
    let o = &r.overall;
    outln!(
        "Overall: {} rows, selection rate {}, accuracy {}, TPR {}, FPR {}",
        o.count,
        num(o.selection_rate),
        num(o.accuracy),
        num(o.true_positive_rate),
        num(o.false_positive_rate)
    );
    for g in &r.groupings {
        outln!("");
        outln!("By {}", g.sensitive.join(" × "));
        outln!(
            "  {:<24} {:>10} {:>10} {:>10} {:>8} {:>8}",
            "GROUP",
            "COUNT",
            "SELECTION",
            "ACCURACY",
            "TPR",
            "FPR"
        );
        for grp in &g.groups {
            let m = &grp.metrics;
            outln!(
                "  {:<24} {:>10} {:>10} {:>10} {:>8} {:>8}",
                grp.values.join(" × "),
                m.count,
                num(m.selection_rate),
                num(m.accuracy),
                num(m.true_positive_rate),
                num(m.false_positive_rate)
            );
        }
        outln!(
            "  demographic parity: difference {}, ratio {}",
            num(g.demographic_parity_difference),
            num(g.demographic_parity_ratio)
        );
        outln!(
            "  equalized odds:     difference {}, ratio {}",
            num(g.equalized_odds_difference),
            num(g.equalized_odds_ratio)
        );
    }
}

fn print_drift(r: &DriftReport) {
    print_input("Reference", &r.reference);
    print_input("Current", &r.current);
    outln!(
        "{:<20} {:<11} {:<13} {:>9} {:>9}  {:<5} {:>8} {:>8} {:>10} {:>9}",
        "COLUMN",
        "KIND",
        "TEST",
        "SCORE",
        "THRESHOLD",
        "DRIFT",
        "PSI",
        "JS",
        "KS P",
        "WASSERST."
    );
    for c in &r.columns {
        let (psi, js) = c
            .binned
            .as_ref()
            .map_or((f64::NAN, f64::NAN), |b| (b.psi, b.jensenshannon));
        let (ks, w) = c
            .ordered
            .map_or((f64::NAN, f64::NAN), |o| (o.ks_pvalue, o.wasserstein_norm));
        outln!(
            "{:<20} {:<11} {:<13} {:>9} {:>9}  {:<5} {:>8} {:>8} {:>10} {:>9}",
            c.column,
            c.kind,
            c.stattest.key(),
            num(c.score),
            c.threshold,
            if c.drifted { "yes" } else { "no" },
            num(psi),
            num(js),
            if ks.is_nan() {
                "-".into()
            } else {
                format!("{ks:.3e}")
            },
            num(w)
        );
    }
    outln!(
        "{} of {} columns drifted",
        r.drifted_columns,
        r.columns.len()
    );
}
