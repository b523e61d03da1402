//! Reports: the seven kinds an AIMS owner hands to auditors and top
//! management (`aims report gap|soa|risks|impact|audit|review|summary`),
//! each built once as a [`ReportDoc`] and written as PDF (by the
//! [`Typesetter`] the binary plugs in), as XLSX, CSV or JSON. The kinds with
//! a register of their own (gap, SoA, risks, impact) keep their full
//! tables in XLSX/CSV/JSON; the others write the document's tables.

use crate::report_doc::{ReportDoc, Typesetter};
use crate::{App, AppError, Result, Scope};
use aims_domain::Action;
use aims_export::Format;
use std::str::FromStr;
use std::sync::Arc;

/// The kinds of report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    Gap,
    Soa,
    Risks,
    Impact,
    Audit,
    Review,
    Summary,
}

impl ReportKind {
    pub const ALL: [ReportKind; 7] = [
        ReportKind::Gap,
        ReportKind::Soa,
        ReportKind::Risks,
        ReportKind::Impact,
        ReportKind::Audit,
        ReportKind::Review,
        ReportKind::Summary,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            ReportKind::Gap => "gap",
            ReportKind::Soa => "soa",
            ReportKind::Risks => "risks",
            ReportKind::Impact => "impact",
            ReportKind::Audit => "audit",
            ReportKind::Review => "review",
            ReportKind::Summary => "summary",
        }
    }

    pub const fn title(self) -> &'static str {
        match self {
            ReportKind::Gap => "Gap report",
            ReportKind::Soa => "Statement of Applicability",
            ReportKind::Risks => "Risk register and treatment plan",
            ReportKind::Impact => "AI system impact assessments",
            ReportKind::Audit => "Internal audit report",
            ReportKind::Review => "Management review record",
            ReportKind::Summary => "Readiness summary for top management",
        }
    }

    /// Whether the report is of one record (an audit, a review).
    pub const fn of_one_record(self) -> bool {
        matches!(self, ReportKind::Audit | ReportKind::Review)
    }
}

impl FromStr for ReportKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        ReportKind::ALL
            .into_iter()
            .find(|k| k.key() == s)
            .ok_or_else(|| {
                format!(
                    "must be one of gap, soa, risks, impact, audit, review or summary, not {s:?}"
                )
            })
    }
}

/// Rows of a table a PDF holds at most (some 60 pages of the gap
/// report); the XLSX and JSON files hold every row.
pub const PDF_MAX_ROWS: usize = 2000;

/// What a report is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Pdf,
    File(Format),
}

impl FromStr for ReportFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "pdf" => Ok(ReportFormat::Pdf),
            other => other
                .parse()
                .map(ReportFormat::File)
                .map_err(|_| format!("must be pdf, xlsx, csv or json, not {s:?}")),
        }
    }
}

impl ReportFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            ReportFormat::Pdf => "application/pdf",
            ReportFormat::File(f) => f.content_type(),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Pdf => "pdf",
            ReportFormat::File(f) => f.as_str(),
        }
    }
}

/// Which record a report is of, where the kind has several.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportOf {
    /// The audit or review (the latest when absent).
    pub id: Option<String>,
    /// The SoA version (the latest when absent).
    pub soa_version: Option<i64>,
}

impl App {
    /// Typesets PDF reports with `t`.
    pub fn with_typesetter(mut self, t: Arc<dyn Typesetter>) -> App {
        self.typesetter = Some(t);
        self
    }

    /// Whether this instance can make PDF reports.
    pub fn can_typeset(&self) -> bool {
        self.typesetter.is_some()
    }

    /// The report `kind` (of the record `of` names) as a document.
    pub async fn report_doc(
        &self,
        ws: &Scope,
        kind: ReportKind,
        of: &ReportOf,
    ) -> Result<ReportDoc> {
        ws.require(Action::Read)?;
        let id = of.id.as_deref();
        match kind {
            ReportKind::Gap => self.gap_doc(ws).await,
            ReportKind::Soa => self.soa_doc(ws, of.soa_version).await,
            ReportKind::Risks => self.risks_doc(ws).await,
            ReportKind::Impact => self.impact_doc(ws).await,
            ReportKind::Audit => self.audit_doc(ws, id).await,
            ReportKind::Review => self.review_doc(ws, id).await,
            ReportKind::Summary => self.summary_doc(ws).await,
        }
    }

    /// The report `kind` (of the record `of` names) as a file in `format`.
    pub async fn report_file(
        &self,
        ws: &Scope,
        kind: ReportKind,
        of: &ReportOf,
        format: ReportFormat,
    ) -> Result<Vec<u8>> {
        ws.require(Action::Export)?;
        let table_format = match format {
            ReportFormat::Pdf => {
                let doc = self.report_doc(ws, kind, of).await?;
                return self.typeset(doc).await;
            }
            ReportFormat::File(f) => f,
        };
        match kind {
            ReportKind::Gap => self.readiness_export(ws, table_format).await,
            ReportKind::Soa => self.soa_export(ws, of.soa_version, table_format).await,
            ReportKind::Risks => {
                let kind = crate::risks_kind();
                self.export_records(ws, kind, &Default::default(), table_format)
                    .await
            }
            ReportKind::Impact => self.impact_export(ws, table_format).await,
            ReportKind::Audit | ReportKind::Review | ReportKind::Summary => {
                let doc = self.report_doc(ws, kind, of).await?;
                doc_file(&doc, table_format)
            }
        }
    }

    /// `doc` as PDF, typeset on a blocking thread (two at once at most;
    /// tables cut at [`PDF_MAX_ROWS`]).
    pub async fn typeset(&self, mut doc: ReportDoc) -> Result<Vec<u8>> {
        let t = self.typesetter.clone().ok_or_else(|| {
            AppError::field(
                "format",
                "this build of aims makes no PDF (it was built without the pdf feature)",
            )
        })?;
        let permit = Arc::clone(&self.typesetting)
            .try_acquire_owned()
            .map_err(|_| AppError::Unavailable {
                message: "two PDF reports are being typeset already; try again in a moment".into(),
                retry_after_secs: 5,
            })?;
        doc.limit_rows(PDF_MAX_ROWS);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            t.pdf(&doc)
        })
        .await
        .map_err(|e| AppError::Internal(format!("typesetting stopped: {e}")))?
        .map_err(|e| AppError::Internal(format!("typesetting failed: {e}")))
    }
}

/// A document's tables as a file: XLSX (one sheet each), CSV (the first
/// table after the summary, else the summary) or JSON (the whole document).
pub fn doc_file(doc: &ReportDoc, format: Format) -> Result<Vec<u8>> {
    let internal = |e: aims_export::ExportError| AppError::Internal(e.to_string());
    match format {
        Format::Json => {
            serde_json::to_vec_pretty(doc).map_err(|e| AppError::Internal(e.to_string()))
        }
        Format::Xlsx => aims_export::write_workbook(&doc.tables()).map_err(internal),
        Format::Csv => {
            let tables = doc.tables();
            let main = tables.get(1).or(tables.first()).ok_or_else(|| {
                AppError::Internal("a report always has its summary table".into())
            })?;
            aims_export::write(main, Format::Csv).map_err(internal)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_formats_parse_from_their_names_only() {
        for k in ReportKind::ALL {
            assert_eq!(k.key().parse::<ReportKind>(), Ok(k));
        }
        assert!("Gap".parse::<ReportKind>().is_err());
        assert_eq!("pdf".parse(), Ok(ReportFormat::Pdf));
        assert_eq!("xlsx".parse(), Ok(ReportFormat::File(Format::Xlsx)));
        let e = "docx".parse::<ReportFormat>().unwrap_err();
        assert!(e.contains("pdf, xlsx, csv or json"), "{e}");
        assert_eq!(ReportFormat::Pdf.extension(), "pdf");
        assert_eq!(ReportFormat::Pdf.content_type(), "application/pdf");
        assert!(ReportKind::Audit.of_one_record() && ReportKind::Review.of_one_record());
        assert!(!ReportKind::Gap.of_one_record());
    }

    #[test]
    fn a_document_with_only_its_summary_writes_that_as_csv() {
        let d = ReportDoc::new("R", "s".into(), "Acme", "2026-11-27");
        let csv = String::from_utf8(doc_file(&d, Format::Csv).unwrap()).unwrap();
        assert!(csv.starts_with("Item,Value"), "{csv}");
        let json: serde_json::Value =
            serde_json::from_slice(&doc_file(&d, Format::Json).unwrap()).unwrap();
        assert_eq!(json["title"], "R");
    }
}
