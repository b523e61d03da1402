//! Group fairness of a binary classifier, as fairlearn 0.15 defines it.
//!
//! Per group (one value of each sensitive column): count, selection rate
//! (share predicted positive), accuracy, true and false positive rates (0
//! for a group with no actual positives, resp. negatives — scikit-learn's
//! normalised confusion matrix turns 0/0 into 0). Between groups, for each
//! metric: the difference max − min and the ratio min / max (NaN when the
//! largest is 0). Demographic parity compares selection rates; equalized
//! odds takes the worse of the true- and false-positive-rate comparisons,
//! in that order, as Python's `max`/`min` over the two would (a NaN first
//! wins, a NaN second loses).

use crate::sum::Sum;
use serde::Serialize;
use std::collections::BTreeMap;

/// The confusion counts of one group (or of all rows).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    pub tp: u64,
    pub fp: u64,
    pub tn: u64,
    pub fn_: u64,
    pub score: Sum,
    pub scored: u64,
}

impl Counts {
    pub fn add(&mut self, label: bool, prediction: bool, score: Option<f64>) {
        match (label, prediction) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (false, false) => self.tn += 1,
            (true, false) => self.fn_ += 1,
        }
        if let Some(s) = score {
            self.score.add(s);
            self.scored += 1;
        }
    }

    pub fn merge(&mut self, o: &Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.tn += o.tn;
        self.fn_ += o.fn_;
        self.score.add(o.score.value());
        self.scored += o.scored;
    }

    pub fn count(&self) -> u64 {
        self.tp + self.fp + self.tn + self.fn_
    }

    /// The metrics of these counts.
    pub fn metrics(&self) -> GroupMetrics {
        let n = self.count();
        GroupMetrics {
            count: n,
            selection_rate: share(self.tp + self.fp, n),
            accuracy: share(self.tp + self.tn, n),
            true_positive_rate: rate(self.tp, self.tp + self.fn_),
            false_positive_rate: rate(self.fp, self.fp + self.tn),
            mean_score: (self.scored > 0).then(|| self.score.value() / self.scored as f64),
        }
    }
}

/// `part / whole`, NaN for an empty whole (a group always has rows).
fn share(part: u64, whole: u64) -> f64 {
    part as f64 / whole as f64
}

/// `part / whole`, 0 for an empty whole, as scikit-learn's normalised
/// confusion matrix gives it.
fn rate(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// One group's metrics.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GroupMetrics {
    pub count: u64,
    pub selection_rate: f64,
    pub accuracy: f64,
    pub true_positive_rate: f64,
    pub false_positive_rate: f64,
    /// The mean of the score column, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_score: Option<f64>,
}

/// The spread of one metric across groups.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// Largest minus smallest group value.
    #[serde(serialize_with = "crate::report::number")]
    pub difference: f64,
    /// Smallest over largest group value (NaN when the largest is 0).
    #[serde(serialize_with = "crate::report::number")]
    pub ratio: f64,
}

/// The spread of `values` between groups, NaN-skipping as pandas'
/// `min`/`max` are.
pub fn spread(values: impl IntoIterator<Item = f64>) -> Spread {
    let (mut lo, mut hi) = (f64::NAN, f64::NAN);
    for v in values.into_iter().filter(|v| !v.is_nan()) {
        if lo.is_nan() || v < lo {
            lo = v;
        }
        if hi.is_nan() || v > hi {
            hi = v;
        }
    }
    Spread {
        difference: hi - lo,
        ratio: lo / hi,
    }
}

/// Python's `max(a, b)`: `b` only when it compares greater.
fn py_max(a: f64, b: f64) -> f64 {
    if b > a {
        b
    } else {
        a
    }
}

/// Python's `min(a, b)`: `b` only when it compares less.
fn py_min(a: f64, b: f64) -> f64 {
    if b < a {
        b
    } else {
        a
    }
}

/// The fairness of one way of grouping the rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grouping {
    /// The sensitive columns whose values form a group.
    pub sensitive: Vec<String>,
    pub groups: Vec<Group>,
    pub by_metric: BTreeMap<&'static str, Spread>,
    #[serde(serialize_with = "crate::report::number")]
    pub demographic_parity_difference: f64,
    #[serde(serialize_with = "crate::report::number")]
    pub demographic_parity_ratio: f64,
    #[serde(serialize_with = "crate::report::number")]
    pub equalized_odds_difference: f64,
    #[serde(serialize_with = "crate::report::number")]
    pub equalized_odds_ratio: f64,
}

/// One group: its values of the sensitive columns and its metrics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub values: Vec<String>,
    #[serde(flatten)]
    pub metrics: GroupMetrics,
}

/// The fairness report of the groups given by `counts` (keyed by each
/// row's values of the sensitive columns, in `sensitive` order).
pub fn grouping(sensitive: Vec<String>, counts: &BTreeMap<Vec<String>, Counts>) -> Grouping {
    let groups: Vec<Group> = counts
        .iter()
        .map(|(values, c)| Group {
            values: values.clone(),
            metrics: c.metrics(),
        })
        .collect();
    let of = |f: fn(&GroupMetrics) -> f64| spread(groups.iter().map(|g| f(&g.metrics)));
    let selection = of(|m| m.selection_rate);
    let tpr = of(|m| m.true_positive_rate);
    let fpr = of(|m| m.false_positive_rate);
    let mut by_metric = BTreeMap::new();
    by_metric.insert("selection_rate", selection);
    by_metric.insert("accuracy", of(|m| m.accuracy));
    by_metric.insert("true_positive_rate", tpr);
    by_metric.insert("false_positive_rate", fpr);
    by_metric.insert("count", of(|m| m.count as f64));
    Grouping {
        sensitive,
        groups,
        by_metric,
        demographic_parity_difference: selection.difference,
        demographic_parity_ratio: selection.ratio,
        equalized_odds_difference: py_max(tpr.difference, fpr.difference),
        equalized_odds_ratio: py_min(tpr.ratio, fpr.ratio),
    }
}

/// The groupings a report shows for `sensitive` columns: each column on
/// its own, then (for more than one) every column together.
pub fn groupings(sensitive: &[String], counts: &BTreeMap<Vec<String>, Counts>) -> Vec<Grouping> {
    let mut out = Vec::new();
    if sensitive.len() > 1 {
        for (i, name) in sensitive.iter().enumerate() {
            let mut one: BTreeMap<Vec<String>, Counts> = BTreeMap::new();
            for (values, c) in counts {
                if let Some(v) = values.get(i) {
                    one.entry(vec![v.clone()]).or_default().merge(c);
                }
            }
            out.push(grouping(vec![name.clone()], &one));
        }
    }
    out.push(grouping(sensitive.to_vec(), counts));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(rows: &[(bool, bool)]) -> Counts {
        let mut c = Counts::default();
        for &(l, p) in rows {
            c.add(l, p, None);
        }
        c
    }

    #[test]
    fn group_metrics_follow_the_confusion_counts() {
        // 3 TP, 1 FP, 4 TN, 2 FN
        let mut rows = vec![(true, true); 3];
        rows.push((false, true));
        rows.extend([(false, false); 4]);
        rows.extend([(true, false); 2]);
        let m = counts(&rows).metrics();
        assert_eq!(m.count, 10);
        assert_eq!(m.selection_rate, 0.4);
        assert_eq!(m.accuracy, 0.7);
        assert_eq!(m.true_positive_rate, 0.6);
        assert_eq!(m.false_positive_rate, 0.2);
        assert_eq!(m.mean_score, None);
    }

    #[test]
    fn rates_without_a_denominator_are_zero() {
        let m = counts(&[(false, true), (false, false)]).metrics();
        assert_eq!(m.true_positive_rate, 0.0);
        assert_eq!(m.false_positive_rate, 0.5);
        let m = counts(&[(true, true), (true, false)]).metrics();
        assert_eq!(m.false_positive_rate, 0.0);
        assert_eq!(m.true_positive_rate, 0.5);
    }

    #[test]
    fn mean_score_and_merge() {
        let mut a = Counts::default();
        a.add(true, true, Some(0.25));
        a.add(false, false, Some(0.75));
        let mut b = Counts::default();
        b.add(true, false, Some(2.0));
        b.add(true, false, None);
        a.merge(&b);
        assert_eq!(a.count(), 4);
        assert_eq!((a.tp, a.fp, a.tn, a.fn_), (1, 0, 1, 2));
        assert_eq!(a.metrics().mean_score, Some(1.0));
    }

    #[test]
    fn spread_skips_nan_and_divides_min_by_max() {
        let s = spread([0.5, f64::NAN, 0.25, 1.0]);
        assert_eq!(s.difference, 0.75);
        assert_eq!(s.ratio, 0.25);
        let s = spread([0.0, 0.0]);
        assert_eq!(s.difference, 0.0);
        assert!(s.ratio.is_nan());
        let s = spread([0.2]);
        assert_eq!((s.difference, s.ratio), (0.0, 1.0));
        assert!(spread([]).difference.is_nan());
    }

    #[test]
    fn python_max_and_min_keep_a_leading_nan() {
        assert!(py_max(f64::NAN, 1.0).is_nan());
        assert_eq!(py_max(1.0, f64::NAN), 1.0);
        assert_eq!(py_max(1.0, 2.0), 2.0);
        assert_eq!(py_max(2.0, 1.0), 2.0);
        assert!(py_min(f64::NAN, 1.0).is_nan());
        assert_eq!(py_min(1.0, f64::NAN), 1.0);
        assert_eq!(py_min(1.0, 2.0), 1.0);
        assert_eq!(py_min(2.0, 1.0), 1.0);
    }

    #[test]
    fn equalized_odds_is_the_worse_of_tpr_and_fpr() {
        let mut by = BTreeMap::new();
        // a: tpr 1, fpr 0.5; b: tpr 0.5, fpr 0 → tpr diff 0.5 ratio 0.5; fpr diff 0.5 ratio 0
        by.insert(
            vec!["a".to_owned()],
            counts(&[(true, true), (false, true), (false, false)]),
        );
        by.insert(
            vec!["b".to_owned()],
            counts(&[(true, true), (true, false), (false, false)]),
        );
        let g = grouping(vec!["s".into()], &by);
        assert_eq!(g.equalized_odds_difference, 0.5);
        assert_eq!(g.equalized_odds_ratio, 0.0);
        assert_eq!(g.demographic_parity_difference, 2.0 / 3.0 - 1.0 / 3.0);
        assert_eq!(g.demographic_parity_ratio, 0.5);
        assert_eq!(g.groups.len(), 2);
        assert_eq!(g.groups[0].values, vec!["a"]);
    }

    #[test]
    fn several_columns_give_each_column_then_the_intersection() {
        let mut by = BTreeMap::new();
        by.insert(vec!["F".into(), "x".into()], counts(&[(true, true)]));
        by.insert(vec!["F".into(), "y".into()], counts(&[(false, true)]));
        by.insert(vec!["M".into(), "x".into()], counts(&[(false, false)]));
        let gs = groupings(&["sex".into(), "race".into()], &by);
        assert_eq!(gs.len(), 3);
        assert_eq!(gs[0].sensitive, vec!["sex"]);
        assert_eq!(gs[0].groups.len(), 2);
        assert_eq!(gs[0].groups[0].metrics.count, 2);
        assert_eq!(gs[1].sensitive, vec!["race"]);
        assert_eq!(gs[1].groups[0].metrics.count, 2);
        assert_eq!(gs[2].groups.len(), 3);
        let one = groupings(&["sex".into()], &by);
        assert_eq!(one.len(), 1);
    }
}
