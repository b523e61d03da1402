//! Data drift of one column between a reference and a current sample, as
//! evidently 0.7 and scipy compute it.
//!
//! Bins (evidently's `get_binned_data`): a numeric column with more than 20
//! distinct reference values is cut into equal-width bins whose number
//! follows Sturges' rule over the reference and current values together
//! (numpy's `histogram_bin_edges(bins="sturges")`); any other column gets
//! one bin per value seen in either sample. PSI fills an empty share with
//! 0.0001, or with the smallest non-zero share / 10⁶ when that share is at
//! most 0.0001; Jensen–Shannon uses the shares as they are, natural
//! logarithm (scipy's `jensenshannon`). Kolmogorov–Smirnov is scipy's
//! `ks_2samp`; Wasserstein is scipy's `wasserstein_distance` over the
//! reference's standard deviation (population, at least 0.001).

use crate::ks::{ecdf_walk, ks_2samp_of_walk, KsMethod};
use crate::sum::Sum;
use serde::Serialize;
use std::collections::BTreeMap;

/// Numeric columns with more distinct reference values than this are cut
/// into equal-width bins.
pub const MAX_VALUE_BINS: usize = 20;

/// The test whose score decides a column's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StatTest {
    Psi,
    JensenShannon,
    Wasserstein,
    Ks,
}

impl StatTest {
    pub const ALL: [StatTest; 4] = [
        StatTest::Psi,
        StatTest::JensenShannon,
        StatTest::Wasserstein,
        StatTest::Ks,
    ];

    pub fn key(self) -> &'static str {
        match self {
            StatTest::Psi => "psi",
            StatTest::JensenShannon => "jensenshannon",
            StatTest::Wasserstein => "wasserstein",
            StatTest::Ks => "ks",
        }
    }

    /// The threshold users expect: 0.1 for the distances, 0.05 for the KS
    /// p-value.
    pub fn default_threshold(self) -> f64 {
        match self {
            StatTest::Ks => 0.05,
            _ => 0.1,
        }
    }

    /// Whether a score means drift: distances at or above the threshold,
    /// a KS p-value at or below it.
    pub fn drifted(self, score: f64, threshold: f64) -> bool {
        match self {
            StatTest::Ks => score <= threshold,
            _ => score >= threshold,
        }
    }

    /// The test evidently picks for samples this large: Wasserstein for a
    /// numeric column with more than 5 distinct values (KS when the
    /// reference has at most 1000 values), Jensen–Shannon otherwise.
    pub fn auto(numeric: bool, reference_len: u64, distinct_values: usize) -> StatTest {
        match (numeric && distinct_values > 5, reference_len > 1000) {
            (true, true) => StatTest::Wasserstein,
            (true, false) => StatTest::Ks,
            (false, _) => StatTest::JensenShannon,
        }
    }
}

impl std::str::FromStr for StatTest {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StatTest::ALL
            .into_iter()
            .find(|t| t.key() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| format!("unknown test {s:?}: psi, jensenshannon, wasserstein or ks"))
    }
}

/// How a column was binned.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Bins {
    /// Equal-width bins between these edges (the last bin closed).
    Edges { edges: Vec<f64> },
    /// One bin per value.
    Values { values: Vec<String> },
}

/// The distances computed on binned shares.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Binned {
    pub bins: Bins,
    /// Each bin's share of the reference (before the empty-bin rule).
    pub reference_shares: Vec<f64>,
    pub current_shares: Vec<f64>,
    #[serde(serialize_with = "crate::report::number")]
    pub psi: f64,
    #[serde(serialize_with = "crate::report::number")]
    pub jensenshannon: f64,
}

/// The statistics that need both samples sorted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ordered {
    #[serde(serialize_with = "crate::report::number")]
    pub ks_statistic: f64,
    #[serde(serialize_with = "crate::report::number")]
    pub ks_pvalue: f64,
    pub ks_method: KsMethod,
    #[serde(serialize_with = "crate::report::number")]
    pub wasserstein_norm: f64,
}

/// Shares of `counts` in a sample of `n`.
fn shares(counts: &[u64], n: u64) -> Vec<f64> {
    counts.iter().map(|&c| c as f64 / n as f64).collect()
}

/// evidently's `feel_zeroes`: empty shares become 0.0001, or the smallest
/// non-zero share / 10⁶ when that share is at most 0.0001.
pub fn fill_zeroes(shares: &[f64]) -> Vec<f64> {
    let smallest = shares
        .iter()
        .copied()
        .filter(|&s| s != 0.0)
        .fold(f64::INFINITY, f64::min);
    let fill = if smallest <= 0.0001 {
        smallest / 1e6
    } else {
        0.0001
    };
    shares
        .iter()
        .map(|&s| if s == 0.0 { fill } else { s })
        .collect()
}

/// Population Stability Index of two share vectors (empty bins filled).
pub fn psi(reference: &[f64], current: &[f64]) -> f64 {
    let r = fill_zeroes(reference);
    let c = fill_zeroes(current);
    let mut s = Sum::new();
    for (a, b) in r.iter().zip(&c) {
        s.add((a - b) * (a / b).ln());
    }
    s.value()
}

/// `x · ln(x / y)`, 0 for x = 0 (scipy's `rel_entr`).
fn rel_entr(x: f64, y: f64) -> f64 {
    if x > 0.0 && y > 0.0 {
        x * (x / y).ln()
    } else if x == 0.0 && y >= 0.0 {
        0.0
    } else {
        f64::INFINITY
    }
}

/// Jensen–Shannon distance (natural logarithm), as scipy's
/// `jensenshannon`: both vectors normalised to sum to 1 first.
pub fn jensenshannon(p: &[f64], q: &[f64]) -> f64 {
    let sp = crate::sum::sum(p.iter().copied());
    let sq = crate::sum::sum(q.iter().copied());
    let (mut left, mut right) = (Sum::new(), Sum::new());
    for (&a, &b) in p.iter().zip(q) {
        let (a, b) = (a / sp, b / sq);
        let m = (a + b) / 2.0;
        left.add(rel_entr(a, m));
        right.add(rel_entr(b, m));
    }
    ((left.value() + right.value()) / 2.0).sqrt()
}

/// numpy's Sturges-rule bin edges over values spanning `lo..=hi`, `n` in
/// all; `integer` when numpy would see an integer column (a width below 1
/// is then raised to 1).
pub fn sturges_edges(lo: f64, hi: f64, n: u64, integer: bool) -> Vec<f64> {
    let width = (hi - lo) / ((n as f64).log2() + 1.0);
    let (first, last) = if lo == hi {
        (lo - 0.5, hi + 0.5)
    } else {
        (lo, hi)
    };
    let bins = if width != 0.0 && width.is_finite() {
        let width = if integer && width < 1.0 { 1.0 } else { width };
        ((last - first) / width).ceil().max(1.0) as usize
    } else {
        1
    };
    linspace(first, last, bins + 1)
}

/// numpy's `linspace(start, stop, num)` (endpoint included).
fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    let div = num.saturating_sub(1);
    let delta = stop - start;
    let step = delta / div as f64;
    let mut out: Vec<f64> = (0..num)
        .map(|i| {
            if div == 0 {
                i as f64 * delta + start
            } else if step == 0.0 {
                (i as f64 / div as f64) * delta + start
            } else {
                i as f64 * step + start
            }
        })
        .collect();
    if let Some(last) = out.last_mut().filter(|_| num > 1) {
        *last = stop;
    }
    out
}

/// How many of the sorted `values` fall in each bin (numpy's rule: each
/// bin closed on the left, the last also on the right).
pub fn histogram_sorted(values: &[f64], edges: &[f64]) -> Vec<u64> {
    let Some((&top, inner)) = edges.split_last() else {
        return Vec::new();
    };
    let mut starts: Vec<usize> = inner
        .iter()
        .map(|&e| values.partition_point(|&x| x < e))
        .collect();
    starts.push(values.partition_point(|&x| x <= top));
    starts.windows(2).map(|w| (w[1] - w[0]) as u64).collect()
}

/// The number of distinct values of a sorted column, counted up to
/// `cap + 1` (a long column stops being read once it has more than `cap`).
pub fn distinct(sorted: &[f64], cap: usize) -> usize {
    if sorted.is_empty() {
        return 0;
    }
    let mut n = 1;
    for w in sorted.windows(2) {
        if w[0] != w[1] {
            n += 1;
            if n > cap {
                break;
            }
        }
    }
    n
}

/// One bin per value of either sorted sample: the values and each
/// sample's count of them.
pub fn value_counts(reference: &[f64], current: &[f64]) -> (Vec<f64>, Vec<u64>, Vec<u64>) {
    let (mut keys, mut rc, mut cc) = (Vec::new(), Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < reference.len() || j < current.len() {
        let x = match (reference.get(i), current.get(j)) {
            (Some(&a), Some(&b)) => a.min(b),
            (Some(&a), None) => a,
            (None, Some(&b)) => b,
            (None, None) => break,
        };
        let i0 = i;
        while reference.get(i) == Some(&x) {
            i += 1;
        }
        let j0 = j;
        while current.get(j) == Some(&x) {
            j += 1;
        }
        keys.push(x);
        rc.push((i - i0) as u64);
        cc.push((j - j0) as u64);
    }
    (keys, rc, cc)
}

/// Binned distances of a numeric column, both samples sorted.
pub fn binned_numeric(reference: &[f64], current: &[f64], integer: bool) -> Binned {
    let (nr, nc) = (reference.len() as u64, current.len() as u64);
    let (bins, rc, cc) = if distinct(reference, MAX_VALUE_BINS) > MAX_VALUE_BINS {
        let lo = reference[0].min(current.first().copied().unwrap_or(f64::INFINITY));
        let hi = reference[reference.len() - 1]
            .max(current.last().copied().unwrap_or(f64::NEG_INFINITY));
        let edges = sturges_edges(lo, hi, nr + nc, integer);
        let rc = histogram_sorted(reference, &edges);
        let cc = histogram_sorted(current, &edges);
        (Bins::Edges { edges }, rc, cc)
    } else {
        let (keys, rc, cc) = value_counts(reference, current);
        let values = keys.iter().map(|k| format!("{k}")).collect();
        (Bins::Values { values }, rc, cc)
    };
    binned(bins, &rc, nr, &cc, nc)
}

/// Binned distances of a categorical column from each sample's counts.
pub fn binned_categorical(
    reference: &BTreeMap<String, u64>,
    current: &BTreeMap<String, u64>,
) -> Binned {
    let mut keys: Vec<&String> = reference.keys().chain(current.keys()).collect();
    keys.sort();
    keys.dedup();
    let rc: Vec<u64> = keys
        .iter()
        .map(|k| reference.get(*k).copied().unwrap_or(0))
        .collect();
    let cc: Vec<u64> = keys
        .iter()
        .map(|k| current.get(*k).copied().unwrap_or(0))
        .collect();
    let (nr, nc) = (rc.iter().sum(), cc.iter().sum());
    let values = keys.into_iter().cloned().collect();
    binned(Bins::Values { values }, &rc, nr, &cc, nc)
}

fn binned(bins: Bins, rc: &[u64], nr: u64, cc: &[u64], nc: u64) -> Binned {
    let reference_shares = shares(rc, nr);
    let current_shares = shares(cc, nc);
    let (psi, jensenshannon) = if nr == 0 || nc == 0 {
        (f64::NAN, f64::NAN)
    } else {
        (
            psi(&reference_shares, &current_shares),
            jensenshannon(&reference_shares, &current_shares),
        )
    };
    Binned {
        bins,
        reference_shares,
        current_shares,
        psi,
        jensenshannon,
    }
}

/// scipy's `wasserstein_distance` of two sorted samples: the area between
/// their empirical distribution functions.
pub fn wasserstein_sorted(u: &[f64], v: &[f64]) -> f64 {
    ecdf_walk(u, v).map_or(f64::NAN, |w| w.area)
}

/// The population standard deviation (numpy's `std`, ddof 0), two-pass.
pub fn std_dev(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let mean = crate::sum::sum(xs.iter().copied()) / n;
    let var = crate::sum::sum(xs.iter().map(|x| (x - mean) * (x - mean))) / n;
    var.sqrt()
}

/// KS and the normalised Wasserstein distance of two sorted samples.
pub fn ordered(reference: &[f64], current: &[f64]) -> Ordered {
    let walk = ecdf_walk(reference, current);
    let ks = ks_2samp_of_walk(reference.len(), current.len(), walk);
    let norm = std_dev(reference).max(0.001);
    Ordered {
        ks_statistic: ks.statistic,
        ks_pvalue: ks.pvalue,
        ks_method: ks.method,
        wasserstein_norm: walk.map_or(f64::NAN, |w| w.area) / norm,
    }
}

#[cfg(test)]
mod tests;
