"""Communities: seeded Louvain on the undirected attention graph, and what each community is about.

Pure functions of a NetworkX graph. Louvain (``nx.community.louvain_communities``) maximises
modularity on the undirected graph whose edge weight is the attention flowing either way between
two nodes; with the same ``seed`` it returns the same partition. Communities come back largest
first (ties broken by their smallest member), so their index is a stable label within a run.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

__all__ = ["CommunitySummary", "louvain", "membership", "summarize", "undirected"]


def undirected(G: nx.Graph, *, weight: str = "weight") -> nx.Graph:
    """The undirected graph of ``G`` in which ``u - v`` weighs ``w(u, v) + w(v, u)``."""
    if not G.is_directed():
        return G
    U = nx.Graph()
    U.add_nodes_from(G)
    adj = U._adj  # a plain dict-of-dicts update: several times faster than add_edge per edge
    for u, v, w in G.edges(data=weight, default=1.0):
        if v in adj[u]:
            adj[u][v][weight] += w
        else:
            data = {weight: w}
            adj[u][v] = data
            adj[v][u] = data
    return U


def louvain(
    G: nx.Graph, *, weight: str = "weight", resolution: float = 1.0, seed: int = 0, threshold: float = 1e-7
) -> list[set[Hashable]]:
    """Louvain communities of ``G`` (undirected, see ``undirected``), largest first; reproducible per ``seed``.

    Examples
    --------
    >>> G = nx.barbell_graph(5, 0)
    >>> [sorted(c) for c in louvain(G)]
    [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    """
    if len(G) == 0:
        return []
    found = nx.community.louvain_communities(
        undirected(G, weight=weight), weight=weight, resolution=resolution, threshold=threshold, seed=seed
    )
    return sorted((set(c) for c in found), key=lambda c: (-len(c), min(str(v) for v in c)))


def membership(communities: list[set[Hashable]]) -> dict[Hashable, int]:
    """node -> index of its community."""
    return {node: i for i, members in enumerate(communities) for node in members}


@dataclass
class CommunitySummary:
    index: int
    size: int
    top_members: list[Hashable]
    top_topics: list[str]


def summarize(
    communities: list[set[Hashable]],
    *,
    rank: Mapping[Any, float],
    topic_posts: Mapping[str, Mapping[Any, int]],
    top_members: int = 10,
    top_topics: int = 5,
    eligible: Callable[[Hashable], bool] | None = None,
) -> list[CommunitySummary]:
    """Size, highest-ranked members (only ``eligible`` ones, if given) and most-posted topics per community."""
    where = membership(communities)
    topics: list[Counter[str]] = [Counter() for _ in communities]
    for topic, posters in topic_posts.items():
        for node, posts in posters.items():
            if node in where:
                topics[where[node]][topic] += posts
    summaries = []
    for i, members in enumerate(communities):
        candidates = [v for v in members if eligible is None or eligible(v)]
        best = sorted(candidates, key=lambda v: (-rank.get(v, 0.0), str(v)))[:top_members]
        named = sorted(topics[i].items(), key=lambda kv: (-kv[1], kv[0]))[:top_topics]
        summaries.append(CommunitySummary(i, len(members), best, [name for name, _ in named]))
    return summaries


def community_ties(
    G: nx.Graph, communities: list[set[Hashable]], *, top: int = 8, weight: str = "weight"
) -> list[list[tuple[int, float]]]:
    """Per community, its ``top`` strongest neighbours: ``(index, summed weight of the edges between them)``.

    The map of communities: one pass over the edges, edges inside a community and nodes outside
    every community left out. Directed graphs count each direction.
    """
    where = membership(communities)
    between: list[defaultdict[int, float]] = [defaultdict(float) for _ in communities]
    for u, v, w in G.edges(data=weight, default=1.0):
        cu, cv = where.get(u), where.get(v)
        if cu is None or cv is None or cu == cv:
            continue
        between[cu][cv] += w
        between[cv][cu] += w
    return [sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:top] for c in between]
