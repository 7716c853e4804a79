"""The social map's GraphQL types: persons, identities, contacts, communities, ties.

Each type is built from a row of a service function (``from_row``); related records are resolved
through the request's DataLoaders, so a list of N persons costs one query per kind of relation.
Personal data (emails, phones, contacts' street, postcode, birth date) reads as null below role
analyst: see ``graphsvc.api.auth``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

import strawberry
from strawberry.types import Info

from graphsvc.api.auth import PII_PLATFORMS, PiiHandle, hidden_below_analyst, needs
from graphsvc.api.context import Context
from graphsvc.api.posts import Post, SentimentPoint, TrendUnit
from graphsvc.errors import InputError
from graphsvc.service import conversations, paths, persons
from graphsvc.service.cursors import Page, page_size
from graphsvc.service.rows import CommunityRow, ConsentRow, ContactRow, IdentityRow, PersonRow, ScoresRow

__all__ = [
    "BrandStance",
    "Community",
    "Consent",
    "Contact",
    "EgoMember",
    "EgoNetwork",
    "Identity",
    "Organization",
    "PageInfo",
    "Person",
    "PersonConnection",
    "Scores",
    "Tie",
    "TopicScore",
    "person_connection",
    "person_page",
]

Row = dict[str, Any]
Ctx = Info[Context, None]
Counter = Callable[[], Awaitable[int]]


def _pii() -> list[Any]:
    return hidden_below_analyst()


@strawberry.type(description="Influence and its components from the latest analytics run (`graphsvc jobs run`).")
class Scores:
    influence: float | None = strawberry.field(description="Overall influence, 0..1 (a blend of the components).")
    pagerank: float | None = strawberry.field(description="PageRank over ties and interactions.")
    reach: float | None = strawberry.field(description="Share of the map within two hops.")
    engagement: float | None = strawberry.field(description="Recency-weighted interactions received.")
    kcore: int | None = strawberry.field(description="Core number: how deep in the dense centre.")
    betweenness: float | None = strawberry.field(description="Brokerage between groups (sampled betweenness).")
    job_run: str | None = strawberry.field(description="The JobRun that wrote these scores.")

    @classmethod
    def from_row(cls, row: ScoresRow) -> Scores | None:
        if row.get("scoresJobRun") is None and row.get("influence") is None:
            return None
        return cls(
            influence=row.get("influence"),
            pagerank=row.get("pagerank"),
            reach=row.get("reach"),
            engagement=row.get("engagement"),
            kcore=row.get("kcore"),
            betweenness=row.get("betweenness"),
            job_run=row.get("scoresJobRun"),
        )


@strawberry.type(description="A person's influence on one topic.")
class TopicScore:
    topic: str
    score: float
    rank: int | None


@strawberry.type(description="A person's stance on a tracked brand: advocate or detractor.")
class BrandStance:
    brand: str
    side: str
    score: float | None
    posts: int | None
    sentiment: float | None


@strawberry.type(description="One consent record (ISO/IEC TS 27560 / Kantara consent receipt fields).")
class Consent:
    id: strawberry.ID
    purpose: str
    channel: str
    status: str
    legal_basis: str | None
    collection_method: str | None
    source: str | None
    policy_url: str | None
    given_at: datetime | None
    withdrawn_at: datetime | None
    expires_at: datetime | None
    recorded_at: datetime | None
    recorded_by: str | None

    @classmethod
    def from_row(cls, row: ConsentRow) -> Consent:
        return cls(
            id=strawberry.ID(row["id"]),
            purpose=row["purpose"],
            channel=row.get("channel") or "any",
            status=row["status"],
            legal_basis=row.get("legalBasis"),
            collection_method=row.get("collectionMethod"),
            source=row.get("source"),
            policy_url=row.get("policyUrl"),
            given_at=row.get("givenAt"),
            withdrawn_at=row.get("withdrawnAt"),
            expires_at=row.get("expiresAt"),
            recorded_at=row.get("recordedAt"),
            recorded_by=row.get("recordedBy"),
        )


@strawberry.type(description="An organisation named by CRM contacts.")
class Organization:
    key: str
    name: str | None


@strawberry.type(description="A unified persona: the CRM contacts and social identities resolution joined.")
class Person:
    id: strawberry.ID
    name: str | None
    size: int | None = strawberry.field(description="How many records (contacts and identities) it joins.")
    platforms: list[str]
    # a value, not a resolver: graphql-core resolves a plain attribute at a fraction of the cost of a
    # method field, and a page of influencers asks for it on every row
    scores: Scores | None = strawberry.field(description="Influence scores; null before the first analytics run.")
    row: strawberry.Private[PersonRow]

    @classmethod
    def from_row(cls, row: PersonRow) -> Person:
        return cls(
            id=strawberry.ID(row["id"]),
            name=row.get("name"),
            size=row.get("size"),
            platforms=list(row.get("platforms") or []),
            scores=Scores.from_row(row),
            row=row,
        )

    @strawberry.field(description="The community the latest analytics run placed this person in.")
    async def community(self, info: Ctx) -> Community | None:
        community_id = self.row.get("community")
        if community_id is None:
            return None
        row = await info.context.loaders.community.load(community_id)
        return Community.from_row(row) if row else None

    @strawberry.field(description="Social accounts and contact points (emails and phones: role analyst or above).")
    async def identities(self, info: Ctx, platform: str | None = None) -> list[Identity]:
        rows = await info.context.loaders.identities.load(str(self.id)) or []
        return [Identity.from_row(r) for r in rows if platform is None or r["platform"] == platform.lower()]

    @strawberry.field(description="The CRM contacts joined into this person.")
    async def contacts(self, info: Ctx) -> list[Contact]:
        return [Contact.from_row(r) for r in await info.context.loaders.contacts.load(str(self.id)) or []]

    @strawberry.field(description="Topics this person is among the most influential on, best first.")
    async def topics(self, info: Ctx) -> list[TopicScore]:
        return [TopicScore(**r) for r in await info.context.loaders.topics.load(str(self.id)) or []]

    @strawberry.field(description="Brands this person advocates or criticises.")
    async def brand_stances(self, info: Ctx) -> list[BrandStance]:
        return [BrandStance(**r) for r in await info.context.loaders.stances.load(str(self.id)) or []]

    @strawberry.field(
        description="Consent records, most recent first (role analyst or above).", extensions=needs("analyst")
    )
    async def consents(self, info: Ctx) -> list[Consent]:
        return [Consent.from_row(r) for r in await info.context.loaders.consents.load(str(self.id)) or []]

    @strawberry.field(
        description="The persons within `depth` ties (1-3) of this one, at most `limit` (1-500), "
        "nearest and strongest first, and the ties between them. People whose consent for marketing or "
        "profiling is not granted are left out (as `influencers`); a person who refused has no network."
    )
    async def ego_network(self, info: Ctx, depth: int = 1, limit: int = 50) -> EgoNetwork:
        found = await info.context.call(
            paths.ego_network, str(self.id), depth=depth, limit=limit, consent_default=info.context.consent_default
        )
        return EgoNetwork(center_id=found.center, members_at=found.distances, found_ties=found.ties)

    @strawberry.field(description="The person's posts on every platform, newest first (`first`: 1-100).")
    async def conversations(self, info: Ctx, first: int = 20, offset: int = 0) -> list[Post]:
        if offset < 0:
            raise InputError(f"expected 0 or more, got {offset}", where="offset")
        rows = await info.context.call(conversations.person_posts, str(self.id), limit=page_size(first), offset=offset)
        return [Post.from_row(r) for r in rows]

    @strawberry.field(
        description="Posts and mean sentiment per day or week over the last `days` (ending at the "
        "newest post in the graph), optionally only those about `brand`."
    )
    async def sentiment_trend(
        self, info: Ctx, brand: str | None = None, unit: TrendUnit = TrendUnit.WEEK, days: int = 120
    ) -> list[SentimentPoint]:
        rows = await info.context.call(
            conversations.persons_trend, [str(self.id)], brand=brand, unit=unit.value, days=days
        )
        return [SentimentPoint.from_row(r) for r in rows]


@strawberry.type(description="A social account or contact point: platform plus normalised handle.")
class Identity:
    platform: str
    display_name: str | None
    bio: str | None
    location: str | None
    url: str | None
    avatar_url: str | None
    followers: int | None
    following: int | None
    verified: bool | None
    lang: str | None
    row: strawberry.Private[IdentityRow]

    @classmethod
    def from_row(cls, row: IdentityRow) -> Identity:
        return cls(
            platform=row["platform"],
            display_name=row.get("displayName"),
            bio=row.get("bio"),
            location=row.get("location"),
            url=row.get("url"),
            avatar_url=row.get("avatarUrl"),
            followers=row.get("followers"),
            following=row.get("following"),
            verified=row.get("verified"),
            lang=row.get("lang"),
            row=row,
        )

    @strawberry.field(
        description="The normalised handle (lower case, no '@'), email address or E.164 phone; "
        "null for emails and phones below role analyst.",
        directives=[PiiHandle()],
    )
    def handle(self, info: Ctx) -> str | None:
        # checked here rather than by a permission extension: read for every identity of every
        # person, and the extension machinery cost more than the rest of the field
        if self.platform in PII_PLATFORMS and not info.context.principal.reads_pii:
            return None
        return str(self.row["key"])

    @strawberry.field(description="Influence scores of this account alone.")
    def scores(self) -> Scores | None:
        return Scores.from_row(self.row)

    @strawberry.field(description="The person this identity belongs to, if resolved.")
    async def person(self, info: Ctx) -> Person | None:
        person_id = await info.context.loaders.identity_person.load((self.platform, str(self.row["key"])))
        return await _person(info, person_id)


@strawberry.type(description="One CRM record. Its id is `source:sourceId`.")
class Contact:
    id: strawberry.ID
    source: str
    source_id: str
    name: str | None
    given_name: str | None
    family_name: str | None
    company: str | None
    title: str | None
    city: str | None
    country: str | None
    region: str | None
    imported_at: datetime | None
    row: strawberry.Private[ContactRow]

    @classmethod
    def from_row(cls, row: ContactRow) -> Contact:
        return cls(
            id=strawberry.ID(f"{row['source']}:{row['sourceId']}"),
            source=row["source"],
            source_id=row["sourceId"],
            name=row.get("name"),
            given_name=row.get("givenName"),
            family_name=row.get("familyName"),
            company=row.get("company"),
            title=row.get("title"),
            city=row.get("city"),
            country=row.get("country"),
            region=row.get("region"),
            imported_at=row.get("importedAt"),
            row=row,
        )

    def _points(self, platform: str) -> list[str]:
        return sorted(p["key"] for p in self.row.get("points") or [] if p["platform"] == platform)

    @strawberry.field(description="Email addresses (role analyst or above; null otherwise).", extensions=_pii())
    def emails(self) -> list[str] | None:
        return self._points("email")

    @strawberry.field(description="Phone numbers, E.164 (role analyst or above; null otherwise).", extensions=_pii())
    def phones(self) -> list[str] | None:
        return self._points("phone")

    @strawberry.field(description="Street address (role analyst or above; null otherwise).", extensions=_pii())
    def street(self) -> str | None:
        return self.row.get("street")

    @strawberry.field(description="Postal code (role analyst or above; null otherwise).", extensions=_pii())
    def postcode(self) -> str | None:
        return self.row.get("postcode")

    @strawberry.field(description="Date of birth (role analyst or above; null otherwise).", extensions=_pii())
    def birth_date(self) -> date | None:
        value = self.row.get("birthDate")
        return date.fromisoformat(value) if isinstance(value, str) else value

    @strawberry.field(description="The person this contact belongs to, if resolved.")
    async def person(self, info: Ctx) -> Person | None:
        person_id = await info.context.loaders.contact_person.load((self.source, self.source_id))
        return await _person(info, person_id)


@strawberry.type(description="A community found by the latest analytics run (Louvain).")
class Community:
    id: strawberry.ID
    size: int | None = strawberry.field(description="Members in the projection (persons and lone identities).")
    persons: int | None = strawberry.field(description="Resolved persons among the members.")
    top_topics: list[str]
    job_run: str | None
    row: strawberry.Private[CommunityRow]

    @classmethod
    def from_row(cls, row: CommunityRow) -> Community:
        return cls(
            id=strawberry.ID(row["id"]),
            size=row.get("size"),
            persons=row.get("persons"),
            top_topics=list(row.get("topTopics") or []),
            job_run=row.get("jobRun"),
            row=row,
        )

    @strawberry.field(
        description="The most influential members, without those whose consent for marketing or profiling "
        "is not granted (as `influencers`)."
    )
    async def top_members(self, info: Ctx) -> list[Person]:
        ids = list(self.row.get("topMembers") or [])
        rows = await info.context.loaders.person.load_many(ids)
        allowed = await info.context.loaders.targetable.load_many(ids)
        return [Person.from_row(r) for r, ok in zip(rows, allowed, strict=True) if r and ok]

    @strawberry.field(description="All members, in id order (Relay cursor pagination).")
    async def members(self, info: Ctx, first: int | None = None, after: str | None = None) -> PersonConnection:
        wanted = persons.PersonFilter(community=str(self.id), consent_default=info.context.consent_default)
        return await person_connection(info, wanted, first=first, after=after)

    @strawberry.field(
        description="The communities most strongly tied to this one, strongest first: the edges of the "
        "community map (the summed weight of the ties and interactions between their members)."
    )
    def ties(self) -> list[CommunityTie]:
        weights = self.row.get("tieWeights") or []
        return [
            CommunityTie(community_id=strawberry.ID(other), weight=weight)
            for other, weight in zip(self.row.get("ties") or [], weights, strict=False)
        ]


@strawberry.type(description="A tie between two communities on the community map.")
class CommunityTie:
    community_id: strawberry.ID = strawberry.field(description="The other community's id.")
    weight: float = strawberry.field(description="Summed weight of the ties between the two communities' members.")


@strawberry.type(
    description="The tie between two persons: every declared tie and interaction between their "
    "identities, folded into one strength in (0, 1]."
)
class Tie:
    strength: float
    kinds: list[str] = strawberry.field(description="FOLLOWS, FRIENDS_WITH, CONNECTED_TO and/or INTERACTED.")
    interactions: int = strawberry.field(description="Replies, mentions and shares between them.")
    source_id: strawberry.Private[str]
    target_id: strawberry.Private[str]

    @classmethod
    def from_tie(cls, tie: paths.Tie) -> Tie:
        return cls(
            strength=tie.strength,
            kinds=list(tie.kinds),
            interactions=tie.interactions,
            source_id=tie.source,
            target_id=tie.target,
        )

    @strawberry.field
    async def source(self, info: Ctx) -> Person | None:
        return await _person(info, self.source_id)

    @strawberry.field
    async def target(self, info: Ctx) -> Person | None:
        return await _person(info, self.target_id)


@strawberry.type
class EgoMember:
    person: Person
    distance: int = strawberry.field(description="Ties from the center.")


@strawberry.type(description="A person's neighbourhood of ties.")
class EgoNetwork:
    center_id: strawberry.Private[str]
    members_at: strawberry.Private[dict[str, int]]
    found_ties: strawberry.Private[list[paths.Tie]]

    @strawberry.field(description="The persons, the center first.")
    async def members(self, info: Ctx) -> list[EgoMember]:
        ids = sorted(self.members_at, key=lambda p: (self.members_at[p], p != self.center_id))
        rows = await info.context.loaders.person.load_many(ids)
        return [EgoMember(person=Person.from_row(r), distance=self.members_at[r["id"]]) for r in rows if r]

    @strawberry.field(description="The ties found, strongest first, each pointing away from the center.")
    def ties(self) -> list[Tie]:
        return [Tie.from_tie(t) for t in self.found_ties]


async def _person(info: Ctx, person_id: str | None) -> Person | None:
    if person_id is None:
        return None
    row = await info.context.loaders.person.load(person_id)
    return Person.from_row(row) if row else None


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None

    @classmethod
    def of(cls, page: Page, after: str | None) -> PageInfo:
        return cls(
            has_next_page=page.has_next,
            has_previous_page=after is not None,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        )


@strawberry.type
class PersonEdge:
    cursor: str
    node: Person


@strawberry.type
class PersonConnection:
    edges: list[PersonEdge]
    page_info: PageInfo
    counter: strawberry.Private[Counter]

    @strawberry.field(description="The persons of this page (the edges' nodes).")
    def nodes(self) -> list[Person]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many match in all (one more query, made only when asked for).")
    async def total_count(self) -> int:
        return await self.counter()


def person_page(page: Page, after: str | None, counter: Counter) -> PersonConnection:
    edges = [PersonEdge(cursor=c, node=Person.from_row(r)) for r, c in zip(page.rows, page.cursors, strict=True)]
    return PersonConnection(edges=edges, page_info=PageInfo.of(page, after), counter=counter)


async def person_connection(
    info: Ctx, wanted: persons.PersonFilter, *, first: int | None, after: str | None
) -> PersonConnection:
    context = info.context
    page = await context.call(persons.persons_page, wanted, first=first, after=after)
    return person_page(page, after, lambda: context.call(persons.persons_count, wanted))
