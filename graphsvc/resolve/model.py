"""A Fellegi-Sunter match model: m and u probabilities per comparison level, learnt from the data.

* **u** (how often a level occurs between two *different* people) is measured on random
  record pairs, which are almost all non-matches.
* **m** (how often it occurs between two records of the *same* person) and the match
  prior are estimated by expectation-maximisation over the candidate pairs, with the
  human review decisions held fixed as labelled pairs (accepted = match, rejected =
  non-match), so every decision refines the weights of the next run.
* Agreement on names and usernames is term-frequency adjusted: agreeing on a rare name says
  much more than agreeing on "John Smith" (``TermFrequencies``).

A pair's match weight is the sum of log2(m/u) over its levels; its probability combines
that with the prior odds. Each level's weight is kept as an evidence item.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from graphsvc.errors import ModelRefused
from graphsvc.resolve.compare import (
    COMPARISONS,
    EMAIL,
    NAME,
    PHONE,
    PLATFORM,
    USERNAME,
    compare,
    given_names_differ,
    local_part_names,
    same_person_names,
    username_fits_name,
)
from graphsvc.resolve.namesakes import estimate_holders
from graphsvc.resolve.records import SOCIAL, Record, local_core, name_usernames

__all__ = [
    "AGREEMENTS",
    "DISAGREEMENTS",
    "RANDOM_PAIRS",
    "STABLE_DISAGREEMENTS",
    "MatchModel",
    "Refusal",
    "Scorer",
    "TermFrequencies",
    "estimate_model",
    "random_pairs",
    "sanity_check",
]

Levels = tuple[int, ...]
_FLOOR = 1e-9  # a level never seen still gets a finite weight
_CORRELATED = 0.3


#: Expected level frequencies among true matches (m) and among different people (u), before seeing
#: any data. For most comparisons they are conditional on both values being present (level 0 =
#: missing weighs nothing); for the presence-only ones (link, platform) level 0 is "not seen" and
#: the distribution covers all levels. They start EM and act as a Dirichlet prior worth
#: ``_PRIOR_PAIRS`` pairs, so a small graph is judged by sensible defaults and a large one by its data.
_PRIOR_M: tuple[tuple[float, ...], ...] = (
    (0.0, 0.6, 0.4),  # email
    (0.0, 0.75, 0.25),  # phone
    (0.0, 0.35, 0.2, 0.25, 0.1, 0.1),  # username
    (0.0, 0.55, 0.12, 0.2, 0.03, 0.06, 0.04),  # name
    (0.0, 0.85, 0.15),  # location
    (0.8, 0.15, 0.05),  # link (presence only)
    (0.0, 0.8, 0.2),  # avatar
    (0.0, 0.85, 0.15),  # company
    (0.97, 0.03),  # platform (presence only)
    (0.0, 0.85, 0.1, 0.05),  # birth date
    (0.0, 0.7, 0.2, 0.1),  # address
    (0.0, 0.9, 0.1),  # postcode
    (0.0, 0.2, 0.3, 0.5),  # bio
    (0.0, 0.6, 0.4),  # number
    (0.0, 0.3, 0.3, 0.4),  # connections
)
_PRIOR_U: tuple[tuple[float, ...], ...] = (
    (0.0, 1e-6, 0.999999),  # two different people rarely share an email: random pairs tell how rarely
    (0.0, 1e-6, 0.999999),
    (0.0, 1e-5, 0.01, 0.004, 0.98399, 0.002),
    (0.0, 0.002, 0.002, 0.005, 0.01, 0.002, 0.979),
    (0.0, 0.05, 0.95),
    (0.99998, 0.00001, 0.00001),
    (0.0, 1e-5, 0.99999),
    (0.0, 0.01, 0.99),
    (0.95, 0.05),
    (0.0, 0.0005, 0.005, 0.9945),
    (0.0, 0.0005, 0.005, 0.9945),
    (0.0, 0.002, 0.998),
    (0.0, 0.001, 0.02, 0.979),
    (0.0, 0.03, 0.97),
    (0.0, 0.0005, 0.01, 0.9895),
)
_PRIOR_PAIRS = 200.0
#: Random record pairs that u is measured on. The rare agreements (the same name, a username that fits the
#: name) occur in one random pair of 10,000-100,000: on far fewer pairs their u rests on a handful of hits,
#: and merely reading the records in another order moves the result.
RANDOM_PAIRS = 1_000_000
_PRIOR_U_PAIRS = 20.0  # u is measured on many random pairs: its prior only fills levels never seen


def _normalise(values: Sequence[float], conditional: bool) -> list[float]:
    """Probabilities from counts; ``conditional`` ones ignore level 0 (missing), which then reads 1."""
    body = values[1:] if conditional else values
    total = sum(body) or 1.0
    probabilities = [max(_FLOOR, v / total) for v in body]
    return [1.0, *probabilities] if conditional else probabilities


def _conditional(comparison: int) -> bool:
    return COMPARISONS[comparison].name not in {"link", "platform"}


class TermFrequencies:
    """How common each name, family name and username is: agreeing on a rare one says more.

    For a value ``v`` with frequency ``f_v``, the chance that two different people agree on it is
    ``f_v`` rather than the average ``sum(f^2)``; the u of an agreement level is scaled by
    ``f_v / sum(f^2)`` (clipped), as Fellegi-Sunter term-frequency adjustment does.

    A full name's or a username's frequency counts only the records of *other* persons holding it
    (``namesakes``): the records of one person are not namesakes of each other. A name of one word
    ("Derek") is as common as that given name. The same pass finds the emails a household shares
    (``households``).

    The count also tells how likely a person's *other* records are to hold the value (``kin``): three
    records named 'dorothea_the' on three platforms are most likely one person's, so two of her
    records agreeing on it is what to expect of her, not the rare event the average m says.
    """

    KINDS = ("name", "family", "username", "given", "fits")
    #: Given and family names co-occur more often than independence predicts (both come from one
    #: culture): the expected namesakes of a full name are this many times the product estimate.
    AFFINITY = 4.0
    #: How far below the average frequency a value's may count. A full name's frequency is its expected
    #: namesakes' share, an estimate rather than a count, and a unique name may weigh more than others.
    _FLOORS: ClassVar[dict[str, float]] = {"name": 0.001, "fits": 0.001}
    #: Expected holders of a username beyond the first, before counting its records: people pick
    #: handles to be theirs ('dorothea_the'); the counts per platform show the shared ones ('mike').
    USERNAME_NAMESAKES = 0.1
    _GROUPED = 60  # values held by more records are common whatever their names say: not grouped by name

    def __init__(self, records: Iterable[Record] = ()) -> None:
        counts: dict[str, Counter[str]] = {kind: Counter() for kind in self.KINDS}
        placed: dict[str, Counter[tuple[str, str]]] = {kind: Counter() for kind in self.KINDS}
        parts: dict[str, tuple[str, str]] = {}
        stating: dict[str, list[Record]] = {}  # email -> the named contacts that state it
        calling: dict[str, list[Record]] = {}  # phone -> the named contacts that state it
        fitting: dict[str, list[Record]] = {}  # username a name suggests -> the records whose names suggest it
        for record in records:
            if record.kind == "contact" and record.name:
                for email in record.emails:
                    stating.setdefault(email, []).append(record)
                for phone in record.phones:
                    calling.setdefault(phone, []).append(record)
            source = record.source if record.kind == "identity" else f"crm:{record.source}"
            if record.name:
                placed["name"][record.name, source] += 1
                parts[record.name] = (record.given, record.family)
            if record.given:
                placed["given"][record.given, source] += 1
            if record.family:
                placed["family"][record.family, source] += 1
            for username in name_usernames(record, family_alone=True):  # 'ramosl' fits every L. Ramos
                placed["fits"][username, source] += 1
                fitting.setdefault(username, []).append(record)
            if record.handle_core:
                placed["username"][record.handle_core, source] += 1
            for local in record.email_locals - {""}:  # one person may have several addresses: never 'single'
                placed["username"][local, "email" if record.kind == "identity" else source] += 1
        by_source: dict[str, dict[str, dict[str, int]]] = {}
        for kind, pairs in placed.items():
            by_source[kind] = {}
            for (value, source), count in pairs.items():
                by_source[kind].setdefault(value, {})[source] = count
                counts[kind][value] += count
        self.counts = counts  # records holding each value, per kind
        self.frequency: dict[str, dict[str, float]] = {}
        self.mean: dict[str, float] = {}
        self.smallest: dict[str, float] = {}
        for kind, counter in counts.items():
            total = sum(counter.values()) or 1
            self.frequency[kind] = {value: count / total for value, count in counter.items()}
            self.mean[kind] = sum(f * f for f in self.frequency[kind].values()) or 1.0
            self.smallest[kind] = 1.0 / total
        #: The expected share of a value's records held by persons other than a given holder.
        self.others: dict[str, dict[str, float]] = {"name": {}, "username": {}, "fits": {}}
        self.records_per_person = 2.0
        if counts["name"]:
            self._count_namesakes(counts, by_source, parts)
        if by_source["username"]:
            holders, _ = estimate_holders(
                by_source["username"], single=SOCIAL, prior_mean=lambda value: self.USERNAME_NAMESAKES
            )
            self.others["username"] = {value: found.others for value, found in holders.items()}
        if by_source["fits"]:  # a username fits the names of how many persons: their records, less one person's
            # 'Lunna Ramos' and 'Luis Ramos' both suggest 'ramosl': two names, two persons at least
            names = {value: len(_people(found)) for value, found in fitting.items() if 1 < len(found) <= self._GROUPED}
            holders, _ = estimate_holders(
                by_source["fits"], single=SOCIAL, prior_mean=lambda value: 0.5, at_least=names
            )
            self._of_others("fits", counts["fits"], {value: found.others for value, found in holders.items()})
        #: Emails that contacts of different names state (a household's 'smithfamily@'): one named
        #: contact per person who states it
        self.households = {
            email: people
            for email, contacts in stating.items()
            if len(contacts) > 1 and len(people := _people(contacts)) > 1
        }
        #: Phones that contacts of different names state (a household's landline), the same way
        self.landlines = {
            phone: people
            for phone, contacts in calling.items()
            if len(contacts) > 1 and len(people := _people(contacts)) > 1
        }

    def _count_namesakes(
        self,
        counts: dict[str, Counter[str]],
        by_source: dict[str, dict[str, dict[str, int]]],
        parts: dict[str, tuple[str, str]],
    ) -> None:
        """Full names' frequencies over other persons' records, the namesake prior from given x family."""
        given, persons_g = estimate_holders(by_source["given"], single=SOCIAL, prior_mean=lambda v: 0.5)
        family, persons_f = estimate_holders(by_source["family"], single=SOCIAL, prior_mean=lambda v: 0.5)
        persons = max(persons_g, persons_f)
        initials: dict[str, float] = {}  # 'm martin' may be any given name starting with m
        for value, of_given in given.items():
            initials[value[0]] = initials.get(value[0], 0.0) + of_given.persons

        def namesakes(name: str) -> float:
            g, f = parts[name]
            if not f or f not in family or g not in given:
                return 0.5
            given_holders = initials[g] if len(g) == 1 else given[g].persons
            return self.AFFINITY * given_holders * family[f].persons / persons

        of_name, _ = estimate_holders(by_source["name"], single=SOCIAL, prior_mean=namesakes)
        self.records_per_person = max(1.5, sum(counts["name"].values()) / persons) if persons else 2.0
        # a given name alone ("Derek") is as common as that given name on any record
        alone = {name: self.frequency["given"].get(name, 0.0) for name in counts["name"] if " " not in name}
        self._of_others("name", counts["name"], {name: found.others for name, found in of_name.items()}, alone)

    def _of_others(
        self, kind: str, counts: Counter[str], others: dict[str, float], least: Mapping[str, float] | None = None
    ) -> None:
        """A kind's frequencies as the share of its records that other persons hold (at least ``least``)."""
        total = sum(counts.values())
        self.others[kind] = others
        frequency = {
            value: max(count * others[value] / total, (least or {}).get(value, 0.0)) for value, count in counts.items()
        }
        self.frequency[kind] = frequency
        self.mean[kind] = sum(count / total * frequency[value] for value, count in counts.items()) or 1.0

    def email_holders(self, a: Record, b: Record) -> int:
        """How many people the emails ``a`` and ``b`` share may belong to (1 unless a household's).

        A household's address that names one of its people ('jadwiga@' of Jadwiga Lochel and Peter
        Deck) is that person's: for a pair whose named records are that person it is no household's.
        """
        holders = 1
        named = [record for record in (a, b) if record.name]
        for email in a.emails & b.emails:
            people = self.households.get(email)
            if people is None:
                continue
            local = local_core(email)
            owners = [person for person in people if local_part_names(local, person)]
            if len(owners) == 1 and named and all(same_person_names(record, owners[0]) for record in named):
                continue
            holders = max(holders, len(people))
        return holders

    def phone_holders(self, a: Record, b: Record) -> int:
        """How many people the phones ``a`` and ``b`` share may belong to (1 unless a household's landline)."""
        return max((len(self.landlines.get(phone, ())) for phone in a.phones & b.phones), default=1) or 1

    def chance(self, kind: str, value: str) -> float:
        """The chance that a record of someone else holds exactly ``value``: for a username, its frequency among
        the records of other persons; otherwise its frequency among records, for a value held by three or more
        (two records sharing a value may be all there is of it: no bound then)."""
        frequency = self.frequency.get(kind, {}).get(value, 0.0)
        if kind == "username":
            return frequency * self.others["username"].get(value, 1.0)
        return frequency if frequency >= 3 * self.smallest.get(kind, 1.0) else 0.0

    def kin(self, kind: str, value: str) -> float:
        """The chance that another record of a holder's own person holds ``value`` too (a full name or a
        username): its records less the others' share, over the records a person has. 0 when unknown."""
        count = self.counts[kind][value] if kind in self.counts else 0
        others = self.others.get(kind, {}).get(value)
        if not count or others is None:
            return 0.0
        return min(1.0, max(0.0, count * (1.0 - others) - 1.0) / max(0.5, self.records_per_person - 1.0))

    def ratio(self, kind: str, value: str) -> float:
        frequency = self.frequency.get(kind, {}).get(value)
        if frequency is None:
            return 1.0
        return min(50.0, max(self._FLOORS.get(kind, 0.05), frequency / self.mean[kind]))


def _people(records: Sequence[Record]) -> list[Record]:
    """One record per person among named ``records``, going by their names (greedy: each joins the first it fits)."""
    groups: list[Record] = []
    for record in records:
        if not any(same_person_names(record, first) for first in groups):
            groups.append(record)
    return groups


#: Levels that agree on one exact value (the same name, the same username core): their u is at least that
#: value's frequency among records when three or more hold it.
_EXACT = frozenset({(NAME, 1), (USERNAME, 1), (USERNAME, 3)})
#: Levels whose m is at least the value's ``kin``: agreeing on a value its holder's own records share. Not a
#: username made from the name: 'annanowak' on three platforms may be two Anna Nowaks.
_KIN = frozenset({(NAME, 1), (USERNAME, 1)})
_NAME_VARIANTS = COMPARISONS[USERNAME].level("different usernames, each made from the name")
_DIFFERENT_USERNAMES = COMPARISONS[USERNAME].level("different usernames")
_FITS = COMPARISONS[NAME].level("username matches name")


_BY_NAME = {comparison.name: c for c, comparison in enumerate(COMPARISONS)}


def _levels(*named: tuple[str, str]) -> frozenset[tuple[int, int]]:
    return frozenset((_BY_NAME[c], COMPARISONS[_BY_NAME[c]].level(level)) for c, level in named)


#: Levels that say "the same": learnt to weigh against a match, they are refused (``sanity_check``).
AGREEMENTS = _levels(
    ("email", "same email"),
    ("phone", "same phone"),
    ("username", "same username"),
    ("username", "similar username"),
    ("name", "same name"),
    ("name", "nickname, initial or extra name"),
    ("name", "similar name (typo, transliteration)"),
    ("location", "same city"),
    ("link", "one profile links to the other"),
    ("link", "both link to the same profile"),
    ("avatar", "same picture"),
    ("company", "same company"),
    ("birth date", "same birth date"),
    ("birth date", "birth date one typo or day/month swapped"),
    ("address", "same street address"),
    ("address", "similar street address"),
    ("postcode", "same postcode"),
    ("bio", "bios share 2 or more rare words"),
    ("bio", "bios share a rare word"),
    ("number", "usernames end with the same number (or the birth year)"),
    ("connections", "share 3 or more rare connections"),
    ("connections", "share 1 or 2 rare connections"),
)
#: Levels that say "different": learnt to weigh for a match (a different city as evidence), they are refused.
DISAGREEMENTS = _levels(
    ("email", "different emails"),
    ("phone", "different phones"),
    ("name", "different names"),
    ("location", "different cities"),
    ("avatar", "different pictures"),
    ("company", "different companies"),
    ("birth date", "different birth dates"),
    ("address", "different addresses"),
    ("postcode", "different postcodes"),
    ("number", "different numbers"),
)
#: Agreements the model cannot do without: learnt backwards, the whole model is refused (``ModelRefused``).
DECISIVE = _levels(("email", "same email"), ("phone", "same phone"), ("name", "same name"))

#: Disagreements on what a person rarely changes: their given name ('same family name only': the given
#: names differ) and their date of birth. Where the given names differ, agreements on what a household
#: shares (a family name, a street, a city, a postcode, an employer, interests, friends) together weigh
#: at most what the disagreement costs: spouses, siblings, a parent and a child are different people
#: unless evidence one person holds (``_STRONG``) joins them. Where the birth dates differ, the home's
#: agreements (``_SHARED``) weigh at most what that costs: a parent and a child of one name living
#: together are told apart by the name's own weight (its rarity) against the odds, not by the home.
STABLE_DISAGREEMENTS = _levels(("name", "same family name only"), ("birth date", "different birth dates"))
_SHARED = frozenset(_BY_NAME[c] for c in ("location", "address", "postcode", "company", "bio", "connections"))
#: Evidence one person holds: an email address, a phone number, an exact username that is not just the
#: name spelt out, a profile link, a picture, a date of birth. (A household's shared email or landline
#: is held to even odds already: ``MatchModel.level_weight``.)
_STRONG = _levels(
    ("email", "same email"),
    ("phone", "same phone"),
    ("username", "same username"),
    ("link", "one profile links to the other"),
    ("link", "both link to the same profile"),
    ("avatar", "same picture"),
    ("birth date", "same birth date"),
)
_FAMILY_ONLY = COMPARISONS[NAME].level("same family name only")
_DIFFERENT_NAMES = COMPARISONS[NAME].level("different names")
_BIRTH = _BY_NAME["birth date"]
_BIRTH_DIFFERS = COMPARISONS[_BIRTH].level("different birth dates")


@dataclass(frozen=True)
class Refusal:
    """A learnt level weight the sanity check refused: it counts as 0 (neutral), and says why."""

    comparison: str
    level: str
    weight: float
    m: float
    u: float

    @property
    def reason(self) -> str:
        what = "an agreement cannot be evidence against" if self.weight < 0 else "a disagreement cannot be evidence for"
        return (
            f"{self.comparison} '{self.level}' was learnt as {self.weight:+.2f} bits "
            f"(m {self.m:.3g}, u {self.u:.3g}): {what} a match"
        )


def _depends_on_records(comparison: int, level: int) -> bool:
    """Whether a level's weight may differ from pair to pair (term frequencies, households)."""
    return level > 0 and (
        (comparison == NAME and level <= 5)
        or (comparison == USERNAME and level in (1, 3))
        or (comparison in (EMAIL, PHONE) and level == 1)
    )


def _tf_value(comparison: int, level: int, a: Record | None, b: Record | None) -> tuple[str, str] | None:
    """Which value's frequency adjusts this level's u, if any (``_depends_on_records`` names these levels)."""
    if a is None or b is None:
        return None
    if comparison == NAME:
        if level == 1:
            return "name", a.name
        if level in (2, 3, 4):
            return "family", a.family or b.family
        if level == 5:  # the username of the nameless side (or of a given name alone) fits the other's name
            named, other = (a, b) if len(a.tokens) > len(b.tokens) else (b, a)
            cores = {other.handle_core, *other.email_locals} - {""}
            if len(named.family) > 1 and {named.given + named.family, named.family + named.given} & cores:
                return "name", named.name  # it spells the whole name: as rare as the name's namesakes
            # ('thomasm' against "Thomas M" spells an initial: it fits every Thomas M., as 'fits' counts)
            fitting = min((core for core in cores if username_fits_name(core, named)), default=None)
            return ("fits", fitting) if fitting else None  # 'ramosl': as rare as the persons whose names it fits
    if comparison == USERNAME and level in (1, 3):
        shared = ({a.handle_core, *a.email_locals} & {b.handle_core, *b.email_locals}) - {""}
        return ("username", min(shared)) if shared else None
    return None


@dataclass
class MatchModel:
    m: list[list[float]]
    u: list[list[float]]
    prior: float
    tf: TermFrequencies = field(default_factory=TermFrequencies)
    iterations: int = 0
    #: learnt level weights the sanity check refused (``sanity_check``): they count as 0
    refused: dict[tuple[int, int], Refusal] = field(default_factory=dict)

    def learnt_weight(self, comparison: int, level: int) -> float:
        """log2(m/u) as learnt, before term frequencies, households and the sanity check."""
        return math.log2(max(self.m[comparison][level], _FLOOR) / max(self.u[comparison][level], _FLOOR))

    def level_weight(self, comparison: int, level: int, a: Record | None = None, b: Record | None = None) -> float:
        if level == 0 or (comparison, level) in self.refused:
            return 0.0
        m, u = self.m[comparison][level], self.u[comparison][level]
        adjust = _tf_value(comparison, level, a, b)
        if adjust is not None:
            u *= self.tf.ratio(*adjust)
            if (comparison, level) in _EXACT:  # agreeing on a common value is as likely as the value ('jacksmith')
                u = max(u, self.tf.chance(*adjust))
            if (comparison, level) in _KIN:
                m = max(m, self.tf.kin(*adjust))
        weight = math.log2(m / max(u, _FLOOR))
        if comparison in (EMAIL, PHONE) and level == 1 and a is not None and b is not None:
            holders = self.tf.email_holders(a, b) if comparison == EMAIL else self.tf.phone_holders(a, b)
            if holders > 1:  # a household's email or landline: it says one of `holders` people, no more
                weight = min(weight, -math.log2(self.prior / (1 - self.prior)) - math.log2(holders - 1))
                if comparison == PHONE and self.tf.email_holders(a, b) > 1:
                    weight = min(weight, 0.0)  # the household's email said so already: one household, once
        if comparison == USERNAME and level == _NAME_VARIANTS:  # the name's evidence, already counted: at most neutral
            return min(0.0, weight)
        # Two accounts on one platform is a warning, never evidence for a match: where random pairs seldom
        # hold two social accounts (a CRM-heavy graph), u is tiny and the ratio alone would turn it positive.
        return min(0.0, weight) if comparison == PLATFORM else weight

    def level_weights(self, levels: Levels, a: Record | None = None, b: Record | None = None) -> list[float]:
        """Each level's weight, with correlated agreements counted once.

        A name and a username usually say the same thing twice ('Anna Nowak' and 'annanowak'),
        so when both agree only the stronger counts in full and the weaker a ``_CORRELATED`` share; and when
        the name level came from a username fitting the name, the usernames' difference counts no more.
        """
        weights = _uncorrelated([self.level_weight(c, level, a, b) for c, level in enumerate(levels)], levels)
        return _stable_first(weights, levels, a is not None and b is not None and given_names_differ(a, b))

    def weight(self, levels: Levels, a: Record | None = None, b: Record | None = None) -> float:
        return sum(self.level_weights(levels, a, b))

    def probability(self, levels: Levels, a: Record | None = None, b: Record | None = None) -> float:
        return _probability(self.weight(levels, a, b) + math.log2(self.prior / (1 - self.prior)))

    def evidence(self, levels: Levels, a: Record | None = None, b: Record | None = None) -> list[dict[str, Any]]:
        """The levels that weigh, strongest first: what the review queue shows."""
        return evidence(levels, self.level_weights(levels, a, b))

    def as_dict(self) -> dict[str, Any]:
        return {
            "prior": round(self.prior, 5),
            "iterations": self.iterations,
            "weights": {
                comparison.name: {
                    comparison.levels[level]: round(self.level_weight(c, level), 2)
                    for level in range(1, len(comparison.levels))
                }
                for c, comparison in enumerate(COMPARISONS)
            },
            "refused": [refusal.reason for refusal in self.refused.values()],
        }

    def explain(self) -> list[dict[str, Any]]:
        """Every comparison level: m, u, the learnt weight in bits, the weight used (0 where refused)
        and, where the sanity check refused the learnt one, why. Term frequencies move the weights of
        exact names and usernames pair by pair (``weight`` is the level's weight for a typical value)."""
        rows = []
        for c, comparison in enumerate(COMPARISONS):
            for level in range(1, len(comparison.levels)):
                refusal = self.refused.get((c, level))
                rows.append(
                    {
                        "comparison": comparison.name,
                        "level": comparison.levels[level],
                        "m": self.m[c][level],
                        "u": self.u[c][level],
                        "learnt": round(self.learnt_weight(c, level), 3),
                        "weight": round(self.level_weight(c, level), 3),
                        "kind": "agreement"
                        if (c, level) in AGREEMENTS
                        else "disagreement"
                        if (c, level) in DISAGREEMENTS
                        else "other",
                        "refused": refusal.reason if refusal else None,
                    }
                )
        return rows


def sanity_check(model: MatchModel) -> MatchModel:
    """Refuse learnt weights that point the wrong way, and the whole model when one that decides most
    pairs does.

    An agreement (the same city) learnt as evidence against a match, or a disagreement (different
    cities) learnt as evidence for one, is what correlated fields, a skewed sample or blocking make EM
    believe; applied, it merges strangers for living in different places. Such a level is refused: it
    counts as 0, and ``MatchModel.refused`` says why (the run's summary and ``graphsvc resolve
    --explain-model`` show it). If the same email, the same phone or the same name comes out against
    a match, nothing learnt can be trusted: ``ModelRefused``, and nothing is written.
    """
    model.refused = {}
    for c, level in sorted(AGREEMENTS | DISAGREEMENTS):
        weight = model.learnt_weight(c, level)
        if (weight < 0 and (c, level) in AGREEMENTS) or (weight > 0 and (c, level) in DISAGREEMENTS):
            model.refused[(c, level)] = Refusal(
                COMPARISONS[c].name, COMPARISONS[c].levels[level], weight, model.m[c][level], model.u[c][level]
            )
    decisive = [refusal.reason for key, refusal in model.refused.items() if key in DECISIVE]
    if decisive:
        raise ModelRefused(
            "the match model learnt from these records is backwards: " + "; ".join(decisive),
            hint="check the records' email, phone and name fields (a default value shared by many records, "
            "columns mapped to the wrong field), and the review decisions that label pairs",
        )
    return model


def _probability(log_odds: float) -> float:
    return 1.0 / (1.0 + 2.0 ** -max(-60.0, min(60.0, log_odds)))


def _uncorrelated(weights: list[float], levels: Levels) -> list[float]:
    if levels[NAME] == _FITS and levels[USERNAME] == _DIFFERENT_USERNAMES:
        # The name level read the usernames already: one side's fits the other's name ('jades@' and Jade
        # Siqueira), so that the other side's own username differs ('jade.siqueira') is what a match looks like.
        # At 2k people such pairs were 41 of 41 true, and the -1.3 bits kept them below the threshold.
        weights[USERNAME] = max(0.0, weights[USERNAME])
    name, user = weights[NAME], weights[USERNAME]
    if name > 0 and user > 0:
        if name >= user:
            weights[USERNAME] = user * _CORRELATED
        else:
            weights[NAME] = name * _CORRELATED
    return weights


def _stable_first(weights: list[float], levels: Levels, given_differ: bool = False) -> list[float]:
    """``STABLE_DISAGREEMENTS`` outweigh shared agreements (see there): where a pair's given names
    differ, the positive weights of everything but ``_STRONG`` evidence are scaled down to sum to at
    most that disagreement's cost; where its birth dates differ, those of the ``_SHARED`` fields.
    ``given_differ``: the records' given names differ (``compare.given_names_differ``), which makes
    'different names' a given-name disagreement too (the family name may differ as well: partners
    who kept theirs); without it, 'different names' may be a family name changed by a marriage.

    'Same family name only' is itself a given-name disagreement: it never counts for a match, and what
    the family name shares with the street and the city is left to the other levels, capped the same.
    """
    if levels[NAME] == _FAMILY_ONLY or (levels[NAME] == _DIFFERENT_NAMES and given_differ):
        weights[NAME] = min(0.0, weights[NAME])
        _cap(
            weights,
            [c for c, level in enumerate(levels) if weights[c] > 0 and (c, level) not in _STRONG],
            -weights[NAME],
        )
    if levels[_BIRTH] == _BIRTH_DIFFERS:
        _cap(weights, [c for c in _SHARED if weights[c] > 0], -min(0.0, weights[_BIRTH]))
    return weights


def _cap(weights: list[float], weak: list[int], cost: float) -> None:
    """Scale ``weights[weak]`` down to sum to at most ``cost``."""
    gained = sum(weights[c] for c in weak)
    if gained > cost:
        share = cost / gained
        for c in weak:
            weights[c] *= share


def evidence(levels: Levels, weights: Sequence[float]) -> list[dict[str, Any]]:
    """The levels that weigh, strongest first, from their weights: what the review queue shows."""
    items = [
        {"comparison": COMPARISONS[c].name, "level": COMPARISONS[c].levels[level], "weight": round(weights[c], 2)}
        for c, level in enumerate(levels)
        if level
    ]
    return sorted(items, key=lambda item: -abs(item["weight"]))


class Scorer:
    """A learnt model's weights for many pairs: ``MatchModel``'s numbers, computed once per pattern.

    Most levels weigh the same for every pair (only names, usernames and emails read the records'
    term frequencies and households), so each distinct pattern of levels keeps its fixed weights and
    the comparisons left to compute per pair. Holds a snapshot: build it after the model has learnt.
    """

    def __init__(self, model: MatchModel) -> None:
        self.model = model
        self.log_prior = math.log2(model.prior / (1 - model.prior))
        self._plans: dict[Levels, tuple[list[float], list[int]]] = {}

    def _plan(self, levels: Levels) -> tuple[list[float], list[int]]:
        fixed, per_pair = [], []
        for c, level in enumerate(levels):
            if _depends_on_records(c, level):
                fixed.append(0.0)
                per_pair.append(c)
            else:
                fixed.append(self.model.level_weight(c, level))
        plan = self._plans[levels] = (fixed, per_pair)
        return plan

    def level_weights(self, levels: Levels, a: Record, b: Record) -> list[float]:
        """``MatchModel.level_weights(levels, a, b)``."""
        fixed, per_pair = self._plans.get(levels) or self._plan(levels)
        weights = fixed.copy()
        for c in per_pair:
            weights[c] = self.model.level_weight(c, levels[c], a, b)
        return _stable_first(_uncorrelated(weights, levels), levels, given_names_differ(a, b))

    def probability(self, levels: Levels, a: Record, b: Record) -> float:
        """``MatchModel.probability(levels, a, b)``."""
        return _probability(sum(self.level_weights(levels, a, b)) + self.log_prior)


def random_pairs(unit_of: Sequence[int], samples: int = RANDOM_PAIRS, seed: int = 0) -> list[tuple[int, int]]:
    """Random record pairs of different units (drawn with replacement): what agreement looks like by chance."""
    rng = random.Random(seed)
    n = len(unit_of)
    drawn = ((rng.randrange(n), rng.randrange(n)) for _ in range(min(samples, n * (n - 1) // 2) if n >= 2 else 0))
    return [(a, b) for a, b in drawn if unit_of[a] != unit_of[b]]  # a small graph must not outvote the prior


def _u_from(samples: Counter[Levels]) -> list[list[float]]:
    counts = [[_PRIOR_U_PAIRS * p for p in prior] for prior in _PRIOR_U]
    for levels, count in samples.items():
        for c, level in enumerate(levels):
            counts[c][level] += count
    return [_normalise(row, _conditional(c)) for c, row in enumerate(counts)]


def _em(
    model: MatchModel,
    free: Counter[Levels],
    fixed: Counter[tuple[Levels, bool]],
    all_pairs: int,
    strength: float,
    iterations: int,
) -> None:
    for _ in range(iterations):
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
        change = max(
            abs(a - b)
            for row_new, row_old in zip(new_m, model.m, strict=True)
            for a, b in zip(row_new, row_old, strict=True)
        )
        model.m, model.prior = new_m, min(0.5, max(1e-12, matched / all_pairs))
        model.iterations += 1
        if change < 1e-4:
            break


def estimate_model(
    records: Sequence[Record],
    unit_of: Sequence[int],
    pair_levels: Mapping[tuple[int, int], Levels],
    *,
    labels: Mapping[tuple[int, int], bool] | None = None,
    random_levels: Counter[Levels] | None = None,
    iterations: int = 25,
    prior_share: float = 0.1,
    seed: int = 0,
    tf: TermFrequencies | None = None,
) -> MatchModel:
    """Learn u from random pairs and m and the prior by EM over ``pair_levels`` (labelled pairs held fixed).

    ``random_levels``: the levels of ``random_pairs(unit_of)`` where the caller compared them already
    (on every core); ``tf``: the records' term frequencies where the caller has them already.
    """
    samples = (
        random_levels
        if random_levels is not None
        else Counter(compare(records[a], records[b]) for a, b in random_pairs(unit_of, seed=seed))
    )
    m = [_normalise(prior, _conditional(c)) for c, prior in enumerate(_PRIOR_M)]
    labels = labels or {}
    free = Counter(levels for pair, levels in pair_levels.items() if pair not in labels)
    fixed = Counter((levels, labels[pair]) for pair, levels in pair_levels.items() if pair in labels)
    total = sum(free.values()) + sum(fixed.values())
    # The prior is the chance that two *random* records match, the same reference the u values
    # (and so the weights) are measured against; taking it among candidate pairs instead would
    # count the blocking evidence twice (a shared name is why most candidate pairs exist at all).
    units = len(set(unit_of))
    all_pairs = max(total, units * (units - 1) // 2, 1)
    model = MatchModel(
        m=m,
        u=_u_from(samples),
        prior=min(0.5, max(1e-9, units / all_pairs)),
        tf=tf if tf is not None else TermFrequencies(records),
    )
    if not total:
        return model
    # Candidate pairs come from blocks, so their levels are not independent (a shared postcode is why
    # a pair was formed); a prior worth a share of the data keeps EM from mistaking blocks for persons.
    strength = max(_PRIOR_PAIRS, prior_share * total)
    _em(model, free, fixed, all_pairs, strength, iterations)
    # Random pairs hold a few true matches, and those carry exactly the rare agreements (a shared
    # username) whose u we want: measure u again without the pairs the model now calls matches.
    for _ in range(2):
        model.u = _u_from(Counter({lv: n for lv, n in samples.items() if _posterior(model, lv) < 0.5}))
        _em(model, free, fixed, all_pairs, strength, iterations)
    _m_from_anchors(model, free, fixed)
    return sanity_check(model)


#: Comparisons whose agreement alone settles a pair: their pairs show how the *other* fields of true
#: matches look, independently of those fields (Splink's "estimate m by blocking on the email").
_ANCHORS = frozenset({"email", "phone", "link"})
#: Comparisons read off the anchors' own values: a contact's email locals and numbers come from its emails,
#: so pairs that agree on an email agree on those too and say nothing about them.
_DERIVED = {"username": ("email",), "number": ("email",)}
_ANCHOR_STRENGTH = 20.0  # pseudo-pairs of the EM estimate blended in
_ANCHOR_MIN = 30  # comparable anchor pairs needed before a comparison's m is measured on them


def _m_from_anchors(model: MatchModel, free: Counter[Levels], fixed: Counter[tuple[Levels, bool]]) -> None:
    """Measure m of the non-anchor comparisons on pairs that agree on an email, phone or profile link.

    EM with correlated fields under-rates true matches that carry one strong and several mildly
    negative signals (different usernames across platforms are the rule, not a warning), and then
    learns m from the pairs it already believes: a loop that the anchors, chosen without looking at
    those fields, break. Accepted review decisions count as anchors too.
    """
    anchors = {c.name: i for i, c in enumerate(COMPARISONS) if c.name in _ANCHORS}
    for c, comparison in enumerate(COMPARISONS):
        if comparison.name in _ANCHORS:
            continue
        independent = [i for name, i in anchors.items() if name not in _DERIVED.get(comparison.name, ())]
        counts = [0.0] * len(comparison.levels)
        for levels, count in free.items():
            if any(levels[i] == 1 for i in independent):
                counts[levels[c]] += count
        for (levels, is_match), count in fixed.items():
            if is_match:
                counts[levels[c]] += count
        comparable = sum(counts[1:]) if _conditional(c) else sum(counts)
        if comparable < _ANCHOR_MIN:
            continue
        blended = [n + _ANCHOR_STRENGTH * m for n, m in zip(counts, model.m[c], strict=True)]
        model.m[c] = _normalise(blended, _conditional(c))


def _posterior(model: MatchModel, levels: Levels) -> float:
    bits = sum(model.level_weight(c, level) for c, level in enumerate(levels))  # without records: no term frequencies
    odds = math.log(model.prior / (1 - model.prior)) + bits * math.log(2)
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, odds))))
