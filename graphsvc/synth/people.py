"""The hidden truth: people, their communities and households, before any account is made.

Everything later (accounts, contacts, edges, posts) is derived from these records, and
the truth files are written from them, so the ground truth is exact by construction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import accumulate

from graphsvc.synth.catalog import TOPICS
from graphsvc.synth.names import COMMON_NAMES, NICKNAMES, NamePools, Weighted, zipf
from graphsvc.synth.places import LOCALES, City, Locale

__all__ = ["Community", "Person", "make_communities", "make_people"]

PEOPLE_PER_COMMUNITY = 200
INFLUENCER_SHARE, CELEBRITY_SHARE = 0.01, 0.002
_COMMON_SHARE, _NICKNAME_SHARE, _HOUSEHOLD_SHARE, _MOVED_SHARE = 0.035, 0.15, 0.03, 0.04
#: A grown-up child of the person before (when that one is old enough): same family name and home,
#: another given name, or now and then the parent's own ('Jr.').
_CHILD_SHARE, _JUNIOR_SHARE = 0.03, 0.15
_TOPIC_LIST = list(TOPICS)
_LOCALE_CUM = tuple(accumulate(locale.share for locale in LOCALES))
_LANG_OF = {
    "en_US": "en",
    "en_GB": "en",
    "de_DE": "de",
    "fr_FR": "fr",
    "es_ES": "es",
    "it_IT": "it",
    "pl_PL": "pl",
    "pt_BR": "pt",
}
_FORMAL = {
    (lang, gender): [formal for formal, g, lg, _ in NICKNAMES if lg == lang and g == gender]
    for lang in set(_LANG_OF.values())
    for gender in "mf"
}
_NICKS = {formal: nicks for formal, _, _, nicks in NICKNAMES}


@dataclass(slots=True)
class Community:
    index: int
    id: str  # 'c0001'
    topics: tuple[str, ...]  # first is the main one
    home: int  # index into LOCALES of most members


@dataclass(slots=True)
class Person:
    index: int
    id: str  # 'p000001'
    locale: Locale
    gender: str
    given: str
    family: str  # all surnames: 'García López', 'da Mata Barros'
    surname: str  # the one used on its own: 'García', 'da Mata' (= family for most)
    nick: str  # a nickname of the given name ('' when it has none)
    city: City
    old_city: City | None  # where a person who moved lived: some stale profiles still say so
    company: str
    title: str
    birth_year: int
    community: int
    common: bool = False  # a planted very common name
    partner: int = -1  # household partner whose email this person shares (-1: none)
    household: int = -1  # index of the household's first member (-1: lives alone as far as synth says)
    parent: int = -1  # index of the parent this person is a grown-up child of (-1: none)
    street: str = ""  # home address, shared by a household
    postcode: str = ""
    birth_date: str = ""  # YYYY-MM-DD
    role: str = "regular"  # 'regular' | 'influencer' | 'celebrity'
    strength: float = 0.0  # how much engagement an influencer attracts
    popularity: float = 1.0  # how likely others are to follow
    mood: float = 0.0  # -1 (complainer) .. 1 (enthusiast)

    @property
    def full_name(self) -> str:
        return f"{self.given} {self.family}"


def make_communities(rng: random.Random, people: int) -> tuple[list[Community], tuple[float, ...]]:
    """About one community per 200 people, of heavy-tailed sizes; returns them and cumulative size weights."""
    count = max(1, round(people / PEOPLE_PER_COMMUNITY))
    communities = []
    for index in range(count):
        main = rng.randrange(len(_TOPIC_LIST))
        # Neighbours in TOPICS are related (the dict is grouped by theme): 'running' goes with 'marathon'.
        near = sorted({_TOPIC_LIST[(main + rng.randint(-3, 3)) % len(_TOPIC_LIST)] for _ in range(rng.randint(1, 2))})
        topics = (_TOPIC_LIST[main], *[t for t in near if t != _TOPIC_LIST[main]])
        home = rng.choices(range(len(LOCALES)), cum_weights=_LOCALE_CUM)[0]
        communities.append(Community(index, f"c{index + 1:04d}", topics, home))
    sizes = [min(30.0, rng.paretovariate(1.4)) for _ in range(count)]
    return communities, tuple(accumulate(sizes))


def _name(rng: random.Random, pools: NamePools, locale: Locale, gender: str) -> tuple[str, str, str, bool]:
    common = COMMON_NAMES[locale.faker]
    if rng.random() < _COMMON_SHARE:
        candidates = [c for c in common if c[2] == gender] or list(common)
        given, family, _ = rng.choices(candidates, weights=[1 / (r + 1) for r in range(len(candidates))])[0]
        return given, family, family, True
    formal = _FORMAL.get((_LANG_OF[locale.faker], gender), [])
    given = (
        rng.choice(formal)
        if formal and rng.random() < _NICKNAME_SHARE
        else pools.given[(locale.faker, gender)].pick(rng)
    )
    surname = family = pools.family[locale.faker].pick(rng)
    if locale.country in {"ES", "BR"} and rng.random() < 0.4:  # two surnames, often only the first is used online
        family = f"{surname} {pools.family[locale.faker].pick(rng)}"
    return given, family, surname, False


def _city(rng: random.Random, cities: dict[str, Weighted], locale: Locale) -> City:
    name = cities[locale.faker].pick(rng)
    return next(c for c in locale.cities if c.name == name)


def _address(rng: random.Random, pools: NamePools, locale: Locale) -> tuple[str, str]:
    """A home address: the number before the street name in English, after it elsewhere."""
    street, number = rng.choice(pools.streets[locale.faker]), rng.randint(1, 240)
    written = f"{number} {street}" if locale.lang == "en" else f"{street} {number}"
    return written, rng.choice(pools.postcodes[locale.faker])


def make_people(
    rng: random.Random,
    count: int,
    pools: NamePools,
    communities: list[Community],
    community_cum: tuple[float, ...],
    homes: random.Random,
) -> list[Person]:
    """``count`` people with names, places, jobs and communities.

    Households: a partner (3%) shares the home, the city and often the family name; a grown-up child
    (3% of those old enough) shares the family name and the home, and now and then the parent's given
    name too; they differ in their dates of birth. Homes, dates of birth and children come from their
    own random stream (``homes``), so that everything else is what it would be without them.
    """
    cities = {locale.faker: zipf([c.name for c in locale.cities], offset=2.5) for locale in LOCALES}
    people: list[Person] = []
    for index in range(count):
        community = rng.choices(range(len(communities)), cum_weights=community_cum)[0]
        partner = people[-1] if people and people[-1].partner < 0 and rng.random() < _HOUSEHOLD_SHARE else None
        if partner is not None:
            partner.partner = -2  # taken: the email owner is the earlier one
            locale, gender = partner.locale, "f" if partner.gender == "m" else "m"
        else:
            home = communities[community].home
            locale = LOCALES[home] if rng.random() < 0.6 else rng.choices(LOCALES, cum_weights=_LOCALE_CUM)[0]
            gender = rng.choice("mf")
        given, family, surname, common = _name(rng, pools, locale, gender)
        if partner is not None and rng.random() < 0.7:
            family, surname = partner.family, partner.surname
        city = partner.city if partner is not None else _city(rng, cities, locale)
        old_city = None
        if rng.random() < _MOVED_SHARE and len(locale.cities) > 1:
            old_city = rng.choice([c for c in locale.cities if c != city])
        employed = rng.random() < 0.78
        people.append(
            Person(
                index=index,
                id=f"p{index + 1:06d}",
                locale=locale,
                gender=gender,
                given=given,
                family=family,
                surname=surname,
                nick=rng.choice(_NICKS[given]) if given in _NICKS else "",
                city=city,
                old_city=old_city,
                company=pools.companies[locale.faker].pick(rng) if employed else "",
                title=pools.jobs[locale.faker].pick(rng) if employed else "",
                birth_year=rng.randint(1955, 2004),
                community=community,
                common=common,
                partner=partner.index if partner is not None else -1,
                mood=max(-1.0, min(1.0, rng.gauss(0.1, 0.4))),
            )
        )
        _settle(homes, pools, people, partner)
    for person in people:
        if person.partner == -2:
            person.partner = -1
    _assign_roles(rng, people)
    return people


def _settle(homes: random.Random, pools: NamePools, people: list[Person], partner: Person | None) -> None:
    """The newest person's home and date of birth; now and then they are the grown-up child of the
    person before (their locale, family name and home, born 20-36 years later)."""
    person = people[-1]
    parent = people[-2] if partner is None and len(people) > 1 and people[-2].birth_year <= 1984 else None
    if parent is not None and homes.random() < _CHILD_SHARE:
        person.locale, person.parent = parent.locale, parent.index
        person.family, person.surname, person.city, person.common = parent.family, parent.surname, parent.city, False
        person.old_city = None
        if parent.gender == person.gender and homes.random() < _JUNIOR_SHARE:
            person.given = parent.given
        else:
            person.given = pools.given[(parent.locale.faker, person.gender)].pick(homes)
        person.nick = homes.choice(_NICKS[person.given]) if person.given in _NICKS else ""
        person.birth_year = parent.birth_year + homes.randint(20, 36)
    else:
        parent = None
    person.birth_date = f"{person.birth_year}-{homes.randint(1, 12):02d}-{homes.randint(1, 28):02d}"
    elder = partner or parent
    if elder is not None:
        elder.household = elder.household if elder.household >= 0 else elder.index
        person.household, person.street, person.postcode = elder.household, elder.street, elder.postcode
    else:
        person.street, person.postcode = _address(homes, pools, person.locale)


def _assign_roles(rng: random.Random, people: list[Person]) -> None:
    """~1% influencers (engagement magnets) and ~0.2% celebrities (followed a lot, engaged with little)."""
    order = list(range(len(people)))
    rng.shuffle(order)
    influencers = max(1, round(len(people) * INFLUENCER_SHARE))
    celebrities = max(1, round(len(people) * CELEBRITY_SHARE)) if len(people) > influencers else 0
    for rank, index in enumerate(order):
        person = people[index]
        if rank < influencers:
            person.role, person.strength = "influencer", min(40.0, rng.paretovariate(1.2))
            person.popularity = 12.0 * min(20.0, rng.paretovariate(1.5))
        elif rank < influencers + celebrities:
            person.role, person.popularity = "celebrity", 120.0 * min(20.0, rng.paretovariate(1.2))
        else:
            person.popularity = min(60.0, rng.paretovariate(2.0))
