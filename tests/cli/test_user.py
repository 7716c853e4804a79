"""`graphsvc user ...` as a user runs it (the password on stdin), and the accounts `graphsvc demo` hands out."""

from __future__ import annotations

import json

import pytest

from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.errors import Unauthenticated
from graphsvc.service.sessions import session_user, start_session
from graphsvc.service.users import authenticate
from tests.support import run_cli, run_json

PASSWORD = "a long enough passphrase"


def _signs_in(db: Database, name: str, password: str) -> bool:
    try:
        authenticate(db, name, password, max_failures=5, lock_minutes=15)
    except Unauthenticated:
        return False
    return True


def test_create_list_set_role_and_password(settings: Settings, db: Database) -> None:
    created = run_json(
        settings, "user", "create", "maria", "--role", "marketer", "--password-stdin", input=PASSWORD + "\n"
    )
    assert created["name"] == "maria" and created["role"] == "marketer" and created["disabled"] is False
    assert _signs_in(db, "maria", PASSWORD) and not _signs_in(db, "maria", PASSWORD + "!")
    listed = run_json(settings, "user", "list")["users"]
    assert [(u["name"], u["role"], u["disabled"]) for u in listed] == [("maria", "marketer", False)]
    assert "argon2" not in json.dumps(listed) and "passwordHash" not in listed[0]

    assert run_json(settings, "user", "set-role", "maria", "analyst")["role"] == "analyst"
    token, _ = start_session(db, "maria", hours=1)
    changed = run_json(settings, "user", "set-password", "maria", "--password-stdin", input="another passphrase\n")
    assert changed["sessionsEnded"] == 1 and session_user(db, token) is None
    assert _signs_in(db, "maria", "another passphrase") and not _signs_in(db, "maria", PASSWORD)


def test_disable_ends_sessions_and_enable_restores(settings: Settings, db: Database) -> None:
    run_json(settings, "user", "create", "otto", "--role", "viewer", "--password-stdin", input=PASSWORD)
    token, _ = start_session(db, "otto", hours=1)
    assert session_user(db, token) is not None
    disabled = run_json(settings, "user", "disable", "otto")
    assert disabled["disabled"] is True and disabled["sessionsEnded"] == 1 and session_user(db, token) is None
    with pytest.raises(Unauthenticated, match="disabled"):
        authenticate(db, "otto", PASSWORD, max_failures=5, lock_minutes=15)
    assert run_json(settings, "user", "enable", "otto")["disabled"] is False
    assert _signs_in(db, "otto", PASSWORD)


@pytest.mark.parametrize(
    "args, stdin, exit_code, code, message",
    [
        (
            ["create", "x", "--role", "viewer", "--password-stdin"],
            "short\n",
            2,
            "BAD_USER_INPUT",
            "password: expected at least 12 characters, got 5",
        ),
        (
            ["create", "x", "--role", "viewer", "--password-stdin"],
            "",
            2,
            "BAD_USER_INPUT",
            "password: expected the password",
        ),
        (["create", "x", "--role", "owner", "--password-stdin"], PASSWORD, 2, "BAD_USER_INPUT", "got 'owner'"),
        (["create", "a b", "--role", "viewer", "--password-stdin"], PASSWORD, 2, "BAD_USER_INPUT", "name: expected"),
        (
            ["create", "taken", "--role", "viewer", "--password-stdin"],
            PASSWORD,
            2,
            "CONFLICT",
            "'taken' exists already",
        ),
        (["disable", "ghost"], None, 1, "NOT_FOUND", "no user 'ghost'"),
        (["set-role", "taken", "owner"], None, 2, "BAD_USER_INPUT", "got 'owner'"),
        (["set-password", "ghost", "--password-stdin"], PASSWORD, 1, "NOT_FOUND", "no user 'ghost'"),
    ],
)
def test_errors_are_coded(
    settings: Settings, db: Database, args: list[str], stdin: str | None, exit_code: int, code: str, message: str
) -> None:
    run_json(settings, "user", "create", "taken", "--role", "viewer", "--password-stdin", input=PASSWORD)
    failed = run_cli(settings, "user", *args, "--json", check=False, input=stdin)
    problem = json.loads(failed.stdout)
    assert (failed.returncode, problem["code"]) == (exit_code, code) and message in problem["message"], problem


def test_demo_hands_out_one_account_per_role(settings: Settings, db: Database) -> None:
    first = run_json(settings, "demo", "--people", "0", "--no-serve")
    assert first["console"] == "http://127.0.0.1:8000/"
    accounts = first["accounts"]
    assert [(a["user"], a["role"]) for a in accounts] == [(r, r) for r in ("viewer", "marketer", "analyst", "admin")]
    assert all(len(a["password"]) >= 12 and _signs_in(db, a["user"], a["password"]) for a in accounts)
    again = run_json(settings, "demo", "--people", "0", "--no-serve")["accounts"]  # reset: new passwords
    assert all(new["password"] != old["password"] for new, old in zip(again, accounts, strict=True))
    assert not _signs_in(db, "admin", accounts[-1]["password"]) and _signs_in(db, "admin", again[-1]["password"])
    human = run_cli(settings, "demo", "--people", "0", "--no-serve").stdout
    assert "http://127.0.0.1:8000/" in human and "analyst" in human
