"""Importing files as every front-end does: `graphsvc import`, the demo, the benchmarks.

The importer (``graphsvc.ingest``) validates, normalises and writes; what it cannot know on its own
is the state of the graph a post is read against: the brands tracked and the topics known at the
time of the import, which this module looks up and hands to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from graphsvc.db import Database
from graphsvc.ingest.fields import KINDS, ConvertOptions
from graphsvc.ingest.importer import ImportSummary
from graphsvc.ingest.importer import import_files as _import_files
from graphsvc.service.brands import brand_terms, topic_vocabulary

__all__ = ["KINDS", "ImportSummary", "import_files"]

Progress = Callable[[str, int, int | None], None]


def import_files(
    db: Database,
    kind: str,
    paths: Sequence[Path],
    *,
    mapping: dict[str, str] | None = None,
    region: str | None = "US",
    source: str | None = None,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
    batch_size: int = 5000,
    progress: Progress | None = None,
    parallel: bool | None = None,
) -> ImportSummary:
    """Import ``paths`` as ``kind``: all or nothing unless ``skip_invalid`` (see ``graphsvc.ingest.importer``).

    ``region`` is the default region of national phone numbers (ISO 3166), ``source`` the CRM name
    of contacts files without a 'source' column.
    """
    options = ConvertOptions(default_region=region.upper() if region else None, source=source)
    if kind == "posts":
        options = replace(options, brands=brand_terms(db), vocabulary=topic_vocabulary(db))
    return _import_files(
        db,
        kind,
        paths,
        mapping=mapping,
        options=options,
        skip_invalid=skip_invalid,
        rejects_path=rejects_path,
        batch_size=batch_size,
        progress=progress,
        parallel=parallel,
    )
