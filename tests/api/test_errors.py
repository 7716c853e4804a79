"""Error masking: internal failures read as a bare, coded error in production; the caller's mistakes never do."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from graphsvc.db import Database
from graphsvc.errors import QueryFailed
from tests.api.client import ask, error
from tests.api.conftest import Serve


@pytest.mark.parametrize("mode", ["development", "production"])
@pytest.mark.parametrize(
    "fault",
    [RuntimeError("internal detail: /srv/secret.conf"), QueryFailed("Neo4j rejected the query: /srv/secret.conf")],
    ids=["a bug", "a named query rejected"],
)
def test_internal_errors_are_masked_in_production_and_logged_under_the_id_the_caller_sees(
    serve: Serve,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    mode: str,
    fault: Exception,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise fault

    monkeypatch.setattr(db, "read", broken)
    with serve(mode=mode, anonymous_role="viewer") as base, caplog.at_level(logging.ERROR, "graphsvc.api"):
        body = ask(base, "{ persons { nodes { id } } }")
        problem = error(body)
        assert problem["extensions"]["code"] == "INTERNAL" and problem["path"] == ["persons"]
        if mode == "production":
            assert problem["message"] == "Unexpected error." and "secret" not in json.dumps(body)
        else:
            assert "/srv/secret.conf" in problem["message"]
        error_id = problem["extensions"]["errorId"]
        logged = [r for r in caplog.records if error_id in r.getMessage()]
        assert len(logged) == 1 and logged[0].exc_info is not None and logged[0].exc_info[1] is fault
        mistake = error(ask(base, '{ contact(id: "no-colon") { id } }'))  # the caller's own: readable in both
        assert mistake["extensions"]["code"] == "BAD_USER_INPUT" and "no-colon" in mistake["message"]
        assert "errorId" not in mistake["extensions"]  # the caller's mistakes are answered, not logged
        assert not [r for r in caplog.records if "no-colon" in r.getMessage()]
