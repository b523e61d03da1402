//! aims's fairness and drift against the values fairlearn 0.15, evidently
//! 0.7 and scipy 1.17 computed on the same files
//! (`scripts/monitor-reference.py` made the fixtures; see their README).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aims_monitor::drift::{Bins, StatTest};
use aims_monitor::drift_log::{drift, DriftArgs};
use aims_monitor::fairness::{Grouping, Spread};
use aims_monitor::fairness_log::{fairness, FairnessArgs};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn expected(name: &str) -> Value {
    let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The expected number ("NaN" for NaN).
fn num(v: &Value) -> f64 {
    match v {
        Value::String(s) if s == "NaN" => f64::NAN,
        _ => v.as_f64().unwrap_or_else(|| panic!("not a number: {v}")),
    }
}

/// Equal to 12 significant digits (or within 1e-15 of zero): stricter than
/// the 1e-9 promised. NaN equals NaN.
fn close(what: &str, got: f64, want: f64) {
    if want.is_nan() {
        assert!(got.is_nan(), "{what}: got {got}, want NaN");
        return;
    }
    let off = (got - want).abs();
    assert!(
        off <= 1e-12 * want.abs() || off <= 1e-15,
        "{what}: got {got:e}, want {want:e} (off by {off:e})"
    );
}

fn spread_of(g: &Grouping, metric: &str) -> Spread {
    *g.by_metric.get(metric).unwrap()
}

fn check_grouping(g: &Grouping, want: &Value) {
    let label = g.sensitive.join("×");
    // fairlearn lists empty intersections with NaN everywhere; aims leaves them out.
    let groups: Vec<&Value> = want["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| !num(&w["count"]).is_nan())
        .collect();
    assert_eq!(g.groups.len(), groups.len(), "{label}: groups");
    for (got, w) in g.groups.iter().zip(groups) {
        let key: Vec<String> = match &w["key"] {
            Value::Array(a) => a.iter().map(|k| k.as_str().unwrap().to_owned()).collect(),
            k => vec![k.as_str().unwrap().to_owned()],
        };
        assert_eq!(got.values, key, "{label}");
        let m = &got.metrics;
        let at = format!("{label} {key:?}");
        close(&format!("{at} count"), m.count as f64, num(&w["count"]));
        close(
            &format!("{at} selection"),
            m.selection_rate,
            num(&w["selection_rate"]),
        );
        close(&format!("{at} accuracy"), m.accuracy, num(&w["accuracy"]));
        close(
            &format!("{at} tpr"),
            m.true_positive_rate,
            num(&w["true_positive_rate"]),
        );
        close(
            &format!("{at} fpr"),
            m.false_positive_rate,
            num(&w["false_positive_rate"]),
        );
    }
    for metric in [
        "selection_rate",
        "accuracy",
        "true_positive_rate",
        "false_positive_rate",
        "count",
    ] {
        let s = spread_of(g, metric);
        close(
            &format!("{label} {metric} difference"),
            s.difference,
            num(&want["difference"]["between_groups"][metric]),
        );
        close(
            &format!("{label} {metric} ratio"),
            s.ratio,
            num(&want["ratio"]["between_groups"][metric]),
        );
    }
    for (got, key) in [
        (
            g.demographic_parity_difference,
            "demographic_parity_difference",
        ),
        (g.demographic_parity_ratio, "demographic_parity_ratio"),
        (g.equalized_odds_difference, "equalized_odds_difference"),
        (g.equalized_odds_ratio, "equalized_odds_ratio"),
    ] {
        close(&format!("{label} {key}"), got, num(&want[key]));
    }
}

fn fairness_args(path: PathBuf, sensitive: &[&str]) -> FairnessArgs {
    FairnessArgs {
        predictions: path,
        label: "label".into(),
        prediction: "prediction".into(),
        sensitive: sensitive.iter().map(|s| (*s).to_owned()).collect(),
        score: Some("score".into()),
        time: None,
        pos_label: "1".into(),
        neg_label: "0".into(),
        threads: 2,
    }
}

#[test]
fn fairness_equals_fairlearns() {
    let want = expected("expected-fairness.json");
    let r = fairness(
        &fairness_args(fixtures().join("fairness.csv"), &["sex", "race"]),
        &|_, _| {},
    )
    .unwrap();
    assert_eq!(r.input.rows, 300);
    assert_eq!(r.input.rows_used, 300);
    assert!(r.input.rejected.is_empty());
    let t = r.input.time_range.as_ref().unwrap();
    assert_eq!(t.column, "ts");
    let sets = want["sets"].as_array().unwrap();
    assert_eq!(r.groupings.len(), sets.len());
    for (g, w) in r.groupings.iter().zip(sets) {
        let names: Vec<&str> = w["sensitive_features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(g.sensitive, names);
        check_grouping(g, w);
    }
    let o = &sets[0]["overall"];
    close(
        "overall selection",
        r.overall.selection_rate,
        num(&o["selection_rate"]),
    );
    close("overall accuracy", r.overall.accuracy, num(&o["accuracy"]));
    close(
        "overall tpr",
        r.overall.true_positive_rate,
        num(&o["true_positive_rate"]),
    );
    close(
        "overall fpr",
        r.overall.false_positive_rate,
        num(&o["false_positive_rate"]),
    );
}

#[test]
fn fairness_edge_cases_equal_fairlearns() {
    let want = expected("expected-fairness.json");
    let dir = std::env::temp_dir().join(format!("aims-monitor-ref-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for case in want["inline_cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let mut csv = "label,prediction,score,g\n".to_owned();
        let col = |k: &str| case[k].as_array().unwrap().clone();
        for ((t, p), s) in col("y_true")
            .iter()
            .zip(col("y_pred"))
            .zip(col("sensitive"))
        {
            csv.push_str(&format!("{t},{p},0.5,{}\n", s.as_str().unwrap()));
        }
        let path = dir.join(format!("{name}.csv"));
        std::fs::write(&path, csv).unwrap();
        let r = fairness(&fairness_args(path, &["g"]), &|_, _| {}).unwrap();
        let g = &r.groupings[0];
        for (got, key) in [
            (
                g.demographic_parity_difference,
                "demographic_parity_difference",
            ),
            (g.demographic_parity_ratio, "demographic_parity_ratio"),
            (g.equalized_odds_difference, "equalized_odds_difference"),
            (g.equalized_odds_ratio, "equalized_odds_ratio"),
        ] {
            close(&format!("{name} {key}"), got, num(&case[key]));
        }
        for metric in [
            "selection_rate",
            "true_positive_rate",
            "false_positive_rate",
        ] {
            let s = spread_of(g, metric);
            close(
                &format!("{name} {metric} difference"),
                s.difference,
                num(&case["difference"][metric]),
            );
            close(
                &format!("{name} {metric} ratio"),
                s.ratio,
                num(&case["ratio"][metric]),
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn drift_equals_evidently_and_scipy() {
    let want = expected("expected-drift.json");
    for pair in want["pairs"].as_array().unwrap() {
        let cols = pair["columns"].as_object().unwrap();
        let names: Vec<String> = cols.keys().cloned().collect();
        let categorical: Vec<String> = cols
            .iter()
            .filter(|(_, c)| c["feature_type"] == "cat")
            .map(|(n, _)| n.clone())
            .collect();
        let args = DriftArgs {
            reference: fixtures().join(pair["reference"].as_str().unwrap()),
            current: fixtures().join(pair["current"].as_str().unwrap()),
            columns: Some(names.clone()),
            categorical,
            stattest: None,
            threshold: None,
            time: None,
            threads: 2,
        };
        let r = drift(&args, &|_, _| {}).unwrap();
        for (got, name) in r.columns.iter().zip(&names) {
            let w = &cols[name];
            let at = format!("{} {name}", pair["name"].as_str().unwrap());
            assert_eq!(&got.column, name);
            assert_eq!(
                got.reference.values,
                w["n_reference_used"].as_u64().unwrap(),
                "{at}"
            );
            assert_eq!(
                got.current.values,
                w["n_current_used"].as_u64().unwrap(),
                "{at}"
            );
            let b = got.binned.as_ref().unwrap();
            let wb = &w["bins"];
            match (&b.bins, wb["kind"].as_str().unwrap()) {
                (Bins::Edges { edges }, "histogram") => {
                    let we: Vec<f64> = wb["edges"].as_array().unwrap().iter().map(num).collect();
                    assert_eq!(edges, &we, "{at} edges");
                }
                (Bins::Values { values }, "categories") => {
                    assert_eq!(
                        values.len(),
                        wb["categories"].as_array().unwrap().len(),
                        "{at}"
                    );
                }
                (b, k) => panic!("{at}: bins {b:?}, expected {k}"),
            }
            for (side, shares) in [
                ("reference", &b.reference_shares),
                ("current", &b.current_shares),
            ] {
                let ws: Vec<f64> = wb[format!("{side}_shares_raw")]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(num)
                    .collect();
                assert_eq!(shares, &ws, "{at} {side} shares");
            }
            close(&format!("{at} psi"), b.psi, num(&w["psi"]["value"]));
            close(
                &format!("{at} js"),
                b.jensenshannon,
                num(&w["jensenshannon"]["value"]),
            );
            match &got.ordered {
                Some(o) => {
                    close(
                        &format!("{at} ks statistic"),
                        o.ks_statistic,
                        num(&w["ks"]["statistic"]),
                    );
                    close(&format!("{at} ks p"), o.ks_pvalue, num(&w["ks"]["pvalue"]));
                    assert_eq!(
                        serde_json::to_value(o.ks_method).unwrap(),
                        w["ks"]["method"],
                        "{at} ks method"
                    );
                    close(
                        &format!("{at} wasserstein"),
                        o.wasserstein_norm,
                        num(&w["wasserstein"]["value"]),
                    );
                }
                None => assert_eq!(w["ks"]["applicable"], false, "{at}"),
            }
            // The verdict of a test picked by name follows evidently's.
            for (test, key) in [
                (StatTest::Psi, "psi"),
                (StatTest::JensenShannon, "jensenshannon"),
            ] {
                let score = if test == StatTest::Psi {
                    b.psi
                } else {
                    b.jensenshannon
                };
                assert_eq!(
                    test.drifted(score, test.default_threshold()),
                    w[key]["drift"].as_bool().unwrap(),
                    "{at} {key} verdict"
                );
            }
        }
    }
}

#[test]
fn parquet_logs_give_what_the_same_csv_gives() {
    // fairness.parquet and reference.parquet are the CSV fixtures written by
    // polars (zstd and snappy, small row groups; ts as a millisecond
    // timestamp, empty cells as nulls): see the fixtures' README.
    let csv = fairness(
        &fairness_args(fixtures().join("fairness.csv"), &["sex", "race"]),
        &|_, _| {},
    )
    .unwrap();
    let pq = fairness(
        &fairness_args(fixtures().join("fairness.parquet"), &["sex", "race"]),
        &|_, _| {},
    )
    .unwrap();
    assert_eq!(pq.input.format, "parquet");
    assert_eq!(pq.input.rows, 300);
    assert_eq!(pq.groupings, csv.groupings);
    assert_eq!(pq.overall, csv.overall);
    assert_eq!(pq.input.time_range, csv.input.time_range);
    let args = |reference: &str| DriftArgs {
        reference: fixtures().join(reference),
        current: fixtures().join("current.csv"),
        columns: None,
        categorical: vec!["cat".into()],
        stattest: None,
        threshold: None,
        time: None,
        threads: 2,
    };
    let a = drift(&args("reference.csv"), &|_, _| {}).unwrap();
    let b = drift(&args("reference.parquet"), &|_, _| {}).unwrap();
    assert_eq!(b.reference.format, "parquet");
    assert_eq!(a.columns, b.columns);
    // A file that only starts like Parquet is a clear error, not a panic.
    let dir = std::env::temp_dir().join(format!("aims-monitor-pq-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.parquet");
    std::fs::write(&broken, b"PAR1 then nothing a reader can use").unwrap();
    let e = fairness(&fairness_args(broken, &["sex"]), &|_, _| {}).unwrap_err();
    assert!(e.to_string().contains("not a readable Parquet file"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
