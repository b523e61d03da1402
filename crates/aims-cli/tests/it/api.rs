//! The AI systems API end to end: CRUD, concurrency, pagination and bad input.

use crate::helpers::{problem_fields, Resp, SystemsExt, TestApp};
use reqwest::Method;
use serde_json::json;

const SYSTEMS: &str = "/api/v1/workspaces/acme/systems";

#[tokio::test]
async fn systems_lifecycle_with_optimistic_concurrency() {
    let t = TestApp::new().await;
    let tok = t.token("acme", "manager").await;

    let created = t
        .call(
            Method::POST,
            SYSTEMS,
            Some(&tok),
            Some(json!({"name": "Claims triage", "purpose": "Routes claims"})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let s = created.json();
    let id = s["id"].as_str().unwrap().to_owned();
    assert_eq!(s["version"], 1);
    assert_eq!(s["name"], "Claims triage");

    let path = format!("{SYSTEMS}/{id}");
    let got = t.call(Method::GET, &path, Some(&tok), None).await;
    assert_eq!(got.json()["purpose"], "Routes claims");

    let updated = t
        .call(
            Method::PUT,
            &path,
            Some(&tok),
            Some(json!({"name": "Claims triage v2", "purpose": "Routes claims", "version": 1})),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.json()["version"], 2);

    // A second writer still holding version 1 is refused and overwrites nothing.
    let stale = t
        .call(
            Method::PUT,
            &path,
            Some(&tok),
            Some(json!({"name": "Lost update", "purpose": "", "version": 1})),
        )
        .await;
    let p = stale.problem(409);
    assert_eq!(p["current_version"], 2);
    assert_eq!(problem_fields(&p), ["version"]);
    let now = t.call(Method::GET, &path, Some(&tok), None).await.json();
    assert_eq!(now["name"], "Claims triage v2");
    assert_eq!(now["version"], 2);

    // A PUT without version is refused naming the field.
    let p = t
        .call(Method::PUT, &path, Some(&tok), Some(json!({"name": "x"})))
        .await
        .problem(422);
    assert_eq!(problem_fields(&p), ["version"]);

    let del = t.call(Method::DELETE, &path, Some(&tok), None).await;
    assert_eq!(del.status, 204);
    t.call(Method::GET, &path, Some(&tok), None)
        .await
        .problem(404);
    t.call(Method::DELETE, &path, Some(&tok), None)
        .await
        .problem(404);

    // The history outlives the record: create, update, delete.
    let h = t
        .call(Method::GET, &format!("{path}/history"), Some(&tok), None)
        .await
        .json();
    let actions: Vec<_> = h["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["delete", "update", "create"]);
    assert_eq!(
        h["items"][1]["change"]["name"],
        json!(["Claims triage", "Claims triage v2"])
    );
    t.stop().await;
}

#[tokio::test]
async fn lists_are_paginated_and_filterable() {
    let t = TestApp::new().await;
    let tok = t.token("acme", "contributor").await;
    for name in [
        "Alpha model",
        "Beta chatbot",
        "Gamma model",
        "Delta scorer",
        "Epsilon model",
    ] {
        let r = t
            .call(
                Method::POST,
                SYSTEMS,
                Some(&tok),
                Some(json!({"name": name, "purpose": "test"})),
            )
            .await;
        assert_eq!(r.status, 201);
    }
    let mut names = vec![];
    let mut after = String::new();
    let mut pages = 0;
    loop {
        let page = t
            .call(
                Method::GET,
                &format!("{SYSTEMS}?limit=2&after={after}"),
                Some(&tok),
                None,
            )
            .await
            .json();
        pages += 1;
        for s in page["items"].as_array().unwrap() {
            names.push(s["name"].as_str().unwrap().to_owned());
        }
        match page["next"].as_str() {
            Some(n) => after = n.to_owned(),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        names,
        [
            "Alpha model",
            "Beta chatbot",
            "Gamma model",
            "Delta scorer",
            "Epsilon model"
        ]
    );

    let found = t
        .call(Method::GET, &format!("{SYSTEMS}?q=MODEL"), Some(&tok), None)
        .await
        .json();
    assert_eq!(found["items"].as_array().unwrap().len(), 3);
    // Case folding follows Unicode on both backends (SQLite's own LOWER is ASCII-only).
    let r = t
        .call(
            Method::POST,
            SYSTEMS,
            Some(&tok),
            Some(json!({"name": "Überwachung der Modelle"})),
        )
        .await;
    assert_eq!(r.status, 201);
    let found = t
        .call(
            Method::GET,
            &format!("{SYSTEMS}?q=%C3%BCBERWACHUNG"),
            Some(&tok),
            None,
        )
        .await
        .json();
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    let none = t
        .call(Method::GET, &format!("{SYSTEMS}?q=%25"), Some(&tok), None)
        .await
        .json();
    assert_eq!(
        none["items"].as_array().unwrap().len(),
        0,
        "% must be matched literally"
    );

    let p = t
        .call(
            Method::GET,
            &format!("{SYSTEMS}?limit=abc"),
            Some(&tok),
            None,
        )
        .await
        .problem(400);
    assert_eq!(problem_fields(&p), ["limit"]);
    t.call(Method::GET, &format!("{SYSTEMS}?limit=0"), Some(&tok), None)
        .await
        .problem(400);
    t.stop().await;
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_and_writes_nothing() {
    let t = TestApp::new().await;
    let tok = t.token("acme", "manager").await;
    let send_raw = |body: &'static str, ct: &'static str| {
        let req = t
            .client
            .post(t.url(SYSTEMS))
            .bearer_auth(&tok)
            .header("content-type", ct)
            .body(body);
        async move { crate::helpers::Resp::from(req.send().await.unwrap()).await }
    };

    let p = send_raw("{\"name\": \"x\",", "application/json")
        .await
        .problem(400);
    assert!(p["detail"].as_str().unwrap().contains("not valid JSON"));
    send_raw("{\"name\":5", "application/json")
        .await
        .problem(400);

    let p = send_raw("{\"name\": 5}", "application/json")
        .await
        .problem(422);
    assert_eq!(problem_fields(&p), ["name"]);

    let p = send_raw("[1,2]", "application/json").await.problem(422);
    assert_eq!(problem_fields(&p), ["body"]);

    let p = send_raw(
        "{\"name\": \"   \", \"purpose\": \"p\"}",
        "application/json",
    )
    .await
    .problem(422);
    assert_eq!(problem_fields(&p), ["name"]);
    assert!(p["detail"].as_str().unwrap().contains("name: is required"));

    let long = t
        .call(
            Method::POST,
            SYSTEMS,
            Some(&tok),
            Some(json!({"name": "n".repeat(201)})),
        )
        .await
        .problem(422);
    assert_eq!(problem_fields(&long), ["name"]);

    send_raw("name=x", "application/x-www-form-urlencoded")
        .await
        .problem(415);

    let huge = format!(
        "{{\"name\": \"x\", \"purpose\": \"{}\"}}",
        "p".repeat(2 * 1024 * 1024)
    );
    let r = crate::helpers::Resp::from(
        t.client
            .post(t.url(SYSTEMS))
            .bearer_auth(&tok)
            .header("content-type", "application/json")
            .body(huge)
            .send()
            .await
            .unwrap(),
    )
    .await;
    r.problem(413);

    t.call(
        Method::GET,
        &format!("{SYSTEMS}/does-not-exist"),
        Some(&tok),
        None,
    )
    .await
    .problem(404);
    t.call(Method::GET, "/api/v1/no-such-route", Some(&tok), None)
        .await
        .problem(404);
    t.call(Method::GET, SYSTEMS, None, None).await.problem(401);
    t.call(Method::GET, SYSTEMS, Some("aims_0000"), None)
        .await
        .problem(401);
    let bad_scheme = crate::helpers::Resp::from(
        t.client
            .get(t.url(SYSTEMS))
            .header("authorization", "Basic Zm9vOmJhcg==")
            .send()
            .await
            .unwrap(),
    )
    .await;
    bad_scheme.problem(401);

    // Nothing of the above was written.
    let list = t.call(Method::GET, SYSTEMS, Some(&tok), None).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    t.stop().await;
}

#[tokio::test]
async fn openapi_document_describes_the_api() {
    let t = TestApp::new().await;
    let r = t.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(r.status, 200);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/workspaces/{workspace}/systems",
        "/api/v1/workspaces/{workspace}/systems/{id}",
        "/api/v1/workspaces/{workspace}/tokens",
    ] {
        assert!(paths.contains_key(p), "missing {p}");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    t.stop().await;
}

#[tokio::test]
async fn health_and_readiness() {
    let t = TestApp::new().await;
    assert_eq!(
        t.call(Method::GET, "/healthz", None, None).await.status,
        200
    );
    assert_eq!(t.call(Method::GET, "/readyz", None, None).await.status, 200);
    let r = t.call(Method::GET, "/healthz", None, None).await;
    assert!(r.headers.contains_key("x-request-id"));
    t.app.store.close().await;
    assert_eq!(t.call(Method::GET, "/readyz", None, None).await.status, 503);
    t.stop().await;
}

#[tokio::test]
async fn the_inventory_exports_as_csv_json_and_xlsx() {
    let t = TestApp::new().await;
    let acme = t.scope("acme").await;
    let a = t
        .app
        .create_system(&acme, "=cmd|' /C calc'!A0", "Formula-looking name")
        .await
        .unwrap();
    t.app
        .create_system(&acme, "Spam filter, v2", "Filters mail")
        .await
        .unwrap();
    t.app
        .classify_system(&acme, &a.id, &Default::default())
        .await
        .unwrap();
    let token = t.token("acme", "auditor").await;
    let get = |format: &'static str| {
        let url = t.url(&format!(
            "/api/v1/workspaces/acme/systems/export?format={format}"
        ));
        let client = t.client.clone();
        let token = token.clone();
        async move { client.get(url).bearer_auth(token).send().await.unwrap() }
    };
    let r = get("csv").await;
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("acme-ai-systems.csv"));
    let csv = r.text().await.unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("id,name,purpose,intended_use,owner,roles,lifecycle_stage"),
        "{header}"
    );
    assert!(
        header.contains(",eu_ai_act_tier,classification_version,needs_review,version,"),
        "{header}"
    );
    assert!(csv.contains("'=cmd"), "formulas are neutralised: {csv}");
    assert!(csv.contains("\"Spam filter, v2\""));
    assert!(csv.contains("undetermined") && csv.contains("not_classified"));
    let json: serde_json::Value = get("json").await.json().await.unwrap();
    assert_eq!(json["items"].as_array().unwrap().len(), 2);
    let xlsx = get("xlsx").await.bytes().await.unwrap();
    assert!(xlsx.starts_with(b"PK\x03\x04"));
    let r = Resp::from(get("xls").await).await;
    assert_eq!(problem_fields(&r.problem(400)), ["format"]);
    t.stop().await;
}
