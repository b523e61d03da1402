#!/usr/bin/env python3
"""Reference values for the KS port's tests (crates/aims-monitor/src/ks/ks_tests.rs).

Computes scipy.stats.ks_2samp(a, b) (defaults: two-sided, method='auto')
and scipy.stats.kstwo.sf(x, n) for the cases the Rust tests check, and
writes them to crates/aims-monitor/tests/fixtures/ks-2samp.json (floats as
Python's repr, which the test reads back exactly).

Rerun (from the repository root, with the scipy the port follows, 1.17.1):

    python3 scripts/ks-reference.py

The samples are described by small generators (a splitmix64 stream, integer
ties, arithmetic grids, explicit values) that the Rust test rebuilds
bit-for-bit, so no data files are needed.
"""

import json
import math
import pathlib
import sys
import warnings

import numpy as np
import scipy
from scipy import stats

MASK = (1 << 64) - 1
FIXTURE = pathlib.Path(__file__).resolve().parent.parent / "crates/aims-monitor/tests/fixtures/ks-2samp.json"


def splitmix(seed):
    state = seed & MASK
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield (z ^ (z >> 31)) >> 11  # 53 random bits


# Sample generators; keep in step with `Gen` in ks_tests.rs.
def uniform(n, seed, scale=1.0, shift=0.0):
    g = splitmix(seed)
    return ("Uniform", (n, seed, scale, shift),
            [shift + scale * (next(g) * 2.0**-53) for _ in range(n)])


def ints(n, seed, k, shift=0.0):
    g = splitmix(seed)
    return ("Ints", (n, seed, k, shift),
            [math.floor((next(g) * 2.0**-53) * k) + shift for _ in range(n)])


def grid(n, shift=0.0):
    return ("Grid", (n, shift), [(i + 0.5) / n + shift for i in range(n)])


def blocks(n, width, offset):
    # n values in runs of `width`, interleaved with the other sample's runs:
    # run r covers 2*r*width + offset + 0..width.
    return ("Blocks", (n, width, offset),
            [float(2 * (i // width) * width + offset + i % width) for i in range(n)])


def explicit(values):
    return ("Explicit", (tuple(values),), list(values))


def gen_json(spec):
    """The generator as the Rust test's `Gen` reads it (serde, externally
    tagged, field names as in the enum)."""
    kind, args = spec[0], spec[1]
    if kind == "Explicit":
        return {"explicit": [float(v) for v in args[0]]}
    if kind == "Uniform":
        n, seed, scale, shift = args
        return {"uniform": {"n": n, "seed": seed, "scale": float(scale), "shift": float(shift)}}
    if kind == "Ints":
        n, seed, k, shift = args
        return {"ints": {"n": n, "seed": seed, "k": float(k), "shift": float(shift)}}
    if kind == "Grid":
        n, shift = args
        return {"grid": {"n": n, "shift": float(shift)}}
    if kind == "Blocks":
        n, width, offset = args
        return {"blocks": {"n": n, "width": width, "offset": offset}}
    raise ValueError(kind)


def ks_case(name, sa, sb):
    a, b = np.array(sa[2]), np.array(sb[2])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = stats.ks_2samp(a, b)
    m_, n_ = max(len(a), len(b)), min(len(a), len(b))
    print(f"{name}: d={res.statistic!r} p={res.pvalue!r} en={round(m_ * n_ / (m_ + n_))}", file=sys.stderr)
    fell_back = any("Exact calculation unsuccessful" in str(w.message) for w in caught)
    method = "Asymp" if fell_back or max(len(a), len(b)) > 10000 else "Exact"
    return {"name": name, "a": gen_json(sa), "b": gen_json(sb),
            "statistic": float(res.statistic), "pvalue": float(res.pvalue),
            "method": method.lower()}


def ks_cases():
    c = []
    # Exact branch, equal sizes.
    c.append(ks_case("equal 50, same law", uniform(50, 1), uniform(50, 2)))
    c.append(ks_case("equal 1000, shifted", uniform(1000, 3), uniform(1000, 4, shift=0.08)))
    c.append(ks_case("equal 300, far apart", uniform(300, 5), uniform(300, 6, shift=0.6)))
    c.append(ks_case("equal 10000, shifted", uniform(10000, 7), uniform(10000, 8, shift=0.02)))
    # Exact branch, unequal sizes.
    c.append(ks_case("30 vs 47", uniform(30, 9), uniform(47, 10)))
    c.append(ks_case("3 vs 7 (lcm rounding)", uniform(3, 11), uniform(7, 12, shift=0.1)))
    c.append(ks_case("200 vs 333, shifted", uniform(200, 13), uniform(333, 14, shift=0.15)))
    c.append(ks_case("1000 vs 1500, wider", uniform(1000, 15), uniform(1500, 16, scale=1.3)))
    c.append(ks_case("10000 vs 9999", uniform(10000, 17), uniform(9999, 18, shift=0.01)))
    c.append(ks_case("10000 vs 37", uniform(10000, 19), uniform(37, 20, shift=0.2)))
    # Ties.
    c.append(ks_case("ties 40 vs 60", ints(40, 21, 5), ints(60, 22, 5)))
    c.append(ks_case("ties 1000 vs 800, shifted", ints(1000, 23, 7), ints(800, 24, 7, shift=1.0)))
    c.append(ks_case("ties 500 vs 500, 3 values", ints(500, 25, 3), ints(500, 26, 3)))
    c.append(ks_case("ties across samples", explicit([1, 2, 2, 3, 3, 3]), explicit([2, 3, 3, 4])))
    # Tiny samples.
    c.append(ks_case("1 vs 1, distinct", explicit([0.0]), explicit([1.0])))
    c.append(ks_case("1 vs 1, equal", explicit([0.5]), explicit([0.5])))
    c.append(ks_case("1 vs 3", explicit([2.0]), explicit([1.0, 3.0, 5.0])))
    c.append(ks_case("1 vs 3, outside", explicit([9.0]), explicit([1.0, 3.0, 5.0])))
    c.append(ks_case("2 vs 1", explicit([-1.0, 4.0]), explicit([0.0])))
    # d = 0 and d = 1.
    c.append(ks_case("identical 100", uniform(100, 27), uniform(100, 27)))
    c.append(ks_case("identical ties 30", ints(30, 28, 4), ints(30, 28, 4)))
    c.append(ks_case("disjoint 10 vs 20", uniform(10, 29), uniform(20, 30, shift=5.0)))
    c.append(ks_case("disjoint 10000 vs 10000", uniform(10000, 31), uniform(10000, 32, shift=5.0)))
    c.append(ks_case("disjoint 4000 vs 6000", uniform(4000, 33), uniform(6000, 34, shift=-5.0)))
    # The exact series rounds above 1: scipy falls back to asymp.
    c.append(ks_case("fallback n=5 h=1", blocks(5, 1, 0), blocks(5, 1, 1)))
    c.append(ks_case("fallback n=60 h=2", blocks(60, 2, 0), blocks(60, 2, 2)))
    c.append(ks_case("fallback n=135 h=3", blocks(135, 3, 3), blocks(135, 3, 0)))
    # The auto switch at 10000.
    c.append(ks_case("10000 vs 10000", uniform(10000, 35), uniform(10000, 36, shift=0.015)))
    c.append(ks_case("10000 vs 10001", uniform(10000, 35), uniform(10001, 36, shift=0.015)))
    c.append(ks_case("10001 vs 10000", uniform(10001, 37), uniform(10000, 38)))
    c.append(ks_case("10001 vs 1", uniform(10001, 39), explicit([0.25])))
    c.append(ks_case("12000 vs 50 (en ~ 50, Pomeranz)", uniform(12000, 40), uniform(50, 41, shift=0.2)))
    c.append(ks_case("20000 vs 130 (en ~ 129, DMTW)", uniform(20000, 42), uniform(130, 43)))
    c.append(ks_case("30000 vs 300, shifted", uniform(30000, 44), uniform(300, 45, shift=0.1)))
    c.append(ks_case("15000 vs 15000, ties", ints(15000, 46, 50), ints(15000, 47, 50)))
    # Large asymptotic cases (en = n1*n2/(n1+n2) around 1e5 and 1e6).
    c.append(ks_case("grid 2e6 vs 2e6, small d", grid(2000002), grid(2000002, shift=0.001)))
    c.append(ks_case("grid 2e6 vs 2e6, p ~ 1e-300", grid(2000002), grid(2000002, shift=0.018579)))
    c.append(ks_case("grid 2e6 vs 2e6, underflow", grid(2000002), grid(2000002, shift=0.05)))
    c.append(ks_case("grid 2e5 vs 2e5, smirnov sum", grid(200000), grid(200000, shift=0.005)))
    c.append(ks_case("grid 3e5 vs 150001, Pelz-Good", grid(300000), grid(150001, shift=0.003)))
    c.append(ks_case("grid 20000 vs 1053, DMTW", grid(20000), grid(1053, shift=0.011)))
    c.append(ks_case("uniform 40000 vs 60000", uniform(40000, 48), uniform(60000, 49, shift=0.004)))
    return c


def kstwo_cases():
    rows = []
    for n in [1, 2, 10, 100, 140, 1000, 100000, 1000000, 1000001, 10000000]:
        xs = {0.0, -0.5, 1.0, 1.5, 0.5 / n, 0.5000001 / n, 0.75 / n, 1.0 / n, 1.5 / n,
              0.3, 0.5, 0.7, 1 - 1.0 / n, 1 - 0.5 / n, (1.4 / n) ** (2 / 3)}
        for c in [0.1, 0.5, 0.754693, 0.76, 1.0, 2.0, 2.2, 3.0, 4.0, 4.5, 10.0, 18.0,
                  50.0, 300.0, 345.0, 360.0, 369.0, 371.0]:
            xs.add(math.sqrt(c / n))
        for x in sorted(xs):
            if n >= 1000000 and n <= 1000000 and 2.2 <= n * x * x < 370 and x < 0.5:
                # One full smirnov sum at n = 1e6 is slow in a debug build;
                # keep a single one.
                if abs(n * x * x - 3.0) > 1e-9:
                    continue
            rows.append((n, x, float(stats.kstwo.sf(x, n))))
    return [[float(n), float(x), v] for n, x, v in rows]


def main():
    if scipy.__version__ != "1.17.1":
        print(f"warning: scipy {scipy.__version__}, the port follows 1.17.1", file=sys.stderr)
    data = {
        "generated_by": "scripts/ks-reference.py",
        "scipy": scipy.__version__,
        "ks_2samp": ks_cases(),
        "kstwo_sf": kstwo_cases(),
    }
    text = json.dumps(data, indent=1, allow_nan=False)
    FIXTURE.write_text(text + "\n")
    print("wrote", FIXTURE)


if __name__ == "__main__":
    main()
