"""`graphsvc apikey create|list|revoke` as a user runs it, and the key it prints works (then stops) over HTTP."""

from __future__ import annotations

import json

from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.service.apikeys import authenticate
from tests.support import run_cli, run_json


def test_create_list_revoke(settings: Settings, db: Database) -> None:
    created = run_json(settings, "apikey", "create", "--name", "crm sync", "--role", "marketer")
    assert created["role"] == "marketer" and created["secret"].startswith(f"gsk_{created['id']}_")
    assert authenticate(db, created["secret"]) is not None
    listed = run_json(settings, "apikey", "list")["keys"]
    assert [(k["id"], k["name"], k["role"]) for k in listed] == [(created["id"], "crm sync", "marketer")]
    assert created["secret"] not in json.dumps(listed)
    revoked = run_json(settings, "apikey", "revoke", created["id"])
    assert revoked["id"] == created["id"] and revoked["revokedAt"]
    assert authenticate(db, created["secret"]) is None

    bad = run_cli(settings, "apikey", "create", "--name", "x", "--role", "owner", "--json", check=False)
    problem = json.loads(bad.stdout)
    assert bad.returncode == 2 and problem["code"] == "BAD_USER_INPUT" and "got 'owner'" in problem["message"]
