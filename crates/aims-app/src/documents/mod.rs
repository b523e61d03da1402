//! The document library's text: versions of a document record's Markdown
//! moving draft → in review → approved → published → superseded (or
//! retired) by the domain's rules (`aims_domain::document`), kept through
//! the shared versioned-document steps (`crate::versions`); acknowledgements
//! of published versions; and the templates a workspace adopts.

mod templates;

pub use templates::{DocumentTemplate, TEMPLATES};

use crate::records::record_of_kind;
use crate::versions;
use crate::{App, AppError, Result, Scope};
use aims_domain::document::{check_text, on_edit, on_publish, transition, DocState, Edit};
use aims_domain::record::DOCUMENTS;
use aims_domain::{Action, Role};
use aims_store::{VersionRow, Versioned};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The history's record type for a document's text.
const TEXT_TYPE: &str = "document";

/// What a version holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Body {
    markdown: String,
}

/// One version of a document's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocVersion {
    pub number: i64,
    pub state: DocState,
    pub revision: i64,
    pub markdown: String,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
    pub approved_at: Option<String>,
    pub approved_by: Option<String>,
    pub note: String,
}

fn version_of(row: &VersionRow) -> Result<DocVersion> {
    let body: Body = serde_json::from_str(&row.body)
        .map_err(|e| AppError::Internal(format!("stored document text: {e}")))?;
    Ok(DocVersion {
        number: row.number,
        state: state_of(row)?,
        revision: row.revision,
        markdown: body.markdown,
        created_at: row.created_at.clone(),
        created_by: row.created_by.clone(),
        updated_at: row.updated_at.clone(),
        updated_by: row.updated_by.clone(),
        approved_at: row.approved_at.clone(),
        approved_by: row.approved_by.clone(),
        note: row.note.clone(),
    })
}

fn state_of(row: &VersionRow) -> Result<DocState> {
    DocState::from_key(&row.state)
        .ok_or_else(|| AppError::Internal(format!("stored document state {}", row.state)))
}

/// Who has read the published version and who must still.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Acknowledgements {
    /// The published version; `None` when none is published.
    pub number: Option<i64>,
    /// `(e-mail, when)` of each member who acknowledged it.
    pub acknowledged: Vec<(String, String)>,
    /// E-mail addresses of the members asked to read it who have not.
    pub pending: Vec<String>,
}

impl App {
    /// Every version of document `id`'s text, newest first.
    pub async fn document_versions(&self, ws: &Scope, id: &str) -> Result<Vec<DocVersion>> {
        let mut c = self.store.conn().await?;
        let doc = record_of_kind(&mut c.conn(), ws, &DOCUMENTS, id).await?;
        c.conn()
            .versions(Versioned::Document, &ws.workspace.id, &doc.id)
            .await?
            .iter()
            .map(version_of)
            .collect()
    }

    /// Version `number` of document `id`'s text.
    pub async fn document_version(&self, ws: &Scope, id: &str, number: i64) -> Result<DocVersion> {
        self.document_versions(ws, id)
            .await?
            .into_iter()
            .find(|v| v.number == number)
            .ok_or(AppError::NotFound("document version"))
    }

    /// Saves `markdown` as document `id`'s text: the draft in place, or —
    /// when the latest version's text is fixed — the next version, a draft.
    /// `based_on` is `(number, revision)` as read (else 409); refused while
    /// in review.
    pub async fn save_document_text(
        &self,
        ws: &Scope,
        id: &str,
        based_on: Option<(i64, i64)>,
        markdown: &str,
    ) -> Result<DocVersion> {
        ws.require(Action::Update)?;
        check_text(markdown).map_err(|m| AppError::field("markdown", m))?;
        let mut tx = self.store.begin().await?;
        let doc = record_of_kind(&mut tx.conn(), ws, &DOCUMENTS, id).await?;
        let all = tx
            .conn()
            .versions(Versioned::Document, &ws.workspace.id, &doc.id)
            .await?;
        let latest = all.first();
        versions::check_read_at(latest, based_on, "the document")?;
        let edit = on_edit(latest.map(state_of).transpose()?);
        if edit == Edit::Refused {
            return Err(AppError::Conflict {
                message: "the version is in review: send it back to draft before editing it".into(),
                current_version: latest.map(|l| l.revision),
            });
        }
        let body = serde_json::to_string(&Body {
            markdown: markdown.to_owned(),
        })
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let versions::Saved { row, action } = versions::save(
            &mut tx.conn(),
            Versioned::Document,
            ws,
            &doc.id,
            latest,
            edit == Edit::InPlace,
            body,
            "{}".into(),
            self.now(),
        )
        .await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                action,
                TEXT_TYPE,
                &doc.id,
                json!({"document": doc.title, "text_version": row.number, "revision": row.revision, "characters": markdown.chars().count()}),
            ))
            .await?;
        tx.commit().await?;
        version_of(&row)
    }

    /// Moves version `number` (the latest, read at `revision`) of document
    /// `id` to `to`; publishing supersedes the version published before.
    pub async fn move_document(
        &self,
        ws: &Scope,
        id: &str,
        number: i64,
        revision: i64,
        to: DocState,
        note: &str,
    ) -> Result<DocVersion> {
        let role = ws.role.ok_or(AppError::NotFound("workspace"))?;
        ws.require(if matches!(to, DocState::Draft | DocState::InReview) {
            Action::Update
        } else {
            Action::Approve
        })?;
        let note = crate::approvals::checked_note(note)?;
        let mut tx = self.store.begin().await?;
        let doc = record_of_kind(&mut tx.conn(), ws, &DOCUMENTS, id).await?;
        let all = tx
            .conn()
            .versions(Versioned::Document, &ws.workspace.id, &doc.id)
            .await?;
        let v = versions::find(&all, number, "document version")?;
        let from = state_of(v)?;
        transition(from, to, role).map_err(|e| AppError::Conflict {
            message: e.to_string(),
            current_version: Some(v.revision),
        })?;
        versions::check_latest_at(&all, v, revision)?;
        let now = self.now();
        if to == DocState::Published {
            for other in &all {
                if let Some(next) = on_publish(state_of(other)?) {
                    versions::move_to(
                        &mut tx.conn(),
                        Versioned::Document,
                        ws,
                        other,
                        next.key(),
                        versions::Stamp::None,
                        None,
                        &other.note,
                        now.clone(),
                    )
                    .await?;
                }
            }
        }
        let stamp = match to {
            DocState::InReview => versions::Stamp::Submitted,
            DocState::Approved => versions::Stamp::Approved,
            _ => versions::Stamp::None,
        };
        let next = versions::move_to(
            &mut tx.conn(),
            Versioned::Document,
            ws,
            v,
            to.key(),
            stamp,
            None,
            &note,
            now,
        )
        .await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                match to {
                    DocState::InReview => "submit",
                    DocState::Approved => "approve",
                    DocState::Published => "publish",
                    DocState::Retired => "retire",
                    _ => "return",
                },
                TEXT_TYPE,
                &doc.id,
                json!({"document": doc.title, "text_version": number, "state": [from.key(), to.key()], "note": note}),
            ))
            .await?;
        tx.commit().await?;
        version_of(&next)
    }

    /// The signed-in member acknowledges having read the published version
    /// of document `id`; true when it is new.
    pub async fn acknowledge_document(&self, ws: &Scope, id: &str) -> Result<bool> {
        ws.require(Action::Read)?;
        let user = ws.principal.user_id().ok_or_else(|| {
            AppError::field("user", "a person acknowledges a document, not an API token")
        })?;
        let mut tx = self.store.begin().await?;
        let doc = record_of_kind(&mut tx.conn(), ws, &DOCUMENTS, id).await?;
        let all = tx
            .conn()
            .versions(Versioned::Document, &ws.workspace.id, &doc.id)
            .await?;
        let Some(published) = all.iter().find(|v| v.state == DocState::Published.key()) else {
            return Err(AppError::Conflict {
                message: "no version of this document is published".into(),
                current_version: None,
            });
        };
        let new = tx
            .conn()
            .document_ack(
                &ws.workspace.id,
                &doc.id,
                published.number,
                user,
                &self.now(),
            )
            .await?;
        if new {
            tx.conn()
                .history_append(self.event(
                    &ws.principal,
                    &ws.workspace.id,
                    "acknowledge",
                    TEXT_TYPE,
                    &doc.id,
                    json!({"document": doc.title, "text_version": published.number}),
                ))
                .await?;
        }
        tx.commit().await?;
        Ok(new)
    }

    /// Who acknowledged the published version of document `id`, and who of
    /// those it asks to read it has not yet.
    pub async fn document_acknowledgements(
        &self,
        ws: &Scope,
        id: &str,
    ) -> Result<Acknowledgements> {
        ws.require(Action::Read)?;
        let mut c = self.store.conn().await?;
        let doc = record_of_kind(&mut c.conn(), ws, &DOCUMENTS, id).await?;
        let all = c
            .conn()
            .versions(Versioned::Document, &ws.workspace.id, &doc.id)
            .await?;
        let Some(published) = all.iter().find(|v| v.state == DocState::Published.key()) else {
            return Ok(Acknowledgements {
                number: None,
                acknowledged: vec![],
                pending: vec![],
            });
        };
        let members = c.conn().members_of(&ws.workspace.id).await?;
        let acks = c
            .conn()
            .document_acks(&ws.workspace.id, &doc.id, published.number)
            .await?;
        let must_read = doc
            .fields
            .get("must_read")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("nobody");
        let asked = |role: &str| {
            role.parse::<Role>()
                .is_ok_and(|r| aims_domain::document::must_read(must_read, r))
        };
        let email_of = |user: &str| {
            members
                .iter()
                .find(|m| m.user_id == user)
                .map_or_else(|| user.to_owned(), |m| m.email.clone())
        };
        Ok(Acknowledgements {
            number: Some(published.number),
            pending: members
                .iter()
                .filter(|m| asked(&m.role) && !acks.iter().any(|(u, _)| *u == m.user_id))
                .map(|m| m.email.clone())
                .collect(),
            acknowledged: acks
                .iter()
                .map(|(u, at)| (email_of(u), at.clone()))
                .collect(),
        })
    }
}
