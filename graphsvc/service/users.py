"""Console accounts: users with a role and a password, stored hashed; signing in, with a lock-out.

``(:User {name, role, passwordHash, disabled, createdAt, failedLogins, lockedUntil, lastLoginAt})``.
Passwords are hashed with argon2id (``argon2-cffi``'s ``PasswordHasher`` at its defaults) and
re-hashed on the next sign-in when those defaults change. Roles are the API keys' (viewer < marketer
< analyst < admin).

Signing in fails with one message whether the name or the password is wrong, so the answer never
tells which names exist (an unknown name is checked against a dummy hash, so it takes as long).
``max_failures`` failures in a row lock the user out for ``lock_minutes``, the right password
included. A disabled user cannot sign in; disabling one, or setting their password, ends their
sessions (``graphsvc.service.sessions``).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from graphsvc.db import Database
from graphsvc.errors import Conflict, InputError, NotFound, TooManyAttempts, Unauthenticated
from graphsvc.service.apikeys import check_role
from graphsvc.service.sessions import forget_user
from graphsvc.service.values import plain

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "User",
    "authenticate",
    "check_name",
    "check_password",
    "create_user",
    "disable_user",
    "enable_user",
    "list_users",
    "reset_user",
    "set_password",
    "set_role",
]

MIN_PASSWORD_LENGTH = 12
#: Longer passwords are refused: hashing one costs the same, but reading megabytes does not.
MAX_PASSWORD_LENGTH = 1024
_NAME = re.compile(r"[\w.@+-]{1,64}")
#: The one answer to a wrong name or a wrong password.
BAD_CREDENTIALS = "wrong user name or password"

_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    """An account as the front-ends see it: never its password hash."""

    name: str
    role: str
    disabled: bool = False
    created_at: datetime | None = None
    failed_logins: int = 0
    locked_until: datetime | None = None
    last_login_at: datetime | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> User:
        row = plain(row)
        return cls(
            name=row["name"],
            role=row["role"],
            disabled=bool(row.get("disabled")),
            created_at=row.get("createdAt"),
            failed_logins=int(row.get("failedLogins") or 0),
            locked_until=row.get("lockedUntil"),
            last_login_at=row.get("lastLoginAt"),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "disabled": self.disabled,
            "createdAt": self.created_at,
            "failedLogins": self.failed_logins,
            "lockedUntil": self.locked_until,
            "lastLoginAt": self.last_login_at,
        }


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise InputError(
            f"expected 1 to 64 letters, digits or . @ + - _ , got {name!r}",
            where="name",
        )
    return name


def check_password(password: str) -> str:
    """``password`` if it is long enough (and not absurdly long), else an ``InputError`` naming it."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            f"expected at least {MIN_PASSWORD_LENGTH} characters, got {len(password)}",
            where="password",
            hint="a passphrase of a few words is long enough and easy to remember",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InputError(f"expected at most {MAX_PASSWORD_LENGTH} characters, got {len(password)}", where="password")
    return password


def _hash(password: str) -> str:
    return _hasher.hash(check_password(password))


def create_user(db: Database, *, name: str, role: str, password: str) -> User:
    """A new account; a name already taken is a ``Conflict`` (the account is left as it is)."""
    check_name(name)
    check_role(role)
    rows = db.write("users.create", userName=name, role=role, passwordHash=_hash(password), now=datetime.now(UTC))
    if not rows[0]["created"]:
        raise Conflict(
            f"a user named {name!r} exists already",
            hint="`graphsvc user set-password` or `set-role` change an account; `graphsvc user list` shows them",
        )
    return User.from_row(rows[0]["user"])


def reset_user(db: Database, *, name: str, role: str, password: str) -> User:
    """Create the account, or give it this role and password, enabled, unlocked and signed out."""
    check_name(name)
    check_role(role)
    rows = db.write("users.reset", userName=name, role=role, passwordHash=_hash(password), now=datetime.now(UTC))
    forget_user(name)
    return User.from_row(rows[0]["user"])


def list_users(db: Database) -> list[User]:
    return [User.from_row(row["user"]) for row in db.read("users.list")]


def _one(rows: list[dict[str, Any]], name: str) -> dict[str, Any]:
    if not rows:
        raise NotFound(f"no user {name!r}", hint="`graphsvc user list` shows the users")
    return rows[0]


def disable_user(db: Database, name: str) -> tuple[User, int]:
    """Disable an account and end its sessions at once; returns it and how many sessions ended."""
    row = _one(db.write("users.set_disabled", userName=name, disabled=True), name)
    forget_user(name)
    return User.from_row(row["user"]), int(row["ended"])


def enable_user(db: Database, name: str) -> User:
    """Enable an account again (and lift a lock-out)."""
    return User.from_row(_one(db.write("users.set_disabled", userName=name, disabled=False), name)["user"])


def set_role(db: Database, name: str, role: str) -> User:
    """Give a user another role: their sessions have it from their next request."""
    check_role(role)
    user = User.from_row(_one(db.write("users.set_role", userName=name, role=role), name)["user"])
    forget_user(name)
    return user


def set_password(db: Database, name: str, password: str) -> tuple[User, int]:
    """Set a user's password; their sessions end and a lock-out is lifted. Returns it and the sessions ended."""
    row = _one(db.write("users.set_password", userName=name, passwordHash=_hash(password)), name)
    forget_user(name)
    return User.from_row(row["user"]), int(row["ended"])


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash no password matches, checked for unknown names so that they take as long as known ones."""
    return _hasher.hash(secrets.token_urlsafe(32))


def _verifies(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(db: Database, name: str, password: str, *, max_failures: int, lock_minutes: float) -> User:
    """The user ``name`` if ``password`` is theirs and they may sign in now.

    Raises ``Unauthenticated`` (one message for a wrong name and a wrong password; another for a
    disabled account, told only to whoever knows its password) or ``TooManyAttempts`` while the user
    is locked out. Each wrong password counts towards the lock-out.
    """
    now = datetime.now(UTC)
    rows = db.read("users.credentials", userName=name) if _NAME.fullmatch(name) else []
    if not rows:
        _verifies(_dummy_hash(), password)
        raise Unauthenticated(BAD_CREDENTIALS)
    user = User.from_row(rows[0]["user"])
    stored = str(rows[0]["passwordHash"] or "")
    if user.locked_until is not None and user.locked_until > now:
        raise _locked(user.locked_until, now)
    if not _verifies(stored, password):
        failed = db.write(
            "users.login_failed",
            userName=name,
            maxFailures=max_failures,
            lockUntil=now + timedelta(minutes=lock_minutes),
        )
        if failed and failed[0]["locks"]:
            raise _locked(plain(failed[0]["lockedUntil"]), now)
        raise Unauthenticated(BAD_CREDENTIALS)
    if user.disabled:
        raise Unauthenticated("this account is disabled", hint="an admin can enable it: `graphsvc user enable NAME`")
    if _hasher.check_needs_rehash(stored):
        db.write("users.rehash", userName=name, oldHash=stored, passwordHash=_hasher.hash(password))
    return User.from_row(db.write("users.login_succeeded", userName=name, now=now)[0]["user"])


def _locked(until: datetime, now: datetime) -> TooManyAttempts:
    seconds = max(1, int((until - now).total_seconds() + 0.999))
    return TooManyAttempts(
        f"too many failed sign-ins: try again in {seconds} seconds", retry_after=seconds, hint="or ask an admin"
    )
