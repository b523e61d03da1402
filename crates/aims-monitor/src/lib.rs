//! Monitoring analytics: group fairness and data drift from prediction logs.
//!
//! The statistics are plain functions over counts and sorted columns (no
//! I/O); `table` streams CSV and Parquet files into them.

pub mod drift;
pub mod drift_log;
pub mod fairness;
pub mod fairness_log;
pub mod float_sort;
pub mod ks;
pub mod parquet_file;
pub mod report;
pub mod sum;
pub mod table;

/// The tests' seeded stream of pseudo-random numbers (xorshift64).
#[cfg(test)]
pub(crate) fn xorshift(s: &mut u64) -> u64 {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    *s
}
