use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Storage failures. Messages never contain credentials.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("a record with this {field} already exists")]
    Duplicate { field: &'static str },
    #[error(
        "the database schema is newer than this binary (migration {0} is unknown); upgrade aims"
    )]
    SchemaTooNew(i64),
    /// Another writer holds the lock longer than the lock timeout (SQLite
    /// busy, PostgreSQL lock timeout) or no connection came free in time.
    #[error("the database is busy")]
    Busy,
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot prepare data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if is_busy(&err) {
            StoreError::Busy
        } else {
            StoreError::Database(err)
        }
    }
}

/// SQLite `SQLITE_BUSY`/`SQLITE_LOCKED` (and their extended codes),
/// PostgreSQL `lock_not_available` (55P03), and a pool with no free connection.
fn is_busy(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => match db.code().as_deref() {
            Some("55P03") => true,
            Some(code) => code.parse::<i64>().is_ok_and(|n| matches!(n & 0xff, 5 | 6)),
            None => false,
        },
        _ => false,
    }
}

/// Connections in a pool, on either backend. More only add contention on a
/// small machine: on 2 cores, 16 PostgreSQL connections gave a list p99 of
/// 10.8 ms, 8 gave 7.6 ms (bench/serve.py).
pub const POOL_CONNECTIONS: u32 = 8;

/// How long a statement waits for another writer's lock before the store
/// answers [`StoreError::Busy`].
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(5);

impl StoreError {
    /// Maps a unique-constraint violation to a field name; other errors pass through.
    pub(crate) fn unique(err: sqlx::Error, field: &'static str) -> StoreError {
        if let sqlx::Error::Database(db) = &err {
            if db.is_unique_violation() {
                return StoreError::Duplicate { field };
            }
        }
        StoreError::from(err)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool on one of the two backends.
#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The database: a pool, and the key that seals the history head on every
/// commit (see [`crate::seal`]). Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    key: Option<std::sync::Arc<crate::seal::HistoryKey>>,
    /// Held by every clone; the SQLite checkpointer stops when the last goes.
    alive: std::sync::Arc<()>,
}

/// A connection (pooled or inside a transaction) that every query runs on.
pub enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

/// Runs `$body` with `$c` bound to the backend's connection; the body is the
/// same text for both backends, so each query is written once.
macro_rules! on_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::conn::Conn::Sqlite($c) => $body,
            $crate::conn::Conn::Postgres($c) => $body,
        }
    };
}
pub(crate) use on_conn;

/// Rows a SQLite query sent as one value, `json_group_array(json_array(…))`.
/// sqlx hands each SQLite row over from its worker thread on its own (a
/// channel send and a wake-up, some microseconds a row), so a read of tens of
/// thousands of rows sends them as one JSON text instead.
pub(crate) fn json_rows<T: serde::de::DeserializeOwned>(text: &str) -> crate::Result<Vec<T>> {
    serde_json::from_str(text).map_err(|e| {
        crate::StoreError::Database(sqlx::Error::Decode(
            format!("rows sent as JSON do not read back: {e}").into(),
        ))
    })
}

impl Conn<'_> {
    /// The rows of `SELECT columns from` (`from` holding the `FROM` and
    /// `WHERE` clauses, `$1`… bound to `binds` in turn), in no set order: on
    /// SQLite as one `json_group_array` value ([`json_rows`]), on PostgreSQL
    /// as rows. For reads of a whole kind or relation.
    pub(crate) async fn rows_in_one<T>(
        &mut self,
        columns: &str,
        from: &str,
        binds: &[&str],
    ) -> crate::Result<Vec<T>>
    where
        T: serde::de::DeserializeOwned
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        Ok(match self {
            Conn::Sqlite(c) => {
                let sql = format!(
                    "SELECT COALESCE(json_group_array(json_array({columns})), '[]') {from}"
                );
                let mut q = sqlx::query_scalar(&sql);
                for b in binds {
                    q = q.bind(*b);
                }
                let text: String = q.fetch_one(&mut **c).await?;
                json_rows(&text)?
            }
            Conn::Postgres(c) => {
                let sql = format!("SELECT {columns} {from}");
                let mut q = sqlx::query_as(&sql);
                for b in binds {
                    q = q.bind(*b);
                }
                q.fetch_all(&mut **c).await?
            }
        })
    }
}

/// A connection borrowed from the pool for a few reads.
pub enum PoolConn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl PoolConn {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            PoolConn::Sqlite(c) => Conn::Sqlite(c),
            PoolConn::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// A write transaction; dropped without [`Tx::commit`] it rolls back.
pub struct Tx {
    inner: TxInner,
    key: Option<std::sync::Arc<crate::seal::HistoryKey>>,
    /// The head was intact when the transaction began: only then is the new
    /// head sealed, so a head rewritten behind aims' back is never re-sealed.
    pub(crate) seal: bool,
}

enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match &mut self.inner {
            TxInner::Sqlite(t) => Conn::Sqlite(t),
            TxInner::Postgres(t) => Conn::Postgres(t),
        }
    }

    /// Seals the history head (when events were appended) and commits.
    pub async fn commit(mut self) -> crate::Result<()> {
        if let Some(key) = self.key.clone().filter(|_| self.seal) {
            self.conn().history_seal_head(&key).await?;
        }
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Versions of the migrations compiled in, per backend (kept in step by a test).
pub fn migration_versions(backend: Backend) -> Vec<(i64, String)> {
    let m = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    m.iter()
        .map(|m| (m.version, m.description.to_string()))
        .collect()
}

impl Store {
    /// Opens (creating if needed) `aims.db` in `data_dir`: WAL journal, full sync
    /// so an acknowledged write survives a crash, foreign keys on.
    pub async fn open_sqlite(data_dir: &Path) -> crate::Result<Store> {
        Store::open_sqlite_with(data_dir, DEFAULT_LOCK_TIMEOUT).await
    }

    /// [`Store::open_sqlite`] waiting at most `lock_timeout` for another writer.
    pub async fn open_sqlite_with(data_dir: &Path, lock_timeout: Duration) -> crate::Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.display().to_string(),
            source,
        })?;
        let opts = SqliteConnectOptions::new()
            .filename(data_dir.join("aims.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(lock_timeout)
            // Reads map the file instead of copying pages into each
            // connection's own small cache (2 MiB by default): lists and
            // searches over a large inventory stay in memory, shared.
            .pragma("mmap_size", "268435456")
            // Room for a large write transaction's dirty pages (a bulk
            // import) without spilling them to the WAL before commit.
            .pragma("cache_size", "-32768")
            // Statement journals (a multi-row insert's undo) in memory, not
            // in temporary files.
            .pragma("temp_store", "memory")
            // Commits do not copy the WAL back into the database file
            // themselves (a third of a 10,000-row import's time): the
            // checkpointer below does, beside the requests.
            .pragma("wal_autocheckpoint", "0");
        let pool = SqlitePoolOptions::new()
            .max_connections(POOL_CONNECTIONS)
            .min_connections(1)
            .acquire_timeout(lock_timeout + Duration::from_secs(5))
            .connect_with(opts)
            .await?;
        let store = Store::new(Pool::Sqlite(pool.clone()));
        tokio::spawn(checkpointer(pool, std::sync::Arc::downgrade(&store.alive)));
        Ok(store)
    }

    /// Connects to PostgreSQL. The URL is never logged.
    pub async fn open_postgres(url: &str) -> crate::Result<Store> {
        Store::open_postgres_with(url, DEFAULT_LOCK_TIMEOUT).await
    }

    /// [`Store::open_postgres`] waiting at most `lock_timeout` for another writer.
    pub async fn open_postgres_with(url: &str, lock_timeout: Duration) -> crate::Result<Store> {
        let opts = PgConnectOptions::from_str(url)?.options([
            ("lock_timeout", format!("{}ms", lock_timeout.as_millis())),
            // Statements are prepared once per connection; left to choose,
            // PostgreSQL planned a list query afresh on every execution
            // (0.6 ms of its CPU, more than running it). The queries filter
            // on a workspace and a kind, where one generic plan serves all.
            ("plan_cache_mode", "force_generic_plan".to_owned()),
            // Parallel workers only for big reads: starting two for a page
            // sorted by title (estimated cost ~3,000) took 12 ms where the
            // same plan alone took 1.7 ms; a whole-workspace read (readiness)
            // still gets them.
            ("parallel_setup_cost", "10000".to_owned()),
        ]);
        let pool = PgPoolOptions::new()
            .max_connections(POOL_CONNECTIONS)
            .acquire_timeout(lock_timeout + Duration::from_secs(5))
            .connect_with(opts)
            .await?;
        Ok(Store::new(Pool::Postgres(pool)))
    }

    fn new(pool: Pool) -> Store {
        Store {
            pool,
            key: None,
            alive: std::sync::Arc::new(()),
        }
    }

    /// Seals the history with `key` from now on (see [`crate::seal`]).
    pub fn with_history_key(mut self, key: crate::seal::HistoryKey) -> Store {
        self.key = Some(std::sync::Arc::new(key));
        self
    }

    pub fn history_key(&self) -> Option<&crate::seal::HistoryKey> {
        self.key.as_deref()
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Brings the schema up to date; refuses a database migrated by a newer binary.
    pub async fn migrate(&self) -> crate::Result<()> {
        let result = match &self.pool {
            Pool::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await,
            Pool::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await,
        };
        match result {
            Err(sqlx::migrate::MigrateError::VersionMissing(v)) => {
                return Err(StoreError::SchemaTooNew(v))
            }
            other => other?,
        }
        // Data changes a migration asked for but SQL cannot make.
        let mut tx = self.begin_unsealed().await?;
        let reindexed = tx.conn().records_reindex().await?;
        if reindexed > 0 {
            tracing::info!(rows = reindexed, "reindexed records");
        }
        tx.commit().await
    }

    /// A write transaction that does not touch the history seal.
    async fn begin_unsealed(&self) -> crate::Result<Tx> {
        let mut tx = self.begin().await?;
        tx.seal = false;
        Ok(tx)
    }

    pub async fn conn(&self) -> crate::Result<PoolConn> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => PoolConn::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => PoolConn::Postgres(p.acquire().await?),
        })
    }

    /// Starts a write transaction holding the write lock from its first
    /// statement, so what it reads stays true until it commits (first-run setup,
    /// the next import version, a member's old role) and every change appends to
    /// the history chain in order. SQLite: `BEGIN IMMEDIATE`; PostgreSQL: the
    /// history head row, locked `FOR UPDATE`. Writers queue; readers never wait.
    pub async fn begin(&self) -> crate::Result<Tx> {
        let inner = match &self.pool {
            Pool::Sqlite(p) => TxInner::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("SELECT seq FROM history_head WHERE id = 1 FOR UPDATE")
                    .execute(&mut *tx)
                    .await?;
                TxInner::Postgres(tx)
            }
        };
        let mut tx = Tx {
            inner,
            key: self.key.clone(),
            seal: false,
        };
        if let Some(key) = self.key.clone() {
            tx.seal = tx.conn().history_head_intact(&key).await?;
        }
        Ok(tx)
    }

    /// A write transaction for bookkeeping beside the history (webhook
    /// deliveries): it must append no event, so it neither waits for the
    /// history head on PostgreSQL nor seals it. SQLite still queues it with
    /// every other writer (`BEGIN IMMEDIATE`).
    pub async fn begin_side(&self) -> crate::Result<Tx> {
        let inner = match &self.pool {
            Pool::Sqlite(p) => TxInner::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => TxInner::Postgres(p.begin().await?),
        };
        Ok(Tx {
            inner,
            key: None,
            seal: false,
        })
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        let r = match &self.pool {
            Pool::Sqlite(p) => sqlx::query("SELECT 1").execute(p).await.map(|_| ()),
            Pool::Postgres(p) => sqlx::query("SELECT 1").execute(p).await.map(|_| ()),
        };
        r.is_ok()
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// Copies committed WAL frames into the SQLite database file every quarter
/// second (PASSIVE: never waits for readers or writers), once the WAL holds
/// more than a few pages, until the store is dropped or closed. SQLite also
/// checkpoints when the last connection closes.
async fn checkpointer(pool: SqlitePool, alive: std::sync::Weak<()>) {
    const QUIET_PAGES: i64 = 64;
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if alive.strong_count() == 0 || pool.is_closed() {
            return;
        }
        let Ok(mut c) = pool.acquire().await else {
            return;
        };
        // (busy, frames in the WAL, frames checkpointed); a failure is retried next tick.
        let r: std::result::Result<(i64, i64, i64), sqlx::Error> =
            sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
                .fetch_one(&mut *c)
                .await;
        if let Ok((_, log, done)) = r {
            if log >= 0 && log - done > QUIET_PAGES {
                tracing::debug!(log, done, "WAL checkpoint left frames behind");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_in_step() {
        let sqlite = migration_versions(Backend::Sqlite);
        let postgres = migration_versions(Backend::Postgres);
        assert!(!sqlite.is_empty());
        assert_eq!(
            sqlite, postgres,
            "every migration needs a twin in the other backend"
        );
    }

    #[tokio::test]
    async fn the_sqlite_wal_is_copied_into_the_database_beside_the_writes() {
        let dir = std::env::temp_dir().join(format!("aims-checkpoint-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open_sqlite(&dir).await.unwrap();
        store.migrate().await.unwrap();
        let Pool::Sqlite(pool) = &store.pool else {
            panic!("opened SQLite")
        };
        tokio::time::sleep(Duration::from_millis(600)).await;
        let db = dir.join("aims.db");
        let before = std::fs::metadata(&db).unwrap().len();
        sqlx::query("CREATE TABLE filler (x BLOB)")
            .execute(pool)
            .await
            .unwrap();
        for _ in 0..64 {
            sqlx::query("INSERT INTO filler VALUES (randomblob(16384))")
                .execute(pool)
                .await
                .unwrap();
        }
        // Commits do not checkpoint: the database file grows only when the
        // store's checkpointer copies the WAL into it.
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let after = std::fs::metadata(&db).unwrap().len();
        assert!(after >= before + 64 * 16384, "{before} bytes, then {after}");
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
