"""graphsvc.client over real HTTP: DataFrames with their documented columns and dtypes, pages followed,
graphs for NetworkX, typed errors, PII by role, retries across a restart."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import networkx as nx
import pandas as pd
import pytest

from graphsvc.api import create_app
from graphsvc.client import (
    PAGE,
    BadInput,
    Client,
    Conflict,
    Forbidden,
    GraphsvcError,
    NotFound,
    Unauthenticated,
    Unavailable,
)
from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.synth import BRANDS
from tests.support import free_port, graphql, serve_in_thread

COMPONENTS = ["influence", "pagerank", "reach", "engagement", "kcore", "betweenness"]


ClientFor = Callable[..., Client]


@pytest.fixture
def client_for(api: str, keys: dict[str, str]) -> Iterator[ClientFor]:
    """``client_for(role, **options)``: a client of the API with that role's key; closed after the test."""
    made: list[Client] = []

    def make(role: str | None, url: str | None = None, key: str | None = None, **options: Any) -> Client:
        made.append(
            Client(url or api, key if key is not None else keys[role] if role else "", progress=False, **options)
        )
        return made[-1]

    yield make
    for client in made:
        client.close()


@pytest.fixture
def analyst(client_for: ClientFor) -> Client:
    return client_for("analyst")


def _ids_by_hand(api: str, key: str, query: str, path: str) -> list[str]:
    """Every id of a connection, page by page, as a hand-written client would read it."""
    ids: list[str] = []
    after = None
    while True:
        body = graphql(api, query, {"after": after}, Authorization=f"Bearer {key}")
        connection = body["data"][path]
        ids += [e["node"]["id"] for e in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return ids
        after = connection["pageInfo"]["endCursor"]


def test_influencers_follow_pages_into_a_typed_frame(api: str, keys: dict[str, str], analyst: Client) -> None:
    frame = analyst.influencers(limit=PAGE + 30)  # more than one page of the API
    columns = ["rank", "id", "name", "score", "platforms", "community", "followers", "size", *COMPONENTS]
    assert list(frame.columns) == columns
    assert str(frame["id"].dtype) == "string" and str(frame["rank"].dtype) == "Int64"
    assert frame["score"].dtype == "float64" and str(frame["kcore"].dtype) == "Int64"
    assert str(frame["followers"].dtype) == "Int64" and frame["pagerank"].dtype == "float64"
    expected = _ids_by_hand(
        api,
        keys["analyst"],
        "query($after: String) { influencers(first: 50, after: $after) { "
        "pageInfo { hasNextPage endCursor } edges { node { id } } } }",
        "influencers",
    )
    assert frame["id"].tolist() == expected[: PAGE + 30] and frame["id"].is_unique
    assert frame["score"].is_monotonic_decreasing and (frame["score"] == frame["influence"]).all()
    assert frame["rank"].tolist() == list(range(1, len(frame) + 1))
    by_reach = analyst.influencers(sort="reach", limit=40)
    assert by_reach["reach"].is_monotonic_decreasing
    topic = analyst.query("{ trendingTopics(days: 3650, minPosts: 1, first: 1) { topic } }")["trendingTopics"]
    on_topic = analyst.influencers(topic=topic[0]["topic"], limit=10)
    assert not on_topic.empty and on_topic["rank"].notna().all()


def test_persons_memberships_and_communities(api: str, keys: dict[str, str], analyst: Client) -> None:
    persons = analyst.persons(limit=1000)
    total = graphql(api, "{ persons { totalCount } }", Authorization=f"Bearer {keys['analyst']}")["data"]
    assert len(persons) == total["persons"]["totalCount"] > PAGE and persons["id"].is_unique
    assert persons["id"].tolist() == sorted(persons["id"].tolist())
    assert str(persons["size"].dtype) == "Int64" and persons["platforms"].map(lambda v: isinstance(v, list)).all()
    members = analyst.memberships()
    assert set(members["person"]) == set(persons["id"])
    assert set(members["kind"]) == {"contact", "identity"}
    assert members["record"].str.match(r"^(contact|identity):[^:]+:.+$").all()  # the analyst reads every key
    filtered = analyst.persons(has_contact=True, min_influence=0.0, limit=1000)
    assert 0 < len(filtered) < len(persons)
    communities = analyst.communities()
    assert list(communities.columns) == ["id", "size", "persons", "top_topics", "top_members", "ties"]
    assert communities["size"].is_monotonic_decreasing and communities["ties"].map(lambda t: isinstance(t, dict)).all()


def test_person_profile_by_role(
    api: str, keys: dict[str, str], analyst: Client, crm: Database, client_for: ClientFor
) -> None:
    _, rows, _ = crm.adhoc(
        "MATCH (p:Person)-[:HAS_MEMBER]->(:Contact)-[:HAS]->(:Identity {platform: 'email'}) "
        "RETURN p.id AS id ORDER BY p.id LIMIT 1",
        {},
        allow_write=False,
    )
    pid = rows[0]["id"]
    seen = analyst.person(pid)
    assert seen.id == pid and seen.history_visible and not seen.history.empty
    emails = seen.identities[seen.identities["platform"] == "email"]
    assert not emails.empty and emails["handle"].str.contains("@").all()
    assert list(seen.values.columns) == ["field", "value", "source", "at", "rule", "edited"]
    assert seen.history["at"].dtype.kind == "M"
    viewer = client_for("viewer").person(pid)
    hidden = viewer.identities[viewer.identities["platform"] == "email"]
    assert not hidden.empty and hidden["handle"].isna().all()  # the same person, no email for a viewer
    assert (
        not viewer.history_visible
        and viewer.history.empty
        and list(viewer.history.columns) == list(seen.history.columns)
    )
    assert "@" not in " ".join(viewer.values["value"].dropna().astype(str))


def test_segment_review_queue_and_conversations(
    api: str, keys: dict[str, str], analyst: Client, client_for: ClientFor
) -> None:
    segment = client_for("marketer").segment(has_contact=True, limit=30)
    assert len(segment) == 30 and segment.attrs["count"] >= 30
    queue = analyst.review_queue(limit=15)
    assert 0 < len(queue) <= 15 and queue["score"].between(0, 1).all()
    assert queue["evidence"].map(lambda e: isinstance(e, list | dict)).all()
    brand = BRANDS[0].name
    trend = analyst.trend(brand=brand, days=3650)
    assert not trend.empty and trend["bucket"].dtype.kind == "M" and str(trend["posts"].dtype) == "Int64"
    assert trend["sentiment"].between(-1, 1).all()
    assert list(analyst.trending_topics(days=3650, min_posts=1).columns) == ["topic", "current", "previous", "growth"]
    signals = analyst.demand_signals(days=3650)
    assert str(signals["created_at"].dtype).startswith("datetime64") and "UTC" in str(signals["created_at"].dtype)
    advocates = analyst.stances(brand, "advocates", limit=20)
    assert advocates["stance"].is_monotonic_decreasing
    flat = analyst.query_df("{ influencers(first: 5) { edges { score node { id name } } } }", path="influencers.edges")
    assert list(flat.columns) == ["score", "node.id", "node.name"] and len(flat) == 5


def test_graphs_for_networkx(analyst: Client) -> None:
    top = analyst.influencers(limit=3)["id"].tolist()
    ego = analyst.subgraph(top[0], hops=2, limit=60)
    assert isinstance(ego, nx.MultiDiGraph) and ego.nodes[top[0]]["distance"] == 0
    assert 1 < ego.number_of_nodes() <= 61 and ego.number_of_edges() > 0
    for _, _, key, attrs in ego.edges(keys=True, data=True):
        assert key == attrs["kind"] and 0 < attrs["weight"] <= 1 and attrs["interactions"] >= 0
    assert {"name", "platforms", "community", "influence", "avatar", "handle"} <= set(ego.nodes[top[0]])
    follows = analyst.subgraph(top, hops=1, kinds=["follows"], limit=30)
    assert {k for _, _, k in follows.edges(keys=True)} <= {"FOLLOWS"} and set(top) <= set(follows)
    assert nx.pagerank(nx.DiGraph(ego))  # any algorithm works at once
    communities = analyst.community_graph()
    assert communities.number_of_nodes() == len(analyst.communities())
    assert all(w > 0 for _, _, w in communities.edges(data="weight"))
    with pytest.raises(BadInput) as refused:
        analyst.subgraph(top[0], limit=5000)
    assert refused.value.hint and "more seeds" in refused.value.hint


def test_errors_are_typed_with_code_path_and_hint(
    api: str, keys: dict[str, str], analyst: Client, client_for: ClientFor, crm: Database
) -> None:
    with pytest.raises(NotFound) as missing:
        analyst.person("nobody")
    assert missing.value.code == "NOT_FOUND"
    with pytest.raises(Forbidden) as forbidden:
        client_for("viewer").review_queue()
    assert forbidden.value.code == "FORBIDDEN" and forbidden.value.path == ["reviewQueue"]
    with pytest.raises(Unauthenticated) as anonymous:
        client_for(None).influencers()
    assert anonymous.value.code == "UNAUTHENTICATED" and anonymous.value.hint
    with pytest.raises(Unauthenticated):
        client_for(None, key="gsk_not_a_key").influencers()
    with pytest.raises(BadInput) as bad:
        analyst.influencers(min_score=2.0)
    assert bad.value.code == "BAD_USER_INPUT" and bad.value.path == ["influencers"] and "minScore" in str(bad.value)
    with pytest.raises(BadInput) as invalid:
        analyst.query("{ influencers { nope } }")
    assert invalid.value.code == "GRAPHQL_VALIDATION_FAILED"
    assert isinstance(invalid.value, GraphsvcError)
    crm.adhoc(
        "MERGE (l:JobLock {name: 'analytics'}) SET l.holder = 'all-cli', l.heartbeatAt = datetime()",
        {},
        allow_write=True,
    )
    try:  # a job runs in another process
        with pytest.raises(Conflict) as busy:
            analyst.query("mutation { runJob(kind: INFLUENCE) { id } }")
    finally:
        crm.adhoc("MATCH (l:JobLock {name: 'analytics'}) SET l.holder = null", {}, allow_write=True)
    assert busy.value.code == "CONFLICT" and "all-cli" in busy.value.message and busy.value.hint
    closed = client_for("viewer", url=f"http://127.0.0.1:{free_port()}", retries=2, backoff=0.01)
    began = time.monotonic()
    with pytest.raises(Unavailable) as down:
        closed.influencers()
    assert down.value.code == "UNAVAILABLE" and time.monotonic() - began < 5


def test_retries_carry_a_call_across_an_api_restart(crm: Database, settings: Settings, client_for: ClientFor) -> None:
    port = free_port()
    app_settings = settings.model_copy(update={"anonymous_role": "none"})
    client = client_for("viewer", url=f"http://127.0.0.1:{port}", retries=6, backoff=0.2)
    with serve_in_thread(create_app(app_settings, crm), port=port):
        before = client.influencers(limit=5)
    # the API is down; it comes back a moment after the call began
    restarted = threading.Event()
    stop = threading.Event()

    def restart() -> None:
        time.sleep(1.0)
        with serve_in_thread(create_app(app_settings, crm), port=port):
            restarted.set()
            stop.wait(30)

    thread = threading.Thread(target=restart, daemon=True)
    thread.start()
    try:
        after = client.influencers(limit=5)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert restarted.is_set()
    pd.testing.assert_frame_equal(before, after)
