//! The framework catalogue through the API, the pages and the CLI.

use crate::helpers::{problem_fields, sign_in, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::{Client, Method, StatusCode};
use std::process::Command;

const OSCAL: &str = r#"{ "catalog": { "uuid": "0b0e5c3a-0000-4000-8000-000000000001",
  "metadata": { "title": "Example Security Controls", "version": "2.0", "oscal-version": "1.1.2", "last-modified": "2026-01-01T00:00:00Z" },
  "groups": [ { "id": "ac", "title": "Access Control", "controls": [
    { "id": "ac-1", "title": "Access Policy", "props": [ { "name": "label", "value": "AC-1" } ],
      "parts": [ { "id": "ac-1_smt", "name": "statement", "prose": "Keep a quarterly reviewed zebra access policy." } ] } ] } ] } }"#;

/// A signed-in administrator's client and the session's CSRF token.
async fn admin(t: &TestApp) -> (Client, String) {
    sign_in(t, ADMIN_EMAIL, ADMIN_PASSWORD).await
}

async fn import(
    t: &TestApp,
    b: &Client,
    csrf: &str,
    body: &str,
    content_type: &str,
) -> crate::helpers::Resp {
    let r = b
        .post(t.url("/api/v1/catalog/imports"))
        .header("x-csrf-token", csrf)
        .header("content-type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    crate::helpers::Resp::from(r).await
}

#[tokio::test]
async fn browse_the_catalogue_through_the_api() {
    let t = TestApp::new().await;
    let tok = t.token("acme", "auditor").await;
    let list = t
        .call(Method::GET, "/api/v1/catalog/frameworks", Some(&tok), None)
        .await
        .json();
    let iso = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "iso42001")
        .unwrap()
        .clone();
    assert_eq!(iso["counts"]["control"], 38);
    assert_eq!(iso["builtin"], true);

    let item = t
        .call(
            Method::GET,
            "/api/v1/catalog/frameworks/iso42001/items/A.6.2.6",
            Some(&tok),
            None,
        )
        .await
        .json();
    assert_eq!(item["title"], "AI system operation and monitoring");
    assert!(!item["asks"].as_str().unwrap().is_empty());
    let mapped: Vec<&str> = item["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["framework"].as_str().unwrap())
        .collect();
    assert!(
        mapped.contains(&"nist-ai-rmf")
            && mapped.contains(&"eu-ai-act")
            && mapped.contains(&"iso27001")
    );

    let sub = t
        .call(
            Method::GET,
            "/api/v1/catalog/frameworks/nist-ai-rmf/items/GOVERN%201.1",
            Some(&tok),
            None,
        )
        .await
        .json();
    assert_eq!(sub["kind"], "subcategory");

    let hits = t
        .call(
            Method::GET,
            "/api/v1/catalog/search?q=impact%20assessment",
            Some(&tok),
            None,
        )
        .await
        .json();
    assert!(hits["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["id"] == "A.5.2"));
    let maps = t
        .call(Method::GET, "/api/v1/catalog/mappings", Some(&tok), None)
        .await
        .json();
    assert_eq!(maps["items"].as_array().unwrap().len(), 4);

    t.call(
        Method::GET,
        "/api/v1/catalog/frameworks/nope",
        Some(&tok),
        None,
    )
    .await
    .problem(404);
    t.call(
        Method::GET,
        "/api/v1/catalog/frameworks/iso42001/items/Z.9",
        Some(&tok),
        None,
    )
    .await
    .problem(404);
    let p = t
        .call(Method::GET, "/api/v1/catalog/search?q=", Some(&tok), None)
        .await
        .problem(400);
    assert_eq!(problem_fields(&p), ["q"]);
    t.call(Method::GET, "/api/v1/catalog/frameworks", None, None)
        .await
        .problem(401);
    t.stop().await;
}

#[tokio::test]
async fn administrators_import_frameworks_and_bad_files_leave_nothing_behind() {
    let t = TestApp::new().await;
    let (b, csrf) = admin(&t).await;

    // Tokens, even a manager's, cannot import.
    let tok = t.token("acme", "manager").await;
    let r = crate::helpers::Resp::from(
        t.client
            .post(t.url("/api/v1/catalog/imports"))
            .bearer_auth(&tok)
            .header("content-type", "application/json")
            .body(OSCAL)
            .send()
            .await
            .unwrap(),
    )
    .await;
    r.problem(403);

    // A malformed framework names line and field, and nothing is imported.
    let bad = "[framework]\nid = \"acme-std\"\nname = \"Acme\"\nkind = \"internal\"\n\n[[item]]\nid = \"R1\"\nkind = \"rule\"\ntitle = \"\"\n";
    let p = import(&t, &b, &csrf, bad, "application/toml")
        .await
        .problem(422);
    assert_eq!(problem_fields(&p), ["item.title"]);
    assert!(p["detail"].as_str().unwrap().contains("line 9"), "{p}");
    let p = import(
        &t,
        &b,
        &csrf,
        &OSCAL.replace("\"title\": \"Access Policy\"", "\"title\": 7"),
        "application/json",
    )
    .await
    .problem(422);
    assert!(
        p["detail"].as_str().unwrap().contains("controls[0].title"),
        "{p}"
    );
    let p = import(
        &t,
        &b,
        &csrf,
        &bad.replace("acme-std", "iso42001")
            .replace("title = \"\"", "title = \"x\""),
        "application/toml",
    )
    .await
    .problem(422);
    assert!(p["detail"].as_str().unwrap().contains("built-in"), "{p}");
    let list = t
        .call(Method::GET, "/api/v1/catalog/frameworks", Some(&tok), None)
        .await
        .json();
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        5,
        "nothing half-imported"
    );

    // An OSCAL catalog imports as a framework, searchable at once.
    let r = import(&t, &b, &csrf, OSCAL, "application/json").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let out = r.json();
    assert_eq!(
        (
            out["id"].as_str(),
            out["version"].as_i64(),
            out["entries"].as_i64()
        ),
        (Some("example-security-controls"), Some(1), Some(2))
    );
    let hits = t
        .call(
            Method::GET,
            "/api/v1/catalog/search?q=zebra",
            Some(&tok),
            None,
        )
        .await
        .json();
    assert_eq!(hits["items"][0]["id"], "AC-1");
    assert_eq!(hits["items"][0]["framework"], "example-security-controls");
    // Importing it again is a new version, not a duplicate.
    assert_eq!(
        import(&t, &b, &csrf, OSCAL, "application/json")
            .await
            .json()["version"],
        2
    );

    // An organisation's mapping from its framework to ISO 42001.
    let mapping = "[mapping_set]\nid = \"example-to-42001\"\nname = \"Example to 42001\"\nsource = \"example-security-controls\"\ntarget = \"iso42001\"\n\n[[pair]]\nsource = \"AC-1\"\ntarget = \"A.2.2\"\nrelationship = \"intersects\"\n";
    assert_eq!(
        import(&t, &b, &csrf, mapping, "application/toml")
            .await
            .status,
        StatusCode::CREATED
    );
    let item = t
        .call(
            Method::GET,
            "/api/v1/catalog/frameworks/iso42001/items/A.2.2",
            Some(&tok),
            None,
        )
        .await
        .json();
    assert!(item["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["id"] == "AC-1"));

    // The import is in the history.
    assert!(t.app.verify_history(None).await.unwrap().error.is_none());
    t.stop().await;
}

#[tokio::test]
async fn catalogue_pages() {
    let t = TestApp::new().await;
    let (b, csrf) = admin(&t).await;
    let get = |path: &'static str| {
        let b = b.clone();
        let url = t.url(path);
        async move {
            let r = b.get(url).send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let (s, html) = get("/catalog").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("ISO/IEC 42001:2023") && html.contains("Import a framework"));
    let (_, html) = get("/catalog/iso42001").await;
    assert!(html.contains("A.6.2.6") && html.contains("/catalog/iso42001/item/A.6.2.6"));
    let (_, html) = get("/catalog/iso42001/item/A.6.2.6").await;
    assert!(
        html.contains("Evidence auditors expect")
            && html.contains("NIST AI RMF 1.0")
            && html.contains("EU AI Act")
    );
    let (s, html) = get("/catalog/nist-ai-rmf/item/GOVERN%201.1").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("ISO/IEC 42001"));
    let (_, html) = get("/catalog/search?q=human%20oversight").await;
    assert!(html.contains("Art. 14"));
    assert_eq!(get("/catalog/nope").await.0, StatusCode::NOT_FOUND);

    // The import form refuses a bad file with its line, and takes a good one.
    let r = b
        .post(t.url("/catalog/import"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("content", "[framework]\nid = \"x\"\n"),
            ("id", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Not imported"));
    let r = b
        .post(t.url("/catalog/import"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("content", OSCAL),
            ("id", "example-sc"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("as version 1"));
    let (s, _) = get("/catalog/example-sc").await;
    assert_eq!(s, StatusCode::OK);
    t.stop().await;
}

fn aims(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(TestApp::bin())
        .args(args)
        .env_remove("AIMS_DATA_DIR")
        .env_remove("AIMS_DATABASE_URL")
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn catalog_commands_work_without_a_server_or_data_dir() {
    let (code, out, _) = aims(&["catalog", "show", "A.6.2.6"]);
    assert_eq!(code, 0);
    for needle in [
        "AI system operation and monitoring",
        "What it asks",
        "Evidence auditors expect",
        "Maps to NIST AI RMF 1.0",
        "MEASURE 2.4",
        "Maps to EU AI Act",
        "Art. 72",
    ] {
        assert!(out.contains(needle), "missing {needle}:\n{out}");
    }
    let (code, _, err) = aims(&["catalog", "show", "A.99.1"]);
    assert_ne!(code, 0);
    assert!(err.contains("no catalogue item 'A.99.1'"), "{err}");
    let (code, out, _) = aims(&["catalog", "list"]);
    assert_eq!(code, 0);
    assert!(out.contains("nist-ai-rmf") && out.contains("280 pairs"));
    let (code, out, _) = aims(&["catalog", "search", "human", "oversight"]);
    assert_eq!(code, 0);
    assert!(out.contains("Art. 14"));
}

#[tokio::test]
async fn catalog_import_from_the_command_line() {
    let t = TestApp::new().await;
    let dir = crate::helpers::tempdir::TempDir::new();
    let good = dir.path().join("catalog.json");
    std::fs::write(&good, OSCAL).unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[framework]\nid = \"acme\"\nname = \"Acme\"\nkind = \"internal\"\n\n[[item]]\nid = \"R1\"\nkind = \"rule\"\ntitle = \"One\"\nparent = \"R0\"\n").unwrap();
    let db: Vec<String> = t.db.cli_args();
    let with_db = |extra: &[&str]| {
        let mut args: Vec<&str> = db.iter().map(String::as_str).collect();
        args.extend_from_slice(extra);
        aims(&args)
    };
    let (code, _, err) = with_db(&["catalog", "import", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("line 10, field `item.parent`") && err.contains("nothing was saved"),
        "{err}"
    );
    let (code, out, err) = with_db(&["catalog", "import", good.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("version 1 with 2 items"), "{out}");
    let (_, out, _) = with_db(&["catalog", "search", "zebra"]);
    assert!(
        out.contains("AC-1"),
        "imported frameworks are searched with --data-dir/--database-url: {out}"
    );
    let (code, _, _) = aims(&["catalog", "search", "zebra"]);
    assert_eq!(
        code, 1,
        "without a data dir only the built-in catalogue is searched"
    );
    t.stop().await;
}

#[tokio::test]
async fn the_eu_ai_act_questionnaire_is_served_with_stable_ids() {
    let t = TestApp::new().await;
    let tok = t.token("acme", "auditor").await;
    let q = t
        .call(
            Method::GET,
            "/api/v1/catalog/eu-ai-act/questionnaire",
            Some(&tok),
            None,
        )
        .await
        .json();
    let questions = q["questions"].as_array().unwrap();
    assert_eq!(
        questions.len(),
        aims_app::domain::eu_ai_act::questionnaire().len()
    );
    let ids: Vec<&str> = questions
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    for id in [
        "art5.social_scoring",
        "annex3.area",
        "art6_3.profiling",
        "gpai.training_compute_flops",
    ] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    assert!(questions
        .iter()
        .all(|q| q["rests_on"].as_str().is_some_and(|r| !r.is_empty())));
    t.stop().await;
}
