"""Brands and post enrichment in the graph: what the importer and `graphsvc enrich` share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from graphsvc.conversations.enrich import BrandTerms, enrich
from graphsvc.db import Database, query
from graphsvc.errors import InputError

__all__ = ["brand_terms", "enrich_all", "list_brands", "set_brand", "topic_vocabulary"]

Progress = Callable[[str, int, int | None], None]


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
