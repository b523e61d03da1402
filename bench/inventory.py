#!/usr/bin/env python3
"""Inventory benchmark for aims: importing, listing, filtering and exporting
an AI system inventory of N systems (default 10,000).

Budgets (issue #7), each with a baseline measured in the same run:
  import of 10,000 systems   >= 20,000 rows/s from CSV and from XLSX
                             (POST .../systems/import, median of --runs fresh
                             workspaces); baselines: the same file in dry-run
                             mode (read and check, nothing written) and the
                             same rows bulk-loaded into a plain table by the
                             database's own tools (Python's sqlite3 with aims'
                             pragmas; psql \\copy). Also timed, not budgeted:
                             the same file again into its workspace (every row
                             unchanged) and `aims systems import`, whole process;
  list and filter            p99 < 10 ms at --connections 16 for --duration s:
                             a mix of first pages, sort=title, keyset next
                             pages, facet filters and q= searches, as clients
                             send it (a page asked for again while nothing
                             changed is the one aims kept), then the same mix
                             with `Cache-Control: no-cache` (every page read
                             and rendered again); both again from wrk when
                             it is installed (apt-get install wrk: a compiled
                             client that takes a tenth of a core where the
                             Python clients take one); then each query type alone
                             (--each s, no-cache), with the CPU aims
                             spends per request, and a limit=1 page (the fixed
                             cost of a request); baseline: /healthz through
                             the same client. On PostgreSQL twice: just after
                             the import, and after ANALYZE (what autovacuum
                             does within about a minute of a bulk insert);
  XLSX export of 10,000      < 1 s (GET .../systems/export?format=xlsx,
                             median of --runs); baseline: sha256sum of the file.

The systems are generated (deterministic --seed): unique names, ~100-character
purposes, every field filled in some rows, varied roles, stages, automation and
scope, a third owned by the admin (a member of every workspace). The XLSX is
the API's own export of the imported systems, imported as it is into fresh
workspaces (its ids name records of the workspace it came from; a build that
refuses such rows gets the file with its `id` header renamed, and the run says
so). --scale 10 repeats it all at 10x the systems, once: a CSV over the 32 MiB
upload limit is sent in equal parts; an upload the server gives up on (its 30 s
request timeout, 408) is reported as such. The client runs one process per
connection, so no request waits for another's GIL; the listing lines also say
how many cores aims, the client and everything else used meanwhile.

Prints the figures and PASS/FAIL per budget, and exits 0 whatever they are (a
benchmark is not a test); a run that cannot complete ends with a traceback.

Usage: bench/inventory.py [--binary B] [--records 10000] [--runs 3] [--duration 10]
                          [--each 3] [--connections 16] [--scale 10] [--json FILE]
                          [--database-url postgres://postgres@127.0.0.1:5432/aims_inv_bench]
--database-url names a database to create (it must not exist yet; psql creates
it through the server's `postgres` database) and drop at the end. The history
key goes to a temporary --data-dir either way.
Needs: a release build (cargo build --release -p aims-cli), psql for PostgreSQL.
"""
import argparse, csv, http.client, io, json, multiprocessing as mp, os, random, re
import resource, shutil, socket, sqlite3, statistics, subprocess, sys, tempfile, time, urllib.parse, zipfile
from collections import Counter

IMPORT_BUDGET_ROWS_S = 20_000
LIST_BUDGET_P99_MS = 10.0
EXPORT_BUDGET_S = 1.0
MAX_UPLOAD = 32 * 1024 * 1024
ADMIN = "bench-admin@example.org"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS = ["name", "purpose", "intended_use", "owner", "roles", "lifecycle_stage",
           "deployment_context", "affected_people", "decisions", "automation",
           "human_oversight", "in_scope", "scope_reason", "external_ref", "next_review"]


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def pct(xs, p):
    """Nearest-rank percentile of seconds, in ms."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))] * 1000


# --- the inventory -----------------------------------------------------------

TEAMS = ["Claims", "Credit", "Customer care", "Fraud", "HR", "Marketing", "Logistics",
         "Procurement", "Radiology", "Legal", "Finance", "Security", "Sales", "Support",
         "Quality", "Pricing", "Risk", "Compliance", "Supply chain", "Payroll"]
TASKS = ["triage", "scoring", "forecasting", "summarisation", "translation",
         "anomaly detection", "document extraction", "routing", "recommendation",
         "chat", "image screening", "search", "classification", "matching", "transcription"]
THINGS = ["assistant", "model", "engine", "service", "pipeline", "bot", "copilot",
          "agent", "scorer", "detector"]
VERBS = ["Ranks", "Flags", "Summarises", "Predicts the outcome of", "Classifies", "Drafts replies to",
         "Extracts the key facts of", "Routes", "Scores", "Detects anomalies in"]
OBJECTS = ["incoming insurance claims", "loan applications", "customer e-mails",
           "supplier invoices", "chest X-ray images", "job applications", "support tickets",
           "contract clauses", "payment transactions", "delivery routes", "product reviews",
           "call transcripts"]
AUDIENCES = ["the claims handling team", "credit analysts", "first-line support agents",
             "the procurement office", "radiologists on call", "recruiters",
             "the legal department", "fraud investigators", "dispatchers", "marketing managers"]
GOALS = ["urgent cases are handled first", "reviews take less time",
         "errors are caught before payment", "staff see the relevant facts at once",
         "decisions are consistent across regions", "backlogs shrink in peak season"]
FORBIDDEN = ["final decisions without review", "profiling of employees",
             "decisions about minors", "credit decisions", "emotion recognition"]
CONTEXTS = ["Internal web application, EU data centre", "Embedded in the CRM, all EU markets",
            "Nightly batch job on the data platform", "Mobile app for field staff in Germany and France",
            "Vendor SaaS reached through its API, EU and US regions", "On-premises server in the hospital"]
AFFECTED = ["Customers who file claims", "Job applicants", "Employees", "Patients",
            "Borrowers and guarantors", "Suppliers", "Website visitors", "Drivers and recipients"]
DECISIONS = ["Order of the work queue", "Whether a case goes to manual review", "Price offered",
             "None: information only", "Which team handles the request", "Shortlist of candidates"]
OVERSIGHT = ["A handler reviews every flagged case and can override the score.",
             "A weekly sample is checked by the team lead; the system can be switched off.",
             "Every output is read by a person before it is sent.",
             "Alerts go to an analyst who decides; thresholds are reviewed monthly."]
IN_REASONS = ["Used in a core process", "Affects customers directly", "High-risk use under the EU AI Act"]
OUT_REASONS = ["Pilot with synthetic data only", "Run by a supplier outside our control",
               "Retired, kept for the record"]
ROLES = ["ai_provider", "ai_producer", "ai_customer", "ai_partner", "ai_subject"]
STAGES = ["idea", "design", "development", "verification_validation", "deployment",
          "operation_monitoring", "re_evaluation", "retirement"]
STAGE_WEIGHTS = [1, 1, 2, 1, 3, 4, 1, 1]
AUTOMATION = ["assistive", "partial", "conditional", "full"]
SEARCH_WORDS = ["fraud", "invoices", "radiolog", "chat", "transcripts"]


def systems_csv(n, seed):
    """N systems as CSV bytes, and their names."""
    rnd = random.Random(seed)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(COLUMNS)
    names = []
    for i in range(n):
        name = f"{rnd.choice(TEAMS)} {rnd.choice(TASKS)} {rnd.choice(THINGS)} {i + 1:06d}"
        names.append(name)
        in_scope = rnd.random() < 0.7
        roles = rnd.sample(ROLES, 2 if rnd.random() < 0.3 else 1)
        w.writerow([
            name,
            f"{rnd.choice(VERBS)} {rnd.choice(OBJECTS)} for {rnd.choice(AUDIENCES)} so that {rnd.choice(GOALS)}.",
            f"Used by {rnd.choice(AUDIENCES)} as a second opinion; not for {rnd.choice(FORBIDDEN)}.",
            ADMIN if rnd.random() < 1 / 3 else "",
            "; ".join(roles),
            rnd.choices(STAGES, STAGE_WEIGHTS)[0],
            rnd.choice(CONTEXTS),
            rnd.choice(AFFECTED),
            rnd.choice(DECISIONS),
            rnd.choice(AUTOMATION),
            rnd.choice(OVERSIGHT) if rnd.random() < 0.8 else "",
            "true" if in_scope else "false",
            rnd.choice(IN_REASONS if in_scope else OUT_REASONS),
            f"INV-{i + 1:06d}" if rnd.random() < 0.6 else "",
            f"2027-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}" if rnd.random() < 0.8 else "",
        ])
    return out.getvalue().encode(), names


def split_csv(data, limit=MAX_UPLOAD):
    """The CSV in as few equal parts (each with the header) as fit under the upload limit."""
    if len(data) <= limit:
        return [data]
    head, _, rest = data.partition(b"\r\n")
    rows = rest.split(b"\r\n")
    if rows and rows[-1] == b"":
        rows.pop()
    parts = -(-len(data) // (limit - 1024 * 1024))
    size = -(-len(rows) // parts)
    return [head + b"\r\n" + b"\r\n".join(rows[i:i + size]) + b"\r\n" for i in range(0, len(rows), size)]


def rename_id_column(xlsx):
    """The XLSX with its `id` header renamed `source id` (an ignored column)."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    done = False
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        order = sorted(names, key=lambda n: n != "xl/sharedStrings.xml")  # shared strings first
        data = {n: src.read(n) for n in names}
        for n in order:
            if not done and (n == "xl/sharedStrings.xml" or n.startswith("xl/worksheets/")):
                new, k = re.subn(rb"<t>id</t>", b"<t>source id</t>", data[n], count=1)
                if k:
                    data[n], done = new, True
        for n in names:
            dst.writestr(src.getinfo(n), data[n])
    if not done:
        raise RuntimeError("no `id` header found in the exported XLSX")
    return out.getvalue()


# --- load: one process per connection ------------------------------------------

def _worker(port, token, plan, duration, seed, ready, pipe, fresh):
    rnd = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if fresh:
        # Every page read and rendered again, not the one aims kept since nothing changed.
        headers["Cache-Control"] = "no-cache"
    types = list(plan)
    lat = {t: [] for t in types}
    errors = Counter()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.connect()
    ready.wait()
    end = time.perf_counter() + duration
    while True:
        t = rnd.choice(types)
        path = rnd.choice(plan[t])
        start = time.perf_counter()
        if start >= end:
            break
        try:
            c.request("GET", path, headers=headers)
            r = c.getresponse(); r.read()
            dt = time.perf_counter() - start
            if r.status == 200:
                lat[t].append(dt)
            else:
                errors[f"{t}: HTTP {r.status}"] += 1
        except (OSError, http.client.HTTPException) as e:
            errors[f"{t}: {type(e).__name__}"] += 1
            c.close()
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.close()
    pipe.send((lat, dict(errors)))
    pipe.close()


def load(port, token, plan, duration, conns, fresh=False):
    """`conns` closed-loop clients for `duration` s, each picking a query type and a path at random."""
    ctx = mp.get_context("fork")
    ready = ctx.Barrier(conns + 1)
    procs, pipes = [], []
    for i in range(conns):
        rx, tx = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_worker, args=(port, token, plan, duration, 1000 + i, ready, tx, fresh), daemon=True)
        p.start(); procs.append(p); pipes.append(rx)
    ready.wait(timeout=60)
    lat = {t: [] for t in plan}
    errors = Counter()
    for rx, p in zip(pipes, procs):
        got, errs = rx.recv()
        for t, xs in got.items():
            lat[t].extend(xs)
        errors.update(errs)
        p.join(10)
    stats = {t: summary(xs, duration) for t, xs in lat.items()}
    every = [x for xs in lat.values() for x in xs]
    return {"types": stats, "all": summary(every, duration), "errors": dict(errors)}


WRK_MIX = r"""
-- The list mix for wrk: a query type at random, then one of its paths (as the Python clients pick).
local types = {}
local function read_plan()
  local by = {}
  for line in io.lines(os.getenv("AIMS_BENCH_PLAN")) do
    local t, path = line:match("^([^\t]*)\t(.*)$")
    if not by[t] then by[t] = {}; types[#types + 1] = by[t] end
    table.insert(by[t], path)
  end
end
read_plan()
wrk.headers["Authorization"] = "Bearer " .. os.getenv("AIMS_BENCH_TOKEN")
if os.getenv("AIMS_BENCH_FRESH") == "1" then wrk.headers["Cache-Control"] = "no-cache" end
local counter = 0
function setup(thread) counter = counter + 1; thread:set("seed", counter) end
function init(args) math.randomseed(seed or 1) end
function request()
  local paths = types[math.random(#types)]
  return wrk.format("GET", paths[math.random(#paths)])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK {\"n\": %d, \"p50\": %.4f, \"p99\": %.4f, \"max\": %.4f, \"errors\": %d}\n",
    summary.requests, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def wrk_load(port, token, plan, duration, conns, work, fresh=False):
    """The same mix from wrk (a compiled client, two threads): the client takes a tenth of a core
    instead of the Python processes' one, so the figure is aims' more than the client's."""
    plan_path, script = os.path.join(work, "wrk-plan.tsv"), os.path.join(work, "wrk-mix.lua")
    with open(plan_path, "w") as f:
        for t, paths in plan.items():
            for path in paths:
                f.write(f"{t}\t{path}\n")
    with open(script, "w") as f:
        f.write(WRK_MIX)
    env = {**os.environ, "AIMS_BENCH_PLAN": plan_path, "AIMS_BENCH_TOKEN": token,
           "AIMS_BENCH_FRESH": "1" if fresh else "0"}
    out = subprocess.run(["wrk", "-t2", f"-c{conns}", f"-d{duration:g}s", "-s", script,
                          f"http://127.0.0.1:{port}/"], env=env, capture_output=True, text=True, check=True).stdout
    got = json.loads(next(l for l in out.splitlines() if l.startswith("WRK "))[4:])
    got["rps"] = got["n"] / duration
    return got


def summary(xs, duration):
    return {"n": len(xs), "p50": pct(xs, 50), "p99": pct(xs, 99),
            "max": max(xs) * 1000 if xs else float("nan"), "rps": len(xs) / duration}


# --- the run ------------------------------------------------------------------

def cpu_s(pid):
    """User + system CPU seconds of a process so far."""
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu():
    """(idle, total, stolen) CPU seconds of the whole machine so far; stolen: taken by the hypervisor."""
    f = [int(x) for x in open("/proc/stat").readline().split()[1:9]]
    tick = os.sysconf("SC_CLK_TCK")
    return (f[3] + f[4]) / tick, sum(f[:7]) / tick, f[7] / tick


def idle_pct(seconds=1.0):
    """Share of the machine's CPU time that was idle over the next `seconds` (others' load)."""
    i0, t0, _ = machine_cpu(); time.sleep(seconds); i1, t1, _ = machine_cpu()
    return 100 * (i1 - i0) / max(1e-9, t1 - t0)


def children_cpu_s():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


class TimedOut(Exception):
    """The server gave up on a request (its 30 s request timeout)."""


class Bench:
    def __init__(self, a, binary, db, port, work):
        self.a, self.binary, self.db, self.port, self.work = a, binary, db, port, work
        self.env = dict({k: v for k, v in os.environ.items() if not k.startswith("AIMS_")},
                        AIMS_LOG=os.environ.get("BENCH_AIMS_LOG", "warn"))
        self.tokens = {}
        self.pid = None

    def cli(self, *args, stdin=None):
        r = subprocess.run([self.binary, *self.db, *args], input=stdin, capture_output=True,
                           text=True, env=self.env)
        if r.returncode != 0:
            raise RuntimeError(f"aims {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()[-2000:]}")
        return r.stdout

    def workspace(self, slug):
        """A fresh workspace with the admin as a manager, and a manager token for it."""
        self.cli("workspace", "create", "--name", slug, "--slug", slug)
        self.cli("member", "add", "--workspace", slug, "--email", ADMIN, "--role", "manager")
        self.tokens[slug] = self.cli("token", "create", "--workspace", slug, "--role", "manager",
                                     "--name", "bench").strip().splitlines()[-1]
        return slug

    def request(self, method, path, token, body=None, ctype=None, timeout=600):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = {"Authorization": f"Bearer {token}"}
        if ctype:
            h["Content-Type"] = ctype
        t = time.perf_counter()
        c.request(method, path, body=body, headers=h)
        r = c.getresponse(); data = r.read()
        dt = time.perf_counter() - t
        c.close()
        return r.status, data, dt

    def import_parts(self, ws, parts, fmt, mode="all"):
        """Imports the file (in parts) through the API: (seconds, aims CPU seconds, last report, created)."""
        ctype = "text/csv" if fmt == "csv" else XLSX_TYPE
        total = cpu = 0.0
        created = unchanged = 0
        for body in parts:
            c0 = cpu_s(self.pid)
            status, data, dt = self.request(
                "POST", f"/api/v1/workspaces/{ws}/systems/import?mode={mode}&file_name=systems.{fmt}",
                self.tokens[ws], body, ctype)
            cpu += cpu_s(self.pid) - c0
            report = json.loads(data) if data[:1] == b"{" else {"raw": data[:300].decode(errors="replace")}
            if status == 408:
                raise TimedOut(f"import into {ws} ({fmt}, {mode}): HTTP 408 after {dt:.1f} s")
            if status != 200:
                raise RuntimeError(f"import into {ws} ({fmt}, {mode}): HTTP {status}: {json.dumps(report)[:1500]}")
            total += dt
            created += report.get("created", 0)
            unchanged += report.get("unchanged", 0)
        report["unchanged"] = unchanged
        return total, cpu, report, created

    def imports(self, tag, parts, fmt, mode, runs, n):
        """Median (seconds, aims CPU seconds) of `runs` imports, each into a fresh workspace."""
        got = []
        for r in range(runs):
            ws = self.workspace(f"{tag}-{fmt}-{mode}{r + 1}")
            try:
                dt, cpu, rep, created = self.import_parts(ws, parts, fmt, mode)
            except TimedOut as e:
                status, data, _ = self.request("GET", f"/api/v1/workspaces/{ws}/systems?limit=1", self.tokens[ws])
                written = bool(json.loads(data)["items"]) if status == 200 else None
                log(f"[{tag}] {e}; anything written: {written}")
                return {"s": float("nan"), "timeout": str(e), "written": written, "runs": []}
            if created != n:
                raise RuntimeError(f"{fmt} import into {ws} ({mode}) would create {created} of {n}: {json.dumps(rep)[:1500]}")
            got.append((dt, cpu))
            log(f"[{tag}] API {fmt} import ({mode}) {r + 1}/{runs}: {dt:.2f} s")
        got.sort()
        return {"s": got[len(got) // 2][0], "cpu_s": got[len(got) // 2][1], "runs": [g[0] for g in got]}

    def export(self, ws, fmt="xlsx"):
        status, data, dt = self.request("GET", f"/api/v1/workspaces/{ws}/systems/export?format={fmt}",
                                        self.tokens[ws])
        if status != 200:
            raise RuntimeError(f"export {ws}: HTTP {status}: {data[:300]!r}")
        return dt, data

    def pages(self, ws, query, most=200):
        """The `next` cursors of the first `most` pages of a listing."""
        cursors, after = [], None
        while len(cursors) < most:
            path = f"/api/v1/workspaces/{ws}/systems?limit=50{query}" + (f"&after={after}" if after else "")
            status, data, _ = self.request("GET", path, self.tokens[ws], timeout=30)
            if status != 200:
                raise RuntimeError(f"GET {path}: HTTP {status}: {data[:300]!r}")
            after = json.loads(data)["next"]
            if not after:
                break
            cursors.append(after)
        return cursors

    def load(self, token, plan, duration, fresh=False):
        """`load` with the CPU spent by aims and by the client processes."""
        s0, c0, (i0, t0, st0) = cpu_s(self.pid), children_cpu_s(), machine_cpu()
        res = load(self.port, token, plan, duration, self.a.connections, fresh)
        server, client = cpu_s(self.pid) - s0, children_cpu_s() - c0
        i1, t1, st1 = machine_cpu()
        busy = (t1 - t0) - (i1 - i0)
        n = max(1, res["all"]["n"])
        res["all"]["aims_cpu_ms"] = server * 1000 / n
        res["all"]["aims_cores"] = server / duration
        res["all"]["client_cores"] = client / duration
        # Everything else the machine ran meanwhile: PostgreSQL, and anyone else's work.
        res["all"]["other_cores"] = max(0.0, busy - server - client) / duration
        res["all"]["stolen_cores"] = (st1 - st0) / duration
        return res

    def listing(self, when, token, plan, probes):
        # As clients ask: a page asked for again while nothing changed is the one aims kept.
        mix = self.load(token, plan, self.a.duration)
        # The same with `Cache-Control: no-cache`: every page read and rendered again.
        fresh = self.load(token, plan, self.a.duration, fresh=True)
        wrk = {}
        if shutil.which("wrk"):
            for how, no_cache in [("kept", False), ("fresh", True)]:
                s0, c0 = cpu_s(self.pid), children_cpu_s()
                w = wrk_load(self.port, token, plan, self.a.duration, self.a.connections, self.work, no_cache)
                w["aims_cores"] = (cpu_s(self.pid) - s0) / self.a.duration
                w["client_cores"] = (children_cpu_s() - c0) / self.a.duration
                wrk[how] = w
        alone = {}
        if self.a.each > 0:
            for t, paths in {**plan, **probes}.items():
                alone[t] = self.load(token, {t: paths}, self.a.each, fresh=True)["all"]
        return {"when": when, "mix": mix, "fresh": fresh, "wrk": wrk, "alone": alone}

    def raw_load(self, path, table):
        """Baseline: the same CSV loaded by the database's own bulk path into a plain table."""
        cols = ", ".join(f"{c} TEXT" for c in COLUMNS)
        if self.a.database_url:
            url = self.a.database_url
            psql(url, f"CREATE TABLE {table} ({cols})")
            t = time.perf_counter()
            psql(url, f"\\copy {table} FROM '{path}' WITH (FORMAT csv, HEADER true)")
            return time.perf_counter() - t
        db = sqlite3.connect(os.path.join(self.work, "raw.db"))
        db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
        db.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, {cols})")
        t = time.perf_counter()
        with open(path, newline="") as f:
            rows = csv.reader(f); next(rows)
            with db:
                db.executemany(f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})", rows)
        dt = time.perf_counter() - t
        db.close()
        return dt

    def measure(self, n, tag, runs):
        a = self.a
        out = {"records": n, "runs": runs}
        data, names = systems_csv(n, a.seed + n)
        csv_path = os.path.join(self.work, f"{tag}.csv")
        open(csv_path, "wb").write(data)
        parts = split_csv(data)
        out["csv_bytes"], out["csv_parts"] = len(data), len(parts)
        log(f"[{tag}] {n} systems, CSV {len(data) / 1e6:.1f} MB in {len(parts)} upload(s)")

        # CSV through the API, each run into a fresh workspace; the dry run is the same work without writing.
        out["csv_all"] = self.imports(tag, parts, "csv", "all", runs, n)
        out["csv_dry"] = self.imports(tag, parts, "csv", "dry-run", runs, n)
        # The CLI: one process reading the file(s) and writing to the database itself.
        ws = self.workspace(f"{tag}-cli")
        files = []
        for i, p in enumerate(parts):
            files.append(os.path.join(self.work, f"{tag}-part{i + 1}.csv")); open(files[-1], "wb").write(p)
        t = time.perf_counter()
        self.cli("systems", "import", "--workspace", ws, "--format", "json", *files)
        out["cli_s"] = time.perf_counter() - t
        # The workspace listed and exported below: the first API import's, or the CLI's if that timed out.
        main_ws = f"{tag}-csv-all1" if "timeout" not in out["csv_all"] else ws
        # Again into the workspace that holds them: every row found and unchanged.
        try:
            dt, cpu, rep, _ = self.import_parts(main_ws, parts, "csv")
            out["csv_again"] = {"s": dt, "cpu_s": cpu, "unchanged": rep.get("unchanged")}
        except TimedOut as e:
            out["csv_again"] = {"s": float("nan"), "timeout": str(e), "written": None, "unchanged": None}
        out["raw_load_s"] = self.raw_load(csv_path, f"raw_{tag.replace('-', '_')}")

        # XLSX: the API's export of the imported systems (also the export budget).
        exports = []
        for _ in range(runs):
            dt, xlsx = self.export(main_ws); exports.append(dt)
        out["xlsx_export_s"], out["xlsx_bytes"] = statistics.median(exports), len(xlsx)
        xlsx_path = os.path.join(self.work, f"{tag}.xlsx")
        open(xlsx_path, "wb").write(xlsx)
        sha = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(["sha256sum", xlsx_path], capture_output=True, check=True)
            sha.append(time.perf_counter() - t)
        out["sha256_s"] = statistics.median(sha)
        # As exported, the file names its records by the ids of the workspace it came from. Into
        # another one, aims matches such rows by reference or name or creates them (`foreign_ids`);
        # builds before that refused every row, and get the file with its `id` header renamed.
        ws = self.workspace(f"{tag}-xlsx-asis")
        _, _, rep, _ = self.import_parts(ws, [xlsx], "xlsx", "dry-run")
        out["xlsx_asis_problems"] = len(rep.get("problems", []))
        out["xlsx_asis_example"] = (rep.get("problems") or [{}])[0].get("message")
        out["xlsx_asis_foreign_ids"] = rep.get("foreign_ids")
        out["xlsx_id_renamed"] = bool(out["xlsx_asis_problems"])
        if out["xlsx_id_renamed"]:
            xlsx = rename_id_column(xlsx)
        out["xlsx_all"] = self.imports(tag, [xlsx], "xlsx", "all", runs, n)
        ws = self.workspace(f"{tag}-cli-xlsx")
        path = os.path.join(self.work, f"{tag}-import.xlsx"); open(path, "wb").write(xlsx)
        t = time.perf_counter()
        self.cli("systems", "import", "--workspace", ws, "--format", "json", path)
        out["cli_xlsx_s"] = time.perf_counter() - t
        out["xlsx_dry"] = self.imports(tag, [xlsx], "xlsx", "dry-run", runs, n)

        # Listing and filtering the imported systems.
        base = f"/api/v1/workspaces/{main_ws}/systems?limit=50"
        email = urllib.parse.quote(ADMIN)
        rnd = random.Random(a.seed)
        plan = {
            "first page": [base],
            "sort=title": [base + "&sort=title"],
            "next page": [base + f"&after={c}" for c in self.pages(main_ws, "")],
            "sort=title next page": [base + f"&sort=title&after={c}" for c in self.pages(main_ws, "&sort=title")],
            "lifecycle_stage=deployment": [base + "&lifecycle_stage=deployment"],
            "  its next page": [base + f"&lifecycle_stage=deployment&after={c}"
                                for c in self.pages(main_ws, "&lifecycle_stage=deployment")],
            "in_scope=true&roles=ai_customer": [base + "&in_scope=true&roles=ai_customer"],
            "owner=<admin>": [base + f"&owner={email}"],
            "q=<common word>": [base + f"&q={w}" for w in SEARCH_WORDS],
            "q=<one system's name>": [base + "&q=" + urllib.parse.quote(nm)
                                      for nm in rnd.sample(names, min(200, len(names)))],
        }
        plan = {t: paths for t, paths in plan.items() if paths}  # a small inventory has no next pages
        # Alone only: the fixed cost of a request (auth, routing, one query) without 49 of its rows.
        probes = {"first page, limit=1": [base.replace("limit=50", "limit=1")]}
        token = self.tokens[main_ws]
        log(f"[{tag}] listing: baseline /healthz, a mix of {len(plan)} query types, then each alone")
        out["healthz"] = self.load(None, {"/healthz": ["/healthz"]}, a.duration)["all"]
        out["listing"] = [self.listing("just after the import", token, plan, probes)]
        if a.database_url:
            # PostgreSQL plans on statistics that autovacuum gathers a while after a bulk insert
            # (up to autovacuum_naptime, 1 min by default); until then the planner guesses.
            psql(a.database_url, "ANALYZE")
            out["listing"].append(self.listing("after ANALYZE", token, plan, probes))
        return out


def server_log():
    """Where the server's log goes: the file named by BENCH_SERVER_LOG (with BENCH_AIMS_LOG as its
    AIMS_LOG, e.g. `warn,aims_app=debug` for the phases of a read), else nowhere."""
    path = os.environ.get("BENCH_SERVER_LOG")
    return open(path, "ab") if path else subprocess.DEVNULL


def psql(url, sql):
    r = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"psql: {r.stderr.strip()}")
    return r.stdout


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def verdict(ok):
    return "PASS" if ok else "FAIL"


def report(a, backend, res):
    for r in res:
        n = r["records"]
        rate = lambda sec: n / sec if sec == sec and sec > 0 else float("nan")
        print(f"\n{backend}; {n:,} systems (CSV {r['csv_bytes'] / 1e6:.1f} MB in {r['csv_parts']} upload(s), "
              f"XLSX {r['xlsx_bytes'] / 1e6:.2f} MB); median of {r['runs']}")
        print(f"  {'import':<58}{'time':>9}{'rows/s':>9}{'aims CPU':>10}")
        rows = [
            ("API CSV, all or nothing (fresh workspace)", r["csv_all"]),
            ("API CSV, dry run (read and check, no write)", r["csv_dry"]),
            (f"API CSV again into the same workspace ({r['csv_again']['unchanged'] or 0:,} unchanged)", r["csv_again"]),
            ("API XLSX, all or nothing (fresh workspace)", r["xlsx_all"]),
            ("API XLSX, dry run (read and check, no write)", r["xlsx_dry"]),
            ("aims systems import CSV, whole process", {"s": r["cli_s"]}),
            ("aims systems import XLSX, whole process", {"s": r["cli_xlsx_s"]}),
            ("baseline: bulk load of the CSV into a plain table" + (" (psql \\copy)" if a.database_url else " (sqlite3)"),
             {"s": r["raw_load_s"]}),
        ]
        for label, f in rows:
            if "timeout" in f:
                print(f"  {label:<58} timed out: the server's 30 s request timeout (written: {f['written']})")
                continue
            cpu = f"{f['cpu_s'] * 1000:7.0f} ms" if "cpu_s" in f else ""
            print(f"  {label:<58}{f['s'] * 1000:6.0f} ms{rate(f['s']):9,.0f}{cpu:>10}")
        if r["xlsx_id_renamed"]:
            print(f"  XLSX as exported, into another workspace: {r['xlsx_asis_problems']:,} problem(s) "
                  f"(id {r['xlsx_asis_example']}); imported above with its `id` header renamed")
        else:
            print(f"  XLSX imported as exported: {r.get('xlsx_asis_foreign_ids') or 0:,} rows with the id of "
                  f"another workspace's record, matched by reference or name, or created")
        print(f"  {'API XLSX export':<58}{r['xlsx_export_s'] * 1000:6.0f} ms")
        print(f"  {'baseline: sha256sum of the XLSX':<58}{r['sha256_s'] * 1000:6.1f} ms")
        for li in r["listing"]:
            hdr = f"  {'list/filter, ' + li['when']:<36}{'p50':>7}{'p99':>7}{'max':>7}{'req/s':>7}"
            if li["alone"]:
                hdr += "  | alone, no-cache:  p50    p99  req/s  aims CPU/req  others"
            print(hdr)
            def line(label, s, al=None):
                txt = f"  {label:<36}" + (f"{s['p50']:7.2f}{s['p99']:7.2f}{s['max']:7.1f}{s['rps']:7.0f}" if s else " " * 28)
                if al:
                    txt += f"  | {al['p50']:20.2f}{al['p99']:7.2f}{al['rps']:7.0f}{al['aims_cpu_ms']:9.2f} ms{al['other_cores']:8.2f}"
                print(txt)
            types = li["mix"]["types"]
            for t in list(types) + [t for t in li["alone"] if t not in types]:
                line(t, types.get(t), li["alone"].get(t))
            m = li["mix"]["all"]
            line(f"all of the mix, {a.connections} connections", m)
            print(f"  {'':<36}aims {m['aims_cpu_ms']:.2f} ms CPU/req, {m['aims_cores']:.2f} cores; client "
                  f"{m['client_cores']:.2f} cores; others {m['other_cores']:.2f} cores"
                  + (" (PostgreSQL and anything else)" if a.database_url else " (anything else running)")
                  + f"; stolen by the hypervisor {m['stolen_cores']:.2f}")
            if li["mix"]["errors"]:
                print(f"  errors: {li['mix']['errors']}")
            if li.get("fresh"):
                f = li["fresh"]["all"]
                line("the mix again, no-cache", f)
                print(f"  {'':<36}aims {f['aims_cpu_ms']:.2f} ms CPU/req, {f['aims_cores']:.2f} cores; client "
                      f"{f['client_cores']:.2f} cores; others {f['other_cores']:.2f} cores")
                if li["fresh"]["errors"]:
                    print(f"  errors: {li['fresh']['errors']}")
            for how, label in [("kept", "the mix from wrk"), ("fresh", "the mix from wrk, no-cache")]:
                w = li.get("wrk", {}).get(how)
                if w:
                    line(label, w)
                    print(f"  {'':<36}aims {w['aims_cores']:.2f} cores; wrk {w['client_cores']:.2f} cores"
                          + (f"; {w['errors']} errors" if w["errors"] else ""))
        h = r["healthz"]
        print(f"  {'baseline: /healthz':<36}{h['p50']:7.2f}{h['p99']:7.2f}{h['max']:7.1f}{h['rps']:7.0f}")

    r = res[0]
    n = r["records"]
    imp = lambda f: ("timed out (30 s)", False) if "timeout" in f else (f"{n / f['s']:,.0f} rows/s", n / f["s"] >= IMPORT_BUDGET_ROWS_S)
    print(f"\nbudgets ({backend}, {n:,} systems)")
    checks = [
        (f"import CSV >= {IMPORT_BUDGET_ROWS_S:,} rows/s", *imp(r["csv_all"])),
        (f"import XLSX >= {IMPORT_BUDGET_ROWS_S:,} rows/s", *imp(r["xlsx_all"])),
    ]
    for li in r["listing"]:
        mix = li["mix"]
        checks.append((f"list/filter mix p99 < {LIST_BUDGET_P99_MS:g} ms, {li['when']}", f"{mix['all']['p99']:.2f} ms",
                       mix["all"]["p99"] < LIST_BUDGET_P99_MS and not mix["errors"]))
        if li.get("fresh"):
            fr = li["fresh"]
            checks.append((f"  the same, every page read again (no-cache)", f"{fr['all']['p99']:.2f} ms",
                           fr["all"]["p99"] < LIST_BUDGET_P99_MS and not fr["errors"]))
        for how, label in [("kept", "  the mix from wrk (a compiled client)"), ("fresh", "  the mix from wrk, no-cache")]:
            w = li.get("wrk", {}).get(how)
            if w:
                checks.append((label, f"{w['p99']:.2f} ms", w["p99"] < LIST_BUDGET_P99_MS and not w["errors"]))
        if li["alone"]:
            worst_t, worst = max(((t, s["p99"]) for t, s in li["alone"].items() if t in mix["types"]), key=lambda x: x[1])
            checks.append((f"each query type alone, no-cache, p99 < {LIST_BUDGET_P99_MS:g} ms, {li['when']}", f"worst {worst:.2f} ms ({worst_t.strip()})",
                           worst < LIST_BUDGET_P99_MS))
    checks += [
        (f"XLSX export < {EXPORT_BUDGET_S:g} s", f"{r['xlsx_export_s'] * 1000:.0f} ms", r["xlsx_export_s"] < EXPORT_BUDGET_S),
    ]
    for label, got, ok in checks:
        print(f"  {label:<62}{got:>40}  {verdict(ok)}")


def default_binary():
    for p in ["target/release/aims", os.path.expanduser("~/.cache/aims-target/release/aims")]:
        if os.access(p, os.X_OK):
            return p
    return "target/release/aims"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=None, help="default: target/release/aims, else ~/.cache/aims-target/release/aims")
    ap.add_argument("--records", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3, help="fresh workspaces per import figure (median)")
    ap.add_argument("--duration", type=float, default=10, help="seconds of the list/filter mix and of the baseline")
    ap.add_argument("--each", type=float, default=3, help="seconds of each query type alone (0: skip)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--scale", type=int, default=0, help="also measure at records x SCALE (one run)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--database-url", default=None, help="PostgreSQL database to create, use and drop")
    ap.add_argument("--json", metavar="FILE", default=None, help="write every figure here")
    a = ap.parse_args()
    binary = a.binary or default_binary()
    if not os.access(binary, os.X_OK):
        sys.exit(f"no executable at {binary} (cargo build --release -p aims-cli, or pass --binary)")
    work = tempfile.mkdtemp(prefix="aims-inventory-bench-")
    db = ["--data-dir", os.path.join(work, "data")]
    admin_url = name = None
    srv = None
    try:
        if a.database_url:
            if not shutil.which("psql"):
                sys.exit("PostgreSQL needs psql (apt-get install postgresql-client)")
            u = urllib.parse.urlsplit(a.database_url)
            name = u.path.lstrip("/")
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", name or ""):
                sys.exit("--database-url must name a database (lower-case letters, digits, _) to create")
            admin_url = urllib.parse.urlunsplit(u._replace(path="/postgres"))
            if psql(admin_url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip():
                sys.exit(f"database {name} exists already: drop it or name another (this benchmark creates its own)")
            psql(admin_url, f'CREATE DATABASE "{name}"')
            db += ["--database-url", a.database_url]
        port = free_port()
        bench = Bench(a, binary, db, port, work)
        srv = subprocess.Popen([binary, *db, "serve", "--listen", f"127.0.0.1:{port}"], env=bench.env,
                               stdout=subprocess.DEVNULL, stderr=server_log())
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
        bench.cli("user", "add", "--email", ADMIN, "--name", "Bench Admin", "--password-stdin",
                  stdin="correct horse battery staple bench\n")
        backend = "PostgreSQL" if a.database_url else "SQLite"
        idle_before = idle_pct()
        res = [bench.measure(a.records, "inv", a.runs)]
        if a.scale > 1:
            res.append(bench.measure(a.records * a.scale, "big", 1))
    finally:
        if srv is not None:
            srv.terminate()
            try: srv.wait(timeout=10)
            except subprocess.TimeoutExpired: srv.kill(); srv.wait()
        if name:
            try:
                psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except (RuntimeError, OSError, subprocess.SubprocessError) as e:
                log(f"could not drop database {name}: {e}")
        shutil.rmtree(work, ignore_errors=True)
    idle_after = idle_pct()
    print(f"aims inventory benchmark, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
          f"{a.connections} client processes on the same machine; CPU idle {idle_before:.0f}% "
          f"in the second before the run, {idle_after:.0f}% after")
    report(a, backend, res)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"backend": backend, "idle_pct": [idle_before, idle_after], "results": res}, f, indent=1)


if __name__ == "__main__":
    main()
