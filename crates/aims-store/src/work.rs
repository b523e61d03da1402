//! The work list: every open dated duty of every kind (`record_duties`),
//! for one owner or a whole workspace, soonest first — read through the
//! `(owner_id, due_on)` and `(workspace_id, due_on)` indexes, so a page
//! costs the rows it shows whatever the number of duties.

use crate::conn::{on_conn, Conn};
use crate::Result;

/// One open duty with its record's title.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DutyRow {
    /// The record type (`risk_action`, `training`, …).
    pub kind: String,
    pub record_id: String,
    pub title: String,
    /// The field that holds the date (`due`, `expires_on`, …).
    pub duty: String,
    pub due_on: String,
    pub owner_id: Option<String>,
}

/// Whose duties to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DutyOwner<'a> {
    /// One member's (a user id).
    Member(&'a str),
    /// Everyone's in the workspace, owned or not.
    Everyone,
}

const COLS: &str = "d.kind, d.record_id, r.title, d.duty, d.due_on, d.owner_id";

impl Conn<'_> {
    /// Open duties due before `before` (`YYYY-MM-DD`), soonest first, at
    /// most `limit`.
    pub async fn duties_due(
        &mut self,
        workspace_id: &str,
        owner: DutyOwner<'_>,
        before: &str,
        limit: i64,
    ) -> Result<Vec<DutyRow>> {
        Ok(match owner {
            DutyOwner::Member(user) => on_conn!(self, c => sqlx::query_as(&format!(
                "SELECT {COLS} FROM record_duties d JOIN records r ON r.id = d.record_id
                 WHERE d.owner_id = $1 AND d.workspace_id = $2 AND d.due_on < $3
                 ORDER BY d.due_on, d.record_id, d.duty LIMIT $4"))
                .bind(user).bind(workspace_id).bind(before).bind(limit)
                .fetch_all(&mut **c).await)?,
            DutyOwner::Everyone => on_conn!(self, c => sqlx::query_as(&format!(
                "SELECT {COLS} FROM record_duties d JOIN records r ON r.id = d.record_id
                 WHERE d.workspace_id = $1 AND d.due_on < $2
                 ORDER BY d.due_on, d.record_id, d.duty LIMIT $3"))
                .bind(workspace_id).bind(before).bind(limit)
                .fetch_all(&mut **c).await)?,
        })
    }

    /// How many open duties of the workspace fell due before `day`: the
    /// overdue work, whoever owns it.
    pub async fn duties_before(&mut self, workspace_id: &str, day: &str) -> Result<i64> {
        let n: (i64,) = on_conn!(self, c => sqlx::query_as(
            "SELECT COUNT(*) FROM record_duties WHERE workspace_id = $1 AND due_on < $2")
            .bind(workspace_id).bind(day)
            .fetch_one(&mut **c).await)?;
        Ok(n.0)
    }

    /// How many open duties fall due on or after `from`: what lies beyond
    /// the list.
    pub async fn duties_later(
        &mut self,
        workspace_id: &str,
        owner: DutyOwner<'_>,
        from: &str,
    ) -> Result<i64> {
        let n: (i64,) = match owner {
            DutyOwner::Member(user) => on_conn!(self, c => sqlx::query_as(
                "SELECT COUNT(*) FROM record_duties WHERE owner_id = $1 AND workspace_id = $2 AND due_on >= $3")
                .bind(user).bind(workspace_id).bind(from)
                .fetch_one(&mut **c).await)?,
            DutyOwner::Everyone => on_conn!(self, c => sqlx::query_as(
                "SELECT COUNT(*) FROM record_duties WHERE workspace_id = $1 AND due_on >= $2")
                .bind(workspace_id).bind(from)
                .fetch_one(&mut **c).await)?,
        };
        Ok(n.0)
    }
}
