//! End to end in real headless Chromium (Debian's `chromium` driven through
//! `chromedriver` over the W3C WebDriver protocol): first-run setup, sign-in,
//! the dashboard.

use crate::helpers::{TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A tiny WebDriver client: only the commands these tests use.
struct Driver {
    http: reqwest::Client,
    base: String,
    session: String,
    process: Child,
    _profile: crate::helpers::tempdir::TempDir,
}

impl Driver {
    async fn start() -> Option<Driver> {
        let exe = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists());
        let Some(exe) = exe else {
            assert!(
                std::env::var_os("CI").is_none(),
                "chromedriver is missing in CI: install chromium and chromium-driver"
            );
            eprintln!("skipping browser test: chromedriver is not installed (apt-get install chromium chromium-driver)");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let process = Command::new(exe)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let start = Instant::now();
        while http.get(format!("{base}/status")).send().await.is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = crate::helpers::tempdir::TempDir::new();
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1280,900", format!("--user-data-dir={}", profile.path().display())]
        }}}});
        let r: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let session = r["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {r}"))
            .to_owned();
        Some(Driver {
            http,
            base,
            session,
            process,
            _profile: profile,
        })
    }

    async fn cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{}", self.base, self.session, path);
        let mut req = self.http.request(method, url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let v: Value = req.send().await.unwrap().json().await.unwrap();
        if v["value"].get("error").is_some() {
            panic!("WebDriver {path}: {v}");
        }
        v["value"].clone()
    }

    async fn goto(&self, url: &str) {
        self.cmd(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    async fn find(&self, css: &str) -> String {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_owned()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    async fn url(&self) -> String {
        self.cmd(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn text(&self) -> String {
        // A script, not an element reference: the page may be navigating.
        let script =
            json!({"script": "return document.body ? document.body.innerText : '';", "args": []});
        self.cmd(reqwest::Method::POST, "/execute/sync", Some(script))
            .await
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    /// Waits until the page's visible text contains `needle`.
    async fn wait_for_text(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let text = self.text().await;
            if text.contains(needle) {
                return text;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "page never showed {needle:?}; it shows:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn screenshot(&self, name: &str) {
        let b64 = self.cmd(reqwest::Method::GET, "/screenshot", None).await;
        let path =
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.png.b64"));
        let _ = std::fs::write(path, b64.as_str().unwrap_or(""));
    }

    async fn quit(mut self) {
        let _ = self
            .http
            .delete(format!("{}/session/{}", self.base, self.session))
            .send()
            .await;
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

#[tokio::test]
async fn first_run_setup_sign_in_and_dashboard_in_chromium() {
    let t = TestApp::empty().await;
    let Some(d) = Driver::start().await else {
        return;
    };

    d.goto(&t.url("/")).await;
    assert!(
        d.url().await.ends_with("/setup"),
        "a fresh instance opens on setup"
    );
    d.wait_for_text("Create the administrator account").await;
    d.screenshot("setup").await;
    d.type_into("#name", "Ada Admin").await;
    d.type_into("#email", ADMIN_EMAIL).await;
    d.type_into("#password", ADMIN_PASSWORD).await;
    d.click("button[type=submit]").await;
    d.wait_for_text("Your workspaces").await;
    d.screenshot("home_first_run").await;

    d.click("form[action='/admin/demo'] button").await;
    let dash = d.wait_for_text("Plan – Do – Check – Act").await;
    assert!(dash.contains("Northwind Health (demo)"));
    assert!(dash.contains("AI systems in the inventory"));
    d.screenshot("dashboard").await;

    d.click("form[action='/logout'] button").await;
    d.wait_for_text("Sign in to your AI management system")
        .await;
    d.type_into("#email", ADMIN_EMAIL).await;
    d.type_into("#password", ADMIN_PASSWORD).await;
    d.click("button[type=submit]").await;
    d.wait_for_text("Northwind Health (demo)").await;

    // Keyboard users can search the inventory; htmx swaps the rows in place.
    d.goto(&t.url("/w/demo/inventory")).await;
    d.type_into("#q", "fraud").await;
    let start = Instant::now();
    loop {
        let text = d.text().await;
        if text.contains("Fraud signal model") && !text.contains("Member support chatbot") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "search did not filter: {text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The catalogue: a control with our guidance and its crosswalks.
    d.goto(&t.url("/catalog/iso42001/item/A.6.2.6")).await;
    let text = d.wait_for_text("Evidence auditors expect").await;
    assert!(text.contains("NIST AI RMF 1.0") && text.contains("EU AI Act"));
    d.screenshot("catalog_item").await;
    d.goto(&t.url("/catalog/iso42001")).await;
    d.wait_for_text("A.10.4").await;
    d.screenshot("catalog_framework").await;
    d.quit().await;
    t.stop().await;
}
