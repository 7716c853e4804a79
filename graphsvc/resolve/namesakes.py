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

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

__all__ = ["Holders", "estimate_holders"]

#: Candidate holder counts tried beyond the least the counts allow.
_SPAN = 8
_ROUNDS = 3  # the shares of persons per source depend on the number of persons: refined this often


@dataclass(frozen=True)
class Holders:
    persons: float  # expected number of persons holding the value
    others: float  # expected share of its records held by someone other than a given holder


def estimate_holders(
    by_source: Mapping[str, Mapping[str, int]],
    *,
    single: frozenset[str],
    prior_mean: Callable[[str], float],
    at_least: Mapping[str, int] | None = None,
) -> tuple[dict[str, Holders], float]:
    """Holders of every value in ``by_source`` (value -> source -> records) and the number of persons.

    ``single`` names the sources where a person holds at most one record (social platforms);
    ``prior_mean(value)`` is the expected number of holders beyond the first; ``at_least`` the holders a
    value is known to have from elsewhere (its records carry that many different names).
    """
    values = list(by_source)
    if not values:
        return {}, 0.0
    sources = sorted({source for counts in by_source.values() for source in counts})
    column = {source: n for n, source in enumerate(sources)}
    counts = np.zeros((len(values), len(sources)))
    for row, value in enumerate(values):
        for source, count in by_source[value].items():
            counts[row, column[source]] = count
    is_single = np.array([source in single for source in sources])
    least = np.maximum(1.0, (counts * is_single).max(axis=1))
    if at_least:
        least = np.maximum(least, np.array([at_least.get(value, 1) for value in values], dtype=float))
    k = least[:, None] + np.arange(_SPAN)  # (values, span): the holder counts weighed
    mean = np.maximum(np.array([prior_mean(value) for value in values], dtype=float), 1e-12)[:, None]
    # Poisson(k - 1; mean) without its e^-mean (the same for every k), and what the counts say
    # that does not depend on the shares: C(k, c) on single sources, k^c on the others.
    fixed = (k - 1) * np.log(mean) - gammaln(k)
    single_counts, multi_counts = counts[:, is_single], counts[:, ~is_single]
    kk = k[:, :, None]
    fixed += (gammaln(kk + 1) - gammaln(kk - single_counts[:, None, :] + 1)).sum(axis=2)
    fixed += (multi_counts[:, None, :] * np.log(kk)).sum(axis=2)
    records = counts.sum(axis=0)
    persons = float(least.sum())
    for _ in range(_ROUNDS):  # the shares of persons per source depend on the number of persons
        rate = records / persons  # records per person: a share of persons on the single sources
        share = np.minimum(0.95, rate)
        # per holder: (1-p) on each single source, e^-r on each other one; p/(1-p) per single record, r per other
        never = np.log1p(-share[is_single]).sum() - rate[~is_single].sum()
        per_record = np.where(is_single, np.log(share) - np.log1p(-share), np.log(rate))
        log_posterior = fixed + k * never + (counts @ per_record)[:, None]
        weights = np.exp(log_posterior - log_posterior.max(axis=1, keepdims=True))
        weights /= weights.sum(axis=1, keepdims=True)
        expected = (weights * k).sum(axis=1)
        persons = float(expected.sum())
    others = (weights * ((k - 1) / k)).sum(axis=1)
    found = {
        value: Holders(persons=e, others=o)
        for value, e, o in zip(values, expected.tolist(), others.tolist(), strict=True)
    }
    return found, persons
