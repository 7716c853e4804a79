"""Sentiment on synthetic posts: the importer's enrichment against the label each post was written with.

Pure Python (no Neo4j): `graphsvc synth` writes posts.jsonl and truth/post_sentiment.csv, and
every post goes through the importer's own conversion (``convert("posts", ...)``, which calls
``enrich``) with the synthetic brands tracked, as `graphsvc demo` tracks them.
"""

from __future__ import annotations

import csv
import re
from collections import Counter

import pytest

from graphsvc.ingest.enrich import BrandTerms
from graphsvc.ingest.fields import ConvertOptions, convert
from graphsvc.ingest.readers import read_records
from graphsvc.synth import BRANDS, generate
from graphsvc.synth.texts import _HARD, _HARD_TOPIC

PEOPLE, SEED = 1000, 42
LABELS = ("positive", "negative", "neutral")
#: Measured at PEOPLE, SEED: overall 0.890, plain English templates 0.973, recall per class 0.749 and up.
#: The floors catch a regression; the printed report gives the figures.
ACCURACY_FLOOR, PLAIN_FLOOR, RECALL_FLOOR = 0.85, 0.93, 0.70
# Sarcasm, slang, negation, emotive words in neutral statements: made to trip a lexicon model up.
_HARD_TEXT = [
    re.compile(re.sub(r"\\\{\w+\\\}", ".+?", re.escape(t)))
    for pool in (_HARD, _HARD_TOPIC)
    for templates in pool.values()
    for t in templates
]


def _kind(text: str, lang: str | None, reply: bool) -> str:
    """Which part of the synthetic model wrote the post (shares count as their original)."""
    if lang != "en":
        return "other language"
    if any(pattern.search(text) for pattern in _HARD_TEXT):
        return "hard template"
    return "reply" if reply else "plain template"


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, str]]:
    """(true label, predicted label, kind) of every synthetic post."""
    out = tmp_path_factory.mktemp("synth")
    generate(PEOPLE, seed=SEED, out=out)
    brands = BrandTerms.from_rows(
        [{"name": b.name, "products": list(b.products), "category": b.category} for b in BRANDS]
    )
    predicted: dict[tuple[str, str], tuple[str, str]] = {}
    for record in read_records(out / "posts.jsonl"):
        row = convert("posts", record, ConvertOptions(brands=brands))
        props = row["props"]
        predicted[(row["platform"], row["postId"])] = (
            props["sentimentLabel"],
            _kind(props["text"], props["lang"], bool(row["replyTo"])),
        )
    with (out / "truth" / "post_sentiment.csv").open(encoding="utf-8", newline="") as handle:
        truth = {(r["platform"], r["post_id"]): r["sentiment"] for r in csv.DictReader(handle)}
    assert truth.keys() == predicted.keys()
    return [(truth[key], *predicted[key]) for key in sorted(truth)]


def _report(scored: list[tuple[str, str, str]]) -> dict[str, float]:
    """Accuracy overall and per kind, precision and recall per class; printed, and returned by name."""
    figures: dict[str, float] = {"accuracy": sum(t == p for t, p, _ in scored) / len(scored)}
    lines = [
        f"synthetic sentiment ({PEOPLE} people, seed {SEED}, {len(scored)} posts): accuracy {figures['accuracy']:.3f}"
    ]
    for label in LABELS:
        tp = sum(t == p == label for t, p, _ in scored)
        truly, said = sum(t == label for t, _, _ in scored), sum(p == label for _, p, _ in scored)
        figures[f"recall {label}"], figures[f"precision {label}"] = tp / truly, tp / said if said else 0.0
        lines.append(
            f"  {label:<9} n={truly:<5} precision {figures[f'precision {label}']:.3f} "
            f"recall {figures[f'recall {label}']:.3f}"
        )
    for kind, n in sorted(Counter(k for _, _, k in scored).items()):
        figures[kind] = sum(t == p for t, p, k in scored if k == kind) / n
        lines.append(f"  {kind:<15} n={n:<5} accuracy {figures[kind]:.3f}")
    print("\n".join(lines))
    return figures


def test_sentiment_accuracy_on_synthetic_posts(scored: list[tuple[str, str, str]]) -> None:
    assert len(scored) >= PEOPLE and {t for t, _, _ in scored} == set(LABELS)
    figures = _report(scored)
    assert figures["accuracy"] >= ACCURACY_FLOOR
    # Plain templates use clear sentiment words: VADER must read nearly all of them right.
    assert figures["plain template"] >= PLAIN_FLOOR
    assert min(figures[f"recall {label}"] for label in LABELS) >= RECALL_FLOOR
    assert {"hard template", "other language", "reply"} <= figures.keys()  # every kind was generated and scored
