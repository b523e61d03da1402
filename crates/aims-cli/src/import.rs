//! `aims systems import`: CSV and XLSX through the tabular import of any
//! kind, model cards and CycloneDX BOMs through the inventory import; the
//! format is detected per file. A progress bar follows long files.

use crate::app_error;
use crate::systems::Format;
use aims_app::{App, AppError, ImportMode, Scope};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

/// What every `import` command takes besides its workspace.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// Check every row and report; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Write the sound rows and report the others (default: all or nothing)
    #[arg(long, conflicts_with = "dry_run")]
    pub sound_rows: bool,
    /// Map a column aims does not recognise to a field: `--column "Prob=inherent_likelihood"`
    /// (`--column "Notes="` ignores it); repeat for more. A dry run lists the unrecognised ones.
    #[arg(long = "column", value_name = "HEADER=FIELD")]
    pub columns: Vec<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

impl ImportArgs {
    fn mode(&self) -> ImportMode {
        if self.dry_run {
            ImportMode::DryRun
        } else if self.sound_rows {
            ImportMode::SoundRowsOnly
        } else {
            ImportMode::AllOrNothing
        }
    }

    /// `HEADER=FIELD` pairs, split at the last `=` (a header may hold one).
    fn mapping(&self) -> Result<Vec<(String, String)>, String> {
        self.columns
            .iter()
            .map(|c| {
                c.rsplit_once('=')
                    .map(|(h, f)| (h.trim().to_owned(), f.trim().to_owned()))
                    .filter(|(h, _)| !h.is_empty())
                    .ok_or_else(|| format!("--column {c}: expected HEADER=FIELD"))
            })
            .collect()
    }
}

pub async fn run(app: &App, ws: &Scope, kind: &str, args: &ImportArgs) -> Result<ExitCode, String> {
    let (mode, format, files) = (args.mode(), args.format, &args.files);
    let mapping = args.mapping()?;
    let Some(kind) = aims_app::domain::record::kind(kind) else {
        let names: Vec<&str> = aims_app::domain::record::KINDS
            .iter()
            .map(|k| k.name)
            .collect();
        return Err(format!("--kind must be one of: {}", names.join(", ")));
    };
    let mut reports: Vec<Value> = vec![];
    let mut failed = false;
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let report = if aims_app::is_inventory_file(&name, &bytes) {
            app.import_inventory_file(ws, &name, &bytes, mode)
                .await
                .map(|r| json!(r))
        } else {
            let bar = crate::progress::bar(0, &name);
            let progress = |done: usize, total: usize| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            };
            let r = app
                .import_table_mapped(ws, kind, &bytes, mode, &mapping, &progress)
                .await;
            bar.finish_and_clear();
            r.map(|r| json!(r))
        };
        let report = match report {
            Ok(r) => r,
            Err(AppError::Validation(e)) => {
                failed = true;
                json!({"file": path.display().to_string(), "error": e.summary()})
            }
            Err(e) => return Err(app_error(e)),
        };
        let mut report = report;
        report["file"] = json!(path.display().to_string());
        if report["written"] == false && mode != ImportMode::DryRun {
            failed = true;
        }
        reports.push(report);
    }
    match format {
        Format::Json => outln!("{}", json!({ "files": reports })),
        Format::Table => {
            for r in &reports {
                print_report(r, mode);
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_report(r: &Value, mode: ImportMode) {
    let file = r["file"].as_str().unwrap_or("");
    if let Some(e) = r["error"].as_str() {
        outln!("{file}: {e}");
        return;
    }
    let n = |k: &str| r[k].as_u64().unwrap_or(0);
    let verb = if r["written"] == true {
        "imported"
    } else if mode == ImportMode::DryRun {
        "checked (dry run, nothing written)"
    } else {
        "refused (nothing written)"
    };
    outln!(
        "{file}: {verb}: {} created, {} updated, {} unchanged{}{}",
        n("created"),
        n("updated"),
        n("unchanged"),
        if n("links_added") > 0 {
            format!(", {} links added", n("links_added"))
        } else {
            String::new()
        },
        if n("skipped") > 0 {
            format!(", {} rows skipped", n("skipped"))
        } else {
            String::new()
        },
    );
    for p in r["problems"].as_array().into_iter().flatten() {
        match p {
            Value::String(s) => outln!("  problem: {s}"),
            p => outln!(
                "  line {}, {}: {}",
                p["line"],
                p["column"].as_str().or(p["field"].as_str()).unwrap_or(""),
                p["message"].as_str().unwrap_or("")
            ),
        }
    }
    for w in r["warnings"].as_array().into_iter().flatten() {
        outln!("  note: {}", w.as_str().unwrap_or(""));
    }
    if n("foreign_ids") > 0 {
        outln!(
            "  note: {} row(s) named an id of no record here: matched by name or added as new",
            n("foreign_ids")
        );
    }
    for c in r["ignored_columns"].as_array().into_iter().flatten() {
        outln!("  ignored column: {}", c.as_str().unwrap_or(""));
    }
}
