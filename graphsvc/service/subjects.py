"""Data-subject rights: export everything held on a person, and erase a person without trace.

``export_subject`` returns, as JSON-ready data, the person, its contacts (with their contact points
and organisations), identities, posts, ties, match candidates, consent records, communities, topic
scores, brand stances and the access events that disclosed it; the export itself is recorded as
an access event.

``erase_subject`` removes, in one transaction, the person, its contacts, identities (its members
and the contact points only its contacts state), their posts and consent records, and with them
every relationship they had (ties, interactions, match candidates, memberships). Other people's
posts that mention an erased identity keep their text with ``@handle`` redacted; community
summaries forget the person, and the person's audit trail goes (other trails that list an erased
record read '[erased]'). The identifiers go on the suppression list as salted hashes, so that no
later import brings them back. What remains is an ``AuditEvent {id, at, action: 'erase', personId,
actor, counts}`` that names no personal data.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction

from graphsvc.db import Database, query
from graphsvc.errors import NotFound
from graphsvc.ingest.suppression import REDACTED, redact, suppress_identifiers
from graphsvc.service.audit import record_access
from graphsvc.service.values import jsonable

__all__ = ["REDACTED", "Erasure", "erase_subject", "export_subject", "redact"]


@dataclass
class Erasure:
    person_id: str
    audit_event: str
    contacts: int
    identities: int
    posts: int
    consents: int
    redacted_posts: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def export_subject(
    db: Database, person_id: str, *, api_key_id: str | None = None, user: str | None = None
) -> dict[str, Any]:
    """Everything held on ``person_id`` as JSON-ready data (an access event records who received it)."""
    rows = db.read("subjects.export", person=person_id)
    if not rows:
        raise NotFound(f"no person {person_id!r}", hint="person ids come from `persons`, `search` or `person`")
    data = jsonable(rows[0])
    for candidate in data["matchCandidates"]:
        if isinstance(candidate.get("evidence"), str):
            candidate["evidence"] = json.loads(candidate["evidence"])
    data["exportedAt"] = datetime.now(UTC).isoformat()
    data["accessEvent"] = record_access(
        db, api_key_id=api_key_id, user=user, operation="exportSubject", person_ids=[person_id]
    )
    return dict(data)


def erase_subject(db: Database, person_id: str, *, actor: str) -> Erasure:
    """Erase ``person_id`` and everything that identifies them; returns what was removed."""
    audit_id = uuid.uuid4().hex

    def work(tx: ManagedTransaction) -> Erasure | None:
        found = tx.run(query("subjects.erase_targets"), person=person_id).single()
        if found is None:
            return None
        handles = [k["key"] for k in found["keys"] if k["platform"] not in ("email", "phone")]
        addresses = [k["key"] for k in found["keys"] if k["platform"] in ("email", "phone")]
        redactions = [
            {"id": post["id"], "text": redact(post["text"], handles, addresses)} for post in found["mentioning"]
        ]
        redactions = [r for r, post in zip(redactions, found["mentioning"], strict=True) if r["text"] != post["text"]]
        erasure = Erasure(
            person_id=person_id,
            audit_event=audit_id,
            contacts=len(found["contacts"]),
            identities=len(found["identities"]),
            posts=len(found["posts"]),
            consents=len(found["consents"]),
            redacted_posts=len(redactions),
        )
        suppress_identifiers(tx, found["keys"])  # salted hashes only: no later import brings them back
        nodes = [found["person"], *found["contacts"], *found["identities"], *found["posts"], *found["consents"]]
        counts = {k: v for k, v in erasure.as_dict().items() if isinstance(v, int)}
        erased_keys = [f"identity:{k['platform']}:{k['key']}" for k in found["keys"]] + found["contactKeys"]
        tx.run(
            query("subjects.erase_apply"),
            redactions=redactions,
            nodes=nodes,
            personId=person_id,
            erasedKeys=erased_keys,
            auditId=audit_id,
            at=datetime.now(UTC),
            actor=actor,
            counts=json.dumps(counts),
        ).consume()
        return erasure

    done = db.write_tx(work)
    if done is None:
        raise NotFound(f"no person {person_id!r}", hint="it may have been erased already")
    return done
