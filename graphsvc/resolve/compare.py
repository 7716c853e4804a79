"""Pairwise comparison: each candidate pair becomes one level per comparison.

The levels are what the Fellegi-Sunter model (``model.py``) learns match weights for;
level 0 of every comparison means "nothing to compare" (a value missing on either side)
and weighs nothing. Everything here is a pure function of two ``Record``s.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import JaroWinkler

from graphsvc.resolve.blocking import canonical_given_names
from graphsvc.resolve.records import SOCIAL, Record

__all__ = [
    "COMPARISONS",
    "EMAIL",
    "NAME",
    "PHONE",
    "PLATFORM",
    "USERNAME",
    "Comparison",
    "compare",
    "given_names_differ",
    "local_part_names",
    "same_person_names",
    "username_fits_name",
]


@dataclass(frozen=True)
class Comparison:
    name: str
    levels: tuple[str, ...]  # levels[0] is always 'missing'

    def level(self, name: str) -> int:
        return self.levels.index(name)


COMPARISONS: tuple[Comparison, ...] = (
    Comparison("email", ("missing", "same email", "different emails")),
    Comparison("phone", ("missing", "same phone", "different phones")),
    Comparison(
        "username",
        (
            "missing",
            "same username",
            "similar username",
            "same username made from the name",
            "different usernames",
            "different usernames, each made from the name",
        ),
    ),
    Comparison(
        "name",
        (
            "missing",
            "same name",
            "nickname, initial or extra name",
            "similar name (typo, transliteration)",
            "same family name only",
            "username matches name",
            "different names",
        ),
    ),
    Comparison("location", ("missing", "same city", "different cities")),
    Comparison("link", ("missing", "one profile links to the other", "both link to the same profile")),
    Comparison("avatar", ("missing", "same picture", "different pictures")),
    Comparison("company", ("missing", "same company", "different companies")),
    Comparison("platform", ("missing", "two accounts on the same platform")),
    Comparison(
        "birth date",
        ("missing", "same birth date", "birth date one typo or day/month swapped", "different birth dates"),
    ),
    Comparison("address", ("missing", "same street address", "similar street address", "different addresses")),
    Comparison("postcode", ("missing", "same postcode", "different postcodes")),
    Comparison(
        "bio", ("missing", "bios share 2 or more rare words", "bios share a rare word", "bios share no rare word")
    ),
    Comparison("number", ("missing", "usernames end with the same number (or the birth year)", "different numbers")),
    Comparison(
        "connections",
        ("missing", "share 3 or more rare connections", "share 1 or 2 rare connections", "no connection in common"),
    ),
)
_INDEX = {comparison.name: index for index, comparison in enumerate(COMPARISONS)}
USERNAME, NAME = _INDEX["username"], _INDEX["name"]  # their agreement levels get term-frequency adjustments
PLATFORM, EMAIL, PHONE = _INDEX["platform"], _INDEX["email"], _INDEX["phone"]


def _email(a: Record, b: Record) -> int:
    if not (a.emails and b.emails):
        return 0
    return 1 if a.emails & b.emails else 2


def _phone(a: Record, b: Record) -> int:
    if not (a.phones and b.phones):
        return 0
    return 1 if a.phones & b.phones else 2


def _username(a: Record, b: Record) -> int:
    left = {a.handle_core} if a.handle_core else set(a.email_locals)
    right = {b.handle_core} if b.handle_core else set(b.email_locals)
    left.discard("")
    right.discard("")
    if not (left and right) or not (a.handle_core or b.handle_core):
        return 0
    shared = {x for x in left & right if len(x) >= 4}
    if shared:
        # 'annanowak' says little beyond the name 'Anna Nowak' that many people share
        made_from_name = any(username_fits_name(x, a) or username_fits_name(x, b) for x in shared)
        return 3 if made_from_name else 1
    best = max(JaroWinkler.similarity(x, y) for x in left for y in right)
    if best >= 0.92:
        return 2
    # 'isabelle.seguin' and 'seguin_isabelle@': people vary how they write their name from platform to platform
    for named, other in ((a, b), (b, a)):
        if (
            named.name
            and (not other.name or same_person_names(a, b))
            and any(username_fits_name(x, named) for x in left)
            and any(username_fits_name(y, named) for y in right)
        ):
            return 5
    return 4


def username_fits_name(handle: str, named: Record) -> bool:
    """'jsmith', 'smithj', 'johnsmith' fit John Smith (any family-name token: 'deborafrias' fits
    Débora Frías Tejada)."""
    g = named.given
    if not (g and named.family and handle):
        return False
    families = {named.family, *(t for t in named.tokens if len(t) > 1 and t != g)}
    return any(handle in {g + f, f + g, g[0] + f, g + f[0], f + g[0], f} for f in families)


def _usernames(record: Record) -> set[str]:
    return {record.handle_core, *record.email_locals} - {""}


def _name(a: Record, b: Record) -> int:
    if not (a.name and b.name):
        named, other = (a, b) if a.name else (b, a)
        if named.name and any(username_fits_name(x, named) for x in _usernames(other)):
            return 5
        return 0
    if a.name == b.name or a.tokens == b.tokens:
        return 1
    if len(a.tokens) == 1 or len(b.tokens) == 1:  # a given name alone ('Ryan'): fits 'Ryan Holland' or says nothing
        alone, full = (a, b) if len(a.tokens) == 1 else (b, a)
        if not _compatible(alone.given, full.given, nicknames=True):
            return 6
        # 'Penelope' whose handle is 'pbriggs' tells the rest of her name: as a nameless 'pbriggs' would
        return 5 if any(username_fits_name(x, full) for x in _usernames(alone)) else 0
    if _compatible(a.given, b.given, nicknames=True) and (
        _compatible(a.family, b.family, nicknames=False) or _contained(a.tokens, b.tokens)
    ):
        return 2
    if JaroWinkler.similarity(a.name, b.name) >= 0.93:
        return 3
    if a.family and a.family == b.family:
        return 4
    return 6


def local_part_names(local: str, named: Record) -> bool:
    """Whether an email's local part (its core) points at this person: it fits the name ('jsmith',
    'annasmith') or starts with the given name ('jadwiga', 'annas')."""
    return username_fits_name(local, named) or (len(named.given) >= 3 and local.startswith(named.given))


def given_names_differ(a: Record, b: Record) -> bool:
    """Whether both records hold given names and they cannot be one person's: not the same, an
    initial or a nickname of the other (Woldemar and Virginia; not Bob and Robert, nor J and John)."""
    return bool(a.given and b.given) and not _compatible(a.given, b.given, nicknames=True)


def same_person_names(a: Record, b: Record) -> bool:
    """Whether two named records may carry one person's name (the same, a nickname or initial, a typo)."""
    return _name(a, b) in (1, 2, 3)


def _contained(x: frozenset[str], y: frozenset[str]) -> bool:
    """One name holds every part of the other, initials matching ('joao costela' in 'joao lucas costela moreira')."""
    small, large = (x, y) if len(x) <= len(y) else (y, x)
    if len(small) < 2:
        return False
    initials = {t[0] for t in large}
    return all(t in large or (len(t) == 1 and t in initials) for t in small)


def _compatible(x: str, y: str, *, nicknames: bool) -> bool:
    """Equal, an initial of the other ('l' ~ 'lovelace'), or (given names) a nickname of it."""
    if not (x and y):
        return False
    if x == y or ((len(x) == 1 or len(y) == 1) and x[0] == y[0]):
        return True
    return nicknames and bool(canonical_given_names(x) & canonical_given_names(y))


def _location(a: Record, b: Record) -> int:
    if not (a.city and b.city):
        return 0
    return 1 if a.city == b.city or JaroWinkler.similarity(a.city, b.city) >= 0.93 else 2


def _link(a: Record, b: Record) -> int:
    if a.key in b.links or b.key in a.links:
        return 1
    if a.links & b.links:
        return 2
    return 0


def _avatar(a: Record, b: Record) -> int:
    if not (a.avatar and b.avatar):
        return 0
    return 1 if a.avatar == b.avatar else 2


def _company(a: Record, b: Record) -> int:
    if a.company and b.company:
        return 1 if a.company == b.company else 2
    if a.company and len(a.company) >= 3 and a.company in b.bio:
        return 1
    if b.company and len(b.company) >= 3 and b.company in a.bio:
        return 1
    return 0


def _platform(a: Record, b: Record) -> int:
    both_social = a.kind == b.kind == "identity" and a.source in SOCIAL
    return 1 if both_social and a.source == b.source else 0


def _birth(a: Record, b: Record) -> int:
    if not (a.birth and b.birth):
        return 0
    if a.birth == b.birth:
        return 1
    swapped = a.birth[:4] + a.birth[6:] + a.birth[4:6] == b.birth
    one_typo = len(a.birth) == len(b.birth) and sum(x != y for x, y in zip(a.birth, b.birth, strict=True)) == 1
    return 2 if swapped or one_typo else 3


def _address(a: Record, b: Record) -> int:
    if not (a.street and b.street):
        return 0
    if a.street == b.street:
        return 1
    return 2 if JaroWinkler.similarity(a.street, b.street) >= 0.9 else 3


def _postcode(a: Record, b: Record) -> int:
    if not (a.postcode and b.postcode):
        return 0
    return 1 if a.postcode == b.postcode else 2


def _bio(a: Record, b: Record) -> int:
    if not (a.bio_terms and b.bio_terms):
        return 0
    shared = len(a.bio_terms & b.bio_terms)
    return 1 if shared >= 2 else 2 if shared else 3


def _numbers_and_birth_year(record: Record) -> frozenset[str]:
    return (record.numbers | {record.birth[2:4]}) if len(record.birth) >= 4 else record.numbers


def _number(a: Record, b: Record) -> int:
    """'chloe_sanderson65' and 'csanderson65@': the year people append to their usernames, kept across accounts.

    A contact's birth year counts against a username's number; two birth dates are the birth-date
    comparison's, and two records sharing an email share its number too: neither says anything more here.
    """
    if not (a.numbers or b.numbers) or a.emails & b.emails:
        return 0
    left, right = _numbers_and_birth_year(a), _numbers_and_birth_year(b)
    if not (left and right):
        return 0
    return 1 if left & right else 2


def _connections(a: Record, b: Record) -> int:
    if not (a.ties and b.ties):
        return 0
    shared = len(a.ties & b.ties)
    return 1 if shared >= 3 else 2 if shared else 3


_FUNCTIONS = (
    _email,
    _phone,
    _username,
    _name,
    _location,
    _link,
    _avatar,
    _company,
    _platform,
    _birth,
    _address,
    _postcode,
    _bio,
    _number,
    _connections,
)


def compare(a: Record, b: Record) -> tuple[int, ...]:
    """The level of every comparison in ``COMPARISONS`` for the pair ``(a, b)``."""
    return tuple(fn(a, b) for fn in _FUNCTIONS)


def with_connections(levels: tuple[int, ...], a: Record, b: Record) -> tuple[int, ...]:
    """``levels`` with the shared-connections level compared again (after ties were mapped anew)."""
    return (*levels[:-1], _connections(a, b))
