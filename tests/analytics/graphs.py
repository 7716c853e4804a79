"""Small social maps written into the test Neo4j with plain Cypher, and their NetworkX references."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import networkx as nx

from graphsvc.db import Database

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def write_graph(
    db: Database,
    *,
    identities: Mapping[str, int | None],
    follows: Iterable[tuple[str, str]] = (),
    friends: Iterable[tuple[str, str]] = (),
    interactions: Iterable[tuple[str, str, float, int]] = (),
    persons: Mapping[str, Sequence[str]] = {},
) -> None:
    """Identities ``"platform:key" -> followers``, ties, ``(a, b, weight, count)`` interactions, persons."""
    rows = [{"platform": k.split(":")[0], "key": k.split(":", 1)[1], "followers": f} for k, f in identities.items()]
    db.adhoc(
        "UNWIND $rows AS r CREATE (:Identity {platform: r.platform, key: r.key, followers: r.followers})",
        {"rows": rows},
        allow_write=True,
    )
    split = _split_pairs
    db.adhoc(
        "UNWIND $rows AS r MATCH (a:Identity {platform: r[0], key: r[1]}), (b:Identity {platform: r[2], key: r[3]}) "
        "CREATE (a)-[:FOLLOWS {since: $now}]->(b)",
        {"rows": split(follows), "now": NOW},
        allow_write=True,
    )
    db.adhoc(
        "UNWIND $rows AS r MATCH (a:Identity {platform: r[0], key: r[1]}), (b:Identity {platform: r[2], key: r[3]}) "
        "CREATE (a)-[:FRIENDS_WITH]->(b)",
        {"rows": split(friends)},
        allow_write=True,
    )
    talk = [[*a.split(":", 1), *b.split(":", 1), w, c] for a, b, w, c in interactions]
    db.adhoc(
        "UNWIND $rows AS r MATCH (a:Identity {platform: r[0], key: r[1]}), (b:Identity {platform: r[2], key: r[3]}) "
        "CREATE (a)-[:INTERACTED {weight: r[4], count: r[5], lastAt: $now}]->(b)",
        {"rows": talk, "now": NOW},
        allow_write=True,
    )
    members = [
        {"id": pid, "members": [[m.split(":")[0], m.split(":", 1)[1]] for m in ms]} for pid, ms in persons.items()
    ]
    db.adhoc(
        "UNWIND $rows AS r CREATE (p:Person {id: r.id}) WITH p, r UNWIND r.members AS m "
        "MATCH (i:Identity {platform: m[0], key: m[1]}) CREATE (p)-[:HAS_MEMBER]->(i)",
        {"rows": members},
        allow_write=True,
    )


def _split_pairs(pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    return [[*a.split(":", 1), *b.split(":", 1)] for a, b in pairs]


def write_posts(db: Database, posts: Iterable[Mapping[str, Any]]) -> None:
    """Posts ``{author: "platform:key", topics: [...], brands: [...], sentiment: float | None}``."""
    rows = [
        {
            "id": f"p{i}",
            "platform": p["author"].split(":")[0],
            "author": p["author"].split(":", 1)[1],
            "topics": list(p.get("topics", [])),
            "brands": list(p.get("brands", [])),
            "sentiment": p.get("sentiment"),
        }
        for i, p in enumerate(posts)
    ]
    db.adhoc(
        "UNWIND $rows AS r MATCH (a:Identity {platform: r.platform, key: r.author}) "
        "CREATE (a)-[:POSTED]->(p:Post {platform: r.platform, postId: r.id, createdAt: $now, sentiment: r.sentiment}) "
        "FOREACH (t IN r.topics | MERGE (topic:Topic {name: t}) CREATE (p)-[:TAGGED]->(topic)) "
        "FOREACH (b IN r.brands | MERGE (brand:Brand {name: b}) CREATE (p)-[:MENTIONS]->(brand))",
        {"rows": rows, "now": NOW},
        allow_write=True,
    )


def read_scores(db: Database, label: str) -> dict[str, dict[str, Any]]:
    """Scores written on Person (by id) or Identity (by "identity:platform:key") nodes."""
    if label == "Person":
        text = "MATCH (n:Person) WHERE n.scoresJobRun IS NOT NULL RETURN n.id AS k, properties(n) AS props"
    else:
        text = (
            "MATCH (n:Identity) WHERE n.scoresJobRun IS NOT NULL "
            "RETURN 'identity:' + n.platform + ':' + n.key AS k, properties(n) AS props"
        )
    return {row["k"]: row["props"] for row in db.adhoc(text, {}, allow_write=False)[1]}


def rows(db: Database, text: str, **params: Any) -> list[dict[str, Any]]:
    return db.adhoc(text, params, allow_write=False)[1]


def nmi(truth: Mapping[Hashable, Hashable], found: Mapping[Hashable, Hashable]) -> float:
    """Normalised mutual information of two labellings of the same nodes (arithmetic-mean normalisation)."""
    nodes = list(truth)
    n = len(nodes)
    joint = Counter((truth[v], found[v]) for v in nodes)
    a, b = Counter(truth[v] for v in nodes), Counter(found[v] for v in nodes)
    mutual = sum(c / n * math.log(c * n / (a[x] * b[y])) for (x, y), c in joint.items())
    ha = -sum(c / n * math.log(c / n) for c in a.values())
    hb = -sum(c / n * math.log(c / n) for c in b.values())
    return 1.0 if ha + hb == 0 else 2 * mutual / (ha + hb)


def weighted_digraph(edges: Mapping[tuple[str, str], float], nodes: Iterable[str] = ()) -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_nodes_from(nodes)
    G.add_weighted_edges_from((u, v, w) for (u, v), w in edges.items())
    return G
