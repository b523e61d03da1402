//! Sign-in throttling as a rule: given how many attempts were counted against a
//! client address, an account from that address, and an account from anywhere,
//! decide whether to try the password now, after a delay, or not at all.
//!
//! The owner of an account is never locked out by someone else: failures from
//! other addresses only slow attempts on the account down (a short, capped
//! delay), while an address that keeps failing is refused — for that account,
//! and past a higher bar for every account. The decision never depends on
//! whether the account exists, so answers look the same for unknown e-mails.

/// Limits within one counting window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Attempts from one address, on any accounts, before it is refused.
    pub per_address: i64,
    /// Attempts on one account from one address before that pair is refused.
    pub per_account_and_address: i64,
    /// Attempts on one account from anywhere before each one is slowed down.
    pub per_account_before_delay: i64,
    /// The first delay, doubled with every further attempt on the account.
    pub base_delay_ms: u64,
    /// The longest delay.
    pub max_delay_ms: u64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            per_address: 30,
            per_account_and_address: 5,
            per_account_before_delay: 5,
            base_delay_ms: 250,
            max_delay_ms: 4_000,
        }
    }
}

/// Attempts counted in the current window, this one included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempts {
    pub address: i64,
    pub account_and_address: i64,
    pub account: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Check the password, after waiting this long.
    Proceed { delay_ms: u64 },
    /// Do not check the password; the client may retry when its window ends.
    Refuse,
}

impl ThrottlePolicy {
    pub fn decide(&self, a: Attempts) -> Decision {
        if a.address > self.per_address || a.account_and_address > self.per_account_and_address {
            return Decision::Refuse;
        }
        let over = a.account - self.per_account_before_delay;
        if over <= 0 {
            return Decision::Proceed { delay_ms: 0 };
        }
        // 1 → base, 2 → 2×base, 3 → 4×base …, capped (and safe from overflow).
        let doublings = u32::try_from(over - 1).unwrap_or(u32::MAX).min(20);
        let delay = self.base_delay_ms.saturating_mul(1u64 << doublings);
        Decision::Proceed {
            delay_ms: delay.min(self.max_delay_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(address: i64, pair: i64, account: i64) -> Decision {
        ThrottlePolicy::default().decide(Attempts {
            address,
            account_and_address: pair,
            account,
        })
    }

    #[test]
    fn first_attempts_go_straight_through() {
        assert_eq!(at(1, 1, 1), Decision::Proceed { delay_ms: 0 });
        assert_eq!(at(30, 5, 5), Decision::Proceed { delay_ms: 0 });
    }

    #[test]
    fn a_failing_address_is_refused() {
        assert_eq!(at(31, 1, 1), Decision::Refuse);
        assert_eq!(at(6, 6, 6), Decision::Refuse);
        assert_eq!(at(10, 6, 1), Decision::Refuse);
    }

    #[test]
    fn the_owner_elsewhere_is_slowed_not_locked_out() {
        // Someone failed 5 times from another address; the owner's first try.
        assert_eq!(at(1, 1, 6), Decision::Proceed { delay_ms: 250 });
        assert_eq!(at(1, 1, 7), Decision::Proceed { delay_ms: 500 });
        assert_eq!(at(1, 1, 8), Decision::Proceed { delay_ms: 1000 });
        assert_eq!(at(1, 1, 9), Decision::Proceed { delay_ms: 2000 });
        assert_eq!(at(1, 1, 10), Decision::Proceed { delay_ms: 4000 });
        assert_eq!(at(1, 1, 11), Decision::Proceed { delay_ms: 4000 });
        assert_eq!(at(1, 1, i64::MAX), Decision::Proceed { delay_ms: 4000 });
    }

    #[test]
    fn custom_limits_are_used() {
        let p = ThrottlePolicy {
            per_address: 2,
            per_account_and_address: 1,
            per_account_before_delay: 0,
            base_delay_ms: 10,
            max_delay_ms: 15,
        };
        let d = |a, b, c| {
            p.decide(Attempts {
                address: a,
                account_and_address: b,
                account: c,
            })
        };
        assert_eq!(d(2, 1, 0), Decision::Proceed { delay_ms: 0 });
        assert_eq!(d(2, 1, 1), Decision::Proceed { delay_ms: 10 });
        assert_eq!(d(2, 1, 2), Decision::Proceed { delay_ms: 15 });
        assert_eq!(d(3, 1, 0), Decision::Refuse);
        assert_eq!(d(1, 2, 0), Decision::Refuse);
    }
}
