//! Sorting a column of floats: least-significant-digit radix sort on the
//! floats' order-preserving bit patterns, 11 bits a pass, passes whose
//! digit is the same for every value skipped. Several times faster than a
//! comparison sort on the ten-million-value columns drift works on.

const BITS: u32 = 11;
const BUCKETS: usize = 1 << BITS;
const PASSES: usize = 64_usize.div_ceil(BITS as usize);

/// The float's bits, mapped so that unsigned order is numeric order
/// (NaN excluded; −0 sorts just before +0).
fn key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

fn unkey(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// Sorts `values` ascending. They must not be NaN. `scratch` is working
/// space, kept by the caller to be reused for the next column.
pub fn sort(values: Vec<f64>, scratch: &mut Vec<u64>) -> Vec<f64> {
    if values.len() < 256 {
        let mut v = values;
        v.sort_unstable_by(f64::total_cmp);
        return v;
    }
    let mut keys: Vec<u64> = values.into_iter().map(key).collect();
    let mut counts = vec![[0usize; BUCKETS]; PASSES];
    for &k in &keys {
        for (p, c) in counts.iter_mut().enumerate() {
            c[((k >> (p as u32 * BITS)) as usize) & (BUCKETS - 1)] += 1;
        }
    }
    let n = keys.len();
    let mut other = std::mem::take(scratch);
    other.clear();
    other.resize(n, 0);
    for (p, c) in counts.iter_mut().enumerate() {
        if c.contains(&n) {
            continue;
        }
        let mut at = 0;
        for slot in c.iter_mut() {
            let here = *slot;
            *slot = at;
            at += here;
        }
        let shift = p as u32 * BITS;
        for &k in &keys {
            let d = ((k >> shift) as usize) & (BUCKETS - 1);
            other[c[d]] = k;
            c[d] += 1;
        }
        std::mem::swap(&mut keys, &mut other);
    }
    *scratch = other;
    keys.into_iter().map(unkey).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_order_and_round_trip() {
        let xs = [
            f64::NEG_INFINITY,
            -1e300,
            -1.5,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            5e-324,
            1.0,
            1.0000000000000002,
            f64::MAX,
            f64::INFINITY,
        ];
        for w in xs.windows(2) {
            assert!(key(w[0]) < key(w[1]), "{} {}", w[0], w[1]);
        }
        for x in xs {
            assert_eq!(unkey(key(x)).to_bits(), x.to_bits());
        }
    }

    #[test]
    fn sorts_like_a_comparison_sort() {
        // A xorshift stream: wide magnitudes, both signs, many ties.
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        for n in [0usize, 1, 255, 256, 1000, 100_000] {
            let xs: Vec<f64> = (0..n)
                .map(|i| {
                    let r = next();
                    match i % 4 {
                        0 => (r % 100) as f64 - 50.0,
                        1 => f64::from_bits(r) % 1e6,
                        2 => (r as f64 / u64::MAX as f64) * 2.0 - 1.0,
                        _ => -((r >> 11) as f64),
                    }
                })
                .filter(|x| !x.is_nan())
                .collect();
            let mut want = xs.clone();
            want.sort_by(f64::total_cmp);
            let got = sort(xs, &mut Vec::new());
            assert_eq!(got.len(), want.len());
            assert!(
                got.iter()
                    .zip(&want)
                    .all(|(a, b)| a.to_bits() == b.to_bits()),
                "n={n}"
            );
        }
    }

    #[test]
    fn constant_columns_skip_every_pass() {
        let got = sort(vec![2.5; 10_000], &mut vec![7; 3]);
        assert!(got.iter().all(|&x| x == 2.5));
        assert_eq!(got.len(), 10_000);
    }
}
