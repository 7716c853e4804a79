"""The trail of who received whose data (access events) and what was done to whom (audit events).

``(:AccessEvent {id, at, apiKeyId, user, operation, personIds})`` is written for every export of
personal data (``exportSubject``, segment exports), so issue 8 can answer "which API keys received
this person's data", and for every person a console user opens (``user``: who was signed in).
Audit events of erasures are written by ``subjects.erase_subject`` itself, in the erasure's own
transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from graphsvc.db import Database

__all__ = ["record_access"]


def record_access(
    db: Database, *, api_key_id: str | None, operation: str, person_ids: Sequence[str], user: str | None = None
) -> str:
    """Record that ``api_key_id`` or the console ``user`` (neither: an anonymous request) received
    ``person_ids``' data; returns the event's id."""
    event_id = uuid.uuid4().hex
    db.write(
        "api.record_access",
        id=event_id,
        at=datetime.now(UTC),
        apiKeyId=api_key_id,
        user=user,
        operation=operation,
        personIds=list(person_ids),
    )
    return event_id
