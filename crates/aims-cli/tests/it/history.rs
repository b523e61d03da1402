//! The tamper-evident history: `aims audit verify` on a live database, and
//! after events are edited or deleted behind aims' back.

use crate::helpers::{backend, Backend, SystemsExt, TestApp};
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
    for i in 0..3 {
        let s = t
            .app
            .create_system(&t.scope("acme").await, &format!("System {i}"), "p")
            .await
            .unwrap();
        t.app
            .update_system(
                &t.scope("acme").await,
                &s.id,
                1,
                &format!("System {i}b"),
                "p",
            )
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
    let report = t.app.verify_history(None).await.unwrap();
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
    let head = t.app.verify_history(None).await.unwrap().events;
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
    let result =
        t.db.try_raw_sql("UPDATE history_events SET actor = 'x' WHERE seq = 1")
            .await;
    let err = result.expect_err("history rows cannot be updated");
    assert!(err.to_string().contains("append-only"), "{err}");
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
                app.create_system(
                    &app.enter(&op, "acme").await.unwrap(),
                    &format!("S{i}-{j}"),
                    "",
                )
                .await
                .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let report = t.app.verify_history(None).await.unwrap();
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.events, 3 + 80);
    t.stop().await;
}

/// Plays an attacker with database access but without the history key: edits
/// event `seq`, recomputes every hash after it and moves the head along.
async fn rewrite_from(t: &TestApp, seq: i64) {
    use aims_app::domain::history::event_hash;
    let mut c = t.app.store.conn().await.unwrap();
    let mut events = c.conn().history_chunk(0, 10_000).await.unwrap();
    drop(c);
    let mut sql = drop_guard().to_owned();
    let mut prev = String::new();
    for e in events.iter_mut() {
        if e.seq < seq {
            prev = e.hash.clone();
            continue;
        }
        if e.seq == seq {
            e.change = r#"{"name":"forged"}"#.into();
        }
        e.prev_hash = prev.clone();
        e.hash = event_hash(e);
        prev = e.hash.clone();
        sql.push_str(&format!(
            "UPDATE history_events SET change = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {};",
            e.change, e.prev_hash, e.hash, e.seq
        ));
    }
    sql.push_str(&format!(
        "UPDATE history_head SET hash = '{prev}' WHERE id = 1;"
    ));
    t.db.raw_sql(&sql).await;
}

#[tokio::test]
async fn a_rewritten_and_rehashed_history_is_found_without_the_key() {
    let t = with_events().await;
    rewrite_from(&t, 5).await;
    let (code, out) = verify(&t);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("not sealed"), "{out}");
    // Removing the seal altogether does not help either: aims refuses to
    // open a history whose seal was taken away.
    t.db.raw_sql("UPDATE history_head SET seal = '', key_id = '' WHERE id = 1;")
        .await;
    let (code, out) = verify(&t);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not sealed"), "{out}");
    t.stop().await;
}

#[tokio::test]
async fn a_checkpoint_proves_nothing_before_it_changed() {
    let t = with_events().await;
    let out = Command::new(TestApp::bin())
        .args(t.db.cli_args())
        .args(["audit", "checkpoint"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let cp_path = t.db.dir.path().join("checkpoint.json");
    std::fs::write(&cp_path, &out.stdout).unwrap();
    let cp: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cp_seq = cp["seq"].as_i64().unwrap();
    let verify_cp = |t: &TestApp| {
        let out = Command::new(TestApp::bin())
            .args(t.db.cli_args())
            .args(["audit", "verify", "--checkpoint"])
            .arg(&cp_path)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    // More events after the checkpoint: still fine.
    t.app
        .create_system(&t.scope("acme").await, "Later", "")
        .await
        .unwrap();
    let (code, out) = verify_cp(&t);
    assert_eq!(code, 0, "{out}");
    // Someone holding the key rewrites history before the checkpoint and
    // re-seals it: the plain verification passes, the checkpoint does not.
    rewrite_from(&t, 4).await;
    let key = t.app.store.history_key().unwrap().clone();
    let mut tx = t.app.store.begin().await.unwrap();
    tx.conn().history_seal_head(&key).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(verify(&t).0, 0, "re-sealed with the key");
    let (code, out) = verify_cp(&t);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("event #{cp_seq}")), "{out}");
    // A forged checkpoint is refused.
    std::fs::write(
        &cp_path,
        serde_json::json!({"seq": cp_seq, "hash": "0".repeat(64), "seal": "0".repeat(64)})
            .to_string(),
    )
    .unwrap();
    let (code, out) = verify_cp(&t);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("signature"), "{out}");
    t.stop().await;
}
