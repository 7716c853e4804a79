"""The Neo4j boundary: driver lifecycle, named Cypher, schema migrations."""

from graphsvc.db.database import Database, translate_errors
from graphsvc.db.migrate import MigrationReport, latest_version, migrate
from graphsvc.db.queries import query

__all__ = ["Database", "MigrationReport", "latest_version", "migrate", "query", "translate_errors"]
