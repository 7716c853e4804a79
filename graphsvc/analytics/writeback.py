"""Write job results back to Neo4j in batches, tagged with the JobRun, and remove an earlier run's.

Every write is an idempotent MERGE or SET keyed by the unique keys (Identity platform+key, Person id,
Topic and Brand name, Community id) plus the run id, one managed transaction per batch, so a retried
batch changes nothing. New results are written first and the previous run's are removed after:
readers see old or new results, never none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from graphsvc.db import Database

__all__ = ["SCORE_FIELDS", "clear_stale", "write_rows"]

Progress = Callable[[str, int, int | None], None]
Row = dict[str, Any]

#: The score properties written on Identity and Person nodes (besides ``scoresJobRun``).
SCORE_FIELDS = ("influence", "pagerank", "reach", "engagement", "kcore", "betweenness")

#: What each kind of result is written with, and how an earlier run's copy is found and removed.
WRITERS = {
    "identity_scores": "analytics.write_identity_scores",
    "person_scores": "analytics.write_person_scores",
    "topic_influence": "analytics.write_topic_influence",
    "communities": "analytics.write_communities",
    "memberships": "analytics.write_memberships",
    "advocates": "analytics.write_advocates",
    "detractors": "analytics.write_detractors",
}
CLEANERS = {
    "identity_scores": ("analytics.stale_identity_scores", "analytics.clear_identity_scores"),
    "person_scores": ("analytics.stale_person_scores", "analytics.clear_person_scores"),
    "topic_influence": ("analytics.stale_topic_influence", "analytics.clear_topic_influence"),
    "advocacy": ("analytics.stale_advocacy", "analytics.clear_advocacy"),
    "memberships": ("analytics.stale_memberships", "analytics.clear_memberships"),
    "communities": ("analytics.stale_communities", "analytics.clear_communities"),
}


def _batches(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def write_rows(
    db: Database, what: str, rows: Sequence[Row], *, run: str, batch_size: int, progress: Progress | None = None
) -> int:
    """Write ``rows`` with the writer of ``what`` (a key of ``WRITERS``); returns the entities written."""
    name = WRITERS[what]
    written = 0
    for batch in _batches(rows, batch_size):
        written += int(db.write(name, rows=list(batch), run=run)[0]["written"])
        if progress:
            progress(f"write {what}", written, len(rows))
    return written


def clear_stale(db: Database, what: str, *, run: str, batch_size: int, progress: Progress | None = None) -> int:
    """Remove what runs other than ``run`` wrote for ``what`` (a key of ``CLEANERS``); returns how many."""
    find, clear = CLEANERS[what]
    ids = [row["id"] for row in db.read(find, run=run)]
    for done, batch in enumerate(_batches(ids, batch_size), start=1):
        db.write(clear, ids=list(batch))
        if progress:
            progress(f"clear old {what}", min(done * batch_size, len(ids)), len(ids))
    return len(ids)
