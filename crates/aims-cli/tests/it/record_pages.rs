//! The pages every kind of record shares, as a person uses them: the list
//! with filters, the create form with its errors, links added from one record
//! and seen from the other, what deleting unlinks, and an upload.

use crate::helpers::{fetch_text, sign_in, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

#[tokio::test]
async fn lists_filter_records_link_and_files_upload() {
    let t = TestApp::new().await;
    let (b, csrf) = sign_in(&t, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let post = |path: &str, form: Vec<(&str, &str)>| {
        let mut form: Vec<(String, String)> = form
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        form.push(("csrf".into(), csrf.clone()));
        b.post(t.url(path)).form(&form).send()
    };
    // A system with checkboxes (roles) and a select (stage); the owner is a member.
    let r = post(
        "/w/acme/inventory",
        vec![
            ("name", "Claims triage"),
            ("roles", ""),
            ("roles", "ai_provider"),
            ("roles", "ai_customer"),
            ("lifecycle_stage", "deployment"),
            ("in_scope", "true"),
            ("owner", ADMIN_EMAIL),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let system_page = r.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    post(
        "/w/acme/inventory",
        vec![("name", "Spam filter"), ("lifecycle_stage", "idea")],
    )
    .await
    .unwrap();
    // A wrong value comes back with the form as typed and the error beside it.
    let r = post(
        "/w/acme/inventory",
        vec![("name", "Bad date"), ("next_review", "31/12/2026")],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Next review must be a date written YYYY-MM-DD"),
        "{html}"
    );
    assert!(html.contains("value=\"Bad date\""));
    // Filters: only deployed systems; the export link keeps the filter.
    let html = fetch_text(&b, &t.url("/w/acme/inventory?lifecycle_stage=deployment")).await;
    assert!(
        html.contains("Claims triage") && !html.contains("Spam filter"),
        "{html}"
    );
    assert!(html.contains("AI provider, AI customer"));
    assert!(html.contains("/w/acme/inventory/export?format=xlsx&amp;lifecycle_stage=deployment"));
    let rows = fetch_text(&b, &t.url("/w/acme/inventory/rows?q=spam")).await;
    assert!(rows.contains("Spam filter") && !rows.contains("Claims triage"));
    let csv = fetch_text(
        &b,
        &t.url("/w/acme/inventory/export?format=csv&lifecycle_stage=idea"),
    )
    .await;
    assert!(
        csv.contains("Spam filter") && !csv.contains("Claims triage"),
        "{csv}"
    );
    // A model, linked from the system; the model's page shows the link too.
    let r = post(
        "/w/acme/models",
        vec![
            ("name", "triage-gbm"),
            ("metrics", "auc=0.91 (claims 2025)"),
        ],
    )
    .await
    .unwrap();
    let model_page = r.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let model_id = model_page.rsplit('/').next().unwrap().to_owned();
    let r = post(
        &format!("{system_page}/links"),
        vec![("relation", "uses_model"), ("to", &model_id)],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let html = fetch_text(&b, &t.url(&model_page)).await;
    assert!(
        html.contains("used by") && html.contains("Claims triage"),
        "{html}"
    );
    assert!(html.contains("auc=0.91 (claims 2025)"));
    let html = fetch_text(&b, &t.url(&system_page)).await;
    assert!(html.contains("uses model") && html.contains("triage-gbm"));
    assert!(
        html.contains("Deleting it also unlinks: triage-gbm (uses model)."),
        "{html}"
    );
    assert!(html.contains("Not classified yet"));
    // Deleting the model leaves the system without the link.
    post(&format!("{model_page}/delete"), vec![]).await.unwrap();
    let html = fetch_text(&b, &t.url(&system_page)).await;
    assert!(html.contains("Nothing is linked yet."));
    // An upload: a dry run reports, nothing is written.
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("mode", "dry-run")
        .part(
            "file",
            reqwest::multipart::Part::bytes(
                b"Name,Life-cycle stage\nNew one,idea\nOdd one,orbit\n".to_vec(),
            )
            .file_name("systems.csv"),
        );
    let r = b
        .post(t.url("/w/acme/inventory/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Checked, nothing written: 1 new"), "{html}");
    assert!(
        html.contains("<td>3</td><td>Life-cycle stage</td>"),
        "{html}"
    );
    let list = fetch_text(&b, &t.url("/w/acme/inventory")).await;
    assert!(!list.contains("New one"));
    t.stop().await;
}
