#!/usr/bin/env python3
"""Reference fixtures for `crates/aims-monitor`, computed by the real Python tools.

What it does
------------
Generates small, seeded data sets and writes, into
`crates/aims-monitor/tests/fixtures/`:

* `fairness.csv` + `expected-fairness.json`: group-fairness metrics from
  fairlearn's `MetricFrame` (count, selection_rate, accuracy, true/false
  positive rate per group and overall, group min/max, difference/ratio with
  both methods) and the four disparity functions
  (`demographic_parity_{difference,ratio}`, `equalized_odds_{difference,ratio}`)
  for the sensitive-column sets ["sex"], ["race"], ["sex", "race"].
  Edge cases built in: race "D" has no positive label, the intersection
  ("F", "C") has no negative label, the intersection ("M", "D") is empty.
* `reference.csv` / `current.csv` (600 / 450 rows) and `reference-big.csv` /
  `current-big.csv` (12000 / 15000 rows, so scipy's `ks_2samp` takes its
  asymptotic path) + `expected-drift.json`: per column, the bins evidently
  0.7.x uses, the shares before/after its empty-bin rule, evidently's PSI,
  Jensen-Shannon, normed Wasserstein and K-S values (its own stat-test
  functions, called directly and cross-checked through `Report` +
  `ValueDrift`), scipy's `ks_2samp` (statistic, p-value, exact/asymp), scipy's
  `jensenshannon` on the binned shares and the default test evidently picks.
* `README.md`: how the files were made and what the fields mean.

Expected values are computed from the CSV files as read back (pandas,
round-trip float parsing), so a consumer parsing the CSV gets bit-identical
inputs. Floats are written with Python's shortest round-trip repr; NaN is the
JSON string "NaN" (+/-inf would be "Infinity"/"-Infinity").

Tool versions (pinned; the script refuses to run with others unless
`--allow-version-mismatch` is given):
  fairlearn 0.15.0, evidently 0.7.23, scipy 1.17.1, numpy 2.4.6,
  scikit-learn 1.9.1, pandas 2.3.3.
evidently 0.7.23 cannot be imported with pandas 3.x (it imports
`pandas.core.dtypes.common.infer_dtype_from_object`, removed in pandas 3), so
pandas is pinned below 3.

How to rerun
------------
    python3 scripts/monitor-reference.py

from the repository root (any working directory works). If the running
interpreter lacks the pinned versions, the script creates a virtualenv at
$AIMS_MONITOR_REF_VENV (default ~/.cache/aims-monitor-ref), installs the pins
from PyPI into it and re-executes itself there. It always runs with
PYTHONHASHSEED=0 (re-executing if needed) because evidently orders categories
by Python set iteration, which is hash-seed dependent for strings. The output
is deterministic: rerunning rewrites identical files.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import warnings
from pathlib import Path

PINS = {
    "fairlearn": "0.15.0",
    "evidently": "0.7.23",
    "scipy": "1.17.1",
    "numpy": "2.4.6",
    "scikit-learn": "1.9.1",
    "pandas": "2.3.3",
}
SEED = 20250601
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "aims-monitor" / "tests" / "fixtures"
SCRIPT = "scripts/monitor-reference.py"


# --------------------------------------------------------------------------
# Environment bootstrap: pinned versions + PYTHONHASHSEED=0
# --------------------------------------------------------------------------


def _installed_versions() -> dict:
    from importlib import metadata

    found = {}
    for name in PINS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def _bootstrap() -> None:
    allow = "--allow-version-mismatch" in sys.argv
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"
    # evidently: no usage telemetry from a fixture generator.
    env.setdefault("DO_NOT_TRACK", "1")
    env.setdefault("EVIDENTLY_DISABLE_TELEMETRY", "1")
    found = _installed_versions()
    mismatched = {k: v for k, v in found.items() if v != PINS[k]}
    if mismatched and not allow:
        if os.environ.get("AIMS_MONITOR_REF_IN_VENV") == "1":
            sys.exit(f"pinned versions still missing inside the virtualenv: {mismatched}")
        venv = Path(os.environ.get("AIMS_MONITOR_REF_VENV", Path.home() / ".cache" / "aims-monitor-ref"))
        py = venv / "bin" / "python"
        if not py.exists():
            print(f"creating virtualenv {venv}", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        print(f"installing pinned tools into {venv}", file=sys.stderr)
        subprocess.run(
            [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
            + [f"{k}=={v}" for k, v in PINS.items()],
            check=True,
        )
        env["AIMS_MONITOR_REF_IN_VENV"] = "1"
        os.execve(str(py), [str(py), str(Path(__file__).resolve())] + sys.argv[1:], env)
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, str(Path(__file__).resolve())] + sys.argv[1:], env)


if __name__ == "__main__":
    _bootstrap()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy  # noqa: E402
import sklearn  # noqa: E402
from scipy.spatial import distance  # noqa: E402
from scipy.stats import ks_2samp, wasserstein_distance  # noqa: E402
from sklearn.metrics import accuracy_score  # noqa: E402

import fairlearn  # noqa: E402
from fairlearn.metrics import (  # noqa: E402
    MetricFrame,
    count,
    demographic_parity_difference,
    demographic_parity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)

import evidently  # noqa: E402
from evidently import Report  # noqa: E402
from evidently.legacy.calculations.stattests import (  # noqa: E402
    jensenshannon_stat_test,
    ks_stat_test,
    psi_stat_test,
    wasserstein_stat_test,
)
from evidently.legacy.calculations.stattests.registry import (  # noqa: E402
    _get_default_stattest,
    get_registered_stattest,
)
from evidently.legacy.calculations.stattests.utils import get_binned_data  # noqa: E402
from evidently.legacy.core import ColumnType  # noqa: E402
from evidently.metrics import ValueDrift  # noqa: E402


# --------------------------------------------------------------------------
# Output helpers
# --------------------------------------------------------------------------


def jsonable(x):
    """Plain JSON types; NaN -> "NaN", +/-inf -> "Infinity"/"-Infinity"."""
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return [jsonable(v) for v in x.tolist()]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        f = float(x)
        if math.isnan(f):
            return "NaN"
        if math.isinf(f):
            return "Infinity" if f > 0 else "-Infinity"
        return f
    if x is None or isinstance(x, str):
        return x
    raise TypeError(f"not JSON-able: {type(x)} {x!r}")


def write_json(path: Path, obj) -> None:
    text = json.dumps(jsonable(obj), indent=1, allow_nan=False, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def fmt_cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, (bool, np.bool_)):
        raise TypeError("no booleans in fixtures")
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    f = float(v)
    if math.isnan(f):
        return ""  # missing value: empty cell
    return repr(f)


def write_csv(path: Path, columns: dict) -> None:
    names = list(columns)
    n = len(columns[names[0]])
    lines = [",".join(names)]
    for i in range(n):
        lines.append(",".join(fmt_cell(columns[c][i]) for c in names))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_csv(path: Path, **kw) -> pd.DataFrame:
    return pd.read_csv(path, float_precision="round_trip", keep_default_na=False, na_values=[""], **kw)


def record_warnings(caught, where: str) -> list:
    out = []
    for w in caught:
        out.append({"where": where, "category": w.category.__name__, "message": str(w.message)})
    return out


def versions() -> dict:
    return {
        "python": sys.version.split()[0],
        "fairlearn": fairlearn.__version__,
        "evidently": evidently.__version__,
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scikit-learn": sklearn.__version__,
    }


# --------------------------------------------------------------------------
# Fairness
# --------------------------------------------------------------------------

FAIR_METRICS = {
    "count": count,
    "selection_rate": selection_rate,
    "accuracy": accuracy_score,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
}


def make_fairness(rng: np.random.Generator) -> dict:
    n = 300
    race = rng.choice(["A", "B", "C", "D"], size=n, p=[0.35, 0.30, 0.20, 0.15])
    sex = np.where(race == "D", "F", rng.choice(["F", "M"], size=n))  # ("M","D") stays empty
    p_pos = np.select([race == "A", race == "B", race == "C"], [0.5, 0.35, 0.6], default=0.0)
    label = (rng.random(n) < p_pos).astype(int)
    label[(sex == "F") & (race == "C")] = 1  # intersection without negatives
    label[race == "D"] = 0  # group without positives
    # Scores: informative but imperfect, with a group bias against ("M", "B").
    score = np.where(label == 1, rng.beta(5, 2, n), rng.beta(2, 5, n))
    score = np.where((sex == "M") & (race == "B"), score - 0.12, score)
    score = np.where(race == "D", score + 0.08, score)
    score = np.round(np.clip(score, 0.0, 1.0), 4)
    prediction = (score >= 0.5).astype(int)
    start = np.datetime64("2025-03-01T08:00:00")
    steps = np.cumsum(rng.integers(30, 600, n))  # seconds
    ts = [str(start + np.timedelta64(int(s), "s")) + "Z" for s in steps]
    return {
        "ts": ts,
        "label": label.tolist(),
        "prediction": prediction.tolist(),
        "score": score.tolist(),
        "sex": sex.tolist(),
        "race": race.tolist(),
    }


def group_key(idx, multi: bool):
    if multi:
        return [str(v) for v in idx]
    return str(idx)


def series_dict(s: pd.Series) -> dict:
    return {k: s[k] for k in FAIR_METRICS}


def fairness_for(df: pd.DataFrame, cols: list) -> dict:
    caught_all = []
    sf = df[cols]
    y_true, y_pred = df["label"], df["prediction"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mf = MetricFrame(metrics=FAIR_METRICS, y_true=y_true, y_pred=y_pred, sensitive_features=sf)
    caught_all += record_warnings(caught, "MetricFrame")
    multi = len(cols) > 1
    groups = []
    for idx, row in mf.by_group.iterrows():
        g = {"key": group_key(idx, multi)}
        g.update({k: row[k] for k in FAIR_METRICS})
        groups.append(g)
    out = {
        "sensitive_features": cols,
        "groups": groups,
        "overall": series_dict(mf.overall),
        "group_min": series_dict(mf.group_min()),
        "group_max": series_dict(mf.group_max()),
        "difference": {
            "between_groups": series_dict(mf.difference()),
            "to_overall": series_dict(mf.difference(method="to_overall")),
        },
        "ratio": {
            "between_groups": series_dict(mf.ratio()),
            "to_overall": series_dict(mf.ratio(method="to_overall")),
        },
    }
    for name, fn in [
        ("demographic_parity_difference", demographic_parity_difference),
        ("demographic_parity_ratio", demographic_parity_ratio),
        ("equalized_odds_difference", equalized_odds_difference),
        ("equalized_odds_ratio", equalized_odds_ratio),
    ]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out[name] = fn(y_true, y_pred, sensitive_features=sf)
        caught_all += record_warnings(caught, name)
    out["warnings"] = caught_all
    return out


INLINE_CASES = [
    {
        "name": "tpr_ratio_zero_over_zero",
        "note": "every group's true_positive_rate is 0 -> tpr ratio 0/0 = NaN; equalized_odds_ratio is "
        "min([tpr_ratio, fpr_ratio]) with Python's min, so a NaN first element wins: NaN although fpr_ratio is 0",
        "y_true": [0, 0, 1, 1, 0, 0],
        "y_pred": [0, 1, 0, 0, 0, 0],
        "sensitive": ["a", "a", "b", "b", "c", "c"],
    },
    {
        "name": "selection_rate_all_zero",
        "note": "no group selects anyone -> demographic_parity_ratio = 0/0 = NaN, difference 0",
        "y_true": [0, 1, 0, 1],
        "y_pred": [0, 0, 0, 0],
        "sensitive": ["a", "a", "b", "b"],
    },
]


def inline_case(case: dict) -> dict:
    y_true, y_pred, sf = case["y_true"], case["y_pred"], case["sensitive"]
    mf = MetricFrame(
        metrics={"selection_rate": selection_rate, "true_positive_rate": true_positive_rate,
                 "false_positive_rate": false_positive_rate},
        y_true=y_true, y_pred=y_pred, sensitive_features=sf,
    )
    return dict(
        case,
        by_group={str(k): dict(row) for k, row in mf.by_group.iterrows()},
        difference=dict(mf.difference()),
        ratio=dict(mf.ratio()),
        demographic_parity_difference=demographic_parity_difference(y_true, y_pred, sensitive_features=sf),
        demographic_parity_ratio=demographic_parity_ratio(y_true, y_pred, sensitive_features=sf),
        equalized_odds_difference=equalized_odds_difference(y_true, y_pred, sensitive_features=sf),
        equalized_odds_ratio=equalized_odds_ratio(y_true, y_pred, sensitive_features=sf),
    )


def run_fairness(rng: np.random.Generator) -> None:
    write_csv(OUT / "fairness.csv", make_fairness(rng))
    df = read_csv(OUT / "fairness.csv", dtype={"sex": str, "race": str, "ts": str})
    sets = [fairness_for(df, cols) for cols in (["sex"], ["race"], ["sex", "race"])]
    write_json(
        OUT / "expected-fairness.json",
        {
            "generated_by": SCRIPT,
            "seed": SEED,
            "versions": versions(),
            "conventions": {
                "nan": 'NaN is written as the JSON string "NaN"',
                "group_key": "a string for one sensitive column; a list of values (in sensitive_features order) for several",
                "group_order": "fairlearn's by_group order: sorted by value; for several columns the full cartesian product, "
                "empty intersections included (all metrics NaN, count too)",
                "difference_ratio": "MetricFrame.difference()/ratio(); 'between_groups' is the default used by the disparity functions",
                "count": "a float, as fairlearn returns it (by_group and overall are float64); NaN for an empty intersection",
            },
            "input": {
                "file": "fairness.csv",
                "y_true": "label",
                "y_pred": "prediction",
                "pos_label": 1,
                "rows": len(df),
                "metrics": {
                    "count": "fairlearn.metrics.count",
                    "selection_rate": "fairlearn.metrics.selection_rate (pos_label=1)",
                    "accuracy": "sklearn.metrics.accuracy_score",
                    "true_positive_rate": "fairlearn.metrics.true_positive_rate (pos_label=None -> 1)",
                    "false_positive_rate": "fairlearn.metrics.false_positive_rate (pos_label=None -> 1)",
                },
                "edge_cases": {
                    "race D": "no row with label 1: its true_positive_rate is 0.0 (sklearn confusion_matrix normalize='true' turns 0/0 into 0), not NaN",
                    "sex F x race C": "no row with label 0: its false_positive_rate is 0.0 for the same reason",
                    "sex M x race D": "no rows at all: present in by_group with every metric NaN; min/max/difference/ratio skip it",
                },
            },
            "sets": sets,
            "inline_cases": [inline_case(c) for c in INLINE_CASES],
        },
    )


# --------------------------------------------------------------------------
# Drift
# --------------------------------------------------------------------------


def make_small_pair(rng: np.random.Generator):
    def ties(n, loc, scale, force):
        v = np.clip(np.round(rng.normal(loc, scale, n)), 0, 96)
        v[: len(force)] = force  # pin the combined range to [0, 96] -> 12 Sturges bins of width 8
        return v.astype(float)

    def with_nans(v, share):
        v = v.copy()
        v[rng.random(len(v)) < share] = np.nan
        return v

    nr, nc = 600, 450
    ref = {
        "num_cont": rng.normal(0.0, 1.0, nr),
        "num_shift": rng.normal(10.0, 2.0, nr),
        "num_int": rng.integers(0, 10, nr),
        "num_ties": ties(nr, 48.0, 14.0, [0.0, 96.0]),
        "num_const": np.full(nr, 5.0),
        "num_const_diff": np.full(nr, 5.0),
        "num_nan": with_nans(rng.normal(100.0, 15.0, nr), 0.05),
        "cat": rng.choice(["a", "b", "c"], nr, p=[0.5, 0.3, 0.2]),
    }
    cur = {
        "num_cont": rng.normal(0.15, 1.05, nc),
        "num_shift": rng.normal(12.5, 2.5, nc),
        "num_int": np.clip(rng.integers(0, 10, nc) + rng.integers(0, 2, nc), 0, 10),
        "num_ties": ties(nc, 52.0, 14.0, []),
        "num_const": np.full(nc, 5.0),
        "num_const_diff": np.full(nc, 7.0),
        "num_nan": with_nans(rng.normal(104.0, 15.0, nc), 0.10),
        "cat": rng.choice(["a", "b", "c", "z"], nc, p=[0.35, 0.3, 0.2, 0.15]),
    }
    for d in (ref, cur):
        for k, v in d.items():
            d[k] = v.tolist()
    return ref, cur


def make_big_pair(rng: np.random.Generator):
    nr, nc = 12000, 15000
    ref = {
        "x_cont": np.round(rng.normal(0.0, 1.0, nr), 2),
        "x_shift": np.round(rng.normal(0.0, 1.0, nr), 2),
        "x_small": rng.integers(0, 15, nr),
    }
    # One far reference outlier: its histogram bin holds exactly 1 of 12000 reference
    # rows (share 8.33e-05 <= 1e-4), which switches evidently's empty-bin rule to
    # min_share / 1e6.
    ref["x_shift"][0] = 7.5
    cur = {
        "x_cont": np.round(rng.normal(0.03, 1.0, nc), 2),
        "x_shift": np.round(rng.normal(0.8, 1.2, nc), 2),
        "x_small": np.clip(rng.integers(0, 15, nc) + (rng.random(nc) < 0.1), 0, 15),
    }
    for d in (ref, cur):
        for k, v in d.items():
            d[k] = v.tolist()
    return ref, cur


def clean(s: pd.Series) -> pd.Series:
    """What evidently's get_one_column_drift does before any stat test."""
    return s.replace([-np.inf, np.inf], np.nan).dropna()


def sort_key(v):
    return (0, float(v), "") if isinstance(v, (int, float, np.integer, np.floating)) else (1, 0.0, str(v))


def binning(ref: pd.Series, cur: pd.Series, ftype: ColumnType) -> dict:
    """Re-derive the bins get_binned_data uses and check its shares against ours."""
    raw_r, raw_c = get_binned_data(ref, cur, ftype, 30, feel_zeroes=False)
    fz_r, fz_c = get_binned_data(ref, cur, ftype, 30, feel_zeroes=True)
    n_vals = ref.nunique()
    if ftype == ColumnType.Numerical and n_vals > 20:
        combined = np.asarray(pd.concat([ref, cur], axis=0).values)
        edges = np.histogram_bin_edges(combined, bins="sturges")
        rc = np.histogram(ref, edges)[0]
        cc = np.histogram(cur, edges)[0]
        assert np.array_equal(rc / len(ref), raw_r) and np.array_equal(cc / len(cur), raw_c)
        ptp = float(combined.max() - combined.min())
        width = ptp / (np.log2(combined.size) + 1.0)
        out = {
            "kind": "histogram",
            "reference_nunique": n_vals,
            "sturges": {
                "n_combined": combined.size,
                "min": combined.min(),
                "max": combined.max(),
                "width": width,
                "n_bins": len(edges) - 1,
            },
            "edges": edges,
            "reference_counts": rc,
            "current_counts": cc,
            "reference_shares_raw": raw_r,
            "current_shares_raw": raw_c,
            "reference_shares": fz_r,
            "current_shares": fz_c,
        }
    else:
        # Same construction as get_binned_data: keys in set-iteration order.
        keys = list(set(ref.dropna().unique()) | set(cur.dropna().unique()))
        rvc, cvc = dict(ref.value_counts()), dict(cur.value_counts())
        rc = np.array([rvc.get(k, 0) for k in keys])
        cc = np.array([cvc.get(k, 0) for k in keys])
        assert np.array_equal(rc / len(ref), raw_r) and np.array_equal(cc / len(cur), raw_c)
        order = sorted(range(len(keys)), key=lambda i: sort_key(keys[i]))
        out = {
            "kind": "categories",
            "reference_nunique": n_vals,
            "categories": [keys[i] for i in order],
            "evidently_key_order": keys,
            "reference_counts": rc[order],
            "current_counts": cc[order],
            "reference_shares_raw": raw_r[order],
            "current_shares_raw": raw_c[order],
            "reference_shares": fz_r[order],
            "current_shares": fz_c[order],
        }
    min_r = float(raw_r[raw_r != 0].min())
    min_c = float(raw_c[raw_c != 0].min())
    out["empty_bin_fill"] = {
        "reference": (min_r / 10**6 if min_r <= 0.0001 else 0.0001) if (raw_r == 0).any() else None,
        "current": (min_c / 10**6 if min_c <= 0.0001 else 0.0001) if (raw_c == 0).any() else None,
    }
    return out, (raw_r, raw_c)


def report_value(ref_df, cur_df, column, method):
    r = Report([ValueDrift(column=column, method=method)]).run(current_data=cur_df, reference_data=ref_df)
    m = r.dict()["metrics"][0]
    return m["value"], m["config"].get("method"), m["config"].get("threshold")


def drift_column(ref_df, cur_df, col, ftype: ColumnType) -> dict:
    caught_all = []
    ref, cur = clean(ref_df[col]), clean(cur_df[col])
    out = {
        "feature_type": ftype.value,
        "n_reference": len(ref_df),
        "n_current": len(cur_df),
        "n_reference_used": len(ref),
        "n_current_used": len(cur),
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bins, (raw_r, raw_c) = binning(ref, cur, ftype)
        out["bins"] = bins
        r = psi_stat_test(ref, cur, ftype, None)
        out["psi"] = {"value": r.drift_score, "threshold": r.actual_threshold, "drift": r.drifted}
        r = jensenshannon_stat_test(ref, cur, ftype, None)
        js_scipy = distance.jensenshannon(raw_r, raw_c)
        assert js_scipy == r.drift_score
        out["jensenshannon"] = {
            "value": r.drift_score,
            "threshold": r.actual_threshold,
            "drift": r.drifted,
            "scipy_jensenshannon_on_raw_shares": js_scipy,
        }
    caught_all += record_warnings(caught, "psi/jensenshannon")

    if ftype == ColumnType.Numerical:
        a, b = ref.to_numpy(), cur.to_numpy()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ks = ks_2samp(a, b)
        kw = record_warnings(caught, "scipy.stats.ks_2samp")
        caught_all += kw
        method = "exact" if max(len(a), len(b)) <= 10000 else "asymp"
        if method == "exact" and any("Exact calculation unsuccessful" in w["message"] for w in kw):
            method = "asymp (exact attempted, failed)"
        r = ks_stat_test(ref, cur, ftype, None)
        assert r.drift_score == ks.pvalue
        out["ks"] = {
            "statistic": ks.statistic,
            "pvalue": ks.pvalue,
            "method": method,
            "statistic_location": ks.statistic_location,
            "statistic_sign": int(ks.statistic_sign),
            "evidently_value": r.drift_score,
            "threshold": r.actual_threshold,
            "drift": r.drifted,
        }
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            wd = wasserstein_distance(a, b)
            std0 = float(np.std(ref))
            r = wasserstein_stat_test(ref, cur, ftype, None)
        caught_all += record_warnings(caught, "wasserstein")
        norm = max(std0, 0.001)
        assert r.drift_score == wd / norm
        out["wasserstein"] = {
            "distance": wd,
            "reference_std_ddof0": std0,
            "norm": norm,
            "value": r.drift_score,
            "threshold": r.actual_threshold,
            "drift": r.drifted,
        }
    else:
        for name in ("ks", "wasserstein"):
            try:
                get_registered_stattest(name, ftype)
                raise AssertionError(f"{name} unexpectedly applies to {ftype}")
            except ValueError as e:
                out[name] = {"applicable": False, "evidently_error": f"{type(e).__name__}: {e}"}

    # Default test under the legacy rule with our feature_type ...
    default = _get_default_stattest(ref, cur, ftype)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = default(ref, cur, ftype, None)
    caught_all += record_warnings(caught, f"default test {default.name}")
    out["evidently_default_test"] = {
        "name": default.name,
        "display_name": default.display_name,
        "value": r.drift_score,
        "threshold": r.actual_threshold,
        "drift": r.drifted,
    }
    # ... and through the 0.7 Report API (column type inferred from the current
    # DataFrame; the stat tests requested by name must give the same numbers).
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        inferred = evidently.Dataset.from_pandas(cur_df).column(col).type
        rv, rm, rt = report_value(ref_df, cur_df, col, None)
        out["evidently_report_auto"] = {
            "inferred_column_type": inferred.value,
            "method": rm,
            "value": rv,
            "threshold": rt,
        }
        checks = {"psi": out["psi"]["value"], "jensenshannon": out["jensenshannon"]["value"]}
        if ftype == ColumnType.Numerical and inferred == ColumnType.Numerical:
            checks.update({"ks": out["ks"]["pvalue"], "wasserstein": out["wasserstein"]["value"]})
        if inferred == ftype:
            for m, expected in checks.items():
                got, _, _ = report_value(ref_df, cur_df, col, m)
                assert got == expected or abs(got - expected) <= 1e-12 * max(1.0, abs(expected)), (col, m, got, expected)
    caught_all += record_warnings(caught, "evidently Report")
    out["warnings"] = caught_all
    return out


SMALL_TYPES = {
    "num_cont": ColumnType.Numerical,
    "num_shift": ColumnType.Numerical,
    "num_int": ColumnType.Numerical,
    "num_ties": ColumnType.Numerical,
    "num_const": ColumnType.Numerical,
    "num_const_diff": ColumnType.Numerical,
    "num_nan": ColumnType.Numerical,
    "cat": ColumnType.Categorical,
}
BIG_TYPES = {
    "x_cont": ColumnType.Numerical,
    "x_shift": ColumnType.Numerical,
    "x_small": ColumnType.Numerical,
}


def run_drift(rng: np.random.Generator) -> None:
    pairs = []
    for name, maker, types, rfile, cfile in [
        ("small", make_small_pair, SMALL_TYPES, "reference.csv", "current.csv"),
        ("big", make_big_pair, BIG_TYPES, "reference-big.csv", "current-big.csv"),
    ]:
        ref, cur = maker(rng)
        write_csv(OUT / rfile, ref)
        write_csv(OUT / cfile, cur)
        dtypes = {"cat": str} if "cat" in types else None
        ref_df, cur_df = read_csv(OUT / rfile, dtype=dtypes), read_csv(OUT / cfile, dtype=dtypes)
        pairs.append(
            {
                "name": name,
                "reference": rfile,
                "current": cfile,
                "columns": {c: drift_column(ref_df, cur_df, c, t) for c, t in types.items()},
            }
        )
    write_json(
        OUT / "expected-drift.json",
        {
            "generated_by": SCRIPT,
            "seed": SEED,
            "versions": versions(),
            "conventions": {
                "nan": 'NaN is written as the JSON string "NaN"; an empty CSV cell is a missing value',
                "missing": "evidently drops NaN and +/-inf from each side before any test; n_*_used are the counts after that",
                "shares_raw": "count / n_used per bin (what Jensen-Shannon uses: get_binned_data(feel_zeroes=False))",
                "shares": "after evidently's empty-bin rule (what PSI uses: feel_zeroes=True); not renormalised",
                "categories": "listed sorted (numbers ascending, then strings); evidently itself iterates Python "
                "set order, given as evidently_key_order (PYTHONHASHSEED=0). Sums over bins in another order "
                "can differ in the last bits, so compare psi/jensenshannon with a ~1e-12 relative tolerance",
                "histogram": "bins [e_i, e_{i+1}) except the last, which is closed [e_{n-1}, e_n]",
                "ks.method": "scipy ks_2samp method actually used: exact if max(n1, n2) <= 10000 (unless it fails), else asymp",
                "wasserstein.value": "scipy wasserstein_distance(ref, cur) / max(np.std(ref) (ddof=0), 0.001)",
            },
            "pairs": pairs,
        },
    )


def write_readme() -> None:
    v = versions()
    text = f"""# aims-monitor reference fixtures

Generated by `{SCRIPT}` (seed {SEED}); do not edit by hand. Rerun from the
repository root with `python3 {SCRIPT}`: it re-executes itself with
`PYTHONHASHSEED=0` and, if the interpreter lacks the pinned tools, inside a
virtualenv (`$AIMS_MONITOR_REF_VENV`, default `~/.cache/aims-monitor-ref`).
Rerunning rewrites identical files.

Tool versions: fairlearn {v['fairlearn']}, evidently {v['evidently']}, scipy {v['scipy']},
numpy {v['numpy']}, pandas {v['pandas']}, scikit-learn {v['scikit-learn']}, Python {v['python']}.
(pandas is below 3 because evidently 0.7.23 does not import with pandas 3.)

## Conventions

* CSV: comma separated, header row, `\\n` line ends, no quoting. Floats are
  written with Python's shortest round-trip repr, so parsing them as f64 gives
  exactly the values the tools saw (the script computes every expectation from
  the files as read back). An empty cell is a missing value.
* JSON: floats are full precision (Python `repr`). **NaN is the JSON string
  `"NaN"`** (`"Infinity"`/`"-Infinity"` would be used for infinities; none occur).

## Fairness: `fairness.csv`, `expected-fairness.json`

`fairness.csv` (300 rows): `ts` (ISO 8601 UTC, increasing), `label` (0/1, y_true),
`prediction` (0/1, y_pred; = `score >= 0.5`), `score` (0..1, 4 decimals),
`sex` (`F`/`M`), `race` (`A`..`D`). Built-in edge cases:

* race `D` has no row with `label` 1 → its `true_positive_rate` is `0.0`
  (not NaN: sklearn's `confusion_matrix(normalize="true")` maps 0/0 to 0);
* intersection (`F`, `C`) has no row with `label` 0 → `false_positive_rate` 0.0;
* intersection (`M`, `D`) has no rows → it still appears in the intersection's
  `groups` (fairlearn reindexes to the full product) with every metric,
  `count` included, `"NaN"`; min/max/difference/ratio skip it.

`expected-fairness.json` → `sets[]`, one per sensitive-column set
(`["sex"]`, `["race"]`, `["sex","race"]`):

* `groups[]`: `key` (the value, or the list of values for several columns),
  then `count`, `selection_rate`, `accuracy`, `true_positive_rate`,
  `false_positive_rate` from `fairlearn.metrics.MetricFrame`, in fairlearn's
  group order (sorted; cartesian product for intersections);
  (`count` is a float, e.g. `173.0`, because fairlearn's result frames are
  float64);
* `overall`: the same metrics on all rows;
* `group_min`, `group_max`: `MetricFrame.group_min()/group_max()`;
* `difference.between_groups` / `ratio.between_groups`: `MetricFrame.difference()`
  / `.ratio()` (the default method); `*.to_overall`: the same with
  `method="to_overall"`;
* `demographic_parity_difference`, `demographic_parity_ratio`,
  `equalized_odds_difference`, `equalized_odds_ratio`: the fairlearn functions
  with defaults (`method="between_groups"`, `agg="worst_case"`);
* `warnings`: warnings the tools emitted while computing the set.

`inline_cases[]`: tiny data given inline (`y_true`, `y_pred`, `sensitive`) for
NaN results the CSV does not produce: a 0/0 ratio (every group's rate is 0) and
`equalized_odds_ratio` returning NaN because Python's `min([NaN, 0.0])` keeps
the NaN that comes first (the tpr ratio).

## Drift: `reference.csv`/`current.csv`, `reference-big.csv`/`current-big.csv`, `expected-drift.json`

Small pair (600 / 450 rows):

| column | reference | current |
|---|---|---|
| `num_cont` | N(0, 1) | N(0.15, 1.05) |
| `num_shift` | N(10, 2) | N(12.5, 2.5) (clear drift) |
| `num_int` | integers 0..9 (≤ 20 distinct → category binning) | 0..10 (10 is new) |
| `num_ties` | integer-valued floats in [0, 96], many ties; combined min/max are exactly 0 and 96, so the 12 Sturges edges are 0, 8, …, 96 and many values sit exactly on an edge | same, shifted |
| `num_const` | 5.0 everywhere | 5.0 everywhere (same constant) |
| `num_const_diff` | 5.0 everywhere | 7.0 everywhere (different constant) |
| `num_nan` | N(100, 15), ~5% empty cells | N(104, 15), ~10% empty cells |
| `cat` | `a`/`b`/`c` | `a`/`b`/`c`/`z` (`z` never occurs in reference) |

Big pair (12000 / 15000 rows, so scipy's `ks_2samp` uses the asymptotic
p-value), values rounded to 2 decimals (ties): `x_cont` (slight shift),
`x_shift` (clear shift, plus one reference outlier 7.5 whose histogram bin holds
exactly one reference row: share 1/12000 ≤ 1e-4, which switches evidently's
empty-bin fill to `min_share / 1e6`), `x_small` (integers 0..14, 15 in current).

`expected-drift.json` → `pairs[]` (`small`, `big`) → `columns.<name>`:

* `feature_type`: the evidently `ColumnType` passed to the tests (`num`/`cat`);
  `n_reference`/`n_current`: rows; `n_*_used`: after dropping NaN/±inf;
* `bins`: `kind` = `histogram` (numeric and > 20 distinct reference values:
  `edges` = `np.histogram_bin_edges(ref ∪ cur, "sturges")`, with the Sturges
  inputs in `sturges`) or `categories` (`categories` sorted; `evidently_key_order`
  = the order evidently iterates); `reference_counts`/`current_counts`;
  `*_shares_raw` = count / n_used; `*_shares` = after the empty-bin rule
  (zeros → 0.0001, or min non-zero share / 1e6 when that min ≤ 0.0001; the
  value used is in `empty_bin_fill`, null when that side has no empty bin);
* `psi`: evidently `psi` = Σ (r − c)·ln(r / c) over `*_shares`; threshold 0.1,
  drift if value ≥ threshold;
* `jensenshannon`: evidently `jensenshannon` = scipy
  `distance.jensenshannon(ref_shares_raw, cur_shares_raw)` (natural log;
  `scipy_jensenshannon_on_raw_shares` repeats the direct scipy call); threshold 0.1;
* `ks`: scipy `ks_2samp(ref, cur)` `statistic`, `pvalue`, `method`
  (`exact`/`asymp`), `statistic_location`, `statistic_sign`;
  `evidently_value` = evidently's `ks` score (the p-value); threshold 0.05,
  drift if p ≤ threshold. Categorical: `applicable: false` with evidently's error;
* `wasserstein`: `distance` = scipy `wasserstein_distance(ref, cur)`,
  `reference_std_ddof0` = `np.std(ref)`, `norm` = max(std, 0.001),
  `value` = distance / norm (evidently `wasserstein`); threshold 0.1;
* `evidently_default_test`: the test evidently's legacy `_get_default_stattest`
  picks for this `feature_type` and its result;
* `evidently_report_auto`: `Report([ValueDrift(column)])` with automatic type
  inference on the current DataFrame (integer columns with ≤ 10 distinct values
  are inferred categorical) and automatic method choice;
* `warnings`: warnings emitted while computing the column.
"""
    (OUT / "README.md").write_text(text, encoding="utf-8")


def main() -> None:
    v = versions()
    bad = {k: (v[k], PINS[k]) for k in PINS if v[k] != PINS[k]}
    if bad and "--allow-version-mismatch" not in sys.argv:
        sys.exit(f"version mismatch (found, pinned): {bad}")
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    run_fairness(rng)
    run_drift(rng)
    write_readme()
    for p in sorted(OUT.iterdir()):
        print(f"wrote {p.relative_to(ROOT)} ({p.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
