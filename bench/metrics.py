#!/usr/bin/env python3
"""Monitoring benchmark for aims (issue #11): ingesting measurements and
drawing a year of one metric.

On a fresh database (SQLite in a temporary --data-dir, or PostgreSQL with
--database-url: created with psql and dropped at the end), a workspace with a
manager token and three metrics (thresholds warning 0.9 / critical 0.8, daily):

1. Batch API: --values (1,000,000) measurements of metric A, one a minute
   back from now, sent as JSON bodies of --batch (100,000) items
   (`{"items": [{"value", "measured_at"}]}`) to
   POST /api/v1/workspaces/{ws}/metrics/{id}/measurements, one request after
   another on one client. Values/s over the wall time, and the CPU aims
   spent. Baseline in the same run: `sha256sum` over the same bodies (the
   cost of merely reading the bytes) and GET /healthz.
2. CLI: the same number of values of metric B written to a CSV file
   (measured_at,value) and sent with `aims metrics push --file` (batches of
   --batch): wall time including the CLI's own parsing.
3. Chart: --points (500,000) values of metric C spread over the last 365
   days (one every ~63 s), with a breach episode in it; then --requests (30)
   times GET .../metrics/{C}/chart (a year, 600 display buckets) and the
   metric's page (/w/{ws}/metrics/{C}, which draws the SVG), median and p99,
   checking that the breach is in every answer. Then the same at a tenth of
   the points (50,000), to say how the cost grows with 10x.

Budgets (issue #11): batch ingest >= 100,000 values/s; a year of 500,000
points drawn in < 50 ms. Prints the figures and PASS/FAIL; exits 0 whatever
they are (a benchmark is not a test).

Usage: bench/metrics.py [--binary B] [--values 1000000] [--batch 100000]
                        [--points 500000] [--requests 30] [--json FILE]
                        [--database-url postgres://postgres@127.0.0.1:5432/aims_metrics_bench]
Reuses bench/inventory.py (server, CLI, client helpers).
"""
import argparse, datetime, hashlib, http.client, json, os, re, shutil, signal, statistics
import subprocess, sys, tempfile, time, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inventory as inv  # noqa: E402
import risks as rk  # noqa: E402


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def series(n, start, step, breach=None):
    """(time, value) pairs: a wobble around 0.95, below 0.8 inside `breach` (a range of indexes)."""
    out = []
    for i in range(n):
        v = 0.95 + ((i * 7919) % 101 - 50) / 2000.0
        if breach and i in breach:
            v = 0.7
        out.append((start + i * step, round(v, 4)))
    return out


def bodies(points, batch):
    for k in range(0, len(points), batch):
        chunk = points[k:k + batch]
        yield json.dumps({"items": [{"value": v, "measured_at": iso(t)} for t, v in chunk]}).encode()


class MetricsBench(inv.Bench):
    def metric(self, ws, title):
        status, data, _ = self.request("POST", f"/api/v1/workspaces/{ws}/metrics", self.tokens[ws], json.dumps(
            {"title": title, "direction": "higher", "warning": 0.9, "critical": 0.8, "interval": "daily",
             "on_breach": "alert"}).encode(), "application/json")
        if status != 201:
            raise RuntimeError(f"metric: HTTP {status}: {data[:300]!r}")
        return json.loads(data)["id"]

    def push(self, ws, mid, payloads):
        wall = cpu = 0.0
        n = 0
        for body in payloads:
            c0 = inv.cpu_s(self.pid)
            status, data, dt = self.request("POST", f"/api/v1/workspaces/{ws}/metrics/{mid}/measurements",
                                            self.tokens[ws], body, "application/json")
            cpu += inv.cpu_s(self.pid) - c0
            if status != 201:
                raise RuntimeError(f"push: HTTP {status}: {data[:500]!r}")
            n += json.loads(data)["accepted"]
            wall += dt
        return n, wall, cpu

    def sign_in(self):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        body = urllib.parse.urlencode({"email": inv.ADMIN, "password": rk.PASSWORD})
        c.request("POST", "/login", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse(); r.read()
        return (r.getheader("Set-Cookie") or "").split(";", 1)[0]

    def timed(self, path, n, headers):
        times, body = [], b""
        for _ in range(n + 1):
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            t = time.perf_counter()
            c.request("GET", path, headers=headers)
            r = c.getresponse(); body = r.read()
            times.append((time.perf_counter() - t) * 1000)
            c.close()
            if r.status != 200:
                raise RuntimeError(f"GET {path}: HTTP {r.status}: {body[:300]!r}")
        first, rest = times[0], sorted(times[1:])
        return {"first_ms": first, "median_ms": statistics.median(rest), "p99_ms": rest[-1]}, body


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=None)
    ap.add_argument("--values", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=100_000)
    ap.add_argument("--points", type=int, default=500_000)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--json", metavar="FILE", default=None)
    a = ap.parse_args()
    binary = a.binary or inv.default_binary()
    if not os.access(binary, os.X_OK):
        sys.exit(f"no executable at {binary} (cargo build --release -p aims-cli, or pass --binary)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = tempfile.mkdtemp(prefix="aims-metrics-bench-")
    db = ["--data-dir", os.path.join(work, "data")]
    admin_url = name = srv = None
    res = {}
    try:
        if a.database_url:
            u = urllib.parse.urlsplit(a.database_url)
            name = u.path.lstrip("/")
            admin_url = urllib.parse.urlunsplit(u._replace(path="/postgres"))
            if inv.psql(admin_url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip():
                name = None
                sys.exit("the database exists already: drop it or name another")
            inv.psql(admin_url, f'CREATE DATABASE "{name}"')
            db += ["--database-url", a.database_url]
        port = inv.free_port()
        bench = MetricsBench(a, binary, db, port, work)
        srv = subprocess.Popen([binary, *db, "serve", "--listen", f"127.0.0.1:{port}"], env=bench.env,
                               stdout=subprocess.DEVNULL, stderr=inv.server_log())
        t0 = time.perf_counter()
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2); c.request("GET", "/readyz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            if srv.poll() is not None or time.perf_counter() - t0 > 30:
                sys.exit("the server did not become ready")
            time.sleep(0.01)
        bench.pid = srv.pid
        bench.cli("user", "add", "--email", inv.ADMIN, "--name", "Bench Admin", "--password-stdin",
                  stdin=rk.PASSWORD + "\n")
        backend = "PostgreSQL" if a.database_url else "SQLite"
        ws = bench.workspace("metrics")
        now = int(time.time()) - 600
        # 1. The batch API.
        ma = bench.metric(ws, "A: batch API")
        pts = series(a.values, now - a.values * 60, 60)
        payloads = list(bodies(pts, a.batch))
        size = sum(len(p) for p in payloads)
        t = time.perf_counter()
        for p in payloads:
            subprocess.run(["sha256sum"], input=p, capture_output=True, check=True)
        sha_s = time.perf_counter() - t
        health, _ = bench.timed("/healthz", a.requests, {})
        inv.log(f"[{backend}] pushing {a.values:,} values in {len(payloads)} bodies ({size / 1e6:.0f} MB)")
        n, wall, cpu = bench.push(ws, ma, payloads)
        res["api"] = {"values": n, "s": wall, "per_s": n / wall, "cpu_s": cpu, "bytes": size,
                      "sha256sum_s": sha_s, "healthz": health}
        inv.log(f"[{backend}] batch API: {n / wall:,.0f} values/s ({wall:.2f} s, aims CPU {cpu:.2f} s)")
        # 2. The CLI from a CSV file.
        mb = bench.metric(ws, "B: CLI file")
        csv_path = os.path.join(work, "values.csv")
        with open(csv_path, "w") as f:
            f.write("measured_at,value\n")
            for tt, v in series(a.values, now - a.values * 60, 60):
                f.write(f"{iso(tt)},{v}\n")
        t = time.perf_counter()
        subprocess.run([binary, "metrics", "push", "--server", f"http://127.0.0.1:{port}", "--token", bench.tokens[ws],
                        "--workspace", ws, "--metric", mb, "--file", csv_path, "--batch", str(a.batch),
                        "--format", "json"], check=True, capture_output=True, env=bench.env)
        cli_s = time.perf_counter() - t
        res["cli"] = {"values": a.values, "s": cli_s, "per_s": a.values / cli_s}
        inv.log(f"[{backend}] aims metrics push --file: {a.values / cli_s:,.0f} values/s ({cli_s:.2f} s)")
        # 3. Charts of a year: at --points and at a tenth.
        cookie = bench.sign_in()
        res["chart"] = []
        for npts in (a.points // 10, a.points):
            mc = bench.metric(ws, f"C: chart {npts}")
            step = 365 * 86400 // npts
            start = now - 365 * 86400
            breach = range(npts // 3, npts // 3 + 5)
            bench.push(ws, mc, bodies(series(npts, start, step, breach), a.batch))
            q = f"?from={iso(start - 60)}&to={iso(now + 60)}"
            api, body = bench.timed(f"/api/v1/workspaces/{ws}/metrics/{mc}/chart{q}", a.requests,
                                    {"Authorization": f"Bearer {bench.tokens[ws]}"})
            chart = json.loads(body)
            crit = sum(1 for p in chart["points"] if p["level"] == "critical")
            page, html = bench.timed(f"/w/{ws}/metrics/{mc}?range=1y", a.requests, {"Cookie": cookie})
            marked = html.count(b'class="breach critical"')
            res["chart"].append({"points": npts, "drawn": len(chart["points"]), "count": chart["count"],
                                 "critical_drawn": crit, "page_breaches": marked, "api": api, "page": page})
            inv.log(f"[{backend}] chart of {npts:,}: API median {api['median_ms']:.1f} ms, page {page['median_ms']:.1f} ms, "
                    f"{len(chart['points'])} points drawn, {crit} critical (page marks {marked})")
    finally:
        if srv:
            srv.terminate()
            srv.wait(10)
        if name:
            inv.psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)
    api = res["api"]
    print(f"\n## {backend}\n")
    print(f"| figure | value | budget |\n|---|---|---|")
    print(f"| batch API ingest | {api['per_s']:,.0f} values/s ({api['values']:,} in {api['s']:.2f} s, aims CPU {api['cpu_s']:.2f} s) | >= 100,000/s: {'PASS' if api['per_s'] >= 100000 else 'FAIL'} |")
    print(f"| `aims metrics push --file` | {res['cli']['per_s']:,.0f} values/s ({res['cli']['s']:.2f} s) | >= 100,000/s: {'PASS' if res['cli']['per_s'] >= 100000 else 'FAIL'} |")
    print(f"| baseline: sha256sum of the bodies | {api['sha256sum_s']:.2f} s for {api['bytes'] / 1e6:.0f} MB | |")
    print(f"| baseline: /healthz median | {api['healthz']['median_ms']:.2f} ms | |")
    for c in res["chart"]:
        ok = c["page"]["median_ms"] < 50 and c["api"]["median_ms"] < 50
        print(f"| chart of a year, {c['points']:,} points: API median / p99 | {c['api']['median_ms']:.1f} / {c['api']['p99_ms']:.1f} ms ({c['drawn']} drawn, {c['critical_drawn']} critical) | |")
        print(f"| … page with the SVG: median / p99 | {c['page']['median_ms']:.1f} / {c['page']['p99_ms']:.1f} ms (breach marked {c['page_breaches']}x) | < 50 ms: {'PASS' if ok else 'FAIL'} |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=2)


if __name__ == "__main__":
    main()
