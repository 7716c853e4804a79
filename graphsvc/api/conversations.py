"""Conversations in the API: brands and their sentiment, advocates and detractors, trending topics, demand.

The resolvers serve ``graphsvc.service.conversations`` (the same roll-ups as ``graphsvc conversations``)
and ``graphsvc.service.brands``. Windows end at the newest post in the graph. Advocates, detractors and
demand signals are people to act on: role marketer, consent applied.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from graphsvc.api.auth import needs
from graphsvc.api.context import Context
from graphsvc.api.posts import SentimentPoint, TrendUnit, parse_time
from graphsvc.api.types import PageInfo, Person
from graphsvc.service import brands, conversations
from graphsvc.service.brands import list_brands
from graphsvc.service.cursors import page_size

__all__ = ["Brand", "ConversationsQuery", "DemandSignal", "StanceConnection", "TrendingTopic"]

Ctx = Info[Context, None]


@strawberry.type(description="One person's stance on a brand, from the latest analytics run.")
class StanceEdge:
    cursor: str
    node: Person
    score: float = strawberry.field(description="influence x |mean sentiment| x posts / (posts + 2).")
    posts: int = strawberry.field(description="The person's posts mentioning the brand.")
    sentiment: float = strawberry.field(description="Their mean compound sentiment, -1 to 1.")


@strawberry.type(description="Advocates or detractors of a brand, strongest first (consent applied).")
class StanceConnection:
    edges: list[StanceEdge]
    page_info: PageInfo


async def _stances(info: Ctx, brand: str, side: str, first: int | None, after: str | None) -> StanceConnection:
    context = info.context
    page = await context.call(
        brands.stances, brand, side, first=first, after=after, consent_default=context.consent_default
    )
    edges = [
        StanceEdge(
            cursor=c, node=Person.from_row(r["person"]), score=r["score"], posts=r["posts"], sentiment=r["sentiment"]
        )
        for r, c in zip(page.rows, page.cursors, strict=True)
    ]
    return StanceConnection(edges=edges, page_info=PageInfo.of(page, after))


@strawberry.type(description="A tracked brand (or product term) and what people say about it.")
class Brand:
    name: str
    aliases: list[str]
    products: list[str]
    category: str | None = strawberry.field(description="The category people ask about (demand signals).")
    posts: int = strawberry.field(description="Posts mentioning it.")

    @strawberry.field(description="Posts and mean sentiment per day or week over the last `days`.")
    async def sentiment_trend(
        self, info: Ctx, unit: TrendUnit = TrendUnit.WEEK, days: int = 120
    ) -> list[SentimentPoint]:
        rows = await info.context.call(conversations.brand_trend, self.name, unit=unit.value, days=days)
        return [SentimentPoint.from_row(r) for r in rows]

    @strawberry.field(
        description="Its advocates, strongest first (role marketer; consent applied).", extensions=needs("marketer")
    )
    async def advocates(self, info: Ctx, first: int | None = None, after: str | None = None) -> StanceConnection:
        return await _stances(info, self.name, "advocate", first, after)

    @strawberry.field(
        description="Its detractors, strongest first (role marketer; consent applied).", extensions=needs("marketer")
    )
    async def detractors(self, info: Ctx, first: int | None = None, after: str | None = None) -> StanceConnection:
        return await _stances(info, self.name, "detractor", first, after)


def _brand(row: dict[str, Any]) -> Brand:
    return Brand(
        name=row["name"],
        aliases=list(row["aliases"]),
        products=list(row["products"]),
        category=row["category"],
        posts=row["posts"],
    )


@strawberry.type(description="A topic growing against the window before.")
class TrendingTopic:
    topic: str
    current: int = strawberry.field(description="Posts tagged with it in the window.")
    previous: int = strawberry.field(description="Posts tagged with it in the window before.")
    growth: float = strawberry.field(description="(current - previous) / previous (previous 0 counts as 1).")


@strawberry.type(description="Someone asking about a tracked brand or its category: a lead.")
class DemandSignal:
    platform: str
    post_id: str
    text: str | None
    created_at: datetime
    sentiment: float | None
    brands: list[str]
    author_platform: str
    author_handle: str
    influence: float
    person_id: strawberry.Private[str | None]

    @strawberry.field(description="The person who asked, if resolution has joined the account to one.")
    async def person(self, info: Ctx) -> Person | None:
        if self.person_id is None:
            return None
        row = await info.context.loaders.person.load(self.person_id)
        return Person.from_row(row) if row else None


@strawberry.type
class ConversationsQuery:
    @strawberry.field(description="The tracked brands, by name.", extensions=needs("viewer"))
    async def brands(self, info: Ctx) -> list[Brand]:
        return [_brand(row) for row in await info.context.call(list_brands)]

    @strawberry.field(description="One tracked brand by name.", extensions=needs("viewer"))
    async def brand(self, info: Ctx, name: str) -> Brand | None:
        row = await info.context.call(brands.brand, name)
        return _brand(row) if row else None

    @strawberry.field(
        description="Topics growing fastest in the last `days` against the `days` before.", extensions=needs("viewer")
    )
    async def trending_topics(
        self, info: Ctx, days: int = 7, min_posts: int = 3, first: int | None = None
    ) -> list[TrendingTopic]:
        rows = await info.context.call(
            conversations.trending_topics, days=days, min_posts=min_posts, limit=page_size(first)
        )
        return [
            TrendingTopic(topic=r["topic"], current=r["current"], previous=r["previous"], growth=r["growth"])
            for r in rows
        ]

    @strawberry.field(
        description="People asking about a tracked brand (or any) or its category in the last "
        "`days`, newest first (role marketer; consent applied).",
        extensions=needs("marketer"),
    )
    async def demand_signals(
        self, info: Ctx, days: int = 30, brand: str | None = None, first: int = 50
    ) -> list[DemandSignal]:
        context = info.context
        rows = await context.call(
            brands.demand_signals, days=days, brand_name=brand, limit=first, consent_default=context.consent_default
        )
        return [
            DemandSignal(
                platform=r["platform"],
                post_id=r["postId"],
                text=r["text"],
                created_at=parse_time(r["createdAt"]),
                sentiment=r["sentiment"],
                brands=list(r["brands"]),
                author_platform=r["authorPlatform"],
                author_handle=r["authorHandle"],
                influence=r["influence"],
                person_id=r["personId"],
            )
            for r in rows
        ]

    @strawberry.field(
        description="The advocates of a brand, strongest first (role marketer; consent applied).",
        extensions=needs("marketer"),
    )
    async def advocates(
        self, info: Ctx, brand: str, first: int | None = None, after: str | None = None
    ) -> StanceConnection:
        return await _stances(info, brand, "advocate", first, after)

    @strawberry.field(
        description="The detractors of a brand, strongest first (role marketer; consent applied).",
        extensions=needs("marketer"),
    )
    async def detractors(
        self, info: Ctx, brand: str, first: int | None = None, after: str | None = None
    ) -> StanceConnection:
        return await _stances(info, brand, "detractor", first, after)
