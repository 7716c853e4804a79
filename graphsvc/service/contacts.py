"""CRM contacts and identities: pages, batched look-ups by key, and writes through the import rules.

A contact's id is ``source:sourceId`` and an identity's ``platform:key``. ``upsert_contact`` and
``add_identity`` validate and normalise exactly like ``graphsvc import`` (the same converters and
the same MERGE queries), so the API and the importer cannot disagree on what a record looks like.
Fields left out are kept as they are (an API write is a partial update).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graphsvc.db import Database
from graphsvc.errors import InputError, NotFound
from graphsvc.ingest import normalize as norm
from graphsvc.ingest.fields import ConvertOptions, convert
from graphsvc.ingest.readers import Record
from graphsvc.ingest.suppression import screen_rows
from graphsvc.service.cursors import Page, decode, page_size, paginate
from graphsvc.service.rows import ContactRow, IdentityRow
from graphsvc.service.values import plain

__all__ = [
    "ContactFilter",
    "add_identity",
    "contact_key",
    "contacts_by_key",
    "contacts_count",
    "contacts_page",
    "identities_by_key",
    "identity_key",
    "persons_of_contacts",
    "persons_of_identities",
    "upsert_contact",
]

Row = dict[str, Any]
Key = tuple[str, str]


@dataclass(frozen=True)
class ContactFilter:
    source: str | None = None
    name: str | None = None
    company: str | None = None
    city: str | None = None
    country: str | None = None

    def params(self) -> dict[str, Any]:
        low = lambda text: text.strip().lower() if text and text.strip() else None  # noqa: E731
        return {
            "source": self.source,
            "nameLike": low(self.name),
            "company": low(self.company),
            "city": low(self.city),
            "country": low(self.country),
        }


def contact_key(contact_id: str, *, where: str = "id") -> Key:
    """``'salesforce:003A1'`` -> ``('salesforce', '003A1')``."""
    source, sep, source_id = contact_id.partition(":")
    if not (sep and source and source_id):
        raise InputError(
            f"expected a contact id like 'salesforce:003A1' (source:sourceId), got {contact_id!r}", where=where
        )
    return source, source_id


def identity_key(platform: str, handle: str, *, where: str = "handle") -> Key:
    """The stored (platform, key) of a handle, email, phone or profile URL, normalised as imports are."""
    try:
        parsed = norm.parse_handle(handle, platform or None)
    except InputError as exc:
        raise InputError(exc.reason, where=where) from None
    return parsed.platform, parsed.key


def contact_row(row: Row) -> ContactRow:
    """A contact as ``api.cypher`` returns it (``contact`` and its ``points``), as one row."""
    contact: ContactRow = plain(row["contact"])
    contact["points"] = row["points"]
    return contact


def contacts_page(
    db: Database, contact_filter: ContactFilter, *, first: int | None, after: str | None
) -> Page[ContactRow]:
    """Contacts in (source, sourceId) order."""
    size = page_size(first)
    key = decode(after, "contact", 2)
    rows = db.read("api.contacts_page", after=key, limit=size + 1, **contact_filter.params())
    return paginate([contact_row(r) for r in rows], size, "contact", lambda row: [row["source"], row["sourceId"]])


def contacts_count(db: Database, contact_filter: ContactFilter) -> int:
    return int(db.read("api.contacts_count", **contact_filter.params())[0]["total"])


def contacts_by_key(db: Database, keys: Sequence[Key]) -> dict[Key, ContactRow]:
    rows = db.read("api.contacts_by_key", keys=[list(k) for k in keys])
    return {(r["contact"]["source"], r["contact"]["sourceId"]): contact_row(r) for r in rows}


def identities_by_key(db: Database, keys: Sequence[Key], *, consent_default: str) -> dict[Key, IdentityRow]:
    """Identities by (platform, key); scores left out where a person they belong to refused profiling."""
    rows = db.read("api.identities_by_key", keys=[list(k) for k in keys], consentDefault=consent_default)
    return {(r["identity"]["platform"], r["identity"]["key"]): plain(r["identity"]) for r in rows}


def persons_of_contacts(db: Database, keys: Sequence[Key]) -> dict[Key, str]:
    rows = db.read("api.contact_persons", keys=[list(k) for k in keys])
    return {(r["key"][0], r["key"][1]): r["person"] for r in rows}


def persons_of_identities(db: Database, keys: Sequence[Key]) -> dict[Key, str]:
    rows = db.read("api.identity_persons", keys=[list(k) for k in keys])
    return {(r["key"][0], r["key"][1]): r["person"] for r in rows if r["person"]}


_CAMEL = re.compile(r"_([a-z])")
#: Import columns whose API input field has another name.
_INPUT_NAMES = {"email": "emails", "phone": "phones", "contact_source": "contactId", "contact_id": "contactId"}


def _converted(kind: str, fields: dict[str, Any], default_region: str | None) -> Row:
    """The import row for ``fields`` (import column names); errors name the GraphQL input field."""
    record = Record("input", 1, {k: v for k, v in fields.items() if v is not None})
    try:
        row = convert(kind, record, ConvertOptions(default_region=default_region))
    except InputError as exc:
        column = (exc.where or "").rsplit(":", 1)[-1]
        field = _INPUT_NAMES.get(column) or _CAMEL.sub(lambda m: m.group(1).upper(), column) if column != "1" else ""
        raise InputError(exc.reason, where=f"input.{field}" if field else "input") from None
    row["props"] = {k: v for k, v in row["props"].items() if v is not None}  # left out: kept as it is
    return row


def upsert_contact(
    db: Database, fields: dict[str, Any], *, default_region: str | None = "US", origin: str = "api"
) -> Key:
    """Create or update a CRM contact from import-style ``fields`` (source, source_id, name, email [list]...)."""
    row = _converted("contacts", fields, default_region)
    screen_rows(db, "contacts", [row])
    db.write("ingest.contacts", rows=[row], now=datetime.now(UTC), origin=origin)
    return row["source"], row["sourceId"]


def add_identity(
    db: Database, fields: dict[str, Any], *, default_region: str | None = "US", origin: str = "api"
) -> Key:
    """Create or update an identity (platform, handle, display_name..., contact_source + contact_id)."""
    row = _converted("identities", fields, default_region)
    screen_rows(db, "identities", [row])
    if row["contact"] is not None:
        wanted = (row["contact"]["source"], row["contact"]["sourceId"])
        if not contacts_by_key(db, [wanted]):
            raise NotFound(f"no contact {':'.join(wanted)!r}", hint="create it first with upsertContact")
    db.write("ingest.identities", rows=[row], now=datetime.now(UTC), origin=origin)
    return row["platform"], row["key"]
