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


#: Expected level frequencies among true matches (m) and among different people (u), before seeing
#: any data. For most comparisons they are conditional on both values being present (level 0 =
#: missing weighs nothing); for the presence-only ones (link, platform) level 0 is "not seen" and
#: the distribution covers all levels. They start EM and act as a Dirichlet prior worth
#: ``_PRIOR_PAIRS`` pairs, so a small graph is judged by sensible defaults and a large one by its data.
_PRIOR_M: tuple[tuple[float, ...], ...] = (
    (0.0, 0.6, 0.4),  # email
    (0.0, 0.75, 0.25),  # phone
    (0.0, 0.5, 0.25, 0.25),  # username
    (0.0, 0.55, 0.12, 0.2, 0.03, 0.06, 0.04),  # name
    (0.0, 0.85, 0.15),  # location
    (0.8, 0.15, 0.05),  # link (presence only)
    (0.0, 0.8, 0.2),  # avatar
    (0.0, 0.85, 0.15),  # company
    (0.97, 0.03),  # platform (presence only)
    (0.0, 0.85, 0.1, 0.05),  # birth date
    (0.0, 0.7, 0.2, 0.1),  # address
    (0.0, 0.9, 0.1),  # postcode
    (0.0, 0.3, 0.3, 0.4),  # connections
)
_PRIOR_U: tuple[tuple[float, ...], ...] = (
    (0.0, 0.001, 0.999),
    (0.0, 0.001, 0.999),
    (0.0, 0.002, 0.01, 0.988),
    (0.0, 0.002, 0.002, 0.005, 0.01, 0.002, 0.979),
    (0.0, 0.05, 0.95),
    (0.99998, 0.00001, 0.00001),
    (0.0, 0.001, 0.999),
    (0.0, 0.01, 0.99),
    (0.95, 0.05),
    (0.0, 0.0005, 0.005, 0.9945),
    (0.0, 0.0005, 0.005, 0.9945),
    (0.0, 0.002, 0.998),
    (0.0, 0.0005, 0.01, 0.9895),
)
_PRIOR_PAIRS = 200.0


def _normalise(values: Sequence[float], conditional: bool) -> list[float]:
    """Probabilities from counts; ``conditional`` ones ignore level 0 (missing), which then reads 1."""
    body = values[1:] if conditional else values
    total = sum(body) or 1.0
    probabilities = [max(_FLOOR, v / total) for v in body]
    return [1.0, *probabilities] if conditional else probabilities


def _conditional(comparison: int) -> bool:
    return COMPARISONS[comparison].name not in {"link", "platform"}


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
    counts = [[_PRIOR_PAIRS * p for p in prior] for prior in _PRIOR_U]
    n = len(records)
    if n >= 2:
        for _ in range(min(samples, n * (n - 1) // 2)):  # a small graph must not outvote the prior by repetition
            a, b = rng.randrange(n), rng.randrange(n)
            if unit_of[a] == unit_of[b]:
                continue
            for c, level in enumerate(compare(records[a], records[b])):
                counts[c][level] += 1
    return [_normalise(row, _conditional(c)) for c, row in enumerate(counts)]


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
    prior_share: float = 0.5,
    seed: int = 0,
) -> MatchModel:
    """Learn u from random pairs and m and the prior by EM over ``pair_levels`` (labelled pairs held fixed)."""
    u = _u_from_random_pairs(records, unit_of, random_pairs, seed)
    m = [_normalise(prior, _conditional(c)) for c, prior in enumerate(_PRIOR_M)]
    labels = labels or {}
    free = Counter(levels for pair, levels in pair_levels.items() if pair not in labels)
    fixed = Counter((levels, labels[pair]) for pair, levels in pair_levels.items() if pair in labels)
    model = MatchModel(m=m, u=u, prior=0.3, name_frequency=_name_frequencies(records))
    total = sum(free.values()) + sum(fixed.values())
    if not total:
        return model
    # Candidate pairs come from blocks, so their levels are not independent (a shared postcode is why
    # a pair was formed); a prior worth half the data keeps EM from mistaking blocks for persons.
    strength = max(_PRIOR_PAIRS, prior_share * total)
    for step in range(iterations):
        sums = [[strength * p for p in prior] for prior in _PRIOR_M]
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
        new_m = [_normalise(row, _conditional(c)) for c, row in enumerate(sums)]
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
