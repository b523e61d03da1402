//! Evidence packs: a zip of everything an auditor asks for — records as
//! JSON, documents, the Statement of Applicability, evidence files by
//! control, the history — with `manifest.json` listing each file's path,
//! size and SHA-256, signed with Ed25519 (`manifest.sig`, the public key
//! beside it in `manifest.pub`), and the offline check of such a pack.
//!
//! Writing streams: each file is hashed while it is copied into the zip
//! (evidence stored as it is, JSON and text compressed), so memory stays
//! flat whatever the size of the evidence. Verifying reads every entry
//! once, names each altered, added or missing file, checks the signature
//! (with the key given, else the one in the pack, said so), and re-verifies
//! the history's hash chain up to the head the manifest names.
//!
//! No database and no clock: callers pass what goes in and when.

mod history;
#[cfg(test)]
mod tests;

pub use history::{check_history, HistoryLine};

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{self, Read, Seek, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

pub const FORMAT: &str = "aims-pack/1";
pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.sig";
pub const PUBLIC_KEY: &str = "manifest.pub";
/// The history as JSON lines, one event (or a link of another workspace) each.
pub const HISTORY: &str = "history/events.jsonl";

/// One file of the pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// Where the history stands: the first event the pack holds and the head.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryHead {
    pub first_seq: i64,
    pub head_seq: i64,
    pub head_hash: String,
}

/// The signed list of what the pack holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    /// The workspace's slug and name.
    pub workspace: String,
    pub workspace_name: String,
    pub created_at: String,
    /// What was asked for: a date range, a sample of controls (empty: all).
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub controls: Vec<String>,
    pub history: HistoryHead,
    /// Every file but the manifest, its signature and the public key, in
    /// the order written.
    pub files: Vec<FileEntry>,
}

/// The pack's signing key from its 32-byte seed.
pub fn signing_key(seed: &[u8; 32]) -> SigningKey {
    SigningKey::from_bytes(seed)
}

/// The public key of `seed`, as 64 hex digits (what `aims pack key` prints).
pub fn public_key_hex(seed: &[u8; 32]) -> String {
    hex::encode(signing_key(seed).verifying_key().as_bytes())
}

/// A path inside the pack: relative, `/`-separated, no empty, `.` or `..`
/// part, no backslash or control character, at most 512 bytes.
pub fn is_safe_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 512
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
        && path
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
}

/// Bytes moved at a time when copying a file into a pack.
const COPY_BUFFER: usize = 1024 * 1024;

/// Copies `from` into `to`, hashing it: `(size, sha256)`.
fn copy_hashed(from: &mut impl Read, to: &mut impl Write) -> io::Result<(u64, String)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; COPY_BUFFER];
    let mut size = 0u64;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        h.update(&buf[..n]);
        to.write_all(&buf[..n])?;
        size += n as u64;
    }
    Ok((size, hex::encode(h.finalize())))
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// Writes a pack: files one by one, then the signed manifest.
pub struct PackWriter<W: Write + Seek> {
    zip: ZipWriter<W>,
    files: Vec<FileEntry>,
}

impl<W: Write + Seek> PackWriter<W> {
    pub fn new(out: W) -> PackWriter<W> {
        PackWriter {
            zip: ZipWriter::new(out),
            files: Vec::new(),
        }
    }

    /// Adds the file `path` with the content read from `content`, stored
    /// as it is (`compress` false: evidence) or deflated. Returns its size.
    pub fn add(&mut self, path: &str, content: &mut impl Read, compress: bool) -> io::Result<u64> {
        self.start(path, compress)?;
        let (size, sha256) = copy_hashed(content, &mut self.zip)?;
        self.files.push(FileEntry {
            path: path.to_owned(),
            size,
            sha256,
        });
        Ok(size)
    }

    /// Adds the file `path`, stored as it is, whose SHA-256 is already
    /// known (`sha256`, 64 hex digits: a content-addressed blob's name), so
    /// it is copied without hashing it again. A content that does not match
    /// makes a pack `verify` calls altered. Returns its size.
    pub fn add_known(
        &mut self,
        path: &str,
        content: &mut impl Read,
        sha256: &str,
    ) -> io::Result<u64> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(invalid(format!("not a SHA-256: {sha256:?}")));
        }
        self.start(path, false)?;
        // Large reads and writes: std's copy moves 8 KiB at a time, a
        // write call (and a checksum update) each.
        let mut buf = vec![0u8; COPY_BUFFER];
        let mut size = 0u64;
        loop {
            let n = match content.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            self.zip.write_all(&buf[..n])?;
            size += n as u64;
        }
        self.files.push(FileEntry {
            path: path.to_owned(),
            size,
            sha256: sha256.to_ascii_lowercase(),
        });
        Ok(size)
    }

    /// Starts the entry `path`, refusing a path a pack may not hold.
    fn start(&mut self, path: &str, compress: bool) -> io::Result<()> {
        if !is_safe_path(path) || [MANIFEST, SIGNATURE, PUBLIC_KEY].contains(&path) {
            return Err(invalid(format!("not a path a pack may hold: {path:?}")));
        }
        if self.files.iter().any(|f| f.path == path) {
            return Err(invalid(format!("the pack holds {path} already")));
        }
        let options = SimpleFileOptions::default()
            .compression_method(if compress {
                CompressionMethod::Deflated
            } else {
                CompressionMethod::Stored
            })
            .large_file(true)
            .unix_permissions(0o644);
        self.zip.start_file(path, options).map_err(io::Error::other)
    }

    /// The files written so far.
    pub fn files(&self) -> &[FileEntry] {
        &self.files
    }

    /// Writes the manifest (`manifest` with the files filled in), its
    /// signature by `key` and the public key, and closes the zip.
    pub fn finish(mut self, mut manifest: Manifest, key: &SigningKey) -> io::Result<(W, Manifest)> {
        manifest.format = FORMAT.to_owned();
        manifest.files = std::mem::take(&mut self.files);
        let bytes = serde_json::to_vec_pretty(&manifest).map_err(io::Error::other)?;
        let signature = key.sign(&bytes);
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (name, content) in [
            (MANIFEST, bytes),
            (
                SIGNATURE,
                format!("{}\n", hex::encode(signature.to_bytes())).into_bytes(),
            ),
            (
                PUBLIC_KEY,
                format!("{}\n", hex::encode(key.verifying_key().as_bytes())).into_bytes(),
            ),
        ] {
            self.zip
                .start_file(name, options)
                .map_err(io::Error::other)?;
            self.zip.write_all(&content)?;
        }
        let out = self.zip.finish().map_err(io::Error::other)?;
        Ok((out, manifest))
    }
}

/// Something wrong with a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", content = "detail", rename_all = "snake_case")]
pub enum Problem {
    /// A file whose content is not what the manifest says.
    Altered(String),
    /// A file the manifest does not list.
    Added(String),
    /// A file the manifest lists that the pack lacks.
    Missing(String),
    /// The signature does not hold for the manifest and the key.
    Signature(String),
    /// The history's chain breaks (where and how).
    History(String),
    /// The zip itself was tampered with: a name twice, entries overlapping
    /// or hidden outside its directory, a manifest listing a path twice.
    Structure(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Altered(p) => write!(f, "altered: {p}"),
            Problem::Added(p) => write!(f, "added: {p}"),
            Problem::Missing(p) => write!(f, "missing: {p}"),
            Problem::Signature(why) => write!(f, "signature: {why}"),
            Problem::History(why) => write!(f, "history: {why}"),
            Problem::Structure(why) => write!(f, "structure: {why}"),
        }
    }
}

/// What verifying a pack found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    pub manifest: Manifest,
    /// The public key the signature was checked with (hex).
    pub key: String,
    /// True when that key was the one in the pack, not one given.
    pub key_from_pack: bool,
    pub files_checked: usize,
    pub bytes_checked: u64,
    pub problems: Vec<Problem>,
}

impl Verified {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

fn parse_key(hex_key: &str) -> Result<VerifyingKey, String> {
    let bytes: [u8; 32] = hex::decode(hex_key.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("a public key is 64 hexadecimal digits")?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| "not an Ed25519 public key".to_owned())
}

/// Checks `signature_hex` over `manifest` with `key`.
pub fn check_signature(
    manifest: &[u8],
    signature_hex: &str,
    key: &VerifyingKey,
) -> Result<(), String> {
    let bytes: [u8; 64] = hex::decode(signature_hex.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the signature is not 128 hexadecimal digits")?;
    key.verify(manifest, &Signature::from_bytes(&bytes))
        .map_err(|_| "does not match the manifest with this key".to_owned())
}

fn read_entry<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    name: &str,
    max: u64,
) -> Result<Vec<u8>, String> {
    let entry = zip
        .by_name(name)
        .map_err(|_| format!("the pack has no {name}: it is not an aims pack"))?;
    let mut out = Vec::new();
    entry
        .take(max)
        .read_to_end(&mut out)
        .map_err(|e| format!("{name}: {e}"))?;
    Ok(out)
}

/// Verifies the pack read from `pack`, with the public key `key` (hex) or,
/// without one, the key the pack carries. `Err` when it cannot be read as
/// a pack at all; otherwise every problem found.
pub fn verify<R: Read + Seek>(pack: R, key: Option<&str>) -> Result<Verified, String> {
    let mut zip = ZipArchive::new(pack).map_err(|e| format!("not a zip file: {e}"))?;
    let manifest_bytes = read_entry(&mut zip, MANIFEST, 64 * 1024 * 1024)?;
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| format!("{MANIFEST} does not read: {e}"))?;
    if manifest.format != FORMAT {
        return Err(format!(
            "{MANIFEST} is of format {:?}, not {FORMAT}",
            manifest.format
        ));
    }
    let signature = String::from_utf8_lossy(&read_entry(&mut zip, SIGNATURE, 1024)?).into_owned();
    let (key_hex, key_from_pack) = match key {
        Some(k) => (k.trim().to_owned(), false),
        None => (
            String::from_utf8_lossy(&read_entry(&mut zip, PUBLIC_KEY, 1024)?)
                .trim()
                .to_owned(),
            true,
        ),
    };
    let mut problems = Vec::new();
    // Two entries of one name (readers disagree on which counts), entries
    // overlapping, or content hidden outside the directory.
    if let Err(e) = zip.validate_header_consistency() {
        problems.push(Problem::Structure(e.to_string()));
    }
    let mut listed_once = std::collections::BTreeSet::new();
    for f in &manifest.files {
        if !listed_once.insert(f.path.as_str()) {
            problems.push(Problem::Structure(format!(
                "{MANIFEST} lists {} twice",
                f.path
            )));
        }
    }
    match parse_key(&key_hex) {
        Ok(k) => {
            if let Err(why) = check_signature(&manifest_bytes, &signature, &k) {
                problems.push(Problem::Signature(why));
            }
        }
        Err(why) => problems.push(Problem::Signature(why)),
    }
    let listed: BTreeMap<&str, &FileEntry> = manifest
        .files
        .iter()
        .map(|f| (f.path.as_str(), f))
        .collect();
    let mut seen: Vec<&str> = Vec::new();
    let mut bytes_checked = 0u64;
    let mut history_bytes: Option<Vec<u8>> = None;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| format!("entry {i}: {e}"))?;
        if entry.is_dir() && entry.size() == 0 {
            continue;
        }
        let name = entry.name().map_or_else(
            |_| format!("entry {i} (a name that does not read)"),
            |n| n.into_owned(),
        );
        if [MANIFEST, SIGNATURE, PUBLIC_KEY].contains(&name.as_str()) {
            continue;
        }
        let Some(expected) = listed.get(name.as_str()) else {
            problems.push(Problem::Added(name));
            continue;
        };
        if seen.contains(&expected.path.as_str()) {
            problems.push(Problem::Added(name));
            continue;
        }
        seen.push(expected.path.as_str());
        // Never more than the manifest says plus one byte: a longer entry is
        // altered whatever follows, and a deflate bomb stops there.
        let mut bounded = (&mut entry).take(expected.size.saturating_add(1));
        let (size, sha256) = if name == HISTORY {
            let mut kept = Vec::new();
            let r = copy_hashed(&mut bounded, &mut kept);
            history_bytes = Some(kept);
            r
        } else {
            copy_hashed(&mut bounded, &mut io::sink())
        }
        .unwrap_or((u64::MAX, String::new()));
        bytes_checked = bytes_checked.saturating_add(size);
        if size != expected.size || sha256 != expected.sha256 {
            problems.push(Problem::Altered(name));
        }
    }
    for f in &manifest.files {
        if !seen.contains(&f.path.as_str()) {
            problems.push(Problem::Missing(f.path.clone()));
        }
    }
    if let Some(bytes) = history_bytes {
        if let Err(why) = check_history(&bytes, &manifest.history) {
            problems.push(Problem::History(why));
        }
    }
    Ok(Verified {
        files_checked: seen.len(),
        bytes_checked,
        key: key_hex,
        key_from_pack,
        manifest,
        problems,
    })
}
