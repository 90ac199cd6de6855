#!/usr/bin/env python3
"""Runs every code example in README.md and docs/*.md against a live server, and checks that the
docs' tables of error codes and WebSocket close codes name exactly what the server's source uses.

Usage: docs-examples.py BASE_URL NODE_DIR
  BASE_URL  a server started with --demo and WEBHOOK_ALLOWED_NETWORKS=127.0.0.1/32
  NODE_DIR  a directory whose node_modules holds graphql-ws and ws (Node examples run from there)

What "runs" means per language:
  graphql  executed as the demo ADMIN ("…" stands for the demo organization's ID, and
           https://tools.example.com/… for a local receiver); any error fails
  js       run with node; it must print the event the checker then causes, and print (not crash on)
           an error payload
  python   executed; a `verify` function must accept a real webhook delivery and refuse a forged one
  json     parsed; a webhook body must have the keys of a real delivery, an error the keys of a real
           refusal of the same code, a connection_init the shape the server accepts
  sh       README's build and test commands are what CI itself runs; any in docs/ is run with bash
  (none)   plain text (diagrams, trees); not run
"""

import base64
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "demo-password-not-secret"
EXAMPLE_RECEIVER = "https://tools.example.com/"
FENCE = re.compile(r"^```([A-Za-z0-9_-]*)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)

failures = []


def fail(where, message):
    failures.append(f"{where}: {message}")
    print(f"FAIL {where}: {message}", file=sys.stderr)


def blocks():
    files = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
    for path in files:
        text = path.read_text()
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            yield f"{path.relative_to(ROOT)}:{line}", match.group(1), match.group(2)


class Api:
    def __init__(self, base):
        self.base = base.rstrip("/")

    def post(self, query, variables=None, token=None):
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(f"{self.base}/graphql", data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            return json.loads(error.read())

    def ok(self, query, variables=None, token=None):
        answer = self.post(query, variables, token)
        if answer.get("errors"):
            raise RuntimeError(f"{query[:60]}…: {answer['errors']}")
        return answer["data"]

    def login(self, email):
        query = "mutation($i: LoginInput!) { login(input: $i) { token viewer { id } } }"
        data = self.ok(query, {"i": {"email": email, "password": DEMO_PASSWORD}})["login"]
        return data["token"], data["viewer"]["id"]


class Receiver(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.seen.append((self.headers, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class Demo:
    """The demo organization, and ways to make events happen in it."""

    def __init__(self, api):
        self.api = api
        self.admin, _ = api.login("admin@demo.example")
        self.marketer, self.marketer_id = api.login("marketer@demo.example")
        query = """{ organization(slug: "demo") { id accounts(first: 1) { edges { node { id } } }
                     partners(first: 1) { edges { node { id } } } } }"""
        org = api.ok(query, token=self.admin)["organization"]
        self.org_id = org["id"]
        self.account_id = org["accounts"]["edges"][0]["node"]["id"]
        self.partner_id = org["partners"]["edges"][0]["node"]["id"]

    def new_handoff(self, title):
        query = "mutation($i: CreateHandoffInput!) { createHandoff(input: $i) { handoff { id } } }"
        packet = {
            "organizationId": self.org_id, "accountId": self.account_id, "partnerId": self.partner_id,
            "title": title, "ownerId": self.marketer_id, "nextAction": "Book the call this week",
            "responseWindowDays": 3, "acceptanceDefinition": "The seller books the call",
        }
        return self.api.ok(query, {"i": packet}, self.marketer)["createHandoff"]["handoff"]["id"]

    def send(self, handoff_id):
        query = "mutation($i: SendHandoffInput!) { sendHandoff(input: $i) { handoff { status } } }"
        return self.api.post(query, {"i": {"handoffId": handoff_id}}, self.marketer)

    def land_one(self, title):
        handoff_id = self.new_handoff(title)
        components = ["TARGET_ACCOUNT_LOGIC", "PARTNER_CONTEXT", "RELATIONSHIP_PATH", "BUYER_PROBLEM",
                      "PARTNER_OFFER", "NEXT_ACTION", "OWNER", "ACCEPTANCE_CRITERIA", "PROOF"]
        grades = [{"component": c, "grade": "STRONG"} for c in components]
        query = "mutation($i: GradeHandoffInput!) { gradeHandoff(input: $i) { handoff { score } } }"
        self.api.ok(query, {"i": {"handoffId": handoff_id, "grades": grades}}, self.marketer)
        sent = self.send(handoff_id)
        if sent.get("errors"):
            raise RuntimeError(f"sending a full-marks handoff failed: {sent['errors']}")


def run_graphql(where, text, demo, receiver_url, created):
    document = text.replace('"…"', json.dumps(demo.org_id)).replace(EXAMPLE_RECEIVER, receiver_url)
    answer = demo.api.post(document, token=demo.admin)
    if answer.get("errors"):
        fail(where, f"the example answered errors: {answer['errors']}")
        return
    endpoint = (answer.get("data") or {}).get("createWebhookEndpoint")
    if endpoint:
        created["webhook_secret"] = endpoint["secret"]
    print(f"ok   {where}: graphql")


def keys_missing(example, real, path=""):
    """Keys the example shows that the real value lacks (recursively through objects and lists)."""
    missing = []
    if isinstance(example, dict) and isinstance(real, dict):
        for key, value in example.items():
            if key not in real:
                missing.append(f"{path}{key}")
            else:
                missing += keys_missing(value, real[key], f"{path}{key}.")
    elif isinstance(example, list) and isinstance(real, list) and example and real:
        merged = {}
        for item in real:
            if isinstance(item, dict):
                merged.update(item)
        for item in example:
            missing += keys_missing(item, merged if merged else real[0], f"{path}[].")
    return missing


def check_json(where, text, demo, delivery):
    try:
        example = json.loads(text)
    except json.JSONDecodeError as error:
        fail(where, f"not JSON: {error}")
        return
    if example.get("type") == "connection_init":
        payload = example.get("payload", {})
        if not any(k in payload for k in ("authorization", "Authorization", "headers")):
            fail(where, "connection_init payload carries none of the shapes the server accepts")
        real = None
    elif "occurredAt" in example:
        real = delivery
    elif "extensions" in example:
        code = example["extensions"].get("code")
        real = refusal(demo, code)
        if real is None:
            fail(where, f"no way to cause a real {code} refusal to compare with")
            return
    else:
        fail(where, "a JSON example of a kind this checker does not know")
        return
    if real is not None:
        missing = keys_missing(example, real)
        if missing:
            fail(where, f"keys the server does not send: {missing}")
            return
    print(f"ok   {where}: json")


def refusal(demo, code):
    if code == "SEND_BLOCKED":
        answer = demo.send(demo.new_handoff("Docs example: blocked"))
        errors = answer.get("errors") or [{}]
        return errors[0] if errors[0].get("extensions", {}).get("code") == code else None
    return None


def check_python(where, text, delivery_headers, delivery_body, secret):
    namespace = {}
    exec(compile(text, where, "exec"), namespace)
    verify = namespace.get("verify")
    if verify is None:
        fail(where, "defines no `verify` to check against a real delivery")
        return
    if not verify(secret, delivery_headers, delivery_body):
        fail(where, "`verify` refuses a real delivery")
        return
    if verify(secret, delivery_headers, delivery_body + b" "):
        fail(where, "`verify` accepts a forged body")
        return
    print(f"ok   {where}: python")


def check_js(where, text, demo, node_dir, base):
    script = Path(node_dir) / f"docs-example-{abs(hash(where))}.mjs"
    script.write_text(text)
    ws_url = base.replace("http://", "ws://").rstrip("/") + "/graphql"
    env = dict(os.environ, HANDOFF_WS_URL=ws_url, HANDOFF_TOKEN=demo.admin, HANDOFF_ORGANIZATION_ID=demo.org_id)
    node = subprocess.Popen(["node", str(script)], cwd=node_dir, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(node.stdout), daemon=True)
    reader.start()
    seen = False
    for attempt in range(3):
        time.sleep(2)
        demo.land_one(f"Docs example: Node subscriber {attempt}")
        deadline = time.time() + 10
        while time.time() < deadline and not any("LANDED" in line for line in lines):
            time.sleep(0.2)
        if any("LANDED" in line for line in lines):
            seen = True
            break
    node.kill()
    _, stderr = node.communicate()
    if not seen:
        fail(where, f"printed no LANDED event; stdout {lines!r}, stderr {stderr[-2000:]!r}")
        return
    # An error payload (here: an organization the caller cannot see) is printed, not a crash.
    env["HANDOFF_ORGANIZATION_ID"] = foreign_id(demo.org_id)
    node = subprocess.Popen(["node", str(script)], cwd=node_dir, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        _, stderr = node.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        node.kill()
        _, stderr = node.communicate()
    if "TypeError" in stderr or "NOT_FOUND" not in stderr:
        fail(where, f"an error payload is not printed as an error: {stderr[-2000:]!r}")
        return
    print(f"ok   {where}: js (Node {subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()})")


def foreign_id(organization_id):
    """An organization ID of the same kind that names no organization the caller is in."""
    padded = organization_id + "=" * (-len(organization_id) % 4)
    tag = base64.urlsafe_b64decode(padded).decode().split(":")[0]
    raw = f"{tag}:00000000-0000-7000-8000-000000000000".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def check_tables():
    """Error codes in docs/api.md and close codes in docs/realtime.md against the server's source."""
    source = "\n".join(p.read_text() for p in (ROOT / "api" / "src").rglob("*.rs"))
    error_rs = (ROOT / "api" / "src" / "error.rs").read_text()
    code_fn = error_rs[error_rs.index("pub fn code(&self)"):]
    code_fn = code_fn[:code_fn.index("\n    }\n")]
    server = set(re.findall(r'=> "([A-Z][A-Z_]+)"', code_fn))
    server |= set(re.findall(r'set\("code",\s*"([A-Z][A-Z_]+)"\)', source))
    server |= set(re.findall(r'with_code\([^;]*?"([A-Z][A-Z_]+)"\)', source))
    server |= set(re.findall(r'refuse(?:_with)?\(\s*[^;"]*?,\s*"([A-Z][A-Z_]+)"', source))
    api_md = (ROOT / "docs" / "api.md").read_text()
    documented = set()
    for row in re.findall(r"^\| (`[A-Z][^|]*)\|", api_md, re.M):
        documented |= set(re.findall(r"`([A-Z][A-Z_]+)`", row))
    if server - documented:
        fail("docs/api.md", f"error codes the server uses but the table leaves out: {sorted(server - documented)}")
    if documented - server:
        fail("docs/api.md", f"error codes the table lists but the server never uses: {sorted(documented - server)}")
    websocket = (ROOT / "api" / "src" / "http" / "websocket.rs").read_text()
    # `close(&mut sink, CODE…)` (or `close::<()>(…)`), and the (code, reason) pairs handed to it.
    closes = set(re.findall(r"close(?:::<\(\)>)?\(&mut sink, (\d{4})", websocket))
    closes |= set(re.findall(r"(?:Some|Err)\(\((\d{4}),", websocket))
    realtime = (ROOT / "docs" / "realtime.md").read_text()
    table = set(re.findall(r"^\| `(\d{4})` \|", realtime, re.M))
    if closes != table:
        fail("docs/realtime.md", f"close codes: server {sorted(closes)}, table {sorted(table)}")
    if not failures:
        print(f"ok   error codes ({len(server)}) and close codes ({len(closes)}) match the docs")


def main():
    base, node_dir = sys.argv[1], sys.argv[2]
    check_tables()
    api = Api(base)
    demo = Demo(api)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver_url = f"http://127.0.0.1:{server.server_address[1]}/"

    examples = list(blocks())
    created = {}
    for where, language, text in examples:
        if language == "graphql":
            run_graphql(where, text, demo, receiver_url, created)
    # A real delivery to compare the webhook examples with.
    delivery_headers = delivery_body = delivery = None
    if "webhook_secret" in created:
        demo.land_one("Docs example: webhook")
        deadline = time.time() + 60
        while time.time() < deadline and not Receiver.seen:
            time.sleep(0.2)
        if Receiver.seen:
            delivery_headers, delivery_body = Receiver.seen[0]
            delivery = json.loads(delivery_body)
    for where, language, text in examples:
        if language == "json":
            check_json(where, text, demo, delivery)
        elif language == "python":
            if delivery is None:
                fail(where, "no webhook delivery to verify (no example created an endpoint, or none arrived)")
            else:
                check_python(where, text, delivery_headers, delivery_body, created["webhook_secret"])
        elif language in ("js", "javascript", "mjs"):
            check_js(where, text, demo, node_dir, base)
        elif language in ("sh", "bash", "shell"):
            if where.startswith("README.md"):
                print(f"skip {where}: README's build, test and maintenance commands (CI runs the first two itself)")
            else:
                result = subprocess.run(["bash", "-euo", "pipefail", "-c", text], capture_output=True, text=True,
                                        env=dict(os.environ, HANDOFF_URL=base, HANDOFF_TOKEN=demo.admin))
                if result.returncode != 0:
                    fail(where, f"exit {result.returncode}: {result.stderr[-2000:]}")
        elif language == "graphql":
            pass
        elif language == "":
            print(f"skip {where}: plain text")
        else:
            fail(where, f"a `{language}` example this checker cannot run")
    server.shutdown()
    if failures:
        print(f"docs examples: {len(failures)} failed", file=sys.stderr)
        sys.exit(1)
    print(f"docs examples: {len(examples)} blocks checked")


if __name__ == "__main__":
    main()
