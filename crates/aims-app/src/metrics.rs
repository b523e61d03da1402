//! Monitoring (9.1, A.6.2.6): measurements of a metric arrive one at a
//! time or in batches (API, CLI, page), are checked and appended (never
//! edited: a correction supersedes), and move the metric's standing: its
//! latest value, the breach episode running, the next value due. A breach
//! is a dated duty of the metric in its owner's work list; an episode that
//! turns critical opens — once, not per value — the incident or
//! nonconformity the metric asks for. A metric silent past its interval
//! is stale: its "next value due" duty is overdue. The rules are the
//! domain's `metric` module.

use crate::{new_id, App, AppError, Result, Scope};
use aims_domain::metric::{
    batch_outcome, downsample, format_instant, is_stale, next_due, parse_instant, summary,
    ChartPoint, Interval, Level, OnBreach, Summary, Thresholds,
};
use aims_domain::record::{Fields, Input, INCIDENTS, METRICS, NONCONFORMITIES};
use aims_domain::FieldErrors;
use aims_store::{MeasurementRow, MetricStateRow};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// At most this many measurements in one request.
pub const BATCH_MAX: usize = 100_000;
/// A chart reads each value up to this many in its range; beyond, it
/// reads the values' hours.
pub const RAW_CHART_MAX: i64 = 20_000;
/// At most this many corrections in one request (each sums its hours up again).
pub const CORRECTIONS_MAX: usize = 1_000;
/// The longest note on a measurement.
pub const NOTE_MAX: usize = 500;

/// A measurement as sent.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasurementIn {
    pub value: f64,
    /// When it was measured (or the end of the period it covers): RFC 3339
    /// or a date; now when left out.
    #[serde(default)]
    pub measured_at: Option<String>,
    /// The start of the period it covers, if it covers one.
    #[serde(default)]
    pub period_start: Option<String>,
    /// The id of an earlier measurement of this metric it corrects.
    #[serde(default)]
    pub supersedes: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A metric's settings as its record holds them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricSettings {
    pub thresholds: Thresholds,
    pub interval: Option<Interval>,
    pub on_breach: OnBreach,
}

fn text<'a>(f: &'a Fields, name: &str) -> Option<&'a str> {
    f.get(name).and_then(Value::as_str)
}

/// The settings of a metric from its fields (defaults: higher is better,
/// no thresholds, no interval, alert only).
pub fn settings_of(fields: &Fields) -> MetricSettings {
    MetricSettings {
        thresholds: aims_domain::metric::fields::thresholds(fields),
        interval: text(fields, "interval").and_then(|i| i.parse().ok()),
        on_breach: text(fields, "on_breach")
            .and_then(|o| o.parse().ok())
            .unwrap_or(OnBreach::Alert),
    }
}

/// What a batch did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ingested {
    pub accepted: usize,
    /// The metric's level after the batch (`normal`, `warning`, `critical`).
    pub level: Level,
    /// Breach episodes the batch started.
    pub episodes_started: usize,
    /// Records opened for a critical episode (incidents or nonconformities).
    pub raised: Vec<String>,
}

/// Where a metric stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricStatus {
    pub last_at: Option<String>,
    pub last_value: Option<f64>,
    pub level: Level,
    pub stale: bool,
    /// When the next value is due (RFC 3339), for a metric with an interval.
    pub next_due: Option<String>,
    pub count: i64,
    /// `(started_at, worst level, record opened)`, newest first.
    pub episodes: Vec<(String, String, Option<String>)>,
}

/// A metric's chart over a range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub from: i64,
    pub to: i64,
    pub points: Vec<ChartPoint>,
    /// How many measurements the range holds (the points are fewer when
    /// downsampled).
    pub count: usize,
    pub summary: Option<Summary>,
    pub thresholds: Thresholds,
    pub unit: String,
}

fn level_of(key: &str) -> Level {
    match key {
        "warning" => Level::Warning,
        "critical" => Level::Critical,
        _ => Level::Normal,
    }
}

impl App {
    /// Checks and appends measurements of a metric, then moves its
    /// standing, its duties and — for an episode turning critical — opens
    /// the record it asks for.
    pub async fn record_measurements(
        &self,
        ws: &Scope,
        metric_id: &str,
        items: &[MeasurementIn],
    ) -> Result<Ingested> {
        ws.require(METRICS.access.update)?;
        let metric = self.record(ws, &METRICS, metric_id).await?;
        if items.is_empty() {
            return Err(AppError::field("items", "send at least one measurement"));
        }
        if items.len() > BATCH_MAX {
            return Err(AppError::field(
                "items",
                format!("at most {BATCH_MAX} measurements in one request"),
            ));
        }
        let now = self.now();
        let now_s = parse_instant(&now).unwrap_or(0);
        let settings = settings_of(&metric.fields);
        let mut e = FieldErrors::new();
        let mut rows = Vec::with_capacity(items.len());
        let batch_ids: Vec<String> = items.iter().map(|_| new_id()).collect();
        for (n, m) in items.iter().enumerate() {
            let at = |f: &str| format!("items[{n}].{f}");
            if !m.value.is_finite() {
                e.add(&at("value"), "must be a finite number");
            }
            let measured_at = match m.measured_at.as_deref().map(str::trim) {
                None | Some("") => Some(now_s),
                Some(s) => parse_instant(s),
            };
            if measured_at.is_none() {
                e.add(
                    &at("measured_at"),
                    "must be a date or an RFC 3339 time with its offset (2026-11-27T10:00:00Z)",
                );
            }
            if measured_at.is_some_and(|t| t > now_s + 300) {
                e.add(&at("measured_at"), "cannot be in the future");
            }
            let period_start = match m.period_start.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(s) => {
                    let p = parse_instant(s);
                    if p.is_none() {
                        e.add(&at("period_start"), "must be a date or an RFC 3339 time");
                    }
                    if let (Some(p), Some(end)) = (p, measured_at) {
                        if p > end {
                            e.add(
                                &at("period_start"),
                                "cannot be after the measurement's time",
                            );
                        }
                    }
                    p
                }
            };
            let note = m.note.as_deref().unwrap_or("").trim().to_owned();
            if note.chars().count() > NOTE_MAX {
                e.add(
                    &at("note"),
                    format!("must be at most {NOTE_MAX} characters"),
                );
            } else if note.contains(|c: char| c.is_control()) {
                e.add(&at("note"), "must be one line of text");
            }
            rows.push(MeasurementRow {
                id: batch_ids[n].clone(),
                workspace_id: ws.workspace.id.clone(),
                metric_id: metric.id.clone(),
                measured_at: measured_at.unwrap_or(0),
                period_start,
                value: m.value,
                supersedes: m
                    .supersedes
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
                note,
                recorded_at: now.clone(),
                recorded_by: ws.principal.label.clone(),
            });
        }
        let corrections = rows.iter().filter(|r| r.supersedes.is_some()).count();
        if corrections > CORRECTIONS_MAX {
            e.add(
                "items",
                format!("at most {CORRECTIONS_MAX} corrections (measurements that supersede another) in one request"),
            );
        }
        e.into_result().map_err(AppError::Validation)?;
        let mut tx = self.store.begin().await?;
        // The hours a correction touches: its own and the superseded one's.
        let mut redo: Vec<i64> = vec![];
        for (n, r) in rows.iter().enumerate() {
            if let Some(s) = &r.supersedes {
                match tx.conn().measurement_at(&metric.id, s).await? {
                    Some(at) => redo.extend([at, r.measured_at]),
                    None => {
                        return Err(AppError::field(
                            &format!("items[{n}].supersedes"),
                            "is not a measurement of this metric",
                        ))
                    }
                }
            }
        }
        tx.conn().measurements_insert(&rows).await?;
        let plain: Vec<(i64, f64)> = rows
            .iter()
            .filter(|r| r.supersedes.is_none())
            .map(|r| (r.measured_at, r.value))
            .collect();
        tx.conn()
            .measurement_hours_add(&metric.id, &aims_domain::metric::hours::hours(&plain))
            .await?;
        if !redo.is_empty() {
            tx.conn()
                .measurement_hours_redo(&ws.workspace.id, &metric.id, &redo)
                .await?;
        }
        let state = tx.conn().metric_state(&metric.id).await?;
        let last_before = state.as_ref().map(|s| s.last_at);
        // Values measured after the latest one move the standing, in time
        // order; late ones are kept (and charted) but change nothing.
        let mut fresh: Vec<(i64, f64)> = rows
            .iter()
            .filter(|r| r.supersedes.is_none() && last_before.is_none_or(|l| r.measured_at >= l))
            .map(|r| (r.measured_at, r.value))
            .collect();
        fresh.sort_by_key(|p| p.0);
        let before = state
            .as_ref()
            .map_or(Level::Normal, |s| level_of(&s.episode_worst));
        let values: Vec<f64> = fresh.iter().map(|p| p.1).collect();
        let outcome = batch_outcome(before, &values, &settings.thresholds);
        let (last_at, last_value) = fresh
            .last()
            .copied()
            .or(state.as_ref().map(|s| (s.last_at, s.last_value)))
            .unwrap_or((0, 0.0));
        let level = outcome
            .last_level
            .or(state.as_ref().map(|s| level_of(&s.level)))
            .unwrap_or(Level::Normal);
        // When the running episode began: kept while it runs, the first
        // breaching value of a new one.
        let episode_start = if outcome.ongoing_worst.is_breach() {
            let earlier = state
                .as_ref()
                .and_then(|s| s.episode_start)
                .filter(|_| before.is_breach() && outcome.ended == 0);
            earlier.or_else(|| {
                fresh
                    .iter()
                    .rev()
                    .take_while(|p| settings.thresholds.level(p.1).is_breach())
                    .last()
                    .map(|p| p.0)
            })
        } else {
            None
        };
        tx.conn()
            .metric_state_put(&MetricStateRow {
                metric_id: metric.id.clone(),
                workspace_id: ws.workspace.id.clone(),
                last_at,
                last_value,
                level: level.key().to_owned(),
                episode_worst: outcome.ongoing_worst.key().to_owned(),
                episode_start,
                count: state.as_ref().map_or(0, |s| s.count)
                    + i64::try_from(rows.len()).unwrap_or(i64::MAX),
            })
            .await?;
        let created = parse_instant(&metric.created_at).unwrap_or(now_s);
        let day = |t: i64| format_instant(t).get(..10).unwrap_or_default().to_owned();
        let due = settings
            .interval
            .map(|i| day(next_due((last_at > 0).then_some(last_at), created, i)));
        let owner = metric.owner_id.as_deref();
        tx.conn()
            .metric_duty_set(
                &ws.workspace.id,
                &metric.id,
                "value_due",
                due.as_deref(),
                owner,
            )
            .await?;
        let breach_day = episode_start.map(day);
        tx.conn()
            .metric_duty_set(
                &ws.workspace.id,
                &metric.id,
                "breach",
                breach_day.as_deref(),
                owner,
            )
            .await?;
        tx.conn()
            .history_append(self.event(
                &ws.principal,
                &ws.workspace.id,
                "measure",
                METRICS.record_type,
                &metric.id,
                json!({"measurements": rows.len(), "last_value": last_value,
                       "last_at": format_instant(last_at), "level": level.key()}),
            ))
            .await?;
        // Each breach episode among the fresh values: one continuing the
        // episode running before the batch worsens it; a new one is kept;
        // an episode turning critical opens, once, what the metric asks for.
        let mut raised = Vec::new();
        let continuing_start = state
            .as_ref()
            .and_then(|s| s.episode_start)
            .filter(|_| before.is_breach());
        for (n, e) in aims_domain::metric::episodes(&fresh, &settings.thresholds)
            .into_iter()
            .enumerate()
        {
            let continued =
                n == 0 && before.is_breach() && fresh.first().is_some_and(|f| f.0 == e.start);
            let prior = if continued { before } else { Level::Normal };
            let worst = e.worst.max(prior);
            let opened = if e.worst == Level::Critical
                && prior != Level::Critical
                && settings.on_breach.opens_record()
            {
                let first = fresh
                    .iter()
                    .find(|p| p.0 >= e.start && settings.thresholds.level(p.1) == Level::Critical)
                    .copied()
                    .unwrap_or((e.start, last_value));
                Some(
                    self.raise_for_breach(&mut tx.conn(), ws, &metric, settings, first)
                        .await?,
                )
            } else {
                None
            };
            let worsened = match (continued, continuing_start) {
                (true, Some(start)) => {
                    tx.conn()
                        .metric_episode_worsen(&metric.id, start, worst.key(), opened.as_deref())
                        .await?
                }
                _ => false,
            };
            if !worsened {
                tx.conn()
                    .metric_episode_insert(
                        &new_id(),
                        &ws.workspace.id,
                        &metric.id,
                        e.start,
                        worst.key(),
                        opened.as_deref(),
                        &now,
                    )
                    .await?;
            }
            raised.extend(opened);
        }
        tx.commit().await?;
        Ok(Ingested {
            accepted: rows.len(),
            level,
            episodes_started: outcome.started,
            raised,
        })
    }

    /// Opens, inside the caller's transaction, the incident or
    /// nonconformity a critical episode asks for, linked to the metric;
    /// `first` is the episode's first critical value and its time.
    async fn raise_for_breach(
        &self,
        conn: &mut aims_store::Conn<'_>,
        ws: &Scope,
        metric: &aims_store::RecordRow,
        settings: MetricSettings,
        first: (i64, f64),
    ) -> Result<String> {
        let since = format_instant(first.0);
        let what = format!(
            "{} reached {} (critical threshold {}) on {}.",
            metric.title,
            first.1,
            settings
                .thresholds
                .critical
                .map_or("none".into(), |c| c.to_string()),
            since.get(..10).unwrap_or(&since)
        );
        let title: String = format!("Metric breach: {}", metric.title)
            .chars()
            .take(200)
            .collect();
        let (kind, fields, relation) = match settings.on_breach {
            OnBreach::Incident => (
                &INCIDENTS,
                json!({"title": title, "type": "incident", "status": "new",
                       "source": "monitoring", "description": what, "severity": "high"}),
                "related_to",
            ),
            _ => (
                &NONCONFORMITIES,
                json!({"title": title, "source": "metric", "status": "open", "description": what}),
                "raised",
            ),
        };
        let Some(map) = fields.as_object() else {
            return Err(AppError::Internal("breach fields".into()));
        };
        let raised = self.create_in(conn, ws, kind, Input::Json(map)).await?;
        let rel = aims_domain::record::relation(relation)
            .ok_or_else(|| AppError::Internal(format!("no relation {relation}")))?;
        self.insert_link(conn, ws, &METRICS, metric, rel, &raised)
            .await?;
        Ok(raised.id)
    }

    /// A metric's measurements in a range (Unix seconds), oldest first.
    pub async fn measurements(
        &self,
        ws: &Scope,
        metric_id: &str,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<MeasurementRow>> {
        let metric = self.record(ws, &METRICS, metric_id).await?;
        let mut c = self.store.conn().await?;
        Ok(c.conn()
            .measurements_of(
                &ws.workspace.id,
                &metric.id,
                from,
                to,
                limit.clamp(1, BATCH_MAX as i64),
            )
            .await?)
    }

    /// Where a metric stands now.
    pub async fn metric_status(&self, ws: &Scope, metric_id: &str) -> Result<MetricStatus> {
        let metric = self.record(ws, &METRICS, metric_id).await?;
        let settings = settings_of(&metric.fields);
        let mut c = self.store.conn().await?;
        let state = c.conn().metric_state(&metric.id).await?;
        let episodes = c
            .conn()
            .metric_episodes(&metric.id)
            .await?
            .into_iter()
            .map(|(at, worst, raised)| (format_instant(at), worst, raised))
            .collect();
        let now = parse_instant(&self.now()).unwrap_or(0);
        let created = parse_instant(&metric.created_at).unwrap_or(now);
        let last = state.as_ref().map(|s| s.last_at);
        Ok(MetricStatus {
            last_at: last.map(format_instant),
            last_value: state.as_ref().map(|s| s.last_value),
            level: state.as_ref().map_or(Level::Normal, |s| level_of(&s.level)),
            stale: settings
                .interval
                .is_some_and(|i| is_stale(last, created, i, now)),
            next_due: settings
                .interval
                .map(|i| format_instant(next_due(last, created, i))),
            count: state.as_ref().map_or(0, |s| s.count),
            episodes,
        })
    }

    /// A metric's chart over `[from, to]` (Unix seconds), downsampled to
    /// about `buckets` buckets without losing a breach.
    pub async fn metric_chart(
        &self,
        ws: &Scope,
        metric_id: &str,
        from: i64,
        to: i64,
        buckets: usize,
    ) -> Result<Chart> {
        let metric = self.record(ws, &METRICS, metric_id).await?;
        let settings = settings_of(&metric.fields);
        let (points, count) = {
            let mut c = self.store.conn().await?;
            let hours = c.conn().measurement_hours(&metric.id, from, to).await?;
            let count: i64 = hours.iter().map(|h| h.n).sum();
            if count <= RAW_CHART_MAX {
                let points = c
                    .conn()
                    .measurement_points(&ws.workspace.id, &metric.id, from, to)
                    .await?;
                let n = points.len();
                (points, n)
            } else {
                // Many values: their hours (first, lowest, highest, last
                // of each) stand for them, every extreme kept.
                (
                    aims_domain::metric::hours::points(&hours),
                    usize::try_from(count).unwrap_or(usize::MAX),
                )
            }
        };
        Ok(Chart {
            from,
            to,
            count,
            summary: summary(&points),
            points: downsample(&points, buckets.clamp(10, 2000), &settings.thresholds),
            thresholds: settings.thresholds,
            unit: text(&metric.fields, "unit").unwrap_or("").to_owned(),
        })
    }

    /// Brings a metric's own duties — the next value due and an open
    /// breach — in line with its record (owner, interval) after a change
    /// of the record, inside the caller's transaction.
    pub(crate) async fn metric_duties_refresh(
        &self,
        conn: &mut aims_store::Conn<'_>,
        ws: &Scope,
        metric: &aims_store::RecordRow,
    ) -> Result<()> {
        let settings = settings_of(&metric.fields);
        let state = conn.metric_state(&metric.id).await?;
        let created = parse_instant(&metric.created_at).unwrap_or(0);
        let day = |t: i64| format_instant(t).get(..10).unwrap_or_default().to_owned();
        let due = settings
            .interval
            .map(|i| day(next_due(state.as_ref().map(|s| s.last_at), created, i)));
        let owner = metric.owner_id.as_deref();
        conn.metric_duty_set(
            &ws.workspace.id,
            &metric.id,
            "value_due",
            due.as_deref(),
            owner,
        )
        .await?;
        let breach = state.and_then(|s| s.episode_start).map(day);
        conn.metric_duty_set(
            &ws.workspace.id,
            &metric.id,
            "breach",
            breach.as_deref(),
            owner,
        )
        .await?;
        Ok(())
    }
}
