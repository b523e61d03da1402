#!/usr/bin/env python3
"""Export benchmark for aims: the AI system inventory of N records (default
10,000) as XLSX, CSV and JSON, through the API and through `aims systems export`.

Budget (issue #7): XLSX export of 10,000 systems under 1 s. Baseline measured in
the same run: `sha256sum` of the produced XLSX file (reading the same bytes once).
Each figure is the median of --runs runs.

Usage: bench/export.py [--binary target/release/aims] [--records 10000] [--runs 5]
                       [--database-url postgres://...]
Needs a release build (cargo build --release).
"""
import argparse, http.client, json, os, shutil, socket, statistics, subprocess, sys, tempfile, threading, time

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/aims")
    ap.add_argument("--records", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--database-url", default=None)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="aims-export-bench-")
    data = os.path.join(work, "data")
    db = ["--data-dir", data] + (["--database-url", a.database_url] if a.database_url else [])
    env = dict(os.environ, AIMS_LOG="warn")
    port = free_port()
    srv = subprocess.Popen([a.binary, *db, "serve", "--listen", f"127.0.0.1:{port}"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(2000):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2); c.request("GET", "/readyz")
                if c.getresponse().status == 200: break
            except OSError:
                time.sleep(0.01)
        def cli(*args):
            return subprocess.run([a.binary, *db, *args], capture_output=True, text=True, env=env, check=True)
        cli("workspace", "create", "--name", "Bench", "--slug", "bench")
        token = cli("token", "create", "--workspace", "bench", "--role", "contributor",
                    "--name", "bench").stdout.strip().splitlines()[-1]
        per = a.records // 4
        def seed(w):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for i in range(per):
                body = json.dumps({"name": f"System {w}-{i}", "purpose": "Benchmark record for the export benchmark, a sentence long."})
                c.request("POST", "/api/v1/workspaces/bench/systems", body=body,
                          headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                r = c.getresponse(); r.read(); assert r.status == 201, r.status
        ts = [threading.Thread(target=seed, args=(w,)) for w in range(4)]
        [t.start() for t in ts]; [t.join() for t in ts]

        def api(fmt):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            t = time.perf_counter()
            c.request("GET", f"/api/v1/workspaces/bench/systems/export?format={fmt}",
                      headers={"Authorization": f"Bearer {token}"})
            r = c.getresponse(); body = r.read(); dt = time.perf_counter() - t
            assert r.status == 200, (r.status, body[:200])
            return dt, len(body), body
        results = {}
        for fmt in ["xlsx", "csv", "json"]:
            times = []
            for _ in range(a.runs):
                dt, size, body = api(fmt); times.append(dt)
            results[fmt] = (statistics.median(times), size)
            if fmt == "xlsx":
                path = os.path.join(work, "systems.xlsx"); open(path, "wb").write(body)
        cli_times = []
        for _ in range(a.runs):
            t = time.perf_counter()
            cli("systems", "export", "--workspace", "bench", "--format", "xlsx", "-o", os.path.join(work, "cli.xlsx"))
            cli_times.append(time.perf_counter() - t)
        sha = []
        for _ in range(a.runs):
            t = time.perf_counter()
            subprocess.run(["sha256sum", path], capture_output=True, check=True)
            sha.append(time.perf_counter() - t)
    finally:
        srv.terminate()
        try: srv.wait(timeout=10)
        except subprocess.TimeoutExpired: srv.kill()
        shutil.rmtree(work, ignore_errors=True)
    n = a.records
    print(f"backend                      {'postgres' if a.database_url else 'sqlite'}; {n} systems; median of {a.runs}")
    for fmt, (dt, size) in results.items():
        budget = "   (budget 1 s)" + ("  ok" if dt < 1 else "  MISSED") if fmt == "xlsx" else ""
        print(f"API export {fmt:<5}             {dt*1000:7.0f} ms  {size/1e6:5.2f} MB  {n/dt:8.0f} rows/s{budget}")
    print(f"aims systems export xlsx     {statistics.median(cli_times)*1000:7.0f} ms  (whole process: start, open, export, write)")
    print(f"baseline sha256sum of xlsx   {statistics.median(sha)*1000:7.1f} ms")

if __name__ == "__main__":
    main()
