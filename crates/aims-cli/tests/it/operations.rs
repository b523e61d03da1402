//! Running the AIMS day to day (issue #10): the kinds of record that keep
//! objectives, responsibilities, trainings, communication, suppliers,
//! commitments, incidents and changes, each through the shared record path.

use crate::helpers::{problem_fields, Caller, TestApp};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_serious_incident_counts_down_to_its_art_73_report() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let (s, inc) = c
        .post(
            "/incidents",
            json!({"title": "Chatbot advised a harmful dose", "type": "incident",
                   "occurred_on": "2026-11-27", "aware_on": "2026-11-28", "serious": "death"}),
        )
        .await;
    assert_eq!(s, 201, "{inc}");
    assert_eq!(inc["report_due"], "2026-12-08", "10 days after awareness");
    assert_eq!(inc["notification"], "pending");
    // The deadline is a duty: listed as due, and over once the report is sent.
    let (_, due) = c.get("/incidents?due_before=2026-12-09").await;
    assert_eq!(due["items"].as_array().unwrap().len(), 1, "{due}");
    let id = inc["id"].as_str().unwrap();
    let (s, v) = c
        .send(
            Method::PUT,
            &format!("/incidents/{id}"),
            Some(json!({"version": 1, "notification": "sent", "reported_on": "2026-12-01"})),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        v["report_due"], "2026-12-08",
        "kept to show when it was due"
    );
    let (_, due) = c.get("/incidents?due_before=2026-12-09").await;
    assert_eq!(due["items"].as_array().unwrap().len(), 0, "{due}");
    // The deadline is aims' to set; a serious incident needs its awareness day.
    let (s, p) = c
        .post(
            "/incidents",
            json!({"title": "x", "serious": "serious", "report_due": "2030-01-01"}),
        )
        .await;
    assert_eq!(s, 422, "{p}");
    let (s, p) = c
        .post("/incidents", json!({"title": "x", "serious": "widespread"}))
        .await;
    assert_eq!((s, problem_fields(&p)), (422, vec!["aware_on".to_owned()]));
    t.stop().await;
}

#[tokio::test]
async fn an_objective_takes_numbers_and_keeps_each_value_in_its_history() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let (s, o) = c
        .post(
            "/objectives",
            json!({"title": "Cut unfair loan declines", "measure": "Demographic parity gap",
                   "unit": "points", "direction": "lower_better", "baseline": 0.12,
                   "target": "0.05", "current": 0.12, "due": "2027-06-30", "status": "on_track"}),
        )
        .await;
    assert_eq!(s, 201, "{o}");
    assert_eq!(
        (o["baseline"].clone(), o["target"].clone()),
        (json!(0.12), json!(0.05))
    );
    let id = o["id"].as_str().unwrap();
    for (version, value) in [(1, 0.09), (2, 0.07)] {
        let (s, v) = c
            .send(
                Method::PUT,
                &format!("/objectives/{id}"),
                Some(json!({"version": version, "current": value})),
            )
            .await;
        assert_eq!(s, 200, "{v}");
    }
    let (_, h) = c.get(&format!("/objectives/{id}/history")).await;
    let items = h["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "created, then two updates: {h}");
    // Newest first: each update holds the value before and after.
    let progress: Vec<(f64, f64)> = items[..2]
        .iter()
        .map(|e| {
            let pair = &e["change"]["current"];
            (pair[0].as_f64().unwrap(), pair[1].as_f64().unwrap())
        })
        .collect();
    assert_eq!(progress, [(0.09, 0.07), (0.12, 0.09)], "{h}");
    let (s, p) = c
        .post("/objectives", json!({"title": "x", "target": "a lot"}))
        .await;
    assert_eq!((s, problem_fields(&p)), (422, vec!["target".to_owned()]));
    t.stop().await;
}

#[tokio::test]
async fn a_supplier_supplies_a_system_and_its_review_is_a_duty() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let (_, sys) = c.post("/systems", json!({"name": "Claims triage"})).await;
    let (s, sup) = c
        .post(
            "/suppliers",
            json!({"title": "Acme Model API", "type": "model_api", "risk_rating": "high",
                   "due_diligence": "answered", "next_review": "2026-01-31"}),
        )
        .await;
    assert_eq!(s, 201, "{sup}");
    let (s, l) = c
        .post(
            &format!("/suppliers/{}/links", sup["id"].as_str().unwrap()),
            json!({"relation": "supplies", "to": sys["id"]}),
        )
        .await;
    assert_eq!(s, 201, "{l}");
    let (_, links) = c
        .get(&format!("/systems/{}/links", sys["id"].as_str().unwrap()))
        .await;
    assert!(links.to_string().contains("supplied by"), "{links}");
    let (_, overdue) = c
        .get(&format!("/suppliers?due_before={}", t.app.today()))
        .await;
    assert_eq!(overdue["items"].as_array().unwrap().len(), 1);
    t.stop().await;
}

#[tokio::test]
async fn the_incident_page_counts_down_and_the_objective_page_draws_progress() {
    let t = TestApp::new().await;
    let (b, _) = crate::helpers::member_session(
        &t,
        "carol@example.org",
        "acme",
        aims_app::domain::Role::Contributor,
    )
    .await;
    let c = Caller::new(&t, "contributor").await;
    let aware = aims_app::domain::date::add_days(&t.app.today(), -3).unwrap();
    let (_, inc) = c
        .post(
            "/incidents",
            json!({"title": "Wrong advice", "aware_on": aware, "serious": "serious"}),
        )
        .await;
    let html = crate::helpers::fetch_text(
        &b,
        &t.url(&format!(
            "/w/acme/incidents/{}",
            inc["id"].as_str().unwrap()
        )),
    )
    .await;
    assert!(html.contains("Art. 73): in 12 days"), "{html}");
    let (_, o) = c
        .post(
            "/objectives",
            json!({"title": "Fewer escalations", "unit": "<b>%</b>", "current": 30, "target": 10}),
        )
        .await;
    let id = o["id"].as_str().unwrap();
    let page = format!("/w/acme/objectives/{id}");
    let before = crate::helpers::fetch_text(&b, &t.url(&page)).await;
    assert!(
        !before.contains("<svg class=\"chart\""),
        "one value: no chart yet"
    );
    // A second value on a later day draws the line (through the injected clock).
    let later = aims_app::domain::date::add_days(&t.app.today(), 7).unwrap();
    let secs = aims_app::domain::date::day_number(&later).unwrap() * 86_400 + 43_200;
    let app = t
        .app
        .clone()
        .with_clock(std::sync::Arc::new(aims_app::FixedClock(
            (std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs as u64)).into(),
        )));
    let acme = t.scope("acme").await;
    app.update_record(
        &acme,
        &aims_app::domain::record::OBJECTIVES,
        id,
        1,
        aims_app::domain::record::Input::Json(json!({"current": 22}).as_object().unwrap()),
    )
    .await
    .unwrap();
    let after = crate::helpers::fetch_text(&b, &t.url(&page)).await;
    assert!(after.contains("<svg class=\"chart\""), "{after}");
    assert!(
        after.contains("30 &lt;b&gt;%&lt;/b&gt; on") && after.contains("target 10"),
        "{after}"
    );
    assert!(!after.contains("<b>%</b>"), "the unit is escaped");
    t.stop().await;
}
