"""Projection from the real Neo4j: nodes, attention edges and weights at identity and person level."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graphsvc.analytics import EdgeWeights, project
from graphsvc.db import Database
from tests.analytics.graphs import write_graph, write_posts


@pytest.fixture
def small(db: Database) -> Database:
    write_graph(
        db,
        identities={"twitter:a": 10, "linkedin:a": 5, "twitter:b": None, "twitter:c": 1, "email:x@y.org": None},
        follows=[("twitter:a", "twitter:b"), ("twitter:b", "twitter:b")],
        friends=[("twitter:b", "twitter:c")],
        interactions=[
            ("twitter:c", "twitter:a", 1.5, 2),
            ("linkedin:a", "twitter:a", 9.0, 9),
            ("twitter:c", "linkedin:a", 0.5, 1),
        ],
        persons={"P": ["twitter:a", "linkedin:a"]},
    )
    return db


def test_identity_level_edges_follow_attention_with_weights(small: Database) -> None:
    G = project(small, weights=EdgeWeights(tie=0.25, interaction=2.0)).identities
    # the email identity takes no part in the social map; b's tie to itself is no edge
    assert set(G) == {"identity:twitter:a", "identity:linkedin:a", "identity:twitter:b", "identity:twitter:c"}
    edges = {(u.split(":", 1)[1], v.split(":", 1)[1]): (d["weight"], d["engagement"]) for u, v, d in G.edges(data=True)}
    assert edges == {
        ("twitter:a", "twitter:b"): (0.25, 0.0),
        ("twitter:b", "twitter:c"): (0.25, 0.0),
        ("twitter:c", "twitter:b"): (0.25, 0.0),  # friends: both ways
        ("twitter:c", "twitter:a"): (3.0, 1.5),
        ("linkedin:a", "twitter:a"): (18.0, 9.0),
        ("twitter:c", "linkedin:a"): (1.0, 0.5),
    }
    assert G.nodes["identity:twitter:a"] | {} == {
        "platform": "twitter",
        "key": "a",
        "followers": 10,
        "person": "person:P",
    }
    assert (
        G.nodes["identity:twitter:b"]["followers"] == 0
        and G.nodes["identity:twitter:b"]["person"] == "identity:twitter:b"
    )


def test_person_level_collapses_members_and_sums_edges(small: Database) -> None:
    projection = project(small)
    P = projection.persons
    assert set(P) == {"person:P", "identity:twitter:b", "identity:twitter:c"}
    assert P.nodes["person:P"]["followers"] == 15 and P.nodes["person:P"]["id"] == "P"
    assert sorted(P.nodes["person:P"]["members"]) == ["identity:linkedin:a", "identity:twitter:a"]
    assert P.nodes["identity:twitter:c"]["id"] is None
    assert not P.has_edge("person:P", "person:P")  # a person's accounts talking to each other is no influence
    assert P.edges["identity:twitter:c", "person:P"]["weight"] == pytest.approx(1.5 + 0.5)
    assert P.edges["identity:twitter:c", "person:P"]["engagement"] == pytest.approx(2.0)
    assert projection.counts() == {
        "identities": 4,
        "identity_edges": 6,
        "persons": 3,
        "person_edges": 4,
        "topics": 0,
        "brands": 0,
    }


def test_platform_and_since_filters(small: Database) -> None:
    only_twitter = project(small, platform="twitter")
    assert {d["platform"] for _, d in only_twitter.identities.nodes(data=True)} == {"twitter"}
    assert only_twitter.persons.nodes["person:P"]["followers"] == 10
    later = project(small, since=datetime(2030, 1, 1, tzinfo=UTC))  # interactions are from 2025: only ties stay
    assert all(d["engagement"] == 0.0 for _, _, d in later.identities.edges(data=True))
    assert later.identities.number_of_edges() == 3


def test_topics_and_brands_are_counted_per_person(small: Database) -> None:
    write_posts(
        small,
        [
            {"author": "twitter:a", "topics": ["crm", "ai"]},
            {"author": "linkedin:a", "topics": ["crm"]},
            {"author": "twitter:c", "topics": ["crm"], "brands": ["acme"], "sentiment": -0.5},
            {"author": "twitter:a", "brands": ["acme"], "sentiment": 0.25},
            {"author": "linkedin:a", "brands": ["acme"], "sentiment": 0.75},
        ],
    )
    projection = project(small)
    assert projection.topic_posts == {"crm": {"person:P": 2, "identity:twitter:c": 1}, "ai": {"person:P": 1}}
    assert projection.brand_posts == {"acme": {"person:P": (2, 1.0), "identity:twitter:c": (1, -0.5)}}
    assert project(small, since=datetime(2030, 1, 1, tzinfo=UTC)).topic_posts == {}
