"""Identity resolution as the front-ends offer it: a run, a merge preview, an evaluation.

`graphsvc resolve` and the API's ``mergePreview`` take the same options, checked once here, with
the survivorship rules and source priority of the settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.errors import InputError, NotFound
from graphsvc.resolve import ResolveOptions, ResolveSummary, resolve
from graphsvc.resolve.evaluate import evaluate, read_truth
from graphsvc.resolve.run import stored_model

__all__ = ["REVIEW_MIN", "THRESHOLD", "evaluate_against", "explain_model", "merge_preview", "options", "run"]

Progress = Callable[[str, int, int | None], None]

#: The defaults of the merge threshold and of the lowest probability queued for review.
THRESHOLD = ResolveOptions.threshold
REVIEW_MIN = ResolveOptions.review_min


def options(
    settings: Settings,
    *,
    threshold: float = THRESHOLD,
    review_min: float = REVIEW_MIN,
    incremental: bool = False,
    dry_run: bool = False,
    where: str = "threshold",
) -> ResolveOptions:
    """The options of a run, with the settings' survivorship rules; ``where`` names the input in errors."""
    if not 0.5 <= threshold <= 1.0 or not 0.0 <= review_min < threshold:
        raise InputError(
            f"expected 0.5 <= threshold <= 1 and 0 <= review minimum < threshold, got {threshold} and {review_min}",
            where=where,
        )
    return ResolveOptions(
        threshold=threshold,
        review_min=review_min,
        incremental=incremental,
        dry_run=dry_run,
        batch_size=settings.batch_size,
        rules=tuple(settings.survivorship_rules.items()),
        priority=tuple(settings.survivorship_priority),
    )


def run(db: Database, chosen: ResolveOptions, progress: Progress | None = None) -> ResolveSummary:
    """Resolve (or, with ``dry_run``, preview) with ``chosen`` options."""
    return resolve(db, chosen, progress)


def merge_preview(db: Database, chosen: ResolveOptions) -> dict[str, Any]:
    """What a run with ``chosen`` options would merge and split; writes nothing."""
    summary = resolve(db, replace(chosen, dry_run=True))
    assert summary.preview is not None  # a dry run always reports one
    return summary.preview


def evaluate_against(db: Database, directory: Path) -> dict[str, Any]:
    """Precision, recall and F1 of the graph's persons against ``directory/truth/identity_person.csv``."""
    truth = read_truth(directory)
    predicted = {row["record"]: row["person"] for row in db.read("resolve.membership")}
    return evaluate(predicted, truth)


def explain_model(db: Database) -> dict[str, Any]:
    """The match model the last full run learnt: each comparison level's m, u and weight in bits, and
    what the sanity check refused and why."""
    stored = stored_model(db)
    if stored is None:
        raise NotFound(
            "no match model yet: a full resolve run learns one",
            hint="run 'graphsvc resolve' first (an incremental run reuses the last full run's model)",
        )
    model, run = stored
    return {
        **run,
        "prior": model.prior,
        "levels": model.explain(),
        "refused": [refusal.reason for refusal in model.refused.values()],
    }
