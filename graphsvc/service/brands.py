"""Tracked brands: the list, the terms posts are enriched with, advocates and detractors, demand signals.

Advocates and detractors are what the analytics run wrote (``graphsvc.analytics.advocacy``:
``(:Person)-[:ADVOCATES|DETRACTS {score, posts, sentiment, jobRun}]->(:Brand)``, the score being
influence x |mean sentiment| x posts / (posts + prior)). Both lists, like demand signals, are lists
of people to act on, so people whose consent for marketing or profiling is not granted never appear.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from graphsvc.db import Database, query
from graphsvc.errors import InputError, NotFound
from graphsvc.ingest.enrich import BrandTerms, enrich
from graphsvc.service import consent, conversations
from graphsvc.service.cursors import Page, decode, page_size, paginate
from graphsvc.service.values import plain

__all__ = [
    "SIDES",
    "brand",
    "brand_terms",
    "demand_signals",
    "enrich_all",
    "list_brands",
    "set_brand",
    "stances",
    "topic_vocabulary",
]

Progress = Callable[[str, int, int | None], None]

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
    """``conversations.demand_signals`` without the posts of people whose consent rules them out of targeting.

    Posts by identities no person holds yet stay: there is nobody's consent to read.
    """
    if not 1 <= limit <= 500:
        raise InputError(f"expected 1 to 500, got {limit}", where="first")
    if brand_name is not None:
        _known(db, brand_name)
    # Ask for more than wanted: some rows may drop out for consent.
    rows = conversations.demand_signals(db, days=days, brand=brand_name, limit=min(4 * limit, 2000), as_of=as_of)
    people = sorted({row["personId"] for row in rows if row["personId"] is not None})
    allowed = consent.targetable(db, people, default=consent_default)
    return [row for row in rows if row["personId"] is None or row["personId"] in allowed][:limit]


def list_brands(db: Database) -> list[dict[str, Any]]:
    return db.read("conversations.brands")


def brand_terms(db: Database) -> BrandTerms:
    """The tracked brands as a matcher."""
    return BrandTerms.from_rows(list_brands(db))


def set_brand(
    db: Database, name: str, *, aliases: Iterable[str] = (), products: Iterable[str] = (), category: str | None = None
) -> dict[str, Any]:
    """Track a brand (or change one): its name, aliases, products and the category people ask about."""
    name = name.strip()
    if not name:
        raise InputError("expected a brand name", where="name")
    clean = sorted({a.strip() for a in aliases if a.strip()}), sorted({p.strip() for p in products if p.strip()})
    return db.write(
        "conversations.set_brand",
        brand=name,
        aliases=clean[0],
        products=clean[1],
        category=(category or "").strip() or None,
    )[0]


def topic_vocabulary(db: Database, min_posts: int = 3) -> frozenset[str]:
    return frozenset(row["name"] for row in db.read("conversations.topic_vocabulary", min=min_posts))


def enrich_all(db: Database, *, batch_size: int = 5000, progress: Progress | None = None) -> int:
    """Re-enrich every post with the current brands and topic vocabulary; returns posts written."""
    brands, vocabulary = brand_terms(db), topic_vocabulary(db)
    text = query("conversations.all_posts")
    posts = db.read_tx(lambda tx: [record.data() for record in tx.run(text)])
    written = 0
    for start in range(0, len(posts), batch_size):
        rows = []
        for post in posts[start : start + batch_size]:
            found = enrich(
                post["text"] or "", hashtags=post["topics"], lang=post["lang"], brands=brands, vocabulary=vocabulary
            )
            rows.append(
                {
                    "platform": post["platform"],
                    "postId": post["postId"],
                    "props": found.as_props(),
                    "brands": found.brands,
                    "topics": found.topics,
                }
            )
        written += db.write("conversations.write_enrichment", rows=rows)[0]["written"]
        if progress:
            progress("enrich", written, len(posts))
    return written
