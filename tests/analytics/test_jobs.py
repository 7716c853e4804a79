"""Jobs against the real Neo4j: scores written at both levels equal NetworkX on the reference graph."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import networkx as nx
import pytest

from graphsvc.analytics import JobParams, list_jobs, run_job
from graphsvc.analytics.jobs import HEARTBEAT_SECONDS, STALE_SECONDS
from graphsvc.db import Database
from graphsvc.errors import Conflict
from graphsvc.service.jobruns import job_run
from tests.analytics.graphs import read_scores, rows, weighted_digraph, write_graph, write_posts

# a and a2 are one person (P1) on two platforms; b is the most followed; f reaches P1 only in two hops.
IDENTITIES = {
    "twitter:a": 1000,
    "linkedin:a2": 500,
    "twitter:b": 5000,
    "twitter:c": 10,
    "twitter:d": 20,
    "forum:e": None,
    "twitter:f": 3,
}
FOLLOWS = [
    ("twitter:a", "twitter:b"),
    ("twitter:c", "twitter:b"),
    ("twitter:d", "twitter:b"),
    ("twitter:b", "twitter:a"),
    ("twitter:f", "twitter:c"),
]
FRIENDS = [("twitter:c", "twitter:d")]
INTERACTIONS = [
    ("twitter:d", "twitter:a", 2.0, 3),
    ("twitter:c", "twitter:a", 1.0, 1),
    ("forum:e", "linkedin:a2", 3.0, 3),
]
PERSONS = {
    "P1": ["twitter:a", "linkedin:a2"],
    "P2": ["twitter:b"],
    "P3": ["twitter:c"],
    "P4": ["twitter:d"],
    "P6": ["twitter:f"],
}
T = 0.1  # the default weight of one declared tie


def _identity_reference() -> nx.DiGraph:
    edges = dict.fromkeys(FOLLOWS, T) | {("twitter:c", "twitter:d"): T, ("twitter:d", "twitter:c"): T}
    for a, b, w, _ in INTERACTIONS:
        edges[a, b] = edges.get((a, b), 0.0) + w
    G = weighted_digraph(
        {("identity:" + a, "identity:" + b): w for (a, b), w in edges.items()}, ["identity:" + k for k in IDENTITIES]
    )
    nx.set_edge_attributes(G, 0.0, "engagement")
    for a, b, w, _ in INTERACTIONS:
        G.edges["identity:" + a, "identity:" + b]["engagement"] = w
    return G


def _person_reference() -> nx.DiGraph:
    owner = {"identity:" + m: "person:" + p for p, ms in PERSONS.items() for m in ms}
    G = nx.DiGraph()
    for u, v, data in _identity_reference().edges(data=True):
        pu, pv = owner.get(u, u), owner.get(v, v)
        if pu != pv:
            old = G.get_edge_data(pu, pv, {"weight": 0.0, "engagement": 0.0})
            G.add_edge(
                pu,
                pv,
                weight=old["weight"] + data["weight"],
                engagement=old.get("engagement", 0.0) + data.get("engagement", 0.0),
            )
    return G


@pytest.fixture
def social(db: Database) -> Database:
    write_graph(db, identities=IDENTITIES, follows=FOLLOWS, friends=FRIENDS, interactions=INTERACTIONS, persons=PERSONS)
    return db


def _close(found: dict[str, Any], expected: dict[str, float], measure: str, key: Any = lambda k: k) -> None:
    for node, value in expected.items():
        assert found[key(node)][measure] == pytest.approx(value, rel=1e-6, abs=1e-12), (node, measure)


def test_identity_scores_equal_networkx_on_the_reference_graph(social: Database) -> None:
    report = run_job(social, "influence")
    ref = _identity_reference()
    scores = read_scores(social, "Identity")
    assert set(scores) == set(ref)
    _close(scores, nx.pagerank(ref, weight="weight"), "pagerank")
    _close(scores, nx.betweenness_centrality(ref), "betweenness")  # fewer nodes than k: exact
    _close(scores, {v: float(c) for v, c in nx.core_number(ref).items()}, "kcore")
    _close(scores, {v: float(d) for v, d in ref.in_degree(weight="engagement")}, "engagement")
    assert scores["identity:twitter:a"]["reach"] == 1000 + 1  # followers + f, two hops away through c
    assert scores["identity:forum:e"]["reach"] == 0 and scores["identity:linkedin:a2"]["reach"] == 500
    assert {s["scoresJobRun"] for s in scores.values()} == {report.id}


def test_person_level_adds_up_a_persons_platforms(social: Database) -> None:
    run_job(social, "influence")
    ref = _person_reference()
    persons = read_scores(social, "Person")
    assert set(persons) == set(PERSONS)  # forum:e has no Person: scored at person level, written nowhere
    by_id = lambda node: node.removeprefix("person:")  # noqa: E731
    for measure, values in (
        ("pagerank", nx.pagerank(ref, weight="weight")),
        ("kcore", nx.core_number(ref)),
        ("betweenness", nx.betweenness_centrality(ref)),
        ("engagement", dict(ref.in_degree(weight="engagement"))),
    ):
        expected = {v: float(x) for v, x in values.items() if v.startswith("person:")}
        assert len(expected) == len(PERSONS)
        _close(persons, expected, measure, by_id)
    assert persons["P1"]["reach"] == 1000 + 500 + 1  # both audiences, plus f two hops away
    assert persons["P1"]["engagement"] == pytest.approx(2.0 + 1.0 + 3.0)  # X and forum interactions together
    identities = read_scores(social, "Identity")
    assert persons["P1"]["pagerank"] > identities["identity:twitter:a"]["pagerank"]
    # P2 has ten times the followers, but attention flows to P1: the most influential is not the most followed.
    assert persons["P1"]["influence"] == 1.0 and persons["P2"]["influence"] < 1.0
    assert all(0.0 <= p["influence"] <= 1.0 for p in persons.values())


def test_topic_influence_is_personalised_and_differs_from_global(social: Database) -> None:
    # c and d post about "gardening": who they listen to ranks first there, not the global leader.
    write_posts(
        social,
        [{"author": "twitter:c", "topics": ["gardening"]}] * 2
        + [{"author": "twitter:d", "topics": ["gardening"]}] * 2
        + [{"author": "twitter:b", "topics": ["crm"]}] * 3
        + [{"author": "twitter:a", "topics": ["rare"]}],
    )
    report = run_job(social, "influence", JobParams(min_topic_posts=3))
    found = rows(
        social,
        "MATCH (p:Person)-[r:TOPIC_INFLUENCE]->(t:Topic) RETURN t.name AS topic, p.id AS person, "
        "r.score AS score, r.rank AS rank, r.jobRun AS run ORDER BY topic, rank",
    )
    assert {r["topic"] for r in found} == {"gardening", "crm"}  # "rare" has fewer than min_topic_posts
    assert {r["run"] for r in found} == {report.id}
    ref = _person_reference()
    ref.add_nodes_from(["person:P6"])
    garden = nx.pagerank(ref, personalization={"person:P3": 2, "person:P4": 2}, weight="weight")
    ranked = [r for r in found if r["topic"] == "gardening"]
    expected = sorted((v for v in garden if v.startswith("person:")), key=lambda v: -garden[v])
    assert [r["person"] for r in ranked] == [v.removeprefix("person:") for v in expected]
    assert ranked[0]["score"] == pytest.approx(garden[expected[0]], rel=1e-6)
    global_order = sorted(read_scores(social, "Person").items(), key=lambda kv: -kv[1]["pagerank"])
    assert [r["person"] for r in ranked] != [pid for pid, _ in global_order]


def test_advocates_and_detractors_follow_the_sentiment_sign(social: Database) -> None:
    write_posts(
        social,
        [{"author": "twitter:a", "brands": ["acme"], "sentiment": 0.8}] * 2
        + [{"author": "linkedin:a2", "brands": ["acme"], "sentiment": 0.6}]
        + [{"author": "twitter:c", "brands": ["acme"], "sentiment": -0.7}]
        + [{"author": "twitter:d", "brands": ["acme"], "sentiment": 0.01}],
    )  # neutral: neither
    run_job(social, "influence")
    found = rows(
        social,
        "MATCH (p:Person)-[r:ADVOCATES|DETRACTS]->(b:Brand {name: 'acme'}) "
        "RETURN p.id AS person, type(r) AS side, r.posts AS posts, r.sentiment AS sentiment, "
        "r.score AS score ORDER BY person",
    )
    assert [(r["person"], r["side"], r["posts"]) for r in found] == [("P1", "ADVOCATES", 3), ("P3", "DETRACTS", 1)]
    assert found[0]["sentiment"] == pytest.approx((0.8 * 2 + 0.6) / 3)
    assert found[1]["sentiment"] == pytest.approx(-0.7) and found[1]["score"] > 0
    assert found[0]["score"] == pytest.approx(1.0 * (2.2 / 3) * 3 / 5)  # P1's influence is 1


def test_rerun_replaces_results_and_records_job_runs(social: Database) -> None:
    write_posts(social, [{"author": "twitter:c", "topics": ["crm"]}] * 3)
    first = run_job(social, "all")
    # P6 leaves the map (its identity is gone) and P4's identity gets a new owner.
    social.adhoc("MATCH (i:Identity {key: 'f'}) DETACH DELETE i", {}, allow_write=True)
    social.adhoc("MATCH (:Person {id: 'P4'})-[r:HAS_MEMBER]->() DELETE r", {}, allow_write=True)
    second = run_job(social, "all")
    persons = rows(
        social,
        "MATCH (p:Person) RETURN p.id AS id, p.scoresJobRun AS run, p.influence AS influence, "
        "p.community AS community ORDER BY id",
    )
    by_id = {p["id"]: p for p in persons}
    assert by_id["P4"]["run"] is None and by_id["P4"]["influence"] is None and by_id["P4"]["community"] is None
    assert by_id["P6"]["run"] is None and by_id["P6"]["community"] is None
    assert {p["run"] for p in persons if p["id"] not in ("P4", "P6")} == {second.id}
    runs = rows(
        social,
        "MATCH ()-[r:TOPIC_INFLUENCE|ADVOCATES|DETRACTS]->() RETURN DISTINCT r.jobRun AS run "
        "UNION MATCH (c:Community) RETURN DISTINCT c.jobRun AS run",
    )
    assert runs == [{"run": second.id}]
    members = rows(
        social, "MATCH (p:Person)-[:IN_COMMUNITY]->(c:Community) RETURN p.id AS id, c.id AS c, p.community AS prop"
    )
    assert members and all(m["c"] == m["prop"] and m["c"].startswith(second.id) for m in members)
    assert len(members) == len({m["id"] for m in members})  # one community per person

    jobs = list_jobs(social)
    assert [j["id"] for j in jobs] == [second.id, first.id]
    assert jobs[0]["status"] == "succeeded" and jobs[0]["kind"] == "all" and jobs[0]["finishedAt"] is not None
    assert jobs[0]["params"]["seed"] == 42 and jobs[0]["params"]["platform"] is None
    stats: dict[str, Any] = jobs[0]["stats"]
    assert stats["counts"]["persons"] == 5 and stats["counts"]["written_person_scores"] == 3
    assert stats["counts"]["cleared_person_scores"] == 2  # P4 and P6 lost their scores
    assert {"project", "influence_person", "louvain", "total"} <= set(stats["seconds"])


def test_a_failing_job_is_recorded_as_failed(social: Database) -> None:
    with pytest.raises(nx.PowerIterationFailedConvergence):
        run_job(social, "influence", JobParams(alpha=1.5))  # diverges: PageRank never converges
    job = list_jobs(social)[0]
    assert job["status"] == "failed" and "PowerIterationFailedConvergence" in job["error"]
    assert json.loads(rows(social, "MATCH (j:JobRun) RETURN j.params AS p")[0]["p"])["alpha"] == 1.5
    assert read_scores(social, "Person") == {}


def _hold_lock(db: Database, holder: str, seconds_ago: float) -> None:
    """A claim on the analytics lock by ``holder`` (a running JobRun), last renewed ``seconds_ago``."""
    beat = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    db.adhoc(
        "CREATE (:JobLock {name: 'analytics', holder: $id, heartbeatAt: $beat}) "
        "CREATE (:JobRun {id: $id, kind: 'all', status: 'running', startedAt: $beat})",
        {"id": holder, "beat": beat},
        allow_write=True,
    )


def test_a_second_job_is_refused_while_one_runs_in_any_process(social: Database) -> None:
    _hold_lock(social, "all-elsewhere", seconds_ago=1)  # another process's job, alive
    with pytest.raises(Conflict, match="already running \\(all-elsewhere\\)"):
        run_job(social, "influence")
    assert [job["id"] for job in list_jobs(social)] == ["all-elsewhere"]  # nothing started, nothing written
    assert read_scores(social, "Person") == {}


def test_a_dead_processs_claim_is_taken_over_and_its_run_marked_failed(social: Database) -> None:
    _hold_lock(social, "all-dead", seconds_ago=STALE_SECONDS + 5)
    report = run_job(social, "influence")
    assert report.status == "succeeded"
    dead = job_run(social, "all-dead")
    assert dead["status"] == "failed" and dead["error"].startswith("abandoned")
    lock = rows(social, "MATCH (l:JobLock) RETURN l.holder AS holder, count(*) AS n")
    assert lock == [{"holder": None, "n": 1}]  # released: the next job may run
    assert run_job(social, "communities").status == "succeeded"


def test_a_running_job_shows_its_phase_on_its_job_run(social: Database) -> None:
    seen: dict[str, Any] = {}

    def progress(phase: str, done: int, total: int | None) -> None:
        if phase == "project" and not seen:  # hold the job in its first phase past a heartbeat or two
            run_id = rows(social, "MATCH (j:JobRun {status: 'running'}) RETURN j.id AS id")[0]["id"]
            time.sleep(HEARTBEAT_SECONDS * 2.5)
            seen.update(job_run(social, run_id), listed=list_jobs(social)[0])

    report = run_job(social, "influence", progress=progress)
    assert seen["id"] == report.id and seen["status"] == "running"
    assert seen["phase"] == "project" and seen["done"] == 0
    assert seen["listed"]["id"] == report.id and seen["listed"]["phase"] == "project"  # `graphsvc jobs list`
    assert list_jobs(social)[0]["phase"] is None  # once finished, no phase


def test_platform_filter_scores_only_that_platform(social: Database) -> None:
    report = run_job(social, "influence", JobParams(platform="twitter"))
    scores = read_scores(social, "Identity")
    assert set(scores) == {"identity:twitter:" + k for k in "abcdf"}
    assert report.counts["identities"] == 5
    persons = read_scores(social, "Person")
    assert persons["P1"]["reach"] == 1000 + 1  # LinkedIn's audience is out of scope


def _refuse(db: Database, person: str, *, at: datetime) -> None:
    db.adhoc(
        "MATCH (p:Person {id: $person}) CREATE (p)-[:GAVE]->(:Consent {id: $person + '-profiling', "
        "purpose: 'profiling', status: 'withdrawn', channel: 'any', withdrawnAt: $at, "
        "recordedAt: $at, recordedBy: 'test'})",
        {"person": person, "at": at},
        allow_write=True,
    )


def test_a_job_computes_nothing_about_who_refused_profiling_and_clears_what_it_had(social: Database) -> None:
    """P1 (two platforms) withdraws after a first run: the next run writes no score, topic, stance or
    membership for P1 or P1's identities and removes the earlier ones; P1's ties still count for the
    others, so their scores are those of the same graph."""
    write_posts(
        social,
        [{"author": "twitter:a", "topics": ["crm"], "brands": ["acme"], "sentiment": 0.8}] * 3
        + [{"author": "twitter:c", "topics": ["crm"]}] * 3,
    )
    first = run_job(social, "all")
    before = read_scores(social, "Person")
    assert before["P1"]["influence"] is not None
    _refuse(social, "P1", at=datetime.now(UTC))
    second = run_job(social, "all")
    computed = rows(
        social,
        "MATCH (p:Person {id: 'P1'}) RETURN p.influence AS influence, p.community AS community, "
        "COUNT { (p)-[:TOPIC_INFLUENCE|ADVOCATES|DETRACTS|IN_COMMUNITY]->() } AS results, "
        "[(p)-[:HAS_MEMBER]->(i:Identity) | i.scoresJobRun] AS identities, "
        "COLLECT { MATCH (c:Community) WHERE 'P1' IN c.topMembers RETURN c.id } AS tops",
    )
    assert computed == [{"influence": None, "community": None, "results": 0, "identities": [None, None], "tops": []}]
    after = read_scores(social, "Person")
    assert set(after) == {"P2", "P3", "P4", "P6"}
    for pid in ("P2", "P3", "P4", "P6"):  # the same graph, the same scores for everyone else
        assert after[pid]["pagerank"] == pytest.approx(before[pid]["pagerank"], rel=1e-9), pid
    stats = list_jobs(social)[0]["stats"]["counts"]
    assert list_jobs(social)[0]["id"] == second.id != first.id and stats["persons_unprofiled"] == 1
    crm = rows(social, "MATCH (p:Person)-[:TOPIC_INFLUENCE]->(:Topic {name: 'crm'}) RETURN p.id AS id")
    assert crm and "P1" not in {r["id"] for r in crm}


def test_with_the_default_denied_only_who_granted_profiling_is_profiled(social: Database) -> None:
    social.adhoc(
        "MATCH (p:Person {id: 'P2'}) CREATE (p)-[:GAVE]->(:Consent {id: 'P2-profiling', purpose: 'profiling', "
        "status: 'granted', channel: 'any', givenAt: datetime(), recordedAt: datetime(), recordedBy: 'test'})",
        {},
        allow_write=True,
    )
    run_job(social, "influence", JobParams(consent_default="denied"))
    assert set(read_scores(social, "Person")) == {"P2"}
