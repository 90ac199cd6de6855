#!/usr/bin/env python3
"""Runs seller_tool.py against a live demo server (`handoff-api serve --demo`), as CI does.

    python3 examples/python/check.py http://127.0.0.1:8080

1. Sam (a demo seller) makes an API token; the tool starts with it and waits.
2. Pat (the demo marketer) sends Sam a full-marks handoff: the tool accepts it and stops.
3. While the tool is stopped, Pat sends Sam a handoff with five WEAK components: started again, the
   tool resumes after its cursor, asks for clarification on that one, and does not answer the
   first again.
4. Started with its cursor set back (as after a crash between an answer and the cursor's write),
   the tool does not answer the second handoff twice.
5. Sam's token is revoked: the tool, started again, is refused and exits 1.
"""

import json
import os
import select
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PASSWORD = "demo-password-not-secret"
COMPONENTS = ["TARGET_ACCOUNT_LOGIC", "PARTNER_CONTEXT", "RELATIONSHIP_PATH", "BUYER_PROBLEM", "PARTNER_OFFER",
              "NEXT_ACTION", "OWNER", "ACCEPTANCE_CRITERIA", "PROOF"]


def post(base, query, variables=None, token=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(f"{base}/graphql", data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    if answer.get("errors"):
        raise RuntimeError(f"{query.split('{')[0].strip()}: {answer['errors']}")
    return answer["data"]


def login(base, email):
    query = "mutation($i: LoginInput!) { login(input: $i) { token viewer { id } } }"
    data = post(base, query, {"i": {"email": email, "password": PASSWORD}})["login"]
    return data["token"], data["viewer"]["id"]


def land(base, marketer, marketer_id, org, seller_id, title, weak):
    """Creates, grades (`weak` components WEAK, the rest STRONG) and sends a handoff to the seller."""
    packet = {"organizationId": org["id"], "accountId": org["account"], "partnerId": org["partner"],
              "sellerId": seller_id, "title": title, "ownerId": marketer_id,
              "nextAction": "Book the call this week", "responseWindowDays": 3,
              "acceptanceDefinition": "The seller books the call"}
    query = "mutation($i: CreateHandoffInput!) { createHandoff(input: $i) { handoff { id } } }"
    handoff = post(base, query, {"i": packet}, marketer)["createHandoff"]["handoff"]["id"]
    grades = [{"component": c, "grade": "WEAK" if n < weak else "STRONG"} for n, c in enumerate(COMPONENTS)]
    query = "mutation($i: GradeHandoffInput!) { gradeHandoff(input: $i) { handoff { band } } }"
    post(base, query, {"i": {"handoffId": handoff, "grades": grades}}, marketer)
    query = "mutation($i: SendHandoffInput!) { sendHandoff(input: $i) { handoff { status } } }"
    post(base, query, {"i": {"handoffId": handoff}}, marketer)
    return handoff


def answers(base, token, handoff):
    query = "query($id: ID!) { node(id: $id) { ... on Handoff { status responses { decision } } } }"
    return post(base, query, {"id": handoff}, token)["node"]


def start_tool(base, token, org_id, cursor_file):
    env = {**os.environ, "HANDOFF_API_TOKEN": token, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, os.path.join(HERE, "seller_tool.py"), "--url", base, "--organization", org_id,
               "--cursor-file", cursor_file, "--limit", "1"]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for_line(tool, text, seconds=30):
    deadline = time.time() + seconds
    seen = []
    while time.time() < deadline:
        ready, _, _ = select.select([tool.stdout], [], [], max(deadline - time.time(), 0))
        line = tool.stdout.readline() if ready else ""
        if not line:
            break
        seen.append(line)
        if text in line:
            return seen
    tool.kill()
    raise RuntimeError(f"the tool did not print {text!r} in {seconds} s; it printed: {''.join(seen)}")


def finish(tool, seconds=30):
    try:
        output, _ = tool.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        tool.kill()
        raise RuntimeError("the tool did not stop after its answer")
    return tool.returncode, output


def main(base):
    marketer, marketer_id = login(base, "marketer@demo.example")
    sam, sam_id = login(base, "sam@demo.example")
    query = """{ organization(slug: "demo") { id accounts(first: 1) { nodes { id } }
                 partners(first: 1) { nodes { id } } } }"""
    found = post(base, query, token=marketer)["organization"]
    org = {"id": found["id"], "account": found["accounts"]["nodes"][0]["id"],
           "partner": found["partners"]["nodes"][0]["id"]}
    query = """mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id } } }"""
    made = post(base, query, {"i": {"organizationId": org["id"], "name": "seller tool check", "role": "SELLER"}},
                sam)["createApiToken"]
    cursor_file = os.path.join(tempfile.mkdtemp(prefix="seller-tool-"), "cursor")

    # 1–2: live.
    tool = start_tool(base, made["token"], org["id"], cursor_file)
    wait_for_line(tool, "waiting for handoffs")
    first = land(base, marketer, marketer_id, org, sam_id, "Seller tool check: full marks", weak=0)
    code, output = finish(tool)
    assert code == 0 and "ACCEPT: Seller tool check: full marks" in output, output
    assert answers(base, sam, first) == {"status": "ACCEPTED", "responses": [{"decision": "ACCEPT"}]}
    assert os.path.exists(cursor_file), "no cursor was kept"

    with open(cursor_file) as f, open(cursor_file + ".before-second", "w") as kept:
        kept.write(f.read())

    # 3: landed while the tool was stopped; picked up after the cursor, the first not answered again.
    second = land(base, marketer, marketer_id, org, sam_id, "Seller tool check: five weak", weak=5)
    code, output = finish(start_tool(base, made["token"], org["id"], cursor_file))
    assert code == 0 and "REQUEST_CLARIFICATION: Seller tool check: five weak" in output, output
    assert "full marks" not in output, output
    assert answers(base, sam, second) == {"status": "SENT", "responses": [{"decision": "REQUEST_CLARIFICATION"}]}

    # 4: the cursor set back before the second handoff: it has an answer, and gets no other.
    os.replace(cursor_file + ".before-second", cursor_file)
    tool = start_tool(base, made["token"], org["id"], cursor_file)
    wait_for_line(tool, "waiting for handoffs")
    time.sleep(3)
    tool.terminate()
    output = tool.communicate(timeout=10)[0]
    assert "five weak" not in output, output
    assert answers(base, sam, second)["responses"] == [{"decision": "REQUEST_CLARIFICATION"}]

    # 5: a revoked token is refused, and the tool says so instead of retrying for ever.
    query = "mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { apiToken { id } } }"
    post(base, query, {"i": {"id": made["apiToken"]["id"]}}, sam)
    code, output = finish(start_tool(base, made["token"], org["id"], cursor_file))
    assert code == 1 and "revoked" in output, output
    print("examples/python: the seller tool accepted live, resumed after its cursor, and stopped on a revoked token")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8080")
