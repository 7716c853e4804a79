"""The rows the service hands the front-ends: one ``TypedDict`` per entity, the keys its queries project.

``cypher/api.cypher`` projects these maps (``p {.id, .name, ...}``); the services return them typed,
so a front-end that reads a key the query does not return fails the type check, not a request.
Every key may be missing or null (a property not set on the node), except the entity's key.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NotRequired, TypedDict

__all__ = ["CommunityRow", "ConsentRow", "ContactRow", "IdentityRow", "PersonRow", "PointRow", "ScoresRow"]


class ScoresRow(TypedDict):
    """What the latest analytics run wrote on a person or an identity."""

    influence: NotRequired[float | None]
    pagerank: NotRequired[float | None]
    reach: NotRequired[float | None]
    engagement: NotRequired[float | None]
    kcore: NotRequired[int | None]
    betweenness: NotRequired[float | None]
    scoresJobRun: NotRequired[str | None]


class PersonRow(ScoresRow):
    id: str
    name: NotRequired[str | None]
    size: NotRequired[int | None]
    platforms: NotRequired[list[str] | None]
    community: NotRequired[str | None]


class IdentityRow(ScoresRow):
    platform: str
    key: str
    displayName: NotRequired[str | None]
    bio: NotRequired[str | None]
    location: NotRequired[str | None]
    url: NotRequired[str | None]
    avatarUrl: NotRequired[str | None]
    followers: NotRequired[int | None]
    following: NotRequired[int | None]
    verified: NotRequired[bool | None]
    lang: NotRequired[str | None]


class PointRow(TypedDict):
    """A contact point a CRM record states: an email, a phone or a handle."""

    platform: str
    key: str


class ContactRow(TypedDict):
    source: str
    sourceId: str
    name: NotRequired[str | None]
    givenName: NotRequired[str | None]
    familyName: NotRequired[str | None]
    company: NotRequired[str | None]
    title: NotRequired[str | None]
    city: NotRequired[str | None]
    country: NotRequired[str | None]
    region: NotRequired[str | None]
    street: NotRequired[str | None]
    postcode: NotRequired[str | None]
    birthDate: NotRequired[date | str | None]
    importedAt: NotRequired[datetime | None]
    importedFrom: NotRequired[str | None]
    points: NotRequired[list[PointRow]]


class CommunityRow(TypedDict):
    id: str
    size: NotRequired[int | None]
    persons: NotRequired[int | None]
    topMembers: NotRequired[list[str] | None]
    topTopics: NotRequired[list[str] | None]
    ties: NotRequired[list[str] | None]  # the most strongly tied other communities, strongest first
    tieWeights: NotRequired[list[float] | None]  # the summed weight of the ties to each of them
    jobRun: NotRequired[str | None]


class ConsentRow(TypedDict):
    """One consent record, every property of the ``Consent`` node."""

    id: str
    purpose: str
    status: str
    channel: NotRequired[str | None]
    legalBasis: NotRequired[str | None]
    collectionMethod: NotRequired[str | None]
    source: NotRequired[str | None]
    policyUrl: NotRequired[str | None]
    givenAt: NotRequired[datetime | None]
    withdrawnAt: NotRequired[datetime | None]
    expiresAt: NotRequired[datetime | None]
    recordedAt: NotRequired[datetime | None]
    recordedBy: NotRequired[str | None]
    extra: NotRequired[dict[str, Any]]
