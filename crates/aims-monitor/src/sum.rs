//! Compensated (Neumaier) summation: long sums of shares and distances
//! keep their last digits.

/// A running sum with Neumaier's compensation.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sum {
    sum: f64,
    carry: f64,
}

impl Sum {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.carry += (self.sum - t) + x;
        } else {
            self.carry += (x - t) + self.sum;
        }
        self.sum = t;
    }

    pub fn value(&self) -> f64 {
        self.sum + self.carry
    }
}

/// The compensated sum of `xs`.
pub fn sum(xs: impl IntoIterator<Item = f64>) -> f64 {
    let mut s = Sum::new();
    for x in xs {
        s.add(x);
    }
    s.value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_naive_summation_loses() {
        // 1 + 1e-16 ten million times: naive summation stays at 1.0.
        let mut naive = 1.0f64;
        let mut s = Sum::new();
        s.add(1.0);
        for _ in 0..10_000_000 {
            naive += 1e-16;
            s.add(1e-16);
        }
        assert_eq!(naive, 1.0);
        assert!((s.value() - (1.0 + 1e-9)).abs() < 1e-15, "{}", s.value());
    }

    #[test]
    fn cancellation_is_exact() {
        assert_eq!(sum([1e100, 1.0, -1e100]), 1.0);
        assert_eq!(sum([1.0, 1e100, 1.0, -1e100]), 2.0);
        assert_eq!(sum([]), 0.0);
        assert_eq!(sum([0.1, 0.2, 0.3]), 0.6);
    }
}
