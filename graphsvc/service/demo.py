"""The demo's data: a synthetic social CRM, imported, resolved and analysed once into an empty graph."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphsvc.analytics import JobParams, run_job
from graphsvc.conversations.store import set_brand
from graphsvc.db import Database
from graphsvc.ingest.importer import import_files
from graphsvc.resolve import resolve
from graphsvc.service.stats import graph_counts

__all__ = ["IMPORT_ORDER", "load_demo"]

#: The synth files in the order they import (identities before the edges and posts that name them).
IMPORT_ORDER = (
    ("contacts", "contacts.csv"),
    ("identities", "identities.csv"),
    ("edges", "edges.csv"),
    ("posts", "posts.jsonl"),
)

Progress = Callable[[str, int, int | None], None]


def load_demo(
    db: Database, *, people: int, seed: int, workdir: Path, batch_size: int, progress: Progress | None = None
) -> dict[str, Any]:
    """Synthesise ``people``, import everything and resolve, unless the graph already holds contacts."""
    before = graph_counts(db)
    if before["contacts"] or before["identities"] or people <= 0:
        return {"loaded": False, "counts": before}
    from graphsvc.synth import BRANDS, generate  # Faker is imported only when a demo is really loaded

    out = workdir / f"synth-{people}-{seed}"
    generate(people, seed=seed, out=out)
    for brand in BRANDS:  # tracked before the posts import, so their mentions are found as posts arrive
        set_brand(db, brand.name, products=brand.products, category=brand.category)
    imported = {}
    for kind, name in IMPORT_ORDER:
        step = (lambda phase, done, total, kind=kind: progress(f"{phase} {kind}", done, total)) if progress else None
        summary = import_files(db, kind, [out / name], batch_size=batch_size, progress=step)
        imported[kind] = summary.written
    resolved = resolve(db)
    job = run_job(db, "all", JobParams(batch_size=batch_size))  # influence, communities, advocates for the API
    return {
        "loaded": True,
        "synth_dir": str(out),
        "brands": [b.name for b in BRANDS],
        "imported": imported,
        "persons": resolved.persons,
        "job": job.id,
        "review_queue": resolved.pending,
        "counts": graph_counts(db),
    }
