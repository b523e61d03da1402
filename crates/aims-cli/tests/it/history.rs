//! The tamper-evident history: `aims audit verify` on a live database, and
//! after events are edited or deleted behind aims' back.

use crate::helpers::{backend, Backend, TestApp};
use aims_app::Principal;
use std::process::Command;

fn verify(t: &TestApp) -> (i32, String) {
    let out = Command::new(TestApp::bin())
        .args(t.db.cli_args())
        .args(["audit", "verify"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

async fn with_events() -> TestApp {
    let t = TestApp::new().await;
    let op = Principal::operator();
    for i in 0..3 {
        let s = t
            .app
            .create_system(&op, "acme", &format!("System {i}"), "p")
            .await
            .unwrap();
        t.app
            .update_system(&op, "acme", &s.id, 1, &format!("System {i}b"), "p")
            .await
            .unwrap();
    }
    t
}

/// Lets the test play an attacker with database access: the append-only guard
/// is a trigger, which such an attacker can drop.
fn drop_guard() -> &'static str {
    match backend() {
        Backend::Sqlite => {
            "DROP TRIGGER history_events_no_update; DROP TRIGGER history_events_no_delete;"
        }
        Backend::Postgres => "DROP TRIGGER history_events_append_only ON history_events;",
    }
}

#[tokio::test]
async fn verify_passes_on_a_live_database() {
    let t = with_events().await;
    let (code, out) = verify(&t);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("history intact"), "{out}");
    // 3 setup events (user, workspace, member) plus 6 record changes.
    let report = t.app.verify_history().await.unwrap();
    assert!(report.error.is_none());
    assert!(report.events >= 6);
    t.stop().await;
}

#[tokio::test]
async fn an_edited_event_is_named() {
    let t = with_events().await;
    t.db.raw_sql(&format!(
        "{} UPDATE history_events SET change = '{{\"name\":\"forged\"}}' WHERE seq = 5;",
        drop_guard()
    ))
    .await;
    let (code, out) = verify(&t);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("event #5"), "{out}");
    assert!(out.contains("altered"), "{out}");
    t.stop().await;
}

#[tokio::test]
async fn a_deleted_event_is_named() {
    let t = with_events().await;
    t.db.raw_sql(&format!(
        "{} DELETE FROM history_events WHERE seq = 4;",
        drop_guard()
    ))
    .await;
    let (code, out) = verify(&t);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("event #5"),
        "the event after the gap is named: {out}"
    );
    t.stop().await;
}

#[tokio::test]
async fn a_deleted_last_event_is_found() {
    let t = with_events().await;
    let head = t.app.verify_history().await.unwrap().events;
    t.db.raw_sql(&format!(
        "{} DELETE FROM history_events WHERE seq = {head};",
        drop_guard()
    ))
    .await;
    let (code, out) = verify(&t);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("#{head}")), "{out}");
    t.stop().await;
}

#[tokio::test]
async fn the_database_refuses_edits_to_history() {
    let t = with_events().await;
    let store = t.db.store().await;
    let result = match &store {
        aims_app::store::Store::Sqlite(p) => {
            sqlx::query("UPDATE history_events SET actor = 'x' WHERE seq = 1")
                .execute(p)
                .await
                .map(|_| ())
        }
        aims_app::store::Store::Postgres(p) => {
            sqlx::query("UPDATE history_events SET actor = 'x' WHERE seq = 1")
                .execute(p)
                .await
                .map(|_| ())
        }
    };
    let err = result.expect_err("history rows cannot be updated");
    assert!(err.to_string().contains("append-only"), "{err}");
    store.close().await;
    t.stop().await;
}

#[tokio::test]
async fn concurrent_writers_keep_one_unbroken_chain() {
    let t = TestApp::new().await;
    let mut tasks = vec![];
    for i in 0..16 {
        let app = t.app.clone();
        tasks.push(tokio::spawn(async move {
            let op = Principal::operator();
            for j in 0..5 {
                app.create_system(&op, "acme", &format!("S{i}-{j}"), "")
                    .await
                    .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let report = t.app.verify_history().await.unwrap();
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.events, 3 + 80);
    t.stop().await;
}
