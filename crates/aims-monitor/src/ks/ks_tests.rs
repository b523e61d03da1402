//! The port against scipy 1.17.1: expected values come from
//! `scripts/ks-reference.py`, which writes `tests/fixtures/ks-2samp.json`.

use super::*;
use serde::Deserialize;

/// How a fixture sample is built; `scripts/ks-reference.py` builds the same
/// values bit for bit.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Gen {
    /// `shift + scale * u`, u uniform on [0, 1) from splitmix64(seed).
    Uniform {
        n: usize,
        seed: u64,
        scale: f64,
        shift: f64,
    },
    /// `floor(u * k) + shift`: heavy ties.
    Ints {
        n: usize,
        seed: u64,
        k: f64,
        shift: f64,
    },
    /// `(i + 0.5) / n + shift`.
    Grid {
        n: usize,
        shift: f64,
    },
    /// Runs of `width` consecutive integers, every other run, from `offset`.
    Blocks {
        n: usize,
        width: usize,
        offset: usize,
    },
    Explicit(Vec<f64>),
}

struct SplitMix(u64);

impl SplitMix {
    fn next53(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) >> 11
    }

    fn unit(&mut self) -> f64 {
        self.next53() as f64 * f64::from_bits((1023 - 53) << 52)
    }
}

impl Gen {
    fn sorted(&self) -> Vec<f64> {
        let mut v: Vec<f64> = match *self {
            Gen::Uniform {
                n,
                seed,
                scale,
                shift,
            } => {
                let mut g = SplitMix(seed);
                (0..n).map(|_| shift + scale * g.unit()).collect()
            }
            Gen::Ints { n, seed, k, shift } => {
                let mut g = SplitMix(seed);
                (0..n).map(|_| (g.unit() * k).floor() + shift).collect()
            }
            Gen::Grid { n, shift } => (0..n)
                .map(|i| (i as f64 + 0.5) / n as f64 + shift)
                .collect(),
            Gen::Blocks { n, width, offset } => (0..n)
                .map(|i| (2 * (i / width) * width + offset + i % width) as f64)
                .collect(),
            Gen::Explicit(ref values) => values.clone(),
        };
        v.sort_by(f64::total_cmp);
        v
    }
}

#[derive(Deserialize)]
struct KsCase {
    name: String,
    a: Gen,
    b: Gen,
    statistic: f64,
    pvalue: f64,
    /// "exact" or "asymp", as `KsMethod` serialises.
    method: String,
}

#[derive(Deserialize)]
struct Fixture {
    ks_2samp: Vec<KsCase>,
    /// (n, x, scipy.stats.kstwo.sf(x, n))
    kstwo_sf: Vec<(f64, f64, f64)>,
}

fn fixture() -> Fixture {
    serde_json::from_str(include_str!("../../tests/fixtures/ks-2samp.json")).unwrap()
}

/// Relative disagreement with scipy; 0 and 1 (and NaN) must match exactly.
fn disagreement(got: f64, want: f64) -> f64 {
    if got == want || (got.is_nan() && want.is_nan()) {
        return 0.0;
    }
    if want == 0.0 || want == 1.0 || got.is_nan() || want.is_nan() {
        return f64::INFINITY;
    }
    ((got - want) / want).abs()
}

const REL_TOL: f64 = 1e-12;

#[test]
fn ks_2samp_matches_scipy() {
    let fixture = fixture();
    assert_eq!(fixture.ks_2samp.len(), 42);
    let mut worst = (0.0, "");
    for case in &fixture.ks_2samp {
        let (a, b) = (case.a.sorted(), case.b.sorted());
        let got = ks_2samp_sorted(&a, &b);
        assert_eq!(
            got.statistic.to_bits(),
            case.statistic.to_bits(),
            "{}: statistic {} vs scipy {}",
            case.name,
            got.statistic,
            case.statistic
        );
        assert_eq!(
            serde_json::to_value(got.method).unwrap(),
            case.method.as_str(),
            "{}: method",
            case.name
        );
        let err = disagreement(got.pvalue, case.pvalue);
        assert!(
            err <= REL_TOL,
            "{}: pvalue {:e} vs scipy {:e} (rel {:e})",
            case.name,
            got.pvalue,
            case.pvalue,
            err
        );
        if err > worst.0 {
            worst = (err, case.name.as_str());
        }
        // The two-sided test is symmetric in its samples.
        let swapped = ks_2samp_sorted(&b, &a);
        assert_eq!(swapped.statistic.to_bits(), got.statistic.to_bits());
        assert_eq!(swapped.pvalue.to_bits(), got.pvalue.to_bits());
    }
    println!(
        "ks_2samp: worst relative disagreement {:e} ({})",
        worst.0, worst.1
    );
}

#[test]
fn kstwo_sf_matches_scipy() {
    let mut worst = (0.0, 0.0, 0.0);
    let cases = fixture().kstwo_sf;
    assert_eq!(cases.len(), 306);
    for (n, x, want) in cases {
        let got = kstwo_sf(x, n);
        let err = disagreement(got, want);
        assert!(
            err <= REL_TOL,
            "kstwo.sf({x:e}, {n}) = {got:e}, scipy {want:e} (rel {err:e})"
        );
        if err > worst.0 {
            worst = (err, n, x);
        }
    }
    println!(
        "kstwo.sf: worst relative disagreement {:e} (n={}, x={:e})",
        worst.0, worst.1, worst.2
    );
}

#[test]
fn the_walk_finds_what_counting_at_every_value_finds() {
    // Small samples with many ties within and across them, against a
    // direct count at every pooled value.
    let mut s = SplitMix(7);
    for case in 0..2_000 {
        let n1 = 1 + (s.next53() % 12) as usize;
        let n2 = 1 + (s.next53() % 12) as usize;
        let k = 1 + s.next53() % 8;
        let mut draw = |n: usize| {
            let mut v: Vec<f64> = (0..n)
                .map(|_| (s.next53() % k) as f64 * 0.5 - 1.0)
                .collect();
            v.sort_by(f64::total_cmp);
            v
        };
        let (a, b) = (draw(n1), draw(n2));
        let mut pooled: Vec<f64> = a.iter().chain(&b).copied().collect();
        pooled.sort_by(f64::total_cmp);
        pooled.dedup();
        let cdf = |x: &[f64], v: f64| x.iter().filter(|&&y| y <= v).count() as f64 / x.len() as f64;
        let diffs: Vec<f64> = pooled.iter().map(|&v| cdf(&a, v) - cdf(&b, v)).collect();
        let d = diffs.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
        let area: f64 = pooled
            .windows(2)
            .zip(&diffs)
            .map(|(w, d)| d.abs() * (w[1] - w[0]))
            .sum();
        let w = ecdf_walk(&a, &b).unwrap();
        assert_eq!(w.ks_statistic, d, "case {case}: {a:?} {b:?}");
        assert!((w.area - area).abs() <= 1e-12, "case {case}: {a:?} {b:?}");
        assert_eq!(ecdf_walk(&b, &a).unwrap().ks_statistic, d);
    }
}

#[test]
fn degenerate_inputs_give_nan_without_panicking() {
    let empty = ks_2samp_sorted(&[], &[1.0]);
    assert!(empty.statistic.is_nan() && empty.pvalue.is_nan());
    let both_empty = ks_2samp_sorted(&[], &[]);
    assert!(both_empty.statistic.is_nan() && both_empty.pvalue.is_nan());
    let with_nan = ks_2samp_sorted(&[1.0, f64::NAN], &[0.5, 2.0]);
    assert!(with_nan.statistic.is_nan() && with_nan.pvalue.is_nan());
    // Unsorted input is a caller bug: any finite answer, no panic.
    let unsorted = ks_2samp_sorted(&[3.0, 1.0, 2.0], &[0.0, 5.0, -1.0]);
    assert!(unsorted.statistic.is_finite() && unsorted.pvalue.is_finite());
    // Infinities are ordinary values.
    let inf = ks_2samp_sorted(&[f64::NEG_INFINITY, 0.0], &[0.0, f64::INFINITY]);
    assert_eq!(inf.statistic, 0.5);
    assert_eq!(inf.method, KsMethod::Exact);

    for n in [0.0, -3.0, 1.5, f64::NAN, f64::INFINITY] {
        assert!(kstwo_sf(0.3, n).is_nan(), "n = {n}");
    }
    assert!(kstwo_sf(f64::NAN, 10.0).is_nan());
    assert_eq!(kstwo_sf(f64::NEG_INFINITY, 10.0), 1.0);
    assert_eq!(kstwo_sf(f64::INFINITY, 10.0), 0.0);
}

#[test]
fn method_serialises_lowercase() {
    let r = KsResult {
        statistic: 0.25,
        pvalue: 0.5,
        method: KsMethod::Asymp,
    };
    let json = serde_json::to_string(&r).unwrap_or_default();
    assert_eq!(json, r#"{"statistic":0.25,"pvalue":0.5,"method":"asymp"}"#);
    assert_eq!(
        serde_json::to_string(&KsMethod::Exact).unwrap_or_default(),
        r#""exact""#
    );
}
