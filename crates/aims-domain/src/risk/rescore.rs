//! What a change of risk method does to the register.
//!
//! The rule: every assessment keeps its level *numbers* (likelihood 3 stays
//! likelihood 3, whatever the level is now called) and is scored again on the
//! new grid. Then, for each risk and each of inherent, current and residual:
//! - rated before and after, with a different band **key** → [`Moved`]
//!   (bands are compared by key, so renaming a band's label or colour moves
//!   nothing, and a score change inside the same band is not reported);
//! - a level beyond the new scale (the scale shrank from 5 to 4 levels and
//!   the risk had level 5) → that level is cleared ([`Assessments::fit`]),
//!   the assessment is *not assessed* and listed in
//!   [`RescoreReport::needs_reassessment`], with its score and band under
//!   the old method (if it had one). The other level is kept.
//!
//! Assessments are taken to be valid under the old method (every write is
//! checked); one that was not assessed before and still is not is left alone.

use super::method::RiskMethod;
use super::scoring::{Assessments, Rating, Which};
use serde::Serialize;

/// An assessment whose band changed with the method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moved {
    pub id: String,
    pub which: Which,
    pub from_band: String,
    pub to_band: String,
    pub from_score: u32,
    pub to_score: u32,
}

/// An assessment that lost a level with the method: not assessed any more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeedsReassessment {
    pub id: String,
    pub which: Which,
    /// Its band and score under the old method, if it was rated.
    pub from_band: Option<String>,
    pub from_score: Option<u32>,
}

/// The change report of a method change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RescoreReport {
    /// In input order, then inherent, current, residual.
    pub moved: Vec<Moved>,
    pub needs_reassessment: Vec<NeedsReassessment>,
    /// The risks whose stored assessments must change (levels cleared), with
    /// their new assessments.
    pub cleared: Vec<(String, Assessments)>,
}

impl RescoreReport {
    /// True when the change moved no band and cleared no level.
    pub fn is_quiet(&self) -> bool {
        self.moved.is_empty() && self.needs_reassessment.is_empty()
    }
}

/// Re-scores every risk `(id, assessments)` from `old` to `new` (see the
/// module documentation for the rule).
pub fn rescore<'a>(
    old: &RiskMethod,
    new: &RiskMethod,
    risks: impl IntoIterator<Item = (&'a str, &'a Assessments)>,
) -> RescoreReport {
    let mut report = RescoreReport::default();
    for (id, before) in risks {
        let after = before.fit(new);
        for which in Which::ALL {
            let was = before.get(which).rate(old);
            if after.get(which) != before.get(which) {
                report.needs_reassessment.push(NeedsReassessment {
                    id: id.to_owned(),
                    which,
                    from_band: was.band_key(old).map(str::to_owned),
                    from_score: was.score(),
                });
                continue;
            }
            let now = after.get(which).rate(new);
            if let (
                Rating::Rated {
                    score: from_score, ..
                },
                Rating::Rated {
                    score: to_score, ..
                },
                Some(from),
                Some(to),
            ) = (was, now, was.band_key(old), now.band_key(new))
            {
                if from != to {
                    report.moved.push(Moved {
                        id: id.to_owned(),
                        which,
                        from_band: from.to_owned(),
                        to_band: to.to_owned(),
                        from_score,
                        to_score,
                    });
                }
            }
        }
        if after != *before {
            report.cleared.push((id.to_owned(), after));
        }
    }
    report
}
