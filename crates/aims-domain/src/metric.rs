//! Monitoring (9.1, A.6.2.6): metric thresholds, breach episodes, staleness and chart downsampling.
//!
//! A metric watches one quantity of an AI system (accuracy, drift, a
//! fairness gap, latency…). It has a unit, a [`Direction`] (whether higher
//! or lower values are better), a warning and a critical threshold (either
//! may be absent: [`Thresholds`]), the [`Interval`] at which a value is
//! expected, and what a breach does ([`OnBreach`]).
//!
//! Measurements are append-only: a wrong value is never edited but
//! corrected by a later [`Measurement`] that `supersedes` it, and
//! [`effective`] gives the series after corrections. A run of values at or
//! beyond a threshold is one breach [`Episode`]: a breach alerts, opens an
//! incident or a nonconformity once per episode, not once per value
//! ([`batch_outcome`] answers that question for the ingest path). A metric
//! with no value for longer than its interval is stale ([`is_stale`]), and
//! a chart of a year of values is thinned by [`downsample`] without losing
//! a breach.
//!
//! Times are Unix seconds (UTC), read from RFC 3339 text or a bare date by
//! [`parse_instant`] and written back by [`format_instant`]. Nothing here
//! reads a clock: "now" is passed in.

use crate::date::{add_days, day_number};
use crate::validation::FieldErrors;
use serde::Serialize;
use std::collections::HashMap;
use std::str::FromStr;

const DAY: i64 = 86_400;

/// Whether higher or lower values of a metric are better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Direction {
    /// Accuracy, recall: a value falling to a threshold breaches it.
    #[serde(rename = "higher")]
    HigherIsBetter,
    /// Drift, error rate, latency, a fairness gap: a value rising to a
    /// threshold breaches it.
    #[serde(rename = "lower")]
    LowerIsBetter,
}

impl Direction {
    /// Both directions, in the order a form offers them.
    pub const ALL: [Direction; 2] = [Direction::HigherIsBetter, Direction::LowerIsBetter];

    /// Its name in the API and the database: `higher` or `lower`.
    pub fn key(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher",
            Direction::LowerIsBetter => "lower",
        }
    }

    /// How a form shows it.
    pub fn label(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "Higher is better",
            Direction::LowerIsBetter => "Lower is better",
        }
    }
}

impl FromStr for Direction {
    type Err = String;
    /// Reads a [`Direction::key`], exactly.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Direction::ALL
            .into_iter()
            .find(|d| d.key() == s)
            .ok_or_else(|| "must be one of higher, lower".to_owned())
    }
}

/// How often a metric is expected to get a value. The lengths are
/// generous (a month is 31 days, a quarter 92, a year 366) so that a
/// metric reported on the last day of every month is never stale early.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    Hourly,
    Daily,
    Weekly,
    Monthly,
    Quarterly,
    Yearly,
}

impl Interval {
    /// Every interval, shortest first.
    pub const ALL: [Interval; 6] = [
        Interval::Hourly,
        Interval::Daily,
        Interval::Weekly,
        Interval::Monthly,
        Interval::Quarterly,
        Interval::Yearly,
    ];

    /// Its name in the API and the database (`hourly` … `yearly`).
    pub fn key(self) -> &'static str {
        match self {
            Interval::Hourly => "hourly",
            Interval::Daily => "daily",
            Interval::Weekly => "weekly",
            Interval::Monthly => "monthly",
            Interval::Quarterly => "quarterly",
            Interval::Yearly => "yearly",
        }
    }

    /// How a form shows it.
    pub fn label(self) -> &'static str {
        match self {
            Interval::Hourly => "Every hour",
            Interval::Daily => "Every day",
            Interval::Weekly => "Every week",
            Interval::Monthly => "Every month",
            Interval::Quarterly => "Every quarter",
            Interval::Yearly => "Every year",
        }
    }

    /// Its length in seconds: an hour, a day, 7 days, 31 days, 92 days or
    /// 366 days.
    pub fn seconds(self) -> i64 {
        match self {
            Interval::Hourly => 3_600,
            Interval::Daily => DAY,
            Interval::Weekly => 7 * DAY,
            Interval::Monthly => 31 * DAY,
            Interval::Quarterly => 92 * DAY,
            Interval::Yearly => 366 * DAY,
        }
    }
}

impl FromStr for Interval {
    type Err = String;
    /// Reads an [`Interval::key`], exactly.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Interval::ALL
            .into_iter()
            .find(|i| i.key() == s)
            .ok_or_else(|| {
                "must be one of hourly, daily, weekly, monthly, quarterly, yearly".to_owned()
            })
    }
}

/// What a breach of a metric does, once per breach [`Episode`] (never once
/// per value). Every episode alerts; an incident or a nonconformity is
/// opened for an episode that reaches the critical level, so a metric
/// without a critical threshold only ever alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnBreach {
    /// Notify the metric's owner, nothing more.
    Alert,
    /// Also open an AI incident (A.8.4) for a critical episode.
    Incident,
    /// Also open a nonconformity (10.2) for a critical episode.
    Nonconformity,
}

impl OnBreach {
    /// Every choice, the mildest first.
    pub const ALL: [OnBreach; 3] = [OnBreach::Alert, OnBreach::Incident, OnBreach::Nonconformity];

    /// Its name in the API and the database.
    pub fn key(self) -> &'static str {
        match self {
            OnBreach::Alert => "alert",
            OnBreach::Incident => "incident",
            OnBreach::Nonconformity => "nonconformity",
        }
    }

    /// How a form shows it.
    pub fn label(self) -> &'static str {
        match self {
            OnBreach::Alert => "Alert only",
            OnBreach::Incident => "Open an incident",
            OnBreach::Nonconformity => "Open a nonconformity",
        }
    }

    /// Whether a critical episode opens a record (an incident or a
    /// nonconformity) rather than only alerting.
    pub fn opens_record(self) -> bool {
        match self {
            OnBreach::Alert => false,
            OnBreach::Incident | OnBreach::Nonconformity => true,
        }
    }
}

impl FromStr for OnBreach {
    type Err = String;
    /// Reads an [`OnBreach::key`], exactly.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OnBreach::ALL
            .into_iter()
            .find(|o| o.key() == s)
            .ok_or_else(|| "must be one of alert, incident, nonconformity".to_owned())
    }
}

/// How bad a value is. The order is the severity: `Normal < Warning <
/// Critical`, so the worst of several levels is their maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Within both thresholds (or the metric has none).
    Normal,
    /// At or beyond the warning threshold, not at the critical one.
    Warning,
    /// At or beyond the critical threshold.
    Critical,
}

impl Level {
    /// Every level, the best first.
    pub const ALL: [Level; 3] = [Level::Normal, Level::Warning, Level::Critical];

    /// Its name in the API: `normal`, `warning` or `critical`.
    pub fn key(self) -> &'static str {
        match self {
            Level::Normal => "normal",
            Level::Warning => "warning",
            Level::Critical => "critical",
        }
    }

    /// Whether the value breaches a threshold (warning or critical).
    pub fn is_breach(self) -> bool {
        self != Level::Normal
    }
}

/// A metric's thresholds and the direction that gives them their sense.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    /// A value at or beyond it is at least a warning; `None`: no warning level.
    pub warning: Option<f64>,
    /// A value at or beyond it is critical; `None`: no critical level.
    pub critical: Option<f64>,
    pub direction: Direction,
}

impl Thresholds {
    /// Checks the thresholds before they are stored: each must be a finite
    /// number, and the critical one must be at least as bad as the warning
    /// one: not above it when higher is better, not below it when lower is
    /// better. Equal thresholds are allowed (every breach is then critical).
    /// Errors name the fields `warning` and `critical`.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        for (field, value) in [("warning", self.warning), ("critical", self.critical)] {
            if value.is_some_and(|v| !v.is_finite()) {
                e.add(field, "must be a finite number");
            }
        }
        if let (Some(w), Some(c)) = (self.warning, self.critical) {
            match self.direction {
                Direction::HigherIsBetter if c > w => e.add(
                    "critical",
                    "must not be above the warning threshold: higher values are better, so the critical threshold is the lower one",
                ),
                Direction::LowerIsBetter if c < w => e.add(
                    "critical",
                    "must not be below the warning threshold: lower values are better, so the critical threshold is the higher one",
                ),
                _ => {}
            }
        }
        e.into_result()
    }

    /// The level of `value`. A value exactly at a threshold counts as
    /// reaching it: with higher-is-better and a warning at 0.9, 0.9 is a
    /// warning and 0.9001 is normal; with lower-is-better and a critical
    /// threshold at 200 ms, 200 ms is critical. The critical threshold is
    /// checked first, so even thresholds in the wrong order give the worse
    /// level. A value that is not a number (NaN, which [`validate_value`]
    /// refuses) reaches no threshold.
    ///
    /// The level never gets better as a value gets worse (it is monotone in
    /// the value), which is what lets [`downsample`] keep every breach by
    /// keeping each bucket's extremes.
    pub fn level(&self, value: f64) -> Level {
        let reaches = |threshold: f64| match self.direction {
            Direction::HigherIsBetter => value <= threshold,
            Direction::LowerIsBetter => value >= threshold,
        };
        if self.critical.is_some_and(reaches) {
            Level::Critical
        } else if self.warning.is_some_and(reaches) {
            Level::Warning
        } else {
            Level::Normal
        }
    }
}

/// Checks a measured value before it is stored: it must be a finite number
/// (not NaN, not infinite). The error names the field `value`.
pub fn validate_value(value: f64) -> Result<(), FieldErrors> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(FieldErrors::single("value", "must be a finite number"))
    }
}

/// The latest instant aims reads or writes: 9999-12-31T23:59:59Z. The
/// earliest is 0, 1970-01-01T00:00:00Z.
pub const MAX_INSTANT: i64 = 253_402_300_799;

/// Reads a time as Unix seconds (UTC). Accepted forms:
///
/// - a date `YYYY-MM-DD`, meaning midnight UTC at its start;
/// - RFC 3339 `YYYY-MM-DDTHH:MM:SS` followed by `Z` or an offset `+hh:mm`
///   / `-hh:mm`, with optional fractional seconds after a dot (truncated:
///   `12:00:00.999Z` is 12:00:00). As RFC 3339 allows, the `T` may be a
///   lowercase `t` or a space and the `Z` a lowercase `z`.
///
/// Surrounding white space is ignored. `None` for anything else: a time
/// without a zone (it does not say which instant it is), an impossible
/// date (February 30th), an hour from 24, a minute or second from 60
/// (leap seconds included), an offset of 24 hours or more, or an instant
/// outside 1970-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z.
pub fn parse_instant(s: &str) -> Option<i64> {
    let s = s.trim();
    let date = s.get(..10)?;
    let rest = s.get(10..)?;
    let day = day_number(date)?;
    let (time, offset) = if rest.is_empty() {
        (0, 0)
    } else {
        parse_time(rest.as_bytes())?
    };
    let at = day.checked_mul(DAY)? + time - offset;
    (0..=MAX_INSTANT).contains(&at).then_some(at)
}

/// Two ASCII digits at `i` as a number.
fn two_digits(b: &[u8], i: usize) -> Option<i64> {
    match (b.get(i), b.get(i + 1)) {
        (Some(&h), Some(&l)) if h.is_ascii_digit() && l.is_ascii_digit() => {
            Some(i64::from(h - b'0') * 10 + i64::from(l - b'0'))
        }
        _ => None,
    }
}

/// `hh`, `:` and `mm` at `i` as seconds, for hours below 24 and minutes
/// below 60.
fn hours_minutes(b: &[u8], i: usize) -> Option<i64> {
    let h = two_digits(b, i)?;
    let m = two_digits(b, i + 3)?;
    (b.get(i + 2) == Some(&b':') && h < 24 && m < 60).then_some(h * 3_600 + m * 60)
}

/// The part of an RFC 3339 time after the date (`THH:MM:SS[.f…](Z|±hh:mm)`)
/// as seconds into the day and the zone's offset east of UTC in seconds.
fn parse_time(b: &[u8]) -> Option<(i64, i64)> {
    if !matches!(b.first(), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let hm = hours_minutes(b, 1)?;
    let sec = two_digits(b, 7)?;
    if b.get(6) != Some(&b':') || sec >= 60 {
        return None;
    }
    let mut i = 9;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let digits = b.iter().skip(i).take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        i += digits;
    }
    let offset = match b.get(i) {
        Some(b'Z' | b'z') if b.len() == i + 1 => 0,
        Some(b'+') if b.len() == i + 6 => hours_minutes(b, i + 1)?,
        Some(b'-') if b.len() == i + 6 => -hours_minutes(b, i + 1)?,
        _ => return None,
    };
    Some((hm + sec, offset))
}

/// Writes Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`. Instants outside the
/// range [`parse_instant`] reads are written as its nearest end
/// (1970-01-01T00:00:00Z or 9999-12-31T23:59:59Z).
pub fn format_instant(at: i64) -> String {
    let at = at.clamp(0, MAX_INSTANT);
    let date = add_days("1970-01-01", at / DAY).unwrap_or_default();
    let secs = at % DAY;
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

/// One stored value of a metric. Measurements are append-only: a wrong
/// one is corrected by a later measurement that names it in `supersedes`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measurement {
    /// Unique among the metric's measurements.
    pub id: String,
    /// When the value was measured (Unix seconds).
    pub measured_at: i64,
    /// When aims recorded it (Unix seconds).
    pub recorded_at: i64,
    /// The value, a finite number ([`validate_value`]).
    pub value: f64,
    /// The id of an earlier measurement this one corrects.
    pub supersedes: Option<String>,
}

/// Which reading a measurement belongs to: the original at the start of
/// its correction chain, or the id named by a correction whose original is
/// not in the slice.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Reading<'a> {
    Stored(usize),
    Missing(&'a str),
}

/// The series after corrections, in time order.
///
/// A measurement and every measurement that corrects it, directly or
/// through other corrections, are versions of one reading, and one version
/// stands: the one no other measurement supersedes, so a chain of
/// corrections resolves to its last link. When two corrections supersede
/// the same measurement, the one recorded last stands (by `recorded_at`,
/// then by position in `measurements`); corrections of an id that is not
/// in `measurements` count as versions of that one reading too. Loops of
/// corrections, which append-only storage cannot produce, keep the version
/// recorded last. Ids are expected to be unique; were one repeated, a
/// correction would refer to its first holder.
///
/// The result is sorted by `measured_at`, then in recorded order
/// (`recorded_at`, then position). O(n) apart from the sort.
pub fn effective(measurements: &[Measurement]) -> Vec<&Measurement> {
    let n = measurements.len();
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(n);
    for (i, m) in measurements.iter().enumerate() {
        index.entry(m.id.as_str()).or_insert(i);
    }
    let parent: Vec<Option<usize>> = measurements
        .iter()
        .map(|m| {
            m.supersedes
                .as_deref()
                .and_then(|id| index.get(id).copied())
        })
        .collect();
    let mut superseded = vec![false; n];
    for p in parent.iter().flatten() {
        superseded[*p] = true;
    }
    // The first measurement of each one's chain, found once per
    // measurement: a walk stops at a measurement whose root is known.
    let mut root: Vec<Option<usize>> = vec![None; n];
    let mut on_path = vec![false; n];
    let mut path = Vec::new();
    for start in 0..n {
        let mut i = start;
        let r = loop {
            if let Some(r) = root[i] {
                break r;
            }
            if on_path[i] {
                break i; // a loop of corrections
            }
            on_path[i] = true;
            path.push(i);
            match parent[i] {
                Some(p) => i = p,
                None => break i,
            }
        };
        for j in path.drain(..) {
            root[j] = Some(r);
            on_path[j] = false;
        }
    }
    let rank = |i: usize| (!superseded[i], measurements[i].recorded_at, i);
    let mut standing: HashMap<Reading, usize> = HashMap::with_capacity(n);
    for (i, r) in root.iter().enumerate() {
        let r = r.unwrap_or(i);
        let reading = match (parent[r], measurements[r].supersedes.as_deref()) {
            (None, Some(missing)) => Reading::Missing(missing),
            _ => Reading::Stored(r),
        };
        let best = standing.entry(reading).or_insert(i);
        *best = std::cmp::max_by_key(*best, i, |&j| rank(j));
    }
    let mut kept: Vec<usize> = standing.into_values().collect();
    kept.sort_unstable_by_key(|&i| {
        let m = &measurements[i];
        (m.measured_at, m.recorded_at, i)
    });
    kept.into_iter().map(|i| &measurements[i]).collect()
}

/// A breach episode: a maximal run of consecutive values at or beyond the
/// warning threshold (or the critical one, when there is no warning
/// threshold). A breach alerts, opens an incident or a nonconformity once
/// per episode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Episode {
    /// When its first value was measured.
    pub start: i64,
    /// When the first normal value after it was measured; `None` while the
    /// episode is ongoing.
    pub end: Option<i64>,
    /// The worst level it reached: `Warning` or `Critical`.
    pub worst: Level,
    /// How many values it holds.
    pub points: usize,
}

/// The breach episodes of a series of `(measured_at, value)` in time
/// order (as [`effective`] gives them), oldest first; only the last may be
/// ongoing.
pub fn episodes(series: &[(i64, f64)], t: &Thresholds) -> Vec<Episode> {
    let mut out = Vec::new();
    let mut current: Option<Episode> = None;
    for &(at, value) in series {
        let level = t.level(value);
        if !level.is_breach() {
            if let Some(mut e) = current.take() {
                e.end = Some(at);
                out.push(e);
            }
        } else if let Some(e) = current.as_mut() {
            e.worst = e.worst.max(level);
            e.points += 1;
        } else {
            current = Some(Episode {
                start: at,
                end: None,
                worst: level,
                points: 1,
            });
        }
    }
    out.extend(current);
    out
}

/// The worst level of the episode ongoing at the end of `series` (in time
/// order); `Normal` when its last value is normal or it has none. This is
/// the `before` that [`batch_outcome`] takes.
pub fn ongoing_worst(series: &[(i64, f64)], t: &Thresholds) -> Level {
    series
        .iter()
        .rev()
        .map(|&(_, value)| t.level(value))
        .take_while(|l| l.is_breach())
        .max()
        .unwrap_or(Level::Normal)
}

/// Whether a value at level `new` opens a breach episode after a value at
/// level `previous` (`None`: the metric had no value yet): it breaches and
/// the value before it did not.
pub fn opens_episode(previous: Option<Level>, new: Level) -> bool {
    new.is_breach() && !previous.is_some_and(Level::is_breach)
}

/// Whether a value at level `new` makes its episode critical for the first
/// time, given `episode_worst`, the worst level of the episode ongoing
/// before it (`Normal` when none is): it is critical and the episode was
/// not critical yet. A value that opens an episode at the critical level
/// counts; a second critical value of an episode that went critical,
/// eased to warning and worsened again does not.
pub fn newly_critical(episode_worst: Level, new: Level) -> bool {
    new == Level::Critical && episode_worst != Level::Critical
}

/// What a batch of new values did to a metric's breach episodes (see
/// [`batch_outcome`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BatchOutcome {
    /// The level of the batch's last value; `None` for an empty batch.
    pub last_level: Option<Level>,
    /// The worst level of the episode ongoing after the batch, `Normal`
    /// when none is: the `before` of the next batch.
    pub ongoing_worst: Level,
    /// Episodes that began within the batch: each alerts once.
    pub started: usize,
    /// Episodes that ended within the batch (a normal value followed a
    /// breach), including one that was ongoing before it.
    pub ended: usize,
    /// Episodes that reached the critical level for the first time within
    /// the batch: those that began in it and reached critical, plus the
    /// episode ongoing at warning before it if it escalated. Each one
    /// opens one record when the metric [`OnBreach::opens_record`].
    pub became_critical: usize,
}

impl BatchOutcome {
    /// How many incidents or nonconformities to open for the batch: one per
    /// episode that became critical in it, none when the metric only
    /// alerts.
    pub fn records_to_open(&self, on_breach: OnBreach) -> usize {
        if on_breach.opens_record() {
            self.became_critical
        } else {
            0
        }
    }
}

/// The outcome of recording `values` (in time order, all measured after
/// the metric's earlier values) when `before` is the worst level of the
/// episode ongoing before them (`Normal` when none is, or when the metric
/// has no value yet; [`ongoing_worst`] of the earlier series, or the
/// previous batch's [`BatchOutcome::ongoing_worst`]).
///
/// `before` is the episode's worst level and not merely the last value's
/// level: an episode that went critical, eased to warning and goes critical
/// again in this batch has already opened its record, and must not open a
/// second one. An episode ongoing at warning before the batch that reaches
/// critical within it counts once in `became_critical` (and not in
/// `started`).
///
/// This judges values arriving in order. A late value measured before
/// earlier ones, or a correction, changes the history but opens or closes
/// nothing here.
pub fn batch_outcome(before: Level, values: &[f64], t: &Thresholds) -> BatchOutcome {
    let mut out = BatchOutcome {
        last_level: None,
        ongoing_worst: before,
        started: 0,
        ended: 0,
        became_critical: 0,
    };
    for &value in values {
        let level = t.level(value);
        let worst = out.ongoing_worst;
        if !level.is_breach() {
            out.ended += usize::from(worst.is_breach());
        }
        out.started += usize::from(opens_episode(Some(worst), level));
        out.became_critical += usize::from(newly_critical(worst, level));
        out.ongoing_worst = if level.is_breach() {
            worst.max(level)
        } else {
            Level::Normal
        };
        out.last_level = Some(level);
    }
    out
}

/// When the next value of a metric is due: one interval after its last
/// value was measured, or after the metric was created when it has none.
pub fn next_due(last_measured_at: Option<i64>, created_at: i64, interval: Interval) -> i64 {
    last_measured_at
        .unwrap_or(created_at)
        .saturating_add(interval.seconds())
}

/// Whether a metric is stale at `now`: its next value ([`next_due`]) is
/// overdue. At the due instant itself it is not stale yet; one second
/// later it is. A metric with no value yet is stale once an interval has
/// passed since it was created. Only the last measured time counts: a
/// metric whose newest value is old (history loaded from elsewhere) is
/// stale even if it was created today.
pub fn is_stale(
    last_measured_at: Option<i64>,
    created_at: i64,
    interval: Interval,
    now: i64,
) -> bool {
    now > next_due(last_measured_at, created_at, interval)
}

/// One point of a chart, with the level that colours it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ChartPoint {
    pub at: i64,
    pub value: f64,
    pub level: Level,
}

/// The points of a chart of `points` (`(measured_at, value)` in time
/// order), at most `4 * buckets` of them (`buckets` of 0 is taken as 1).
///
/// Up to `4 * buckets` points are returned whole. Beyond that the time
/// from the first point to the last is cut into `buckets` equal spans
/// (bucket `k` holds the points with `(at - first) * buckets / (last -
/// first + 1) == k`), and each non-empty bucket keeps its first point, its
/// lowest and highest value (the earliest one on a tie) and its last point,
/// each once, in time order.
///
/// Because a value's level only worsens as the value worsens, a bucket's
/// lowest or highest value carries its worst level: every bucket holding a
/// warning or critical point keeps one at that level, so a breach in the
/// data is never smoothed away, and the first and last points of the
/// series are always kept.
///
/// One pass, O(n + buckets), allocating only the result. Points out of
/// time order are not lost, but the buckets they land in are then not
/// meaningful.
pub fn downsample(points: &[(i64, f64)], buckets: usize, t: &Thresholds) -> Vec<ChartPoint> {
    let chart = |&(at, value): &(i64, f64)| ChartPoint {
        at,
        value,
        level: t.level(value),
    };
    let buckets = buckets.max(1);
    let (Some(&(first_at, first_value)), Some(&(last_at, _))) = (points.first(), points.last())
    else {
        return Vec::new();
    };
    if points.len() <= buckets.saturating_mul(4) {
        return points.iter().map(chart).collect();
    }
    let b = i128::try_from(buckets).unwrap_or(i128::MAX);
    let width = (i128::from(last_at) - i128::from(first_at) + 1).max(1);
    // Bucket k starts at the first instant whose bucket number is k:
    // first + ceil(k * width / b).
    let start_of = |k: i128| i128::from(first_at) + (k.saturating_mul(width) + b - 1) / b;
    let mut out = Vec::with_capacity(buckets.saturating_mul(4));
    let mut push = |ix: [usize; 4]| {
        let mut ix = ix;
        ix.sort_unstable();
        let mut previous = None;
        for i in ix {
            if previous != Some(i) {
                out.extend(points.get(i).map(chart));
            }
            previous = Some(i);
        }
    };
    // The first instant past bucket k, or never for the last bucket.
    let end_of = |k: i128| {
        if k + 1 < b {
            start_of(k + 1)
        } else {
            i128::MAX
        }
    };
    let mut next_start = end_of(0);
    let (mut first, mut low, mut high) = (0, 0, 0);
    let (mut low_value, mut high_value) = (first_value, first_value);
    for (i, &(at, value)) in points.iter().enumerate().skip(1) {
        let at = i128::from(at);
        if at >= next_start {
            push([first, low, high, i - 1]);
            (first, low, high) = (i, i, i);
            (low_value, high_value) = (value, value);
            next_start = end_of((at - i128::from(first_at)).saturating_mul(b) / width);
        } else {
            if value < low_value {
                (low, low_value) = (i, value);
            }
            if value > high_value {
                (high, high_value) = (i, value);
            }
        }
    }
    push([first, low, high, points.len() - 1]);
    out
}

/// The figures a metric's page shows next to its chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// The last point of the series.
    pub last_at: i64,
    pub last: f64,
    /// The lowest and highest values.
    pub min: f64,
    pub max: f64,
    /// How many values the series holds.
    pub count: usize,
}

/// The summary of a series of `(measured_at, value)` in time order;
/// `None` when it is empty.
pub fn summary(series: &[(i64, f64)]) -> Option<Summary> {
    let &(last_at, last) = series.last()?;
    let mut s = Summary {
        last_at,
        last,
        min: last,
        max: last,
        count: series.len(),
    };
    for &(_, value) in series {
        s.min = s.min.min(value);
        s.max = s.max.max(value);
    }
    Some(s)
}

#[cfg(test)]
mod tests;

pub mod fields;
pub mod hours;
