//! Lists answered from what aims keeps between requests: a page asked for
//! again while nothing changed is the one rendered before, and a search for
//! rare text is answered through the kept text index. Either must show
//! every change at once: edits, renames, creates, deletes, and more changes
//! than are applied one by one.

use crate::helpers::{SystemsExt, TestApp};
use aims_app::domain::record::Input;
use reqwest::Method;
use serde_json::{json, Value};

const SYSTEMS: &str = "/api/v1/workspaces/acme/systems";

async fn list(t: &TestApp, token: &str, query: &str) -> Value {
    let r = t
        .call(
            Method::GET,
            &format!("{SYSTEMS}?{query}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{query}: {}", r.text);
    r.json()
}

fn names(v: &Value) -> Vec<String> {
    let mut names: Vec<String> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn kept_pages_and_searches_show_every_change_at_once() {
    let t = TestApp::new().await;
    let ws = t.scope("acme").await;
    let token = t.token("acme", "auditor").await;
    let kind = aims_app::systems_kind();
    let claims = t
        .app
        .create_system(&ws, "Claims triage", "Routes insurance claims")
        .await
        .unwrap();
    t.app
        .create_system(&ws, "Spam filter", "Sorts mail")
        .await
        .unwrap();

    let first = list(&t, &token, "limit=50").await;
    assert_eq!(names(&first), ["Claims triage", "Spam filter"]);
    assert_eq!(list(&t, &token, "limit=50").await, first, "asked again");
    assert_eq!(
        names(&list(&t, &token, "q=insurance").await),
        ["Claims triage"]
    );

    // An edit: the page and the search both show it on the next request.
    let claims = t
        .app
        .update_system(
            &ws,
            &claims.id,
            claims.version,
            "Claims router",
            "Routes motor claims",
        )
        .await
        .unwrap();
    let after_edit = list(&t, &token, "limit=50").await;
    assert_eq!(names(&after_edit), ["Claims router", "Spam filter"]);
    assert_eq!(after_edit["items"][0]["version"], claims.version);
    assert!(names(&list(&t, &token, "q=insurance").await).is_empty());
    assert_eq!(names(&list(&t, &token, "q=MOTOR").await), ["Claims router"]);

    // A create and a delete.
    let fraud = t
        .app
        .create_system(&ws, "Motor fraud scorer", "Scores motor claims for fraud")
        .await
        .unwrap();
    assert_eq!(
        names(&list(&t, &token, "q=motor").await),
        ["Claims router", "Motor fraud scorer"]
    );
    t.app.delete_record(&ws, kind, &claims.id).await.unwrap();
    assert_eq!(
        names(&list(&t, &token, "q=motor").await),
        ["Motor fraud scorer"]
    );
    assert_eq!(
        names(&list(&t, &token, "limit=50").await),
        ["Motor fraud scorer", "Spam filter"]
    );
    // Texts under three bytes are searched without the index, the same way.
    assert_eq!(names(&list(&t, &token, "q=am").await), ["Spam filter"]);
    // Search and filters together, and a page kept for one query is never
    // another's.
    assert_eq!(
        names(&list(&t, &token, "q=motor&sort=title&limit=1").await),
        ["Motor fraud scorer"]
    );
    assert!(names(&list(&t, &token, "q=motor&lifecycle_stage=idea").await).is_empty());

    // More changes than are applied one by one: the index is built again.
    for i in 0..70 {
        t.app
            .create_system(&ws, &format!("Batch model {i:02}"), "Made in bulk")
            .await
            .unwrap();
    }
    let input = json!({"name": "Motor fraud scorer", "purpose": "Scores household claims"});
    t.app
        .update_record(
            &ws,
            kind,
            &fraud.id,
            fraud.version,
            Input::Json(input.as_object().unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(
        names(&list(&t, &token, "q=batch%20model%206").await).len(),
        10
    );
    assert_eq!(
        names(&list(&t, &token, "q=household").await),
        ["Motor fraud scorer"]
    );
    assert_eq!(
        names(&list(&t, &token, "q=in%20bulk&limit=500").await).len(),
        70
    );
    let total = list(&t, &token, "limit=500").await;
    assert_eq!(total["items"].as_array().unwrap().len(), 72);

    // Another workspace's token still finds no such workspace.
    t.add_workspace("other").await;
    let other = t.token("other", "manager").await;
    let r = t
        .call(
            Method::GET,
            &format!("{SYSTEMS}?limit=50"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(r.status, 404);
    t.stop().await;
}

#[tokio::test]
async fn no_cache_reads_the_page_again() {
    let t = TestApp::new().await;
    let ws = t.scope("acme").await;
    let token = t.token("acme", "auditor").await;
    t.app
        .create_system(&ws, "Claims triage", "Routes claims")
        .await
        .unwrap();
    let get = |cache: Option<&'static str>| {
        let mut req = t.client.get(t.url(&format!("{SYSTEMS}?q=claims")));
        req = req.bearer_auth(&token);
        if let Some(c) = cache {
            req = req.header(reqwest::header::CACHE_CONTROL, c);
        }
        async move {
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), 200);
            assert_eq!(
                r.headers()[reqwest::header::CONTENT_TYPE],
                "application/json"
            );
            r.bytes().await.unwrap()
        }
    };
    let kept = get(None).await;
    assert_eq!(
        get(Some("no-cache")).await,
        kept,
        "the same answer read again"
    );
    // Behind aims' back (no history event), as no user can: the kept page
    // stays, a no-cache request reads the database again.
    t.db.raw_sql("UPDATE records SET fields = replace(fields, 'Routes claims', 'Routes parcels')")
        .await;
    assert_eq!(get(None).await, kept);
    assert_eq!(get(Some("max-age=0")).await, kept);
    let fresh = get(Some("max-age=0, No-Cache")).await;
    let v: Value = serde_json::from_slice(&fresh).unwrap();
    assert_eq!(v["items"][0]["purpose"], "Routes parcels");
    assert_eq!(get(None).await, fresh, "and keeps what it read");
    t.stop().await;
}

#[tokio::test]
async fn a_client_that_has_the_page_is_told_so_until_it_changes() {
    let t = TestApp::new().await;
    let ws = t.scope("acme").await;
    let token = t.token("acme", "auditor").await;
    let first = t
        .app
        .create_system(&ws, "Claims triage", "Routes claims")
        .await
        .unwrap();
    let get = |if_none_match: Option<String>, cache: Option<&'static str>| {
        let mut req = t
            .client
            .get(t.url(&format!("{SYSTEMS}?limit=10")))
            .bearer_auth(&token);
        if let Some(tag) = if_none_match {
            req = req.header(reqwest::header::IF_NONE_MATCH, tag);
        }
        if let Some(c) = cache {
            req = req.header(reqwest::header::CACHE_CONTROL, c);
        }
        async move {
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            let etag = r
                .headers()
                .get(reqwest::header::ETAG)
                .map(|v| v.to_str().unwrap().to_owned());
            (status, etag, r.bytes().await.unwrap())
        }
    };
    let (status, etag, body) = get(None, None).await;
    assert_eq!(status, 200);
    let etag = etag.expect("a page names itself");
    assert!(!body.is_empty());

    // The same page: 304, no body, the same tag; read afresh too, and named
    // weakly or among others.
    for (sent, cache) in [
        (etag.clone(), None),
        (etag.clone(), Some("no-cache")),
        (format!("W/{etag}"), None),
        (format!("\"other\", {etag}"), None),
        ("*".to_owned(), None),
    ] {
        let (status, again, body) = get(Some(sent.clone()), cache).await;
        assert_eq!(status, 304, "{sent} {cache:?}");
        assert_eq!(again.as_deref(), Some(etag.as_str()));
        assert!(body.is_empty());
    }
    let (status, _, _) = get(Some("\"other\"".into()), None).await;
    assert_eq!(status, 200, "another page's tag");

    // A change: the page is sent again, under a new tag.
    t.app
        .update_system(
            &ws,
            &first.id,
            first.version,
            "Claims router",
            "Routes claims",
        )
        .await
        .unwrap();
    let (status, changed, body) = get(Some(etag.clone()), None).await;
    assert_eq!(status, 200);
    assert_ne!(changed.as_deref(), Some(etag.as_str()));
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(names(&v), ["Claims router"]);
    let (status, _, _) = get(changed, None).await;
    assert_eq!(status, 304);
    t.stop().await;
}
