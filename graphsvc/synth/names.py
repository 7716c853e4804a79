"""Names: Faker pools per locale with realistic frequencies, nicknames, planted common names, name noise.

Faker draws names uniformly from long lists, so 'Cemil' is as frequent as 'Thomas';
real names are Zipf-distributed, which is what makes 'John Smith' ambiguous. We draw
a pool of distinct names per locale once (Faker per person is slow) and sample it with
Zipf weights. The noise functions (one-edit typos, transliterations) are pure: they
take the random generator, so the same seed always gives the same misspelling.
"""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from faker import Faker

from graphsvc.synth.places import LOCALES

__all__ = ["COMMON_NAMES", "NICKNAMES", "NamePools", "ascii_name", "german_translit", "name_pools", "typo"]

#: (formal given name, gender, language, nicknames): the names people shorten on social profiles.
NICKNAMES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("Robert", "m", "en", ("Bob", "Rob", "Bobby")),
    ("William", "m", "en", ("Bill", "Will", "Billy")),
    ("Richard", "m", "en", ("Rick", "Rich", "Dick")),
    ("James", "m", "en", ("Jim", "Jimmy", "Jamie")),
    ("John", "m", "en", ("Jack", "Johnny")),
    ("Michael", "m", "en", ("Mike", "Mikey")),
    ("Thomas", "m", "en", ("Tom", "Tommy")),
    ("Christopher", "m", "en", ("Chris", "Kit")),
    ("Daniel", "m", "en", ("Dan", "Danny")),
    ("Matthew", "m", "en", ("Matt",)),
    ("Joseph", "m", "en", ("Joe", "Joey")),
    ("Anthony", "m", "en", ("Tony",)),
    ("Edward", "m", "en", ("Ed", "Eddie", "Ted")),
    ("Charles", "m", "en", ("Charlie", "Chuck")),
    ("Andrew", "m", "en", ("Andy", "Drew")),
    ("Jonathan", "m", "en", ("Jon",)),
    ("Nicholas", "m", "en", ("Nick", "Nicky")),
    ("Benjamin", "m", "en", ("Ben",)),
    ("Samuel", "m", "en", ("Sam", "Sammy")),
    ("Alexander", "m", "en", ("Alex", "Xander")),
    ("David", "m", "en", ("Dave", "Davy")),
    ("Steven", "m", "en", ("Steve",)),
    ("Stephen", "m", "en", ("Steve",)),
    ("Timothy", "m", "en", ("Tim",)),
    ("Patrick", "m", "en", ("Pat", "Paddy")),
    ("Gregory", "m", "en", ("Greg",)),
    ("Peter", "m", "en", ("Pete",)),
    ("Kenneth", "m", "en", ("Ken", "Kenny")),
    ("Ronald", "m", "en", ("Ron",)),
    ("Lawrence", "m", "en", ("Larry",)),
    ("Jeffrey", "m", "en", ("Jeff",)),
    ("Frederick", "m", "en", ("Fred",)),
    ("Henry", "m", "en", ("Harry", "Hank")),
    ("Joshua", "m", "en", ("Josh",)),
    ("Nathaniel", "m", "en", ("Nate",)),
    ("Raymond", "m", "en", ("Ray",)),
    ("Douglas", "m", "en", ("Doug",)),
    ("Philip", "m", "en", ("Phil",)),
    ("Theodore", "m", "en", ("Ted", "Theo")),
    ("Walter", "m", "en", ("Walt",)),
    ("Elizabeth", "f", "en", ("Liz", "Beth", "Lizzie")),
    ("Margaret", "f", "en", ("Maggie", "Peggy", "Meg")),
    ("Katherine", "f", "en", ("Kate", "Katie", "Kathy")),
    ("Jennifer", "f", "en", ("Jen", "Jenny")),
    ("Jessica", "f", "en", ("Jess",)),
    ("Rebecca", "f", "en", ("Becky", "Becca")),
    ("Susan", "f", "en", ("Sue",)),
    ("Patricia", "f", "en", ("Pat", "Patty", "Trish")),
    ("Deborah", "f", "en", ("Debbie", "Deb")),
    ("Christine", "f", "en", ("Chris", "Tina")),
    ("Victoria", "f", "en", ("Vicky", "Tori")),
    ("Samantha", "f", "en", ("Sam",)),
    ("Alexandra", "f", "en", ("Alex", "Lexi")),
    ("Abigail", "f", "en", ("Abby",)),
    ("Jacqueline", "f", "en", ("Jackie",)),
    ("Kimberly", "f", "en", ("Kim",)),
    ("Stephanie", "f", "en", ("Steph",)),
    ("Amanda", "f", "en", ("Mandy",)),
    ("Melissa", "f", "en", ("Mel",)),
    ("Penelope", "f", "en", ("Penny",)),
    ("Johannes", "m", "de", ("Hannes",)),
    ("Friedrich", "m", "de", ("Fritz",)),
    ("Matthias", "m", "de", ("Matze",)),
    ("Katharina", "f", "de", ("Kathi",)),
    ("Franziska", "f", "de", ("Franzi",)),
    ("Gabriele", "f", "de", ("Gabi",)),
    ("Frédéric", "m", "fr", ("Fred",)),
    ("Nicolas", "m", "fr", ("Nico",)),
    ("Isabelle", "f", "fr", ("Isa",)),
    ("José", "m", "es", ("Pepe",)),
    ("Francisco", "m", "es", ("Paco", "Curro")),
    ("Ignacio", "m", "es", ("Nacho",)),
    ("Enrique", "m", "es", ("Quique",)),
    ("Manuel", "m", "es", ("Manolo",)),
    ("Dolores", "f", "es", ("Lola",)),
    ("Mercedes", "f", "es", ("Merche",)),
    ("Giuseppe", "m", "it", ("Beppe", "Peppe")),
    ("Giovanni", "m", "it", ("Gianni",)),
    ("Alessandro", "m", "it", ("Sandro", "Ale")),
    ("Francesca", "f", "it", ("Franci",)),
    ("Katarzyna", "f", "pl", ("Kasia",)),
    ("Małgorzata", "f", "pl", ("Gosia", "Małgosia")),
    ("Aleksandra", "f", "pl", ("Ola",)),
    ("Tomasz", "m", "pl", ("Tomek",)),
    ("Jakub", "m", "pl", ("Kuba",)),
    ("Bartłomiej", "m", "pl", ("Bartek",)),
    ("Wojciech", "m", "pl", ("Wojtek",)),
    ("Eduardo", "m", "pt", ("Edu", "Dudu")),
    ("Antônio", "m", "pt", ("Toninho",)),
    ("Gabriela", "f", "pt", ("Gabi",)),
    ("Fernanda", "f", "pt", ("Nanda",)),
)

#: Per locale: (given, family, gender) of very common names, most common first. Planted on purpose:
#: hundreds of people share them at 100k people, in different cities, the hardest case for resolution.
COMMON_NAMES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "en_US": (
        ("John", "Smith", "m"),
        ("Maria", "Garcia", "f"),
        ("Michael", "Johnson", "m"),
        ("Jennifer", "Williams", "f"),
    ),
    "en_GB": (("David", "Jones", "m"), ("Sarah", "Williams", "f"), ("James", "Taylor", "m")),
    "de_DE": (("Thomas", "Müller", "m"), ("Anna", "Schmidt", "f")),
    "fr_FR": (("Marie", "Martin", "f"), ("Jean", "Dubois", "m")),
    "es_ES": (("José", "García", "m"), ("María", "Fernández", "f")),
    "it_IT": (("Giuseppe", "Rossi", "m"), ("Francesca", "Russo", "f")),
    "pl_PL": (("Anna", "Nowak", "f"), ("Piotr", "Kowalski", "m")),
    "pt_BR": (("Ana", "Silva", "f"), ("João", "Santos", "m")),
}

_GIVEN_POOL, _FAMILY_POOL, _COMPANY_POOL, _JOB_POOL = 400, 1500, 300, 150
_STREET_POOL, _POSTCODE_POOL = 800, 3000
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_NEAR = {  # QWERTY neighbours: the typos people actually make
    "a": "qsz",
    "b": "vn",
    "c": "xv",
    "d": "sf",
    "e": "wr",
    "f": "dg",
    "g": "fh",
    "h": "gj",
    "i": "uo",
    "j": "hk",
    "k": "jl",
    "l": "k",
    "m": "n",
    "n": "bm",
    "o": "ip",
    "p": "o",
    "q": "wa",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "u": "yi",
    "v": "cb",
    "w": "qe",
    "x": "zc",
    "y": "tu",
    "z": "xa",
}


@dataclass(frozen=True)
class Weighted:
    """Values with cumulative weights, for ``rng.choices(values, cum_weights=cum)``."""

    values: tuple[str, ...]
    cum: tuple[float, ...]

    def pick(self, rng: random.Random) -> str:
        return self.values[bisect(self.cum, rng.random() * self.cum[-1], 0, len(self.cum) - 1)]


@dataclass(frozen=True)
class NamePools:
    given: dict[tuple[str, str], Weighted]  # (faker locale, gender) -> names
    family: dict[str, Weighted]
    companies: dict[str, Weighted]
    jobs: dict[str, Weighted]
    streets: dict[str, tuple[str, ...]]  # faker locale -> street names
    postcodes: dict[str, tuple[str, ...]]  # faker locale -> postal codes


def zipf(values: list[str], offset: float = 8.0) -> Weighted:
    """Zipf-like weights 1/(rank+offset): the first name is common, the last rare."""
    return Weighted(tuple(values), tuple(accumulate(1.0 / (rank + offset) for rank in range(len(values)))))


def _distinct(draw: object, size: int) -> list[str]:
    seen: dict[str, None] = {}
    for _ in range(size * 4):
        value = draw()  # type: ignore[operator]
        if isinstance(value, str) and value.strip():
            seen.setdefault(value.strip(), None)
        if len(seen) >= size:
            break
    return list(seen)


@lru_cache(maxsize=4)
def name_pools(seed: int) -> NamePools:
    """Distinct names, companies and job titles per locale, drawn once per seed (cached: tests reuse it)."""
    given: dict[tuple[str, str], Weighted] = {}
    family, companies, jobs, streets, postcodes = {}, {}, {}, {}, {}
    for number, locale in enumerate(LOCALES):
        fake = Faker(locale.faker)
        fake.seed_instance(seed * 1009 + number)
        given[(locale.faker, "m")] = zipf(_distinct(fake.first_name_male, _GIVEN_POOL), offset=15.0)
        given[(locale.faker, "f")] = zipf(_distinct(fake.first_name_female, _GIVEN_POOL), offset=15.0)
        family[locale.faker] = zipf(_distinct(fake.last_name, _FAMILY_POOL), offset=40.0)
        companies[locale.faker] = zipf(_distinct(fake.company, _COMPANY_POOL), offset=30.0)
        jobs[locale.faker] = zipf(_distinct(fake.job, _JOB_POOL), offset=10.0)
        streets[locale.faker] = tuple(_distinct(fake.street_name, _STREET_POOL))
        postcodes[locale.faker] = tuple(_distinct(fake.postcode, _POSTCODE_POOL))
    return NamePools(given, family, companies, jobs, streets, postcodes)


def ascii_name(text: str) -> str:
    """'Łukasz' -> 'Lukasz', 'Müller' -> 'Muller': what an old CRM or a US keyboard makes of a name."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L").replace("ß", "ss"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def german_translit(text: str) -> str:
    """'Müller' -> 'Mueller': the German way of writing umlauts without them."""
    return text.translate(_GERMAN)


def typo(rng: random.Random, word: str) -> str:
    """One edit: a neighbouring key, a dropped, doubled or swapped letter (never the first letter)."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.35:
        near = _NEAR.get(word[i].lower())
        return word[:i] + rng.choice(near) + word[i + 1 :] if near else word[:i] + word[i + 1 :]
    if kind < 0.6:
        return word[:i] + word[i + 1 :]
    if kind < 0.8:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :] if word[i] != word[i + 1] else word[:i] + word[i + 1 :]
