//! The daily e-mail digest's bookkeeping (migration 0017): the claim on
//! each day's run, one row per message sent (or failed), members who
//! switched the digest off, and who has something to be told.

use crate::conn::{on_conn, Conn};
use crate::Result;

/// One day's digest run.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DigestRunRow {
    pub day: String,
    /// The replica that holds (or held) the day.
    pub worker: String,
    pub started_at: String,
    pub lease_until: String,
    /// Set once every member was handled.
    pub finished_at: Option<String>,
    pub sent: i64,
    pub failed: i64,
}

/// One member's digest of one day.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DigestMessageRow {
    pub day: String,
    pub user_id: String,
    pub email: String,
    pub workspaces: i64,
    pub items: i64,
    pub overdue: i64,
    /// `sending` (written before sending; stays so if the replica stopped
    /// mid-way), `sent` or `failed`.
    pub state: String,
    pub error: String,
    pub worker: String,
    pub started_at: String,
    pub finished_at: Option<String>,
}

/// A member with open duties in a workspace, due before a day.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DigestRecipientRow {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub workspace_id: String,
    pub slug: String,
    pub workspace_name: String,
}

const RUN_COLS: &str = "day, worker, started_at, lease_until, finished_at, sent, failed";
const MESSAGE_COLS: &str = "day, user_id, email, workspaces, items, overdue, state, error, worker, started_at, finished_at";

impl Conn<'_> {
    pub async fn digest_run(&mut self, day: &str) -> Result<Option<DigestRunRow>> {
        let sql = format!("SELECT {RUN_COLS} FROM digest_runs WHERE day = $1");
        Ok(on_conn!(self, c => sqlx::query_as(&sql).bind(day).fetch_optional(&mut **c).await)?)
    }

    /// The latest runs, newest day first.
    pub async fn digest_runs_recent(&mut self, limit: i64) -> Result<Vec<DigestRunRow>> {
        let sql = format!("SELECT {RUN_COLS} FROM digest_runs ORDER BY day DESC LIMIT $1");
        Ok(on_conn!(self, c => sqlx::query_as(&sql).bind(limit).fetch_all(&mut **c).await)?)
    }

    /// Claims `day`'s run for `worker` until `until`: true when the day was
    /// not claimed yet, or its run is unfinished and its lease ran out (the
    /// replica that held it stopped). One statement, so two replicas never
    /// both get it.
    pub async fn digest_run_claim(
        &mut self,
        day: &str,
        worker: &str,
        now: &str,
        until: &str,
    ) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query(
            "INSERT INTO digest_runs (day, worker, started_at, lease_until, finished_at, sent, failed)
             VALUES ($1, $2, $3, $4, NULL, 0, 0)
             ON CONFLICT (day) DO UPDATE SET worker = excluded.worker, lease_until = excluded.lease_until
             WHERE digest_runs.finished_at IS NULL AND digest_runs.lease_until < $3")
            .bind(day).bind(worker).bind(now).bind(until)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Extends `worker`'s lease on `day`; false when it lost the day.
    pub async fn digest_run_renew(&mut self, day: &str, worker: &str, until: &str) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE digest_runs SET lease_until = $3 WHERE day = $1 AND worker = $2 AND finished_at IS NULL")
            .bind(day).bind(worker).bind(until)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Marks `day`'s run finished with the day's counts (of every replica
    /// that worked on it).
    pub async fn digest_run_finish(&mut self, day: &str, worker: &str, now: &str) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE digest_runs SET finished_at = $3,
                 sent = (SELECT COUNT(*) FROM digest_messages m WHERE m.day = $1 AND m.state = 'sent'),
                 failed = (SELECT COUNT(*) FROM digest_messages m WHERE m.day = $1 AND m.state <> 'sent')
             WHERE day = $1 AND worker = $2 AND finished_at IS NULL")
            .bind(day).bind(worker).bind(now)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Members with an open duty due before `before` in a workspace they
    /// belong to, who have not switched the digest off, by e-mail address
    /// then workspace name: one probe of the `(owner_id, due_on)` index per
    /// membership.
    pub async fn digest_recipients(&mut self, before: &str) -> Result<Vec<DigestRecipientRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT u.id AS user_id, u.email, u.name, w.id AS workspace_id, w.slug, w.name AS workspace_name
             FROM memberships m
             JOIN users u ON u.id = m.user_id
             JOIN workspaces w ON w.id = m.workspace_id
             WHERE EXISTS (SELECT 1 FROM record_duties d
                           WHERE d.owner_id = m.user_id AND d.workspace_id = m.workspace_id AND d.due_on < $1)
               AND NOT EXISTS (SELECT 1 FROM digest_opt_outs o WHERE o.user_id = m.user_id)
               AND (m.expires_on IS NULL OR m.expires_on >= SUBSTR($1, 1, 10))
             ORDER BY u.email, w.name, w.id")
            .bind(before).fetch_all(&mut **c).await)?)
    }

    /// Writes a member's message as `sending` before it is sent; false when
    /// the member's digest of that day exists (another replica took it).
    pub async fn digest_message_begin(&mut self, m: &DigestMessageRow) -> Result<bool> {
        let sql = format!(
            "INSERT INTO digest_messages ({MESSAGE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (day, user_id) DO NOTHING"
        );
        let n = on_conn!(self, c => sqlx::query(&sql)
            .bind(&m.day).bind(&m.user_id).bind(&m.email).bind(m.workspaces).bind(m.items)
            .bind(m.overdue).bind(&m.state).bind(&m.error).bind(&m.worker).bind(&m.started_at)
            .bind(&m.finished_at)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Records how sending ended: `error` empty when the server took it.
    pub async fn digest_message_end(
        &mut self,
        day: &str,
        user_id: &str,
        now: &str,
        error: &str,
    ) -> Result<()> {
        let state = if error.is_empty() { "sent" } else { "failed" };
        on_conn!(self, c => sqlx::query(
            "UPDATE digest_messages SET state = $3, error = $4, finished_at = $5
             WHERE day = $1 AND user_id = $2 AND state = 'sending'")
            .bind(day).bind(user_id).bind(state).bind(error).bind(now)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The latest messages, newest day first, then by address.
    pub async fn digest_messages_recent(&mut self, limit: i64) -> Result<Vec<DigestMessageRow>> {
        let sql =
            format!("SELECT {MESSAGE_COLS} FROM digest_messages ORDER BY day DESC, email LIMIT $1");
        Ok(on_conn!(self, c => sqlx::query_as(&sql).bind(limit).fetch_all(&mut **c).await)?)
    }

    /// Forgets runs and messages of days before `day`.
    pub async fn digest_prune(&mut self, day: &str) -> Result<u64> {
        let m = on_conn!(self, c => sqlx::query("DELETE FROM digest_messages WHERE day < $1")
            .bind(day).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        on_conn!(self, c => sqlx::query("DELETE FROM digest_runs WHERE day < $1")
            .bind(day).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(m)
    }

    /// True when the user switched the digest off.
    pub async fn digest_opted_out(&mut self, user_id: &str) -> Result<bool> {
        let n: Option<String> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT user_id FROM digest_opt_outs WHERE user_id = $1")
            .bind(user_id).fetch_optional(&mut **c).await)?;
        Ok(n.is_some())
    }

    /// Switches the user's digest off (`off`) or on again; false when it
    /// already was so.
    pub async fn digest_opt_out_set(
        &mut self,
        user_id: &str,
        off: bool,
        now: &str,
    ) -> Result<bool> {
        let n = if off {
            on_conn!(self, c => sqlx::query(
                "INSERT INTO digest_opt_outs (user_id, since) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING")
                .bind(user_id).bind(now)
                .execute(&mut **c).await.map(|r| r.rows_affected()))?
        } else {
            on_conn!(self, c => sqlx::query("DELETE FROM digest_opt_outs WHERE user_id = $1")
                .bind(user_id).execute(&mut **c).await.map(|r| r.rows_affected()))?
        };
        Ok(n == 1)
    }
}
