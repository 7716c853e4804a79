"""The analysts' client against the real app over HTTP, on a small synthetic CRM in the real Neo4j."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graphsvc.api import create_app
from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.service.apikeys import ROLES, create_key
from tests.support import load_crm, serve_in_thread


@pytest.fixture(scope="module")
def crm(session_db: Database, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Database:
    """The synthetic CRM of the console's tests (400 people), resolved and scored, for the module."""
    load_crm(session_db, settings, tmp_path_factory.mktemp("crm"))
    return session_db


@pytest.fixture(scope="module")
def keys(crm: Database) -> dict[str, str]:
    """One API key per role: role -> secret."""
    return {role: create_key(crm, name=f"client {role}", role=role)[1] for role in ROLES}


@pytest.fixture(scope="module")
def api(crm: Database, settings: Settings) -> Iterator[str]:
    """The app in production mode: a request without a key has no role."""
    with serve_in_thread(create_app(settings.model_copy(update={"anonymous_role": "none"}), crm)) as base:
        yield base
