"""A schema-driven fuzzer over the live API: queries generated from the schema the server publishes
(hypothesis-graphql), valid ones with random arguments and invalid ones, sent over real HTTP by every
kind of caller. Whatever comes in, the answer is a coded error or data: never a 5xx, never INTERNAL."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, nodes, queries

from graphsvc.api.schema import sdl
from graphsvc.db import Database

SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "Date": st.dates().map(lambda d: nodes.String(d.isoformat())) | st.text(max_size=12).map(nodes.String),
    "DateTime": st.datetimes(timezones=st.just(UTC)).map(lambda t: nodes.String(t.isoformat()))
    | st.text(max_size=12).map(nodes.String),
    "JSON": st.sampled_from(["{}", "[]", '{"a": 1}', "null", "x"]).map(nodes.String),
}


def _check(base: str, query: str, key: str | None) -> None:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    answer = httpx.post(f"{base}/graphql", json={"query": query}, headers=headers, timeout=60)
    assert answer.status_code < 500, (answer.status_code, query, answer.text[:500])
    body = answer.json()
    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
    assert "INTERNAL" not in codes, (query, body["errors"])
    assert "data" in body or body.get("errors"), body


@pytest.mark.parametrize("mode", [Mode.POSITIVE, Mode.NEGATIVE], ids=["valid", "invalid"])
def test_generated_queries_never_fail_inside(api: str, social_map: Database, keys: dict[str, str], mode: Mode) -> None:
    callers = [None, keys["viewer"], keys["marketer"], keys["analyst"], keys["admin"]]

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=queries(sdl(), custom_scalars=SCALARS, mode=mode), caller=st.sampled_from(callers))
    def check(query: str, caller: str | None) -> None:
        _check(api, query, caller)

    check()
