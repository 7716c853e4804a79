"""WebSocket connections hold on to nothing they should not: a revoked key stops a running
subscription within seconds, one connection runs a bounded number of subscriptions, and each of its
operations has DataLoaders of its own."""

from __future__ import annotations

import json
import time
from contextlib import AbstractContextManager
from typing import Any

from websockets.sync.client import ClientConnection

from graphsvc.api.subscriptions import MAX_SUBSCRIPTIONS
from graphsvc.db import Database
from graphsvc.service.apikeys import create_key, revoke_key
from tests.api.client import ws_open
from tests.api.conftest import Serve

FOLLOW = "subscription($id: ID!) { jobProgress(id: $id) { job { status } phase } }"


def _forever(db: Database) -> str:
    """A JobRun that stays running (as one whose process is still at work), to follow."""
    db.adhoc(
        "MERGE (j:JobRun {id: 'forever'}) SET j.kind = 'influence', j.status = 'running', j.phase = 'ranking', "
        "j.startedAt = datetime()",
        {},
        allow_write=True,
    )
    return "forever"


def _open(base: str, secret: str) -> AbstractContextManager[ClientConnection]:
    return ws_open(base, {"Authorization": f"Bearer {secret}"})


def _subscribe(ws: ClientConnection, op: str, job: str) -> None:
    ws.send(json.dumps({"id": op, "type": "subscribe", "payload": {"query": FOLLOW, "variables": {"id": job}}}))


def _errors(message: dict[str, Any]) -> list[dict[str, Any]]:
    if message["type"] == "error":
        return list(message["payload"])
    if message["type"] == "next":
        return list(message["payload"].get("errors") or [])
    return []


def test_a_revoked_key_stops_a_running_subscription(serve: Serve, social_map: Database) -> None:
    job = _forever(social_map)
    key, secret = create_key(social_map, name="follower", role="analyst")
    with serve(apikey_cache_seconds=0.5) as base, _open(base, secret) as ws:
        _subscribe(ws, "1", job)
        first = json.loads(ws.recv(timeout=10))
        assert first["type"] == "next" and first["payload"]["data"]["jobProgress"]["phase"] == "ranking"
        revoke_key(social_map, key.id)
        revoked_at = time.monotonic()
        while True:
            message = json.loads(ws.recv(timeout=10))
            problems = _errors(message)
            if problems:
                assert problems[0].get("extensions", {}).get("code") == "UNAUTHENTICATED", problems
                break
            assert message["type"] == "next", message  # (no other message before the refusal)
        assert time.monotonic() - revoked_at < 5.0


def test_one_connection_runs_a_bounded_number_of_subscriptions(
    serve: Serve, social_map: Database, keys: dict[str, str]
) -> None:
    job = _forever(social_map)
    with serve() as base, _open(base, keys["analyst"]) as ws:
        for n in range(MAX_SUBSCRIPTIONS):
            _subscribe(ws, str(n), job)
        seen: set[str] = set()
        while len(seen) < MAX_SUBSCRIPTIONS:  # every one of them running
            message = json.loads(ws.recv(timeout=10))
            assert message["type"] == "next" and not _errors(message), message
            seen.add(message["id"])
        _subscribe(ws, "one too many", job)
        while True:
            message = json.loads(ws.recv(timeout=10))
            if message["id"] == "one too many":
                [problem] = _errors(message)
                assert problem["extensions"]["code"] == "BAD_USER_INPUT"
                assert f"at most {MAX_SUBSCRIPTIONS} subscriptions" in problem["message"]
                break
        # completing one frees its place
        ws.send(json.dumps({"id": "0", "type": "complete"}))
        _subscribe(ws, "in its place", job)
        while True:
            message = json.loads(ws.recv(timeout=10))
            if message["id"] == "in its place":
                assert message["type"] == "next" and not _errors(message), message
                break


def test_queries_on_one_connection_do_not_share_what_they_read(
    serve: Serve, social_map: Database, keys: dict[str, str]
) -> None:
    """Two queries on one WebSocket, the graph changed between them: the second reads the change
    (its DataLoaders are its own, not the first's cache)."""
    ask = '{ person(id: "p1") { name } }'
    with serve(compiled_reads=False) as base, _open(base, keys["analyst"]) as ws:
        names = []
        for n, name in enumerate(("Ada Lovelace", "Ada King")):
            social_map.adhoc("MATCH (p:Person {id: 'p1'}) SET p.name = $name", {"name": name}, allow_write=True)
            ws.send(json.dumps({"id": f"q{n}", "type": "subscribe", "payload": {"query": ask}}))
            message = json.loads(ws.recv(timeout=10))
            names.append(message["payload"]["data"]["person"]["name"])
            assert json.loads(ws.recv(timeout=10))["type"] == "complete"
        assert names == ["Ada Lovelace", "Ada King"]
