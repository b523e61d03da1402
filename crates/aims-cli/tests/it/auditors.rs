//! Auditor access (issue #12): a manager invites an external auditor until
//! a day; the private link lets them choose a password once; what they
//! open and download is in the access log managers read; after the day
//! the workspace is not found to them (injected clock).

use crate::helpers::{browser, member_session, sign_in, Caller, TestApp, WS};
use aims_app::domain::Role;
use aims_app::{FixedClock, Principal};
use serde_json::Value;
use std::sync::Arc;

fn day_after(today: &str, days: i64) -> String {
    aims_app::domain::date::add_days(today, days).unwrap()
}

#[tokio::test]
async fn an_invited_auditor_reads_until_the_day_and_what_they_open_is_logged() {
    let t = TestApp::new().await;
    let (manager, csrf) = member_session(&t, "mia@example.org", "acme", Role::Manager).await;
    // Evidence with a file, for the auditor to download.
    let contributor = Caller::new(&t, "contributor").await;
    let r = reqwest::Client::new()
        .post(t.url(&format!("{WS}/evidence/push")))
        .bearer_auth(&contributor.token)
        .multipart(
            reqwest::multipart::Form::new()
                .text("control", "A.6.2.6")
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(&b"drift report"[..]).file_name("drift.txt"),
                ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let evidence: Value = r.json().await.unwrap();
    let eid = evidence["id"].as_str().unwrap();

    let today = t.app.today();
    let until = day_after(&today, 10);
    let page = manager
        .post(t.url("/w/acme/settings/auditors"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Olga Auditor"),
            ("email", "olga@certifier.example"),
            ("expires_on", until.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    let at = html.find("/invite/inv_").expect("the link is shown once");
    let path: String = html[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_'))
        .collect();
    // A date not after today is refused, naming the field.
    let bad = manager
        .post(t.url("/w/acme/settings/auditors"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Late"),
            ("email", "late@certifier.example"),
            ("expires_on", today.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 422);

    // The link: no account needed, the password chosen once, then closed.
    let anon = browser();
    let form = anon.get(t.url(&path)).send().await.unwrap();
    assert_eq!(form.status().as_u16(), 200);
    assert!(form.text().await.unwrap().contains("auditor"));
    let differ = anon
        .post(t.url(&path))
        .form(&[
            ("password", "a long passphrase 1"),
            ("again", "another one"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(differ.status().as_u16(), 422);
    let done = anon
        .post(t.url(&path))
        .form(&[
            ("password", "a long passphrase 1"),
            ("again", "a long passphrase 1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status().as_u16(), 200);
    assert_eq!(
        anon.get(t.url(&path))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );

    // The auditor reads and downloads; cannot write.
    let (olga, olga_csrf) = sign_in(&t, "olga@certifier.example", "a long passphrase 1").await;
    assert_eq!(
        olga.get(t.url("/w/acme/risks"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    let file = olga
        .get(t.url(&format!("/w/acme/evidence/{eid}/files/1")))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status().as_u16(), 200);
    assert_eq!(file.bytes().await.unwrap().as_ref(), b"drift report");
    let write = olga
        .post(t.url("/w/acme/risks"))
        .form(&[("csrf", olga_csrf.as_str()), ("title", "Not allowed")])
        .send()
        .await
        .unwrap();
    assert_eq!(write.status().as_u16(), 403);
    // The auditor cannot see the log or invite.
    assert_eq!(
        olga.get(t.url("/w/acme/settings/auditors"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );

    // Managers see what the auditor opened, downloads included.
    let log = manager
        .get(t.url("/w/acme/settings/auditors"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(log.contains("/w/acme/risks"), "{log}");
    assert!(
        log.contains(&format!("/w/acme/evidence/{eid}/files/1")),
        "{log}"
    );
    assert!(log.contains("olga@certifier.example"));
    let api = manager
        .get(t.url(&format!("{WS}/access-log")))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status().as_u16(), 200);
    let items: Value = api.json().await.unwrap();
    assert!(items["items"].as_array().unwrap().len() >= 3, "{items}");
    // Members' pages are not logged.
    assert!(
        items["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["actor_label"] == "olga@certifier.example"),
        "only auditors are logged: {items}"
    );

    // On the last day the workspace still opens; the day after it is not found.
    let user = t
        .app
        .users(&Principal::operator())
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.email == "olga@certifier.example")
        .unwrap();
    let olga_p = Principal {
        label: user.email.clone(),
        kind: aims_app::PrincipalKind::User {
            id: user.id.clone(),
            name: user.name.clone(),
            is_admin: false,
        },
    };
    let on = |day: String| {
        let when = time::OffsetDateTime::parse(
            &format!("{day}T12:00:00Z"),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        t.app.clone().with_clock(Arc::new(FixedClock(when)))
    };
    let last = on(until.clone());
    let scope = last.enter(&olga_p, "acme").await.unwrap();
    assert_eq!(scope.role, Some(Role::Auditor));
    let after = on(day_after(&until, 1));
    assert!(matches!(
        after.enter(&olga_p, "acme").await,
        Err(aims_app::AppError::NotFound(_))
    ));
    assert!(after.workspaces(&olga_p).await.unwrap().is_empty());
}
