//! Test harness: a running server on a fresh database, plus HTTP helpers.

use aims_app::store::Store;
use aims_app::{App, AppConfig, Principal};
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;
use std::path::PathBuf;

/// Which database the suite runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn backend() -> Backend {
    match std::env::var("AIMS_TEST_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        Ok("sqlite") | Err(_) => Backend::Sqlite,
        Ok(other) => panic!("AIMS_TEST_BACKEND must be sqlite or postgres, not {other}"),
    }
}

fn postgres_admin_url() -> String {
    std::env::var("AIMS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh database: a temporary data dir, or a new PostgreSQL database.
pub struct TestDb {
    pub dir: tempdir::TempDir,
    pub database_url: Option<String>,
    pg_name: Option<String>,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let dir = tempdir::TempDir::new();
        match backend() {
            Backend::Sqlite => TestDb {
                dir,
                database_url: None,
                pg_name: None,
            },
            Backend::Postgres => {
                use sqlx::Connection;
                let admin = postgres_admin_url();
                let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| {
                    panic!("PostgreSQL is not reachable at {admin} ({e}); the postgres suite must not be skipped")
                });
                let name = format!("aims_test_{}", uuid::Uuid::now_v7().simple());
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
                TestDb {
                    dir,
                    database_url: Some(format!("{base}/{name}")),
                    pg_name: Some(name),
                }
            }
        }
    }

    pub async fn store(&self) -> Store {
        let store = match &self.database_url {
            Some(url) => Store::open_postgres(url).await.unwrap(),
            None => Store::open_sqlite(self.dir.path()).await.unwrap(),
        };
        store.migrate().await.unwrap();
        store
    }

    /// Arguments that point the `aims` binary at this database.
    pub fn cli_args(&self) -> Vec<String> {
        match &self.database_url {
            Some(url) => vec!["--database-url".into(), url.clone()],
            None => vec!["--data-dir".into(), self.dir.path().display().to_string()],
        }
    }

    /// Runs raw SQL against the database, bypassing aims (to simulate tampering).
    pub async fn raw_sql(&self, sql: &str) {
        use sqlx::Connection;
        match &self.database_url {
            Some(url) => {
                let mut c = sqlx::PgConnection::connect(url).await.unwrap();
                sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
            }
            None => {
                let url = format!("sqlite://{}", self.dir.path().join("aims.db").display());
                let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
                sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            let admin = postgres_admin_url();
            // A fresh thread and runtime: Drop may run inside another runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    use sqlx::Connection;
                    if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut c)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

/// Minimal temporary directory (removed on drop), to avoid another dependency.
pub mod tempdir {
    use std::path::{Path, PathBuf};

    pub struct TempDir(PathBuf);

    impl TempDir {
        pub fn new() -> TempDir {
            let p =
                std::env::temp_dir().join(format!("aims-test-{}", uuid::Uuid::now_v7().simple()));
            std::fs::create_dir_all(&p).unwrap();
            TempDir(p)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A running server with an administrator and a workspace `acme`.
pub struct TestApp {
    pub db: TestDb,
    pub app: App,
    pub base: String,
    pub client: Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

pub const ADMIN_EMAIL: &str = "ada@example.org";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    /// A server on a fresh, empty database (no users: first-run setup pending).
    pub async fn empty() -> TestApp {
        let db = TestDb::new().await;
        let store = db.store().await;
        let app = App::new(
            store,
            AppConfig {
                insecure_fast_password_hash: true,
                ..AppConfig::default()
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = aims_web::AppState {
            app: app.clone(),
            config: aims_web::WebConfig::default(),
        };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            aims_web::serve(listener, state, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        TestApp {
            db,
            app,
            base,
            client: Client::new(),
            shutdown: Some(tx),
            handle: Some(handle),
        }
    }

    /// A server with an administrator (manager of `acme`) already set up.
    pub async fn new() -> TestApp {
        let t = TestApp::empty().await;
        let op = Principal::operator();
        t.app
            .add_user(&op, ADMIN_EMAIL, "Ada Admin", ADMIN_PASSWORD, true, true)
            .await
            .unwrap();
        t.app
            .create_workspace(&op, "Acme AI", "acme")
            .await
            .unwrap();
        t.app
            .set_member(&op, "acme", ADMIN_EMAIL, "manager")
            .await
            .unwrap();
        t
    }

    /// Creates a workspace token with `role` and returns its secret.
    pub async fn token(&self, workspace: &str, role: &str) -> String {
        self.app
            .create_token(&Principal::operator(), workspace, role, role)
            .await
            .unwrap()
            .secret
    }

    pub async fn add_workspace(&self, slug: &str) {
        self.app
            .create_workspace(&Principal::operator(), &format!("{slug} org"), slug)
            .await
            .unwrap();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        Resp::from(req.send().await.unwrap()).await
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
        self.app.store.close().await;
    }

    /// Path to the built `aims` binary.
    pub fn bin() -> PathBuf {
        PathBuf::from(env!("CARGO_BIN_EXE_aims"))
    }
}

/// A response, read whole.
pub struct Resp {
    pub status: StatusCode,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Resp {
    pub async fn from(r: reqwest::Response) -> Resp {
        let status = r.status();
        let headers = r.headers().clone();
        let content_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        Resp {
            status,
            content_type,
            headers,
            text: r.text().await.unwrap(),
        }
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// Asserts a problem document with `status` and returns it.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        assert_eq!(
            self.content_type, "application/problem+json",
            "body: {}",
            self.text
        );
        let p = self.json();
        assert_eq!(p["status"], status);
        assert!(p["title"].as_str().is_some_and(|t| !t.is_empty()));
        p
    }
}

/// The field names a problem document blames.
pub fn problem_fields(p: &Value) -> Vec<String> {
    p["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// GETs `url` with a browser-like client and returns the page's text.
pub async fn fetch_text(client: &Client, url: &str) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

/// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Where a redirect points.
pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// The CSRF token embedded in a page's forms.
pub fn csrf_of(html: &str) -> String {
    let at = html
        .find("name=\"csrf\" value=\"")
        .expect("page has a form with a CSRF token")
        + 19;
    html[at..at + 64].to_owned()
}

/// Signs in through the login form; returns the browser and its session's CSRF
/// token (read from the sign-out form every signed-in page carries).
pub async fn sign_in(t: &TestApp, email: &str, password: &str) -> (Client, String) {
    let b = browser();
    let r = b
        .post(t.url("/login"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "sign-in as {email}");
    let csrf = csrf_of(&fetch_text(&b, &t.url("/?all=1")).await);
    (b, csrf)
}
