//! `aims discover PATH`: shadow-AI discovery. Scans a source tree for AI
//! libraries, model-API clients, model files and SBOM components, prints the
//! inventory entries it proposes with where and why, and with
//! `--apply --workspace W` adds the ones not in the inventory yet.

use crate::app_error;
use crate::systems::Format;
use aims_app::domain::record::{kind, Input};
use aims_app::{App, Principal};
use aims_interchange::discover::{propose_in, scan, Proposal, ScanLimits};
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;

/// Scans `path` and returns the proposals, with a spinner while it walks.
pub fn proposals(path: &Path) -> Result<(Vec<Proposal>, usize, Vec<String>), String> {
    let bar = crate::progress::spinner("scanning");
    let result = scan(path, &ScanLimits::default(), &mut |n| {
        bar.set_message(format!("scanning: {n} files"));
    });
    bar.finish_and_clear();
    let s = result.map_err(|e| format!("cannot scan {}: {e}", path.display()))?;
    Ok((
        propose_in(&s.findings, &s.root_name),
        s.files_seen,
        s.skipped,
    ))
}

pub fn print(proposals: &[Proposal], files: usize, skipped: &[String], format: Format) {
    match format {
        Format::Json => outln!(
            "{}",
            json!({"files_seen": files, "skipped": skipped, "proposals": proposals})
        ),
        Format::Table => {
            outln!(
                "{} files looked at; {} proposed inventory entries",
                files,
                proposals.len()
            );
            for p in proposals {
                outln!("\n{} {}", p.kind.trim_end_matches('s'), p.name);
                for e in &p.evidence {
                    let at = e.line.map_or(String::new(), |l| format!(":{l}"));
                    outln!("  {} {} in {}{at} — {}", e.category, e.name, e.path, e.why);
                }
            }
            for s in skipped {
                outln!("skipped {s}");
            }
        }
    }
}

/// Adds every proposal whose name is not in the inventory yet.
pub async fn apply(
    app: &App,
    op: &Principal,
    workspace: &str,
    proposals: &[Proposal],
) -> Result<ExitCode, String> {
    let ws = app.enter(op, workspace).await.map_err(app_error)?;
    let (mut added, mut known) = (0, 0);
    for p in proposals {
        let Some(k) = kind(p.kind) else { continue };
        let existing = app
            .all_records(&ws, k, &Default::default())
            .await
            .map_err(app_error)?;
        if existing
            .iter()
            .any(|r| r.title.eq_ignore_ascii_case(&p.name))
        {
            known += 1;
            continue;
        }
        let mut fields = p.fields.clone();
        fields.retain(|name, _| k.field(name).is_some());
        fields.insert(k.title_field().name.into(), json!(p.name));
        app.create_record(&ws, k, Input::Json(&fields))
            .await
            .map_err(app_error)?;
        outln!("added {} {}", k.singular, p.name);
        added += 1;
    }
    outln!("{added} added, {known} already in the inventory");
    Ok(ExitCode::SUCCESS)
}
