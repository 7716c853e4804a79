"""Ingest: read CSV/JSON Lines files, validate and normalise each record, write batches to Neo4j.

``readers`` streams records, ``normalize`` holds the pure normalisers, ``enrich`` reads a post's
text (sentiment, language, topics, brands), ``fields`` converts a record into a Cypher row, and
``importer.import_files`` runs the two passes.
"""
