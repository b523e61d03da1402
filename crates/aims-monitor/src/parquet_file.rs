//! Parquet logs: the same rows as a CSV log would give, read row group by
//! row group (workers take turns), each value turned into the text a CSV
//! would hold — numbers in their shortest exact form, timestamps as RFC
//! 3339, dates as YYYY-MM-DD, nulls as empty — so every statistic reads one
//! kind of row.

use crate::table::{Sink, TableError};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::reader::RowIter;
use parquet::record::Field;
use parquet::schema::types::Type;
use std::fmt::Write as _;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

fn format_error(path: &Path, e: impl std::fmt::Display) -> TableError {
    TableError::Format {
        path: path.to_owned(),
        detail: format!("not a readable Parquet file: {e}"),
    }
}

fn open(path: &Path) -> Result<SerializedFileReader<File>, TableError> {
    let file = File::open(path).map_err(|source| TableError::Io {
        path: path.to_owned(),
        source,
    })?;
    SerializedFileReader::new(file).map_err(|e| format_error(path, e))
}

/// Whether the file starts as Parquet does.
pub fn is_parquet(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && &magic == b"PAR1"
}

/// The top-level column names and the first `limit` rows as text.
pub fn header(path: &Path, limit: usize) -> Result<(Vec<String>, Vec<Vec<String>>), TableError> {
    let reader = open(path)?;
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    let columns: Vec<String> = schema
        .root_schema()
        .get_fields()
        .iter()
        .map(|f| f.name().to_owned())
        .collect();
    let mut sample = Vec::new();
    let rows = RowIter::from_file(None, &reader).map_err(|e| format_error(path, e))?;
    let mut text = String::new();
    for row in rows.take(limit) {
        let row = row.map_err(|e| format_error(path, e))?;
        sample.push(
            row.get_column_iter()
                .map(|(_, f)| {
                    text.clear();
                    write_field(&mut text, f);
                    text.clone()
                })
                .collect(),
        );
    }
    Ok((columns, sample))
}

/// The projection of `wanted` top-level columns (each once, in file order)
/// and, for each wanted column, its place in a projected row.
fn projection(
    reader: &SerializedFileReader<File>,
    wanted: &[usize],
) -> Result<(Type, Vec<usize>), String> {
    let root = reader
        .metadata()
        .file_metadata()
        .schema_descr_ptr()
        .root_schema_ptr();
    let fields = root.get_fields();
    let mut keep: Vec<usize> = wanted.to_vec();
    keep.sort_unstable();
    keep.dedup();
    let chosen: Vec<Arc<Type>> = keep
        .iter()
        .filter_map(|&i| fields.get(i).cloned())
        .collect();
    let proj = Type::group_type_builder(root.name())
        .with_fields(chosen)
        .build()
        .map_err(|e| e.to_string())?;
    let places = wanted
        .iter()
        .map(|w| keep.iter().position(|k| k == w).unwrap_or(0))
        .collect();
    Ok((proj, places))
}

/// Reads every row of the wanted columns, `threads` workers taking the row
/// groups in turn; `progress` is told the compressed bytes done.
pub fn scan<S: Sink>(
    path: &Path,
    wanted: &[usize],
    threads: usize,
    make: &(impl Fn() -> S + Sync),
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(S, u64), TableError> {
    let first = open(path)?;
    let groups = first.num_row_groups();
    let total: u64 = (0..groups)
        .map(|g| first.metadata().row_group(g).compressed_size().max(0) as u64)
        .sum();
    let done = std::sync::atomic::AtomicU64::new(0);
    let threads = threads.clamp(1, groups.max(1));
    let results: Vec<Result<S, TableError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|w| {
                let done = &done;
                s.spawn(move || -> Result<S, TableError> {
                    let reader = open(path)?;
                    let (proj, places) =
                        projection(&reader, wanted).map_err(|e| format_error(path, e))?;
                    let mut sink = make();
                    let mut text = String::new();
                    let mut spans: Vec<(usize, usize)> = Vec::new();
                    for g in (w..groups).step_by(threads) {
                        let rg = reader.get_row_group(g).map_err(|e| format_error(path, e))?;
                        let rows = RowIter::from_row_group(Some(proj.clone()), rg.as_ref())
                            .map_err(|e| format_error(path, e))?;
                        for row in rows {
                            let row = row.map_err(|e| format_error(path, e))?;
                            text.clear();
                            spans.clear();
                            for (_, f) in row.get_column_iter() {
                                let start = text.len();
                                write_field(&mut text, f);
                                spans.push((start, text.len()));
                            }
                            let bytes = text.as_bytes();
                            let fields: Vec<&[u8]> = places
                                .iter()
                                .map(|&p| spans.get(p).map_or(&b""[..], |&(a, b)| &bytes[a..b]))
                                .collect();
                            sink.row(&fields);
                        }
                        let size = reader.metadata().row_group(g).compressed_size().max(0) as u64;
                        let now = done.fetch_add(size, std::sync::atomic::Ordering::Relaxed) + size;
                        progress(now);
                    }
                    Ok(sink)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(TableError::Format {
                        path: path.to_owned(),
                        detail: "a worker stopped unexpectedly".into(),
                    })
                })
            })
            .collect()
    });
    let mut merged: Option<S> = None;
    for r in results {
        let sink = r?;
        match merged.as_mut() {
            Some(m) => m.merge(sink),
            None => merged = Some(sink),
        }
    }
    Ok((merged.unwrap_or_else(make), total))
}

/// A value as CSV text: nulls empty, numbers exact, times RFC 3339.
fn write_field(out: &mut String, f: &Field) {
    let _ = match f {
        Field::Null => Ok(()),
        Field::Bool(b) => write!(out, "{b}"),
        Field::Byte(v) => write!(out, "{v}"),
        Field::Short(v) => write!(out, "{v}"),
        Field::Int(v) => write!(out, "{v}"),
        Field::Long(v) => write!(out, "{v}"),
        Field::UByte(v) => write!(out, "{v}"),
        Field::UShort(v) => write!(out, "{v}"),
        Field::UInt(v) => write!(out, "{v}"),
        Field::ULong(v) => write!(out, "{v}"),
        Field::Float(v) => write!(out, "{v}"),
        Field::Double(v) => write!(out, "{v}"),
        Field::Str(s) => {
            out.push_str(s);
            Ok(())
        }
        Field::Bytes(b) => {
            out.push_str(&String::from_utf8_lossy(b.data()));
            Ok(())
        }
        Field::Date(days) => {
            civil(out, i64::from(*days) * 86_400, 0, 0);
            Ok(())
        }
        Field::TimestampMillis(ms) => {
            civil(out, ms.div_euclid(1000), ms.rem_euclid(1000) as u32, 3);
            Ok(())
        }
        Field::TimestampMicros(us) => {
            civil(
                out,
                us.div_euclid(1_000_000),
                us.rem_euclid(1_000_000) as u32,
                6,
            );
            Ok(())
        }
        other => write!(out, "{other}"),
    };
}

/// Seconds since 1970 as `YYYY-MM-DD` (digits 0) or
/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
fn civil(out: &mut String, secs: i64, fraction: u32, digits: usize) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let _ = write!(out, "{y:04}-{m:02}-{d:02}");
    if digits == 0 {
        return;
    }
    let _ = write!(
        out,
        "T{:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    );
    if fraction > 0 {
        let _ = write!(out, ".{fraction:0digits$}");
    }
    out.push('Z');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_and_times() {
        let mut s = String::new();
        civil(&mut s, 0, 0, 0);
        assert_eq!(s, "1970-01-01");
        s.clear();
        civil(&mut s, 1_767_225_600 + 3661, 0, 3);
        assert_eq!(s, "2026-01-01T01:01:01Z");
        s.clear();
        civil(&mut s, 951_782_400, 5, 3);
        assert_eq!(s, "2000-02-29T00:00:00.005Z");
        s.clear();
        civil(&mut s, -1, 999_999, 6);
        assert_eq!(s, "1969-12-31T23:59:59.999999Z");
    }

    #[test]
    fn fields_as_csv_text() {
        let mut s = String::new();
        for (f, want) in [
            (Field::Null, ""),
            (Field::Bool(true), "true"),
            (Field::Int(-3), "-3"),
            (Field::Double(0.1), "0.1"),
            (Field::Double(1e-7), "0.0000001"),
            (Field::Str("a,b".into()), "a,b"),
            (Field::Date(20_454), "2026-01-01"),
            (
                Field::TimestampMillis(1_767_225_600_250),
                "2026-01-01T00:00:00.250Z",
            ),
        ] {
            s.clear();
            write_field(&mut s, &f);
            assert_eq!(s, want);
        }
        assert_eq!("0.0000001".parse::<f64>().unwrap(), 1e-7);
    }
}
