"""A Fellegi-Sunter match model: m and u probabilities per comparison level, learnt from the data.

* **u** (how often a level occurs between two *different* people) is measured on random
  record pairs, which are almost all non-matches.
* **m** (how often it occurs between two records of the *same* person) and the match
  prior are estimated by expectation-maximisation over the candidate pairs, with the
  human review decisions held fixed as labelled pairs (accepted = match, rejected =
  non-match), so every decision refines the weights of the next run.
* The 'same name' level is term-frequency adjusted: agreeing on a rare name says much
  more than agreeing on "John Smith".

A pair's match weight is the sum of log2(m/u) over its levels; its probability combines
that with the prior odds. Each level's weight is kept as an evidence item.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphsvc.resolve.compare import COMPARISONS, NAME, compare
from graphsvc.resolve.records import Record

__all__ = ["MatchModel", "estimate_model"]

Levels = tuple[int, ...]
_FLOOR = 1e-4


#: What we expect among true matches before seeing any data (level 0 = missing first). EM starts
#: here and these act as a Dirichlet prior worth ``_PRIOR_PAIRS`` pairs, so that a small graph is
#: judged by sensible defaults while a large one is judged by its own data.
_PRIOR_M: tuple[tuple[float, ...], ...] = (
    (0.6, 0.25, 0.15),  # email
    (0.8, 0.15, 0.05),  # phone
    (0.4, 0.3, 0.15, 0.15),  # username
    (0.1, 0.45, 0.1, 0.15, 0.03, 0.12, 0.05),  # name
    (0.4, 0.5, 0.1),  # location
    (0.8, 0.15, 0.05),  # link
    (0.7, 0.25, 0.05),  # avatar
    (0.7, 0.25, 0.05),  # company
    (0.97, 0.03),  # platform
)
_PRIOR_PAIRS = 200.0


def _normalise(values: Sequence[float]) -> list[float]:
    total = sum(values)
    return [max(_FLOOR, v / total) for v in values]


@dataclass
class MatchModel:
    m: list[list[float]]
    u: list[list[float]]
    prior: float
    name_frequency: dict[str, float] = field(default_factory=dict)
    iterations: int = 0

    def level_weight(self, comparison: int, level: int, name: str = "") -> float:
        if level == 0:
            return 0.0
        u = self.u[comparison][level]
        if comparison == NAME and level == 1 and name:
            u = self.name_frequency.get(name, u)
        return math.log2(self.m[comparison][level] / max(u, _FLOOR))

    def weight(self, levels: Levels, name: str = "") -> float:
        return sum(self.level_weight(c, level, name) for c, level in enumerate(levels))

    def probability(self, levels: Levels, name: str = "") -> float:
        log_odds = self.weight(levels, name) + math.log2(self.prior / (1 - self.prior))
        return 1.0 / (1.0 + 2.0 ** -max(-60.0, min(60.0, log_odds)))

    def evidence(self, levels: Levels, name: str = "") -> list[dict[str, Any]]:
        """The levels that weigh, strongest first: what the review queue shows."""
        items = [
            {"comparison": COMPARISONS[c].name, "level": COMPARISONS[c].levels[level],
             "weight": round(self.level_weight(c, level, name), 2)}
            for c, level in enumerate(levels) if level
        ]  # fmt: skip
        return sorted(items, key=lambda item: -abs(item["weight"]))

    def as_dict(self) -> dict[str, Any]:
        return {
            "prior": round(self.prior, 5),
            "iterations": self.iterations,
            "weights": {
                comparison.name: {comparison.levels[level]: round(self.level_weight(c, level), 2)
                                  for level in range(1, len(comparison.levels))}
                for c, comparison in enumerate(COMPARISONS)
            },
        }  # fmt: skip


def _u_from_random_pairs(records: Sequence[Record], unit_of: Sequence[int], samples: int, seed: int) -> list[list[float]]:
    rng = random.Random(seed)
    counts = [[1.0] * len(c.levels) for c in COMPARISONS]  # add-one smoothing
    n = len(records)
    if n >= 2:
        for _ in range(samples):
            a, b = rng.randrange(n), rng.randrange(n)
            if unit_of[a] == unit_of[b]:
                continue
            for c, level in enumerate(compare(records[a], records[b])):
                counts[c][level] += 1
    return [_normalise(row) for row in counts]


def _name_frequencies(records: Iterable[Record]) -> dict[str, float]:
    names = Counter(record.name for record in records if record.name)
    total = sum(names.values()) or 1
    return {name: max(count / total, 1.0 / total) for name, count in names.items()}


def estimate_model(
    records: Sequence[Record],
    unit_of: Sequence[int],
    pair_levels: Mapping[tuple[int, int], Levels],
    *,
    labels: Mapping[tuple[int, int], bool] | None = None,
    random_pairs: int = 200_000,
    iterations: int = 25,
    seed: int = 0,
) -> MatchModel:
    """Learn u from random pairs and m and the prior by EM over ``pair_levels`` (labelled pairs held fixed)."""
    u = _u_from_random_pairs(records, unit_of, random_pairs, seed)
    m = [list(prior) for prior in _PRIOR_M]
    labels = labels or {}
    free = Counter(levels for pair, levels in pair_levels.items() if pair not in labels)
    fixed = Counter((levels, labels[pair]) for pair, levels in pair_levels.items() if pair in labels)
    model = MatchModel(m=m, u=u, prior=0.3, name_frequency=_name_frequencies(records))
    total = sum(free.values()) + sum(fixed.values())
    if not total:
        return model
    for step in range(iterations):
        sums = [[_PRIOR_PAIRS * p for p in prior] for prior in _PRIOR_M]
        matched = 0.0
        for levels, count in free.items():
            p_match = _posterior(model, levels) * count
            matched += p_match
            for c, level in enumerate(levels):
                sums[c][level] += p_match
        for (levels, is_match), count in fixed.items():
            if is_match:
                matched += count
                for c, level in enumerate(levels):
                    sums[c][level] += count
        new_m = [_normalise(row) for row in sums]
        new_prior = min(0.99, max(1e-4, matched / total))
        change = max(abs(a - b) for row_new, row_old in zip(new_m, model.m, strict=True)
                     for a, b in zip(row_new, row_old, strict=True))  # fmt: skip
        model.m, model.prior, model.iterations = new_m, new_prior, step + 1
        if change < 1e-4:
            break
    return model


def _posterior(model: MatchModel, levels: Levels) -> float:
    log_m = sum(math.log(model.m[c][level]) for c, level in enumerate(levels) if level)
    log_u = sum(math.log(model.u[c][level]) for c, level in enumerate(levels) if level)
    odds = math.log(model.prior / (1 - model.prior)) + log_m - log_u
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, odds))))
