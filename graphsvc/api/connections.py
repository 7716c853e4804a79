"""Relay cursor connections: ``edges { cursor node }``, ``pageInfo``, ``totalCount`` (counted only when asked).

Cursors are opaque keyset positions (``graphsvc.service.cursors``): pass ``pageInfo.endCursor`` as
``after`` for the next page. ``first`` is 1..100 (default 20).
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from graphsvc.api.context import Context
from graphsvc.api.types import Community, Contact, Counter, PageInfo, Person
from graphsvc.service import contacts, influencers, persons

__all__ = [
    "CommunityConnection",
    "ContactConnection",
    "InfluencerConnection",
    "community_connection",
    "contact_connection",
    "influencer_connection",
]

Ctx = Info[Context, None]


@strawberry.type
class ContactEdge:
    cursor: str
    node: Contact


@strawberry.type
class ContactConnection:
    edges: list[ContactEdge]
    page_info: PageInfo
    counter: strawberry.Private[Counter]

    @strawberry.field
    def nodes(self) -> list[Contact]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many match in all (one more query, made only when asked for).")
    async def total_count(self) -> int:
        return await self.counter()


@strawberry.type
class CommunityEdge:
    cursor: str
    node: Community


@strawberry.type
class CommunityConnection:
    edges: list[CommunityEdge]
    page_info: PageInfo
    counter: strawberry.Private[Counter]

    @strawberry.field
    def nodes(self) -> list[Community]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many communities there are.")
    async def total_count(self) -> int:
        return await self.counter()


@strawberry.type(description="An influencer: the person, the score it is ranked by and its rank on the topic.")
class InfluencerEdge:
    cursor: str
    node: Person
    score: float = strawberry.field(description="Influence on the topic when one is given, else overall influence.")
    rank: int | None = strawberry.field(description="Rank on the topic (topic queries only).")


@strawberry.type
class InfluencerConnection:
    edges: list[InfluencerEdge]
    page_info: PageInfo


async def contact_connection(
    info: Ctx, wanted: contacts.ContactFilter, *, first: int | None, after: str | None
) -> ContactConnection:
    context = info.context
    page = await context.call(contacts.contacts_page, wanted, first=first, after=after)
    edges = [ContactEdge(cursor=c, node=Contact.from_row(r)) for r, c in zip(page.rows, page.cursors, strict=True)]
    return ContactConnection(
        edges=edges, page_info=PageInfo.of(page, after), counter=lambda: context.call(contacts.contacts_count, wanted)
    )


async def community_connection(info: Ctx, *, first: int | None, after: str | None) -> CommunityConnection:
    context = info.context
    page = await context.call(persons.communities_page, first=first, after=after)
    edges = [CommunityEdge(cursor=c, node=Community.from_row(r)) for r, c in zip(page.rows, page.cursors, strict=True)]
    return CommunityConnection(
        edges=edges, page_info=PageInfo.of(page, after), counter=lambda: context.call(persons.communities_count)
    )


async def influencer_connection(
    info: Ctx, wanted: influencers.InfluencerFilter, *, first: int | None, after: str | None
) -> InfluencerConnection:
    context = info.context
    page = await context.call(
        influencers.influencers, wanted, first=first, after=after, consent_default=context.consent_default
    )
    edges = [
        InfluencerEdge(cursor=c, node=Person.from_row(r["person"]), score=r["score"], rank=r["rank"])
        for r, c in zip(page.rows, page.cursors, strict=True)
    ]
    return InfluencerConnection(edges=edges, page_info=PageInfo.of(page, after))
