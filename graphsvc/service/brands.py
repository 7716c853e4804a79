"""Brands for the API: advocates and detractors, and demand signals, with consent applied.

Advocates and detractors are what the analytics run wrote (``graphsvc.analytics.advocacy``:
``(:Person)-[:ADVOCATES|DETRACTS {score, posts, sentiment, jobRun}]->(:Brand)``, the score being
influence x |mean sentiment| x posts / (posts + prior)). Both lists, like demand signals, are lists
of people to act on, so people whose consent for marketing or profiling is not granted never appear.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graphsvc.conversations import rollups
from graphsvc.conversations.store import list_brands
from graphsvc.db import Database
from graphsvc.errors import InputError, NotFound
from graphsvc.service import consent
from graphsvc.service.cursors import Page, decode, page_size, paginate
from graphsvc.service.values import plain

__all__ = ["SIDES", "brand", "demand_signals", "stances"]

#: side -> the relationship type the analytics run writes for it.
SIDES = {"advocate": "ADVOCATES", "detractor": "DETRACTS"}


def brand(db: Database, name: str) -> dict[str, Any] | None:
    """The tracked brand ``name`` (name, aliases, products, category, posts), or None."""
    return next((row for row in list_brands(db) if row["name"] == name), None)


def _known(db: Database, name: str) -> None:
    if brand(db, name) is None:
        raise NotFound(f"no tracked brand {name!r}", hint="the brands query (or `graphsvc brands list`) shows them")


def stances(db: Database, name: str, side: str, *, first: int | None, after: str | None, consent_default: str) -> Page:
    """The ``side`` ('advocate' or 'detractor') of brand ``name``, strongest first.

    Rows: person, score, posts, sentiment."""
    if side not in SIDES:
        raise InputError(f"expected one of {', '.join(SIDES)}, got {side!r}", where="side")
    size = page_size(first)
    kind = f"{side}:{name}"
    key = decode(after, kind, 2)
    _known(db, name)
    rows = db.read(
        "brands.stances",
        brand=name,
        side=SIDES[side],
        afterScore=key[0] if key else None,
        afterId=key[1] if key else None,
        limit=size + 1,
        **consent.params(consent_default),
    )
    shaped = [{**row, "person": plain(row["person"])} for row in rows]
    return paginate(shaped, size, kind, lambda row: [row["score"], row["person"]["id"]])


def demand_signals(
    db: Database, *, days: int, brand_name: str | None, limit: int, consent_default: str, as_of: datetime | None = None
) -> list[dict[str, Any]]:
    """``rollups.demand_signals`` without the posts of people whose consent rules them out of targeting.

    Posts by identities no person holds yet stay: there is nobody's consent to read.
    """
    if not 1 <= limit <= 500:
        raise InputError(f"expected 1 to 500, got {limit}", where="first")
    if brand_name is not None:
        _known(db, brand_name)
    # Ask for more than wanted: some rows may drop out for consent.
    rows = rollups.demand_signals(db, days=days, brand=brand_name, limit=min(4 * limit, 2000), as_of=as_of)
    people = sorted({row["personId"] for row in rows if row["personId"] is not None})
    allowed = consent.targetable(db, people, default=consent_default)
    return [row for row in rows if row["personId"] is None or row["personId"] in allowed][:limit]
