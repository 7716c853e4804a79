"""GraphQL over HTTP: the media type a client asks for, and statuses that say what happened."""

from __future__ import annotations

import httpx
from hypothesis import given
from hypothesis import strategies as st

from graphsvc.api.http import GRAPHQL_RESPONSE, wants_graphql_response
from graphsvc.db import Database
from tests.api.conftest import Serve

JSON = "application/json"


def test_accept_headers_are_read_by_quality_then_order() -> None:
    assert wants_graphql_response(GRAPHQL_RESPONSE)
    assert wants_graphql_response(f"{GRAPHQL_RESPONSE}, {JSON}")
    assert wants_graphql_response(f"{JSON};q=0.9, {GRAPHQL_RESPONSE}")
    assert not wants_graphql_response(f"{JSON}, {GRAPHQL_RESPONSE}")
    assert not wants_graphql_response(f"{GRAPHQL_RESPONSE};q=0.5, {JSON}")
    assert not wants_graphql_response(f"{GRAPHQL_RESPONSE};q=0")
    assert not wants_graphql_response("")
    assert not wants_graphql_response("*/*")
    assert not wants_graphql_response(JSON)


@given(st.text(max_size=200))
def test_any_accept_header_is_read_without_failing(accept: str) -> None:
    assert isinstance(wants_graphql_response(accept), bool)


def _post(base: str, body: object, accept: str | None) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return httpx.post(f"{base}/graphql", json=body, headers=headers, timeout=30)


CASES = {
    # what is sent: (status with graphql-response+json, whether data is in the body)
    "success": ({"query": '{ person(id: "p1") { name } }'}, 200, True),
    "success again (the compiled route)": ({"query": '{ person(id: "p1") { name } }'}, 200, True),
    "field error": ({"query": '{ person(id: "p1") { name consents { purpose } } }'}, 200, True),
    "root field error": ({"query": "{ influencers(first: 1000) { edges { rank } } }"}, 200, True),
    "parse failure": ({"query": "{ person(id: "}, 400, False),
    "validation failure": ({"query": "{ nobody }"}, 400, False),
    "variables that do not coerce": (
        {"query": "query($id: ID!) { person(id: $id) { name } }", "variables": {"id": [1]}},
        400,
        False,
    ),
    "a missing variable": ({"query": "query($id: ID!) { person(id: $id) { name } }"}, 400, False),
    "over the cost budget": (
        {"query": "{ persons(first: 100) { nodes { egoNetwork(limit: 500, depth: 3) { members { distance } } } } }"},
        400,
        False,
    ),
}


def test_statuses_and_media_types_follow_the_specification(serve: Serve, social_map: Database) -> None:
    with serve() as base:
        for name, (body, status, has_data) in CASES.items():
            modern = _post(base, body, f"{GRAPHQL_RESPONSE}, {JSON};q=0.9")
            assert modern.status_code == status, (name, modern.status_code, modern.text)
            assert modern.headers["content-type"] == GRAPHQL_RESPONSE, name
            answer = modern.json()
            assert ("data" in answer) == has_data, (name, answer)
            if not has_data:
                assert answer["errors"] and all("path" not in e for e in answer["errors"]), name
            # a client of plain JSON: 200 for every well-formed request, the same body
            for accept in (JSON, None, "*/*"):
                legacy = _post(base, body, accept)
                assert legacy.status_code == 200 and legacy.headers["content-type"] == JSON, (name, accept)
                assert legacy.json() == answer, (name, accept)
        # a body that is not JSON at all is a 400 either way
        for accept in (GRAPHQL_RESPONSE, JSON):
            broken = httpx.post(
                f"{base}/graphql", content=b"{", headers={"Content-Type": JSON, "Accept": accept}, timeout=30
            )
            assert broken.status_code == 400, accept
