"""Comparing and scoring candidate pairs on every core.

Both are pure Python over millions of pairs (2.5M at 100k people) while Neo4j sits idle, so
the pairs are cut into chunks for worker processes. The workers are *forked* after the
records and the model are built: they read them copy-on-write instead of receiving a pickled
copy of a few GB each (the import's converters are spawned instead, as their input streams
by). A forked worker only computes over those objects and hands back levels or probabilities;
it never touches the driver, the progress bar or the log, and leaves through ``os._exit`` as
multiprocessing's forked processes do, so no socket or lock of this process is used or closed
there. Where fork is missing, or the work is small, everything runs here.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Iterable, Sequence
from typing import Any

from graphsvc.ingest.parallel import worker_count
from graphsvc.resolve.compare import compare
from graphsvc.resolve.model import Levels, Scorer
from graphsvc.resolve.records import Record

__all__ = ["compare_levels", "compare_pairs", "score_pairs"]

Pair = tuple[int, int]
#: Below this many pairs a pool costs more than it saves.
_PARALLEL_FROM = 40_000
_CHUNKS_PER_WORKER = 4

# What the forked workers read: set just before the pool forks, cleared after.
_records: Sequence[Record] = ()
_scorer: Scorer | None = None


def _compare_chunk(pairs: list[Pair]) -> list[Levels]:
    records = _records
    return [compare(records[a], records[b]) for a, b in pairs]


def _score_chunk(chunk: tuple[list[Pair], list[Levels]]) -> list[float]:
    records, scorer = _records, _scorer
    assert scorer is not None  # set before the fork
    return [scorer.probability(lv, records[a], records[b]) for (a, b), lv in zip(*chunk, strict=True)]


def _workers(items: int, workers: int | None) -> int:
    """``workers`` if given, else the cores for a large batch and 1 for a small one; 1 without fork."""
    if "fork" not in multiprocessing.get_all_start_methods() or not items:
        return 1
    if workers is None:
        return worker_count() if items >= _PARALLEL_FROM else 1
    return max(1, workers)


def _run(function: Any, chunks: list[Any], workers: int, records: Sequence[Record], scorer: Scorer | None) -> list[Any]:
    global _records, _scorer
    _records, _scorer = records, scorer
    try:
        if workers == 1:
            return [function(chunk) for chunk in chunks]
        gc.collect()
        gc.freeze()  # the collector would otherwise write to every shared object's page in each worker
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                return pool.map(function, chunks)
        finally:
            gc.unfreeze()
    finally:
        _records, _scorer = (), None


def _split(items: list[Any], workers: int) -> list[list[Any]]:
    if workers == 1:
        return [items]
    size = -(-len(items) // (workers * _CHUNKS_PER_WORKER))
    return [items[start : start + size] for start in range(0, len(items), size)]


def compare_levels(records: Sequence[Record], pairs: Sequence[Pair], workers: int | None = None) -> list[Levels]:
    """``compare`` for each pair in order, on ``workers`` processes (default: the cores this process may use)."""
    count = _workers(len(pairs), workers)
    results = _run(_compare_chunk, _split(list(pairs), count), count, records, None)
    return [levels for chunk in results for levels in chunk]


def compare_pairs(records: Sequence[Record], pairs: Iterable[Pair], workers: int | None = None) -> dict[Pair, Levels]:
    """``compare`` for every pair, as a mapping (see ``compare_levels``)."""
    ordered = list(pairs)
    return dict(zip(ordered, compare_levels(records, ordered, workers), strict=True))


def score_pairs(
    records: Sequence[Record], levels: dict[Pair, Levels], scorer: Scorer, workers: int | None = None
) -> dict[Pair, float]:
    """``scorer.probability`` for every pair's levels, on ``workers`` processes."""
    pairs, patterns = list(levels), list(levels.values())
    count = _workers(len(pairs), workers)
    chunks = list(zip(_split(pairs, count), _split(patterns, count), strict=True))
    results = _run(_score_chunk, chunks, count, records, scorer)
    return dict(zip(pairs, (p for chunk in results for p in chunk), strict=True))
