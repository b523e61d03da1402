#!/usr/bin/env python3
"""Sends hostile bytes through every parameter of every documented API operation.

For each operation of /api/openapi.json, each path parameter, each query
parameter and each string property of a JSON request body in turn holds one
hostile value (NUL, C0 and C1 controls, invalid UTF-8, a lone surrogate,
bidirectional overrides, a zero-width space, a 100,000-character string) while
every other parameter holds a real, working value (workspace `acme`, an AI
system created for the sweep, a sacrificial token and member...), so requests
reach the handlers and the database rather than stopping at routing.

Every answer must not be a 5xx, and every 4xx from /api/ must be
application/problem+json. The one exception: a 100,000-character path or query
exceeds hyper's URI limit and gets hyper's own bodyless 414 before aims sees
the request, so paths and queries also get a 60,000-character value that does
reach aims. Deterministic: no randomness, same requests each run.

Destructive operations aim at sacrificial records (a token and a member made
for the sweep, never the caller's own credentials); a fixture a successful
DELETE removed is made again. Exits 1 listing the failures, also when the
server stops answering /healthz or the credentials stop working.

Usage: hostile-sweep.py --base-url http://127.0.0.1:PORT --label token \
           (--token SECRET | --cookie 'aims_session=…' --csrf TOKEN) \
           [--workspace acme] [--victim-email someone@example.org]
Python 3 standard library only.
"""

import argparse
import http.client
import json
import sys
import time
import urllib.parse

LONG = 100_000

# (name, text). The text is used as-is in JSON string values and UTF-8
# percent-encoded in paths and queries. Values are wrapped in ordinary letters
# so that "must not be empty" style checks pass and the handlers go deeper.
TEXT_VALUES = [
    ("nul", "ab\x00cd"),
    ("nul_alone", "\x00"),
    ("c0_soh", "ab\x01cd"),
    ("c0_esc", "ab\x1b[2Jcd"),
    ("c1_nel", "ab\u0085cd"),
    ("c1_csi", "ab\u009bcd"),
    ("bidi_rlo", "ab\u202ecd"),
    ("bidi_lri", "ab\u2066cd\u2069"),
    ("zero_width", "ab\u200bcd"),
    ("long_100k", "a" * LONG),
]
# Paths and queries also get a long value that fits hyper's URI limit (65,534
# bytes): the 100,000-character one is answered 414 by hyper itself, with no
# body, before the application sees it; that answer is allowed (and counted).
URL_EXTRA_VALUES = [("long_60k", "a" * 60_000)]
HYPER_URI_LIMIT_VALUES = {"long_100k"}
# Raw percent-encoded forms for paths and queries (not valid UTF-8 once decoded).
URL_RAW_VALUES = [
    ("invalid_utf8", "ab%FF%FEcd"),
    ("utf8_surrogate", "ab%ED%A0%80cd"),  # a UTF-16 surrogate encoded as UTF-8: invalid
    ("overlong_nul", "ab%C0%80cd"),  # overlong encoding of NUL: invalid
]
# Raw JSON tokens (bytes) placed where a string value goes.
JSON_RAW_VALUES = [
    ("invalid_utf8", b'"ab\xff\xfecd"'),
    ("lone_surrogate", b'"ab\\ud800cd"'),
    ("lone_low_surrogate", b'"ab\\udc00cd"'),
]

PROBLEM = "application/problem+json"


class Client:
    def __init__(self, base_url, headers, timeout):
        u = urllib.parse.urlsplit(base_url)
        self.host = u.hostname
        self.port = u.port or 80
        self.headers = headers
        self.timeout = timeout
        self.conn = None

    def request(self, method, target, body=None, content_type=None, extra=None):
        """Returns (status, headers dict lower-cased, body bytes); raises OSError etc."""
        headers = dict(self.headers)
        if extra:
            headers.update(extra)
        if body is not None:
            headers["Content-Type"] = content_type or "application/json"
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, target, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                hdrs = {k.lower(): v for k, v in resp.getheaders()}
                if resp.will_close:
                    self.close()
                return resp.status, hdrs, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A kept-alive connection the server closed between requests: retry once fresh.
                self.close()
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def json(self, method, target, payload=None):
        body = None if payload is None else json.dumps(payload).encode()
        status, _, data = self.request(method, target, body)
        try:
            return status, json.loads(data) if data else None
        except ValueError:
            return status, None


def resolve(spec, schema, depth=0):
    """Follows $ref (and a single-element allOf/oneOf) into components."""
    while isinstance(schema, dict) and depth < 20:
        depth += 1
        if "$ref" in schema:
            ref = schema["$ref"]
            node = spec
            for part in ref.lstrip("#/").split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            schema = node
            continue
        for key in ("allOf", "oneOf", "anyOf"):
            subs = schema.get(key)
            if subs:
                non_null = [s for s in subs if resolve(spec, s, depth).get("type") != "null"]
                merged = {}
                for s in (non_null if key != "allOf" else subs)[: None if key == "allOf" else 1]:
                    r = resolve(spec, s, depth)
                    for k, v in r.items():
                        if k == "properties":
                            merged.setdefault("properties", {}).update(v)
                        elif k == "required":
                            merged.setdefault("required", []).extend(v)
                        else:
                            merged.setdefault(k, v)
                schema = merged
                break
        else:
            return schema
    return schema if isinstance(schema, dict) else {}


def schema_types(schema):
    t = schema.get("type")
    if isinstance(t, list):
        return [x for x in t if x != "null"]
    return [t] if t else []


class Sweep:
    def __init__(self, args):
        headers = {"Accept": "application/json", "Connection": "keep-alive"}
        if args.token:
            headers["Authorization"] = f"Bearer {args.token}"
        if args.cookie:
            headers["Cookie"] = args.cookie
        if args.csrf:
            headers["X-CSRF-Token"] = args.csrf
        self.client = Client(args.base_url, headers, args.timeout)
        self.health = Client(args.base_url, {}, 10)
        self.args = args
        self.ws = args.workspace
        self.sent = 0
        self.failures = []
        self.skipped = []
        self.counter = 0
        self.fixtures = {}
        self.statuses = {}
        self.accepted = {}
        self.uri_too_long = 0

    # ---- fixtures: real records so that requests reach deep handlers ----

    def setup(self):
        ws = urllib.parse.quote(self.ws, safe="")
        st, me = self.client.json("GET", "/api/v1/me")
        if st != 200:
            sys.exit(f"hostile-sweep: GET /api/v1/me answered {st}; the credentials do not work")
        self.me = me
        st, sysrec = self.client.json(
            "POST", f"/api/v1/workspaces/{ws}/systems",
            {"name": "Hostile sweep fixture", "purpose": "A real record for the hostile-byte sweep."},
        )
        if st != 201:
            sys.exit(f"hostile-sweep: creating the fixture AI system answered {st}: {sysrec}")
        self.fixtures["system"] = sysrec["id"]
        # A sacrificial token: the sweep may DELETE it, never the one it authenticates with.
        st, tok = self.client.json(
            "POST", f"/api/v1/workspaces/{ws}/tokens", {"name": "hostile sweep victim", "role": "auditor"}
        )
        self.fixtures["token"] = tok["id"] if st == 201 else "0" * 26
        # A webhook, switched off so nothing is sent (signed-in managers only:
        # with an API token this is refused and an unknown id stands in).
        st, hook = self.client.json(
            "POST", f"/api/v1/workspaces/{ws}/webhooks",
            {"url": "https://hooks.example.org/sweep", "enabled": False},
        )
        self.fixtures["webhook"] = hook["id"] if st == 201 else "0" * 26
        victim = "0" * 26
        if self.args.victim_email:
            st, members = self.client.json("GET", f"/api/v1/workspaces/{ws}/members")
            for m in (members or {}).get("items", []) if st == 200 else []:
                if m.get("email") == self.args.victim_email:
                    victim = m["user_id"]
        self.fixtures["member"] = victim
        fw, item = "iso42001", "A.6.2.6"
        st, fws = self.client.json("GET", "/api/v1/catalog/frameworks")
        if st == 200 and fws and fws.get("items"):
            fw = fws["items"][0]["id"]
            st, detail = self.client.json("GET", f"/api/v1/catalog/frameworks/{urllib.parse.quote(fw, safe='')}")
            if st == 200 and detail and detail.get("items"):
                item = detail["items"][0]["id"]
        self.fixtures["framework"] = fw
        self.fixtures["item"] = item

    def path_value(self, path, name):
        if name == "workspace":
            return self.ws
        if name in ("framework", "item"):
            return self.fixtures[name]
        if name == "id":
            if "/systems/" in path:
                return self.fixtures["system"]
            if "/tokens/" in path:
                return self.fixtures["token"]
            if "/webhooks/" in path:
                return self.fixtures["webhook"]
            if "/members/" in path:
                return self.fixtures["member"]
        return "sweep"

    def plausible(self, name, schema, path):
        """A working value for a body property that is not the one under test."""
        schema = resolve(self.spec, schema)
        if "enum" in schema and schema["enum"]:
            return schema["enum"][0]
        if "default" in schema and schema["default"] is not None:
            return schema["default"]
        types = schema_types(schema)
        if "integer" in types or "number" in types:
            if name == "version" and "/systems/" in path:
                return self.current_version()
            return max(1, int(schema.get("minimum", 1)))
        if "boolean" in types:
            return False
        if "array" in types:
            return []
        if "object" in types:
            return {}
        self.counter += 1
        n = self.counter
        if name == "email" or schema.get("format") == "email":
            return self.args.victim_email or "nobody@example.org"
        if name == "role":
            return "auditor"
        if name == "slug":
            return f"sweep-{n}"
        if name == "name":
            return f"Sweep {n}"
        return f"sweep value {n}"

    def current_version(self):
        ws = urllib.parse.quote(self.ws, safe="")
        st, rec = self.client.json("GET", f"/api/v1/workspaces/{ws}/systems/{self.fixtures['system']}")
        return rec["version"] if st == 200 and rec else 1

    def refresh_after(self, method, status):
        """A successful DELETE may have removed a fixture: make a new one."""
        if method == "DELETE" and 200 <= status < 300:
            self.setup()

    # ---- one request ----

    def send(self, op, param, value_name, method, target, body=None, content_type=None):
        self.sent += 1
        try:
            status, hdrs, data = self.client.request(method, target, body, content_type)
        except (OSError, http.client.HTTPException) as e:
            self.client.close()
            self.failures.append((method, op, param, value_name, f"no answer ({type(e).__name__}: {e})", ""))
            if not self.alive():
                self.report()
                sys.exit(f"hostile-sweep: the server stopped answering /healthz after {method} {op} [{param}={value_name}]")
            return None
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status == 414 and not data and value_name in HYPER_URI_LIMIT_VALUES and not param.startswith("body."):
            self.uri_too_long += 1
            return status
        if 200 <= status < 300:
            self.accepted.setdefault((op, method, param), []).append(value_name)
        ctype = hdrs.get("content-type", "").split(";")[0].strip().lower()
        problems = []
        if status >= 500:
            problems.append(f"{status}")
        if status >= 400 and target.startswith("/api/") and ctype != PROBLEM:
            problems.append(f"{status} with Content-Type {ctype or '(none)'}")
        if problems:
            snippet = data[:160].decode("utf-8", "replace").replace("\n", " ") if data else ""
            self.failures.append((method, op, param, value_name, "; ".join(problems), snippet))
        self.refresh_after(method, status)
        return status

    def alive(self):
        for _ in range(20):
            try:
                st, _, _ = self.health.request("GET", "/healthz")
                self.health.close()
                if st == 200:
                    return True
            except (OSError, http.client.HTTPException):
                self.health.close()
            time.sleep(0.25)
        return False

    # ---- the sweep ----

    def run(self):
        st, hdrs, data = self.client.request("GET", "/api/openapi.json")
        if st != 200:
            sys.exit(f"hostile-sweep: GET /api/openapi.json answered {st}")
        self.spec = json.loads(data)
        self.setup()
        started = time.monotonic()
        for path, item in sorted(self.spec.get("paths", {}).items()):
            common = item.get("parameters", [])
            for method in ("get", "put", "post", "delete", "patch"):
                if method not in item:
                    continue
                self.operation(path, method.upper(), item[method], common)
        self.elapsed = time.monotonic() - started
        alive = self.alive()
        still_in = self.client.json("GET", "/api/v1/me")[0] if alive else None
        self.report()
        if not alive:
            print("hostile-sweep: FAIL: /healthz does not answer 200 after the sweep")
            return 1
        if still_in != 200:
            print(f"hostile-sweep: FAIL: the credentials no longer work after the sweep (GET /api/v1/me -> {still_in})")
            return 1
        return 1 if self.failures else 0

    def operation(self, path, method, op, common):
        params = [resolve(self.spec, p) for p in common + op.get("parameters", [])]
        path_params = [p for p in params if p.get("in") == "path"]
        query_params = [p for p in params if p.get("in") == "query"]
        required_query = [p for p in query_params if p.get("required")]
        body_schema, body_ct = None, None
        rb = resolve(self.spec, op.get("requestBody", {})) if op.get("requestBody") else None
        if rb:
            content = rb.get("content", {})
            if "application/json" in content:
                body_ct = "application/json"
                body_schema = resolve(self.spec, content["application/json"].get("schema", {}))
            else:
                body_ct = next(iter(content), None)
        is_import = path == "/api/v1/catalog/imports"

        def real_path(override=None, encoded=None):
            out = path
            for p in path_params:
                name = p["name"]
                if override == name:
                    val = encoded
                else:
                    val = urllib.parse.quote(self.path_value(path, name), safe="")
                out = out.replace("{" + name + "}", val)
            return out

        def base_query(skip=None):
            parts = []
            for p in required_query:
                if p["name"] != skip:
                    parts.append(f"{urllib.parse.quote(p['name'], safe='')}=sweep")
            return parts

        def default_body():
            if is_import:
                # A small valid OSCAL catalog, so the query parameter reaches the importer.
                doc = {"catalog": {"metadata": {"title": "Hostile sweep catalog"},
                                   "controls": [{"id": "hs-1", "title": "Sweep control"}]}}
                return json.dumps(doc).encode(), "application/json"
            if body_schema is not None:
                return json.dumps(self.fill_body(body_schema, path)).encode(), body_ct
            if rb:
                return b"", body_ct
            return None, None

        url_values = [
            (n, urllib.parse.quote(v.encode("utf-8"), safe="")) for n, v in TEXT_VALUES + URL_EXTRA_VALUES
        ] + URL_RAW_VALUES

        # Path parameters (including the workspace slug position).
        for p in path_params:
            for vname, enc in url_values:
                target = real_path(p["name"], enc)
                q = base_query()
                if q:
                    target += "?" + "&".join(q)
                body, ct = default_body()
                self.send(path, f"path.{p['name']}", vname, method, target, body, ct)

        # Query parameters.
        for p in query_params:
            for vname, enc in url_values:
                q = base_query(skip=p["name"]) + [f"{urllib.parse.quote(p['name'], safe='')}={enc}"]
                target = real_path() + "?" + "&".join(q)
                body, ct = default_body()
                self.send(path, f"query.{p['name']}", vname, method, target, body, ct)

        # String properties of a JSON body (catalogue imports take files: not swept here).
        if body_schema is None or is_import:
            return
        q = base_query()
        target = real_path() + ("?" + "&".join(q) if q else "")
        for prop_path in self.string_props(body_schema):
            label = "body." + ".".join(prop_path)
            for vname, text in TEXT_VALUES:
                body = self.fill_body(body_schema, path)
                set_at(body, prop_path, text)
                self.send(path, label, vname, method, target, json.dumps(body).encode(), body_ct)
            for vname, raw in JSON_RAW_VALUES:
                marker = f"__hostile_sweep_marker_{self.counter}__"
                body = self.fill_body(body_schema, path)
                set_at(body, prop_path, marker)
                encoded = json.dumps(body).encode().replace(json.dumps(marker).encode(), raw)
                self.send(path, label, vname, method, target, encoded, body_ct)

    def fill_body(self, schema, path):
        schema = resolve(self.spec, schema)
        out = {}
        for name, prop in schema.get("properties", {}).items():
            sub = resolve(self.spec, prop)
            if "object" in schema_types(sub) and sub.get("properties"):
                out[name] = self.fill_body(sub, path)
            else:
                out[name] = self.plausible(name, sub, path)
        return out

    def string_props(self, schema, prefix=()):
        schema = resolve(self.spec, schema)
        found = []
        for name, prop in schema.get("properties", {}).items():
            sub = resolve(self.spec, prop)
            types = schema_types(sub)
            if "string" in types:
                found.append(prefix + (name,))
            elif "object" in types and sub.get("properties"):
                found.extend(self.string_props(sub, prefix + (name,)))
        return found

    def report(self):
        label = self.args.label
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items()))
        elapsed = getattr(self, "elapsed", 0.0)
        print(f"hostile-sweep [{label}]: {self.sent} requests in {elapsed:.1f}s; statuses {statuses}")
        if self.uri_too_long:
            print(f"hostile-sweep [{label}]: {self.uri_too_long} requests with a 100,000-character path or query "
                  "got hyper's bodyless 414 (allowed: the application never sees them)")
        if self.args.show_accepted and self.accepted:
            print(f"hostile-sweep [{label}]: hostile values accepted with 2xx (information, not failures):")
            for (op, method, param), names in self.accepted.items():
                print(f"  {method} {op}  {param}={','.join(names)}")
        if not self.failures:
            print(f"hostile-sweep [{label}]: no failures")
            return
        # One line per operation, parameter and kind of failure, naming the values.
        groups = {}
        for method, op, param, vname, what, snippet in self.failures:
            g = groups.setdefault((op, method, param, what), {"values": [], "body": snippet})
            g["values"].append(vname)
        print(f"hostile-sweep [{label}]: {len(self.failures)} FAILURES (method path parameter=values -> answer):")
        for (op, method, param, what), g in groups.items():
            print(f"  {method} {op}  {param}={','.join(g['values'])}  -> {what}")
            if g["body"]:
                print(f"      body: {g['body']}")


def set_at(obj, path, value):
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = value


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--label", default="sweep")
    ap.add_argument("--token")
    ap.add_argument("--cookie", help="e.g. aims_session=…")
    ap.add_argument("--csrf", help="the session's CSRF token, sent as X-CSRF-Token")
    ap.add_argument("--workspace", default="acme")
    ap.add_argument("--victim-email", help="a member of the workspace the sweep may remove")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--show-accepted", action="store_true", help="also list hostile values answered 2xx")
    args = ap.parse_args()
    if not args.token and not args.cookie:
        ap.error("give --token or --cookie")
    sys.exit(Sweep(args).run())


if __name__ == "__main__":
    main()
