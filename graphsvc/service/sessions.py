"""Console sessions: a random token for the cookie, only its SHA-256 in Neo4j, and a CSRF token.

``(:Session {tokenHash, csrf, createdAt, expiresAt})-[:SESSION_OF]->(:User)``. The token is handed
to the browser once, at sign-in (as an API key's secret is shown once); Neo4j keeps only
``sha256(token)``, so a copy of the graph signs nobody in. The CSRF token is not secret from the
signed-in page (it reads it from the sign-in answer or ``GET /console/session``): another site's
page cannot read it, which is what makes a request carrying it the console's own.

A live session is one whose ``expiresAt`` is still ahead and whose user is enabled. Verified
sessions are kept for a few seconds in a ``SessionCache``; ending a session, or disabling a user or
changing their role or password, evicts it from every cache of this process at once
(``forget_user``, ``end_session``), and other processes notice within their cache's time.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from graphsvc.db import Database
from graphsvc.errors import Unauthenticated
from graphsvc.service.trust import TrustCache
from graphsvc.service.values import plain

__all__ = ["ConsoleSession", "SessionCache", "end_session", "forget_user", "session_user", "start_session"]

_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,128}")


@dataclass(frozen=True)
class ConsoleSession:
    """A live session: whose, with what role, its CSRF token and when it ends."""

    user: str
    role: str
    csrf: str
    expires_at: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ConsoleSession:
        row = plain(row)
        return cls(user=row["user"], role=row["role"], csrf=row["csrf"], expires_at=row["expiresAt"])

    def as_dict(self) -> dict[str, Any]:
        return {"user": self.user, "role": self.role, "csrf": self.csrf, "expiresAt": self.expires_at.isoformat()}

    def live(self, now: datetime | None = None) -> bool:
        return self.expires_at > (now or datetime.now(UTC))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionCache(TrustCache[ConsoleSession]):
    """Verified sessions (and refused tokens) by token hash, each trusted for ``ttl`` seconds.

    Every cache registers itself, so that ``forget_user`` and ``end_session`` reach all of this
    process's caches: signing out or disabling a user takes effect at once here.
    """

    def __init__(self, ttl: float) -> None:
        super().__init__(ttl)
        with _registry_lock:
            _caches.add(self)

    def forget_user(self, name: str) -> None:
        self.forget_where(lambda session: session.user == name)


_registry_lock = threading.Lock()
_caches: weakref.WeakSet[SessionCache] = weakref.WeakSet()


def _all_caches() -> list[SessionCache]:
    with _registry_lock:
        return list(_caches)


def forget_user(name: str) -> None:
    """Drop ``name``'s sessions from every cache of this process (after a change to the user)."""
    for cache in _all_caches():
        cache.forget_user(name)


def start_session(db: Database, user: str, *, hours: float) -> tuple[str, ConsoleSession]:
    """A new session for the (enabled) user ``user``: its token, shown this once, and the session."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    rows = db.write(
        "users.session_start",
        userName=user,
        tokenHash=hash_token(token),
        csrf=secrets.token_urlsafe(32),
        now=now,
        expiresAt=now + timedelta(hours=hours),
    )
    if not rows:
        raise Unauthenticated(f"user {user!r} cannot sign in (unknown or disabled)")
    return token, ConsoleSession.from_row(rows[0])


def session_user(db: Database, token: str, *, cache: SessionCache | None = None) -> ConsoleSession | None:
    """The live session of ``token``, or None (malformed, unknown, ended, expired, or its user disabled)."""
    if not _TOKEN.fullmatch(token):
        return None
    digest = hash_token(token)
    now = datetime.now(UTC)
    known, session = cache.get(digest) if cache is not None else (False, None)
    if not known:
        rows = db.read("users.session_user", tokenHash=digest, now=now)
        session = ConsoleSession.from_row(rows[0]) if rows else None
        if cache is not None:
            cache.put(digest, session)
    return session if session is not None and session.live(now) else None


def end_session(db: Database, token: str) -> str | None:
    """End the session of ``token`` (in Neo4j and every cache here); returns its user, None if there was none."""
    if not _TOKEN.fullmatch(token):
        return None
    digest = hash_token(token)
    rows = db.write("users.session_end", tokenHash=digest)
    for cache in _all_caches():  # after the delete: a request in between cannot cache it again
        cache.forget(digest)
    return str(rows[0]["user"]) if rows and rows[0]["user"] is not None else None
