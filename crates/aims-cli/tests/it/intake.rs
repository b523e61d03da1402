//! Anonymous reporting (issue #10): a concern sent through the public link
//! lands in the incident list while the reporter sees nothing else; after
//! rotation the old link is not found; switched off, it is not found
//! either; one sender is limited.

use crate::helpers::{fetch_text, member_session, Caller, TestApp};
use aims_app::domain::Role;

fn secret_in(html: &str) -> String {
    let at = html.find("/report/").expect("the new link is shown") + "/report/".len();
    html[at..at + 48].to_owned()
}

#[tokio::test]
async fn an_anonymous_concern_arrives_as_an_incident_and_the_link_rotates() {
    let t = TestApp::new().await;
    let (manager, csrf) = member_session(&t, "mia@example.org", "acme", Role::Manager).await;
    let page = manager
        .post(t.url("/w/acme/settings/reporting/rotate"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let secret = secret_in(&page);
    // Someone without an account opens the form and reports.
    let anon = reqwest::Client::new();
    let form = anon
        .get(t.url(&format!("/report/{secret}")))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let html = form.text().await.unwrap();
    assert!(html.contains("Report a concern about AI"));
    assert!(
        !html.contains("Acme") && !html.contains("/w/acme"),
        "nothing of the workspace: {html}"
    );
    let r = anon
        .post(t.url(&format!("/report/{secret}")))
        .form(&[
            (
                "what",
                "The screening tool rejected every applicant over 50 this week.\nI work in HR.",
            ),
            ("system", "CV screening"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Your report is recorded") && !html.contains("/w/acme"),
        "{html}"
    );
    // It is an incident of type concern, from an anonymous source.
    let c = Caller::new(&t, "auditor").await;
    let (_, list) = c.get("/incidents?source=anonymous").await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(
        items[0]["title"],
        "Concern: The screening tool rejected every applicant over 50 this week."
    );
    assert_eq!(
        (items[0]["type"].as_str(), items[0]["status"].as_str()),
        (Some("concern"), Some("new"))
    );
    assert!(items[0]["description"]
        .as_str()
        .unwrap()
        .starts_with("AI system or service: CV screening"));
    // The reporter cannot read anything else: the API and pages need an account.
    let r = anon
        .get(t.url("/api/v1/workspaces/acme/incidents"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // An empty report is refused, nothing recorded.
    let r = anon
        .post(t.url(&format!("/report/{secret}")))
        .form(&[("what", "   ")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    // Rotated: the old link answers 404; the new one works.
    let page = manager
        .post(t.url("/w/acme/settings/reporting/rotate"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let fresh = secret_in(&page);
    assert_ne!(fresh, secret);
    let r = anon
        .get(t.url(&format!("/report/{secret}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = anon
        .post(t.url(&format!("/report/{secret}")))
        .form(&[("what", "still here?")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(
        anon.get(t.url(&format!("/report/{fresh}")))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Switched off: not found; a made-up token: not found.
    manager
        .post(t.url("/w/acme/settings/reporting/enable"))
        .form(&[("csrf", csrf.as_str()), ("enabled", "false")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        anon.get(t.url(&format!("/report/{fresh}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        anon.get(t.url("/report/nonsense"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let settings = fetch_text(&manager, &t.url("/w/acme/settings/reporting")).await;
    assert!(settings.contains("Switch the link on"), "{settings}");
    t.stop().await;
}

#[tokio::test]
async fn one_sender_is_limited_to_a_few_reports_an_hour() {
    let t = TestApp::new().await;
    let acme = t.scope("acme").await;
    let secret = t.app.rotate_intake_link(&acme).await.unwrap();
    let anon = reqwest::Client::new();
    let mut statuses = vec![];
    for n in 0..=aims_app::PER_SENDER_PER_HOUR {
        let r = anon
            .post(t.url(&format!("/report/{secret}")))
            .form(&[("what", format!("Report {n}"))])
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    let mut expected = vec![200; aims_app::PER_SENDER_PER_HOUR as usize];
    expected.push(429);
    assert_eq!(statuses, expected);
    let c = Caller::new(&t, "auditor").await;
    let (_, list) = c.get("/incidents?source=anonymous").await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        aims_app::PER_SENDER_PER_HOUR as usize
    );
    // Only managers make links.
    let (contributor, csrf) = member_session(&t, "cy@example.org", "acme", Role::Contributor).await;
    let r = contributor
        .post(t.url("/w/acme/settings/reporting/rotate"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    t.stop().await;
}
