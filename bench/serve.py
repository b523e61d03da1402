#!/usr/bin/env python3
"""Server benchmark for aims: idle memory, start-to-ready time, and latency and
throughput of an authenticated API list request at 16 concurrent connections
with 10,000 records in the workspace.

Budgets (issue #2): idle RSS < 30 MB, ready < 300 ms, list p99 < 10 ms.
Each figure is also given as a ratio against a baseline measured in the same
run: /healthz (no database, no auth) for latency and throughput.

Usage: bench/serve.py [--binary target/release/aims] [--records 10000]
                      [--database-url postgres://...] [--duration 10]
Needs: a release build (cargo build --release) and wrk (apt-get install wrk).
"""
import argparse, http.client, json, os, re, shutil, socket, subprocess, sys, tempfile, threading, time

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")

def get(port, path, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("GET", path, headers=headers or {})
    r = c.getresponse(); body = r.read(); c.close()
    return r.status, body

def wrk(url, token, duration, conns=16):
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{duration}s", "--latency", url]
    if token:
        cmd[1:1] = ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    def ms(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"p50": ms("50"), "p99": ms("99"), "rps": rps, "errors": int(non2xx.group(1)) if non2xx else 0}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/aims")
    ap.add_argument("--records", type=int, default=10000)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--duration", type=int, default=10)
    a = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    data = tempfile.mkdtemp(prefix="aims-bench-")
    db = ["--database-url", a.database_url] if a.database_url else ["--data-dir", data]
    port = free_port()
    env = dict(os.environ, AIMS_LOG="warn")

    t0 = time.perf_counter()
    srv = subprocess.Popen([a.binary, *db, "serve", "--listen", f"127.0.0.1:{port}"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ready_ms = None
    while time.perf_counter() - t0 < 20:
        try:
            if get(port, "/readyz")[0] == 200:
                ready_ms = (time.perf_counter() - t0) * 1000
                break
        except OSError:
            time.sleep(0.002)
    if ready_ms is None:
        srv.kill(); sys.exit("server did not become ready")
    time.sleep(2)
    idle = rss_mb(srv.pid)

    def cli(*args, stdin=None):
        return subprocess.run([a.binary, *db, *args], input=stdin, capture_output=True, text=True, env=env, check=True).stdout
    cli("workspace", "create", "--name", "Bench", "--slug", "bench")
    token = cli("token", "create", "--workspace", "bench", "--role", "contributor", "--name", "bench").strip().splitlines()[-1]

    # Seed through the API, as a pipeline would: 4 keep-alive connections.
    t_seed = time.perf_counter()
    per = a.records // 4
    def seed(worker):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(per):
            body = json.dumps({"name": f"System {worker}-{i}", "purpose": "Benchmark record used to measure list latency."})
            c.request("POST", "/api/v1/workspaces/bench/systems", body=body,
                      headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            r = c.getresponse(); r.read()
            assert r.status == 201, r.status
        c.close()
    threads = [threading.Thread(target=seed, args=(w,)) for w in range(4)]
    [t.start() for t in threads]; [t.join() for t in threads]
    seed_s = time.perf_counter() - t_seed
    loaded = rss_mb(srv.pid)

    base = wrk(f"http://127.0.0.1:{port}/healthz", None, a.duration)
    lst = wrk(f"http://127.0.0.1:{port}/api/v1/workspaces/bench/systems?limit=50", token, a.duration)
    srv.terminate(); srv.wait(timeout=10)
    shutil.rmtree(data, ignore_errors=True)

    backend = "postgres" if a.database_url else "sqlite"
    print(f"backend                      {backend}")
    print(f"idle RSS                     {idle:.1f} MB   (budget 30 MB)")
    print(f"start to /readyz 200         {ready_ms:.0f} ms   (budget 300 ms)")
    print(f"seed {a.records} records via API   {seed_s:.1f} s ({a.records/seed_s:.0f} writes/s)")
    print(f"RSS after seeding + load     {loaded:.1f} MB")
    print(f"baseline GET /healthz        p50 {base['p50']:.2f} ms  p99 {base['p99']:.2f} ms  {base['rps']:.0f} req/s")
    print(f"GET systems?limit=50 (auth)  p50 {lst['p50']:.2f} ms  p99 {lst['p99']:.2f} ms  {lst['rps']:.0f} req/s   (budget p99 10 ms)")
    print(f"list vs baseline             p99 x{lst['p99']/base['p99']:.1f}  throughput x{lst['rps']/base['rps']:.2f}")
    if lst["errors"] or base["errors"]:
        print(f"non-2xx responses: list {lst['errors']} baseline {base['errors']}")
        sys.exit(1)

if __name__ == "__main__":
    main()
