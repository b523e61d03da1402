#!/usr/bin/env python3
"""Work list benchmark for aims (issue #10): a workspace with 100,000 open
dated duties across kinds, and the work list of its members.

Set-up, on a fresh database (SQLite in a temporary --data-dir, or PostgreSQL
with --database-url: created with psql and dropped at the end): a workspace
with 20 members (`aims user add`, `aims member add`, contributors) and the
bench admin (a manager, with a manager API token); records of ten kinds
imported as CSV (POST .../{kind}/import, all or nothing; one file per kind and
step, split under the 32 MiB upload limit if need be), each with one open
dated duty (suppliers two: next_review and contract_end):

  risk-actions due 20 %, evidence valid_until 20 %, trainings expires_on 12 %,
  suppliers next_review + contract_end 10 %, systems next_review 10 %,
  evidence-requests due 8 %, objectives due 5 %, communications next_due 5 %,
  commitments review_on 5 %, incidents report_due 5 % (computed by aims from
  aware_on + the Art. 73 category; notification pending).

Every due day is drawn evenly from two years ago to two years ahead (about
half overdue: the list, 30 days ahead by default, always has its 500 rows
and counts the rest). Owners: one heavy member owns 20 % of the duties
(20,000 at 100,000), a typical one 5 % (5,000), 18 others share 70 %, 5 % have
no owner (deterministic --seed; the counts printed are the real ones).
The workspace is first filled to --small (10,000) duties and measured, then
grown to --duties (100,000) and measured again: how cost grows with 10x.

At each size, through one client (a new connection per request), each
--requests (30) times in a row after one first request (reported apart: the
first read after the import): GET /healthz (the baseline); the page
/w/{ws}/work signed in as the typical member, as the heavy one, and
/w/{ws}/work?of=all; GET /api/v1/workspaces/{ws}/tasks?owner=EMAIL for both
and ?owner=all with the manager token. Median, p99 (nearest rank: of 30,
the slowest) and the CPU aims spent per request. Then --changes (10) times the first read after a change: one
treatment action of the typical member gets another due day (PUT, its duty
row rewritten), then the page (typical), the JSON (typical) and the page
?of=all are read, each after its own change. Then the work list's two
queries (crates/aims-store/src/work.rs, copied here) are run in the database
itself with the same parameters: EXPLAIN QUERY PLAN and a timing through
Python's sqlite3 (its own SQLite build, not the one linked into aims), or
EXPLAIN (ANALYZE, BUFFERS) through psql with the generic plan aims' connections
use (plan_cache_mode = force_generic_plan) and a custom one for comparison.

Budget (issue #10): the work list of a user on a workspace with 100,000 dated
duties across kinds renders in < 50 ms: the page /w/{ws}/work of the typical
member, median of --requests at --duties; the heavy member's page, the page
?of=all, the JSON and the first read after a change are judged against the
same 50 ms, printed beside it. Prints the figures and PASS/FAIL, and exits 0
whatever they are (a benchmark is not a test).

Usage: bench/work.py [--binary B] [--duties 100000] [--small 10000] [--requests 30]
                     [--changes 10] [--seed 10] [--no-explain] [--keep] [--json FILE]
                     [--database-url postgres://postgres@127.0.0.1:5432/aims_work_bench]
--database-url names a database to create (it must not exist) and drop at the
end (needs psql). --keep keeps the data dir or the database for EXPLAIN work.
Reuses bench/inventory.py (server, CLI, client helpers) and bench/evidence.py
(timed GETs on new connections).
"""
import argparse, csv, datetime, http.client, io, json, os, random, re, shutil, signal, sqlite3
import statistics, subprocess, sys, tempfile, time, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inventory as inv  # noqa: E402
import evidence as ev  # noqa: E402
import risks as rk  # noqa: E402

PAGE_BUDGET_MS = 50.0
WORK_LIMIT = 500          # aims_app::work::WORK_LIMIT
HORIZON_DAYS = 30         # aims_domain::work::HORIZON_DAYS
SPREAD_DAYS = 730         # due days from today - 730 to today + 730
MEMBERS = 20
HEAVY, TYPICAL = "member01@example.org", "member02@example.org"

# (kind, share of the duties in %, duties per record)
KINDS = [
    ("risk-actions", 20, 1),
    ("evidence", 20, 1),
    ("trainings", 12, 1),
    ("suppliers", 10, 2),
    ("systems", 10, 1),
    ("evidence-requests", 8, 1),
    ("objectives", 5, 1),
    ("communications", 5, 1),
    ("commitments", 5, 1),
    ("incidents", 5, 1),
]
# Owner of a record (by its share of duties, in %): heavy, typical, 18 others, none.
OWNER_SHARES = [(HEAVY, 20.0), (TYPICAL, 5.0)] + \
    [(f"member{j:02d}@example.org", 70.0 / 18) for j in range(3, MEMBERS + 1)] + [("", 5.0)]

HEADERS = {
    "risk-actions": ["title", "description", "owner", "due", "status"],
    "evidence": ["title", "description", "owner", "covers_from", "covers_to", "valid_until", "review_status", "source"],
    "trainings": ["title", "type", "owner", "competence", "provider", "completed_on", "expires_on", "status"],
    "suppliers": ["title", "type", "services", "owner", "risk_rating", "due_diligence", "next_review", "contract_end"],
    "systems": ["name", "purpose", "owner", "lifecycle_stage", "next_review"],
    "evidence-requests": ["title", "description", "owner", "due", "status"],
    "objectives": ["title", "owner", "measure", "unit", "direction", "baseline", "target", "current", "due", "status"],
    "communications": ["title", "audience", "owner", "channel", "frequency", "last_sent", "next_due"],
    "commitments": ["title", "customer", "description", "owner", "review_on", "status"],
    "incidents": ["title", "type", "owner", "severity", "status", "occurred_on", "aware_on", "serious", "source"],
}
SERIOUS_DAYS = {"serious": 15, "death": 10, "widespread": 2}
THINGS = ["claims triage", "credit scoring", "support chat", "fraud detection", "CV screening",
          "demand forecast", "document search", "translation", "radiology triage", "pricing"]
SUPPLIERS = ["Model API", "Labelling", "Cloud GPU", "Data vendor", "Consultancy", "AI SaaS"]


def day(today, offset):
    return (today + datetime.timedelta(days=offset)).isoformat()


def plan(n_duties):
    """Records per kind for n_duties duties."""
    return {k: round(n_duties * share / 100 / per) for k, share, per in KINDS}


def layout(kind, count, today, seed):
    """`count` rows of one kind (the first rows stay the same whatever count is):
    (row values, owner, [due days])."""
    rnd = random.Random(f"{seed}-{kind}")
    owners, weights = zip(*OWNER_SHARES)
    rows = []
    for i in range(count):
        owner = rnd.choices(owners, weights)[0]
        due = lambda: rnd.randint(-SPREAD_DAYS, SPREAD_DAYS)
        thing = THINGS[i % len(THINGS)]
        if kind == "risk-actions":
            d = due()
            row = [f"Action {i + 1:06d}: reduce {thing} risk", f"Mitigation step {rnd.randint(1, 9)} for {thing}.",
                   owner, day(today, d), rnd.choice(["planned", "in_progress"])]
            dues = [d]
        elif kind == "evidence":
            d = due()
            row = [f"Evidence {i + 1:06d}: {thing} test report", f"Run {rnd.randint(1, 400)} of the {thing} checks.",
                   owner, day(today, d - 400), day(today, d - 40), day(today, d),
                   rnd.choice(["accepted", "accepted", "submitted"]), "manual"]
            dues = [d]
        elif kind == "trainings":
            d = due()
            row = [f"Training {i + 1:06d}: responsible AI for {thing}", rnd.choice(["training", "qualification", "awareness"]),
                   owner, f"Operating {thing} safely", "Academy", day(today, d - 365), day(today, d), "completed"]
            dues = [d]
        elif kind == "suppliers":
            d1, d2 = due(), due()
            row = [f"Supplier {i + 1:06d}: {rnd.choice(SUPPLIERS)}", rnd.choice(["model_api", "data_vendor", "cloud", "ai_saas"]),
                   f"Services for {thing}.", owner, rnd.choice(["low", "medium", "high"]), "reviewed",
                   day(today, d1), day(today, d2)]
            dues = [d1, d2]
        elif kind == "systems":
            d = due()
            row = [f"System {i + 1:06d}: {thing}", f"Supports {thing} for the business.", owner,
                   rnd.choice(["development", "deployment", "operation_monitoring"]), day(today, d)]
            dues = [d]
        elif kind == "evidence-requests":
            d = due()
            row = [f"Request {i + 1:06d}: evidence for {thing}", "The latest test run and its sign-off.",
                   owner, day(today, d), "open"]
            dues = [d]
        elif kind == "objectives":
            d = due()
            row = [f"Objective {i + 1:06d}: {thing} accuracy", owner, f"Accuracy of {thing} on the monthly sample",
                   "%", "higher_better", "80", "95", str(rnd.randint(80, 94)), day(today, d), "on_track"]
            dues = [d]
        elif kind == "communications":
            d = due()
            row = [f"Communication {i + 1:06d}: {thing} notice", "users", owner, rnd.choice(["email", "intranet", "website"]),
                   rnd.choice(["monthly", "quarterly", "yearly"]), day(today, d - 90), day(today, d)]
            dues = [d]
        elif kind == "commitments":
            d = due()
            row = [f"Commitment {i + 1:06d}: {thing} uptime and review", f"Customer {rnd.randint(1, 500)}",
                   f"Human review of {thing} decisions on request.", owner, day(today, d), "active"]
            dues = [d]
        elif kind == "incidents":
            d = due()
            serious = rnd.choice(list(SERIOUS_DAYS))
            aware = d - SERIOUS_DAYS[serious]
            row = [f"Incident {i + 1:06d}: {thing} misbehaved", "incident", owner, rnd.choice(["medium", "high"]),
                   "investigating", day(today, aware - rnd.randint(0, 3)), day(today, aware), serious, "monitoring"]
            dues = [d]
        else:
            raise ValueError(kind)
        rows.append((row, owner, dues))
    return rows


def to_csv(kind, rows):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(HEADERS[kind])
    for row, _, _ in rows:
        w.writerow(row)
    return out.getvalue().encode()


# The work list's queries, as crates/aims-store/src/work.rs has them.
COLS = "d.kind, d.record_id, r.title, d.duty, d.due_on, d.owner_id"
Q_DUE_MEMBER = (f"SELECT {COLS} FROM record_duties d JOIN records r ON r.id = d.record_id "
                "WHERE d.owner_id = $1 AND d.workspace_id = $2 AND d.due_on < $3 "
                "ORDER BY d.due_on, d.record_id, d.duty LIMIT $4")
Q_DUE_ALL = (f"SELECT {COLS} FROM record_duties d JOIN records r ON r.id = d.record_id "
             "WHERE d.workspace_id = $1 AND d.due_on < $2 ORDER BY d.due_on, d.record_id, d.duty LIMIT $3")
Q_LATER_MEMBER = "SELECT COUNT(*) FROM record_duties WHERE owner_id = $1 AND workspace_id = $2 AND due_on >= $3"
Q_LATER_ALL = "SELECT COUNT(*) FROM record_duties WHERE workspace_id = $1 AND due_on >= $2"


class WorkBench(ev.EvidenceBench):
    def __init__(self, *args):
        super().__init__(*args)
        self.cookies = {}
        self.action = None  # (record id, version) of a treatment action of the typical member
        self.flip = 0

    def sign_in_as(self, email):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        body = urllib.parse.urlencode({"email": email, "password": rk.PASSWORD})
        c.request("POST", "/login", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse(); r.read()
        cookie = r.getheader("Set-Cookie") or ""
        if r.status not in (302, 303) or not cookie:
            raise RuntimeError(f"sign-in of {email}: HTTP {r.status}")
        self.cookies[email] = cookie.split(";", 1)[0]

    def members(self, ws):
        for j in range(1, MEMBERS + 1):
            email = f"member{j:02d}@example.org"
            self.cli("user", "add", "--email", email, "--name", f"Member {j:02d}", "--password-stdin",
                     stdin=rk.PASSWORD + "\n")
            self.cli("member", "add", "--workspace", ws, "--email", email, "--role", "contributor")

    def import_kind(self, ws, kind, body):
        total, created = 0.0, 0
        for part in inv.split_csv(body):
            status, data, dt = self.request(
                "POST", f"/api/v1/workspaces/{ws}/{kind}/import?mode=all&file_name={kind}.csv",
                self.tokens[ws], part, "text/csv")
            if status != 200:
                raise RuntimeError(f"{kind} import: HTTP {status}: {data[:1500]!r}")
            rep = json.loads(data)
            total += dt
            created += rep.get("created", 0)
        return total, created

    def fill(self, ws, have, want, today):
        """Imports the rows of every kind from `have` records per kind up to `want`."""
        out = {}
        for kind, _, _ in KINDS:
            rows = layout(kind, want[kind], today, self.a.seed)[have.get(kind, 0):]
            if not rows:
                continue
            body = to_csv(kind, rows)
            dt, created = self.import_kind(ws, kind, body)
            if created != len(rows):
                raise RuntimeError(f"{kind}: created {created} of {len(rows)}")
            out[kind] = {"rows": len(rows), "s": dt, "bytes": len(body)}
            inv.log(f"[set-up] {kind}: {len(rows):,} rows in {dt:.2f} s")
        return out

    def series(self, path, n, **kw):
        """One first GET (apart), then `n` more: figures and aims CPU per request."""
        status, data, first = self.get(path, **kw)
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status}: {data[:300]!r}")
        c0 = inv.cpu_s(self.pid)
        times = []
        for _ in range(n):
            status, data, dt = self.get(path, **kw)
            if status != 200:
                raise RuntimeError(f"GET {path}: HTTP {status}: {data[:300]!r}")
            times.append(dt)
        cpu = inv.cpu_s(self.pid) - c0
        return {"p50_ms": statistics.median(times) * 1000, "p99_ms": inv.pct(times, 99),
                "min_ms": min(times) * 1000, "max_ms": max(times) * 1000, "first_ms": first * 1000,
                "aims_cpu_ms": cpu * 1000 / n, "bytes": len(data), "n": n}, data

    def typical_action(self, ws):
        """A treatment action the typical member owns (id, version)."""
        token = self.tokens[ws]
        status, data, _ = self.get(f"/api/v1/workspaces/{ws}/tasks?owner={urllib.parse.quote(TYPICAL)}&within=3650",
                                   token=token)
        items = [i for i in json.loads(data)["items"] if i["kind"] == "risk-actions"]
        if not items:
            raise RuntimeError("the typical member has no treatment action listed")
        rid = items[0]["record_id"]
        status, data, _ = self.get(f"/api/v1/workspaces/{ws}/risk-actions/{rid}", token=token)
        if status != 200:
            raise RuntimeError(f"GET risk action {rid}: HTTP {status}: {data[:300]!r}")
        return [rid, json.loads(data)["version"]]

    def change(self, ws, today):
        """One change: the typical member's treatment action gets another due day
        (within the list's 30 days), so its duty row is deleted and written again."""
        rid, version = self.action
        self.flip += 1
        body = json.dumps({"version": version, "due": day(today, 3 + self.flip % 20)}).encode()
        status, data, _ = self.request("PUT", f"/api/v1/workspaces/{ws}/risk-actions/{rid}", self.tokens[ws],
                                       body, "application/json")
        if status != 200:
            raise RuntimeError(f"PUT risk action {rid}: HTTP {status}: {data[:300]!r}")
        self.action[1] = json.loads(data)["version"]

    def measure(self, ws, n_duties, counts, today):
        a, token = self.a, self.tokens[ws]
        out = {"duties": n_duties, "counts": counts}
        api = f"/api/v1/workspaces/{ws}/tasks"
        reads = [
            ("healthz", "/healthz", {}),
            ("page_typical", f"/w/{ws}/work", {"cookie": self.cookies[TYPICAL]}),
            ("page_heavy", f"/w/{ws}/work", {"cookie": self.cookies[HEAVY]}),
            ("page_all", f"/w/{ws}/work?of=all", {"cookie": self.cookies[TYPICAL]}),
            ("json_typical", f"{api}?owner={urllib.parse.quote(TYPICAL)}", {"token": token}),
            ("json_heavy", f"{api}?owner={urllib.parse.quote(HEAVY)}", {"token": token}),
            ("json_all", f"{api}?owner=all", {"token": token}),
            ("healthz_again", "/healthz", {}),
        ]
        for key, path, kw in reads:
            out[key], data = self.series(path, a.requests, **kw)
            if key.startswith("json_"):
                j = json.loads(data)
                out[key].update(items=len(j["items"]), more=j["more"],
                                overdue=sum(1 for i in j["items"] if i["urgency"] == "overdue"))
            inv.log(f"[{n_duties:,}] {key}: p50 {out[key]['p50_ms']:.1f} ms, p99 {out[key]['p99_ms']:.1f} ms "
                    f"(first {out[key]['first_ms']:.1f}), aims CPU {out[key]['aims_cpu_ms']:.2f} ms/req")
        # The first read after a change.
        if self.action is None:
            self.action = self.typical_action(ws)
        after = {"page_typical": [], "json_typical": [], "page_all": []}
        paths = {k: next((p, kw) for key, p, kw in reads if key == k) for k in after}
        for _ in range(a.changes):
            for k in after:
                self.change(ws, today)
                path, kw = paths[k]
                status, data, dt = self.get(path, **kw)
                if status != 200:
                    raise RuntimeError(f"GET {path}: HTTP {status}: {data[:300]!r}")
                after[k].append(dt)
        out["after_change"] = {k: {"p50_ms": statistics.median(t) * 1000, "max_ms": max(t) * 1000, "n": len(t)}
                               for k, t in after.items()}
        inv.log(f"[{n_duties:,}] after a change: " + ", ".join(
            f"{k} {v['p50_ms']:.1f} ms" for k, v in out["after_change"].items()))
        if not a.no_explain:
            out["explain"] = self.explain(ws, today)
        return out

    # -- the queries in the database itself ------------------------------------------

    def ids(self, ws):
        q = {"ws": f"SELECT id FROM workspaces WHERE slug = '{ws}'"}
        for who, email in (("typical", TYPICAL), ("heavy", HEAVY)):
            q[who] = f"SELECT id FROM users WHERE email = '{email}'"
        if self.a.database_url:
            return {k: inv.psql(self.a.database_url, s).strip() for k, s in q.items()}
        db = sqlite3.connect(f"file:{os.path.join(self.work, 'data', 'aims.db')}?mode=ro", uri=True)
        got = {k: db.execute(s).fetchone()[0] for k, s in q.items()}
        db.close()
        return got

    def explain(self, ws, today):
        ids = self.ids(ws)
        until = day(today, HORIZON_DAYS + 1)
        cases = {
            "typical": [(Q_DUE_MEMBER, [ids["typical"], ids["ws"], until, WORK_LIMIT + 1]),
                        (Q_LATER_MEMBER, [ids["typical"], ids["ws"], until])],
            "heavy": [(Q_DUE_MEMBER, [ids["heavy"], ids["ws"], until, WORK_LIMIT + 1]),
                      (Q_LATER_MEMBER, [ids["heavy"], ids["ws"], until])],
            "all": [(Q_DUE_ALL, [ids["ws"], until, WORK_LIMIT + 1]),
                    (Q_LATER_ALL, [ids["ws"], until])],
        }
        out = {}
        for who, qs in cases.items():
            out[who] = [self.explain_pg(sql, args) if self.a.database_url else self.explain_sqlite(sql, args)
                        for sql, args in qs]
        for who, qs in out.items():
            inv.log(f"[explain] {who}: duties_due {qs[0]['ms']:.2f} ms, duties_later {qs[1]['ms']:.2f} ms"
                    + (f" (custom plans {qs[0]['custom_ms']:.2f} / {qs[1]['custom_ms']:.2f} ms)"
                       if "custom_ms" in qs[0] else ""))
        return out

    def explain_sqlite(self, sql, args):
        db = sqlite3.connect(f"file:{os.path.join(self.work, 'data', 'aims.db')}?mode=ro", uri=True)
        q = re.sub(r"\$(\d+)", r"?\1", sql)
        plan = [r[-1] for r in db.execute("EXPLAIN QUERY PLAN " + q, args)]
        times, rows = [], 0
        for _ in range(10):
            t = time.perf_counter()
            rows = len(db.execute(q, args).fetchall())
            times.append(time.perf_counter() - t)
        db.close()
        return {"sql": sql, "plan": plan, "ms": statistics.median(times) * 1000, "rows": rows,
                "sqlite_version": sqlite3.sqlite_version}

    def explain_pg(self, sql, args):
        n = len(args)
        types = ", ".join(["text"] * (n - 1) + ["bigint" if "LIMIT" in sql else "text"])
        lit = ", ".join(str(v) if isinstance(v, int) else "'" + v.replace("'", "''") + "'" for v in args)
        res = {"sql": sql}
        for mode in ("force_generic_plan", "force_custom_plan"):
            script = (f"SET plan_cache_mode = {mode};\nPREPARE q({types}) AS {sql};\n"
                      + f"EXECUTE q({lit});\n" * 3
                      + f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE q({lit});\n")
            r = subprocess.run(["psql", self.a.database_url, "-v", "ON_ERROR_STOP=1", "-qAt"], input=script,
                               capture_output=True, text=True, timeout=300)
            if r.returncode != 0:
                raise RuntimeError(f"psql: {r.stderr.strip()}")
            lines = r.stdout.strip().splitlines()
            start = next(i for i, l in enumerate(lines) if "(cost=" in l)
            plan = lines[start:]
            ms = next(float(m.group(1)) for l in plan if (m := re.search(r"Execution Time: ([\d.]+) ms", l)))
            if mode == "force_generic_plan":
                res.update(plan=plan, ms=ms)
            else:
                res.update(custom_plan=plan, custom_ms=ms)
        return res


# --- report --------------------------------------------------------------------

def report(backend, a, res):
    sizes = res["sizes"]
    print(f"\n{backend}; work list (30 days ahead, at most {WORK_LIMIT} listed), a new connection per request")
    print(f"  {'':<52}" + "".join(f"{m['duties']:>18,} duties" for m in sizes))
    def row(label, fn):
        print(f"  {label:<52}" + "".join(f"{fn(m):>25}" for m in sizes))
    row("records imported (10 kinds), set-up time", lambda m: f"{m['records']:,} in {m['setup_s']:.1f} s")
    row("duties: heavy / typical / no owner", lambda m: "{} / {} / {}".format(
        *(f"{m['counts']['owners'].get(k, 0):,}" for k in (HEAVY, TYPICAL, ""))))
    row("  listed (of 500) / counted beyond: typical", lambda m: f"{m['json_typical']['items']} / {m['json_typical']['more']:,}")
    row("  heavy", lambda m: f"{m['json_heavy']['items']} / {m['json_heavy']['more']:,}")
    row("  whole workspace", lambda m: f"{m['json_all']['items']} / {m['json_all']['more']:,}")
    row(f"median / p99 of {a.requests} (ms); aims CPU per request:", lambda m: "")
    for key, label in [("page_typical", "page /work, typical member"), ("page_heavy", "page /work, heavy member"),
                       ("page_all", "page /work?of=all"), ("json_typical", "GET /tasks?owner=typical"),
                       ("json_heavy", "GET /tasks?owner=heavy"), ("json_all", "GET /tasks?owner=all"),
                       ("healthz", "baseline: GET /healthz"), ("healthz_again", "baseline: GET /healthz, after")]:
        row("  " + label, lambda m, k=key: f"{m[k]['p50_ms']:.1f} / {m[k]['p99_ms']:.1f}; {m[k]['aims_cpu_ms']:.1f}")
    row("  page size, typical / all", lambda m: f"{m['page_typical']['bytes'] / 1000:.0f} / {m['page_all']['bytes'] / 1000:.0f} kB")
    row("first read after the import (ms):", lambda m: "")
    for key, label in [("page_typical", "page, typical"), ("page_heavy", "page, heavy"), ("page_all", "page ?of=all"),
                       ("json_all", "JSON owner=all")]:
        row("  " + label, lambda m, k=key: f"{m[k]['first_ms']:.1f}")
    row(f"first read after a change, median / max of {a.changes} (ms):", lambda m: "")
    for key, label in [("page_typical", "page, typical"), ("json_typical", "JSON, typical"), ("page_all", "page ?of=all")]:
        row("  " + label, lambda m, k=key: f"{m['after_change'][k]['p50_ms']:.1f} / {m['after_change'][k]['max_ms']:.1f}")
    if all("explain" in m for m in sizes):
        row("in the database (ms): duties_due + duties_later", lambda m: "")
        for who in ("typical", "heavy", "all"):
            row(f"  {who}", lambda m, w=who: f"{m['explain'][w][0]['ms']:.2f} + {m['explain'][w][1]['ms']:.2f}")
            if a.database_url:
                row("    with custom plans", lambda m, w=who: f"{m['explain'][w][0]['custom_ms']:.2f} + "
                    f"{m['explain'][w][1]['custom_ms']:.2f}")
    if len(sizes) == 2:
        lo, hi = sizes
        g = lambda k: hi[k]["p50_ms"] / lo[k]["p50_ms"] if lo[k]["p50_ms"] else float("nan")
        print(f"  growth with {hi['duties'] / lo['duties']:.0f}x the duties (median): page typical x{g('page_typical'):.1f}, "
              f"heavy x{g('page_heavy'):.1f}, all x{g('page_all'):.1f}; JSON typical x{g('json_typical'):.1f}, "
              f"heavy x{g('json_heavy'):.1f}, all x{g('json_all'):.1f}")
    big = sizes[-1]
    if big.get("explain"):
        print(f"\n  query plans at {big['duties']:,} duties" + ("" if a.database_url else
              f" (Python's SQLite {big['explain']['all'][0]['sqlite_version']})"))
        for who, qs in big["explain"].items():
            for name, q in zip(("duties_due", "duties_later"), qs):
                print(f"  -- {who}: {name} ({q['ms']:.2f} ms{', %d rows' % q['rows'] if 'rows' in q else ''})")
                for line in q["plan"]:
                    print(f"     {line}")
    print(f"\nbudget ({backend}): the work list renders in < {PAGE_BUDGET_MS:g} ms")
    for m in sizes:
        tag = f"{m['duties']:,} duties"
        checks = [
            ("page /work, typical member, median (the budget)", m["page_typical"]["p50_ms"], True),
            ("page /work, typical member, p99", m["page_typical"]["p99_ms"], False),
            ("page /work, heavy member, median", m["page_heavy"]["p50_ms"], False),
            ("page /work?of=all, median", m["page_all"]["p50_ms"], False),
            ("GET /tasks owner=typical / heavy / all, worst median",
             max(m[k]["p50_ms"] for k in ("json_typical", "json_heavy", "json_all")), False),
            ("page /work, typical, first read after a change, median", m["after_change"]["page_typical"]["p50_ms"], False),
        ]
        for label, v, budget in checks:
            verdict = inv.verdict(v < PAGE_BUDGET_MS)
            print(f"  {tag:>15}  {label:<58}{v:9.1f} ms  {verdict if budget else '(' + verdict.lower() + ')'}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=None)
    ap.add_argument("--duties", type=int, default=100000)
    ap.add_argument("--small", type=int, default=10000, help="measure at this many duties first (0: skip)")
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--changes", type=int, default=10, help="reads of each kind right after a change")
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--no-explain", action="store_true", help="skip the queries in the database")
    ap.add_argument("--database-url", default=None, help="PostgreSQL database to create, use and drop")
    ap.add_argument("--keep", action="store_true", help="keep the data dir or the database at the end")
    ap.add_argument("--json", metavar="FILE", default=None)
    a = ap.parse_args()
    binary = a.binary or inv.default_binary()
    if not os.access(binary, os.X_OK):
        sys.exit(f"no executable at {binary} (cargo build --release -p aims-cli, or pass --binary)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = tempfile.mkdtemp(prefix="aims-work-bench-")
    db = ["--data-dir", os.path.join(work, "data")]
    admin_url = name = srv = None
    res = {"sizes": []}
    started = time.perf_counter()
    try:
        if a.database_url:
            if not shutil.which("psql"):
                sys.exit("PostgreSQL needs psql (apt-get install postgresql-client)")
            u = urllib.parse.urlsplit(a.database_url)
            name = u.path.lstrip("/")
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", name or ""):
                sys.exit("--database-url must name a database (lower-case letters, digits, _) to create")
            admin_url = urllib.parse.urlunsplit(u._replace(path="/postgres"))
            if inv.psql(admin_url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip():
                name = None
                sys.exit(f"database {u.path.lstrip('/')} exists already: drop it or name another")
            inv.psql(admin_url, f'CREATE DATABASE "{name}"')
            db += ["--database-url", a.database_url]
        idle = inv.idle_pct()
        port = inv.free_port()
        bench = WorkBench(a, binary, db, port, work)
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
        ws = bench.workspace("work")
        bench.members(ws)
        for email in (TYPICAL, HEAVY):
            bench.sign_in_as(email)
        today = datetime.datetime.now(datetime.timezone.utc).date()
        have = {}
        for n in [x for x in (a.small, a.duties) if x]:
            want = plan(n)
            t = time.perf_counter()
            imported = bench.fill(ws, have, want, today)
            setup_s = time.perf_counter() - t
            have = want
            # What was imported, counted from the generated rows.
            owners, kinds, total = {}, {}, 0
            for kind, _, _ in KINDS:
                for _, owner, dues in layout(kind, want[kind], today, a.seed):
                    owners[owner] = owners.get(owner, 0) + len(dues)
                    kinds[kind] = kinds.get(kind, 0) + len(dues)
                    total += len(dues)
            counts = {"owners": owners, "kinds": kinds, "total": total}
            inv.log(f"[{total:,}] duties in {sum(want.values()):,} records; heavy {owners.get(HEAVY, 0):,}, "
                    f"typical {owners.get(TYPICAL, 0):,}")
            m = bench.measure(ws, total, counts, today)
            m.update(records=sum(want.values()), setup_s=setup_s, imported=imported)
            res["sizes"].append(m)
        res["server_hwm_kb"] = ev.proc_status(srv.pid).get("VmHWM", 0)
    finally:
        if srv is not None:
            srv.terminate()
            try: srv.wait(timeout=10)
            except subprocess.TimeoutExpired: srv.kill(); srv.wait()
        if a.keep:
            inv.log(f"kept: data dir {os.path.join(work, 'data')}" + (f", database {name}" if name else ""))
        elif name:
            try:
                inv.psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except (RuntimeError, OSError, subprocess.SubprocessError) as e:
                inv.log(f"could not drop database {name}: {e}")
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"aims work list benchmark, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, client on the same "
          f"machine; CPU idle {idle:.0f}% before; run took {time.perf_counter() - started:.0f} s")
    report(backend, a, res)
    print(f"  server VmHWM over the whole run: {res['server_hwm_kb'] / 1024:.1f} MB")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"backend": backend, "results": res}, f, indent=1)


if __name__ == "__main__":
    main()
