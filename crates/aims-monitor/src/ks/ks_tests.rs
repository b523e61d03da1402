//! The port against scipy 1.17.1: expected values come from
//! `scripts/ks-reference.py`, which rewrites the GENERATED block below.

use super::*;

/// How a fixture sample is built; `scripts/ks-reference.py` builds the same
/// values bit for bit.
#[derive(Debug, Clone, Copy)]
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
    Explicit(&'static [f64]),
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
    fn sorted(self) -> Vec<f64> {
        let mut v: Vec<f64> = match self {
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
            Gen::Explicit(values) => values.to_vec(),
        };
        v.sort_by(f64::total_cmp);
        v
    }
}

struct KsCase {
    name: &'static str,
    a: Gen,
    b: Gen,
    statistic: f64,
    pvalue: f64,
    method: KsMethod,
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
    let mut worst = (0.0, "");
    for case in KS_CASES {
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
        assert_eq!(got.method, case.method, "{}: method", case.name);
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
            worst = (err, case.name);
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
    for &(n, x, want) in KSTWO_CASES {
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

// BEGIN GENERATED
// GENERATED by scripts/ks-reference.py (scipy 1.17.1); do not edit.
#[allow(clippy::approx_constant)]
const KS_CASES: &[KsCase] = &[
    KsCase {
        name: "equal 50, same law",
        a: Gen::Uniform {
            n: 50,
            seed: 1,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 50,
            seed: 2,
            scale: 1.0,
            shift: 0.0,
        },
        statistic: 0.24,
        pvalue: 0.11238524845512393,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "equal 1000, shifted",
        a: Gen::Uniform {
            n: 1000,
            seed: 3,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 1000,
            seed: 4,
            scale: 1.0,
            shift: 0.08,
        },
        statistic: 0.129,
        pvalue: 1.1412985810949231e-07,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "equal 300, far apart",
        a: Gen::Uniform {
            n: 300,
            seed: 5,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 300,
            seed: 6,
            scale: 1.0,
            shift: 0.6,
        },
        statistic: 0.6066666666666667,
        pvalue: 9.173810205656405e-52,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "equal 10000, shifted",
        a: Gen::Uniform {
            n: 10000,
            seed: 7,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 10000,
            seed: 8,
            scale: 1.0,
            shift: 0.02,
        },
        statistic: 0.038,
        pvalue: 1.0681231049445944e-06,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "30 vs 47",
        a: Gen::Uniform {
            n: 30,
            seed: 9,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 47,
            seed: 10,
            scale: 1.0,
            shift: 0.0,
        },
        statistic: 0.18368794326241134,
        pvalue: 0.4956071133141891,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "3 vs 7 (lcm rounding)",
        a: Gen::Uniform {
            n: 3,
            seed: 11,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 7,
            seed: 12,
            scale: 1.0,
            shift: 0.1,
        },
        statistic: 0.5714285714285714,
        pvalue: 0.4,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "200 vs 333, shifted",
        a: Gen::Uniform {
            n: 200,
            seed: 13,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 333,
            seed: 14,
            scale: 1.0,
            shift: 0.15,
        },
        statistic: 0.20028528528528527,
        pvalue: 7.233235943059934e-05,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "1000 vs 1500, wider",
        a: Gen::Uniform {
            n: 1000,
            seed: 15,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 1500,
            seed: 16,
            scale: 1.3,
            shift: 0.0,
        },
        statistic: 0.24733333333333332,
        pvalue: 1.1086849973027017e-32,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "10000 vs 9999",
        a: Gen::Uniform {
            n: 10000,
            seed: 17,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 9999,
            seed: 18,
            scale: 1.0,
            shift: 0.01,
        },
        statistic: 0.03495082508250825,
        pvalue: 9.576580514941821e-06,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "10000 vs 37",
        a: Gen::Uniform {
            n: 10000,
            seed: 19,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 37,
            seed: 20,
            scale: 1.0,
            shift: 0.2,
        },
        statistic: 0.208,
        pvalue: 0.07073706994047015,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "ties 40 vs 60",
        a: Gen::Ints {
            n: 40,
            seed: 21,
            k: 5.0,
            shift: 0.0,
        },
        b: Gen::Ints {
            n: 60,
            seed: 22,
            k: 5.0,
            shift: 0.0,
        },
        statistic: 0.25833333333333336,
        pvalue: 0.07161444615420261,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "ties 1000 vs 800, shifted",
        a: Gen::Ints {
            n: 1000,
            seed: 23,
            k: 7.0,
            shift: 0.0,
        },
        b: Gen::Ints {
            n: 800,
            seed: 24,
            k: 7.0,
            shift: 1.0,
        },
        statistic: 0.17025,
        pvalue: 1.03404905115436e-11,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "ties 500 vs 500, 3 values",
        a: Gen::Ints {
            n: 500,
            seed: 25,
            k: 3.0,
            shift: 0.0,
        },
        b: Gen::Ints {
            n: 500,
            seed: 26,
            k: 3.0,
            shift: 0.0,
        },
        statistic: 0.022,
        pvalue: 0.9997401855816054,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "ties across samples",
        a: Gen::Explicit(&[1.0, 2.0, 2.0, 3.0, 3.0, 3.0]),
        b: Gen::Explicit(&[2.0, 3.0, 3.0, 4.0]),
        statistic: 0.25,
        pvalue: 0.9952380952380953,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "1 vs 1, distinct",
        a: Gen::Explicit(&[0.0]),
        b: Gen::Explicit(&[1.0]),
        statistic: 1.0,
        pvalue: 1.0,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "1 vs 1, equal",
        a: Gen::Explicit(&[0.5]),
        b: Gen::Explicit(&[0.5]),
        statistic: 0.0,
        pvalue: 1.0,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "1 vs 3",
        a: Gen::Explicit(&[2.0]),
        b: Gen::Explicit(&[1.0, 3.0, 5.0]),
        statistic: 0.6666666666666666,
        pvalue: 1.0,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "1 vs 3, outside",
        a: Gen::Explicit(&[9.0]),
        b: Gen::Explicit(&[1.0, 3.0, 5.0]),
        statistic: 1.0,
        pvalue: 0.5,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "2 vs 1",
        a: Gen::Explicit(&[-1.0, 4.0]),
        b: Gen::Explicit(&[0.0]),
        statistic: 0.5,
        pvalue: 1.0,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "identical 100",
        a: Gen::Uniform {
            n: 100,
            seed: 27,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 100,
            seed: 27,
            scale: 1.0,
            shift: 0.0,
        },
        statistic: 0.0,
        pvalue: 1.0,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "identical ties 30",
        a: Gen::Ints {
            n: 30,
            seed: 28,
            k: 4.0,
            shift: 0.0,
        },
        b: Gen::Ints {
            n: 30,
            seed: 28,
            k: 4.0,
            shift: 0.0,
        },
        statistic: 0.0,
        pvalue: 1.0,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "disjoint 10 vs 20",
        a: Gen::Uniform {
            n: 10,
            seed: 29,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 20,
            seed: 30,
            scale: 1.0,
            shift: 5.0,
        },
        statistic: 1.0,
        pvalue: 6.656678320846238e-08,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "disjoint 10000 vs 10000",
        a: Gen::Uniform {
            n: 10000,
            seed: 31,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 10000,
            seed: 32,
            scale: 1.0,
            shift: 5.0,
        },
        statistic: 1.0,
        pvalue: 0.0,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "disjoint 4000 vs 6000",
        a: Gen::Uniform {
            n: 4000,
            seed: 33,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 6000,
            seed: 34,
            scale: 1.0,
            shift: -5.0,
        },
        statistic: 1.0,
        pvalue: 0.0,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "fallback n=5 h=1",
        a: Gen::Blocks {
            n: 5,
            width: 1,
            offset: 0,
        },
        b: Gen::Blocks {
            n: 5,
            width: 1,
            offset: 1,
        },
        statistic: 0.2,
        pvalue: 1.0,
        method: KsMethod::Asymp,
    },
    KsCase {
        name: "fallback n=60 h=2",
        a: Gen::Blocks {
            n: 60,
            width: 2,
            offset: 0,
        },
        b: Gen::Blocks {
            n: 60,
            width: 2,
            offset: 2,
        },
        statistic: 0.03333333333333333,
        pvalue: 0.9999999999987117,
        method: KsMethod::Asymp,
    },
    KsCase {
        name: "fallback n=135 h=3",
        a: Gen::Blocks {
            n: 135,
            width: 3,
            offset: 3,
        },
        b: Gen::Blocks {
            n: 135,
            width: 3,
            offset: 0,
        },
        statistic: 0.022222222222222223,
        pvalue: 0.9999999999996487,
        method: KsMethod::Asymp,
    },
    KsCase {
        name: "10000 vs 10000",
        a: Gen::Uniform {
            n: 10000,
            seed: 35,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 10000,
            seed: 36,
            scale: 1.0,
            shift: 0.015,
        },
        statistic: 0.0282,
        pvalue: 0.0007031717393225393,
        method: KsMethod::Exact,
    },
    KsCase {
        name: "10000 vs 10001",
        a: Gen::Uniform {
            n: 10000,
            seed: 35,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 10001,
            seed: 36,
            scale: 1.0,
            shift: 0.015,
        },
        statistic: 0.028153274672532702,
        pvalue: 0.0007082319106135249,
        method: KsMethod::Asymp,
    },
    KsCase {
        name: "10001 vs 10000",
        a: Gen::Uniform {
            n: 10001,
            seed: 37,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 10000,
            seed: 38,
            scale: 1.0,
            shift: 0.0,
        },
        statistic: 0.013573272672732728,
        pvalue: 0.3128259560007407,
        method: KsMethod::Asymp,
    },
    KsCase {
        name: "10001 vs 1",
        a: Gen::Uniform {
            n: 10001,
            seed: 39,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Explicit(&[0.25]),
        statistic: 0.7507249275072493,
        pvalue: 0.49855014498550143,
        method: KsMethod::Asymp,
    },
    KsCase {
        name: "12000 vs 50 (en ~ 50, Pomeranz)",
        a: Gen::Uniform {
            n: 12000,
            seed: 40,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 50,
            seed: 41,
            scale: 1.0,
            shift: 0.2,
        },
        statistic: 0.26058333333333333,
        pvalue: 0.001748074455393045,
        method: KsMethod::Asymp,
    },
    KsCase {
        name: "20000 vs 130 (en ~ 129, DMTW)",
        a: Gen::Uniform {
            n: 20000,
            seed: 42,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 130,
            seed: 43,
            scale: 1.0,
            shift: 0.0,
        },
        statistic: 0.06378846153846154,
        pvalue: 0.6463922002831198,
        method: KsMethod::Asymp,
    },
    KsCase {
        name: "30000 vs 300, shifted",
        a: Gen::Uniform {
            n: 30000,
            seed: 44,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 300,
            seed: 45,
            scale: 1.0,
            shift: 0.1,
        },
        statistic: 0.17083333333333328,
        pvalue: 4.771209913335081e-08,
        method: KsMethod::Asymp,
    },
    KsCase {
        name: "15000 vs 15000, ties",
        a: Gen::Ints {
            n: 15000,
            seed: 46,
            k: 50.0,
            shift: 0.0,
        },
        b: Gen::Ints {
            n: 15000,
            seed: 47,
            k: 50.0,
            shift: 0.0,
        },
        statistic: 0.013066666666666671,
        pvalue: 0.15303319235912516,
        method: KsMethod::Asymp,
    },
    KsCase {
        name: "grid 2e6 vs 2e6, small d",
        a: Gen::Grid {
            n: 2000002,
            shift: 0.0,
        },
        b: Gen::Grid {
            n: 2000002,
            shift: 0.001,
        },
        statistic: 0.0010004989995010538,
        pvalue: 0.269286278318416,
        method: KsMethod::Asymp,
    },
    KsCase {
        name: "grid 2e6 vs 2e6, p ~ 1e-300",
        a: Gen::Grid {
            n: 2000002,
            shift: 0.0,
        },
        b: Gen::Grid {
            n: 2000002,
            shift: 0.018579,
        },
        statistic: 0.018579481420518684,
        pvalue: 2.890237264546663e-300,
        method: KsMethod::Asymp,
    },
    KsCase {
        name: "grid 2e6 vs 2e6, underflow",
        a: Gen::Grid {
            n: 2000002,
            shift: 0.0,
        },
        b: Gen::Grid {
            n: 2000002,
            shift: 0.05,
        },
        statistic: 0.050000449999550056,
        pvalue: 0.0,
        method: KsMethod::Asymp,
    },
    KsCase {
        name: "grid 2e5 vs 2e5, smirnov sum",
        a: Gen::Grid {
            n: 200000,
            shift: 0.0,
        },
        b: Gen::Grid {
            n: 200000,
            shift: 0.005,
        },
        statistic: 0.0050050000000000094,
        pvalue: 0.013297074041885225,
        method: KsMethod::Asymp,
    },
    KsCase {
        name: "grid 3e5 vs 150001, Pelz-Good",
        a: Gen::Grid {
            n: 300000,
            shift: 0.0,
        },
        b: Gen::Grid {
            n: 150001,
            shift: 0.003,
        },
        statistic: 0.0030049999666669214,
        pvalue: 0.32651507714149963,
        method: KsMethod::Asymp,
    },
    KsCase {
        name: "grid 20000 vs 1053, DMTW",
        a: Gen::Grid {
            n: 20000,
            shift: 0.0,
        },
        b: Gen::Grid {
            n: 1053,
            shift: 0.011,
        },
        statistic: 0.011499810066476712,
        pvalue: 0.999220268011945,
        method: KsMethod::Asymp,
    },
    KsCase {
        name: "uniform 40000 vs 60000",
        a: Gen::Uniform {
            n: 40000,
            seed: 48,
            scale: 1.0,
            shift: 0.0,
        },
        b: Gen::Uniform {
            n: 60000,
            seed: 49,
            scale: 1.0,
            shift: 0.004,
        },
        statistic: 0.005808333333333415,
        pvalue: 0.39149303438547933,
        method: KsMethod::Asymp,
    },
];

/// (n, x, scipy.stats.kstwo.sf(x, n))
#[allow(clippy::approx_constant)]
const KSTWO_CASES: &[(f64, f64, f64)] = &[
    (1.0, -0.5, 1.0),
    (1.0, 0.0, 1.0),
    (1.0, 0.3, 1.0),
    (1.0, 0.31622776601683794, 1.0),
    (1.0, 0.5, 1.0),
    (1.0, 0.5000001, 0.9999998000000001),
    (1.0, 0.7, 0.6000000000000001),
    (1.0, 0.7071067811865476, 0.5857864376269049),
    (1.0, 0.75, 0.5),
    (1.0, 0.8687306832384821, 0.26253863352303575),
    (1.0, 0.8717797887081347, 0.2564404225837307),
    (1.0, 1.0, 0.0),
    (1.0, 1.2514649491351946, 0.0),
    (1.0, 1.4142135623730951, 0.0),
    (1.0, 1.4832396974191326, 0.0),
    (1.0, 1.5, 0.0),
    (1.0, 1.7320508075688772, 0.0),
    (1.0, 2.0, 0.0),
    (1.0, 2.1213203435596424, 0.0),
    (1.0, 3.1622776601683795, 0.0),
    (1.0, 4.242640687119285, 0.0),
    (1.0, 7.0710678118654755, 0.0),
    (1.0, 17.320508075688775, 0.0),
    (1.0, 18.57417562100671, 0.0),
    (1.0, 18.973665961010276, 0.0),
    (1.0, 19.209372712298546, 0.0),
    (1.0, 19.261360284258224, 0.0),
    (2.0, -0.5, 1.0),
    (2.0, 0.0, 1.0),
    (2.0, 0.22360679774997896, 1.0),
    (2.0, 0.25, 1.0),
    (2.0, 0.25000005, 0.99999999999998),
    (2.0, 0.3, 0.98),
    (2.0, 0.375, 0.875),
    (2.0, 0.5, 0.5),
    (2.0, 0.6142853571427533, 0.2975515714289867),
    (2.0, 0.6164414002968976, 0.2942343988124094),
    (2.0, 0.7, 0.18000000000000005),
    (2.0, 0.7071067811865476, 0.17157287525380985),
    (2.0, 0.75, 0.125),
    (2.0, 0.7883735163105242, 0.08957153719754392),
    (2.0, 1.0, 0.0),
    (2.0, 1.0488088481701516, 0.0),
    (2.0, 1.224744871391589, 0.0),
    (2.0, 1.4142135623730951, 0.0),
    (2.0, 1.5, 0.0),
    (2.0, 2.23606797749979, 0.0),
    (2.0, 3.0, 0.0),
    (2.0, 5.0, 0.0),
    (2.0, 12.24744871391589, 0.0),
    (2.0, 13.133925536563698, 0.0),
    (2.0, 13.416407864998739, 0.0),
    (2.0, 13.583077707206124, 0.0),
    (2.0, 13.619838471876236, 0.0),
    (10.0, -0.5, 1.0),
    (10.0, 0.0, 1.0),
    (10.0, 0.05, 1.0),
    (10.0, 0.05000001, 1.0),
    (10.0, 0.075, 0.999999645625),
    (10.0, 0.1, 0.99963712),
    (10.0, 0.15, 0.95396527),
    (10.0, 0.22360679774997896, 0.6230516800273397),
    (10.0, 0.26961994997758504, 0.3907492051210918),
    (10.0, 0.2747167632307865, 0.3684340593040567),
    (10.0, 0.27568097504180444, 0.3643092649710229),
    (10.0, 0.3, 0.27053557479999946),
    (10.0, 0.31622776601683794, 0.21828385386284876),
    (10.0, 0.4472135954999579, 0.024213362763606305),
    (10.0, 0.469041575982343, 0.01542890322510404),
    (10.0, 0.5, 0.00777741),
    (10.0, 0.5477225575051661, 0.002419655855797518),
    (10.0, 0.6324555320336759, 0.000209088213448878),
    (10.0, 0.6708203932499369, 5.735837484096169e-05),
    (10.0, 0.7, 1.9544800000000034e-05),
    (10.0, 0.9, 1.9999999999999957e-10),
    (10.0, 0.95, 1.9531250000000172e-13),
    (10.0, 1.0, 0.0),
    (10.0, 1.3416407864998738, 0.0),
    (10.0, 1.5, 0.0),
    (10.0, 2.23606797749979, 0.0),
    (10.0, 5.477225575051661, 0.0),
    (10.0, 5.873670062235365, 0.0),
    (10.0, 6.0, 0.0),
    (10.0, 6.074537019394976, 0.0),
    (10.0, 6.0909769331364245, 0.0),
    (100.0, -0.5, 1.0),
    (100.0, 0.0, 1.0),
    (100.0, 0.005, 1.0),
    (100.0, 0.005000001, 1.0),
    (100.0, 0.0075, 1.0),
    (100.0, 0.01, 1.0),
    (100.0, 0.015, 1.0),
    (100.0, 0.03162277660168379, 0.9999029868846491),
    (100.0, 0.058087857335637046, 0.8688812453117604),
    (100.0, 0.07071067811865475, 0.6726900744671805),
    (100.0, 0.08687306832384821, 0.41383746146098166),
    (100.0, 0.08717797887081347, 0.4094977124438083),
    (100.0, 0.1, 0.2526927570063874),
    (100.0, 0.1414213562373095, 0.033021291602222995),
    (100.0, 0.14832396974191325, 0.021967853594432988),
    (100.0, 0.17320508075688773, 0.004294704725892679),
    (100.0, 0.2, 0.0005551927327988775),
    (100.0, 0.21213203435596426, 0.00019907619459304048),
    (100.0, 0.3, 1.7719869892662917e-08),
    (100.0, 0.31622776601683794, 2.1735878868482512e-09),
    (100.0, 0.4242640687119285, 7.60653219848669e-17),
    (100.0, 0.5, 1.2131434371817858e-23),
    (100.0, 0.7, 1.2211404981217991e-49),
    (100.0, 0.7071067811865476, 7.602646788480359e-51),
    (100.0, 0.99, 2.0000000000001775e-200),
    (100.0, 0.995, 1.5777218104421636e-230),
    (100.0, 1.0, 0.0),
    (100.0, 1.5, 0.0),
    (100.0, 1.7320508075688772, 0.0),
    (100.0, 1.857417562100671, 0.0),
    (100.0, 1.8973665961010275, 0.0),
    (100.0, 1.9209372712298547, 0.0),
    (100.0, 1.9261360284258222, 0.0),
    (140.0, -0.5, 1.0),
    (140.0, 0.0, 1.0),
    (140.0, 0.0035714285714285713, 1.0),
    (140.0, 0.0035714292857142852, 1.0),
    (140.0, 0.005357142857142857, 1.0),
    (140.0, 0.007142857142857143, 1.0),
    (140.0, 0.010714285714285714, 1.0),
    (140.0, 0.02672612419124244, 0.999915118235135),
    (140.0, 0.046415888336127795, 0.9097376705249959),
    (140.0, 0.05976143046671968, 0.6766690855918173),
    (140.0, 0.07342114331522144, 0.4173474448903115),
    (140.0, 0.07367883976130073, 0.4129888918448674),
    (140.0, 0.08451542547285165, 0.25530484459737574),
    (140.0, 0.11952286093343936, 0.03360006627137182),
    (140.0, 0.12535663410560174, 0.022388250685744637),
    (140.0, 0.14638501094227999, 0.004408218636137252),
    (140.0, 0.1690308509457033, 0.0005761521040005592),
    (140.0, 0.17928429140015903, 0.00020792131745815754),
    (140.0, 0.2672612419124244, 2.5530277336990535e-09),
    (140.0, 0.3, 1.1370251710737309e-11),
    (140.0, 0.35856858280031806, 1.2731079163613607e-16),
    (140.0, 0.5, 6.869300438276986e-33),
    (140.0, 0.5976143046671968, 2.6877471160399065e-48),
    (140.0, 0.7, 2.7611948816463573e-69),
    (140.0, 0.9928571428571429, 6.967949600041781e-301),
    (140.0, 0.9964285714285714, 0.0),
    (140.0, 1.0, 0.0),
    (140.0, 1.4638501094227998, 0.0),
    (140.0, 1.5, 0.0),
    (140.0, 1.5698043554168508, 0.0),
    (140.0, 1.6035674514745464, 0.0),
    (140.0, 1.6234883078464981, 0.0),
    (140.0, 1.6278820596099706, 0.0),
    (1000.0, -0.5, 1.0),
    (1000.0, 0.0, 1.0),
    (1000.0, 0.0005, 1.0),
    (1000.0, 0.0005000000999999999, 1.0),
    (1000.0, 0.00075, 1.0),
    (1000.0, 0.001, 1.0),
    (1000.0, 0.0015, 1.0),
    (1000.0, 0.01, 0.9999496745370611),
    (1000.0, 0.01251464949135195, 0.9971050318361329),
    (1000.0, 0.022360679774997897, 0.6906794241103489),
    (1000.0, 0.027471676323078648, 0.4296779651867706),
    (1000.0, 0.027568097504180444, 0.42525172693178626),
    (1000.0, 0.03162277660168379, 0.2644092421903177),
    (1000.0, 0.044721359549995794, 0.03552291113252082),
    (1000.0, 0.0469041575982343, 0.02377037887947388),
    (1000.0, 0.05477225575051661, 0.004766852502767219),
    (1000.0, 0.06324555320336758, 0.0006397648803336532),
    (1000.0, 0.0670820393249937, 0.00023436059483063407),
    (1000.0, 0.1, 3.703687096817711e-09),
    (1000.0, 0.1341640786499874, 3.6959926424534964e-16),
    (1000.0, 0.22360679774997896, 2.0887081584913225e-44),
    (1000.0, 0.3, 2.590715705736845e-80),
    (1000.0, 0.5, 1.064517291557782e-231),
    (1000.0, 0.5477225575051661, 4.9343379439426255e-282),
    (1000.0, 0.5873670062235365, 0.0),
    (1000.0, 0.6, 0.0),
    (1000.0, 0.6074537019394977, 0.0),
    (1000.0, 0.6090976933136424, 0.0),
    (1000.0, 0.7, 0.0),
    (1000.0, 0.999, 0.0),
    (1000.0, 0.9995, 0.0),
    (1000.0, 1.0, 0.0),
    (1000.0, 1.5, 0.0),
    (100000.0, -0.5, 1.0),
    (100000.0, 0.0, 1.0),
    (100000.0, 5e-06, 1.0),
    (100000.0, 5.000001e-06, 1.0),
    (100000.0, 7.5e-06, 1.0),
    (100000.0, 1e-05, 1.0),
    (100000.0, 1.5e-05, 1.0),
    (100000.0, 0.0005808785733563707, 0.9999999999999978),
    (100000.0, 0.001, 0.9999638407940036),
    (100000.0, 0.00223606797749979, 0.698493745936485),
    (100000.0, 0.0027471676323078645, 0.4365453604633771),
    (100000.0, 0.0027568097504180444, 0.4320804592651579),
    (100000.0, 0.0031622776601683794, 0.269435312462768),
    (100000.0, 0.00447213595499958, 0.036521679494652015),
    (100000.0, 0.00469041575982343, 0.024477730964696184),
    (100000.0, 0.005477225575051661, 0.0049393032460430366),
    (100000.0, 0.006324555320336759, 0.0006680666771057885),
    (100000.0, 0.00670820393249937, 0.0002457010471392293),
    (100000.0, 0.01, 4.093278023549254e-09),
    (100000.0, 0.01341640786499874, 4.591486167855269e-16),
    (100000.0, 0.022360679774997897, 7.250641646494841e-44),
    (100000.0, 0.05477225575051661, 3.4280813103874234e-261),
    (100000.0, 0.05873670062235365, 2.4621490787382656e-300),
    (100000.0, 0.06, 2.19620237856e-313),
    (100000.0, 0.06074537019394976, 3.122e-321),
    (100000.0, 0.060909769331364244, 0.0),
    (100000.0, 0.3, 0.0),
    (100000.0, 0.5, 0.0),
    (100000.0, 0.7, 0.0),
    (100000.0, 0.99999, 0.0),
    (100000.0, 0.999995, 0.0),
    (100000.0, 1.0, 0.0),
    (100000.0, 1.5, 0.0),
    (1000000.0, -0.5, 1.0),
    (1000000.0, 0.0, 1.0),
    (1000000.0, 5e-07, 1.0),
    (1000000.0, 5.000000999999999e-07, 1.0),
    (1000000.0, 7.5e-07, 1.0),
    (1000000.0, 1e-06, 1.0),
    (1000000.0, 1.5e-06, 1.0),
    (1000000.0, 0.00012514649491351953, 1.0),
    (1000000.0, 0.00031622776601683794, 0.9999647950322592),
    (1000000.0, 0.0007071067811865475, 0.6990955093458977),
    (1000000.0, 0.0008687306832384821, 0.4370741238593354),
    (1000000.0, 0.0008717797887081348, 0.43260622029140494),
    (1000000.0, 0.001, 0.26982107442589376),
    (1000000.0, 0.001414213562373095, 0.036596500986761815),
    (1000000.0, 0.0017320508075688774, 0.004951770014533108),
    (1000000.0, 0.019261360284258223, 0.0),
    (1000000.0, 0.3, 0.0),
    (1000000.0, 0.5, 0.0),
    (1000000.0, 0.7, 0.0),
    (1000000.0, 0.999999, 0.0),
    (1000000.0, 0.9999995, 0.0),
    (1000000.0, 1.0, 0.0),
    (1000000.0, 1.5, 0.0),
    (1000001.0, -0.5, 1.0),
    (1000001.0, 0.0, 1.0),
    (1000001.0, 4.999995000005e-07, 1.0),
    (1000001.0, 4.999996000003999e-07, 1.0),
    (1000001.0, 7.4999925000075e-07, 1.0),
    (1000001.0, 9.99999000001e-07, 1.0),
    (1000001.0, 1.4999985000015e-06, 1.0),
    (1000001.0, 0.00012514641148259244, 1.0),
    (1000001.0, 0.0003162276079030735, 0.9999647950324779),
    (1000001.0, 0.0007071064276334222, 0.6990955094851807),
    (1000001.0, 0.0008687302488734663, 0.4370741239817223),
    (1000001.0, 0.0008717793528185673, 0.4326062204130965),
    (1000001.0, 0.000999999500000375, 0.269821074515162),
    (1000001.0, 0.0014142128552668443, 0.03659650100404577),
    (1000001.0, 0.0014832389557998403, 0.024530410138789475),
    (1000001.0, 0.001732049941544123, 0.004951782951878203),
    (1000001.0, 0.00199999900000075, 0.0006700312481330848),
    (1000001.0, 0.002121319282900266, 0.00024647078572079126),
    (1000001.0, 0.003162276079030735, 4.113625588188191e-09),
    (1000001.0, 0.004242638565800532, 4.625942746153669e-16),
    (1000001.0, 0.007071064276334221, 7.405160884049747e-44),
    (1000001.0, 0.01732049941544123, 5.239936588560952e-261),
    (1000001.0, 0.018574166333925866, 4.290023649643645e-300),
    (1000001.0, 0.018973656474184412, 4.013373373e-313),
    (1000001.0, 0.019209363107619393, 6.107e-321),
    (1000001.0, 0.019261350653585304, 0.0),
    (1000001.0, 0.3, 0.0),
    (1000001.0, 0.5, 0.0),
    (1000001.0, 0.7, 0.0),
    (1000001.0, 0.999999000001, 0.0),
    (1000001.0, 0.9999995000005, 0.0),
    (1000001.0, 1.0, 0.0),
    (1000001.0, 1.5, 0.0),
    (10000000.0, -0.5, 1.0),
    (10000000.0, 0.0, 1.0),
    (10000000.0, 5e-08, 1.0),
    (10000000.0, 5.0000009999999994e-08, 1.0),
    (10000000.0, 7.5e-08, 1.0),
    (10000000.0, 1e-07, 1.0),
    (10000000.0, 1.5e-07, 1.0),
    (10000000.0, 2.6961994997758517e-05, 1.0),
    (10000000.0, 0.0001, 0.9999650932863833),
    (10000000.0, 0.00022360679774997898, 0.6992860430572385),
    (10000000.0, 0.00027471676323078645, 0.43724154402670057),
    (10000000.0, 0.00027568097504180445, 0.43277268910699396),
    (10000000.0, 0.00031622776601683794, 0.2699431811154518),
    (10000000.0, 0.00044721359549995795, 0.0366201300111203),
    (10000000.0, 0.00046904157598234294, 0.024547002759614526),
    (10000000.0, 0.0005477225575051661, 0.004955694431618979),
    (10000000.0, 0.0006324555320336759, 0.0006706424247822417),
    (10000000.0, 0.0006708203932499369, 0.00024670925039662326),
    (10000000.0, 0.001, 4.119559933025503e-09),
    (10000000.0, 0.0013416407864998738, 4.634898201223823e-16),
    (10000000.0, 0.00223606797749979, 7.429069049813199e-44),
    (10000000.0, 0.005477225575051661, 5.281472612601677e-261),
    (10000000.0, 0.005873670062235365, 4.326501696472498e-300),
    (10000000.0, 0.006, 4.0482362083e-313),
    (10000000.0, 0.006074537019394977, 6.166e-321),
    (10000000.0, 0.006090976933136425, 0.0),
    (10000000.0, 0.3, 0.0),
    (10000000.0, 0.5, 0.0),
    (10000000.0, 0.7, 0.0),
    (10000000.0, 0.9999999, 0.0),
    (10000000.0, 0.99999995, 0.0),
    (10000000.0, 1.0, 0.0),
    (10000000.0, 1.5, 0.0),
];
// END GENERATED
