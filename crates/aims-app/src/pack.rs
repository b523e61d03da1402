//! The evidence pack (`aims export pack`, the readiness page's download):
//! every record as JSON, the links, the Statement of Applicability, the
//! risk register, the published text of every document, readiness, each
//! evidence item's current file organised by the control (or clause) it
//! is for, and the history from the workspace's first event to the head of
//! the chain — written by `aims-pack` with a manifest signed by the
//! instance's pack key (created on first use beside the history key).
//!
//! What is gathered from the database is held in memory (records, text,
//! the history); evidence files are streamed from the blob store into the
//! zip on a blocking thread, hashed on the way, so gigabytes of evidence
//! keep memory flat.

use crate::{App, AppError, Result, Scope};
use aims_domain::record::{CONTROLS, DOCUMENTS, KINDS, RELATIONS};
use aims_domain::Action;
use aims_pack::{HistoryHead, HistoryLine, Manifest, PackWriter, HISTORY};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::io::{Seek, Write};
use std::path::PathBuf;

/// What to put in a pack.
#[derive(Debug, Clone, Default)]
pub struct PackOptions {
    /// Evidence files added on or after this day, history from it (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Evidence files added on or before this day.
    pub to: Option<String>,
    /// Only the evidence of these controls (`A.6.2.4`); empty: all.
    pub controls: Vec<String>,
}

impl PackOptions {
    /// The options as asked for (API query, CLI flags), checked: days as
    /// `YYYY-MM-DD` (empty: none), controls as Annex A ids, comma-separated.
    pub fn parse(from: Option<&str>, to: Option<&str>, controls: &str) -> Result<PackOptions> {
        let mut errors = aims_domain::FieldErrors::new();
        let mut day = |name: &str, d: Option<&str>| match d.map(str::trim) {
            None | Some("") => None,
            Some(d) => {
                if aims_domain::record::parse_date(d).is_none() {
                    errors.add(name, "must be a date (YYYY-MM-DD)");
                }
                Some(d.to_owned())
            }
        };
        let from = day("from", from);
        let to = day("to", to);
        let controls: Vec<String> = controls
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        if controls.iter().any(|c| {
            c.len() > 20
                || !c.starts_with("A.")
                || !c[2..].chars().all(|ch| ch.is_ascii_digit() || ch == '.')
        }) {
            errors.add(
                "controls",
                "must be Annex A ids such as A.6.2.4, comma-separated",
            );
        }
        errors.into_result().map_err(AppError::Validation)?;
        Ok(PackOptions { from, to, controls })
    }
}

/// One file to write: its path in the pack and where its content is.
enum Source {
    Bytes(Vec<u8>),
    /// An evidence blob by SHA-256.
    Blob(String),
}

/// What a pack holds, summed up for the caller.
#[derive(Debug, Clone, Serialize)]
pub struct PackReport {
    pub files: usize,
    pub bytes: u64,
    pub evidence_files: usize,
    pub history_events: usize,
    /// The public key that verifies it (hex).
    pub public_key: String,
    pub manifest: Manifest,
}

fn json_bytes(v: &impl Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(v).map_err(|e| AppError::Internal(format!("pack json: {e}")))
}

/// A short, safe file-name part from a title.
fn slug_of(title: &str) -> String {
    let s: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    s.chars().take(60).collect()
}

/// The pack key seed kept at `path` (64 hex digits, owner-only), created
/// with fresh random bytes on first use.
pub fn pack_seed_at(path: &std::path::Path) -> Result<[u8; 32]> {
    let (key, _) = aims_store::seal::HistoryKey::load_or_create(path, || {
        let mut b = [0u8; 32];
        // The OS random source; a failure leaves no key rather than a weak one.
        let _ = getrandom::getrandom(&mut b);
        b
    })
    .map_err(|e| AppError::Internal(format!("pack key: {e}")))?;
    key.bytes()
        .try_into()
        .map_err(|_| AppError::Internal("the pack key is not 32 bytes".into()))
}

/// The public key of a pack key seed (hex).
pub fn pack_public_key_hex(seed: &[u8; 32]) -> String {
    aims_pack::public_key_hex(seed)
}

/// A control's id as a folder name: letters, digits, `.`, `-` and `_`
/// only, no `.`-only name (a reference is free text on the control record).
fn folder_of(control: &str) -> String {
    let s: String = control
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .take(60)
        .collect();
    if s.chars().all(|c| c == '.') {
        String::new()
    } else {
        s
    }
}

/// A file name cut to at most 200 bytes, on a character boundary, keeping its extension.
fn short_name(name: &str) -> String {
    if name.len() <= 200 {
        return name.to_owned();
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| e.len() <= 16)
        .unwrap_or("");
    let mut out = String::new();
    for c in name.chars() {
        if out.len() + c.len_utf8() + ext.len() + 1 > 200 {
            break;
        }
        out.push(c);
    }
    if ext.is_empty() {
        out
    } else {
        format!("{out}.{ext}")
    }
}

fn within(day: &str, o: &PackOptions) -> bool {
    o.from.as_deref().is_none_or(|f| day >= f) && o.to.as_deref().is_none_or(|t| day <= t)
}

impl App {
    /// Where the pack key is kept: a 32-byte seed in hex, created on first use.
    pub fn with_pack_key_file(mut self, path: PathBuf) -> App {
        self.pack_key_file = Some(path);
        self
    }

    /// The instance's pack key seed, read or created now.
    pub fn pack_seed(&self) -> Result<[u8; 32]> {
        let path = self
            .pack_key_file
            .as_ref()
            .ok_or_else(|| AppError::Internal("no pack key file is configured".into()))?;
        pack_seed_at(path)
    }

    /// The public key packs are signed with (hex).
    pub fn pack_public_key(&self) -> Result<String> {
        Ok(aims_pack::public_key_hex(&self.pack_seed()?))
    }

    /// Writes the workspace's evidence pack to `out`, calling `progress`
    /// with the bytes written so far and the total expected.
    pub async fn export_pack<W: Write + Seek + Send + 'static>(
        &self,
        ws: &Scope,
        options: &PackOptions,
        out: W,
        progress: impl FnMut(u64, u64) + Send + 'static,
    ) -> Result<(W, PackReport)> {
        ws.require(Action::Export)?;
        let seed = self.pack_seed()?;
        let blobs = self.blobs.clone();
        let (entries, head, history_events) = self.pack_entries(ws, options).await?;
        let evidence_files = entries
            .iter()
            .filter(|(_, s, _)| matches!(s, Source::Blob(_)))
            .count();
        let total: u64 = entries
            .iter()
            .map(|(_, s, size)| match s {
                Source::Bytes(b) => b.len() as u64,
                Source::Blob(_) => *size,
            })
            .sum();
        let manifest = Manifest {
            format: String::new(),
            workspace: ws.workspace.slug.clone(),
            workspace_name: ws.workspace.name.clone(),
            created_at: self.now(),
            from: options.from.clone(),
            to: options.to.clone(),
            controls: options.controls.clone(),
            history: head,
            files: Vec::new(),
        };
        let written = tokio::task::spawn_blocking(move || {
            write_all(out, entries, blobs, manifest, &seed, total, progress)
        })
        .await
        .map_err(|e| AppError::Internal(format!("pack writer: {e}")))??;
        let (out, manifest) = written;
        Ok((
            out,
            PackReport {
                files: manifest.files.len(),
                bytes: manifest.files.iter().map(|f| f.size).sum(),
                evidence_files,
                history_events,
                public_key: aims_pack::public_key_hex(&seed),
                manifest,
            },
        ))
    }

    /// The pack written to a scratch file for a download: the file (read
    /// from its start; its name is already removed, so nothing is left
    /// behind), its size and what it holds.
    pub async fn export_pack_file(
        &self,
        ws: &Scope,
        options: &PackOptions,
    ) -> Result<(std::fs::File, u64, PackReport)> {
        ws.require(Action::Export)?;
        // At most two made at once per replica; more wait for a retry.
        let _permit = self
            .pack_builds
            .try_acquire()
            .map_err(|_| AppError::Unavailable {
                message: "two evidence packs are being made already; try again in a minute".into(),
                retry_after_secs: 60,
            })?;
        let store = self
            .blobs
            .as_ref()
            .ok_or_else(|| AppError::Internal("no place for scratch files".into()))?;
        let (file, path) = store
            .scratch_file()
            .map_err(|e| AppError::Internal(format!("scratch file: {e}")))?;
        // Unlinked at once: the open handle keeps the content until dropped.
        let _ = std::fs::remove_file(&path);
        let (out, report) = self
            .export_pack(
                ws,
                options,
                std::io::BufWriter::with_capacity(1 << 20, file),
                |_, _| {},
            )
            .await?;
        let mut file = out
            .into_inner()
            .map_err(|e| AppError::Internal(format!("writing the pack: {e}")))?;
        use std::io::Seek;
        let size = file
            .seek(std::io::SeekFrom::End(0))
            .and_then(|n| file.rewind().map(|()| n))
            .map_err(|e| AppError::Internal(format!("writing the pack: {e}")))?;
        Ok((file, size, report))
    }

    /// Everything but the evidence content, gathered from the database.
    async fn pack_entries(
        &self,
        ws: &Scope,
        o: &PackOptions,
    ) -> Result<(Vec<(String, Source, u64)>, HistoryHead, usize)> {
        let wid = ws.workspace.id.clone();
        let mut entries: Vec<(String, Source, u64)> = Vec::new();
        let mut add = |path: String, bytes: Vec<u8>| entries.push((path, Source::Bytes(bytes), 0));
        add(
            "README.txt".into(),
            format!(
                "Evidence pack of {} ({}), made by aims on {}.\n\n\
                 manifest.json lists every file with its size and SHA-256; manifest.sig is its\n\
                 Ed25519 signature and manifest.pub the public key. Check it offline with\n\
                 `aims pack verify <pack.zip> --key <public key>`.\n\n\
                 records/     every record of every kind as JSON, and their links\n\
                 soa/         the Statement of Applicability (JSON and XLSX)\n\
                 registers/   the risk register and the impact assessments (XLSX)\n\
                 documents/   the published text of each document (Markdown)\n\
                 evidence/    each evidence item's current file, by the control it is for\n\
                 history/     the history from this workspace's first event to the head of the chain\n",
                ws.workspace.name,
                ws.workspace.slug,
                self.today()
            )
            .into_bytes(),
        );
        // Records of every kind, and their links.
        let every = crate::ListRequest::default();
        let mut controls_by_id: HashMap<String, String> = HashMap::new();
        let mut documents = Vec::new();
        let mut evidence_items = Vec::new();
        for kind in KINDS {
            let rows = self.all_records(ws, kind, &every).await?;
            if kind.name == CONTROLS.name {
                for r in &rows {
                    if let Some(reference) = r.fields.get("reference").and_then(Value::as_str) {
                        let id = reference.split_once(':').map_or(reference, |(_, i)| i);
                        controls_by_id.insert(r.id.clone(), id.to_owned());
                    }
                }
            }
            let list: Vec<Value> = rows
                .iter()
                .map(|r| {
                    json!({"id": r.id, "title": r.title, "owner": r.owner_email, "version": r.version,
                        "created_at": r.created_at, "updated_at": r.updated_at, "fields": r.fields})
                })
                .collect();
            add(format!("records/{}.json", kind.name), json_bytes(&list)?);
            if kind.name == DOCUMENTS.name {
                documents = rows;
            } else if kind.name == "evidence" {
                evidence_items = rows;
            }
        }
        let mut links: Vec<Value> = Vec::new();
        let mut evidence_for: BTreeMap<String, Vec<String>> = BTreeMap::new();
        {
            let mut c = self.store.conn().await?;
            for rel in RELATIONS {
                for (from, to) in c.conn().links_by_relation(&wid, rel.name).await? {
                    if rel.name == "evidence_for" {
                        if let Some(control) = controls_by_id.get(&to) {
                            evidence_for
                                .entry(from.clone())
                                .or_default()
                                .push(control.clone());
                        }
                    }
                    links.push(json!({"relation": rel.name, "from": from, "to": to}));
                }
            }
        }
        add("records/links.json".into(), json_bytes(&links)?);
        // The statement, the registers, readiness.
        let (soa, versions) = self.soa(ws).await?;
        add(
            "soa/statement.json".into(),
            json_bytes(&json!({"current": soa, "versions": versions}))?,
        );
        add(
            "soa/statement.xlsx".into(),
            self.soa_export(ws, None, aims_export::Format::Xlsx).await?,
        );
        add(
            "registers/risks.xlsx".into(),
            self.export_records(ws, crate::risks_kind(), &every, aims_export::Format::Xlsx)
                .await?,
        );
        add(
            "registers/impact-assessments.xlsx".into(),
            self.impact_export(ws, aims_export::Format::Xlsx).await?,
        );
        add(
            "readiness.json".into(),
            json_bytes(&*self.readiness(ws).await?)?,
        );
        // Documents: the published text.
        for d in &documents {
            for v in self.document_versions(ws, &d.id).await? {
                if v.state.key() == "published" {
                    add(
                        format!(
                            "documents/{}-{}/v{}.md",
                            slug_of(&d.title),
                            &d.id[d.id.len().saturating_sub(8)..],
                            v.number
                        ),
                        v.markdown.into_bytes(),
                    );
                }
            }
        }
        // Evidence: each item's current file, under the first control it is for.
        let files = {
            let mut c = self.store.conn().await?;
            c.conn().evidence_blobs(Some(&wid)).await?
        };
        let mut latest: HashMap<&str, &aims_store::EvidenceFile> = HashMap::new();
        for f in &files {
            let keep = latest
                .get(f.evidence_id.as_str())
                .is_none_or(|k| k.number < f.number);
            if keep {
                latest.insert(f.evidence_id.as_str(), f);
            }
        }
        let mut index: Vec<Value> = Vec::new();
        for item in &evidence_items {
            let Some(f) = latest.get(item.id.as_str()) else {
                continue;
            };
            let controls = evidence_for.get(&item.id).cloned().unwrap_or_default();
            if !within(&f.created_at[..10.min(f.created_at.len())], o)
                || (!o.controls.is_empty() && !controls.iter().any(|c| o.controls.contains(c)))
            {
                continue;
            }
            let folder = controls
                .iter()
                .min()
                .map(|c| folder_of(c))
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| "other".into());
            let name = short_name(
                &aims_domain::evidence::file_name(&f.file_name).unwrap_or_else(|| "file".into()),
            );
            let path = format!(
                "evidence/{folder}/{}-{}",
                &item.id[item.id.len().saturating_sub(8)..],
                name
            );
            index.push(
                json!({"path": path, "evidence": item.id, "title": item.title, "controls": controls,
                "version": f.number, "sha256": f.sha256, "size": f.size, "added": f.created_at}),
            );
            entries.push((
                path,
                Source::Blob(f.sha256.clone()),
                u64::try_from(f.size).unwrap_or(0),
            ));
        }
        entries.push((
            "evidence/index.json".into(),
            Source::Bytes(json_bytes(&index)?),
            0,
        ));
        // The history, from the workspace's first event (on or after `from`) to the head.
        let (jsonl, head, events) = self.pack_history(&wid, o.from.as_deref()).await?;
        entries.push((HISTORY.into(), Source::Bytes(jsonl), 0));
        Ok((entries, head, events))
    }

    async fn pack_history(
        &self,
        wid: &str,
        from: Option<&str>,
    ) -> Result<(Vec<u8>, HistoryHead, usize)> {
        let mut c = self.store.conn().await?;
        let head = c.conn().history_head().await?;
        let mut out = Vec::new();
        let mut first = 0i64;
        let mut own = 0usize;
        let mut after = 0i64;
        'chunks: loop {
            let chunk = c.conn().history_chunk(after, 5000).await?;
            if chunk.is_empty() {
                break;
            }
            for e in chunk {
                if e.seq > head.seq {
                    break 'chunks;
                }
                after = e.seq;
                if first == 0 {
                    let starts = e.workspace_id == wid && from.is_none_or(|f| e.at.as_str() >= f);
                    if !starts {
                        continue;
                    }
                    first = e.seq;
                }
                own += usize::from(e.workspace_id == wid);
                serde_json::to_writer(&mut out, &HistoryLine::of(e, wid))
                    .map_err(|e| AppError::Internal(format!("pack history: {e}")))?;
                out.push(b'\n');
            }
        }
        let head = if first == 0 {
            HistoryHead::default()
        } else {
            HistoryHead {
                first_seq: first,
                head_seq: head.seq,
                head_hash: head.hash,
            }
        };
        if first == 0 {
            out.clear();
        }
        Ok((out, head, own))
    }
}

fn write_all<W: Write + Seek>(
    out: W,
    entries: Vec<(String, Source, u64)>,
    blobs: Option<aims_store::BlobStore>,
    manifest: Manifest,
    seed: &[u8; 32],
    total: u64,
    mut progress: impl FnMut(u64, u64),
) -> Result<(W, Manifest)> {
    let io = |e: std::io::Error| AppError::Internal(format!("writing the pack: {e}"));
    let mut w = PackWriter::new(out);
    let mut done = 0u64;
    for (path, source, _) in entries {
        let compress = !path.starts_with("evidence/") || path.ends_with("index.json");
        let size = match source {
            Source::Bytes(b) => w.add(&path, &mut b.as_slice(), compress).map_err(io)?,
            Source::Blob(sha) => {
                let store = blobs
                    .as_ref()
                    .ok_or_else(|| AppError::Internal("evidence files are not kept here".into()))?;
                let mut file = store
                    .open_sync(&sha)
                    .map_err(|e| AppError::Internal(format!("evidence file {sha}: {e}")))?;
                // Stored under its SHA-256: copied, not hashed again.
                w.add_known(&path, &mut file, &sha).map_err(io)?
            }
        };
        done += size;
        progress(done, total);
    }
    let key = aims_pack::signing_key(seed);
    w.finish(manifest, &key).map_err(io)
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_become_short_safe_names() {
        assert_eq!(
            super::slug_of("AI Policy (v2) — final!"),
            "ai-policy-v2-final"
        );
        assert_eq!(super::slug_of("../../etc"), "etc");
        assert_eq!(super::slug_of(&"x".repeat(100)).len(), 60);
    }

    #[test]
    fn control_references_become_safe_folders_and_long_names_are_cut() {
        assert_eq!(super::folder_of("A.6.2.4"), "A.6.2.4");
        assert_eq!(super::folder_of("SEC-01/../x"), "SEC-01-..-x");
        assert_eq!(super::folder_of(".."), "");
        let long = format!("{}.pdf", "é".repeat(300));
        let cut = super::short_name(&long);
        assert!(cut.len() <= 200 && cut.ends_with(".pdf"), "{cut}");
        assert_eq!(super::short_name("report.pdf"), "report.pdf");
    }

    #[test]
    fn a_day_is_within_the_range_asked_for() {
        let o = super::PackOptions {
            from: Some("2026-01-01".into()),
            to: Some("2026-06-30".into()),
            controls: vec![],
        };
        assert!(super::within("2026-01-01", &o) && super::within("2026-06-30", &o));
        assert!(!super::within("2025-12-31", &o) && !super::within("2026-07-01", &o));
        assert!(super::within("1999-01-01", &Default::default()));
    }
}
