"""Benchmark `graphsvc import` against the bare driver writing the same rows.

    python bench/ingest.py [--people N] [--seed S] [--batch-size B]

Synthesises a social CRM of N people (`graphsvc synth`), then, on the benchmark's own Neo4j:

1. **baseline**: the rows our converter produces (prepared in memory beforehand, not timed) written by
   the bare neo4j driver with best-practice `UNWIND $rows ... MERGE` batches in managed transactions
   (`cypher/bench.cypher`): the cost of the writes alone;
2. the graph is emptied;
3. **ours**: `import_files` on the same files, end to end: read, validate, normalise, hash, spool, write.

Prints one JSON object: rows and rows/s per kind for both, `"ratio"` (ours over baseline, rows/s of
all four kinds together), and the time to load the relationships.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
from _common import ROOT, Timer, bench_database, machine, print_result, say, synthesised

from graphsvc.db import query
from graphsvc.ingest.fields import EDGE_TYPES, ConvertOptions, convert
from graphsvc.ingest.readers import read_records
from graphsvc.service.imports import import_files
from graphsvc.service.stats import graph_counts

FILES = {"contacts": "contacts.csv", "identities": "identities.csv", "edges": "edges.csv", "posts": "posts.jsonl"}
BASELINE = {
    "contacts": "bench.baseline_contacts",
    "identities": "bench.baseline_identities",
    "posts": "bench.baseline_posts",
    "follows": "bench.baseline_follows",
    "friends_with": "bench.baseline_friends_with",
    "connected_to": "bench.baseline_connected_to",
}


def prepared_rows(kind: str, path: Path) -> list[dict[str, Any]]:
    options = ConvertOptions()
    return [convert(kind, record, options) for record in read_records(path)]


def batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def baseline(driver: neo4j.Driver, kind: str, rows: list[dict[str, Any]], size: int) -> float:
    """Seconds for the bare driver to write ``rows``: one execute_write per batch, as the manual advises."""
    now = neo4j.time.DateTime.now()

    def write(tx: neo4j.ManagedTransaction, text: str, batch: list[dict[str, Any]]) -> None:
        tx.run(text, rows=batch, now=now).consume()

    with Timer() as timer, driver.session() as session:
        for batch in batches(rows, size):
            if kind == "edges":
                for type_, name in EDGE_TYPES.items():
                    group = [row for row in batch if row["type"] == type_]
                    if group:
                        session.execute_write(write, query(BASELINE[name]), group)
            else:
                session.execute_write(write, query(BASELINE[kind]), batch)
    return timer.seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--batch-size", type=int, default=5000)
    args = parser.parse_args()

    out, synth, synth_seconds = synthesised(args.people, args.seed)
    paths = {kind: out / name for kind, name in FILES.items()}

    say("preparing the baseline's rows in memory (not timed) ...")
    rows = {kind: prepared_rows(kind, path) for kind, path in paths.items()}
    counts = {kind: len(r) for kind, r in rows.items()}

    result: dict[str, Any] = {
        "benchmark": "ingest",
        "people": args.people,
        "seed": args.seed,
        "batch_size": args.batch_size,
        "rows": counts,
        "synth_seconds": round(synth_seconds, 1),
        "machine": machine(),
    }
    with bench_database() as (_, db):
        driver = db.driver  # the bare neo4j driver underneath graphsvc's Database
        base: dict[str, float] = {}
        for kind in FILES:
            say(f"baseline: {kind} ({counts[kind]} rows) ...")
            base[kind] = baseline(driver, kind, rows[kind], args.batch_size)
        baseline_graph = graph_counts(db)
        del rows

        say("emptying the graph ...")
        db.run_statement(query("admin.wipe_data"))

        ours: dict[str, dict[str, float]] = {}
        for kind, path in paths.items():
            say(f"graphsvc import {kind} ...")
            summary = import_files(db, kind, [path], batch_size=args.batch_size)
            ours[kind] = {
                "seconds": summary.seconds - summary.interactions_seconds,
                "validate_seconds": summary.validate_seconds,
                "interactions_seconds": summary.interactions_seconds,
            }
        our_graph = graph_counts(db)

    def rate(n: int, seconds: float) -> float:
        return round(n / seconds, 1) if seconds else 0.0

    total = sum(counts.values())
    ours_seconds = sum(v["seconds"] for v in ours.values())
    base_seconds = sum(base.values())
    result["baseline"] = {k: {"seconds": round(s, 2), "rows_per_second": rate(counts[k], s)} for k, s in base.items()}
    result["ours"] = {
        k: {**{n: round(x, 2) for n, x in v.items()}, "rows_per_second": rate(counts[k], v["seconds"])}
        for k, v in ours.items()
    }
    result["baseline"]["all"] = {"seconds": round(base_seconds, 2), "rows_per_second": rate(total, base_seconds)}
    result["ours"]["all"] = {"seconds": round(ours_seconds, 2), "rows_per_second": rate(total, ours_seconds)}
    result["ratio"] = round(base_seconds / ours_seconds, 3)
    result["ratio_per_kind"] = {k: round(base[k] / ours[k]["seconds"], 3) for k in FILES}
    result["graph"] = our_graph
    result["same_graph_as_baseline"] = {k: our_graph[k] == baseline_graph[k] for k in our_graph}
    result["relationships"] = our_graph["relationships"]
    result["all_seconds"] = round(ours_seconds + ours["posts"]["interactions_seconds"], 1)
    result["relationships_per_second"] = rate(our_graph["relationships"], result["all_seconds"])
    result["synth"] = synth.as_dict()
    print_result(result)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
