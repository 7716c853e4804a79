"""Persons: pages and counts with filters, and the batched look-ups behind the API's DataLoaders.

Every ``*_of`` / ``*_by_id`` function takes many ids and makes one round trip, returning a dict
keyed by id: a DataLoader turns the N look-ups of one GraphQL response into one call.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graphsvc.db import Database
from graphsvc.errors import InputError
from graphsvc.service import consent
from graphsvc.service.contacts import contact_row
from graphsvc.service.cursors import Page, decode, page_size, paginate
from graphsvc.service.rows import CommunityRow, ConsentRow, ContactRow, IdentityRow, PersonRow
from graphsvc.service.values import plain

__all__ = [
    "PersonFilter",
    "communities_by_id",
    "communities_count",
    "communities_page",
    "consents_of",
    "contacts_of",
    "identities_of",
    "persons_by_id",
    "persons_count",
    "persons_page",
    "persons_with_identities",
    "stances_of",
    "topics_of",
]

Row = dict[str, Any]


@dataclass(frozen=True)
class PersonFilter:
    """Who to list: every given condition must hold (``name`` matches case-insensitively, anywhere).

    A filter on what the analytics computed (``community``, ``min_influence``) selects people by
    their profile, as ``influencers`` does, so it applies the same consent predicate: people whose
    consent for marketing or profiling is not granted (``consent_default`` where they have no
    record) are left out.
    """

    name: str | None = None
    community: str | None = None
    platform: str | None = None
    min_influence: float | None = None
    has_contact: bool | None = None
    consent_default: str = "granted"

    def params(self) -> dict[str, Any]:
        if self.min_influence is not None and not 0.0 <= self.min_influence <= 1.0:
            raise InputError(f"expected a score from 0 to 1, got {self.min_influence}", where="filter.minInfluence")
        return {
            "nameLike": self.name.strip().lower() if self.name and self.name.strip() else None,
            "community": self.community,
            "platform": self.platform.lower() if self.platform else None,
            "minInfluence": self.min_influence,
            "hasContact": self.has_contact,
            **consent.params(
                self.consent_default,
                consent.TARGETING_PURPOSES if self.community is not None or self.min_influence is not None else (),
            ),
        }


def _grouped(rows: list[Row], key: str, value: str) -> dict[Any, list[Any]]:
    groups: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        groups[row[key] if not isinstance(row[key], list) else tuple(row[key])].append(plain(row[value]))
    return dict(groups)


def persons_page(db: Database, person_filter: PersonFilter, *, first: int | None, after: str | None) -> Page[PersonRow]:
    """Persons in id order; ``after`` is the cursor of the previous page's last row."""
    size = page_size(first)
    key = decode(after, "person")
    rows = db.read("api.persons_page", after=key[0] if key else "", limit=size + 1, **person_filter.params())
    return paginate([plain(r["person"]) for r in rows], size, "person", lambda row: [row["id"]])


def persons_count(db: Database, person_filter: PersonFilter) -> int:
    return int(db.read("api.persons_count", **person_filter.params())[0]["total"])


def persons_by_id(db: Database, ids: Sequence[str], *, consent_default: str) -> dict[str, PersonRow]:
    return {
        row["person"]["id"]: plain(row["person"])
        for row in db.read("api.persons_by_id", ids=list(ids), consentDefault=consent_default)
    }


def persons_with_identities(
    db: Database, ids: Sequence[str], *, consent_default: str
) -> dict[str, tuple[PersonRow, list[IdentityRow]]]:
    """``persons_by_id`` and ``identities_of`` in one round trip: each found id's person and identities.

    What the analytics computed (scores, community; an identity's scores) is left out of the rows of
    persons whose consent for profiling is not granted (``consent_default`` without a record), as in
    every read of this module: ``topics_of`` and ``stances_of`` find nothing for them.
    """
    found: dict[str, tuple[PersonRow, list[IdentityRow]]] = {}
    for row in db.read("api.persons_with_identities", ids=list(ids), consentDefault=consent_default):
        members = sorted((plain(i) for i in row["identities"]), key=lambda i: (i["platform"], i["key"]))
        found[row["person"]["id"]] = (plain(row["person"]), members)
    return found


def identities_of(db: Database, ids: Sequence[str], *, consent_default: str) -> dict[str, list[IdentityRow]]:
    """Each person's identities: its members and its contacts' contact points."""
    return _grouped(
        db.read("api.person_identities", ids=list(ids), consentDefault=consent_default), "person", "identity"
    )


def contacts_of(db: Database, ids: Sequence[str]) -> dict[str, list[ContactRow]]:
    rows = db.read("api.person_contacts", ids=list(ids))
    groups: dict[str, list[ContactRow]] = defaultdict(list)
    for row in rows:
        groups[row["person"]].append(contact_row(row))
    return dict(groups)


def topics_of(db: Database, ids: Sequence[str], *, consent_default: str) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in db.read("api.person_topics", ids=list(ids), consentDefault=consent_default):
        groups[row["person"]].append({k: row[k] for k in ("topic", "score", "rank")})
    return dict(groups)


def stances_of(db: Database, ids: Sequence[str], *, consent_default: str) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in db.read("api.person_stances", ids=list(ids), consentDefault=consent_default):
        groups[row["person"]].append({k: row[k] for k in ("brand", "side", "score", "posts", "sentiment")})
    return dict(groups)


def consents_of(db: Database, ids: Sequence[str]) -> dict[str, list[ConsentRow]]:
    """Each person's consent records, most recent first."""
    return _grouped(db.read("api.person_consents", ids=list(ids)), "person", "consent")


def communities_by_id(db: Database, ids: Sequence[str]) -> dict[str, CommunityRow]:
    rows = db.read("api.communities_by_id", ids=list(ids))
    return {row["community"]["id"]: plain(row["community"]) for row in rows}


def communities_page(db: Database, *, first: int | None, after: str | None) -> Page[CommunityRow]:
    """Communities, largest first."""
    size = page_size(first)
    key = decode(after, "community", 2)
    rows = db.read("api.communities_page", after=key, limit=size + 1)
    return paginate([plain(r["community"]) for r in rows], size, "community", lambda row: [row["size"], row["id"]])


def communities_count(db: Database) -> int:
    return int(db.read("api.communities_count")[0]["total"])
