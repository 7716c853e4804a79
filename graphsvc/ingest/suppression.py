"""The suppression list: an erased person's identifiers, kept only as keyed hashes, never imported again.

When a person is erased on request, the email addresses, phone numbers and handles they were
known by, and the CRM records (source and id) they had, are recorded as ``(:Suppression {hash, at})``,
where ``hash`` is HMAC-SHA256 of ``platform:key`` (``contact:source:sourceId`` for a CRM record) under
a key that lives outside the graph (``GRAPHSVC_SUPPRESSION_KEY``, or a 0600 key file:
``Settings.suppression_secret``). No readable identifier remains, yet a later import of the same
email, phone, handle or CRM record can be recognised and refused: the importer counts such rows as
``suppressed`` and writes none of them (a contact that states a suppressed email or phone is refused
whole, as is an edge or a post that touches a suppressed account; a post's mention of one is dropped
and redacted in its text), and ``upsertContact``/``addIdentity`` refuse them.

A dump of the database alone cannot be checked against a list of known addresses: the key is not in
it. The graph records a check value of the key (``SuppressionKey``) so that a process with another
key is refused instead of silently missing every entry. Hashes made before the key existed (a
BLAKE2b under a salt kept in the graph) are still honoured.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction

from graphsvc.db import Database, query
from graphsvc.errors import ConfigError, InputError

__all__ = [
    "REDACTED",
    "SuppressionList",
    "contact_identifier",
    "load_suppression",
    "redact",
    "screen_rows",
    "suppress_identifiers",
    "suppression_hash",
]

REDACTED = "[erased]"
_CHECK_TEXT = b"graphsvc suppression key check"


def redact(text: str, handles: Sequence[str] = (), addresses: Sequence[str] = ()) -> str:
    """``text`` with every ``@handle`` of ``handles`` and every one of ``addresses`` (any case) replaced."""
    for handle in handles:
        text = re.sub(rf"@{re.escape(handle)}(?![\w.-]*\w)", "@" + REDACTED, text, flags=re.IGNORECASE)
    for address in addresses:
        text = re.sub(re.escape(address), REDACTED, text, flags=re.IGNORECASE)
    return text


def contact_identifier(source: str, source_id: str) -> tuple[str, str]:
    """The suppression identifier of a CRM record."""
    return ("contact", f"{source}:{source_id}")


def suppression_hash(key: bytes, platform: str, identifier: str) -> str:
    return hmac.new(key, f"{platform}:{identifier}".encode(), hashlib.sha256).hexdigest()


def _legacy_hash(salt: bytes, platform: str, identifier: str) -> str:
    return hashlib.blake2b(f"{platform}:{identifier}".encode(), key=salt, digest_size=20).hexdigest()


def _check_key(tx: ManagedTransaction, key: bytes) -> None:
    """Refuse ``key`` unless the graph's recorded check value says its hashes are made with it."""
    check = hmac.new(key, _CHECK_TEXT, hashlib.sha256).hexdigest()[:16]
    row = tx.run(query("ingest.suppression_key_recorded")).single()
    if row is None or row["check"] is None:
        row = tx.run(query("ingest.suppression_key_check"), check=check).single()
    if row is None or row["check"] != check:
        raise ConfigError(
            "this graph's suppression list was made with another suppression key",
            hint="use the key it was made with (GRAPHSVC_SUPPRESSION_KEY or GRAPHSVC_SUPPRESSION_KEY_FILE, "
            "from your backup); without it, erased people's identifiers cannot be recognised",
        )


def _legacy_salt(tx: ManagedTransaction) -> bytes | None:
    row = tx.run(query("ingest.suppression_salt")).single()
    return bytes.fromhex(row["salt"]) if row is not None and row["salt"] else None


def suppress_identifiers(tx: ManagedTransaction, key: bytes, identifiers: Iterable[Mapping[str, str]]) -> int:
    """Add ``{platform, key}`` identifiers to the list, inside the caller's transaction; returns how many."""
    _check_key(tx, key)
    hashes = sorted({suppression_hash(key, i["platform"], i["key"]) for i in identifiers})
    if hashes:
        tx.run(query("ingest.suppress"), hashes=hashes, at=datetime.now(UTC)).consume()
    return len(hashes)


@dataclass(frozen=True)
class SuppressionList:
    key: bytes
    hashes: frozenset[str]
    legacy_salt: bytes | None = None

    def __contains__(self, identifier: tuple[str, str]) -> bool:
        if suppression_hash(self.key, *identifier) in self.hashes:
            return True
        return self.legacy_salt is not None and _legacy_hash(self.legacy_salt, *identifier) in self.hashes

    def screen(self, kind: str, row: dict[str, Any]) -> bool:
        """False when ``row`` (a converted import row) must not be written; drops suppressed mentions."""
        if kind in ("contacts", "identities"):
            return not any(identifier in self for identifier in _identifiers(kind, row))
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
    key = db.suppression_key()

    def work(tx: ManagedTransaction) -> bytes | None:
        _check_key(tx, key)
        return _legacy_salt(tx)

    return SuppressionList(key, frozenset(hashes), db.write_tx(work))


def _identifiers(kind: str, row: dict[str, Any]) -> list[tuple[str, str]]:
    """What identifies a converted contact (its record, its contact points) or identity row (itself,
    the contact it is stated on): any one suppressed refuses the row."""
    if kind == "contacts":
        return [contact_identifier(row["source"], row["sourceId"])] + [(p["platform"], p["key"]) for p in row["points"]]
    linked = row.get("contact")
    return [(row["platform"], row["key"])] + (
        [contact_identifier(linked["source"], linked["sourceId"])] if linked else []
    )


def screen_rows(db: Database, kind: str, rows: list[dict[str, Any]]) -> None:
    """Refuse (``InputError``) converted contact or identity rows that carry a suppressed identifier:
    the API's single writes, checked by point look-ups. The error names the input, never the value."""
    key = db.suppression_key()
    identifiers = [i for row in rows for i in _identifiers(kind, row)]

    def work(tx: ManagedTransaction) -> tuple[bytes | None, frozenset[str]]:
        _check_key(tx, key)
        salt = _legacy_salt(tx)
        hashes = [suppression_hash(key, *i) for i in identifiers]
        if salt is not None:
            hashes += [_legacy_hash(salt, *i) for i in identifiers]
        found = tx.run(query("ingest.suppressed_among"), hashes=hashes)
        return salt, frozenset(r["hash"] for r in found)

    salt, found = db.write_tx(work)
    if not found:
        return
    suppression = SuppressionList(key, found, salt)
    for row in rows:
        if not suppression.screen(kind, row):
            raise InputError(
                "refused: this record carries an identifier of a person erased on request (the suppression "
                "list); it is not stored",
                where="input",
            )
