"""Ties between persons, ego networks, and warm paths: the strongest chain of real ties to a prospect.

Ties live between identities (FOLLOWS, FRIENDS_WITH, CONNECTED_TO, INTERACTED); ``api.person_ties``
folds all of them between two persons into one *strength* in (0, 1]. A warm path is the chain of at
most ``MAX_HOPS`` ties from one of *our people* (persons with a CRM contact among their members) to
the prospect whose product of strengths is highest, i.e. whose sum of ``-log(strength)`` is lowest.

How it is found: the person-level neighbourhood is read from Neo4j layer by layer (one query per
layer, each person's strongest ``PER_PERSON`` ties, at most ``FRONTIER`` new persons per layer),
from the prospect outwards (and from ``from``, when given: two layers each way), into a small
NetworkX graph; ``strongest_path`` then runs a hop-bounded Bellman-Ford on it. Cypher's
``shortestPath`` counts hops, not strengths, and Neo4j community has no weighted path procedures.
People failing consent for marketing or profiling are never read into the graph, so they appear
neither as ends nor in the middle of a path.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graphsvc.db import Database
from graphsvc.errors import InputError, NotFound
from graphsvc.service import consent

__all__ = ["EgoNetwork", "Tie", "WarmPath", "ego_network", "strongest_path", "warm_path"]

MAX_HOPS = 4
PER_PERSON = 50
FRONTIER = 200
MAX_EGO_DEPTH = 3
MAX_EGO_SIZE = 500


@dataclass(frozen=True)
class Tie:
    source: str
    target: str
    strength: float
    kinds: tuple[str, ...]
    interactions: int


@dataclass
class EgoNetwork:
    center: str
    distances: dict[str, int] = field(default_factory=dict)  # person id -> hops from the center
    ties: list[Tie] = field(default_factory=list)


@dataclass
class WarmPath:
    persons: list[str]
    ties: list[Tie]
    strength: float

    @property
    def hops(self) -> int:
        return len(self.ties)


def strongest_path(
    graph: nx.Graph, source: Hashable, targets: Collection[Hashable], *, max_hops: int, weight: str = "cost"
) -> list[Hashable] | None:
    """The cheapest path of at most ``max_hops`` edges from ``source`` to any node of ``targets``.

    Bellman-Ford stopped after ``max_hops`` rounds; edge weights must be >= 0.

    Examples
    --------
    >>> G = nx.Graph([("a", "b", {"cost": 1}), ("b", "c", {"cost": 1}), ("a", "c", {"cost": 5})])
    >>> strongest_path(G, "a", {"c"}, max_hops=2)
    ['a', 'b', 'c']
    >>> strongest_path(G, "a", {"c"}, max_hops=1)
    ['a', 'c']
    """
    if source not in graph:
        return None
    best: dict[Hashable, tuple[float, list[Hashable]]] = {source: (0.0, [source])}
    frontier = dict(best)
    for _ in range(max_hops):
        reached: dict[Hashable, tuple[float, list[Hashable]]] = {}
        for node, (cost, path) in frontier.items():
            for neighbour, data in graph[node].items():
                total = cost + float(data[weight])
                if total < best.get(neighbour, (math.inf,))[0] and total < reached.get(neighbour, (math.inf,))[0]:
                    reached[neighbour] = (total, [*path, neighbour])
        best.update(reached)
        frontier = reached
        if not frontier:
            break
    found = [(best[t][0], str(t), best[t][1]) for t in targets if t in best and t != source]
    return min(found)[2] if found else None


def _ties(
    db: Database, ids: Sequence[str], *, purposes: Sequence[str], consent_default: str, per_person: int
) -> list[dict[str, Any]]:
    if not ids:
        return []
    return db.read("api.person_ties", ids=list(ids), perPerson=per_person, **consent.params(consent_default, purposes))


def _tie(row: dict[str, Any]) -> Tie:
    return Tie(
        source=row["person"],
        target=row["other"],
        strength=float(row["strength"]),
        kinds=tuple(sorted(row["kinds"])),
        interactions=int(row["interactions"] or 0),
    )


def _expand(
    db: Database,
    graph: nx.Graph,
    start: str,
    layers: int,
    *,
    purposes: Sequence[str],
    consent_default: str,
    per_person: int = PER_PERSON,
    frontier_cap: int = FRONTIER,
) -> None:
    """Read ``layers`` layers of ties around ``start`` into ``graph`` (nodes carry ``ours`` and ``distance``)."""
    frontier = [start]
    seen = {start}
    for distance in range(1, layers + 1):
        rows = _ties(db, frontier, purposes=purposes, consent_default=consent_default, per_person=per_person)
        fresh: dict[str, float] = {}
        for row in rows:
            if row["strength"] <= 0:
                continue
            tie = _tie(row)
            for node in (tie.source, tie.target):
                graph.add_node(node)
            attributes = graph.nodes[tie.target]
            attributes["ours"] = bool(row["ours"])
            attributes.setdefault("distance", distance)
            attributes["strength"] = max(attributes.get("strength", 0.0), tie.strength)
            graph.add_edge(tie.source, tie.target, tie=tie, cost=-math.log(min(tie.strength, 1.0)))
            if tie.target not in seen:
                fresh[tie.target] = max(fresh.get(tie.target, 0.0), tie.strength)
        frontier = sorted(fresh, key=lambda node: (-fresh[node], node))[:frontier_cap]
        seen.update(frontier)
        if not frontier:
            return


def _edge_tie(graph: nx.Graph, a: str, b: str) -> Tie:
    tie: Tie = graph.edges[a, b]["tie"]
    return tie if tie.source == a else Tie(a, b, tie.strength, tie.kinds, tie.interactions)


def ego_network(db: Database, person_id: str, *, depth: int = 1, limit: int = 50, consent_default: str) -> EgoNetwork:
    """The persons within ``depth`` ties of ``person_id`` (at most ``limit``, strongest first) and the ties found.

    Consent as ``influencers`` has it: persons whose consent for marketing or profiling is not granted
    are neither members nor passed through; when ``person_id`` is one of them, the network is the
    person alone.
    """
    if not 1 <= depth <= MAX_EGO_DEPTH:
        raise InputError(f"expected 1 to {MAX_EGO_DEPTH}, got {depth}", where="depth")
    if not 1 <= limit <= MAX_EGO_SIZE:
        raise InputError(
            f"expected 1 to {MAX_EGO_SIZE}, got {limit}",
            where="limit",
            hint="one network is bounded so that no call pulls the whole graph: for more, ask from more seeds "
            "(each brings its own neighbourhood), or read persons page by page",
        )
    graph = nx.Graph()
    graph.add_node(person_id, distance=0)
    if consent.targetable(db, [person_id], default=consent_default):
        _expand(
            db,
            graph,
            person_id,
            depth,
            purposes=consent.TARGETING_PURPOSES,
            consent_default=consent_default,
            per_person=limit,
            frontier_cap=limit,
        )
    distance = dict(graph.nodes(data="distance", default=0))
    kept = sorted(graph.nodes, key=lambda n: (distance[n], -graph.nodes[n].get("strength", 1.0), str(n)))[: limit + 1]
    sub = graph.subgraph(kept)
    # Each tie points away from the center (from the nearer person to the farther one).
    ties = [
        _edge_tie(sub, a, b) if (distance[a], str(a)) <= (distance[b], str(b)) else _edge_tie(sub, b, a)
        for a, b in sub.edges
    ]
    return EgoNetwork(
        center=person_id,
        distances={str(n): distance[n] for n in sub.nodes},
        ties=sorted(ties, key=lambda t: (-t.strength, t.source, t.target)),
    )


def warm_path(
    db: Database, to_id: str, *, from_id: str | None = None, consent_default: str, max_hops: int = MAX_HOPS
) -> WarmPath | None:
    """The strongest chain of ties from ``from_id`` (else any of our people) to ``to_id``, or None."""
    if not 1 <= max_hops <= MAX_HOPS:
        raise InputError(f"expected 1 to {MAX_HOPS}, got {max_hops}", where="maxHops")
    if from_id == to_id:
        raise InputError("expected two different persons", where="from")
    ends = [to_id] + ([from_id] if from_id else [])
    found = {row["person"]: row["ours"] for row in db.read("api.our_people", ids=ends)}
    for person, where in ((to_id, "to"), (from_id, "from")):
        if person is not None and person not in found:
            raise NotFound(f"no person {person!r}", hint=f"check the id given as {where!r}")
    if from_id and not found[from_id]:
        raise InputError(f"expected one of our people (a person with a CRM contact), got {from_id!r}", where="from")
    if consent.targetable(db, ends, default=consent_default) != set(ends):
        return None
    purposes = consent.TARGETING_PURPOSES
    graph = nx.Graph()
    graph.add_node(to_id, ours=found[to_id], distance=0)
    if from_id:
        graph.add_node(from_id, ours=True, distance=0)
        _expand(db, graph, to_id, max_hops - max_hops // 2, purposes=purposes, consent_default=consent_default)
        _expand(db, graph, from_id, max_hops // 2, purposes=purposes, consent_default=consent_default)
        sources: set[Hashable] = {from_id}
    else:
        _expand(db, graph, to_id, max_hops, purposes=purposes, consent_default=consent_default)
        sources = {n for n, ours in graph.nodes(data="ours") if ours and n != to_id}
    path = strongest_path(graph, to_id, sources, max_hops=max_hops)
    if path is None:
        return None
    chain = [str(node) for node in reversed(path)]
    ties = [_edge_tie(graph, a, b) for a, b in itertools.pairwise(chain)]
    return WarmPath(persons=chain, ties=ties, strength=math.prod(t.strength for t in ties))
