"""How many different persons hold a value (a full name, a given name), from where its records come from.

Counting records overstates how common a name is: one person's CRM contact, X account and
LinkedIn page are three "Jakub Paczos" records, and plain term frequencies read them as three
namesakes, so agreeing on that name weighs little exactly when it should weigh most. Persons are
what we want counted, and records tell a lot about them: a person has one account per social
platform, so three X accounts named alike are three people, while one account on each of three
platforms may well be one.

For each value, the number ``K`` of persons holding it gets a posterior from

* its records per source: binomial on social platforms (each of the ``K`` holders has an account
  there with the platform's share of persons), Poisson on sources where one person may have several
  records (email addresses, phone numbers, duplicated CRM contacts);
* a prior on the namesakes beyond the first: Poisson with a mean given per value (for a full name,
  how many holders its given and family names predict).

What the match model needs is ``others``: the expected share of a value's records held by persons
other than a given record's own, ``E[(K - 1) / K]``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

__all__ = ["Holders", "estimate_holders"]

#: Candidate holder counts tried beyond the least the counts allow.
_SPAN = 8
_ROUNDS = 3  # the shares of persons per source depend on the number of persons: refined this often


@dataclass(frozen=True)
class Holders:
    persons: float  # expected number of persons holding the value
    others: float  # expected share of its records held by someone other than a given holder


def estimate_holders(
    by_source: Mapping[str, Mapping[str, int]], *, single: frozenset[str], prior_mean: Callable[[str], float]
) -> tuple[dict[str, Holders], float]:
    """Holders of every value in ``by_source`` (value -> source -> records) and the number of persons.

    ``single`` names the sources where a person holds at most one record (social platforms);
    ``prior_mean(value)`` is the expected number of holders beyond the first.
    """
    records: Counter[str] = Counter()
    for sources in by_source.values():
        records.update(sources)
    persons = float(sum(_least(sources, single) for sources in by_source.values())) or 1.0
    found: dict[str, Holders] = {}
    for _ in range(_ROUNDS):
        share = {s: min(0.95, n / persons) for s, n in records.items() if s in single}
        rate = {s: n / persons for s, n in records.items() if s not in single}
        never = sum(math.log1p(-p) for p in share.values()) - sum(rate.values())  # per holder, nothing seen

        @cache
        def likelihood(signature: tuple[tuple[str, int], ...], least: int) -> tuple[float, ...]:
            """log P(counts | K) for K = least, least + 1, ...: the part that depends on K."""
            out = []
            for k in range(least, least + _SPAN):
                value = k * never
                for source, count in signature:
                    if source in single:  # C(k, c) p^c (1-p)^(k-c): the (1-p)^k part is in `never`
                        p = share[source]
                        value += _log_choose(k, count) + count * (math.log(p) - math.log1p(-p))
                    else:  # (k r)^c e^(-k r) / c!: e^(-k r) is in `never`
                        value += count * math.log(k * rate[source])
                out.append(value)
            return tuple(out)

        total = 0.0
        for value, sources in by_source.items():
            least = _least(sources, single)
            logs = likelihood(tuple(sorted(sources.items())), least)
            mean = max(prior_mean(value), 1e-12)
            posterior = [log + _log_poisson(k - 1, mean) for k, log in zip(range(least, least + _SPAN), logs, strict=True)]
            top = max(posterior)
            weights = [math.exp(x - top) for x in posterior]
            norm = sum(weights)
            expected = sum(k * w for k, w in zip(range(least, least + _SPAN), weights, strict=True)) / norm
            others = sum((k - 1) / k * w for k, w in zip(range(least, least + _SPAN), weights, strict=True)) / norm
            found[value] = Holders(persons=expected, others=others)
            total += expected
        persons = total or 1.0
    return found, persons


def _least(sources: Mapping[str, int], single: frozenset[str]) -> int:
    return max([count for source, count in sources.items() if source in single] or [1])


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _log_poisson(k: int, mean: float) -> float:
    return k * math.log(mean) - mean - math.lgamma(k + 1)
