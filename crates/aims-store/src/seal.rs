//! The history key and the seal of the history head.
//!
//! The hash chain shows any change to an event, unless whoever changed it also
//! recomputed every hash after it and the head. The seal closes that gap: on
//! every commit the head (seq and hash) is sealed with an HMAC whose key lives
//! outside the database (a file in the data dir with owner-only permissions,
//! or a file given by `--history-key-file`). Someone with database access alone
//! cannot produce a valid seal for a rewritten chain.

use crate::conn::{on_conn, Conn};
use crate::{Result, StoreError};
use aims_domain::history::{head_seal, key_id};
use std::path::Path;

/// A 32-byte secret key; its `Debug` output never shows it.
#[derive(Clone)]
pub struct HistoryKey(Vec<u8>);

impl std::fmt::Debug for HistoryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HistoryKey({})", self.id())
    }
}

impl HistoryKey {
    pub fn from_bytes(bytes: &[u8]) -> Option<HistoryKey> {
        (bytes.len() >= 32).then(|| HistoryKey(bytes.to_vec()))
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// The key's public name (recorded in the database).
    pub fn id(&self) -> String {
        key_id(&self.0)
    }

    /// Reads the key file (64 hex characters), creating it with fresh random
    /// bytes and owner-only permissions when it does not exist. Returns the key
    /// and whether it was created now.
    pub fn load_or_create(
        path: &Path,
        fresh: impl FnOnce() -> [u8; 32],
    ) -> Result<(HistoryKey, bool)> {
        let io = |source: std::io::Error| StoreError::DataDir {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let bytes = hex::decode(text.trim()).ok().filter(|b| b.len() == 32);
                let key = bytes
                    .and_then(|b| HistoryKey::from_bytes(&b))
                    .ok_or_else(|| {
                        io(std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            "a history key file holds 64 hexadecimal characters",
                        ))
                    })?;
                warn_if_readable_by_others(path);
                Ok((key, false))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(io)?;
                }
                let bytes = fresh();
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
                let mut f = opts.open(path).map_err(io)?;
                std::io::Write::write_all(&mut f, format!("{}\n", hex::encode(bytes)).as_bytes())
                    .and_then(|()| f.sync_all())
                    .map_err(io)?;
                Ok((HistoryKey(bytes.to_vec()), true))
            }
            Err(e) => Err(io(e)),
        }
    }
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.permissions().mode() & 0o077 != 0 {
                tracing::warn!(path = %path.display(), "the history key file is readable by other users; chmod 600 it");
            }
        }
    }
}

/// The head row with its seal.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SealedHead {
    pub seq: i64,
    pub hash: String,
    pub seal: String,
    pub key_id: String,
}

/// How the database's history stands against a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealState {
    /// Sealed by this key (or empty and now sealed).
    Sealed,
    /// Never sealed, and it holds events: someone must adopt it (`aims audit seal`).
    Unsealed { events: i64 },
    /// Sealed by another key.
    OtherKey { key_id: String },
}

impl Conn<'_> {
    pub async fn history_head_sealed(&mut self) -> Result<SealedHead> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT seq, hash, seal, key_id FROM history_head WHERE id = 1").fetch_one(&mut **c).await)?)
    }

    /// True when the head carries a valid seal by `key`, or the history is
    /// empty and was never sealed. Logged loudly when not: someone changed the
    /// history or its seal behind aims' back, and aims will not seal over it.
    pub async fn history_head_intact(&mut self, key: &HistoryKey) -> Result<bool> {
        let head = self.history_head_sealed().await?;
        let intact = if head.key_id.is_empty() {
            head.seq == 0
        } else {
            head.key_id == key.id()
                && aims_domain::history::seals_equal(
                    &head.seal,
                    &head_seal(key.bytes(), head.seq, &head.hash),
                )
        };
        if !intact && !head.key_id.is_empty() {
            tracing::error!(
                seq = head.seq,
                "the history head is not sealed by this installation's key: the history was changed outside aims; run `aims audit verify`"
            );
        }
        Ok(intact)
    }

    /// Seals the current head with `key` (inside the committing transaction).
    pub async fn history_seal_head(&mut self, key: &crate::seal::HistoryKey) -> Result<()> {
        let head = self.history_head_sealed().await?;
        let seal = head_seal(key.bytes(), head.seq, &head.hash);
        if seal != head.seal {
            on_conn!(self, c => sqlx::query("UPDATE history_head SET seal = $1, key_id = $2 WHERE id = 1")
                .bind(&seal).bind(key.id()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }
}

impl crate::Store {
    /// Checks the history against the store's key when opening it: an empty
    /// history, or one never sealed when `adopt` is set (a key created just now
    /// for an existing database, or `aims audit seal`), is sealed now.
    pub async fn check_seal(&self, adopt: bool) -> Result<SealState> {
        let Some(key) = self.history_key() else {
            return Ok(SealState::Sealed);
        };
        let mut tx = self.begin().await?;
        let head = tx.conn().history_head_sealed().await?;
        if head.key_id.is_empty() {
            if head.seq > 0 && !adopt {
                return Ok(SealState::Unsealed { events: head.seq });
            }
            tx.seal = true;
            tx.commit().await?;
            return Ok(SealState::Sealed);
        }
        if head.key_id != key.id() {
            return Ok(SealState::OtherKey {
                key_id: head.key_id,
            });
        }
        Ok(SealState::Sealed)
    }
}
