"""Fixtures: one real Neo4j for the whole session, a clean graph for every test.

With NEO4J_URI set the tests use that server (and wipe its data: never point them at
production). Otherwise they start graphsvc's own managed server in its own state
directory (.graphsvc/test) on free ports, separate from the one `make demo` uses,
and stop it at the end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphsvc.config import Settings
from graphsvc.db import Database, migrate, query
from graphsvc.neo4j_local import LocalServer
from tests.support import free_port

ROOT = Path(__file__).resolve().parents[1]


def _test_settings(state_dir: Path) -> Settings:
    return Settings(
        state_dir=state_dir,
        neo4j_bolt_port=free_port(),
        neo4j_http_port=free_port(),
        neo4j_heap="2g",
        neo4j_pagecache="1g",
        neo4j_tx_log_retention="2 files",  # the suite writes gigabytes; keep its disk small
    )


@pytest.fixture(scope="session")
def settings() -> Iterator[Settings]:
    """Settings pointing at the session's Neo4j (external NEO4J_URI, or a managed test server)."""
    if os.environ.get("NEO4J_URI"):
        yield Settings()
        return
    # GRAPHSVC_TEST_DIR lets two checkouts or sessions run the suite side by side.
    test_settings = _test_settings(Path(os.environ.get("GRAPHSVC_TEST_DIR") or ROOT / ".graphsvc" / "test"))
    server = LocalServer(test_settings)
    server.start()
    # A server left by an interrupted run keeps its ports: point the settings at it.
    port = int(server.uri.rsplit(":", 1)[1])
    test_settings = test_settings.model_copy(update={"neo4j_bolt_port": port})
    yield test_settings
    server.stop()


@pytest.fixture(scope="session")
def session_db(settings: Settings) -> Iterator[Database]:
    with Database.from_settings(settings, autostart=False) as db:
        migrate(db)
        yield db


@pytest.fixture
def db(session_db: Database) -> Database:
    """The session's database with an empty graph (the schema stays)."""
    session_db.run_statement(query("admin.wipe_data"))
    return session_db
