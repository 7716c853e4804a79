"""Service functions: what the CLI and the API share. They call named queries, never build Cypher."""
