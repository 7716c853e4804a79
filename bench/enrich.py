"""Benchmark post enrichment against the bare sentiment-library call, on the same synthetic posts.

    python bench/enrich.py [--people N] [--seed S] [--repeat R]

Synthesises N people (`graphsvc synth`, about 2 posts each) and, in the same run, times
(a) ours: ``enrich`` as the importer calls it (text, hashtags, the source's language, the
synthetic brands tracked, a topic vocabulary of every synthetic topic), and (b) bare:
vaderSentiment's ``SentimentIntensityAnalyzer.polarity_scores`` on each text, which is only the
sentiment part of (a). Also (c) ours on posts without a language, which adds language detection.
Each is timed R times and the best run kept. No Neo4j. Prints one JSON object with posts, seconds
and posts/s for each and ``"ratio"`` (ours over bare, posts/s); the goal is a ratio of at least 0.5.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from _common import Timer, machine, print_result, say, synthesised
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from graphsvc.ingest.enrich import BrandTerms, enrich
from graphsvc.synth import BRANDS
from graphsvc.synth.catalog import TOPICS


def best_of(repeat: int, work: Callable[[], None]) -> float:
    """The fastest of ``repeat`` runs of ``work``, in seconds."""
    times = []
    for _ in range(repeat):
        with Timer() as timer:
            work()
        times.append(timer.seconds)
    return min(times)


def figures(posts: int, seconds: float) -> dict[str, Any]:
    return {"posts": posts, "seconds": round(seconds, 3), "posts_per_second": round(posts / seconds, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    out, _, _ = synthesised(args.people, args.seed)
    with (out / "posts.jsonl").open(encoding="utf-8") as handle:
        posts = [json.loads(line) for line in handle]
    brands = BrandTerms.from_rows(
        [{"name": b.name, "products": list(b.products), "category": b.category} for b in BRANDS]
    )
    vocabulary = frozenset(TOPICS)
    analyzer = SentimentIntensityAnalyzer()

    def bare() -> None:
        for post in posts:
            analyzer.polarity_scores(post["text"])

    def ours() -> None:
        for post in posts:
            enrich(post["text"], hashtags=post["hashtags"], lang=post["lang"], brands=brands, vocabulary=vocabulary)

    def ours_detecting_language() -> None:
        for post in posts:
            enrich(post["text"], hashtags=post["hashtags"], brands=brands, vocabulary=vocabulary)

    say(f"timing {len(posts)} posts, best of {args.repeat} ...")
    bare_s, ours_s = best_of(args.repeat, bare), best_of(args.repeat, ours)
    detect_s = best_of(args.repeat, ours_detecting_language)
    result = {
        "benchmark": "enrich",
        "people": args.people,
        "seed": args.seed,
        "repeat": args.repeat,
        "ours": figures(len(posts), ours_s),
        "bare_vader": figures(len(posts), bare_s),
        "ours_detecting_language": figures(len(posts), detect_s),
        "ratio": round(bare_s / ours_s, 3),
        "goal_ratio": 0.5,
        "machine": machine(),
    }
    print_result(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
