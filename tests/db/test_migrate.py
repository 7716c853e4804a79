from __future__ import annotations

import pytest

from graphsvc.db import Database, latest_version, migrate
from graphsvc.errors import CypherError


def _schema(db: Database) -> set[tuple[str, str]]:
    constraints = {("constraint", row["name"]) for row in db.read("admin.constraints")}
    return constraints | {("index", row["name"]) for row in db.read("admin.indexes")}


def test_migrate_is_idempotent_and_records_the_version(db: Database) -> None:
    db.adhoc("MATCH (s:SchemaVersion) DETACH DELETE s", {}, allow_write=True)
    first = migrate(db)
    assert first.before == 0 and first.after == latest_version() and first.applied
    objects = _schema(db)
    assert {("constraint", "contact_key"), ("constraint", "identity_key"), ("index", "search_text")} <= objects

    second = migrate(db)
    assert second.applied == [] and second.statements == 0
    assert second.before == second.after == latest_version()
    assert _schema(db) == objects
    assert db.read("admin.schema_version")[0]["version"] == latest_version()


def test_identity_key_is_unique(db: Database) -> None:
    db.adhoc("CREATE (:Identity {platform: 'twitter', key: 'ada'})", {}, allow_write=True)
    with pytest.raises(CypherError, match="already exists"):
        db.adhoc("CREATE (:Identity {platform: 'twitter', key: 'ada'})", {}, allow_write=True)
