//! The public trust page (issue #12): off (404) until a manager switches it
//! on; then it shows the certificate, the scope as last approved and the
//! published public documents — and nothing else: not a risk's title, not
//! a confidential document, not a scope draft edited since approval. Its
//! contact form lands as a concern.

use crate::helpers::{browser, member_session, TestApp};
use aims_app::domain::document::DocState;
use aims_app::domain::record::{kind, Input, CERTIFICATION, DOCUMENTS, INCIDENTS};
use aims_app::domain::Role;
use serde_json::{json, Value};

async fn create(t: &TestApp, kind_name: &str, body: Value) -> aims_app::store::RecordRow {
    let acme = t.scope("acme").await;
    let k = kind(kind_name).unwrap();
    t.app
        .create_record(&acme, k, Input::Json(body.as_object().unwrap()))
        .await
        .unwrap()
}

async fn published(t: &TestApp, title: &str, classification: &str, text: &str) {
    let acme = t.scope("acme").await;
    let d = create(
        t,
        "documents",
        json!({"title": title, "type": "policy", "classification": classification}),
    )
    .await;
    let v = t
        .app
        .save_document_text(&acme, &d.id, None, text)
        .await
        .unwrap();
    let mut rev = v.revision;
    for to in [DocState::InReview, DocState::Approved, DocState::Published] {
        rev = t
            .app
            .move_document(&acme, &d.id, v.number, rev, to, "")
            .await
            .unwrap()
            .revision;
    }
    let _ = &DOCUMENTS;
}

#[tokio::test]
async fn the_trust_page_shows_what_is_public_and_nothing_else() {
    let t = TestApp::new().await;
    let acme = t.scope("acme").await;
    let (manager, csrf) = member_session(&t, "mia@example.org", "acme", Role::Manager).await;
    let anon = browser();
    assert_eq!(
        anon.get(t.url("/trust/acme"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        anon.get(t.url("/trust/nope"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );

    create(&t, "risks", json!({"title": "SECRET-RISK-TITLE"})).await;
    published(&t, "Our AI policy", "public", "We use AI **responsibly**.").await;
    published(
        &t,
        "Internal playbook",
        "confidential",
        "CONFIDENTIAL-PLAYBOOK-TEXT",
    )
    .await;
    let scopes = kind("scopes").unwrap();
    let scope = create(
        &t,
        "scopes",
        json!({"title": "AIMS scope", "statement": "All AI products we sell"}),
    )
    .await;
    t.app
        .approve_record(&acme, scopes, &scope.id, scope.version, "")
        .await
        .unwrap();
    t.app
        .update_record(
            &acme,
            scopes,
            &scope.id,
            scope.version,
            Input::Json(
                json!({"statement": "DRAFT-SCOPE-CHANGE"})
                    .as_object()
                    .unwrap(),
            ),
        )
        .await
        .unwrap();
    let today = t.app.today();
    t.app
        .create_record(
            &acme,
            &CERTIFICATION,
            Input::Json(
                json!({"title": "ISO/IEC 42001 certificate", "type": "certificate", "body": "Cert Co",
                    "certificate_no": "AIMS-123", "valid_from": today, "status": "held", "outcome": "certified"})
                .as_object()
                .unwrap(),
            ),
        )
        .await
        .unwrap();

    // Switched on by a manager.
    let r = manager
        .post(t.url("/w/acme/settings/trust"))
        .form(&[("csrf", csrf.as_str()), ("enabled", "on")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let page = anon.get(t.url("/trust/acme")).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    for shown in [
        "Our AI policy",
        "<strong>responsibly</strong>",
        "All AI products we sell",
        "Certified",
        "Cert Co",
        "AIMS-123",
    ] {
        assert!(html.contains(shown), "{shown} missing");
    }
    for hidden in [
        "SECRET-RISK-TITLE",
        "Internal playbook",
        "CONFIDENTIAL-PLAYBOOK-TEXT",
        "DRAFT-SCOPE-CHANGE",
        "mia@example.org",
        "/w/acme",
    ] {
        assert!(!html.contains(hidden), "{hidden} leaked");
    }

    // The contact form lands as a concern.
    let sent = anon
        .post(t.url("/trust/acme/contact"))
        .form(&[
            ("message", "How do you test the chatbot for bias?"),
            ("from", "ann@example.net"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status().as_u16(), 200);
    assert!(sent.text().await.unwrap().contains("Thank you"));
    let incidents = t
        .app
        .all_records(&acme, &INCIDENTS, &Default::default())
        .await
        .unwrap();
    let concern = incidents
        .iter()
        .find(|i| i.title.contains("bias"))
        .expect("a concern");
    assert_eq!(concern.fields["type"], "concern");
    assert_eq!(concern.fields["source"], "trust_page");
    let empty = anon
        .post(t.url("/trust/acme/contact"))
        .form(&[("message", " ")])
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status().as_u16(), 422);

    // Off again: not found.
    manager
        .post(t.url("/w/acme/settings/trust"))
        .form(&[("csrf", csrf.as_str()), ("enabled", "off")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        anon.get(t.url("/trust/acme"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
}
