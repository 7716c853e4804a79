"""Communities: LFR benchmark graphs recovered through Neo4j, seeded reproducibility, summaries."""

from __future__ import annotations

from collections.abc import Hashable

import networkx as nx
import pytest

from graphsvc.analytics import JobParams, run_job
from graphsvc.analytics.communities import community_ties, louvain, membership, summarize, undirected
from graphsvc.db import Database
from tests.analytics.graphs import nmi, rows, write_graph, write_posts


def lfr(mu: float, seed: int = 1) -> tuple[nx.Graph, dict[Hashable, int]]:
    """An LFR benchmark graph (500 nodes, 7-8 planted communities of 40-100) and its planted labels."""
    G = nx.LFR_benchmark_graph(
        500, 2.5, 1.5, mu, average_degree=20, max_degree=50, min_community=40, max_community=100, seed=seed
    )
    G.remove_edges_from(list(nx.selfloop_edges(G)))
    return G, {v: min(G.nodes[v]["community"]) for v in G}


@pytest.mark.parametrize("mu", [0.1, 0.2, 0.3])
def test_lfr_communities_are_recovered_through_neo4j(db: Database, mu: float) -> None:
    G, truth = lfr(mu)
    write_graph(
        db,
        identities={f"forum:n{v}": None for v in G},
        friends=[(f"forum:n{u}", f"forum:n{v}") for u, v in G.edges],
        persons={f"L{v}": [f"forum:n{v}"] for v in G},
    )
    report = run_job(db, "communities")
    found = {
        int(r["id"][1:]): r["c"]
        for r in rows(db, "MATCH (p:Person)-[:IN_COMMUNITY]->(c:Community) RETURN p.id AS id, c.id AS c")
    }
    assert len(found) == len(G)
    assert nmi(truth, found) >= 0.9
    assert report.counts["written_communities"] == len(set(found.values()))


def test_louvain_is_reproducible_with_a_seed() -> None:
    G, _ = lfr(0.3, seed=2)
    first, again = louvain(G, seed=7), louvain(G, seed=7)
    assert first == again
    assert [len(c) for c in first] == sorted((len(c) for c in first), reverse=True)
    assert sum(len(c) for c in first) == len(G)


def test_the_job_gives_the_same_partition_on_a_rerun(db: Database) -> None:
    G, _ = lfr(0.3, seed=3)
    write_graph(
        db,
        identities={f"forum:n{v}": None for v in G},
        friends=[(f"forum:n{u}", f"forum:n{v}") for u, v in G.edges],
        persons={f"L{v}": [f"forum:n{v}"] for v in G},
    )

    def partition() -> set[frozenset[str]]:
        found = rows(db, "MATCH (p:Person)-[:IN_COMMUNITY]->(c:Community) RETURN c.id AS c, collect(p.id) AS members")
        return {frozenset(r["members"]) for r in found}

    run_job(db, "communities", JobParams(seed=5))
    first = partition()
    run_job(db, "communities", JobParams(seed=5))
    assert partition() == first
    assert rows(db, "MATCH (c:Community) RETURN count(DISTINCT c.jobRun) AS runs")[0]["runs"] == 1


def test_undirected_sums_both_directions() -> None:
    G = nx.DiGraph()
    G.add_weighted_edges_from([("a", "b", 1.0), ("b", "a", 2.0), ("b", "c", 0.5)])
    U = undirected(G)
    assert U["a"]["b"]["weight"] == 3.0 and U["c"]["b"]["weight"] == 0.5 and U.number_of_edges() == 2


def test_summaries_name_size_top_members_and_topics(db: Database) -> None:
    # Two cliques joined by one tie; in each, everyone interacts with its hub (h1, h2).
    left, right = [f"twitter:l{i}" for i in range(5)], [f"twitter:r{i}" for i in range(4)]
    friends = [(a, b) for group in (left, right) for i, a in enumerate(group) for b in group[i + 1 :]]
    talk = [(a, left[0], 1.0, 1) for a in left[1:]] + [(a, right[0], 1.0, 1) for a in right[1:]]
    write_graph(
        db,
        identities=dict.fromkeys(left + right, 10),
        friends=[*friends, (left[4], right[3])],
        interactions=talk,
        persons={k.split(":")[1]: [k] for k in left + right},
    )
    write_posts(
        db,
        [{"author": left[1], "topics": ["bikes"]}] * 2
        + [{"author": left[2], "topics": ["rain"]}]
        + [{"author": right[1], "topics": ["chess"]}],
    )
    report = run_job(db, "all", JobParams(min_community_size=2))
    found = rows(
        db,
        "MATCH (c:Community) RETURN c.id AS id, c.size AS size, c.persons AS persons, c.topMembers AS top, "
        "c.topTopics AS topics, c.ties AS ties, c.tieWeights AS weights, c.jobRun AS run ORDER BY size DESC",
    )
    assert [(c["size"], c["persons"]) for c in found] == [(5, 5), (4, 4)]
    assert found[0]["top"][0] == "l0" and set(found[0]["top"]) == {f"l{i}" for i in range(5)}
    assert found[1]["top"][0] == "r0"
    assert found[0]["topics"] == ["bikes", "rain"] and found[1]["topics"] == ["chess"]
    assert {c["run"] for c in found} == {report.id}
    assert report.top_communities[0]["topMembers"][0] == "l0"
    # the one friendship between the cliques is the community map's one edge, both ways
    assert found[0]["ties"] == [found[1]["id"]] and found[1]["ties"] == [found[0]["id"]]
    assert found[0]["weights"] == found[1]["weights"] and found[0]["weights"][0] > 0


def test_summarize_keeps_only_eligible_members() -> None:
    communities = [{"a", "b", "x"}, {"c"}]
    summaries = summarize(
        communities,
        rank={"a": 0.1, "b": 0.5, "x": 0.9},
        topic_posts={"t": {"a": 1, "c": 4}},
        top_members=2,
        eligible=lambda v: v != "x",
    )
    assert [(s.size, s.top_members, s.top_topics) for s in summaries] == [(3, ["b", "a"], ["t"]), (1, ["c"], ["t"])]
    assert membership(communities)["x"] == 0


def test_community_ties_sum_the_edges_between_communities_strongest_first() -> None:
    G = nx.Graph()
    G.add_weighted_edges_from(
        [
            ("a1", "a2", 5.0),
            ("a1", "b1", 1.0),
            ("a2", "b1", 2.0),
            ("a1", "c1", 0.5),
            ("b1", "c1", 4.0),
            ("x", "a1", 9.0),
        ]
    )
    ties = community_ties(G, [{"a1", "a2"}, {"b1"}, {"c1"}], top=1)
    assert ties == [[(1, 3.0)], [(2, 4.0)], [(1, 4.0)]]  # "x" is in no community; a1-a2 is inside one
    assert community_ties(G, [{"a1", "a2"}, {"b1"}, {"c1"}])[0] == [(1, 3.0), (2, 0.5)]
