"""The review queue: uncertain pairs for a human, and the decisions that outrank automation.

An accepted pair becomes a must-link and a rejected one a cannot-link in every later
`graphsvc resolve`. An accepted pair also takes effect at once: the two records' persons become
one (the one with more records keeps its id) in the decision's own transaction, so the reviewer
sees the joined person straight away; the next run recomputes its surviving values.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction

from graphsvc.db import Database, query
from graphsvc.errors import InputError, NotFound
from graphsvc.resolve.cluster import new_person_id
from graphsvc.resolve.history import audit_event, platforms_of, write_audit
from graphsvc.resolve.records import member_of

__all__ = ["STATUSES", "candidate", "decide", "review_queue"]

STATUSES = ("pending", "auto", "accepted", "rejected")


#: The longest page of the queue, and the furthest into it a page may start.
MAX_PAGE = 100
MAX_OFFSET = 100_000


def _shaped(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "evidence": json.loads(row["evidence"] or "[]")}


def review_queue(db: Database, *, status: str = "pending", limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    """Candidate pairs with ``status``, most valuable first, each with both sides and the evidence."""
    if status not in STATUSES:
        raise InputError(f"expected one of {', '.join(STATUSES)}, got {status!r}", where="status")
    if not 1 <= limit <= MAX_PAGE:
        raise InputError(f"expected 1 to {MAX_PAGE}, got {limit}", where="first")
    if not 0 <= offset <= MAX_OFFSET:
        raise InputError(f"expected 0 to {MAX_OFFSET}, got {offset}", where="offset")
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
        if accept:
            events += _join(tx, pair, persons, by=by.strip(), reason=reason, now=now)
        write_audit(tx, events, now)
        return pair

    pair = db.write_tx(work)
    if pair is None:
        raise NotFound(f"no match candidate {pair_id!r}", hint="`graphsvc review list` shows the queue's ids")
    return pair


def _join(
    tx: ManagedTransaction, pair: dict[str, Any], persons: dict[str, str], *, by: str, reason: str | None, now: datetime
) -> list[dict[str, Any]]:
    """Make the accepted pair's records one person now; returns the audit events of the change."""
    records = [pair["a"], pair["b"]]
    ids = sorted(set(persons.values()))
    members: dict[str, list[str]] = {}
    names: dict[str, str | None] = {}
    for person_id in ids:
        row = tx.run(query("resolve.person_members"), id=person_id).single()
        members[person_id], names[person_id] = (list(row["members"]), row["name"]) if row else ([], None)
    if len(ids) == 1 and all(key in persons for key in records):
        return []  # already one person
    keep = max(ids, key=lambda p: (len(members[p]), p)) if ids else new_person_id(records)
    joined = sorted({*records, *(key for person_id in ids for key in members[person_id])})
    absorbed = [p for p in ids if p != keep]
    run = f"accept-{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    person = {
        "id": keep,
        "name": names.get(keep),
        "members": [member_of(key) for key in joined],
        "platforms": platforms_of(joined),
    }
    tx.run(query("resolve.write_persons"), rows=[person], now=now, run=run).consume()
    if absorbed:
        tx.run(query("resolve.drop_empty_persons"), ids=absorbed).consume()
    before = members.get(keep, [])
    events = [audit_event(keep, "merge", by=by, reason=reason, run=run, before=before, after=joined, related=absorbed)]
    events += [
        audit_event(gone, "dissolve", by=by, reason=reason, run=run, before=members[gone], after=(), related=[keep])
        for gone in absorbed
    ]
    return events
