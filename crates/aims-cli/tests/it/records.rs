//! The record path through the API, for kinds beyond AI systems: create with
//! typed fields, filters, sorting and keyset pages, updates with the history
//! diff, links seen from both ends, and deletion that says what it unlinked.

use crate::helpers::{problem_fields, SystemsExt, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

const WS: &str = "/api/v1/workspaces/acme";

async fn post(t: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = t
        .call(
            Method::POST,
            &format!("{WS}{path}"),
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text);
    r.json()
}

fn titles(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn systems_carry_the_register_fields_and_filter_on_them() {
    let t = TestApp::new().await;
    let token = t.token("acme", "contributor").await;
    // The owner must be a member; the contributor's own e-mail is one.
    let a = post(
        &t,
        &token,
        "/systems",
        json!({"name": "Claims triage", "purpose": "Routes claims", "roles": ["AI provider", "ai_customer"],
               "lifecycle_stage": "operation_monitoring", "in_scope": true, "next_review": "2027-03-31",
               "owner": "ADA@example.org"}),
    )
    .await;
    assert_eq!(a["roles"], json!(["ai_provider", "ai_customer"]));
    assert_eq!(a["owner"], "ada@example.org");
    assert_eq!(a["intended_use"], "", "text without a value is empty");
    assert_eq!(a["automation"], Value::Null);
    post(
        &t,
        &token,
        "/systems",
        json!({"name": "Spam filter", "lifecycle_stage": "idea", "in_scope": false}),
    )
    .await;
    post(
        &t,
        &token,
        "/systems",
        json!({"name": "Chatbot", "roles": ["ai_customer"], "in_scope": true}),
    )
    .await;
    // Old clients: name and purpose only.
    post(
        &t,
        &token,
        "/systems",
        json!({"name": "Legacy", "purpose": "x"}),
    )
    .await;

    let list = |q: &'static str| {
        let t = &t;
        let token = token.clone();
        async move {
            t.call(
                Method::GET,
                &format!("{WS}/systems?{q}"),
                Some(&token),
                None,
            )
            .await
        }
    };
    assert_eq!(
        titles(&list("in_scope=true").await.json()),
        ["Claims triage", "Chatbot"]
    );
    assert_eq!(
        titles(&list("roles=ai_customer&in_scope=yes").await.json()),
        ["Claims triage", "Chatbot"]
    );
    assert_eq!(
        titles(&list("lifecycle_stage=Idea").await.json()),
        ["Spam filter"]
    );
    assert_eq!(
        titles(&list("owner=ada%40example.org").await.json()),
        ["Claims triage"]
    );
    assert_eq!(
        titles(&list("owner=nobody%40example.com").await.json()),
        Vec::<String>::new()
    );
    assert_eq!(
        titles(&list("sort=title").await.json()),
        ["Chatbot", "Claims triage", "Legacy", "Spam filter"]
    );
    assert_eq!(
        titles(&list("sort=-title&limit=3").await.json()),
        ["Spam filter", "Legacy", "Claims triage"]
    );
    // Keyset pages in title order.
    let first = list("sort=title&limit=2").await.json();
    assert_eq!(titles(&first), ["Chatbot", "Claims triage"]);
    let next = first["next"].as_str().unwrap().to_owned();
    let second = t
        .call(
            Method::GET,
            &format!("{WS}/systems?sort=title&limit=2&after={next}"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(titles(&second), ["Legacy", "Spam filter"]);
    assert_eq!(second["next"], Value::Null);
    // Bad filters are named.
    let r = list("lifecycle_stage=orbit").await;
    assert_eq!(problem_fields(&r.problem(422)), ["lifecycle_stage"]);
    let r = list("purpose=x").await;
    assert_eq!(problem_fields(&r.problem(422)), ["purpose"]);
    let r = list("sort=colour").await;
    assert_eq!(problem_fields(&r.problem(422)), ["sort"]);
    // An owner who is not a member is refused, naming the field.
    let r = t
        .call(
            Method::POST,
            &format!("{WS}/systems"),
            Some(&token),
            Some(json!({"name": "X", "owner": "stranger@example.com"})),
        )
        .await;
    assert_eq!(problem_fields(&r.problem(422)), ["owner"]);
    let r = t
        .call(
            Method::POST,
            &format!("{WS}/systems"),
            Some(&token),
            Some(json!({"name": "X", "colour": "red"})),
        )
        .await;
    assert_eq!(problem_fields(&r.problem(422)), ["colour"]);
    t.stop().await;
}

#[tokio::test]
async fn updates_keep_what_is_left_out_and_the_history_names_each_change() {
    let t = TestApp::new().await;
    let token = t.token("acme", "manager").await;
    let m = post(
        &t,
        &token,
        "/models",
        json!({"name": "triage-gbm", "model_version": "3.1", "licence": "MIT"}),
    )
    .await;
    let id = m["id"].as_str().unwrap();
    let r = t
        .call(Method::PUT, &format!("{WS}/models/{id}"), Some(&token),
              Some(json!({"version": 1, "model_version": "3.2", "metrics": [{"name": "auc", "value": 0.91}]})))
        .await;
    let v = r.json();
    assert_eq!(v["version"], 2);
    assert_eq!(v["licence"], "MIT", "left out, kept");
    assert_eq!(v["metrics"][0]["value"], 0.91);
    // A stale version changes nothing.
    let r = t
        .call(
            Method::PUT,
            &format!("{WS}/models/{id}"),
            Some(&token),
            Some(json!({"version": 1, "licence": "GPL"})),
        )
        .await;
    r.problem(409);
    let h = t
        .call(
            Method::GET,
            &format!("{WS}/models/{id}/history"),
            Some(&token),
            None,
        )
        .await;
    let text = h.text.clone();
    let events = h.json();
    assert_eq!(events["items"][0]["action"], "update");
    assert_eq!(
        events["items"][0]["change"]["model_version"],
        json!(["3.1", "3.2"])
    );
    assert_eq!(events["items"][0]["change"]["metrics"][0], Value::Null);
    assert!(
        events["items"][0]["change"].get("licence").is_none(),
        "{text}"
    );
    t.stop().await;
}

#[tokio::test]
async fn links_show_at_both_ends_and_deleting_says_what_it_unlinks() {
    let t = TestApp::new().await;
    let token = t.token("acme", "manager").await;
    let sys = post(&t, &token, "/systems", json!({"name": "Chatbot"})).await;
    let model = post(&t, &token, "/models", json!({"name": "Atlas LLM"})).await;
    let (sid, mid) = (sys["id"].as_str().unwrap(), model["id"].as_str().unwrap());
    let r = t
        .call(
            Method::POST,
            &format!("{WS}/systems/{sid}/links"),
            Some(&token),
            Some(json!({"relation": "uses_model", "to": mid})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text);
    let link = r.json();
    assert_eq!(link["label"], "uses model");
    assert_eq!(link["other"]["title"], "Atlas LLM");
    // The same link twice is a conflict; the wrong direction is refused.
    let again = t
        .call(
            Method::POST,
            &format!("{WS}/systems/{sid}/links"),
            Some(&token),
            Some(json!({"relation": "uses_model", "to": mid})),
        )
        .await;
    again.problem(409);
    let wrong = t
        .call(
            Method::POST,
            &format!("{WS}/models/{mid}/links"),
            Some(&token),
            Some(json!({"relation": "uses_model", "to": sid})),
        )
        .await;
    assert_eq!(problem_fields(&wrong.problem(422)), ["relation"]);
    // The model sees it from its end.
    let from_model = t
        .call(
            Method::GET,
            &format!("{WS}/models/{mid}/links"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(from_model["items"][0]["direction"], "incoming");
    assert_eq!(from_model["items"][0]["label"], "used by");
    assert_eq!(from_model["items"][0]["other"]["id"], sid);
    // Another workspace's record cannot be linked, and is not revealed.
    t.add_workspace("other").await;
    let foreign = t
        .app
        .create_system(&t.scope("other").await, "Foreign", "")
        .await
        .unwrap();
    let r = t
        .call(
            Method::POST,
            &format!("{WS}/systems/{sid}/links"),
            Some(&token),
            Some(json!({"relation": "related_to", "to": foreign.id})),
        )
        .await;
    let p = r.problem(422);
    assert_eq!(problem_fields(&p), ["to"]);
    assert!(p["detail"]
        .as_str()
        .unwrap()
        .contains("no such record in this workspace"));
    // The link is a history event of the system.
    let h = t
        .call(
            Method::GET,
            &format!("{WS}/systems/{sid}/history"),
            Some(&token),
            None,
        )
        .await;
    assert!(h.text.contains("\"link\""), "{}", h.text);
    // Deleting the model unlinks it, and its delete event says so.
    let r = t
        .call(
            Method::DELETE,
            &format!("{WS}/models/{mid}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 204);
    let links = t
        .call(
            Method::GET,
            &format!("{WS}/systems/{sid}/links"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(links["items"], json!([]));
    let h = t
        .call(
            Method::GET,
            &format!("{WS}/models/{mid}/history"),
            Some(&token),
            None,
        )
        .await;
    assert!(
        h.text.contains("unlinked") && h.text.contains("Chatbot"),
        "{}",
        h.text
    );
    t.stop().await;
}

#[tokio::test]
async fn every_kind_exports_what_its_filters_match() {
    let t = TestApp::new().await;
    let token = t.token("acme", "manager").await;
    post(
        &t,
        &token,
        "/interested-parties",
        json!({"name": "Members", "addressed": true, "origin": "external"}),
    )
    .await;
    post(
        &t,
        &token,
        "/interested-parties",
        json!({"name": "Regulator", "addressed": false}),
    )
    .await;
    let r = t
        .call(
            Method::GET,
            &format!("{WS}/interested-parties/export?format=csv&addressed=true"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert!(r.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("acme-interested-parties.csv"));
    assert!(
        r.text.contains("Members") && !r.text.contains("Regulator"),
        "{}",
        r.text
    );
    assert!(r.text.starts_with("id,name,origin,needs"), "{}", r.text);
    t.stop().await;
}

#[tokio::test]
async fn a_manager_approves_the_scope_and_the_approved_version_never_changes() {
    let t = TestApp::new().await;
    let manager = t.token("acme", "manager").await;
    let contributor = t.token("acme", "contributor").await;
    post(
        &t,
        &contributor,
        "/systems",
        json!({"name": "Chatbot", "in_scope": true}),
    )
    .await;
    post(
        &t,
        &contributor,
        "/systems",
        json!({"name": "Forecaster", "in_scope": false}),
    )
    .await;
    let scope = post(
        &t,
        &contributor,
        "/scopes",
        json!({"title": "AIMS scope", "statement": "All customer-facing AI"}),
    )
    .await;
    let id = scope["id"].as_str().unwrap();
    let approvals = |token: &str| {
        let url = format!("{WS}/scopes/{id}/approvals");
        let token = token.to_owned();
        let t = &t;
        async move { t.call(Method::GET, &url, Some(&token), None).await.json() }
    };
    assert_eq!(approvals(&contributor).await["state"]["state"], "draft");
    // Contributors cannot approve; a stale version is a conflict.
    let url = format!("{WS}/scopes/{id}/approve");
    t.call(
        Method::POST,
        &url,
        Some(&contributor),
        Some(json!({"version": 1})),
    )
    .await
    .problem(403);
    t.call(
        Method::POST,
        &url,
        Some(&manager),
        Some(json!({"version": 7})),
    )
    .await
    .problem(409);
    let r = t
        .call(
            Method::POST,
            &url,
            Some(&manager),
            Some(json!({"version": 1, "note": "Board, 3 March"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let a = r.json();
    assert_eq!(a["state"], json!({"state": "approved", "number": 1}));
    assert_eq!(
        a["versions"][0]["derived"]["systems_in_scope"][0]["name"],
        "Chatbot"
    );
    assert_eq!(
        a["versions"][0]["derived"]["systems_in_scope"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // The same version twice is refused.
    t.call(
        Method::POST,
        &url,
        Some(&manager),
        Some(json!({"version": 1})),
    )
    .await
    .problem(409);
    // Editing starts a new draft; the approved version shows what changed since.
    t.call(
        Method::PUT,
        &format!("{WS}/scopes/{id}"),
        Some(&contributor),
        Some(json!({"version": 1, "statement": "All AI"})),
    )
    .await;
    let a = approvals(&contributor).await;
    assert_eq!(a["state"], json!({"state": "changed_since", "number": 1}));
    assert_eq!(a["label"], "Draft: changed since approved version 1");
    assert_eq!(
        a["versions"][0]["fields"]["statement"],
        "All customer-facing AI"
    );
    assert_eq!(
        a["versions"][0]["changes_since"]["statement"],
        json!(["All customer-facing AI", "All AI"])
    );
    // Not even the database lets an approved version change.
    let tampered =
        t.db.try_raw_sql("UPDATE record_approvals SET fields = '{}'")
            .await;
    assert!(tampered.is_err(), "approved versions are immutable");
    // Kinds without approval have no approval routes.
    let sys = post(&t, &manager, "/systems", json!({"name": "X"})).await;
    let r = t
        .call(
            Method::POST,
            &format!("{WS}/systems/{}/approve", sys["id"].as_str().unwrap()),
            Some(&manager),
            Some(json!({"version": 1})),
        )
        .await;
    assert!(matches!(r.status.as_u16(), 404 | 405), "{}", r.status);
    t.stop().await;
}

#[tokio::test]
async fn a_new_life_cycle_stage_flags_the_classification_for_review() {
    let t = TestApp::new().await;
    let token = t.token("acme", "manager").await;
    let s = post(
        &t,
        &token,
        "/systems",
        json!({"name": "CV screening", "lifecycle_stage": "design"}),
    )
    .await;
    let id = s["id"].as_str().unwrap();
    let c = t
        .call(
            Method::PUT,
            &format!("{WS}/systems/{id}/classification"),
            Some(&token),
            Some(json!({"answers": {}})),
        )
        .await;
    assert_eq!(c.json()["needs_review"], false);
    t.call(
        Method::PUT,
        &format!("{WS}/systems/{id}"),
        Some(&token),
        Some(json!({"version": 1, "lifecycle_stage": "deployment"})),
    )
    .await;
    let c = t
        .call(
            Method::GET,
            &format!("{WS}/systems/{id}/classification"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(c.json()["needs_review"], true);
    t.stop().await;
}
