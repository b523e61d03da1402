//! The work list (issue #10): every open dated duty of every kind reaches
//! its owner — overdue reviews, expired trainings, due actions, incident
//! report deadlines — judged on the injected clock's day, across month and
//! year ends.

use crate::helpers::{fetch_text, member_session, problem_fields, Caller, TestApp};
use aims_app::domain::record::{Input, CHANGES, INCIDENTS, RISK_ACTIONS, SUPPLIERS, TRAININGS};
use aims_app::domain::work::Urgency;
use aims_app::domain::Role;
use aims_app::{FixedClock, WorkOf};
use serde_json::{json, Value};
use std::sync::Arc;

/// The app as of noon UTC on `date`.
fn on(t: &TestApp, date: &str) -> aims_app::App {
    let secs = aims_app::domain::date::day_number(date).unwrap() * 86_400 + 12 * 3600;
    t.app.clone().with_clock(Arc::new(FixedClock(
        (std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs as u64)).into(),
    )))
}

/// `email` (a member) inside workspace `slug`, as the signed-in user.
async fn member_scope(t: &TestApp, slug: &str, email: &str) -> aims_app::Scope {
    let mut c = t.app.store.conn().await.unwrap();
    let user = c.conn().user_by_email(email).await.unwrap().unwrap();
    let who = aims_app::Principal {
        kind: aims_app::PrincipalKind::User {
            id: user.id,
            name: user.name,
            is_admin: false,
        },
        label: email.to_owned(),
    };
    t.app.enter(&who, slug).await.unwrap()
}

async fn create(t: &TestApp, kind: &'static aims_app::domain::record::Kind, fields: Value) {
    let acme = t.scope("acme").await;
    t.app
        .create_record(&acme, kind, Input::Json(fields.as_object().unwrap()))
        .await
        .unwrap();
}

#[tokio::test]
async fn each_owner_sees_their_duties_by_urgency_on_the_clock_s_day() {
    let t = TestApp::new().await;
    let (b, _) = member_session(&t, "carol@example.org", "acme", Role::Contributor).await;
    let carol = "carol@example.org";
    create(
        &t,
        &RISK_ACTIONS,
        json!({"title": "Retrain on fresh data", "owner": carol, "due": "2026-11-30"}),
    )
    .await;
    create(
        &t,
        &RISK_ACTIONS,
        json!({"title": "Done already", "owner": carol, "due": "2026-11-01", "status": "done"}),
    )
    .await;
    create(
        &t,
        &TRAININGS,
        json!({"title": "AI Act awareness", "owner": carol, "expires_on": "2026-12-01"}),
    )
    .await;
    create(
        &t,
        &SUPPLIERS,
        json!({"title": "Acme Model API", "owner": carol, "next_review": "2027-01-04"}),
    )
    .await;
    create(&t, &INCIDENTS, json!({"title": "Wrong dose advice", "owner": carol, "aware_on": "2026-11-29", "serious": "widespread"})).await;
    create(
        &t,
        &CHANGES,
        json!({"title": "Someone else's change", "planned_for": "2026-11-30"}),
    )
    .await;
    let acme = t.scope("acme").await;
    let carol_scope = member_scope(&t, "acme", carol).await;
    // On 30 November: the action is due today, the incident report (29 Nov
    // + 2 days) tomorrow, the training expires tomorrow — this week; the
    // supplier review is more than 30 days away on 4 January.
    let app = on(&t, "2026-11-30");
    let w = app
        .work_list(&carol_scope, &WorkOf::Me, None)
        .await
        .unwrap();
    let seen: Vec<(&str, &str, i64)> = w
        .items
        .iter()
        .map(|i| (i.title.as_str(), i.duty.as_str(), i.days))
        .collect();
    assert_eq!(
        seen,
        [
            ("Retrain on fresh data", "due", 0),
            ("AI Act awareness", "expires_on", 1),
            ("Wrong dose advice", "report_due", 1),
        ]
    );
    assert_eq!(
        (w.until.as_str(), w.more),
        ("2026-12-31", 1),
        "the supplier review is later"
    );
    // A month later, across the year end: everything is overdue but the
    // supplier review, due in three days.
    let w = on(&t, "2027-01-01")
        .work_list(&carol_scope, &WorkOf::Me, None)
        .await
        .unwrap();
    let urgencies: Vec<(Urgency, i64)> = w.items.iter().map(|i| (i.urgency, i.days)).collect();
    assert_eq!(
        urgencies,
        [
            (Urgency::Overdue, -32),
            (Urgency::Overdue, -31),
            (Urgency::Overdue, -31),
            (Urgency::ThisWeek, 3)
        ]
    );
    // The workspace's list has the unowned change too.
    let all = app.work_list(&acme, &WorkOf::Everyone, None).await.unwrap();
    assert_eq!(all.items.len(), 4);
    assert!(all
        .items
        .iter()
        .any(|i| i.title == "Someone else's change" && i.owner.is_none()));
    // The page shows carol her own work; overdue items stand out.
    let html = fetch_text(&b, &t.url("/w/acme/work")).await;
    assert!(
        html.contains("Retrain on fresh data") && !html.contains("Someone else"),
        "{html}"
    );
    let html = fetch_text(&b, &t.url("/w/acme/work?of=all")).await;
    assert!(html.contains("Someone else&#39;s change"), "{html}");
    t.stop().await;
}

#[tokio::test]
async fn the_tasks_api_lists_a_members_work_and_refuses_what_it_cannot_answer() {
    let t = TestApp::new().await;
    let c = Caller::new(&t, "contributor").await;
    member_session(&t, "dana@example.org", "acme", Role::Contributor).await;
    let (s, v) = c
        .post(
            "/risk-actions",
            json!({"title": "Patch the filter", "owner": "dana@example.org", "due": "2000-01-31"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = c.get("/tasks?owner=dana@example.org").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["items"][0]["title"], "Patch the filter");
    assert_eq!(v["items"][0]["urgency"], "overdue");
    assert_eq!(v["items"][0]["kind"], "risk-actions");
    let (s, v) = c.get("/tasks?owner=all&within=0").await;
    assert_eq!((s, v["items"].as_array().unwrap().len()), (200, 1));
    // A token has no work of its own: it reads the workspace's.
    let (s, v) = c.get("/tasks").await;
    assert_eq!((s, v["items"].as_array().unwrap().len()), (200, 1));
    let (s, p) = c.get("/tasks?owner=me").await;
    assert_eq!((s, problem_fields(&p)), (422, vec!["owner".to_owned()]));
    let (s, p) = c.get("/tasks?owner=nobody@example.org").await;
    assert_eq!((s, problem_fields(&p)), (422, vec!["owner".to_owned()]));
    let (s, p) = c.get("/tasks?within=99999").await;
    assert_eq!((s, problem_fields(&p)), (422, vec!["within".to_owned()]));
    let (s, _) = c.get("/tasks?within=soon").await;
    assert_eq!(s, 400);
    t.stop().await;
}

#[tokio::test]
async fn the_people_page_says_who_lacks_what() {
    let t = TestApp::new().await;
    let (b, _) = member_session(&t, "carol@example.org", "acme", Role::Manager).await;
    member_session(&t, "dan@example.org", "acme", Role::Contributor).await;
    use aims_app::domain::record::RESPONSIBILITIES;
    create(
        &t,
        &RESPONSIBILITIES,
        json!({"title": "Monitor drift", "owner": "dan@example.org"}),
    )
    .await;
    create(&t, &TRAININGS, json!({"title": "Fairness testing", "owner": "dan@example.org", "expires_on": "2020-01-31", "status": "completed"})).await;
    create(&t, &TRAININGS, json!({"title": "AI Act awareness", "owner": "carol@example.org", "expires_on": "2999-01-31", "status": "completed"})).await;
    let acme = t.scope("acme").await;
    let people = t.app.people(&acme).await.unwrap();
    let dan = people
        .iter()
        .find(|p| p.email == "dan@example.org")
        .unwrap();
    assert_eq!(
        dan.gaps,
        [
            "Fairness testing expired on 2020-01-31",
            "accountable for 1 activity without a current training or qualification"
        ]
    );
    let carol = people
        .iter()
        .find(|p| p.email == "carol@example.org")
        .unwrap();
    assert!(carol.gaps.is_empty(), "{carol:?}");
    assert_eq!(
        people[0].email, "dan@example.org",
        "those who lack something first"
    );
    let html = fetch_text(&b, &t.url("/w/acme/people")).await;
    assert!(
        html.contains("Fairness testing expired on 2020-01-31") && html.contains("Monitor drift"),
        "{html}"
    );
    t.stop().await;
}
