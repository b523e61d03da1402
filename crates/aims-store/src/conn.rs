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
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot prepare data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
}

impl StoreError {
    /// Maps a unique-constraint violation to a field name; other errors pass through.
    pub(crate) fn unique(err: sqlx::Error, field: &'static str) -> StoreError {
        if let sqlx::Error::Database(db) = &err {
            if db.is_unique_violation() {
                return StoreError::Duplicate { field };
            }
        }
        StoreError::Database(err)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool on one of the two backends. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
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
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(t),
            Tx::Postgres(t) => Conn::Postgres(t),
        }
    }

    pub async fn commit(self) -> crate::Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
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
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .connect_with(opts)
            .await?;
        Ok(Store::Sqlite(pool))
    }

    /// Connects to PostgreSQL. The URL is never logged.
    pub async fn open_postgres(url: &str) -> crate::Result<Store> {
        let opts = PgConnectOptions::from_str(url)?;
        // More connections only add contention on a small machine: on 2 cores,
        // 16 gave a list p99 of 10.8 ms, 8 gave 7.6 ms (bench/serve.py).
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await?;
        Ok(Store::Postgres(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Store::Sqlite(_) => Backend::Sqlite,
            Store::Postgres(_) => Backend::Postgres,
        }
    }

    /// Brings the schema up to date; refuses a database migrated by a newer binary.
    pub async fn migrate(&self) -> crate::Result<()> {
        let result = match self {
            Store::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await,
            Store::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await,
        };
        match result {
            Err(sqlx::migrate::MigrateError::VersionMissing(v)) => Err(StoreError::SchemaTooNew(v)),
            other => Ok(other?),
        }
    }

    pub async fn conn(&self) -> crate::Result<PoolConn> {
        Ok(match self {
            Store::Sqlite(p) => PoolConn::Sqlite(p.acquire().await?),
            Store::Postgres(p) => PoolConn::Postgres(p.acquire().await?),
        })
    }

    /// Starts a write transaction holding the write lock from its first
    /// statement, so what it reads stays true until it commits (first-run setup,
    /// the next import version, a member's old role) and every change appends to
    /// the history chain in order. SQLite: `BEGIN IMMEDIATE`; PostgreSQL: the
    /// history head row, locked `FOR UPDATE`. Writers queue; readers never wait.
    pub async fn begin(&self) -> crate::Result<Tx> {
        Ok(match self {
            Store::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Store::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("SELECT seq FROM history_head WHERE id = 1 FOR UPDATE")
                    .execute(&mut *tx)
                    .await?;
                Tx::Postgres(tx)
            }
        })
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        let r = match self {
            Store::Sqlite(p) => sqlx::query("SELECT 1").execute(p).await.map(|_| ()),
            Store::Postgres(p) => sqlx::query("SELECT 1").execute(p).await.map(|_| ()),
        };
        r.is_ok()
    }

    pub async fn close(&self) {
        match self {
            Store::Sqlite(p) => p.close().await,
            Store::Postgres(p) => p.close().await,
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
}
