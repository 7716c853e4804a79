"""Schema migrations: the ``vN`` blocks of ``cypher/schema.cypher``, applied in order.

The graph records the version it is at (``(:SchemaVersion {id: 'graphsvc'})``);
``migrate`` applies only the blocks above it, so running it twice changes nothing.
Every statement is also written ``IF NOT EXISTS``, so a migration interrupted
half-way can simply be run again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphsvc.db.database import Database
from graphsvc.db.queries import all_names, statements

__all__ = ["MigrationReport", "latest_version", "migrate"]


@dataclass
class MigrationReport:
    before: int
    after: int
    applied: list[int] = field(default_factory=list)
    statements: int = 0

    def as_dict(self) -> dict[str, object]:
        return {"before": self.before, "after": self.after, "applied": self.applied, "statements": self.statements}


def _versions() -> list[int]:
    found = (re.fullmatch(r"schema\.v(\d+)", name) for name in all_names())
    return sorted(int(m.group(1)) for m in found if m)


def latest_version() -> int:
    """The highest schema version this code knows."""
    return max(_versions(), default=0)


def current_version(db: Database) -> int:
    return int(db.read("admin.schema_version")[0]["version"])


def migrate(db: Database) -> MigrationReport:
    """Bring the graph's schema up to ``latest_version()``."""
    before = current_version(db)
    report = MigrationReport(before=before, after=before)
    for version in _versions():
        if version <= before:
            continue
        for statement in statements(f"schema.v{version}"):
            db.run_statement(statement)
            report.statements += 1
        db.write("admin.set_schema_version", version=version)
        report.applied.append(version)
        report.after = version
    return report
