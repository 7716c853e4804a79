"""GraphQL input types and enums: what queries filter by and what mutations write."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from graphsvc.service.segments import SegmentFilter

__all__ = [
    "ConsentChannel",
    "ConsentInput",
    "ConsentStatus",
    "ContactFilterInput",
    "ContactInput",
    "ExportFormat",
    "IdentityInput",
    "JobKind",
    "MatchStatus",
    "PersonFilterInput",
    "SegmentFilterInput",
]


@strawberry.enum
class ExportFormat(Enum):
    CSV = "csv"
    JSON = "json"


@strawberry.enum
class ConsentStatus(Enum):
    GRANTED = "granted"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"


@strawberry.enum
class ConsentChannel(Enum):
    EMAIL = "email"
    PHONE = "phone"
    SOCIAL = "social"
    ANY = "any"


@strawberry.enum(
    description="What influencers are ranked by: the score (overall influence, or the topic's score), "
    "or one of its components, for the whole list."
)
class InfluencerSort(Enum):
    SCORE = "score"
    PAGERANK = "pagerank"
    REACH = "reach"
    ENGAGEMENT = "engagement"
    KCORE = "kcore"
    BETWEENNESS = "betweenness"


@strawberry.enum
class MatchStatus(Enum):
    PENDING = "pending"
    AUTO = "auto"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@strawberry.enum(description="Analytics jobs: influence (scores, topic influence, advocacy), communities, or all.")
class JobKind(Enum):
    INFLUENCE = "influence"
    COMMUNITIES = "communities"
    ALL = "all"


@strawberry.input(description="Which persons to list; every given condition must hold.")
class PersonFilterInput:
    name: str | None = strawberry.field(default=None, description="Part of the name, any case.")
    community: strawberry.ID | None = None
    platform: str | None = strawberry.field(default=None, description="Has an identity on this platform.")
    min_influence: float | None = strawberry.field(default=None, description="Overall influence at least this (0..1).")
    has_contact: bool | None = strawberry.field(default=None, description="Has (true) or lacks (false) a CRM contact.")


@strawberry.input(description="Which contacts to list; every given condition must hold.")
class ContactFilterInput:
    source: str | None = None
    name: str | None = strawberry.field(default=None, description="Part of the name, any case.")
    company: str | None = strawberry.field(default=None, description="Part of the company, any case.")
    city: str | None = None
    country: str | None = None


@strawberry.input(
    description="A marketing segment. People whose consent for marketing or profiling (or for "
    "`consentPurpose`) is denied or withdrawn are never members."
)
class SegmentFilterInput:
    community: strawberry.ID | None = None
    topic: str | None = strawberry.field(default=None, description="Posted on the topic, or ranked on it.")
    platform: str | None = None
    min_influence: float | None = None
    city: str | None = strawberry.field(default=None, description="A contact's city, or in an identity's location.")
    has_contact: bool | None = None
    consent_purpose: str | None = strawberry.field(
        default=None, description="Also require consent for this purpose (e.g. 'newsletter')."
    )

    def wanted(self) -> SegmentFilter:
        """The service's filter of this input."""
        return SegmentFilter(
            community=self.community,
            topic=self.topic,
            platform=self.platform,
            min_influence=self.min_influence,
            city=self.city,
            has_contact=self.has_contact,
            consent_purpose=self.consent_purpose,
        )


@strawberry.input(
    description="A CRM contact, validated and normalised like an imported row. Fields left out "
    "keep their stored value; emails and phones are added to those already stated."
)
class ContactInput:
    source: str
    source_id: str
    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    emails: list[str] | None = None
    phones: list[str] | None = None
    company: str | None = None
    title: str | None = None
    city: str | None = None
    country: str | None = None
    street: str | None = None
    postcode: str | None = None
    region: str | None = None
    birth_date: str | None = strawberry.field(default=None, description="YYYY-MM-DD.")


@strawberry.input(description="A social account or contact point, normalised like an imported row.")
class IdentityInput:
    handle: str = strawberry.field(description="Handle, profile URL, email address or phone number.")
    platform: str | None = strawberry.field(default=None, description="Else taken from a profile URL.")
    display_name: str | None = None
    bio: str | None = None
    location: str | None = None
    url: str | None = None
    avatar_url: str | None = None
    followers: int | None = None
    following: int | None = None
    verified: bool | None = None
    lang: str | None = None
    contact_id: strawberry.ID | None = strawberry.field(
        default=None, description="The CRM contact (`source:sourceId`) that states this identity."
    )


@strawberry.input(description="One consent statement of a person (a new record; earlier ones are kept).")
class ConsentInput:
    person_id: strawberry.ID
    purpose: str = strawberry.field(description="A slug: marketing, profiling, newsletter, ...")
    status: ConsentStatus
    channel: ConsentChannel = ConsentChannel.ANY
    legal_basis: str | None = strawberry.field(default=None, description="e.g. consent, legitimate-interest.")
    collection_method: str | None = strawberry.field(default=None, description="e.g. web-form, phone-call.")
    source: str | None = None
    policy_url: str | None = None
    given_at: datetime | None = strawberry.field(default=None, description="Default: now (granted, denied).")
    withdrawn_at: datetime | None = strawberry.field(default=None, description="Default: now (withdrawn).")
    expires_at: datetime | None = strawberry.field(default=None, description="After it, the record counts as absent.")
