//! The append-only history chain.

use crate::conn::{on_conn, Conn};
use crate::Result;
use aims_domain::history::{Event, NewEvent};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryHead {
    pub seq: i64,
    pub hash: String,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    seq: i64,
    id: String,
    at: String,
    actor: String,
    actor_label: String,
    workspace_id: String,
    action: String,
    record_type: String,
    record_id: String,
    change: String,
    prev_hash: String,
    hash: String,
}

impl From<EventRow> for Event {
    fn from(r: EventRow) -> Event {
        Event {
            seq: r.seq,
            id: r.id,
            at: r.at,
            actor: r.actor,
            actor_label: r.actor_label,
            workspace_id: r.workspace_id,
            action: r.action,
            record_type: r.record_type,
            record_id: r.record_id,
            change: r.change,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

const COLS: &str = "seq, id, at, actor, actor_label, workspace_id, action, record_type, record_id, change, prev_hash, hash";

impl Conn<'_> {
    /// Appends `event` to the chain. Call inside the transaction that makes the
    /// change, so the record and its event commit together or not at all. The
    /// head row is locked by the first statement, which serialises appenders.
    pub async fn history_append(&mut self, event: NewEvent) -> Result<Event> {
        let head: HistoryHead = on_conn!(self, c => sqlx::query_as(
            "UPDATE history_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut **c).await)?;
        let e = event.link(head.seq, &head.hash);
        let sql = format!("INSERT INTO history_events ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
        on_conn!(self, c => sqlx::query(&sql)
            .bind(e.seq).bind(&e.id).bind(&e.at).bind(&e.actor).bind(&e.actor_label).bind(&e.workspace_id)
            .bind(&e.action).bind(&e.record_type).bind(&e.record_id).bind(&e.change).bind(&e.prev_hash).bind(&e.hash)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        on_conn!(self, c => sqlx::query("UPDATE history_head SET hash = $1 WHERE id = 1")
            .bind(&e.hash).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(e)
    }

    /// Appends several events in order, with one head update and multi-row
    /// inserts (bulk imports): the same chain as appending them one by one.
    pub async fn history_append_many(&mut self, events: Vec<NewEvent>) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let n = events.len() as i64;
        let head: HistoryHead = on_conn!(self, c => sqlx::query_as(
            "UPDATE history_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
            .bind(n).fetch_one(&mut **c).await)?;
        let mut seq = head.seq - n;
        let mut prev = head.hash;
        let mut linked = Vec::with_capacity(events.len());
        for e in events {
            seq += 1;
            let e = e.link(seq, &prev);
            prev.clone_from(&e.hash);
            linked.push(e);
        }
        // 12 columns a row; 400 rows stay well under every backend's bind limit.
        for chunk in linked.chunks(400) {
            let sql = format!(
                "INSERT INTO history_events ({COLS}) VALUES {}",
                crate::records::placeholders(self, chunk.len(), 12)
            );
            on_conn!(self, c => {
                let mut q = sqlx::query(&sql);
                for e in chunk {
                    q = q.bind(e.seq).bind(&e.id).bind(&e.at).bind(&e.actor).bind(&e.actor_label).bind(&e.workspace_id)
                        .bind(&e.action).bind(&e.record_type).bind(&e.record_id).bind(&e.change).bind(&e.prev_hash).bind(&e.hash);
                }
                q.execute(&mut **c).await.map(|r| r.rows_affected())
            })?;
        }
        on_conn!(self, c => sqlx::query("UPDATE history_head SET hash = $1 WHERE id = 1")
            .bind(&prev).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The sequence number of a workspace's latest history event (`None`
    /// before its first): every change to its records appends one, so an
    /// unchanged number means unchanged records.
    pub async fn history_last_seq(&mut self, workspace_id: &str) -> Result<Option<i64>> {
        // The last entry of `history_events_workspace`, read backwards. As
        // `MAX(seq)`, a PostgreSQL connection whose generic plan was made
        // while the table was small (no statistics yet) aggregated every
        // event of the workspace: 40-90 ms at 100,000 events, on every read
        // of the SoA or the heat map, kept or not.
        Ok(on_conn!(self, c => sqlx::query_scalar(
            "SELECT seq FROM history_events WHERE workspace_id = $1 ORDER BY seq DESC LIMIT 1")
            .bind(workspace_id).fetch_optional(&mut **c).await)?)
    }

    /// What changed in a workspace after `after_seq`, oldest first, at most
    /// `limit` events: `(seq, action, record_type, record_id, change)` (what
    /// a kept result needs to bring itself up to date).
    pub async fn history_changes_since(
        &mut self,
        workspace_id: &str,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<(i64, String, String, String, String)>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT seq, action, record_type, record_id, change FROM history_events
             WHERE workspace_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")
            .bind(workspace_id).bind(after_seq).bind(limit).fetch_all(&mut **c).await)?)
    }

    pub async fn history_head(&mut self) -> Result<HistoryHead> {
        Ok(
            on_conn!(self, c => sqlx::query_as("SELECT seq, hash FROM history_head WHERE id = 1").fetch_one(&mut **c).await)?,
        )
    }

    /// Events with `seq > after_seq` in order, at most `limit` (for chunked verification).
    pub async fn history_chunk(&mut self, after_seq: i64, limit: i64) -> Result<Vec<Event>> {
        let sql = format!("SELECT {COLS} FROM history_events WHERE seq > $1 ORDER BY seq LIMIT $2");
        let rows: Vec<EventRow> = on_conn!(self, c => sqlx::query_as(&sql).bind(after_seq).bind(limit).fetch_all(&mut **c).await)?;
        Ok(rows.into_iter().map(Event::from).collect())
    }

    /// A record's events, newest first.
    pub async fn history_of_record(
        &mut self,
        workspace_id: &str,
        record_type: &str,
        record_id: &str,
        limit: i64,
    ) -> Result<Vec<Event>> {
        let sql = format!("SELECT {COLS} FROM history_events WHERE record_type = $1 AND record_id = $2 AND workspace_id = $3 ORDER BY seq DESC LIMIT $4");
        let rows: Vec<EventRow> = on_conn!(self, c => sqlx::query_as(&sql)
            .bind(record_type).bind(record_id).bind(workspace_id).bind(limit).fetch_all(&mut **c).await)?;
        Ok(rows.into_iter().map(Event::from).collect())
    }

    /// A workspace's events after `after_seq`, oldest first, at most
    /// `limit` (what a webhook has not taken yet).
    pub async fn history_of_workspace_after(
        &mut self,
        workspace_id: &str,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<Event>> {
        let sql = format!("SELECT {COLS} FROM history_events WHERE workspace_id = $1 AND seq > $2 ORDER BY seq LIMIT $3");
        let rows: Vec<EventRow> = on_conn!(self, c => sqlx::query_as(&sql)
            .bind(workspace_id).bind(after_seq).bind(limit).fetch_all(&mut **c).await)?;
        Ok(rows.into_iter().map(Event::from).collect())
    }

    /// A workspace's events, newest first, before `before_seq` when given.
    pub async fn history_of_workspace(
        &mut self,
        workspace_id: &str,
        before_seq: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Event>> {
        let sql = format!("SELECT {COLS} FROM history_events WHERE workspace_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3");
        let rows: Vec<EventRow> = on_conn!(self, c => sqlx::query_as(&sql)
            .bind(workspace_id).bind(before_seq.unwrap_or(i64::MAX)).bind(limit).fetch_all(&mut **c).await)?;
        Ok(rows.into_iter().map(Event::from).collect())
    }
}
