"""Quality on real-world-style person records (FEBRL, shipped in a PyPI package): a floor on F1."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphsvc.db import Database
from graphsvc.ingest.fields import ConvertOptions
from graphsvc.ingest.importer import import_files
from graphsvc.resolve import resolve
from graphsvc.resolve.datasets import febrl_files
from graphsvc.resolve.evaluate import evaluate, read_truth

#: docs/performance.md reports the measured figures; these floors catch a regression.
FLOORS = {"dataset1": 0.98, "dataset3": 0.98}


@pytest.mark.parametrize("dataset", sorted(FLOORS))
def test_febrl_cluster_f1_floor(db: Database, tmp_path: Path, dataset: str) -> None:
    contacts, rows = febrl_files(dataset, tmp_path)
    summary = import_files(db, "contacts", [contacts], options=ConvertOptions(default_region="AU"))
    assert summary.written == rows
    resolve(db)
    predicted = {row["record"]: row["person"] for row in db.read("resolve.membership")}
    report = evaluate(predicted, read_truth(tmp_path))
    print(dataset, report)
    assert report["records"] == rows
    assert report["bcubed"]["f1"] >= FLOORS[dataset], report
