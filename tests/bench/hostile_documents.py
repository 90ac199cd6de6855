#!/usr/bin/env python3
"""Hostile-traffic benchmark: how long the server takes to refuse documents built to be expensive,
whether /healthz stays responsive meanwhile, and how much memory megabyte-sized login emails cost.

Starts the release binary on an embedded database in a temporary directory (build it first with
`cargo build --release -p handoff-api`), or measures a running server given with --url (memory is
then not measured). Prints medians and 99th percentiles; nothing here asserts, the figures are for
reading and comparing. Standard library only.

    python3 tests/bench/hostile_documents.py [--binary target/release/handoff-api] [--rounds 30]
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request


def post(url, document, variables=None, timeout=60):
    body = json.dumps({"query": document, "variables": variables or {}}).encode()
    request = urllib.request.Request(url, data=body, headers={"content-type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read()
    except urllib.error.HTTPError as error:
        payload = error.read()
    elapsed = time.perf_counter() - started
    return elapsed, json.loads(payload or b"{}")


def fragment_bomb(depth):
    lines = ["query { me { ...F0 } }"]
    lines += [f"fragment F{i} on Viewer {{ ...F{i + 1} ...F{i + 1} }}" for i in range(depth)]
    lines.append(f"fragment F{depth} on Viewer {{ id }}")
    return "\n".join(lines)


def documents(body_limit):
    """Each hostile shape, sized to stay just under the body limit where size is the attack."""
    room = body_limit - 200
    wide = "{ me { " + "id " * (room // 3) + "} }"
    aliases = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(room // 20)) + " }"
    fragments = "query { me { ...F0 } }\n" + "\n".join(
        f"fragment F{i} on Viewer {{ id ...F{i + 1} }}" for i in range(room // 48)
    ) + f"\nfragment F{room // 48} on Viewer {{ id }}"
    nested = "{ me { " + "memberships { organization { " * 200 + "id" + " } }" * 200 + " } }"
    directives = "{ me { id " + "@include(if: true) " * (room // 20) + "} }"
    operations = "\n".join(f"query Q{i} {{ me {{ id }} }}" for i in range(room // 32))
    long_string = '{ organization(slug: "' + "x" * (room - 60) + '") { id } }'
    return {
        "fragment bomb, depth 30 (2^30 fields)": fragment_bomb(30),
        "fragment bomb, depth 60": fragment_bomb(60),
        "one field repeated to fill 1 MB": wide,
        "aliases filling 1 MB": aliases,
        "a chain of fragments filling 1 MB": fragments,
        "nesting 400 levels deep": nested,
        "directives filling 1 MB": directives,
        "operations filling 1 MB": operations,
        "one string argument filling 1 MB": long_string,
        "one string variable filling 1 MB": ("query($s: String!) { organization(slug: $s) { id } }",
                                              {"s": "x" * (room - 100)}),
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not become ready")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def summary(samples):
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return f"median {statistics.median(ordered) * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms   max {ordered[-1] * 1000:7.1f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default="target/release/handoff-api")
    parser.add_argument("--url", help="a running server's base URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--body-limit", type=int, default=1024 * 1024)
    args = parser.parse_args()

    process = None
    workdir = tempfile.mkdtemp(prefix="hostile-bench-")
    if args.url:
        base = args.url.rstrip("/")
    else:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, DATABASE_URL=f"sqlite://{workdir}/bench.db", LISTEN_ADDR=f"127.0.0.1:{port}",
                   LOG_LEVEL="warn", LOGIN_FAILURES_PER_ADDRESS="100000")
        process = subprocess.Popen([args.binary, "serve"], env=env, stdout=subprocess.DEVNULL,
                                   stderr=open(os.path.join(workdir, "server.log"), "w"))
    try:
        wait_ready(base)
        url = base + "/graphql"
        print(f"server: {base}   rounds per document: {args.rounds}")
        print()
        print("Hostile documents (refused with an error code before execution, or answered when harmless):")
        worst = 0.0
        for name, document in documents(args.body_limit).items():
            document, variables = document if isinstance(document, tuple) else (document, None)
            samples, codes = [], set()
            for _ in range(args.rounds):
                elapsed, body = post(url, document, variables)
                samples.append(elapsed)
                errors = body.get("errors") or [{}]
                codes.add((errors[0].get("extensions") or {}).get("code", "ok"))
            worst = max(worst, statistics.median(samples))
            size = len(document) + len(json.dumps(variables or {}))
            print(f"  {name:<40} {size / 1024:7.0f} KiB   {summary(samples)}   {sorted(codes)}")
        print(f"  worst median: {worst * 1000:.1f} ms")

        print()
        print("/healthz while 8 clients send fragment bombs without pause:")
        stop = threading.Event()

        def bomb():
            while not stop.is_set():
                post(url, fragment_bomb(30))

        threads = [threading.Thread(target=bomb, daemon=True) for _ in range(8)]
        for thread in threads:
            thread.start()
        probes = []
        for _ in range(max(args.rounds, 50)):
            started = time.perf_counter()
            with urllib.request.urlopen(base + "/healthz", timeout=30) as response:
                response.read()
            probes.append(time.perf_counter() - started)
            time.sleep(0.02)
        stop.set()
        for thread in threads:
            thread.join()
        print(f"  /healthz {summary(probes)}")

        if process is not None:
            print()
            print("Memory after 100 anonymous logins with 0.9 MB emails:")
            before = rss_kib(process.pid)
            email = "a" * 900_000 + "@example.com"
            login = "mutation($i: LoginInput!) { login(input: $i) { token } }"
            codes = set()
            for _ in range(100):
                _, body = post(url, login, {"i": {"email": email, "password": "whatever it is"}})
                codes.add(body["errors"][0]["extensions"]["code"])
            after = rss_kib(process.pid)
            print(f"  RSS before {before / 1024:.1f} MiB, after {after / 1024:.1f} MiB "
                  f"(+{(after - before) / 1024:.1f} MiB); answers: {sorted(codes)}")
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
