"""Synthetic data: `graphsvc synth` writes it; the demo imports, resolves and analyses it once into an empty graph,
and gives the console one account per role."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphsvc.db import Database
from graphsvc.resolve import resolve
from graphsvc.service import jobruns
from graphsvc.service.apikeys import ROLES
from graphsvc.service.brands import set_brand
from graphsvc.service.imports import import_files
from graphsvc.service.stats import graph_counts
from graphsvc.service.users import reset_user

if TYPE_CHECKING:
    from graphsvc.synth.run import SynthSummary

__all__ = ["IMPORT_ORDER", "demo_accounts", "load_demo", "synthesize"]

#: The synth files in the order they import (identities before the edges and posts that name them).
IMPORT_ORDER = (
    ("contacts", "contacts.csv"),
    ("identities", "identities.csv"),
    ("edges", "edges.csv"),
    ("posts", "posts.jsonl"),
)

Progress = Callable[[str, int, int | None], None]


def synthesize(people: int, *, seed: int, out: Path, progress: Progress | None = None) -> SynthSummary:
    """Write ``people`` synthetic people's import files and ground truth to ``out`` (see ``graphsvc.synth``)."""
    from graphsvc.synth import generate  # Faker is imported only when data is really made

    return generate(people, seed=seed, out=out, progress=progress)


def demo_accounts(db: Database) -> list[dict[str, str]]:
    """One console account per role, named after its role, each reset to a fresh random password.

    Run at every `graphsvc demo`: the passwords are printed then and stored only hashed, so a demo
    started again hands out new ones (and signs the old sessions out).
    """
    accounts = []
    for role in ROLES:
        password = secrets.token_urlsafe(12)  # 16 characters
        reset_user(db, name=role, role=role, password=password)
        accounts.append({"user": role, "role": role, "password": password})
    return accounts


def load_demo(
    db: Database,
    *,
    people: int,
    seed: int,
    workdir: Path,
    batch_size: int,
    consent_default: str = "granted",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Synthesise ``people``, import everything and resolve, unless the graph already holds contacts."""
    before = graph_counts(db)
    if before["contacts"] or before["identities"] or people <= 0:
        return {"loaded": False, "counts": before}
    from graphsvc.synth import BRANDS

    out = workdir / f"synth-{people}-{seed}"
    synthesize(people, seed=seed, out=out)
    for brand in BRANDS:  # tracked before the posts import, so their mentions are found as posts arrive
        set_brand(db, brand.name, products=brand.products, category=brand.category)
    imported = {}
    for kind, name in IMPORT_ORDER:
        step = (lambda phase, done, total, kind=kind: progress(f"{phase} {kind}", done, total)) if progress else None
        summary = import_files(db, kind, [out / name], batch_size=batch_size, progress=step)
        imported[kind] = summary.written
    resolved = resolve(db)
    # influence, communities, advocates for the API
    job = jobruns.run(db, "all", jobruns.job_params(batch_size=batch_size, consent_default=consent_default))
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
