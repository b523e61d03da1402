//! Scoring a risk under a method. A risk has three assessments: **inherent**
//! (no controls), **current** (the controls in place today) and **residual**
//! (after the planned treatment). Each is a likelihood level and an impact
//! level; an assessment missing either is *not assessed* — a gap to fill,
//! never the lowest band.
//!
//! Residual above inherent (by score, under the same method) is allowed only
//! with a confirmation saying why (`residual_confirmation`); equal is fine.

use super::method::RiskMethod;
use crate::record::LONG_TEXT_MAX;
use crate::validation::{optional_text, FieldErrors};
use serde::{Deserialize, Serialize};

/// Likelihood and impact levels (from 1), either possibly not given yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    #[serde(default)]
    pub likelihood: Option<u8>,
    #[serde(default)]
    pub impact: Option<u8>,
}

/// An assessment under a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Rating {
    /// A level is missing (or is not on the method's scale).
    NotAssessed,
    /// `band` indexes the method's bands.
    Rated {
        likelihood: u8,
        impact: u8,
        score: u32,
        band: usize,
    },
}

impl Assessment {
    pub const fn new(likelihood: u8, impact: u8) -> Assessment {
        Assessment {
            likelihood: Some(likelihood),
            impact: Some(impact),
        }
    }

    /// Its rating under `method`: not assessed unless both levels are given
    /// and on the method's scales.
    pub fn rate(&self, method: &RiskMethod) -> Rating {
        let (Some(likelihood), Some(impact)) = (self.likelihood, self.impact) else {
            return Rating::NotAssessed;
        };
        match method.score(likelihood, impact) {
            Some(s) => Rating::Rated {
                likelihood,
                impact,
                score: s.score,
                band: s.band,
            },
            None => Rating::NotAssessed,
        }
    }

    /// The assessment with any level that is not on `method`'s scale cleared
    /// (the other level is kept): what a method change leaves of it.
    pub fn fit(&self, method: &RiskMethod) -> Assessment {
        let keep = |level: Option<u8>, scale: usize| {
            level.filter(|l| (1..=scale).contains(&usize::from(*l)))
        };
        Assessment {
            likelihood: keep(self.likelihood, method.likelihood.len()),
            impact: keep(self.impact, method.impact.len()),
        }
    }
}

impl Rating {
    pub fn score(&self) -> Option<u32> {
        match self {
            Rating::Rated { score, .. } => Some(*score),
            Rating::NotAssessed => None,
        }
    }

    pub fn band(&self) -> Option<usize> {
        match self {
            Rating::Rated { band, .. } => Some(*band),
            Rating::NotAssessed => None,
        }
    }

    /// The key of its band under the method it was rated with.
    pub fn band_key<'m>(&self, method: &'m RiskMethod) -> Option<&'m str> {
        Some(method.bands.get(self.band()?)?.key.as_str())
    }

    pub fn is_assessed(&self) -> bool {
        matches!(self, Rating::Rated { .. })
    }
}

/// Which of a risk's three assessments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Which {
    Inherent,
    Current,
    Residual,
}

impl Which {
    pub const ALL: [Which; 3] = [Which::Inherent, Which::Current, Which::Residual];

    pub const fn key(self) -> &'static str {
        match self {
            Which::Inherent => "inherent",
            Which::Current => "current",
            Which::Residual => "residual",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Which::Inherent => "Inherent (without controls)",
            Which::Current => "Current (controls in place today)",
            Which::Residual => "Residual (after the planned treatment)",
        }
    }
}

/// A risk's three assessments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessments {
    #[serde(default)]
    pub inherent: Assessment,
    #[serde(default)]
    pub current: Assessment,
    #[serde(default)]
    pub residual: Assessment,
}

impl Assessments {
    pub fn get(&self, which: Which) -> Assessment {
        match which {
            Which::Inherent => self.inherent,
            Which::Current => self.current,
            Which::Residual => self.residual,
        }
    }

    pub fn get_mut(&mut self, which: Which) -> &mut Assessment {
        match which {
            Which::Inherent => &mut self.inherent,
            Which::Current => &mut self.current,
            Which::Residual => &mut self.residual,
        }
    }

    /// The three assessments with levels not on `method`'s scales cleared.
    pub fn fit(&self, method: &RiskMethod) -> Assessments {
        Assessments {
            inherent: self.inherent.fit(method),
            current: self.current.fit(method),
            residual: self.residual.fit(method),
        }
    }
}

/// Refuses a residual score above the inherent score without a reason in
/// `residual_confirmation`. Either not assessed: nothing to compare, fine.
pub fn check_residual(
    inherent: &Rating,
    residual: &Rating,
    confirmation: Option<&str>,
) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    if let (Some(before), Some(after)) = (inherent.score(), residual.score()) {
        let reason = optional_text(
            &mut e,
            "residual_confirmation",
            confirmation.unwrap_or_default(),
            LONG_TEXT_MAX,
        );
        if after > before && reason.is_empty() {
            e.add(
                "residual_confirmation",
                format!("is required: the residual score ({after}) is above the inherent score ({before}); say why"),
            );
        }
    }
    e.into_result()
}

/// Checks a risk's assessments under `method`: every level given is on its
/// scale (`inherent.likelihood`: "must be a level from 1 to 5"), and the
/// residual rule of [`check_residual`].
pub fn check_assessments(
    method: &RiskMethod,
    assessments: &Assessments,
    residual_confirmation: Option<&str>,
) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    for which in Which::ALL {
        let a = assessments.get(which);
        for (part, level, scale) in [
            ("likelihood", a.likelihood, method.likelihood.len()),
            ("impact", a.impact, method.impact.len()),
        ] {
            if level.is_some_and(|l| !(1..=scale).contains(&usize::from(l))) {
                e.add(
                    &format!("{}.{part}", which.key()),
                    format!("must be a level from 1 to {scale}"),
                );
            }
        }
    }
    if let Err(more) = check_residual(
        &assessments.inherent.rate(method),
        &assessments.residual.rate(method),
        residual_confirmation,
    ) {
        for (field, messages) in more.iter() {
            for m in messages {
                e.add(field, m.clone());
            }
        }
    }
    e.into_result()
}
