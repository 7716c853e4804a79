"""With Neo4j down: /readyz says 503 and queries fail with a clear, coded error (not masked), the app stays up."""

from __future__ import annotations

import httpx
import pytest

from graphsvc.api import create_app
from graphsvc.config import Settings
from graphsvc.db import Database
from tests.api.client import ask, error
from tests.support import free_port, serve_in_thread


@pytest.mark.parametrize("mode", ["development", "production"])
def test_neo4j_down_gives_503_and_coded_errors(settings: Settings, mode: str) -> None:
    nowhere = Database(
        f"bolt://127.0.0.1:{free_port()}", ("neo4j", "unused"), connection_timeout=1.0, max_transaction_retry_time=1.0
    )
    app = create_app(settings.model_copy(update={"mode": mode, "anonymous_role": "viewer"}), nowhere)
    try:
        with serve_in_thread(app) as base:
            ready = httpx.get(f"{base}/readyz", timeout=30)
            assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
            assert httpx.get(f"{base}/healthz").status_code == 200  # alive, just not ready
            problem = error(ask(base, "{ persons(first: 5) { nodes { id } } }"))
            assert problem["extensions"]["code"] == "DATABASE_UNAVAILABLE" and problem["path"] == ["persons"]
            assert "Neo4j" in problem["message"] or "neo4j" in problem["message"].lower()
    finally:
        nowhere.close()
