#!/usr/bin/env python3
"""CPU per SoA read after a change, on a database bench/evidence.py --keep left.

  bench/soa_cpu.py BINARY DATABASE_URL|DATA_DIR DATA_DIR N PATH...

Starts BINARY serving the kept database (SQLite: the data dir; PostgreSQL: the URL, with the
data dir for the history key), creates a token for workspace `soa`, warms every pooled
connection (10 rounds), then times N changes alone (one evidence item's description edited)
and, for each PATH, N rounds of one change and one GET PATH. Prints per read the wall median and
the CPU of the aims process and of this database's PostgreSQL backends (from /proc), the
changes' own CPU subtracted: steadier than wall times on a busy machine."""
import http.client, json, os, subprocess, sys, time, socket, statistics
binary, url, datadir, n, paths = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]
env = {k: v for k, v in os.environ.items() if not k.startswith("AIMS_")}; env["AIMS_LOG"] = "warn"
pg = url.startswith("postgres")
db = ["--data-dir", datadir] + (["--database-url", url] if pg else [])
tok = subprocess.run([binary, *db, "token", "create", "--workspace", "soa", "--role", "manager", "--name", f"p{time.time()}"],
                     capture_output=True, text=True, env=env, check=True).stdout.strip().splitlines()[-1]
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
srv = subprocess.Popen([binary, *db, "serve", "--listen", f"127.0.0.1:{port}"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
tick = os.sysconf("SC_CLK_TCK")
def cpu(pid):
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / tick
    except OSError:
        return 0.0
dbname = url.rsplit("/", 1)[1] if pg else None
def pg_pids():
    if not pg: return []
    out = subprocess.run(["psql", "-X", "-At", "-d", url.rsplit("/", 1)[0] + "/postgres", "-c",
                          f"select pid from pg_stat_activity where datname = '{dbname}'"], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]
def total_cpu(pids):
    return cpu(srv.pid), sum(cpu(p) for p in pids)
def req(method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    h = {"Authorization": f"Bearer {tok}"}
    if body is not None: h["Content-Type"] = "application/json"
    t = time.perf_counter(); c.request(method, path, body=body, headers=h); r = c.getresponse(); d = r.read()
    return r.status, d, time.perf_counter() - t
try:
    for _ in range(500):
        try:
            if req("GET", "/readyz")[0] == 200: break
        except OSError: pass
        time.sleep(0.02)
    st, d, _ = req("GET", "/api/v1/workspaces/soa/evidence?limit=1"); eid = json.loads(d)["items"][0]["id"]
    ver = [json.loads(req("GET", f"/api/v1/workspaces/soa/evidence/{eid}")[1])["version"]]
    def touch():
        st, d, _ = req("PUT", f"/api/v1/workspaces/soa/evidence/{eid}", json.dumps({"version": ver[0], "description": f"p {time.time()}"}).encode())
        assert st == 200, d
        ver[0] = json.loads(d)["version"]
    # warm every pooled connection's statements
    for _ in range(10):
        touch(); [req("GET", p) for p in paths]
    pids = pg_pids()
    a = total_cpu(pids)
    for _ in range(n): touch()
    b = total_cpu(pids)
    touch_cpu = ((b[0] - a[0]) / n, (b[1] - a[1]) / n)
    for p in paths:
        walls = []
        a = total_cpu(pids)
        for _ in range(n):
            touch(); st, d, dt = req("GET", p); assert st == 200, (p, st, d[:200]); walls.append(dt * 1000)
        b = total_cpu(pids)
        app = ((b[0] - a[0]) / n - touch_cpu[0]) * 1000; dbc = ((b[1] - a[1]) / n - touch_cpu[1]) * 1000
        print(f"{p}: wall median {statistics.median(walls):.1f} ms (min {min(walls):.1f}); CPU per read: aims {app:.1f} ms, PostgreSQL {dbc:.1f} ms")
finally:
    srv.terminate(); srv.wait()
