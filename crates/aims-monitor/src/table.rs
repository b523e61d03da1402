//! Streaming reads of a prediction log: the header first (so a column named
//! on the command line and missing from the file is an error before any
//! work), then every row, handed to one `Sink` per worker thread.
//!
//! CSV is read in blocks cut at record boundaries; a block without a quote
//! character is split on commas and newlines directly (the common case, and
//! the fast one), a block with quotes goes through the `csv` crate. Each
//! worker keeps its own sink; the sinks are merged at the end, so memory
//! depends on what the sinks keep, not on the number of rows.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};

/// How many bytes a worker parses at a time.
const BLOCK: usize = 4 << 20;
/// Rows read ahead of the scan to tell numeric columns from categorical ones.
pub const SAMPLE_ROWS: usize = 2000;

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {detail}")]
    Format { path: PathBuf, detail: String },
    #[error("{path} has no column {column:?} (its columns: {known})")]
    MissingColumn {
        path: PathBuf,
        column: String,
        known: String,
    },
}

/// A file's columns and its first rows.
#[derive(Debug, Clone)]
pub struct Header {
    pub path: PathBuf,
    pub columns: Vec<String>,
    /// The first rows (at most `SAMPLE_ROWS`), every field as text.
    pub sample: Vec<Vec<String>>,
    /// Where the rows start (CSV).
    data_offset: u64,
    /// A Parquet file rather than CSV.
    pub parquet: bool,
}

impl Header {
    /// Reads the header and the sample rows of a CSV or Parquet file.
    pub fn read(path: &Path) -> Result<Header, TableError> {
        if crate::parquet_file::is_parquet(path) {
            let (columns, sample) = crate::parquet_file::header(path, SAMPLE_ROWS)?;
            return Ok(Header {
                path: path.to_owned(),
                columns,
                sample,
                data_offset: 0,
                parquet: true,
            });
        }
        let io = |source| TableError::Io {
            path: path.to_owned(),
            source,
        };
        let file = File::open(path).map_err(io)?;
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(std::io::BufReader::new(file));
        let columns: Vec<String> = r
            .headers()
            .map_err(|e| TableError::Format {
                path: path.to_owned(),
                detail: format!("its first line is not a CSV header: {e}"),
            })?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        if columns.iter().all(|c| c.is_empty()) {
            return Err(TableError::Format {
                path: path.to_owned(),
                detail: "the file is empty or its first line names no column".into(),
            });
        }
        let data_offset = r.position().byte();
        let mut sample = Vec::new();
        let mut rec = csv::StringRecord::new();
        while sample.len() < SAMPLE_ROWS {
            match r.read_record(&mut rec) {
                Ok(true) => sample.push(rec.iter().map(str::to_owned).collect()),
                Ok(false) => break,
                // A sample row that is not UTF-8 or is broken is skipped
                // here; the scan counts it.
                Err(_) => continue,
            }
        }
        Ok(Header {
            path: path.to_owned(),
            columns,
            sample,
            data_offset,
            parquet: false,
        })
    }

    /// The position of each named column, or the first one missing.
    pub fn positions(&self, wanted: &[&str]) -> Result<Vec<usize>, TableError> {
        wanted
            .iter()
            .map(|w| {
                self.columns
                    .iter()
                    .position(|c| c == w.trim())
                    .ok_or_else(|| TableError::MissingColumn {
                        path: self.path.clone(),
                        column: (*w).to_owned(),
                        known: self.columns.join(", "),
                    })
            })
            .collect()
    }

    /// "csv" or "parquet".
    pub fn format(&self) -> &'static str {
        if self.parquet {
            "parquet"
        } else {
            "csv"
        }
    }

    /// The sample's values of column `i`.
    pub fn sample_of(&self, i: usize) -> impl Iterator<Item = &str> {
        self.sample
            .iter()
            .filter_map(move |row| row.get(i).map(String::as_str))
    }
}

/// What a worker does with the rows it is given.
pub trait Sink: Send {
    /// One row: the wanted fields, in the order they were asked for.
    fn row(&mut self, fields: &[&[u8]]);
    /// A row that has more or fewer fields than the header names.
    fn wrong_column_count(&mut self);
    /// Another worker's rows, after the scan.
    fn merge(&mut self, other: Self)
    where
        Self: Sized;
}

/// What a scan read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanInfo {
    pub bytes: u64,
}

/// Reads every row of the file after its header, `threads` workers
/// parsing blocks in parallel, and returns their merged sinks.
/// `progress` is told the bytes read so far.
pub fn scan<S: Sink>(
    header: &Header,
    wanted: &[usize],
    threads: usize,
    make: impl Fn() -> S + Sync,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(S, ScanInfo), TableError> {
    let path = &header.path;
    if header.parquet {
        let (sink, bytes) = crate::parquet_file::scan(path, wanted, threads, &make, progress)?;
        return Ok((sink, ScanInfo { bytes }));
    }
    let io = |source| TableError::Io {
        path: path.clone(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    file.seek(SeekFrom::Start(header.data_offset)).map_err(io)?;
    let ncols = header.columns.len();
    let threads = threads.max(1);
    // Each block goes with whether it holds a quote (looked for once).
    let (tx, rx) = mpsc::sync_channel::<(Vec<u8>, bool)>(threads + 1);
    let rx = Mutex::new(rx);
    // Parsed blocks come back to be filled again: no fresh pages to zero.
    let pool: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
    let make = &make;
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let rx = &rx;
                let pool = &pool;
                s.spawn(move || {
                    let mut sink = make();
                    loop {
                        let next = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => break,
                        };
                        match next {
                            Ok((block, quotes)) => {
                                if quotes {
                                    parse_quoted(&block, ncols, wanted, &mut sink);
                                } else {
                                    parse_block(&block, ncols, wanted, &mut sink);
                                }
                                if let Ok(mut p) = pool.lock() {
                                    p.push(block);
                                }
                            }
                            Err(_) => break,
                        }
                    }
                    sink
                })
            })
            .collect();
        let read = feed(&mut file, &tx, &pool, progress);
        drop(tx);
        let mut merged: Option<S> = None;
        for w in workers {
            // A worker that panicked lost its rows: say so rather than
            // report on part of the file.
            let sink = w.join().map_err(|_| TableError::Format {
                path: path.clone(),
                detail: "a worker stopped unexpectedly".into(),
            })?;
            match merged.as_mut() {
                Some(m) => m.merge(sink),
                None => merged = Some(sink),
            }
        }
        let bytes = read.map_err(io)?;
        let sink = merged.unwrap_or_else(make);
        Ok((sink, ScanInfo { bytes }))
    })
}

/// Reads the file in blocks cut after a record's end and sends them on.
fn feed(
    file: &mut File,
    tx: &mpsc::SyncSender<(Vec<u8>, bool)>,
    pool: &Mutex<Vec<Vec<u8>>>,
    progress: &(dyn Fn(u64) + Sync),
) -> std::io::Result<u64> {
    let fresh = || {
        pool.lock()
            .ok()
            .and_then(|mut p| p.pop())
            .map(|mut b| {
                b.clear();
                b
            })
            .unwrap_or_else(|| Vec::with_capacity(BLOCK))
    };
    let mut total = 0u64;
    let mut buf: Vec<u8> = fresh();
    let mut want = BLOCK;
    loop {
        let start = buf.len();
        let room = want.max(start + 1) - start;
        // read_to_end fills the spare capacity without zeroing it first.
        let n = (&mut *file).take(room as u64).read_to_end(&mut buf)?;
        total += n as u64;
        progress(total);
        if n < room {
            if !buf.is_empty() {
                let quotes = memchr::memchr(b'"', &buf).is_some();
                let _ = tx.send((buf, quotes));
            }
            return Ok(total);
        }
        let quotes = memchr::memchr(b'"', &buf).is_some();
        match record_end(&buf, quotes) {
            Some(end) => {
                let mut next = fresh();
                next.extend_from_slice(&buf[end + 1..]);
                buf.truncate(end + 1);
                let block = std::mem::replace(&mut buf, next);
                // A quote only in the part carried over sends the block to
                // the quoting parser (the `csv` crate), which reads plain
                // rows the same way (save a lone carriage return, which it
                // takes for a line end, as it does in any quoted block).
                if tx.send((block, quotes)).is_err() {
                    return Ok(total);
                }
                want = BLOCK.max(buf.len() + BLOCK / 2);
            }
            // One record longer than the block: read more of it.
            None => want = buf.len() * 2,
        }
    }
}

/// The position of the last newline that ends a record: outside quotes,
/// counting from the start of `buf` (which starts a record); `quotes` is
/// whether `buf` holds any.
fn record_end(buf: &[u8], quotes: bool) -> Option<usize> {
    if !quotes {
        return memchr::memrchr(b'\n', buf);
    }
    let mut quoted = false;
    let mut last = None;
    for i in memchr::memchr2_iter(b'"', b'\n', buf) {
        if buf[i] == b'"' {
            quoted = !quoted;
        } else if !quoted {
            last = Some(i);
        }
    }
    last
}

/// Parses one block of whole records that holds no quote.
fn parse_block<S: Sink>(block: &[u8], ncols: usize, wanted: &[usize], sink: &mut S) {
    let mut bounds: Vec<(usize, usize)> = Vec::with_capacity(ncols + 1);
    let mut fields: Vec<&[u8]> = Vec::with_capacity(wanted.len());
    let mut field_start = 0;
    let mut emit = |bounds: &mut Vec<(usize, usize)>, line_end: usize, field_start: usize| {
        let mut end = line_end;
        if end > field_start && block[end - 1] == b'\r' {
            end -= 1;
        }
        if bounds.len() <= ncols {
            bounds.push((field_start, end));
        }
        let empty = bounds.len() == 1 && bounds[0].0 == bounds[0].1;
        if !empty {
            if bounds.len() != ncols {
                sink.wrong_column_count();
            } else {
                fields.clear();
                for &w in wanted {
                    let (a, b) = bounds[w];
                    fields.push(&block[a..b]);
                }
                sink.row(&fields);
            }
        }
        bounds.clear();
    };
    for (pos, newline) in Separators::new(block) {
        if !newline {
            if bounds.len() <= ncols {
                bounds.push((field_start, pos));
            }
        } else {
            emit(&mut bounds, pos, field_start);
        }
        field_start = pos + 1;
    }
    if field_start < block.len() {
        emit(&mut bounds, block.len(), field_start);
    }
}

/// The positions of every comma and newline of a block, in order, each
/// with whether it is a newline: eight bytes at a time, each byte compared
/// at once by bit arithmetic on a 64-bit word (separators are every few
/// bytes, too dense for `memchr`, which restarts its search after each).
struct Separators<'a> {
    block: &'a [u8],
    /// Where the next word starts.
    next: usize,
    /// A high bit for each separator byte of the word read last that is
    /// not yet returned, and for each newline among them.
    mask: u64,
    newlines: u64,
}

const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of every byte of `w` that equals `b` (exact: no carries
/// cross from one byte to the next).
fn bytes_equal(w: u64, b: u8) -> u64 {
    let v = w ^ (ONES * u64::from(b));
    !(((v & LOW7) + LOW7) | v | LOW7)
}

impl<'a> Separators<'a> {
    fn new(block: &'a [u8]) -> Self {
        Separators {
            block,
            next: 0,
            mask: 0,
            newlines: 0,
        }
    }

    /// Reads the next word (the last one zero-padded: zero is neither
    /// separator); false at the end of the block.
    #[inline]
    fn refill(&mut self) -> bool {
        let word = match self.block.get(self.next..self.next + 8) {
            Some(w) => u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]),
            None => {
                let rest = self.block.get(self.next..).unwrap_or_default();
                if rest.is_empty() {
                    return false;
                }
                let mut tail = [0u8; 8];
                tail[..rest.len()].copy_from_slice(rest);
                u64::from_le_bytes(tail)
            }
        };
        self.next += 8;
        self.newlines = bytes_equal(word, b'\n');
        self.mask = bytes_equal(word, b',') | self.newlines;
        true
    }
}

impl Iterator for Separators<'_> {
    type Item = (usize, bool);

    #[inline(always)]
    fn next(&mut self) -> Option<(usize, bool)> {
        while self.mask == 0 {
            if !self.refill() {
                return None;
            }
        }
        let bit = self.mask & self.mask.wrapping_neg();
        let at = self.next - 8 + (bit.trailing_zeros() / 8) as usize;
        self.mask ^= bit;
        Some((at, self.newlines & bit != 0))
    }
}

/// Parses a block that holds quoted fields, with the `csv` crate.
fn parse_quoted<S: Sink>(block: &[u8], ncols: usize, wanted: &[usize], sink: &mut S) {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(block);
    let mut rec = csv::ByteRecord::new();
    loop {
        match r.read_byte_record(&mut rec) {
            Ok(true) => {
                if rec.len() == 1 && rec.get(0).is_some_and(<[u8]>::is_empty) {
                    continue;
                }
                if rec.len() != ncols {
                    sink.wrong_column_count();
                    continue;
                }
                let fields: Vec<&[u8]> = wanted.iter().map(|&w| &rec[w]).collect();
                sink.row(&fields);
            }
            Ok(false) => break,
            Err(_) => sink.wrong_column_count(),
        }
    }
}

/// Text read as "no value", as pandas reads it by default.
pub fn is_missing(v: &[u8]) -> bool {
    matches!(
        v.trim_ascii(),
        b"" | b"NA"
            | b"N/A"
            | b"n/a"
            | b"NaN"
            | b"nan"
            | b"-NaN"
            | b"-nan"
            | b"null"
            | b"NULL"
            | b"None"
            | b"<NA>"
            | b"#N/A"
            | b"#NA"
    )
}

/// A number, or None for text that is not one. Small enough to be inlined
/// where rows are read; the general parser, with its large stack frame, is
/// called only for what the fast path leaves.
#[inline]
pub fn number(v: &[u8]) -> Option<f64> {
    let t = v.trim_ascii();
    plain_decimal(t).or_else(|| general_number(t))
}

#[cold]
#[inline(never)]
fn general_number(t: &[u8]) -> Option<f64> {
    // The whole text must be the number (fast-float2 stops at the first
    // character that is not part of one).
    match fast_float2::parse_partial::<f64, _>(t) {
        Ok((x, n)) if n == t.len() && !t.is_empty() => Some(x),
        _ => None,
    }
}

/// The common case of a log's numbers, read without the general parser:
/// an optional sign, digits with an optional decimal point among them, no
/// exponent, the digits an integer of at most 2^53 and at most 22 of them
/// after the point. That integer and the power of ten are then exact in a
/// double, so one division is correctly rounded (Clinger's fast path) and
/// gives the general parser's value. None for anything else, which the
/// general parser then reads.
#[inline]
fn plain_decimal(t: &[u8]) -> Option<f64> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    // Signs are random in a log: no branch on them.
    let first = *t.first()?;
    let negative = first == b'-';
    let d = t.get(usize::from(negative || first == b'+')..)?;
    // Two tight loops, one branch a digit: the whole part, then the
    // fraction. Wrapping arithmetic: more than 19 digits are turned away
    // below, before the (then meaningless) value is used.
    let mut mantissa = 0u64;
    // Reads digits from `i` into the mantissa; where they stop.
    let mut digits_from = |mut i: usize| {
        while let Some(x) = d.get(i).map(|c| c.wrapping_sub(b'0')).filter(|x| *x <= 9) {
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(x));
            i += 1;
        }
        i
    };
    let mut i = digits_from(0);
    let (mut fraction, point) = (0, d.get(i) == Some(&b'.'));
    if point {
        let end = digits_from(i + 1);
        fraction = end - (i + 1);
        i = end;
    }
    let digits = i - usize::from(point);
    if i != d.len() || digits == 0 || digits > 19 || mantissa > 1 << 53 {
        return None;
    }
    let x = mantissa as f64 / *POW10.get(fraction)?;
    Some(if negative { -x } else { x })
}

/// A fast hash for the short keys (groups, categories) a log repeats
/// millions of times; the keys are the user's own data, not an attacker's.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn write_usize(&mut self, i: usize) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A HashMap keyed by bytes with `FxHasher`.
pub type FxMap<V> = std::collections::HashMap<Vec<u8>, V, std::hash::BuildHasherDefault<FxHasher>>;

/// A scratch directory removed when dropped.
#[derive(Debug)]
pub struct Scratch {
    pub dir: PathBuf,
}

impl Scratch {
    pub fn new(label: &str) -> std::io::Result<Scratch> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("aims-{label}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(Scratch { dir })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Rows {
        rows: Vec<Vec<String>>,
        wrong: u64,
    }

    impl Sink for Rows {
        fn row(&mut self, fields: &[&[u8]]) {
            self.rows.push(
                fields
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
            );
        }
        fn wrong_column_count(&mut self) {
            self.wrong += 1;
        }
        fn merge(&mut self, other: Self) {
            self.rows.extend(other.rows);
            self.wrong += other.wrong;
        }
    }

    fn write(name: &str, text: &[u8]) -> (Scratch, PathBuf) {
        let s = Scratch::new("table-test").unwrap();
        let p = s.dir.join(name);
        std::fs::write(&p, text).unwrap();
        (s, p)
    }

    fn read_all(text: &[u8], cols: &[&str], threads: usize) -> Rows {
        let (_s, p) = write("t.csv", text);
        let h = Header::read(&p).unwrap();
        let pos = h.positions(cols).unwrap();
        let (mut rows, info) = scan(&h, &pos, threads, Rows::default, &|_| {}).unwrap();
        assert!(info.bytes > 0 || text.is_empty());
        rows.rows.sort();
        rows
    }

    #[test]
    fn plain_and_quoted_rows_give_the_same_fields() {
        let plain = b"a,b,c\n1,x,2\n3,y,4\r\n\n5,z,6";
        let quoted = b"a,b,c\n1,\"x\",2\n3,y,4\r\n\n\"5\",z,6\n";
        for text in [&plain[..], &quoted[..]] {
            let r = read_all(text, &["c", "a"], 2);
            assert_eq!(r.rows, vec![vec!["2", "1"], vec!["4", "3"], vec!["6", "5"]]);
            assert_eq!(r.wrong, 0);
        }
    }

    #[test]
    fn a_quoted_newline_stays_in_its_field() {
        let r = read_all(
            b"note,v\n\"two\nlines, and a comma\",1\nplain,2\n",
            &["v", "note"],
            1,
        );
        assert_eq!(
            r.rows,
            vec![vec!["1", "two\nlines, and a comma"], vec!["2", "plain"]]
        );
    }

    #[test]
    fn rows_with_the_wrong_number_of_fields_are_counted() {
        let r = read_all(b"a,b\n1,2\n1\n1,2,3\n4,5\n", &["b"], 2);
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.wrong, 2);
        let r = read_all(b"a,b\n1,2\n\"1\"\n\"1\",2,3\n4,5\n", &["b"], 1);
        assert_eq!((r.rows.len(), r.wrong), (2, 2));
    }

    #[test]
    fn big_files_are_cut_at_record_boundaries() {
        // More than one block, with quoted newlines right across the cuts.
        let mut text = b"id,text,n\n".to_vec();
        let mut expect = 0u64;
        for i in 0..400_000u64 {
            if i.is_multiple_of(7) {
                text.extend_from_slice(format!("{i},\"a\nb,\"\"c\"\"\",{i}\n").as_bytes());
            } else {
                text.extend_from_slice(format!("{i},plain text here,{i}\n").as_bytes());
            }
            expect += i;
        }
        assert!(text.len() > 2 * BLOCK);
        let r = read_all(&text, &["id", "n", "text"], 2);
        assert_eq!(r.wrong, 0);
        assert_eq!(r.rows.len(), 400_000);
        let mut sum = 0u64;
        for row in &r.rows {
            assert_eq!(row[0], row[1]);
            sum += row[0].parse::<u64>().unwrap();
            let i: u64 = row[0].parse().unwrap();
            let t = if i.is_multiple_of(7) {
                "a\nb,\"c\""
            } else {
                "plain text here"
            };
            assert_eq!(row[2], t);
        }
        assert_eq!(sum, expect);
    }

    #[test]
    fn a_missing_column_is_named_before_any_work() {
        let (_s, p) = write("t.csv", b"label,prediction\n1,0\n");
        let h = Header::read(&p).unwrap();
        let e = h.positions(&["label", "sex"]).unwrap_err().to_string();
        assert!(e.contains("no column \"sex\""), "{e}");
        assert!(e.contains("label, prediction"), "{e}");
    }

    #[test]
    fn an_empty_file_is_a_clear_error() {
        let (_s, p) = write("t.csv", b"");
        let e = Header::read(&p).unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
    }

    #[test]
    fn separators_are_every_comma_and_newline() {
        let mut text = Vec::new();
        let mut s = 0x853C_49E6_748F_EA9Bu64;
        for len in 0..200 {
            text.clear();
            for _ in 0..len {
                crate::xorshift(&mut s);
                // Separators, their neighbours in the byte table, and the
                // bytes the bit arithmetic could confuse with them.
                text.push(
                    [
                        b',', b'\n', b'+', b'-', b'\t', b'\x0b', b'a', 0xAC, 0x8A, 0, 0xFF,
                    ][(s % 11) as usize],
                );
            }
            let want: Vec<usize> = (0..text.len())
                .filter(|&i| text[i] == b',' || text[i] == b'\n')
                .collect();
            let got: Vec<(usize, bool)> = Separators::new(&text).collect();
            let newlines: Vec<bool> = want.iter().map(|&i| text[i] == b'\n').collect();
            assert_eq!(
                got,
                want.into_iter().zip(newlines).collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn plain_decimals_read_as_the_general_parser_reads_them() {
        let general = |t: &str| match fast_float2::parse_partial::<f64, _>(t) {
            Ok((x, n)) if n == t.len() => Some(x),
            _ => None,
        };
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "+0",
            "1",
            "+5",
            "-12.345678",
            "1.",
            ".5",
            "-.5",
            "0.1",
            "0.3",
            "123456789012345",
            "12345678901234.5",
            "0.000000000000001",
            "-0.000000000000000001",
            "000000000000000007.5",
            "999999999999999",
            "1.79769313486231",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut s = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            crate::xorshift(&mut s);
            let digits = (s % 15 + 1) as usize;
            let point = (s >> 8) as usize % (digits + 2);
            let mut t = String::new();
            if s & (1 << 40) != 0 {
                t.push('-');
            }
            let mut d = s >> 20;
            for i in 0..digits {
                if i == point {
                    t.push('.');
                }
                t.push(char::from(b'0' + (d % 10) as u8));
                d = d / 10 + (s >> (i % 50));
            }
            texts.push(t);
        }
        for t in &texts {
            let fast = plain_decimal(t.as_bytes());
            assert!(fast.is_some(), "{t}");
            assert_eq!(fast.map(f64::to_bits), general(t).map(f64::to_bits), "{t}");
        }
        // Left to the general parser: too many digits, exponents, text.
        for t in [
            "12345678901234567",
            "0.99999999999999999",
            "9007199254740.993",
            "00000000000000000000001",
            "-0.0000000000000000000001",
            "1234567890123456789012345",
            "0.00000000000000000000001",
            "1e5",
            "1.5E-3",
            "-",
            ".",
            "",
            "1.2.3",
            "0x10",
            "inf",
            "NaN",
            "1,5",
            "١",
        ] {
            assert_eq!(plain_decimal(t.as_bytes()), None, "{t}");
        }
        assert_eq!(
            number(b"1234567890123456789"),
            Some(1_234_567_890_123_456_789.0)
        );
        assert_eq!(number(b" 2.5e1 "), Some(25.0));
        assert_eq!(number(b"1.2.3"), None);
    }

    #[test]
    fn missing_values_read_as_pandas_reads_them() {
        for v in ["", " ", "NA", "NaN", "nan", "null", "None", "N/A"] {
            assert!(is_missing(v.as_bytes()), "{v:?}");
        }
        for v in ["0", "a", "none", "NAN", "-"] {
            assert!(!is_missing(v.as_bytes()), "{v:?}");
        }
        assert_eq!(number(b" 1.5 "), Some(1.5));
        assert_eq!(number(b"1e3"), Some(1000.0));
        assert_eq!(number(b"x"), None);
        assert_eq!(number(&[0xff, 0x31]), None);
    }
}
