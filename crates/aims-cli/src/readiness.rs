//! `aims readiness --workspace W`: the readiness score, each clause and
//! Annex A area, and the gaps (largest gain first) with where each is fixed;
//! `--format json` prints the whole reading for scripts.

use crate::app_error;
use crate::systems::Format;
use aims_app::{App, Principal};
use serde_json::json;
use std::process::ExitCode;

/// A bar of `width` characters, `percent` of it filled.
fn bar(percent: u8, width: usize) -> String {
    let filled = usize::from(percent.min(100)) * width / 100;
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

pub async fn run(
    app: &App,
    op: &Principal,
    workspace: &str,
    gaps: usize,
    format: Format,
) -> Result<ExitCode, String> {
    let ws = app.enter(op, workspace).await.map_err(app_error)?;
    let r = app.readiness(&ws).await.map_err(app_error)?;
    match format {
        Format::Json => outln!("{}", json!(*r)),
        Format::Table => {
            outln!(
                "Readiness of {} on {}: {}% ({} of {} checks pass, {} gaps)",
                ws.workspace.slug,
                r.today,
                r.overall.percent,
                r.overall.passed,
                r.overall.checks,
                r.gaps.len()
            );
            for (heading, scores) in [("Clauses", &r.clauses), ("Annex A areas", &r.areas)] {
                if scores.is_empty() {
                    continue;
                }
                outln!("{heading}:");
                for s in scores {
                    outln!(
                        "  {:<5} {} {:>3}%  {}",
                        s.id,
                        bar(s.percent, 20),
                        s.percent,
                        s.title
                    );
                }
            }
            for e in &r.eu_ai_act {
                outln!("EU AI Act, {} (high-risk): {}%", e.title, e.percent);
            }
            if !r.gaps.is_empty() {
                let shown = if gaps == 0 {
                    r.gaps.len()
                } else {
                    gaps.min(r.gaps.len())
                };
                outln!("Gaps ({shown} of {}, largest gain first):", r.gaps.len());
                for g in r.gaps.iter().take(shown) {
                    outln!(
                        "  +{:.2}  {:<8} {}: {} [{}] /w/{}/{}",
                        g.gain,
                        g.requirement,
                        g.subject.title,
                        g.missing,
                        g.subject.owner.as_deref().unwrap_or("no owner"),
                        ws.workspace.slug,
                        g.subject.path
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_bar_fills_its_share_of_the_width() {
        assert_eq!(super::bar(0, 4), "░░░░");
        assert_eq!(super::bar(50, 4), "██░░");
        assert_eq!(super::bar(100, 4), "████");
        assert_eq!(super::bar(255, 4), "████");
    }
}
