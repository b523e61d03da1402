//! Tests of the risk method: scoring, bands and every validation rule.
use super::method::{MAX_BANDS, MAX_SCORE};
use super::*;
use crate::access::Role;
use serde_json::json;

fn lv(name: &str) -> Level {
    Level {
        name: name.into(),
        description: String::new(),
    }
}

fn bd(key: &str, min_score: u32) -> Band {
    Band {
        key: key.into(),
        name: key.to_uppercase(),
        colour: "#123abc".into(),
        min_score,
    }
}

/// A valid method with `l` likelihood and `i` impact levels, the
/// multiplicative grid and a single band.
fn sized(l: usize, i: usize) -> RiskMethod {
    RiskMethod {
        likelihood: (1..=l).map(|n| lv(&format!("L{n}"))).collect(),
        impact: (1..=i).map(|n| lv(&format!("I{n}"))).collect(),
        grid: RiskMethod::filled(l, i),
        bands: vec![bd("only", 1)],
        acceptance: vec![],
    }
}

/// The fields at fault, sorted.
fn faults(m: &RiskMethod) -> Vec<String> {
    match m.validate() {
        Ok(()) => vec![],
        Err(e) => e.iter().map(|(f, _)| f.to_owned()).collect(),
    }
}

/// The messages of one field.
fn messages(m: &RiskMethod, field: &str) -> Vec<String> {
    m.validate()
        .err()
        .map(|e| e.get(field).to_vec())
        .unwrap_or_default()
}

/// The custom 4×3 method of the issue: four likelihood levels, three impact
/// levels, bands low 1, medium 4, high 8, and one cell set by hand: a rare
/// but catastrophic event (likelihood 1, impact 3) scores 9, not 3.
pub(super) fn custom_4x3() -> RiskMethod {
    let mut grid = RiskMethod::filled(4, 3);
    grid[0][2] = 9;
    RiskMethod {
        likelihood: vec![lv("Rare"), lv("Possible"), lv("Likely"), lv("Frequent")],
        impact: vec![lv("Small"), lv("Serious"), lv("Catastrophic")],
        grid,
        bands: vec![bd("low", 1), bd("medium", 4), bd("high", 8)],
        acceptance: vec![AcceptanceRule {
            band: "low".into(),
            may_accept: true,
            by: Role::Contributor,
        }],
    }
}

#[test]
fn the_default_method_is_valid_and_multiplicative() {
    let m = RiskMethod::default_5x5();
    assert_eq!(m.validate(), Ok(()));
    assert_eq!((m.likelihood.len(), m.impact.len()), (5, 5));
    for l in 1..=5u8 {
        for i in 1..=5u8 {
            assert_eq!(m.score(l, i).unwrap().score, u32::from(l) * u32::from(i));
        }
    }
    let keys: Vec<_> = m
        .bands
        .iter()
        .map(|b| (b.key.as_str(), b.min_score))
        .collect();
    assert_eq!(
        keys,
        [("low", 1), ("medium", 5), ("high", 10), ("critical", 17)]
    );
    let rules: Vec<_> = m
        .acceptance
        .iter()
        .map(|r| (r.band.as_str(), r.may_accept, r.by))
        .collect();
    assert_eq!(
        rules,
        [
            ("low", true, Role::Manager),
            ("medium", true, Role::Manager),
            ("high", true, Role::Manager),
            ("critical", false, Role::Manager)
        ]
    );
    assert!(m
        .likelihood
        .iter()
        .chain(&m.impact)
        .all(|l| !l.description.is_empty()));
}

#[test]
fn scoring_on_the_default_5x5() {
    let m = RiskMethod::default_5x5();
    let band = |l, i| {
        let s = m.score(l, i).unwrap();
        (s.score, m.bands[s.band].key.as_str())
    };
    assert_eq!(band(1, 1), (1, "low"));
    assert_eq!(band(2, 2), (4, "low"));
    assert_eq!(band(1, 5), (5, "medium"), "a 1×5 risk is medium, not high");
    assert_eq!(band(3, 3), (9, "medium"));
    assert_eq!(band(2, 5), (10, "high"));
    assert_eq!(band(4, 4), (16, "high"));
    assert_eq!(band(5, 4), (20, "critical"));
    assert_eq!(band(5, 5), (25, "critical"));
    for (l, i) in [(0, 1), (1, 0), (6, 1), (1, 6), (0, 0)] {
        assert_eq!(m.score(l, i), None, "{l}×{i}");
    }
    assert_eq!(m.score(5, 1), Some(Scored { score: 5, band: 1 }));
    assert_eq!(m.score(1, 5), Some(Scored { score: 5, band: 1 }));
}

#[test]
fn band_edges_are_min_scores() {
    let m = RiskMethod::default_5x5();
    let bands: Vec<_> = (0..=26).map(|s| m.band_of(s)).collect();
    assert_eq!(bands[0], None);
    for (s, want) in [
        (1, 0),
        (4, 0),
        (5, 1),
        (9, 1),
        (10, 2),
        (16, 2),
        (17, 3),
        (25, 3),
        (26, 3),
    ] {
        assert_eq!(bands[s], Some(want), "score {s}");
    }
}

#[test]
fn scoring_on_a_custom_4x3_grid_with_a_non_multiplicative_cell() {
    let m = custom_4x3();
    assert_eq!(m.validate(), Ok(()));
    let band = |l, i| {
        let s = m.score(l, i).unwrap();
        (s.score, m.bands[s.band].key.as_str())
    };
    assert_eq!(band(1, 3), (9, "high"), "the hand-set cell");
    assert_eq!(band(3, 1), (3, "low"), "its mirror keeps the product");
    assert_eq!(band(1, 1), (1, "low"));
    assert_eq!(band(2, 2), (4, "medium"));
    assert_eq!(band(3, 2), (6, "medium"));
    assert_eq!(band(4, 2), (8, "high"));
    assert_eq!(band(4, 3), (12, "high"));
    assert_eq!(m.score(5, 1), None, "no fifth likelihood level");
    assert_eq!(m.score(1, 4), None, "no fourth impact level");
    assert!(m.score(4, 3).is_some());
}

#[test]
fn a_score_misses_when_the_grid_is_short() {
    // An unvalidated method whose grid lacks a row or a cell scores nothing there.
    let mut m = sized(3, 3);
    m.grid[2].pop();
    assert_eq!(m.score(3, 3), None);
    assert!(m.score(3, 2).is_some());
    m.grid.pop();
    assert_eq!(m.score(3, 1), None);
    // A grid larger than its scales scores only the levels on the scales.
    let mut m = sized(3, 3);
    m.grid.push(vec![4, 8, 12]);
    for row in &mut m.grid {
        row.push(99);
    }
    assert_eq!(m.score(4, 1), None, "no fourth likelihood level");
    assert_eq!(m.score(1, 4), None, "no fourth impact level");
    assert_eq!(m.score(3, 3).map(|s| s.score), Some(9));
    // A cell below every band has no band.
    let mut m = sized(3, 3);
    m.bands[0].min_score = 2;
    assert_eq!(m.score(1, 1), None);
    assert!(m.score(1, 2).is_some());
}

#[test]
fn the_filler_fits_any_size() {
    assert_eq!(
        RiskMethod::filled(4, 3),
        vec![vec![1, 2, 3], vec![2, 4, 6], vec![3, 6, 9], vec![4, 8, 12]]
    );
    assert_eq!(RiskMethod::filled(3, 6)[2], vec![3, 6, 9, 12, 15, 18]);
    assert!(RiskMethod::filled(0, 3).is_empty());
}

#[test]
fn scales_have_three_to_six_levels() {
    for n in [3, 4, 5, 6] {
        assert_eq!(
            faults(&sized(n, 3)),
            Vec::<String>::new(),
            "{n} likelihood levels"
        );
        assert_eq!(
            faults(&sized(3, n)),
            Vec::<String>::new(),
            "{n} impact levels"
        );
    }
    for n in [2, 7] {
        assert_eq!(
            faults(&sized(n, 3)),
            ["likelihood"],
            "{n} likelihood levels"
        );
        assert_eq!(faults(&sized(3, n)), ["impact"], "{n} impact levels");
        assert_eq!(
            messages(&sized(n, 3), "likelihood"),
            ["must have 3 to 6 levels"]
        );
    }
}

#[test]
fn level_names_are_words_unique_in_their_scale() {
    let mut m = sized(3, 3);
    m.likelihood[0].name = "  ".into();
    m.likelihood[1].name = "12".into();
    m.likelihood[2].name = "L1".into();
    m.impact[1].name = " i1 ".into();
    m.impact[2].description = "x".repeat(401);
    assert_eq!(
        faults(&m),
        [
            "impact[1].name",
            "impact[2].description",
            "likelihood[0].name",
            "likelihood[1].name"
        ]
    );
    assert_eq!(messages(&m, "likelihood[0].name"), ["is required"]);
    assert_eq!(
        messages(&m, "likelihood[1].name"),
        ["must be a word, not a number: numbers stand for levels"]
    );
    assert_eq!(
        messages(&m, "impact[1].name"),
        ["is the name of another level of this scale"]
    );
    // Names with digits in them, and 400-character descriptions, are fine.
    let mut m = sized(3, 3);
    m.likelihood[0].name = "Level 1".into();
    m.likelihood[1].name = "1st".into();
    m.impact[0].description = "x".repeat(400);
    assert_eq!(faults(&m), Vec::<String>::new());
}

#[test]
fn the_grid_matches_the_scales_and_holds_scores() {
    let mut m = sized(4, 3);
    m.grid.pop();
    assert_eq!(faults(&m), ["grid"]);
    assert_eq!(
        messages(&m, "grid"),
        ["must have one row per likelihood level (4)"]
    );
    let mut m = sized(4, 3);
    m.grid[1].push(7);
    assert_eq!(faults(&m), ["grid[1]"]);
    assert_eq!(
        messages(&m, "grid[1]"),
        ["must have one score per impact level (3)"]
    );
    let mut m = sized(4, 3);
    m.grid[2][1] = 0;
    assert_eq!(faults(&m), ["grid[2][1]"]);
    assert_eq!(
        messages(&m, "grid[2][1]"),
        [format!("must be a score from 1 to {MAX_SCORE}")]
    );
    let mut m = sized(4, 3);
    m.grid[3][2] = MAX_SCORE + 1;
    assert_eq!(faults(&m), ["grid[3][2]"]);
    m.grid[3][2] = MAX_SCORE;
    assert_eq!(faults(&m), Vec::<String>::new());
    // Not monotone: the user's choice.
    let mut m = sized(3, 3);
    m.grid = vec![vec![9, 1, 5], vec![2, 2, 2], vec![7, 3, 1]];
    assert_eq!(faults(&m), Vec::<String>::new());
}

#[test]
fn bands_are_counted_keyed_and_coloured() {
    let mut m = sized(3, 3);
    m.bands.clear();
    assert_eq!(faults(&m), ["bands"]);
    assert_eq!(
        messages(&m, "bands"),
        [format!("must have 1 to {MAX_BANDS} bands")]
    );
    let mut m = sized(3, 3);
    m.bands = (1..=8).map(|n| bd(&format!("b{n}"), n)).collect();
    assert_eq!(faults(&m), Vec::<String>::new(), "eight bands");
    m.bands.push(bd("b9", 9));
    assert_eq!(faults(&m), ["bands"], "nine bands");

    let mut m = sized(3, 3);
    m.bands = vec![bd("Low", 1), bd("mid", 2), bd("mid", 3), bd("top", 4)];
    m.bands[1].name = String::new();
    m.bands[3].colour = "123abc".into();
    assert_eq!(
        faults(&m),
        [
            "bands[0].key",
            "bands[1].name",
            "bands[2].key",
            "bands[3].colour"
        ]
    );
    assert_eq!(messages(&m, "bands[2].key"), ["is used by another band"]);
    let mut m = sized(3, 3);
    m.bands[0].key = crate::risk::fields::NOT_ASSESSED.into();
    assert_eq!(faults(&m), ["bands[0].key"]);
    for (colour, ok) in [
        ("#2E7D32", true),
        ("#2e7d32", true),
        ("#2e7d3", false),
        ("#2e7d3g", false),
        ("#2e7d321", false),
        ("2e7d32", false),
        ("#", false),
        ("", false),
        ("##2e7d3", false),
    ] {
        let mut m = sized(3, 3);
        m.bands[0].colour = colour.into();
        assert_eq!(faults(&m).is_empty(), ok, "{colour}");
    }
}

#[test]
fn bands_ascend_and_cover_the_grid() {
    // Strictly ascending min scores.
    let mut m = sized(3, 3);
    m.bands = vec![bd("a", 1), bd("b", 4), bd("c", 4)];
    assert_eq!(faults(&m), ["bands[2].min_score"]);
    assert_eq!(
        messages(&m, "bands[2].min_score"),
        ["must be greater than the band before (4)"]
    );
    m.bands[2].min_score = 3;
    assert_eq!(faults(&m), ["bands[2].min_score"]);
    m.bands[2].min_score = 5;
    assert_eq!(faults(&m), Vec::<String>::new());

    // The first band starts at or below the lowest score of the grid.
    let mut m = sized(3, 3);
    m.grid = vec![vec![2, 3, 4], vec![3, 4, 5], vec![4, 5, 6]];
    for (min, ok) in [(1, true), (2, true), (3, false)] {
        m.bands = vec![bd("a", min)];
        assert_eq!(faults(&m).is_empty(), ok, "first band from {min}");
    }
    assert_eq!(
        messages(&m, "bands[0].min_score"),
        ["must be at most 2, the lowest score in the grid, so every cell has a band"]
    );

    // Every band starts at or below the highest score.
    let mut m = sized(3, 3);
    m.bands = vec![bd("a", 1), bd("b", 9)];
    assert_eq!(faults(&m), Vec::<String>::new());
    m.bands[1].min_score = 10;
    assert_eq!(
        messages(&m, "bands[1].min_score"),
        ["must be at most 9, the highest score in the grid: no cell would fall in this band"]
    );
    // A lone band above the grid breaks both rules.
    let mut m = sized(3, 3);
    m.bands = vec![bd("a", 10)];
    assert_eq!(messages(&m, "bands[0].min_score").len(), 2);
    // With no grid at all there is nothing to cover.
    let mut m = sized(3, 3);
    m.grid.clear();
    m.bands = vec![bd("a", 50)];
    assert_eq!(faults(&m), ["grid"]);
}

#[test]
fn acceptance_rules_name_bands_once_and_never_an_auditor() {
    let mut m = RiskMethod::default_5x5();
    m.acceptance.push(AcceptanceRule {
        band: "severe".into(),
        may_accept: true,
        by: Role::Manager,
    });
    m.acceptance.push(AcceptanceRule {
        band: "low".into(),
        may_accept: false,
        by: Role::Auditor,
    });
    assert_eq!(
        faults(&m),
        [
            "acceptance[4].band",
            "acceptance[5].band",
            "acceptance[5].by"
        ]
    );
    assert_eq!(
        messages(&m, "acceptance[4].band"),
        ["must be the key of a band"]
    );
    assert_eq!(
        messages(&m, "acceptance[5].band"),
        ["has a rule already: one rule per band"]
    );
    let mut m = RiskMethod::default_5x5();
    m.acceptance[0].by = Role::Contributor;
    m.acceptance.truncate(2);
    assert_eq!(
        m.validate(),
        Ok(()),
        "a band may have no rule; contributors may accept"
    );
    assert_eq!(
        m.acceptance_rule("low").map(|r| r.by),
        Some(Role::Contributor)
    );
    assert_eq!(m.acceptance_rule("high"), None);
    assert_eq!(m.band("high").map(|b| b.min_score), Some(10));
    assert_eq!(m.band("nope"), None);
}

#[test]
fn levels_are_read_by_number_or_name() {
    let m = RiskMethod::default_5x5();
    assert_eq!(m.likelihood_level("3"), Some(3));
    assert_eq!(m.likelihood_level(" 5 "), Some(5));
    assert_eq!(m.likelihood_level("1"), Some(1));
    assert_eq!(m.likelihood_level("0"), None);
    assert_eq!(m.likelihood_level("6"), None);
    assert_eq!(m.likelihood_level(" possible "), Some(3));
    assert_eq!(m.likelihood_level("ALMOST CERTAIN"), Some(5));
    assert_eq!(m.likelihood_level("Rare"), Some(1));
    assert_eq!(m.likelihood_level("Severe"), None, "an impact level");
    assert_eq!(m.impact_level("severe"), Some(5));
    assert_eq!(m.impact_level("Negligible"), Some(1));
    assert_eq!(m.impact_level("rare"), None);
    assert_eq!(m.impact_level(""), None);
    let m = custom_4x3();
    assert_eq!(m.likelihood_level("4"), Some(4));
    assert_eq!(m.impact_level("4"), None);
}

#[test]
fn the_method_reads_from_json_and_refuses_unknown_fields() {
    let m = RiskMethod::default_5x5();
    let value = serde_json::to_value(&m).unwrap();
    assert_eq!(RiskMethod::from_json(&value), Ok(m.clone()));
    assert_eq!(
        value["bands"][0],
        json!({"key": "low", "name": "Low", "colour": "#2e7d32", "min_score": 1})
    );
    assert_eq!(
        value["acceptance"][3],
        json!({"band": "critical", "may_accept": false, "by": "manager"})
    );
    let mut extra = value.clone();
    extra["weights"] = json!(1);
    let e = RiskMethod::from_json(&extra).unwrap_err();
    assert_eq!(e.iter().map(|(f, _)| f).collect::<Vec<_>>(), ["method"]);
    assert!(e.get("method")[0].contains("weights"), "{e:?}");
    let mut bad = value;
    bad["grid"][2][1] = json!(0);
    let e = RiskMethod::from_json(&bad).unwrap_err();
    assert_eq!(e.iter().map(|(f, _)| f).collect::<Vec<_>>(), ["grid[2][1]"]);
    // Descriptions and acceptance rules may be left out.
    let small = json!({
        "likelihood": [{"name": "a"}, {"name": "b"}, {"name": "c"}],
        "impact": [{"name": "a"}, {"name": "b"}, {"name": "c"}],
        "grid": [[1, 2, 3], [2, 4, 6], [3, 6, 9]],
        "bands": [{"key": "low", "name": "Low", "colour": "#00ff00", "min_score": 1}]
    });
    let m = RiskMethod::from_json(&small).unwrap();
    assert!(m.acceptance.is_empty() && m.impact[2].description.is_empty());
}
