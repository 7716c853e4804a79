"""The Mutation root: CRM writes, review decisions, consent, data-subject requests, analytics jobs.

Every mutation needs role analyst or above; ``eraseSubject`` needs admin. Writes reuse the
import's validation and MERGE queries, so they are idempotent like an import.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from graphsvc.api.auth import needs
from graphsvc.api.context import Context
from graphsvc.api.governance import GovernanceMutation
from graphsvc.api.inputs import ConsentInput, ContactInput, IdentityInput, JobKind, SegmentFilterInput
from graphsvc.api.results import Erasure, JobRun, MatchCandidate, SavedSegment
from graphsvc.api.types import Consent, Contact, Identity
from graphsvc.service import consent, contacts, jobruns, resolution, review, segments, subjects

__all__ = ["Mutation"]

Ctx = Info[Context, None]


def _contact_fields(given: ContactInput) -> dict[str, object]:
    """The import columns of a contact input (the converter then validates them as for a file row)."""
    return {
        "source": given.source,
        "source_id": given.source_id,
        "name": given.name,
        "given_name": given.given_name,
        "family_name": given.family_name,
        "email": given.emails,
        "phone": given.phones,
        "company": given.company,
        "title": given.title,
        "city": given.city,
        "country": given.country,
        "street": given.street,
        "postcode": given.postcode,
        "region": given.region,
        "birth_date": given.birth_date,
    }


def _identity_fields(given: IdentityInput) -> dict[str, object]:
    source, source_id = (
        contacts.contact_key(str(given.contact_id), where="input.contactId") if given.contact_id else (None, None)
    )
    return {
        "platform": given.platform,
        "handle": given.handle,
        "display_name": given.display_name,
        "bio": given.bio,
        "location": given.location,
        "url": given.url,
        "avatar_url": given.avatar_url,
        "followers": given.followers,
        "following": given.following,
        "verified": given.verified,
        "lang": given.lang,
        "contact_source": source,
        "contact_id": source_id,
    }


@strawberry.type
class Mutation(GovernanceMutation):
    @strawberry.mutation(
        description="Create or update a CRM contact (validated and normalised like an import).",
        extensions=needs("analyst"),
    )
    async def upsert_contact(self, info: Ctx, input: ContactInput) -> Contact:
        key = await info.context.call(contacts.upsert_contact, _contact_fields(input), origin="api:upsertContact")
        row = await info.context.loaders.contact.load(key)
        assert row is not None, key  # just written
        return Contact.from_row(row)

    @strawberry.mutation(
        description="Create or update an identity, optionally stated by a CRM contact.", extensions=needs("analyst")
    )
    async def add_identity(self, info: Ctx, input: IdentityInput) -> Identity:
        key = await info.context.call(contacts.add_identity, _identity_fields(input), origin="api:addIdentity")
        row = await info.context.loaders.identity.load(key)
        assert row is not None, key
        return Identity.from_row(row)

    @strawberry.mutation(
        description="The two records are the same person: a must-link for every later resolve.",
        extensions=needs("analyst"),
    )
    async def accept_match(self, info: Ctx, id: strawberry.ID, reason: str | None = None) -> MatchCandidate:
        return await _decide(info, str(id), True, reason)

    @strawberry.mutation(
        description="The two records are different people: a cannot-link for every later resolve.",
        extensions=needs("analyst"),
    )
    async def reject_match(self, info: Ctx, id: strawberry.ID, reason: str | None = None) -> MatchCandidate:
        return await _decide(info, str(id), False, reason)

    @strawberry.mutation(
        description="Record a consent statement (a new record; the most recent unexpired one per "
        "purpose is the person's effective consent).",
        extensions=needs("analyst"),
    )
    async def record_consent(self, info: Ctx, input: ConsentInput) -> Consent:
        row = await info.context.call(
            consent.record_consent,
            person_id=str(input.person_id),
            purpose=input.purpose,
            status=input.status.value,
            channel=input.channel.value,
            legal_basis=input.legal_basis,
            collection_method=input.collection_method,
            source=input.source,
            policy_url=input.policy_url,
            given_at=input.given_at,
            withdrawn_at=input.withdrawn_at,
            expires_at=input.expires_at,
            recorded_by=info.context.principal.actor,
        )
        return Consent.from_row(row)

    @strawberry.mutation(
        description="Everything held on a person, as JSON (recorded as an access event).", extensions=needs("analyst")
    )
    async def export_subject(self, info: Ctx, person_id: strawberry.ID) -> JSON:
        who = info.context.principal
        data = await info.context.call(subjects.export_subject, str(person_id), api_key_id=who.key_id, user=who.user)
        return JSON(data)

    @strawberry.mutation(
        description="Erase a person: contacts, identities, posts, consent records and every tie; "
        "an audit event without personal data remains. Admin only.",
        extensions=needs("admin"),
    )
    async def erase_subject(self, info: Ctx, person_id: strawberry.ID) -> Erasure:
        report = await info.context.call(subjects.erase_subject, str(person_id), actor=info.context.principal.actor)
        return Erasure.of(report)

    @strawberry.mutation(
        description="Save a segment's filter by name (saving under an existing name replaces it).",
        extensions=needs("marketer"),
    )
    async def save_segment(self, info: Ctx, name: str, filter: SegmentFilterInput) -> SavedSegment:
        context = info.context
        row = await context.call(
            segments.save_segment,
            name,
            filter.wanted(),
            by=context.principal.actor,
            consent_default=context.consent_default,
        )
        return SavedSegment.from_row(row)

    @strawberry.mutation(
        description="Start identity resolution in the background (incremental: only what changed since the last "
        "run); follow it with the jobRun query.",
        extensions=needs("analyst"),
    )
    async def run_resolve(self, info: Ctx, incremental: bool = True) -> JobRun:
        context = info.context
        options = resolution.options(context.settings, incremental=incremental, where="runResolve")
        job_id = await context.call(context.jobs.start_resolve, options)
        return JobRun.from_row(await context.call(jobruns.job_run, job_id))

    @strawberry.mutation(
        description="Start an analytics job in the background; follow it with the jobProgress "
        "subscription (or the jobRun query).",
        extensions=needs("analyst"),
    )
    async def run_job(
        self, info: Ctx, kind: JobKind, platform: str | None = None, since: datetime | None = None
    ) -> JobRun:
        params = jobruns.job_params(
            platform=platform,
            since=since,
            batch_size=info.context.settings.batch_size,
            consent_default=info.context.consent_default,
        )
        context = info.context
        job_id = await context.call(context.jobs.start, kind.value, params)
        return JobRun.from_row(await context.call(jobruns.job_run, job_id))


async def _decide(info: Ctx, pair_id: str, accept: bool, reason: str | None) -> MatchCandidate:
    context = info.context
    row = await context.call(review.decide, pair_id, accept=accept, by=context.principal.actor, reason=reason)
    return MatchCandidate.from_row(row)
