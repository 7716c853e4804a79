"""A real Neo4j 5.26 community server without Docker: jars from Maven Central, run with local Java."""

from graphsvc.neo4j_local.server import LocalServer, ServerStatus

__all__ = ["LocalServer", "ServerStatus"]
