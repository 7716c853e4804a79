"""Asking the API over real HTTP, and reading its answers."""

from __future__ import annotations

from typing import Any

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
