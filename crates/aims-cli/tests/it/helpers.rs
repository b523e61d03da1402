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

    /// The store as `aims` opens it: migrated, with the history key of the
    /// data dir (shared with the `aims` binary run by CLI tests).
    pub async fn store(&self) -> Store {
        self.store_with(aims_app::store::DEFAULT_LOCK_TIMEOUT).await
    }

    /// [`TestDb::store`] waiting at most `lock_timeout` for another writer.
    pub async fn store_with(&self, lock_timeout: std::time::Duration) -> Store {
        let store = match &self.database_url {
            Some(url) => Store::open_postgres_with(url, lock_timeout).await.unwrap(),
            None => Store::open_sqlite_with(self.dir.path(), lock_timeout)
                .await
                .unwrap(),
        };
        store.migrate().await.unwrap();
        let (key, created) = aims_app::store::seal::HistoryKey::load_or_create(
            &self.dir.path().join("history.key"),
            || {
                let mut b = [0u8; 32];
                getrandom::getrandom(&mut b).unwrap();
                b
            },
        )
        .unwrap();
        let store = store.with_history_key(key);
        assert_eq!(
            store.check_seal(created).await.unwrap(),
            aims_app::store::seal::SealState::Sealed
        );
        store
    }

    /// Arguments that point the `aims` binary at this database (and its history key).
    pub fn cli_args(&self) -> Vec<String> {
        let dir = vec!["--data-dir".into(), self.dir.path().display().to_string()];
        match &self.database_url {
            Some(url) => [vec!["--database-url".into(), url.clone()], dir].concat(),
            None => dir,
        }
    }

    /// Runs raw SQL against the database, bypassing aims (to simulate tampering).
    pub async fn raw_sql(&self, sql: &str) {
        self.try_raw_sql(sql).await.unwrap();
    }

    /// [`TestDb::raw_sql`] that returns the database's refusal instead of panicking.
    pub async fn try_raw_sql(&self, sql: &str) -> Result<(), sqlx::Error> {
        use sqlx::Connection;
        match &self.database_url {
            Some(url) => {
                let mut c = sqlx::PgConnection::connect(url).await?;
                sqlx::raw_sql(sql).execute(&mut c).await.map(|_| ())
            }
            None => {
                let url = format!("sqlite://{}", self.dir.path().join("aims.db").display());
                let mut c = sqlx::SqliteConnection::connect(&url).await?;
                sqlx::raw_sql(sql).execute(&mut c).await.map(|_| ())
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

/// How a test server differs from the defaults.
pub struct Options {
    pub web: aims_web::WebConfig,
    pub lock_timeout: std::time::Duration,
    /// Largest evidence file the server takes.
    pub max_upload_bytes: u64,
    /// Webhook delivery (test servers allow private and loopback targets).
    pub webhooks: aims_app::WebhookSettings,
    /// The daily digest (off: no task runs in tests; `enabled` shows its switch).
    pub digest: aims_app::DigestSettings,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            web: aims_web::WebConfig::default(),
            lock_timeout: aims_app::store::DEFAULT_LOCK_TIMEOUT,
            max_upload_bytes: aims_app::DEFAULT_MAX_UPLOAD_BYTES,
            webhooks: aims_app::WebhookSettings {
                allow_private: true,
                ..Default::default()
            },
            digest: aims_app::DigestSettings::default(),
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
        TestApp::empty_with(Options::default()).await
    }

    /// [`TestApp::empty`] with other web settings or lock timeout.
    pub async fn empty_with(options: Options) -> TestApp {
        let db = TestDb::new().await;
        let store = db.store_with(options.lock_timeout).await;
        // Evidence files where `aims` keeps them: under the data dir.
        let blobs = db.dir.path().join("evidence");
        let app = App::new(
            store,
            AppConfig {
                insecure_fast_password_hash: true,
                max_upload_bytes: options.max_upload_bytes,
                webhooks: options.webhooks,
                digest: options.digest,
                ..AppConfig::default()
            },
        )
        .with_blobs(aims_app::store::BlobStore::fs(blobs))
        .with_pack_key_file(db.dir.path().join("pack.key"));
        #[cfg(feature = "pdf")]
        let app = app.with_typesetter(std::sync::Arc::new(aims_pdf::Typst));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = aims_web::AppState {
            app: app.clone(),
            config: options.web,
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
        TestApp::with(Options::default()).await
    }

    /// [`TestApp::new`] with other web settings or lock timeout.
    pub async fn with(options: Options) -> TestApp {
        let t = TestApp::empty_with(options).await;
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
            .set_member(&t.scope("acme").await, ADMIN_EMAIL, "manager")
            .await
            .unwrap();
        t
    }

    /// Runs the `aims` binary on this server's database with `args`.
    pub fn run_cli(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(TestApp::bin())
            .args(self.db.cli_args())
            .args(args)
            .output()
            .unwrap()
    }

    /// The operator inside workspace `slug`, for setting records up.
    pub async fn scope(&self, slug: &str) -> aims_app::Scope {
        self.app.enter(&Principal::operator(), slug).await.unwrap()
    }

    /// Creates a workspace token with `role` and returns its secret.
    pub async fn token(&self, workspace: &str, role: &str) -> String {
        self.app
            .create_token(
                &self
                    .app
                    .enter(&Principal::operator(), workspace)
                    .await
                    .unwrap(),
                role,
                role,
            )
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
    /// The body as it came (a PDF, a workbook).
    pub bytes: Vec<u8>,
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
        let bytes = r.bytes().await.unwrap().to_vec();
        Resp {
            status,
            content_type,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
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

/// Signs in a new user who has `role` in workspace `ws`; returns the browser
/// and its session's CSRF token.
pub async fn member_session(
    t: &TestApp,
    email: &str,
    ws: &str,
    role: aims_app::domain::Role,
) -> (Client, String) {
    let op = Principal::operator();
    t.app
        .add_user(&op, email, "Member", "member password 1", false, false)
        .await
        .unwrap();
    t.app
        .set_member(&t.scope(ws).await, email, role.as_str())
        .await
        .unwrap();
    sign_in(t, email, "member password 1").await
}

/// AI systems through the record path, in the short form tests use.
pub trait SystemsExt {
    async fn create_system(
        &self,
        ws: &aims_app::Scope,
        name: &str,
        purpose: &str,
    ) -> aims_app::Result<aims_app::store::RecordRow>;
    async fn update_system(
        &self,
        ws: &aims_app::Scope,
        id: &str,
        version: i64,
        name: &str,
        purpose: &str,
    ) -> aims_app::Result<aims_app::store::RecordRow>;
    async fn count_systems(&self, ws: &aims_app::Scope) -> aims_app::Result<i64>;
}

fn name_purpose(name: &str, purpose: &str) -> serde_json::Map<String, serde_json::Value> {
    serde_json::json!({"name": name, "purpose": purpose})
        .as_object()
        .cloned()
        .unwrap_or_default()
}

impl SystemsExt for aims_app::App {
    async fn create_system(
        &self,
        ws: &aims_app::Scope,
        name: &str,
        purpose: &str,
    ) -> aims_app::Result<aims_app::store::RecordRow> {
        let body = name_purpose(name, purpose);
        self.create_record(
            ws,
            aims_app::systems_kind(),
            aims_app::domain::record::Input::Json(&body),
        )
        .await
    }
    async fn update_system(
        &self,
        ws: &aims_app::Scope,
        id: &str,
        version: i64,
        name: &str,
        purpose: &str,
    ) -> aims_app::Result<aims_app::store::RecordRow> {
        let body = name_purpose(name, purpose);
        self.update_record(
            ws,
            aims_app::systems_kind(),
            id,
            version,
            aims_app::domain::record::Input::Json(&body),
        )
        .await
    }
    async fn count_systems(&self, ws: &aims_app::Scope) -> aims_app::Result<i64> {
        self.count_records(ws, aims_app::systems_kind()).await
    }
}

/// An impact assessment ready for review: every question answered (yes/no
/// as no, a choice as its first option, text as "None."), one impact.
pub fn complete_impact() -> aims_app::domain::impact::ImpactAssessment {
    use aims_app::domain::impact::{QuestionKind, QUESTIONS};
    let answers = QUESTIONS
        .iter()
        .filter(|q| q.asked_when.is_none())
        .map(|q| {
            let v = match q.kind {
                QuestionKind::YesNo => Value::Bool(false),
                QuestionKind::Choice { options } => Value::from(options[0].id),
                QuestionKind::Text { .. } => Value::from("None."),
            };
            (q.id.to_owned(), v)
        })
        .collect();
    serde_json::from_value(serde_json::json!({
        "answers": Value::Object(answers),
        "impacts": [{"area": "privacy", "description": "Personal data could leak", "severity": 3, "likelihood": 2}],
        "reassess_on": "2030-01-01"
    }))
    .unwrap()
}

pub const WS: &str = "/api/v1/workspaces/acme";

/// An API token's calls in workspace `acme`: each answers its status and JSON body.
pub struct Caller<'a> {
    t: &'a TestApp,
    pub token: String,
}

impl Caller<'_> {
    pub async fn new<'a>(t: &'a TestApp, role: &str) -> Caller<'a> {
        Caller {
            t,
            token: t.token("acme", role).await,
        }
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let r = self
            .t
            .call(method, &format!("{WS}{path}"), Some(&self.token), body)
            .await;
        let status = r.status.as_u16();
        (status, serde_json::from_str(&r.text).unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.send(Method::DELETE, path, None).await
    }
}

/// How many evidence files the server keeps on disk.
pub fn blob_files(t: &TestApp) -> usize {
    let root = t.db.dir.path().join("evidence").join("sha256");
    std::fs::read_dir(&root)
        .map(|d| {
            d.flatten()
                .map(|sub| std::fs::read_dir(sub.path()).unwrap().count())
                .sum()
        })
        .unwrap_or(0)
}
