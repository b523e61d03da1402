//! `scipy.special.smirnov(n, d)`: the survival function of the one-sided
//! Kolmogorov–Smirnov statistic D⁺ₙ, ported from xsf's
//! `cephes/kolmogorov.h` (`_smirnov`, P. van Mulbregt), with the parts of
//! the qd double-double package (`cephes/dd_real.h`) it relies on.
//!
//! Only the survival function is computed; the density and CDF that xsf
//! computes alongside never change which terms are summed.

use std::f64::consts::LN_2;

/// `log(2**-1075)`, cephes' `MINLOG`.
#[allow(clippy::excessive_precision)]
const MINLOG: f64 = -7.451_332_191_019_412_076_235E2;
/// n above this uses the Miller-style approximation instead of the sum.
const SMIRNOV_MAX_COMPUTE_N: i64 = 1_000_000;
const SM_UPPER_MAX_TERMS: i64 = 3;
const SM_UPPERSUM_MIN_N: i64 = 10;
const SM_MAX_EXPONENT: i64 = 960;

/// `frexp` for f64: `x = m * 2^e` with `0.5 <= |m| < 1` (zero, infinities
/// and NaN come back unchanged with exponent 0, as in C).
pub(super) fn frexp(x: f64) -> (f64, i64) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    if biased == 0 {
        // Subnormal: scale into the normal range first (exact).
        let (m, e) = frexp(x * f64::from_bits((1023 + 54) << 52));
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7ff_u64 << 52)) | (1022_u64 << 52));
    (m, biased - 1022)
}

/// `ldexp`/`scalbn`: `x * 2^n`, correctly rounded (musl's algorithm, which
/// avoids double rounding into the subnormal range).
pub(super) fn ldexp(x: f64, n: i64) -> f64 {
    let p1023 = f64::from_bits(0x7fe_u64 << 52); // 2^1023
    let pm969 = f64::from_bits(54_u64 << 52); // 2^-1022 * 2^53
    let mut y = x;
    let mut n = n;
    if n > 1023 {
        y *= p1023;
        n -= 1023;
        if n > 1023 {
            y *= p1023;
            n -= 1023;
            n = n.min(1023);
        }
    } else if n < -1022 {
        y *= pm969;
        n += 1022 - 53;
        if n < -1022 {
            y *= pm969;
            n += 1022 - 53;
            n = n.max(-1022);
        }
    }
    y * f64::from_bits(((0x3ff + n) as u64) << 52)
}

/// Double-double number `hi + lo` (qd's `dd_real`, as xsf uses it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Dd {
    pub(super) hi: f64,
    pub(super) lo: f64,
}

fn quick_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let c = s - a;
    (s, b - c)
}

fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let c = s - a;
    let d = b - c;
    let e = s - c;
    (s, (a - e) + d)
}

fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

impl Dd {
    pub(super) const fn new(x: f64) -> Dd {
        Dd { hi: x, lo: 0.0 }
    }

    fn neg(self) -> Dd {
        Dd {
            hi: -self.hi,
            lo: -self.lo,
        }
    }

    pub(super) fn add(self, r: Dd) -> Dd {
        let (s1, s2) = two_sum(self.hi, r.hi);
        let (t1, t2) = two_sum(self.lo, r.lo);
        let s2 = s2 + t1;
        let (s1, s2) = quick_two_sum(s1, s2);
        let s2 = s2 + t2;
        let (hi, lo) = quick_two_sum(s1, s2);
        Dd { hi, lo }
    }

    pub(super) fn add_f(self, r: f64) -> Dd {
        let (s1, s2) = two_sum(self.hi, r);
        let (hi, lo) = quick_two_sum(s1, s2 + self.lo);
        Dd { hi, lo }
    }

    fn sub(self, r: Dd) -> Dd {
        self.add(r.neg())
    }

    fn sub_f(self, r: f64) -> Dd {
        let (s1, s2) = two_sum(self.hi, -r);
        let (hi, lo) = quick_two_sum(s1, s2 + self.lo);
        Dd { hi, lo }
    }

    /// `l - self` for a double `l`.
    pub(super) fn rsub_f(self, l: f64) -> Dd {
        let (s1, s2) = two_sum(l, -self.hi);
        let (hi, lo) = quick_two_sum(s1, s2 - self.lo);
        Dd { hi, lo }
    }

    fn mul(self, r: Dd) -> Dd {
        let (p1, p2) = two_prod(self.hi, r.hi);
        let p2 = p2 + (self.hi * r.lo + self.lo * r.hi);
        let (hi, lo) = quick_two_sum(p1, p2);
        Dd { hi, lo }
    }

    /// `self * r` (also `r * self`: xsf's two overloads are the same).
    pub(super) fn mul_f(self, r: f64) -> Dd {
        let (p1, e1) = two_prod(self.hi, r);
        let (p2, e2) = two_prod(self.lo, r);
        let (hi, lo) = quick_two_sum(p1, e2 + p2 + e1);
        Dd { hi, lo }
    }

    fn div(self, r: Dd) -> Dd {
        let q1 = self.hi / r.hi;
        let rem = self.sub(r.mul_f(q1));
        let q2 = rem.hi / r.hi;
        let rem = rem.sub(r.mul_f(q2));
        let q3 = rem.hi / r.hi;
        let (q1, q2) = quick_two_sum(q1, q2);
        Dd { hi: q1, lo: q2 }.add_f(q3)
    }

    pub(super) fn div_f(self, r: f64) -> Dd {
        self.div(Dd::new(r))
    }

    fn is_zero(self) -> bool {
        self.hi == 0.0 && self.lo == 0.0
    }

    fn floor(self) -> Dd {
        let hi = self.hi.floor();
        if hi == self.hi {
            let (hi, lo) = quick_two_sum(hi, self.lo.floor());
            return Dd { hi, lo };
        }
        Dd { hi, lo: 0.0 }
    }

    pub(super) fn ldexp(self, e: i64) -> Dd {
        Dd {
            hi: ldexp(self.hi, e),
            lo: ldexp(self.lo, e),
        }
    }

    fn frexp(self) -> (Dd, i64) {
        let (mut man, mut exponent) = frexp(self.hi);
        let mut b1 = ldexp(self.lo, -exponent);
        if man.abs() == 0.5 && man * b1 < 0.0 {
            man *= 2.0;
            b1 *= 2.0;
            exponent -= 1;
        }
        (Dd { hi: man, lo: b1 }, exponent)
    }
}

/// xsf's `nextPowerOf2` (which, despite the name, rounds `x` up by an ulp
/// and truncates integral results).
fn next_power_of_2(x: f64) -> f64 {
    let q = ldexp(x, 1 - 53);
    let l = (q + x).abs();
    if l == 0.0 {
        return x.abs();
    }
    let lint = l as i64;
    if lint as f64 == l {
        lint as f64
    } else {
        l
    }
}

/// floor(n*x) and the remainder, computed exactly.
fn mod_nx(n: i64, x: f64) -> (f64, i64, f64) {
    let nx_d = Dd::new(x).mul_f(n as f64);
    let floor_d = nx_d.floor();
    let alpha_d = nx_d.sub(floor_d);
    let mut alpha = alpha_d.hi;
    let mut nxfloor = floor_d.hi as i64;
    if alpha == 1.0 {
        nxfloor += 1;
        alpha = 0.0;
    }
    (alpha, nxfloor, nx_d.hi)
}

/// `pow_D`: `a^m` with `pow()` on the high word and a first-order
/// correction for the low word.
fn pow_d(a: Dd, m: i64) -> Dd {
    if m <= 0 {
        if m == 0 {
            return Dd::new(1.0);
        }
        return Dd::new(1.0).div(pow_d(a, -m));
    }
    if a.is_zero() {
        return Dd::new(0.0);
    }
    let mf = m as f64;
    let ans = a.hi.powf(mf);
    let r = a.lo / a.hi;
    let mut adj = mf * r;
    if adj.abs() > 1e-8 {
        if adj.abs() < 1e-4 {
            adj += (mf * r) * ((m - 1) as f64 / 2.0 * r);
        } else {
            adj = (mf * r.ln_1p()).exp_m1();
        }
    }
    Dd::new(ans).add_f(ans * adj)
}

fn pow2(a: f64, b: f64, m: i64) -> f64 {
    pow_d(Dd::new(a).add_f(b), m).hi
}

/// `a^m = significand * 2^exponent`, splitting the power so that nothing
/// underflows.
fn pow2_scaled_d(a: Dd, m: i64) -> (Dd, i64) {
    if m <= 0 {
        if m == 0 {
            return (Dd::new(1.0), 0);
        }
        let (ans, e1) = pow2_scaled_d(a, -m);
        let (ans, e2) = Dd::new(1.0).div(ans).frexp();
        return (ans, -e1 + e2);
    }
    let (y, ye) = a.frexp();
    if m == 1 {
        return (y, ye);
    }
    let mut max_expt = SM_MAX_EXPONENT;
    if m as f64 * (y.hi - 1.0) / y.hi < -(SM_MAX_EXPONENT as f64) * LN_2 {
        let lg2y = y.hi.ln() / LN_2;
        let lg_ans = m as f64 * lg2y;
        if lg_ans <= -(SM_MAX_EXPONENT as f64) {
            max_expt = (next_power_of_2(-(SM_MAX_EXPONENT as f64) / lg2y + 1.0) / 2.0) as i64;
        }
    }
    // (`max_expt <= 0` cannot happen; it only keeps `m / max_expt` total.)
    if m <= max_expt || max_expt <= 0 {
        let (ans, e) = pow_d(y, m).frexp();
        return (ans, e + m * ye);
    }
    let q = m / max_expt;
    let r = m % max_expt;
    let (y2r, y2r_e) = pow2_scaled_d(y, r);
    let (y2m, y2m_e) = pow2_scaled_d(y, max_expt);
    let (y2mq, y2mq_e) = pow2_scaled_d(y2m, q);
    let (ans, e) = y2r.mul(y2mq).frexp();
    (ans, e + (y2mq_e + y2m_e * q) + y2r_e + m * ye)
}

/// `((a+b)/(c+d))^m`.
fn pow4_d(a: f64, b: f64, c: f64, d: f64, m: i64) -> Dd {
    if m <= 0 {
        if m == 0 {
            return Dd::new(1.0);
        }
        return pow4_d(c, d, a, b, -m);
    }
    let num = Dd::new(a).add_f(b);
    let den = Dd::new(c).add_f(d);
    if num.is_zero() {
        return if den.is_zero() {
            Dd::new(f64::NAN)
        } else {
            Dd::new(0.0)
        };
    }
    if den.is_zero() {
        let inf = if num.hi < 0.0 {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
        return Dd { hi: inf, lo: inf };
    }
    pow_d(num.div(den), m)
}

/// One term `C(n,v) (1-x-v/n)^(n-v) (x+v/n)^(v-1)` with the binomial held
/// as mantissa and exponent.
fn compute_av(n: i64, x: f64, v: i64, c_man: Dd, c_expt: i64) -> Dd {
    let nf = n as f64;
    let t2x = Dd::new((n - v) as f64).div_f(nf).sub_f(x);
    let (t2, t2_e) = pow2_scaled_d(t2x, n - v);
    let t1x = Dd::new(v as f64).div_f(nf).add_f(x);
    let (t1, t1_e) = pow2_scaled_d(t1x, v - 1);
    let ans = t1.mul(t2).mul(c_man);
    ans.ldexp(c_expt + t1_e + t2_e)
}

fn update_binomial(c_man: &mut Dd, c_expt: &mut i64, n: i64, j: i64) {
    let rat = Dd::new((n - j) as f64).div_f(j as f64 + 1.0);
    let (man, e) = c_man.mul(rat).frexp();
    *c_expt += e;
    *c_man = man;
}

/// `scipy.special.smirnov(n, x)`.
pub(super) fn smirnov(n: i64, x: f64) -> f64 {
    if x.is_nan() || !(n > 0 && (0.0..=1.0).contains(&x)) {
        return f64::NAN;
    }
    if n == 1 {
        return 1.0 - x;
    }
    if x == 0.0 {
        return 1.0;
    }
    if x == 1.0 {
        return 0.0;
    }
    let nf = n as f64;
    let (alpha, nxfl, _nx) = mod_nx(n, x);
    let mut n1mxfl = n - nxfl - i64::from(alpha != 0.0);
    let mut n1mxceil = n - nxfl;
    if alpha == 0.0 {
        n1mxfl -= 1;
        n1mxceil += 1;
    }
    // x <= 1/n
    if nxfl == 0 || (nxfl == 1 && alpha == 0.0) {
        let t = pow2(1.0, x, n - 1);
        return 1.0 - x * t;
    }
    // The survival function underflows.
    if (-2.0 * nf) * x * x < MINLOG {
        return 0.0;
    }
    // x >= 1 - 1/n
    if nxfl >= n - 1 {
        return pow2(1.0, -x, n);
    }
    if n > SMIRNOV_MAX_COMPUTE_N {
        // p ~ e^(-(6nx+1)^2 / 18n)
        let logp = -(6.0 * nf * x + 1.0).powf(2.0) / 18.0 / nf;
        return if logp < -LN_2 {
            logp.exp()
        } else {
            1.0 - (-logp.exp_m1())
        };
    }
    let n_upper_terms = n - n1mxceil + 1;
    let use_upper = (n_upper_terms <= 1 && x < 0.5)
        || (n >= SM_UPPERSUM_MIN_N && n_upper_terms <= SM_UPPER_MAX_TERMS && x <= 0.5 / nf.sqrt());

    let (start, step, n_terms, first) = if use_upper {
        (n, -1, n - n1mxceil + 1, pow4_d(1.0, x, 1.0, 0.0, n - 1))
    } else {
        (0, 1, n1mxfl + 1, pow4_d(1.0, -x, 1.0, 0.0, n).div_f(x))
    };
    let vmid = n / 2;
    let mut c_man = Dd::new(1.0);
    let mut c_expt = 0_i64;
    let mut aj_sum = Dd::new(0.0).add(first);
    update_binomial(&mut c_man, &mut c_expt, n, 0);
    for j in 1..n_terms {
        let v = start + j * step;
        let aj = compute_av(n, x, v, c_man, c_expt);
        if aj.hi.is_finite() && !aj.is_zero() {
            aj_sum = aj_sum.add(aj);
        }
        if !aj.is_zero() {
            if ((4 * (n_terms - j)) as f64 * aj.hi.abs()) < f64::EPSILON * aj_sum.hi
                && j != n_terms - 1
            {
                break;
            }
        } else if j > vmid {
            break;
        }
        update_binomial(&mut c_man, &mut c_expt, n, j);
    }
    let prob = aj_sum.mul_f(x).hi;
    let sf = if step < 0 { 1.0 - prob } else { prob };
    sf.clamp(0.0, 1.0)
}
