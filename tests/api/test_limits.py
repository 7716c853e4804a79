"""Bounded cost: what one request may ask of the service is bounded before anything runs.

Hostile requests (a nested ego network in a page of persons, thirty aliases of an expensive field, a
50 MB body, a document padded with 10 MB of whitespace or of comment) are refused quickly, with a clear
error, while a well-behaved client keeps being answered; the server's memory does not grow with them.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import socket
import threading
import time
import tracemalloc
from typing import Any

import httpx
import pytest
from graphql import GraphQLSchema, OperationDefinitionNode, parse
from graphql import build_schema as build_sdl
from graphql.execution.values import get_variable_values
from hypothesis import given, settings
from hypothesis import strategies as st

from graphsvc.api.cost import operation_cost
from graphsvc.api.schema import build_schema
from graphsvc.config import Settings
from graphsvc.db import Database
from tests.api.client import ask, data, error
from tests.api.conftest import Serve

NESTED_EGO = """{ persons(first: 100) { nodes { id
  egoNetwork(depth: 3, limit: 500) { members { person { id identities { handle } } } ties { strength } } } } }"""
ALIASES = (
    '{ person(id: "p1") { '
    + " ".join(f"a{n}: egoNetwork(depth: 3, limit: 500) {{ members {{ distance }} }}" for n in range(30))
    + " } }"
)
CHEAP = '{ person(id: "p1") { name identities { platform } } }'


@functools.cache
def _schema() -> GraphQLSchema:
    return build_sdl(build_schema(Settings()).as_str())


def _cost(query: str, variables: dict[str, Any] | None = None) -> int:
    schema = _schema()
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    assert not isinstance(coerced, list), coerced
    return operation_cost(schema, document, None, coerced)


def test_the_cost_counts_objects_through_nesting() -> None:
    assert _cost('{ person(id: "p1") { name } }') == 1
    assert _cost('{ person(id: "p1") { name scores { influence } } }') == 2
    # a person's identities count as ten
    assert _cost('{ person(id: "p1") { identities { platform } } }') == 1 + 10
    # a page of 5: the connection, and 5 edges of an edge and a node each
    assert _cost("{ persons(first: 5) { edges { node { id } } } }") == 1 + 5 * 2
    # by a variable, and at its default (20) when not given
    assert _cost("query($n: Int) { persons(first: $n) { nodes { id } } }", {"n": 7}) == 1 + 7
    assert _cost("{ persons { nodes { id } } }") == 1 + 20
    # past its bound a size counts at the bound (the field refuses it anyway)
    assert _cost("{ persons(first: 100000) { nodes { id } } }") == 1 + 10_000
    # aliases and fragments count as executed; @skip leaves out
    assert _cost('{ a: person(id: "p1") { id } b: person(id: "p2") { id } }') == 2
    assert _cost('{ person(id: "p1") { ...F } } fragment F on Person { scores { reach } }') == 2
    assert _cost('query($s: Boolean!) { person(id: "p1") { scores @skip(if: $s) { reach } } }', {"s": True}) == 1
    # weighted fields cost more than they hold
    assert _cost('{ search(text: "a", first: 1) { kind } }') > 10
    # a page of 100 persons, each with a depth-3 ego network of 500 members (each with a person and its
    # ten identities) and 2,000 ties
    assert _cost(NESTED_EGO) == 1 + 100 * (1 + 50 * 3 + 1 + 500 * (1 + 1 + 10) + 500 * 4)
    assert (
        _cost(ALIASES)
        > 30 * _cost('{ person(id: "p1") { egoNetwork(depth: 3, limit: 500) { members { distance } } } }') - 30
    )


@settings(max_examples=50, deadline=None)
@given(first=st.integers(0, 150), more=st.integers(0, 150), aliases=st.integers(1, 5))
def test_the_cost_grows_with_what_is_asked(first: int, more: int, aliases: int) -> None:
    """More items or more aliases never cost less."""
    page = (
        "query($n: Int) { "
        + " ".join(f"p{a}: persons(first: $n) {{ nodes {{ id identities {{ platform }} }} }}" for a in range(aliases))
        + " }"
    )
    smaller, larger = _cost(page, {"n": first}), _cost(page, {"n": first + more})
    assert smaller <= larger
    one_more = (
        "query($n: Int) { "
        + " ".join(
            f"p{a}: persons(first: $n) {{ nodes {{ id identities {{ platform }} }} }}" for a in range(aliases + 1)
        )
        + " }"
    )
    assert _cost(one_more, {"n": first}) > smaller


def test_an_operation_over_its_budget_is_refused_before_it_runs(
    serve: Serve, social_map: Database, keys: dict[str, str]
) -> None:
    with serve(cost_budgets={"viewer": 100, "analyst": 5000}) as base:
        data(ask(base, "{ __typename }", key=keys["viewer"]))  # the key verified and cached
        for query in (NESTED_EGO, ALIASES):
            for _ in range(2):  # the second time the document is known to the compiled route: refused all the same
                before = social_map.round_trips
                began = time.perf_counter()
                body = ask(base, query, key=keys["viewer"])
                took = time.perf_counter() - began
                problem = error(body)
                assert problem["extensions"]["code"] == "COST_LIMIT", problem
                assert problem["extensions"]["budget"] == 100 and problem["extensions"]["cost"] > 100
                assert "over the budget of 100 for role viewer" in problem["message"]
                assert body.get("data") is None
                assert social_map.round_trips == before  # nothing ran
                assert took < 2.0
        # within the budget, and a larger budget for a larger role
        page = "{ persons(first: 20) { nodes { id identities { platform } } } }"  # 1 + 20 * 11 = 221
        assert error(ask(base, page, key=keys["viewer"]))["extensions"]["code"] == "COST_LIMIT"
        assert len(data(ask(base, page, key=keys["analyst"]))["persons"]["nodes"]) == 9
        for _ in range(2):
            assert data(ask(base, CHEAP, key=keys["viewer"]))["person"]["name"] == "Ada Lovelace"
    # a mutation is costed too: refused before it starts anything
    with serve(cost_budgets={"admin": 600}) as base:
        mutation = "mutation { a: runJob(kind: INFLUENCE) { id } b: runJob(kind: INFLUENCE) { id } }"
        data(ask(base, "{ __typename }", key=keys["admin"]))
        before = social_map.round_trips
        assert error(ask(base, mutation, key=keys["admin"]))["extensions"]["code"] == "COST_LIMIT"
        assert social_map.round_trips == before


def _raw_post(port: int, head: bytes, body_chunks: Any, read_timeout: float = 10.0) -> bytes:
    """Send a request on a raw socket (so that a body can be declared and never sent, or sent in
    chunks) and read the answer until the server closes or answers."""
    with socket.create_connection(("127.0.0.1", port), timeout=read_timeout) as conn:
        conn.sendall(head)
        try:
            for chunk in body_chunks:
                conn.sendall(chunk)
        except OSError:  # the server answered and closed while the body was still coming
            pass
        answer = b""
        try:
            while True:
                got = conn.recv(65536)
                if not got:
                    break
                answer += got
                if b"\r\n\r\n" in answer:
                    head_end = answer.index(b"\r\n\r\n") + 4
                    length = int(
                        next(
                            (
                                line.split(b":", 1)[1]
                                for line in answer[:head_end].split(b"\r\n")
                                if line.lower().startswith(b"content-length")
                            ),
                            b"0",
                        )
                    )
                    if len(answer) >= head_end + length:
                        break
        except OSError:
            pass
        return answer


def _port(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def test_a_body_over_the_limit_gets_413_before_it_is_read(serve: Serve, social_map: Database) -> None:
    with serve() as base:  # the default limit: 1 MB
        port = _port(base)
        declared = 50 * 1024 * 1024
        head = (
            f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {declared}\r\n\r\n"
        ).encode()
        began = time.perf_counter()
        answer = _raw_post(port, head, [b"{" + b" " * 65536])  # declared 50 MB, a little sent
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert b"REQUEST_TOO_LARGE" in answer and b"1000000" in answer
        assert time.perf_counter() - began < 2.0
        # chunked, no length declared: refused once past the limit, not read to its end
        chunked = (
            b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        block = b" " * 262144
        chunks = (b"%x\r\n%s\r\n" % (len(block), block) for _ in range(200))  # 50 MB if all were read
        answer = _raw_post(port, chunked, chunks)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        # a body within the limit is answered as before
        assert data(ask(base, CHEAP))["person"]["name"] == "Ada Lovelace"


@pytest.mark.parametrize("padding", ["whitespace", "comment"])
def test_a_padded_document_is_refused_and_not_kept(serve: Serve, social_map: Database, padding: str) -> None:
    """10 MB of whitespace or of one comment around a small query: over the body limit at the default,
    and with a limit that lets it through, parsed for its request only (the caches keep small
    documents), so the server's memory does not grow with each one."""
    filler = " " * 10_000_000 if padding == "whitespace" else "#" + "x" * 10_000_000 + "\n"
    with serve() as base:
        refused = httpx.post(f"{base}/graphql", json={"query": filler + CHEAP}, timeout=30)
        assert refused.status_code == 413 and refused.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
    with serve(max_body_bytes=20_000_000) as base:
        answered = httpx.post(f"{base}/graphql", json={"query": filler + CHEAP}, timeout=60)
        assert answered.json()["data"]["person"]["name"] == "Ada Lovelace"
        tracemalloc.start()
        try:
            for n in range(4):  # distinct texts, so that nothing could share an entry
                body = {"query": filler + CHEAP + " " * n}
                assert httpx.post(f"{base}/graphql", json=body, timeout=60).json()["data"]["person"]
            del body
            gc.collect()
            held, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert held < 5_000_000, held  # not 4 x 10 MB kept in a cache


def test_other_clients_are_answered_while_hostile_requests_come(
    serve: Serve, social_map: Database, keys: dict[str, str]
) -> None:
    with serve() as base:
        stop = threading.Event()
        refused: list[str] = []

        def attack() -> None:
            while not stop.is_set():
                refused.append(error(ask(base, NESTED_EGO, key=keys["viewer"]))["extensions"]["code"])

        attackers = [threading.Thread(target=attack) for _ in range(4)]
        for thread in attackers:
            thread.start()
        try:
            times = []
            for _ in range(20):
                began = time.perf_counter()
                assert data(ask(base, CHEAP, key=keys["viewer"]))["person"]["name"] == "Ada Lovelace"
                times.append(time.perf_counter() - began)
        finally:
            stop.set()
            for thread in attackers:
                thread.join()
        assert set(refused) == {"COST_LIMIT"} and len(refused) >= 4
        assert sorted(times)[len(times) // 2] < 0.5, times


def test_a_request_that_takes_too_long_is_cut_off_with_503() -> None:
    """The request deadline, on a real server: a handler that outlives it is answered 503 with
    Retry-After at the deadline, and the server goes on answering."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from graphsvc.api.limits import RequestLimits
    from tests.support import serve_in_thread

    async def slow(request: Request) -> PlainTextResponse:
        await asyncio.sleep(float(request.query_params["s"]))
        return PlainTextResponse("done")

    app = Starlette(routes=[Route("/slow", slow)], middleware=[Middleware(RequestLimits, max_bytes=1024, timeout=0.5)])
    with serve_in_thread(app) as base:
        began = time.perf_counter()
        cut = httpx.get(f"{base}/slow", params={"s": "5"}, timeout=10)
        assert cut.status_code == 503 and time.perf_counter() - began < 2.0
        assert cut.headers["retry-after"] == "5" and cut.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
        assert httpx.get(f"{base}/slow", params={"s": "0"}, timeout=10).text == "done"


def test_neo4j_stops_a_read_at_the_read_timeout(db: Database) -> None:
    """The API's reads carry its deadline as a transaction timeout, so Neo4j itself stops a runaway query."""
    from graphsvc.errors import GraphsvcError

    bounded = Database(db.uri, db._auth, database=db.database, read_timeout=0.5)
    try:
        began = time.perf_counter()
        with pytest.raises(GraphsvcError):
            bounded.read_generated("UNWIND range(1, 2000000000) AS x RETURN count(x) AS n", {})
        assert time.perf_counter() - began < 5.0
        assert bounded.read_generated("RETURN 1 AS n", {}) == [{"n": 1}]
    finally:
        bounded.close()


#: Arguments that say how much a field reads or returns: every one must have an upper bound.
SIZE_LIKE = {"first", "limit", "offset", "days", "depth", "maxHops", "minPosts"}
#: How to reach a field of each type that has such arguments.
WRAP = {
    "Query": "{}",
    "Person": 'person(id: "p1") {{ {} }}',
    "Brand": 'brand(name: "acme") {{ {} }}',
    "Community": 'community(id: "run1:0") {{ {} }}',
    "Segment": "segment(filter: {{}}) {{ {} }}",
}


def _sized_fields() -> list[tuple[str, str, str]]:
    """(type, field, argument) for every size-like argument of every field a query can reach."""
    from graphql import GraphQLObjectType

    found = []
    for type_ in _schema().type_map.values():
        if (
            not isinstance(type_, GraphQLObjectType)
            or type_.name.startswith("__")
            or type_.name
            in (
                "Mutation",
                "Subscription",
            )
        ):
            continue
        for name, field in type_.fields.items():
            for argument in field.args:
                if argument in SIZE_LIKE:
                    found.append((type_.name, name, argument))
    return found


def _call(type_name: str, field_name: str, argument: str, value: int) -> str:
    """A query that gives ``field_name`` of ``type_name`` ``argument: value`` (and its other required
    arguments a plain value), selecting ``__typename`` below it."""
    from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLNonNull, get_named_type, is_leaf_type

    field = _schema().get_type(type_name).fields[field_name]  # type: ignore[union-attr]
    given = [f"{argument}: {value}"]
    for name, arg in field.args.items():
        if name == argument or not isinstance(arg.type, GraphQLNonNull):
            continue
        named = get_named_type(arg.type)
        if isinstance(named, GraphQLEnumType):
            given.append(f"{name}: {next(iter(named.values))}")
        elif isinstance(named, GraphQLInputObjectType):
            given.append(f"{name}: {{}}")
        else:
            plain = {"ID": '"p1"', "String": '"acme"', "Int": "1", "Float": "0.5", "Boolean": "true"}
            given.append(f"{name}: {plain[named.name]}")
    below = "" if is_leaf_type(get_named_type(field.type)) else " { __typename }"
    inner = f"{field_name}({', '.join(given)}){below}"
    assert type_name in WRAP, f"a size argument on {type_name}.{field_name}: add how to reach {type_name} to WRAP"
    return "{ " + WRAP[type_name].format(inner) + " }"


def test_every_size_argument_has_an_upper_bound(serve: Serve, social_map: Database, keys: dict[str, str]) -> None:
    """Every argument that says how much to read, on every field a query reaches (found in the schema,
    so a field added later is held to it too), refuses a huge value, and a negative one, naming itself."""
    sized = _sized_fields()
    assert len(sized) >= 15, sized
    with serve(cost_budgets={"admin": 2_000_000_000}) as base:
        for type_name, field_name, argument in sized:
            for value in (1_000_000_000, -1):
                query = _call(type_name, field_name, argument, value)
                body = ask(base, query, key=keys["admin"])
                problem = error(body)
                assert problem["extensions"]["code"] == "BAD_USER_INPUT", (query, problem)
                assert argument in problem["message"], (query, problem)
