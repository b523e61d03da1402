//! A report as a document: a title, then blocks (headings, paragraphs,
//! facts, tables, bar charts). Every report kind is built into this one
//! shape (in aims-app); a [`Typesetter`] (`aims-pdf`) turns it into PDF,
//! the pages into printable HTML, and its tables make the XLSX, CSV and
//! JSON files of the kinds with no register of their own. Plain data, no
//! I/O.

use serde::Serialize;

/// Turns a report into PDF. The binary plugs in `aims-pdf` (typst), kept
/// out of the everyday build.
pub trait Typesetter: Send + Sync {
    fn pdf(&self, doc: &ReportDoc) -> Result<Vec<u8>, String>;
}

/// A whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportDoc {
    /// What it is ("Gap report").
    pub title: String,
    /// What it is about ("Acme AI — readiness on 27 November 2026").
    pub subtitle: String,
    /// The workspace's name.
    pub organisation: String,
    /// The day it was made, `YYYY-MM-DD`.
    pub generated_on: String,
    pub blocks: Vec<Block>,
}

/// One part of a report, in reading order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A section heading (level 1) or sub-heading (level 2).
    Heading {
        level: u8,
        text: String,
    },
    Paragraph {
        text: String,
    },
    /// Name–value pairs, set as a two-column table.
    Facts {
        rows: Vec<(String, String)>,
    },
    /// A table with a header row; `widths` are relative column widths.
    Table {
        caption: String,
        columns: Vec<String>,
        widths: Vec<u8>,
        rows: Vec<Vec<String>>,
        /// Said instead of an empty table.
        empty: String,
    },
    /// Horizontal bars of percentages (0–100), one per label.
    Bars {
        caption: String,
        bars: Vec<Bar>,
    },
    /// A bulleted list.
    List {
        items: Vec<String>,
        empty: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    pub label: String,
    pub percent: u8,
    /// Shown after the bar ("12 of 15 checks").
    pub note: String,
}

impl ReportDoc {
    pub fn new(title: &str, subtitle: String, organisation: &str, generated_on: &str) -> Self {
        ReportDoc {
            title: title.to_owned(),
            subtitle,
            organisation: organisation.to_owned(),
            generated_on: generated_on.to_owned(),
            blocks: vec![],
        }
    }

    pub fn heading(&mut self, level: u8, text: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Heading {
            level,
            text: text.into(),
        });
        self
    }

    pub fn paragraph(&mut self, text: impl Into<String>) -> &mut Self {
        let text = text.into();
        if !text.trim().is_empty() {
            self.blocks.push(Block::Paragraph { text });
        }
        self
    }

    pub fn facts<K: Into<String>, V: Into<String>>(
        &mut self,
        rows: impl IntoIterator<Item = (K, V)>,
    ) -> &mut Self {
        self.blocks.push(Block::Facts {
            rows: rows
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        });
        self
    }

    /// A table; `columns` pairs each header with its relative width.
    pub fn table(
        &mut self,
        caption: &str,
        columns: &[(&str, u8)],
        rows: Vec<Vec<String>>,
        empty: &str,
    ) -> &mut Self {
        self.blocks.push(Block::Table {
            caption: caption.to_owned(),
            columns: columns.iter().map(|(c, _)| (*c).to_owned()).collect(),
            widths: columns.iter().map(|(_, w)| *w).collect(),
            rows,
            empty: empty.to_owned(),
        });
        self
    }

    pub fn bars(&mut self, caption: &str, bars: Vec<Bar>) -> &mut Self {
        self.blocks.push(Block::Bars {
            caption: caption.to_owned(),
            bars,
        });
        self
    }

    pub fn list(&mut self, items: Vec<String>, empty: &str) -> &mut Self {
        self.blocks.push(Block::List {
            items,
            empty: empty.to_owned(),
        });
        self
    }

    /// Keeps at most `max` rows of each table, saying under a shortened
    /// one how many there are and where to find them all.
    pub fn limit_rows(&mut self, max: usize) {
        let mut out = Vec::with_capacity(self.blocks.len());
        for mut b in std::mem::take(&mut self.blocks) {
            let mut note = None;
            if let Block::Table { rows, .. } = &mut b {
                if rows.len() > max {
                    note = Some(Block::Paragraph {
                        text: format!(
                            "The first {max} of {} rows; the XLSX and JSON files hold them all.",
                            rows.len()
                        ),
                    });
                    rows.truncate(max);
                }
            }
            out.push(b);
            out.extend(note);
        }
        self.blocks = out;
    }

    /// The report's tables as sheets, for XLSX and CSV: the facts of the
    /// whole report first, then each table under its caption.
    pub fn tables(&self) -> Vec<crate::Table> {
        let mut facts = vec![
            vec!["Report".to_owned(), self.title.clone()],
            vec!["About".to_owned(), self.subtitle.clone()],
            vec!["Organisation".to_owned(), self.organisation.clone()],
            vec!["Generated on".to_owned(), self.generated_on.clone()],
        ];
        let mut out = vec![];
        for b in &self.blocks {
            match b {
                Block::Facts { rows } => {
                    facts.extend(rows.iter().map(|(k, v)| vec![k.clone(), v.clone()]))
                }
                Block::Table {
                    caption,
                    columns,
                    rows,
                    ..
                } => out.push(crate::Table {
                    sheet: sheet_name(caption, out.len()),
                    columns: columns.clone(),
                    rows: rows.clone(),
                }),
                Block::Bars { caption, bars } => out.push(crate::Table {
                    sheet: sheet_name(caption, out.len()),
                    columns: vec!["Label".into(), "Percent".into(), "Note".into()],
                    rows: bars
                        .iter()
                        .map(|b| vec![b.label.clone(), b.percent.to_string(), b.note.clone()])
                        .collect(),
                }),
                Block::Heading { .. } | Block::Paragraph { .. } | Block::List { .. } => {}
            }
        }
        out.insert(
            0,
            crate::Table {
                sheet: "Summary".into(),
                columns: vec!["Item".into(), "Value".into()],
                rows: facts,
            },
        );
        out
    }
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`,
/// unique by its position when the caption is empty.
fn sheet_name(caption: &str, index: usize) -> String {
    let clean: String = caption
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if clean.trim().is_empty() {
        format!("Table {}", index + 1)
    } else {
        clean
    }
}

/// A calendar date (`YYYY-MM-DD`) as people read it: "2 Aug 2026"; any
/// other text as it is.
pub fn day(date: &str) -> String {
    use time::macros::format_description;
    time::Date::parse(date, format_description!("[year]-[month]-[day]"))
        .ok()
        .and_then(|d| {
            d.format(format_description!(
                "[day padding:none] [month repr:short] [year]"
            ))
            .ok()
        })
        .unwrap_or_else(|| date.to_owned())
}

/// A percentage bar from a passed/checks count.
pub fn bar(label: impl Into<String>, percent: u8, passed: usize, checks: usize) -> Bar {
    Bar {
        label: label.into(),
        percent: percent.min(100),
        note: format!("{passed} of {checks} checks"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_tables_are_cut_with_a_note_and_short_ones_left_alone() {
        let rows = |n: usize| (0..n).map(|i| vec![i.to_string()]).collect();
        let mut d = ReportDoc::new("R", "s".into(), "Acme", "2026-11-27");
        d.table("Long", &[("A", 1)], rows(5), "none")
            .table("Short", &[("A", 1)], rows(3), "none")
            .table("Empty", &[("A", 1)], rows(0), "none");
        d.limit_rows(3);
        assert_eq!(d.blocks.len(), 4, "one note, under the long table");
        match (&d.blocks[0], &d.blocks[1]) {
            (Block::Table { rows, .. }, Block::Paragraph { text }) => {
                assert_eq!(rows.len(), 3);
                assert_eq!(
                    text,
                    "The first 3 of 5 rows; the XLSX and JSON files hold them all."
                );
            }
            other => panic!("{other:?}"),
        }
        match &d.blocks[2] {
            Block::Table { rows, .. } => assert_eq!(rows.len(), 3),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn days_read_as_people_read_them() {
        assert_eq!(day("2026-08-02"), "2 Aug 2026");
        assert_eq!(day("2026-13-02"), "2026-13-02");
        assert_eq!(day(""), "");
    }

    #[test]
    fn tables_put_the_facts_first_and_name_sheets_excel_accepts() {
        let mut d = ReportDoc::new("Gap report", "x".into(), "Acme", "2026-11-27");
        d.facts([("Overall", "62 %")])
            .paragraph("   ")
            .table(
                "Gaps: what [is] missing / now, and a caption that runs long",
                &[("A", 1)],
                vec![vec!["1".into()]],
                "none",
            )
            .table("", &[("B", 1)], vec![], "none")
            .bars("Clauses", vec![bar("4", 120, 1, 2)]);
        assert_eq!(d.blocks.len(), 4, "an empty paragraph is left out");
        let t = d.tables();
        assert_eq!(t[0].sheet, "Summary");
        assert_eq!(t[0].rows[4], vec!["Overall", "62 %"]);
        assert_eq!(t[1].sheet, "Gaps what is missing  now, and ");
        assert_eq!(t[1].sheet.chars().count(), 31);
        assert_eq!(t[2].sheet, "Table 2");
        assert_eq!(t[3].rows, vec![vec!["4", "100", "1 of 2 checks"]]);
    }
}
