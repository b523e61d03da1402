//! The risk library: starting points with their catalogue references, a
//! draft risk picked from the API, the page and the command line.

use crate::cli::{aims, stdout};
use crate::helpers::{
    fetch_text, problem_fields, sign_in, Caller, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD,
};
use serde_json::json;

#[tokio::test]
async fn picking_a_library_risk_creates_a_draft_that_is_not_assessed() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let (s, lib) = c.get("/risk-library").await;
    assert_eq!(s, 200);
    let lib = lib.as_array().unwrap();
    assert_eq!(lib.len(), 12);
    let drift = lib.iter().find(|e| e["key"] == "model_drift").unwrap();
    assert!(
        drift["controls"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| !c["title"].as_str().unwrap().is_empty()),
        "every Annex A control is titled from the catalogue: {drift}"
    );

    let (_, system) = c.post("/systems", json!({"name": "Pricing model"})).await;
    let system = system["id"].as_str().unwrap();
    let (s, r) = c
        .post("/risk-library/model_drift", json!({"system": system}))
        .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(
        r["title"],
        format!("{}: Pricing model", drift["title"].as_str().unwrap())
    );
    assert_eq!(r["residual_band"], "not_assessed");
    assert_eq!(r["external_ref"], "library:model_drift");
    let (_, links) = c
        .get(&format!("/risks/{}/links", r["id"].as_str().unwrap()))
        .await;
    assert_eq!(links["items"][0]["other"]["id"], system);

    // Without a system; an unknown key; a system that is not one.
    let (s, r) = c.post("/risk-library/prompt_injection", json!({})).await;
    assert_eq!(
        (s, r["residual_band"].clone()),
        (201, json!("not_assessed"))
    );
    assert_eq!(c.post("/risk-library/no_such_risk", json!({})).await.0, 404);
    let (s, p) = c
        .post(
            "/risk-library/model_drift",
            json!({"system": "not-a-system"}),
        )
        .await;
    assert_eq!(s, 422, "{p}");
    assert_eq!(problem_fields(&p), ["system"]);
    let (s, _) = Caller::new(&t, "auditor")
        .await
        .post("/risk-library/model_drift", json!({}))
        .await;
    assert_eq!(s, 403);

    // The page offers each entry; picking one opens the draft.
    let (client, csrf) = sign_in(&t, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let html = fetch_text(&client, &t.url("/w/acme/risk-library")).await;
    assert!(
        html.contains(drift["title"].as_str().unwrap()) && html.contains("Create a draft risk"),
        "{html}"
    );
    let r = client
        .post(t.url("/w/acme/risk-library/confabulation"))
        .form(&[("csrf", csrf.as_str()), ("system", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let to = crate::helpers::location(&r);
    assert!(to.starts_with("/w/acme/risks/"), "{to}");

    // And from the command line.
    let out = aims(&t.db, &["risks", "library"], None);
    assert!(stdout(&out).contains("model_drift"), "{}", stdout(&out));
    let out = aims(
        &t.db,
        &[
            "risks",
            "add",
            "--workspace",
            "acme",
            "--from-library",
            "data_poisoning",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("not assessed"));
    t.stop().await;
}
