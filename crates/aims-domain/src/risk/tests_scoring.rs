//! Tests of scoring, the residual rule and re-scoring after a method change.
use super::tests_method::custom_4x3;
use super::*;

fn a(l: u8, i: u8) -> Assessment {
    Assessment::new(l, i)
}

fn band_key(m: &RiskMethod, x: Assessment) -> Option<&str> {
    x.rate(m).band_key(m)
}

#[test]
fn an_unscored_risk_is_not_assessed_never_the_lowest_band() {
    let m = RiskMethod::default_5x5();
    for x in [
        Assessment::default(),
        Assessment {
            likelihood: Some(1),
            impact: None,
        },
        Assessment {
            likelihood: None,
            impact: Some(1),
        },
        a(0, 1),
        a(1, 0),
        a(6, 1),
        a(1, 6),
    ] {
        let r = x.rate(&m);
        assert_eq!(r, Rating::NotAssessed, "{x:?}");
        assert_eq!((r.score(), r.band(), r.band_key(&m)), (None, None, None));
        assert!(!r.is_assessed());
    }
    let r = a(3, 4).rate(&m);
    assert_eq!(
        r,
        Rating::Rated {
            likelihood: 3,
            impact: 4,
            score: 12,
            band: 2
        }
    );
    assert!(r.is_assessed());
    assert_eq!(
        (r.score(), r.band(), r.band_key(&m)),
        (Some(12), Some(2), Some("high"))
    );
    assert_eq!(band_key(&m, a(1, 1)), Some("low"));
    assert_eq!(band_key(&m, a(5, 5)), Some("critical"));
    // A rating out of the method's bands has no key.
    let stray = Rating::Rated {
        likelihood: 1,
        impact: 1,
        score: 1,
        band: 4,
    };
    assert_eq!(stray.band_key(&m), None);
}

#[test]
fn ratings_serialise_with_their_state() {
    let m = custom_4x3();
    assert_eq!(
        serde_json::to_value(a(1, 3).rate(&m)).unwrap(),
        serde_json::json!({"state": "rated", "likelihood": 1, "impact": 3, "score": 9, "band": 2})
    );
    assert_eq!(
        serde_json::to_value(Rating::NotAssessed).unwrap(),
        serde_json::json!({"state": "not_assessed"})
    );
    let parsed: Assessments =
        serde_json::from_value(serde_json::json!({"residual": {"likelihood": 2}})).unwrap();
    assert_eq!(parsed.residual.likelihood, Some(2));
    assert_eq!(parsed.residual.impact, None);
    assert_eq!(parsed.inherent, Assessment::default());
    assert!(serde_json::from_value::<Assessments>(serde_json::json!({"target": {}})).is_err());
}

#[test]
fn fitting_clears_only_levels_beyond_the_scale() {
    let m = custom_4x3(); // 4 likelihood, 3 impact levels
    assert_eq!(a(4, 3).fit(&m), a(4, 3));
    assert_eq!(a(1, 1).fit(&m), a(1, 1));
    assert_eq!(
        a(5, 2).fit(&m),
        Assessment {
            likelihood: None,
            impact: Some(2)
        }
    );
    assert_eq!(
        a(2, 4).fit(&m),
        Assessment {
            likelihood: Some(2),
            impact: None
        }
    );
    assert_eq!(a(0, 0).fit(&m), Assessment::default());
    assert_eq!(Assessment::default().fit(&m), Assessment::default());
    let three = Assessments {
        inherent: a(5, 3),
        current: a(4, 4),
        residual: a(1, 1),
    };
    let fitted = three.fit(&m);
    assert_eq!(fitted.inherent.likelihood, None);
    assert_eq!(fitted.current.impact, None);
    assert_eq!(fitted.residual, a(1, 1));
}

#[test]
fn assessments_by_which() {
    let mut x = Assessments {
        inherent: a(1, 2),
        current: a(3, 4),
        residual: a(5, 1),
    };
    assert_eq!(x.get(Which::Inherent), a(1, 2));
    assert_eq!(x.get(Which::Current), a(3, 4));
    assert_eq!(x.get(Which::Residual), a(5, 1));
    *x.get_mut(Which::Inherent) = a(2, 2);
    *x.get_mut(Which::Current) = a(3, 3);
    *x.get_mut(Which::Residual) = a(4, 4);
    assert_eq!(
        (x.inherent, x.current, x.residual),
        (a(2, 2), a(3, 3), a(4, 4))
    );
    let keys: Vec<_> = Which::ALL.iter().map(|w| w.key()).collect();
    assert_eq!(keys, ["inherent", "current", "residual"]);
    let labels: std::collections::BTreeSet<_> = Which::ALL.iter().map(|w| w.label()).collect();
    assert_eq!(labels.len(), 3);
    assert!(Which::Residual.label().starts_with("Residual"));
    assert_eq!(serde_json::to_value(Which::Current).unwrap(), "current");
}

#[test]
fn residual_above_inherent_needs_a_reason() {
    let m = RiskMethod::default_5x5();
    let r = |x: Assessment| x.rate(&m);
    let e = check_residual(&r(a(2, 2)), &r(a(3, 2)), None).unwrap_err();
    assert_eq!(
        e.get("residual_confirmation"),
        ["is required: the residual score (6) is above the inherent score (4); say why"]
    );
    assert!(check_residual(&r(a(2, 2)), &r(a(3, 2)), Some("  \n ")).is_err());
    assert_eq!(
        check_residual(
            &r(a(2, 2)),
            &r(a(3, 2)),
            Some("The new vendor model is weaker")
        ),
        Ok(())
    );
    assert_eq!(
        check_residual(&r(a(2, 3)), &r(a(3, 2)), None),
        Ok(()),
        "equal scores"
    );
    assert_eq!(
        check_residual(&r(a(3, 2)), &r(a(2, 2)), None),
        Ok(()),
        "lower"
    );
    let none = Rating::NotAssessed;
    assert_eq!(check_residual(&none, &r(a(5, 5)), None), Ok(()));
    assert_eq!(check_residual(&r(a(5, 5)), &none, None), Ok(()));
    // The reason, when it counts, is checked like any long text.
    let long = "x".repeat(crate::record::LONG_TEXT_MAX + 1);
    let e = check_residual(&r(a(2, 2)), &r(a(2, 2)), Some(&long)).unwrap_err();
    assert_eq!(e.get("residual_confirmation").len(), 1);
    let e = check_residual(&r(a(2, 2)), &r(a(3, 2)), Some("bad\u{0}")).unwrap_err();
    assert_eq!(e.get("residual_confirmation").len(), 1);
}

#[test]
fn assessments_are_checked_against_the_scales() {
    let m = custom_4x3();
    let ok = Assessments {
        inherent: a(4, 3),
        current: a(1, 1),
        residual: Assessment::default(),
    };
    assert_eq!(check_assessments(&m, &ok, None), Ok(()));
    let bad = Assessments {
        inherent: a(5, 3),
        current: a(0, 1),
        residual: Assessment {
            likelihood: None,
            impact: Some(4),
        },
    };
    let e = check_assessments(&m, &bad, None).unwrap_err();
    let fields: Vec<_> = e.iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        [
            "current.likelihood",
            "inherent.likelihood",
            "residual.impact"
        ]
    );
    assert_eq!(
        e.get("inherent.likelihood"),
        ["must be a level from 1 to 4"]
    );
    assert_eq!(e.get("residual.impact"), ["must be a level from 1 to 3"]);
    // The residual rule is part of it.
    let up = Assessments {
        inherent: a(1, 1),
        current: a(1, 1),
        residual: a(1, 2),
    };
    let e = check_assessments(&m, &up, None).unwrap_err();
    assert_eq!(
        e.iter().map(|(f, _)| f).collect::<Vec<_>>(),
        ["residual_confirmation"]
    );
    assert_eq!(
        check_assessments(&m, &up, Some("accepted trade-off")),
        Ok(())
    );
}

/// The default 5×5 with high starting at 12 instead of 10, and the cell
/// likelihood 1 × impact 5 raised from 5 to 12.
fn stricter() -> RiskMethod {
    let mut m = RiskMethod::default_5x5();
    m.bands[2].min_score = 12;
    m.grid[0][4] = 12;
    m
}

#[test]
fn rescoring_after_a_method_change_lists_the_moved_risks() {
    let old = RiskMethod::default_5x5();
    let new = stricter();
    assert_eq!(new.validate(), Ok(()));
    let r1 = Assessments {
        inherent: a(2, 5), // 10 high → 10 medium
        current: a(3, 4),  // 12 high → 12 high
        residual: a(1, 1), // low → low
    };
    let r2 = Assessments {
        inherent: a(5, 5), // critical stays
        current: a(1, 5),  // 5 medium → 12 high (the cell changed)
        residual: Assessment::default(),
    };
    let r3 = Assessments::default();
    let risks = [("r1", &r1), ("r2", &r2), ("r3", &r3)];
    let report = rescore(&old, &new, risks);
    assert_eq!(
        report.moved,
        [
            Moved {
                id: "r1".into(),
                which: Which::Inherent,
                from_band: "high".into(),
                to_band: "medium".into(),
                from_score: 10,
                to_score: 10,
            },
            Moved {
                id: "r2".into(),
                which: Which::Current,
                from_band: "medium".into(),
                to_band: "high".into(),
                from_score: 5,
                to_score: 12,
            },
        ]
    );
    assert!(report.needs_reassessment.is_empty() && report.cleared.is_empty());
    assert!(!report.is_quiet());
    // The same method moves nothing.
    let same = rescore(&old, &old.clone(), risks);
    assert!(same.is_quiet(), "{same:?}");
    assert_eq!(same, RescoreReport::default());
}

#[test]
fn a_score_change_inside_a_band_is_not_a_move() {
    let old = RiskMethod::default_5x5();
    let mut new = old.clone();
    new.grid[1][1] = 3; // 4 → 3, still low
    let r = Assessments {
        inherent: a(2, 2),
        ..Assessments::default()
    };
    assert!(rescore(&old, &new, [("r", &r)]).is_quiet());
}

#[test]
fn bands_are_compared_by_key() {
    let old = RiskMethod::default_5x5();
    let mut renamed = old.clone();
    renamed.bands[1].name = "Moderate".into();
    renamed.bands[1].colour = "#ffff00".into();
    let r = Assessments {
        residual: a(3, 3),
        ..Assessments::default()
    };
    assert!(rescore(&old, &renamed, [("r", &r)]).is_quiet());
    let mut rekeyed = old.clone();
    rekeyed.bands[1].key = "moderate".into();
    rekeyed.acceptance[1].band = "moderate".into();
    let report = rescore(&old, &rekeyed, [("r", &r)]);
    assert_eq!(report.moved.len(), 1);
    assert_eq!(
        (
            report.moved[0].which,
            report.moved[0].from_band.as_str(),
            report.moved[0].to_band.as_str()
        ),
        (Which::Residual, "medium", "moderate")
    );
}

#[test]
fn a_shrunk_scale_leaves_risks_to_reassess() {
    let old = RiskMethod::default_5x5();
    let mut new = old.clone();
    new.likelihood.pop();
    new.grid.pop();
    assert_eq!(new.validate(), Ok(()));
    let r1 = Assessments {
        inherent: a(5, 2), // 10 high: likelihood 5 is gone
        current: a(4, 5),  // 20 critical: still there
        residual: Assessment {
            likelihood: Some(5),
            impact: None,
        }, // was not assessed, loses its level
    };
    let r2 = Assessments {
        inherent: a(4, 4),
        ..Assessments::default()
    };
    let report = rescore(&old, &new, [("r1", &r1), ("r2", &r2)]);
    assert!(report.moved.is_empty());
    assert_eq!(
        report.needs_reassessment,
        [
            NeedsReassessment {
                id: "r1".into(),
                which: Which::Inherent,
                from_band: Some("high".into()),
                from_score: Some(10),
            },
            NeedsReassessment {
                id: "r1".into(),
                which: Which::Residual,
                from_band: None,
                from_score: None,
            },
        ]
    );
    let cleared = Assessments {
        inherent: Assessment {
            likelihood: None,
            impact: Some(2),
        },
        current: a(4, 5),
        residual: Assessment::default(),
    };
    assert_eq!(report.cleared, [("r1".to_owned(), cleared)]);
    assert_eq!(cleared.inherent.rate(&new), Rating::NotAssessed);
    assert!(!report.is_quiet());
}

#[test]
fn a_report_with_only_reassessments_is_not_quiet() {
    let old = RiskMethod::default_5x5();
    let mut new = old.clone();
    new.impact.pop();
    for row in &mut new.grid {
        row.pop();
    }
    let r = Assessments {
        current: a(1, 5),
        ..Assessments::default()
    };
    let report = rescore(&old, &new, [("r", &r)]);
    assert!(report.moved.is_empty());
    assert_eq!(report.needs_reassessment.len(), 1);
    assert!(!report.is_quiet());
}
