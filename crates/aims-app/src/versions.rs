//! The steps every versioned document shares (impact assessments, the
//! Statement of Applicability, and the documents to come): checking that
//! the version written is the one read, saving a draft in place or starting
//! the next version, and moving a version to another state with who and
//! when. What a document holds and which moves it allows stay with it.

use crate::new_id;
use crate::{AppError, Result, Scope};
use aims_store::{Conn, VersionRow, Versioned};

/// 409 unless the latest version is still `(number, revision)` as read.
/// `what` names the document ("the assessment").
pub(crate) fn check_read_at(
    latest: Option<&VersionRow>,
    based_on: Option<(i64, i64)>,
    what: &str,
) -> Result<()> {
    if let (Some(l), Some((number, revision))) = (latest, based_on) {
        if (l.number, l.revision) != (number, revision) {
            return Err(AppError::Conflict {
                message: format!(
                    "{what} changed since you read it (now version {} at revision {}); reload it and apply your change again",
                    l.number, l.revision
                ),
                current_version: Some(l.revision),
            });
        }
    }
    Ok(())
}

/// Version `number` of `versions` (newest first), when it is the latest
/// and still at `revision`; `what` names it when it does not exist.
pub(crate) fn find<'a>(
    versions: &'a [VersionRow],
    number: i64,
    what: &'static str,
) -> Result<&'a VersionRow> {
    versions
        .iter()
        .find(|v| v.number == number)
        .ok_or(AppError::NotFound(what))
}

/// 409 unless `v` is the latest of `versions` (newest first) and still at
/// `revision`: only the latest version moves.
pub(crate) fn check_latest_at(
    versions: &[VersionRow],
    v: &VersionRow,
    revision: i64,
) -> Result<()> {
    if versions.first().is_some_and(|l| l.number != v.number) {
        return Err(AppError::Conflict {
            message: "only the latest version moves".into(),
            current_version: Some(v.revision),
        });
    }
    if v.revision != revision {
        return Err(AppError::stale(v.revision));
    }
    Ok(())
}

/// What a save wrote.
pub(crate) struct Saved {
    pub row: VersionRow,
    /// The history action: `update` (the draft in place) or `create`.
    pub action: &'static str,
}

/// Writes `body` (and `facts`) into `latest` when `in_place`, else as the
/// next version, a draft of `subject_id`. Another writer in between → 409.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn save(
    conn: &mut Conn<'_>,
    of: Versioned,
    ws: &Scope,
    subject_id: &str,
    latest: Option<&VersionRow>,
    in_place: bool,
    body: String,
    facts: String,
    now: String,
) -> Result<Saved> {
    let by = ws.principal.label.clone();
    if let (true, Some(l)) = (in_place, latest) {
        let row = VersionRow {
            body,
            facts,
            revision: l.revision + 1,
            updated_at: now,
            updated_by: by,
            ..l.clone()
        };
        if !conn.version_update(of, &row).await? {
            return Err(AppError::stale(l.revision));
        }
        return Ok(Saved {
            row,
            action: "update",
        });
    }
    let row = VersionRow {
        id: new_id(),
        workspace_id: ws.workspace.id.clone(),
        subject_id: subject_id.to_owned(),
        number: latest.map_or(1, |l| l.number + 1),
        state: "draft".into(),
        body,
        facts,
        revision: 1,
        created_at: now.clone(),
        created_by: by.clone(),
        updated_at: now,
        updated_by: by,
        submitted_at: None,
        submitted_by: None,
        approved_at: None,
        approved_by: None,
        note: String::new(),
    };
    conn.version_insert(of, &row).await?;
    Ok(Saved {
        row,
        action: "create",
    })
}

/// Who and when a move records beside the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stamp {
    None,
    Submitted,
    Approved,
}

/// Moves `v` to `state` with `note`, stamping who and when, and freezing
/// `facts` when given; another writer in between → 409.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn move_to(
    conn: &mut Conn<'_>,
    of: Versioned,
    ws: &Scope,
    v: &VersionRow,
    state: &str,
    stamp: Stamp,
    facts: Option<String>,
    note: &str,
    now: String,
) -> Result<VersionRow> {
    let by = ws.principal.label.clone();
    let mut next = VersionRow {
        state: state.to_owned(),
        revision: v.revision + 1,
        updated_at: now.clone(),
        updated_by: by.clone(),
        note: note.to_owned(),
        ..v.clone()
    };
    if let Some(f) = facts {
        next.facts = f;
    }
    match stamp {
        Stamp::Submitted => {
            next.submitted_at = Some(now);
            next.submitted_by = Some(by);
        }
        Stamp::Approved => {
            next.approved_at = Some(now);
            next.approved_by = Some(by);
        }
        Stamp::None => {}
    }
    if !conn.version_update(of, &next).await? {
        return Err(AppError::stale(v.revision));
    }
    Ok(next)
}
