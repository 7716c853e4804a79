"""Unmerge with history: split a person or detach one record, and the audit trail of every change.

A split is a human decision: the records moved out get a new person now, and every pair
between them and the records left behind becomes a rejected candidate (a cannot-link), so
no later `graphsvc resolve` puts them together again unless a human accepts a pair. Every
merge and split (by a resolve run or a person) and every review decision leaves an
``AuditEvent`` on the person: who, when, why, and the member records before and after.
Each operation is one transaction: it happens entirely or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction

from graphsvc.db import Database, query
from graphsvc.errors import InputError, NotFound
from graphsvc.resolve.cluster import new_person_id
from graphsvc.resolve.records import member_of, pair_id
from graphsvc.resolve.survivorship import FIELDS

__all__ = [
    "audit_event",
    "detach_record",
    "edit_person",
    "get_person",
    "person_history",
    "platforms_of",
    "split_person",
    "write_audit",
]


#: The most audit entries one look-up returns.
MAX_HISTORY = 1000


def audit_event(
    person: str,
    action: str,
    *,
    by: str,
    reason: str | None = None,
    run: str | None = None,
    before: Iterable[str] = (),
    after: Iterable[str] = (),
    related: Iterable[str] = (),
) -> dict[str, Any]:
    """One audit event: ``before``/``after`` are the person's member record keys, ``related`` other persons."""
    return {
        "id": uuid.uuid4().hex,
        "personId": person,
        "action": action,
        "by": by,
        "reason": reason,
        "run": run,
        "before": sorted(before),
        "after": sorted(after),
        "related": sorted(related),
    }


def write_audit(tx: ManagedTransaction, events: Sequence[dict[str, Any]], now: datetime) -> None:
    if events:
        tx.run(query("resolve.audit"), events=list(events), now=now).consume()


def person_history(db: Database, person_id: str, limit: int = 100) -> list[dict[str, Any]]:
    """The person's audit trail, newest first."""
    if not 1 <= limit <= MAX_HISTORY:
        raise InputError(f"expected 1 to {MAX_HISTORY}, got {limit}", where="limit")
    return db.read("resolve.person_history", id=person_id, limit=limit)


def split_person(
    db: Database, person_id: str, records: Sequence[str], *, by: str, reason: str | None = None
) -> dict[str, Any]:
    """Move ``records`` (record keys such as ``identity:twitter:ada``) out of ``person_id`` into a new person."""

    if not by.strip():
        raise InputError("expected the name of who splits", where="by")
    rows = db.read("resolve.person_members", id=person_id)
    if not rows:
        raise NotFound(f"no person {person_id!r}")
    members = set(rows[0]["members"])
    moved = sorted(dict.fromkeys(records))
    unknown = [key for key in moved if key not in members]
    if unknown:
        raise InputError(f"not members of {person_id}: {unknown}; its members are {sorted(members)}", where="records")
    if not moved:
        raise InputError("expected at least one record to move out", where="records")
    kept = sorted(members - set(moved))
    if not kept:
        raise InputError(f"a split must leave {person_id} at least one record", where="records")
    new_id, suffix = new_person_id(moved), 1
    while new_id == person_id or db.read("resolve.person_members", id=new_id):
        new_id, suffix = f"{new_person_id(moved)}-{suffix}", suffix + 1
    now = datetime.now(UTC)
    run = f"split-{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    links = [
        {
            "pairId": pair_id(a, b),
            "a": {"id": min(a, b), **member_of(min(a, b))},
            "b": {"id": max(a, b), **member_of(max(a, b))},
        }
        for a in moved
        for b in kept
    ]
    persons = [
        {
            "id": new_id,
            "name": rows[0]["name"],
            "members": [member_of(k) for k in moved],
            "platforms": platforms_of(moved),
        },
        {
            "id": person_id,
            "name": rows[0]["name"],
            "members": [member_of(k) for k in kept],
            "platforms": platforms_of(kept),
        },
    ]
    events = [
        audit_event(person_id, "split", by=by, reason=reason, run=run, before=members, after=kept, related=[new_id]),
        audit_event(new_id, "split-from", by=by, reason=reason, run=run, before=(), after=moved, related=[person_id]),
    ]

    def work(tx: ManagedTransaction) -> None:
        tx.run(query("resolve.cannot_link"), rows=links, now=now, run=run, by=by.strip(), reason=reason).consume()
        tx.run(query("resolve.write_persons"), rows=persons, now=now, run=run).consume()
        write_audit(tx, events, now)

    db.write_tx(work)
    return {
        "person": person_id,
        "kept": kept,
        "new_person": new_id,
        "moved": moved,
        "cannot_links": len(links),
        "run": run,
    }


def detach_record(db: Database, person_id: str, record: str, *, by: str, reason: str | None = None) -> dict[str, Any]:
    """Detach one record (say a namesake's account) from ``person_id`` into a person of its own."""
    return split_person(db, person_id, [record], by=by, reason=reason)


def platforms_of(keys: Iterable[str]) -> list[str]:
    """The platforms of the identities among record ``keys``."""
    return sorted({key.split(":", 2)[1] for key in keys if key.startswith("identity:")})


def get_person(db: Database, person_id: str) -> dict[str, Any]:
    """The person's surviving values, each with its source record, time and rule, and its members."""
    rows = db.read("resolve.person", id=person_id)
    if not rows:
        raise NotFound(f"no person {person_id!r}")
    person = dict(rows[0]["person"])
    fields = {
        field: {
            "value": person.get(field),
            "source": person.get(f"{field}Source"),
            "at": person.get(f"{field}At"),
            "rule": person.get(f"{field}Rule"),
            "edited": field in (person.get("edited") or []),
        }
        for field in FIELDS
    }
    return {"id": person_id, "fields": fields, "members": rows[0]["members"], "size": person.get("size")}


def edit_person(
    db: Database, person_id: str, field: str, value: str | None, *, by: str, reason: str | None = None
) -> dict[str, Any]:
    """A human edit: ``field`` shows ``value`` whatever the records say (``None`` hands it back to the rules)."""
    if field not in FIELDS:
        raise InputError(f"expected one of {list(FIELDS)}, got {field!r}", where="field")
    if not by.strip():
        raise InputError("expected the name of who edits", where="by")
    if value is not None and not value.strip():
        raise InputError("expected a value (or --unset to hand the field back to the rules)", where=field)
    before = get_person(db, person_id)["fields"][field]
    now = datetime.now(UTC)
    event = audit_event(
        person_id,
        "edit" if value is not None else "unedit",
        by=by.strip(),
        reason=reason,
        before=[f"{field}={before['value']}"] if before["value"] is not None else [],
        after=[f"{field}={value}"] if value is not None else [],
    )

    def work(tx: ManagedTransaction) -> None:
        tx.run(
            query("resolve.edit_person"),
            id=person_id,
            field=field,
            value=value.strip() if value else None,
            source=f"human:{by.strip()}",
            now=now,
        ).consume()
        write_audit(tx, [event], now)

    db.write_tx(work)
    return get_person(db, person_id)
