use super::*;
use serde_json::json;

fn rates(count: u64, sr: f64) -> Value {
    json!({"count": count, "selection_rate": sr, "accuracy": 0.9,
           "true_positive_rate": 0.8, "false_positive_rate": null})
}

fn group(value: &str, count: u64, sr: f64) -> Value {
    let mut g = rates(count, sr);
    g["values"] = json!([value]);
    g
}

fn fairness() -> Value {
    json!({
        "kind": "fairness",
        "input": {"file": "log.csv", "format": "csv", "bytes": 100, "rows": 20, "rows_used": 19,
                  "rejected": {"missing_label": 1},
                  "time_range": {"column": "ts", "from": "2026-01-01T00:00:00Z", "to": "2026-01-31T23:00:00Z"}},
        "label": "label", "prediction": "prediction", "positive": "1", "negative": "0",
        "overall": rates(19, 0.5),
        "groupings": [
            {"sensitive": ["sex"], "groups": [group("F", 10, 0.5), group("M", 9, 0.45)],
             "by_metric": {},
             "demographic_parity_difference": 0.05, "demographic_parity_ratio": 0.9,
             "equalized_odds_difference": 0.1, "equalized_odds_ratio": null},
        ]
    })
}

#[test]
fn a_fairness_report_reads_with_its_period_and_worst_grouping() {
    let mut v = fairness();
    v["groupings"][0]["groups"] = json!([
        {"values": ["F"], "count": 10, "selection_rate": 0.5, "accuracy": 0.9,
         "true_positive_rate": 0.8, "false_positive_rate": null, "mean_score": 0.4},
        {"values": ["M"], "count": 9.0, "selection_rate": 0.45, "accuracy": 0.9,
         "true_positive_rate": 0.8, "false_positive_rate": 0.1}
    ]);
    let mut both = v["groupings"][0].clone();
    both["sensitive"] = json!(["sex", "race"]);
    both["demographic_parity_difference"] = json!(0.12);
    v["groupings"].as_array_mut().unwrap().push(both);
    let r = read_report(&v).unwrap();
    assert_eq!(r.kind(), ReportKind::Fairness);
    assert_eq!(
        r.period(),
        Some(("2026-01-01T00:00:00Z", "2026-01-31T23:00:00Z"))
    );
    assert_eq!(
        r.summary(),
        "demographic parity difference 0.1200 (sex × race)"
    );
    let Report::Fairness(f) = r else {
        panic!("not fairness")
    };
    assert_eq!(f.groupings[0].groups[1].rates.count, 9, "173.0 is a count");
    assert_eq!(f.groupings[0].groups[0].rates.false_positive_rate, None);
    assert_eq!(f.groupings[0].equalized_odds_ratio, None);
    assert_eq!(f.overall.count, 19);
}

#[test]
fn a_fairness_summary_without_numbers_says_so() {
    let mut v = fairness();
    v["groupings"][0]["groups"] = json!([]);
    v["groupings"][0]["demographic_parity_difference"] = Value::Null;
    assert_eq!(
        read_report(&v).unwrap().summary(),
        "no demographic parity difference could be computed"
    );
    v["groupings"] = json!([]);
    assert_eq!(read_report(&v).unwrap().summary(), "no groupings");
    v["input"].as_object_mut().unwrap().remove("time_range");
    assert_eq!(read_report(&v).unwrap().period(), None);
}

fn column(name: &str, drifted: bool) -> Value {
    json!({"column": name, "kind": "numeric", "reference": {"values": 10, "missing": 0, "non_numeric": 0},
           "current": {"values": 10, "missing": 0, "non_numeric": 0},
           "bins": {"kind": "edges", "edges": [0, 1, 2]}, "reference_shares": [0.5, 0.5], "current_shares": [0.4, 0.6],
           "psi": 0.02, "jensenshannon": 0.05, "ks_statistic": 0.2, "ks_pvalue": 0.3, "ks_method": "exact",
           "wasserstein_norm": 0.11, "stattest": "wasserstein", "threshold": 0.1, "score": 0.11, "drifted": drifted})
}

fn drift(columns: Vec<Value>) -> Value {
    let input = |f: &str| json!({"file": f, "format": "csv", "bytes": 1, "rows": 10, "rows_used": 10, "rejected": {}});
    let mut current = input("current.csv");
    current["time_range"] = json!({"column": "ts", "from": "1767225600", "to": "1767312000"});
    json!({"kind": "drift", "reference": input("reference.csv"), "current": current,
           "columns": columns, "drifted_columns": 0, "share_drifted": null})
}

#[test]
fn a_drift_summary_counts_the_drifted_columns_and_names_three() {
    let r = read_report(&drift(vec![column("age", true), column("zip", false)])).unwrap();
    assert_eq!(r.summary(), "1 of 2 columns drifted: age");
    assert_eq!(r.period(), Some(("1767225600", "1767312000")));
    let many: Vec<Value> = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|n| column(n, *n != "e"))
        .collect();
    assert_eq!(
        read_report(&drift(many)).unwrap().summary(),
        "4 of 5 columns drifted: a, b, c, …"
    );
    assert_eq!(
        read_report(&drift(vec![column("x", false)]))
            .unwrap()
            .summary(),
        "0 of 1 column drifted"
    );
    let long = "w".repeat(500);
    let s = read_report(&drift(vec![column(&long, true)]))
        .unwrap()
        .summary();
    assert_eq!(s.chars().count(), SUMMARY_MAX_CHARS);
    assert!(s.ends_with('…'));
}

#[test]
fn optional_drift_numbers_may_be_left_out() {
    let mut c = column("city", true);
    let o = c.as_object_mut().unwrap();
    for k in [
        "ks_statistic",
        "ks_pvalue",
        "ks_method",
        "wasserstein_norm",
        "psi",
    ] {
        o.remove(k);
    }
    o.insert("kind".into(), json!("categorical"));
    let Report::Drift(d) = read_report(&drift(vec![c])).unwrap() else {
        panic!("not drift")
    };
    assert_eq!(d.columns[0].ks_pvalue, None);
    assert_eq!(d.columns[0].psi, None);
    assert_eq!(d.columns[0].jensenshannon, Some(0.05));
    assert!(d.columns[0].drifted);
}

fn problems(v: &Value) -> Vec<String> {
    read_report(v)
        .unwrap_err()
        .iter()
        .map(|(f, _)| f.to_owned())
        .collect()
}

#[test]
fn a_wrong_report_names_each_field_at_fault() {
    assert_eq!(problems(&json!({"label": "x"})), ["kind"]);
    assert_eq!(problems(&json!({"kind": "bias"})), ["kind"]);
    assert_eq!(problems(&json!({"kind": 3})), ["kind"]);
    assert_eq!(problems(&json!([1])), ["body"]);
    let mut v = fairness();
    v.as_object_mut().unwrap().remove("groupings");
    v["overall"]["accuracy"] = json!("high");
    v["input"]["rows"] = json!(-1);
    v["input"]["time_range"]["to"] = json!("9".repeat(65));
    assert_eq!(
        problems(&v),
        [
            "groupings",
            "input.rows",
            "input.time_range.to",
            "overall.accuracy"
        ]
    );
    let mut v = fairness();
    v["groupings"][0]["groups"] = json!([{"values": [null], "count": 1}]);
    v["groupings"][0]
        .as_object_mut()
        .unwrap()
        .remove("demographic_parity_ratio");
    let p = problems(&v);
    assert!(
        p.contains(&"groupings[0].groups[0].values[0]".to_owned()),
        "{p:?}"
    );
    assert!(
        p.contains(&"groupings[0].groups[0].selection_rate".to_owned()),
        "{p:?}"
    );
    assert!(
        p.contains(&"groupings[0].demographic_parity_ratio".to_owned()),
        "{p:?}"
    );
    let mut d = drift(vec![column("a", true)]);
    d["columns"][0]["drifted"] = json!("yes");
    d["columns"][0]["psi"] = json!("0.1");
    d.as_object_mut().unwrap().remove("current");
    assert_eq!(
        problems(&d),
        ["columns[0].drifted", "columns[0].psi", "current"]
    );
}

#[test]
fn a_report_wrong_everywhere_names_at_most_fifty_fields() {
    let cols: Vec<Value> = (0..200).map(|_| json!({})).collect();
    let n = read_report(&drift(cols)).unwrap_err().iter().count();
    assert_eq!(n, 50);
}

#[test]
fn numbers_show_with_four_decimals() {
    assert_eq!(decimal(Some(0.123456)), "0.1235");
    assert_eq!(decimal(Some(1.0)), "1.0000");
    assert_eq!(decimal(None), "—");
    assert_eq!(decimal(Some(f64::NAN)), "—");
}
