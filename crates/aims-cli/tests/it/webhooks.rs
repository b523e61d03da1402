//! Outgoing webhooks end to end: a real receiver on 127.0.0.1 gets history
//! events signed with the webhook's secret, retried with backoff, in order,
//! once each even with two delivery workers; managers alone manage them.

use crate::helpers::{
    member_session, sign_in, Options, SystemsExt, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD,
};
use aims_app::domain::Role;
use aims_app::{Principal, WebhookInput, WebhookSettings};
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use reqwest::{Client, Method};
use serde_json::{json, Value};
use sha2::Sha256;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Short waits: a poll every 50 ms, retries after 300 ms.
fn options() -> Options {
    Options {
        webhooks: WebhookSettings {
            allow_private: true,
            backoff: vec![Duration::from_millis(300); 3],
            timeout: Duration::from_secs(5),
            poll: Duration::from_millis(50),
            lease: Duration::from_secs(10),
            ..WebhookSettings::default()
        },
        ..Options::default()
    }
}

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Received {
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A local HTTP receiver on 127.0.0.1 that answers 500 to its first
/// `fail_first` requests and 204 after.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    async fn start(fail_first: usize) -> Receiver {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let fails = Arc::new(AtomicUsize::new(fail_first));
        let (g, f) = (got.clone(), fails.clone());
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
                let (g, f) = (g.clone(), f.clone());
                async move {
                    g.lock().unwrap().push(Received {
                        headers,
                        body: body.to_vec(),
                    });
                    let failing = f
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok();
                    if failing {
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::NO_CONTENT
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, got }
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.got();
            if got.len() >= n {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the receiver got {} of {n} requests",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

/// A delivery worker as `aims serve` runs it (a replica's).
struct Worker {
    stop: tokio::sync::oneshot::Sender<()>,
    handle: tokio::task::JoinHandle<()>,
}

impl Worker {
    fn start(t: &TestApp) -> Worker {
        let (stop, rx) = tokio::sync::oneshot::channel::<()>();
        let sender = Arc::new(aims_web::WebhookClient::new(true).unwrap());
        let handle = tokio::spawn(t.app.clone().run_webhooks(sender, async {
            let _ = rx.await;
        }));
        Worker { stop, handle }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        self.handle.await.unwrap();
    }
}

/// A signed-in manager calling the API with the session and its CSRF token.
struct Session {
    t_base: String,
    client: Client,
    csrf: String,
}

impl Session {
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.t_base))
            .header("x-csrf-token", &self.csrf);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

async fn admin(t: &TestApp) -> Session {
    let (client, csrf) = sign_in(t, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    Session {
        t_base: t.base.clone(),
        client,
        csrf,
    }
}

const HOOKS: &str = "/api/v1/workspaces/acme/webhooks";

/// Checks the signature as a receiver would, with hmac and sha2 (not aims'
/// code): HMAC-SHA256(secret, "<timestamp>.<event id>.<body>"); returns the body.
fn verified(secret: &str, r: &Received) -> Value {
    let ts = r.header("x-aims-timestamp");
    let id = r.header("x-aims-event-id");
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    m.update(format!("{ts}.{id}.").as_bytes());
    m.update(&r.body);
    let expected = format!("sha256={}", hex::encode(m.finalize().into_bytes()));
    assert_eq!(r.header("x-aims-signature"), expected, "signature");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (now - ts.parse::<i64>().unwrap()).abs() < 300,
        "fresh timestamp"
    );
    let body = r.json();
    assert_eq!(body["id"], id.as_str());
    body
}

async fn create_hook(s: &Session, url: &str, extra: Value) -> (String, String) {
    let mut body = json!({"url": url});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let (status, hook) = s.call(Method::POST, HOOKS, Some(body)).await;
    assert_eq!(status, 201, "{hook}");
    (
        hook["id"].as_str().unwrap().to_owned(),
        hook["secret"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn a_record_created_through_the_api_reaches_the_receiver_signed() {
    let t = TestApp::with(options()).await;
    let rx = Receiver::start(0).await;
    let s = admin(&t).await;
    let (id, secret) = create_hook(&s, &rx.url, json!({"events": ["ai_system.create"]})).await;
    assert!(
        secret.starts_with("whsec_") && secret.len() == 70,
        "{secret}"
    );
    // The secret is shown once: never again in a read.
    let (status, shown) = s.call(Method::GET, &format!("{HOOKS}/{id}"), None).await;
    assert_eq!(status, 200);
    assert!(shown.get("secret").is_none(), "{shown}");
    assert_eq!(shown["events"], json!(["ai_system.create"]));
    assert_eq!(shown["enabled"], true);
    let (_, list) = s.call(Method::GET, HOOKS, None).await;
    assert!(!list.to_string().contains(&secret));

    let worker = Worker::start(&t);
    let token = t.token("acme", "contributor").await;
    let created = t
        .call(
            Method::POST,
            "/api/v1/workspaces/acme/systems",
            Some(&token),
            Some(json!({"name": "Support chatbot", "purpose": "Answers customers"})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let system = created.json()["id"].as_str().unwrap().to_owned();
    // An update is not in the filter: only the creation is sent.
    t.call(
        Method::PUT,
        &format!("/api/v1/workspaces/acme/systems/{system}"),
        Some(&token),
        Some(json!({"version": 1, "name": "Support assistant"})),
    )
    .await;

    let got = rx.wait_for(1).await;
    let r = &got[0];
    let body = verified(&secret, r);
    assert_eq!(r.header("content-type"), "application/json");
    assert_eq!(r.header("x-aims-attempt"), "1");
    assert!(!r.header("x-aims-delivery").is_empty());
    assert_eq!(body["workspace"], "acme");
    assert_eq!(body["action"], "create");
    assert_eq!(body["record_type"], "ai_system");
    assert_eq!(body["record_id"], system.as_str());
    assert_eq!(body["actor_label"], "token:contributor");
    assert_eq!(body["change"]["name"], "Support chatbot", "{body}");
    assert!(body["seq"].as_i64().unwrap() > 0);
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(
        keys.len(),
        9,
        "id, seq, at, workspace, action, record_type, record_id, actor_label, change: {keys:?}"
    );
    let text = String::from_utf8_lossy(&r.body);
    assert!(!text.contains("hash") && !text.contains(&secret));

    // The log shows the delivery: when, which event, the answer, one attempt
    // (recorded once the receiver's answer is back, a moment after it got it).
    let mut log = Value::Null;
    for _ in 0..100 {
        let (status, l) = s
            .call(Method::GET, &format!("{HOOKS}/{id}/deliveries"), None)
            .await;
        assert_eq!(status, 200);
        log = l;
        if log["items"][0]["state"] != "pending" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let d = &log["items"][0];
    assert_eq!(d["state"], "delivered", "{log}");
    assert_eq!(d["attempts"], 1);
    assert_eq!(d["last_status"], 204);
    assert_eq!(d["event_id"], body["id"]);
    assert_eq!(d["attempt_log"][0]["status"], 204);
    assert_eq!(log["items"].as_array().unwrap().len(), 1, "{log}");

    // A rotated secret signs what follows; the old one no longer verifies.
    let (status, rotated) = s
        .call(Method::POST, &format!("{HOOKS}/{id}/rotate-secret"), None)
        .await;
    assert_eq!(status, 200);
    let new_secret = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, secret);
    t.app
        .create_system(&t.scope("acme").await, "Second", "")
        .await
        .unwrap();
    let got = rx.wait_for(2).await;
    verified(&new_secret, &got[1]);
    let sig = got[1].header("x-aims-signature");
    let old = aims_app::domain::webhook::sign(
        &secret,
        got[1].header("x-aims-timestamp").parse().unwrap(),
        &got[1].header("x-aims-event-id"),
        &got[1].body,
    );
    assert_ne!(sig, old);

    // The settings page shows the webhook and its log.
    let page = s
        .client
        .get(t.url(&format!("/w/acme/settings/webhooks/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("delivered") && page.contains(&rx.url),
        "{page}"
    );
    assert!(!page.contains(&new_secret));
    worker.stop().await;
    t.stop().await;
}

#[tokio::test]
async fn a_failing_receiver_gets_the_events_in_order_on_the_third_attempt() {
    let t = TestApp::with(options()).await;
    let rx = Receiver::start(2).await;
    let s = admin(&t).await;
    let (id, secret) = create_hook(&s, &rx.url, json!({})).await;
    let acme = t.scope("acme").await;
    let first = t.app.create_system(&acme, "First", "").await.unwrap().id;
    let second = t.app.create_system(&acme, "Second", "").await.unwrap().id;
    let worker = Worker::start(&t);
    let got = rx.wait_for(4).await;
    let ids: Vec<String> = got
        .iter()
        .map(|r| {
            verified(&secret, r)["record_id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    // The first event three times (500, 500, then taken), and only then the second.
    assert_eq!(ids, [&*first, &first, &first, &second]);
    let attempts: Vec<String> = got.iter().map(|r| r.header("x-aims-attempt")).collect();
    assert_eq!(attempts, ["1", "2", "3", "1"]);
    let event_ids: Vec<String> = got.iter().map(|r| r.header("x-aims-event-id")).collect();
    assert!(event_ids[0] == event_ids[1] && event_ids[1] == event_ids[2]);
    assert_ne!(event_ids[2], event_ids[3]);

    let (_, log) = s
        .call(Method::GET, &format!("{HOOKS}/{id}/deliveries"), None)
        .await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{log}");
    let retried = &items[1];
    assert_eq!(retried["state"], "delivered");
    assert_eq!(retried["attempts"], 3);
    assert_eq!(retried["last_status"], 204);
    let statuses: Vec<&Value> = retried["attempt_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["status"])
        .collect();
    assert_eq!(statuses, [&json!(500), &json!(500), &json!(204)]);
    assert!(retried["attempt_log"][0]["error"]
        .as_str()
        .unwrap()
        .contains("500"));
    // The retries waited for the backoff (300 ms each).
    let started = |n: usize| {
        let at = retried["attempt_log"][n]["started_at"].as_str().unwrap();
        time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).unwrap()
    };
    assert!(started(1) - started(0) >= time::Duration::milliseconds(300));
    assert!(started(2) - started(1) >= time::Duration::milliseconds(300));
    worker.stop().await;
    t.stop().await;
}

#[tokio::test]
async fn a_delivery_that_keeps_failing_is_given_up_and_the_next_goes_on() {
    let t = TestApp::with(options()).await;
    // Four failures: every attempt of the first event (1 + 3 retries).
    let rx = Receiver::start(4).await;
    let s = admin(&t).await;
    let (id, _) = create_hook(&s, &rx.url, json!({})).await;
    let acme = t.scope("acme").await;
    t.app.create_system(&acme, "Doomed", "").await.unwrap();
    t.app.create_system(&acme, "Fine", "").await.unwrap();
    let worker = Worker::start(&t);
    let got = rx.wait_for(5).await;
    assert_eq!(got[4].json()["change"]["name"], "Fine");
    worker.stop().await;
    let (_, log) = s
        .call(Method::GET, &format!("{HOOKS}/{id}/deliveries"), None)
        .await;
    assert_eq!(log["items"][1]["state"], "failed", "{log}");
    assert_eq!(log["items"][1]["attempts"], 4);
    assert_eq!(log["items"][1]["next_attempt_at"], Value::Null);
    assert_eq!(log["items"][0]["state"], "delivered");
    t.stop().await;
}

#[tokio::test]
async fn a_disabled_webhook_receives_nothing() {
    let t = TestApp::with(options()).await;
    let (off, on, risks_only) = (
        Receiver::start(0).await,
        Receiver::start(0).await,
        Receiver::start(0).await,
    );
    let s = admin(&t).await;
    let (off_id, _) = create_hook(&s, &off.url, json!({"enabled": false})).await;
    create_hook(&s, &on.url, json!({"enabled": true})).await;
    create_hook(&s, &risks_only.url, json!({"events": ["risk"]})).await;
    let acme = t.scope("acme").await;
    t.app.create_system(&acme, "Missed", "").await.unwrap();
    let worker = Worker::start(&t);
    on.wait_for(1).await;
    // Several rounds of the worker later, still nothing.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(off.got().is_empty());
    assert!(risks_only.got().is_empty(), "the filter takes risks only");

    // Switched on, it takes what happens from then on, not what it missed.
    let (status, hook) = s
        .call(
            Method::PATCH,
            &format!("{HOOKS}/{off_id}"),
            Some(json!({"enabled": true})),
        )
        .await;
    assert_eq!(status, 200, "{hook}");
    assert_eq!(hook["enabled"], true);
    t.app.create_system(&acme, "Seen", "").await.unwrap();
    let got = off.wait_for(1).await;
    assert_eq!(got[0].json()["change"]["name"], "Seen");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(off.got().len(), 1);
    worker.stop().await;
    t.stop().await;
}

#[tokio::test]
async fn two_workers_deliver_every_event_once_and_a_restart_carries_on() {
    let t = TestApp::with(options()).await;
    let receivers = [
        Receiver::start(0).await,
        Receiver::start(0).await,
        Receiver::start(1).await,
    ];
    let s = admin(&t).await;
    for r in &receivers {
        create_hook(&s, &r.url, json!({"events": ["ai_system"]})).await;
    }
    let acme = t.scope("acme").await;
    for n in 0..8 {
        t.app
            .create_system(&acme, &format!("System {n}"), "")
            .await
            .unwrap();
    }
    // Two replicas' workers on the same database.
    let (a, b) = (Worker::start(&t), Worker::start(&t));
    for (i, r) in receivers.iter().enumerate() {
        let expected = if i == 2 { 9 } else { 8 };
        r.wait_for(expected).await;
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    for (i, r) in receivers.iter().enumerate() {
        let got = r.got();
        let mut attempts: Vec<(String, String)> = got
            .iter()
            .map(|g| (g.header("x-aims-event-id"), g.header("x-aims-attempt")))
            .collect();
        let names: Vec<String> = got
            .iter()
            .map(|g| g.json()["change"]["name"].as_str().unwrap().to_owned())
            .collect();
        let mut order = names.clone();
        order.dedup();
        let expected: Vec<String> = (0..8).map(|n| format!("System {n}")).collect();
        assert_eq!(order, expected, "receiver {i}: in order");
        let before = attempts.len();
        attempts.sort();
        attempts.dedup();
        assert_eq!(
            attempts.len(),
            before,
            "receiver {i}: an attempt came twice"
        );
    }
    a.stop().await;
    b.stop().await;

    // State is in the database: a new worker (a restarted server) carries on.
    let late = Receiver::start(1).await;
    let (id, secret) = create_hook(&s, &late.url, json!({})).await;
    t.app.create_system(&acme, "After", "").await.unwrap();
    let first = Worker::start(&t);
    late.wait_for(1).await;
    first.stop().await;
    let restarted = Worker::start(&t);
    let got = late.wait_for(2).await;
    verified(&secret, &got[1]);
    assert_eq!(got[1].header("x-aims-attempt"), "2");
    restarted.stop().await;
    let (_, log) = s
        .call(Method::GET, &format!("{HOOKS}/{id}/deliveries"), None)
        .await;
    assert_eq!(log["items"][0]["state"], "delivered");
    assert_eq!(log["items"][0]["attempts"], 2);
    t.stop().await;
}

#[tokio::test]
async fn only_managers_signed_in_manage_webhooks() {
    let t = TestApp::with(options()).await;
    t.add_workspace("other").await;
    let body = json!({"url": "https://hooks.example.org/in"});
    for role in [Role::Contributor, Role::Auditor] {
        let (client, csrf) = member_session(&t, &format!("{role}@example.org"), "acme", role).await;
        let s = Session {
            t_base: t.base.clone(),
            client,
            csrf,
        };
        let (status, p) = s.call(Method::POST, HOOKS, Some(body.clone())).await;
        assert_eq!(status, 403, "{role}: {p}");
        let (status, _) = s.call(Method::GET, HOOKS, None).await;
        assert_eq!(status, 403, "{role}");
    }
    // API tokens never administer, not even a manager's.
    let token = t.token("acme", "manager").await;
    let r = t
        .call(Method::POST, HOOKS, Some(&token), Some(body.clone()))
        .await;
    r.problem(403);

    // Another workspace's webhook is not found, whatever the path says.
    let foreign = t
        .app
        .create_webhook(
            &t.scope("other").await,
            WebhookInput {
                url: Some("https://hooks.example.org/other".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .webhook
        .id;
    let (client, csrf) = member_session(&t, "boss@example.org", "acme", Role::Manager).await;
    let s = Session {
        t_base: t.base.clone(),
        client,
        csrf,
    };
    for (method, path, body) in [
        (Method::GET, format!("{HOOKS}/{foreign}"), None),
        (
            Method::PATCH,
            format!("{HOOKS}/{foreign}"),
            Some(json!({"enabled": false})),
        ),
        (Method::DELETE, format!("{HOOKS}/{foreign}"), None),
        (
            Method::POST,
            format!("{HOOKS}/{foreign}/rotate-secret"),
            None,
        ),
        (Method::GET, format!("{HOOKS}/{foreign}/deliveries"), None),
        (
            Method::GET,
            "/api/v1/workspaces/other/webhooks".into(),
            None,
        ),
        (Method::GET, format!("{HOOKS}/not-an-id"), None),
    ] {
        let (status, p) = s.call(method.clone(), &path, body).await;
        assert_eq!(status, 404, "{method} {path}: {p}");
    }
    let other = t.scope("other").await;
    assert!(t.app.webhook(&other, &foreign).await.unwrap().enabled);
    let pages = s
        .client
        .get(t.url(&format!("/w/acme/settings/webhooks/{foreign}")))
        .send()
        .await
        .unwrap();
    assert_eq!(pages.status(), 404);
    t.stop().await;
}

#[tokio::test]
async fn targets_and_filters_are_checked() {
    let t = TestApp::with(options()).await;
    let s = admin(&t).await;
    for (body, field) in [
        (json!({"url": "ftp://hooks.example.org/"}), "url"),
        (json!({"url": "file:///etc/passwd"}), "url"),
        (json!({"url": "https://u:p@hooks.example.org/"}), "url"),
        (json!({"url": ""}), "url"),
        (
            json!({"url": "http://169.254.169.254/latest/meta-data"}),
            "url",
        ),
        (json!({"url": "http://[fe80::1]/"}), "url"),
        (
            json!({"url": "https://hooks.example.org/", "events": []}),
            "events",
        ),
        (
            json!({"url": "https://hooks.example.org/", "events": ["risk.up.date"]}),
            "events",
        ),
    ] {
        let (status, p) = s.call(Method::POST, HOOKS, Some(body.clone())).await;
        assert_eq!(status, 422, "{body}: {p}");
        assert_eq!(crate::helpers::problem_fields(&p), [field], "{body}: {p}");
    }
    let (status, _) = s
        .call(
            Method::POST,
            HOOKS,
            Some(json!({"url": "https://hooks.example.org/", "secret": "mine"})),
        )
        .await;
    assert_eq!(status, 422, "unknown fields are refused");

    // Without --webhook-allow-private, this machine and private networks are
    // refused when saved (addresses) and when sent (names resolving to them).
    let strict = aims_app::App::new(
        t.app.store.clone(),
        aims_app::AppConfig {
            insecure_fast_password_hash: true,
            ..Default::default()
        },
    );
    let op_acme = strict.enter(&Principal::operator(), "acme").await.unwrap();
    for url in ["http://127.0.0.1:9/", "http://10.1.2.3/", "http://[::1]/"] {
        let refused = strict
            .create_webhook(
                &op_acme,
                WebhookInput {
                    url: Some(url.into()),
                    ..Default::default()
                },
            )
            .await;
        assert!(
            matches!(refused, Err(aims_app::AppError::Validation(_))),
            "{url}"
        );
    }
    let rx = Receiver::start(0).await;
    let client = aims_web::WebhookClient::new(false).unwrap();
    let localhost = rx.url.replace("127.0.0.1", "localhost");
    for url in [rx.url.clone(), localhost] {
        let sent = aims_app::WebhookSender::send(
            &client,
            aims_app::Outgoing {
                url: url.clone(),
                headers: vec![],
                body: "{}".into(),
                timeout: Duration::from_secs(5),
            },
        )
        .await;
        let err = sent.expect_err(&url);
        assert!(err.contains("private or loopback"), "{url}: {err}");
    }
    assert!(rx.got().is_empty());
    // With it (as this test server runs), the receiver answers.
    let allowed = aims_web::WebhookClient::new(true).unwrap();
    let sent = aims_app::WebhookSender::send(
        &allowed,
        aims_app::Outgoing {
            url: rx.url.clone(),
            headers: vec![],
            body: "{}".into(),
            timeout: Duration::from_secs(5),
        },
    )
    .await;
    assert_eq!(sent, Ok(204));
    t.stop().await;
}

#[tokio::test]
async fn the_settings_page_adds_switches_and_deletes_webhooks() {
    let t = TestApp::with(options()).await;
    let (b, csrf) = sign_in(&t, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let r = b
        .post(t.url("/w/acme/settings/webhooks"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("url", "https://hooks.example.org/in"),
            ("events", "ai_system, risk.update"),
            ("enabled", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("whsec_"), "the secret is shown once");
    let hook = t
        .app
        .webhooks(&t.scope("acme").await)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(hook.events, ["ai_system", "risk.update"]);
    let list = b
        .get(t.url("/w/acme/settings/webhooks"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("https://hooks.example.org/in") && !list.contains("whsec_"));
    // A refused form names the problem and keeps what was typed.
    let r = b
        .post(t.url("/w/acme/settings/webhooks"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("url", "gopher://x/"),
            ("events", "*"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("gopher://x/"));
    // Switched off (the checkbox left out).
    let r = b
        .post(t.url(&format!("/w/acme/settings/webhooks/{}", hook.id)))
        .form(&[("csrf", csrf.as_str()), ("events", "*")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let hook = t
        .app
        .webhook(&t.scope("acme").await, &hook.id)
        .await
        .unwrap();
    assert!(!hook.enabled);
    assert_eq!(hook.events, ["*"]);
    let r = b
        .post(t.url(&format!("/w/acme/settings/webhooks/{}/rotate", hook.id)))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("whsec_"));
    let r = b
        .post(t.url(&format!("/w/acme/settings/webhooks/{}/delete", hook.id)))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(t
        .app
        .webhooks(&t.scope("acme").await)
        .await
        .unwrap()
        .is_empty());
    // Each change is in the history, without the secret or the URL's path.
    let events = t
        .app
        .activity(&t.scope("acme").await, None, 20)
        .await
        .unwrap();
    let hooks: Vec<_> = events
        .iter()
        .filter(|e| e.record_type == "webhook")
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(hooks, ["delete", "rotate_secret", "update", "create"]);
    assert!(events
        .iter()
        .all(|e| !e.change.contains("whsec_") && !e.change.contains("/in")));
    t.stop().await;
}
