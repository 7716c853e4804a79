"""Error masking: internal failures read as a bare, coded error in production; the caller's mistakes never do."""

from __future__ import annotations

import json
from typing import Any

import pytest

from graphsvc.db import Database
from tests.api.client import ask, error
from tests.api.conftest import Serve


@pytest.mark.parametrize("mode", ["development", "production"])
def test_internal_errors_are_masked_in_production(
    serve: Serve, db: Database, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("internal detail: /srv/secret.conf")

    monkeypatch.setattr(db, "read", broken)
    with serve(mode=mode, anonymous_role="viewer") as base:
        body = ask(base, "{ persons { nodes { id } } }")
        problem = error(body)
        assert problem["extensions"]["code"] == "INTERNAL" and problem["path"] == ["persons"]
        if mode == "production":
            assert problem["message"] == "Unexpected error." and "secret" not in json.dumps(body)
        else:
            assert "internal detail" in problem["message"]
        mistake = error(ask(base, '{ contact(id: "no-colon") { id } }'))  # the caller's own: readable in both
        assert mistake["extensions"]["code"] == "BAD_USER_INPUT" and "no-colon" in mistake["message"]
