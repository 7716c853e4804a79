"""Projection: stream the social map out of Neo4j into NetworkX graphs, at two levels.

* **identity level**: one node per ``Identity`` (``"identity:<platform>:<key>"``), one edge ``a -> b``
  where attention flows from ``a`` to ``b``: ``a`` follows, replies to, mentions or shares ``b``.
* **person level**: identities collapsed by ``(:Person)-[:HAS_MEMBER]->(:Identity)``; a person's X,
  LinkedIn and forum audiences add up. An identity without a Person stands for itself (its node
  key is its identity key); a Person's node key is ``"person:<id>"``.

Edge attributes: ``weight`` (attention: ``tie`` per declared tie, ``interaction`` per
recency-weighted interaction) and ``engagement`` (the recency-weighted interaction count alone).
``FRIENDS_WITH`` and ``CONNECTED_TO`` are mutual, so they count in both directions.

Records are read in one read transaction whose function iterates the result as the driver pulls
it in batches (``fetch_size``): memory holds the graph being built, never the whole result.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import networkx as nx
from neo4j import ManagedTransaction

from graphsvc.db import Database
from graphsvc.db.queries import query

__all__ = [
    "EdgeWeights",
    "Projection",
    "ProjectionBuilder",
    "identity_node",
    "person_node",
    "project",
]

Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class EdgeWeights:
    """How much one declared tie and one (recency-weighted) interaction weigh as attention."""

    tie: float = 0.1
    interaction: float = 1.0


@dataclass
class Projection:
    """The two graphs and what the jobs need beside them.

    ``identities`` and ``persons`` are ``nx.DiGraph``; identity nodes carry ``platform``, ``key``,
    ``followers`` and ``person`` (their person-level node); person nodes carry ``id`` (the Person's id,
    or None for an identity that stands for itself), ``followers`` (summed) and ``members``.
    ``topic_posts[topic][person node]`` and ``brand_posts[brand][person node] = (posts, sentiment sum)``
    are at person level.
    """

    identities: nx.DiGraph = field(default_factory=nx.DiGraph)
    persons: nx.DiGraph = field(default_factory=nx.DiGraph)
    topic_posts: dict[str, dict[str, int]] = field(default_factory=dict)
    brand_posts: dict[str, dict[str, tuple[int, float]]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "identities": self.identities.number_of_nodes(),
            "identity_edges": self.identities.number_of_edges(),
            "persons": self.persons.number_of_nodes(),
            "person_edges": self.persons.number_of_edges(),
            "topics": len(self.topic_posts),
            "brands": len(self.brand_posts),
        }


def identity_node(platform: str, key: str) -> str:
    return f"identity:{platform}:{key}"


def person_node(person_id: str) -> str:
    return f"person:{person_id}"


def project(
    db: Database,
    *,
    platform: str | None = None,
    since: datetime | None = None,
    weights: EdgeWeights = EdgeWeights(),
    progress: Progress | None = None,
) -> Projection:
    """Read the social map (optionally one platform, interactions and posts since a time) into a Projection."""
    params = {"platform": platform, "since": since}
    began = time.perf_counter()
    builder = ProjectionBuilder(weights)

    def stream(name: str, add: Callable[[list[Any]], None]) -> None:
        text = query(name)
        phase = f"read {name.split('.')[1]}"

        def work(tx: ManagedTransaction) -> int:
            builder.reset(name)  # a retried transaction starts this part over
            seen = 0
            for record in tx.run(text, params):
                add(record.values())
                seen += 1
                if progress and seen % 10_000 == 0:
                    progress(phase, seen, None)
            return seen

        db.read_tx(work)

    stream("analytics.identities", builder.add_identity)
    stream("analytics.topic_posts", builder.add_topic_posts)
    stream("analytics.brand_sentiment", builder.add_brand_posts)
    read_seconds = time.perf_counter() - began
    projection = builder.build()
    projection.seconds = {"read": round(read_seconds, 3), "build": round(time.perf_counter() - began - read_seconds, 3)}
    return projection


class ProjectionBuilder:
    """Accumulates streamed rows into node and edge tables; ``build`` makes the graphs."""

    def __init__(self, weights: EdgeWeights) -> None:
        self.weights = weights
        self.nodes: dict[str, dict[str, Any]] = {}
        self.succ: dict[str, dict[str, list[float]]] = {}  # source -> target -> [weight, engagement]
        self.topic_rows: list[tuple[str, str, int]] = []
        self.brand_rows: list[tuple[str, str, int, float]] = []

    def reset(self, name: str) -> None:
        if name == "analytics.identities":
            self.nodes.clear()
            self.succ.clear()
        elif name == "analytics.topic_posts":
            self.topic_rows.clear()
        else:
            self.brand_rows.clear()

    def add_identity(self, row: list[Any]) -> None:
        # The hot loop of a projection (once per edge): plain dict operations only.
        platform, key, followers, person_id, ties, interactions = row
        source = identity_node(platform, key)
        self.nodes[source] = {
            "platform": platform,
            "key": key,
            "followers": int(followers or 0),
            "person": person_node(person_id) if person_id is not None else source,
        }
        succ, tie, interaction = self.succ, self.weights.tie, self.weights.interaction
        out = succ.setdefault(source, {})
        for target, directed, tie_weight in ties:
            if target == source:
                continue
            w = tie if tie_weight is None else tie * tie_weight
            edge = out.get(target)
            if edge is None:
                out[target] = [w, 0.0]
            else:
                edge[0] += w
            if not directed:
                back = succ.setdefault(target, {})
                edge = back.get(source)
                if edge is None:
                    back[source] = [w, 0.0]
                else:
                    edge[0] += w
        for target, interaction_weight, count in interactions:
            if target == source:
                continue
            w = float(interaction_weight if interaction_weight is not None else count or 0)
            edge = out.get(target)
            if edge is None:
                out[target] = [interaction * w, w]
            else:
                edge[0] += interaction * w
                edge[1] += w

    def add_topic_posts(self, row: list[Any]) -> None:
        self.topic_rows.append((row[0], row[1], int(row[2])))

    def add_brand_posts(self, row: list[Any]) -> None:
        self.brand_rows.append((row[0], row[1], int(row[2]), float(row[3])))

    def edges(self) -> Iterator[tuple[str, str, float, float]]:
        for u, out in self.succ.items():
            for v, (w, e) in out.items():
                yield u, v, w, e

    def build(self) -> Projection:
        identities = nx.DiGraph()
        identities.add_nodes_from(self.nodes.items())
        identities.add_edges_from((u, v, {"weight": w, "engagement": e}) for u, v, w, e in self.edges())
        for node, data in identities.nodes(data=True):
            if "person" not in data:  # cannot happen with the filters as written; keep every node complete
                platform, _, key = node.removeprefix("identity:").partition(":")
                data.update(platform=platform, key=key, followers=0, person=node)
        projection = Projection(identities=identities, persons=_collapse(identities, self.edges()))
        owner = nx.get_node_attributes(identities, "person")
        for identity, topic, posts in self.topic_rows:
            person = owner.get(identity)
            if person is not None:
                per_topic = projection.topic_posts.setdefault(topic, {})
                per_topic[person] = per_topic.get(person, 0) + posts
        for identity, brand, posts, sentiment_sum in self.brand_rows:
            person = owner.get(identity)
            if person is not None:
                per_brand = projection.brand_posts.setdefault(brand, {})
                before = per_brand.get(person, (0, 0.0))
                per_brand[person] = (before[0] + posts, before[1] + sentiment_sum)
        return projection


def _collapse(identities: nx.DiGraph, edges: Iterable[tuple[str, str, float, float]]) -> nx.DiGraph:
    """The person-level graph: members' followers summed, edges between persons summed, self-loops dropped."""
    persons = nx.DiGraph()
    for node, data in identities.nodes(data=True):
        person = data["person"]
        if person in persons:
            attrs = persons.nodes[person]
            attrs["followers"] += data["followers"]
            attrs["members"].append(node)
        else:
            person_id = person.removeprefix("person:") if person.startswith("person:") else None
            persons.add_node(person, id=person_id, followers=data["followers"], members=[node])
    owner = nx.get_node_attributes(identities, "person")
    collapsed: dict[tuple[str, str], list[float]] = {}
    for u, v, w, e in edges:
        pu, pv = owner[u], owner[v]
        if pu != pv:
            edge = collapsed.get((pu, pv))
            if edge is None:
                collapsed[pu, pv] = [w, e]
            else:
                edge[0] += w
                edge[1] += e
    persons.add_edges_from((u, v, {"weight": w, "engagement": e}) for (u, v), (w, e) in collapsed.items())
    return persons
