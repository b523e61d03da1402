#!/usr/bin/env python3
"""Login-flood benchmark for aims: what an unauthenticated flood of POST /login
does to everyone else.

One run, three phases, against a fresh database:
  quiet   one client sends sequential authenticated
          GET /api/v1/workspaces/bench/systems?limit=50 (the baseline);
  flood   N clients (default 64) post /login forms as fast as the server
          answers, each attempt with a new e-mail and a ~1 KB password, while
          the same list client keeps measuring;
  settle  nothing for a few seconds, then the server's resident memory.
The server's VmRSS is sampled every 50 ms for the whole run (and VmHWM read).

Budgets (issue #6): list p99 during the flood within 5x of the quiet p99,
peak RSS under 200 MB, RSS after the flood under 50 MB.

The flood runs in a separate process so that its 64 threads never hold the
GIL while the list client is timing a request. A list request that times out
counts as one that took the timeout; failed list requests are counted and
fail --check.

Usage: bench/login_flood.py [--binary target/release/aims]
                            [--database-url postgres://... | --postgres BASE_URL]
                            [--clients 64] [--duration 15] [--quiet 10] [--settle 5]
                            [--json FILE] [--check]
--postgres BASE_URL creates a fresh database next to BASE_URL's (with psql)
and drops it afterwards; --database-url uses the given database as it is.
Needs: a release build (cargo build --release); psql for --postgres.
"""
import argparse, http.client, json, multiprocessing as mp, os, secrets, shutil, signal, socket
import subprocess, sys, tempfile, threading, time, urllib.parse
from collections import Counter

LIST_PATH = "/api/v1/workspaces/bench/systems?limit=50"
BUDGET_RATIO, BUDGET_PEAK_MB, BUDGET_AFTER_MB = 5.0, 200.0, 50.0


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def proc_status(pid):
    """VmRSS and VmHWM in MB and the thread count, from /proc/PID/status."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    out[line[:5]] = int(line.split()[1]) / 1024
                elif line.startswith("Threads:"):
                    out["Threads"] = int(line.split()[1])
    except OSError:
        pass
    return out


def pct(xs, p):
    """Nearest-rank percentile of a list of seconds, in ms (nan when empty)."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))
    return s[int(k)] * 1000


def get(port, path, headers=None, timeout=5):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse(); body = r.read()
        return r.status, body
    finally:
        c.close()


# --- the flood, in its own process ------------------------------------------

def flood_process(port, clients, pw_bytes, timeout, max_seconds, ready, stop, results, spread=False):
    """Runs `clients` threads posting /login until `stop` is set (or max_seconds
    pass), then aborts what is in flight and puts its counts on `results`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    lock = threading.Lock()
    status, errors, lat = Counter(), Counter(), []
    aborted = [0]
    conns = [None] * clients
    halt = threading.Event()
    base_headers = {"Content-Type": "application/x-www-form-urlencoded",
                    "Sec-Fetch-Site": "same-origin", "Origin": f"http://127.0.0.1:{port}"}

    def worker(i):
        headers = dict(base_headers)
        password = secrets.token_hex(pw_bytes // 2)  # hex needs no form-encoding
        my_status, my_errors, my_lat, my_aborted = Counter(), Counter(), [], 0
        conn, n = None, 0
        while not halt.is_set():
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                conns[i] = conn
            body = f"email=flood-{i}-{n}%40example.org&password={password}"
            if spread:
                # A distributed flood: every attempt from another address
                # (the server trusts X-Forwarded-For in this mode).
                headers["X-Forwarded-For"] = f"10.{i % 250}.{(n >> 8) % 250}.{n % 250}"
            n += 1
            t = time.perf_counter()
            try:
                conn.request("POST", "/login", body=body, headers=headers)
                r = conn.getresponse(); r.read()
                my_lat.append(time.perf_counter() - t)
                my_status[r.status] += 1
                if r.will_close:
                    conn.close(); conn = None
            except (OSError, http.client.HTTPException) as e:
                conn.close(); conn = None
                if halt.is_set():
                    my_aborted += 1
                elif isinstance(e, (TimeoutError, socket.timeout)):
                    my_errors["timeout"] += 1
                else:
                    my_errors[type(e).__name__] += 1
                    time.sleep(0.05)  # do not spin if the server is gone
        if conn is not None:
            conn.close()
        with lock:
            status.update(my_status); errors.update(my_errors); lat.extend(my_lat)
            aborted[0] += my_aborted

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    ready.set()
    stop.wait(max_seconds)
    halt.set()
    elapsed = time.perf_counter() - t0
    for c in conns:  # abort requests in flight rather than wait for them
        try:
            if c is not None and c.sock is not None:
                c.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    deadline = time.perf_counter() + 5
    for t in threads:
        t.join(max(0.0, deadline - time.perf_counter()))
    with lock:
        results.put({"elapsed_s": elapsed, "status": {str(k): v for k, v in sorted(status.items())},
                     "errors": dict(errors), "aborted_at_end": aborted[0],
                     "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99),
                     "unfinished_threads": sum(t.is_alive() for t in threads)})


# --- the measuring side -----------------------------------------------------

class Sampler(threading.Thread):
    """Samples the server's VmRSS and thread count every 50 ms."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.t0, self.samples = pid, time.perf_counter(), []  # (s, MB, threads)
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            st = proc_status(self.pid)
            if "VmRSS" in st:
                self.samples.append((time.perf_counter() - self.t0, st["VmRSS"], st.get("Threads", 0)))
            self.halt.wait(0.05)

    def now(self):
        return time.perf_counter() - self.t0

    def peak(self, start=0.0, end=float("inf")):
        xs = [s for s in self.samples if start <= s[0] <= end]
        return (max(s[1] for s in xs), max(s[2] for s in xs)) if xs else (float("nan"), 0)


class ListClient:
    """One sequential keep-alive client for the authenticated list request."""

    def __init__(self, port, token, timeout):
        self.port, self.timeout, self.conn = port, timeout, None
        self.headers = {"Authorization": f"Bearer {token}"}

    def run(self, seconds):
        lat, fails = [], Counter()
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            t = time.perf_counter()
            try:
                self.conn.request("GET", LIST_PATH, headers=self.headers)
                r = self.conn.getresponse(); r.read()
                lat.append(time.perf_counter() - t)
                if r.status != 200:
                    fails[str(r.status)] += 1
                if r.will_close:
                    self.conn.close(); self.conn = None
            except (OSError, http.client.HTTPException) as e:
                self.conn.close(); self.conn = None
                if isinstance(e, (TimeoutError, socket.timeout)):
                    lat.append(max(time.perf_counter() - t, self.timeout))  # a very slow request
                    fails["timeout"] += 1
                else:
                    lat.append(time.perf_counter() - t)
                    fails[type(e).__name__] += 1
                    time.sleep(0.05)
        return {"requests": len(lat), "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99),
                "max_ms": max(lat) * 1000 if lat else float("nan"), "failed": dict(fails)}

    def close(self):
        if self.conn is not None:
            self.conn.close()


def psql(url, sql):
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
                   capture_output=True, text=True, check=True, timeout=60)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default="target/release/aims")
    db_arg = ap.add_mutually_exclusive_group()
    db_arg.add_argument("--database-url", default=None, help="PostgreSQL URL, used as it is")
    db_arg.add_argument("--postgres", metavar="BASE_URL", default=None,
                        help="PostgreSQL URL of an existing database; a fresh one is created next to it and dropped after")
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--duration", type=float, default=15, help="seconds of flood")
    ap.add_argument("--quiet", type=float, default=10, help="seconds of quiet baseline")
    ap.add_argument("--settle", type=float, default=5, help="seconds after the flood before the after-flood RSS")
    ap.add_argument("--records", type=int, default=200, help="systems seeded in the workspace")
    ap.add_argument("--password-bytes", type=int, default=1024)
    ap.add_argument("--timeout", type=float, default=10, help="list request timeout, s (a timeout counts as this)")
    ap.add_argument("--login-timeout", type=float, default=30, help="login request timeout, s")
    ap.add_argument("--json", metavar="FILE", default=None, help="write all figures here")
    ap.add_argument("--check", action="store_true", help="exit 1 if a budget is missed")
    ap.add_argument("--spread", action="store_true",
                    help="a distributed flood: each attempt from another address (X-Forwarded-For, "
                         "server started with --trust-proxy), so address throttling never refuses it "
                         "and every attempt reaches the password check")
    a = ap.parse_args()
    if not os.access(a.binary, os.X_OK):
        sys.exit(f"no executable at {a.binary} (cargo build --release, or pass --binary)")
    if a.postgres and not shutil.which("psql"):
        sys.exit("--postgres needs psql (apt-get install postgresql-client)")

    data = tempfile.mkdtemp(prefix="aims-flood-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIMS_")}
    env["AIMS_LOG"] = "warn"
    state = {"srv": None, "flood": None, "fresh_db": None, "cleaned": False}
    cleanup_lock = threading.Lock()

    def cleanup():
        with cleanup_lock:
            if state["cleaned"]:
                return
            state["cleaned"] = True
            fl = state["flood"]
            if fl is not None and fl.is_alive():
                fl.kill(); fl.join(5)
            srv = state["srv"]
            if srv is not None and srv.poll() is None:
                srv.terminate()
                try:
                    srv.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    srv.kill(); srv.wait()
            if state["fresh_db"]:
                admin_url, name = state["fresh_db"]
                try:
                    psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                except (subprocess.SubprocessError, OSError) as e:
                    print(f"could not drop database {name}: {e}", file=sys.stderr)
            shutil.rmtree(data, ignore_errors=True)

    # Whatever happens, the run ends: setup, phases and request timeouts are all bounded,
    # and this watchdog is the backstop.
    budget_s = 180 + a.quiet + a.duration + a.settle + 2 * a.login_timeout + a.records * 0.5

    def watchdog():
        print(f"login_flood: still running after {budget_s:.0f} s, giving up", file=sys.stderr)
        cleanup()
        os._exit(3)
    dog = threading.Timer(budget_s, watchdog); dog.daemon = True; dog.start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    try:
        if a.postgres:
            u = urllib.parse.urlsplit(a.postgres)
            name = f"aims_flood_{os.getpid()}_{int(time.time())}"
            psql(a.postgres, f'CREATE DATABASE "{name}"')
            state["fresh_db"] = (a.postgres, name)
            database_url = urllib.parse.urlunsplit(u._replace(path="/" + name))
        else:
            database_url = a.database_url
        db = ["--database-url", database_url] if database_url else ["--data-dir", os.path.join(data, "db")]
        backend = "postgres" if database_url else "sqlite"

        def cli(*args, stdin=None):
            return subprocess.run([a.binary, *db, *args], input=stdin, capture_output=True, text=True,
                                  env=env, check=True, timeout=120).stdout

        port = free_port()
        log = open(os.path.join(data, "server.log"), "wb")
        srv = subprocess.Popen([a.binary, *db, "serve", "--listen", f"127.0.0.1:{port}", *(["--trust-proxy", "true"] if a.spread else [])], env=env,
                               stdout=log, stderr=subprocess.STDOUT)
        state["srv"] = srv
        sampler = Sampler(srv.pid); sampler.start()

        def server_log_tail():
            log.flush()
            with open(os.path.join(data, "server.log"), "rb") as f:
                return f.read()[-2000:].decode(errors="replace")

        t0 = time.perf_counter()
        while True:
            if srv.poll() is not None:
                sys.exit(f"server exited with {srv.returncode} before ready:\n{server_log_tail()}")
            if time.perf_counter() - t0 > 60:
                sys.exit("server did not become ready in 60 s")
            try:
                if get(port, "/readyz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.01)

        cli("user", "add", "--email", "admin@example.org", "--name", "Bench Admin", "--admin",
            "--password-stdin", stdin="a long enough bench password\n")
        cli("workspace", "create", "--name", "Bench", "--slug", "bench")
        token = cli("token", "create", "--workspace", "bench", "--role", "contributor",
                    "--name", "bench").strip().splitlines()[-1]

        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(a.records):
            body = json.dumps({"name": f"System {i}", "purpose": "Benchmark record used to measure list latency."})
            c.request("POST", "/api/v1/workspaces/bench/systems", body=body,
                      headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            r = c.getresponse(); r.read()
            if r.status != 201:
                sys.exit(f"seeding: POST systems answered {r.status}")
        c.close()
        status, _ = get(port, LIST_PATH, {"Authorization": f"Bearer {token}"})
        if status != 200:
            sys.exit(f"GET {LIST_PATH} answered {status}")
        time.sleep(1)
        idle = proc_status(srv.pid)["VmRSS"]

        lister = ListClient(port, token, a.timeout)
        q0 = sampler.now()
        quiet = lister.run(a.quiet)
        q1 = sampler.now()

        ctx = mp.get_context("spawn")
        ready, stop, results = ctx.Event(), ctx.Event(), ctx.Queue()
        fl = ctx.Process(target=flood_process, daemon=True,
                         args=(port, a.clients, a.password_bytes, a.login_timeout,
                               a.duration + a.timeout + 30, ready, stop, results, a.spread))
        state["flood"] = fl
        fl.start()
        if not ready.wait(30):
            sys.exit("the flood process did not start")
        f0 = sampler.now()
        flood = lister.run(a.duration)
        f1 = sampler.now()
        stop.set()
        try:
            logins = results.get(timeout=30)
        except Exception:
            logins = {"elapsed_s": f1 - f0, "status": {}, "errors": {"no report": 1}, "aborted_at_end": 0,
                      "p50_ms": float("nan"), "p99_ms": float("nan"), "unfinished_threads": a.clients}
        fl.join(10)
        lister.close()

        time.sleep(a.settle)
        st = proc_status(srv.pid)
        after = st.get("VmRSS", float("nan"))
        hwm = st.get("VmHWM", float("nan"))
        sampler.halt.set(); sampler.join(1)
        peak_quiet, _ = sampler.peak(q0, q1)
        peak_flood, thr_flood = sampler.peak(f0, f1)
        peak_all, thr_all = sampler.peak()
        peak = max((x for x in (peak_all, hwm) if x == x), default=float("nan"))
        server_alive = srv.poll() is None
    finally:
        dog.cancel()
        cleanup()

    answered = sum(logins["status"].values())
    rate = answered / logins["elapsed_s"] if logins["elapsed_s"] else 0.0
    ratio = flood["p99_ms"] / quiet["p99_ms"]
    list_failed = sum(quiet["failed"].values()) + sum(flood["failed"].values())
    verdicts = {
        "list_p99_ratio": ratio <= BUDGET_RATIO,
        "peak_rss": peak < BUDGET_PEAK_MB,
        "after_rss": after < BUDGET_AFTER_MB,
        "list_no_failures": list_failed == 0,
        "server_alive": server_alive,
    }
    # A flood the server never had to work on (all refused as cross-site, say) measures nothing.
    flood_valid = any(logins["status"].get(s, 0) for s in ("200", "303", "401", "429"))
    ok = lambda v: "ok" if v else "MISSED"

    def fails(d):
        return ", ".join(f"{k}: {v}" for k, v in d.items()) or "none"

    print(f"backend                      {backend}{' (distributed flood: --spread)' if a.spread else ''}")
    print(f"binary                       {a.binary}")
    print(f"flood                        {a.clients} clients x {a.duration:g} s, {a.password_bytes} B passwords;"
          f" quiet {a.quiet:g} s; settle {a.settle:g} s; {a.records} records")
    print()
    print(f"{'GET systems?limit=50':28} {'requests':>8} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9}  failed")
    for label, r in (("quiet (baseline)", quiet), ("during login flood", flood)):
        print(f"  {label:26} {r['requests']:8d} {r['p50_ms']:9.2f} {r['p99_ms']:9.2f} {r['max_ms']:9.1f}  {fails(r['failed'])}")
    print(f"  flood / quiet p99          x{ratio:.1f}   (budget x{BUDGET_RATIO:g})  {ok(verdicts['list_p99_ratio'])}")
    print()
    print(f"POST /login                  {answered} answered in {logins['elapsed_s']:.1f} s = {rate:.1f}/s;"
          f" p50 {logins['p50_ms']:.0f} ms  p99 {logins['p99_ms']:.0f} ms")
    print(f"  by status                  {fails(logins['status'])}")
    print(f"  errors                     {fails(logins['errors'])}"
          f"   (aborted at the end of the flood: {logins['aborted_at_end']})")
    print()
    print(f"server RSS  idle (seeded)    {idle:7.1f} MB")
    print(f"            quiet peak       {peak_quiet:7.1f} MB")
    print(f"            flood peak       {peak_flood:7.1f} MB   (threads up to {thr_flood})")
    print(f"            run peak         {peak:7.1f} MB   (budget {BUDGET_PEAK_MB:g} MB; sampled {peak_all:.1f}, VmHWM {hwm:.1f})"
          f"  {ok(verdicts['peak_rss'])}")
    print(f"            {a.settle:g} s after flood  {after:7.1f} MB   (budget {BUDGET_AFTER_MB:g} MB)"
          f"  {ok(verdicts['after_rss'])}")
    if not verdicts["list_no_failures"]:
        print(f"list requests failed: {list_failed}  MISSED")
    if not server_alive:
        print("the server exited during the run  MISSED")
    if not flood_valid:
        print("no login attempt reached the login check (statuses above): the flood measured nothing")
    all_ok = all(verdicts.values()) and flood_valid
    print(f"verdict                      {'all budgets met' if all_ok else 'budget missed'}")

    if a.json:
        with open(a.json, "w") as f:
            json.dump({
                "backend": backend, "spread": a.spread, "binary": a.binary,
                "config": {"clients": a.clients, "duration_s": a.duration, "quiet_s": a.quiet,
                           "settle_s": a.settle, "records": a.records, "password_bytes": a.password_bytes,
                           "list_timeout_s": a.timeout, "login_timeout_s": a.login_timeout},
                "list": {"quiet": quiet, "flood": flood, "p99_ratio": ratio},
                "login": dict(logins, answered=answered, per_second=rate),
                "rss_mb": {"idle": idle, "quiet_peak": peak_quiet, "flood_peak": peak_flood,
                           "peak": peak, "peak_sampled": peak_all, "vmhwm": hwm, "after": after},
                "server_threads_peak": thr_all,
                "budgets": {"list_p99_ratio": BUDGET_RATIO, "peak_rss_mb": BUDGET_PEAK_MB,
                            "after_rss_mb": BUDGET_AFTER_MB},
                "verdicts": verdicts, "flood_valid": flood_valid, "all_ok": all_ok,
                "phases_s": {"quiet": [q0, q1], "flood": [f0, f1]},
                "rss_samples": [[round(t, 3), round(m, 1), n] for t, m, n in sampler.samples],
            }, f, indent=1)
    if not flood_valid:
        sys.exit(2)
    if a.check and not all_ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
