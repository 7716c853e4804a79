"""`graphsvc import`: validate everything, then write in batches; all or nothing by default.

Two passes keep memory constant and the graph safe:

1. **validate**: stream each file, convert every record (normalise, check; on every core for
   large files), and spool the good rows to a temporary file in batches; count and describe
   the bad ones.
2. **write**: only if no record was bad (or ``skip_invalid``), stream the spool into Neo4j,
   one managed write transaction per batch of ``UNWIND ... MERGE``. A writer thread sends
   batch *n* while the next is unpickled.

Every statement is an idempotent MERGE, so an import interrupted in pass 2 (even by
``kill -9``) and run again ends in the same graph as an uninterrupted one.
"""

from __future__ import annotations

import json
import pickle
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from graphsvc.db import Database
from graphsvc.errors import InputError
from graphsvc.ingest.fields import COLUMNS, EDGE_TYPES, KINDS, ConvertOptions
from graphsvc.ingest.files import record_file
from graphsvc.ingest.parallel import converted
from graphsvc.ingest.readers import read_records
from graphsvc.ingest.suppression import SuppressionList, load_suppression

__all__ = ["ImportSummary", "import_files"]

Progress = Callable[[str, int, int | None], None]
_SHOWN_ERRORS = 20
#: Files at least this large are converted in worker processes (see graphsvc.ingest.parallel).
PARALLEL_BYTES = 2 << 20
_HALF_LIFE_DAYS = 90.0
#: The named query that writes each kind of row (edges by their relationship type's entry in EDGE_TYPES).
WRITE_QUERIES = {
    "contacts": "ingest.contacts",
    "identities": "ingest.identities",
    "posts": "ingest.posts",
    "follows": "ingest.follows",
    "friends_with": "ingest.friends_with",
    "connected_to": "ingest.connected_to",
}


@dataclass
class ImportSummary:
    kind: str
    files: list[str]
    read: int = 0
    written: int = 0
    rejected: int = 0
    suppressed: int = 0  # rows refused because they carry an identifier erased on request
    seconds: float = 0.0
    rows_per_second: float = 0.0
    validate_seconds: float = 0.0
    write_seconds: float = 0.0
    interactions: int = 0
    interactions_seconds: float = 0.0
    rejects_file: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def import_files(
    db: Database,
    kind: str,
    paths: Sequence[Path],
    *,
    mapping: dict[str, str] | None = None,
    options: ConvertOptions | None = None,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
    batch_size: int = 5000,
    progress: Progress | None = None,
    parallel: bool | None = None,
) -> ImportSummary:
    """Import ``paths`` as ``kind`` ('contacts', 'identities', 'edges' or 'posts').

    Posts find brand mentions and known topics only among ``options.brands`` and
    ``options.vocabulary``: ``graphsvc.service.imports`` fills them from the graph.
    ``parallel`` converts records in worker processes; by default it does for contacts (whose
    email, phone and name parsing is the costliest conversion) when the files hold more than
    ``PARALLEL_BYTES``. Other kinds convert faster than records travel between processes.
    """
    if kind not in KINDS:
        raise InputError(f"expected one of {list(KINDS)}, got {kind!r}", where="kind")
    options = options or ConvertOptions()
    summary = ImportSummary(kind=kind, files=[str(p) for p in paths])
    began = time.perf_counter()
    with tempfile.TemporaryFile(prefix="graphsvc-import-") as spool:
        if parallel is None:
            parallel = kind == "contacts" and sum(_size(path) for path in paths) >= PARALLEL_BYTES
        suppression = load_suppression(db)
        batches = _validate(
            kind,
            paths,
            mapping or {},
            options,
            summary,
            spool,
            skip_invalid,
            rejects_path,
            batch_size,
            progress,
            parallel,
            suppression,
        )
        summary.validate_seconds = round(time.perf_counter() - began, 3)
        if summary.rejects_file:  # it holds rows as they came: an erasure must find it
            record_file(db, Path(summary.rejects_file), "rejects")
        if summary.rejected and not skip_invalid:
            shown = "\n  ".join(summary.errors)
            more = summary.rejected - len(summary.errors)
            raise InputError(
                f"{summary.rejected} invalid record(s); nothing was written:\n  {shown}"
                + (f"\n  ... and {more} more" if more > 0 else ""),
                hint="fix the rows, or pass --skip-invalid to write the good ones and collect the bad in a "
                "rejects file",
            )
        spool.seek(0)
        write_began = time.perf_counter()
        summary.written = _write(
            db, kind, _unspool(spool, batches), summary.read - summary.rejected - summary.suppressed, progress
        )
        if kind == "posts" and summary.written:
            aggregate_began = time.perf_counter()
            summary.interactions = aggregate_interactions(db, batch_size)
            summary.interactions_seconds = round(time.perf_counter() - aggregate_began, 3)
        summary.write_seconds = round(time.perf_counter() - write_began, 3)
    summary.seconds = round(time.perf_counter() - began, 3)
    summary.rows_per_second = round(summary.written / summary.seconds, 1) if summary.seconds else 0.0
    return summary


def _size(path: Path) -> int:
    """Bytes of text in ``path`` (gzip counted as five times its size)."""
    try:
        size = path.stat().st_size
    except OSError:
        return 0  # read_records names the missing file
    return size * 5 if path.name.lower().endswith(".gz") else size


def _validate(
    kind: str,
    paths: Sequence[Path],
    mapping: dict[str, str],
    options: ConvertOptions,
    summary: ImportSummary,
    spool: IO[bytes],
    skip_invalid: bool,
    rejects_path: Path | None,
    batch_size: int,
    progress: Progress | None,
    parallel: bool,
    suppression: SuppressionList | None,
) -> int:
    known = {name for name, _, _ in COLUMNS[kind]}
    required = {name for name, needed, _ in COLUMNS[kind] if needed} - ({"source"} if options.source else set())
    ignored: set[str] = set()
    rejects: IO[str] | None = None
    batch: list[dict[str, Any]] = []
    batches = 0
    try:
        for path in paths:
            checked_header = False
            for record, result in converted(kind, read_records(path, mapping), options, parallel=parallel):
                summary.read += 1
                if not checked_header and "__error__" not in record.fields:
                    missing = sorted(required - set(record.fields))
                    if missing and path.name.lower().removesuffix(".gz").endswith(".csv"):
                        raise InputError(
                            f"missing required column(s) {missing}; expected columns: "
                            f"{[name for name, _, _ in COLUMNS[kind]]} (rename with --map column=field)",
                            where=f"{path}:1",
                        )
                    checked_header = True
                ignored.update(set(record.fields) - known - {"__error__"})
                if isinstance(result, InputError):
                    exc = result
                    summary.rejected += 1
                    if len(summary.errors) < _SHOWN_ERRORS:
                        summary.errors.append(str(exc.message))
                    if skip_invalid:
                        if rejects is None:
                            target = rejects_path or Path(f"{paths[0]}.rejects.jsonl")
                            rejects = target.open("w", encoding="utf-8")
                            summary.rejects_file = str(target)
                        rejects.write(
                            json.dumps(
                                {
                                    "file": record.path,
                                    "line": record.line,
                                    "error": exc.reason,
                                    "where": exc.where,
                                    "record": record.fields,
                                },
                                ensure_ascii=False,
                                default=str,
                            )
                            + "\n"
                        )
                elif suppression is not None and not suppression.screen(kind, result):
                    summary.suppressed += 1
                else:
                    batch.append(result)
                if len(batch) >= batch_size:
                    pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
                    batches += 1
                    batch = []
                if progress and summary.read % 1000 == 0:
                    progress("validate", summary.read, None)
        if batch:
            pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
            batches += 1
    finally:
        if rejects is not None:
            rejects.close()
    summary.ignored_columns = sorted(ignored)
    if progress:
        progress("validate", summary.read, summary.read)
    return batches


def _unspool(spool: IO[bytes], batches: int) -> Iterator[list[dict[str, Any]]]:
    for _ in range(batches):
        yield pickle.load(spool)  # our own spool file, written above in this process


def _write(
    db: Database, kind: str, batches: Iterator[list[dict[str, Any]]], total: int, progress: Progress | None
) -> int:
    """Send batches through a writer thread, so unpickling the next overlaps Neo4j's work on this one."""
    pending: queue.Queue[list[dict[str, Any]] | None] = queue.Queue(maxsize=2)
    failure: list[BaseException] = []
    written = 0
    now = datetime.now(UTC)
    origin = f"import:{kind}"

    def writer() -> None:
        nonlocal written
        while (rows := pending.get()) is not None:
            if failure:
                continue
            try:
                for name, group in _groups(kind, rows):
                    db.write(WRITE_QUERIES[name], rows=group, now=now, origin=origin)
                written += len(rows)
                if progress:
                    progress("write", written, total)
            except BaseException as exc:  # handed to the main thread below
                failure.append(exc)

    thread = threading.Thread(target=writer, name="graphsvc-import-writer", daemon=True)
    thread.start()
    try:
        for rows in batches:
            if failure:
                break
            pending.put(rows)
    finally:
        pending.put(None)
        thread.join()
    if failure:
        raise failure[0]
    return written


def _groups(kind: str, rows: list[dict[str, Any]]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    if kind != "edges":
        yield kind, rows
        return
    by_type: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_type.setdefault(EDGE_TYPES[row["type"]], []).append(row)
    yield from by_type.items()


def aggregate_interactions(db: Database, batch_size: int = 5000) -> int:
    """Recompute every INTERACTED edge from the posts (replies, shares, mentions); returns edges written."""
    ids = [row["id"] for row in db.read("ingest.interaction_authors")]
    if not ids:
        return 0
    as_of = db.read("ingest.latest_post_time")[0]["asOf"]
    step = max(1, batch_size // 10)
    return sum(
        db.write("ingest.aggregate_interactions", ids=ids[i : i + step], asOf=as_of, halfLifeDays=_HALF_LIFE_DAYS)[0][
            "written"
        ]
        for i in range(0, len(ids), step)
    )
