"""The review queue and human decisions, as `graphsvc review` and the API's mutations offer them.

A decision is recorded on the pair and on both persons' audit trails (``graphsvc.resolve.review``);
it answers with the pair as the queue shows it, so every front-end shows the same thing after it.
"""

from __future__ import annotations

from typing import Any

from graphsvc.db import Database
from graphsvc.resolve import review as _review

__all__ = ["STATUSES", "candidate", "decide", "queue"]

STATUSES = _review.STATUSES


def queue(db: Database, *, status: str = "pending", limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    """Candidate pairs with ``status``, most valuable first, both sides and the evidence."""
    return _review.review_queue(db, status=status, limit=limit, offset=offset)


def candidate(db: Database, pair_id: str) -> dict[str, Any]:
    """One candidate pair in full; ``NotFound`` when there is none."""
    return _review.candidate(db, pair_id)


def decide(db: Database, pair_id: str, *, accept: bool, by: str, reason: str | None = None) -> dict[str, Any]:
    """Accept (must-link) or reject (cannot-link) the pair; returns it as ``candidate`` does."""
    _review.decide(db, pair_id, accept=accept, by=by, reason=reason)
    return _review.candidate(db, pair_id)
