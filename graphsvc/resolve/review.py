"""The review queue: uncertain pairs for a human, and the decisions that outrank automation.

An accepted pair becomes a must-link and a rejected one a cannot-link in every later
`graphsvc resolve` (the next incremental run re-clusters the two records' persons).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction

from graphsvc.db import Database, query
from graphsvc.errors import InputError, NotFound
from graphsvc.resolve.history import audit_event, write_audit

__all__ = ["STATUSES", "candidate", "decide", "review_queue"]

STATUSES = ("pending", "auto", "accepted", "rejected")


def _shaped(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "evidence": json.loads(row["evidence"] or "[]")}


def review_queue(db: Database, *, status: str = "pending", limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    """Candidate pairs with ``status``, most valuable first, each with both sides and the evidence."""
    if status not in STATUSES:
        raise InputError(f"expected one of {', '.join(STATUSES)}, got {status!r}", where="status")
    if limit < 1 or offset < 0:
        raise InputError(f"expected limit >= 1 and offset >= 0, got {limit} and {offset}", where="limit")
    return [_shaped(row) for row in db.read("resolve.review_queue", status=status, limit=limit, offset=offset)]


def candidate(db: Database, pair_id: str) -> dict[str, Any]:
    rows = db.read("resolve.candidate", id=pair_id)
    if not rows:
        raise NotFound(f"no match candidate {pair_id!r}", hint="`graphsvc review list` shows the queue's ids")
    return _shaped(rows[0])


def decide(db: Database, pair_id: str, *, accept: bool, by: str, reason: str | None = None) -> dict[str, Any]:
    """Record a human decision on a candidate pair (and on both persons' audit trails); returns the pair."""
    if not by.strip():
        raise InputError("expected the name of who decides", where="by")
    status = "accepted" if accept else "rejected"
    now = datetime.now(UTC)

    def work(tx: ManagedTransaction) -> dict[str, Any] | None:
        rows = [
            dict(r) for r in tx.run(query("resolve.decide"), id=pair_id, status=status, by=by.strip(), reason=reason)
        ]
        if not rows:
            return None
        pair = rows[0]
        persons = {r["key"]: r["person"] for r in tx.run(query("resolve.persons_of"), keys=[pair["a"], pair["b"]])}
        events = [
            audit_event(
                person,
                "accept" if accept else "reject",
                by=by.strip(),
                reason=reason,
                related=sorted(set(persons.values()) - {person}),
                after=[pair["a"], pair["b"]],
            )
            for person in sorted(set(persons.values()))
        ]
        write_audit(tx, events, now)
        return pair

    pair = db.write_tx(work)
    if pair is None:
        raise NotFound(f"no match candidate {pair_id!r}", hint="`graphsvc review list` shows the queue's ids")
    return pair
