//! The risk method: how a workspace turns likelihood and impact into a score
//! and a band, and who may accept which band. Stored as JSON, one version per
//! change; the heat map, the score and the band always come from one version.
//!
//! Rules ([`RiskMethod::validate`] checks each, naming the field at fault):
//! - each scale has 3 to 6 levels; level `n` is `scale[n - 1]`; names are
//!   required, unique in their scale (ignoring case) and not a bare number
//!   (imports read "3" as level 3);
//! - `grid[l - 1][i - 1]` is the score of likelihood `l` and impact `i`: one
//!   row per likelihood level, one column per impact level, every score from
//!   1 to [`MAX_SCORE`]. The grid need not grow along rows or columns: the
//!   user decides;
//! - bands (1 to [`MAX_BANDS`]) are listed by strictly ascending
//!   `min_score`; a band runs from its `min_score` to just below the next
//!   one's. The first band starts at or below the grid's lowest score (every
//!   cell has a band) and every band starts at or below its highest score (no
//!   band that no cell can reach). Keys are unique [`is_key`]s, colours
//!   `#rrggbb`;
//! - acceptance rules name existing bands, at most one rule each; a band
//!   without a rule may not be accepted; `by` is the least role that may
//!   accept (a manager may accept what a contributor may), never an auditor.

use super::catalogue::is_key;
use crate::access::Role;
use crate::validation::{optional_text, required_text, FieldErrors};
use serde::{Deserialize, Serialize};

/// Fewest levels on a scale.
pub const MIN_LEVELS: usize = 3;
/// Most levels on a scale.
pub const MAX_LEVELS: usize = 6;
/// Highest score a grid cell may hold.
pub const MAX_SCORE: u32 = 1000;
/// Most bands a method may have.
pub const MAX_BANDS: usize = 8;
/// Longest level or band name.
pub const NAME_MAX: usize = 60;
/// Longest level description.
pub const DESCRIPTION_MAX: usize = 400;

/// One level of a scale; its number is its position, from 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// A score band: from `min_score` up to the next band's `min_score` (exclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Stable key (`low`): acceptances and re-scoring compare bands by key.
    pub key: String,
    pub name: String,
    /// `#rrggbb`, used by the heat map and the legend.
    pub colour: String,
    pub min_score: u32,
}

/// Whether risks of a band may be accepted, and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptanceRule {
    /// A band key.
    pub band: String,
    pub may_accept: bool,
    /// The least role that may accept (ignored when `may_accept` is false).
    pub by: Role,
}

/// A workspace's risk method (one version of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskMethod {
    pub likelihood: Vec<Level>,
    pub impact: Vec<Level>,
    /// `grid[l - 1][i - 1]`: the score of likelihood `l` and impact `i`.
    pub grid: Vec<Vec<u32>>,
    /// Ascending by `min_score`.
    pub bands: Vec<Band>,
    #[serde(default)]
    pub acceptance: Vec<AcceptanceRule>,
}

/// A cell's score and the index of its band in [`RiskMethod::bands`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Scored {
    pub score: u32,
    pub band: usize,
}

fn level(name: &str, description: &str) -> Level {
    Level {
        name: name.to_owned(),
        description: description.to_owned(),
    }
}

fn band(key: &str, name: &str, colour: &str, min_score: u32) -> Band {
    Band {
        key: key.to_owned(),
        name: name.to_owned(),
        colour: colour.to_owned(),
        min_score,
    }
}

fn rule(band: &str, may_accept: bool) -> AcceptanceRule {
    AcceptanceRule {
        band: band.to_owned(),
        may_accept,
        by: Role::Manager,
    }
}

impl RiskMethod {
    /// The method a workspace starts with: five likelihood and five impact
    /// levels, score = likelihood × impact, bands low (1–4), medium (5–9),
    /// high (10–16) and critical (17–25). A manager may accept low, medium
    /// and high risks; critical risks may not be accepted, only treated.
    pub fn default_5x5() -> RiskMethod {
        RiskMethod {
            likelihood: vec![
                level(
                    "Rare",
                    "Not expected during the system's life; only in unusual circumstances.",
                ),
                level("Unlikely", "Could happen, but we would be surprised."),
                level("Possible", "Might well happen at some point."),
                level("Likely", "Expected to happen, probably more than once."),
                level("Almost certain", "Happens regularly or is happening now."),
            ],
            impact: vec![
                level("Negligible", "Barely noticed; no lasting effect on anyone."),
                level("Minor", "A nuisance, put right quickly and cheaply."),
                level(
                    "Moderate",
                    "Real harm or cost that takes effort to put right.",
                ),
                level(
                    "Major",
                    "Serious harm to people, rights, money or reputation.",
                ),
                level(
                    "Severe",
                    "Lasting or irreversible harm; the organisation's standing at stake.",
                ),
            ],
            grid: RiskMethod::filled(5, 5),
            bands: vec![
                band("low", "Low", "#2e7d32", 1),
                band("medium", "Medium", "#f9a825", 5),
                band("high", "High", "#ef6c00", 10),
                band("critical", "Critical", "#c62828", 17),
            ],
            acceptance: vec![
                rule("low", true),
                rule("medium", true),
                rule("high", true),
                rule("critical", false),
            ],
        }
    }

    /// The default filler for a grid of any size: score = likelihood × impact.
    pub fn filled(likelihood_levels: usize, impact_levels: usize) -> Vec<Vec<u32>> {
        (1..=likelihood_levels as u32)
            .map(|l| (1..=impact_levels as u32).map(|i| l * i).collect())
            .collect()
    }

    /// The score of likelihood `l` and impact `i` (levels from 1) with its
    /// band; `None` when a level is not on its scale.
    pub fn score(&self, l: u8, i: u8) -> Option<Scored> {
        if usize::from(l) > self.likelihood.len() || usize::from(i) > self.impact.len() {
            return None;
        }
        let row = self.grid.get(usize::from(l).checked_sub(1)?)?;
        let score = *row.get(usize::from(i).checked_sub(1)?)?;
        Some(Scored {
            score,
            band: self.band_of(score)?,
        })
    }

    /// The index of the band a score falls in: the last band whose
    /// `min_score` is at most `score`; `None` below the first band.
    pub fn band_of(&self, score: u32) -> Option<usize> {
        self.bands.iter().rposition(|b| b.min_score <= score)
    }

    /// The band with this key.
    pub fn band(&self, key: &str) -> Option<&Band> {
        self.bands.iter().find(|b| b.key == key)
    }

    /// The acceptance rule of a band, if the method has one.
    pub fn acceptance_rule(&self, band: &str) -> Option<&AcceptanceRule> {
        self.acceptance.iter().find(|r| r.band == band)
    }

    /// A likelihood level from text as people type it: its number or its
    /// name (ignoring case and surrounding spaces).
    pub fn likelihood_level(&self, text: &str) -> Option<u8> {
        level_of(&self.likelihood, text)
    }

    /// An impact level from its number or name, as [`Self::likelihood_level`].
    pub fn impact_level(&self, text: &str) -> Option<u8> {
        level_of(&self.impact, text)
    }

    /// The method from JSON (API body, stored version), checked whole.
    pub fn from_json(value: &serde_json::Value) -> Result<RiskMethod, FieldErrors> {
        let method: RiskMethod = serde_json::from_value(value.clone())
            .map_err(|e| FieldErrors::single("method", e.to_string()))?;
        method.validate()?;
        Ok(method)
    }

    /// Checks every rule of the module documentation; each problem is
    /// reported under its path (`likelihood`, `grid[2][1]`, `bands[0].colour`).
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        check_scale(&mut e, "likelihood", &self.likelihood);
        check_scale(&mut e, "impact", &self.impact);
        self.check_grid(&mut e);
        self.check_bands(&mut e);
        self.check_acceptance(&mut e);
        e.into_result()
    }

    fn check_grid(&self, e: &mut FieldErrors) {
        if self.grid.len() != self.likelihood.len() {
            e.add(
                "grid",
                format!(
                    "must have one row per likelihood level ({})",
                    self.likelihood.len()
                ),
            );
        }
        for (r, row) in self.grid.iter().enumerate() {
            if row.len() != self.impact.len() {
                e.add(
                    &format!("grid[{r}]"),
                    format!(
                        "must have one score per impact level ({})",
                        self.impact.len()
                    ),
                );
            }
            for (c, score) in row.iter().enumerate() {
                if !(1..=MAX_SCORE).contains(score) {
                    e.add(
                        &format!("grid[{r}][{c}]"),
                        format!("must be a score from 1 to {MAX_SCORE}"),
                    );
                }
            }
        }
    }

    fn check_bands(&self, e: &mut FieldErrors) {
        if self.bands.is_empty() || self.bands.len() > MAX_BANDS {
            e.add("bands", format!("must have 1 to {MAX_BANDS} bands"));
        }
        // Cells out of range are reported on their own; bands are judged on the rest.
        let cells = self
            .grid
            .iter()
            .flatten()
            .filter(|s| (1..=MAX_SCORE).contains(*s));
        let lowest = cells.clone().min().copied();
        let highest = cells.max().copied();
        for (n, b) in self.bands.iter().enumerate() {
            let path = |field: &str| format!("bands[{n}].{field}");
            if !is_key(&b.key) {
                e.add(&path("key"), "must be lowercase letters, digits, '_' and '-', starting with a letter (at most 64)");
            } else if self.bands[..n].iter().any(|o| o.key == b.key) {
                e.add(&path("key"), "is used by another band");
            } else if b.key == super::fields::NOT_ASSESSED {
                e.add(&path("key"), "is reserved for risks that are not assessed");
            }
            required_text(e, &path("name"), &b.name, NAME_MAX);
            if !is_colour(&b.colour) {
                e.add(&path("colour"), "must be a colour written #rrggbb");
            }
            let min = path("min_score");
            match n.checked_sub(1).map(|p| self.bands[p].min_score) {
                Some(prev) if b.min_score <= prev => e.add(
                    &min,
                    format!("must be greater than the band before ({prev})"),
                ),
                None if lowest.is_some_and(|low| b.min_score > low) => e.add(
                    &min,
                    format!(
                        "must be at most {}, the lowest score in the grid, so every cell has a band",
                        lowest.unwrap_or_default()
                    ),
                ),
                _ => {}
            }
            if let Some(high) = highest.filter(|high| b.min_score > *high) {
                e.add(
                    &min,
                    format!("must be at most {high}, the highest score in the grid: no cell would fall in this band"),
                );
            }
        }
    }

    fn check_acceptance(&self, e: &mut FieldErrors) {
        for (n, r) in self.acceptance.iter().enumerate() {
            if self.band(&r.band).is_none() {
                e.add(
                    &format!("acceptance[{n}].band"),
                    "must be the key of a band",
                );
            } else if self.acceptance[..n].iter().any(|o| o.band == r.band) {
                e.add(
                    &format!("acceptance[{n}].band"),
                    "has a rule already: one rule per band",
                );
            }
            if r.by == Role::Auditor {
                e.add(
                    &format!("acceptance[{n}].by"),
                    "must be manager or contributor: an auditor changes nothing",
                );
            }
        }
    }
}

fn check_scale(e: &mut FieldErrors, name: &str, scale: &[Level]) {
    if !(MIN_LEVELS..=MAX_LEVELS).contains(&scale.len()) {
        e.add(
            name,
            format!("must have {MIN_LEVELS} to {MAX_LEVELS} levels"),
        );
    }
    for (n, l) in scale.iter().enumerate() {
        let field = format!("{name}[{n}].name");
        let trimmed = required_text(e, &field, &l.name, NAME_MAX);
        if trimmed.is_empty() {
            // Already reported as required.
        } else if trimmed.bytes().all(|b| b.is_ascii_digit()) {
            e.add(
                &field,
                "must be a word, not a number: numbers stand for levels",
            );
        } else if scale[..n]
            .iter()
            .any(|o| o.name.trim().to_lowercase() == trimmed.to_lowercase())
        {
            e.add(&field, "is the name of another level of this scale");
        }
        optional_text(
            e,
            &format!("{name}[{n}].description"),
            &l.description,
            DESCRIPTION_MAX,
        );
    }
}

/// True for `#rrggbb` (hex digits in either case).
fn is_colour(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7 && b[0] == b'#' && b[1..].iter().all(u8::is_ascii_hexdigit)
}

fn level_of(scale: &[Level], text: &str) -> Option<u8> {
    let t = text.trim();
    let n = match t.parse::<usize>() {
        Ok(n) => n,
        Err(_) => {
            let wanted = t.to_lowercase();
            1 + scale
                .iter()
                .position(|l| l.name.trim().to_lowercase() == wanted)?
        }
    };
    (1..=scale.len()).contains(&n).then_some(n as u8)
}
