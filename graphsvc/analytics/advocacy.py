"""Advocates and detractors: influence combined with the sentiment of a person's posts about a brand.

For a person ``v`` and a brand ``b``, with ``n`` posts mentioning ``b`` whose mean compound sentiment
is ``s`` (-1..1)::

    score(v, b) = influence(v) * |s| * n / (n + prior)

``v`` advocates ``b`` when ``s >= threshold`` and detracts from it when ``s <= -threshold`` (0.05 is
VADER's own neutral band). ``n / (n + prior)`` keeps one enthusiastic post from outranking a
sustained stance. The score is a magnitude; the sign lives in ``side`` and ``sentiment``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Stance", "stances"]


@dataclass(frozen=True)
class Stance:
    brand: str
    node: Hashable
    side: Literal["advocate", "detractor"]
    score: float
    posts: int
    sentiment: float


def stances(
    brand_posts: Mapping[str, Mapping[Any, tuple[int, float]]],
    influence: Mapping[Any, float],
    *,
    threshold: float = 0.05,
    prior: float = 2.0,
    min_posts: int = 1,
    top_k: int | None = 100,
) -> list[Stance]:
    """The top ``top_k`` advocates and detractors of each brand, highest score first.

    ``brand_posts[brand][node] = (posts, sum of their sentiment)``; nodes without an influence score
    count with influence 0 (and so rank last).

    Examples
    --------
    >>> found = stances({"acme": {"ann": (3, 2.4), "bob": (2, -1.2)}}, {"ann": 1.0, "bob": 0.5})
    >>> [(s.node, s.side, round(s.score, 2)) for s in found]
    [('ann', 'advocate', 0.48), ('bob', 'detractor', 0.15)]
    """
    found: list[Stance] = []
    for brand in sorted(brand_posts):
        sides: dict[str, list[Stance]] = {"advocate": [], "detractor": []}
        for node, (posts, total) in brand_posts[brand].items():
            if posts < min_posts or posts <= 0:
                continue
            mean = total / posts
            if abs(mean) < threshold:
                continue
            score = influence.get(node, 0.0) * abs(mean) * posts / (posts + prior)
            side: Literal["advocate", "detractor"] = "advocate" if mean > 0 else "detractor"
            sides[side].append(Stance(brand, node, side, score, posts, mean))
        for side_list in sides.values():
            side_list.sort(key=lambda s: (-s.score, str(s.node)))
            found.extend(side_list[:top_k] if top_k is not None else side_list)
    return found
