"""Warm paths, segments, pagination, the round-trip bound and the limits, over real HTTP."""

from __future__ import annotations

import csv
import io

from graphsvc.db import Database, query
from graphsvc.service.influencers import InfluencerFilter, page_params
from tests.api.client import ask, data, error
from tests.api.conftest import Serve
from tests.api.graph import EXCLUDED, write_many_persons

PAGE = """query($first: Int, $after: String) { persons(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { id name identities { platform handle } scores { influence pagerank } community { id size } } } }"""


def test_warm_path_follows_real_ties_and_respects_consent(api: str, social_map: Database, keys: dict[str, str]) -> None:
    path = data(
        ask(
            api,
            '{ warmPath(from: "p1", to: "p6") { hops strength persons { id } ties { kinds } } }',
            key=keys["marketer"],
        )
    )["warmPath"]
    assert [p["id"] for p in path["persons"]] == ["p1", "p2", "p6"]  # Ada -> Grace (friends) -> Mary (connected)
    assert path["hops"] == 2 and len(path["ties"]) == 2 and 0 < path["strength"] <= 1
    # from any of "our people" (persons with a CRM contact) when no start is given
    assert data(ask(api, '{ warmPath(to: "p3") { persons { id } } }', key=keys["marketer"]))["warmPath"]["persons"][0][
        "id"
    ] in {"p1", "p2"}
    # p4 denied marketing: no path to them, and nobody's path goes through them
    assert data(ask(api, '{ warmPath(from: "p1", to: "p4") { hops } }', key=keys["marketer"]))["warmPath"] is None
    assert (
        data(ask(api, '{ warmPath(from: "p1", to: "p9", maxHops: 2) { hops } }', key=keys["marketer"]))["warmPath"]
        is None
    )
    bad = error(ask(api, '{ warmPath(from: "p1", to: "p6", maxHops: 0) { hops } }', key=keys["marketer"]))
    assert bad["extensions"]["code"] == "BAD_USER_INPUT" and bad["path"] == ["warmPath"]


def test_segment_counts_and_exports_only_consenting_people(
    api: str, social_map: Database, keys: dict[str, str]
) -> None:
    segment = data(
        ask(
            api,
            '{ segment(filter: {community: "run1:1"}) { count persons { nodes { id } } '
            "export(format: CSV) { rows data hasMore } } }",
            key=keys["marketer"],
        )
    )["segment"]
    members = {"p4", "p5", "p6", "p7", "p8", "p9"}
    assert segment["count"] == len(members - EXCLUDED) == 3
    assert {p["id"] for p in segment["persons"]["nodes"]} == members - EXCLUDED
    rows = list(csv.DictReader(io.StringIO(segment["export"]["data"])))
    assert {r["id"] for r in rows} == members - EXCLUDED and segment["export"]["rows"] == 3
    assert not segment["export"]["hasMore"]


def test_pages_do_not_overlap_and_cost_a_fixed_number_of_round_trips(serve: Serve, db: Database) -> None:
    ids = write_many_persons(db, 120)
    with serve() as base:
        seen: list[str] = []
        after = None
        costs = []
        while True:
            before = db.round_trips
            page = data(ask(base, PAGE, {"first": 50, "after": after}))["persons"]
            costs.append(db.round_trips - before)
            seen += [p["id"] for p in page["nodes"]]
            assert all(len(p["identities"]) == 2 and p["community"]["id"] == "bulk" for p in page["nodes"])
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert sorted(seen) == sorted(ids) and len(seen) == len(set(seen)) == page["totalCount"] == 120
        assert costs[0] <= 5 and len(set(costs)) == 1, costs  # 50 persons or 20: the same few round trips
        before = db.round_trips
        data(ask(base, PAGE, {"first": 5}))
        assert db.round_trips - before == costs[0]


def test_a_person_with_identities_costs_one_round_trip(serve: Serve, social_map: Database) -> None:
    """The look-up sees identities asked for (directly, in a fragment or an inline fragment) and
    fetches them with the person; the answer is the one the two-query path gives."""
    two_queries = """{ person(id: "p1") { id name } }"""
    shapes = [
        """{ person(id: "p1") { id name identities { platform handle displayName } } }""",
        """{ person(id: "p1") { id ...who } }
        fragment who on Person { name identities { platform handle displayName } }""",
        """{ person(id: "p1") { id ... on Person { name identities { platform handle displayName } } } }""",
    ]
    with serve(anonymous_role="viewer") as base:
        before = social_map.round_trips
        plain = data(ask(base, two_queries))["person"]
        assert social_map.round_trips - before == 1
        answers = []
        for shape in shapes:
            before = social_map.round_trips
            answers.append(data(ask(base, shape))["person"])
            assert social_map.round_trips - before == 1, shape
        assert answers[0] == answers[1] == answers[2] and answers[0]["name"] == plain["name"]
        identities = answers[0]["identities"]
        assert len(identities) >= 2 and identities == sorted(
            identities, key=lambda i: (i["platform"], i["handle"] or "")
        )
        # the same identities the per-kind DataLoader gives on a page of persons
        page = data(ask(base, "{ persons(first: 50) { nodes { id identities { platform handle displayName } } } }"))
        assert next(p for p in page["persons"]["nodes"] if p["id"] == "p1")["identities"] == identities
        assert data(ask(base, '{ person(id: "nobody") { id identities { platform } } }'))["person"] is None


def test_depth_alias_and_token_limits_give_coded_errors(serve: Serve, social_map: Database) -> None:
    with serve(max_query_depth=4, max_aliases=3, max_tokens=200) as base:
        deep = error(ask(base, '{ person(id: "p1") { community { members { nodes { community { id } } } } } }'))
        assert deep["extensions"]["code"] == "QUERY_TOO_DEEP"
        aliases = error(ask(base, "{ a: health { ok } b: health { ok } c: health { ok } d: health { ok } }"))
        assert aliases["extensions"]["code"] == "TOO_MANY_ALIASES"
        tokens = error(ask(base, "{ " + " ".join(["health { ok }"] * 80) + " }"))
        assert tokens["extensions"]["code"] == "TOO_MANY_TOKENS"
        assert data(ask(base, '{ person(id: "p1") { name } }'))["person"]["name"] == "Ada Lovelace"


BY_COMPONENT = """query($sort: InfluencerSort, $after: String, $topic: String) {
  influencers(first: 7, after: $after, sort: $sort, topic: $topic) {
    pageInfo { hasNextPage endCursor } edges { score node { id scores { influence pagerank reach } } } } }"""


def _all_pages(base: str, query_text: str, variables: dict[str, object]) -> list[dict[str, object]]:
    edges: list[dict[str, object]] = []
    after = None
    while True:
        page = data(ask(base, query_text, {**variables, "after": after}))["influencers"]
        edges += page["edges"]
        if not page["pageInfo"]["hasNextPage"]:
            return edges
        after = page["pageInfo"]["endCursor"]


def test_influencers_rank_by_a_component_over_the_whole_list(serve: Serve, social_map: Database) -> None:
    """Ranking by a component orders every page of the list, not one page: pages of 7 come back in
    (pagerank, id) descending order over all targetable persons, ties included; a cursor of one
    ranking is refused by another; topic lists rank by a component too."""
    ids = write_many_persons(social_map, 30, prefix="c")
    # pagerank against influence: the ranking differs from the score's; three persons tie
    social_map.adhoc(
        "UNWIND range(0, size($ids) - 1) AS n MATCH (p:Person {id: $ids[n]}) "
        "SET p.pagerank = CASE WHEN n % 10 = 3 THEN 0.5 ELSE toFloat(n) / 100 END, p.reach = 30 - n",
        {"ids": ids},
        allow_write=True,
    )
    with serve() as base:
        seen = _all_pages(base, BY_COMPONENT, {"sort": "PAGERANK"})
        keys = [(e["node"]["scores"]["pagerank"], e["node"]["id"]) for e in seen]
        assert keys == sorted(keys, reverse=True) and len(keys) == len(set(keys))
        ranked = {e["node"]["id"] for e in seen}
        scored = "MATCH (p:Person) WHERE p.pagerank IS NOT NULL RETURN p.id AS id"
        _, rows, _ = social_map.adhoc(scored, {}, allow_write=False)
        expected = {row["id"] for row in rows}
        assert ranked == expected - EXCLUDED and ranked & EXCLUDED == set()
        assert [e["node"]["id"] for e in seen[:3]] == ["c023", "c013", "c003"]  # the tie at 0.5, by id descending
        by_reach = _all_pages(base, BY_COMPONENT, {"sort": "REACH"})
        reach = [e["node"]["scores"]["reach"] for e in by_reach]
        assert reach == sorted(reach, reverse=True)
        # the score stays the influence, whatever the ranking
        assert all(e["score"] == e["node"]["scores"]["influence"] for e in by_reach)
        first = data(ask(base, BY_COMPONENT, {"sort": "PAGERANK"}))["influencers"]["pageInfo"]["endCursor"]
        refused = error(ask(base, BY_COMPONENT, {"sort": "REACH", "after": first}))
        assert refused["extensions"]["code"] == "BAD_USER_INPUT" and refused["path"] == ["influencers"]


INFLUENCERS = """query($after: String) { influencers(first: 20, after: $after) {
  pageInfo { hasNextPage endCursor } edges { score node { id } } } }"""


def test_influencers_page_through_tied_scores_in_index_order(serve: Serve, db: Database) -> None:
    """Persons tied on influence come by id, descending like the score, so the (influence, id) index
    hands rows over in order: no page repeats or skips one, and Neo4j reads no further than a page."""
    tied = write_many_persons(db, 45, prefix="t", influence=0.8)
    below = write_many_persons(db, 10, prefix="u")  # 1.0 down to 0.55: around and among the tie
    expected = sorted([(0.8, pid) for pid in tied] + [(1.0 - n / 20, pid) for n, pid in enumerate(below)], reverse=True)
    with serve() as base:
        seen: list[tuple[float, str]] = []
        after = None
        while True:
            page = data(ask(base, INFLUENCERS, {"after": after}))["influencers"]
            seen += [(e["score"], e["node"]["id"]) for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
    assert seen == expected
    first_page = page_params(InfluencerFilter(), 20, None, "granted")
    plan = db.driver.execute_query(
        "EXPLAIN " + query("api.influencers"), first_page, database_=db.database
    ).summary.plan
    operators: list[str] = []
    stack = [plan]
    while stack:
        step = stack.pop()
        operators.append(step["operatorType"].split("@")[0])
        stack += step.get("children", [])
    assert "NodeIndexSeek" in operators and not {"Sort", "Top", "PartialTop", "PartialSort"} & set(operators), operators
