"""Who is asking: API keys to roles, and the permission checks of the schema.

A request carries its key as ``Authorization: Bearer gsk_...`` or ``X-API-Key: gsk_...`` (over
graphql-transport-ws: in the ``connection_init`` payload, under either name). No key but a console
session cookie: the signed-in user's role (``graphsvc.api.sessions``). Neither: the role of
``GRAPHSVC_ANONYMOUS_ROLE`` (viewer in development, none in production). A key that is malformed,
unknown or revoked is refused (``UNAUTHENTICATED``), never downgraded to anonymous.

Verified keys are trusted for ``GRAPHSVC_APIKEY_CACHE_SECONDS`` (one Neo4j look-up per key per
period, which also updates ``lastUsedAt``); a revoked key stops working within that time.

Roles are ordered viewer < marketer < analyst < admin; ``Requires*`` classes guard fields (an error
``FORBIDDEN``, or ``UNAUTHENTICATED`` without a role), ``Pii*`` ones hide values silently (null).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.schema_directive import Location
from strawberry.types import Info

from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.errors import Forbidden, Unauthenticated
from graphsvc.service.apikeys import ApiKey, authenticate, hash_secret, role_at_least
from graphsvc.service.trust import TrustCache

__all__ = [
    "PII_PLATFORMS",
    "PII_ROLE",
    "Forbidden",
    "KeyCache",
    "PiiField",
    "PiiHandle",
    "Principal",
    "RequiresAdmin",
    "RequiresAnalyst",
    "RequiresMarketer",
    "RequiresViewer",
    "Unauthenticated",
    "hidden_below_analyst",
    "needs",
    "resolve_principal",
    "secret_from",
]

#: The least role that reads emails, phones and contacts' street, postcode and birth date.
PII_ROLE = "analyst"
PII_PLATFORMS = frozenset({"email", "phone"})


@dataclass(frozen=True)
class Principal:
    role: str | None
    key_id: str | None = None
    key_name: str | None = None
    problem: str | None = None  # why presented credentials (a key, a console session) were refused
    user: str | None = None  # the console user, for a request signed in by a session cookie
    problem_hint: str | None = None  # what to do about ``problem``, when not "send a live key"

    @property
    def actor(self) -> str:
        """Who acts, as the audit trail names it: ``user:<name>``, ``apikey:<id>`` or ``anonymous``."""
        if self.user:
            return f"user:{self.user}"
        return f"apikey:{self.key_id}" if self.key_id else "anonymous"

    @property
    def reads_pii(self) -> bool:
        return role_at_least(self.role, PII_ROLE)

    def require(self, minimum: str, what: str) -> None:
        """Raise unless this principal's role is ``minimum`` or above."""
        if self.problem:
            raise Unauthenticated(
                self.problem, hint=self.problem_hint or "send a live key as 'Authorization: Bearer gsk_...'"
            )
        if self.role is None:
            raise Unauthenticated(
                f"{what} needs an API key (role {minimum} or above)",
                hint="send one as 'Authorization: Bearer gsk_...' or 'X-API-Key: gsk_...'",
            )
        if not role_at_least(self.role, minimum):
            holder = "user" if self.user else "key"
            raise Forbidden(f"{what} needs role {minimum} or above; this {holder} has role {self.role}")


class KeyCache(TrustCache[ApiKey]):
    """Verified keys (and refused secrets) by secret hash, each trusted for ``ttl`` seconds."""


def secret_from(headers: Mapping[str, Any]) -> str | None:
    """The key in ``Authorization: Bearer ...`` or ``X-API-Key`` (any case of the names), if any."""
    lowered = {str(k).lower(): v for k, v in headers.items()}
    bearer = lowered.get("authorization")
    if isinstance(bearer, str) and bearer.strip():
        scheme, _, value = bearer.strip().partition(" ")
        return value.strip() if scheme.lower() == "bearer" else bearer.strip()
    key = lowered.get("x-api-key")
    return key.strip() if isinstance(key, str) and key.strip() else None


async def resolve_principal(secret: str | None, db: Database, settings: Settings, cache: KeyCache) -> Principal:
    if secret is None:
        return Principal(role=settings.effective_anonymous_role)
    digest = hash_secret(secret)
    known, key = cache.get(digest)
    if not known:
        key = await asyncio.to_thread(authenticate, db, secret)
        if cache.ttl > 0:
            cache.put(digest, key)
    if key is None:
        return Principal(role=None, problem="the API key is not valid (unknown, malformed or revoked)")
    return Principal(role=key.role, key_id=key.id, key_name=key.name)


def _principal(info: Info[Any, Any]) -> Principal:
    principal: Principal = info.context.principal
    return principal


class _Requires(BasePermission):
    minimum: ClassVar[str]

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        _principal(info).require(self.minimum, f"'{info.field_name}'")
        return True


class RequiresViewer(_Requires):
    minimum = "viewer"


class RequiresMarketer(_Requires):
    minimum = "marketer"


class RequiresAnalyst(_Requires):
    minimum = "analyst"


class RequiresAdmin(_Requires):
    minimum = "admin"


class PiiField(BasePermission):
    """Personal data (emails, phones, street, postcode, birth date): null below role analyst, no error."""

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        return _principal(info).reads_pii


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION], description="Null below role analyst when the identity is an email or phone."
)
class PiiHandle:
    """Marks an identity's handle in the SDL; the check is the resolver's (see ``Identity.handle``)."""


_GUARDS: dict[str, type[_Requires]] = {
    "viewer": RequiresViewer,
    "marketer": RequiresMarketer,
    "analyst": RequiresAnalyst,
    "admin": RequiresAdmin,
}


def needs(role: str) -> list[FieldExtension]:
    """The field extensions that let only ``role`` and above use a field."""
    return [PermissionExtension(permissions=[_GUARDS[role]()])]


class _Hidden(PermissionExtension):
    """Fails silently with null, lists included: an empty list would claim "none", not "not yours to read"."""

    def _on_unauthorized(self, permission: BasePermission) -> Any:
        return None


def hidden_below_analyst(permission: BasePermission | None = None) -> list[FieldExtension]:
    """The field extensions that make a personal-data field read as null below role analyst."""
    return [_Hidden(permissions=[permission or PiiField()], fail_silently=True)]
