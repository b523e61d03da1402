//! AI system impact assessments through the API: draft → in review →
//! approved with the roles each move needs, an approved version that stays
//! byte for byte while editing starts version 2, the questionnaire's
//! completeness checked before review, the Art. 27 fields required of a
//! deployer of a high-risk system, and a system flagged for re-assessment
//! when its purpose changes.

use crate::helpers::{
    complete_impact, problem_fields, Caller, SystemsExt, TestApp, ADMIN_EMAIL, WS,
};
use reqwest::Method;
use serde_json::{json, Value};

async fn raw(t: &TestApp, token: &str, path: &str) -> String {
    let r = t
        .call(Method::GET, &format!("{WS}{path}"), Some(token), None)
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    r.text
}

#[tokio::test]
async fn an_assessment_goes_through_review_and_an_approved_version_never_changes() {
    let t = TestApp::new().await;
    let manager = Caller::new(&t, "manager").await;
    let contributor = Caller::new(&t, "contributor").await;
    let auditor = Caller::new(&t, "auditor").await;
    let (_, system) = contributor
        .post(
            "/systems",
            json!({"name": "Claims triage", "purpose": "Sorts incoming claims"}),
        )
        .await;
    let id = system["id"].as_str().unwrap().to_owned();
    let base = format!("/systems/{id}/impact-assessment");

    // Never assessed: a gap.
    let (s, all) = auditor.get("/impact-assessments").await;
    assert_eq!(s, 200);
    let mine = all
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["system_id"] == id.as_str())
        .unwrap();
    assert_eq!(mine["needs_assessment"], true);
    assert_eq!(mine["latest_version"], Value::Null);

    // A first draft with one question answered and one impact, rated.
    let (s, v) = contributor
        .put(
            &base,
            json!({"assessment": {
                "answers": {"context.affected_groups": "Policy holders"},
                "impacts": [{"area": "discrimination", "description": "Older claimants ranked lower", "severity": 4, "likelihood": 1}]
            }}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (
            v["number"].clone(),
            v["state"].clone(),
            v["revision"].clone()
        ),
        (json!(1), json!("draft"), json!(1))
    );
    assert_eq!(
        v["ratings"],
        json!(["high"]),
        "a critical harm is high however unlikely"
    );

    // Bad input: a severity off the scale, an unknown question, a stranger as reviewer.
    let (s, p) = contributor
        .put(&base, json!({"assessment": {"answers": {"no.such": true}, "impacts": [{"area": "privacy", "description": "x", "severity": 9, "likelihood": 1}], "reviewers": ["stranger@example.org"]}}))
        .await;
    assert_eq!(s, 422, "{p}");
    let fields = problem_fields(&p);
    for f in ["answers.no.such", "impacts[0].severity", "reviewers"] {
        assert!(fields.contains(&f.to_owned()), "{f} in {fields:?}");
    }
    // Submitting an incomplete draft names the questions left.
    let (s, p) = contributor
        .post(&format!("{base}/versions/1/submit"), json!({"revision": 1}))
        .await;
    assert_eq!(s, 422, "{p}");
    assert!(
        problem_fields(&p).contains(&"answers.individuals.privacy".to_owned()),
        "{p}"
    );

    // Completed (reviewer by e-mail), based on what was read; a stale edit is refused.
    let mut complete = serde_json::to_value(complete_impact()).unwrap();
    complete["reviewers"] = json!([ADMIN_EMAIL]);
    let (s, p) = contributor
        .put(
            &base,
            json!({"assessment": complete, "based_on": {"number": 1, "revision": 7}}),
        )
        .await;
    assert_eq!(s, 409, "{p}");
    let (s, v) = contributor
        .put(
            &base,
            json!({"assessment": complete, "based_on": {"number": 1, "revision": 1}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["revision"], 2);
    assert_eq!(v["assessment"]["reviewers"].as_array().unwrap().len(), 1);
    assert_ne!(
        v["assessment"]["reviewers"][0], ADMIN_EMAIL,
        "stored as the member's id"
    );

    // Draft → approved directly is not a move; an auditor moves nothing.
    let (s, p) = manager
        .post(
            &format!("{base}/versions/1/approve"),
            json!({"revision": 2}),
        )
        .await;
    assert_eq!(s, 409, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("submit"), "{p}");
    let (s, _) = auditor
        .post(&format!("{base}/versions/1/submit"), json!({"revision": 2}))
        .await;
    assert_eq!(s, 403);

    // Submitted; while in review it cannot be edited; a contributor cannot approve.
    let (s, v) = contributor
        .post(&format!("{base}/versions/1/submit"), json!({"revision": 2}))
        .await;
    assert_eq!((s, v["state"].clone()), (200, json!("in_review")), "{v}");
    let (s, p) = contributor
        .put(&base, json!({"assessment": complete}))
        .await;
    assert_eq!(s, 409, "{p}");
    let (s, _) = contributor
        .post(
            &format!("{base}/versions/1/approve"),
            json!({"revision": 3}),
        )
        .await;
    assert_eq!(s, 403);

    // Sent back, submitted again, approved by a manager.
    let (s, v) = manager
        .post(
            &format!("{base}/versions/1/return"),
            json!({"revision": 3, "note": "Add the appeal route"}),
        )
        .await;
    assert_eq!(
        (s, v["state"].clone(), v["note"].clone()),
        (200, json!("draft"), json!("Add the appeal route"))
    );
    let (s, _) = contributor
        .post(&format!("{base}/versions/1/submit"), json!({"revision": 4}))
        .await;
    assert_eq!(s, 200);
    let (s, v) = manager
        .post(
            &format!("{base}/versions/1/approve"),
            json!({"revision": 5, "note": "Reviewed"}),
        )
        .await;
    assert_eq!((s, v["state"].clone()), (200, json!("approved")), "{v}");
    assert!(v["approved_by"].as_str().is_some());
    let (s, _) = manager
        .post(
            &format!("{base}/versions/1/approve"),
            json!({"revision": 6}),
        )
        .await;
    assert_eq!(s, 409, "already approved");

    // Version 1 as approved, byte for byte; editing makes version 2 and leaves it so.
    let v1 = raw(&t, &auditor.token, &format!("{base}/versions/1")).await;
    complete["impacts"][0]["severity"] = json!(1);
    let (s, v) = contributor
        .put(
            &base,
            json!({"assessment": complete, "based_on": {"number": 1, "revision": 6}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["number"].clone(), v["state"].clone()),
        (json!(2), json!("draft"))
    );
    assert_eq!(
        raw(&t, &auditor.token, &format!("{base}/versions/1")).await,
        v1
    );
    let (_, both) = auditor.get(&base).await;
    assert_eq!(both["versions"].as_array().unwrap().len(), 2);
    assert_eq!(both["status"]["approved_version"], 1);
    assert_eq!(both["status"]["latest_state"], "draft");
    assert_eq!(both["status"]["needs_assessment"], false);
    // The database refuses to change an approved version even when asked directly.
    let mut c = t.app.store.conn().await.unwrap();
    let rows = c
        .conn()
        .versions(
            aims_app::store::Versioned::Impact,
            &t.scope("acme").await.workspace.id,
            &id,
        )
        .await
        .unwrap();
    let mut tampered = rows.iter().find(|r| r.number == 1).unwrap().clone();
    tampered.body = "{}".into();
    tampered.revision += 1;
    assert!(c
        .conn()
        .version_update(aims_app::store::Versioned::Impact, &tampered)
        .await
        .is_err());
    drop(c);
    assert_eq!(
        raw(&t, &auditor.token, &format!("{base}/versions/1")).await,
        v1
    );

    // A changed purpose flags the system for re-assessment.
    let (_, sys) = contributor.get(&format!("/systems/{id}")).await;
    let (s, _) = contributor
        .send(
            Method::PUT,
            &format!("/systems/{id}"),
            Some(json!({"version": sys["version"], "purpose": "Sorts and prices claims"})),
        )
        .await;
    assert_eq!(s, 200);
    let (_, both) = auditor.get(&base).await;
    assert_eq!(both["status"]["reasons"][0]["reason"], "purpose_changed");
    assert_eq!(both["status"]["needs_assessment"], true);

    // Missing things are 404; another version number too.
    assert_eq!(auditor.get(&format!("{base}/versions/9")).await.0, 404);
    assert_eq!(auditor.get(&format!("{base}/versions/0")).await.0, 404);
    assert_eq!(
        auditor.get("/systems/not-an-id/impact-assessment").await.0,
        404
    );
    t.stop().await;
}

#[tokio::test]
async fn a_deployer_of_a_high_risk_system_must_fill_in_the_fundamental_rights_fields() {
    let t = TestApp::new().await;
    let manager = Caller::new(&t, "manager").await;
    let (_, system) = manager
        .post(
            "/systems",
            json!({"name": "Credit scoring", "purpose": "Scores loan applicants"}),
        )
        .await;
    let id = system["id"].as_str().unwrap().to_owned();
    // Deployed by us, Annex III 5(b): creditworthiness of natural persons.
    let (s, c) = manager
        .put(&format!("/systems/{id}/classification"), {
            let mut a = aims_app::domain::eu_ai_act::Answers::plain_provider().answers;
            a.insert("role.places_on_market".into(), json!(false));
            a.insert("role.uses_under_authority".into(), json!(true));
            a.insert("annex3.area".into(), json!("essential_services"));
            a.insert(
                "annex3.essential_services".into(),
                json!(["life_health_insurance"]),
            );
            a.insert("art6_3.profiling".into(), json!(true));
            json!({ "answers": a })
        })
        .await;
    assert_eq!(s, 200, "{c}");
    let tier = c["result"]["risk_tier"].to_string();
    let base = format!("/systems/{id}/impact-assessment");
    let (s, v) = manager
        .put(&base, json!({"assessment": complete_impact()}))
        .await;
    assert_eq!(s, 200, "{v}");
    if !v["fria_required"].as_bool().unwrap() {
        panic!("the classification should make it a high-risk deployment: {tier} {c}");
    }
    let (s, p) = manager
        .post(&format!("{base}/versions/1/submit"), json!({"revision": 1}))
        .await;
    assert_eq!(s, 422, "{p}");
    assert!(
        problem_fields(&p).iter().any(|f| f.starts_with("fria")),
        "{p}"
    );
    let mut with_fria = serde_json::to_value(complete_impact()).unwrap();
    with_fria["fria"] = json!({
        "process": "Pricing of new health policies",
        "period_and_frequency": "Every application, all year",
        "affected_categories": "Applicants, including older and disabled people",
        "specific_risks": "Unfair premiums for groups",
        "human_oversight": "Underwriters review every refusal",
        "measures_if_materialised": "Suspend the model, re-price by hand",
        "complaint_handling": "Complaints desk, answered within 30 days"
    });
    let (s, v) = manager
        .put(
            &base,
            json!({"assessment": with_fria, "based_on": {"number": 1, "revision": 1}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = manager
        .post(&format!("{base}/versions/1/submit"), json!({"revision": 2}))
        .await;
    assert_eq!((s, v["state"].clone()), (200, json!("in_review")), "{v}");
    t.stop().await;
}

#[tokio::test]
async fn the_assessment_page_edits_submits_and_approves() {
    use crate::helpers::{fetch_text, sign_in, ADMIN_PASSWORD};
    let t = TestApp::new().await;
    let acme = t.scope("acme").await;
    let system = t
        .app
        .create_system(&acme, "Chat helper", "Answers members")
        .await
        .unwrap();
    let (client, csrf) = sign_in(&t, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let page = t.url(&format!("/w/acme/inventory/{}/impact", system.id));
    let html = fetch_text(&client, &page).await;
    assert!(html.contains("Not assessed yet"), "{html}");

    // The form: every question, an impact row, saved as version 1.
    let mut form: Vec<(String, String)> = vec![
        ("csrf".into(), csrf.clone()),
        ("based_on".into(), String::new()),
    ];
    for (id, answer) in complete_impact().answers {
        let text = match answer {
            Value::Bool(true) => "yes".to_owned(),
            Value::Bool(false) => "no".to_owned(),
            Value::String(s) => s,
            other => other.to_string(),
        };
        form.push((id, text));
    }
    for (k, v) in [
        ("impact_area", "safety"),
        ("impact_description", "Advice that harms"),
        ("impact_affected", "Members"),
        ("impact_severity", "4"),
        ("impact_likelihood", "1"),
        ("impact_mitigations", "Escalation to a nurse"),
    ] {
        form.push((k.into(), v.into()));
    }
    let r = client.post(&page).form(&form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let html = fetch_text(&client, &page).await;
    assert!(
        html.contains("Version 1: Draft") && html.contains("Advice that harms"),
        "{html}"
    );
    assert!(
        html.contains("<strong>High</strong>"),
        "a critical harm rates high: {html}"
    );

    // A bad impact row comes back with the error and the form as sent.
    let mut bad = form.clone();
    bad.retain(|(k, _)| k != "impact_severity");
    bad.push(("impact_severity".into(), "".into()));
    bad.iter_mut().find(|(k, _)| k == "based_on").unwrap().1 = "1.1".into();
    let r = client.post(&page).form(&bad).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 422);

    // Submit, then approve, through the page's buttons.
    for (step, based_on) in [("submit", "1.1"), ("approve", "1.2")] {
        let r = client
            .post(format!("{page}/{step}"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("based_on", based_on),
                ("note", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status().as_u16(),
            303,
            "{step}: {}",
            r.text().await.unwrap()
        );
    }
    let html = fetch_text(&client, &page).await;
    assert!(
        html.contains("Version 1: Approved") && html.contains("Start a new version"),
        "{html}"
    );
    // The list and the system's page show it.
    let list = fetch_text(&client, &t.url("/w/acme/impact")).await;
    assert!(
        list.contains("Chat helper") && list.contains("Version 1: Approved"),
        "{list}"
    );
    let sys = fetch_text(&client, &t.url(&format!("/w/acme/inventory/{}", system.id))).await;
    assert!(sys.contains("approved version 1"), "{sys}");
    t.stop().await;
}

#[tokio::test]
async fn an_impact_links_to_risks_of_the_register_and_to_catalogue_controls() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let (_, system) = c.post("/systems", json!({"name": "Claims triage"})).await;
    let id = system["id"].as_str().unwrap().to_owned();
    let (_, risk) = c
        .post("/risks", json!({"title": "Over-reliance on triage"}))
        .await;
    let risk = risk["id"].as_str().unwrap().to_owned();
    let base = format!("/systems/{id}/impact-assessment");
    let with = |risks: Value, controls: Value| {
        json!({"assessment": {"impacts": [{"area": "safety", "description": "Urgent claims wait", "severity": 3, "likelihood": 2,
            "risks": risks, "controls": controls}]}})
    };
    let (s, v) = c
        .put(
            &base,
            with(json!([risk]), json!(["iso42001:A.5.4", " iso42001:A.9.2 "])),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["assessment"]["impacts"][0]["risks"], json!([risk]));
    assert_eq!(
        v["assessment"]["impacts"][0]["controls"],
        json!(["iso42001:A.5.4", "iso42001:A.9.2"])
    );

    // Another record than a risk, a control the catalogue lacks, a malformed one: named.
    let (s, p) = c
        .put(&base, with(json!([id]), json!(["iso42001:A.99"])))
        .await;
    assert_eq!(s, 422, "{p}");
    let mut fields = problem_fields(&p);
    fields.sort();
    assert_eq!(fields, ["impacts[0].controls", "impacts[0].risks"], "{p}");
    let (s, p) = c.put(&base, with(json!(["nope"]), json!(["A.5.4"]))).await;
    assert_eq!(s, 422, "{p}");
    // Another workspace's risk is no risk of this one.
    t.add_workspace("other").await;
    let token = t.token("other", "contributor").await;
    let r = t
        .call(
            Method::POST,
            "/api/v1/workspaces/other/risks",
            Some(&token),
            Some(json!({"title": "Theirs"})),
        )
        .await;
    let foreign: Value = serde_json::from_str(&r.text).unwrap();
    let (s, p) = c
        .put(
            &base,
            with(json!([foreign["id"].as_str().unwrap()]), json!([])),
        )
        .await;
    assert_eq!(s, 422, "{p}");
    // The page shows the linked risk by name, and the export names both.
    let (client, _) =
        crate::helpers::sign_in(&t, ADMIN_EMAIL, crate::helpers::ADMIN_PASSWORD).await;
    let html =
        crate::helpers::fetch_text(&client, &t.url(&format!("/w/acme/inventory/{id}/impact")))
            .await;
    assert!(
        html.contains("Risk: <a")
            && html.contains("Over-reliance on triage")
            && html.contains("iso42001:A.5.4"),
        "{html}"
    );
    t.stop().await;
}
