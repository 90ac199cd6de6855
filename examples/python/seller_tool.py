#!/usr/bin/env python3
"""A seller's tool: answers the handoffs that land for the seller, as they land.

It subscribes to the organization's LANDED events with the seller's API token (graphql-transport-ws,
through the `gql` client), and answers each handoff addressed to the seller that has no answer yet:
ACCEPT when its band is SALES_READY (or a band given with --accept), REQUEST_CLARIFICATION naming
the weakest components otherwise. The answer is the seller's acknowledgement, recorded on the
handoff: ACCEPT closes it, a request for clarification leaves it open for the marketer to improve.

Each event's cursor is written to --cursor-file once the event is dealt with, and the subscription
resumes after it (`handoffEvents(after:)`), so a restart or a dropped connection loses no handoff.
On its first start the tool takes the newest cursor from `Organization.events` before subscribing,
so a handoff landing while it connects is not missed either. A handoff that already has an answer
(the tool stopped between answering and writing its cursor, or the seller answered elsewhere) is
left alone.

    pip install "gql[websockets]>=4,<5"
    HANDOFF_API_TOKEN=<token> python3 seller_tool.py --url http://127.0.0.1:8080 --organization <ID>

Exit status: 0 after --limit answers; 1 when the server refuses the token or the organization.
"""

import argparse
import asyncio
import os
import sys

from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportError, TransportQueryError
from gql.transport.websockets import WebsocketsTransport

HANDOFF = "handoff { id title status score band weakestComponents seller { id } responses { decision } }"
LANDED = f"""
subscription Landed($organizationId: ID!, $after: String) {{
  handoffEvents(organizationId: $organizationId, types: [LANDED], after: $after) {{ cursor {HANDOFF} }}
}}
"""
ME = "query Me { me { id name } }"
NEWEST = """
query Newest($organizationId: ID!, $after: String) {
  node(id: $organizationId) {
    ... on Organization { events(types: [LANDED], first: 100, after: $after) {
      pageInfo { hasNextPage endCursor } } }
  }
}
"""
RESPOND = """
mutation Respond($input: RespondToHandoffInput!) {
  respondToHandoff(input: $input) { handoff { id status } }
}
"""

# Close codes after which retrying cannot help: the credential is refused (4403) or the first
# message was wrong (4400). Others (1001 restart, 1013 unavailable, 4429 too many connections)
# are retried with a growing wait.
FATAL_CLOSE_CODES = {4400, 4403}
# An answer refused for one of these is final for that handoff (answered meanwhile, gone, or no
# longer the seller's): the tool moves on. Any other refusal is retried from the same cursor.
FINAL_FOR_THE_HANDOFF = {"CONFLICT", "NOT_FOUND", "FORBIDDEN"}
# A subscription ended with one of these is resumed from the cursor: the subscriber fell behind
# (CONFLICT), or the server was briefly unavailable.
RESUMABLE = {"CONFLICT", "UNAVAILABLE"}


class Fatal(Exception):
    pass


def code_of(error):
    return ((error.errors or [{}])[0].get("extensions") or {}).get("code")


def close_code(error):
    """The WebSocket close code behind a transport error, if any (gql chains the websockets one)."""
    while error is not None:
        received = getattr(error, "rcvd", None)
        if received is not None:
            return received.code
        error = error.__cause__ or error.__context__
    return None


def read_cursor(path):
    try:
        with open(path) as f:
            return f.read().strip() or None
    except FileNotFoundError:
        return None


def write_cursor(path, cursor):
    # Written whole, then renamed: a crash leaves the old cursor or the new one, never half.
    partial = path + ".partial"
    with open(partial, "w") as f:
        f.write(cursor)
    os.replace(partial, path)


def decide(handoff, accept_bands):
    """The answer: accept a good enough handoff, ask about the weakest parts of the rest."""
    if handoff["band"] in accept_bands:
        return {"decision": "ACCEPT", "reason": f"Band {handoff['band']}: taking it."}
    weakest = ", ".join(c.lower().replace("_", " ") for c in handoff["weakestComponents"]) or "the packet"
    return {"decision": "REQUEST_CLARIFICATION", "reason": f"Please strengthen {weakest} before I act on this."}


async def newest_cursor(session, organization):
    """The cursor of the organization's newest LANDED event (events are kept 7 days), or None."""
    cursor = None
    while True:
        answer = await session.execute(GraphQLRequest(NEWEST, variable_values={
            "organizationId": organization, "after": cursor}))
        if not answer["node"]:
            raise Fatal(f"no organization {organization} for this token")
        page = answer["node"]["events"]["pageInfo"]
        cursor = page["endCursor"] or cursor
        if not page["hasNextPage"]:
            return cursor


async def serve(args, token, state):
    """One connection: resumes after the stored cursor and answers until --limit."""
    url = args.url.rstrip("/").replace("http", "ws", 1) + "/graphql"
    transport = WebsocketsTransport(url=url, init_payload={"authorization": f"Bearer {token}"},
                                    subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL])
    async with Client(transport=transport, fetch_schema_from_transport=False) as session:
        me = (await session.execute(GraphQLRequest(ME)))["me"]
        cursor = read_cursor(args.cursor_file)
        if cursor is None:
            cursor = await newest_cursor(session, args.organization)
            if cursor:
                write_cursor(args.cursor_file, cursor)
        print(f"signed in as {me['name']}; waiting for handoffs", flush=True)
        landed = GraphQLRequest(LANDED, variable_values={"organizationId": args.organization, "after": cursor})
        try:
            async for event in session.subscribe(landed):
                await deal_with(session, args, me, event["handoffEvents"], state)
                if args.limit and state["answered"] >= args.limit:
                    return
        except TransportQueryError as error:
            if code_of(error) in RESUMABLE:
                print(f"subscription ended ({code_of(error)}): resuming after the last cursor", file=sys.stderr)
                return
            raise Fatal(f"the subscription was refused: {error.errors}") from error


async def deal_with(session, args, me, event, state):
    handoff = event["handoff"]
    # Partner marketers and admins receive every landing; a seller only their own.
    mine = handoff["seller"] and handoff["seller"]["id"] == me["id"]
    if mine and handoff["status"] == "SENT" and not handoff["responses"]:
        answer = decide(handoff, args.accept)
        try:
            await session.execute(GraphQLRequest(RESPOND, variable_values={
                "input": {"handoffId": handoff["id"], **answer}}))
            print(f"{answer['decision']}: {handoff['title']} (score {handoff['score']}, {handoff['band']})",
                  flush=True)
            state["answered"] += 1
        except TransportQueryError as error:
            if code_of(error) not in FINAL_FOR_THE_HANDOFF:
                raise  # retried from this event's cursor, which is not written
            print(f"skipped {handoff['title']}: {code_of(error)}: {error.errors[0]['message']}", flush=True)
    write_cursor(args.cursor_file, event["cursor"])


async def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="the API's base URL")
    parser.add_argument("--organization", required=True, help="the organization's ID")
    parser.add_argument("--cursor-file", default=".seller-tool-cursor", help="where the resume point is kept")
    parser.add_argument("--accept", nargs="+", default=["SALES_READY"], help="bands accepted outright")
    parser.add_argument("--limit", type=int, default=0, help="stop after this many answers (0: run until stopped)")
    args = parser.parse_args()
    token = os.environ.get("HANDOFF_API_TOKEN")
    if not token:
        sys.exit("set HANDOFF_API_TOKEN to the seller's API token (createApiToken)")
    state, delay = {"answered": 0}, 1
    while True:
        try:
            await serve(args, token, state)
            if args.limit and state["answered"] >= args.limit:
                return 0
            delay = 1  # the server ended the subscription after a while: resume soon
        except Fatal as error:
            print(error, file=sys.stderr)
            return 1
        except TransportQueryError as error:
            # A query or an answer refused for a reason retrying may mend (UNAVAILABLE, RATE_LIMITED).
            if code_of(error) in {"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"}:
                print(f"refused: {error.errors}", file=sys.stderr)
                return 1
            print(f"refused for now ({code_of(error)}); resuming in {delay} s", file=sys.stderr, flush=True)
        except (TransportError, OSError) as error:
            code = close_code(error)
            if code in FATAL_CLOSE_CODES:
                print(f"the server closed the connection ({code}): {error.__cause__ or error}", file=sys.stderr)
                return 1
            print(f"connection lost ({code or error}); resuming in {delay} s", file=sys.stderr, flush=True)
        await asyncio.sleep(delay)
        delay = min(delay * 2, 30)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
