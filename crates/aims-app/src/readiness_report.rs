//! The gap report: readiness as tables — the summary (overall, clauses,
//! Annex A areas), every gap with what is missing, why, where and who owns
//! it, each system's score and the EU AI Act obligations of high-risk
//! systems — as an XLSX workbook of four sheets, or the gaps alone as CSV,
//! or the whole reading as JSON.

use crate::{App, AppError, Result, Scope};
use aims_domain::readiness::{Readiness, Score};
use aims_export::{write, write_workbook, Format, Table};

fn table(sheet: &str, columns: &[&str], rows: Vec<Vec<String>>) -> Table {
    Table {
        sheet: sheet.into(),
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        rows,
    }
}

fn score_rows(kind: &str, scores: &[Score]) -> Vec<Vec<String>> {
    scores
        .iter()
        .map(|s| {
            vec![
                kind.to_owned(),
                s.id.clone(),
                s.title.clone(),
                s.percent.to_string(),
                s.passed.to_string(),
                s.checks.to_string(),
            ]
        })
        .collect()
}

/// The four sheets of the gap report.
pub fn gap_tables(r: &Readiness, workspace: &str) -> Vec<Table> {
    let mut summary = vec![vec![
        "overall".to_owned(),
        workspace.to_owned(),
        format!("Readiness on {}", r.today),
        r.overall.percent.to_string(),
        r.overall.passed.to_string(),
        r.overall.checks.to_string(),
    ]];
    summary.extend(score_rows("clause", &r.clauses));
    summary.extend(score_rows("Annex A area", &r.areas));
    summary.extend(score_rows("requirement", &r.requirements));
    let gaps = r
        .gaps
        .iter()
        .map(|g| {
            vec![
                g.requirement.clone(),
                g.requirement_title.clone(),
                g.missing.clone(),
                g.why.to_owned(),
                g.subject.title.clone(),
                g.subject.path.clone(),
                g.subject.owner.clone().unwrap_or_default(),
                format!("{:.2}", g.gain),
            ]
        })
        .collect();
    let systems = score_rows("system", &r.systems);
    let mut eu = Vec::new();
    for e in &r.eu_ai_act {
        for (article, ready, missing) in &e.obligations {
            eu.push(vec![
                e.title.clone(),
                e.system_id.clone(),
                article.clone(),
                if *ready { "ready" } else { "not ready" }.to_owned(),
                missing.join(", "),
            ]);
        }
    }
    vec![
        table(
            "Summary",
            &["Level", "Id", "Title", "Percent", "Checks passed", "Checks"],
            summary,
        ),
        table(
            "Gaps",
            &[
                "Requirement",
                "Requirement title",
                "What is missing",
                "Why it matters",
                "Where",
                "Page",
                "Owner",
                "Points",
            ],
            gaps,
        ),
        table(
            "Systems",
            &[
                "Level",
                "Id",
                "System",
                "Percent",
                "Checks passed",
                "Checks",
            ],
            systems,
        ),
        table(
            "EU AI Act",
            &[
                "System",
                "System id",
                "Obligation",
                "Status",
                "Controls not ready",
            ],
            eu,
        ),
    ]
}

impl App {
    /// The gap report as `format`: XLSX (four sheets), CSV (the gaps) or JSON (everything).
    pub async fn readiness_export(&self, ws: &Scope, format: Format) -> Result<Vec<u8>> {
        ws.require(aims_domain::Action::Export)?;
        let r = self.readiness(ws).await?;
        let export = |e: aims_export::ExportError| AppError::Internal(format!("gap report: {e}"));
        match format {
            Format::Json => serde_json::to_vec_pretty(&*r)
                .map_err(|e| AppError::Internal(format!("gap report: {e}"))),
            Format::Csv => {
                let tables = gap_tables(&r, &ws.workspace.slug);
                write(&tables[1], Format::Csv).map_err(export)
            }
            Format::Xlsx => write_workbook(&gap_tables(&r, &ws.workspace.slug)).map_err(export),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aims_domain::readiness::{assess, Snapshot};

    #[test]
    fn the_report_has_four_sheets_and_a_row_per_gap() {
        let r = assess(&Snapshot {
            today: "2026-11-27".into(),
            ..Snapshot::default()
        });
        let t = gap_tables(&r, "acme");
        let names: Vec<&str> = t.iter().map(|t| t.sheet.as_str()).collect();
        assert_eq!(names, ["Summary", "Gaps", "Systems", "EU AI Act"]);
        assert_eq!(t[1].rows.len(), r.gaps.len());
        assert!(!r.gaps.is_empty());
        assert_eq!(t[0].rows[0][3], r.overall.percent.to_string());
        assert!(t
            .iter()
            .all(|t| t.rows.iter().all(|row| row.len() == t.columns.len())));
    }
}
