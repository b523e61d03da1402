//! Exports: a list of records of any kind, as a [`Table`] of text cells, written
//! as CSV, JSON or XLSX. Every kind of record exports through here, so every
//! export behaves the same: the same columns in every format, cells that
//! spreadsheet programs would run as formulas neutralised, text never typed as
//! anything else.

use std::fmt;
use std::str::FromStr;

pub mod doc;
pub mod read;

pub use read::{normalise_header, read_sheet, ReadError, ReadLimits, Sheet, SheetFormat, SheetRow};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Xlsx,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Csv, Format::Json, Format::Xlsx];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Xlsx => "xlsx",
        }
    }

    /// The format a request names, CSV when it names none (absent or empty).
    pub fn from_param(raw: Option<&str>) -> Result<Format, String> {
        raw.filter(|f| !f.is_empty())
            .map_or(Ok(Format::Csv), str::parse)
    }

    /// The media type of a file in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| "must be csv, json or xlsx".to_owned())
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Rows of text under named columns. `sheet` names the XLSX worksheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub sheet: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("a row has {found} cells for {expected} columns")]
    Shape { expected: usize, found: usize },
    #[error("cannot write the file: {0}")]
    Write(String),
}

/// A cell that a spreadsheet program would evaluate (`=`, `+`, `-`, `@`, tab,
/// carriage return first) gets a leading apostrophe, so an exported record
/// can never run as a formula on the reader's machine (CSV injection).
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// Writes `table` in `format`.
pub fn write(table: &Table, format: Format) -> Result<Vec<u8>, ExportError> {
    if let Some(row) = table.rows.iter().find(|r| r.len() != table.columns.len()) {
        return Err(ExportError::Shape {
            expected: table.columns.len(),
            found: row.len(),
        });
    }
    match format {
        Format::Csv => csv_bytes(table),
        Format::Json => json_bytes(table),
        Format::Xlsx => xlsx_bytes(table),
    }
}

fn csv_bytes(table: &Table) -> Result<Vec<u8>, ExportError> {
    let err = |e: csv::Error| ExportError::Write(e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&table.columns).map_err(err)?;
    for row in &table.rows {
        w.write_record(row.iter().map(|c| neutralise(c)))
            .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| ExportError::Write(e.to_string()))
}

fn json_bytes(table: &Table) -> Result<Vec<u8>, ExportError> {
    let items: Vec<serde_json::Value> = table
        .rows
        .iter()
        .map(|row| {
            serde_json::Value::Object(
                table
                    .columns
                    .iter()
                    .cloned()
                    .zip(row.iter().map(|c| serde_json::Value::String(c.clone())))
                    .collect(),
            )
        })
        .collect();
    serde_json::to_vec_pretty(&serde_json::json!({ "items": items }))
        .map_err(|e| ExportError::Write(e.to_string()))
}

fn xlsx_bytes(table: &Table) -> Result<Vec<u8>, ExportError> {
    write_workbook(std::slice::from_ref(table))
}

/// Writes several tables as one XLSX workbook, a worksheet each, in order
/// (a register with its actions and its method as a legend).
pub fn write_workbook(tables: &[Table]) -> Result<Vec<u8>, ExportError> {
    let err = |e: rust_xlsxwriter::XlsxError| ExportError::Write(e.to_string());
    let mut book = rust_xlsxwriter::Workbook::new();
    for table in tables {
        if let Some(row) = table.rows.iter().find(|r| r.len() != table.columns.len()) {
            return Err(ExportError::Shape {
                expected: table.columns.len(),
                found: row.len(),
            });
        }
        add_sheet(&mut book, table)?;
    }
    book.save_to_buffer().map_err(err)
}

fn add_sheet(book: &mut rust_xlsxwriter::Workbook, table: &Table) -> Result<(), ExportError> {
    use rust_xlsxwriter::Format as CellFormat;
    let err = |e: rust_xlsxwriter::XlsxError| ExportError::Write(e.to_string());
    let sheet = book.add_worksheet();
    let name: String = table
        .sheet
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    sheet
        .set_name(if name.is_empty() { "Export" } else { &name })
        .map_err(err)?;
    let bold = CellFormat::new().set_bold();
    for (col, title) in table.columns.iter().enumerate() {
        let col = u16::try_from(col).map_err(|_| ExportError::Write("too many columns".into()))?;
        sheet
            .write_string_with_format(0, col, title, &bold)
            .map_err(err)?;
        sheet.set_column_width(col, 18).map_err(err)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| ExportError::Write("too many rows".into()))?;
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| ExportError::Write("too many columns".into()))?;
            // Always text: never a formula, a number or a date by accident.
            sheet.write_string(r, c, cell).map_err(err)?;
        }
    }
    if !table.columns.is_empty() {
        let last_col = u16::try_from(table.columns.len() - 1).unwrap_or(0);
        let last_row = u32::try_from(table.rows.len()).unwrap_or(0);
        sheet.autofilter(0, 0, last_row, last_col).map_err(err)?;
        sheet.set_freeze_panes(1, 0).map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            sheet: "AI systems".into(),
            columns: vec!["name".into(), "purpose".into()],
            rows: vec![
                vec!["Claims, triage".into(), "Says \"hi\"\nand more".into()],
                vec!["=HYPERLINK(\"x\")".into(), "-1+2".into()],
            ],
        }
    }

    #[test]
    fn a_workbook_holds_one_sheet_per_table_in_order() {
        let mut second = table();
        second.sheet = "Method".into();
        second.rows.truncate(1);
        let bytes = write_workbook(&[table(), second.clone()]).unwrap();
        use calamine::Reader as _;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["AI systems", "Method"]);
        let rows = |book: &mut calamine::Xlsx<_>, name: &str| {
            book.worksheet_range(name).unwrap().rows().count()
        };
        assert_eq!(rows(&mut book, "AI systems"), 3);
        assert_eq!(rows(&mut book, "Method"), 2);
        second.rows.push(vec!["short".into()]);
        assert!(matches!(
            write_workbook(&[second]),
            Err(ExportError::Shape {
                expected: 2,
                found: 1
            })
        ));
    }

    #[test]
    fn formats_parse_and_name_their_media_type() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>().unwrap(), f);
            assert_eq!(f.to_string(), f.as_str());
        }
        assert!("xls".parse::<Format>().is_err());
        assert_eq!(Format::from_param(None), Ok(Format::Csv));
        assert_eq!(Format::from_param(Some("")), Ok(Format::Csv));
        assert_eq!(Format::from_param(Some("xlsx")), Ok(Format::Xlsx));
        assert!(Format::from_param(Some("pdf")).is_err());
        assert!(Format::Xlsx.content_type().contains("spreadsheetml"));
        assert!(Format::Csv.content_type().starts_with("text/csv"));
        assert_eq!(Format::Json.content_type(), "application/json");
    }

    #[test]
    fn csv_quotes_and_neutralises_formulas() {
        let text = String::from_utf8(write(&table(), Format::Csv).unwrap()).unwrap();
        assert_eq!(
            text,
            "name,purpose\n\"Claims, triage\",\"Says \"\"hi\"\"\nand more\"\n\"'=HYPERLINK(\"\"x\"\")\",'-1+2\n"
        );
        for (cell, safe) in [
            ("=1", "'=1"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@x", "'@x"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("a=1", "a=1"),
            ("", ""),
        ] {
            assert_eq!(neutralise(cell), safe);
        }
    }

    #[test]
    fn json_keeps_every_value_as_text() {
        let v: serde_json::Value =
            serde_json::from_slice(&write(&table(), Format::Json).unwrap()).unwrap();
        assert_eq!(v["items"][0]["name"], "Claims, triage");
        assert_eq!(v["items"][1]["purpose"], "-1+2");
        assert_eq!(v["items"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn xlsx_is_a_workbook() {
        let bytes = write(&table(), Format::Xlsx).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"), "a zip file");
        assert!(bytes.len() > 1000);
        let empty = Table {
            sheet: "[bad]:name/".into(),
            columns: vec![],
            rows: vec![],
        };
        assert!(write(&empty, Format::Xlsx).is_ok());
    }

    #[test]
    fn ragged_rows_are_refused() {
        let mut t = table();
        t.rows.push(vec!["only one".into()]);
        for f in Format::ALL {
            assert!(matches!(
                write(&t, f),
                Err(ExportError::Shape {
                    expected: 2,
                    found: 1
                })
            ));
        }
    }
}
