"""Roll-ups over conversations: sentiment and volume over time, trending topics, demand signals.

Windows end at ``as_of``: by default the newest post in the graph, so that a dataset (or the
synthetic demo) reads the same whatever day it is loaded.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from graphsvc.db import Database
from graphsvc.errors import InputError, NotFound

__all__ = ["brand_trend", "demand_signals", "person_posts", "persons_trend", "trending_topics"]

UNITS = ("day", "week")


#: The longest window of a trend or a search for signals (ten years), and the furthest into a
#: person's posts a page may start.
MAX_DAYS = 3660
MAX_OFFSET = 100_000


def _as_of(db: Database, as_of: datetime | None) -> datetime:
    if as_of is not None:
        return as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
    latest = db.read("conversations.latest_post_time")[0]["at"]
    return latest.to_native() + timedelta(seconds=1) if latest is not None else datetime.now(UTC)


def _window(db: Database, days: int, as_of: datetime | None) -> tuple[datetime, datetime]:
    if not 1 <= days <= MAX_DAYS:
        raise InputError(f"expected a window of 1 to {MAX_DAYS} days, got {days}", where="days")
    end = _as_of(db, as_of)
    return end - timedelta(days=days), end


def _unit(unit: str) -> str:
    if unit not in UNITS:
        raise InputError(f"expected one of {', '.join(UNITS)}, got {unit!r}", where="unit")
    return unit


def _trend_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "bucket": row["bucket"].iso_format(),
            "posts": row["posts"],
            "sentiment": round(row["sentiment"] or 0.0, 4),
            "positive": row["positive"],
            "negative": row["negative"],
        }
        for row in rows
    ]


def brand_trend(
    db: Database, brand: str, *, unit: str = "week", days: int = 120, as_of: datetime | None = None
) -> list[dict[str, Any]]:
    """Posts and mean sentiment per day or week about ``brand``."""
    if not any(row["name"] == brand for row in db.read("conversations.brands")):
        raise NotFound(f"no tracked brand {brand!r}", hint="`graphsvc brands list` shows them")
    start, end = _window(db, days, as_of)
    return _trend_rows(db.read("conversations.brand_trend", brand=brand, unit=_unit(unit), **{"from": start}, to=end))


def persons_trend(
    db: Database,
    person_ids: list[str],
    *,
    brand: str | None = None,
    unit: str = "week",
    days: int = 120,
    as_of: datetime | None = None,
) -> list[dict[str, Any]]:
    """Posts and mean sentiment per bucket for one person or a segment of persons (optionally about a brand)."""
    start, end = _window(db, days, as_of)
    return _trend_rows(
        db.read("conversations.persons_trend", ids=person_ids, brand=brand, unit=_unit(unit), **{"from": start}, to=end)
    )


def trending_topics(
    db: Database, *, days: int = 7, min_posts: int = 3, limit: int = 20, as_of: datetime | None = None
) -> list[dict[str, Any]]:
    """Topics growing fastest in the last ``days`` against the ``days`` before."""
    if not 1 <= min_posts <= 1_000_000:
        raise InputError(f"expected 1 to 1000000, got {min_posts}", where="minPosts")
    start, end = _window(db, days, as_of)
    rows = db.read(
        "conversations.trending_topics",
        previousFrom=start - (end - start),
        to=end,
        minPosts=min_posts,
        limit=limit,
        **{"from": start},
    )
    return [{**row, "growth": round(row["growth"], 3)} for row in rows]


def demand_signals(
    db: Database, *, days: int = 30, brand: str | None = None, limit: int = 50, as_of: datetime | None = None
) -> list[dict[str, Any]]:
    """People asking about a tracked brand or its category in the last ``days``, newest first."""
    start, _ = _window(db, days, as_of)
    return [
        {**row, "createdAt": row["createdAt"].iso_format()}
        for row in db.read("conversations.demand_signals", since=start, brand=brand, limit=limit)
    ]


def person_posts(db: Database, person_id: str, *, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    if not 0 <= offset <= MAX_OFFSET:
        raise InputError(f"expected 0 to {MAX_OFFSET}, got {offset}", where="offset")
    """A person's posts on every platform, newest first, with what enrichment found."""
    return [
        {**row, "createdAt": row["createdAt"].iso_format()}
        for row in db.read("conversations.person_posts", id=person_id, limit=limit, offset=offset)
    ]
