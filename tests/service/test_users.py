"""Accounts and sessions in the service layer: re-hashing, concurrent failures, the session caches."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher

from graphsvc.db import Database
from graphsvc.errors import TooManyAttempts, Unauthenticated
from graphsvc.service.sessions import SessionCache, end_session, session_user, start_session
from graphsvc.service.users import authenticate, create_user, list_users, set_role

PASSWORD = "a long enough passphrase"


def _hash_of(db: Database, name: str) -> str:
    rows = db.adhoc("MATCH (u:User {name: $name}) RETURN u.passwordHash AS h", {"name": name}, allow_write=False)[1]
    return str(rows[0]["h"])


def test_a_hash_made_with_old_parameters_is_renewed_at_sign_in(db: Database) -> None:
    create_user(db, name="old", role="viewer", password=PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    db.adhoc("MATCH (u:User {name: 'old'}) SET u.passwordHash = $h", {"h": weak}, allow_write=True)
    assert authenticate(db, "old", PASSWORD, max_failures=5, lock_minutes=15).name == "old"
    renewed = _hash_of(db, "old")
    assert renewed != weak and renewed.startswith("$argon2id$") and not PasswordHasher().check_needs_rehash(renewed)
    assert "passwordHash" not in str(list_users(db)[0].as_dict())


def test_concurrent_failures_all_count(db: Database) -> None:
    create_user(db, name="target", role="viewer", password=PASSWORD)

    def attempt(i: int) -> str:
        try:
            authenticate(db, "target", f"wrong guess {i}", max_failures=5, lock_minutes=15)
        except TooManyAttempts:
            return "locked"
        except Unauthenticated:
            return "refused"
        return "in"

    with ThreadPoolExecutor(5) as pool:
        outcomes = sorted(pool.map(attempt, range(5)))
    assert outcomes == ["locked", "refused", "refused", "refused", "refused"]
    with pytest.raises(TooManyAttempts):
        authenticate(db, "target", PASSWORD, max_failures=5, lock_minutes=15)


def test_changes_reach_every_session_cache_of_the_process(db: Database) -> None:
    create_user(db, name="cached", role="viewer", password=PASSWORD)
    token, started = start_session(db, "cached", hours=1)
    first, second = SessionCache(60), SessionCache(60)
    for cache in (first, second):
        assert session_user(db, token, cache=cache) == started
    set_role(db, "cached", "analyst")
    assert [session_user(db, token, cache=c).role for c in (first, second)] == ["analyst", "analyst"]  # type: ignore[union-attr]
    assert end_session(db, token) == "cached"
    assert session_user(db, token, cache=first) is None and session_user(db, token, cache=second) is None


@pytest.mark.parametrize("token", ["", "short", "x" * 500, "not base64 at all!" * 3])
def test_malformed_tokens_are_no_session(db: Database, token: str) -> None:
    assert session_user(db, token) is None and end_session(db, token) is None
