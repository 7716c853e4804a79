"""GraphQL result types of searches, paths, segments, reviews, jobs and data-subject requests."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from graphsvc.api.auth import needs
from graphsvc.api.context import Context
from graphsvc.api.inputs import ExportFormat
from graphsvc.api.types import Contact, Identity, Organization, Person, PersonConnection, Tie, person_page
from graphsvc.service import paths, segments
from graphsvc.service.subjects import Erasure as ErasureReport
from graphsvc.service.values import plain

__all__ = ["Erasure", "JobProgress", "JobRun", "MatchCandidate", "SearchHit", "Segment", "SegmentExport", "WarmPath"]

Ctx = Info[Context, None]
Row = dict[str, Any]


@strawberry.type(description="A full-text hit: what matched, how well, and the person it belongs to.")
class SearchHit:
    score: float
    kind: str = strawberry.field(description="person, contact, identity or organization.")
    row: strawberry.Private[Row]

    @strawberry.field
    async def person(self, info: Ctx) -> Person | None:
        if self.row["person"] is None:
            return None
        found = await info.context.loaders.person.load(self.row["person"])
        return Person.from_row(found) if found else None

    @strawberry.field
    async def contact(self, info: Ctx) -> Contact | None:
        if self.kind != "contact":
            return None
        found = await info.context.loaders.contact.load((self.row["key"][0], self.row["key"][1]))
        return Contact.from_row(found) if found else None

    @strawberry.field
    async def identity(self, info: Ctx) -> Identity | None:
        if self.kind != "identity":
            return None
        found = await info.context.loaders.identity.load((self.row["key"][0], self.row["key"][1]))
        return Identity.from_row(found) if found else None

    @strawberry.field
    def organization(self) -> Organization | None:
        return Organization(key=self.row["key"][0], name=self.row["key"][1]) if self.kind == "organization" else None


@strawberry.type(description="The strongest chain of real ties from one of our people to a prospect.")
class WarmPath:
    strength: float = strawberry.field(description="The product of the ties' strengths.")
    hops: int
    found: strawberry.Private[paths.WarmPath]

    @classmethod
    def of(cls, found: paths.WarmPath) -> WarmPath:
        return cls(strength=found.strength, hops=found.hops, found=found)

    @strawberry.field(description="The persons from ours to the prospect.")
    async def persons(self, info: Ctx) -> list[Person]:
        rows = await info.context.loaders.person.load_many(self.found.persons)
        return [Person.from_row(r) for r in rows if r]

    @strawberry.field(description="The ties, in order along the chain.")
    def ties(self) -> list[Tie]:
        return [Tie.from_tie(t) for t in self.found.ties]


@strawberry.type
class SegmentExport:
    format: ExportFormat
    rows: int
    data: str = strawberry.field(description="CSV (a header row first) or a JSON array of objects.")
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the rows that follow.")
    has_more: bool
    access_event: str | None = strawberry.field(description="The AccessEvent that records this export.")


@strawberry.type(description="A segment saved by name: its filter, who saved it and when.")
class SavedSegment:
    name: str
    filter: JSON = strawberry.field(description="The filter, as SegmentFilterInput takes it.")
    created_by: str | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> SavedSegment:
        wanted: segments.SegmentFilter = row["filter"]
        given = {
            "community": wanted.community,
            "topic": wanted.topic,
            "platform": wanted.platform,
            "minInfluence": wanted.min_influence,
            "city": wanted.city,
            "hasContact": wanted.has_contact,
            "consentPurpose": wanted.consent_purpose,
        }
        return cls(
            name=row["name"],
            filter=JSON({k: v for k, v in given.items() if v is not None}),
            created_by=row.get("createdBy"),
            created_at=row.get("createdAt"),
            updated_at=row.get("updatedAt"),
        )


@strawberry.type(description="The persons matching a segment filter (consent applied).")
class Segment:
    wanted: strawberry.Private[segments.SegmentFilter]

    @strawberry.field(description="How many persons the segment holds.")
    async def count(self, info: Ctx) -> int:
        return await info.context.call(
            segments.segment_count, self.wanted, consent_default=info.context.consent_default
        )

    @strawberry.field(description="The members, in id order.")
    async def persons(self, info: Ctx, first: int | None = None, after: str | None = None) -> PersonConnection:
        context = info.context
        page = await context.call(
            segments.segment_page, self.wanted, first=first, after=after, consent_default=context.consent_default
        )
        return person_page(
            page,
            after,
            lambda: context.call(segments.segment_count, self.wanted, consent_default=context.consent_default),
        )

    @strawberry.field(
        description="Members as CSV or JSON rows, up to GRAPHSVC_EXPORT_MAX_ROWS from `after`; "
        "emails and phones only for role analyst or above. Recorded as an access event.",
        extensions=needs("marketer"),
    )
    async def export(
        self, info: Ctx, format: ExportFormat = ExportFormat.CSV, after: str | None = None
    ) -> SegmentExport:
        context = info.context
        done = await context.call(
            segments.segment_export,
            self.wanted,
            fmt=format.value,
            pii=context.principal.reads_pii,
            consent_default=context.consent_default,
            max_rows=context.settings.export_max_rows,
            after=after,
            api_key_id=context.principal.key_id,
            user=context.principal.user,
        )
        return SegmentExport(
            format=format,
            rows=done.rows,
            data=done.data,
            end_cursor=done.end_cursor,
            has_more=done.has_more,
            access_event=done.access_event,
        )


@strawberry.type(description="One side of a candidate pair: a CRM contact or an identity.")
class MatchRecord:
    kind: str
    id: strawberry.ID
    row: strawberry.Private[Row]

    @strawberry.field
    async def contact(self, info: Ctx) -> Contact | None:
        if self.kind != "contact":
            return None
        found = await info.context.loaders.contact.load((self.row["source"], self.row["sourceId"]))
        return Contact.from_row(found) if found else None

    @strawberry.field
    async def identity(self, info: Ctx) -> Identity | None:
        if self.kind != "identity":
            return None
        found = await info.context.loaders.identity.load((self.row["platform"], self.row["key"]))
        return Identity.from_row(found) if found else None


@strawberry.type(description="Two records identity resolution was unsure about, with its evidence.")
class MatchCandidate:
    id: strawberry.ID
    status: str
    score: float | None
    value: float | None = strawberry.field(description="How much deciding this pair is worth (reach, contacts).")
    evidence: JSON = strawberry.field(description="The comparisons and their match weights.")
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None
    a: MatchRecord
    b: MatchRecord

    @classmethod
    def from_row(cls, row: Row) -> MatchCandidate:
        row = plain(row)
        side = lambda s: MatchRecord(kind=s["kind"], id=strawberry.ID(s["id"]), row=s)  # noqa: E731
        return cls(
            id=strawberry.ID(row["id"]),
            status=row["status"],
            score=row.get("score"),
            value=row.get("value"),
            evidence=JSON(row.get("evidence") or []),
            decided_by=row.get("decidedBy"),
            decided_at=row.get("decidedAt"),
            reason=row.get("reason"),
            a=side(row["a"]),
            b=side(row["b"]),
        )


@strawberry.type(description="An analytics job run (a JobRun node).")
class JobRun:
    id: strawberry.ID
    kind: str
    status: str = strawberry.field(description="running, succeeded or failed.")
    params: JSON | None
    stats: JSON | None
    error: str | None
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> JobRun:
        decode = lambda text: json.loads(text) if isinstance(text, str) else text  # noqa: E731
        return cls(
            id=strawberry.ID(row["id"]),
            kind=row["kind"],
            status=row["status"],
            params=decode(row.get("params")),
            stats=decode(row.get("stats")),
            error=row.get("error"),
            started_at=row.get("startedAt"),
            finished_at=row.get("finishedAt"),
        )


@strawberry.type(description="A job's state: its JobRun and the phase it last reported.")
class JobProgress:
    job: JobRun
    phase: str | None
    done: int | None
    total: int | None


@strawberry.type(description="What an erasure removed. Its audit event names no personal data.")
class Erasure:
    person_id: strawberry.ID
    audit_event: str
    contacts: int
    identities: int
    posts: int
    consents: int
    redacted_posts: int = strawberry.field(
        description="Other people's posts whose text held the person's handles, emails or phones, redacted."
    )
    redacted_audit_entries: int = strawberry.field(
        description="Other people's audit entries and review decisions that named the person, redacted."
    )
    deleted_files: int = strawberry.field(
        description="Files graphsvc wrote on the server's machine (rejects files, subject exports) that held "
        "the person, deleted."
    )
    files_left: list[str] = strawberry.field(
        description="Such files it could not delete (another machine's, or refused): for an operator to remove."
    )

    @classmethod
    def of(cls, report: ErasureReport) -> Erasure:
        return cls(
            person_id=strawberry.ID(report.person_id),
            audit_event=report.audit_event,
            contacts=report.contacts,
            identities=report.identities,
            posts=report.posts,
            consents=report.consents,
            redacted_posts=report.redacted_posts,
            redacted_audit_entries=report.redacted_audit_entries,
            deleted_files=len(report.deleted_files),
            files_left=report.files_left,
        )
