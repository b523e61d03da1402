//! Regression tests for the foundation's hardening (issue 6): hostile bytes,
//! sign-in floods and lockouts, idle connections, security headers, a busy
//! database, the last manager, and the smaller rules. Each runs on SQLite and
//! on PostgreSQL like the rest of the suite.

use crate::helpers::{
    backend, browser, problem_fields, sign_in, Backend, Options, Resp, SystemsExt, TestApp, TestDb,
    ADMIN_EMAIL, ADMIN_PASSWORD,
};
use aims_app::Principal;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn get(t: &TestApp, path: &str, token: &str) -> Resp {
    t.call(Method::GET, path, Some(token), None).await
}

#[tokio::test]
async fn nul_and_control_bytes_are_refused_at_the_boundary() {
    let t = TestApp::new().await;
    let token = t.token("acme", "manager").await;
    let auditor = t.token("acme", "auditor").await;
    t.app
        .create_system(&t.scope("acme").await, "Claims triage", "")
        .await
        .unwrap();
    let sys = "/api/v1/workspaces/acme/systems";
    for path in [
        format!("{sys}?q=%00"),
        format!("{sys}?q=a%00b"),
        format!("{sys}?after=%00"),
        format!("{sys}?q=%C2%85"),
        format!("{sys}?q=%1B"),
        format!("{sys}/a%00b/history"),
        format!("{sys}/a%00b"),
        "/api/v1/workspaces/ac%00me/systems".into(),
        "/api/v1/workspaces/acme/activity?before=%00".into(),
        format!("{sys}?q=%FF%FE"),
        "/api/v1/workspaces/%FF/systems".into(),
    ] {
        let r = get(&t, &path, &auditor).await;
        let p = r.problem(400);
        assert!(!problem_fields(&p).is_empty(), "{path}: {}", r.text);
    }
    // Not silently matching every row: a clean query still filters.
    let r = get(&t, &format!("{sys}?q=claims"), &auditor).await;
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 1);
    let r = get(&t, &format!("{sys}?q=nothing-like-it"), &auditor).await;
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 0);
    // A search text too long for any backend's matcher, and a cursor that is no id.
    let r = get(&t, &format!("{sys}?q={}", "x".repeat(60_000)), &auditor).await;
    assert_eq!(problem_fields(&r.problem(422)), ["q"]);
    let r = get(&t, &format!("{sys}?after=not-a-cursor"), &auditor).await;
    assert_eq!(problem_fields(&r.problem(422)), ["after"]);
    // Writes: path ids with NUL, members of a workspace whose slug holds NUL.
    for (method, path) in [
        (Method::DELETE, "/api/v1/workspaces/acme/tokens/a%00b"),
        (Method::DELETE, "/api/v1/workspaces/acme/members/a%00b"),
        (Method::PUT, "/api/v1/workspaces/ac%00me/members"),
        (Method::DELETE, "/api/v1/workspaces/ac%00me/members/x"),
    ] {
        let r = t
            .call(
                method,
                path,
                Some(&token),
                Some(json!({"email": ADMIN_EMAIL, "role": "manager"})),
            )
            .await;
        r.problem(400);
    }
    // An id that is not a record id is simply not found.
    let r = t
        .call(
            Method::DELETE,
            "/api/v1/workspaces/acme/tokens/nope",
            Some(&token),
            None,
        )
        .await;
    r.problem(404);
    // JSON strings with control characters name the field.
    let r = t
        .call(
            Method::POST,
            sys,
            Some(&token),
            Some(json!({"name": "a\u{0}b"})),
        )
        .await;
    assert_eq!(problem_fields(&r.problem(422)), ["name"]);
    // Pages: the inventory search and paging with NUL.
    let (b, _) = sign_in(&t, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    for path in [
        "/w/acme/inventory?q=%00",
        "/w/acme/inventory?after=%00",
        "/w/ac%00me",
    ] {
        let r = b.get(t.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
    }
    t.stop().await;
}

#[tokio::test]
async fn a_catalogue_import_with_escaped_nul_is_refused() {
    let t = TestApp::new().await;
    let toml = "[framework]\nid = \"nul-test\"\nname = \"Bad\\u0000name\"\nkind = \"internal\"\n\n[[item]]\nid = \"R1\"\nkind = \"rule\"\ntitle = \"One\"\n";
    let err = t
        .app
        .import_catalog(&Principal::operator(), toml, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, aims_app::AppError::Validation(f) if f.get("file").iter().any(|m| m.contains("control"))),
        "{err:?}"
    );
    t.stop().await;
}

/// `n` sign-ins as the administrator with `password`, all at once.
async fn sign_in_at_once(t: &TestApp, n: usize, password: &'static str) -> Vec<StatusCode> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let url = t.url("/login");
            tokio::spawn(async move {
                browser()
                    .post(url)
                    .form(&[("email", ADMIN_EMAIL), ("password", password)])
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    let mut out = vec![];
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

#[tokio::test]
async fn simultaneous_correct_sign_ins_all_succeed() {
    // Eight at once on a pool of eight: no sign-in may wait for a second
    // connection while holding the first.
    let t = TestApp::new().await;
    for status in sign_in_at_once(&t, 8, ADMIN_PASSWORD).await {
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
    // Setup after setup is refused (before any password is hashed).
    let r = browser()
        .post(t.url("/setup"))
        .form(&[
            ("name", "Mallory"),
            ("email", "mallory@example.org"),
            ("password", "a long enough password"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_redirection() || r.status().is_client_error(),
        "{}",
        r.status()
    );
    assert!(t
        .app
        .add_user(
            &Principal::operator(),
            "x@example.org",
            "X",
            "pw",
            false,
            true
        )
        .await
        .is_err());
    t.stop().await;
}

async fn sign_in_from(t: &TestApp, address: &str, email: &str, password: &str) -> StatusCode {
    browser()
        .post(t.url("/login"))
        .header("x-forwarded-for", format!("203.0.113.9, {address}"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn nobody_can_lock_the_owner_out() {
    let mut options = Options::default();
    options.web.trust_proxy = true;
    let t = TestApp::with(options).await;
    // Someone at another address tries the owner's e-mail until refused.
    for _ in 0..5 {
        assert_eq!(
            sign_in_from(&t, "198.51.100.7", ADMIN_EMAIL, "wrong password").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        sign_in_from(&t, "198.51.100.7", ADMIN_EMAIL, ADMIN_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the failing address is refused for this account"
    );
    // The owner, elsewhere, signs in (slowed down a little, not locked out).
    let started = std::time::Instant::now();
    assert_eq!(
        sign_in_from(&t, "192.0.2.1", ADMIN_EMAIL, ADMIN_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "slowed down"
    );
    // Unknown and known e-mails are answered alike once throttled.
    for _ in 0..5 {
        sign_in_from(&t, "198.51.100.8", "nobody@example.org", "wrong password").await;
    }
    let unknown = browser()
        .post(t.url("/login"))
        .header("x-forwarded-for", "198.51.100.8")
        .form(&[("email", "nobody@example.org"), ("password", "x")])
        .send()
        .await
        .unwrap();
    let known = browser()
        .post(t.url("/login"))
        .header("x-forwarded-for", "198.51.100.7")
        .form(&[("email", ADMIN_EMAIL), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), known.status());
    let unknown = unknown
        .text()
        .await
        .unwrap()
        .replace("nobody@example.org", "E");
    let known = known.text().await.unwrap().replace(ADMIN_EMAIL, "E");
    assert_eq!(unknown, known);
    // An address that fails on many accounts is refused for all of them.
    for i in 0..40 {
        sign_in_from(
            &t,
            "198.51.100.9",
            &format!("u{i}@example.org"),
            "wrong password",
        )
        .await;
    }
    assert_eq!(
        sign_in_from(&t, "198.51.100.9", ADMIN_EMAIL, ADMIN_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    t.stop().await;
}

#[tokio::test]
async fn concurrent_failures_cannot_slip_past_the_throttle() {
    let t = TestApp::new().await;
    let checked = sign_in_at_once(&t, 20, "wrong password")
        .await
        .into_iter()
        .filter(|s| *s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(checked, 5, "exactly five passwords were checked");
    t.stop().await;
}

fn limits(header: u64, idle: u64, max: usize) -> Options {
    let mut o = Options::default();
    o.web.limits = aims_web::ServerLimits {
        header_read_timeout: Duration::from_millis(header),
        idle_timeout: Duration::from_millis(idle),
        max_connections: max,
    };
    o
}

/// True when the server closes the connection within `within`.
async fn closed_within(stream: &mut tokio::net::TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn idle_and_slow_connections_are_closed_and_capped() {
    let t = TestApp::with(limits(500, 800, 8)).await;
    let addr = t.base.trim_start_matches("http://").to_owned();
    // Nothing sent at all.
    let mut silent = tokio::net::TcpStream::connect(&addr).await.unwrap();
    // One header line now and then.
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\n").await.unwrap();
    let dripping = tokio::spawn(async move {
        for i in 0..20 {
            if slow
                .write_all(format!("X-Drip-{i}: 1\r\n").as_bytes())
                .await
                .is_err()
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
        closed_within(&mut slow, Duration::from_millis(10)).await
    });
    // A kept-alive connection that goes quiet after one request.
    let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 512];
    let n = idle.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    assert!(
        closed_within(&mut silent, Duration::from_secs(3)).await,
        "silent connection"
    );
    assert!(dripping.await.unwrap(), "slow headers");
    assert!(
        closed_within(&mut idle, Duration::from_secs(3)).await,
        "idle keep-alive"
    );
    // Past the cap, new connections are closed at once, and served again
    // once the idle ones are gone.
    let mut held = vec![];
    for _ in 0..8 {
        held.push(tokio::net::TcpStream::connect(&addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut extra = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let _ = extra
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    assert!(
        closed_within(&mut extra, Duration::from_millis(400)).await,
        "over the cap"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let r = reqwest::get(t.url("/healthz")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    drop(held);
    t.stop().await;
}

#[tokio::test]
async fn every_response_carries_security_headers() {
    let t = TestApp::new().await;
    let token = t.token("acme", "auditor").await;
    let (b, csrf) = sign_in(&t, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let page = b.get(t.url("/w/acme")).send().await.unwrap();
    let api = t
        .client
        .get(t.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let login = browser().get(t.url("/login")).send().await.unwrap();
    for r in [&page, &api, &login] {
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "same-origin");
        assert!(h["permissions-policy"]
            .to_str()
            .unwrap()
            .contains("camera=()"));
        assert_eq!(h["cache-control"], "no-store");
        assert!(h.get("strict-transport-security").is_none(), "plain http");
    }
    // The page that shows a new token's secret is never cached.
    let r = b
        .post(t.url("/w/acme/settings/tokens"))
        .form(&[("csrf", csrf.as_str()), ("name", "ci"), ("role", "auditor")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    // HSTS over https (a proxy says so).
    let r = browser()
        .get(t.url("/login"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert!(r.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));
    // Pages use no inline script or style, so the policy costs nothing.
    let html = page.text().await.unwrap();
    assert!(
        !html.contains(" style=\"") && !html.contains("onsubmit=") && !html.contains("<script>")
    );
    // Assets may be cached.
    let r = browser()
        .get(t.url("/assets/aims.css"))
        .send()
        .await
        .unwrap();
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    t.stop().await;
}

/// Another process holding the database's write lock.
enum Held {
    Sqlite(#[allow(dead_code)] sqlx::SqliteConnection),
    Postgres(#[allow(dead_code)] sqlx::PgConnection),
}

async fn hold_write_lock(db: &TestDb) -> Held {
    use sqlx::Connection;
    match &db.database_url {
        Some(url) => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::raw_sql("BEGIN; SELECT seq FROM history_head WHERE id = 1 FOR UPDATE;")
                .execute(&mut c)
                .await
                .unwrap();
            Held::Postgres(c)
        }
        None => {
            let url = format!("sqlite://{}", db.dir.path().join("aims.db").display());
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::raw_sql("BEGIN IMMEDIATE;")
                .execute(&mut c)
                .await
                .unwrap();
            Held::Sqlite(c)
        }
    }
}

#[tokio::test]
async fn a_busy_database_is_503_with_retry_after() {
    let t = TestApp::with(Options {
        lock_timeout: Duration::from_millis(300),
        ..Options::default()
    })
    .await;
    let token = t.token("acme", "contributor").await;
    let held = hold_write_lock(&t.db).await;
    let r = t
        .call(
            Method::POST,
            "/api/v1/workspaces/acme/systems",
            Some(&token),
            Some(json!({"name": "Waits"})),
        )
        .await;
    let p = r.problem(503);
    assert!(p["detail"].as_str().unwrap().contains("busy"), "{}", r.text);
    assert!(r.headers.get("retry-after").is_some());
    // Reads still work, and so does /readyz.
    let r = get(&t, "/api/v1/workspaces/acme/systems", &token).await;
    assert_eq!(r.status, StatusCode::OK);
    drop(held);
    let r = t
        .call(
            Method::POST,
            "/api/v1/workspaces/acme/systems",
            Some(&token),
            Some(json!({"name": "Waits"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    t.stop().await;
}

#[tokio::test]
async fn the_last_manager_cannot_be_demoted() {
    let t = TestApp::new().await;
    let (b, csrf) = sign_in(&t, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let r = b
        .put(t.url("/api/v1/workspaces/acme/members"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"email": ADMIN_EMAIL, "role": "auditor"}))
        .send()
        .await
        .unwrap();
    let r = Resp::from(r).await;
    r.problem(409);
    let members = t.app.members(&t.scope("acme").await).await.unwrap();
    assert_eq!(members[0].role, "manager");
    t.stop().await;
}

#[tokio::test]
async fn smaller_rules_hold() {
    let t = TestApp::new().await;
    let token = t.token("acme", "contributor").await;
    let sys = t.url("/api/v1/workspaces/acme/systems");
    // Invisible characters in names.
    for name in ["Claims\u{202E}exe.txt", "Zero\u{200B}width"] {
        let r = t
            .call(
                Method::POST,
                "/api/v1/workspaces/acme/systems",
                Some(&token),
                Some(json!({"name": name})),
            )
            .await;
        assert_eq!(problem_fields(&r.problem(422)), ["name"]);
    }
    // Duplicate keys are named; JSON only as application/json.
    let r = t
        .client
        .post(&sys)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(r#"{"name": "A", "name": "B"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(problem_fields(&Resp::from(r).await.problem(422)), ["name"]);
    let r = t
        .client
        .post(&sys)
        .bearer_auth(&token)
        .header("content-type", "application/x-evil+json")
        .body(r#"{"name": "A"}"#)
        .send()
        .await
        .unwrap();
    Resp::from(r).await.problem(415);
    // The Bearer scheme in any case.
    for scheme in ["bearer", "BEARER", "BeArEr"] {
        let r = t
            .client
            .get(&sys)
            .header("authorization", format!("{scheme} {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{scheme}");
    }
    // Sign-in and setup accept posts from our own pages only (not a sibling subdomain).
    let r = browser()
        .post(t.url("/login"))
        .header("sec-fetch-site", "same-site")
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = browser()
        .post(t.url("/login"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Content-Length together with Transfer-Encoding is refused.
    let addr = t.base.trim_start_matches("http://").to_owned();
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    s.write_all(
        format!(
            "POST /api/v1/workspaces/acme/systems HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: 13\r\nTransfer-Encoding: chunked\r\n\r\n\
             d\r\n{{\"name\":\"x\"}}\r\n0\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    let head = String::from_utf8_lossy(&buf[..n]);
    assert!(head.starts_with("HTTP/1.1 400"), "{head}");
    assert_eq!(
        t.app.count_systems(&t.scope("acme").await).await.unwrap(),
        0
    );
    t.stop().await;
}

#[tokio::test]
async fn search_text_is_refolded_with_unicode_rules_on_upgrade() {
    let t = TestApp::new().await;
    let token = t.token("acme", "contributor").await;
    t.app
        .create_system(&t.scope("acme").await, "ÉCOLE Straße", "")
        .await
        .unwrap();
    // What migration 0003 left behind on SQLite (ASCII-only lowercasing),
    // carried into the records by migration 0006, which asks for a reindex.
    t.db.raw_sql(
        "UPDATE record_index SET search_text = 'École straße'; INSERT INTO maintenance (task) VALUES ('reindex_records');",
    )
    .await;
    let store = t.db.store().await;
    store.close().await;
    let r = get(&t, "/api/v1/workspaces/acme/systems?q=%C3%A9cole", &token).await;
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 1, "{}", r.text);
    t.stop().await;
}

#[tokio::test]
async fn output_to_a_closed_pipe_ends_quietly() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(TestApp::bin())
        .args(["catalog", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{:?} {stderr}", out.status);
    // Only the backend choice is checked here: the binary is the same on both.
    let _ = (backend(), Backend::Sqlite);
}
