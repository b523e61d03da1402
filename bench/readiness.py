#!/usr/bin/env python3
"""Readiness, dashboard and evidence pack benchmark for aims (issue #12).

In one run, on a fresh database (SQLite in a temporary --data-dir, or
PostgreSQL with --database-url: created with psql and dropped at the end),
with the release binary:

  1. a workspace of --systems (1,000) AI systems, --risks (20,000) risks and
     --items (100,000) evidence items, imported as CSV through the API, with
     --links (10,000) links: each system concerned by some risks
     (`concerns`) and evidence spread over the Annex A controls
     (`evidence_for`), posted --link-clients at a time;
  2. GET .../readiness (JSON) and the dashboard page /w/{ws}, each first
     --cold (10) times right after each of six changes: a risk's description
     edited (that risk read again, the rest of the snapshot and the heat map
     kept), a risk's likelihood edited (the heat map moves that risk too), a
     system's deployment context edited (that system read again), a
     `concerns` link added (its two ends read again), a risk created and a
     risk deleted; then
     --requests (30) times while nothing
     changes (kept under the history number and the day); baseline: GET
     /healthz the same way;
  3. `aims report gap --format pdf` for the demo organisation (loaded by
     `aims demo` into the same database) and for the big workspace, against
     the same command writing JSON (everything but the typesetting);
  4. `aims export pack` of a workspace of its own after --pack-mib (0: skip)
     MiB of evidence files were pushed (files of --file-mib MiB of random
     bytes, each a new evidence item of a control), against `sha256sum` over
     the same files in the same run; the export's peak RSS after a tenth of
     the files and after all of them (flat: alike); `aims pack verify` on
     the result; and the pack of the big workspace (records, registers and
     history, no files) for what they cost.

Budgets (issue #12): readiness < 100 ms and the dashboard < 100 ms (median of
the reads right after a change, and read again); the pack export at least as
fast as sha256sum over the same files (time <= sha256sum's), memory flat
(peak RSS not growing with the evidence); the demo's gap report PDF < 2 s. The script prints PASS/FAIL and
exits 1 when one is missed.

Usage: bench/readiness.py [--binary B] [--systems 1000] [--risks 20000] [--items 100000]
                          [--links 10000] [--pack-mib 0] [--database-url URL] [--json FILE]
"""

import argparse, datetime, http.client, json, os, random, re, resource, shutil, signal
import statistics, subprocess, sys, tempfile, time, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inventory as inv  # noqa: E402
import risks as rk  # noqa: E402
import evidence as ev  # noqa: E402

MiB = 1024 * 1024


class ReadinessBench(ev.EvidenceBench):
    def ids(self, ws, kind):
        out, after = [], None
        while True:
            path = f"/api/v1/workspaces/{ws}/{kind}?limit=500" + (f"&after={after}" if after else "")
            status, data, _ = self.get(path, token=self.tokens[ws])
            if status != 200:
                raise RuntimeError(f"GET {path}: HTTP {status}: {data[:300]!r}")
            page = json.loads(data)
            out += [(r["id"], r["version"]) for r in page["items"]]
            after = page.get("next")
            if not after:
                return out

    def post_links(self, ws, kind, pairs, relation):
        """Posts (from id, to) links of `relation` from records of `kind`."""
        # The evidence bench's worker posts evidence links; the same loop for any kind.
        ok = 0
        t0 = time.perf_counter()
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = {"Authorization": f"Bearer {self.tokens[ws]}", "Content-Type": "application/json"}
        for src, to in pairs:
            c.request("POST", f"/api/v1/workspaces/{ws}/{kind}/{src}/links",
                      body=json.dumps({"relation": relation, "to": to}), headers=h)
            r = c.getresponse(); r.read()
            ok += r.status == 201
        c.close()
        return {"links": ok, "s": time.perf_counter() - t0}

    def seed(self, ws):
        a = self.a
        res = {}
        t = time.perf_counter()
        for part in inv.split_csv(inv.systems_csv(a.systems, a.seed)[0]):
            status, data, _ = self.request(
                "POST", f"/api/v1/workspaces/{ws}/systems/import?mode=all&file_name=systems.csv",
                self.tokens[ws], part, "text/csv")
            if status != 200:
                raise RuntimeError(f"systems import: HTTP {status}: {data[:500]!r}")
        res["systems_s"] = time.perf_counter() - t
        t = time.perf_counter()
        for part in inv.split_csv(rk.risks_csv(a.risks, a.seed)):
            status, data, _ = self.request(
                "POST", f"/api/v1/workspaces/{ws}/risks/import?mode=all&file_name=risks.csv",
                self.tokens[ws], part, "text/csv")
            if status != 200:
                raise RuntimeError(f"risks import: HTTP {status}: {data[:500]!r}")
        res["risks_s"] = time.perf_counter() - t
        res["evidence"] = self.import_evidence(ws, 0, a.items, datetime.date.today())
        inv.log(f"seeded {a.systems} systems, {a.risks} risks, {a.items} evidence items")
        system_rows = self.ids(ws, "systems")
        systems = [i for i, _ in system_rows]
        risks = self.ids(ws, "risks")
        self.risk = risks[0]
        self.system = system_rows[0]
        self.deletable = [r for r, _ in risks[len(risks) // 2:len(risks) // 2 + 100]]
        # Pairs no seeding link uses (those pair the first --links / 2 risks).
        self.fresh_links = iter([(risks[-1 - k][0], systems[k % len(systems)]) for k in range(len(risks) // 2)])
        rnd = random.Random(a.seed)
        half = a.links // 2
        concerns = [(risks[i % len(risks)][0], systems[i % len(systems)]) for i in range(half)]
        res["concerns"] = self.post_links(ws, "risks", concerns, "concerns")
        controls = [f"iso42001:A.{a_}.{b}" for a_, b in
                    [(2, 2), (2, 3), (3, 2), (4, 2), (5, 2), (6, 2), (7, 2), (8, 2), (9, 2), (10, 2)]]
        items = [i for i, _ in self.ids(ws, "evidence")]
        pairs = [(items[rnd.randrange(len(items))], controls[i % len(controls)]) for i in range(a.links - half)]
        res["evidence_links"] = ev.link_all(self.port, ws, self.tokens[ws], pairs, a.link_clients)
        inv.log(f"linked: {res['concerns']['links']} concerns, {res['evidence_links']['links']} evidence_for")
        return res

    # The changes made before each read "after a change" (see the module's text).
    CHANGES = ("risk text", "risk score", "system text", "new link", "new risk", "risk deleted")

    def send(self, ws, method, path, fields, expect):
        """A JSON request under the workspace's API; the answer's JSON."""
        body, ctype = (None, None) if fields is None else (json.dumps(fields).encode(), "application/json")
        status, data, _ = self.request(method, f"/api/v1/workspaces/{ws}/{path}", self.tokens[ws], body, ctype)
        if status != expect:
            raise RuntimeError(f"{method} {path}: HTTP {status}: {data[:300]!r}")
        return json.loads(data) if data else None

    def change(self, ws, what="risk text"):
        """One record edited, created or linked: a history event, so readiness is brought up to date."""
        self.touches += 1
        if what == "risk deleted":
            # From the far end of the list, away from the linked ones and the one edited.
            rid = self.deletable.pop()
            self.send(ws, "DELETE", f"risks/{rid}", None, 204)
        elif what == "new risk":
            self.send(ws, "POST", "risks", {"title": f"Risk added while reading ({self.touches})"}, 201)
        elif what == "new link":
            rid, system = next(self.fresh_links)
            self.send(ws, "POST", f"risks/{rid}/links", {"relation": "concerns", "to": system}, 201)
        elif what == "system text":
            rid, version = self.system
            fields = {"version": version, "deployment_context": f"Reviewed again ({self.touches})."}
            self.system = (rid, self.send(ws, "PUT", f"systems/{rid}", fields, 200)["version"])
        else:
            rid, version = self.risk
            fields = {"inherent_likelihood": 1 + self.touches % 5} if what == "risk score" \
                else {"description": f"Reviewed again ({self.touches})."}
            self.risk = (rid, self.send(ws, "PUT", f"risks/{rid}", {"version": version, **fields}, 200)["version"])

    def reads(self, ws):
        a, token = self.a, self.tokens[ws]
        out = {"healthz": self.timed("/healthz", a.requests), "cold_by_change": {}}
        for what in self.CHANGES:
            cold = {"readiness": [], "dashboard": []}
            for _ in range(a.cold):
                for k, path, kw in [("readiness", f"/api/v1/workspaces/{ws}/readiness", {"token": token}),
                                    ("dashboard", f"/w/{ws}", {"cookie": self.cookie})]:
                    self.change(ws, what)
                    status, data, dt = self.get(path, **kw)
                    if status != 200:
                        raise RuntimeError(f"GET {path}: HTTP {status}: {data[:300]!r}")
                    cold[k].append(dt)
                    if k == "readiness":
                        out["score"] = json.loads(data)["overall"]["percent"]
                        out["gaps"] = len(json.loads(data)["gaps"])
            out["cold_by_change"][what] = {k: {"median_ms": statistics.median(v) * 1000,
                                                "max_ms": max(v) * 1000} for k, v in cold.items()}
        out["cold"] = out["cold_by_change"][self.CHANGES[0]]
        out["warm"] = self.timed_together({
            "readiness": (f"/api/v1/workspaces/{ws}/readiness", {"token": token}),
            "dashboard": (f"/w/{ws}", {"cookie": self.cookie})}, a.requests)
        return out

    def export(self, ws, out_zip):
        """`aims export pack` of `ws`: (seconds, the CLI's peak RSS in kB, zip bytes)."""
        t = time.perf_counter()
        r = subprocess.run(["/usr/bin/time", "-f", "%M", self.binary, *self.db, "export", "pack",
                            "--workspace", ws, "-o", out_zip], capture_output=True, text=True, env=self.env)
        dt = time.perf_counter() - t
        if r.returncode != 0:
            raise RuntimeError(f"export pack: {r.stderr[-2000:]}")
        rss = int(r.stderr.strip().splitlines()[-1])
        return dt, rss, os.path.getsize(out_zip)

    def pack(self, ws):
        """The pack of a workspace of its own holding only the evidence files (so the figure is
        the evidence's throughput, not the records'), exported after a tenth of the files and
        after all of them: memory is flat when the two peaks are alike."""
        a = self.a
        ws = self.workspace("pack")
        files = []
        n = max(2, a.pack_mib // a.file_mib)
        first = max(1, n // 10)
        out_zip = os.path.join(self.work, "pack.zip")
        res = {}
        for i in range(n):
            path = os.path.join(self.work, f"evidence-{i:04d}.bin")
            with open(path, "wb") as f:
                left = a.file_mib * MiB
                while left:
                    chunk = os.urandom(min(left, 4 * MiB))
                    f.write(chunk); left -= len(chunk)
            status, data, *_ = ev.stream_push(self.port, ws, self.tokens[ws], path, f"evidence-{i:04d}.bin",
                                               [("control", f"A.6.2.{2 + i % 7}")])
            if status != 201:
                raise RuntimeError(f"push {i}: HTTP {status}: {data[:300]!r}")
            files.append(path)
            if i + 1 == first:
                _, rss, _ = self.export(ws, out_zip)
                res["small"] = {"mib": first * a.file_mib, "cli_peak_rss_kb": rss}
                os.remove(out_zip)
        inv.log(f"pushed {n} files of {a.file_mib} MiB")
        # The baseline: sha256sum over the same content, warm (read once before).
        for p in files:
            subprocess.run(["cat", p], stdout=subprocess.DEVNULL, check=True)
        # Each timed step starts with nothing left to write back (the pushes wrote 2 × the files).
        os.sync()
        t = time.perf_counter()
        subprocess.run(["sha256sum", *files], stdout=subprocess.DEVNULL, check=True)
        sha = time.perf_counter() - t
        # The second baseline: the same bytes written into one file (`cat`), the disk's share.
        copy = os.path.join(self.work, "copy.bin")
        os.sync()
        t = time.perf_counter()
        with open(copy, "wb") as out:
            subprocess.run(["cat", *files], stdout=out, check=True)
            out.flush(); os.fsync(out.fileno())
        cat_s = time.perf_counter() - t
        os.remove(copy)
        os.sync()
        dt, rss, size = self.export(ws, out_zip)
        key = self.cli("pack", "key").strip()
        t = time.perf_counter()
        v = subprocess.run([self.binary, "pack", "verify", out_zip, "--key", key, "--format", "json"],
                           capture_output=True, text=True)
        verify_s = time.perf_counter() - t
        for p in files:
            os.remove(p)
        os.remove(out_zip)
        res.update({"files": n, "mib": n * a.file_mib, "sha256sum_s": sha, "cat_s": cat_s, "export_s": dt,
                    "export_mib_s": size / MiB / dt if dt else 0.0, "zip_bytes": size,
                    "cli_peak_rss_kb": rss, "verify_s": verify_s,
                    "verify_ok": v.returncode == 0, "verify": v.stdout[-500:]})
        # The big workspace's pack (records, registers and history; no files): what they cost.
        dt_big, rss_big, size_big = self.export(self.big, out_zip)
        os.remove(out_zip)
        res["records_only"] = {"export_s": dt_big, "cli_peak_rss_kb": rss_big, "zip_bytes": size_big}
        return res

    def pdf(self, ws):
        """The gap report as PDF: for the demo (the budget) and for the big workspace `ws`;
        baseline: the same command writing JSON (start, database, readiness; no typesetting)."""
        self.cli("demo")
        out = {}
        for name, w in (("demo", "demo"), ("big", ws)):
            runs = {}
            for fmt in ("json", "pdf"):
                f = os.path.join(self.work, f"gap.{fmt}")
                times = []
                for _ in range(self.a.pdf_runs if name == "demo" else 2):
                    t = time.perf_counter()
                    self.cli("report", "gap", "--workspace", w, "--format", fmt, "-o", f)
                    times.append(time.perf_counter() - t)
                runs[fmt] = {"median_s": statistics.median(times), "bytes": os.path.getsize(f)}
                if fmt == "pdf":
                    info = subprocess.run(["pdfinfo", f], capture_output=True, text=True).stdout \
                        if shutil.which("pdfinfo") else ""
                    m = re.search(r"Pages:\s+(\d+)", info)
                    runs[fmt]["pages"] = int(m.group(1)) if m else None
                os.remove(f)
            out[name] = runs
        return out


def report(backend, a, res):
    missed = False
    print(f"\n{backend}: {a.systems:,} systems, {a.risks:,} risks, {a.items:,} evidence items, {a.links:,} links")
    r = res["reads"]
    print(f"  score {r['score']} %, {r['gaps']:,} gaps")
    for k in ("readiness", "dashboard"):
        warm = r["warm"][k]
        ok = warm["p50_ms"] < 100
        missed |= not ok
        print(f"  {k:<10} read again while nothing changes: p50 {warm['p50_ms']:.1f} / p99 {warm['p99_ms']:.1f} ms"
              f"  budget < 100 ms: {inv.verdict(ok)}")
        for what, cold in r["cold_by_change"].items():
            ok = cold[k]["median_ms"] < 100
            missed |= not ok
            said = what if what.startswith("new") or what.endswith("deleted") else f"{what} edit"
            print(f"  {k:<10} first after a {said}: "
                  f"median {cold[k]['median_ms']:.1f} ms "
                  f"(max {cold[k]['max_ms']:.1f})  budget < 100 ms: {inv.verdict(ok)}")
    print(f"  baseline /healthz p50 {r['healthz']['x']['p50_ms']:.2f} ms" if "x" in r["healthz"]
          else f"  baseline /healthz p50 {r['healthz']['p50_ms']:.2f} ms")
    if "pack" in res:
        p = res["pack"]
        ok = p["export_s"] <= p["sha256sum_s"] and p["verify_ok"]
        flat = p["cli_peak_rss_kb"] < 1.5 * p["small"]["cli_peak_rss_kb"] + 20 * 1024
        missed |= not (ok and flat)
        print(f"  pack of {p['mib']:,} MiB ({p['files']} files): export {p['export_s']:.1f} s "
              f"({p['export_mib_s']:.0f} MiB/s) vs sha256sum {p['sha256sum_s']:.1f} s: {inv.verdict(ok)}; "
              f"the same bytes written to one file by cat (and synced) {p['cat_s']:.1f} s; "
              f"verify {p['verify_s']:.1f} s ({'ok' if p['verify_ok'] else 'FAILED'})")
        print(f"  pack memory: CLI peak RSS {p['small']['cli_peak_rss_kb'] / 1024:.0f} MB with "
              f"{p['small']['mib']:,} MiB of evidence, {p['cli_peak_rss_kb'] / 1024:.0f} MB with {p['mib']:,} MiB: "
              f"flat {inv.verdict(flat)}")
        r = p["records_only"]
        print(f"  pack of the big workspace (records, registers, history; no files): {r['export_s']:.1f} s, "
              f"{r['zip_bytes'] / MiB:.0f} MiB, CLI peak RSS {r['cli_peak_rss_kb'] / 1024:.0f} MB")
    if "pdf" in res:
        for name, r in res["pdf"].items():
            ok = r["pdf"]["median_s"] < 2.0
            if name == "demo":
                missed |= not ok
            print(f"  gap report PDF ({name}): {r['pdf']['median_s'] * 1000:.0f} ms, {r['pdf']['pages']} pages, "
                  f"{r['pdf']['bytes'] / 1024:.0f} KiB; the same as JSON {r['json']['median_s'] * 1000:.0f} ms"
                  + (f"  budget < 2 s: {inv.verdict(ok)}" if name == "demo" else ""))
    return missed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=None)
    ap.add_argument("--systems", type=int, default=1000)
    ap.add_argument("--risks", type=int, default=20000)
    ap.add_argument("--items", type=int, default=100000)
    ap.add_argument("--links", type=int, default=10000)
    ap.add_argument("--link-clients", type=int, default=4)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--cold", type=int, default=10)
    ap.add_argument("--pack-mib", type=int, default=0, help="MiB of evidence files for the pack (0: skip)")
    ap.add_argument("--file-mib", type=int, default=256)
    ap.add_argument("--pdf-runs", type=int, default=5, help="times the demo's gap PDF is made")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--json", metavar="FILE", default=None)
    ap.add_argument("--keep", action="store_true", help="keep the data dir (SQLite) or the database (PostgreSQL) and print where")
    a = ap.parse_args()
    binary = a.binary or inv.default_binary()
    if not os.access(binary, os.X_OK):
        sys.exit(f"no executable at {binary} (cargo build --release -p aims-cli, or pass --binary)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = tempfile.mkdtemp(prefix="aims-readiness-bench-")
    db = ["--data-dir", os.path.join(work, "data")]
    admin_url = name = srv = None
    res = {}
    started = time.perf_counter()
    try:
        if a.database_url:
            u = urllib.parse.urlsplit(a.database_url)
            name = u.path.lstrip("/")
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", name or ""):
                sys.exit("--database-url must name a database (lower-case letters, digits, _) to create")
            admin_url = urllib.parse.urlunsplit(u._replace(path="/postgres"))
            inv.psql(admin_url, f'CREATE DATABASE "{name}"')
            db += ["--database-url", a.database_url]
        idle = inv.idle_pct()
        port = inv.free_port()
        bench = ReadinessBench(a, binary, db, port, work)
        bench.touches, bench.versions = 0, {}
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
        ws = bench.workspace("ready")
        res["seed"] = bench.seed(ws)
        bench.sign_in()
        bench.cookie = bench.cookie
        res["reads"] = bench.reads(ws)
        bench.big = ws
        res["pdf"] = bench.pdf(ws)
        if a.pack_mib:
            res["pack"] = bench.pack(ws)
    finally:
        if srv is not None:
            srv.terminate()
            try: srv.wait(timeout=10)
            except subprocess.TimeoutExpired: srv.kill(); srv.wait()
        if name and a.keep:
            inv.log(f"kept database {name}")
        elif name:
            try:
                inv.psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except (RuntimeError, OSError, subprocess.SubprocessError) as e:
                inv.log(f"could not drop database {name}: {e}")
        if a.keep:
            inv.log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    backend = "PostgreSQL" if a.database_url else "SQLite"
    print(f"aims readiness benchmark, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, client on the same "
          f"machine; CPU idle {idle:.0f}% before; run took {time.perf_counter() - started:.0f} s")
    missed = report(backend, a, res)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"backend": backend, "results": res}, f, indent=1)
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
