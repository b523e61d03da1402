//! `aims monitor fairness`: one streaming pass over a prediction log,
//! counting each group's confusion matrix; memory grows with the number of
//! groups, not of rows.

use crate::fairness::{groupings, Counts, GroupMetrics, Grouping};
use crate::report::{Input, Span, TIME_COLUMNS};
use crate::table::{self, Header, Sink, TableError};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What to read from the log.
#[derive(Debug, Clone)]
pub struct FairnessArgs {
    pub predictions: PathBuf,
    pub label: String,
    pub prediction: String,
    pub sensitive: Vec<String>,
    pub score: Option<String>,
    /// The time column; when None, the first of `TIME_COLUMNS` the file has.
    pub time: Option<String>,
    pub pos_label: String,
    pub neg_label: String,
    pub threads: usize,
}

/// The fairness report (`--json FILE`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FairnessReport {
    /// Always "fairness".
    pub kind: &'static str,
    pub input: Input,
    pub label: String,
    pub prediction: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<String>,
    pub positive: String,
    pub negative: String,
    /// Every counted row together.
    pub overall: GroupMetrics,
    /// Each sensitive column on its own, then all of them together.
    pub groupings: Vec<Grouping>,
}

/// A label or prediction value: the positive or negative class.
#[derive(Debug, Clone)]
struct Binary {
    pos: Vec<u8>,
    neg: Vec<u8>,
    pos_n: Option<f64>,
    neg_n: Option<f64>,
}

impl Binary {
    fn new(pos: &str, neg: &str) -> Binary {
        let pos = pos.trim().as_bytes().to_vec();
        let neg = neg.trim().as_bytes().to_vec();
        Binary {
            pos_n: as_number(&pos),
            neg_n: as_number(&neg),
            pos,
            neg,
        }
    }

    fn class(&self, v: &[u8]) -> Option<bool> {
        let v = v.trim_ascii();
        if v == self.pos {
            return Some(true);
        }
        if v == self.neg {
            return Some(false);
        }
        let x = as_number(v)?;
        if Some(x) == self.pos_n {
            Some(true)
        } else if Some(x) == self.neg_n {
            Some(false)
        } else {
            None
        }
    }
}

/// A number, reading true and false as 1 and 0 (as pandas and numpy
/// compare booleans with numbers).
fn as_number(v: &[u8]) -> Option<f64> {
    match v {
        b"true" | b"True" | b"TRUE" => Some(1.0),
        b"false" | b"False" | b"FALSE" => Some(0.0),
        _ => table::number(v),
    }
}

/// Why a row is set aside, in the order the checks run.
const REASONS: [&str; 7] = [
    "wrong_column_count",
    "missing_label",
    "label_not_binary",
    "missing_prediction",
    "prediction_not_binary",
    "empty_group",
    "non_numeric_score",
];

struct FairSink<'a> {
    binary: &'a Binary,
    groups: usize,
    score: bool,
    time: bool,
    counts: crate::table::FxMap<Counts>,
    rejected: [u64; REASONS.len()],
    rows: u64,
    span: Span,
    key: Vec<u8>,
}

impl FairSink<'_> {
    fn check(&mut self, f: &[&[u8]]) -> Result<(), usize> {
        let label = match self.binary.class(f[0]) {
            Some(l) => l,
            None if table::is_missing(f[0]) => return Err(1),
            None => return Err(2),
        };
        let prediction = match self.binary.class(f[1]) {
            Some(p) => p,
            None if table::is_missing(f[1]) => return Err(3),
            None => return Err(4),
        };
        self.key.clear();
        for v in &f[2..2 + self.groups] {
            if table::is_missing(v) {
                return Err(5);
            }
            self.key.extend_from_slice(&(v.len() as u32).to_le_bytes());
            self.key.extend_from_slice(v);
        }
        let score = if self.score {
            Some(
                table::number(f[2 + self.groups])
                    .filter(|s| s.is_finite())
                    .ok_or(6usize)?,
            )
        } else {
            None
        };
        if self.time {
            self.span.see(f[f.len() - 1]);
        }
        match self.counts.get_mut(self.key.as_slice()) {
            Some(c) => c.add(label, prediction, score),
            None => {
                let mut c = Counts::default();
                c.add(label, prediction, score);
                self.counts.insert(self.key.clone(), c);
            }
        }
        Ok(())
    }
}

impl Sink for FairSink<'_> {
    fn row(&mut self, fields: &[&[u8]]) {
        self.rows += 1;
        if let Err(reason) = self.check(fields) {
            self.rejected[reason] += 1;
        }
    }

    fn wrong_column_count(&mut self) {
        self.rows += 1;
        self.rejected[0] += 1;
    }

    fn merge(&mut self, other: Self) {
        self.rows += other.rows;
        for (a, b) in self.rejected.iter_mut().zip(other.rejected) {
            *a += b;
        }
        self.span.merge(&other.span);
        for (k, c) in other.counts {
            self.counts.entry(k).or_default().merge(&c);
        }
    }
}

/// Splits a group key back into its values.
fn values(mut key: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    while let (Some(len), rest) = (key.get(..4), key.get(4..).unwrap_or_default()) {
        let n = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let v = rest.get(..n).unwrap_or(rest);
        out.push(String::from_utf8_lossy(v).into_owned());
        key = rest.get(n..).unwrap_or_default();
    }
    out
}

/// Reads the log and computes the report; `progress` is told the bytes read.
pub fn fairness(
    args: &FairnessArgs,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<FairnessReport, TableError> {
    let header = Header::read(&args.predictions)?;
    let time = match &args.time {
        Some(t) => Some(t.clone()),
        None => TIME_COLUMNS
            .iter()
            .find(|t| header.columns.iter().any(|c| c == *t))
            .map(|t| (*t).to_owned()),
    };
    let mut wanted: Vec<&str> = vec![&args.label, &args.prediction];
    wanted.extend(args.sensitive.iter().map(String::as_str));
    wanted.extend(args.score.as_deref());
    wanted.extend(time.as_deref());
    let positions = header.positions(&wanted)?;
    let total = std::fs::metadata(&args.predictions).map_or(0, |m| m.len());
    let binary = Binary::new(&args.pos_label, &args.neg_label);
    let make = || FairSink {
        binary: &binary,
        groups: args.sensitive.len(),
        score: args.score.is_some(),
        time: time.is_some(),
        counts: Default::default(),
        rejected: [0; REASONS.len()],
        rows: 0,
        span: Span::default(),
        key: Vec::new(),
    };
    let (sink, info) = table::scan(&header, &positions, args.threads, make, &|b| {
        progress(b, total)
    })?;
    let counts: BTreeMap<Vec<String>, Counts> =
        sink.counts.iter().map(|(k, c)| (values(k), *c)).collect();
    let mut overall = Counts::default();
    for c in counts.values() {
        overall.merge(c);
    }
    let rejected: BTreeMap<&'static str, u64> = REASONS
        .iter()
        .zip(sink.rejected)
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| (*r, n))
        .collect();
    Ok(FairnessReport {
        kind: "fairness",
        input: Input {
            file: args.predictions.display().to_string(),
            format: header.format(),
            bytes: info.bytes,
            rows: sink.rows,
            rows_used: overall.count(),
            rejected,
            time_range: time.as_deref().and_then(|t| sink.span.range(t)),
        },
        label: args.label.clone(),
        prediction: args.prediction.clone(),
        score: args.score.clone(),
        positive: args.pos_label.clone(),
        negative: args.neg_label.clone(),
        overall: overall.metrics(),
        groupings: groupings(&args.sensitive, &counts),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Scratch;

    fn args(path: PathBuf) -> FairnessArgs {
        FairnessArgs {
            predictions: path,
            label: "label".into(),
            prediction: "pred".into(),
            sensitive: vec!["sex".into()],
            score: Some("score".into()),
            time: None,
            pos_label: "1".into(),
            neg_label: "0".into(),
            threads: 2,
        }
    }

    #[test]
    fn malformed_rows_are_counted_by_reason_and_the_rest_used() {
        let s = Scratch::new("fair-test").unwrap();
        let p = s.dir.join("log.csv");
        std::fs::write(
            &p,
            "ts,label,pred,sex,score\n\
             2026-01-02T00:00:00Z,1,1,F,0.9\n\
             2026-01-01T00:00:00Z,0,1.0,M,0.6\n\
             2026-01-03T00:00:00Z,,1,M,0.5\n\
             2026-01-03T00:00:00Z,2,1,M,0.5\n\
             2026-01-03T00:00:00Z,1,,M,0.5\n\
             2026-01-03T00:00:00Z,1,yes,M,0.5\n\
             2026-01-03T00:00:00Z,1,1,,0.5\n\
             2026-01-03T00:00:00Z,1,1,F,high\n\
             2026-01-03T00:00:00Z,1,1,F\n\
             2026-01-04T00:00:00Z,true,false,F,0.1\n",
        )
        .unwrap();
        let r = fairness(&args(p), &|_, _| {}).unwrap();
        assert_eq!(r.input.rows, 10);
        assert_eq!(r.input.rows_used, 3);
        let rej: Vec<(&str, u64)> = r.input.rejected.iter().map(|(k, v)| (*k, *v)).collect();
        assert_eq!(
            rej,
            vec![
                ("empty_group", 1),
                ("label_not_binary", 1),
                ("missing_label", 1),
                ("missing_prediction", 1),
                ("non_numeric_score", 1),
                ("prediction_not_binary", 1),
                ("wrong_column_count", 1)
            ]
        );
        let t = r.input.time_range.as_ref().unwrap();
        assert_eq!(
            (t.column.as_str(), t.from.as_str()),
            ("ts", "2026-01-01T00:00:00Z")
        );
        assert_eq!(t.to, "2026-01-04T00:00:00Z");
        assert_eq!(r.overall.count, 3);
        assert_eq!(r.overall.mean_score, Some((0.9 + 0.6 + 0.1) / 3.0));
        let g = &r.groupings[0];
        assert_eq!(g.groups.len(), 2);
        // F: (1,1) and (1,0): tpr 0.5, selection 0.5; M: (0,1): fpr 1, selection 1
        assert_eq!(g.groups[0].values, vec!["F"]);
        assert_eq!(g.groups[0].metrics.true_positive_rate, 0.5);
        assert_eq!(g.demographic_parity_difference, 0.5);
        assert_eq!(g.demographic_parity_ratio, 0.5);
        assert_eq!(g.equalized_odds_difference, 1.0);
    }

    #[test]
    fn a_missing_column_is_an_error_before_reading_rows() {
        let s = Scratch::new("fair-test").unwrap();
        let p = s.dir.join("log.csv");
        std::fs::write(&p, "label,pred,score\n1,1,0.5\n").unwrap();
        let e = fairness(&args(p), &|_, _| panic!("no rows read")).unwrap_err();
        assert!(e.to_string().contains("no column \"sex\""), "{e}");
    }

    #[test]
    fn group_keys_round_trip() {
        let mut key = Vec::new();
        for v in ["a", "", "x\u{1f}y"] {
            key.extend_from_slice(&(v.len() as u32).to_le_bytes());
            key.extend_from_slice(v.as_bytes());
        }
        assert_eq!(values(&key), vec!["a", "", "x\u{1f}y"]);
        assert!(values(&[]).is_empty());
    }
}
