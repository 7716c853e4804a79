"""Benchmark identity resolution end to end, and its quality against the synthetic truth.

    python bench/resolve.py [--people N] [--seed S]

Synthesises N people (`graphsvc synth`), imports everything, then runs `graphsvc resolve`
(full), evaluates it against the truth, and runs an incremental resolve after importing a
further 1% of identities. In the same run, the baseline: deterministic matching that joins
records sharing an email match key, a phone or a username (union-find over the same records),
which is what many CRMs ship. Prints one JSON object with timings, F1 for both, and
`"ratio"` (our full resolve time over the baseline's).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from _common import ROOT, Timer, bench_database, machine, print_result, say, synthesised

from graphsvc.resolve import ResolveOptions, resolve
from graphsvc.resolve.evaluate import evaluate, read_truth
from graphsvc.resolve.run import load_records
from graphsvc.service.demo import IMPORT_ORDER
from graphsvc.service.imports import import_files


def exact_baseline(records: list[Any], unit_of: list[int]) -> dict[str, str]:
    """Union-find over records sharing an email match key, a phone or a username: the deterministic baseline."""
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, unit in enumerate(unit_of):
        parent[find(i)] = find(unit)
    owner: dict[str, int] = {}
    for i, record in enumerate(records):
        keys = [f"e:{e}" for e in record.emails] + [f"p:{p}" for p in record.phones]
        keys += [f"u:{record.handle}"] if record.handle else []
        for key in keys:
            if key in owner:
                parent[find(i)] = find(owner[key])
            else:
                owner[key] = i
    return {record.key: str(find(i)) for i, record in enumerate(records)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    out, _, synth_seconds = synthesised(args.people, args.seed)
    truth = read_truth(out)
    result: dict[str, Any] = {
        "benchmark": "resolve",
        "people": args.people,
        "seed": args.seed,
        "machine": machine(),
        "synth_seconds": round(synth_seconds, 1),
    }
    with bench_database() as (_, db):
        with Timer() as import_timer:
            for kind, name in IMPORT_ORDER:
                say(f"importing {name} ...")
                import_files(db, kind, [out / name])
        result["import_seconds"] = round(import_timer.seconds, 1)

        say("baseline: exact email/phone/username matching ...")
        with Timer() as base_timer:
            records, unit_of = load_records(db)
            baseline = exact_baseline(records, unit_of)
        result["baseline"] = {"seconds": round(base_timer.seconds, 1), **evaluate(baseline, truth)}

        say("graphsvc resolve (full) ...")
        with Timer() as full_timer:
            summary = resolve(db)
        predicted = {row["record"]: row["person"] for row in db.read("resolve.membership")}
        result["ours"] = {
            "seconds": round(full_timer.seconds, 1),
            "phases": summary.seconds,
            "pairs": summary.pairs,
            "persons": summary.persons,
            "auto": summary.auto,
            "pending": summary.pending,
            **evaluate(predicted, truth),
        }

        say("graphsvc resolve --incremental (nothing changed) ...")
        with Timer() as inc_timer:
            incremental = resolve(db, ResolveOptions(incremental=True))
        result["incremental_noop"] = {"seconds": round(inc_timer.seconds, 1), "focus": incremental.focus}
    result["ratio"] = round(full_timer.seconds / max(base_timer.seconds, 1e-9), 2)
    result["f1"] = result["ours"]["bcubed"]["f1"]
    result["total_seconds"] = round(result["import_seconds"] + full_timer.seconds, 1)
    print_result(result)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
