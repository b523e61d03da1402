//! The web UI over HTTP: first-run setup, sign-in, sessions, CSRF and pages.

use crate::helpers::{
    browser, csrf_of, fetch_text, location, sign_in, SystemsExt, TestApp, ADMIN_EMAIL,
    ADMIN_PASSWORD,
};
use reqwest::{Client, StatusCode};

#[tokio::test]
async fn first_run_setup_then_sign_in() {
    let t = TestApp::empty().await;
    let b = browser();
    let r = b.get(t.url("/")).send().await.unwrap();
    assert_eq!(location(&r), "/setup");
    let page = fetch_text(&b, &t.url("/setup")).await;
    assert!(page.contains("Create administrator"));

    // Invalid input re-renders the form naming each field, keeping what was typed.
    let r = b
        .post(t.url("/setup"))
        .form(&[("name", "Ada"), ("email", "nope"), ("password", "short")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("E-mail must be an e-mail address"), "{html}");
    assert!(html.contains("Password must be at least 10 characters"));
    assert!(html.contains("value=\"Ada\""));

    let r = b
        .post(t.url("/setup"))
        .form(&[
            ("name", "Ada"),
            ("email", ADMIN_EMAIL),
            ("password", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "no Secure flag over plain http");
    let home = fetch_text(&b, &t.url("/")).await;
    assert!(home.contains("Your workspaces") && home.contains(ADMIN_EMAIL));

    // Setup cannot be replayed once a user exists.
    let r = browser()
        .post(t.url("/setup"))
        .form(&[
            ("name", "Eve"),
            ("email", "eve@example.org"),
            ("password", "evil password 123"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/login");
    assert!(
        t.app
            .users(&aims_app::Principal::operator())
            .await
            .unwrap()
            .len()
            == 1
    );

    // Sign out, then in again.
    let csrf = csrf_of(&home);
    let r = b
        .post(t.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/login");
    assert_eq!(location(&b.get(t.url("/")).send().await.unwrap()), "/login");
    let r = b
        .post(t.url("/login"))
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/");
    t.stop().await;
}

#[tokio::test]
async fn secure_cookie_behind_https_proxy() {
    let t = TestApp::new().await;
    let r = browser()
        .post(t.url("/login"))
        .header("x-forwarded-proto", "https")
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    t.stop().await;
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled() {
    let t = TestApp::new().await;
    let b = browser();
    for _ in 0..5 {
        let r = b
            .post(t.url("/login"))
            .form(&[("email", ADMIN_EMAIL), ("password", "wrong password")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    // Junk in the e-mail field is refused as a bad form, never a server error.
    let r = browser()
        .post(t.url("/login"))
        .form(&[("email", "a\0b"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // From the address that failed, even the right password is refused now
    // (the owner elsewhere is not: see hardening::nobody_can_lock_the_owner_out).
    let r = b
        .post(t.url("/login"))
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("Too many failed attempts"));
    t.stop().await;
}

/// The administrator, signed in, with the session's CSRF token.
async fn signed_in(t: &TestApp) -> (Client, String) {
    sign_in(t, ADMIN_EMAIL, ADMIN_PASSWORD).await
}

#[tokio::test]
async fn forms_need_the_session_csrf_token_and_same_origin() {
    let t = TestApp::new().await;
    let (b, csrf) = signed_in(&t).await;

    let r = b
        .post(t.url("/w/acme/inventory"))
        .form(&[("csrf", "0".repeat(64).as_str()), ("name", "Sneaky")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = b
        .post(t.url("/w/acme/inventory"))
        .header("origin", "https://evil.example")
        .form(&[("csrf", csrf.as_str()), ("name", "Sneaky")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = b
        .post(t.url("/w/acme/inventory"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf", csrf.as_str()), ("name", "Sneaky")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        t.app.count_systems(&t.scope("acme").await).await.unwrap(),
        0
    );

    // The API refuses a cookie-authenticated write without the CSRF header.
    let r = b
        .post(t.url("/api/v1/workspaces/acme/systems"))
        .json(&serde_json::json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = b
        .post(t.url("/api/v1/workspaces/acme/systems"))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"name": "Through the API"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    t.stop().await;
}

#[tokio::test]
async fn inventory_pages_create_edit_conflict_and_history() {
    let t = TestApp::new().await;
    let (b, csrf) = signed_in(&t).await;

    let r = b
        .post(t.url("/w/acme/inventory"))
        .form(&[("csrf", csrf.as_str()), ("name", ""), ("purpose", "kept")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Name is required") && html.contains(">kept</textarea>"));

    let r = b
        .post(t.url("/w/acme/inventory"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "<script>alert(1)</script>"),
            ("purpose", "Answers members"),
        ])
        .send()
        .await
        .unwrap();
    let to = location(&r);
    assert!(to.starts_with("/w/acme/inventory/"), "{to}");
    let detail = fetch_text(&b, &t.url(&to)).await;
    assert!(detail.contains("AI system added."));
    assert!(
        !detail.contains("<script>alert(1)</script>") && detail.contains("&#60;script&#62;"),
        "templates escape: {detail}"
    );
    let path = to.split('?').next().unwrap().to_owned();

    let r = b
        .post(t.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", "1"),
            ("name", "Member chatbot"),
            ("purpose", "Answers"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A second editor with the old version keeps their text and sees a conflict.
    let r = b
        .post(t.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", "1"),
            ("name", "Stale edit"),
            ("purpose", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("Someone else saved") && html.contains("value=\"Stale edit\""));

    let detail = fetch_text(&b, &t.url(&path)).await;
    assert!(detail.contains("Version 2") && detail.contains("changed name, purpose"));

    let rows = fetch_text(&b, &t.url("/w/acme/inventory/rows?q=chat")).await;
    assert!(
        rows.contains("Member chatbot") && !rows.contains("<html"),
        "htmx fragment"
    );

    let activity = fetch_text(&b, &t.url("/w/acme/activity")).await;
    assert!(activity.contains("Member chatbot"));

    for area in [
        "risks",
        "controls",
        "evidence",
        "documents",
        "work",
        "incidents",
        "audits",
        "audit-programme",
        "metrics",
        "nonconformities",
        "reviews",
        "certification",
        "reports",
        "impact",
    ] {
        let r = b
            .get(t.url(&format!("/w/acme/{area}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{area}");
    }
    assert_eq!(
        b.get(t.url("/w/acme/nonsense"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    t.stop().await;
}

#[tokio::test]
async fn pages_of_other_workspaces_are_not_found() {
    let t = TestApp::new().await;
    t.add_workspace("other").await;
    let (b, _) = signed_in(&t).await;
    let r = b.get(t.url("/w/other")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let html = r.text().await.unwrap();
    assert!(html.contains("Request id"));
    t.stop().await;
}

#[tokio::test]
async fn tokens_from_the_settings_page() {
    let t = TestApp::new().await;
    let (b, csrf) = signed_in(&t).await;
    let r = b
        .post(t.url("/w/acme/settings/tokens"))
        .form(&[("csrf", csrf.as_str()), ("name", "ci"), ("role", "auditor")])
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    let at = html.find("id=\"new-token\">").unwrap() + 15;
    let secret = html[at..].split('<').next().unwrap().to_owned();
    assert!(secret.starts_with("aims_"));
    let r = t
        .call(
            reqwest::Method::POST,
            "/api/v1/workspaces/acme/systems",
            Some(&secret),
            Some(serde_json::json!({"name": "x"})),
        )
        .await;
    r.problem(403);
    let again = fetch_text(&b, &t.url("/w/acme/settings")).await;
    assert!(!again.contains(&secret), "the secret is shown only once");
    t.stop().await;
}

#[tokio::test]
async fn administrators_add_users_and_grant_access_from_the_admin_page() {
    let t = TestApp::new().await;
    t.add_workspace("other").await;
    let (b, csrf) = signed_in(&t).await;
    let r = b
        .post(t.url("/admin/users"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Olu Auditor"),
            ("email", "olu@example.org"),
            ("password", "auditor password 1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The administrator is not a member of `other`, and still grants access to it.
    let r = b
        .post(t.url("/admin/members"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("workspace", "other"),
            ("email", "olu@example.org"),
            ("role", "auditor"),
        ])
        .send()
        .await
        .unwrap();
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("olu@example.org is now auditor in other"));

    let olu = browser();
    olu.post(t.url("/login"))
        .form(&[
            ("email", "olu@example.org"),
            ("password", "auditor password 1"),
        ])
        .send()
        .await
        .unwrap();
    // With a single workspace the start page opens its dashboard.
    assert_eq!(
        location(&olu.get(t.url("/")).send().await.unwrap()),
        "/w/other"
    );
    let home = fetch_text(&olu, &t.url("/?all=1")).await;
    assert!(home.contains("other org") && !home.contains("Acme AI"));
    let settings = fetch_text(&olu, &t.url("/w/other/settings")).await;
    assert!(
        !settings.contains("Create token"),
        "auditors do not manage tokens"
    );
    assert_eq!(
        olu.get(t.url("/admin")).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    t.stop().await;
}

#[tokio::test]
async fn managers_remove_members_but_never_the_last_manager() {
    let t = TestApp::new().await;
    let op = aims_app::Principal::operator();
    let olu = t
        .app
        .add_user(
            &op,
            "olu@example.org",
            "Olu",
            "auditor password 1",
            false,
            false,
        )
        .await
        .unwrap();
    t.app
        .set_member(&t.scope("acme").await, "olu@example.org", "auditor")
        .await
        .unwrap();
    let (b, csrf) = signed_in(&t).await;
    let del = |id: String| {
        let req = b
            .delete(t.url(&format!("/api/v1/workspaces/acme/members/{id}")))
            .header("x-csrf-token", &csrf);
        async move { req.send().await.unwrap().status() }
    };
    assert_eq!(del(olu.id.clone()).await, StatusCode::NO_CONTENT);
    assert_eq!(del(olu.id.clone()).await, StatusCode::NOT_FOUND);
    let me = t.app.members(&t.scope("acme").await).await.unwrap()[0]
        .user_id
        .clone();
    assert_eq!(
        del(me).await,
        StatusCode::CONFLICT,
        "the last manager stays"
    );
    let events = t
        .app
        .activity(&t.scope("acme").await, None, 5)
        .await
        .unwrap();
    assert!(events
        .iter()
        .any(|e| e.action == "remove" && e.change.contains("olu@example.org")));
    t.stop().await;
}

/// Form fields of a page request.
#[tokio::test]
async fn sessions_expire_after_twelve_hours() {
    let t = TestApp::new().await;
    let op = aims_app::Principal::operator();
    let user = t.app.users(&op).await.unwrap().remove(0);
    let session = t.app.start_session(&user.id).await.unwrap();
    assert!(t
        .app
        .session_principal(&session.cookie_value)
        .await
        .unwrap()
        .is_some());
    let later = |hours: i64| {
        let at = std::time::SystemTime::now() + std::time::Duration::from_secs(hours as u64 * 3600);
        let clock = aims_app::FixedClock(at.into());
        t.app.clone().with_clock(std::sync::Arc::new(clock))
    };
    assert!(later(11)
        .session_principal(&session.cookie_value)
        .await
        .unwrap()
        .is_some());
    assert!(
        later(13)
            .session_principal(&session.cookie_value)
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    t.stop().await;
}

#[tokio::test]
async fn dates_read_as_dates_and_tree_toggles_hold_no_links() {
    let t = TestApp::new().await;
    let s = t
        .app
        .create_system(&t.scope("acme").await, "Dated", "")
        .await
        .unwrap();
    let (b, _) = signed_in(&t).await;
    let page = fetch_text(&b, &t.url(&format!("/w/acme/inventory/{}", s.id))).await;
    // The stored time is only in the machine-readable attribute; people see a date.
    let shown = page.replace(&format!("datetime=\"{}\"", s.updated_at), "");
    assert!(!shown.contains(&s.updated_at), "raw timestamp shown");
    assert!(page.contains(&format!("<time datetime=\"{}\" title=\"", s.updated_at)));
    assert!(page.contains(" UTC</time>"), "{page}");
    let activity = fetch_text(&b, &t.url("/w/acme/activity")).await;
    assert!(activity.contains("<time datetime="), "{activity}");
    // Expand/collapse controls are plain text; the links sit beside them.
    let tree = fetch_text(&b, &t.url("/catalog/iso42001")).await;
    for summary in tree.split("<summary>").skip(1) {
        let inside = summary.split("</summary>").next().unwrap();
        assert!(!inside.contains("<a "), "a link inside a summary: {inside}");
    }
    assert!(tree.contains("<summary>"));
    t.stop().await;
}
