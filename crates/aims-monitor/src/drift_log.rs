//! `aims monitor drift`: a streaming pass over the reference and the
//! current log, then one column at a time.
//!
//! Categorical columns are counted as they stream by. Numeric columns need
//! every value sorted for the exact Kolmogorov–Smirnov and Wasserstein
//! statistics: the values are spilled to scratch files as they are read
//! (64 KiB of them kept per column and worker before a write); then each
//! worker takes one column at a time, loads and sorts it — memory is
//! bounded by one numeric column of both files per worker (8 bytes a value,
//! sorted in place), with only as many workers as fit in 512 MiB (at least
//! one), not by the whole log.

use crate::drift::{self, Binned, Ordered, StatTest};
use crate::float_sort;
use crate::report::{Input, Span, TIME_COLUMNS};
use crate::table::{self, Header, Scratch, Sink, TableError};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes of values a worker keeps per column before spilling them: small
/// enough that the buffers of every column stay in the core's cache.
const SPILL_AT: usize = 64 << 10;
/// What to compare.
#[derive(Debug, Clone)]
pub struct DriftArgs {
    pub reference: PathBuf,
    pub current: PathBuf,
    /// The columns; every column both files have when None.
    pub columns: Option<Vec<String>>,
    /// Columns read as categories even when their values are numbers.
    pub categorical: Vec<String>,
    /// The test deciding each verdict; evidently's choice when None.
    pub stattest: Option<StatTest>,
    /// The verdict's threshold; the test's usual one when None.
    pub threshold: Option<f64>,
    /// The time column; the first of `TIME_COLUMNS` a file has when None.
    pub time: Option<String>,
    pub threads: usize,
}

/// The drift report (`--json FILE`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftReport {
    /// Always "drift".
    pub kind: &'static str,
    pub reference: Input,
    pub current: Input,
    pub columns: Vec<ColumnDrift>,
    /// How many columns drifted, and their share of all compared.
    pub drifted_columns: usize,
    #[serde(serialize_with = "crate::report::number")]
    pub share_drifted: f64,
}

/// One column's comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnDrift {
    pub column: String,
    /// "numeric" or "categorical".
    pub kind: &'static str,
    pub reference: ColumnValues,
    pub current: ColumnValues,
    /// Bins and binned distances (absent when a sample has no value).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub binned: Option<Binned>,
    /// KS and Wasserstein (numeric columns with values in both samples).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub ordered: Option<Ordered>,
    /// The test behind the verdict, its threshold and score.
    pub stattest: StatTest,
    pub threshold: f64,
    #[serde(serialize_with = "crate::report::number")]
    pub score: f64,
    pub drifted: bool,
}

/// What one sample held of a column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ColumnValues {
    /// Values counted.
    pub values: u64,
    /// Empty, NA, NaN or infinite: left out.
    pub missing: u64,
    /// Text in a numeric column: left out.
    pub non_numeric: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Num(usize),
    Cat(usize),
}

/// A numeric column's values from one worker: in memory, then in a file
/// (little-endian bytes either way, so spilling is one write). The file
/// stays open between writes when few are open at once
/// ([`OPEN_SPILLS`]); else it is opened for each write and closed, so that
/// a log with many numeric columns read by many workers never reaches the
/// process's limit of open files.
struct Spill {
    buf: Vec<u8>,
    path: PathBuf,
    file: Option<File>,
    keep_open: bool,
    spilled: bool,
}

/// How many spill files may stay open at once (numeric columns × workers ×
/// the two logs); past that, each write opens and closes its file.
const OPEN_SPILLS: usize = 256;

impl Spill {
    fn new(path: PathBuf, keep_open: bool) -> Spill {
        Spill {
            buf: Vec::with_capacity(SPILL_AT),
            path,
            file: None,
            keep_open,
            spilled: false,
        }
    }

    fn push(&mut self, x: f64) -> std::io::Result<()> {
        self.buf.extend_from_slice(&x.to_le_bytes());
        if self.buf.len() >= SPILL_AT {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let mut file = match self.file.take() {
            Some(f) => f,
            None => std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)?,
        };
        file.write_all(&self.buf)?;
        if self.keep_open {
            self.file = Some(file);
        }
        self.spilled = true;
        self.buf.clear();
        Ok(())
    }

    /// Appends every value to `out`.
    fn load(self, out: &mut Vec<f64>) -> std::io::Result<()> {
        let values = |bytes: &[u8], out: &mut Vec<f64>| {
            out.extend(
                bytes
                    .chunks_exact(8)
                    .map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])),
            );
        };
        if self.spilled {
            drop(self.file);
            let mut f = File::open(&self.path)?;
            let mut chunk = vec![0u8; 1 << 20];
            loop {
                let mut n = 0;
                while n < chunk.len() {
                    match f.read(&mut chunk[n..])? {
                        0 => break,
                        k => n += k,
                    }
                }
                values(&chunk[..n - n % 8], out);
                if n < chunk.len() {
                    break;
                }
            }
            std::fs::remove_file(&self.path)?;
        }
        values(&self.buf, out);
        Ok(())
    }
}

struct DriftSink<'a> {
    slots: &'a [Slot],
    time: bool,
    nums: Vec<Vec<Spill>>,
    cats: Vec<crate::table::FxMap<u64>>,
    values: Vec<ColumnValues>,
    integer: Vec<bool>,
    rows: u64,
    wrong: u64,
    span: Span,
    error: Option<std::io::Error>,
}

fn integer_text(v: &[u8]) -> bool {
    let v = v.trim_ascii();
    let digits = v
        .strip_prefix(b"-")
        .or_else(|| v.strip_prefix(b"+"))
        .unwrap_or(v);
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

impl Sink for DriftSink<'_> {
    fn row(&mut self, fields: &[&[u8]]) {
        self.rows += 1;
        for (k, slot) in self.slots.iter().enumerate() {
            let v = fields[k];
            let seen = &mut self.values[k];
            match *slot {
                Slot::Num(i) => match table::number(v).filter(|x| x.is_finite()) {
                    Some(x) => {
                        seen.values += 1;
                        if self.integer[k] && !integer_text(v) {
                            self.integer[k] = false;
                        }
                        if let (Some(s), None) = (self.nums[i].last_mut(), &self.error) {
                            if let Err(e) = s.push(x) {
                                self.error = Some(e);
                            }
                        }
                    }
                    None if table::is_missing(v) || table::number(v).is_some() => {
                        seen.missing += 1;
                        self.integer[k] = false;
                    }
                    None => seen.non_numeric += 1,
                },
                Slot::Cat(i) => {
                    if table::is_missing(v) {
                        seen.missing += 1;
                    } else {
                        seen.values += 1;
                        match self.cats[i].get_mut(v) {
                            Some(n) => *n += 1,
                            None => {
                                self.cats[i].insert(v.to_vec(), 1);
                            }
                        }
                    }
                }
            }
        }
        if self.time {
            self.span.see(fields[fields.len() - 1]);
        }
    }

    fn wrong_column_count(&mut self) {
        self.rows += 1;
        self.wrong += 1;
    }

    fn merge(&mut self, other: Self) {
        self.rows += other.rows;
        self.wrong += other.wrong;
        self.span.merge(&other.span);
        self.error = self.error.take().or(other.error);
        for (a, b) in self.nums.iter_mut().zip(other.nums) {
            a.extend(b);
        }
        for (a, b) in self.cats.iter_mut().zip(other.cats) {
            for (k, n) in b {
                *a.entry(k).or_default() += n;
            }
        }
        for (a, b) in self.values.iter_mut().zip(other.values) {
            a.values += b.values;
            a.missing += b.missing;
            a.non_numeric += b.non_numeric;
        }
        for (a, b) in self.integer.iter_mut().zip(other.integer) {
            *a &= b;
        }
    }
}

/// Whether a column's sample values are numbers: at least 90% of those
/// present (a stray text value in a numeric column is then counted as
/// non-numeric, not turned into a category); None when none is present.
fn looks_numeric<'a>(values: impl Iterator<Item = &'a str>) -> Option<bool> {
    let (mut present, mut numbers) = (0usize, 0usize);
    for v in values.filter(|v| !table::is_missing(v.as_bytes())) {
        present += 1;
        numbers += usize::from(table::number(v.as_bytes()).is_some());
    }
    (present > 0).then_some(numbers * 10 >= present * 9)
}

struct Scanned {
    input: Input,
    nums: Vec<Vec<Spill>>,
    cats: Vec<crate::table::FxMap<u64>>,
    values: Vec<ColumnValues>,
    integer: Vec<bool>,
}

fn time_column(args: &DriftArgs, h: &Header) -> Option<String> {
    match &args.time {
        Some(t) => h.columns.iter().any(|c| c == t).then(|| t.clone()),
        None => TIME_COLUMNS
            .iter()
            .find(|t| h.columns.iter().any(|c| c == *t))
            .map(|t| (*t).to_owned()),
    }
}

#[allow(clippy::too_many_arguments)]
fn scan_one(
    h: &Header,
    columns: &[String],
    slots: &[Slot],
    time: Option<&str>,
    threads: usize,
    scratch: &Scratch,
    tag: &str,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Scanned, TableError> {
    let mut wanted: Vec<&str> = columns.iter().map(String::as_str).collect();
    wanted.extend(time);
    let positions = h.positions(&wanted)?;
    let nnum = slots.iter().filter(|s| matches!(s, Slot::Num(_))).count();
    let ncat = slots.len() - nnum;
    // The other log's files are open too while this one is read.
    let keep_open = nnum.saturating_mul(threads.max(1)).saturating_mul(2) <= OPEN_SPILLS;
    let worker = AtomicUsize::new(0);
    let make = || {
        let w = worker.fetch_add(1, Ordering::Relaxed);
        DriftSink {
            slots,
            time: time.is_some(),
            nums: (0..nnum)
                .map(|i| {
                    let path = scratch.dir.join(format!("{tag}-{i}-{w}.f64"));
                    vec![Spill::new(path, keep_open)]
                })
                .collect(),
            cats: vec![Default::default(); ncat],
            values: vec![ColumnValues::default(); slots.len()],
            integer: vec![true; slots.len()],
            rows: 0,
            wrong: 0,
            span: Span::default(),
            error: None,
        }
    };
    let (sink, info) = table::scan(h, &positions, threads, make, progress)?;
    if let Some(e) = sink.error {
        return Err(TableError::Io {
            path: scratch.dir.clone(),
            source: e,
        });
    }
    let mut rejected = BTreeMap::new();
    if sink.wrong > 0 {
        rejected.insert("wrong_column_count", sink.wrong);
    }
    Ok(Scanned {
        input: Input {
            file: h.path.display().to_string(),
            format: h.format(),
            bytes: info.bytes,
            rows: sink.rows,
            rows_used: sink.rows - sink.wrong,
            rejected,
            time_range: time.and_then(|t| sink.span.range(t)),
        },
        nums: sink.nums,
        cats: sink.cats,
        values: sink.values,
        integer: sink.integer,
    })
}

/// A numeric column's values from every worker (`count` in all), sorted.
/// `buf` is the worker's buffer from its last column, filled again (fresh
/// memory would be zeroed page by page by the kernel first).
fn sorted(parts: Vec<Spill>, count: u64, mut buf: Vec<f64>) -> std::io::Result<Vec<f64>> {
    buf.clear();
    buf.reserve(usize::try_from(count).unwrap_or(0));
    for p in parts {
        p.load(&mut buf)?;
    }
    Ok(float_sort::sort(buf))
}

fn counts(map: crate::table::FxMap<u64>) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for (k, n) in map {
        *out.entry(String::from_utf8_lossy(&k).into_owned())
            .or_default() += n;
    }
    out
}

/// Whether the two sorted samples hold more than `limit` distinct values.
fn more_distinct_than(a: &[f64], b: &[f64], limit: usize) -> bool {
    let mut seen: Vec<f64> = Vec::with_capacity(limit + 1);
    for &x in a.iter().chain(b) {
        if !seen.contains(&x) {
            seen.push(x);
            if seen.len() > limit {
                return true;
            }
        }
    }
    false
}

/// Memory the workers comparing columns may hold at once: each holds one
/// numeric column of both logs (8 bytes a value, sorted in place).
const SORT_MEMORY: u64 = 512 << 20;

/// How many workers compare columns: `threads`, but no more than fit in
/// [`SORT_MEMORY`] with `largest` values (both logs) each, and at least one
/// (a column bigger than that is still compared, by one worker).
fn compare_workers(threads: usize, largest: u64) -> usize {
    let fit = SORT_MEMORY / largest.saturating_mul(8).max(1);
    threads
        .min(usize::try_from(fit).unwrap_or(usize::MAX))
        .max(1)
}

/// One column's values from both logs, waiting to be compared.
enum Job {
    Num(Vec<Spill>, Vec<Spill>),
    Cat(crate::table::FxMap<u64>, crate::table::FxMap<u64>),
}

/// What the scan counted of one column.
#[derive(Clone, Copy)]
struct Samples {
    reference: ColumnValues,
    current: ColumnValues,
    /// Every value of both logs an integer.
    integer: bool,
}

/// Compares one column of the two logs.
fn compare(
    args: &DriftArgs,
    column: &str,
    samples: Samples,
    job: Job,
    bufs: &mut [Vec<f64>; 2],
) -> std::io::Result<ColumnDrift> {
    let (rv, cv) = (samples.reference, samples.current);
    let (kind, binned, ordered, many) = match job {
        Job::Num(rp, cp) => {
            let a = sorted(rp, rv.values, std::mem::take(&mut bufs[0]))?;
            let b = sorted(cp, cv.values, std::mem::take(&mut bufs[1]))?;
            let both = !a.is_empty() && !b.is_empty();
            let binned = both.then(|| drift::binned_numeric(&a, &b, samples.integer));
            let ordered = both.then(|| drift::ordered(&a, &b));
            let many = more_distinct_than(&a, &b, 5);
            *bufs = [a, b];
            ("numeric", binned, ordered, many)
        }
        Job::Cat(rc, cc) => {
            let (a, b) = (counts(rc), counts(cc));
            let binned =
                (!a.is_empty() && !b.is_empty()).then(|| drift::binned_categorical(&a, &b));
            ("categorical", binned, None, false)
        }
    };
    let auto = StatTest::auto(kind == "numeric", rv.values, if many { 6 } else { 0 });
    let mut test = args.stattest.unwrap_or(auto);
    if ordered.is_none() && matches!(test, StatTest::Wasserstein | StatTest::Ks) {
        test = StatTest::JensenShannon;
    }
    let threshold = args.threshold.unwrap_or(test.default_threshold());
    let score = match test {
        StatTest::Psi => binned.as_ref().map_or(f64::NAN, |b| b.psi),
        StatTest::JensenShannon => binned.as_ref().map_or(f64::NAN, |b| b.jensenshannon),
        StatTest::Wasserstein => ordered.map_or(f64::NAN, |o| o.wasserstein_norm),
        StatTest::Ks => ordered.map_or(f64::NAN, |o| o.ks_pvalue),
    };
    Ok(ColumnDrift {
        column: column.to_owned(),
        kind,
        reference: rv,
        current: cv,
        binned,
        ordered,
        stattest: test,
        threshold,
        score,
        drifted: !score.is_nan() && test.drifted(score, threshold),
    })
}

/// Compares the two logs; `progress` is told the bytes read of both.
pub fn drift(
    args: &DriftArgs,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<DriftReport, TableError> {
    let rh = Header::read(&args.reference)?;
    let ch = Header::read(&args.current)?;
    let (rt, ct) = (time_column(args, &rh), time_column(args, &ch));
    let columns: Vec<String> = match &args.columns {
        Some(c) => c.iter().map(|c| c.trim().to_owned()).collect(),
        None => rh
            .columns
            .iter()
            .filter(|c| {
                ch.columns.contains(c) && Some(*c) != rt.as_ref() && Some(*c) != ct.as_ref()
            })
            .cloned()
            .collect(),
    };
    let names: Vec<&str> = columns.iter().map(String::as_str).collect();
    let (rpos, cpos) = (rh.positions(&names)?, ch.positions(&names)?);
    let mut slots = Vec::new();
    let (mut nnum, mut ncat) = (0, 0);
    for (k, c) in columns.iter().enumerate() {
        let numeric = !args.categorical.contains(c)
            && looks_numeric(rh.sample_of(rpos[k]))
                .or_else(|| looks_numeric(ch.sample_of(cpos[k])))
                .unwrap_or(false);
        slots.push(if numeric {
            nnum += 1;
            Slot::Num(nnum - 1)
        } else {
            ncat += 1;
            Slot::Cat(ncat - 1)
        });
    }
    let scratch = Scratch::new("drift").map_err(|source| TableError::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let rsize = std::fs::metadata(&args.reference).map_or(0, |m| m.len());
    let total = rsize + std::fs::metadata(&args.current).map_or(0, |m| m.len());
    let r = scan_one(
        &rh,
        &columns,
        &slots,
        rt.as_deref(),
        args.threads,
        &scratch,
        "r",
        &|b| progress(b, total),
    )?;
    let c = scan_one(
        &ch,
        &columns,
        &slots,
        ct.as_deref(),
        args.threads,
        &scratch,
        "c",
        &|b| progress(rsize + b, total),
    )?;
    // One column at a time per worker, each worker sorting both samples of
    // its column then computing the statistics: memory stays bounded by
    // `threads` numeric columns while every core works.
    let (mut rnums, mut cnums) = (r.nums.into_iter(), c.nums.into_iter());
    let (mut rcats, mut ccats) = (r.cats.into_iter(), c.cats.into_iter());
    let mut jobs: Vec<(usize, Job)> = slots
        .iter()
        .enumerate()
        .map(|(k, slot)| {
            let job = match slot {
                Slot::Num(_) => Job::Num(
                    rnums.next().unwrap_or_default(),
                    cnums.next().unwrap_or_default(),
                ),
                Slot::Cat(_) => Job::Cat(
                    rcats.next().unwrap_or_default(),
                    ccats.next().unwrap_or_default(),
                ),
            };
            (k, job)
        })
        .collect();
    // The heavy numeric columns first; popped from the end.
    jobs.sort_by_key(|(k, job)| (matches!(job, Job::Num(..)), std::cmp::Reverse(*k)));
    let largest = (0..columns.len())
        .filter(|&k| matches!(slots[k], Slot::Num(_)))
        .map(|k| r.values[k].values + c.values[k].values)
        .max()
        .unwrap_or(0);
    let workers = compare_workers(args.threads, largest);
    let jobs = std::sync::Mutex::new(jobs);
    let (rvalues, cvalues) = (&r.values, &c.values);
    let (rint, cint) = (&r.integer, &c.integer);
    // Each worker returns what it compared; one that panicked lost its
    // columns, which is said rather than reported on part of the log.
    let finished: Result<Vec<_>, _> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let (mut bufs, mut out) = ([Vec::new(), Vec::new()], Vec::new());
                    while let Some((k, job)) = jobs.lock().ok().and_then(|mut j| j.pop()) {
                        let samples = Samples {
                            reference: rvalues[k],
                            current: cvalues[k],
                            integer: rint[k] && cint[k],
                        };
                        out.push((k, compare(args, &columns[k], samples, job, &mut bufs)));
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join()).collect()
    });
    let mut done: Vec<_> = finished
        .map_err(|_| TableError::Format {
            path: scratch.dir.clone(),
            detail: "a worker stopped unexpectedly".into(),
        })?
        .into_iter()
        .flatten()
        .collect();
    done.sort_by_key(|(k, _)| *k);
    let out = done
        .into_iter()
        .map(|(_, r)| {
            r.map_err(|source| TableError::Io {
                path: scratch.dir.clone(),
                source,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let drifted_columns = out.iter().filter(|c| c.drifted).count();
    Ok(DriftReport {
        kind: "drift",
        reference: r.input,
        current: c.input,
        share_drifted: drifted_columns as f64 / out.len() as f64,
        drifted_columns,
        columns: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(dir: &std::path::Path) -> DriftArgs {
        DriftArgs {
            reference: dir.join("r.csv"),
            current: dir.join("c.csv"),
            columns: None,
            categorical: vec![],
            stattest: None,
            threshold: None,
            time: None,
            threads: 2,
        }
    }

    #[test]
    fn numeric_and_categorical_columns_with_missing_and_text() {
        let s = Scratch::new("drift-test").unwrap();
        std::fs::write(
            s.dir.join("r.csv"),
            "ts,x,cat,n\n1,1.5,a,1\n2,2.5,b,2\n3,,a,3\n4,oops,a,4\n5,3.5,,5\n6,1\n\
             7,1.5,a,1\n8,1.5,a,1\n9,1.5,a,1\n10,1.5,a,1\n11,1.5,a,1\n12,1.5,a,1\n13,1.5,a,1\n",
        )
        .unwrap();
        std::fs::write(
            s.dir.join("c.csv"),
            "n,cat,x,ts\n1,a,9.5,10\n2,z,8.5,11\n3,z,NaN,12\n",
        )
        .unwrap();
        let r = drift(&args(&s.dir), &|_, _| {}).unwrap();
        assert_eq!(r.reference.rows, 13);
        assert_eq!(r.reference.rejected.get("wrong_column_count"), Some(&1));
        assert_eq!(r.reference.time_range.as_ref().unwrap().to, "13");
        assert_eq!(r.current.time_range.as_ref().unwrap().from, "10");
        let names: Vec<&str> = r.columns.iter().map(|c| c.column.as_str()).collect();
        assert_eq!(names, vec!["x", "cat", "n"]);
        let x = &r.columns[0];
        assert_eq!(x.kind, "numeric");
        assert_eq!(
            x.reference,
            ColumnValues {
                values: 10,
                missing: 1,
                non_numeric: 1
            }
        );
        assert_eq!(
            x.current,
            ColumnValues {
                values: 2,
                missing: 1,
                non_numeric: 0
            }
        );
        assert!(x.drifted, "{x:?}");
        let cat = &r.columns[1];
        assert_eq!(cat.kind, "categorical");
        assert_eq!(cat.stattest, StatTest::JensenShannon);
        let b = cat.binned.as_ref().unwrap();
        assert_eq!(
            b.bins,
            drift::Bins::Values {
                values: vec!["a".into(), "b".into(), "z".into()]
            }
        );
        assert_eq!(b.reference_shares, vec![10.0 / 11.0, 1.0 / 11.0, 0.0]);
        assert_eq!(
            r.drifted_columns,
            r.columns.iter().filter(|c| c.drifted).count()
        );
    }

    #[test]
    fn forced_categorical_and_chosen_test_and_missing_columns() {
        let s = Scratch::new("drift-test").unwrap();
        std::fs::write(s.dir.join("r.csv"), "a,b\n1,1\n2,1\n").unwrap();
        std::fs::write(s.dir.join("c.csv"), "a,b\n1,1\n2,1\n").unwrap();
        let mut a = args(&s.dir);
        a.categorical = vec!["a".into()];
        a.stattest = Some(StatTest::Psi);
        a.threshold = Some(0.2);
        let r = drift(&a, &|_, _| {}).unwrap();
        assert_eq!(r.columns[0].kind, "categorical");
        assert_eq!(
            (r.columns[0].stattest, r.columns[0].threshold),
            (StatTest::Psi, 0.2)
        );
        assert_eq!(r.columns[0].score, 0.0);
        assert!(!r.columns[0].drifted);
        assert_eq!(r.drifted_columns, 0);
        a.columns = Some(vec!["a".into(), "zz".into()]);
        let e = drift(&a, &|_, _| {}).unwrap_err().to_string();
        assert!(e.contains("no column \"zz\""), "{e}");
    }

    #[test]
    fn workers_comparing_columns_fit_in_the_sort_memory() {
        // 10M + 10M values: 160 MB a worker, three fit.
        assert_eq!(compare_workers(2, 20_000_000), 2);
        assert_eq!(compare_workers(64, 20_000_000), 3);
        // Exactly one worker's worth, and a column too big for any: one.
        assert_eq!(compare_workers(8, SORT_MEMORY / 8), 1);
        assert_eq!(compare_workers(8, SORT_MEMORY / 8 + 1), 1);
        assert_eq!(compare_workers(8, SORT_MEMORY / 16), 2);
        assert_eq!(compare_workers(8, 200_000_000), 1);
        // Small or no numeric columns: every thread; never zero.
        assert_eq!(compare_workers(8, 1_000), 8);
        assert_eq!(compare_workers(8, 0), 8);
        assert_eq!(compare_workers(0, 1_000), 1);
    }

    #[test]
    fn spilled_values_come_back_whole() {
        let s = Scratch::new("drift-test").unwrap();
        for keep_open in [true, false] {
            let mut sp = Spill::new(s.dir.join("x.f64"), keep_open);
            let n = SPILL_AT / 8 * 2 + 10;
            for i in 0..n {
                sp.push(i as f64).unwrap();
            }
            assert!(s.dir.join("x.f64").exists());
            assert_eq!(sp.file.is_some(), keep_open);
            let mut out = Vec::new();
            sp.load(&mut out).unwrap();
            assert_eq!(out.len(), n);
            assert!(out.iter().enumerate().all(|(i, &x)| x == i as f64));
            assert!(!s.dir.join("x.f64").exists());
        }
    }

    #[test]
    fn integer_text_is_what_pandas_reads_as_int() {
        for v in ["1", "-20", "+3", " 7 "] {
            assert!(integer_text(v.as_bytes()), "{v}");
        }
        for v in ["1.0", "1e3", "", "-", "0x1"] {
            assert!(!integer_text(v.as_bytes()), "{v}");
        }
        assert!(more_distinct_than(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0], 5));
        assert!(!more_distinct_than(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0], 5));
    }
}
