"""Influence measures: pure functions of a NetworkX graph whose edges point where attention flows.

Each function takes a graph (``u -> v``: ``u`` listens to ``v``) and returns plain values keyed by
node, like NetworkX's own algorithms:

* ``pagerank`` / ``topic_pagerank``: weighted (personalised) PageRank, the same numbers as
  ``nx.pagerank``; the transition matrix is built once and every topic's vector iterates together.
* ``betweenness``: Brandes' betweenness over unweighted shortest paths, exact or from ``k`` sampled
  sources, the same numbers as ``nx.betweenness_centrality(G, k=k, seed=seed)``, computed with sparse
  matrix products over a block of sources at once instead of one Python BFS per source.
* ``reach``: the declared audience (followers, or the observed one if larger) plus a distinct
  two-hop audience estimated with bottom-k (KMV) sketches.
* ``engagement``: recency-weighted interactions received; ``kcore``: ``nx.core_number``.
* ``combine``: the one influence score (0..1) from the components, which are kept for explanation.
"""

from __future__ import annotations

import heapq
import math
import random
import time
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sparse

__all__ = [
    "INFLUENCE_WEIGHTS",
    "InfluenceResult",
    "betweenness",
    "combine",
    "engagement",
    "kcore",
    "measure_influence",
    "pagerank",
    "reach",
    "topic_pagerank",
]

#: How much each normalised component counts in the combined influence score (they sum to 1).
INFLUENCE_WEIGHTS: dict[str, float] = {
    "pagerank": 0.45,
    "engagement": 0.3,
    "reach": 0.1,
    "betweenness": 0.1,
    "kcore": 0.05,
}
_BLOCK_CELLS = 8_000_000  # nodes x sources per betweenness block: about 64 MB per dense array


def _transition(G: nx.Graph, weight: str | None) -> tuple[list[Hashable], sparse.csr_array, np.ndarray]:
    """Nodes, the transposed row-stochastic matrix (as nx.pagerank builds it) and the dangling nodes."""
    nodelist = list(G)
    A = nx.to_scipy_sparse_array(G, nodelist=nodelist, weight=weight, dtype=float)
    S = np.asarray(A.sum(axis=1)).ravel()
    dangling = S == 0
    S[~dangling] = 1.0 / S[~dangling]
    P = (sparse.dia_array((S, 0), shape=A.shape) @ A).T.tocsr()
    return nodelist, P, dangling


def _power_iteration(
    PT: sparse.csr_array, dangling: np.ndarray, p: np.ndarray, alpha: float, tol: float, max_iter: int
) -> np.ndarray:
    """Columns of ``p`` are personalisation vectors (each sums to 1); returns the PageRank columns."""
    n = PT.shape[0]
    x = np.full(p.shape, 1.0 / n)
    active = np.arange(p.shape[1])  # a column stops where nx.pagerank would stop it: same numbers
    for _ in range(max_iter):
        last, q = x[:, active], p[:, active]
        step = alpha * (PT @ last + last[dangling].sum(axis=0) * q) + (1 - alpha) * q
        x[:, active] = step
        active = active[np.abs(step - last).sum(axis=0) >= n * tol]
        if not len(active):
            return x
    raise nx.PowerIterationFailedConvergence(max_iter)


def pagerank(
    G: nx.Graph,
    *,
    alpha: float = 0.85,
    weight: str | None = "weight",
    personalization: Mapping[Any, float] | None = None,
    tol: float = 1e-6,
    max_iter: int = 100,
) -> dict[Hashable, float]:
    """PageRank as ``nx.pagerank`` defines it (dangling mass follows the personalisation vector).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("c", "b"), ("b", "a")])
    >>> max(pagerank(G).items(), key=lambda kv: kv[1])[0]
    'b'
    """
    if len(G) == 0:
        return {}
    topics = topic_pagerank(
        G, {None: personalization or dict.fromkeys(G, 1.0)}, alpha=alpha, weight=weight, tol=tol, max_iter=max_iter
    )
    return topics[None]


def topic_pagerank(
    G: nx.Graph,
    seeds: Mapping[Any, Mapping[Any, float]],
    *,
    alpha: float = 0.85,
    weight: str | None = "weight",
    tol: float = 1e-6,
    max_iter: int = 100,
    block: int = 64,
) -> dict[Any, dict[Hashable, float]]:
    """Personalised PageRank for each entry of ``seeds`` (topic -> {node: seed weight}).

    Equals ``nx.pagerank(G, personalization=seeds[topic])`` for every topic; the matrix is built once
    and up to ``block`` topics iterate together. Seeds that are not nodes of ``G`` are ignored; a
    topic none of whose seeds is in ``G`` is left out of the result.
    """
    if len(G) == 0:
        return {}
    nodelist, PT, dangling = _transition(G, weight)
    index = {node: i for i, node in enumerate(nodelist)}
    names = list(seeds)
    result: dict[Any, dict[Hashable, float]] = {}
    for start in range(0, len(names), block):
        chunk, columns = [], []
        for name in names[start : start + block]:
            p = np.zeros(len(nodelist))
            for node, w in seeds[name].items():
                if node in index:
                    p[index[node]] += w
            if p.sum() > 0:
                chunk.append(name)
                columns.append(p / p.sum())
        if not chunk:
            continue
        x = _power_iteration(PT, dangling, np.column_stack(columns), alpha, tol, max_iter)
        for j, name in enumerate(chunk):
            result[name] = dict(zip(nodelist, x[:, j].tolist(), strict=True))
    return result


def betweenness(
    G: nx.Graph, *, k: int | None = None, seed: int | None = None, normalized: bool = True
) -> dict[Hashable, float]:
    """Betweenness over unweighted shortest paths, from all sources or ``k`` sampled with ``seed``.

    The sources are drawn exactly as ``nx.betweenness_centrality`` draws them, so the result equals
    ``nx.betweenness_centrality(G, k=k, seed=seed, normalized=normalized)``. A block of sources moves
    forward one BFS level per sparse product (path counts), then back (dependencies).
    """
    nodelist = list(G)
    n = len(nodelist)
    if k is not None and k >= n:
        k = None
    sources = nodelist if k is None else random.Random(seed).sample(nodelist, k)
    index = {node: i for i, node in enumerate(nodelist)}
    total = np.zeros(n)
    if n:
        A = nx.to_scipy_sparse_array(G, nodelist=nodelist, weight=None, dtype=float).tocsr()
        AT = A.T.tocsr()
        size = max(1, min(256, _BLOCK_CELLS // max(n, 1)))
        src = [index[s] for s in sources]
        for start in range(0, len(src), size):
            total += _brandes_block(A, AT, np.asarray(src[start : start + size]))
    return _rescale(
        dict(zip(nodelist, total.tolist(), strict=True)),
        n,
        normalized=normalized,
        directed=G.is_directed(),
        sampled=None if k is None else set(sources),
    )


def _brandes_block(A: sparse.csr_array, AT: sparse.csr_array, sources: np.ndarray) -> np.ndarray:
    n, s = A.shape[0], len(sources)
    columns = np.arange(s)
    sigma = np.zeros((n, s))
    sigma[sources, columns] = 1.0
    dist = np.full((n, s), -1, dtype=np.int32)
    dist[sources, columns] = 0
    frontier, depth = sigma.copy(), 0
    while True:
        reached = AT @ frontier  # shortest-path counts into the next level
        reached[dist >= 0] = 0.0
        new = reached > 0
        if not new.any():
            break
        depth += 1
        dist[new] = depth
        sigma += reached
        frontier = reached
    delta = np.zeros((n, s))
    for d in range(depth, 0, -1):
        at_d = dist == d
        coeff = np.divide(1.0 + delta, sigma, out=np.zeros((n, s)), where=at_d)
        pulled = A @ coeff  # sum over successors w at depth d of (1 + delta[w]) / sigma[w]
        delta += np.where(dist == d - 1, sigma * pulled, 0.0)
    delta[sources, columns] = 0.0  # a source is no intermediate of its own paths
    return np.asarray(delta.sum(axis=1)).ravel()


def _rescale(
    values: dict[Hashable, float], n: int, *, normalized: bool, directed: bool, sampled: set[Hashable] | None
) -> dict[Hashable, float]:
    """NetworkX's rescaling for betweenness without endpoints (networkx 3.5+), sampled or not."""
    N = n - 1
    if N < 2:
        return values
    correction = 1 if directed or normalized else 2
    if sampled is None:
        scale = 1 / (N * (N - 1)) if normalized else N / (N * correction)
        return {v: b * scale for v, b in values.items()}
    k = len(sampled)
    if normalized:
        source_scale = 1 / ((k - 1) * (N - 1)) if k > 1 else math.nan
        other_scale = 1 / (k * (N - 1))
    else:
        source_scale = N / ((k - 1) * correction) if k > 1 else math.nan
        other_scale = N / (k * correction)
    return {v: b * (source_scale if v in sampled else other_scale) for v, b in values.items()}


def reach(G: nx.Graph, *, followers: str = "followers", k: int = 64, seed: int = 0) -> dict[Hashable, float]:
    """Direct audience plus a distinct two-hop audience estimate, for every node.

    direct(v) = max(followers attribute, number of in-neighbours); two_hop(v) = the distinct nodes
    that reach v in exactly two steps and not in one (v excluded), estimated from bottom-``k``
    sketches of uniform hashes (exact unless an in-neighbour itself has more than ``k`` in-neighbours).
    """
    rng = random.Random(seed)
    h = {v: rng.random() for v in G}
    pred = G.pred if G.is_directed() else G.adj
    # k + 1 values per cut sketch: after v's own hash is dropped the union still holds its k smallest.
    sketch = {
        w: (vals if len(vals) <= k else heapq.nsmallest(k + 1, vals)) for w in G for vals in ([h[u] for u in pred[w]],)
    }
    truncated = {w for w in G if len(pred[w]) > k}
    result: dict[Hashable, float] = {}
    for v in G:
        audience = pred[v]
        union: set[float] = set()
        for w in audience:
            union.add(h[w])
            union.update(sketch[w])
        union.discard(h[v])
        # where every sketch is whole, the union is the two-hop audience itself
        whole = truncated.isdisjoint(audience)
        distinct = float(len(union)) if whole else (k - 1) / heapq.nsmallest(k, union)[-1]
        direct = max(int(G.nodes[v].get(followers) or 0), len(audience))
        result[v] = float(direct) + max(0.0, distinct - len(audience))
    return result


def engagement(G: nx.Graph, *, weight: str = "engagement") -> dict[Hashable, float]:
    """Interactions received (each already weighted by its recency)."""
    degrees = G.in_degree(weight=weight) if G.is_directed() else G.degree(weight=weight)
    return {v: float(d) for v, d in degrees}


def kcore(G: nx.Graph) -> dict[Hashable, int]:
    """The core number of each node (``nx.core_number``; in a digraph degree is in + out)."""
    return dict(nx.core_number(G))


def _log_scaled(values: Mapping[Any, float]) -> dict[Hashable, float]:
    """log1p(x / mean) / log1p(max / mean): 0..1, monotone, and heavy tails do not flatten the rest."""
    if not values:
        return {}
    mean = sum(values.values()) / len(values)
    top = max(values.values())
    if mean <= 0 or top <= 0:
        return dict.fromkeys(values, 0.0)
    denominator = math.log1p(top / mean)
    return {v: math.log1p(max(x, 0.0) / mean) / denominator for v, x in values.items()}


def combine(
    components: Mapping[str, Mapping[Any, float]], weights: Mapping[str, float] = INFLUENCE_WEIGHTS
) -> dict[Hashable, float]:
    """The combined influence: a weighted sum of log-scaled components, divided by its maximum (0..1)."""
    scaled = {name: _log_scaled(components[name]) for name in weights}
    nodes = next(iter(components.values()), {})
    raw = {v: sum(w * scaled[name].get(v, 0.0) for name, w in weights.items()) for v in nodes}
    top = max(raw.values(), default=0.0)
    return {v: (x / top if top > 0 else 0.0) for v, x in raw.items()}


@dataclass
class InfluenceResult:
    """Per node: every component and the combined score; seconds per measure."""

    scores: dict[Hashable, dict[str, float]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def ranking(self, measure: str = "influence") -> list[Hashable]:
        """Nodes from the highest score down (ties broken by node key, for reproducibility)."""
        return sorted(self.scores, key=lambda v: (-self.scores[v][measure], str(v)))


def measure_influence(
    G: nx.Graph,
    *,
    alpha: float = 0.85,
    betweenness_k: int | None = 256,
    seed: int = 0,
    reach_k: int = 64,
    weights: Mapping[str, float] = INFLUENCE_WEIGHTS,
) -> InfluenceResult:
    """Every influence component of every node of ``G`` and the combined score."""
    seconds: dict[str, float] = {}
    components: dict[str, dict[Hashable, float]] = {}

    def timed(name: str, compute: Any) -> None:
        began = time.perf_counter()
        components[name] = compute()
        seconds[name] = round(time.perf_counter() - began, 3)

    timed("pagerank", lambda: pagerank(G, alpha=alpha))
    timed("reach", lambda: reach(G, k=reach_k, seed=seed))
    timed("engagement", lambda: engagement(G))
    timed("kcore", lambda: {v: float(c) for v, c in kcore(G).items()})
    timed("betweenness", lambda: betweenness(G, k=betweenness_k, seed=seed))
    began = time.perf_counter()
    combined = combine(components, weights)
    scores = {v: {name: values[v] for name, values in components.items()} | {"influence": combined[v]} for v in G}
    seconds["combine"] = round(time.perf_counter() - began, 3)
    return InfluenceResult(scores=scores, seconds=seconds)
