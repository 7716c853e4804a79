"""The influence measures as pure functions: the same numbers as NetworkX's reference implementations."""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest

from graphsvc.analytics.influence import (
    betweenness,
    combine,
    engagement,
    measure_influence,
    pagerank,
    reach,
    topic_pagerank,
)


def weighted(n: int, p: float, seed: int, directed: bool = True) -> nx.Graph:
    G = nx.gnp_random_graph(n, p, seed=seed, directed=directed)
    rng = random.Random(seed)
    for u, v in G.edges:
        G.edges[u, v]["weight"] = rng.uniform(0.1, 3.0)
    return G


def assert_same(found: dict, expected: dict, tol: float = 1e-9) -> None:
    assert found.keys() == expected.keys()
    assert max(abs(found[v] - expected[v]) for v in expected) <= tol


@pytest.mark.parametrize("seed", range(4))
def test_pagerank_equals_networkx(seed: int) -> None:
    G = weighted(80, 0.05, seed)  # sparse enough to have dangling nodes
    assert_same(pagerank(G), nx.pagerank(G, weight="weight"), 1e-12)
    assert_same(pagerank(G, weight=None, alpha=0.7), nx.pagerank(G, weight=None, alpha=0.7), 1e-12)


def test_topic_pagerank_equals_personalised_networkx_for_every_topic() -> None:
    G = weighted(120, 0.04, 9)
    rng = random.Random(1)
    seeds = {f"t{i}": {rng.randrange(120): rng.randint(1, 5) for _ in range(4)} for i in range(70)}  # two blocks
    seeds["outside"] = {"not-a-node": 3}
    found = topic_pagerank(G, seeds, block=64)
    assert set(found) == set(seeds) - {"outside"}
    for topic in ("t0", "t42", "t69"):
        assert_same(found[topic], nx.pagerank(G, personalization=seeds[topic], weight="weight"), 1e-12)
    assert found["t0"] != found["t1"]


@pytest.mark.parametrize("k", [None, 1, 15])
@pytest.mark.parametrize("directed", [True, False])
def test_betweenness_equals_networkx(k: int | None, directed: bool) -> None:
    G = weighted(90, 0.05, 3, directed=directed)
    assert_same(betweenness(G, k=k, seed=11), nx.betweenness_centrality(G, k=k, seed=11), 1e-12)
    if k is None:
        assert_same(betweenness(G, normalized=False), nx.betweenness_centrality(G, normalized=False), 1e-9)


def test_betweenness_finds_the_broker_between_two_groups() -> None:
    G = nx.barbell_graph(6, 1).to_directed()  # two cliques, node 6 alone between them
    scores = betweenness(G, k=8, seed=0)
    assert max(scores, key=scores.__getitem__) == 6


def test_reach_counts_followers_and_the_distinct_two_hop_audience() -> None:
    G = nx.DiGraph([("f1", "v"), ("f2", "v"), ("g1", "f1"), ("g1", "f2"), ("g2", "f2"), ("v", "f1"), ("f1", "f2")])
    G.nodes["v"]["followers"] = 100
    found = reach(G)
    # v: 100 declared followers; two hops: g1 and g2 (f1 is already direct; v itself never counts).
    assert found["v"] == 100 + 2
    assert found["f2"] == 3 + 1  # direct: f1, g1, g2; two hops: v (through f1; g1 is already direct)
    assert found["g1"] == 0


def _exact_reach(G: nx.DiGraph, v: int) -> int:
    audience = set(G.pred[v])
    return len(audience) + len({u for w in audience for u in G.pred[w]} - audience - {v})


def test_reach_is_exact_while_no_sketch_is_cut() -> None:
    G = nx.gnp_random_graph(3000, 0.004, seed=5, directed=True)  # in-degrees far below k
    found = reach(G, k=64, seed=1)
    assert all(found[v] == _exact_reach(G, v) for v in G)


def test_reach_estimate_is_close_where_sketches_are_cut() -> None:
    G = nx.DiGraph(nx.scale_free_graph(5000, seed=1))  # hubs with far more than k in-neighbours
    G.remove_edges_from(list(nx.selfloop_edges(G)))
    k = 64
    cut = {w for w in G if len(G.pred[w]) > k}
    estimated = [v for v in G if not cut.isdisjoint(G.pred[v])]
    exact = {v: _exact_reach(G, v) for v in estimated}
    assert len(estimated) > 100
    signed, absolute = [], []
    for seed in range(8):  # the hashes' seed: errors of one draw are shared by nodes with shared audiences
        found = reach(G, k=k, seed=seed)
        errors = [(found[v] - exact[v]) / exact[v] for v in estimated]
        signed.append(sum(errors) / len(errors))
        absolute.append(sum(map(abs, errors)) / len(errors))
    assert sum(absolute) / len(absolute) <= 1.6 / k**0.5  # KMV's standard error is about 1 / sqrt(k)
    assert abs(sum(signed) / len(signed)) <= 1.2 / k**0.5  # and it is unbiased


def test_engagement_sums_interactions_received() -> None:
    G = nx.DiGraph()
    G.add_edge("a", "b", engagement=2.5)
    G.add_edge("c", "b", engagement=0.0)
    assert engagement(G) == {"a": 0.0, "b": 2.5, "c": 0.0}


def test_combined_score_is_normalised_and_keeps_its_components() -> None:
    # pagerank log-scales to a: log1p(0.5) / log1p(1.5), b: 1; reach to a: 1, b: 0; then divided by the top.
    raw_a = 0.5 * math.log1p(0.5) / math.log1p(1.5) + 0.5
    found = combine({"pagerank": {"a": 0.1, "b": 0.3}, "reach": {"a": 5, "b": 0}}, {"pagerank": 0.5, "reach": 0.5})
    assert found == pytest.approx({"a": 1.0, "b": 0.5 / raw_a})
    G = weighted(60, 0.08, 4)
    for u, v in G.edges:
        G.edges[u, v]["engagement"] = 1.0
    result = measure_influence(G, betweenness_k=20, seed=3)
    assert max(s["influence"] for s in result.scores.values()) == 1.0
    assert all(0 <= s["influence"] <= 1 for s in result.scores.values())
    assert set(next(iter(result.scores.values()))) == {
        "pagerank",
        "reach",
        "engagement",
        "kcore",
        "betweenness",
        "influence",
    }
    assert set(result.seconds) >= {"pagerank", "betweenness", "reach", "combine"}
    assert result.ranking()[0] == max(result.scores, key=lambda v: result.scores[v]["influence"])
