//! A metric's values summed up per hour — how many, and the first, lowest,
//! highest and last value, each with its time — so that a chart of a long
//! range reads one row per hour instead of every value, and still shows
//! every extreme (so every breach) the values hold.

/// Seconds in an hour.
pub const HOUR: i64 = 3600;

/// One hour of a metric's values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hour {
    /// The hour's start (Unix seconds, a multiple of [`HOUR`]).
    pub hour: i64,
    pub n: i64,
    pub first: (i64, f64),
    pub min: (i64, f64),
    pub max: (i64, f64),
    pub last: (i64, f64),
}

impl Hour {
    /// The hour of one value.
    pub fn of(at: i64, value: f64) -> Hour {
        Hour {
            hour: at.div_euclid(HOUR) * HOUR,
            n: 1,
            first: (at, value),
            min: (at, value),
            max: (at, value),
            last: (at, value),
        }
    }

    /// This hour and `other` (the same hour) together. On a tie the earlier
    /// value is the first and the lowest or highest; the later one the last.
    pub fn merge(&self, other: &Hour) -> Hour {
        Hour {
            hour: self.hour,
            n: self.n + other.n,
            first: if other.first.0 < self.first.0 {
                other.first
            } else {
                self.first
            },
            min: if other.min.1 < self.min.1
                || (other.min.1 == self.min.1 && other.min.0 < self.min.0)
            {
                other.min
            } else {
                self.min
            },
            max: if other.max.1 > self.max.1
                || (other.max.1 == self.max.1 && other.max.0 < self.max.0)
            {
                other.max
            } else {
                self.max
            },
            last: if other.last.0 >= self.last.0 {
                other.last
            } else {
                self.last
            },
        }
    }
}

/// The hours of `points` (in any order), in time order.
pub fn hours(points: &[(i64, f64)]) -> Vec<Hour> {
    let mut out: Vec<Hour> = Vec::new();
    let mut sorted: Vec<(i64, f64)> = points.to_vec();
    sorted.sort_by_key(|p| p.0);
    for &(at, v) in &sorted {
        let h = Hour::of(at, v);
        match out.last_mut() {
            Some(last) if last.hour == h.hour => *last = last.merge(&h),
            _ => out.push(h),
        }
    }
    out
}

/// The points an hour stands for in a chart: its first, lowest, highest
/// and last value, in time order, each once.
pub fn points(hours: &[Hour]) -> Vec<(i64, f64)> {
    let mut out = Vec::with_capacity(hours.len() * 4);
    for h in hours {
        let mut four = [h.first, h.min, h.max, h.last];
        four.sort_by_key(|p| p.0);
        for p in four {
            if out.last() != Some(&p) {
                out.push(p);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_hour_starts_on_the_hour_even_before_1970() {
        assert_eq!(Hour::of(7199, 1.0).hour, 3600);
        assert_eq!(Hour::of(7200, 1.0).hour, 7200);
        assert_eq!(Hour::of(-1, 1.0).hour, -3600);
    }

    #[test]
    fn values_are_summed_up_per_hour_whatever_their_order() {
        let h = hours(&[
            (3700, 5.0),
            (10, 2.0),
            (3650, 1.0),
            (20, 9.0),
            (30, 4.0),
            (3601, 1.0),
        ]);
        assert_eq!(h.len(), 2);
        assert_eq!(
            h[0],
            Hour {
                hour: 0,
                n: 3,
                first: (10, 2.0),
                min: (10, 2.0),
                max: (20, 9.0),
                last: (30, 4.0)
            }
        );
        // Ties: the earlier lowest value stands.
        assert_eq!(
            h[1],
            Hour {
                hour: 3600,
                n: 3,
                first: (3601, 1.0),
                min: (3601, 1.0),
                max: (3700, 5.0),
                last: (3700, 5.0)
            }
        );
        assert!(hours(&[]).is_empty());
    }

    #[test]
    fn merging_keeps_the_extremes_and_the_ends() {
        let a = hours(&[(100, 3.0), (200, 1.0), (300, 2.0)])[0];
        let b = hours(&[(50, 2.0), (250, 9.0), (400, 0.5)])[0];
        let m = a.merge(&b);
        assert_eq!(
            (m.n, m.first, m.min, m.max, m.last),
            (6, (50, 2.0), (400, 0.5), (250, 9.0), (400, 0.5))
        );
        assert_eq!(b.merge(&a), m, "in either order");
        // Equal values: the earlier one; equal times: the later merge is last.
        let x = Hour::of(10, 1.0);
        let y = Hour::of(20, 1.0);
        assert_eq!(x.merge(&y).min, (10, 1.0));
        assert_eq!(y.merge(&x).min, (10, 1.0));
        assert_eq!(x.merge(&y).max, (10, 1.0));
        assert_eq!(y.merge(&x).max, (10, 1.0));
        let z = Hour::of(20, 3.0);
        assert_eq!(y.merge(&z).last, (20, 3.0));
        assert_eq!(y.merge(&z).first, (20, 1.0));
    }

    #[test]
    fn an_hour_is_drawn_as_at_most_four_points_in_time_order() {
        let h = hours(&[(0, 5.0), (10, 9.0), (20, 1.0), (30, 4.0), (3600, 7.0)]);
        assert_eq!(
            points(&h),
            vec![(0, 5.0), (10, 9.0), (20, 1.0), (30, 4.0), (3600, 7.0)]
        );
        // The highest first: still in time order, each once.
        let h = hours(&[(0, 9.0), (10, 1.0)]);
        assert_eq!(points(&h), vec![(0, 9.0), (10, 1.0)]);
    }
}
