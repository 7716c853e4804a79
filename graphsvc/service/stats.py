"""What the graph holds, in numbers: used by `graphsvc db stats`, `graphsvc demo` and the benchmarks."""

from __future__ import annotations

from graphsvc.db import Database

__all__ = ["graph_counts"]


def graph_counts(db: Database) -> dict[str, int]:
    """Nodes per label and relationships per kind (Neo4j's count store: instant at any size)."""
    return {key: int(value) for key, value in db.read("admin.graph_counts")[0].items()}
