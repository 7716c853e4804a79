"""Analytics jobs: project, compute, write back, all recorded as a ``JobRun``.

``run_job(db, "influence" | "communities" | "all", JobParams(...))``:

1. the job claims the analytics lock (one job at a time, across processes: a second is refused with
   ``Conflict``), then a ``JobRun {id, kind, params, status: 'running', startedAt}`` is written;
   every second while it runs, its phase and counts go on the JobRun (``phase``, ``done``,
   ``total``) and the claim (``graphsvc.db.claims``) is renewed; a claim not renewed for
   ``STALE_SECONDS`` is taken over;
2. the social map is projected (``project``) at identity and person level; the persons whose consent
   for profiling is not granted (``profiling.unprofiled``) stay in the graph (their ties are other
   people's too) but nothing is written about them;
3. influence (both levels), topic influence and advocates/detractors, and/or Louvain communities
   with their summaries, are computed by the pure functions of this package;
4. results are written in batches tagged with the run id, then the previous run's results of the
   same kinds are removed (a re-run replaces them, and so clears what an earlier run computed about a
   person who has since refused profiling);
5. the JobRun gets ``status`` succeeded (or failed, with the error), ``finishedAt`` and ``stats``
   (counts and seconds per phase, as JSON).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import networkx as nx

from graphsvc.analytics import profiling
from graphsvc.analytics.advocacy import stances
from graphsvc.analytics.communities import community_ties, louvain, summarize
from graphsvc.analytics.influence import InfluenceResult, measure_influence, pagerank, topic_pagerank
from graphsvc.analytics.project import EdgeWeights, Projection, person_node, project
from graphsvc.analytics.writeback import SCORE_FIELDS, clear_stale, write_rows
from graphsvc.db import Database, claims
from graphsvc.db.claims import STALE_SECONDS
from graphsvc.errors import GraphsvcError, InputError

__all__ = [
    "HEARTBEAT_SECONDS",
    "KINDS",
    "STALE_SECONDS",
    "JobParams",
    "JobReport",
    "list_jobs",
    "new_run_id",
    "run_job",
]

KINDS = ("influence", "communities", "all")
Progress = Callable[[str, int, int | None], None]

#: Seconds between a running job's heartbeats: its progress on the JobRun and the renewal of its claim.
HEARTBEAT_SECONDS = 1.0
#: The claim (``graphsvc.db.claims``) that keeps analytics jobs to one at a time.
ANALYTICS_LOCK = "analytics"
_WAIT_HINT = "watch it (graphsvc jobs list, or the jobProgress subscription), then retry"

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobParams:
    """Everything a run depends on; stored as JSON on its JobRun."""

    platform: str | None = None
    since: datetime | None = None
    tie_weight: float = 0.1
    interaction_weight: float = 1.0
    alpha: float = 0.85
    betweenness_k: int | None = 256
    reach_k: int = 64
    seed: int = 42
    top_k: int = 100
    min_topic_posts: int = 3
    resolution: float = 1.0
    min_community_size: int = 2
    batch_size: int = 5000
    #: ``GRAPHSVC_CONSENT_DEFAULT``: whether a person without a consent record may be profiled
    consent_default: str = "granted"

    def as_json(self) -> str:
        data = asdict(self)
        data["since"] = self.since.isoformat() if self.since else None
        return json.dumps(data, sort_keys=True)


@dataclass
class JobReport:
    id: str
    kind: str
    status: str = "running"
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    top_persons: list[dict[str, Any]] = field(default_factory=list)
    top_communities: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def new_run_id(kind: str) -> str:
    return f"{kind}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def run_job(
    db: Database,
    kind: str,
    params: JobParams = JobParams(),
    *,
    progress: Progress | None = None,
    run_id: str | None = None,
) -> JobReport:
    """Run one analytics job end to end; the returned report is also stored on the JobRun.

    Raises ``Conflict`` while another job runs (in this process or any other).
    """
    if kind not in KINDS:
        raise InputError(f"expected one of {', '.join(KINDS)}, got {kind!r}", where="KIND")
    report = JobReport(id=run_id or new_run_id(kind), kind=kind)
    began = time.perf_counter()
    claims.claim(db, ANALYTICS_LOCK, report.id, what="an analytics job", hint=_WAIT_HINT)
    try:
        db.write("analytics.start_job", id=report.id, kind=kind, params=params.as_json(), startedAt=datetime.now(UTC))
        try:
            with _Heartbeat(db, report.id, progress) as heartbeat:
                _run(db, kind, params, report, heartbeat.report)
        except BaseException as exc:
            report.status = "failed"
            report.seconds["total"] = round(time.perf_counter() - began, 3)
            _finish(db, report, error=f"{type(exc).__name__}: {exc}")
            raise
        report.status = "succeeded"
        report.seconds["total"] = round(time.perf_counter() - began, 3)
        _finish(db, report)
    finally:
        claims.release(db, ANALYTICS_LOCK, report.id)
    return report


class _Heartbeat:
    """While a job runs, a thread writes its latest progress to its JobRun and renews its claim
    every ``HEARTBEAT_SECONDS``; ``report`` records the progress (and passes it on to ``forward``)."""

    def __init__(self, db: Database, run_id: str, forward: Progress | None) -> None:
        self.db = db
        self.run_id = run_id
        self.forward = forward
        self.latest: tuple[str, int, int | None] = ("starting", 0, None)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"graphsvc-heartbeat-{run_id}", daemon=True)

    def report(self, phase: str, done: int, total: int | None) -> None:
        self.latest = (phase, done, total)
        if self.forward is not None:
            self.forward(phase, done, total)

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            phase, done, total = self.latest
            try:
                self.db.write(
                    "analytics.job_heartbeat",
                    id=self.run_id,
                    phase=phase,
                    done=done,
                    total=total,
                    now=datetime.now(UTC),
                )
            except GraphsvcError as exc:  # a missed beat is not the job's failure; the next may land
                _log.warning("job %s: heartbeat not written: %s", self.run_id, exc)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _finish(db: Database, report: JobReport, error: str | None = None) -> None:
    stats = json.dumps({"counts": report.counts, "seconds": report.seconds}, sort_keys=True)
    db.write(
        "analytics.finish_job",
        id=report.id,
        status=report.status,
        finishedAt=datetime.now(UTC),
        stats=stats,
        error=error,
    )


@contextmanager
def _timed(report: JobReport, name: str) -> Iterator[None]:
    began = time.perf_counter()
    yield
    report.seconds[name] = round(time.perf_counter() - began, 3)


def _run(db: Database, kind: str, params: JobParams, report: JobReport, progress: Progress | None) -> None:
    step = progress or (lambda phase, done, total: None)
    step("project", 0, None)
    with _timed(report, "project"):
        projection = project(
            db,
            platform=params.platform,
            since=params.since,
            progress=progress,
            weights=EdgeWeights(tie=params.tie_weight, interaction=params.interaction_weight),
        )
        refused = profiling.unprofiled(db, default=params.consent_default, everyone=True)
    report.counts.update(projection.counts())
    report.counts["persons_unprofiled"] = len(refused)
    report.seconds.update({f"project_{k}": v for k, v in projection.seconds.items()})
    rank: dict[Hashable, float] | None = None
    if kind in ("influence", "all"):
        rank = _influence(db, projection, params, report, step, refused)
    if kind in ("communities", "all"):
        if rank is None:
            with _timed(report, "communities_rank"):
                rank = pagerank(projection.persons, alpha=params.alpha)
        _communities(db, projection, params, report, step, rank, refused)
    # persons whose consent lapsed but whose results this kind of run does not rewrite
    report.counts["cleared_unprofiled"] = profiling.sweep(db, default=params.consent_default)


def _person_id(persons: nx.DiGraph, node: Hashable) -> str | None:
    person_id: str | None = persons.nodes[node]["id"]
    return person_id


def _profiled(persons: nx.DiGraph, refused: set[str]) -> dict[Hashable, str]:
    """Person-level node -> person id, for the resolved persons that may be profiled."""
    return {v: pid for v in persons if (pid := _person_id(persons, v)) is not None and pid not in refused}


def _scores(result: InfluenceResult, node: Hashable) -> dict[str, float]:
    values = result.scores[node]
    return {name: (int(values[name]) if name == "kcore" else values[name]) for name in SCORE_FIELDS}


def _influence(
    db: Database, projection: Projection, params: JobParams, report: JobReport, step: Progress, refused: set[str]
) -> dict[Hashable, float]:
    identities, persons = projection.identities, projection.persons
    levels = {}
    for level, graph in (("identity", identities), ("person", persons)):
        step(f"influence ({level} level)", 0, None)
        with _timed(report, f"influence_{level}"):
            levels[level] = measure_influence(
                graph, alpha=params.alpha, betweenness_k=params.betweenness_k, seed=params.seed, reach_k=params.reach_k
            )
        report.seconds.update({f"{level}_{k}": v for k, v in levels[level].seconds.items()})
    by_person = levels["person"]
    influence = {v: s["influence"] for v, s in by_person.scores.items()}
    resolved = _profiled(persons, refused)
    unprofiled = {person_node(pid) for pid in refused}

    step("topic influence", 0, None)
    with _timed(report, "topic_influence"):
        seeds = {
            t: dict(posters)
            for t, posters in projection.topic_posts.items()
            if sum(posters.values()) >= params.min_topic_posts
        }
        per_topic = topic_pagerank(persons, seeds, alpha=params.alpha)
        topic_rows = []
        for topic in sorted(per_topic):
            scores = per_topic[topic]
            best = sorted((v for v in scores if v in resolved), key=lambda v: (-scores[v], str(v)))[: params.top_k]
            topic_rows += [
                {"person": resolved[v], "topic": topic, "score": scores[v], "rank": r}
                for r, v in enumerate(best, start=1)
            ]
    report.counts["topics_scored"] = len(per_topic)

    with _timed(report, "advocacy"):
        brand_posts = {
            b: {v: n for v, n in posters.items() if v in resolved} for b, posters in projection.brand_posts.items()
        }
        found = stances(brand_posts, influence, top_k=params.top_k)
        sides: dict[str, list[dict[str, Any]]] = {"advocate": [], "detractor": []}
        for s in found:
            sides[s.side].append(
                {
                    "person": resolved[s.node],
                    "brand": s.brand,
                    "score": s.score,
                    "posts": s.posts,
                    "sentiment": s.sentiment,
                }
            )

    identity_rows = [
        {
            "platform": identities.nodes[v]["platform"],
            "key": identities.nodes[v]["key"],
            "scores": _scores(levels["identity"], v),
        }
        for v in identities
        if identities.nodes[v]["person"] not in unprofiled
    ]
    person_rows = [{"id": pid, "scores": _scores(by_person, v)} for v, pid in resolved.items()]
    writes = {
        "identity_scores": identity_rows,
        "person_scores": person_rows,
        "topic_influence": topic_rows,
        "advocates": sides["advocate"],
        "detractors": sides["detractor"],
    }
    _write_and_clear(
        db, report, params, writes, ("identity_scores", "person_scores", "topic_influence", "advocacy"), step
    )
    report.top_persons = [
        {"person": resolved.get(v), "node": v, "members": persons.nodes[v]["members"], **by_person.scores[v]}
        for v in [v for v in by_person.ranking() if v not in unprofiled][:10]
    ]
    return influence


def _communities(
    db: Database,
    projection: Projection,
    params: JobParams,
    report: JobReport,
    step: Progress,
    rank: dict[Hashable, float],
    refused: set[str],
) -> None:
    persons = projection.persons
    step("communities", 0, None)
    with _timed(report, "louvain"):
        found = louvain(persons, resolution=params.resolution, seed=params.seed)
    with _timed(report, "summaries"):
        is_person = _profiled(persons, refused)
        kept = [c for c in found if len(c) >= params.min_community_size and any(v in is_person for v in c)]
        summaries = summarize(kept, rank=rank, topic_posts=projection.topic_posts, eligible=is_person.__contains__)
        ties = community_ties(persons, kept)
        community_rows, membership_rows = [], []
        for summary, members, neighbours in zip(summaries, kept, ties, strict=True):
            cid = f"{report.id}:{summary.index}"
            resolved = [is_person[v] for v in members if v in is_person]
            community_rows.append(
                {
                    "id": cid,
                    "size": summary.size,
                    "persons": len(resolved),
                    "topMembers": [is_person[v] for v in summary.top_members],
                    "topTopics": summary.top_topics,
                    "ties": [f"{report.id}:{other}" for other, _ in neighbours],
                    "tieWeights": [round(weight, 4) for _, weight in neighbours],
                }
            )
            membership_rows += [{"person": pid, "community": cid} for pid in resolved]
    report.counts["communities_found"] = len(found)
    writes: dict[str, list[dict[str, Any]]] = {"communities": community_rows, "memberships": membership_rows}
    _write_and_clear(db, report, params, writes, ("memberships", "communities"), step)
    report.top_communities = community_rows[:10]


def _write_and_clear(
    db: Database,
    report: JobReport,
    params: JobParams,
    writes: dict[str, list[dict[str, Any]]],
    stale: tuple[str, ...],
    step: Progress,
) -> None:
    with _timed(report, "write_" + "_".join(stale)):
        for what, rows in writes.items():
            report.counts[f"written_{what}"] = write_rows(
                db, what, rows, run=report.id, batch_size=params.batch_size, progress=step
            )
    with _timed(report, "clear_" + "_".join(stale)):
        for what in stale:
            report.counts[f"cleared_{what}"] = clear_stale(
                db, what, run=report.id, batch_size=params.batch_size, progress=step
            )


def list_jobs(db: Database, limit: int = 20) -> list[dict[str, Any]]:
    """The most recent JobRuns, newest first, with ``params`` and ``stats`` decoded."""
    rows = db.read("analytics.recent_jobs", limit=limit)
    for row in rows:
        for name in ("params", "stats"):
            row[name] = json.loads(row[name]) if row[name] else None
    return rows
