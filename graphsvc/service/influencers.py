"""Influencers: persons ranked by influence (overall or on a topic), consent applied.

Scores are those the latest analytics run wrote (``graphsvc jobs run influence``): on each Person
``influence`` (0..1) and its components, and ``TOPIC_INFLUENCE {score, rank}`` per topic. People
whose consent for marketing or profiling is not granted never appear (see ``consent``); a filter's
``purpose`` adds one more purpose they must have granted (e.g. ``newsletter`` for a mailing).

The list is ranked by the score (``sort="score"``: overall influence, or the topic's score), or by
one of the score's components (``SORTS``) for the whole list, not only the page at hand.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from graphsvc.db import Database
from graphsvc.errors import InputError
from graphsvc.service import consent
from graphsvc.service.cursors import Page, decode, page_size, paginate
from graphsvc.service.values import plain

__all__ = ["SORTS", "InfluencerFilter", "influencers", "page_params"]

#: What the list may be ranked by: the score, or one of its components (Person properties the
#: influence job writes; ``page_params`` passes the name, from this list only, as ``$component``).
SORTS = ("score", "pagerank", "reach", "engagement", "kcore", "betweenness")


@dataclass(frozen=True)
class InfluencerFilter:
    topic: str | None = None
    platform: str | None = None
    community: str | None = None
    min_score: float | None = None
    purpose: str | None = None
    sort: str = "score"


def influencers(
    db: Database, wanted: InfluencerFilter, *, first: int | None, after: str | None, consent_default: str
) -> Page:
    """The most influential persons first (ties by id, descending); each row: ``person``, ``score``, ``rank``."""
    size = page_size(first)
    if wanted.min_score is not None and not 0.0 <= wanted.min_score <= 1.0:
        raise InputError(f"expected a score from 0 to 1, got {wanted.min_score}", where="minScore")
    if wanted.sort not in SORTS:
        raise InputError(f"expected one of {', '.join(SORTS)}, got {wanted.sort!r}", where="sort")
    if wanted.purpose is not None:
        consent.check_purpose(wanted.purpose)
    kind = "topic:" + wanted.topic if wanted.topic else "influence"
    if wanted.sort != "score":
        kind += " by " + wanted.sort
    params = page_params(wanted, size, decode(after, kind, 2), consent_default)
    if wanted.sort != "score":
        (found,) = db.read("api.influencers_by_component", topic=wanted.topic, component=wanted.sort, **params)
    elif wanted.topic:
        (found,) = db.read("api.topic_influencers", topic=wanted.topic, **params)
    else:
        (found,) = db.read("api.influencers", **params)
    shaped = [
        {"person": plain(r["person"]), "score": r["score"], "rank": r["rank"], "key": r.get("key", r["score"])}
        for r in found["page"]
    ]
    return paginate(shaped, size, kind, lambda row: [row["key"], row["person"]["id"]])


def page_params(wanted: InfluencerFilter, size: int, key: list[Any] | None, consent_default: str) -> dict[str, Any]:
    """The parameters of ``api.influencers`` / ``api.topic_influencers`` (but ``$topic``) for a page of
    ``size`` after the sort key ``key`` (score or component, id) of the previous page's last row."""
    purposes = consent.TARGETING_PURPOSES + ((wanted.purpose,) if wanted.purpose else ())
    return {
        "minScore": wanted.min_score or 0.0,
        "maxScore": float(key[0]) if key else sys.float_info.max,
        "afterId": key[1] if key else None,
        "community": wanted.community,
        "platform": wanted.platform.lower() if wanted.platform else None,
        "limit": size + 1,
        **consent.params(consent_default, purposes),
    }
