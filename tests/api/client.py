"""Asking the API over real HTTP, and reading its answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from websockets.sync.client import ClientConnection, connect

from tests.support import graphql


def ask(base: str, query: str, variables: dict[str, Any] | None = None, key: str | None = None) -> dict[str, Any]:
    """A GraphQL request, with ``key`` as a bearer token when given."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return graphql(base, query, variables, **headers)


def data(body: dict[str, Any]) -> Any:
    """The ``data`` of a response that must have no errors."""
    assert "errors" not in body, body["errors"]
    return body["data"]


def error(body: dict[str, Any]) -> dict[str, Any]:
    """The one error of a response."""
    assert body.get("errors"), body
    assert len(body["errors"]) == 1, body["errors"]
    found: dict[str, Any] = body["errors"][0]
    return found


@contextmanager
def ws_open(base: str, headers: dict[str, str]) -> Iterator[ClientConnection]:
    """A graphql-transport-ws connection to ``base``'s /graphql with these upgrade headers, acknowledged."""
    with connect(
        base.replace("http", "ws") + "/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        additional_headers=headers,
    ) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
        yield ws
