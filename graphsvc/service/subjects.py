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
import re
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from neo4j import ManagedTransaction

from graphsvc.db import Database, query
from graphsvc.errors import NotFound
from graphsvc.ingest.files import purge_files
from graphsvc.ingest.files import record_file as remember_file
from graphsvc.ingest.suppression import REDACTED, redact, suppress_identifiers
from graphsvc.service.audit import record_access
from graphsvc.service.values import jsonable

__all__ = ["REDACTED", "Erasure", "erase_subject", "export_subject", "redact", "remember_file"]


@dataclass
class Erasure:
    person_id: str
    audit_event: str
    contacts: int
    identities: int
    posts: int
    consents: int
    redacted_posts: int
    redacted_audit_entries: int = 0
    #: files graphsvc wrote (rejects files, subject exports) that held the person, deleted
    deleted_files: list[str] = field(default_factory=list)
    #: such files it could not delete here (another machine's, or refused): the operator's to remove
    files_left: list[str] = field(default_factory=list)

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


def _scrub(text: str, words: Sequence[str], substrings: Sequence[str]) -> str:
    """``text`` with every one of ``substrings`` (any case) and every whole word of ``words`` replaced."""
    for part in sorted(substrings, key=len, reverse=True):
        text = re.sub(re.escape(part), REDACTED, text, flags=re.IGNORECASE)
    for word in words:
        text = re.sub(rf"(?<![\w.@-]){re.escape(word)}(?![\w.-]*\w)", REDACTED, text, flags=re.IGNORECASE)
    return text


def erase_subject(db: Database, person_id: str, *, actor: str) -> Erasure:
    """Erase ``person_id`` and everything that identifies them; returns what was removed.

    In one transaction: the person's records go, their identifiers (handles, emails, phones, CRM
    records) go on the suppression list, and their handles and addresses are redacted in other
    people's posts, audit entries and review reasons. Then the files graphsvc wrote that hold them
    (rejects files, subject exports) are deleted where this machine can reach them.
    """
    audit_id = uuid.uuid4().hex
    key = db.suppression_key()

    def work(tx: ManagedTransaction) -> tuple[Erasure, list[str]] | None:
        found = tx.run(query("subjects.erase_targets"), person=person_id).single()
        if found is None:
            return None
        handles = [k["key"] for k in found["keys"] if k["platform"] not in ("email", "phone")]
        addresses = [k["key"] for k in found["keys"] if k["platform"] in ("email", "phone")]
        record_keys = [f"identity:{k['platform']}:{k['key']}" for k in found["keys"]] + found["contactKeys"]
        nodes = [found["person"], *found["contacts"], *found["identities"], *found["posts"], *found["consents"]]
        needles = sorted(
            {n.lower() for n in [*(f"@{h}" for h in handles), *handles, *addresses, *record_keys, person_id]}
        )
        texts = list(tx.run(query("subjects.erase_texts"), needles=needles, erased=nodes, personId=person_id))
        posts: list[dict[str, Any]] = []
        audits: list[dict[str, Any]] = []
        candidates: list[dict[str, Any]] = []
        for row in texts:
            before: dict[str, Any] = row["texts"]
            if row["kind"] == "post":
                after: dict[str, Any] = {"text": redact(before["text"], handles, addresses)}
            else:
                scrub = partial(_scrub, words=[*handles, person_id], substrings=[*record_keys, *addresses])
                after = {
                    name: (scrub(value) if isinstance(value, str) else [scrub(v) for v in value])
                    for name, value in before.items()
                    if value is not None
                }
            if after != {k: v for k, v in before.items() if v is not None}:
                {"post": posts, "audit": audits, "candidate": candidates}[row["kind"]].append(
                    {"id": row["id"], "texts": after}
                )
        erasure = Erasure(
            person_id=person_id,
            audit_event=audit_id,
            contacts=len(found["contacts"]),
            identities=len(found["identities"]),
            posts=len(found["posts"]),
            consents=len(found["consents"]),
            redacted_posts=len(posts),
            redacted_audit_entries=len(audits) + len(candidates),
        )
        # keyed hashes only: no later import or API write brings them back
        suppress_identifiers(tx, key, [*found["keys"], *found["contactIdentifiers"]])
        counts = {k: v for k, v in erasure.as_dict().items() if isinstance(v, int)}
        tx.run(
            query("subjects.erase_apply"),
            redactions=posts,
            audits=audits,
            candidates=candidates,
            nodes=nodes,
            personId=person_id,
            auditId=audit_id,
            at=datetime.now(UTC),
            actor=actor,
            counts=json.dumps(counts),
        ).consume()
        # what marks a file as holding the person: an address, a record key or the person's id
        # anywhere, a handle as a whole JSON string (a short handle is part of too many words)
        quoted = [f'"{prefix}{h}"' for h in handles for prefix in ("", "@")]
        return erasure, [*addresses, *record_keys, person_id, *quoted]

    done = db.write_tx(work)
    if done is None:
        raise NotFound(f"no person {person_id!r}", hint="it may have been erased already")
    erasure, needles = done
    purged = purge_files(db, needles)
    erasure.deleted_files = purged.deleted
    erasure.files_left = purged.left
    return erasure
