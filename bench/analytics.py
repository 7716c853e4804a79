"""Benchmark `graphsvc jobs run all` against pure NetworkX (and igraph) on the same graph in memory.

    python bench/analytics.py [--edges N] [--seed S] [--betweenness-k K] [--topics T]

Generates a social map of N edges (default 1M): N/10 identities on three platforms in communities
of 250 with heavy-tailed attention inside them, 70% FOLLOWS and 30% INTERACTED (counts and
recency weights), Persons for 70% of the identities (a fifth of those with two accounts), posts on
T topics (a topic per community, mostly) and brand mentions with sentiment. It is written into the
benchmark's own Neo4j with UNWIND CREATE batches (not timed), then:

1. **ours**: `run_job(db, "all")` end to end: projection (streamed from Neo4j), influence at both
   levels (PageRank, reach, engagement, k-core, betweenness from K sampled sources), topic PageRank,
   advocacy, Louvain, summaries, and the batched write-back, each phase timed;
2. **baseline**: pure NetworkX on the same weighted edge lists already in memory: build the graphs,
   `nx.pagerank`, weighted in-degree, `nx.core_number`, `nx.betweenness_centrality(k=K)`,
   `nx.pagerank(personalization=...)` per topic, `nx.community.louvain_communities`. NetworkX's
   betweenness costs the same for every sampled source, so it is timed on `--probe` sources and
   scaled to K (said so in the output). Reach has no NetworkX counterpart and is not in the baseline;
3. **igraph** (if installed) on the same lists: the same measures.

Prints one JSON object; `"ratio"` is our end-to-end seconds over the NetworkX compute seconds. An
installed NetworkX backend (``nx.utils.backends.backends``) is given priority for both, and named.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import networkx as nx
from _common import Timer, bench_database, machine, print_result, say

from graphsvc.analytics import JobParams, run_job
from graphsvc.db import Database

PLATFORMS = ("twitter", "linkedin", "forum")
BRANDS = ("acme", "globex")
COMMUNITY = 250
AS_OF = datetime(2025, 6, 1, tzinfo=UTC)


def generate(edges: int, topics: int, seed: int) -> dict[str, Any]:
    """The graph as plain lists: identities, persons, follows, interactions, posts."""
    rng = random.Random(seed)
    n = max(edges // 10, COMMUNITY * 2)
    groups = n // COMMUNITY
    cumulative, total = [], 0.0
    for rank in range(COMMUNITY):  # the r-th member of a community draws attention ~ 1/r^0.9
        total += 1.0 / (rank + 1) ** 0.9
        cumulative.append(total)
    pick = lambda: min(rng.choices(range(COMMUNITY), cum_weights=cumulative)[0], COMMUNITY - 1)  # noqa: E731
    ident = lambda i: (PLATFORMS[i % 3], f"u{i}")  # noqa: E731
    identities = [[*ident(i), int(5 * rng.paretovariate(1.1))] for i in range(n)]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < edges:
        a = rng.randrange(n)
        group = a // COMMUNITY if rng.random() < 0.8 else rng.randrange(groups)
        b = min(group * COMMUNITY + pick(), n - 1)
        if a != b:
            pairs.add((a, b))
    follows, interactions = [], []
    for a, b in pairs:
        if rng.random() < 0.7:
            follows.append((a, b))
        else:
            count, age = rng.randint(1, 6), rng.uniform(0, 365)
            interactions.append((a, b, count * 0.5 ** (age / 90), count, AS_OF - timedelta(days=age)))
    persons, owner = [], {}
    paired = int(n * 0.28) // 2 * 2
    for i in range(0, paired, 2):  # two accounts each, on different platforms (i % 3 differs)
        persons.append({"id": f"P{i}", "members": [list(ident(i)), list(ident(i + 1))]})
        owner[i] = owner[i + 1] = f"P{i}"
    for i in range(paired, int(n * 0.7)):
        persons.append({"id": f"P{i}", "members": [list(ident(i))]})
        owner[i] = f"P{i}"
    posts = []
    for p in range(n // 2):
        author = rng.randrange(n)
        topic = (author // COMMUNITY) % topics if rng.random() < 0.7 else rng.randrange(topics)
        brand = rng.choice(BRANDS) if rng.random() < 0.1 else None
        posts.append([*ident(author), f"post{p}", f"topic{topic}", brand, rng.uniform(-1, 1) if brand else None])
    return {
        "identities": identities,
        "persons": persons,
        "owner": owner,
        "follows": follows,
        "interactions": interactions,
        "posts": posts,
        "n": n,
        "topics": topics,
    }


def load(db: Database, g: dict[str, Any], batch: int = 10_000) -> None:
    ident = lambda i: (PLATFORMS[i % 3], f"u{i}")  # noqa: E731

    def write(name: str, rows: list[Any]) -> None:
        for start in range(0, len(rows), batch):
            db.write(name, rows=rows[start : start + batch], at=AS_OF)

    write("bench_analytics.identities", g["identities"])
    write("bench_analytics.persons", g["persons"])
    write("bench_analytics.follows", [[*ident(a), *ident(b)] for a, b in g["follows"]])
    write("bench_analytics.interactions", [[*ident(a), *ident(b), w, c, t] for a, b, w, c, t in g["interactions"]])
    db.write("bench_analytics.topics", names=[f"topic{t}" for t in range(g["topics"])])
    db.write("bench_analytics.brands", names=list(BRANDS))
    write("bench_analytics.posts", g["posts"])


def edge_lists(g: dict[str, Any], tie: float = 0.1) -> dict[str, Any]:
    """The weighted edge lists the baseline starts from (what the projection builds, done in memory)."""
    identity: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for a, b in g["follows"]:
        identity[a, b][0] += tie
    for a, b, w, _, _ in g["interactions"]:
        identity[a, b][0] += w
        identity[a, b][1] += w
    owner = g["owner"]
    person: dict[tuple[Any, Any], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (a, b), (w, e) in identity.items():
        pa, pb = owner.get(a, a), owner.get(b, b)
        if pa != pb:
            person[pa, pb][0] += w
            person[pa, pb][1] += e
    undirected: dict[frozenset[Any], float] = defaultdict(float)
    for (a, b), (w, _) in person.items():
        undirected[frozenset((a, b))] += w
    seeds: dict[str, dict[Any, int]] = defaultdict(lambda: defaultdict(int))
    for _platform, key, _, topic, _, _ in g["posts"]:
        i = int(key[1:])
        seeds[topic][owner.get(i, i)] += 1
    return {
        "identity": [(a, b, w, e) for (a, b), (w, e) in identity.items()],
        "person": [(a, b, w, e) for (a, b), (w, e) in person.items()],
        "undirected": [(*pair, w) for pair, w in undirected.items()],
        "identity_nodes": range(g["n"]),
        "person_nodes": {owner.get(i, i) for i in range(g["n"])},
        "seeds": {t: dict(s) for t, s in seeds.items()},
    }


def networkx_baseline(lists: dict[str, Any], k: int, probe: int, seed: int) -> dict[str, float]:
    seconds: dict[str, float] = {}

    def timed(name: str, work: Any) -> Any:
        began = time.perf_counter()
        out = work()
        seconds[name] = round(time.perf_counter() - began, 3)
        return out

    def run_level(level: str) -> None:
        G = nx.DiGraph()
        timed(
            f"{level}_build",
            lambda: (
                G.add_nodes_from(lists[f"{level}_nodes"]),
                G.add_edges_from((a, b, {"weight": w, "engagement": e}) for a, b, w, e in lists[level]),
            ),
        )
        timed(f"{level}_pagerank", lambda: nx.pagerank(G, weight="weight"))
        timed(f"{level}_engagement", lambda: dict(G.in_degree(weight="engagement")))
        timed(f"{level}_kcore", lambda: nx.core_number(G))
        probed = timed(f"{level}_betweenness_probe", lambda: nx.betweenness_centrality(G, k=probe, seed=seed))
        del probed
        seconds[f"{level}_betweenness"] = round(seconds.pop(f"{level}_betweenness_probe") * k / probe, 3)
        if level == "person":
            timed(
                "topic_pagerank",
                lambda: {t: nx.pagerank(G, personalization=s, weight="weight") for t, s in lists["seeds"].items()},
            )
            U = nx.Graph()
            timed("undirected_build", lambda: (U.add_nodes_from(G), U.add_weighted_edges_from(lists["undirected"])))
            timed("louvain", lambda: nx.community.louvain_communities(U, weight="weight", seed=seed))

    for level in ("identity", "person"):
        run_level(level)
        gc.collect()
    seconds["total"] = round(sum(seconds.values()), 3)
    return seconds


def igraph_baseline(lists: dict[str, Any], k: int, seed: int) -> dict[str, float] | None:
    try:
        import igraph as ig
    except ImportError:
        return None
    seconds: dict[str, float] = {}
    began = time.perf_counter()
    for level in ("identity", "person"):
        step = time.perf_counter()
        nodes = list(lists[f"{level}_nodes"])
        index = {v: i for i, v in enumerate(nodes)}
        g = ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b, _, _ in lists[level]], directed=True)
        g.es["weight"] = [w for _, _, w, _ in lists[level]]
        g.es["engagement"] = [e for _, _, _, e in lists[level]]
        g.pagerank(weights="weight")
        g.strength(mode="in", weights="engagement")
        g.coreness(mode="all")
        g.betweenness(sources=random.Random(seed).sample(range(len(nodes)), min(k, len(nodes))))
        if level == "person":
            for s in lists["seeds"].values():
                g.personalized_pagerank(weights="weight", reset=[float(s.get(v, 0)) for v in nodes])
            u = ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b, _ in lists["undirected"]])
            u.community_multilevel(weights=[w for _, _, w in lists["undirected"]])
        seconds[level] = round(time.perf_counter() - step, 3)
    seconds["total"] = round(time.perf_counter() - began, 3)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--topics", type=int, default=20)
    parser.add_argument("--betweenness-k", type=int, default=256)
    parser.add_argument("--probe", type=int, default=8, help="sources NetworkX's betweenness is timed on")
    args = parser.parse_args()
    backends = sorted(nx.utils.backends.backends)  # installed NetworkX backends (entry points)
    if backends:  # dispatchable algorithms (ours and the baseline's alike) run on them, NetworkX otherwise
        nx.config.backend_priority.algos = backends
        nx.config.fallback_to_nx = True

    say(f"generating {args.edges:,} edges ...")
    g = generate(args.edges, args.topics, args.seed)
    with bench_database() as (_, db):
        say("loading into Neo4j (not timed) ...")
        with Timer() as loading:
            load(db, g)
        say(f"loaded in {loading.seconds:.0f}s; running the job ...")
        params = JobParams(betweenness_k=args.betweenness_k, seed=args.seed, min_topic_posts=1)
        with Timer() as ours:
            report = run_job(db, "all", params)
    say(f"ours: {ours.seconds:.1f}s; NetworkX baseline ...")
    lists = edge_lists(g)
    del g
    gc.collect()
    baseline = networkx_baseline(lists, args.betweenness_k, args.probe, args.seed)
    say(f"NetworkX: {baseline['total']:.1f}s; igraph ...")
    igraph = igraph_baseline(lists, args.betweenness_k, args.seed)
    betweenness_ours = report.seconds.get("identity_betweenness", 0) + report.seconds.get("person_betweenness", 0)
    betweenness_nx = baseline["identity_betweenness"] + baseline["person_betweenness"]
    print_result(
        {
            "benchmark": "analytics",
            "edges": args.edges,
            "counts": report.counts,
            "load_seconds": round(loading.seconds, 1),
            "ours_seconds": round(ours.seconds, 3),
            "ours_phases": report.seconds,
            "networkx_seconds": baseline["total"],
            "networkx_phases": baseline,
            "networkx_betweenness": f"timed on {args.probe} sources, scaled to k={args.betweenness_k}",
            "igraph_seconds": igraph["total"] if igraph else None,
            "igraph_phases": igraph,
            "ratio": round(ours.seconds / baseline["total"], 3),
            "ratio_without_betweenness": round(
                (ours.seconds - betweenness_ours) / (baseline["total"] - betweenness_nx), 3
            ),
            "networkx_backends": f"used: {', '.join(backends)}" if backends else "none installed (plain NetworkX)",
            "networkx": nx.__version__,
            "machine": machine(),
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
