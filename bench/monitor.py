#!/usr/bin/env python3
"""Monitoring analytics benchmark for aims (issue #13): fairness and drift of
prediction logs.

1. Generates, seeded, a --rows (10,000,000) row prediction log as CSV
   (ts, label, prediction, score, a 4-group and a 2-group sensitive column,
   8 numeric features f1..f8, 2 categorical features c1, c2) and a drifted
   counterpart of the same size (f1 shifted, f2 widened, c1 reweighted), plus
   the first --python-rows (1,000,000) rows of each for the slow baselines.
   Needs numpy; polars writes the files fast when it is installed.
2. Times, each as its own process (wall time and peak RSS from wait4):
   - `aims monitor fairness --sensitive group4,group2 --score score` on the log;
   - `aims monitor drift` of the 10 feature columns, log against drifted log;
   - the same two on the --python-rows files (to set beside the baselines);
   - baseline: `sha256sum` of the log (merely reading the bytes), same run.
3. Where installed, the Python tools on the same files, same run:
   - fairlearn MetricFrame (count, selection rate, accuracy, TPR, FPR by
     group4 × group2) and the four disparity functions, on --python-rows;
   - evidently's DataDriftPreset (with --evidently-python, e.g. a virtualenv
     with pandas < 3, which evidently 0.7 needs), on --python-rows;
   - polars + scipy: read the 10 columns of both full logs with polars, then
     per column scipy's ks_2samp and wasserstein_distance and numpy's
     Sturges histogram — the "hand-written script" of the issue;
   and prints aims's speed-up over each.

Budgets (issue #13): 10M rows of CSV — fairness < 2 s; drift of 10 columns
against another 10M < 10 s; peak memory < 1 GB each. Prints the figures and
PASS/FAIL; exits 0 whatever they are (a benchmark is not a test).

Usage: bench/monitor.py [--binary target/release/aims] [--rows 10000000]
                        [--python-rows 1000000] [--dir DIR] [--keep]
                        [--skip-python] [--evidently-python PY] [--json FILE]
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, textwrap, time

FEATURES = [f"f{i}" for i in range(1, 9)] + ["c1", "c2"]


def generate(path, rows, seed, drifted):
    import numpy as np
    try:
        import polars as pl
    except ImportError:
        pl = None
    rng = np.random.default_rng(seed)
    chunk = 1_000_000
    t0 = 1_767_225_600  # 2026-01-01T00:00:00Z
    with open(path, "wb") as out:
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            g4 = rng.integers(0, 4, n)
            g2 = rng.integers(0, 2, n)
            f = {}
            for i in range(1, 9):
                mu = 0.5 if (drifted and i == 1) else 0.0
                sd = 1.6 if (drifted and i == 2) else 1.0
                f[f"f{i}"] = np.round(rng.normal(mu, sd, n) * (i * 3.0), 6)
            p1 = [0.5, 0.3, 0.15, 0.05] if not drifted else [0.35, 0.3, 0.2, 0.15]
            c1 = rng.choice(np.array(["alpha", "beta", "gamma", "delta"]), n, p=p1)
            c2 = rng.choice(np.array([f"k{j:02d}" for j in range(12)]), n)
            logit = 0.8 * f["f1"] / 3 - 0.5 * f["f3"] / 9 + 0.3 * (g4 - 1.5) + 0.2 * g2
            score = 1 / (1 + np.exp(-logit))
            label = (rng.random(n) < score).astype(np.int8)
            pred = (score + rng.normal(0, 0.1, n) > 0.5).astype(np.int8)
            ts = (t0 + (start + np.arange(n)) * 3).astype("datetime64[s]")
            cols = {
                "ts": np.datetime_as_string(ts, unit="s"),
                "label": label,
                "prediction": pred,
                "score": np.round(score, 4),
                "group4": np.array(list("ABCD"))[g4],
                "group2": np.array(["F", "M"])[g2],
                **f,
                "c1": c1,
                "c2": c2,
            }
            cols["ts"] = np.char.add(cols["ts"], "Z")
            if pl is not None:
                pl.DataFrame(cols).write_csv(out, include_header=(start == 0))
            else:
                import csv, io
                buf = io.StringIO()
                w = csv.writer(buf, lineterminator="\n")
                if start == 0:
                    w.writerow(cols.keys())
                w.writerows(zip(*[c.tolist() for c in cols.values()]))
                out.write(buf.getvalue().encode())


def head(src, dst, rows):
    with open(src, "rb") as i, open(dst, "wb") as o:
        for k, line in enumerate(i):
            if k > rows:
                break
            o.write(line)


def timed(cmd, **kw):
    """Wall seconds and peak RSS (MiB) of one process."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        print(f"  ! {' '.join(map(str, cmd))[:120]} exited {p.returncode}: {err.decode()[-800:]}")
    return {"wall_s": round(wall, 3), "peak_mib": round(ru.ru_maxrss / 1024, 1), "ok": p.returncode == 0,
            "stdout": out.decode(errors="replace")}


FAIRLEARN = textwrap.dedent("""
    import sys, time, pandas as pd
    from fairlearn.metrics import (MetricFrame, count, selection_rate, true_positive_rate,
        false_positive_rate, demographic_parity_difference, demographic_parity_ratio,
        equalized_odds_difference, equalized_odds_ratio)
    from sklearn.metrics import accuracy_score
    df = pd.read_csv(sys.argv[1], usecols=["label", "prediction", "group4", "group2"])
    sf = df[["group4", "group2"]]
    mf = MetricFrame(metrics={"count": count, "selection_rate": selection_rate, "accuracy": accuracy_score,
        "tpr": true_positive_rate, "fpr": false_positive_rate}, y_true=df.label, y_pred=df.prediction,
        sensitive_features=sf)
    d = mf.difference(); r = mf.ratio()
    print(demographic_parity_difference(df.label, df.prediction, sensitive_features=sf),
          equalized_odds_difference(df.label, df.prediction, sensitive_features=sf))
""")

EVIDENTLY = textwrap.dedent("""
    import sys, pandas as pd
    from evidently import Report
    from evidently.presets import DataDriftPreset
    cols = sys.argv[3].split(",")
    r = pd.read_csv(sys.argv[1], usecols=cols); c = pd.read_csv(sys.argv[2], usecols=cols)
    snap = Report([DataDriftPreset()]).run(reference_data=r, current_data=c)
    snap.dict()
""")

POLARS = textwrap.dedent("""
    import sys, numpy as np, polars as pl
    from scipy import stats
    from scipy.spatial import distance
    cols = sys.argv[3].split(",")
    r = pl.read_csv(sys.argv[1], columns=cols); c = pl.read_csv(sys.argv[2], columns=cols)
    for col in cols:
        a, b = r[col].drop_nulls(), c[col].drop_nulls()
        if a.dtype == pl.String:
            keys = sorted(set(a.unique().to_list()) | set(b.unique().to_list()))
            ra = a.value_counts(); cb = b.value_counts()
            p = np.array([dict(zip(ra[col], ra["count"])).get(k, 0) for k in keys]) / len(a)
            q = np.array([dict(zip(cb[col], cb["count"])).get(k, 0) for k in keys]) / len(b)
            distance.jensenshannon(p, q)
            continue
        a, b = a.to_numpy(), b.to_numpy()
        edges = np.histogram_bin_edges(np.concatenate([a, b]), bins="sturges")
        p = np.histogram(a, edges)[0] / len(a); q = np.histogram(b, edges)[0] / len(b)
        distance.jensenshannon(p, q)
        stats.ks_2samp(a, b)
        stats.wasserstein_distance(a, b) / max(np.std(a), 0.001)
""")


def have(python, module):
    return subprocess.run([python, "-c", f"import {module}"], capture_output=True).returncode == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "aims"))
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--python-rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--dir")
    ap.add_argument("--keep", action="store_true", help="keep the generated files (and reuse them next time)")
    ap.add_argument("--skip-python", action="store_true")
    ap.add_argument("--evidently-python", default=sys.executable)
    ap.add_argument("--json")
    a = ap.parse_args()
    d = a.dir or os.path.join(tempfile.gettempdir(), "aims-monitor-bench")
    os.makedirs(d, exist_ok=True)
    log, drifted = os.path.join(d, f"log-{a.rows}.csv"), os.path.join(d, f"drifted-{a.rows}.csv")
    small, small_d = os.path.join(d, f"log-{a.python_rows}.csv"), os.path.join(d, f"drifted-{a.python_rows}.csv")
    for path, dr, seed in [(log, False, a.seed), (drifted, True, a.seed + 1)]:
        if not os.path.exists(path):
            t = time.perf_counter()
            generate(path + ".part", a.rows, seed, dr)
            os.replace(path + ".part", path)
            print(f"generated {path} ({os.path.getsize(path) / 2**20:.0f} MiB) in {time.perf_counter() - t:.0f} s")
    for src, dst in [(log, small), (drifted, small_d)]:
        if not os.path.exists(dst):
            head(src, dst, a.python_rows)
    aims = os.path.abspath(a.binary)
    results = {"rows": a.rows, "python_rows": a.python_rows, "bytes": os.path.getsize(log)}
    fair = lambda f: [aims, "monitor", "fairness", "--predictions", f, "--label", "label", "--prediction",
                      "prediction", "--sensitive", "group4,group2", "--score", "score", "--format", "json"]
    drift = lambda r, c: [aims, "monitor", "drift", "--reference", r, "--current", c,
                          "--columns", ",".join(FEATURES), "--format", "json"]
    # Warm the page cache for every file, then measure.
    for f in [log, drifted, small, small_d]:
        subprocess.run(["cat", f], stdout=subprocess.DEVNULL)
    results["sha256sum"] = timed(["sha256sum", log])
    results["aims_fairness"] = timed(fair(log))
    results["aims_drift"] = timed(drift(log, drifted))
    results["aims_fairness_small"] = timed(fair(small))
    results["aims_drift_small"] = timed(drift(small, small_d))
    try:
        rep = json.loads(results["aims_drift"]["stdout"])
        results["drifted_columns"] = [c["column"] for c in rep["columns"] if c["drifted"]]
    except (ValueError, KeyError):
        pass
    py = sys.executable
    if not a.skip_python:
        if have(py, "fairlearn"):
            results["fairlearn"] = timed([py, "-c", FAIRLEARN, small])
        if have(a.evidently_python, "evidently"):
            results["evidently"] = timed([a.evidently_python, "-c", EVIDENTLY, small, small_d, ",".join(FEATURES)])
        if have(py, "polars") and have(py, "scipy"):
            results["polars_scipy"] = timed([py, "-c", POLARS, log, drifted, ",".join(FEATURES)])
    for r in results.values():
        if isinstance(r, dict):
            r.pop("stdout", None)

    def line(name, r, rows):
        if not r:
            return
        print(f"{name:<44} {r['wall_s']:>8.2f} s {r['peak_mib']:>8.0f} MiB  {rows:>11,} rows{'' if r['ok'] else '  (FAILED)'}")

    mib = results["bytes"] / 2**20
    print(f"\nlog: {a.rows:,} rows, {mib:.0f} MiB of CSV; drifted counterpart the same size")
    line("sha256sum of the log (baseline)", results["sha256sum"], a.rows)
    line("aims monitor fairness", results["aims_fairness"], a.rows)
    line("aims monitor drift (10 columns)", results["aims_drift"], 2 * a.rows)
    line("aims monitor fairness (small)", results["aims_fairness_small"], a.python_rows)
    line("aims monitor drift (small)", results["aims_drift_small"], 2 * a.python_rows)
    for key, name, rows, ours in [
        ("fairlearn", "fairlearn MetricFrame (small)", a.python_rows, "aims_fairness_small"),
        ("evidently", "evidently DataDriftPreset (small)", 2 * a.python_rows, "aims_drift_small"),
        ("polars_scipy", "polars + scipy drift (10 columns)", 2 * a.rows, "aims_drift"),
    ]:
        r = results.get(key)
        if r:
            line(name, r, rows)
            if r["ok"] and results[ours]["wall_s"] > 0:
                ratio = r["wall_s"] / results[ours]["wall_s"]
                results[f"{key}_ratio"] = round(ratio, 1)
                print(f"{'':<44} aims is {ratio:.1f}x faster, {r['peak_mib'] / max(results[ours]['peak_mib'], 1):.1f}x less memory")
    checks = [
        ("fairness of the log < 2 s", results["aims_fairness"]["wall_s"] < 2),
        ("drift of 10 columns < 10 s", results["aims_drift"]["wall_s"] < 10),
        ("fairness peak memory < 1 GB", results["aims_fairness"]["peak_mib"] < 1000),
        ("drift peak memory < 1 GB", results["aims_drift"]["peak_mib"] < 1000),
    ]
    print()
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    results["pass"] = all(ok for _, ok in checks)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=2)
    if not a.keep and not a.dir:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
