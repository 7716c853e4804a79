"""Converting records on every core: the validation pass of a large import, in order.

Conversion (email syntax, E.164 phones, name parsing, post enrichment) is pure Python and
costs far more per record than reading a CSV line. For a large file the
reader stays in this process and chunks of records go to worker processes; results come
back in input order, so errors and spooled batches are exactly those of a sequential run.
At most ``2 * workers`` chunks are in flight: memory stays constant whatever the file size.
Workers are spawned (not forked), so a driver or progress-bar thread in this process
cannot leave a lock held in a child.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from graphsvc.errors import InputError
from graphsvc.ingest.fields import ConvertOptions, convert
from graphsvc.ingest.readers import Record

__all__ = ["CHUNK", "Converted", "converted", "worker_count"]

CHUNK = 2000
#: A row, or the error a record gave: (reason, where).
Outcome = dict[str, Any] | tuple[str, str | None]
Converted = tuple[Record, dict[str, Any] | InputError]

_options: ConvertOptions | None = None


def worker_count() -> int:
    """Worker processes for a large import: the cores this process may use, at most 8."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(8, cores))


def _init(options: ConvertOptions) -> None:
    global _options
    _options = options


def _convert_chunk(kind: str, records: list[Record]) -> list[Outcome]:
    assert _options is not None  # set by _init in every worker
    out: list[Outcome] = []
    for record in records:
        try:
            out.append(convert(kind, record, _options))
        except InputError as exc:
            out.append((exc.reason, exc.where))
    return out


def _chunks(records: Iterable[Record]) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _sequential(kind: str, records: Iterable[Record], options: ConvertOptions) -> Iterator[Converted]:
    for record in records:
        try:
            yield record, convert(kind, record, options)
        except InputError as exc:
            yield record, exc


def converted(kind: str, records: Iterable[Record], options: ConvertOptions, *, parallel: bool) -> Iterator[Converted]:
    """``(record, row or InputError)`` for every record, in input order."""
    workers = worker_count() if parallel else 1
    if workers < 2:
        yield from _sequential(kind, records, options)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init, initargs=(options,)) as pool:
        pending: deque[tuple[list[Record], Future[list[Outcome]]]] = deque()
        try:
            for chunk in _chunks(records):
                pending.append((chunk, pool.submit(_convert_chunk, kind, chunk)))
                if len(pending) >= 2 * workers:
                    yield from _results(*pending.popleft())
            while pending:
                yield from _results(*pending.popleft())
        finally:
            for _, future in pending:
                future.cancel()


def _results(chunk: list[Record], future: Future[list[Outcome]]) -> Iterator[Converted]:
    for record, outcome in zip(chunk, future.result(), strict=True):
        if isinstance(outcome, dict):
            yield record, outcome
        else:
            reason, where = outcome
            yield record, InputError(reason, where=where)
