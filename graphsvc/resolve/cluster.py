"""Clustering units into persons: strongest evidence first, with constraints and a chaining guard.

Edges between units are merged in descending order of match probability (a greedy,
constrained agglomeration over the NetworkX graph of accepted edges). A merge is refused when

* a **cannot-link** (a rejected review decision, or a split a human made) joins the two sides;
* it would **chain**: both sides already hold several units and the edges between them are
  few and not strong: one weak bridge must not merge two large clusters (average-link
  support below ``min_support``);
* both sides hold an account on the **same social platform** and the edge is not strong
  (people rarely keep two accounts on one platform; namesakes often do);
* the result would exceed ``max_size`` units.

**Must-links** (accepted decisions) are merged first and always, unless a cannot-link
forbids it (then the later decision wins: it is the human's most recent word).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

__all__ = ["ClusterOptions", "assign_ids", "cluster_units", "new_person_id"]


@dataclass(frozen=True)
class ClusterOptions:
    threshold: float = 0.7  # probability at which an edge may merge automatically
    strong: float = 0.999  # an edge this sure may bridge large clusters and same-platform accounts
    min_support: float = 0.5  # share of cross pairs (of the smaller side) that must be linked to bridge
    max_size: int = 40


class _Clusters:
    def __init__(self, n: int, platforms: Sequence[frozenset[str]]) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}
        self.platforms: dict[int, Counter[str]] = {i: Counter(platforms[i]) for i in range(n)}

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def union(self, a: int, b: int) -> int:
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a].extend(self.members.pop(b))
        self.platforms[a].update(self.platforms.pop(b))
        return a


def cluster_units(
    n_units: int,
    edges: Mapping[tuple[int, int], float],
    *,
    unit_platforms: Sequence[frozenset[str]],
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
    options: ClusterOptions = ClusterOptions(),
    merges: list[tuple[int, int]] | None = None,
) -> list[list[int]]:
    """Partition units ``0..n_units-1``; ``edges`` maps unit pairs to match probabilities.

    ``merges``, when given, receives each edge that joined two clusters (a spanning forest of the
    persons: the evidence that explains every automatic merge, one edge per merge).
    """
    clusters = _Clusters(n_units, unit_platforms)
    forbidden: dict[int, set[int]] = {}
    for a, b in cannot_link:
        forbidden.setdefault(a, set()).add(b)
        forbidden.setdefault(b, set()).add(a)

    def blocked(ra: int, rb: int) -> bool:
        small, large = (ra, rb) if len(clusters.members[ra]) <= len(clusters.members[rb]) else (rb, ra)
        other = set(clusters.members[large])
        return any(forbidden.get(u, set()) & other for u in clusters.members[small])

    for a, b in must_link:
        ra, rb = clusters.find(a), clusters.find(b)
        if ra != rb and not blocked(ra, rb):
            clusters.union(ra, rb)

    graph = nx.Graph()
    graph.add_weighted_edges_from((a, b, p) for (a, b), p in edges.items() if p >= options.threshold)
    for a, b, p in sorted(graph.edges(data="weight"), key=lambda e: (-e[2], e[0], e[1])):
        ra, rb = clusters.find(a), clusters.find(b)
        if ra == rb or blocked(ra, rb):
            continue
        size_a, size_b = len(clusters.members[ra]), len(clusters.members[rb])
        if size_a + size_b > options.max_size:
            continue
        strong = p >= options.strong
        if not strong and clusters.platforms[ra] & clusters.platforms[rb]:
            continue
        if size_a > 1 and size_b > 1 and not strong:
            linked = sum(1 for u in clusters.members[ra] for v in clusters.members[rb] if graph.has_edge(u, v))
            if linked < options.min_support * min(size_a, size_b) or linked < 2:
                continue
        clusters.union(ra, rb)
        if merges is not None:
            merges.append((a, b))
    return [sorted(members) for members in clusters.members.values()]


def new_person_id(members: Sequence[str]) -> str:
    """A new person's id, derived from its smallest member key (so a re-run finds the same one)."""
    return "p-" + hashlib.blake2b(min(members).encode(), digest_size=6).hexdigest()


def assign_ids(clusters: Sequence[Sequence[str]], previous: Mapping[str, str]) -> list[str]:
    """Person ids for ``clusters`` (lists of record keys), reusing ``previous`` ids (record key -> id).

    A cluster keeps the old id it shares most members with, provided it holds over half of
    that old person's members still present and that no other cluster holds more of them;
    otherwise it gets a new id derived from its smallest member key.
    """
    old_sizes = Counter(previous[key] for cluster in clusters for key in cluster if key in previous)
    claims = []
    for index, cluster in enumerate(clusters):
        overlap = Counter(previous[key] for key in cluster if key in previous)
        for old, shared in overlap.items():
            if shared * 2 > old_sizes[old] or (shared * 2 == old_sizes[old] and shared * 2 >= len(cluster)):
                claims.append((-shared, old, index))
    ids: list[str | None] = [None] * len(clusters)
    used: set[str] = set()
    for _, old, index in sorted(claims):
        if ids[index] is None and old not in used:
            ids[index] = old
            used.add(old)
    for index, cluster in enumerate(clusters):
        if ids[index] is None:
            candidate, suffix = new_person_id(cluster), 1
            while candidate in used:
                candidate, suffix = f"{new_person_id(cluster)}-{suffix}", suffix + 1
            ids[index] = candidate
            used.add(candidate)
    return [i for i in ids if i is not None]
