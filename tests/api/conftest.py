"""The API under test: the real app under uvicorn on a free port, against the session's Neo4j."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest

from graphsvc.api import create_app
from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.service.apikeys import ROLES, create_key
from tests.api.graph import write_social_map
from tests.support import serve_in_thread

Serve = Callable[..., AbstractContextManager[str]]


@pytest.fixture
def serve(db: Database, settings: Settings) -> Serve:
    """``with serve(**setting_overrides) as base:`` runs the app with those settings over real HTTP."""

    def start(database: Database | None = None, **overrides: Any) -> AbstractContextManager[str]:
        return serve_in_thread(create_app(settings.model_copy(update=overrides), database or db))

    return start


@pytest.fixture
def api(serve: Serve) -> Iterator[str]:
    """The app with the default (development) settings: anonymous requests get role viewer."""
    with serve() as base:
        yield base


@pytest.fixture
def social_map(db: Database) -> Database:
    write_social_map(db)
    return db


@pytest.fixture
def keys(db: Database) -> dict[str, str]:
    """One API key per role: role -> secret."""
    return {role: create_key(db, name=f"test {role}", role=role)[1] for role in ROLES}
