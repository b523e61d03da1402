//! Evidence (issue #9): items are records of kind `evidence` (fields,
//! owner, the `valid_until` duty, links through `evidence_for`); their
//! files are versions kept by content hash in the blob store. A push —
//! from a person, the CLI, the API or a CI pipeline — streams each file
//! into the store first (nothing held whole in memory), then records the
//! item, its file versions and its links in one transaction.

use crate::{new_id, App, AppError, Result, Scope};
use aims_domain::evidence::{sniff, CiRun};
use aims_domain::record::{CONTROLS, EVIDENCE};
use aims_domain::validation::is_record_id;
use aims_domain::Action;
use aims_store::blobs::{BlobError, BlobWriter, Check, Stored};
use aims_store::{BlobStore, EvidenceFile, RecordRow};
use serde::Serialize;
use serde_json::{json, Map, Value};

/// Largest evidence file by default (the server's `--max-upload-bytes`).
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 4 << 30;

/// A file streamed into the blob store, with the name the client gave.
#[derive(Debug, Clone)]
pub struct PushedFile {
    pub file_name: String,
    pub stored: Stored,
}

/// What a push says about its files.
#[derive(Debug, Clone, Default)]
pub struct Push {
    /// Add the files as new versions of this item; a new item when `None`.
    pub evidence_id: Option<String>,
    /// The new item's title (default: the first file's name).
    pub title: Option<String>,
    pub description: Option<String>,
    /// Catalogue controls it is evidence for (`A.6.2.4` or `iso42001:A.6.2.4`).
    pub controls: Vec<String>,
    /// Systems it is about, by id or name.
    pub systems: Vec<String>,
    pub covers_from: Option<String>,
    pub covers_to: Option<String>,
    pub valid_until: Option<String>,
    /// `manual`, `cli`, `api` or `ci` (`ci` whenever a CI run is given).
    pub source: String,
    pub ci: Option<CiRun>,
    pub files: Vec<PushedFile>,
}

/// An evidence item with its file versions and what it is evidence for.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    pub id: String,
    pub title: String,
    pub version: i64,
    pub fields: Value,
    pub files: Vec<EvidenceFile>,
    /// Controls and other records it is evidence for: `(id, kind, title)`.
    pub for_records: Vec<crate::LinkedRecord>,
}

/// What `aims evidence verify` found for one stored content hash.
#[derive(Debug, Clone, Serialize)]
pub struct BlobProblem {
    pub sha256: String,
    /// `missing` or `altered`.
    pub problem: &'static str,
    pub actual: Option<String>,
    /// The evidence versions that use it: `(workspace id, evidence id, number, file name)`.
    pub used_by: Vec<(String, String, i64, String)>,
}

fn blob_error(e: BlobError) -> AppError {
    match e {
        BlobError::TooLarge { limit } => AppError::TooLarge(limit),
        BlobError::NotFound => AppError::NotFound("evidence file"),
        BlobError::Io(e) => AppError::Internal(format!("evidence storage: {e}")),
    }
}

impl App {
    fn blobs(&self) -> Result<&BlobStore> {
        self.blobs
            .as_ref()
            .ok_or_else(|| AppError::Internal("no evidence storage is configured".into()))
    }

    /// Starts streaming one file of a push: refused before any byte is read
    /// unless the caller may add evidence.
    pub fn evidence_writer(&self, ws: &Scope) -> Result<BlobWriter> {
        ws.require(EVIDENCE.access.create)?;
        self.blobs()?
            .writer(self.config.max_upload_bytes)
            .map_err(blob_error)
    }

    /// Records a push: the item (new, or `evidence_id`), one file version per
    /// file, and its links to controls (made on first use) and systems, with
    /// history events, all in one transaction.
    pub async fn push_evidence(&self, ws: &Scope, push: Push) -> Result<EvidenceView> {
        ws.require(EVIDENCE.access.create)?;
        let mut errors = aims_domain::FieldErrors::new();
        if push.files.is_empty() && push.evidence_id.is_some() {
            errors.add("file", "send at least one file");
        }
        if let Some(ci) = &push.ci {
            for f in ci.problems() {
                errors.add(
                    &f,
                    "must be at most 500 characters, without control characters",
                );
            }
        }
        if let (Some(from), Some(to)) = (&push.covers_from, &push.covers_to) {
            if to < from {
                errors.add("covers_to", "must not be before covers_from");
            }
        }
        let mut controls = Vec::new();
        for c in &push.controls {
            let reference = if c.contains(':') {
                c.trim().to_owned()
            } else {
                format!("{}:{}", crate::SOA_FRAMEWORK, c.trim())
            };
            match self.catalogue_control(&reference, "evidence_for").await {
                Ok(found) => controls.push(found),
                Err(_) => errors.add("control", format!("{c} is not a control in the catalogue")),
            }
        }
        errors.into_result().map_err(AppError::Validation)?;
        let source = if push.ci.is_some() {
            "ci"
        } else {
            push.source.as_str()
        };
        let ci_json = push
            .ci
            .as_ref()
            .map_or_else(|| "{}".to_owned(), |c| json!(c).to_string());
        let mut tx = self.store.begin().await?;
        let mut conn = tx.conn();
        let systems_kind = crate::systems_kind();
        let mut systems = Vec::new();
        if !push.systems.is_empty() {
            let all = conn
                .record_titles(&ws.workspace.id, systems_kind.record_type)
                .await?;
            for s in &push.systems {
                let want = s.trim().to_lowercase();
                match all
                    .iter()
                    .find(|(id, title)| *id == s.trim() || title.to_lowercase() == want)
                {
                    Some((id, _)) => systems.push(id.clone()),
                    None => {
                        return Err(AppError::field(
                            "system",
                            format!("{s} is not an AI system of this workspace"),
                        ))
                    }
                }
            }
        }
        let (item, mut number) = match &push.evidence_id {
            Some(id) => {
                if !is_record_id(id) {
                    return Err(AppError::NotFound(EVIDENCE.singular));
                }
                let item = crate::records::record_of_kind(&mut conn, ws, &EVIDENCE, id).await?;
                let latest = conn
                    .evidence_files(&ws.workspace.id, id)
                    .await?
                    .first()
                    .map_or(0, |f| f.number);
                (item, latest)
            }
            None => {
                let title = push
                    .title
                    .clone()
                    .filter(|t| !t.trim().is_empty())
                    .or_else(|| push.files.first().map(|f| f.file_name.clone()))
                    .ok_or_else(|| AppError::field("title", "give a title or a file"))?;
                let mut m = Map::new();
                m.insert("title".into(), json!(title));
                m.insert("review_status".into(), json!("submitted"));
                m.insert("source".into(), json!(source));
                for (k, v) in [
                    ("description", &push.description),
                    ("covers_from", &push.covers_from),
                    ("covers_to", &push.covers_to),
                    ("valid_until", &push.valid_until),
                ] {
                    if let Some(v) = v {
                        m.insert(k.into(), json!(v));
                    }
                }
                let fields = EVIDENCE
                    .parse_new(aims_domain::record::Input::Json(&m))
                    .map_err(AppError::Validation)?;
                let item = self
                    .insert_record(&mut conn, ws, &EVIDENCE, fields, &mut None)
                    .await?;
                (item, 0)
            }
        };
        let now = self.now();
        let mut files = Vec::new();
        for f in &push.files {
            number += 1;
            let row = EvidenceFile {
                id: new_id(),
                workspace_id: ws.workspace.id.clone(),
                evidence_id: item.id.clone(),
                number,
                sha256: f.stored.sha256.clone(),
                size: i64::try_from(f.stored.size).unwrap_or(i64::MAX),
                file_name: f.file_name.clone(),
                media_type: sniff(&f.stored.head).to_owned(),
                source: source.to_owned(),
                ci: ci_json.clone(),
                created_at: now.clone(),
                created_by: ws.principal.label.clone(),
            };
            conn.evidence_file_insert(&row).await?;
            files.push(row);
        }
        if !files.is_empty() {
            conn.history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "upload",
                EVIDENCE.record_type,
                &item.id,
                json!({"title": item.title, "source": source, "ci": push.ci,
                       "files": files.iter().map(|f| json!({"number": f.number, "file_name": f.file_name, "sha256": f.sha256, "size": f.size})).collect::<Vec<_>>()}),
            ))
            .await?;
        }
        let rel = aims_domain::record::relation("evidence_for")
            .ok_or_else(|| AppError::Internal("no relation evidence_for".into()))?;
        let mut targets: Vec<RecordRow> = Vec::new();
        for (reference, title) in &controls {
            targets.push(self.control_record(&mut conn, ws, reference, title).await?);
        }
        for id in &systems {
            if let Some(r) = conn.record_any(&ws.workspace.id, id).await? {
                targets.push(r);
            }
        }
        for target in &targets {
            if !conn.link_exists(&item.id, rel.name, &target.id).await? {
                self.insert_link(&mut conn, ws, &EVIDENCE, &item, rel, target)
                    .await?;
            }
        }
        tx.commit().await?;
        self.evidence_item(ws, &item.id).await
    }

    /// An evidence item with its files (newest first) and what it is for.
    pub async fn evidence_item(&self, ws: &Scope, id: &str) -> Result<EvidenceView> {
        let item = self.record(ws, &EVIDENCE, id).await?;
        let mut c = self.store.conn().await?;
        let files = c.conn().evidence_files(&ws.workspace.id, id).await?;
        drop(c);
        let for_records = self
            .links(ws, &EVIDENCE, id)
            .await?
            .into_iter()
            .filter(|l| l.relation == "evidence_for")
            .map(|l| l.other)
            .collect();
        Ok(EvidenceView {
            id: item.id.clone(),
            title: item.title.clone(),
            version: item.version,
            fields: Value::Object(item.fields.clone()),
            files,
            for_records,
        })
    }

    /// File version `number` of an evidence item, opened for reading.
    pub async fn evidence_file(
        &self,
        ws: &Scope,
        id: &str,
        number: i64,
    ) -> Result<(EvidenceFile, tokio::fs::File, u64)> {
        ws.require(EVIDENCE.access.read)?;
        if !is_record_id(id) {
            return Err(AppError::NotFound("evidence file"));
        }
        let mut c = self.store.conn().await?;
        let file = c
            .conn()
            .evidence_files(&ws.workspace.id, id)
            .await?
            .into_iter()
            .find(|f| f.number == number)
            .ok_or(AppError::NotFound("evidence file"))?;
        drop(c);
        let (handle, size) = self.blobs()?.open(&file.sha256).await.map_err(blob_error)?;
        Ok((file, handle, size))
    }

    /// Re-hashes every stored blob an evidence version uses (one
    /// workspace's, or all) and names each one missing or altered; calls
    /// `progress` with the bytes checked after each blob.
    pub async fn verify_evidence(
        &self,
        workspace: Option<&Scope>,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<(usize, Vec<BlobProblem>)> {
        if let Some(ws) = workspace {
            ws.require(Action::Read)?;
        }
        let mut c = self.store.conn().await?;
        let rows = c
            .conn()
            .evidence_blobs(workspace.map(|w| w.workspace.id.as_str()))
            .await?;
        drop(c);
        let total: u64 = {
            let mut seen = std::collections::HashSet::new();
            rows.iter()
                .filter(|r| seen.insert(r.sha256.as_str()))
                .map(|r| u64::try_from(r.size).unwrap_or(0))
                .sum()
        };
        let blobs = self.blobs()?;
        let mut problems = Vec::new();
        let mut checked = 0usize;
        let mut done = 0u64;
        let mut i = 0;
        while i < rows.len() {
            let sha = rows[i].sha256.clone();
            let users: Vec<&EvidenceFile> =
                rows[i..].iter().take_while(|r| r.sha256 == sha).collect();
            i += users.len();
            checked += 1;
            let found = blobs.check(&sha).await.map_err(blob_error)?;
            let (problem, actual) = match found {
                Check::Intact => (None, None),
                Check::Missing => (Some("missing"), None),
                Check::Altered { actual } => (Some("altered"), Some(actual)),
            };
            if let Some(problem) = problem {
                problems.push(BlobProblem {
                    sha256: sha.clone(),
                    problem,
                    actual,
                    used_by: users
                        .iter()
                        .map(|u| {
                            (
                                u.workspace_id.clone(),
                                u.evidence_id.clone(),
                                u.number,
                                u.file_name.clone(),
                            )
                        })
                        .collect(),
                });
            }
            done += users
                .first()
                .map_or(0, |u| u64::try_from(u.size).unwrap_or(0));
            progress(done, total);
        }
        Ok((checked, problems))
    }

    /// Records a reviewer's verdict on an evidence item (a manager):
    /// `accepted`, or `rejected` with the reason.
    pub async fn review_evidence(
        &self,
        ws: &Scope,
        id: &str,
        version: i64,
        status: &str,
        note: &str,
    ) -> Result<RecordRow> {
        ws.require(Action::Approve)?;
        if !matches!(status, "accepted" | "rejected" | "submitted") {
            return Err(AppError::field(
                "status",
                "must be accepted, rejected or submitted",
            ));
        }
        if status == "rejected" && note.trim().is_empty() {
            return Err(AppError::field("note", "say why the evidence is rejected"));
        }
        let mut m = Map::new();
        m.insert("review_status".into(), json!(status));
        m.insert("review_note".into(), json!(note));
        self.update_record(
            ws,
            &EVIDENCE,
            id,
            version,
            aims_domain::record::Input::Json(&m),
        )
        .await
    }

    /// The workspace's control records by catalogue reference (for pages
    /// that show a control's evidence).
    pub async fn control_by_reference(
        &self,
        ws: &Scope,
        reference: &str,
    ) -> Result<Option<RecordRow>> {
        let all = self.all_records(ws, &CONTROLS, &Default::default()).await?;
        Ok(all
            .into_iter()
            .find(|c| c.fields.get("reference").and_then(Value::as_str) == Some(reference)))
    }
}
