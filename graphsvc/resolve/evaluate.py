"""Quality of a resolution against ground truth: pairwise and B-cubed precision, recall and F1.

Truth is the ``truth/identity_person.csv`` that ``graphsvc synth`` writes (columns
``kind,source,key,person_id``); any dataset in that format can be evaluated.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graphsvc.errors import InputError
from graphsvc.resolve.records import record_key

__all__ = ["evaluate", "read_truth"]

_COLUMNS = ("kind", "source", "key", "person_id")


def read_truth(directory: Path) -> dict[str, str]:
    """Record key -> true person id, from ``DIR/truth/identity_person.csv`` (or ``DIR/identity_person.csv``)."""
    path = directory / "truth" / "identity_person.csv"
    if not path.is_file():
        path = directory / "identity_person.csv"
    if not path.is_file():
        raise InputError(
            "expected a truth/identity_person.csv file as `graphsvc synth` writes it", where=str(directory)
        )
    truth: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"missing column(s) {missing}; expected {list(_COLUMNS)}", where=f"{path}:1")
        for line, row in enumerate(reader, start=2):
            if row["kind"] not in {"contact", "identity"}:
                raise InputError(
                    f"expected kind 'contact' or 'identity', got {row['kind']!r}", where=f"{path}:{line}:kind"
                )
            truth[record_key(row["kind"], row["source"], row["key"])] = row["person_id"]
    return truth


def _pairs(sizes: Counter[Any]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def evaluate(predicted: Mapping[str, str], truth: Mapping[str, str]) -> dict[str, Any]:
    """Compare ``predicted`` (record key -> person id) with ``truth`` on the records both know."""
    keys = sorted(set(predicted) & set(truth))
    if not keys:
        raise InputError("no record of the truth is in the graph: was the same data imported and resolved?")
    pred = Counter(predicted[k] for k in keys)
    true = Counter(truth[k] for k in keys)
    both = Counter((predicted[k], truth[k]) for k in keys)
    tp, pp, tt = _pairs(both), _pairs(pred), _pairs(true)
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    b3_precision = sum(both[(predicted[k], truth[k])] / pred[predicted[k]] for k in keys) / len(keys)
    b3_recall = sum(both[(predicted[k], truth[k])] / true[truth[k]] for k in keys) / len(keys)

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    return {
        "records": len(keys),
        "records_only_in_graph": len(set(predicted) - set(truth)),
        "records_only_in_truth": len(set(truth) - set(predicted)),
        "persons_predicted": len(pred),
        "persons_true": len(true),
        "largest_predicted": max(pred.values()),
        "largest_true": max(true.values()),
        "pairwise": {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1(precision, recall), 4),
        },
        "bcubed": {
            "precision": round(b3_precision, 4),
            "recall": round(b3_recall, 4),
            "f1": round(f1(b3_precision, b3_recall), 4),
        },
    }
