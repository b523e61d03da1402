//! Approval of approvable records (scope statements now; the SoA and
//! documents later): a manager approves the current version, which is kept
//! as an immutable snapshot; editing afterwards makes a new draft, and every
//! approved version can be compared with the current one.

use crate::records::record_of_kind;
use crate::{new_id, App, AppError, Result, Scope};
use aims_domain::history::field_changes;
use aims_domain::record::REVIEWS;
use aims_domain::record::{ApprovalState, Fields, Kind};
use aims_store::{ApprovalRow, RecordRow};
use serde::Serialize;
use serde_json::{json, Value};

/// An approved version as shown to people and API clients.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApprovalView {
    pub number: i64,
    pub record_version: i64,
    pub fields: Fields,
    /// Facts derived when it was approved (a scope's systems in scope).
    pub derived: Value,
    pub approved_at: String,
    pub approved_by: String,
    pub note: String,
    /// What differs between this version and the record now: `{field: [then, now]}`.
    pub changes_since: serde_json::Map<String, Value>,
}

/// A record's approval state with its approved versions, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Approvals {
    pub state: ApprovalState,
    pub label: String,
    pub versions: Vec<ApprovalView>,
}

fn snapshot_fields(a: &ApprovalRow) -> (Fields, Value) {
    let v: Value = serde_json::from_str(&a.fields).unwrap_or_default();
    let fields = v
        .get("fields")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    (fields, v.get("derived").cloned().unwrap_or(Value::Null))
}

fn approvals_of(record: &RecordRow, rows: &[ApprovalRow]) -> Approvals {
    let versions: Vec<ApprovalView> = rows
        .iter()
        .map(|a| {
            let (fields, derived) = snapshot_fields(a);
            ApprovalView {
                number: a.number,
                record_version: a.record_version,
                changes_since: field_changes(&fields, &record.fields),
                fields,
                derived,
                approved_at: a.approved_at.clone(),
                approved_by: a.approved_by.clone(),
                note: a.note.clone(),
            }
        })
        .collect();
    let state = ApprovalState::of(
        &record.fields,
        versions.first().map(|v| (v.number, &v.fields)),
    );
    Approvals {
        label: state.label(),
        state,
        versions,
    }
}

/// Longest note on an approval or a move.
const NOTE_MAX: usize = 2000;

/// A note on an approval or a workflow move: trimmed, at most
/// [`NOTE_MAX`] characters of text (field `note`).
pub(crate) fn checked_note(note: &str) -> Result<String> {
    let note = note.trim();
    if note.chars().count() > NOTE_MAX || aims_domain::validation::has_control_chars(note) {
        return Err(AppError::field(
            "note",
            format!("must be at most {NOTE_MAX} characters of text"),
        ));
    }
    Ok(note.to_owned())
}

impl App {
    fn approvable(kind: &Kind) -> Result<aims_domain::Action> {
        kind.access.approve.ok_or(AppError::NotFound("approval"))
    }

    /// A record's approval state and approved versions.
    pub async fn approvals(&self, ws: &Scope, kind: &Kind, id: &str) -> Result<Approvals> {
        Self::approvable(kind)?;
        let record = self.record(ws, kind, id).await?;
        let mut c = self.store.conn().await?;
        let rows = c.conn().approvals_of(&ws.workspace.id, id).await?;
        Ok(approvals_of(&record, &rows))
    }

    /// Approves the record as it is at `version` (stale → conflict); the
    /// snapshot keeps its fields and, for a scope, the AI systems in scope.
    pub async fn approve_record(
        &self,
        ws: &Scope,
        kind: &Kind,
        id: &str,
        version: i64,
        note: &str,
    ) -> Result<Approvals> {
        ws.require(Self::approvable(kind)?)?;
        let note = checked_note(note)?;
        let note = note.as_str();
        let derived = if kind.record_type == "scope" {
            let in_scope = self
                .all_records(
                    ws,
                    crate::systems_kind(),
                    &crate::ListRequest {
                        filters: [("in_scope".to_owned(), "true".to_owned())].into(),
                        ..Default::default()
                    },
                )
                .await?;
            json!({"systems_in_scope": in_scope.iter().map(|s| json!({"id": s.id, "name": s.title})).collect::<Vec<_>>()})
        } else if kind.record_type == REVIEWS.record_type {
            // Signing off freezes the inputs as they stand.
            let review = self.record(ws, kind, id).await?;
            json!({"inputs": self.compile_review_inputs(ws, &review).await?})
        } else {
            Value::Null
        };
        let mut tx = self.store.begin().await?;
        let mut record = record_of_kind(&mut tx.conn(), ws, kind, id).await?;
        if record.version != version {
            return Err(AppError::stale(record.version));
        }
        if kind.record_type == REVIEWS.record_type {
            // A review is signed off once held; the sign-off is recorded in
            // its fields and locks it.
            Self::check_review_unlocked(&record)?;
            let held = record
                .fields
                .get("held_on")
                .and_then(Value::as_str)
                .unwrap_or("");
            if held.is_empty() {
                return Err(AppError::field(
                    "held_on",
                    "record the day the review was held before signing it off",
                ));
            }
            let mut fields = record.fields.clone();
            fields.insert("status".into(), json!(crate::reviews::SIGNED_OFF));
            fields.insert("signed_off_on".into(), json!(self.today()));
            record = self
                .update_parsed(&mut tx.conn(), ws, kind, &record, fields, &mut None)
                .await?;
        }
        let rows = tx.conn().approvals_of(&ws.workspace.id, id).await?;
        let current = approvals_of(&record, &rows);
        if matches!(current.state, ApprovalState::Approved { .. }) {
            return Err(AppError::Conflict {
                message: format!("this version is already approved ({})", current.label),
                current_version: Some(record.version),
            });
        }
        let number = rows.first().map_or(1, |r| r.number + 1);
        let row = ApprovalRow {
            id: new_id(),
            record_id: id.to_owned(),
            workspace_id: ws.workspace.id.clone(),
            kind: kind.record_type.to_owned(),
            number,
            record_version: record.version,
            fields: json!({"fields": record.fields, "derived": derived}).to_string(),
            approved_at: self.now(),
            approved_by: ws.principal.label.clone(),
            note: note.to_owned(),
        };
        tx.conn().approval_insert(&row).await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "approve",
                kind.record_type,
                id,
                json!({"title": record.title, "approved_version": number, "record_version": record.version, "note": note}),
            ))
            .await?;
        tx.commit().await?;
        let mut all = vec![row];
        all.extend(rows);
        Ok(approvals_of(&record, &all))
    }
}
