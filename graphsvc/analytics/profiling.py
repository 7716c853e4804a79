"""The profiling gate: nothing is computed or kept about a person whose consent for profiling is not granted.

The consent predicate is ``graphsvc.service.consent``'s (the most recent unexpired record for the
purpose, else ``GRAPHSVC_CONSENT_DEFAULT``), evaluated in Cypher. The analytics jobs leave the persons
``unprofiled`` finds out of everything they write; ``clear_profiles`` removes what earlier runs wrote;
``sweep`` does both for the persons whose consent lapsed (by expiry, or by a change of the default).
"""

from __future__ import annotations

from collections.abc import Iterable

from graphsvc.db import Database

__all__ = ["CLEAR_BATCH", "PROFILING", "clear_profiles", "sweep", "unprofiled"]

#: The purpose without which nothing is computed about a person (scores, topics, stances, community).
PROFILING = "profiling"
#: Persons cleared per transaction by ``clear_profiles``.
CLEAR_BATCH = 1000


def unprofiled(db: Database, *, default: str, everyone: bool = False) -> set[str]:
    """The persons whose effective consent for ``PROFILING`` is not granted: of those holding computed
    results, or of every person with ``everyone`` (what a job must leave out)."""
    rows = db.read("consent.unprofiled", all=everyone, purposes=[PROFILING], consentDefault=default)
    return {row["person"] for row in rows}


def clear_profiles(db: Database, person_ids: Iterable[str]) -> int:
    """Remove everything computed about ``person_ids`` (scores, topics, stances, community); returns how many."""
    ids, cleared = sorted(set(person_ids)), 0
    for start in range(0, len(ids), CLEAR_BATCH):
        rows = db.write("consent.clear_profile", ids=ids[start : start + CLEAR_BATCH])
        cleared += int(rows[0]["cleared"]) if rows else 0
    return cleared


def sweep(db: Database, *, default: str) -> int:
    """Clear what was computed about persons whose profiling consent is no longer granted (expired,
    or the default changed since); returns how many were cleared."""
    return clear_profiles(db, unprofiled(db, default=default))
