"""API keys: created with a role, stored hashed, revocable; the roles and their order.

A key's secret reads ``gsk_<id>_<random>``; Neo4j keeps only ``sha256(secret)`` (hex) on an
``(:ApiKey {id, name, role, hash, createdAt, revokedAt, lastUsedAt})`` node, so the secret is
shown once, at creation. Roles are ordered: viewer < marketer < analyst < admin.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graphsvc.db import Database
from graphsvc.errors import InputError, NotFound
from graphsvc.service.values import plain

__all__ = ["ROLES", "ApiKey", "authenticate", "create_key", "hash_secret", "list_keys", "revoke_key", "role_at_least"]

ROLES = ("viewer", "marketer", "analyst", "admin")
_SECRET = re.compile(r"gsk_([0-9a-f]{12})_[A-Za-z0-9_-]{20,}")


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    role: str
    created_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ApiKey:
        row = plain(row)
        return cls(
            id=row["id"],
            name=row["name"],
            role=row["role"],
            created_at=row.get("createdAt"),
            revoked_at=row.get("revokedAt"),
            last_used_at=row.get("lastUsedAt"),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "createdAt": self.created_at,
            "revokedAt": self.revoked_at,
            "lastUsedAt": self.last_used_at,
        }


def role_at_least(role: str | None, minimum: str) -> bool:
    """True when ``role`` ranks at or above ``minimum`` (None, no role, ranks below every role)."""
    return role is not None and ROLES.index(role) >= ROLES.index(minimum)


def check_role(role: str, *, where: str = "role") -> str:
    if role not in ROLES:
        raise InputError(f"expected one of {', '.join(ROLES)}, got {role!r}", where=where)
    return role


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(db: Database, *, name: str, role: str) -> tuple[ApiKey, str]:
    """A new key; returns it and its secret (which is not stored and cannot be shown again)."""
    if not name.strip():
        raise InputError("expected a name for the key (who or what uses it)", where="name")
    check_role(role)
    key_id = secrets.token_hex(6)
    secret = f"gsk_{key_id}_{secrets.token_urlsafe(32)}"
    rows = db.write(
        "api.apikey_create", id=key_id, keyName=name.strip(), role=role, hash=hash_secret(secret), now=datetime.now(UTC)
    )
    return ApiKey.from_row(rows[0]["key"]), secret


def list_keys(db: Database) -> list[ApiKey]:
    return [ApiKey.from_row(row["key"]) for row in db.read("api.apikey_list")]


def revoke_key(db: Database, key_id: str) -> ApiKey:
    """Revoke a key (revoking twice keeps the first time)."""
    rows = db.write("api.apikey_revoke", id=key_id, now=datetime.now(UTC))
    if not rows:
        raise NotFound(f"no API key {key_id!r}", hint="`graphsvc apikey list` shows the ids")
    return ApiKey.from_row(rows[0]["key"])


def authenticate(db: Database, secret: str) -> ApiKey | None:
    """The live key this secret belongs to, or None (malformed, unknown or revoked); marks it used."""
    if not _SECRET.fullmatch(secret):
        return None
    rows = db.write("api.apikey_authenticate", hash=hash_secret(secret), now=datetime.now(UTC))
    return ApiKey.from_row(rows[0]["key"]) if rows else None
