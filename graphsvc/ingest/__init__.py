"""Ingest: read CSV/JSON Lines files, validate and normalise each record, write batches to Neo4j."""

from graphsvc.ingest.fields import KINDS, ConvertOptions
from graphsvc.ingest.importer import ImportSummary, import_files

__all__ = ["KINDS", "ConvertOptions", "ImportSummary", "import_files"]
