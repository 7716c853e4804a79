"""Consent on every read: whatever field hands out a person, a person who refused profiling shows no
scores, community, topics or stances, and the people lists that target apply influencers' predicate.

The roots are found in the live schema (every query field from which a Person can be reached), and
each one's query is generated from the schema down to the persons it holds: a field added later is
covered without a change here, or the test names the arguments it still needs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from graphql import (
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

from graphsvc.api.schema import build_schema
from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.service import consent
from tests.api.client import ask, data
from tests.api.conftest import Serve
from tests.api.graph import EXCLUDED, PERSONS

#: p5 withdrew consent for profiling (tests/api/graph.py): the fixture still holds scores, a
#: community, topic influence and a top-member place for them, as a graph does whose data predates
#: the refusal (or whose consent lapsed since the last job run).
UNPROFILED = "p5"
PROFILE = "id scores { influence } community { id } topics { topic } brandStances { brand }"
#: Arguments for each root (and for the fields below it that require some). A root the schema gains
#: later fails ``test_every_root_that_hands_out_persons_is_covered`` until it is listed here.
ROOT_ARGUMENTS: dict[str, str] = {
    "brands": "",
    "brand": '(name: "acme")',
    "demandSignals": "(days: 3650, first: 50)",
    "advocates": '(brand: "acme", first: 50)',
    "detractors": '(brand: "acme", first: 50)',
    "person": f'(id: "{UNPROFILED}")',
    "contact": '(id: "crm:5")',
    "identity": '(platform: "twitter", handle: "dvaughan")',
    "search": '(text: "Dorothy Vaughan", first: 50)',
    "persons": "(first: 50)",
    "contacts": "(first: 50)",
    "influencers": "(first: 50)",
    "communities": "(first: 50)",
    "community": '(id: "run1:1")',
    "warmPath": '(to: "p9")',
    "segment": "(filter: {})",
    "reviewQueue": "",
}
#: Roots that list people to reach: nobody failing consent for marketing or profiling is in them.
TARGETING = {"brands", "brand", "demandSignals", "advocates", "detractors", "search", "influencers", "warmPath"}
#: Arguments for nested fields that require them.
FIELD_ARGUMENTS = {("Person", "egoNetwork"): "(depth: 2, limit: 50)", ("Segment", "persons"): "(first: 50)"}


def _schema() -> GraphQLSchema:
    return build_schema(Settings())._schema


def _reaches_person(kind: Any, seen: set[str]) -> bool:
    kind = get_named_type(kind)
    if kind.name == "Person":
        return True
    if kind.name in seen:
        return False
    seen.add(kind.name)
    if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
        return any(_reaches_person(f.type, seen) for f in kind.fields.values())
    if isinstance(kind, GraphQLUnionType):
        return any(_reaches_person(member, seen) for member in kind.types)
    return False


def _person_roots(schema: GraphQLSchema) -> set[str]:
    return {name for name, f in schema.query_type.fields.items() if _reaches_person(f.type, set())}  # type: ignore[union-attr]


def _required(field: Any) -> bool:
    return any(isinstance(a.type, GraphQLNonNull) and a.default_value is None for a in field.args.values())


def _selection(kind: Any, depth: int, path: tuple[str, ...]) -> str | None:
    """Every way down from ``kind`` to a Person within ``depth`` fields, with the profile at each person
    (and, under a person, its ego network and community: persons again)."""
    kind = get_named_type(kind)
    if kind.name == "Person":
        if "Person" in path:
            return "{ " + PROFILE + " }"
        nested = "egoNetwork(depth: 2, limit: 50) { members { person { " + PROFILE + " } } }"
        return "{ " + PROFILE + " " + nested + " community { topMembers { " + PROFILE + " } } }"
    if depth == 0 or not isinstance(kind, GraphQLObjectType):
        return None
    parts = []
    for name, field in kind.fields.items():
        arguments = FIELD_ARGUMENTS.get((kind.name, name), "")
        if _required(field) and not arguments:
            continue
        if not _reaches_person(field.type, set()):
            continue
        below = _selection(field.type, depth - 1, (*path, kind.name))
        if below:
            parts.append(f"{name}{arguments} {below}")
    return "{ " + " ".join(parts) + " }" if parts else None


def _query(schema: GraphQLSchema, root: str) -> str:
    field = schema.query_type.fields[root]  # type: ignore[union-attr]
    below = _selection(field.type, 4, ("Query",))
    assert below, root
    return "{ " + root + ROOT_ARGUMENTS[root] + " " + below + " }"


def _persons(value: Any) -> Iterator[dict[str, Any]]:
    """Every person object of a response (those selected with the profile)."""
    if isinstance(value, dict):
        if "brandStances" in value and "id" in value:
            yield value
        for item in value.values():
            yield from _persons(item)
    elif isinstance(value, list):
        for item in value:
            yield from _persons(item)


@pytest.fixture
def unprofiled_map(social_map: Database) -> Database:
    """The social map, plus a CRM contact for p5 and an advocacy and a demand signal to reach them by."""
    social_map.adhoc(
        """
        MATCH (p:Person {id: $id}), (b:Brand {name: 'acme'}), (i:Identity {platform: 'twitter', key: 'dvaughan'})
        CREATE (c:Contact {source: 'crm', sourceId: '5', name: 'Dorothy Vaughan'})
        CREATE (p)-[:HAS_MEMBER]->(c)
        CREATE (p)-[:ADVOCATES {score: 0.9, posts: 5, sentiment: 0.8, jobRun: 'run1'}]->(b)
        CREATE (i)-[:POSTED]->(:Post {platform: 'twitter', postId: 'p5-1', text: 'Looking for a new acme',
                                      createdAt: datetime(), sentiment: 0.2, intent: 'purchase'})-[:MENTIONS]->(b)
        """,
        {"id": UNPROFILED},
        allow_write=True,
    )
    return social_map


def test_every_root_that_hands_out_persons_is_covered() -> None:
    roots = _person_roots(_schema())
    assert roots == set(ROOT_ARGUMENTS), f"list the arguments of {sorted(roots - set(ROOT_ARGUMENTS))}"


@pytest.mark.parametrize("root", sorted(ROOT_ARGUMENTS))
def test_no_field_shows_a_profile_of_who_refused_profiling(
    root: str, serve: Serve, unprofiled_map: Database, keys: dict[str, str]
) -> None:
    schema = _schema()
    with serve(cost_budgets={"admin": 10**7}) as base:  # the generated query asks for everything at once
        body = ask(base, _query(schema, root), key=keys["admin"])
    found = list(_persons(data(body)))
    for person in found:
        if person["id"] == UNPROFILED:
            assert person["scores"] is None and person["community"] is None, (root, person)
            assert person["topics"] == [] and person["brandStances"] == [], (root, person)
        if root in TARGETING:
            assert person["id"] not in EXCLUDED, (root, person["id"])
        # wherever a community lists its top members, nobody failing consent is among them
    for top in _top_members(data(body)):
        assert not {m["id"] for m in top} & EXCLUDED, (root, top)
    if root in ("person", "contact", "identity"):  # a look-up by key still finds the person, without a profile
        assert UNPROFILED in {p["id"] for p in found}, root


def _top_members(value: Any) -> Iterator[list[dict[str, Any]]]:
    if isinstance(value, dict):
        if isinstance(value.get("topMembers"), list):
            yield value["topMembers"]
        for item in value.values():
            yield from _top_members(item)
    elif isinstance(value, list):
        for item in value:
            yield from _top_members(item)


def test_filters_on_computed_values_apply_the_consent_predicate(
    api: str, social_map: Database, keys: dict[str, str]
) -> None:
    everyone = {pid for pid, *_ in PERSONS}
    query = "query($f: PersonFilterInput) { persons(filter: $f, first: 50) { totalCount nodes { id } } }"
    for wanted in ({"minInfluence": 0.0}, {"community": "run1:1"}):
        page = data(ask(api, query, {"f": wanted}, key=keys["analyst"]))["persons"]
        ids = {n["id"] for n in page["nodes"]}
        assert not ids & EXCLUDED and page["totalCount"] == len(ids), wanted
    listed = data(ask(api, query, {"f": {"name": "a"}}, key=keys["analyst"]))["persons"]  # a directory look-up
    assert {n["id"] for n in listed["nodes"]} >= everyone & {"p4", "p5"}
    members = '{ community(id: "run1:1") { members(first: 50) { nodes { id } } } }'
    ids = {n["id"] for n in data(ask(api, members))["community"]["members"]["nodes"]}
    assert ids and not ids & EXCLUDED


def test_the_ego_network_of_who_refused_is_the_person_alone(api: str, social_map: Database) -> None:
    query = '{ person(id: "p4") { egoNetwork(depth: 2) { members { person { id } } ties { strength } } } }'
    ego = data(ask(api, query))["person"]["egoNetwork"]
    assert [m["person"]["id"] for m in ego["members"]] == ["p4"] and ego["ties"] == []


def test_recording_a_refusal_clears_the_profile_at_once(api: str, social_map: Database) -> None:
    before = data(ask(api, f'{{ person(id: "p1") {{ {PROFILE} }} }}'))["person"]
    assert before["scores"] and before["community"] and before["topics"] and before["brandStances"]
    consent.record_consent(social_map, person_id="p1", purpose="profiling", status="denied", recorded_by="test")
    stored = social_map.adhoc(
        """MATCH (p:Person {id: 'p1'})
           RETURN p.influence AS influence, p.community AS community,
                  COUNT { (p)-[:TOPIC_INFLUENCE|ADVOCATES|DETRACTS|IN_COMMUNITY]->() } AS computed,
                  [(p)-[:HAS_MEMBER]->(i:Identity) | i.influence] AS identities,
                  COLLECT { MATCH (c:Community) WHERE 'p1' IN c.topMembers RETURN c.id } AS tops""",
        {},
        allow_write=False,
    )[1][0]
    assert stored == {"influence": None, "community": None, "computed": 0, "identities": [None], "tops": []}
    consent.record_consent(social_map, person_id="p1", purpose="profiling", status="granted", recorded_by="test")
    after = data(ask(api, f'{{ person(id: "p1") {{ {PROFILE} }} }}'))["person"]
    assert after["scores"] is None  # nothing comes back by itself: the next job run computes it again


def test_a_lapsed_consent_is_swept(social_map: Database) -> None:
    """p5's profile is in the fixture although they withdrew: the sweep (each job run and the API
    server's timer run it) clears it, and only theirs; with the default denied, everyone's."""
    assert consent.unprofiled(social_map, default="granted") == {UNPROFILED}
    assert consent.sweep(social_map, default="granted") == 1
    assert consent.unprofiled(social_map, default="granted") == set()
    everyone = {pid for pid, *_ in PERSONS}
    assert consent.unprofiled(social_map, default="denied") == everyone - {UNPROFILED}  # nobody granted profiling


def test_the_api_server_sweeps_lapsed_consent_by_itself(serve: Serve, social_map: Database) -> None:
    stored = "MATCH (p:Person {id: $id}) RETURN p.influence AS influence"
    assert social_map.adhoc(stored, {"id": UNPROFILED}, allow_write=False)[1] == [{"influence": 0.5}]
    with serve(consent_sweep_seconds=0.2):
        deadline = time.monotonic() + 10
        while social_map.adhoc(stored, {"id": UNPROFILED}, allow_write=False)[1] != [{"influence": None}]:
            assert time.monotonic() < deadline, "the server's sweep never cleared p5's scores"
            time.sleep(0.1)
    assert social_map.adhoc(stored, {"id": "p1"}, allow_write=False)[1] == [{"influence": 0.9}]  # only theirs
