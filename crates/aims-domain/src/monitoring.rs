//! Monitoring reports (issue #13): the fairness and drift reports that
//! `aims monitor fairness|drift` computes from prediction logs and files on
//! an AI system. [`read_report`] checks a report's shape — every field the
//! server reads, named by its path (`groupings[0].groups[2].count`) when it
//! is wrong — and reads it into plain data; [`Report::summary`] is the short
//! line kept beside it; [`Report::period`] the log's time range. Numbers the
//! tool could not compute (NaN, infinities) arrive as `null` and stay `None`.

use crate::validation::FieldErrors;
use serde_json::{Map, Value};

/// The two kinds of report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportKind {
    Fairness,
    Drift,
}

impl ReportKind {
    pub const ALL: [ReportKind; 2] = [ReportKind::Fairness, ReportKind::Drift];

    /// The name the report's `kind` holds and the store keeps.
    pub fn key(self) -> &'static str {
        match self {
            ReportKind::Fairness => "fairness",
            ReportKind::Drift => "drift",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportKind::Fairness => "Fairness",
            ReportKind::Drift => "Drift",
        }
    }

    pub fn parse(s: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.key() == s)
    }
}

/// The longest time text (a log's first or last time) kept beside a report.
pub const TIME_MAX_CHARS: usize = 64;
/// The longest summary line.
pub const SUMMARY_MAX_CHARS: usize = 200;
/// At most this many problems are named for one report.
const ERRORS_MAX: usize = 50;

/// A log file as the report describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogInput {
    pub file: String,
    pub rows: u64,
    pub rows_used: u64,
    /// The first and last time in the log, as written there.
    pub time_range: Option<(String, String)>,
}

/// A group's (or all rows') rates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rates {
    pub count: u64,
    pub selection_rate: Option<f64>,
    pub accuracy: Option<f64>,
    pub true_positive_rate: Option<f64>,
    pub false_positive_rate: Option<f64>,
}

/// One group of a grouping: its values of the sensitive columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group {
    pub values: Vec<String>,
    pub rates: Rates,
}

/// The groups of one sensitive column (or of several together) and how far
/// apart they are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grouping {
    pub sensitive: Vec<String>,
    pub groups: Vec<Group>,
    pub demographic_parity_difference: Option<f64>,
    pub demographic_parity_ratio: Option<f64>,
    pub equalized_odds_difference: Option<f64>,
    pub equalized_odds_ratio: Option<f64>,
}

impl Grouping {
    /// The sensitive columns as people read them: `sex × race`.
    pub fn name(&self) -> String {
        self.sensitive.join(" × ")
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fairness {
    pub input: LogInput,
    pub label: String,
    pub prediction: String,
    pub positive: String,
    pub negative: String,
    pub overall: Rates,
    pub groupings: Vec<Grouping>,
}

/// One column's drift between the reference and the current log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DriftColumn {
    pub column: String,
    /// `numeric` or `categorical`.
    pub kind: String,
    /// The test behind the verdict: `psi`, `jensenshannon`, `wasserstein`, `ks`.
    pub stattest: String,
    pub threshold: Option<f64>,
    pub score: Option<f64>,
    pub drifted: bool,
    pub psi: Option<f64>,
    pub jensenshannon: Option<f64>,
    pub ks_pvalue: Option<f64>,
    pub wasserstein_norm: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Drift {
    pub reference: LogInput,
    pub current: LogInput,
    pub columns: Vec<DriftColumn>,
    pub drifted_columns: u64,
    pub share_drifted: Option<f64>,
}

impl Drift {
    /// The columns whose test says they drifted.
    pub fn drifted(&self) -> impl Iterator<Item = &DriftColumn> {
        self.columns.iter().filter(|c| c.drifted)
    }
}

/// A report read.
#[derive(Debug, Clone, PartialEq)]
pub enum Report {
    Fairness(Fairness),
    Drift(Drift),
}

impl Report {
    pub fn kind(&self) -> ReportKind {
        match self {
            Report::Fairness(_) => ReportKind::Fairness,
            Report::Drift(_) => ReportKind::Drift,
        }
    }

    /// The period the report covers: a fairness log's time range, a drift
    /// report's current log's.
    pub fn period(&self) -> Option<(&str, &str)> {
        let input = match self {
            Report::Fairness(f) => &f.input,
            Report::Drift(d) => &d.current,
        };
        input
            .time_range
            .as_ref()
            .map(|(from, to)| (from.as_str(), to.as_str()))
    }

    /// One line saying what the report found: the largest demographic
    /// parity difference and its grouping (`demographic parity difference
    /// 0.1200 (sex × race)`), or how many columns drifted (`3 of 10 columns
    /// drifted: age, income, zip`).
    pub fn summary(&self) -> String {
        let line = match self {
            Report::Fairness(f) => fairness_summary(f),
            Report::Drift(d) => drift_summary(d),
        };
        cut(&line, SUMMARY_MAX_CHARS)
    }
}

fn fairness_summary(f: &Fairness) -> String {
    let worst = f
        .groupings
        .iter()
        .filter_map(|g| g.demographic_parity_difference.map(|d| (d, g)))
        // The largest; of equals, the last (the most columns together).
        .fold(None::<(f64, &Grouping)>, |best, (d, g)| match best {
            Some((b, _)) if b > d => best,
            _ => Some((d, g)),
        });
    match worst {
        Some((d, g)) => format!("demographic parity difference {d:.4} ({})", g.name()),
        None if f.groupings.is_empty() => "no groupings".to_owned(),
        None => "no demographic parity difference could be computed".to_owned(),
    }
}

fn drift_summary(d: &Drift) -> String {
    let names: Vec<&str> = d.drifted().map(|c| c.column.as_str()).collect();
    let mut line = format!(
        "{} of {} column{} drifted",
        names.len(),
        d.columns.len(),
        if d.columns.len() == 1 { "" } else { "s" }
    );
    if !names.is_empty() {
        line.push_str(": ");
        line.push_str(&names.iter().take(3).copied().collect::<Vec<_>>().join(", "));
        if names.len() > 3 {
            line.push_str(", …");
        }
    }
    line
}

/// `s` cut to `max` characters, an ellipsis marking the cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A number as the page shows it: four decimals, or a dash for none.
pub fn decimal(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:.4}"),
        _ => "—".to_owned(),
    }
}

/// Checks a report and reads it; every problem is named by its path.
pub fn read_report(v: &Value) -> Result<Report, FieldErrors> {
    let mut r = Reader::default();
    let Some(top) = v.as_object() else {
        r.add("body", "must be a JSON object: a fairness or drift report");
        return Err(r.errors);
    };
    let kind = match top.get("kind") {
        None | Some(Value::Null) => {
            r.add("kind", "is required: fairness or drift");
            return Err(r.errors);
        }
        Some(Value::String(s)) => ReportKind::parse(s),
        Some(_) => None,
    };
    let report = match kind {
        Some(ReportKind::Fairness) => Report::Fairness(r.fairness(top)),
        Some(ReportKind::Drift) => Report::Drift(r.drift(top)),
        None => {
            r.add("kind", "must be fairness or drift");
            return Err(r.errors);
        }
    };
    r.errors.into_result().map(|()| report)
}

/// Reads fields out of JSON objects, noting what is missing or of the
/// wrong type under the field's path.
#[derive(Default)]
struct Reader {
    errors: FieldErrors,
    count: usize,
}

fn path(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_owned()
    } else {
        format!("{base}.{key}")
    }
}

impl Reader {
    fn add(&mut self, field: &str, message: &str) {
        if self.count < ERRORS_MAX {
            self.errors.add(field, message);
        }
        self.count += 1;
    }

    fn object<'v>(&mut self, v: Option<&'v Value>, at: &str) -> Option<&'v Map<String, Value>> {
        match v {
            Some(Value::Object(o)) => Some(o),
            None | Some(Value::Null) => {
                self.add(at, "is required");
                None
            }
            Some(_) => {
                self.add(at, "must be an object");
                None
            }
        }
    }

    fn text(&mut self, o: &Map<String, Value>, base: &str, key: &str) -> String {
        match o.get(key) {
            Some(Value::String(s)) => s.clone(),
            None | Some(Value::Null) => {
                self.add(&path(base, key), "is required");
                String::new()
            }
            Some(_) => {
                self.add(&path(base, key), "must be text");
                String::new()
            }
        }
    }

    fn count(&mut self, o: &Map<String, Value>, base: &str, key: &str) -> u64 {
        match o.get(key) {
            Some(Value::Number(n)) if n.as_u64().is_some() => n.as_u64().unwrap_or(0),
            // A whole number written as a float (`173.0`) counts too.
            Some(Value::Number(n))
                if n.as_f64()
                    .is_some_and(|f| f >= 0.0 && f.fract() == 0.0 && f < 1e18) =>
            {
                n.as_f64().map_or(0, |f| f as u64)
            }
            None | Some(Value::Null) => {
                self.add(&path(base, key), "is required");
                0
            }
            Some(_) => {
                self.add(&path(base, key), "must be a whole number, 0 or more");
                0
            }
        }
    }

    /// A number that must be there, `null` when it could not be computed.
    fn number(&mut self, o: &Map<String, Value>, base: &str, key: &str) -> Option<f64> {
        if !o.contains_key(key) {
            self.add(&path(base, key), "is required (null when not computed)");
            return None;
        }
        self.optional_number(o, base, key)
    }

    /// A number that may be left out or `null`.
    fn optional_number(&mut self, o: &Map<String, Value>, base: &str, key: &str) -> Option<f64> {
        match o.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => n.as_f64(),
            Some(_) => {
                self.add(&path(base, key), "must be a number or null");
                None
            }
        }
    }

    fn flag(&mut self, o: &Map<String, Value>, base: &str, key: &str) -> bool {
        match o.get(key) {
            Some(Value::Bool(b)) => *b,
            None | Some(Value::Null) => {
                self.add(&path(base, key), "is required");
                false
            }
            Some(_) => {
                self.add(&path(base, key), "must be true or false");
                false
            }
        }
    }

    fn list<'v>(&mut self, o: &'v Map<String, Value>, base: &str, key: &str) -> &'v [Value] {
        match o.get(key) {
            Some(Value::Array(a)) => a,
            None | Some(Value::Null) => {
                self.add(&path(base, key), "is required");
                &[]
            }
            Some(_) => {
                self.add(&path(base, key), "must be a list");
                &[]
            }
        }
    }

    /// A list of names or values: text, or numbers and yes/no written as text.
    fn names(&mut self, o: &Map<String, Value>, base: &str, key: &str) -> Vec<String> {
        let at = path(base, key);
        let items = self.list(o, base, key);
        let mut out = Vec::with_capacity(items.len());
        for (i, v) in items.iter().enumerate() {
            match v {
                Value::String(s) => out.push(s.clone()),
                Value::Number(n) => out.push(n.to_string()),
                Value::Bool(b) => out.push(b.to_string()),
                _ => self.add(&format!("{at}[{i}]"), "must be text"),
            }
        }
        out
    }

    fn input(&mut self, top: &Map<String, Value>, key: &str) -> LogInput {
        let Some(o) = self.object(top.get(key), key) else {
            return LogInput::default();
        };
        let time_range = match o.get("time_range") {
            None | Some(Value::Null) => None,
            Some(Value::Object(t)) => {
                let at = path(key, "time_range");
                let from = self.text(t, &at, "from");
                let to = self.text(t, &at, "to");
                for (name, v) in [("from", &from), ("to", &to)] {
                    if v.chars().count() > TIME_MAX_CHARS {
                        self.add(
                            &path(&at, name),
                            &format!("must be at most {TIME_MAX_CHARS} characters"),
                        );
                    }
                }
                Some((from, to))
            }
            Some(_) => {
                self.add(&path(key, "time_range"), "must be an object");
                None
            }
        };
        LogInput {
            file: self.text(o, key, "file"),
            rows: self.count(o, key, "rows"),
            rows_used: self.count(o, key, "rows_used"),
            time_range,
        }
    }

    fn rates(&mut self, o: &Map<String, Value>, at: &str) -> Rates {
        Rates {
            count: self.count(o, at, "count"),
            selection_rate: self.number(o, at, "selection_rate"),
            accuracy: self.number(o, at, "accuracy"),
            true_positive_rate: self.number(o, at, "true_positive_rate"),
            false_positive_rate: self.number(o, at, "false_positive_rate"),
        }
    }

    fn fairness(&mut self, top: &Map<String, Value>) -> Fairness {
        let input = self.input(top, "input");
        let overall = match self.object(top.get("overall"), "overall") {
            Some(o) => self.rates(o, "overall"),
            None => Rates::default(),
        };
        let mut groupings = vec![];
        for (i, g) in self.list(top, "", "groupings").iter().enumerate() {
            let at = format!("groupings[{i}]");
            let Some(g) = self.object(Some(g), &at) else {
                continue;
            };
            let mut groups = vec![];
            for (j, group) in self.list(g, &at, "groups").iter().enumerate() {
                let at = format!("{at}.groups[{j}]");
                if let Some(group) = self.object(Some(group), &at) {
                    groups.push(Group {
                        values: self.names(group, &at, "values"),
                        rates: self.rates(group, &at),
                    });
                }
            }
            groupings.push(Grouping {
                sensitive: self.names(g, &at, "sensitive"),
                groups,
                demographic_parity_difference: self.number(g, &at, "demographic_parity_difference"),
                demographic_parity_ratio: self.number(g, &at, "demographic_parity_ratio"),
                equalized_odds_difference: self.number(g, &at, "equalized_odds_difference"),
                equalized_odds_ratio: self.number(g, &at, "equalized_odds_ratio"),
            });
        }
        Fairness {
            input,
            label: self.text(top, "", "label"),
            prediction: self.text(top, "", "prediction"),
            positive: self.text(top, "", "positive"),
            negative: self.text(top, "", "negative"),
            overall,
            groupings,
        }
    }

    fn drift(&mut self, top: &Map<String, Value>) -> Drift {
        let reference = self.input(top, "reference");
        let current = self.input(top, "current");
        let mut columns = vec![];
        for (i, c) in self.list(top, "", "columns").iter().enumerate() {
            let at = format!("columns[{i}]");
            let Some(c) = self.object(Some(c), &at) else {
                continue;
            };
            columns.push(DriftColumn {
                column: self.text(c, &at, "column"),
                kind: self.text(c, &at, "kind"),
                stattest: self.text(c, &at, "stattest"),
                threshold: self.number(c, &at, "threshold"),
                score: self.number(c, &at, "score"),
                drifted: self.flag(c, &at, "drifted"),
                psi: self.optional_number(c, &at, "psi"),
                jensenshannon: self.optional_number(c, &at, "jensenshannon"),
                ks_pvalue: self.optional_number(c, &at, "ks_pvalue"),
                wasserstein_norm: self.optional_number(c, &at, "wasserstein_norm"),
            });
        }
        Drift {
            reference,
            current,
            columns,
            drifted_columns: self.count(top, "", "drifted_columns"),
            share_drifted: self.number(top, "", "share_drifted"),
        }
    }
}

#[cfg(test)]
mod tests;
