//! Evidence content, kept by its SHA-256 and never overwritten: a blob
//! store behind one small interface ([`BlobStore`]: write a stream, open,
//! check) so an S3-compatible store can follow the file system one.
//!
//! On the file system a blob lives at `<root>/sha256/<2 hex>/<64 hex>`; a
//! write goes to `<root>/tmp/<uuid>.part` while it is hashed, is synced, then
//! renamed into place (or dropped when that content is already stored), so a
//! blob on disk is always whole. Names come only from hashes aims computed
//! or checked to be 64 hex digits: nothing a client sends becomes a path.

use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use tokio::sync::mpsc;

/// What went wrong with a blob.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("no such blob")]
    NotFound,
    #[error("blob storage: {0}")]
    Io(#[from] std::io::Error),
}

/// A blob written: its hash, size, the first bytes (to sniff its type) and
/// whether it was new (false: identical content was stored already).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub size: u64,
    pub head: Vec<u8>,
    pub created: bool,
}

/// What a re-hash found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Intact,
    Missing,
    /// The content on disk no longer has its name's hash.
    Altered {
        actual: String,
    },
}

/// Where blobs are kept.
#[derive(Debug, Clone)]
pub enum BlobStore {
    /// A directory of the local (or a shared) file system.
    Fs(PathBuf),
}

/// How many bytes of a blob are kept to sniff its type.
pub const HEAD_BYTES: usize = 8192;

/// True for a SHA-256 as aims names blobs: 64 lowercase hex digits.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl BlobStore {
    pub fn fs(root: impl Into<PathBuf>) -> BlobStore {
        BlobStore::Fs(root.into())
    }

    fn path(&self, sha256: &str) -> Result<PathBuf, BlobError> {
        if !is_sha256(sha256) {
            return Err(BlobError::NotFound);
        }
        let BlobStore::Fs(root) = self;
        Ok(root.join("sha256").join(&sha256[..2]).join(sha256))
    }

    /// Starts writing a blob of at most `limit` bytes.
    pub fn writer(&self, limit: u64) -> Result<BlobWriter, BlobError> {
        let BlobStore::Fs(root) = self;
        let tmp_dir = root.join("tmp");
        std::fs::create_dir_all(&tmp_dir)?;
        let part = tmp_dir.join(format!("{}.part", uuid::Uuid::now_v7()));
        let file = std::fs::File::create(&part)?;
        let (tx, rx) = mpsc::channel::<Msg>(16);
        let worker = tokio::task::spawn_blocking(move || hash_to_file(rx, file, part));
        Ok(BlobWriter {
            store: self.clone(),
            tx,
            worker,
            size: 0,
            limit,
        })
    }

    /// Opens a stored blob for reading, with its size.
    pub async fn open(&self, sha256: &str) -> Result<(tokio::fs::File, u64), BlobError> {
        let path = self.path(sha256)?;
        match tokio::fs::File::open(&path).await {
            Ok(f) => {
                let size = f.metadata().await?.len();
                Ok((f, size))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(BlobError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// A new scratch file under the store's `tmp` directory (for a
    /// download made on the fly), with its path; the caller removes it.
    pub fn scratch_file(&self) -> Result<(std::fs::File, PathBuf), BlobError> {
        let BlobStore::Fs(root) = self;
        let tmp_dir = root.join("tmp");
        std::fs::create_dir_all(&tmp_dir)?;
        let path = tmp_dir.join(format!("{}.scratch", uuid::Uuid::now_v7()));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        Ok((file, path))
    }

    /// Opens a stored blob for reading on a blocking thread.
    pub fn open_sync(&self, sha256: &str) -> Result<std::fs::File, BlobError> {
        let path = self.path(sha256)?;
        match std::fs::File::open(&path) {
            Ok(f) => Ok(f),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(BlobError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// Reads at most `max` bytes from the start of a blob.
    pub async fn read_head(&self, sha256: &str, max: usize) -> Result<Vec<u8>, BlobError> {
        use tokio::io::AsyncReadExt;
        let (f, _) = self.open(sha256).await?;
        let mut out = Vec::new();
        f.take(max as u64).read_to_end(&mut out).await?;
        Ok(out)
    }

    /// Re-hashes a blob and says whether it is still what its name says.
    pub async fn check(&self, sha256: &str) -> Result<Check, BlobError> {
        let path = self.path(sha256)?;
        let want = sha256.to_owned();
        tokio::task::spawn_blocking(move || {
            let mut f = match std::fs::File::open(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Check::Missing),
                Err(e) => return Err(e.into()),
            };
            let mut h = Sha256::new();
            let mut buf = vec![0u8; 1 << 20];
            loop {
                let n = f.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                h.update(&buf[..n]);
            }
            let actual = hex::encode(h.finalize());
            Ok(if actual == want {
                Check::Intact
            } else {
                Check::Altered { actual }
            })
        })
        .await
        .map_err(|e| BlobError::Io(std::io::Error::other(e.to_string())))?
    }
}

/// How many bytes are written between background syncs.
const SYNC_EVERY: u64 = 64 << 20;

/// A part file written whole: its path, hash, size and first bytes.
type Hashed = (PathBuf, String, u64, Vec<u8>);

enum Msg {
    Data(Bytes),
    Done,
}

/// Hashes and writes what arrives; keeps the first bytes; removes the part
/// file unless the sender said it is done.
fn hash_to_file(
    mut rx: mpsc::Receiver<Msg>,
    file: std::fs::File,
    part: PathBuf,
) -> Result<Hashed, BlobError> {
    // A second thread syncs what is written so far every SYNC_EVERY bytes,
    // so the disk works while this one hashes and the final sync is short.
    let (sync_tx, sync_rx) = std::sync::mpsc::sync_channel::<()>(1);
    let syncer = file.try_clone().ok().map(|f| {
        std::thread::spawn(move || {
            while sync_rx.recv().is_ok() {
                let _ = f.sync_data();
            }
        })
    });
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut h = Sha256::new();
    let mut size = 0u64;
    let mut head = Vec::new();
    let mut done = false;
    let mut unsynced = 0u64;
    let result = (|| -> Result<(), BlobError> {
        while let Some(m) = rx.blocking_recv() {
            match m {
                Msg::Data(b) => {
                    if head.len() < HEAD_BYTES {
                        let take = (HEAD_BYTES - head.len()).min(b.len());
                        head.extend_from_slice(&b[..take]);
                    }
                    h.update(&b);
                    out.write_all(&b)?;
                    size += b.len() as u64;
                    unsynced += b.len() as u64;
                    if unsynced >= SYNC_EVERY {
                        out.flush()?;
                        // Skipped while the syncer is still busy with the last batch.
                        let _ = sync_tx.try_send(());
                        unsynced = 0;
                    }
                }
                Msg::Done => {
                    done = true;
                    break;
                }
            }
        }
        Ok(())
    })();
    drop(sync_tx);
    if let Some(t) = syncer {
        let _ = t.join();
    }
    let synced = result.and_then(|()| {
        if !done {
            return Err(BlobError::Io(std::io::Error::other("the upload stopped")));
        }
        let f = out.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        Ok(())
    });
    match synced {
        Ok(()) => Ok((part, hex::encode(h.finalize()), size, head)),
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            Err(e)
        }
    }
}

/// A blob being written: feed it chunks, then [`BlobWriter::finish`].
/// Dropped before that, it leaves nothing behind.
pub struct BlobWriter {
    store: BlobStore,
    tx: mpsc::Sender<Msg>,
    worker: tokio::task::JoinHandle<Result<Hashed, BlobError>>,
    size: u64,
    limit: u64,
}

impl BlobWriter {
    /// Adds a chunk; past the limit the write stops with [`BlobError::TooLarge`].
    pub async fn write(&mut self, chunk: Bytes) -> Result<(), BlobError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(BlobError::TooLarge { limit: self.limit });
        }
        if self.tx.send(Msg::Data(chunk)).await.is_err() {
            // The worker stopped: its error says why.
            return Err(self.failure().await);
        }
        Ok(())
    }

    async fn failure(&mut self) -> BlobError {
        match (&mut self.worker).await {
            Ok(Err(e)) => e,
            Ok(Ok(_)) => BlobError::Io(std::io::Error::other("the blob writer stopped early")),
            Err(e) => BlobError::Io(std::io::Error::other(e.to_string())),
        }
    }

    /// Finishes the blob: synced, then moved to its name unless that content
    /// is stored already.
    pub async fn finish(self) -> Result<Stored, BlobError> {
        let BlobWriter {
            store, tx, worker, ..
        } = self;
        let _ = tx.send(Msg::Done).await;
        drop(tx);
        let (part, sha256, size, head) = worker
            .await
            .map_err(|e| BlobError::Io(std::io::Error::other(e.to_string())))??;
        let path = store.path(&sha256)?;
        let created = tokio::task::spawn_blocking(move || place(&part, &path))
            .await
            .map_err(|e| BlobError::Io(std::io::Error::other(e.to_string())))??;
        Ok(Stored {
            sha256,
            size,
            head,
            created,
        })
    }
}

/// Moves a finished part file to its blob name; false (and the part file
/// removed) when a blob of that name exists already.
fn place(part: &Path, path: &Path) -> Result<bool, BlobError> {
    if path.exists() {
        std::fs::remove_file(part)?;
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::rename(part, path)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        let d = std::env::temp_dir().join(format!("aims-blobs-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[tokio::test]
    async fn identical_content_is_stored_once_and_an_altered_blob_is_named() {
        let dir = root();
        let store = BlobStore::fs(&dir);
        let mut w = store.writer(100).unwrap();
        w.write(Bytes::from_static(b"hello ")).await.unwrap();
        w.write(Bytes::from_static(b"world")).await.unwrap();
        let first = w.finish().await.unwrap();
        assert_eq!(
            first.sha256,
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        assert_eq!((first.size, first.created), (11, true));
        assert_eq!(first.head, b"hello world");
        let mut w = store.writer(100).unwrap();
        w.write(Bytes::from_static(b"hello world")).await.unwrap();
        let again = w.finish().await.unwrap();
        assert_eq!(again.sha256, first.sha256);
        assert!(!again.created, "the same content is not stored twice");
        assert_eq!(std::fs::read_dir(dir.join("tmp")).unwrap().count(), 0);
        assert_eq!(store.check(&first.sha256).await.unwrap(), Check::Intact);
        let path = store.path(&first.sha256).unwrap();
        std::fs::write(&path, b"hello w0rld").unwrap();
        assert!(matches!(
            store.check(&first.sha256).await.unwrap(),
            Check::Altered { .. }
        ));
        std::fs::remove_file(&path).unwrap();
        assert_eq!(store.check(&first.sha256).await.unwrap(), Check::Missing);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn a_write_over_the_limit_or_abandoned_leaves_nothing() {
        let dir = root();
        let store = BlobStore::fs(&dir);
        let mut w = store.writer(4).unwrap();
        w.write(Bytes::from_static(b"1234")).await.unwrap();
        assert!(matches!(
            w.write(Bytes::from_static(b"5")).await,
            Err(BlobError::TooLarge { limit: 4 })
        ));
        drop(w);
        let mut w = store.writer(4).unwrap();
        w.write(Bytes::from_static(b"12")).await.unwrap();
        drop(w);
        // The workers notice the closed channel and remove their part files.
        for _ in 0..100 {
            if std::fs::read_dir(dir.join("tmp")).unwrap().count() == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(std::fs::read_dir(dir.join("tmp")).unwrap().count(), 0);
        assert!(!dir.join("sha256").exists());
        assert!(matches!(
            store.open("../../etc/passwd").await,
            Err(BlobError::NotFound)
        ));
        assert!(!is_sha256(&"A".repeat(64)));
        assert!(is_sha256(&"a".repeat(64)));
        assert!(!is_sha256(&"a".repeat(63)));
        let _ = std::fs::remove_dir_all(dir);
    }
}
