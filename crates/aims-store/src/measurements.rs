//! Measurements of metrics (migration 0019): appended in multi-row
//! statements, never edited; each metric's standing (`metric_state`) kept
//! with each batch; breach episodes that raised an alert
//! (`metric_episodes`); and the metric's dated duties — the next value
//! due, an open breach — in `record_duties`, so they reach the owner's
//! work list.

use crate::conn::{on_conn, Conn};
use crate::records::placeholders;
use crate::Result;
use aims_domain::metric::hours::{hours, Hour, HOUR};
use serde::Serialize;

/// One measurement.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct MeasurementRow {
    pub id: String,
    #[serde(skip)]
    pub workspace_id: String,
    pub metric_id: String,
    /// Unix seconds.
    pub measured_at: i64,
    pub period_start: Option<i64>,
    pub value: f64,
    pub supersedes: Option<String>,
    pub note: String,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// Where a metric stands after its latest batch.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MetricStateRow {
    pub metric_id: String,
    pub workspace_id: String,
    pub last_at: i64,
    pub last_value: f64,
    pub level: String,
    pub episode_worst: String,
    pub episode_start: Option<i64>,
    pub count: i64,
}

const COLS: &str = "id, workspace_id, metric_id, measured_at, period_start, value, supersedes, note, recorded_at, recorded_by";

impl Conn<'_> {
    /// Appends measurements: on PostgreSQL as arrays unnested, 50,000 rows
    /// a statement; on SQLite 1,000 rows a statement.
    pub async fn measurements_insert(&mut self, rows: &[MeasurementRow]) -> Result<()> {
        if let Conn::Postgres(c) = self {
            for chunk in rows.chunks(50_000) {
                let col =
                    |f: fn(&MeasurementRow) -> &str| -> Vec<&str> { chunk.iter().map(f).collect() };
                let supersedes: Vec<Option<&str>> =
                    chunk.iter().map(|r| r.supersedes.as_deref()).collect();
                let measured: Vec<i64> = chunk.iter().map(|r| r.measured_at).collect();
                let period: Vec<Option<i64>> = chunk.iter().map(|r| r.period_start).collect();
                let values: Vec<f64> = chunk.iter().map(|r| r.value).collect();
                sqlx::query(&format!(
                    "INSERT INTO measurements ({COLS}) SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[],
                     $4::int8[], $5::int8[], $6::float8[], $7::text[], $8::text[], $9::text[], $10::text[])"))
                    .bind(col(|r| &r.id)).bind(col(|r| &r.workspace_id)).bind(col(|r| &r.metric_id))
                    .bind(measured).bind(period).bind(values).bind(supersedes)
                    .bind(col(|r| &r.note)).bind(col(|r| &r.recorded_at)).bind(col(|r| &r.recorded_by))
                    .execute(&mut **c)
                    .await?;
            }
            return Ok(());
        }
        for chunk in rows.chunks(1000) {
            let sql = format!(
                "INSERT INTO measurements ({COLS}) VALUES {}",
                placeholders(self, chunk.len(), 10)
            );
            on_conn!(self, c => {
                let mut q = sqlx::query(&sql);
                for r in chunk {
                    q = q.bind(&r.id).bind(&r.workspace_id).bind(&r.metric_id).bind(r.measured_at)
                        .bind(r.period_start).bind(r.value).bind(&r.supersedes).bind(&r.note)
                        .bind(&r.recorded_at).bind(&r.recorded_by);
                }
                q.execute(&mut **c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// A metric's measurements measured in `[from, to]`, oldest first, at
    /// most `limit`.
    pub async fn measurements_of(
        &mut self,
        workspace_id: &str,
        metric_id: &str,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<MeasurementRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(&format!(
            "SELECT {COLS} FROM measurements WHERE workspace_id = $1 AND metric_id = $2
             AND measured_at >= $3 AND measured_at <= $4 ORDER BY measured_at, recorded_at, id LIMIT $5"))
            .bind(workspace_id).bind(metric_id).bind(from).bind(to).bind(limit)
            .fetch_all(&mut **c).await)?)
    }

    /// `(measured_at, value)` of a metric's measurements in `[from, to]`
    /// that no later one supersedes, oldest first (for charts).
    pub async fn measurement_points(
        &mut self,
        workspace_id: &str,
        metric_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, f64)>> {
        let superseded = self.measurements_superseded(metric_id).await?;
        let rows: Vec<(String, i64, f64)> = on_conn!(self, c => sqlx::query_as(
            "SELECT id, measured_at, value FROM measurements WHERE workspace_id = $1 AND metric_id = $2
             AND measured_at >= $3 AND measured_at <= $4 ORDER BY measured_at")
            .bind(workspace_id).bind(metric_id).bind(from).bind(to)
            .fetch_all(&mut **c).await)?;
        Ok(rows
            .into_iter()
            .filter(|(id, _, _)| superseded.binary_search(id).is_err())
            .map(|(_, at, v)| (at, v))
            .collect())
    }

    /// The ids of a metric's measurements a later one supersedes, sorted.
    async fn measurements_superseded(&mut self, metric_id: &str) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = on_conn!(self, c => sqlx::query_as(
            "SELECT supersedes FROM measurements WHERE metric_id = $1 AND supersedes IS NOT NULL")
            .bind(metric_id).fetch_all(&mut **c).await)?;
        let mut ids: Vec<String> = rows.into_iter().map(|r| r.0).collect();
        ids.sort_unstable();
        Ok(ids)
    }

    /// Adds values to a metric's hours (`hours` one row per hour).
    pub async fn measurement_hours_add(&mut self, metric_id: &str, add: &[Hour]) -> Result<()> {
        for chunk in add.chunks(500) {
            let sql = format!(
                "INSERT INTO measurement_hours (metric_id, hour, n, first_at, first_v, min_at, min_v, max_at, max_v, last_at, last_v) VALUES {}
                 ON CONFLICT (metric_id, hour) DO UPDATE SET
                 n = measurement_hours.n + excluded.n,
                 first_at = CASE WHEN excluded.first_at < measurement_hours.first_at THEN excluded.first_at ELSE measurement_hours.first_at END,
                 first_v = CASE WHEN excluded.first_at < measurement_hours.first_at THEN excluded.first_v ELSE measurement_hours.first_v END,
                 min_at = CASE WHEN excluded.min_v < measurement_hours.min_v THEN excluded.min_at ELSE measurement_hours.min_at END,
                 min_v = CASE WHEN excluded.min_v < measurement_hours.min_v THEN excluded.min_v ELSE measurement_hours.min_v END,
                 max_at = CASE WHEN excluded.max_v > measurement_hours.max_v THEN excluded.max_at ELSE measurement_hours.max_at END,
                 max_v = CASE WHEN excluded.max_v > measurement_hours.max_v THEN excluded.max_v ELSE measurement_hours.max_v END,
                 last_at = CASE WHEN excluded.last_at >= measurement_hours.last_at THEN excluded.last_at ELSE measurement_hours.last_at END,
                 last_v = CASE WHEN excluded.last_at >= measurement_hours.last_at THEN excluded.last_v ELSE measurement_hours.last_v END",
                placeholders(self, chunk.len(), 11)
            );
            on_conn!(self, c => {
                let mut q = sqlx::query(&sql);
                for h in chunk {
                    q = q.bind(metric_id).bind(h.hour).bind(h.n).bind(h.first.0).bind(h.first.1)
                        .bind(h.min.0).bind(h.min.1).bind(h.max.0).bind(h.max.1).bind(h.last.0).bind(h.last.1);
                }
                q.execute(&mut **c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Sums up again, from the measurements, the hours of a metric holding
    /// `at` (after a correction: a superseded value leaves its hour).
    pub async fn measurement_hours_redo(
        &mut self,
        workspace_id: &str,
        metric_id: &str,
        at: &[i64],
    ) -> Result<()> {
        let mut starts: Vec<i64> = at.iter().map(|t| t.div_euclid(HOUR) * HOUR).collect();
        starts.sort_unstable();
        starts.dedup();
        for start in starts {
            on_conn!(self, c => sqlx::query("DELETE FROM measurement_hours WHERE metric_id = $1 AND hour = $2")
                .bind(metric_id).bind(start).execute(&mut **c).await.map(|_| ()))?;
            let points = self
                .measurement_points(workspace_id, metric_id, start, start + HOUR - 1)
                .await?;
            self.measurement_hours_add(metric_id, &hours(&points))
                .await?;
        }
        Ok(())
    }

    /// A metric's hours from the one holding `from` to the one holding `to`.
    pub async fn measurement_hours(
        &mut self,
        metric_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<Hour>> {
        type Row = (i64, i64, i64, f64, i64, f64, i64, f64, i64, f64);
        let rows: Vec<Row> = on_conn!(self, c => sqlx::query_as(
            "SELECT hour, n, first_at, first_v, min_at, min_v, max_at, max_v, last_at, last_v FROM measurement_hours
             WHERE metric_id = $1 AND hour >= $2 AND hour <= $3 ORDER BY hour")
            .bind(metric_id).bind(from.div_euclid(HOUR) * HOUR).bind(to)
            .fetch_all(&mut **c).await)?;
        Ok(rows
            .into_iter()
            .map(|r| Hour {
                hour: r.0,
                n: r.1,
                first: (r.2, r.3),
                min: (r.4, r.5),
                max: (r.6, r.7),
                last: (r.8, r.9),
            })
            .collect())
    }

    /// The id and time of a metric's measurement, if it has it.
    pub async fn measurement_at(&mut self, metric_id: &str, id: &str) -> Result<Option<i64>> {
        let r: Option<(i64,)> = on_conn!(self, c => sqlx::query_as(
            "SELECT measured_at FROM measurements WHERE metric_id = $1 AND id = $2")
            .bind(metric_id).bind(id).fetch_optional(&mut **c).await)?;
        Ok(r.map(|r| r.0))
    }

    pub async fn metric_state(&mut self, metric_id: &str) -> Result<Option<MetricStateRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT metric_id, workspace_id, last_at, last_value, level, episode_worst, episode_start, count
             FROM metric_state WHERE metric_id = $1")
            .bind(metric_id).fetch_optional(&mut **c).await)?)
    }

    /// Every metric's standing in a workspace.
    pub async fn metric_states(&mut self, workspace_id: &str) -> Result<Vec<MetricStateRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT metric_id, workspace_id, last_at, last_value, level, episode_worst, episode_start, count
             FROM metric_state WHERE workspace_id = $1")
            .bind(workspace_id).fetch_all(&mut **c).await)?)
    }

    pub async fn metric_state_put(&mut self, r: &MetricStateRow) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO metric_state (metric_id, workspace_id, last_at, last_value, level, episode_worst, episode_start, count)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (metric_id) DO UPDATE SET last_at = excluded.last_at, last_value = excluded.last_value,
             level = excluded.level, episode_worst = excluded.episode_worst, episode_start = excluded.episode_start,
             count = excluded.count")
            .bind(&r.metric_id).bind(&r.workspace_id).bind(r.last_at).bind(r.last_value).bind(&r.level)
            .bind(&r.episode_worst).bind(r.episode_start).bind(r.count)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// Keeps a breach episode that raised an alert (and the record it opened).
    #[allow(clippy::too_many_arguments)]
    pub async fn metric_episode_insert(
        &mut self,
        id: &str,
        workspace_id: &str,
        metric_id: &str,
        started_at: i64,
        worst: &str,
        raised_id: Option<&str>,
        created_at: &str,
    ) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO metric_episodes (id, workspace_id, metric_id, started_at, worst, raised_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id).bind(workspace_id).bind(metric_id).bind(started_at).bind(worst).bind(raised_id).bind(created_at)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// `(started_at, worst, raised_id)` of a metric's episodes, newest first.
    pub async fn metric_episodes(
        &mut self,
        metric_id: &str,
    ) -> Result<Vec<(i64, String, Option<String>)>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT started_at, worst, raised_id FROM metric_episodes WHERE metric_id = $1 ORDER BY started_at DESC LIMIT 100")
            .bind(metric_id).fetch_all(&mut **c).await)?)
    }

    /// Sets (or, with `None`, ends) one of a metric's duties kept beside
    /// its fields (`value_due`, `breach`).
    pub async fn metric_duty_set(
        &mut self,
        workspace_id: &str,
        metric_id: &str,
        duty: &str,
        due_on: Option<&str>,
        owner_id: Option<&str>,
    ) -> Result<()> {
        on_conn!(self, c => sqlx::query("DELETE FROM record_duties WHERE record_id = $1 AND duty = $2")
            .bind(metric_id).bind(duty).execute(&mut **c).await.map(|_| ()))?;
        if let Some(due) = due_on {
            on_conn!(self, c => sqlx::query(
                "INSERT INTO record_duties (record_id, workspace_id, kind, duty, due_on, owner_id) VALUES ($1, $2, 'metric', $3, $4, $5)")
                .bind(metric_id).bind(workspace_id).bind(duty).bind(due).bind(owner_id)
                .execute(&mut **c).await.map(|_| ()))?;
        }
        Ok(())
    }

    /// `(metric_id, metric title, started_at, worst)` of every breach
    /// episode in a workspace, newest first.
    pub async fn workspace_episodes(
        &mut self,
        workspace_id: &str,
    ) -> Result<Vec<(String, String, i64, String)>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT e.metric_id, r.title, e.started_at, e.worst FROM metric_episodes e JOIN records r ON r.id = e.metric_id
             WHERE e.workspace_id = $1 ORDER BY e.started_at DESC LIMIT 1000")
            .bind(workspace_id).fetch_all(&mut **c).await)?)
    }

    /// Makes the episode of a metric that started at `started_at` as bad
    /// as `worst`, and notes the record it opened; false when there is no
    /// such episode.
    pub async fn metric_episode_worsen(
        &mut self,
        metric_id: &str,
        started_at: i64,
        worst: &str,
        raised_id: Option<&str>,
    ) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE metric_episodes SET worst = $3, raised_id = COALESCE(raised_id, $4)
             WHERE metric_id = $1 AND started_at = $2")
            .bind(metric_id).bind(started_at).bind(worst).bind(raised_id)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }
}
