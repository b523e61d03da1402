//! A risk record's fields under the workspace's risk method: the
//! [`Derived::RiskScores`](crate::record::Derived) rule of the `risks` kind.
//!
//! [`derive`] runs on every write of a risk (form, API, import): each level
//! given by name becomes its number on the method's scale (a number or name
//! not on the scale is refused under the field's name), residual above
//! inherent needs `residual_confirmation` ([`check_residual`]), and the
//! computed fields are set — `{which}_score` (absent when not assessed) and
//! `{which}_band` (a band key, or [`NOT_ASSESSED`]). So a list can filter on
//! bands, and an unscored risk is filterable as a gap, never the lowest band.
//!
//! [`rescore_fields`] is the same computation after a method change, without
//! refusing anything: levels beyond the new scales are cleared.

use super::method::RiskMethod;
use super::scoring::{check_residual, Assessment, Assessments, Rating, Which};
use crate::record::Fields;
use crate::validation::FieldErrors;
use serde_json::{json, Value};

/// The band value of an assessment that is not assessed (a method may not
/// use it as a band key).
pub const NOT_ASSESSED: &str = "not_assessed";

/// The names of an assessment's fields: likelihood, impact, score, band.
pub fn field_names(which: Which) -> [&'static str; 4] {
    match which {
        Which::Inherent => [
            "inherent_likelihood",
            "inherent_impact",
            "inherent_score",
            "inherent_band",
        ],
        Which::Current => [
            "current_likelihood",
            "current_impact",
            "current_score",
            "current_band",
        ],
        Which::Residual => [
            "residual_likelihood",
            "residual_impact",
            "residual_score",
            "residual_band",
        ],
    }
}

fn level_of(fields: &Fields, name: &str) -> Option<u8> {
    fields
        .get(name)
        .and_then(Value::as_u64)
        .and_then(|l| u8::try_from(l).ok())
}

/// The three assessments stored in a risk's fields (levels as numbers).
pub fn assessments_of(fields: &Fields) -> Assessments {
    let mut out = Assessments::default();
    for which in Which::ALL {
        let [l, i, _, _] = field_names(which);
        *out.get_mut(which) = Assessment {
            likelihood: level_of(fields, l),
            impact: level_of(fields, i),
        };
    }
    out
}

fn scale_names(scale: &[super::method::Level]) -> String {
    scale
        .iter()
        .enumerate()
        .map(|(n, l)| format!("{} {}", n + 1, l.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Resolves the level fields on `method`'s scales, checks the residual rule
/// and sets the computed scores and bands (see the module documentation).
pub fn derive(method: &RiskMethod, fields: &mut Fields) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    for which in Which::ALL {
        let [l, i, _, _] = field_names(which);
        for (name, scale, lookup) in [
            (
                l,
                &method.likelihood,
                RiskMethod::likelihood_level as fn(&RiskMethod, &str) -> Option<u8>,
            ),
            (i, &method.impact, RiskMethod::impact_level),
        ] {
            let resolved = match fields.get(name) {
                None => continue,
                Some(Value::Number(n)) => n
                    .as_u64()
                    .filter(|n| (1..=scale.len() as u64).contains(n))
                    .map(|n| n as u8),
                Some(Value::String(s)) => lookup(method, s),
                Some(_) => None,
            };
            match resolved {
                Some(level) => {
                    fields.insert(name.to_owned(), json!(level));
                }
                None => e.add(
                    name,
                    format!("must be a level of the risk method: {}", scale_names(scale)),
                ),
            }
        }
    }
    e.into_result()?;
    let a = assessments_of(fields);
    check_residual(
        &a.inherent.rate(method),
        &a.residual.rate(method),
        fields.get("residual_confirmation").and_then(Value::as_str),
    )?;
    set_scores(method, &a, fields);
    Ok(())
}

fn set_scores(method: &RiskMethod, a: &Assessments, fields: &mut Fields) {
    for which in Which::ALL {
        let [_, _, score, band] = field_names(which);
        match a.get(which).rate(method) {
            Rating::Rated {
                score: s, band: b, ..
            } => {
                fields.insert(score.to_owned(), json!(s));
                fields.insert(band.to_owned(), json!(method.bands[b].key));
            }
            Rating::NotAssessed => {
                fields.remove(score);
                fields.insert(band.to_owned(), json!(NOT_ASSESSED));
            }
        }
    }
}

/// A risk's fields re-scored under a new method: levels beyond its scales
/// cleared, scores and bands computed again. Refuses nothing.
pub fn rescore_fields(method: &RiskMethod, fields: &Fields) -> Fields {
    let mut out = fields.clone();
    let a = assessments_of(fields).fit(method);
    for which in Which::ALL {
        let [l, i, _, _] = field_names(which);
        let x = a.get(which);
        for (name, level) in [(l, x.likelihood), (i, x.impact)] {
            match level {
                Some(level) => out.insert(name.to_owned(), json!(level)),
                None => out.remove(name),
            };
        }
    }
    set_scores(method, &a, &mut out);
    out
}

/// How many risks sit in each cell of `method`'s grid, for one assessment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CellCounts {
    /// `counts[l - 1][i - 1]`: risks rated likelihood `l`, impact `i`.
    pub counts: Vec<Vec<u32>>,
    /// Risks this assessment is not assessed for.
    pub not_assessed: u32,
}

/// The heat map of risks (their fields) under `method`: inherent, current
/// and residual counts, each cell rated by the same method that scores them.
pub fn heat_counts<'a>(
    method: &RiskMethod,
    risks: impl IntoIterator<Item = &'a Fields>,
) -> [CellCounts; 3] {
    heat_counts_grouped(
        method,
        risks.into_iter().flat_map(|fields| {
            let a = assessments_of(fields);
            Which::ALL.map(|which| (which, a.get(which), 1))
        }),
    )
}

/// [`heat_counts`] from assessments already grouped and counted (as a
/// database groups them): `(which, assessment, how many risks)`. A level
/// off the method's scales, or a missing one, counts as not assessed.
pub fn heat_counts_grouped(
    method: &RiskMethod,
    groups: impl IntoIterator<Item = (Which, Assessment, u32)>,
) -> [CellCounts; 3] {
    let empty = CellCounts {
        counts: vec![vec![0; method.impact.len()]; method.likelihood.len()],
        not_assessed: 0,
    };
    let mut out = [empty.clone(), empty.clone(), empty];
    for (which, a, n) in groups {
        let at = Which::ALL.iter().position(|w| *w == which).unwrap_or(0);
        match a.rate(method) {
            Rating::Rated {
                likelihood, impact, ..
            } => out[at].counts[usize::from(likelihood) - 1][usize::from(impact) - 1] += n,
            Rating::NotAssessed => out[at].not_assessed += n,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::method::{Band, Level};
    use serde_json::Map;

    fn fields(v: Value) -> Fields {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    /// 4 likelihood × 3 impact levels, a grid with one cell that is not a
    /// product, bands low (1–3), high (4–).
    fn custom() -> RiskMethod {
        let level = |n: &str| Level {
            name: n.into(),
            description: String::new(),
        };
        RiskMethod {
            likelihood: vec![
                level("Rare"),
                level("Seldom"),
                level("Often"),
                level("Always"),
            ],
            impact: vec![level("Small"), level("Medium"), level("Large")],
            grid: vec![vec![1, 2, 3], vec![2, 4, 6], vec![3, 6, 9], vec![4, 8, 2]],
            bands: vec![
                Band {
                    key: "low".into(),
                    name: "Low".into(),
                    colour: "#00aa00".into(),
                    min_score: 1,
                },
                Band {
                    key: "high".into(),
                    name: "High".into(),
                    colour: "#aa0000".into(),
                    min_score: 4,
                },
            ],
            acceptance: vec![],
        }
    }

    #[test]
    fn names_become_numbers_and_scores_come_from_the_grid() {
        let m = custom();
        let mut f = fields(json!({"title": "x", "inherent_likelihood": "always",
            "inherent_impact": " Large ", "residual_likelihood": 1, "residual_impact": "Small"}));
        derive(&m, &mut f).unwrap();
        assert_eq!(f["inherent_likelihood"], json!(4));
        assert_eq!(f["inherent_impact"], json!(3));
        // The grid's cell, not 4 × 3.
        assert_eq!(f["inherent_score"], json!(2));
        assert_eq!(f["inherent_band"], json!("low"));
        assert_eq!(f["residual_score"], json!(1));
        assert_eq!(f["residual_band"], json!("low"));
        assert_eq!(f["current_band"], json!(NOT_ASSESSED));
        assert!(!f.contains_key("current_score"));
        let mut g = fields(json!({"title": "x", "inherent_likelihood": 3, "inherent_impact": 2}));
        derive(&m, &mut g).unwrap();
        assert_eq!(
            (g["inherent_score"].clone(), g["inherent_band"].clone()),
            (json!(6), json!("high"))
        );
    }

    #[test]
    fn a_half_scored_risk_is_not_assessed_and_has_no_score() {
        let mut f = fields(json!({"title": "x", "inherent_likelihood": 5, "inherent_score": 3}));
        derive(&RiskMethod::default_5x5(), &mut f).unwrap();
        assert_eq!(f["inherent_band"], json!(NOT_ASSESSED));
        assert!(!f.contains_key("inherent_score"));
        assert_eq!(f["inherent_likelihood"], json!(5));
    }

    #[test]
    fn levels_off_the_scale_are_refused_naming_the_scale() {
        let m = custom();
        let mut f = fields(
            json!({"title": "x", "inherent_likelihood": 5, "inherent_impact": "Huge",
            "current_likelihood": 0, "residual_impact": true}),
        );
        let e = derive(&m, &mut f).unwrap_err();
        assert_eq!(
            e.get("inherent_likelihood"),
            ["must be a level of the risk method: 1 Rare, 2 Seldom, 3 Often, 4 Always"]
        );
        assert_eq!(
            e.get("inherent_impact"),
            ["must be a level of the risk method: 1 Small, 2 Medium, 3 Large"]
        );
        assert_eq!(e.get("current_likelihood").len(), 1);
        assert_eq!(e.get("residual_impact").len(), 1);
        // The highest level of each scale is fine.
        let mut g = fields(json!({"title": "x", "inherent_likelihood": 4, "inherent_impact": 3}));
        assert!(derive(&m, &mut g).is_ok());
    }

    #[test]
    fn residual_above_inherent_needs_a_confirmation() {
        let m = RiskMethod::default_5x5();
        let mut f = fields(
            json!({"title": "x", "inherent_likelihood": 2, "inherent_impact": 2,
            "residual_likelihood": 3, "residual_impact": 2}),
        );
        let e = derive(&m, &mut f).unwrap_err();
        assert_eq!(e.get("residual_confirmation").len(), 1);
        f.insert(
            "residual_confirmation".into(),
            json!("The vendor dropped a control."),
        );
        derive(&m, &mut f).unwrap();
        assert_eq!(f["residual_score"], json!(6));
    }

    #[test]
    fn rescoring_clears_levels_beyond_the_new_scales() {
        let mut f = fields(
            json!({"title": "x", "inherent_likelihood": 5, "inherent_impact": 3,
            "residual_likelihood": 2, "residual_impact": 2}),
        );
        derive(&RiskMethod::default_5x5(), &mut f).unwrap();
        assert_eq!(f["inherent_band"], json!("high"));
        let g = rescore_fields(&custom(), &f);
        assert!(!g.contains_key("inherent_likelihood"));
        assert_eq!(g["inherent_impact"], json!(3));
        assert_eq!(g["inherent_band"], json!(NOT_ASSESSED));
        assert!(!g.contains_key("inherent_score"));
        assert_eq!(g["residual_score"], json!(4));
        assert_eq!(g["residual_band"], json!("high"));
        // Under the same method nothing changes.
        assert_eq!(rescore_fields(&RiskMethod::default_5x5(), &f), f);
    }

    #[test]
    fn assessments_are_read_from_the_level_fields() {
        let f = fields(
            json!({"inherent_likelihood": 2, "inherent_impact": 3, "current_impact": 1,
            "residual_likelihood": 300}),
        );
        let a = assessments_of(&f);
        assert_eq!(a.inherent, Assessment::new(2, 3));
        assert_eq!(
            a.current,
            Assessment {
                likelihood: None,
                impact: Some(1)
            }
        );
        assert_eq!(a.residual, Assessment::default());
    }

    #[test]
    fn heat_counts_place_each_assessment_in_its_cell() {
        let m = custom();
        let risks = [
            fields(
                json!({"inherent_likelihood": 4, "inherent_impact": 3, "residual_likelihood": 1, "residual_impact": 1}),
            ),
            fields(
                json!({"inherent_likelihood": 4, "inherent_impact": 3, "current_likelihood": 2}),
            ),
            // Off the scale (a level kept from an older method): not assessed.
            fields(json!({"inherent_likelihood": 5, "inherent_impact": 1})),
        ];
        let [inherent, current, residual] = heat_counts(&m, &risks);
        assert_eq!(inherent.counts.len(), 4);
        assert_eq!(inherent.counts[0].len(), 3);
        assert_eq!(inherent.counts[3][2], 2);
        assert_eq!(inherent.counts.iter().flatten().sum::<u32>(), 2);
        assert_eq!(inherent.not_assessed, 1);
        assert_eq!(current.not_assessed, 3);
        assert_eq!(residual.counts[0][0], 1);
        assert_eq!(residual.not_assessed, 2);
    }

    #[test]
    fn grouped_counts_add_up_per_assessment() {
        let m = custom();
        let a = |l: Option<u8>, i: Option<u8>| Assessment {
            likelihood: l,
            impact: i,
        };
        let [inherent, current, residual] = heat_counts_grouped(
            &m,
            [
                (Which::Inherent, a(Some(4), Some(3)), 7),
                (Which::Inherent, a(Some(4), Some(3)), 2),
                (Which::Inherent, a(Some(1), Some(2)), 1),
                (Which::Current, a(None, Some(2)), 5),
                (Which::Residual, a(Some(9), Some(1)), 4),
                (Which::Residual, a(Some(2), Some(1)), 3),
            ],
        );
        assert_eq!(inherent.counts[3][2], 9);
        assert_eq!(inherent.counts[0][1], 1);
        assert_eq!(inherent.not_assessed, 0);
        assert_eq!(current.counts.iter().flatten().sum::<u32>(), 0);
        assert_eq!(current.not_assessed, 5);
        assert_eq!(residual.not_assessed, 4);
        assert_eq!(residual.counts[1][0], 3);
    }
}
