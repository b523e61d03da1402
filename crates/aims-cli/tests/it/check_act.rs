//! Check and act (issue #11): an audit finding becomes a nonconformity in
//! one step, its closing waits for an independent effectiveness check and
//! a manager, and the chain reads from each end; an auditor cannot audit
//! their own area; a metric past its critical threshold alerts and opens
//! one nonconformity per breach episode, and goes stale when silent; a
//! management review lists its inputs without typing and is locked once
//! signed off.

use crate::helpers::{member_session, problem_fields, Caller, TestApp};
use aims_app::domain::Role;
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::Arc;

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// The other ends of a record's links, as `(relation, title)`.
async fn linked(c: &Caller<'_>, path: &str) -> Vec<(String, String)> {
    let (_, l) = c.get(&format!("{path}/links")).await;
    l["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["relation"].as_str().unwrap().to_owned(),
                l["other"]["title"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Posts a record page's form (fields left out keep their value).
async fn page_edit(
    t: &TestApp,
    (client, csrf): &(reqwest::Client, String),
    path: &str,
    version: i64,
    fields: &[(&str, &str)],
) -> u16 {
    let mut form: Vec<(String, String)> = vec![
        ("csrf".into(), csrf.clone()),
        ("version".into(), version.to_string()),
    ];
    form.extend(
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    let r = client.post(t.url(path)).form(&form).send().await.unwrap();
    r.status().as_u16()
}

#[tokio::test]
async fn a_major_finding_becomes_a_nonconformity_closed_only_after_an_independent_check() {
    let t = TestApp::new().await;
    let dana = member_session(&t, "dana@example.org", "acme", Role::Contributor).await;
    let eve = member_session(&t, "eve@example.org", "acme", Role::Contributor).await;
    let mia = member_session(&t, "mia@example.org", "acme", Role::Manager).await;
    let c = Caller::new(&t, "contributor").await;
    let (s, audit) = c
        .post("/audits", json!({"title": "Internal audit Q3", "type": "internal", "status": "completed", "end_on": "2026-09-30"}))
        .await;
    assert_eq!(s, 201, "{audit}");
    let (s, finding) = c
        .post(
            "/findings",
            json!({"title": "Drift monitoring has no thresholds", "grade": "major_nc",
               "requirement": "A.6.2.6", "objective_evidence": "Dashboards without alerting"}),
        )
        .await;
    assert_eq!(s, 201, "{finding}");
    let fid = id(&finding);
    assert_eq!(
        c.post(
            &format!("/findings/{fid}/links"),
            json!({"relation": "found_in", "to": id(&audit)})
        )
        .await
        .0,
        201
    );
    // An observation is not raised.
    let (_, obs) = c
        .post(
            "/findings",
            json!({"title": "Naming is inconsistent", "grade": "observation"}),
        )
        .await;
    let (s, p) = c
        .post(&format!("/findings/{}/raise", id(&obs)), json!({}))
        .await;
    assert_eq!((s, problem_fields(&p)), (422, vec!["grade".to_owned()]));
    // One step: the nonconformity, linked from the finding.
    let (s, nc) = c.post(&format!("/findings/{fid}/raise"), json!({})).await;
    assert_eq!(s, 201, "{nc}");
    assert_eq!(
        (
            nc["grade"].as_str(),
            nc["source"].as_str(),
            nc["requirement"].as_str()
        ),
        (Some("major"), Some("audit"), Some("A.6.2.6"))
    );
    let ncid = id(&nc);
    assert_eq!(
        c.post(&format!("/findings/{fid}/raise"), json!({})).await.0,
        409,
        "raised once"
    );
    let (_, f) = c.get(&format!("/findings/{fid}")).await;
    assert_eq!(f["status"], "raised");
    // A corrective action owned by Dana.
    let (_, action) = c
        .post("/corrective-actions", json!({"title": "Add drift thresholds and alerts", "owner": "dana@example.org", "due_on": "2026-12-15"}))
        .await;
    let aid = id(&action);
    assert_eq!(
        c.post(
            &format!("/nonconformities/{ncid}/links"),
            json!({"relation": "corrected_by", "to": aid})
        )
        .await
        .0,
        201
    );
    // The chain reads from each end.
    assert!(linked(&c, &format!("/findings/{fid}")).await.contains(&(
        "raised_as".into(),
        "Drift monitoring has no thresholds".into()
    )));
    let from_nc = linked(&c, &format!("/nonconformities/{ncid}")).await;
    assert!(
        from_nc.contains(&(
            "raised_as".into(),
            "Drift monitoring has no thresholds".into()
        )),
        "{from_nc:?}"
    );
    assert!(
        from_nc.contains(&(
            "corrected_by".into(),
            "Add drift thresholds and alerts".into()
        )),
        "{from_nc:?}"
    );
    assert!(linked(&c, &format!("/corrective-actions/{aid}"))
        .await
        .contains(&(
            "corrected_by".into(),
            "Drift monitoring has no thresholds".into()
        )));
    let path = format!("/w/acme/nonconformities/{ncid}");
    // An API token cannot record the check: it names no person.
    let (s, p) = c
        .put(
            &format!("/nonconformities/{ncid}"),
            json!({"version": 1, "verification": "effective"}),
        )
        .await;
    assert_eq!(
        (s, problem_fields(&p)),
        (422, vec!["verification".to_owned()])
    );
    // Nor can a spreadsheet close one behind the workflow's back.
    let csv = format!("id,title,status,verification\n{ncid},Drift monitoring has no thresholds,closed,effective\n");
    let r = reqwest::Client::new()
        .post(t.url("/api/v1/workspaces/acme/nonconformities/import?file_name=nc.csv"))
        .bearer_auth(&c.token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422, "{}", r.text().await.unwrap());
    // The action's owner cannot verify it; someone else can.
    assert_eq!(
        page_edit(&t, &dana, &path, 1, &[("verification", "effective")]).await,
        422
    );
    assert_eq!(
        page_edit(&t, &eve, &path, 1, &[("verification", "effective")]).await,
        303
    );
    let (_, v) = c.get(&format!("/nonconformities/{ncid}")).await;
    assert_eq!(
        (v["verifier"].as_str(), v["verification"].as_str()),
        (Some("eve@example.org"), Some("effective")),
        "{v}"
    );
    assert_eq!(v["verified_on"], t.app.today());
    // Only a manager closes it.
    assert_eq!(
        page_edit(&t, &eve, &path, 2, &[("status", "closed")]).await,
        422
    );
    assert_eq!(
        page_edit(&t, &mia, &path, 2, &[("status", "closed")]).await,
        303
    );
    let (_, v) = c.get(&format!("/nonconformities/{ncid}")).await;
    assert_eq!(
        (v["status"].as_str(), v["closed_on"].as_str()),
        (Some("closed"), Some(t.app.today().as_str()))
    );
    // A later audit finds the same: the nonconformity reopens, its check starts over.
    let (_, again) = c.post("/findings", json!({"title": "Still no drift alerts", "grade": "minor_nc", "requirement": "a.6.2.6"})).await;
    let (s, re) = c
        .post(&format!("/findings/{}/raise", id(&again)), json!({}))
        .await;
    assert_eq!(s, 201, "{re}");
    assert_eq!(id(&re), ncid);
    assert_eq!(
        (re["status"].as_str(), re["verification"].as_str()),
        (Some("reopened"), None),
        "{re}"
    );
    t.stop().await;
}

#[tokio::test]
async fn an_auditor_cannot_audit_their_own_area() {
    let t = TestApp::new().await;
    member_session(&t, "dana@example.org", "acme", Role::Contributor).await;
    member_session(&t, "olaf@example.org", "acme", Role::Contributor).await;
    let c = Caller::new(&t, "contributor").await;
    let (_, own) = c
        .post(
            "/systems",
            json!({"name": "Credit scoring", "owner": "dana@example.org"}),
        )
        .await;
    let (_, other) = c
        .post(
            "/systems",
            json!({"name": "Chatbot", "owner": "olaf@example.org"}),
        )
        .await;
    let (_, audit) = c
        .post(
            "/audits",
            json!({"title": "Audit of credit AI", "owner": "dana@example.org"}),
        )
        .await;
    let aid = id(&audit);
    let (s, p) = c
        .post(
            &format!("/audits/{aid}/links"),
            json!({"relation": "audits_scope", "to": id(&own)}),
        )
        .await;
    assert_eq!(s, 422, "{p}");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("dana@example.org owns “Credit scoring”"),
        "{p}"
    );
    assert_eq!(
        c.post(
            &format!("/audits/{aid}/links"),
            json!({"relation": "audits_scope", "to": id(&other)})
        )
        .await
        .0,
        201
    );
    // Naming the chatbot's owner among the auditors is refused too.
    let (s, p) = c
        .send(
            Method::PUT,
            &format!("/audits/{aid}"),
            Some(json!({"version": 1, "auditors": "Olaf@example.org, an external auditor"})),
        )
        .await;
    assert_eq!(
        (s, problem_fields(&p)),
        (422, vec!["owner".to_owned()]),
        "{p}"
    );
    let (_, a) = c.get(&format!("/audits/{aid}")).await;
    assert_eq!(a["version"], 1, "nothing written");
    t.stop().await;
}

#[tokio::test]
async fn a_critical_value_opens_one_nonconformity_per_breach_episode() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let (s, m) = c
        .post(
            "/metrics",
            json!({"title": "Scoring accuracy", "unit": "ratio", "direction": "higher",
               "warning": 0.9, "critical": 0.8, "interval": "daily", "on_breach": "nonconformity"}),
        )
        .await;
    assert_eq!(s, 201, "{m}");
    let mid = id(&m);
    // Thresholds in the wrong order for the direction are refused.
    let (s, p) = c
        .post(
            "/metrics",
            json!({"title": "Upside down", "direction": "higher", "warning": 0.8, "critical": 0.9}),
        )
        .await;
    assert_eq!((s, problem_fields(&p)), (422, vec!["critical".to_owned()]));
    let path = format!("/metrics/{mid}/measurements");
    let day = |d: i64| {
        format!(
            "{}T12:00:00Z",
            aims_app::domain::date::add_days(&t.app.today(), d).unwrap()
        )
    };
    let (s, r) = c
        .post(
            &path,
            json!({"items": [
            {"value": 0.95, "measured_at": day(-6)}, {"value": 0.85, "measured_at": day(-5)},
            {"value": 0.75, "measured_at": day(-4)}, {"value": 0.7, "measured_at": day(-3)}]}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(
        (r["accepted"].as_u64(), r["level"].as_str()),
        (Some(4), Some("critical"))
    );
    assert_eq!(r["raised"].as_array().unwrap().len(), 1, "{r}");
    // Still the same episode: nothing more is opened.
    let (_, r) = c
        .post(&path, json!({"value": 0.6, "measured_at": day(-2)}))
        .await;
    assert_eq!(r["raised"].as_array().unwrap().len(), 0, "{r}");
    // Back to normal, then critical again: a second episode, a second one.
    let (_, r) = c
        .post(&path, json!({"items": [{"value": 0.97, "measured_at": day(-1)}, {"value": 0.5, "measured_at": day(0).replace("12:00", "00:00")}]}))
        .await;
    assert_eq!(r["raised"].as_array().unwrap().len(), 1, "{r}");
    let (_, ncs) = c.get("/nonconformities?source=metric").await;
    let items = ncs["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{ncs}");
    assert!(
        items
            .iter()
            .all(|n| n["description"].as_str().unwrap().contains("reached 0.")),
        "{ncs}"
    );
    // Two episodes, each with the record it opened.
    let (_, st) = c.get(&format!("/metrics/{mid}/status")).await;
    let episodes = st["episodes"].as_array().unwrap();
    assert_eq!(episodes.len(), 2, "{st}");
    assert!(
        episodes
            .iter()
            .all(|e| e[1] == "critical" && e[2].is_string()),
        "{st}"
    );
    assert!(items[0]["title"]
        .as_str()
        .unwrap()
        .contains("Scoring accuracy"));
    assert!(
        linked(&c, &format!("/metrics/{mid}"))
            .await
            .iter()
            .filter(|(r, _)| r == "raised")
            .count()
            == 2
    );
    // The breach is in the owner's (here: everyone's) work list.
    let (_, work) = c.get("/tasks?owner=all").await;
    assert!(work.to_string().contains("Threshold breached"), "{work}");
    // Bad values are refused whole, naming the item.
    let (s, p) = c
        .post(
            &path,
            json!({"items": [{"value": 0.9}, {"value": 0.9, "measured_at": "2999-01-01"}]}),
        )
        .await;
    assert_eq!(
        (s, problem_fields(&p)),
        (422, vec!["items[1].measured_at".to_owned()])
    );
    assert_eq!(c.post(&path, json!({"value": "high"})).await.0, 400);
    let (_, st) = c.get(&format!("/metrics/{mid}/status")).await;
    assert_eq!(st["count"], 7, "{st}");
    // A correction supersedes; the chart keeps the breaches.
    let (_, list) = c.get(&format!("{path}?limit=10")).await;
    let first = list["items"][0]["id"].as_str().unwrap().to_owned();
    let (s, _) = c
        .post(
            &path,
            json!({"value": 0.96, "measured_at": day(-6), "supersedes": first}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, p) = c
        .post(&path, json!({"value": 0.96, "supersedes": "nope"}))
        .await;
    assert_eq!(
        (s, problem_fields(&p)),
        (422, vec!["items[0].supersedes".to_owned()])
    );
    let (_, chart) = c.get(&format!("/metrics/{mid}/chart")).await;
    let points = chart["points"].as_array().unwrap();
    assert_eq!(
        chart["count"], 7,
        "the superseded value is not drawn: {chart}"
    );
    assert_eq!(
        points.iter().filter(|p| p["level"] == "critical").count(),
        4,
        "{chart}"
    );
    // Another workspace cannot read it.
    t.add_workspace("other").await;
    let other = t.token("other", "manager").await;
    let r = t
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/other/metrics/{mid}/status"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 404);
    // A metric silent for longer than its interval is stale (injected clock).
    let acme = t.scope("acme").await;
    let later = |days: i64| {
        t.app.clone().with_clock(Arc::new(aims_app::FixedClock(
            time::OffsetDateTime::now_utc() + time::Duration::days(days),
        )))
    };
    assert!(!later(0).metric_status(&acme, &mid).await.unwrap().stale);
    assert!(later(3).metric_status(&acme, &mid).await.unwrap().stale);
    t.stop().await;
}

#[tokio::test]
async fn a_management_review_lists_its_inputs_and_locks_once_signed_off() {
    let t = TestApp::new().await;
    member_session(&t, "dana@example.org", "acme", Role::Contributor).await;
    let c = Caller::new(&t, "contributor").await;
    let manager = Caller::new(&t, "manager").await;
    let today = t.app.today();
    let ago = |d: i64| aims_app::domain::date::add_days(&today, -d).unwrap();
    // The previous review decided an action, still open and overdue.
    let (_, prev) = c
        .post(
            "/reviews",
            json!({"title": "Management review H1", "held_on": ago(150), "status": "held"}),
        )
        .await;
    let (_, act) = c
        .post("/corrective-actions", json!({"title": "Fund a fairness audit", "owner": "dana@example.org", "due_on": ago(10)}))
        .await;
    assert_eq!(
        c.post(
            &format!("/reviews/{}/links", id(&prev)),
            json!({"relation": "decided", "to": id(&act)})
        )
        .await
        .0,
        201
    );
    // What happened since.
    c.post(
        "/nonconformities",
        json!({"title": "Stale model cards", "grade": "minor", "status": "open"}),
    )
    .await;
    let (_, audit) = c
        .post(
            "/audits",
            json!({"title": "Internal audit 2026", "status": "completed", "end_on": ago(20)}),
        )
        .await;
    let (_, f) = c
        .post(
            "/findings",
            json!({"title": "No supplier reviews", "grade": "minor_nc"}),
        )
        .await;
    c.post(
        &format!("/findings/{}/links", id(&f)),
        json!({"relation": "found_in", "to": id(&audit)}),
    )
    .await;
    let (_, m) = c
        .post(
            "/metrics",
            json!({"title": "Fairness gap", "direction": "lower", "critical": 0.1}),
        )
        .await;
    let mp = format!("/metrics/{}/measurements", id(&m));
    assert_eq!(
        c.post(
            &mp,
            json!({"value": 0.2, "measured_at": format!("{}T08:00:00Z", ago(5))})
        )
        .await
        .0,
        201
    );
    c.post("/objectives", json!({"title": "Explain every credit decision", "target": 100, "current": 62, "unit": "%"})).await;
    // Created today: the inputs come without typing.
    let (_, review) = c
        .post(
            "/reviews",
            json!({"title": "Management review H2", "scheduled_on": today}),
        )
        .await;
    let rid = id(&review);
    let (s, inputs) = c.get(&format!("/reviews/{rid}/inputs")).await;
    assert_eq!(s, 200, "{inputs}");
    let titles = |section: &str| -> Vec<String> {
        inputs[section]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(inputs["previous"]["title"], "Management review H1");
    assert_eq!(titles("carried_forward"), ["Fund a fairness audit"]);
    assert_eq!(
        inputs["carried_forward"][0]["flag"], true,
        "overdue: {inputs}"
    );
    assert!(titles("open_nonconformities").contains(&"Stale model cards".to_owned()));
    assert_eq!(titles("audits"), ["Internal audit 2026"]);
    assert!(
        inputs["audits"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("1 Minor nonconformity"),
        "{inputs}"
    );
    assert_eq!(titles("breaches"), ["Fairness gap"]);
    assert_eq!(
        inputs["objectives"][0]["detail"].as_str().unwrap().trim(),
        "62 of 100 %"
    );
    // The page shows them too.
    let (page, _) = member_session(&t, "mia@example.org", "acme", Role::Manager).await;
    let html = crate::helpers::fetch_text(&page, &t.url(&format!("/w/acme/reviews/{rid}"))).await;
    assert!(
        html.contains("Fund a fairness audit") && html.contains("Open nonconformities"),
        "{html}"
    );
    // Signed off only by a manager's approval, not by setting the status.
    let (s, p) = c
        .put(
            &format!("/reviews/{rid}"),
            json!({"version": 1, "status": "signed_off"}),
        )
        .await;
    assert_eq!((s, problem_fields(&p)), (422, vec!["status".to_owned()]));
    // Signed off once held, by a manager; then locked.
    let (s, p) = manager
        .post(&format!("/reviews/{rid}/approve"), json!({"version": 1}))
        .await;
    assert_eq!((s, problem_fields(&p)), (422, vec!["held_on".to_owned()]));
    let (s, r) = c.put(&format!("/reviews/{rid}"), json!({"version": 1, "held_on": today, "status": "held", "minutes": "Reviewed all inputs"})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(
        c.post(&format!("/reviews/{rid}/approve"), json!({"version": 2}))
            .await
            .0,
        403
    );
    let (s, a) = manager
        .post(
            &format!("/reviews/{rid}/approve"),
            json!({"version": 2, "note": "Signed at the meeting"}),
        )
        .await;
    assert_eq!(s, 200, "{a}");
    let (_, r) = c.get(&format!("/reviews/{rid}")).await;
    assert_eq!(
        (r["status"].as_str(), r["signed_off_on"].as_str()),
        (Some("signed_off"), Some(today.as_str()))
    );
    let (s, p) = c
        .put(
            &format!("/reviews/{rid}"),
            json!({"version": r["version"], "minutes": "rewritten"}),
        )
        .await;
    assert_eq!(s, 409, "{p}");
    assert_eq!(
        manager
            .send(Method::DELETE, &format!("/reviews/{rid}"), None)
            .await
            .0,
        409
    );
    // The inputs stay as they were at sign-off.
    c.post(
        "/nonconformities",
        json!({"title": "Found after the meeting"}),
    )
    .await;
    let (_, frozen) = c.get(&format!("/reviews/{rid}/inputs")).await;
    assert!(
        !frozen.to_string().contains("Found after the meeting"),
        "{frozen}"
    );
    assert!(frozen.to_string().contains("Stale model cards"));
    let print =
        crate::helpers::fetch_text(&page, &t.url(&format!("/w/acme/reviews/{rid}/print"))).await;
    assert!(
        print.contains("Reviewed all inputs") && print.contains("Signed off"),
        "{print}"
    );
    t.stop().await;
}

#[tokio::test]
async fn an_audit_checklist_records_results_samples_evidence_and_shows_coverage() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let (_, audit) = c
        .post("/audits", json!({"title": "Monitoring audit", "type": "internal", "start_on": "2026-10-01", "end_on": "2026-10-02"}))
        .await;
    let aid = id(&audit);
    // Generated from the clause requirements (here only 9.1 to 9.3.3).
    let (s, p) = c
        .post(
            &format!("/audits/{aid}/checklist"),
            json!({"only": ["Z.9"]}),
        )
        .await;
    assert_eq!((s, problem_fields(&p)), (422, vec!["only".to_owned()]));
    let (s, cl) = c
        .post(&format!("/audits/{aid}/checklist"), json!({"only": ["9"]}))
        .await;
    assert_eq!(s, 201, "{cl}");
    let items = cl["items"].as_array().unwrap();
    let refs: Vec<&str> = items
        .iter()
        .map(|i| i["reference"].as_str().unwrap())
        .collect();
    assert!(
        refs.contains(&"iso42001:9.2.2") && refs.contains(&"iso42001:9.1"),
        "{refs:?}"
    );
    assert!(
        refs.iter().all(|r| r.starts_with("iso42001:9.")),
        "{refs:?}"
    );
    assert!(
        !refs.contains(&"iso42001:9.2"),
        "only requirements, not their headings: {refs:?}"
    );
    assert_eq!(
        c.post(&format!("/audits/{aid}/checklist"), json!({}))
            .await
            .0,
        409
    );
    let item = |r: &str| {
        items.iter().find(|i| i["reference"] == r).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (i91, i922) = (item("iso42001:9.1"), item("iso42001:9.2.2"));
    // A finding needs its objective evidence; graded a nonconformity and
    // raised at once, it becomes a finding and a nonconformity.
    let (s, p) = c
        .put(
            &format!("/audits/{aid}/checklist/{i91}"),
            json!({"result": "minor_nc"}),
        )
        .await;
    assert_eq!((s, problem_fields(&p)), (422, vec!["notes".to_owned()]));
    let (s, p) = c
        .put(
            &format!("/audits/{aid}/checklist/{i91}"),
            json!({"result": "so-so"}),
        )
        .await;
    assert_eq!((s, problem_fields(&p)), (422, vec!["result".to_owned()]));
    let (s, r) = c
        .put(
            &format!("/audits/{aid}/checklist/{i91}"),
            json!({"result": "minor_nc", "notes": "No target for drift", "raise": true}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    let fid = r["finding_id"].as_str().unwrap().to_owned();
    let (_, f) = c.get(&format!("/findings/{fid}")).await;
    assert_eq!(
        (
            f["grade"].as_str(),
            f["requirement"].as_str(),
            f["status"].as_str()
        ),
        (Some("minor_nc"), Some("9.1"), Some("raised"))
    );
    assert!(linked(&c, &format!("/audits/{aid}"))
        .await
        .iter()
        .any(|(rel, _)| rel == "found_in"));
    let (_, ncs) = c.get("/nonconformities?source=audit").await;
    assert_eq!(ncs["items"].as_array().unwrap().len(), 1, "{ncs}");
    assert_eq!(
        c.put(
            &format!("/audits/{aid}/checklist/{i91}"),
            json!({"result": "conforming"})
        )
        .await
        .0,
        409
    );
    // Sampling draws the same evidence again for the same audit, item and size.
    for n in 0..5 {
        let (s, e) = c
            .post(
                "/evidence",
                json!({"title": format!("Internal audit record {n}"), "valid_until": "2099-01-01"}),
            )
            .await;
        assert_eq!(s, 201, "{e}");
        assert_eq!(
            c.post(
                &format!("/evidence/{}/links", id(&e)),
                json!({"relation": "evidence_for", "to": "iso42001:9.2.2"})
            )
            .await
            .0,
            201
        );
    }
    let (s, a) = c
        .post(
            &format!("/audits/{aid}/checklist/{i922}/sample"),
            json!({"size": 2}),
        )
        .await;
    assert_eq!(s, 200, "{a}");
    let (_, b) = c
        .post(
            &format!("/audits/{aid}/checklist/{i922}/sample"),
            json!({"size": 2}),
        )
        .await;
    let drawn: Vec<Value> = serde_json::from_str(a["sample"].as_str().unwrap()).unwrap();
    assert_eq!(drawn.len(), 2);
    assert_eq!(a["sample"], b["sample"], "reproducible");
    assert_eq!(a["seed"], format!("{aid}:iso42001:9.2.2:2"));
    assert_eq!(
        c.post(
            &format!("/audits/{aid}/checklist/{i922}/sample"),
            json!({"size": 0})
        )
        .await
        .0,
        422
    );
    assert_eq!(
        c.put(
            &format!("/audits/{aid}/checklist/{i922}"),
            json!({"result": "conforming", "notes": "Programme kept"})
        )
        .await
        .0,
        200
    );
    // The programme counts what completed audits covered.
    let (_, before) = c.get("/audit-programme?from=2026-01-01").await;
    assert_eq!(
        before["covered"], 0,
        "the audit is not completed yet: {before}"
    );
    c.put(
        &format!("/audits/{aid}"),
        json!({"version": 1, "status": "completed"}),
    )
    .await;
    let (_, after) = c.get("/audit-programme?from=2026-01-01").await;
    assert_eq!(after["covered"], 2, "{after}");
    let uncovered = after["uncovered"].to_string();
    assert!(
        !uncovered.contains("iso42001:9.2.2") && uncovered.contains("iso42001:4.1"),
        "{uncovered}"
    );
    assert_eq!(c.get("/audit-programme?from=soon").await.0, 422);
    t.stop().await;
}

#[tokio::test]
async fn removing_a_member_keeps_what_they_recorded() {
    let t = TestApp::new().await;
    member_session(&t, "leaver@example.org", "acme", Role::Contributor).await;
    let c = Caller::new(&t, "contributor").await;
    let acme = t.scope("acme").await;
    let leaver = t
        .app
        .members(&acme)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.email == "leaver@example.org")
        .unwrap()
        .user_id;
    let (_, nc) = c
        .post(
            "/nonconformities",
            json!({"title": "Kept for the cycle", "owner": "leaver@example.org"}),
        )
        .await;
    t.app.remove_member(&acme, &leaver).await.unwrap();
    let (s, v) = c.get(&format!("/nonconformities/{}", id(&nc))).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["title"], "Kept for the cycle");
    let (_, h) = c
        .get(&format!("/nonconformities/{}/history", id(&nc)))
        .await;
    assert!(!h["items"].as_array().unwrap().is_empty(), "{h}");
    t.stop().await;
}

#[tokio::test]
async fn a_pipeline_pushes_values_with_the_cli_and_lists_the_metrics() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let (_, sys) = c.post("/systems", json!({"name": "Claims triage"})).await;
    let (_, other) = c.post("/systems", json!({"name": "Chatbot"})).await;
    let (_, m) = c
        .post("/metrics", json!({"title": "Drift score", "direction": "lower", "warning": 0.2, "critical": 0.3, "interval": "daily"}))
        .await;
    let (_, twin) = c.post("/metrics", json!({"title": "Drift score"})).await;
    c.post(
        &format!("/metrics/{}/links", id(&m)),
        json!({"relation": "measures", "to": id(&sys)}),
    )
    .await;
    c.post(
        &format!("/metrics/{}/links", id(&twin)),
        json!({"relation": "measures", "to": id(&other)}),
    )
    .await;
    let token = c.token.clone();
    let server = t.base.clone();
    let push = |extra: Vec<String>| {
        let mut args: Vec<String> = [
            "metrics",
            "push",
            "--server",
            &server,
            "--token",
            &token,
            "--workspace",
            "acme",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        args.extend(extra);
        args
    };
    // Two metrics share the name: the system tells them apart.
    let args = push(vec![
        "--metric".into(),
        "Drift score".into(),
        "--value".into(),
        "0.1".into(),
    ]);
    let o = crate::evidence::aims(
        &t,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
    )
    .await;
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("several metrics"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let yesterday = aims_app::domain::date::add_days(&t.app.today(), -1).unwrap();
    let args = push(vec![
        "--system".into(),
        "Claims triage".into(),
        "--metric".into(),
        "Drift score".into(),
        "--value".into(),
        "0.35".into(),
        "--at".into(),
        format!("{yesterday}T10:00:00Z"),
        "--format".into(),
        "json".into(),
    ]);
    let o = crate::evidence::aims(
        &t,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
    )
    .await;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (out["accepted"].as_u64(), out["level"].as_str()),
        (Some(1), Some("critical")),
        "{out}"
    );
    // A file: every value kept, or none when a line is wrong (named).
    let dir = crate::helpers::tempdir::TempDir::new();
    let file = dir.path().join("values.csv");
    let rows: String = (1..=5)
        .map(|h| format!("{yesterday}T1{h}:00:00Z,0.0{h}\n"))
        .collect();
    std::fs::write(
        &file,
        format!("Measured at,Value\n{rows}{yesterday}T18:00:00Z,high\n"),
    )
    .unwrap();
    let args = push(vec![
        "--metric".into(),
        id(&m),
        "--file".into(),
        file.display().to_string(),
    ]);
    let o = crate::evidence::aims(
        &t,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
    )
    .await;
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("line 7"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::write(&file, format!("measured_at,value\n{rows}")).unwrap();
    let args = push(vec![
        "--metric".into(),
        id(&m),
        "--file".into(),
        file.display().to_string(),
        "--batch".into(),
        "2".into(),
    ]);
    let o = crate::evidence::aims(
        &t,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
    )
    .await;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout)
        .contains("5 measurement(s) kept; the metric is now normal"));
    let (_, st) = c.get(&format!("/metrics/{}/status", id(&m))).await;
    assert_eq!(st["count"], 6, "{st}");
    // The list, on the database.
    let o = crate::evidence::aims(
        &t,
        &["metrics", "list", "--workspace", "acme", "--format", "json"],
        &[],
    )
    .await;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let list: Value = serde_json::from_slice(&o.stdout).unwrap();
    let drift = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id(&m).as_str())
        .unwrap();
    assert_eq!(
        (drift["count"].as_i64(), drift["level"].as_str()),
        (Some(6), Some("normal")),
        "{list}"
    );
    t.stop().await;
}
