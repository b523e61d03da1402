//! Monitoring analytics (issue #13): `aims monitor fairness|drift` on real
//! files, run as the binary, and pushed to a real server — a fairness gap
//! past its metric's critical threshold is a breach on the dashboard, the
//! JSON report is evidence on A.6.2.6 covering the log's days.

use crate::evidence::aims;
use crate::helpers::tempdir::TempDir;
use crate::helpers::{member_session, Caller, TestApp};
use serde_json::{json, Value};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// A log where group A is always predicted positive and group B half the
/// time: a demographic parity difference of 0.5.
fn unfair_log(day: &str) -> String {
    let mut s = "ts,label,prediction,score,group\n".to_owned();
    for h in 0..10 {
        s.push_str(&format!("{day}T0{h}:00:00Z,1,1,0.9,A\n"));
        let p = h % 2;
        s.push_str(&format!("{day}T0{h}:30:00Z,{p},{p},0.{h},B\n"));
    }
    s
}

#[tokio::test]
async fn a_pushed_fairness_gap_past_critical_is_a_breach_and_its_report_evidence() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let (_, sys) = c.post("/systems", json!({"name": "Loan scoring"})).await;
    let (_, m) = c
        .post(
            "/metrics",
            json!({"title": "Demographic parity difference", "direction": "lower",
                   "warning": 0.05, "critical": 0.1, "interval": "weekly"}),
        )
        .await;
    c.post(
        &format!("/metrics/{}/links", id(&m)),
        json!({"relation": "measures", "to": id(&sys)}),
    )
    .await;
    let day = aims_app::domain::date::add_days(&t.app.today(), -1).unwrap();
    let dir = TempDir::new();
    let log = dir.path().join("predictions.csv");
    std::fs::write(&log, unfair_log(&day)).unwrap();
    let report = dir.path().join("fairness.json");
    let o = aims(
        &t,
        &[
            "monitor",
            "fairness",
            "--predictions",
            log.to_str().unwrap(),
            "--label",
            "label",
            "--prediction",
            "prediction",
            "--sensitive",
            "group",
            "--json",
            report.to_str().unwrap(),
            "--server",
            &t.base,
            "--token",
            &c.token,
            "--workspace",
            "acme",
            "--system",
            "Loan scoring",
            "--format",
            "json",
        ],
        &[],
    )
    .await;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        out["report"]["groupings"][0]["demographic_parity_difference"],
        0.5
    );
    let pushed = &out["pushed"]["measurements"][0];
    assert_eq!(pushed["metric"], "Demographic parity difference", "{out}");
    assert_eq!(pushed["level"], "critical", "{out}");
    // The report file is the one written locally.
    let written: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(written, out["report"]);

    // The metric is in breach, measured at the log's last moment.
    let (_, status) = c.get(&format!("/metrics/{}/status", id(&m))).await;
    assert_eq!(status["level"], "critical", "{status}");
    let (manager, _) = member_session(
        &t,
        "mia@example.org",
        "acme",
        aims_app::domain::Role::Manager,
    )
    .await;
    let html = manager
        .get(t.url("/w/acme"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let breaches = html.split("No metric in breach").next().unwrap_or("");
    assert!(
        breaches.contains(&format!(
            "/metrics/{}\">Demographic parity difference</a>",
            id(&m)
        )),
        "the dashboard lists the breach: {html}"
    );

    // The report is kept for the system: the API and its page show it.
    let (s, mon) = c.get(&format!("/systems/{}/monitoring", id(&sys))).await;
    assert_eq!(s, 200, "{mon}");
    assert_eq!(
        mon["latest"]["fairness"]["report"]["groupings"][0]["demographic_parity_difference"], 0.5,
        "{mon}"
    );
    assert!(mon["latest"]["drift"].is_null());

    // The report is evidence on A.6.2.6 for the system, covering the log's day.
    let ev = out["pushed"]["evidence"]["id"].as_str().unwrap();
    let (s, item) = c.get(&format!("/evidence/{ev}")).await;
    assert_eq!(s, 200, "{item}");
    assert_eq!(item["covers_from"], day.as_str(), "{item}");
    assert_eq!(item["covers_to"], day.as_str());
    assert!(item["title"]
        .as_str()
        .unwrap()
        .starts_with("Fairness report: predictions.csv"));
    // It counts as evidence on A.6.2.6, for the system.
    let (_, soa) = c.get("/soa").await;
    let line = crate::evidence::soa_line(&soa, "iso42001:A.6.2.6");
    assert_eq!(line["evidence"]["current"], 1, "{line}");
    assert_eq!(line["systems"], json!(["Loan scoring"]), "{line}");
    t.stop().await;
}
#[tokio::test]
async fn malformed_rows_are_counted_and_a_missing_column_stops_before_any_work() {
    let t = TestApp::new().await;
    let dir = TempDir::new();
    let log = dir.path().join("p.csv");
    std::fs::write(
        &log,
        "label,prediction,score,group\n1,1,0.5,A\n,1,0.5,A\n1,1,high,B\n1,1,0.5,\n1,1\n0,0,0.1,B\n",
    )
    .unwrap();
    let args = |sensitive: &'static str| {
        vec![
            "monitor".to_owned(),
            "fairness".into(),
            "--predictions".into(),
            log.display().to_string(),
            "--label".into(),
            "label".into(),
            "--prediction".into(),
            "prediction".into(),
            "--score".into(),
            "score".into(),
            "--sensitive".into(),
            sensitive.into(),
        ]
    };
    let mut a = args("group");
    a.extend(["--format".into(), "json".into()]);
    let o = t.run_cli(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["input"]["rows"], 6);
    assert_eq!(r["input"]["rows_used"], 2);
    assert_eq!(
        r["input"]["rejected"],
        json!({"missing_label": 1, "non_numeric_score": 1, "empty_group": 1, "wrong_column_count": 1})
    );
    // The table names the reasons too.
    let o = t.run_cli(&args("group").iter().map(String::as_str).collect::<Vec<_>>());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("set aside: empty_group 1"), "{text}");
    assert!(text.contains("demographic parity"), "{text}");
    // A column that is not there: a clear error, nothing computed.
    let o = t.run_cli(
        &args("group,region")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no column \"region\""), "{err}");
    assert!(o.stdout.is_empty());
    t.stop().await;
}

#[tokio::test]
async fn drift_names_the_columns_that_moved() {
    let t = TestApp::new().await;
    let dir = TempDir::new();
    let (r, c) = (dir.path().join("r.csv"), dir.path().join("c.csv"));
    let mut rs = "ts,amount,channel,stable\n".to_owned();
    let mut cs = rs.clone();
    for i in 0..2000 {
        let ch = ["web", "app", "branch"][i % 3];
        rs.push_str(&format!("{i},{},{ch},{}\n", (i % 100) as f64 * 1.5, i % 50));
        let ch = if i % 2 == 0 { "web" } else { "phone" };
        cs.push_str(&format!(
            "{i},{},{ch},{}\n",
            (i % 100) as f64 * 1.5 + 40.0,
            i % 50
        ));
    }
    std::fs::write(&r, rs).unwrap();
    std::fs::write(&c, cs).unwrap();
    let json_out = dir.path().join("drift.json");
    let o = t.run_cli(&[
        "monitor",
        "drift",
        "--reference",
        r.to_str().unwrap(),
        "--current",
        c.to_str().unwrap(),
        "--json",
        json_out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("2 of 3 columns drifted"), "{text}");
    let rep: Value = serde_json::from_slice(&std::fs::read(&json_out).unwrap()).unwrap();
    let verdict: Vec<(String, bool, String)> = rep["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["column"].as_str().unwrap().to_owned(),
                c["drifted"].as_bool().unwrap(),
                c["stattest"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        verdict,
        vec![
            ("amount".into(), true, "wasserstein".into()),
            ("channel".into(), true, "jensenshannon".into()),
            ("stable".into(), false, "wasserstein".into()),
        ]
    );
    assert_eq!(rep["reference"]["time_range"]["column"], "ts");
    t.stop().await;
}
