"""The one way a CLI command opens the database: from the settings, migrated when it writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from graphsvc.config import get_settings
from graphsvc.db import Database
from graphsvc.db import migrate as apply_schema

__all__ = ["open_database"]


@contextmanager
def open_database(*, migrate: bool = False) -> Iterator[Database]:
    """A connection to the configured Neo4j (started first when it is the managed one), closed on exit.

    ``migrate`` applies the schema first, as every command that writes the graph does.
    """
    with Database.from_settings(get_settings()) as db:
        if migrate:
            apply_schema(db)
        yield db
