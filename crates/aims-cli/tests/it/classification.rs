//! EU AI Act classification of a system through the API: versions, reasoning,
//! obligations with their titles and dates, review after a change of purpose.

use crate::helpers::{problem_fields, SystemsExt, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// The plain provider's answers (see `Answers::plain_provider`) with `over` on top.
fn answers(over: Value) -> Value {
    let mut a = aims_app::domain::eu_ai_act::Answers::plain_provider().answers;
    for (k, v) in over.as_object().unwrap() {
        a.insert(k.clone(), v.clone());
    }
    json!({ "answers": a })
}

#[tokio::test]
async fn classify_a_cv_screening_tool_then_review_it() {
    let t = TestApp::new().await;
    let token = t.token("acme", "contributor").await;
    let s = t
        .app
        .create_system(&t.scope("acme").await, "CV screening", "Ranks applicants")
        .await
        .unwrap();
    let path = format!("/api/v1/workspaces/acme/systems/{}/classification", s.id);
    t.call(Method::GET, &path, Some(&token), None)
        .await
        .problem(404);

    let cv = answers(json!({
        "annex3.area": "employment",
        "annex3.employment": ["recruitment"],
        "art6_3.profiling": true,
    }));
    let r = t
        .call(Method::PUT, &path, Some(&token), Some(cv.clone()))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let c = r.json();
    assert_eq!(c["version"], 1);
    assert_eq!(c["result"]["risk_tier"]["tier"], "high_risk");
    let cites: Vec<&str> = c["result"]["reasoning"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["cite"].as_str().unwrap())
        .collect();
    assert!(cites.contains(&"Annex III 4(a)"), "{cites:?}");
    let art9 = c["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["article"] == "Art. 9")
        .expect("a provider of a high-risk system manages risk");
    assert_eq!(art9["title"], "Risk management system");
    assert!(!art9["applies_from"].as_str().unwrap().is_empty());
    assert_eq!(c["needs_review"], false);

    // The same answers again: nothing new.
    let again = t
        .call(Method::PUT, &path, Some(&token), Some(cv))
        .await
        .json();
    assert_eq!(again["version"], 1);
    // Other answers: a new version, and the tier change is in the history.
    let spam = answers(json!({}));
    let v2 = t
        .call(Method::PUT, &path, Some(&token), Some(spam))
        .await
        .json();
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["result"]["risk_tier"]["tier"], "minimal");
    let history = t
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/acme/systems/{}/history", s.id),
            Some(&token),
            None,
        )
        .await
        .json();
    let classify: Vec<&Value> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "classify")
        .collect();
    assert_eq!(classify.len(), 2);
    assert_eq!(
        classify[0]["change"]["risk_tier"],
        json!(["high_risk", "minimal"])
    );

    // A new purpose asks for review.
    t.app
        .update_system(
            &t.scope("acme").await,
            &s.id,
            1,
            "CV screening",
            "Now also scores staff",
        )
        .await
        .unwrap();
    let read = t.call(Method::GET, &path, Some(&token), None).await.json();
    assert_eq!(read["needs_review"], true);
    t.stop().await;
}

#[tokio::test]
async fn bad_answers_name_the_question() {
    let t = TestApp::new().await;
    let token = t.token("acme", "contributor").await;
    let s = t
        .app
        .create_system(&t.scope("acme").await, "Bot", "")
        .await
        .unwrap();
    let path = format!("/api/v1/workspaces/acme/systems/{}/classification", s.id);
    let r = t
        .call(
            Method::PUT,
            &path,
            Some(&token),
            Some(json!({"answers": {"no.such": true}})),
        )
        .await;
    assert_eq!(problem_fields(&r.problem(422)), ["answers.no.such"]);
    let r = t
        .call(
            Method::PUT,
            &path,
            Some(&token),
            Some(json!({"answers": {"art6_3.profiling": "often"}})),
        )
        .await;
    assert_eq!(
        problem_fields(&r.problem(422)),
        ["answers.art6_3.profiling"]
    );
    // Not a system here.
    let other =
        "/api/v1/workspaces/acme/systems/01a20aff-0ff3-762d-a3d6-b19374940cea/classification";
    t.call(
        Method::PUT,
        other,
        Some(&token),
        Some(json!({"answers": {}})),
    )
    .await
    .problem(404);
    // Incomplete answers: undetermined, with what is missing.
    let r = t
        .call(
            Method::PUT,
            &path,
            Some(&token),
            Some(json!({"answers": {}})),
        )
        .await
        .json();
    assert_eq!(r["result"]["risk_tier"]["tier"], "undetermined");
    assert!(!r["result"]["missing"].as_array().unwrap().is_empty());
    t.stop().await;
}

#[tokio::test]
async fn classify_from_the_page() {
    let t = TestApp::new().await;
    let s = t
        .app
        .create_system(&t.scope("acme").await, "CV screening", "")
        .await
        .unwrap();
    let (b, csrf) = crate::helpers::sign_in(
        &t,
        crate::helpers::ADMIN_EMAIL,
        crate::helpers::ADMIN_PASSWORD,
    )
    .await;
    let url = t.url(&format!("/w/acme/inventory/{}/classification", s.id));
    let page = crate::helpers::fetch_text(&b, &url).await;
    assert!(page.contains("Not classified yet"), "{page}");
    let mut form: Vec<(String, String)> = answers(json!({
        "annex3.area": "employment",
        "art6_3.profiling": true,
    }))["answers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Value::Bool(true) => "yes".to_owned(),
                Value::Bool(false) => "no".to_owned(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), v)
        })
        .collect();
    form.push(("annex3.employment".into(), "recruitment".into()));
    form.push(("csrf".into(), csrf));
    let r = b.post(&url).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let page = crate::helpers::fetch_text(&b, &url).await;
    assert!(page.contains("High-risk (Annex III 4(a))"), "{page}");
    assert!(page.contains("Risk management system"));
    assert!(page.contains("2 Aug 2026"));
    // The system's history tells what happened.
    let system =
        crate::helpers::fetch_text(&b, &t.url(&format!("/w/acme/inventory/{}", s.id))).await;
    assert!(
        system.contains("EU AI Act risk tier: none → high risk"),
        "{system}"
    );
    // A number that is not one is named, and nothing is saved.
    let r = b
        .post(&url)
        .form(&[
            ("csrf", form.last().unwrap().1.as_str()),
            ("gpai.training_compute_flops", "lots"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    t.stop().await;
}
