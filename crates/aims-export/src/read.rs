//! Imports, the reading half: a CSV or XLSX file, as bytes, becomes a [`Sheet`]
//! of text cells under named columns, each row carrying the line (CSV) or row
//! number (XLSX) where the user finds it. Mapping columns to fields and
//! validating values is the caller's work; this module only reads, and it
//! never panics, whatever the bytes.
//!
//! What every format shares:
//! - the header is the first row with any text in it; rows before it, blank
//!   rows and rows whose cells are all empty are skipped;
//! - every cell is text, trimmed of surrounding whitespace; empty cells are "";
//! - header cells after the last named one are ignored; an unnamed column
//!   between named ones, two headers that [`normalise_header`] makes equal, a
//!   value in a column the header does not name: each a [`ReadError`] naming
//!   the line and the column;
//! - rows are padded with "" to the header's width;
//! - [`ReadLimits`] bound rows, columns and cell length.
//!
//! # Formula neutralisation
//!
//! The CSV writer ([`crate::write`]) neutralises a cell that a spreadsheet
//! program would run as a formula (one that starts with `=`, `+`, `-`, `@`,
//! tab or carriage return) by putting an apostrophe before it: `-5` is
//! written `'-5`. When reading CSV that apostrophe is taken off again (and
//! the cell trimmed once more, as if the neutralised character had been the
//! first), so a CSV export imports back unchanged: `-5` comes back as `-5`,
//! not `'-5`. The mapping is reversible for every cell but one kind: a cell
//! that *already* started with an apostrophe followed by one of those
//! characters (`'=x`) is written as is, so it reads back as `=x`. Such text
//! is rare, and losing its apostrophe is the price of negative numbers and
//! `@handles` surviving a round trip.
//!
//! XLSX is left alone: the XLSX writer never neutralises (it types every
//! cell as a string, which no spreadsheet program evaluates), so a string
//! there is read exactly as stored, apostrophe included.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Cursor;

/// A table read from a file: headers as written, and the rows under them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// Header cells as written (trimmed)
    pub headers: Vec<String>,
    pub rows: Vec<SheetRow>,
}

impl Sheet {
    /// The index of the column whose header is `name` once both are
    /// normalised ([`normalise_header`]): `"Lifecycle stage"` finds a column
    /// headed `LIFECYCLE-STAGE`.
    pub fn column(&self, name: &str) -> Option<usize> {
        let wanted = normalise_header(name);
        self.headers
            .iter()
            .position(|h| normalise_header(h) == wanted)
    }
}

/// One row of a [`Sheet`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    /// Where the user finds this row: the CSV line number where the record
    /// starts (1-based, header = line 1) or the spreadsheet row number
    /// (1-based, as Excel shows it)
    pub line: usize,
    /// One cell per header (missing trailing cells are ""), text as the user
    /// sees it
    pub cells: Vec<String>,
}

/// Why a file cannot be read; `line` is where, when it is about one place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", .line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct ReadError {
    pub line: Option<usize>,
    pub message: String,
}

impl ReadError {
    fn at(line: usize, message: impl Into<String>) -> Self {
        ReadError {
            line: Some(line),
            message: message.into(),
        }
    }

    fn file(message: impl Into<String>) -> Self {
        ReadError {
            line: None,
            message: message.into(),
        }
    }
}

/// The format [`read_sheet`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    Csv,
    Xlsx,
}

/// Bounds on what a file may hold; past one, reading stops with a
/// [`ReadError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Data rows (the header not counted).
    pub max_rows: usize,
    /// Named columns.
    pub max_columns: usize,
    /// Characters in one cell, after trimming.
    pub max_cell_chars: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_rows: 200_000,
            max_columns: 200,
            max_cell_chars: 100_000,
        }
    }
}

/// The most an XLSX file may unpack to, all its parts together, as its ZIP
/// directory declares them (the ZIP reader never inflates an entry past its
/// declared size). 10,000 rows of 15 cells of 25 characters unpack to about
/// 12 MB, so this admits the largest import [`ReadLimits`] allows of ordinary
/// records, and refuses a small upload that would inflate to gigabytes.
pub const MAX_XLSX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;

/// Sniffs the format (ZIP magic → XLSX, else CSV) and reads the first
/// worksheet / the whole CSV.
pub fn read_sheet(bytes: &[u8], limits: &ReadLimits) -> Result<(SheetFormat, Sheet), ReadError> {
    if is_zip(bytes) {
        read_xlsx(bytes, limits).map(|s| (SheetFormat::Xlsx, s))
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Err(ReadError::file(
            "this is an old-style Excel (.xls) or a password-protected workbook; \
             save it as an .xlsx workbook without a password, or as CSV UTF-8",
        ))
    } else {
        read_csv(bytes, limits).map(|s| (SheetFormat::Csv, s))
    }
}

fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// `"Lifecycle Stage"`, `" lifecycle_stage "`, `"LIFECYCLE-STAGE"`,
/// `"Lifecycle  stage"` → `"lifecycle_stage"`; Unicode lowercase; strips a
/// UTF-8 BOM and surrounding quotes/whitespace; collapses runs of space
/// (any whitespace), `-`, `_`, `.` into one `_`, and drops them at either end.
pub fn normalise_header(h: &str) -> String {
    let h = h.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{feff}' | '"' | '\'' | '\u{201c}' | '\u{201d}' | '\u{2018}' | '\u{2019}'
            )
    });
    let mut out = String::with_capacity(h.len());
    let mut separator = false;
    for c in h.chars() {
        if c.is_whitespace() || matches!(c, '-' | '_' | '.') {
            separator = !out.is_empty();
        } else {
            if separator {
                out.push('_');
                separator = false;
            }
            out.extend(c.to_lowercase());
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Shared: header checks, cell length
// ---------------------------------------------------------------------------

/// Checks a header row (already cut after its last named cell) and returns it.
/// `label(i)` names column `i` the way the format's users know it.
fn checked_header(
    names: Vec<String>,
    line: usize,
    first_row: &str,
    label: impl Fn(usize) -> String,
    limits: &ReadLimits,
) -> Result<Vec<String>, ReadError> {
    if names.len() > limits.max_columns {
        return Err(ReadError::at(
            line,
            format!(
                "the header has {} columns; at most {} are allowed",
                names.len(),
                limits.max_columns
            ),
        ));
    }
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let key = normalise_header(name);
        if key.is_empty() {
            return Err(ReadError::at(
                line,
                format!(
                    "{first_row} must name the columns: {} has no name",
                    label(i)
                ),
            ));
        }
        if let Some(&j) = seen.get(&key) {
            return Err(ReadError::at(
                line,
                format!(
                    "{} ({:?}) and {} ({:?}) name the same column \
                     (names are compared ignoring case, spaces, '-', '_' and '.')",
                    label(j),
                    names.get(j).map_or("", String::as_str),
                    label(i),
                    name
                ),
            ));
        }
        seen.insert(key, i);
    }
    Ok(names)
}

fn too_long(cell: &str, limits: &ReadLimits) -> bool {
    cell.len() > limits.max_cell_chars && cell.chars().count() > limits.max_cell_chars
}

fn too_long_error(line: usize, column: String, limits: &ReadLimits) -> ReadError {
    ReadError::at(
        line,
        format!(
            "{column} has more than {} characters",
            limits.max_cell_chars
        ),
    )
}

fn too_many_rows(line: usize, limits: &ReadLimits) -> ReadError {
    ReadError::at(
        line,
        format!(
            "the file has more than {} rows; split it into smaller files",
            limits.max_rows
        ),
    )
}

fn to_line(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

/// The characters that [`crate::neutralise`] puts an apostrophe before.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Reads CSV bytes (see [`read_sheet`] and the module documentation).
///
/// UTF-8 only, with or without a BOM (UTF-16 with a BOM is decoded as a
/// kindness); the delimiter is `,`, `;` or tab, whichever splits the header
/// into the most named fields (comma on ties), unless an Excel `sep=X` first
/// line names it. Quoted fields may hold delimiters, quotes (`""`) and line
/// breaks; a row's `line` is the line where it starts.
pub fn read_csv(bytes: &[u8], limits: &ReadLimits) -> Result<Sheet, ReadError> {
    let text = decode_text(bytes)?;
    let text = text.as_ref();
    let (delimiter, skip_first) = match sep_hint(text) {
        Some(d) => (d, true),
        None => (sniff_delimiter(text), false),
    };
    let mut reader = csv_reader(text, delimiter);
    let mut record = csv::StringRecord::new();
    let mut headers: Option<Vec<String>> = None;
    let mut rows: Vec<SheetRow> = Vec::new();
    let mut skip = skip_first;
    let mut lines = LineCounter::new(text);
    // Where the reader stopped: the end of the last record read. (The csv
    // crate's own record positions are off after blank lines and without
    // headers, BurntSushi/rust-csv#184 and #208, so rows are placed here.)
    let mut end = 0usize;
    let mut last_start = 0usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(&e)),
        }
        // The record starts at the first byte after the line breaks that
        // follow the previous one.
        let start = end
            + text
                .as_bytes()
                .iter()
                .skip(end)
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
        end = to_line(reader.position().byte()).max(start);
        let line = lines.line_at(start);
        last_start = start;
        if skip {
            skip = false;
            continue;
        }
        let Some(last) = record
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.trim().is_empty())
            .map(|(i, _)| i)
            .last()
        else {
            continue; // a blank row
        };
        let unclosed = || {
            text.get(start..)
                .is_some_and(|rest| unclosed_quote(rest.as_bytes(), delimiter))
        };
        let Some(names) = &headers else {
            if !record.iter().any(names_something) {
                continue; // no header yet: delimiters and quotes only
            }
            let names: Vec<String> = record
                .iter()
                .take(last + 1)
                .map(|f| f.trim().to_owned())
                .collect();
            if let Some(i) = names.iter().position(|n| too_long(n, limits)) {
                return Err(too_long_error(line, format!("column {}", i + 1), limits));
            }
            headers = Some(checked_header(
                names,
                line,
                "the first line",
                |i| format!("column {}", i + 1),
                limits,
            )?);
            continue;
        };
        let width = names.len();
        if last >= width {
            if unclosed() {
                return Err(unclosed_error(line));
            }
            return Err(ReadError::at(
                line,
                format!("has {} cells but the header has {width}", last + 1),
            ));
        }
        if rows.len() >= limits.max_rows {
            return Err(too_many_rows(line, limits));
        }
        let mut cells = Vec::with_capacity(width);
        for i in 0..width {
            let cell = csv_cell(record.get(i).unwrap_or(""));
            if too_long(cell, limits) {
                if unclosed() {
                    return Err(unclosed_error(line));
                }
                return Err(too_long_error(line, csv_label(names, i), limits));
            }
            cells.push(cell.to_owned());
        }
        rows.push(SheetRow { line, cells });
    }
    if let Some(rest) = text.get(last_start..) {
        if unclosed_quote(rest.as_bytes(), delimiter) {
            return Err(unclosed_error(lines.line_at(last_start)));
        }
    }
    match headers {
        Some(headers) => Ok(Sheet { headers, rows }),
        None => Err(ReadError::file("the file is empty")),
    }
}

/// Line numbers of byte offsets, asked in increasing order.
struct LineCounter<'t> {
    bytes: &'t [u8],
    counted: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            counted: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, at: usize) -> usize {
        if at > self.counted {
            self.line += line_breaks(self.bytes, self.counted, at);
            self.counted = at;
        }
        self.line
    }
}

/// The line breaks in `bytes[from..to]` as the CSV reader sees them: `\n`,
/// `\r\n` and a lone `\r` each end a line (LFs plus CRs less CRLFs, each
/// a loop the compiler vectorises).
fn line_breaks(bytes: &[u8], from: usize, to: usize) -> usize {
    let Some(segment) = bytes.get(from..to) else {
        return 0;
    };
    let (lf, cr) = (count_byte(segment, b'\n'), count_byte(segment, b'\r'));
    if cr == 0 {
        return lf;
    }
    let next = bytes.get(from + 1..).unwrap_or_default();
    let crlf = segment
        .iter()
        .zip(next)
        .filter(|&(&a, &b)| a == b'\r' && b == b'\n')
        .count();
    lf + cr - crlf
}

/// How many times `byte` occurs in `bytes`: counted in blocks of 255 into a
/// byte-wide sum, which the compiler turns into 16 or 32 bytes an instruction.
fn count_byte(bytes: &[u8], byte: u8) -> usize {
    bytes
        .chunks(255)
        .map(|block| usize::from(block.iter().map(|&b| u8::from(b == byte)).sum::<u8>()))
        .sum()
}

fn line_of(bytes: &[u8], at: usize) -> usize {
    1 + line_breaks(bytes, 0, at)
}

fn csv_label(names: &[String], i: usize) -> String {
    match names.get(i) {
        Some(name) => format!("column {} ({name:?})", i + 1),
        None => format!("column {}", i + 1),
    }
}

fn unclosed_error(line: usize) -> ReadError {
    ReadError::at(
        line,
        "a quoted cell is never closed: a '\"' is missing, so the rest of the file \
         was read as part of this row",
    )
}

/// A CSV cell as imported: trimmed, with the writer's formula neutralisation
/// undone (see the module documentation).
fn csv_cell(raw: &str) -> &str {
    let cell = raw.trim();
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest.trim_start(),
        _ => cell,
    }
}

fn csv_reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes())
}

fn csv_error(e: &csv::Error) -> ReadError {
    let line = match e.kind() {
        csv::ErrorKind::Utf8 { pos: Some(p), .. } => Some(to_line(p.line())),
        _ => e.position().map(|p| to_line(p.line())),
    };
    ReadError {
        line,
        message: format!("cannot read the CSV: {e}"),
    }
}

/// The text of a CSV file: UTF-8 with its BOM stripped, or UTF-16 with a BOM
/// decoded. Anything else is refused, naming the line of the first bad byte.
fn decode_text(bytes: &[u8]) -> Result<Cow<'_, str>, ReadError> {
    let utf16 = |rest: &[u8], little: bool| -> Result<Cow<'_, str>, ReadError> {
        let pairs = rest.chunks_exact(2);
        if !pairs.remainder().is_empty() {
            return Err(not_utf16());
        }
        let units = pairs.map(|p| match p {
            [a, b] if little => u16::from_le_bytes([*a, *b]),
            [a, b] => u16::from_be_bytes([*a, *b]),
            _ => 0,
        });
        let text: Result<String, _> = char::decode_utf16(units).collect();
        let text = text.map_err(|_| not_utf16())?;
        no_nul(&text)?;
        Ok(Cow::Owned(text))
    };
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        utf8(rest)?
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, true);
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, false);
    } else {
        utf8(bytes)?
    };
    no_nul(text)?;
    Ok(Cow::Borrowed(text))
}

fn utf8(bytes: &[u8]) -> Result<&str, ReadError> {
    std::str::from_utf8(bytes).map_err(|e| {
        ReadError::at(
            line_of(bytes, e.valid_up_to()),
            "the file is not UTF-8 text; save it as \"CSV UTF-8\" (in Excel: Save As, \
             CSV UTF-8) and import it again",
        )
    })
}

fn not_utf16() -> ReadError {
    ReadError::file(
        "the file starts like UTF-16 text but is not valid UTF-16; save it as \"CSV UTF-8\"",
    )
}

/// A NUL character means a binary file, not text.
fn no_nul(text: &str) -> Result<(), ReadError> {
    match text.find('\0') {
        Some(at) => Err(ReadError::at(
            line_of(text.as_bytes(), at),
            "the file holds binary data (a NUL character); it is not CSV text",
        )),
        None => Ok(()),
    }
}

/// Excel's `sep=;` first line, naming the delimiter.
fn sep_hint(text: &str) -> Option<u8> {
    let first = text.split('\n').next()?.trim_end_matches('\r');
    let rest = first.strip_prefix("sep=")?;
    match rest.as_bytes() {
        [d @ (b',' | b';' | b'\t' | b'|')] => Some(*d),
        _ => None,
    }
}

/// The delimiter among `,` `;` tab that splits the header (the first record
/// with any text) into the most named fields; comma on ties.
fn sniff_delimiter(text: &str) -> u8 {
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t'] {
        let mut reader = csv_reader(text, d);
        let mut record = csv::StringRecord::new();
        let mut named = 0;
        while let Ok(true) = reader.read_record(&mut record) {
            named = record.iter().filter(|f| names_something(f)).count();
            if named > 0 {
                break;
            }
        }
        if named > best.1 {
            best = (d, named);
        }
    }
    best.0
}

/// Whether a header field holds a name: a field of delimiters and quotes
/// only means the line is not split by the delimiter being tried, or is no
/// header line at all.
fn names_something(field: &str) -> bool {
    field
        .chars()
        .any(|c| !c.is_whitespace() && !matches!(c, ',' | ';' | '\t' | '"'))
}

/// Whether the CSV text from a record's start ends inside a quoted field, as
/// the CSV reader sees it (a quote opens a field only at its start; `""` is a
/// quote inside one).
fn unclosed_quote(bytes: &[u8], delimiter: u8) -> bool {
    let mut quoted = false;
    let mut field_start = true;
    let mut it = bytes.iter().peekable();
    while let Some(&b) = it.next() {
        if quoted {
            if b == b'"' {
                if it.peek() == Some(&&b'"') {
                    it.next();
                } else {
                    quoted = false;
                }
            }
        } else if field_start && b == b'"' {
            quoted = true;
            field_start = false;
        } else {
            field_start = b == delimiter || b == b'\n' || b == b'\r';
        }
    }
    quoted
}

// ---------------------------------------------------------------------------
// XLSX
// ---------------------------------------------------------------------------

/// Reads an XLSX workbook's first visible worksheet (the first worksheet when
/// all are hidden); see [`read_sheet`].
///
/// Cells become text as the user sees them: strings as stored (trimmed);
/// numbers without a trailing `.0` (`3`), others in the shortest form that
/// gives back the number at Excel's precision of 15 significant digits
/// (`0.30000000000000004`, a formula's float noise, reads `0.3`); booleans
/// `true`/`false`; dates `2026-03-01`, date-times `2026-03-01T10:30:00`
/// (`.250` when there are milliseconds), times `10:30:00`, durations
/// `36:30:00`; a formula as its last computed value. An error value
/// (`#N/A`, `#REF!`...) is a [`ReadError`] naming the row and column letter.
pub fn read_xlsx(bytes: &[u8], limits: &ReadLimits) -> Result<Sheet, ReadError> {
    use calamine::{Reader, SheetType, SheetVisible};

    match zip_unpacked_size(bytes) {
        None => {
            return Err(ReadError::file(
                "the file is not a readable XLSX workbook: its ZIP directory is damaged or missing",
            ))
        }
        Some(n) if n > MAX_XLSX_UNPACKED_BYTES => {
            return Err(ReadError::file(format!(
                "the workbook unpacks to more than {} MiB; split it into smaller files",
                MAX_XLSX_UNPACKED_BYTES / (1024 * 1024)
            )))
        }
        Some(_) => {}
    }
    if bytes
        .get(30..)
        .is_some_and(|b| b.starts_with(b"mimetypeapplication/vnd.oasis.opendocument"))
    {
        return Err(ReadError::file(
            "this is an OpenDocument file (.ods); save it as an .xlsx workbook or as CSV UTF-8",
        ));
    }
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| ReadError::file(format!("the file is not a readable XLSX workbook: {e}")))?;
    let name = {
        let sheets = book.sheets_metadata();
        let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
        worksheets()
            .find(|s| s.visible == SheetVisible::Visible)
            .or_else(|| worksheets().next())
            .map(|s| s.name.clone())
            .ok_or_else(|| ReadError::file("the workbook has no worksheet"))?
    };
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|e| xlsx_error(&name, &e))?;
    let mut sheet = XlsxSheet {
        limits,
        row: None,
        header: None,
        pending: Vec::new(),
        cells: Vec::new(),
        rows: Vec::new(),
    };
    while let Some(cell) = cells.next_cell().map_err(|e| xlsx_error(&name, &e))? {
        let (row, col) = cell.get_position();
        sheet.cell(row, col, cell.get_value())?;
    }
    sheet.finish(&name)
}

fn xlsx_error(sheet: &str, e: &calamine::XlsxError) -> ReadError {
    ReadError::file(format!("cannot read the worksheet {sheet:?}: {e}"))
}

struct XlsxHeader {
    line: usize,
    first_col: u32,
    names: Vec<String>,
}

/// The worksheet being read, one cell at a time in document order.
struct XlsxSheet<'l> {
    limits: &'l ReadLimits,
    /// The row of the cells being gathered (0-based).
    row: Option<u32>,
    header: Option<XlsxHeader>,
    /// Until the header is found: the current row's cells with text.
    pending: Vec<(u32, String)>,
    /// After it: the current row, empty until a cell with text arrives.
    cells: Vec<String>,
    rows: Vec<SheetRow>,
}

impl XlsxSheet<'_> {
    fn cell(&mut self, row: u32, col: u32, value: &calamine::DataRef<'_>) -> Result<(), ReadError> {
        let line = to_line(u64::from(row)).saturating_add(1);
        if let Some(current) = self.row {
            if row < current {
                return Err(ReadError::at(
                    line,
                    format!(
                        "the worksheet lists row {line} after row {}; open it in a \
                         spreadsheet program and save it again",
                        u64::from(current) + 1
                    ),
                ));
            }
            if row > current {
                self.end_row(current)?;
            }
        }
        self.row = Some(row);
        let text = match xlsx_text(value) {
            Ok(Some(text)) => text,
            Ok(None) => return Ok(()),
            Err(error) => {
                return Err(ReadError::at(
                    line,
                    format!(
                        "{} holds the error {error}; replace it with a value or clear it",
                        self.label(col)
                    ),
                ))
            }
        };
        if too_long(&text, self.limits) {
            return Err(too_long_error(line, self.label(col), self.limits));
        }
        let Some(header) = &self.header else {
            if self.pending.len() >= self.limits.max_columns {
                return Err(ReadError::at(
                    line,
                    format!(
                        "the header has more than {} columns",
                        self.limits.max_columns
                    ),
                ));
            }
            self.pending.push((col, text));
            return Ok(());
        };
        let width = header.names.len();
        let slot = col
            .checked_sub(header.first_col)
            .and_then(|i| usize::try_from(i).ok())
            .filter(|&i| i < width);
        let Some(slot) = slot else {
            let last = u64::from(header.first_col) + width as u64 - 1;
            return Err(ReadError::at(
                line,
                format!(
                    "has a value in column {}, but the header (row {}) names columns {} to {} only",
                    column_letters(u64::from(col)),
                    header.line,
                    column_letters(u64::from(header.first_col)),
                    column_letters(last)
                ),
            ));
        };
        if self.cells.is_empty() {
            self.cells = vec![String::new(); width];
        }
        if let Some(cell) = self.cells.get_mut(slot) {
            *cell = text;
        }
        Ok(())
    }

    /// `column C`, with the header's name once there is one.
    fn label(&self, col: u32) -> String {
        let letters = column_letters(u64::from(col));
        let name = self.header.as_ref().and_then(|h| {
            col.checked_sub(h.first_col)
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| h.names.get(i))
        });
        match name {
            Some(name) => format!("column {letters} ({name:?})"),
            None => format!("column {letters}"),
        }
    }

    fn end_row(&mut self, row: u32) -> Result<(), ReadError> {
        let line = to_line(u64::from(row)).saturating_add(1);
        if self.header.is_none() {
            if self.pending.is_empty() {
                return Ok(());
            }
            let mut pending = std::mem::take(&mut self.pending);
            pending.sort_by_key(|(col, _)| *col);
            pending.dedup_by_key(|(col, _)| *col);
            let (Some(&(first, _)), Some(&(last, _))) = (pending.first(), pending.last()) else {
                return Ok(());
            };
            let width = usize::try_from(last - first)
                .unwrap_or(usize::MAX)
                .saturating_add(1);
            if width > self.limits.max_columns {
                return Err(ReadError::at(
                    line,
                    format!(
                        "the header spans {width} columns ({} to {}); at most {} are allowed",
                        column_letters(u64::from(first)),
                        column_letters(u64::from(last)),
                        self.limits.max_columns
                    ),
                ));
            }
            let mut names = vec![String::new(); width];
            for (col, text) in pending {
                if let Some(name) = usize::try_from(col - first)
                    .ok()
                    .and_then(|i| names.get_mut(i))
                {
                    *name = text;
                }
            }
            let names = checked_header(
                names,
                line,
                "the first row",
                |i| format!("column {}", column_letters(u64::from(first) + i as u64)),
                self.limits,
            )?;
            self.header = Some(XlsxHeader {
                line,
                first_col: first,
                names,
            });
        } else if !self.cells.is_empty() {
            if self.rows.len() >= self.limits.max_rows {
                return Err(too_many_rows(line, self.limits));
            }
            let cells = std::mem::take(&mut self.cells);
            self.rows.push(SheetRow { line, cells });
        }
        Ok(())
    }

    fn finish(mut self, name: &str) -> Result<Sheet, ReadError> {
        if let Some(row) = self.row {
            self.end_row(row)?;
        }
        match self.header {
            Some(header) => Ok(Sheet {
                headers: header.names,
                rows: self.rows,
            }),
            None => Err(ReadError::file(format!("the worksheet {name:?} is empty"))),
        }
    }
}

/// A cell's text, trimmed; `None` when it is empty; the error when it holds one.
fn xlsx_text(value: &calamine::DataRef<'_>) -> Result<Option<String>, calamine::CellErrorType> {
    use calamine::DataRef;
    let text = match value {
        DataRef::Empty => return Ok(None),
        DataRef::SharedString(s) => s.trim().to_owned(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            s.trim().to_owned()
        }
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => float_text(*f),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => datetime_text(dt),
        DataRef::Error(e) => return Err(e.clone()),
    };
    Ok((!text.is_empty()).then_some(text))
}

/// Shortest text giving back `f` at Excel's 15 significant digits; integral
/// values without a fraction (`3`, never `3.0`), never an exponent.
fn float_text(f: f64) -> String {
    if f == 0.0 {
        return "0".to_owned();
    }
    if !f.is_finite() {
        return f.to_string();
    }
    let excel: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    excel.to_string()
}

fn datetime_text(dt: &calamine::ExcelDateTime) -> String {
    let v = dt.as_f64();
    if dt.is_duration() {
        let ms = (v * 86_400_000.0).round();
        let sign = if ms < 0.0 { "-" } else { "" };
        // Saturating float→int conversion: absurd values cannot panic.
        let ms = ms.abs() as u64;
        let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
        return if milli == 0 {
            format!("{sign}{h}:{m:02}:{s:02}")
        } else {
            format!("{sign}{h}:{m:02}:{s:02}.{milli:03}")
        };
    }
    let (y, mo, d, h, mi, s, milli) = dt.to_ymd_hms_milli();
    let time = if milli == 0 {
        format!("{h:02}:{mi:02}:{s:02}")
    } else {
        format!("{h:02}:{mi:02}:{s:02}.{milli:03}")
    };
    if (0.0..1.0).contains(&v) {
        time
    } else if (h, mi, s, milli) == (0, 0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02}T{time}")
    }
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`.
fn column_letters(col: u64) -> String {
    let mut n = col.saturating_add(1);
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// The sum of the uncompressed sizes that a ZIP archive's central directory
/// declares, or `None` when there is no readable directory.
fn zip_unpacked_size(b: &[u8]) -> Option<u64> {
    let get = |at: usize, len: usize| b.get(at..at.checked_add(len)?);
    let le16 = |at: usize| -> Option<usize> {
        Some(usize::from(u16::from_le_bytes(
            get(at, 2)?.try_into().ok()?,
        )))
    };
    let le32 = |at: usize| -> Option<u64> {
        Some(u64::from(u32::from_le_bytes(get(at, 4)?.try_into().ok()?)))
    };
    let le64 =
        |at: usize| -> Option<u64> { Some(u64::from_le_bytes(get(at, 8)?.try_into().ok()?)) };
    let sig = |at: usize, s: &[u8; 4]| get(at, 4) == Some(&s[..]);
    // End of central directory: 22 bytes and a comment of up to 64 KiB.
    let last = b.len().checked_sub(22)?;
    let eocd = (last.saturating_sub(0xFFFF)..=last)
        .rev()
        .find(|&i| sig(i, b"PK\x05\x06"))?;
    let mut entries = u64::try_from(le16(eocd + 10)?).ok()?;
    let cd_size = le32(eocd + 12)?;
    let mut start = None;
    if entries == 0xFFFF || cd_size == 0xFFFF_FFFF || le32(eocd + 16)? == 0xFFFF_FFFF {
        // ZIP64: the locator just before points at the ZIP64 record.
        let locator = eocd.checked_sub(20)?;
        if !sig(locator, b"PK\x06\x07") {
            return None;
        }
        let record = usize::try_from(le64(locator + 8)?).ok()?;
        if !sig(record, b"PK\x06\x06") {
            return None;
        }
        entries = le64(record.checked_add(32)?)?;
        start = Some(usize::try_from(le64(record.checked_add(48)?)?).ok()?);
    }
    // The directory ends where its end record starts (this also finds it in
    // an archive with bytes prepended, as the ZIP reader does).
    let mut at = match start {
        Some(at) => at,
        None => eocd.checked_sub(usize::try_from(cd_size).ok()?)?,
    };
    let mut total: u64 = 0;
    for _ in 0..entries {
        // Checked first: `at` is inside `b`, so the offsets below cannot overflow.
        if !sig(at, b"PK\x01\x02") {
            return None;
        }
        let mut size = le32(at + 24)?;
        let (name, extra, comment) = (le16(at + 28)?, le16(at + 30)?, le16(at + 32)?);
        if size == 0xFFFF_FFFF {
            // The real size is the first field of the ZIP64 extra block.
            size = u64::MAX;
            let mut x = at + 46 + name;
            let end = x + extra;
            while x + 4 <= end {
                if le16(x)? == 1 {
                    size = le64(x + 4)?;
                    break;
                }
                x += 4 + le16(x + 2)?;
            }
        }
        total = total.saturating_add(size);
        at += 46 + name + extra + comment;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{write, Format, Table};

    fn csv(text: &str) -> Result<Sheet, ReadError> {
        read_csv(text.as_bytes(), &ReadLimits::default())
    }

    fn cells(sheet: &Sheet) -> Vec<Vec<&str>> {
        sheet
            .rows
            .iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect()
    }

    fn lines(sheet: &Sheet) -> Vec<usize> {
        sheet.rows.iter().map(|r| r.line).collect()
    }

    fn err(r: Result<Sheet, ReadError>) -> ReadError {
        match r {
            Ok(s) => panic!("expected an error, read {s:?}"),
            Err(e) => e,
        }
    }

    // -- headers -----------------------------------------------------------

    #[test]
    fn headers_normalise_case_spacing_and_separators() {
        for h in [
            "Lifecycle Stage",
            " lifecycle_stage ",
            "LIFECYCLE-STAGE",
            "Lifecycle  stage",
            "\u{feff}\"Lifecycle stage\"",
            "lifecycle._- stage",
            "'Lifecycle\tStage'",
            "_lifecycle stage.",
        ] {
            assert_eq!(normalise_header(h), "lifecycle_stage", "{h:?}");
        }
        assert_eq!(normalise_header("ÉTAPE Öko"), "étape_öko");
        assert_eq!(normalise_header("id"), "id");
        assert_eq!(normalise_header(" - "), "");
        let sheet = csv("Name,Lifecycle Stage\nx,y\n").unwrap();
        assert_eq!(sheet.column("lifecycle_stage"), Some(1));
        assert_eq!(sheet.column("NAME"), Some(0));
        assert_eq!(sheet.column("owner"), None);
    }

    // -- CSV ---------------------------------------------------------------

    #[test]
    fn csv_reads_rows_with_their_lines() {
        let sheet = csv("\u{feff}Name , Purpose,Owner\r\n\
             a ,\"b, quoted\" ,c\r\n\
             \r\n\
             \"multi\nline\",x\r\n\
             ,,\r\n\
             last,\"say \"\"hi\"\"\",o,,\r\n")
        .unwrap();
        assert_eq!(sheet.headers, ["Name", "Purpose", "Owner"]);
        assert_eq!(
            cells(&sheet),
            [
                vec!["a", "b, quoted", "c"],
                vec!["multi\nline", "x", ""],
                vec!["last", "say \"hi\"", "o"],
            ]
        );
        assert_eq!(lines(&sheet), [2, 4, 7]);
        // Old Mac line ends, and a lone CR inside a CRLF file, end lines too.
        let sheet = csv("name\rx\r\ry\r").unwrap();
        assert_eq!(lines(&sheet), [2, 4]);
        let sheet = csv("name\r\nx\ry\r\n\"a\r\nb\"\r\nz").unwrap();
        assert_eq!(
            cells(&sheet),
            [vec!["x"], vec!["y"], vec!["a\r\nb"], vec!["z"]]
        );
        assert_eq!(lines(&sheet), [2, 3, 4, 6]);
    }

    #[test]
    fn csv_header_may_follow_blank_lines_and_stand_alone() {
        let sheet = csv("\n\n  \n,,\nname;owner\n").unwrap();
        assert_eq!(sheet.headers, ["name", "owner"]);
        assert!(sheet.rows.is_empty());
        let sheet = csv("\n\nname\nx\n").unwrap();
        assert_eq!(lines(&sheet), [4]);
    }

    #[test]
    fn csv_sniffs_the_delimiter_from_the_header() {
        let sheet = csv("name;purpose;owner\na,b;c\n").unwrap();
        assert_eq!(sheet.headers, ["name", "purpose", "owner"]);
        assert_eq!(cells(&sheet), [vec!["a,b", "c", ""]]);
        let sheet = csv("name\towner\tpurpose, long\nx\to\ty, z\n").unwrap();
        assert_eq!(cells(&sheet), [vec!["x", "o", "y, z"]]);
        // A tie goes to the comma.
        let sheet = csv("a;b,c\n1;2,3\n").unwrap();
        assert_eq!(sheet.headers, ["a;b", "c"]);
        // Delimiters inside quotes do not count.
        let sheet = csv("\"a;b;c\",d\n1,2\n").unwrap();
        assert_eq!(sheet.headers, ["a;b;c", "d"]);
        // Excel's sep= line names it.
        let sheet = csv("sep=;\nname,x;owner\n1,2;3\n").unwrap();
        assert_eq!(sheet.headers, ["name,x", "owner"]);
        assert_eq!(cells(&sheet), [vec!["1,2", "3"]]);
        assert_eq!(lines(&sheet), [3]);
    }

    #[test]
    fn csv_rows_longer_than_the_header_are_refused() {
        let e = err(csv("a,b,c,d,e\n1,2,3,4,5\n1,2,3,4,5,6,7\n"));
        assert_eq!(e.line, Some(3));
        assert_eq!(e.to_string(), "line 3: has 7 cells but the header has 5");
        // Empty cells past the header are only trailing delimiters.
        let sheet = csv("a,b\n1,2,,\n").unwrap();
        assert_eq!(cells(&sheet), [vec!["1", "2"]]);
        // The header's own trailing empty cells are dropped.
        let sheet = csv("a,b,,\n1,2,,\n").unwrap();
        assert_eq!(sheet.headers, ["a", "b"]);
    }

    #[test]
    fn csv_header_problems_are_named() {
        assert_eq!(err(csv("")).to_string(), "the file is empty");
        assert_eq!(
            err(csv("\u{feff}\n \n,,\n")).to_string(),
            "the file is empty"
        );
        let e = err(csv("name,,owner\n"));
        assert_eq!(
            e.to_string(),
            "line 1: the first line must name the columns: column 2 has no name"
        );
        let e = err(csv("\nLifecycle Stage,name,lifecycle-stage\n"));
        assert_eq!(e.line, Some(2));
        assert!(
            e.message
                .starts_with("column 1 (\"Lifecycle Stage\") and column 3 (\"lifecycle-stage\")"),
            "{e}"
        );
    }

    #[test]
    fn csv_must_be_utf8_or_utf16_with_a_bom() {
        let mut bytes = b"name,owner\nok,x\ncaf\xe9,y\n".to_vec();
        let e = err(read_csv(&bytes, &ReadLimits::default()));
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("UTF-8"), "{e}");
        bytes.truncate(0);

        let text = "name\towner\r\ncafé\t✓\r\n";
        for little in [true, false] {
            let mut bytes: Vec<u8> = if little {
                vec![0xFF, 0xFE]
            } else {
                vec![0xFE, 0xFF]
            };
            for u in text.encode_utf16() {
                bytes.extend(if little {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                });
            }
            let (format, sheet) = read_sheet(&bytes, &ReadLimits::default()).unwrap();
            assert_eq!(format, SheetFormat::Csv);
            assert_eq!(sheet.headers, ["name", "owner"]);
            assert_eq!(cells(&sheet), [vec!["café", "✓"]]);
            bytes.push(0); // odd length
            assert!(read_csv(&bytes, &ReadLimits::default()).is_err());
        }
        let e = err(csv("name\nab\0c\n"));
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn csv_unclosed_quote_is_reported_where_it_opens() {
        let e = err(csv("name,purpose\na,b\n\"c,d\ne,f\ng,h\n"));
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("never closed"), "{e}");
        // A quote inside an unquoted cell is text, not an opening.
        let sheet = csv("name,size\nscreen,12\" wide\n").unwrap();
        assert_eq!(cells(&sheet), [vec!["screen", "12\" wide"]]);
        // An unclosed quote that swallows extra cells is still named as such.
        let e = err(csv("a,b\n\"x,1\n2,3,4,5\n"));
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("never closed"), "{e}");
    }

    #[test]
    fn csv_undoes_the_writers_formula_neutralisation() {
        let sheet = csv(
            "a,b,c,d,e,f\n'=SUM(A1),'-5,'+44 20,'@handle,'\tx,'plain\n'\"=x\",'',\"'-1\",it's,,\n",
        )
        .unwrap();
        assert_eq!(
            cells(&sheet),
            [
                vec!["=SUM(A1)", "-5", "+44 20", "@handle", "x", "'plain"],
                vec!["'\"=x\"", "''", "-1", "it's", "", ""],
            ]
        );
    }

    #[test]
    fn limits_are_enforced() {
        let limits = ReadLimits {
            max_rows: 2,
            max_columns: 3,
            max_cell_chars: 5,
        };
        let read = |t: &str| read_csv(t.as_bytes(), &limits);
        assert!(read("a,b,c\n1,2,3\n4,5,6\n").is_ok());
        let e = err(read("a,b,c\n1,2,3\n4,5,6\n7,8,9\n"));
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("more than 2 rows"), "{e}");
        let e = err(read("a,b,c,d\n"));
        assert!(e.message.contains("at most 3"), "{e}");
        let e = err(read("a,b\n1,123456\n"));
        assert_eq!(
            e.to_string(),
            "line 2: column 2 (\"b\") has more than 5 characters"
        );
        assert!(read("a,b\n1,ééééé\n").is_ok(), "characters, not bytes");
        assert!(err(read("abcdef\n")).message.contains("more than 5"));
    }

    // -- XLSX --------------------------------------------------------------

    fn book(fill: impl FnOnce(&mut rust_xlsxwriter::Workbook)) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        fill(&mut book);
        book.save_to_buffer().unwrap()
    }

    fn xlsx(bytes: &[u8]) -> Result<Sheet, ReadError> {
        let (format, sheet) = read_sheet(bytes, &ReadLimits::default())?;
        assert_eq!(format, SheetFormat::Xlsx);
        Ok(sheet)
    }

    #[test]
    fn xlsx_cells_read_as_the_user_sees_them() {
        use rust_xlsxwriter::{ExcelDateTime, Format as F, Formula};
        let bytes = book(|b| {
            let s = b.add_worksheet();
            let date = F::new().set_num_format("yyyy-mm-dd");
            let stamp = F::new().set_num_format("yyyy-mm-dd hh:mm:ss");
            let time = F::new().set_num_format("hh:mm");
            let hours = F::new().set_num_format("[h]:mm:ss");
            // The used range starts at B3; row 4 is blank.
            for (c, h) in [
                "Name", "Count", "Ratio", "Big", "Done", "Due", "At", "Time", "Sum", "Spent",
            ]
            .iter()
            .enumerate()
            {
                s.write_string(2, 1 + c as u16, *h).unwrap();
            }
            s.write_string(4, 1, "  padded  ").unwrap();
            s.write_number(4, 2, 3.0).unwrap();
            s.write_number(4, 3, 0.1).unwrap();
            s.write_number(4, 4, 1e20).unwrap();
            s.write_boolean(4, 5, true).unwrap();
            let day = ExcelDateTime::from_ymd(2026, 3, 1).unwrap();
            s.write_datetime_with_format(4, 6, &day, &date).unwrap();
            let at = ExcelDateTime::from_ymd(2026, 3, 1)
                .unwrap()
                .and_hms(10, 30, 0)
                .unwrap();
            s.write_datetime_with_format(4, 7, &at, &stamp).unwrap();
            let t = ExcelDateTime::from_hms(10, 30, 0).unwrap();
            s.write_datetime_with_format(4, 8, &t, &time).unwrap();
            s.write_formula(
                4,
                9,
                Formula::new("0.1+0.2").set_result("0.30000000000000004"),
            )
            .unwrap();
            s.write_number_with_format(4, 10, 1.5208333333333333, &hours)
                .unwrap();
            s.write_number(5, 2, -2.5).unwrap();
            s.write_boolean(5, 5, false).unwrap();
            s.write_number(5, 3, -0.0).unwrap();
        });
        let sheet = xlsx(&bytes).unwrap();
        assert_eq!(
            sheet.headers,
            ["Name", "Count", "Ratio", "Big", "Done", "Due", "At", "Time", "Sum", "Spent"]
        );
        assert_eq!(
            cells(&sheet),
            [
                vec![
                    "padded",
                    "3",
                    "0.1",
                    "100000000000000000000",
                    "true",
                    "2026-03-01",
                    "2026-03-01T10:30:00",
                    "10:30:00",
                    "0.3",
                    "36:30:00"
                ],
                vec!["", "-2.5", "0", "", "false", "", "", "", "", ""],
            ]
        );
        assert_eq!(lines(&sheet), [5, 6]);
    }

    #[test]
    fn xlsx_error_values_are_named_by_row_and_column() {
        use rust_xlsxwriter::Formula;
        let bytes = book(|b| {
            let s = b.add_worksheet();
            s.write_string(0, 0, "name").unwrap();
            s.write_string(0, 1, "score").unwrap();
            s.write_string(1, 0, "ok").unwrap();
            s.write_formula(2, 1, Formula::new("NA()").set_result("#N/A"))
                .unwrap();
        });
        let e = err(xlsx(&bytes));
        assert_eq!(
            e.to_string(),
            "line 3: column B (\"score\") holds the error #N/A; replace it with a value or clear it"
        );
    }

    #[test]
    fn xlsx_reads_the_first_visible_worksheet() {
        let bytes = book(|b| {
            let hidden = b.add_worksheet();
            hidden.write_string(0, 0, "secret").unwrap();
            hidden.set_hidden(true);
            let s = b.add_worksheet();
            s.write_string(0, 0, "name").unwrap();
            s.write_string(1, 0, "visible").unwrap();
            s.set_active(true);
            b.add_worksheet().write_string(0, 0, "third").unwrap();
        });
        let sheet = xlsx(&bytes).unwrap();
        assert_eq!(sheet.headers, ["name"]);
        assert_eq!(cells(&sheet), [vec!["visible"]]);
    }

    #[test]
    fn xlsx_shape_problems_are_named() {
        let bytes = book(|b| {
            let s = b.add_worksheet();
            s.write_string(1, 1, "name").unwrap();
            s.write_string(1, 2, "owner").unwrap();
            s.write_string(5, 4, "stray").unwrap();
        });
        let e = err(xlsx(&bytes));
        assert_eq!(
            e.to_string(),
            "line 6: has a value in column E, but the header (row 2) names columns B to C only"
        );
        let bytes = book(|b| {
            let s = b.add_worksheet();
            s.write_string(0, 0, "name").unwrap();
            s.write_string(0, 2, "owner").unwrap();
        });
        assert_eq!(
            err(xlsx(&bytes)).to_string(),
            "line 1: the first row must name the columns: column B has no name"
        );
        let bytes = book(|b| {
            let s = b.add_worksheet();
            s.write_string(0, 0, "Owner").unwrap();
            s.write_string(0, 1, " owner ").unwrap();
        });
        assert!(err(xlsx(&bytes))
            .message
            .starts_with("column A (\"Owner\") and column B (\"owner\")"));
        let bytes = book(|b| {
            b.add_worksheet().set_name("Empty").unwrap();
        });
        assert_eq!(
            err(xlsx(&bytes)).to_string(),
            "the worksheet \"Empty\" is empty"
        );
        let bytes = book(|b| {
            let s = b.add_worksheet();
            s.write_string(0, 0, "a").unwrap();
            for r in 1..=3 {
                s.write_number(r, 0, f64::from(r)).unwrap();
            }
        });
        let limits = ReadLimits {
            max_rows: 2,
            ..ReadLimits::default()
        };
        let e = err(read_xlsx(&bytes, &limits));
        assert_eq!(e.line, Some(4));
    }

    #[test]
    fn broken_or_foreign_files_are_refused_clearly() {
        let good = book(|b| {
            b.add_worksheet().write_string(0, 0, "name").unwrap();
        });
        let e = err(xlsx(&good[..good.len() / 2]));
        assert!(e.message.contains("not a readable XLSX workbook"), "{e}");
        let other_zip = stored_zip(&[("hello.txt", b"hello")]);
        let e = err(xlsx(&other_zip));
        assert!(e.message.contains("not a readable XLSX workbook"), "{e}");
        let ods = stored_zip(&[(
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        )]);
        assert!(err(xlsx(&ods)).message.contains(".ods"));
        let xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert!(read_sheet(&xls, &ReadLimits::default())
            .unwrap_err()
            .message
            .contains(".xls"));
    }

    #[test]
    fn xlsx_that_would_unpack_too_far_is_refused_unread() {
        let mut zip = hand_xlsx(&row(1, &[("A1", "name")]));
        assert!(xlsx(&zip).is_ok());
        // Declare a 4 GiB - 2 entry in the central directory.
        let cd = find(&zip, b"PK\x01\x02").unwrap();
        zip[cd + 24..cd + 28].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        let e = err(xlsx(&zip));
        assert!(e.message.contains("unpacks to more than 512 MiB"), "{e}");
        let mut zip = hand_xlsx(&row(1, &[("A1", "name")]));
        let cd = find(&zip, b"PK\x01\x02").unwrap();
        zip[cd] = b'X';
        assert!(err(xlsx(&zip)).message.contains("ZIP directory"));
    }

    #[test]
    fn hand_written_xlsx_rows_without_references_and_out_of_order() {
        // Cells without r attributes, an inline string, a shared string, a
        // cell with only a style (empty), a boolean as "true".
        let data = r#"<row r="2"><c t="inlineStr"><is><t> id </t></is></c><c t="s"><v>0</v></c></row>
            <row r="3"><c r="A3"><v>7</v></c><c r="B3" s="0"/></row>
            <row r="4"><c r="B4" t="b"><v>true</v></c></row>"#;
        let sheet = xlsx(&hand_xlsx(data)).unwrap();
        assert_eq!(sheet.headers, ["id", "shared"]);
        assert_eq!(cells(&sheet), [vec!["7", ""], vec!["", "true"]]);
        assert_eq!(lines(&sheet), [3, 4]);
        let data = format!("{}{}", row(5, &[("A5", "x")]), row(2, &[("A2", "y")]));
        let e = err(xlsx(&hand_xlsx(&data)));
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("after row 5"), "{e}");
        let e = err(xlsx(&hand_xlsx(
            r#"<row r="1"><c r="C1" t="e"><v>#REF!</v></c></row>"#,
        )));
        assert_eq!(
            e.to_string(),
            "line 1: column C holds the error #REF!; replace it with a value or clear it"
        );
    }

    // -- round trips -------------------------------------------------------

    fn export_table() -> Table {
        Table {
            sheet: "AI systems".into(),
            columns: vec![
                "Name".into(),
                "Purpose".into(),
                "Risk score".into(),
                "Owner".into(),
            ],
            rows: vec![
                vec![
                    "Claims, triage".into(),
                    "Says \"hi\"\nand more".into(),
                    "-1".into(),
                    "@ops".into(),
                ],
                vec![
                    "=HYPERLINK(\"x\")".into(),
                    "+44 20 7946 0000".into(),
                    "007".into(),
                    "".into(),
                ],
                vec![
                    "Ünïcødé ✓".into(),
                    "it's 'quoted'".into(),
                    "3.50".into(),
                    "x;y\tz".into(),
                ],
                vec!["".into(), "".into(), "".into(), "only the last".into()],
            ],
        }
    }

    #[test]
    fn exports_import_back_unchanged() {
        let table = export_table();
        for format in [Format::Csv, Format::Xlsx] {
            let bytes = write(&table, format).unwrap();
            let (found, sheet) = read_sheet(&bytes, &ReadLimits::default()).unwrap();
            assert_eq!(
                found,
                if format == Format::Csv {
                    SheetFormat::Csv
                } else {
                    SheetFormat::Xlsx
                }
            );
            assert_eq!(sheet.headers, table.columns, "{format}");
            let rows: Vec<Vec<String>> = sheet.rows.iter().map(|r| r.cells.clone()).collect();
            assert_eq!(rows, table.rows, "{format}");
        }
    }

    #[test]
    fn a_round_trip_trims_what_import_trims() {
        // Import trims every cell, so a tab or CR that the writer neutralised
        // comes back trimmed, as it would have without neutralisation.
        let table = Table {
            sheet: "t".into(),
            columns: vec!["a".into()],
            rows: vec![vec!["\tx".into()], vec!["\r=1".into()], vec![" y ".into()]],
        };
        for format in [Format::Csv, Format::Xlsx] {
            let (_, sheet) =
                read_sheet(&write(&table, format).unwrap(), &ReadLimits::default()).unwrap();
            assert_eq!(
                cells(&sheet),
                [vec!["x"], vec!["=1"], vec!["y"]],
                "{format}"
            );
        }
    }

    #[test]
    fn ten_thousand_rows_read_in_both_formats() {
        let table = big_table(10_000);
        for format in [Format::Csv, Format::Xlsx] {
            let bytes = write(&table, format).unwrap();
            let (_, sheet) = read_sheet(&bytes, &ReadLimits::default()).unwrap();
            assert_eq!(sheet.headers.len(), 15);
            assert_eq!(sheet.rows.len(), 10_000, "{format}");
            let row = &sheet.rows[6_789];
            assert_eq!(row.line, 6_791);
            assert_eq!(row.cells[7], "row 6789 col 7, some text", "{format}");
            assert_eq!(row.cells[14], "-6789", "{format}");
        }
    }

    fn big_table(n: usize) -> Table {
        Table {
            sheet: "big".into(),
            columns: (0..15).map(|c| format!("Column {c}")).collect(),
            rows: (0..n)
                .map(|r| {
                    (0..15)
                        .map(|c| match c {
                            14 => format!("-{r}"),
                            _ => format!("row {r} col {c}, some text"),
                        })
                        .collect()
                })
                .collect(),
        }
    }

    /// `cargo test -p aims-export --release -- --ignored --nocapture read_speed`
    #[test]
    #[ignore = "prints timings; run in release"]
    fn read_speed() {
        let table = big_table(10_000);
        for format in [Format::Csv, Format::Xlsx] {
            let bytes = write(&table, format).unwrap();
            let start = std::time::Instant::now();
            let runs = 20;
            for _ in 0..runs {
                let (_, sheet) = read_sheet(&bytes, &ReadLimits::default()).unwrap();
                assert_eq!(sheet.rows.len(), 10_000);
            }
            println!(
                "{format}: {:?} per 10,000 × 15 read",
                start.elapsed() / runs
            );
        }
    }

    // -- never panics --------------------------------------------------------

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    fn mutate(rng: &mut Rng, base: &[u8], alphabet: &[u8]) -> Vec<u8> {
        let mut b = base.to_vec();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(b.len() + 1);
            let byte = if rng.below(2) == 0 {
                alphabet[rng.below(alphabet.len())]
            } else {
                rng.next() as u8
            };
            match rng.below(4) {
                0 if at < b.len() => b[at] = byte,
                1 => b.insert(at, byte),
                2 if at < b.len() => {
                    b.remove(at);
                }
                _ => b.truncate(at),
            }
        }
        b
    }

    /// Whatever it reads, a sheet is well formed.
    fn check(result: Result<(SheetFormat, Sheet), ReadError>) {
        if let Ok((_, sheet)) = result {
            assert!(!sheet.headers.is_empty());
            let mut previous = 0;
            for row in &sheet.rows {
                assert_eq!(row.cells.len(), sheet.headers.len());
                assert!(row.line > previous, "lines increase: {sheet:?}");
                previous = row.line;
            }
        }
    }

    #[test]
    fn mutated_csv_never_panics() {
        let base = write(&export_table(), Format::Csv).unwrap();
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend(b"a;b;c\n1;\"2\n3\";4\n\n5;6;7\n");
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let alphabet = b"\",;\t\n\r' =-\xEF\xBB\xBF\xFF\xFE\x00\xC3";
        for base in [&base, &with_bom] {
            for _ in 0..2_000 {
                let bytes = mutate(&mut rng, base, alphabet);
                check(read_sheet(&bytes, &ReadLimits::default()));
            }
        }
    }

    #[test]
    fn mutated_xlsx_never_panics() {
        let limits = ReadLimits::default();
        // A real workbook, truncated and with bytes changed anywhere.
        let real = write(&export_table(), Format::Xlsx).unwrap();
        let step = (real.len() / 400).max(1);
        for end in (0..real.len()).step_by(step) {
            check(read_sheet(&real[..end], &limits));
        }
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        for _ in 0..1_500 {
            let mut bytes = real.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(bytes.len());
                bytes[at] = rng.next() as u8;
            }
            check(read_sheet(&bytes, &limits));
        }
        // An uncompressed workbook whose XML is mutated before packing, so
        // the ZIP layer passes and the XML and cell reading are exercised.
        let data = br#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>b</t></is></c></row><row r="2"><c r="A2" s="1"><v>45000.5</v></c><c r="B2" t="str"><v>x</v></c></row><row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3"><v>1e300</v></c></row><row r="4"><c r="A4" t="s"><v>1</v></c><c r="B4"><f>A1</f><v>-0.25</v></c></row>"#;
        let strings = br#"<sst count="2" uniqueCount="2"><si><t>shared</t></si><si><r><t>rich</t></r><r><t> text</t></r></si></sst>"#;
        let alphabet = b"<>/\"=&;#rcvtsAB0123456789.-e ";
        let (mut read, mut refused) = (0, 0);
        for i in 0..2_000 {
            let zip = if i % 2 == 0 {
                hand_xlsx_parts(&mutate(&mut rng, data, alphabet), strings)
            } else {
                hand_xlsx_parts(data, &mutate(&mut rng, strings, alphabet))
            };
            let result = read_sheet(&zip, &limits);
            if result.is_ok() {
                read += 1
            } else {
                refused += 1
            }
            check(result);
        }
        // Both outcomes are exercised, not only the early refusals.
        assert!(
            read > 200 && refused > 200,
            "{read} read, {refused} refused"
        );
    }

    // -- a hand-made, uncompressed XLSX --------------------------------------

    fn row(r: u32, cells: &[(&str, &str)]) -> String {
        let cells: String = cells
            .iter()
            .map(|(at, text)| format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#))
            .collect();
        format!(r#"<row r="{r}">{cells}</row>"#)
    }

    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    fn hand_xlsx(sheet_data: &str) -> Vec<u8> {
        hand_xlsx_parts(
            sheet_data.as_bytes(),
            br#"<sst count="1" uniqueCount="1"><si><t>shared</t></si></sst>"#,
        )
    }

    fn hand_xlsx_parts(sheet_data: &[u8], shared: &[u8]) -> Vec<u8> {
        const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        const PKG: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
        let types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
        let root = format!(
            r#"<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        );
        let workbook = format!(
            r#"<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        );
        let rels = format!(
            r#"<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
        );
        let mut sheet = format!(r#"<worksheet xmlns="{MAIN}"><sheetData>"#).into_bytes();
        sheet.extend(sheet_data);
        sheet.extend(b"</sheetData></worksheet>");
        let mut sst = br#"<?xml version="1.0" encoding="UTF-8"?>"#.to_vec();
        sst.extend(shared);
        stored_zip(&[
            ("[Content_Types].xml", types.as_bytes()),
            ("_rels/.rels", root.as_bytes()),
            ("xl/workbook.xml", workbook.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ("xl/worksheets/sheet1.xml", &sheet),
            ("xl/sharedStrings.xml", &sst),
        ])
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut c = !0u32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    (c >> 1) ^ 0xEDB8_8320
                } else {
                    c >> 1
                };
            }
        }
        !c
    }

    /// A ZIP archive of uncompressed entries.
    fn stored_zip(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in files {
            let offset = out.len() as u32;
            let (crc, len, name_len) = (crc32(data), data.len() as u32, name.len() as u16);
            out.extend(b"PK\x03\x04");
            out.extend([20, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // version, flags, method, time, date
            out.extend(crc.to_le_bytes());
            out.extend(len.to_le_bytes());
            out.extend(len.to_le_bytes());
            out.extend(name_len.to_le_bytes());
            out.extend(0u16.to_le_bytes());
            out.extend(name.as_bytes());
            out.extend(*data);
            central.extend(b"PK\x01\x02");
            central.extend([20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // made by, needed, flags, method, time, date
            central.extend(crc.to_le_bytes());
            central.extend(len.to_le_bytes());
            central.extend(len.to_le_bytes());
            central.extend(name_len.to_le_bytes());
            central.extend([0; 12]); // extra, comment, disk, internal and external attributes
            central.extend(offset.to_le_bytes());
            central.extend(name.as_bytes());
        }
        let (cd_offset, cd_len) = (out.len() as u32, central.len() as u32);
        let count = files.len() as u16;
        out.extend(central);
        out.extend(b"PK\x05\x06\0\0\0\0");
        out.extend(count.to_le_bytes());
        out.extend(count.to_le_bytes());
        out.extend(cd_len.to_le_bytes());
        out.extend(cd_offset.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out
    }
}
