"""Consent: records per person and purpose, and the rule that keeps people out of targeting.

The model follows ISO/IEC TS 27560 and the Kantara consent receipt:
``(:Person)-[:GAVE]->(:Consent {id, purpose, channel, status, legalBasis, collectionMethod, source,
policyUrl, givenAt, withdrawnAt, expiresAt, recordedAt, recordedBy})``. Records are never changed;
a change of mind is a new record.

The rule: the *effective* consent of a person for a purpose is the most recent of their unexpired
records for it (ordered by ``withdrawnAt``, else ``givenAt``, else ``recordedAt``); an expired
record counts as absent; with no record the setting ``GRAPHSVC_CONSENT_DEFAULT`` applies
(``granted``: opt-out, the B2B social CRM default). Targeting (influencers, segments, warm paths)
only returns people whose effective consent is granted for every one of ``TARGETING_PURPOSES``
(and a segment's own purpose). The filtering runs in Cypher, with ``params`` as its parameters.

Profiling: a person whose effective consent for ``PROFILING`` is not granted has nothing computed
about them. The analytics jobs leave them out of what they write (``unprofiled``), a refusal recorded
here clears what earlier runs computed in the same transaction, and ``sweep`` clears it for those
whose consent lapsed by expiry or by a change of ``GRAPHSVC_CONSENT_DEFAULT`` (each job run and the
API server run it).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction

from graphsvc.analytics.profiling import PROFILING, clear_profiles, sweep, unprofiled
from graphsvc.db import Database, query
from graphsvc.errors import InputError, NotFound
from graphsvc.service.rows import ConsentRow
from graphsvc.service.values import plain

__all__ = [
    "CHANNELS",
    "PROFILING",
    "STATUSES",
    "TARGETING_PURPOSES",
    "clear_profiles",
    "effective",
    "params",
    "purposes",
    "record_consent",
    "sweep",
    "targetable",
    "unprofiled",
]

STATUSES = ("granted", "denied", "withdrawn")
CHANNELS = ("email", "phone", "social", "any")
#: Purposes whose refusal removes a person from every targeting result.
TARGETING_PURPOSES = ("marketing", "profiling")
_PURPOSE = re.compile(r"[a-z][a-z0-9_-]{1,63}")


def check_purpose(purpose: str, *, where: str = "purpose") -> str:
    if not _PURPOSE.fullmatch(purpose):
        raise InputError(
            f"expected a purpose slug such as 'marketing' (lower case, digits, '-', '_'), got {purpose!r}", where=where
        )
    return purpose


def params(default: str, purposes: Iterable[str] = TARGETING_PURPOSES) -> dict[str, Any]:
    """The Cypher parameters of the consent predicate: ``$purposes`` and ``$consentDefault``.

    "Now", against which expiry is judged, is the database's statement clock (``datetime()``): one
    clock for every API worker, and no time value for the driver to encode per query.
    """
    return {"purposes": sorted(set(purposes)), "consentDefault": default}


def _aware(value: datetime | None, where: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise InputError(f"expected a time with a UTC offset, got {value.isoformat()!r}", where=where)
    return value


def record_consent(
    db: Database,
    *,
    person_id: str,
    purpose: str,
    status: str,
    recorded_by: str,
    channel: str = "any",
    legal_basis: str | None = None,
    collection_method: str | None = None,
    source: str | None = None,
    policy_url: str | None = None,
    given_at: datetime | None = None,
    withdrawn_at: datetime | None = None,
    expires_at: datetime | None = None,
) -> ConsentRow:
    """Write one consent record for ``person_id``; returns it. ``withdrawn`` records default ``withdrawnAt`` to now."""
    check_purpose(purpose)
    if status not in STATUSES:
        raise InputError(f"expected one of {', '.join(STATUSES)}, got {status!r}", where="status")
    if channel not in CHANNELS:
        raise InputError(f"expected one of {', '.join(CHANNELS)}, got {channel!r}", where="channel")
    now = datetime.now(UTC)
    given_at, withdrawn_at, expires_at = (
        _aware(given_at, "givenAt"),
        _aware(withdrawn_at, "withdrawnAt"),
        _aware(expires_at, "expiresAt"),
    )
    if status == "withdrawn":
        withdrawn_at = withdrawn_at or now
    elif withdrawn_at is not None:
        raise InputError(f"withdrawnAt goes only with status 'withdrawn', got status {status!r}", where="withdrawnAt")
    else:
        given_at = given_at or now
    start = withdrawn_at or given_at
    if expires_at is not None and start is not None and expires_at <= start:
        raise InputError(
            f"expected expiresAt after {start.isoformat()}, got {expires_at.isoformat()}", where="expiresAt"
        )
    props = {
        "id": uuid.uuid4().hex,
        "purpose": purpose,
        "channel": channel,
        "status": status,
        "legalBasis": legal_basis,
        "collectionMethod": collection_method,
        "source": source,
        "policyUrl": policy_url,
        "givenAt": given_at,
        "withdrawnAt": withdrawn_at,
        "expiresAt": expires_at,
        "recordedAt": now,
        "recordedBy": recorded_by,
    }
    record, clear = query("consent.record"), query("consent.clear_profile")

    def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
        rows = [dict(r) for r in tx.run(record, person=person_id, id=props["id"], props=props)]
        if rows and purpose == PROFILING and status != "granted":
            tx.run(clear, ids=[person_id]).consume()
        return rows

    rows = db.write_tx(work)
    if not rows:
        raise NotFound(f"no person {person_id!r}", hint="person ids come from `persons`, `search` or `person`")
    consent: ConsentRow = plain(rows[0]["consent"])
    return consent


def purposes(db: Database) -> list[str]:
    """The purposes named by any consent record, but ``TARGETING_PURPOSES`` (which every list requires)."""
    return [row["purpose"] for row in db.read("consent.purposes", **{"except": list(TARGETING_PURPOSES)})]


def effective(db: Database, person_id: str) -> dict[str, str]:
    """``{purpose: status}`` from the person's most recent unexpired record per purpose."""
    rows = db.read("consent.effective", person=person_id)
    return {row["purpose"]: row["status"] for row in rows}


def targetable(
    db: Database, person_ids: Sequence[str], *, default: str, purposes: Iterable[str] = TARGETING_PURPOSES
) -> set[str]:
    """Those of ``person_ids`` (existing persons) whose consent allows targeting for ``purposes``."""
    if not person_ids:
        return set()
    rows = db.read("consent.targetable", ids=list(person_ids), **params(default, purposes))
    return {row["person"] for row in rows if row["targetable"]}
