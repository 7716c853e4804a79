"""The Query root: look-ups, lists, influencers, segments, warm paths, the review queue."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry
from strawberry.types import Info

from graphsvc import __version__
from graphsvc.api.auth import PII_PLATFORMS, needs
from graphsvc.api.connections import (
    CommunityConnection,
    ContactConnection,
    InfluencerConnection,
    community_connection,
    contact_connection,
    influencer_connection,
)
from graphsvc.api.context import Context, selects
from graphsvc.api.conversations import ConversationsQuery
from graphsvc.api.governance import GovernanceQuery
from graphsvc.api.inputs import ContactFilterInput, InfluencerSort, MatchStatus, PersonFilterInput, SegmentFilterInput
from graphsvc.api.results import JobRun, MatchCandidate, SavedSegment, SearchHit, Segment, WarmPath
from graphsvc.api.types import Community, Contact, Identity, Person, PersonConnection, person_connection
from graphsvc.service import consent, jobruns, paths, review, search, segments
from graphsvc.service import health as health_service
from graphsvc.service.audit import record_access
from graphsvc.service.contacts import ContactFilter, contact_key, identity_key
from graphsvc.service.cursors import page_size
from graphsvc.service.influencers import InfluencerFilter
from graphsvc.service.persons import PersonFilter

__all__ = ["Query"]

Ctx = Info[Context, None]


@strawberry.type(description="A real round trip to Neo4j: who answered and what schema it holds.")
class Health:
    ok: bool
    neo4j_version: str
    neo4j_edition: str
    schema_version: int
    latest_schema_version: int
    graphsvc_version: str


@strawberry.type(
    description="Who is asking: the API key's id, name and role, the console user's name and role, "
    "or the anonymous role."
)
class Caller:
    role: str | None
    key_id: str | None
    key_name: str | None
    user: str | None = strawberry.field(description="The console user signed in by a session cookie, if any.")


@strawberry.type
class Query(ConversationsQuery, GovernanceQuery):
    @strawberry.field(description="Round trip to Neo4j: server version and the graph's schema version.")
    async def health(self, info: Ctx) -> Health:
        report = await asyncio.to_thread(health_service.check, info.context.db)
        return Health(graphsvc_version=__version__, **report)

    @strawberry.field(description="The caller's role (open to everyone: tells a client what it may ask).")
    def me(self, info: Ctx) -> Caller:
        who = info.context.principal
        return Caller(role=who.role, key_id=who.key_id, key_name=who.key_name, user=who.user)

    @strawberry.field(description="One person by id.", extensions=needs("viewer"))
    async def person(self, info: Ctx, id: strawberry.ID) -> Person | None:
        loaders = info.context.loaders
        loader = loaders.person_with_identities if selects(info, "identities") else loaders.person
        row = await loader.load(str(id))
        user = info.context.principal.user
        if row and user:  # a console user opened a person: the access log says who (API keys are not logged)
            await info.context.call(record_access, api_key_id=None, user=user, operation="person", person_ids=[id])
        return Person.from_row(row) if row else None

    @strawberry.field(description="One CRM contact by id (`source:sourceId`).", extensions=needs("viewer"))
    async def contact(self, info: Ctx, id: strawberry.ID) -> Contact | None:
        row = await info.context.loaders.contact.load(contact_key(str(id)))
        return Contact.from_row(row) if row else None

    @strawberry.field(
        description="One identity by platform and handle (or profile URL), normalised as imports are. "
        "Looking up an email or phone needs role analyst.",
        extensions=needs("viewer"),
    )
    async def identity(self, info: Ctx, platform: str, handle: str) -> Identity | None:
        key = identity_key(platform, handle)
        if key[0] in PII_PLATFORMS:
            info.context.principal.require("analyst", f"looking up a {key[0]} identity")
        row = await info.context.loaders.identity.load(key)
        return Identity.from_row(row) if row else None

    @strawberry.field(
        description="Full-text search over names, handles, bios and companies, best first "
        "(`first`: 1-100). Emails and phones are searched for role analyst and above only. People whose "
        "consent for marketing or profiling is not granted are not found (as `influencers`).",
        extensions=needs("viewer"),
    )
    async def search(self, info: Ctx, text: str, first: int = 20) -> list[SearchHit]:
        rows = await info.context.call(
            search.search,
            text,
            limit=first,
            pii=info.context.principal.reads_pii,
            consent_default=info.context.consent_default,
        )
        return [SearchHit(score=r["score"], kind=r["kind"], row=r) for r in rows]

    @strawberry.field(
        description="Persons in id order, filtered (Relay cursor pagination).", extensions=needs("viewer")
    )
    async def persons(
        self, info: Ctx, filter: PersonFilterInput | None = None, first: int | None = None, after: str | None = None
    ) -> PersonConnection:
        given = filter or PersonFilterInput()
        wanted = PersonFilter(
            name=given.name,
            community=given.community,
            platform=given.platform,
            min_influence=given.min_influence,
            has_contact=given.has_contact,
            consent_default=info.context.consent_default,
        )
        return await person_connection(info, wanted, first=first, after=after)

    @strawberry.field(description="CRM contacts in (source, sourceId) order, filtered.", extensions=needs("viewer"))
    async def contacts(
        self, info: Ctx, filter: ContactFilterInput | None = None, first: int | None = None, after: str | None = None
    ) -> ContactConnection:
        given = filter or ContactFilterInput()
        wanted = ContactFilter(
            source=given.source, name=given.name, company=given.company, city=given.city, country=given.country
        )
        return await contact_connection(info, wanted, first=first, after=after)

    @strawberry.field(
        description="The most influential persons, overall or on a `topic`, with the score "
        "components on `node.scores`, ranked by `sort`. People whose consent for marketing or profiling "
        "(and for `purpose`, when given) is denied or withdrawn never appear.",
        extensions=needs("viewer"),
    )
    async def influencers(
        self,
        info: Ctx,
        topic: str | None = None,
        platform: str | None = None,
        community: strawberry.ID | None = None,
        min_score: float | None = None,
        purpose: str | None = None,
        sort: InfluencerSort = InfluencerSort.SCORE,
        first: int | None = None,
        after: str | None = None,
    ) -> InfluencerConnection:
        wanted = InfluencerFilter(
            topic=topic, platform=platform, community=community, min_score=min_score, purpose=purpose, sort=sort.value
        )
        return await influencer_connection(info, wanted, first=first, after=after)

    @strawberry.field(description="Communities, largest first.", extensions=needs("viewer"))
    async def communities(self, info: Ctx, first: int | None = None, after: str | None = None) -> CommunityConnection:
        return await community_connection(info, first=first, after=after)

    @strawberry.field(description="One community by id.", extensions=needs("viewer"))
    async def community(self, info: Ctx, id: strawberry.ID) -> Community | None:
        row = await info.context.loaders.community.load(str(id))
        return Community.from_row(row) if row else None

    @strawberry.field(
        description="The strongest chain of real ties (at most `maxHops`, 1-4) from `from` (one of "
        "our people: a person with a CRM contact), or from any of our people, to the prospect `to`. "
        "Null when there is none, or when consent rules either end out.",
        extensions=needs("marketer"),
    )
    async def warm_path(
        self,
        info: Ctx,
        to: strawberry.ID,
        from_: Annotated[strawberry.ID | None, strawberry.argument(name="from")] = None,
        max_hops: int = paths.MAX_HOPS,
    ) -> WarmPath | None:
        found = await info.context.call(
            paths.warm_path,
            str(to),
            from_id=str(from_) if from_ else None,
            consent_default=info.context.consent_default,
            max_hops=max_hops,
        )
        return WarmPath.of(found) if found else None

    @strawberry.field(
        description="A marketing segment: count, members and export (consent applied).", extensions=needs("marketer")
    )
    def segment(self, info: Ctx, filter: SegmentFilterInput) -> Segment:
        wanted = filter.wanted()
        wanted.params(info.context.consent_default)  # a bad filter fails here, with its path
        return Segment(wanted=wanted)

    @strawberry.field(
        description="Consent purposes that records name, besides marketing and profiling (which every "
        "targeting list requires): the values `influencers(purpose:)` and a segment's `consentPurpose` can filter on.",
        extensions=needs("viewer"),
    )
    async def consent_purposes(self, info: Ctx) -> list[str]:
        return await info.context.call(consent.purposes)

    @strawberry.field(description="The segments marketers saved, by name.", extensions=needs("marketer"))
    async def saved_segments(self, info: Ctx) -> list[SavedSegment]:
        return [SavedSegment.from_row(row) for row in await info.context.call(segments.saved_segments)]

    @strawberry.field(
        description="Candidate pairs for a human decision, most valuable first.", extensions=needs("analyst")
    )
    async def review_queue(
        self, info: Ctx, status: MatchStatus = MatchStatus.PENDING, first: int = 20, offset: int = 0
    ) -> list[MatchCandidate]:
        rows = await info.context.call(review.queue, status=status.value, limit=first, offset=offset)
        return [MatchCandidate.from_row(r) for r in rows]

    @strawberry.field(description="One analytics job run.", extensions=needs("analyst"))
    async def job_run(self, info: Ctx, id: strawberry.ID) -> JobRun:
        return JobRun.from_row(await info.context.call(jobruns.job_run, str(id)))

    @strawberry.field(
        description="The most recent analytics job runs, newest first (`first`: 1-100).", extensions=needs("analyst")
    )
    async def job_runs(self, info: Ctx, first: int = 20) -> list[JobRun]:
        rows = await info.context.call(jobruns.recent_runs, page_size(first, where="first"))
        return [JobRun.from_row(r) for r in rows]
