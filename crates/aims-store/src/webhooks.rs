//! Outgoing webhooks: their settings, cursors and leases, and the log of
//! deliveries and attempts (migration 0014). The history is the outbox:
//! events are read from `history_events` after each webhook's cursor.

use crate::conn::{on_conn, Conn, StoreError};
use crate::Result;

/// A webhook as stored. The secret is not here: it is derived from the
/// history key and `secret_salt`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebhookRow {
    pub id: String,
    pub workspace_id: String,
    pub url: String,
    /// The event filter, a JSON array of entries.
    pub events: String,
    pub enabled: bool,
    pub secret_salt: String,
    /// The last history event taken (delivered, being delivered, given up
    /// or not matching).
    pub cursor_seq: i64,
    /// When the pending delivery's next attempt is due; `None`: none pending.
    pub retry_at: Option<String>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub secret_rotated_at: String,
}

/// One event for one webhook: pending until delivered or given up.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: String,
    pub webhook_id: String,
    pub event_seq: i64,
    pub event_id: String,
    pub action: String,
    pub record_type: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    pub attempts: i64,
    pub created_at: String,
    pub last_attempt_at: Option<String>,
    /// The HTTP status of the last answer, if there was one.
    pub last_status: Option<i64>,
    pub last_error: String,
    pub next_attempt_at: Option<String>,
    pub finished_at: Option<String>,
}

/// One request sent for a delivery.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptRow {
    pub delivery_id: String,
    pub number: i64,
    /// The replica that sent it.
    pub worker: String,
    pub started_at: String,
    /// `None` while in flight, or when the replica stopped before an answer.
    pub finished_at: Option<String>,
    pub status: Option<i64>,
    pub error: String,
}

/// How an attempt ended, for [`Conn::webhook_attempt_end`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptEnd<'a> {
    Delivered,
    /// Failed; the next attempt is due at this time.
    Retry(&'a str),
    /// Failed for the last time: the delivery is given up.
    GiveUp,
}

const HOOK_COLS: &str = "id, workspace_id, url, events, enabled, secret_salt, cursor_seq, retry_at, lease_owner, lease_until, created_at, created_by, updated_at, secret_rotated_at";
const DELIVERY_COLS: &str = "id, webhook_id, event_seq, event_id, action, record_type, state, attempts, created_at, last_attempt_at, last_status, last_error, next_attempt_at, finished_at";

impl Conn<'_> {
    // ---- settings (in a history transaction) ----

    pub async fn webhook_insert(&mut self, w: &WebhookRow) -> Result<()> {
        let sql = format!("INSERT INTO webhooks ({HOOK_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)");
        on_conn!(self, c => sqlx::query(&sql)
            .bind(&w.id).bind(&w.workspace_id).bind(&w.url).bind(&w.events).bind(w.enabled)
            .bind(&w.secret_salt).bind(w.cursor_seq).bind(&w.retry_at).bind(&w.lease_owner)
            .bind(&w.lease_until).bind(&w.created_at).bind(&w.created_by).bind(&w.updated_at)
            .bind(&w.secret_rotated_at)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// A webhook of the workspace; another workspace's is `None`.
    pub async fn webhook_get(
        &mut self,
        workspace_id: &str,
        id: &str,
    ) -> Result<Option<WebhookRow>> {
        let sql = format!("SELECT {HOOK_COLS} FROM webhooks WHERE workspace_id = $1 AND id = $2");
        Ok(
            on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).bind(id).fetch_optional(&mut **c).await)?,
        )
    }

    pub async fn webhooks_of(&mut self, workspace_id: &str) -> Result<Vec<WebhookRow>> {
        let sql = format!(
            "SELECT {HOOK_COLS} FROM webhooks WHERE workspace_id = $1 ORDER BY created_at, id"
        );
        Ok(on_conn!(self, c => sqlx::query_as(&sql).bind(workspace_id).fetch_all(&mut **c).await)?)
    }

    /// Writes the filter, the switch and the cursor.
    pub async fn webhook_update(&mut self, w: &WebhookRow) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "UPDATE webhooks SET events = $2, enabled = $3, cursor_seq = $4, updated_at = $5 WHERE id = $1")
            .bind(&w.id).bind(&w.events).bind(w.enabled).bind(w.cursor_seq).bind(&w.updated_at)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// A new salt: a new secret from now on.
    pub async fn webhook_set_salt(&mut self, id: &str, salt: &str, at: &str) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "UPDATE webhooks SET secret_salt = $2, secret_rotated_at = $3, updated_at = $3 WHERE id = $1")
            .bind(id).bind(salt).bind(at)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Deletes a webhook with its deliveries and attempts.
    pub async fn webhook_delete(&mut self, id: &str) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query("DELETE FROM webhooks WHERE id = $1")
            .bind(id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// A webhook's deliveries, newest event first, at most `limit`.
    pub async fn webhook_deliveries(
        &mut self,
        webhook_id: &str,
        limit: i64,
    ) -> Result<Vec<DeliveryRow>> {
        let sql = format!("SELECT {DELIVERY_COLS} FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY event_seq DESC LIMIT $2");
        Ok(
            on_conn!(self, c => sqlx::query_as(&sql).bind(webhook_id).bind(limit).fetch_all(&mut **c).await)?,
        )
    }

    /// The attempts of a webhook's deliveries of events from `from_seq` on.
    pub async fn webhook_attempts(
        &mut self,
        webhook_id: &str,
        from_seq: i64,
    ) -> Result<Vec<AttemptRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT a.delivery_id, a.number, a.worker, a.started_at, a.finished_at, a.status, a.error
             FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
             WHERE d.webhook_id = $1 AND d.event_seq >= $2 ORDER BY a.delivery_id, a.number")
            .bind(webhook_id).bind(from_seq).fetch_all(&mut **c).await)?)
    }

    // ---- the delivery worker ----

    /// Enabled webhooks that have work and no live lease: a pending delivery
    /// whose next attempt is due, or none pending and an event after their
    /// cursor. The least recently worked come first.
    pub async fn webhooks_due(&mut self, now: &str, limit: i64) -> Result<Vec<String>> {
        Ok(on_conn!(self, c => sqlx::query_scalar(
            "SELECT w.id FROM webhooks w
             WHERE w.enabled AND (w.lease_owner IS NULL OR w.lease_until < $1)
               AND ((w.retry_at IS NOT NULL AND w.retry_at <= $1)
                 OR (w.retry_at IS NULL AND EXISTS (
                     SELECT 1 FROM history_events e WHERE e.workspace_id = w.workspace_id AND e.seq > w.cursor_seq)))
             ORDER BY COALESCE(w.lease_until, ''), w.id LIMIT $2")
            .bind(now).bind(limit).fetch_all(&mut **c).await)?)
    }

    /// Takes (or, for its holder, extends) the lease on a webhook until
    /// `until`; false when another replica holds a live one.
    pub async fn webhook_lease(
        &mut self,
        id: &str,
        owner: &str,
        now: &str,
        until: &str,
    ) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE webhooks SET lease_owner = $2, lease_until = $4
             WHERE id = $1 AND (lease_owner = $2 OR lease_owner IS NULL OR lease_until < $3)")
            .bind(id).bind(owner).bind(now).bind(until)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Gives the lease back; `lease_until` keeps when (`now`), so the
    /// least recently worked webhooks come first.
    pub async fn webhook_release(&mut self, id: &str, owner: &str, now: &str) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "UPDATE webhooks SET lease_owner = NULL, lease_until = $3 WHERE id = $1 AND lease_owner = $2")
            .bind(id).bind(owner).bind(now).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// A webhook leased by `owner`, with its workspace's slug.
    pub async fn webhook_leased(
        &mut self,
        id: &str,
        owner: &str,
    ) -> Result<Option<(WebhookRow, String)>> {
        let sql = format!("SELECT {HOOK_COLS} FROM webhooks WHERE id = $1 AND lease_owner = $2");
        let row: Option<WebhookRow> = on_conn!(self, c => sqlx::query_as(&sql).bind(id).bind(owner).fetch_optional(&mut **c).await)?;
        let Some(row) = row else { return Ok(None) };
        let slug: Option<String> = on_conn!(self, c => sqlx::query_scalar("SELECT slug FROM workspaces WHERE id = $1")
            .bind(&row.workspace_id).fetch_optional(&mut **c).await)?;
        Ok(slug.map(|s| (row, s)))
    }

    /// The webhook's pending delivery (at most one), if any.
    pub async fn webhook_pending(&mut self, webhook_id: &str) -> Result<Option<DeliveryRow>> {
        let sql = format!("SELECT {DELIVERY_COLS} FROM webhook_deliveries WHERE webhook_id = $1 AND state = 'pending' ORDER BY event_seq LIMIT 1");
        Ok(
            on_conn!(self, c => sqlx::query_as(&sql).bind(webhook_id).fetch_optional(&mut **c).await)?,
        )
    }

    /// Moves the cursor from `from` to `to` past events the filter does not
    /// take; false when the webhook is not as read (another replica moved
    /// it, or a delivery is pending).
    pub async fn webhook_skip(
        &mut self,
        id: &str,
        owner: &str,
        from: i64,
        to: i64,
    ) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE webhooks SET cursor_seq = $4
             WHERE id = $1 AND lease_owner = $2 AND cursor_seq = $3 AND retry_at IS NULL")
            .bind(id).bind(owner).bind(from).bind(to)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Takes event `d.event_seq` into a pending delivery, due at once, and
    /// moves the cursor to it (from `from`); false when the webhook is not
    /// as read. Run in one transaction.
    pub async fn webhook_delivery_open(
        &mut self,
        owner: &str,
        from: i64,
        d: &DeliveryRow,
    ) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE webhooks SET cursor_seq = $4, retry_at = $5
             WHERE id = $1 AND lease_owner = $2 AND cursor_seq = $3 AND retry_at IS NULL")
            .bind(&d.webhook_id).bind(owner).bind(from).bind(d.event_seq).bind(&d.created_at)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        if n != 1 {
            return Ok(false);
        }
        let sql = format!("INSERT INTO webhook_deliveries ({DELIVERY_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)");
        on_conn!(self, c => sqlx::query(&sql)
            .bind(&d.id).bind(&d.webhook_id).bind(d.event_seq).bind(&d.event_id).bind(&d.action)
            .bind(&d.record_type).bind(&d.state).bind(d.attempts).bind(&d.created_at)
            .bind(&d.last_attempt_at).bind(d.last_status).bind(&d.last_error)
            .bind(&d.next_attempt_at).bind(&d.finished_at)
            .execute(&mut **c).await.map(|r| r.rows_affected()))
        .map_err(|e| StoreError::unique(e, "event"))?;
        Ok(true)
    }

    /// Records attempt `number` of a pending delivery before it is sent,
    /// due again at `recheck` should no answer be recorded; false when that
    /// attempt exists already (another replica made it). Run in one
    /// transaction.
    pub async fn webhook_attempt_begin(
        &mut self,
        d: &DeliveryRow,
        number: i64,
        worker: &str,
        now: &str,
        recheck: &str,
    ) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE webhook_deliveries SET attempts = $2, last_attempt_at = $3, next_attempt_at = $4
             WHERE id = $1 AND attempts = $5 AND state = 'pending'")
            .bind(&d.id).bind(number).bind(now).bind(recheck).bind(number - 1)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        if n != 1 {
            return Ok(false);
        }
        let inserted = on_conn!(self, c => sqlx::query(
            "INSERT INTO webhook_attempts (delivery_id, number, worker, started_at, finished_at, status, error)
             VALUES ($1, $2, $3, $4, NULL, NULL, '')")
            .bind(&d.id).bind(number).bind(worker).bind(now)
            .execute(&mut **c).await.map(|r| r.rows_affected()));
        match inserted {
            Ok(_) => {}
            Err(e) if matches!(&e, sqlx::Error::Database(db) if db.is_unique_violation()) => {
                return Ok(false)
            }
            Err(e) => return Err(e.into()),
        }
        on_conn!(self, c => sqlx::query("UPDATE webhooks SET retry_at = $2 WHERE id = $1")
            .bind(&d.webhook_id).bind(recheck)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(true)
    }

    /// Records how attempt `number` ended (`status`: the HTTP status, if an
    /// answer came; `error`: what went wrong, empty on success). Run in one
    /// transaction.
    pub async fn webhook_attempt_end(
        &mut self,
        d: &DeliveryRow,
        number: i64,
        now: &str,
        status: Option<i64>,
        error: &str,
        end: AttemptEnd<'_>,
    ) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "UPDATE webhook_attempts SET finished_at = $3, status = $4, error = $5 WHERE delivery_id = $1 AND number = $2")
            .bind(&d.id).bind(number).bind(now).bind(status).bind(error)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        let (state, next, finished) = match end {
            AttemptEnd::Delivered => ("delivered", None, Some(now)),
            AttemptEnd::Retry(at) => ("pending", Some(at), None),
            AttemptEnd::GiveUp => ("failed", None, Some(now)),
        };
        on_conn!(self, c => sqlx::query(
            "UPDATE webhook_deliveries SET state = $3, last_status = $4, last_error = $5, next_attempt_at = $6, finished_at = $7
             WHERE id = $1 AND attempts = $2 AND state = 'pending'")
            .bind(&d.id).bind(number).bind(state).bind(status).bind(error).bind(next).bind(finished)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        on_conn!(self, c => sqlx::query("UPDATE webhooks SET retry_at = $2 WHERE id = $1")
            .bind(&d.webhook_id).bind(next)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Gives up a pending delivery without another attempt (its last one
    /// never recorded an answer). Run in one transaction.
    pub async fn webhook_delivery_abandon(
        &mut self,
        d: &DeliveryRow,
        now: &str,
        error: &str,
    ) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "UPDATE webhook_deliveries SET state = 'failed', last_error = $3, next_attempt_at = NULL, finished_at = $2
             WHERE id = $1 AND state = 'pending'")
            .bind(&d.id).bind(now).bind(error)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        on_conn!(self, c => sqlx::query("UPDATE webhooks SET retry_at = NULL WHERE id = $1")
            .bind(&d.webhook_id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Forgets deliveries (with their attempts) that ended before `before`.
    pub async fn webhook_deliveries_prune(&mut self, before: &str) -> Result<u64> {
        Ok(on_conn!(self, c => sqlx::query(
            "DELETE FROM webhook_deliveries WHERE finished_at IS NOT NULL AND finished_at < $1")
            .bind(before).execute(&mut **c).await.map(|r| r.rows_affected()))?)
    }
}
