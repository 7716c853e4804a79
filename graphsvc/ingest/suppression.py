"""The suppression list: an erased person's identifiers, kept only as salted hashes, never imported again.

When a person is erased on request, the email addresses, phone numbers and handles they were
known by are recorded as ``(:Suppression {hash, at})``, where ``hash`` is a keyed BLAKE2b of
``platform:key`` under a random salt made once per graph (``(:SuppressionSalt)``). No readable
identifier remains, yet a later import of the same email, phone or handle can be recognised and
refused: the importer counts such rows as ``suppressed`` and writes none of them (a contact that
states a suppressed email or phone is refused whole, as is an edge or a post that touches a
suppressed account; a post's mention of one is dropped and redacted in its text).

The salt stops a stolen suppression list from being checked against a list of known addresses
without the graph; it does not protect against someone who holds the whole database.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction

from graphsvc.db import Database, query

__all__ = ["REDACTED", "SuppressionList", "load_suppression", "redact", "suppress_identifiers", "suppression_hash"]

REDACTED = "[erased]"


def redact(text: str, handles: Sequence[str] = (), addresses: Sequence[str] = ()) -> str:
    """``text`` with every ``@handle`` of ``handles`` and every one of ``addresses`` (any case) replaced."""
    for handle in handles:
        text = re.sub(rf"@{re.escape(handle)}(?![\w.-]*\w)", "@" + REDACTED, text, flags=re.IGNORECASE)
    for address in addresses:
        text = re.sub(re.escape(address), REDACTED, text, flags=re.IGNORECASE)
    return text


def suppression_hash(salt: bytes, platform: str, key: str) -> str:
    return hashlib.blake2b(f"{platform}:{key}".encode(), key=salt, digest_size=20).hexdigest()


def _salt(tx: ManagedTransaction) -> bytes:
    row = tx.run(query("ingest.suppression_salt"), fresh=secrets.token_hex(32)).single()
    assert row is not None  # MERGE always returns the salt
    return bytes.fromhex(row["salt"])


def suppress_identifiers(tx: ManagedTransaction, identifiers: Iterable[Mapping[str, str]]) -> int:
    """Add ``{platform, key}`` identifiers to the list, inside the caller's transaction; returns how many."""
    salt = _salt(tx)
    hashes = sorted({suppression_hash(salt, i["platform"], i["key"]) for i in identifiers})
    if hashes:
        tx.run(query("ingest.suppress"), hashes=hashes, at=datetime.now(UTC)).consume()
    return len(hashes)


@dataclass(frozen=True)
class SuppressionList:
    salt: bytes
    hashes: frozenset[str]

    def __contains__(self, identifier: tuple[str, str]) -> bool:
        return suppression_hash(self.salt, *identifier) in self.hashes

    def screen(self, kind: str, row: dict[str, Any]) -> bool:
        """False when ``row`` (a converted import row) must not be written; drops suppressed mentions."""
        if kind == "contacts":
            return not any((p["platform"], p["key"]) in self for p in row["points"])
        if kind == "identities":
            return (row["platform"], row["key"]) not in self
        if kind == "edges":
            return (row["sp"], row["sk"]) not in self and (row["dp"], row["dk"]) not in self
        if (row["platform"], row["author"]) in self:  # posts
            return False
        erased = [m for m in row["mentions"] if (row["platform"], m) in self]
        if erased:
            row["mentions"] = [m for m in row["mentions"] if m not in erased]
            row["props"]["text"] = redact(row["props"].get("text") or "", erased)
        return True


def load_suppression(db: Database) -> SuppressionList | None:
    """The graph's suppression list, or None when it is empty (then imports check nothing)."""
    hashes = [row["hash"] for row in db.read("ingest.suppressed_hashes")]
    if not hashes:
        return None
    return SuppressionList(db.write_tx(_salt), frozenset(hashes))
