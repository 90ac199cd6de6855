#!/usr/bin/env python3
"""A seller's tool: answers the handoffs that land for the seller, as they land.

It subscribes to the organization's LANDED events with the seller's API token (graphql-transport-ws,
through the `gql` client), and answers each handoff addressed to the seller: ACCEPT when its band
is SALES_READY (or the band given with --accept), REQUEST_CLARIFICATION naming the weakest
components otherwise. The answer is the seller's acknowledgement, recorded on the handoff: ACCEPT
closes it, a request for clarification leaves it open for the marketer to improve.

After each answer the event's cursor is written to --cursor-file, and the subscription resumes
after it (`handoffEvents(after:)`): a restart, or a dropped connection, neither loses a handoff
nor answers one twice. A handoff already answered (by the seller in another tool) is skipped.

    pip install "gql[websockets]"
    HANDOFF_API_TOKEN=hst_… python3 seller_tool.py --url http://127.0.0.1:8080 --organization <ID>

Exit status: 0 after --limit answers, 1 when the server refuses the token or the organization.
"""

import argparse
import asyncio
import os
import sys

from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportClosed, TransportQueryError, TransportServerError
from gql.transport.websockets import WebsocketsTransport
from websockets.exceptions import ConnectionClosed, InvalidStatus

LANDED = """
subscription Landed($organizationId: ID!, $after: String) {
  handoffEvents(organizationId: $organizationId, types: [LANDED], after: $after) {
    cursor
    handoff { id title status score band weakestComponents seller { id } }
  }
}
"""

ME = "query Me { me { id name } }"

RESPOND = """
mutation Respond($input: RespondToHandoffInput!) {
  respondToHandoff(input: $input) { handoff { id status } }
}
"""

# Close codes after which retrying cannot help: the token is refused, or the person holds too
# many connections (graphql-transport-ws and this API's own, docs/realtime.md).
FATAL_CLOSE_CODES = {4401, 4403, 4400}


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
    """The answer the tool gives: accept a good enough handoff, ask about the weakest parts of the rest."""
    if handoff["band"] in accept_bands:
        return {"decision": "ACCEPT", "reason": f"Band {handoff['band']}: taking it."}
    weakest = ", ".join(c.lower().replace("_", " ") for c in handoff["weakestComponents"]) or "the packet"
    return {"decision": "REQUEST_CLARIFICATION", "reason": f"Please strengthen {weakest} before I act on this."}


async def serve(args, token):
    """One connection: resumes after the stored cursor, answers until --limit. Returns answers given."""
    url = args.url.rstrip("/").replace("http", "ws", 1) + "/graphql"
    transport = WebsocketsTransport(
        url=url,
        init_payload={"authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    answered = 0
    async with Client(transport=transport, fetch_schema_from_transport=False) as session:
        me = (await session.execute(GraphQLRequest(ME)))["me"]
        print(f"signed in as {me['name']}; waiting for handoffs", flush=True)
        landed = GraphQLRequest(LANDED, variable_values={
            "organizationId": args.organization, "after": read_cursor(args.cursor_file)})
        async for event in session.subscribe(landed):
            event = event["handoffEvents"]
            handoff = event["handoff"]
            # Partner marketers and admins receive every landing; a seller only their own.
            mine = handoff["seller"] and handoff["seller"]["id"] == me["id"]
            if mine and handoff["status"] == "SENT":
                answer = decide(handoff, args.accept)
                try:
                    await session.execute(GraphQLRequest(RESPOND, variable_values={
                        "input": {"handoffId": handoff["id"], **answer}}))
                    print(f"{answer['decision']}: {handoff['title']} (score {handoff['score']}, {handoff['band']})",
                          flush=True)
                    answered += 1
                except TransportQueryError as error:
                    # Answered meanwhile elsewhere (CONFLICT), or no longer ours: say so and go on.
                    code = (error.errors or [{}])[0].get("extensions", {}).get("code")
                    print(f"skipped {handoff['title']}: {code}: {error.errors[0]['message']}", flush=True)
            write_cursor(args.cursor_file, event["cursor"])
            if args.limit and answered >= args.limit:
                break
    return answered


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
    answered, delay = 0, 1
    while True:
        try:
            answered += await serve(args, token)
            if args.limit and answered >= args.limit:
                return 0
            delay = 1
        except TransportQueryError as error:
            # The subscription itself was refused (not a member, a bad ID): retrying will not help.
            print(f"refused: {error.errors}", file=sys.stderr)
            return 1
        except (ConnectionClosed, TransportClosed, TransportServerError, InvalidStatus, OSError) as error:
            code = getattr(getattr(error, "rcvd", None), "code", None)
            if code in FATAL_CLOSE_CODES:
                print(f"the server closed the connection: {error}", file=sys.stderr)
                return 1
            print(f"connection lost ({error}); resuming in {delay} s", file=sys.stderr, flush=True)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
