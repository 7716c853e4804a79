"""The compiled read path gives byte for byte what the resolvers give, in one round trip, for every role.

Two servers on the same graph, one with compiled reads and one without, answer the same requests;
their response bodies must be identical. Hypothesis draws the selections (fields, aliases, fragments,
inline fragments, @skip/@include on variables, identities' platform argument, ids that exist or not)
from the compiled part of the schema.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from graphql import GraphQLSchema
from graphql import build_schema as build_sdl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsvc.api import create_app
from graphsvc.api.compiled import CompiledRoute
from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.service import compiled
from graphsvc.service.apikeys import ROLES, create_key
from tests.api.graph import write_social_map
from tests.support import serve_in_thread

SCORES = ["influence", "pagerank", "reach", "engagement", "kcore", "betweenness", "jobRun", "__typename"]
COMMUNITY = ["id", "size", "persons", "topTopics", "jobRun", "__typename"]
IDENTITY = ["platform", "displayName", "bio", "location", "url", "avatarUrl", "followers", "following", "verified"]
IDENTITY += ["lang", "handle", "__typename"]
CONTACT = ["id", "source", "sourceId", "name", "givenName", "familyName", "company", "title", "city", "country"]
CONTACT += ["region", "__typename"]
PERSON = ["id", "name", "size", "platforms", "__typename"]
IDS = ["p1", "p2", "p4", "p9", "nobody"]
#: keys stay verified for the module, so that a request's round trips are its query's alone
TRUSTED = {"apikey_cache_seconds": 3600.0}

FULL = """query Person($id: ID!, $withContacts: Boolean!) {
  person(id: $id) {
    id name size platforms __typename
    scores { influence pagerank reach engagement kcore betweenness jobRun }
    community { id size persons topTopics jobRun }
    identities { platform handle displayName bio location url avatarUrl followers following verified lang
                 scores { influence } }
    twitter: identities(platform: "TWITTER") { handle }
    contacts @include(if: $withContacts) { id source sourceId name givenName familyName company title city }
    ...More
  }
  again: person(id: "p2") { name ... on Person { platforms } }
}
fragment More on Person { alias: name identities { __typename platform } }"""


@pytest.fixture(scope="module")
def servers(session_db: Database, settings: Settings) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(compiled, resolvers, role -> key) over the small social map."""
    from graphsvc.db import query

    session_db.run_statement(query("admin.wipe_data"))
    write_social_map(session_db)
    keys = {role: create_key(session_db, name=f"compiled {role}", role=role)[1] for role in ROLES}
    with (
        serve_in_thread(create_app(settings.model_copy(update={"compiled_reads": True, **TRUSTED}), session_db)) as on,
        serve_in_thread(
            create_app(settings.model_copy(update={"compiled_reads": False, **TRUSTED}), session_db)
        ) as off,
    ):
        yield on, off, keys


def _post(base: str, query: str, variables: dict[str, Any], key: str | None) -> bytes:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    answer = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=30)
    return answer.content


def _same(
    servers: tuple[str, str, dict[str, str]],
    query: str,
    variables: dict[str, Any],
    role: str | None,
    db: Database | None = None,
    trips: int = 1,
) -> bytes:
    """The body both servers give (they must agree); with ``db``, the compiled one must take ``trips``
    round trips (the resolvers take one per kind of related record)."""
    on, off, keys = servers
    key = keys[role] if role else None
    _post(on, "{ __typename }", {}, key)  # the key verified and cached
    before = db.round_trips if db else 0
    compiled_body = _post(on, query, variables, key)
    if db is not None and b'"errors"' not in compiled_body:
        assert db.round_trips - before == trips, ("not compiled", query, variables, role)
    resolved_body = _post(off, query, variables, key)
    assert compiled_body == resolved_body, (query, variables, role)
    return compiled_body


@pytest.mark.parametrize("role", [*ROLES, None])
def test_a_full_person_is_the_same_bytes_for_every_role(
    servers: tuple[str, str, dict[str, str]], session_db: Database, role: str | None
) -> None:
    for pid in IDS:
        body = _same(servers, FULL, {"id": pid, "withContacts": True}, role, session_db if role else None)
        assert b'"errors"' not in body and (pid == "nobody") == (b'"person":null' in body)
    masked = _same(servers, FULL, {"id": "p1", "withContacts": False}, role)
    assert (b"ada@example.com" in masked) == (role in {"analyst", "admin"})
    assert b'"contacts"' not in masked


def test_the_compiled_path_is_one_round_trip(servers: tuple[str, str, dict[str, str]], session_db: Database) -> None:
    on, off, keys = servers
    for base, most in ((on, 1), (off, 99)):
        before = session_db.round_trips
        _post(base, FULL, {"id": "p1", "withContacts": True}, keys["viewer"])
        used = session_db.round_trips - before
        assert (used == 1) if most == 1 else used > 2, (base, used)


def _route(app: Any) -> CompiledRoute:
    """The compiled route of ``/graphql`` (inside the GraphQL-over-HTTP front)."""
    front = next(r.app for r in app.router.routes if getattr(r, "path", None) == "/graphql" and r.methods)
    route: CompiledRoute = front.app
    return route


def test_a_repeated_document_is_answered_before_strawberry_with_the_same_bytes_and_headers(
    session_db: Database, settings: Settings, servers: tuple[str, str, dict[str, str]]
) -> None:
    """The second request of a document skips strawberry's view (and parsing, validation, hooks), and
    its status, headers and body are the view's; what the route cannot answer still reaches the view."""
    keys = servers[2]
    app = create_app(settings.model_copy(update={"compiled_reads": True, **TRUSTED}), session_db)
    route = _route(app)
    with serve_in_thread(app) as base:
        headers = {"Authorization": f"Bearer {keys['viewer']}"}

        def post(query: str, variables: dict[str, Any], **more: Any) -> httpx.Response:
            body = {"query": query, "variables": variables, **more}
            return httpx.post(f"{base}/graphql", json=body, headers=headers, timeout=30)

        first = post(FULL, {"id": "p1", "withContacts": True})
        assert route.answered == 0
        again = post(FULL, {"id": "p1", "withContacts": True})
        assert route.answered == 1
        assert (again.status_code, again.content) == (first.status_code, first.content)
        assert {k: v for k, v in again.headers.items() if k != "date"} == {
            k: v for k, v in first.headers.items() if k != "date"
        }
        # the other value of the @include variable is a compilation of its own: the view makes it
        answered = route.answered
        other = post(FULL, {"id": "p2", "withContacts": False})
        assert route.answered == answered and b'"contacts"' not in other.content
        # variables that do not coerce, a missing one, a batch, a GET: the view answers, as it would
        for variables in ({"id": ["p1"], "withContacts": True}, {"id": "p1"}):
            refused = post(FULL, variables)
            assert refused.status_code == 200 and refused.json()["errors"], refused.text
        batch = httpx.post(f"{base}/graphql", json=[{"query": FULL}], headers=headers, timeout=30)
        assert batch.status_code == 400
        plain = '{ person(id: "p1") { name } }'
        post(plain, {})
        got = httpx.get(f"{base}/graphql", params={"query": plain}, headers=headers, timeout=30)
        assert got.json() == {"data": {"person": {"name": "Ada Lovelace"}}}
        assert route.answered == answered
        # the same document sent by a caller the resolvers refuse is refused, twice
        for _ in range(2):
            no_key = httpx.post(f"{base}/graphql", json={"query": plain}, headers={"Authorization": "Bearer nope"})
            assert no_key.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert route.answered == answered


def test_what_it_does_not_cover_falls_back(servers: tuple[str, str, dict[str, str]], session_db: Database) -> None:
    keys = servers[2]
    # a field outside the compiled part (topics), an error the resolvers give (a viewer's consents)
    for query in (
        '{ person(id: "p1") { name topics { topic } } }',
        '{ person(id: "p1") { name consents { purpose } } }',
        '{ person(id: "p1") { name } persons(first: 2) { nodes { id } } }',
    ):
        body = _same(servers, query, {}, "viewer")
        assert (b"FORBIDDEN" in body) == ("consents" in query)
    # an unauthenticated caller gets the resolvers' error
    with serve_in_thread(create_app(Settings(anonymous_role="none", compiled_reads=True), session_db)) as strict:
        assert b"UNAUTHENTICATED" in _post(strict, '{ person(id: "p1") { name } }', {}, None)
        assert b"Ada Lovelace" in _post(strict, '{ person(id: "p1") { name } }', {}, keys["viewer"])


INFLUENCERS = """query Top($first: Int, $after: String, $topic: String, $sort: InfluencerSort!, $purpose: String,
                      $min: Float, $community: ID, $platform: String) {
  influencers(first: $first, after: $after, topic: $topic, sort: $sort, purpose: $purpose, minScore: $min,
              community: $community, platform: $platform) {
    __typename
    edges { cursor score rank __typename node { id name size platforms __typename
            scores { influence pagerank reach engagement kcore betweenness jobRun } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
    more: edges { node { ...on Person { alias: id } } }
  }
}"""


@pytest.mark.parametrize(
    "variables",
    [
        {"first": 3},
        {"first": 2, "sort": "PAGERANK"},
        {"first": 50, "topic": "math"},
        {"first": 50, "purpose": "newsletter", "min": 0.3},
        {"first": 50, "community": "run1:1", "platform": "TWITTER"},
        {"first": 0},
        {"min": 2.0},  # the service refuses it: the same error both ways
        {"after": "not a cursor"},
    ],
)
def test_influencer_pages_are_the_same_bytes(
    servers: tuple[str, str, dict[str, str]], session_db: Database, variables: dict[str, Any]
) -> None:
    wanted = {"sort": "SCORE", **variables}
    body = _same(servers, INFLUENCERS, wanted, "viewer", session_db)
    if b'"errors"' not in body:  # and the next page, from the cursor the first gave
        import json

        cursor = json.loads(body)["data"]["influencers"]["pageInfo"]["endCursor"]
        if cursor:
            _same(servers, INFLUENCERS, {**wanted, "after": cursor}, "marketer", session_db)


PERSONS = """query Page($first: Int, $after: String, $filter: PersonFilterInput) {
  persons(first: $first, after: $after, filter: $filter) {
    totalCount __typename
    nodes { id name platforms scores { influence kcore } }
    edges { cursor node { id size __typename } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


@pytest.mark.parametrize(
    "variables",
    [
        {"first": 4},
        {"first": 50, "filter": {"name": "an"}},
        {"first": 50, "filter": {"community": "run1:1", "minInfluence": 0.3}},
        {"first": 50, "filter": {"platform": "GitHub", "hasContact": True}},
        {"first": 50, "filter": {"hasContact": False}},
        {"first": 500},  # over the page limit: the same error both ways
        {"after": "nope"},
    ],
)
def test_person_pages_are_the_same_bytes(
    servers: tuple[str, str, dict[str, str]], session_db: Database, variables: dict[str, Any]
) -> None:
    assert _plan(PERSONS, variables) is not None  # (round trips do not tell: the page and its count both ways)
    body = _same(servers, PERSONS, variables, "analyst", session_db, trips=2)
    if b'"errors"' not in body:
        import json

        cursor = json.loads(body)["data"]["persons"]["pageInfo"]["endCursor"]
        if cursor:
            _same(servers, PERSONS, {**variables, "after": cursor}, "viewer")


LISTS = """query Lists($first: Int, $after: String, $filter: ContactFilterInput) {
  communities(first: $first, after: $after) {
    totalCount nodes { id size persons topTopics jobRun __typename }
    edges { cursor node { id } } pageInfo { hasNextPage endCursor }
  }
  contacts(first: $first, after: $after, filter: $filter) {
    totalCount __typename
    nodes { id source sourceId name givenName familyName company title city country region }
    edges { cursor node { ... on Contact { id } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


@pytest.mark.parametrize(
    "variables",
    [{"first": 1}, {"first": 50}, {"first": 50, "filter": {"city": "london", "source": "crm"}}, {"first": -1}],
)
def test_community_and_contact_pages_are_the_same_bytes(
    servers: tuple[str, str, dict[str, str]], variables: dict[str, Any]
) -> None:
    assert _plan(LISTS, variables) is not None
    _same(servers, LISTS, variables, "viewer")


SEARCH = """query Find($text: String!, $first: Int!) {
  search(text: $text, first: $first) {
    score kind __typename
    person { id name identities { platform handle } }
    contact { id name city __typename }
    identity { platform handle displayName scores { influence } }
    organization { key name }
  }
  again: search(text: $text, first: $first) { kind person { ... on Person { community { id } } } }
}"""


@pytest.mark.parametrize("role", ["viewer", "analyst"])
@pytest.mark.parametrize(
    "variables",
    [
        {"text": "ada", "first": 20},
        {"text": "lovelace grace", "first": 3},
        {"text": "example", "first": 50},  # email identities: analysts only
        {"text": "nothing matches this", "first": 5},
        {"text": "and", "first": 5},  # no words: the same error both ways
        {"text": "ada", "first": 0},
    ],
)
def test_search_is_the_same_bytes(
    servers: tuple[str, str, dict[str, str]], role: str, variables: dict[str, Any]
) -> None:
    assert _plan(SEARCH, variables) is not None
    _same(servers, SEARCH, variables, role)


SEGMENT = """query Seg($filter: SegmentFilterInput!, $first: Int, $after: String) {
  segment(filter: $filter) {
    count __typename
    persons(first: $first, after: $after) {
      totalCount
      edges { cursor node { id name scores { influence } identities(platform: "twitter") { handle } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""


@pytest.mark.parametrize(
    "variables",
    [
        {"filter": {}, "first": 3},
        {"filter": {"community": "run1:1"}, "first": 50},
        {"filter": {"minInfluence": 0.3, "consentPurpose": "newsletter"}},
        {"filter": {"platform": "twitter", "hasContact": True}},
        {"filter": {"minInfluence": 7.0}},  # refused by the service: the same error both ways
        {"filter": {}, "after": "nope"},
    ],
)
@pytest.mark.parametrize("role", ["viewer", "marketer"])
def test_segments_are_the_same_bytes(
    servers: tuple[str, str, dict[str, str]], session_db: Database, variables: dict[str, Any], role: str
) -> None:
    assert _plan(SEGMENT, variables) is not None
    body = _same(servers, SEGMENT, variables, role)
    assert (b"FORBIDDEN" in body) == (role == "viewer")
    if role == "marketer" and b'"errors"' not in body:
        import json

        cursor = json.loads(body)["data"]["segment"]["persons"]["pageInfo"]["endCursor"]
        if cursor:
            _same(servers, SEGMENT, {**variables, "after": cursor}, "admin")


EGO = """query Ego($id: ID!, $depth: Int!, $limit: Int!) {
  person(id: $id) {
    name
    egoNetwork(depth: $depth, limit: $limit) {
      __typename
      members { distance person { id name scores { influence } identities { platform } } }
      ties { strength kinds interactions __typename source { id } target { id name } }
    }
    near: egoNetwork(depth: 1, limit: 2) { members { distance } }
  }
}"""


@pytest.mark.parametrize(
    "variables",
    [
        {"id": "p1", "depth": 1, "limit": 50},
        {"id": "p1", "depth": 2, "limit": 3},
        {"id": "p6", "depth": 3, "limit": 500},
        {"id": "nobody", "depth": 1, "limit": 5},
        {"id": "p1", "depth": 9, "limit": 5},  # refused by the service: the same error both ways
    ],
)
def test_ego_networks_are_the_same_bytes(servers: tuple[str, str, dict[str, str]], variables: dict[str, Any]) -> None:
    assert _plan(EGO, variables) is not None
    for role in ("viewer", "analyst"):
        _same(servers, EGO, variables, role)


NESTED = """query Nested($first: Int) {
  persons(first: $first) {
    nodes { id identities { platform handle } contacts { id } community { id size } }
    edges { node { name egoNetwork(limit: 2) { members { person { id } } } } }
  }
  influencers(first: $first) { edges { rank node { id name identities(platform: "github") { handle } } } }
}"""


def test_person_fields_beyond_the_page_row_are_compiled_too(
    servers: tuple[str, str, dict[str, str]], session_db: Database
) -> None:
    """A page whose persons ask for identities, contacts, community or an ego network reads them by one
    statement for the whole page (not per person, not by the resolvers)."""
    for first in (1, 4, 20):
        assert _plan(NESTED, {"first": first}) is not None
        for role in ("viewer", "admin"):
            _same(servers, NESTED, {"first": first}, role)


@functools.cache
def _schema() -> GraphQLSchema:
    """The API's schema as graphql-core sees it, from its SDL (as the compiled path reads it)."""
    from graphsvc.api.schema import build_schema

    return build_sdl(build_schema(Settings()).as_str())


def _plan(
    query: str, variables: dict[str, Any], reads_pii: bool = False, source: str | None = None
) -> compiled.Plan | None:
    from graphql import OperationDefinitionNode, parse
    from graphql.execution.values import get_variable_values

    schema = _schema()
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables)
    assert not isinstance(coerced, list), coerced
    return compiled.plan(schema, document, None, coerced, reads_pii=reads_pii, consent_default="granted", source=source)


def test_a_compiled_document_is_kept_and_bound_to_each_request_s_values() -> None:
    first = _plan(FULL, {"id": "p1", "withContacts": True}, source=FULL)
    second = _plan(FULL, {"id": "p9", "withContacts": True}, source=FULL)
    assert first is not None and second is not None
    assert first.shape is second.shape  # the same compilation, kept
    assert first.text == second.text and first.params != second.params
    assert "p9" in second.params.values() and "p1" not in second.params.values()
    assert second.opened[0] == ("person", "p9")
    # @include on a variable: each value has its own compilation
    without = _plan(FULL, {"id": "p1", "withContacts": False}, source=FULL)
    assert without is not None and without.text.count(":Contact)") < first.text.count(":Contact)")
    again = _plan(FULL, {"id": "p2", "withContacts": True}, source=FULL)
    assert again is not None and again.shape is first.shape and again.text == first.text
    # what falls back is remembered too, and still falls back
    topics = '{ person(id: "p1") { topics { topic } } }'
    assert _plan(topics, {}, source=topics) is None and _plan(topics, {}, source=topics) is None


HOSTILE = [
    "p1'}) DETACH DELETE n //",
    'p1"}) MATCH (x) DETACH DELETE x RETURN 1 AS r0 //',
    "$p0",
    "} RETURN 1 //",
    "\u0000\u202e",
    "' OR 1=1 --",
]


def test_hostile_values_stay_parameters(servers: tuple[str, str, dict[str, str]], session_db: Database) -> None:
    nodes_before = session_db.adhoc("MATCH (n) RETURN count(n) AS n", {}, allow_write=False)[1]
    query = "query($id: ID!, $p: String) { person(id: $id) { name identities(platform: $p) { handle } } }"
    for text in HOSTILE:
        body = _same(servers, query, {"id": text, "p": text}, "viewer")
        assert b'"person":null' in body
        plan = _plan(query, {"id": text, "p": text})
        assert plan is not None and text in plan.params.values() and text.lower() in plan.params.values()
        if any(c in text for c in "'\"{}\u0000"):  # (a text like "$p0" may read as the compiler's own words)
            assert text not in plan.text and text.lower() not in plan.text
    assert session_db.adhoc("MATCH (n) RETURN count(n) AS n", {}, allow_write=False)[1] == nodes_before


#: Every string argument of every compiled root, each a variable ($s a string, $id an id).
HOSTILE_ROOTS = {
    "person": "person(id: $id) { id identities(platform: $s) { handle } egoNetwork { members { distance } } }",
    "influencers": "influencers(topic: $s, platform: $s, community: $id, purpose: $s, after: $s) "
    "{ edges { node { id } } } byTopic: influencers(topic: $s) { edges { rank } }",
    "persons": "persons(filter: {name: $s, community: $id, platform: $s}, after: $s) { totalCount nodes { id } } "
    "plain: persons(filter: {name: $s}) { nodes { id identities(platform: $s) { platform } } }",
    "contacts": "contacts(filter: {source: $s, name: $s, company: $s, city: $s, country: $s}, after: $s) "
    "{ totalCount }",
    "communities": "communities(after: $s) { totalCount }",
    "search": "search(text: $s) { kind person { id } }",
    "segment": "segment(filter: {community: $id, topic: $s, platform: $s, city: $s, consentPurpose: $s}) "
    "{ count persons(after: $s) { nodes { id } } }",
}


def _hostile_query(*roots: str) -> str:
    text = " ".join(HOSTILE_ROOTS[root] for root in roots)
    used = [v for v in ("$s: String!", "$id: ID!") if v.split(":")[0] in text]
    return f"query Hostile({', '.join(used)}) {{ {text} }}"


def test_hostile_values_in_every_argument_stay_parameters(
    servers: tuple[str, str, dict[str, str]], session_db: Database
) -> None:
    """Hostile text through every string argument of every compiled root: the graph is untouched, the
    answer is the resolvers' (data, or the same refusal), and no statement the compiler writes holds it."""
    nodes_before = session_db.adhoc("MATCH (n) RETURN count(n) AS n", {}, allow_write=False)[1]
    every = _hostile_query(*HOSTILE_ROOTS)
    for text in HOSTILE:
        variables = {"s": text, "id": text}
        assert b'"data"' in _same(servers, every, variables, "admin")
        plan = _plan(every, variables)
        assert plan is not None and plan.text is not None
        if any(c in text for c in "'\"{}\u0000"):  # (a text like "$p0" may read as the compiler's own words)
            assert text not in plan.text and text.lower() not in plan.text
        # a root at a time too, so that each one's own answer (not only the first refusal) is compared
        for root in HOSTILE_ROOTS:
            alone = _hostile_query(root)
            _same(servers, alone, {k: v for k, v in variables.items() if f"${k}" in alone}, "admin")
    assert session_db.adhoc("MATCH (n) RETURN count(n) AS n", {}, allow_write=False)[1] == nodes_before


# -- drawn selections --------------------------------------------------------------------------

NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6).map(lambda s: "a_" + s)


@st.composite
def _fields(draw: st.DrawFn, names: list[str], nested: dict[str, Any]) -> str:
    """A selection: some of ``names`` (some aliased), some nested objects, maybe in an inline fragment."""
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
    parts = []
    used: set[str] = set()
    for name in chosen:
        alias = draw(st.one_of(st.none(), NAMES))
        if alias in used:  # one alias for two different fields does not validate
            alias = None
        if alias:
            used.add(alias)
        parts.append(f"{alias}: {name}" if alias else name)
    for name, inner in nested.items():
        if draw(st.booleans()):
            args = ""
            if name == "identities" and draw(st.booleans()):
                args = "(platform: " + draw(st.sampled_from(['"twitter"', '"GitHub"', '"email"', "$platform"])) + ")"
            directive = draw(st.sampled_from(["", " @include(if: $flag)", " @skip(if: $flag)"]))
            parts.append(f"{name}{args}{directive} {{ {draw(inner)} }}")
    body = " ".join(parts)
    return draw(st.sampled_from([body, "... on {type} { " + body + " }"]))


def _person_selection() -> st.SearchStrategy[str]:
    scores = _fields(SCORES, {}).map(lambda s: s.replace("{type}", "Scores"))
    community = _fields(COMMUNITY, {}).map(lambda s: s.replace("{type}", "Community"))
    identity = _fields(IDENTITY, {"scores": scores}).map(lambda s: s.replace("{type}", "Identity"))
    contact = _fields(CONTACT, {}).map(lambda s: s.replace("{type}", "Contact"))
    nested = {"scores": scores, "community": community, "identities": identity, "contacts": contact}
    return _fields(PERSON, nested).map(lambda s: s.replace("{type}", "Person"))


#: Where a drawn person selection (``<sel>``) is asked for: every root that hands out persons.
ROOTS = {
    "person": "person(id: $id) { <sel> }",
    "persons": "persons(first: 5) { nodes { <sel> } }",
    "influencers": "influencers(first: 4, topic: null) { edges { rank node { <sel> } } }",
    "search": 'search(text: "a", first: 5) { kind person { <sel> } }',
    "ego": "person(id: $id) { egoNetwork(depth: 2, limit: 4) { members { distance person { <sel> } } } }",
    "segment": "segment(filter: {}) { count persons(first: 3) { nodes { <sel> } } }",
}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    selection=_person_selection(),
    root=st.sampled_from(sorted(ROOTS)),
    role=st.sampled_from([*ROLES]),
    pid=st.sampled_from(IDS),
    flag=st.booleans(),
    platform=st.sampled_from([None, "twitter", "EMAIL", "linkedin"]),
    fragment=st.booleans(),
)
def test_drawn_selections_are_the_same_bytes(
    servers: tuple[str, str, dict[str, str]],
    session_db: Database,
    selection: str,
    root: str,
    role: str,
    pid: str,
    flag: bool,
    platform: str | None,
    fragment: bool,
) -> None:
    """A drawn person selection, under each root that hands out persons, for each role: the compiled
    path answers (one round trip for ``person(id)``) with the resolvers' bytes."""
    selection += " v_flag: __typename @include(if: $flag) v_platform: identities(platform: $platform) { platform }"
    uses_id = "$id" in ROOTS[root]
    head = "query Drawn(" + ("$id: ID!, " if uses_id else "") + "$flag: Boolean!, $platform: String)"
    asked = ROOTS[root].replace("<sel>", "...P" if fragment else selection)
    query = f"{head} {{ {asked} }}" + (f" fragment P on Person {{ {selection} }}" if fragment else "")
    variables: dict[str, Any] = {"flag": flag, "platform": platform, **({"id": pid} if uses_id else {})}
    body = _same(servers, query, variables, role, session_db if root == "person" else None)
    assert b'"data"' in body
    assert _plan(query, variables, reads_pii=role in {"analyst", "admin"}) is not None
