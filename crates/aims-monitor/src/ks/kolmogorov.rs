//! `scipy.stats.kstwo.sf(x, n)`: the survival function of the two-sided
//! one-sample Kolmogorov–Smirnov statistic Dₙ, ported from scipy 1.17's
//! `scipy/stats/_ksstats.py` (`_kolmogn` with `cdf=False`, after Simard &
//! L'Ecuyer 2011) and the support handling of `kstwo_gen`.
//!
//! The branches are scipy's: Ruben–Gambino for `n·x <= 1` and
//! `n·x >= n-1`, `2·smirnov(n, x)` for large x, Durbin's matrix algorithm
//! (Marsaglia–Tsang–Wang), Pomeranz' recursion and the Pelz–Good
//! asymptotic series for the rest. Arithmetic follows scipy's order of
//! operations, including the parts numpy delegates to OpenBLAS: the
//! convolutions in Pomeranz reproduce OpenBLAS' Haswell `ddot` kernel
//! (sixteen FMA lanes reduced pairwise, then a plain tail), the matrix
//! products in Durbin's algorithm are FMA dot products. Where scipy's
//! rescaling turns a value into `np.longdouble` (x87 extended precision),
//! the rest of that computation runs in double-double here.

use super::smirnov::{ldexp, smirnov, Dd};
use std::f64::consts::PI;

/// 2^128 and 2^-128, scipy's `_EP128` and `_EM128`.
const EP128: f64 = f64::from_bits((1023 + 128) << 52);
const EM128: f64 = f64::from_bits((1023 - 128) << 52);
const E128: i64 = 128;
const MIN_LOG: f64 = -708.0;

/// Bernoulli-number coefficients of Stirling's series, scipy's
/// `_STIRLING_COEFFS` (scipy's literals, rounded to f64 by the compiler).
#[allow(clippy::excessive_precision)]
const STIRLING_COEFFS: [f64; 8] = [
    -2.955065359477124183e-2,
    6.4102564102564102564e-3,
    -1.9175269175269175269e-3,
    8.4175084175084175084e-4,
    -5.952380952380952381e-4,
    7.9365079365079365079e-4,
    -2.7777777777777777778e-3,
    8.3333333333333333333e-2,
];

/// `scipy.stats.kstwo.sf(x, n)`: `P(Dₙ > x)`.
///
/// `n` must be a positive integer (as a float, the way ks_2samp passes
/// `np.round(en)`); anything else gives NaN, as does a NaN `x`. Infinite
/// `n` gives NaN too (scipy raises an OverflowError there).
pub fn kstwo_sf(x: f64, n: f64) -> f64 {
    if x.is_nan() || n.is_nan() || n < 1.0 || n != n.round() || n.is_infinite() {
        return f64::NAN;
    }
    // kstwo's support is [0.5/n, 1]; rv_continuous.sf returns 1 at or
    // below it and 0 at or above its end.
    if x <= 0.5 / n {
        return 1.0;
    }
    if x >= 1.0 {
        return 0.0;
    }
    if n > 9.007_199_254_740_992e15 {
        return f64::NAN;
    }
    kolmogn_sf(n as i64, x)
}

fn clip(p: f64) -> f64 {
    p.clamp(0.0, 1.0)
}

/// `_kolmogn(n, x, cdf=False)` for `0 < x < 1`.
fn kolmogn_sf(n: i64, x: f64) -> f64 {
    if x >= 1.0 {
        return 0.0;
    }
    if x <= 0.0 {
        return 1.0;
    }
    let nf = n as f64;
    let t = nf * x;
    if t <= 1.0 {
        // Ruben–Gambino: 1/2n <= x <= 1/n
        if t <= 0.5 {
            return 1.0;
        }
        let prob = if n <= 140 {
            let step = 1.0 / nf;
            let base = 2.0 * t - 1.0;
            let mut prod = 1.0;
            for i in 1..=n {
                prod *= (i as f64 * step) * base;
            }
            prod
        } else {
            (log_nfactorial_div_n_pow_n(nf) + nf * (2.0 * t - 1.0).ln()).exp()
        };
        return clip(1.0 - prob);
    }
    if t >= (n - 1) as f64 {
        // Ruben–Gambino
        return clip(2.0 * (1.0 - x).powf(nf));
    }
    if x >= 0.5 {
        return clip(2.0 * smirnov(n, x));
    }
    let nxsquared = t * x;
    if n <= 140 {
        if nxsquared <= 0.754693 {
            return dmtw_cdf(n, x).sf();
        }
        if nxsquared <= 4.0 {
            return pomeranz_cdf(n, x).sf();
        }
        return clip(2.0 * smirnov(n, x));
    }
    if nxsquared >= 370.0 {
        return 0.0;
    }
    if nxsquared >= 2.2 {
        return clip(2.0 * smirnov(n, x));
    }
    if nxsquared >= 18.0 {
        return 0.0;
    }
    if n <= 100_000 && nf * x.powf(1.5) <= 1.4 {
        return dmtw_cdf(n, x).sf();
    }
    clip(1.0 - pelz_good_cdf(nf, x))
}

/// log(n! / n^n) by Stirling's series.
fn log_nfactorial_div_n_pow_n(n: f64) -> f64 {
    let rn = 1.0 / n;
    let x = rn / n;
    let mut poly = 0.0;
    for c in STIRLING_COEFFS {
        poly = poly * x + c;
    }
    n.ln() / 2.0 - n + (2.0 * PI).ln() / 2.0 + rn * poly
}

/// A probability scipy holds as float64 until a rescale by its
/// `np.longdouble` constants turns it into extended precision.
#[derive(Debug, Clone, Copy)]
enum Ext {
    F(f64),
    X(Dd),
}

impl Ext {
    fn abs(self) -> Dd {
        match self {
            Ext::F(v) => Dd::new(v.abs()),
            Ext::X(d) if d.hi < 0.0 => Dd {
                hi: -d.hi,
                lo: -d.lo,
            },
            Ext::X(d) => d,
        }
    }

    fn lt(self, c: f64) -> bool {
        let a = self.abs();
        a.hi < c || (a.hi == c && a.lo < 0.0)
    }

    fn gt(self, c: f64) -> bool {
        let a = self.abs();
        a.hi > c || (a.hi == c && a.lo > 0.0)
    }

    /// Multiply by a power-of-two `np.longdouble`: the result is extended.
    fn scale(self, s: f64) -> Ext {
        match self {
            Ext::F(v) => Ext::X(Dd::new(v * s)),
            Ext::X(d) => Ext::X(d.mul_f(s)),
        }
    }

    fn mul(self, m: f64) -> Ext {
        match self {
            Ext::F(v) => Ext::F(v * m),
            Ext::X(d) => Ext::X(d.mul_f(m)),
        }
    }

    fn div(self, m: f64) -> Ext {
        match self {
            Ext::F(v) => Ext::F(v / m),
            Ext::X(d) => Ext::X(d.div_f(m)),
        }
    }

    fn ldexp(self, e: i64) -> Ext {
        match self {
            Ext::F(v) => Ext::F(ldexp(v, e)),
            Ext::X(d) => Ext::X(d.ldexp(e)),
        }
    }

    /// The survival function from this CDF: `clip(1 - clip(cdf))`, the
    /// subtraction done in the value's own precision, then rounded to
    /// float64 as scipy's output array does.
    fn sf(self) -> f64 {
        match self {
            Ext::F(v) => clip(1.0 - clip(v)),
            Ext::X(d) => {
                let c = if d.hi < 0.0 {
                    Dd::new(0.0)
                } else if d.hi > 1.0 || (d.hi == 1.0 && d.lo > 0.0) {
                    Dd::new(1.0)
                } else {
                    d
                };
                clip(c.rsub_f(1.0).hi)
            }
        }
    }
}

/// Row-major `a @ b` for square matrices: per element an FMA dot product,
/// the way OpenBLAS' dgemm kernels accumulate.
fn matmul(a: &[f64], b: &[f64], m: usize) -> Vec<f64> {
    let mut c = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..m {
            let mut acc = 0.0_f64;
            for k in 0..m {
                acc = a[i * m + k].mul_add(b[k * m + j], acc);
            }
            c[i * m + j] = acc;
        }
    }
    c
}

/// `_kolmogn_DMTW(n, d, cdf=True)`: Durbin's matrix algorithm as
/// Marsaglia, Tsang and Wang compute it.
fn dmtw_cdf(n: i64, d: f64) -> Ext {
    if d >= 1.0 {
        return Ext::F(1.0);
    }
    let nd = n as f64 * d;
    if nd <= 0.5 {
        return Ext::F(0.0);
    }
    let k = nd.ceil() as usize;
    let h = k as f64 - nd;
    let m = 2 * k - 1;

    let mut v: Vec<f64> = (1..=m).map(|j| 1.0 - h.powf(j as f64)).collect();
    let mut w = vec![0.0; m];
    let mut fac = 1.0;
    for j in 1..=m {
        w[j - 1] = fac;
        fac /= j as f64;
        v[j - 1] *= fac;
    }
    let lower = if 2.0 * h - 1.0 >= 0.0 {
        (2.0 * h - 1.0).powf(m as f64)
    } else {
        0.0
    };
    let tt = lower - 2.0 * h.powf(m as f64);
    v[m - 1] = (1.0 + tt) * fac;

    let mut hm = vec![0.0; m * m];
    for i in 1..m {
        for r in (i - 1)..m {
            hm[r * m + i] = w[r - (i - 1)];
        }
    }
    for r in 0..m {
        hm[r * m] = v[r];
    }
    for c in 0..m {
        hm[(m - 1) * m + c] = v[m - 1 - c];
    }

    let mut hpwr = vec![0.0; m * m];
    for i in 0..m {
        hpwr[i * m + i] = 1.0;
    }
    let mut nn = n;
    let mut expnt: i64 = 0;
    let mut hexpnt: i64 = 0;
    let kk = (k - 1) * m + (k - 1);
    while nn > 0 {
        if nn % 2 == 1 {
            hpwr = matmul(&hpwr, &hm, m);
            expnt += hexpnt;
        }
        if nn == 1 {
            // scipy squares once more, but never uses the result.
            break;
        }
        hm = matmul(&hm, &hm, m);
        hexpnt *= 2;
        if hm[kk].abs() > EP128 {
            for e in hm.iter_mut() {
                *e /= EP128;
            }
            hexpnt += E128;
        }
        nn /= 2;
    }

    let nf = n as f64;
    let mut p = Ext::F(hpwr[kk]);
    for i in 1..=n {
        p = p.mul(i as f64).div(nf);
        if p.lt(EM128) {
            p = p.scale(EP128);
            expnt -= E128;
        }
    }
    if expnt != 0 {
        p = p.ldexp(expnt);
    }
    p
}

/// `_pomeranz_compute_j1j2`.
fn pomeranz_j1j2(i: i64, n: i64, ll: i64, ceilf: i64, roundf: i64) -> (i64, i64) {
    let (j1, j2) = if i == 0 {
        (-ll - ceilf - 1, ll + ceilf - 1)
    } else {
        let (ip1div2, ip1mod2) = ((i + 1) / 2, (i + 1) % 2);
        if ip1mod2 == 0 {
            if ip1div2 == n + 1 {
                (n - ll - ceilf - 1, n + ll + ceilf - 1)
            } else {
                (ip1div2 - 1 - ll - roundf - 1, ip1div2 + ll - 1 + ceilf - 1)
            }
        } else {
            (ip1div2 - 1 - ll - 1, ip1div2 + ll + roundf - 1)
        }
    };
    ((j1 + 2).max(0), j2.min(n))
}

/// Python's `v[start:stop]` bounds.
fn py_range(len: usize, start: i64, stop: i64) -> std::ops::Range<usize> {
    let len_i = len as i64;
    let fix = |i: i64| {
        let i = if i < 0 { i + len_i } else { i };
        i.clamp(0, len_i) as usize
    };
    let (s, e) = (fix(start), fix(stop));
    s..e.max(s)
}

/// OpenBLAS' Haswell `ddot` as numpy's `DOUBLE_dot` calls it.
fn ddot(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    let n1 = n & !15;
    let mut dot = 0.0;
    if n1 > 0 {
        let mut acc = [0.0_f64; 16];
        for i in 0..n1 {
            acc[i % 16] = x[i].mul_add(y[i], acc[i % 16]);
        }
        // vextractf128 + vaddpd per register, then registers pairwise,
        // then vhaddpd.
        let mut lanes = [[0.0_f64; 2]; 4];
        for (r, lane) in lanes.iter_mut().enumerate() {
            lane[0] = acc[4 * r] + acc[4 * r + 2];
            lane[1] = acc[4 * r + 1] + acc[4 * r + 3];
        }
        let q = [lanes[0][0] + lanes[1][0], lanes[0][1] + lanes[1][1]];
        let s = [lanes[2][0] + lanes[3][0], lanes[2][1] + lanes[3][1]];
        dot = (q[0] + s[0]) + (q[1] + s[1]);
    }
    for i in n1..n {
        dot += y[i] * x[i];
    }
    0.0 + dot
}

/// `np.convolve(a, v)` (mode 'full'), through numpy's correlate loop.
fn np_convolve(a: &[f64], v: &[f64]) -> Vec<f64> {
    let (a, v) = if v.len() > a.len() { (v, a) } else { (a, v) };
    let (n1, n2) = (a.len(), v.len());
    if n2 == 0 {
        return Vec::new();
    }
    let vr: Vec<f64> = v.iter().rev().copied().collect();
    (0..n1 + n2 - 1)
        .map(|o| {
            let lo = o.saturating_sub(n2 - 1);
            let hi = o.min(n1 - 1);
            let x = &a[lo..=hi];
            let start = n2 - 1 - (o - lo);
            ddot(x, &vr[start..start + x.len()])
        })
        .collect()
}

/// `_kolmogn_Pomeranz(n, x, cdf=True)`.
fn pomeranz_cdf(n: i64, x: f64) -> Ext {
    let nf = n as f64;
    let t = nf * x;
    let ll = t.floor() as i64;
    let f = t - ll as f64;
    let g = if 1.0 - f < f { 1.0 - f } else { f };
    let ceilf = i64::from(f > 0.0);
    let roundf = i64::from(f > 0.5);
    let npwrs = (2 * (ll + 1)) as usize;
    let mut gpower = vec![1.0; npwrs];
    let mut twogpower = vec![1.0; npwrs];
    let mut onem2gpower = vec![1.0; npwrs];
    let (g_over_n, two_g_over_n, one_minus_two_g_over_n) =
        (g / nf, 2.0 * g / nf, (1.0 - 2.0 * g) / nf);
    for m in 1..npwrs {
        let mf = m as f64;
        gpower[m] = gpower[m - 1] * g_over_n / mf;
        twogpower[m] = twogpower[m - 1] * two_g_over_n / mf;
        onem2gpower[m] = onem2gpower[m - 1] * one_minus_two_g_over_n / mf;
    }

    let mut v0 = vec![0.0; npwrs];
    let mut v1 = vec![0.0; npwrs];
    v1[0] = 1.0;
    let (mut v0s, mut v1s) = (0_i64, 0_i64);
    let mut expnt: i64 = 0;
    let mut j1 = pomeranz_j1j2(0, n, ll, ceilf, roundf).0;
    for i in 1..(2 * n + 2) {
        let k1 = j1;
        std::mem::swap(&mut v0, &mut v1);
        std::mem::swap(&mut v0s, &mut v1s);
        v1.fill(0.0);
        let (nj1, j2) = pomeranz_j1j2(i, n, ll, ceilf, roundf);
        j1 = nj1;
        let pwrs = if i == 1 || i == 2 * n + 1 {
            &gpower
        } else if i % 2 == 1 {
            &twogpower
        } else {
            &onem2gpower
        };
        let ln2 = j2 - k1 + 1;
        if ln2 > 0 {
            let a = &v0[py_range(npwrs, k1 - v0s, k1 - v0s + ln2)];
            let b = &pwrs[py_range(npwrs, 0, ln2)];
            if a.is_empty() || b.is_empty() {
                // numpy would raise here; scipy never gets this far.
                return Ext::F(f64::NAN);
            }
            let conv = np_convolve(a, b);
            let conv_start = j1 - k1;
            let conv_len = j2 - j1 + 1;
            let src = &conv[py_range(conv.len(), conv_start, conv_start + conv_len)];
            let dst = py_range(npwrs, 0, conv_len);
            if src.len() != dst.len() {
                return Ext::F(f64::NAN);
            }
            v1[dst].copy_from_slice(src);
            let vmax = v1.iter().copied().fold(f64::NEG_INFINITY, |m, e| {
                if m.is_nan() || e.is_nan() {
                    f64::NAN
                } else {
                    m.max(e)
                }
            });
            if 0.0 < vmax && vmax < EM128 {
                for e in v1.iter_mut() {
                    *e *= EP128;
                }
                expnt -= E128;
            }
            v1s = v0s + j1 - k1;
        }
    }

    let idx = n - v1s;
    let idx = if idx < 0 { idx + npwrs as i64 } else { idx };
    let Some(&start) = usize::try_from(idx).ok().and_then(|i| v1.get(i)) else {
        return Ext::F(f64::NAN);
    };
    let mut ans = Ext::F(start);
    for m in 1..=n {
        if ans.gt(EP128) {
            ans = ans.scale(EM128);
            expnt += E128;
        }
        ans = ans.mul(m as f64);
    }
    if expnt != 0 {
        ans = ans.ldexp(expnt);
    }
    ans
}

/// numpy's pairwise summation (`np.sum` of a contiguous float64 array).
fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = -0.0;
        for &v in a {
            res += v;
        }
        res
    } else if n <= 128 {
        let mut r = [0.0_f64; 8];
        r.copy_from_slice(&a[..8]);
        let mut i = 8;
        while i < n - (n % 8) {
            for (j, rj) in r.iter_mut().enumerate() {
                *rj += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &v in &a[i..] {
            res += v;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum(&a[..n2]) + pairwise_sum(&a[n2..])
    }
}

/// `_kolmogn_PelzGood(n, x, cdf=True)`.
fn pelz_good_cdf(n: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let pi_squared = PI.powf(2.0);
    let pi_four = PI.powf(4.0);
    let pi_six = PI.powf(6.0);
    let sqrt2pi = (2.0 * PI).sqrt();

    let z = n.sqrt() * x;
    let (zsquared, zthree, zfour, zsix) = (z.powf(2.0), z.powf(3.0), z.powf(4.0), z.powf(6.0));
    let qlog = -pi_squared / 8.0 / zsquared;
    if qlog < MIN_LOG {
        return 0.0;
    }
    let q = qlog.exp();

    let k1a = -zsquared;
    let k1b = pi_squared / 4.0;
    let k2a = 6.0 * zsix + 2.0 * zfour;
    let k2b = (2.0 * zfour - 5.0 * zsquared) * pi_squared / 4.0;
    let k2c = pi_four * (1.0 - 2.0 * zsquared) / 16.0;
    let k3d = pi_six * (5.0 - 30.0 * zsquared) / 64.0;
    let k3c = pi_four * (-60.0 * zsquared + 212.0 * zfour) / 16.0;
    let k3b = pi_squared * (135.0 * zfour - 96.0 * zsix) / 4.0;
    let k3a = -30.0 * zsix - 90.0 * z.powf(8.0);

    let mut k0to3 = [0.0_f64; 4];
    let maxk = (16.0 * z / PI).ceil() as i64;
    for k in (1..=maxk).rev() {
        let m = 2 * k - 1;
        let (msquared, mfour, msix) = ((m * m) as f64, m.pow(4) as f64, m.pow(6) as f64);
        let qpower = q.powf((8 * k) as f64);
        let coeffs = [
            1.0,
            k1a + k1b * msquared,
            k2a + k2b * msquared + k2c * mfour,
            k3a + k3b * msquared + k3c * mfour + k3d * msix,
        ];
        for (acc, c) in k0to3.iter_mut().zip(coeffs) {
            *acc *= qpower;
            *acc += c;
        }
    }
    let divisors = [z, 6.0 * zfour, 72.0 * z.powf(7.0), 6480.0 * z.powf(10.0)];
    for (acc, dv) in k0to3.iter_mut().zip(divisors) {
        *acc *= q;
        *acc *= sqrt2pi;
        *acc /= dv;
    }

    let q = (-pi_squared / 2.0 / zsquared).exp();
    let ks: Vec<i64> = (1..=maxk).rev().collect();
    let sqrt3z = 3.0_f64.sqrt() * z;
    let qpwers: Vec<f64> = ks.iter().map(|&k| q.powf((k * k) as f64)).collect();
    let k2terms: Vec<f64> = ks
        .iter()
        .zip(&qpwers)
        .map(|(&k, &qp)| (k * k) as f64 * qp)
        .collect();
    let k2extra = pairwise_sum(&k2terms) * (pi_squared * sqrt2pi / (-36.0 * zthree));
    k0to3[2] += k2extra;
    let k3terms: Vec<f64> = ks
        .iter()
        .zip(&qpwers)
        .map(|(&k, &qp)| {
            let kspi = PI * k as f64;
            (sqrt3z + kspi) * (sqrt3z - kspi) * (k * k) as f64 * qp
        })
        .collect();
    let k3extra = pairwise_sum(&k3terms) * (pi_squared * sqrt2pi / (216.0 * zsix));
    k0to3[3] += k3extra;
    for (i, acc) in k0to3.iter_mut().enumerate() {
        *acc /= n.powf(i as f64 / 2.0);
    }
    k0to3.iter().fold(0.0, |s, &v| s + v)
}
