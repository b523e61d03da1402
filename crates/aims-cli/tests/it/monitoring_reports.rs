//! Monitoring reports (issue #13) filed on an AI system through the API:
//! the latest of each kind read back with its report, the system's page
//! showing the fairness and drift tables and the linked metrics' trends,
//! the role rule, workspaces kept apart, field-naming refusals and the size
//! limit.

use crate::helpers::{member_session, problem_fields, Caller, SystemsExt, TestApp};
use aims_app::domain::Role;
use reqwest::Method;
use serde_json::{json, Value};

/// A fairness report as `aims monitor fairness --json` writes it: two
/// groupings, the second (sex × age band) with the larger gap.
pub fn fairness_report() -> Value {
    let group = |values: Value, count: u64, sr: f64, acc: f64, tpr: f64, fpr: Value| {
        json!({"values": values, "count": count, "selection_rate": sr, "accuracy": acc,
               "true_positive_rate": tpr, "false_positive_rate": fpr, "mean_score": 0.5})
    };
    json!({
        "kind": "fairness",
        "input": {"file": "predictions.csv", "format": "csv", "bytes": 4096, "rows": 120, "rows_used": 118,
                  "rejected": {"missing_label": 2},
                  "time_range": {"column": "ts", "from": "2026-01-01T00:00:00Z", "to": "2026-01-31T23:30:00Z"}},
        "label": "label", "prediction": "prediction", "score": "score", "positive": "1", "negative": "0",
        "overall": {"count": 118, "selection_rate": 0.5, "accuracy": 0.875, "true_positive_rate": 0.9,
                    "false_positive_rate": 0.125, "mean_score": 0.5},
        "groupings": [
            {"sensitive": ["sex"],
             "groups": [group(json!(["F"]), 60, 0.55, 0.9, 0.95, json!(0.15)),
                        group(json!(["M"]), 58, 0.4482758620689655, 0.85, 0.85, json!(0.1))],
             "by_metric": {"selection_rate": {"difference": 0.1017, "ratio": 0.815}},
             "demographic_parity_difference": 0.10172413793103449, "demographic_parity_ratio": 0.8150470219435737,
             "equalized_odds_difference": 0.1, "equalized_odds_ratio": 0.6666666666666666},
            {"sensitive": ["sex", "age_band"],
             "groups": [group(json!(["F", "young"]), 30, 0.7, 0.9, 1.0, json!(0.25)),
                        group(json!(["M", "old"]), 28, 0.25, 0.8, 0.5, Value::Null)],
             "by_metric": {},
             "demographic_parity_difference": 0.45, "demographic_parity_ratio": 0.35714285714285715,
             "equalized_odds_difference": 0.5, "equalized_odds_ratio": null}
        ]
    })
}

/// A drift report as `aims monitor drift --json` writes it: two of three
/// columns drifted.
pub fn drift_report() -> Value {
    let input = |file: &str, from: &str, to: &str| {
        json!({"file": file, "format": "csv", "bytes": 2048, "rows": 500, "rows_used": 500, "rejected": {},
               "time_range": {"column": "ts", "from": from, "to": to}})
    };
    let values = json!({"values": 500, "missing": 0, "non_numeric": 0});
    json!({
        "kind": "drift",
        "reference": input("reference.csv", "2025-12-01T00:00:00Z", "2025-12-31T00:00:00Z"),
        "current": input("current.csv", "2026-02-01T00:00:00Z", "2026-02-28T12:00:00Z"),
        "columns": [
            {"column": "income", "kind": "numeric", "reference": values, "current": values,
             "bins": {"kind": "edges", "edges": [0.0, 1.0, 2.0]}, "reference_shares": [0.5, 0.5], "current_shares": [0.2, 0.8],
             "psi": 0.3665129205816643, "jensenshannon": 0.2182, "ks_statistic": 0.31, "ks_pvalue": 0.0003,
             "ks_method": "exact", "wasserstein_norm": 0.4123, "stattest": "wasserstein", "threshold": 0.1,
             "score": 0.4123, "drifted": true},
            {"column": "region", "kind": "categorical", "reference": values, "current": values,
             "bins": {"kind": "values", "values": ["north", "south"]}, "reference_shares": [0.5, 0.5],
             "current_shares": [0.3, 0.7], "psi": 0.1695, "jensenshannon": 0.1441, "stattest": "jensenshannon",
             "threshold": 0.1, "score": 0.1441, "drifted": true},
            {"column": "age", "kind": "numeric", "reference": values, "current": values,
             "bins": {"kind": "edges", "edges": [18.0, 40.0, 90.0]}, "reference_shares": [0.5, 0.5],
             "current_shares": [0.49, 0.51], "psi": 0.0004, "jensenshannon": 0.0071, "ks_statistic": 0.02,
             "ks_pvalue": 0.98, "ks_method": "exact", "wasserstein_norm": 0.0123, "stattest": "wasserstein",
             "threshold": 0.1, "score": 0.0123, "drifted": false}
        ],
        "drifted_columns": 2,
        "share_drifted": 0.6666666666666666
    })
}

fn path(system: &str) -> String {
    format!("/systems/{system}/monitoring")
}

async fn system(t: &TestApp, ws: &str, name: &str) -> String {
    t.app
        .create_system(&t.scope(ws).await, name, "Scores loan applications")
        .await
        .unwrap()
        .id
}

async fn head(t: &TestApp) -> i64 {
    let mut c = t.app.store.conn().await.unwrap();
    c.conn().history_head().await.unwrap().seq
}

#[tokio::test]
async fn a_filed_report_is_read_back_as_the_latest_of_its_kind() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let id = system(&t, "acme", "Loan scoring").await;
    let (status, empty) = c.get(&path(&id)).await;
    assert_eq!(status, 200);
    assert_eq!(
        empty,
        json!({"latest": {"fairness": null, "drift": null}, "items": []})
    );

    let (status, filed) = c.post(&path(&id), fairness_report()).await;
    assert_eq!(status, 201, "{filed}");
    assert_eq!(filed["kind"], "fairness");
    assert_eq!(
        filed["summary"],
        "demographic parity difference 0.4500 (sex × age_band)"
    );
    assert!(filed["created_at"].as_str().unwrap().ends_with('Z'));
    let (_, read) = c.get(&path(&id)).await;
    let latest = &read["latest"]["fairness"];
    assert_eq!(latest["id"], filed["id"]);
    assert_eq!(latest["report"], fairness_report(), "kept as sent");
    assert_eq!(latest["time_from"], "2026-01-01T00:00:00Z");
    assert_eq!(latest["time_to"], "2026-01-31T23:30:00Z");
    assert_eq!(latest["created_by"], "token:contributor");
    assert_eq!(read["latest"]["drift"], Value::Null);

    let (status, drift) = c.post(&path(&id), drift_report()).await;
    assert_eq!(status, 201, "{drift}");
    assert_eq!(drift["summary"], "2 of 3 columns drifted: income, region");
    let mut second = fairness_report();
    second["groupings"][1]["demographic_parity_difference"] = json!(0.05);
    let (_, newer) = c.post(&path(&id), second).await;
    assert_eq!(
        newer["summary"],
        "demographic parity difference 0.1017 (sex)"
    );
    let (_, read) = c.get(&path(&id)).await;
    assert_eq!(read["latest"]["fairness"]["id"], newer["id"]);
    assert_eq!(read["latest"]["drift"]["id"], drift["id"]);
    assert_eq!(read["latest"]["drift"]["time_from"], "2026-02-01T00:00:00Z");
    let items: Vec<&Value> = read["items"].as_array().unwrap().iter().collect();
    assert_eq!(
        items.iter().map(|i| &i["id"]).collect::<Vec<_>>(),
        [&newer["id"], &drift["id"], &filed["id"]],
        "newest first"
    );
    assert!(
        items.iter().all(|i| i.get("report").is_none()),
        "the list leaves the reports out"
    );
    assert_eq!(items[1]["kind"], "drift");

    // Each report is an event in the system's hash-chained history.
    let (_, history) = c.get(&format!("/systems/{id}/history")).await;
    let events: Vec<&Value> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "monitoring_report")
        .collect();
    assert_eq!(events.len(), 3, "{history}");
    assert_eq!(events[0]["change"]["report"], newer["id"]);
    assert_eq!(events[0]["change"]["kind"], "fairness");
    assert_eq!(events[0]["change"]["summary"], newer["summary"]);
    assert!(t.app.verify_history(None).await.unwrap().error.is_none());
    t.stop().await;
}

#[tokio::test]
async fn the_system_page_shows_the_tables_and_the_metric_trends() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let id = system(&t, "acme", "Loan scoring").await;
    let (b, _) = member_session(&t, "reader@example.org", "acme", Role::Auditor).await;
    let page = format!("/w/acme/inventory/{id}");

    let empty = crate::helpers::fetch_text(&b, &t.url(&page)).await;
    assert!(
        empty.contains("id=\"monitoring-h\""),
        "the section is there"
    );
    assert!(
        empty.contains("No fairness or drift results yet")
            && empty.contains("aims monitor fairness --predictions"),
        "says how to get results"
    );

    assert_eq!(c.post(&path(&id), fairness_report()).await.0, 201);
    assert_eq!(c.post(&path(&id), drift_report()).await.0, 201);
    let (_, metric) = c
        .post(
            "/metrics",
            json!({"title": "Demographic parity difference", "direction": "lower", "critical": 0.2}),
        )
        .await;
    let mid = metric["id"].as_str().unwrap();
    c.post(
        &format!("/metrics/{mid}/links"),
        json!({"relation": "measures", "to": id}),
    )
    .await;
    let day = |n: i64| aims_app::domain::date::add_days(&t.app.today(), -n).unwrap();
    let (status, _) = c
        .post(
            &format!("/metrics/{mid}/measurements"),
            json!({"items": [{"value": 0.12, "measured_at": day(20)}, {"value": 0.45, "measured_at": day(2)}]}),
        )
        .await;
    assert_eq!(status, 201);

    let html = crate::helpers::fetch_text(&b, &t.url(&page)).await;
    // Fairness: each grouping's groups with their rates to 4 decimals, then the gaps.
    for text in [
        "<caption>Groups by sex</caption>",
        "<caption>Groups by sex × age_band</caption>",
        "<th scope=\"row\">F × young</th>",
        "<th scope=\"col\" class=\"num\">Selection rate</th>",
        "<td class=\"num\">0.4483</td>",
        "<td class=\"num\">0.7000</td>",
        "<dd>0.1017</dd>",
        "<dd>0.8150</dd>",
        "<dd>0.4500</dd>",
        "<dd>0.6667</dd>",
        "demographic parity difference 0.4500 (sex × age_band)",
        "118 of 120 rows used",
    ] {
        assert!(html.contains(text), "{text} in the page");
    }
    assert!(
        html.contains("<td class=\"num\">—</td>"),
        "a number not computed is a dash"
    );
    // Drift: one row per column, drifted ones flagged; no bins or shares.
    for text in [
        "<caption>Drift by column, current log against reference</caption>",
        "<tr class=\"flagged\"><th scope=\"row\">income</th><td>numeric</td><td>wasserstein</td><td class=\"num\">0.4123</td><td class=\"num\">0.1000</td><td><strong>yes</strong></td><td class=\"num\">0.3665</td><td class=\"num\">0.2182</td><td class=\"num\">0.0003</td><td class=\"num\">0.4123</td></tr>",
        "<th scope=\"row\">age</th>",
        "<td class=\"num\">0.9800</td>",
        "2 of 3 columns drifted: income, region",
        "current log from 1 Feb 2026, 00:00 UTC to 28 Feb 2026, 12:00 UTC",
    ] {
        assert!(html.contains(text), "{text} in the page");
    }
    assert!(
        !html.contains("0.3665129205816643") && !html.contains("north"),
        "4 decimals, no bins"
    );
    // The linked metric's trend, drawn by the metric chart.
    assert!(
        html.contains("aria-labelledby=\"trend-0-title trend-0-desc\""),
        "the trend is an accessible SVG"
    );
    assert!(html.contains("Demographic parity difference over the last year"));
    assert!(html.contains("2 values"));
    assert!(!html.contains("No fairness or drift results yet"));
    // The history on the page says what was filed.
    assert!(html.contains("Drift report: 2 of 3 columns drifted"));
    t.stop().await;
}

#[tokio::test]
async fn a_reader_reads_reports_but_cannot_file_them() {
    let t = TestApp::new().await;
    let id = system(&t, "acme", "Loan scoring").await;
    let reader = Caller::new(&t, "auditor").await;
    let before = head(&t).await;
    let (status, p) = reader.post(&path(&id), fairness_report()).await;
    assert_eq!(status, 403, "{p}");
    assert_eq!(head(&t).await, before, "nothing was written");
    let (status, read) = reader.get(&path(&id)).await;
    assert_eq!(status, 200);
    assert_eq!(read["items"], json!([]));
    // A manager files too; the reader then sees it.
    let manager = Caller::new(&t, "manager").await;
    assert_eq!(manager.post(&path(&id), drift_report()).await.0, 201);
    let (_, read) = reader.get(&path(&id)).await;
    assert_eq!(read["items"].as_array().unwrap().len(), 1);
    t.stop().await;
}

#[tokio::test]
async fn another_workspaces_system_is_not_found() {
    let t = TestApp::new().await;
    t.add_workspace("other").await;
    let foreign = system(&t, "other", "Theirs").await;
    let ours = system(&t, "acme", "Ours").await;
    let c = Caller::new(&t, "manager").await;
    for (status, p) in [
        c.post(&path(&foreign), fairness_report()).await,
        c.get(&path(&foreign)).await,
        c.get(&path("not-an-id")).await,
    ] {
        assert_eq!(status, 404, "{p}");
    }
    // A record of another kind is no system either.
    let (_, risk) = c.post("/risks", json!({"title": "A risk"})).await;
    let risk_path = path(risk["id"].as_str().unwrap());
    assert_eq!(c.post(&risk_path, fairness_report()).await.0, 404);
    // Their token does not reach our system.
    let theirs = t.token("other", "manager").await;
    let r = t
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/acme{}", path(&ours)),
            Some(&theirs),
            None,
        )
        .await;
    r.problem(404);
    let r = t
        .call(
            Method::POST,
            &format!("/api/v1/workspaces/other{}", path(&ours)),
            Some(&theirs),
            Some(fairness_report()),
        )
        .await;
    r.problem(404);
    t.stop().await;
}

#[tokio::test]
async fn a_report_of_the_wrong_shape_is_refused_naming_the_field() {
    let t = TestApp::new().await;
    let id = system(&t, "acme", "Loan scoring").await;
    let token = t.token("acme", "contributor").await;
    let url = format!("/api/v1/workspaces/acme{}", path(&id));
    let refused = |body: Value| {
        let (t, url, token) = (&t, &url, &token);
        async move {
            let r = t.call(Method::POST, url, Some(token), Some(body)).await;
            problem_fields(&r.problem(422))
        }
    };
    let mut bias = fairness_report();
    bias["kind"] = json!("bias");
    assert_eq!(refused(bias).await, ["kind"]);
    let mut no_kind = drift_report();
    no_kind.as_object_mut().unwrap().remove("kind");
    assert_eq!(refused(no_kind).await, ["kind"]);
    let mut no_groupings = fairness_report();
    no_groupings.as_object_mut().unwrap().remove("groupings");
    assert_eq!(refused(no_groupings).await, ["groupings"]);
    let mut bad_group = fairness_report();
    bad_group["groupings"][1]["groups"][0]["count"] = json!("thirty");
    assert_eq!(refused(bad_group).await, ["groupings[1].groups[0].count"]);
    let mut bad_column = drift_report();
    bad_column["columns"][2]
        .as_object_mut()
        .unwrap()
        .remove("drifted");
    bad_column["columns"][0]["score"] = json!("high");
    assert_eq!(
        refused(bad_column).await,
        ["columns[0].score", "columns[2].drifted"]
    );
    assert_eq!(refused(json!([1, 2])).await, ["body"]);
    // Syntax is a 400; a repeated key is a 422 naming it.
    let send = |body: &'static str| {
        t.client
            .post(t.url(&url))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    assert_eq!(send("{\"kind\": ").await.unwrap().status(), 400);
    let r = crate::helpers::Resp::from(
        send("{\"kind\": \"drift\", \"kind\": \"fairness\"}")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(problem_fields(&r.problem(422)), ["kind"]);
    let (_, read) = Caller::new(&t, "auditor").await.get(&path(&id)).await;
    assert_eq!(read["items"], json!([]), "nothing was kept");
    t.stop().await;
}

#[tokio::test]
async fn a_report_over_two_mebibytes_is_refused() {
    let t = TestApp::new().await;
    let id = system(&t, "acme", "Loan scoring").await;
    let c = Caller::new(&t, "contributor").await;
    let limit = aims_app::REPORT_MAX_BYTES;
    let padded = |bytes: usize| {
        let mut r = drift_report();
        let base = r.to_string().len();
        r["columns"][0]["note"] = json!("x".repeat(bytes - base - ",\"note\":\"\"".len()));
        assert_eq!(r.to_string().len(), bytes);
        r
    };
    let before = head(&t).await;
    let (status, p) = c.post(&path(&id), padded(limit + 1)).await;
    assert_eq!(status, 413, "{p}");
    assert!(
        p["detail"].as_str().unwrap().contains("2097152"),
        "names the limit: {p}"
    );
    assert_eq!(head(&t).await, before);
    // Right at the limit it is kept, extra fields and all.
    let (status, filed) = c.post(&path(&id), padded(limit)).await;
    assert_eq!(status, 201, "{filed}");
    let (_, read) = c.get(&path(&id)).await;
    assert_eq!(
        read["latest"]["drift"]["report"]["columns"][0]["note"]
            .as_str()
            .unwrap()
            .len(),
        limit - drift_report().to_string().len() - ",\"note\":\"\"".len()
    );
    t.stop().await;
}

#[test]
fn both_operations_are_in_the_openapi_document_for_the_matrix() {
    // The authorization matrix calls every documented operation as every
    // kind of caller; these two declare what they require.
    let doc: Value = serde_json::from_str(&aims_web::openapi_json()).unwrap();
    let ops = &doc["paths"]["/api/v1/workspaces/{workspace}/systems/{id}/monitoring"];
    assert_eq!(ops["post"]["x-aims-requires"], "update");
    assert_eq!(ops["get"]["x-aims-requires"], "read");
    assert_eq!(
        ops["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/MonitoringReportIn"
    );
    let example = &doc["components"]["schemas"]["MonitoringReportIn"]["example"];
    assert!(
        aims_app::domain::monitoring::read_report(example).is_ok(),
        "the documented example is a report the server takes"
    );
    for code in ["201", "403", "404", "413", "422"] {
        assert!(ops["post"]["responses"].get(code).is_some(), "{code}");
    }
}
