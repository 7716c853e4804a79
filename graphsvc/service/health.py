"""Health: the server's identity and the graph's schema version, in one read."""

from __future__ import annotations

from typing import Any

from graphsvc.db import Database, latest_version, query

__all__ = ["check", "warmup_sample"]


def check(db: Database) -> dict[str, Any]:
    """A real round trip: Neo4j's version and edition, and the schema version recorded in the graph."""

    def work(tx: Any) -> dict[str, Any]:
        kernel = tx.run(query("admin.server_components")).single()
        schema = tx.run(query("admin.schema_version")).single()
        return {
            "ok": True,
            "neo4j_version": kernel["version"],
            "neo4j_edition": kernel["edition"],
            "schema_version": int(schema["version"]),
            "latest_schema_version": latest_version(),
        }

    return db.read_tx(work)


def warmup_sample(db: Database) -> dict[str, Any]:
    """What the API server's warm-up asks about: a person, a community and an identity's handle
    (each None in an empty graph)."""
    rows = db.read("admin.warmup_sample")
    return dict(rows[0]) if rows else {"person": None, "community": None, "handle": None}
