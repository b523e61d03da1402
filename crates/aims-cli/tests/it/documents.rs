//! The document library (issue #10): a policy's text goes draft → approved
//! → published; editing it starts version 2 while the published version 1
//! stays byte for byte; Markdown reaches the page sanitised; members
//! acknowledge the published version; templates are adopted.

use crate::helpers::{fetch_text, location, member_session, problem_fields, Caller, TestApp};
use aims_app::domain::Role;
use reqwest::Method;
use serde_json::{json, Value};

const POLICY: &str = "# AI policy\n\nWe use AI **fairly**.\n\n<script>alert('x')</script>\n\n[click me](javascript:alert(1))\n\n<img src=x onerror=alert(2)>\n";

async fn post_form(b: &reqwest::Client, url: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = b.post(url).form(form).send().await.unwrap();
    let s = r.status().as_u16();
    let to = location(&r);
    let text = r.text().await.unwrap();
    (s, if s == 303 { to } else { text })
}

#[tokio::test]
async fn a_policy_is_approved_published_and_its_published_text_never_changes() {
    let t = TestApp::new().await;
    let contributor = Caller::new(&t, "contributor").await;
    let manager = Caller::new(&t, "manager").await;
    let (s, doc) = contributor
        .post(
            "/documents",
            json!({"title": "AI policy", "type": "policy", "must_read": "everyone"}),
        )
        .await;
    assert_eq!(s, 201, "{doc}");
    let id = doc["id"].as_str().unwrap().to_owned();
    let (s, v1) = contributor
        .send(
            Method::PUT,
            &format!("/documents/{id}/text"),
            Some(json!({"markdown": POLICY})),
        )
        .await;
    assert_eq!(
        (s, v1["number"].as_i64(), v1["state"].as_str()),
        (200, Some(1), Some("draft")),
        "{v1}"
    );
    // The rendered text keeps the words and drops everything active.
    let html = v1["html"].as_str().unwrap().to_lowercase();
    assert!(html.contains("<strong>fairly</strong>"), "{html}");
    for bad in ["<script", "javascript:", "onerror"] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    // A contributor cannot approve; a manager approves, then publishes.
    let mv = |to: &str, revision: i64| json!({"to": to, "revision": revision, "note": "board"});
    let (s, _) = contributor
        .post(
            &format!("/documents/{id}/versions/1/move"),
            mv("approved", 1),
        )
        .await;
    assert_eq!(s, 403);
    let (s, v) = manager
        .post(
            &format!("/documents/{id}/versions/1/move"),
            mv("published", 1),
        )
        .await;
    assert_eq!(s, 409, "only an approved version is published: {v}");
    let (s, v) = manager
        .post(
            &format!("/documents/{id}/versions/1/move"),
            mv("approved", 1),
        )
        .await;
    assert_eq!((s, v["state"].as_str()), (200, Some("approved")), "{v}");
    assert!(v["approved_by"].as_str().is_some() && v["approved_at"].as_str().is_some());
    let (s, v) = manager
        .post(
            &format!("/documents/{id}/versions/1/move"),
            mv("published", 2),
        )
        .await;
    assert_eq!((s, v["state"].as_str()), (200, Some("published")), "{v}");
    // Editing starts version 2; version 1 stays exactly as published.
    let (s, v2) = contributor
        .send(
            Method::PUT,
            &format!("/documents/{id}/text"),
            Some(json!({"markdown": "# AI policy\n\nRevised.", "based_on": {"number": 1, "revision": 3}})),
        )
        .await;
    assert_eq!(
        (s, v2["number"].as_i64(), v2["state"].as_str()),
        (200, Some(2), Some("draft")),
        "{v2}"
    );
    let (_, again) = contributor
        .get(&format!("/documents/{id}/versions/1"))
        .await;
    assert_eq!(again["markdown"], POLICY, "byte for byte");
    assert_eq!(again["state"], "published");
    // The database refuses to change an approved text, whoever asks.
    let refused = t
        .db
        .try_raw_sql(&format!(
            "UPDATE document_versions SET body = '{{\"markdown\":\"forged\"}}' WHERE subject_id = '{id}' AND number = 1"
        ))
        .await;
    assert!(refused.is_err(), "the trigger refuses it");
    // Publishing version 2 supersedes version 1.
    manager
        .post(
            &format!("/documents/{id}/versions/2/move"),
            mv("approved", 1),
        )
        .await;
    let (s, _) = manager
        .post(
            &format!("/documents/{id}/versions/2/move"),
            mv("published", 2),
        )
        .await;
    assert_eq!(s, 200);
    let (_, all) = contributor.get(&format!("/documents/{id}/versions")).await;
    let states: Vec<&str> = all["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["published", "superseded"]);
    // Bad input is named.
    let (s, p) = contributor
        .send(
            Method::PUT,
            &format!("/documents/{id}/text"),
            Some(json!({"markdown": "a".repeat(200_001)})),
        )
        .await;
    assert_eq!((s, problem_fields(&p)), (422, vec!["markdown".to_owned()]));
    let (s, p) = manager
        .post(
            &format!("/documents/{id}/versions/2/move"),
            mv("superseded", 3),
        )
        .await;
    assert_eq!((s, problem_fields(&p)), (422, vec!["to".to_owned()]));
    t.stop().await;
}

#[tokio::test]
async fn members_acknowledge_the_published_version_on_its_page() {
    let t = TestApp::new().await;
    let (carol, csrf) = member_session(&t, "carol@example.org", "acme", Role::Contributor).await;
    member_session(&t, "dan@example.org", "acme", Role::Contributor).await;
    let manager = Caller::new(&t, "manager").await;
    let (_, doc) = manager
        .post(
            "/documents",
            json!({"title": "Acceptable use of AI", "must_read": "everyone"}),
        )
        .await;
    let id = doc["id"].as_str().unwrap().to_owned();
    let base = t.url(&format!("/w/acme/documents/{id}"));
    // Carol writes it on the page; the live preview sanitises as she types.
    let (s, to) = post_form(
        &carol,
        &format!("{base}/text"),
        &[
            ("csrf", &csrf),
            ("based_on", ""),
            ("markdown", "# Use\n\n<script>x()</script>Be careful."),
        ],
    )
    .await;
    assert_eq!(s, 303, "{to}");
    let (s, preview) = post_form(
        &carol,
        &t.url("/w/acme/document-preview"),
        &[
            ("csrf", &csrf),
            ("markdown", "**bold** <script>x()</script>"),
        ],
    )
    .await;
    assert_eq!(s, 200);
    assert!(
        preview.contains("<strong>bold</strong>") && !preview.contains("<script"),
        "{preview}"
    );
    for to in ["approved", "published"] {
        let (_, all) = manager.get(&format!("/documents/{id}/versions")).await;
        let rev = all["versions"][0]["revision"].as_i64().unwrap();
        let (s, v) = manager
            .post(
                &format!("/documents/{id}/versions/1/move"),
                json!({"to": to, "revision": rev}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
    }
    let page = fetch_text(&carol, &format!("{base}/text")).await;
    assert!(
        page.contains("Published version 1") && !page.contains("<script>x()"),
        "{page}"
    );
    assert!(page.contains("I have read this version"));
    let (_, acks) = manager
        .get(&format!("/documents/{id}/acknowledgements"))
        .await;
    let pending: Vec<&str> = acks["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert!(
        pending.contains(&"carol@example.org") && pending.contains(&"dan@example.org"),
        "{acks}"
    );
    // Carol's work list asks her to acknowledge it within two weeks.
    let work = fetch_text(&carol, &t.url("/w/acme/work")).await;
    assert!(
        work.contains("Acceptable use of AI (version 1)") && work.contains("in 14 days"),
        "{work}"
    );
    let (s, to) = post_form(&carol, &format!("{base}/acknowledge"), &[("csrf", &csrf)]).await;
    assert_eq!(s, 303, "{to}");
    let (_, acks) = manager
        .get(&format!("/documents/{id}/acknowledgements"))
        .await;
    assert_eq!(acks["acknowledged"][0][0], "carol@example.org", "{acks}");
    assert!(!acks["pending"].to_string().contains("carol"), "{acks}");
    assert!(acks["pending"].to_string().contains("dan"), "{acks}");
    let page = fetch_text(&carol, &format!("{base}/text")).await;
    assert!(
        !page.contains("I have read this version"),
        "acknowledged once"
    );
    t.stop().await;
}

#[tokio::test]
async fn a_template_is_adopted_as_a_first_draft_linked_to_what_it_satisfies() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    let (s, list) = c.get("/document-templates").await;
    assert_eq!(s, 200);
    assert_eq!(list["templates"].as_array().unwrap().len(), 11);
    let (s, doc) = c
        .post("/document-templates/ai-policy/adopt", json!({}))
        .await;
    assert_eq!(s, 201, "{doc}");
    let id = doc["id"].as_str().unwrap();
    let (_, v) = c.get(&format!("/documents/{id}/versions/1")).await;
    assert_eq!(v["state"], "draft");
    let text = v["markdown"].as_str().unwrap();
    assert!(
        text.contains("Acme") && !text.contains("{{organisation}}"),
        "{text}"
    );
    let (_, rec) = c.get(&format!("/documents/{id}")).await;
    assert_eq!(
        (rec["template"].as_str(), rec["type"].as_str()),
        (Some("ai-policy"), Some("policy"))
    );
    let (_, links) = c.get(&format!("/documents/{id}/links")).await;
    let to: Vec<String> = links["items"]
        .as_array()
        .map(|a| a.iter().map(|l| l.to_string()).collect())
        .unwrap_or_default();
    assert!(to.iter().any(|l| l.contains("5.2")), "{links}");
    let (s, _) = c
        .post("/document-templates/no-such-thing/adopt", json!({}))
        .await;
    assert_eq!(s, 404);
    let _: Value = links;
    t.stop().await;
}
