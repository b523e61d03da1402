//! The risk method as a grid people edit: level names and descriptions for
//! each scale (blank rows drop a level, up to six), the score of every
//! likelihood × impact cell, and the bands with their colours, thresholds
//! and who may accept them. The form is read into a [`RiskMethod`] draft,
//! which the application validates as it does JSON from the API.

use aims_domain::risk::{AcceptanceRule, Band, Level, RiskMethod};
use aims_domain::{FieldErrors, Role};

/// Most levels on a scale (the domain refuses more).
pub const MAX_LEVELS: usize = 6;
/// Band rows the form offers.
pub const BAND_ROWS: usize = 8;

/// One level row of a scale.
pub struct LevelRow {
    pub n: usize,
    pub name: String,
    pub description: String,
}

/// One band row.
pub struct BandRow {
    pub n: usize,
    pub key: String,
    pub name: String,
    pub colour: String,
    pub min_score: String,
    /// `no`, `contributor` or `manager`.
    pub accept: &'static str,
}

/// The level rows of one scale.
pub struct ScaleRows {
    pub label: &'static str,
    /// The form field prefix: `l` or `i`.
    pub prefix: &'static str,
    pub rows: Vec<LevelRow>,
}

/// The grid form for a method (or a draft of one).
pub struct MethodForm {
    /// Likelihood, then impact.
    pub scales: [ScaleRows; 2],
    /// One row per likelihood level, highest first: (label, cells of (name, score)).
    pub grid: Vec<(String, Vec<(String, u32)>)>,
    /// The impact level names along the bottom.
    pub impact_names: Vec<String>,
    pub bands: Vec<BandRow>,
}

fn level_rows(levels: &[Level]) -> Vec<LevelRow> {
    (1..=MAX_LEVELS)
        .map(|n| {
            let l = levels.get(n - 1);
            LevelRow {
                n,
                name: l.map(|l| l.name.clone()).unwrap_or_default(),
                description: l.map(|l| l.description.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

/// The form showing `m`.
pub fn form_of(m: &RiskMethod) -> MethodForm {
    let grid = (1..=m.likelihood.len())
        .rev()
        .map(|l| {
            let label = format!("{l} {}", m.likelihood[l - 1].name);
            let cells = (1..=m.impact.len())
                .map(|i| {
                    let score = m
                        .grid
                        .get(l - 1)
                        .and_then(|r| r.get(i - 1))
                        .copied()
                        .unwrap_or(0);
                    (format!("cell_{l}_{i}"), score)
                })
                .collect();
            (label, cells)
        })
        .collect();
    let bands = (1..=BAND_ROWS)
        .map(|n| match m.bands.get(n - 1) {
            Some(b) => {
                let rule = m.acceptance_rule(&b.key).filter(|r| r.may_accept);
                BandRow {
                    n,
                    key: b.key.clone(),
                    name: b.name.clone(),
                    colour: b.colour.clone(),
                    min_score: b.min_score.to_string(),
                    accept: match rule.map(|r| r.by) {
                        None => "no",
                        Some(Role::Manager) => "manager",
                        Some(_) => "contributor",
                    },
                }
            }
            None => BandRow {
                n,
                key: String::new(),
                name: String::new(),
                colour: "#888888".into(),
                min_score: String::new(),
                accept: "no",
            },
        })
        .collect();
    MethodForm {
        scales: [
            ScaleRows {
                label: "Likelihood",
                prefix: "l",
                rows: level_rows(&m.likelihood),
            },
            ScaleRows {
                label: "Impact",
                prefix: "i",
                rows: level_rows(&m.impact),
            },
        ],
        grid,
        impact_names: m
            .impact
            .iter()
            .enumerate()
            .map(|(i, l)| format!("{} {}", i + 1, l.name))
            .collect(),
        bands,
    }
}

/// The levels named in the form, with the row each came from.
fn levels_of(get: &dyn Fn(&str) -> String, prefix: &str) -> Vec<(usize, Level)> {
    (1..=MAX_LEVELS)
        .filter_map(|n| {
            let name = get(&format!("{prefix}_name_{n}")).trim().to_owned();
            (!name.is_empty()).then(|| {
                let description = get(&format!("{prefix}_desc_{n}")).trim().to_owned();
                (n, Level { name, description })
            })
        })
        .collect()
}

/// Reads the grid form into a method draft, and the form's own mistakes
/// (a cell or threshold that is not a whole number). A blank cell scores
/// likelihood × impact. The draft is whole even with mistakes, so the form
/// can be shown again as it was sent; the application checks the rest.
pub fn method_from_form(pairs: &[(String, String)]) -> (RiskMethod, FieldErrors) {
    let get = |name: &str| super::form_value(pairs, name).to_owned();
    let mut e = FieldErrors::new();
    let likelihood = levels_of(&get, "l");
    let impact = levels_of(&get, "i");
    let grid = likelihood
        .iter()
        .enumerate()
        .map(|(ln, (lrow, _))| {
            impact
                .iter()
                .enumerate()
                .map(|(inn, (irow, _))| {
                    let raw = get(&format!("cell_{lrow}_{irow}"));
                    let default = ((ln + 1) * (inn + 1)) as u32;
                    match raw.trim() {
                        "" => default,
                        t => t.parse::<u32>().unwrap_or_else(|_| {
                            e.add(
                                "grid",
                                format!(
                                    "the cell of likelihood {} and impact {} must be a whole number",
                                    ln + 1,
                                    inn + 1
                                ),
                            );
                            default
                        }),
                    }
                })
                .collect()
        })
        .collect();
    let mut bands = vec![];
    let mut acceptance = vec![];
    for n in 1..=BAND_ROWS {
        let key = get(&format!("band_key_{n}")).trim().to_owned();
        if key.is_empty() {
            continue;
        }
        let min = get(&format!("band_min_{n}"));
        let min_score = min.trim().parse::<u32>().unwrap_or_else(|_| {
            e.add(
                &format!("bands[{}].min_score", bands.len()),
                "must be a whole number",
            );
            0
        });
        let by = match get(&format!("band_accept_{n}")).as_str() {
            "contributor" => Some(Role::Contributor),
            "manager" => Some(Role::Manager),
            _ => None,
        };
        acceptance.push(AcceptanceRule {
            band: key.clone(),
            may_accept: by.is_some(),
            by: by.unwrap_or(Role::Manager),
        });
        bands.push(Band {
            name: get(&format!("band_name_{n}")).trim().to_owned(),
            colour: get(&format!("band_colour_{n}")).trim().to_owned(),
            key,
            min_score,
        });
    }
    let method = RiskMethod {
        likelihood: likelihood.into_iter().map(|(_, l)| l).collect(),
        impact: impact.into_iter().map(|(_, l)| l).collect(),
        grid,
        bands,
        acceptance,
    };
    (method, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs_of(form: &MethodForm) -> Vec<(String, String)> {
        let mut p = vec![];
        for scale in &form.scales {
            let prefix = scale.prefix;
            for r in &scale.rows {
                p.push((format!("{prefix}_name_{}", r.n), r.name.clone()));
                p.push((format!("{prefix}_desc_{}", r.n), r.description.clone()));
            }
        }
        for (_, cells) in &form.grid {
            for (name, score) in cells {
                p.push((name.clone(), score.to_string()));
            }
        }
        for b in &form.bands {
            p.push((format!("band_key_{}", b.n), b.key.clone()));
            p.push((format!("band_name_{}", b.n), b.name.clone()));
            p.push((format!("band_colour_{}", b.n), b.colour.clone()));
            p.push((format!("band_min_{}", b.n), b.min_score.clone()));
            p.push((format!("band_accept_{}", b.n), b.accept.to_owned()));
        }
        p
    }

    fn set(p: &mut [(String, String)], name: &str, value: &str) {
        p.iter_mut().find(|(k, _)| k == name).unwrap().1 = value.into();
    }

    #[test]
    fn the_default_method_goes_round_the_form_unchanged() {
        let m = RiskMethod::default_5x5();
        let form = form_of(&m);
        assert_eq!(form.grid.len(), 5);
        assert!(form.grid[0].0.starts_with("5 "), "highest likelihood first");
        let (back, e) = method_from_form(&pairs_of(&form));
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(back, m);
    }

    #[test]
    fn a_scale_shrinks_and_grows_and_cells_are_edited() {
        let m = RiskMethod::default_5x5();
        let mut p = pairs_of(&form_of(&m));
        // Drop impact level 5, add likelihood level 6; cell (4, 3) scores 2.
        set(&mut p, "i_name_5", "");
        set(&mut p, "l_name_6", "Certain");
        set(&mut p, "cell_4_3", "2");
        let (d, e) = method_from_form(&p);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!((d.likelihood.len(), d.impact.len()), (6, 4));
        assert_eq!(d.grid.len(), 6);
        assert!(d.grid.iter().all(|r| r.len() == 4));
        assert_eq!(d.grid[3][2], 2);
        assert_eq!(
            d.grid[5],
            [6, 12, 18, 24],
            "a new level's cells default to l × i"
        );
        // A blank row in the middle drops that level; its cells go with it.
        set(&mut p, "l_name_2", "");
        let (d, _) = method_from_form(&p);
        assert_eq!(d.likelihood.len(), 5);
        assert_eq!(d.likelihood[1].name, m.likelihood[2].name);
        assert_eq!(d.grid[1], m.grid[2][..4].to_vec());
    }

    #[test]
    fn bands_and_acceptance_come_from_their_rows() {
        let mut p = pairs_of(&form_of(&RiskMethod::default_5x5()));
        set(&mut p, "band_accept_1", "contributor");
        set(&mut p, "band_accept_2", "no");
        set(&mut p, "band_key_4", "");
        let (d, e) = method_from_form(&p);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(d.bands.len(), 3);
        assert_eq!(d.acceptance.len(), 3);
        let low = d.acceptance_rule(&d.bands[0].key).unwrap();
        assert!(low.may_accept && low.by == Role::Contributor);
        assert!(!d.acceptance_rule(&d.bands[1].key).unwrap().may_accept);
    }

    #[test]
    fn numbers_that_are_not_whole_are_named() {
        let mut p = pairs_of(&form_of(&RiskMethod::default_5x5()));
        set(&mut p, "cell_2_2", "four");
        set(&mut p, "band_min_2", "-1");
        let (_, e) = method_from_form(&p);
        assert_eq!(e.get("grid").len(), 1);
        assert_eq!(e.get("bands[1].min_score").len(), 1);
        // A blank cell is likelihood × impact.
        set(&mut p, "cell_2_2", "");
        let (d, _) = method_from_form(&p);
        assert_eq!(d.grid[1][1], 4);
    }
}
