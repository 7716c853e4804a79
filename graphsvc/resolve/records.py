"""The records identity resolution works on, built from graph rows by pure functions.

A *record* is one Contact or one Identity. Before any matching, a Contact and the email
and phone Identities its CRM states (``HAS``) form one *unit*: the CRM says they are the
same person, so they are never split. Everything a comparison needs is precomputed here
once (folded names, tokens, phonetic keys, handles without separators, links found in
bios), so scoring millions of pairs does no parsing.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jellyfish

from graphsvc.errors import InputError
from graphsvc.ingest.normalize import fold, parse_handle

__all__ = [
    "SOCIAL",
    "Record",
    "contact_record",
    "family_tokens",
    "identity_record",
    "keep_rare_bio_terms",
    "name_usernames",
    "pair_id",
    "record_key",
    "username_numbers",
]

#: Platforms whose key is a chosen username (comparable across platforms).
SOCIAL = frozenset({"twitter", "facebook", "linkedin", "instagram", "github", "forum", "mastodon", "reddit"})

_LINK = re.compile(
    r"(?:https?://)?(?:www\.|m\.|mobile\.)?(?:x\.com|twitter\.com|facebook\.com|linkedin\.com/in|instagram\.com|github\.com)"
    r"/@?[A-Za-z0-9_.\-]+",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_NOT_NAME = re.compile(r"[^a-z ]+")
#: What display names carry besides the name: '(she/her)', '[Acme]', '| Marketing', ' · Founder'.
_DECORATION = re.compile(r"\([^)]*\)|\[[^\]]*\]|\s[|·•]\s?.*$|\s[|·•]$")
_SEPARATORS = re.compile(r"[._\-]+")
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[a-z]{4,}")
#: The number a username ends with, when it may be a year: two digits, or four starting 19 or 20.
_NUMBER = re.compile(r"(?<![0-9])(?:19|20)?([0-9]{2})$")
_LINKEDIN_SUFFIX = re.compile(r"-[0-9a-f]{8}$")  # the id LinkedIn appends to a taken vanity name


def record_key(kind: str, source: str, key: str) -> str:
    """'identity:twitter:ada' or 'contact:salesforce:003A': the id of a record everywhere in resolution."""
    return f"{kind}:{source}:{key}"


def pair_id(a: str, b: str) -> str:
    """The stable id of the pair of record keys ``a`` and ``b`` (order does not matter)."""
    low, high = sorted((a, b))
    return "m-" + hashlib.blake2b(f"{low}|{high}".encode(), digest_size=8).hexdigest()


def member_of(key: str) -> dict[str, str]:
    """A record key as the ``{kind, source, key}`` the resolve queries look nodes up by."""
    kind, source, record = key.split(":", 2)
    return {"kind": kind, "source": source, "key": record}


@dataclass(slots=True)
class Record:
    key: str
    kind: str  # 'contact' | 'identity'
    source: str  # CRM name for contacts, platform for identities
    name: str = ""  # folded full name ('' when unknown)
    given: str = ""
    family: str = ""
    tokens: frozenset[str] = frozenset()
    phonetic: str = ""  # metaphone of the family name (or the last name token)
    handle: str = ""  # social username, lower-case
    handle_core: str = ""  # without separators and digits: 'john.smith84' -> 'johnsmith'
    emails: frozenset[str] = frozenset()  # email match keys
    email_locals: frozenset[str] = frozenset()  # their local parts without separators
    phones: frozenset[str] = frozenset()
    city: str = ""  # folded first part of the location ('London, UK' -> 'london')
    country: str = ""
    company: str = ""
    street: str = ""  # folded street address
    postcode: str = ""
    birth: str = ""  # YYYYMMDD
    avatar: str = ""
    numbers: frozenset[str] = frozenset()  # two-digit numbers its usernames end with ('jsmith84' -> '84')
    links: frozenset[str] = frozenset()  # record keys of identities this one points to (bio, url)
    ties: frozenset[str] = frozenset()  # its rare connections (person ids where resolved, else identity keys)
    bio: str = ""
    bio_terms: frozenset[str] = frozenset()  # the bio's rarer words (see ``keep_rare_bio_terms``)
    followers: int = 0
    display: dict[str, Any] = field(default_factory=dict)  # original values, for the review queue


#: Honorifics and suffixes that display names carry but names do not ('Dr', 'PhD').
_NOT_NAME_PARTS = frozenset(
    {
        "dr",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "prof",
        "sir",
        "phd",
        "md",
        "mba",
        "msc",
        "bsc",
        "jr",
        "sr",
        "ii",
        "iii",
        "iv",
        "esq",
        "cpa",
        "pmp",
    }
)


def _name_parts(name: str | None, given: str | None = None, family: str | None = None) -> tuple[str, str, str]:
    shown = _DECORATION.sub(" ", name) if name else " ".join(p for p in (given, family) if p)
    words = _NOT_NAME.sub(" ", fold(shown)).split()
    full = [w for w in words if w not in _NOT_NAME_PARTS]
    if not full:
        return "", "", ""
    g = fold(given).split()[0] if given and fold(given) else full[0]
    f = fold(family).split()[-1] if family and fold(family) else (full[-1] if len(full) > 1 else "")
    return " ".join(full), g, f


def _location(text: str | None) -> str:
    first = (text or "").split(",")[0]
    return _NOT_NAME.sub(" ", fold(first)).strip()


def _core(handle: str) -> str:
    """'john.smith84' -> 'johnsmith'; LinkedIn's id suffix goes too ('anna-schmidt-f8224be2' -> 'annaschmidt',
    not 'annaschmidtfbe', which reads as merely similar to every other 'annaschmidt')."""
    return _DIGITS.sub("", _SEPARATORS.sub("", _LINKEDIN_SUFFIX.sub("", handle)))


def local_core(email: str) -> str:
    """An email's local part as usernames are compared: without separators and digits."""
    return _core(email.split("@")[0])


def username_numbers(*usernames: str) -> frozenset[str]:
    """The numbers the usernames end with, as two digits: 'jsmith84', 'john.smith1984' and 'jsmith_84' give
    '84' (mostly a birth year, which people reuse across accounts); 'jsmith7' and 'jsmith123' give nothing."""
    found = set()
    for username in usernames:
        match = _NUMBER.search(_LINKEDIN_SUFFIX.sub("", username))
        if match:
            found.add(match.group(1))
    return frozenset(found)


def _links(*texts: str | None) -> frozenset[str]:
    found: set[str] = set()
    for text in texts:
        if not text:
            continue
        for match in _LINK.finditer(text):
            try:
                handle = parse_handle(match.group(0).rstrip("."))
            except InputError:
                continue
            found.add(record_key("identity", handle.platform, handle.key))
        for match in _EMAIL.finditer(text):
            found.add(record_key("identity", "email", match.group(0).lower()))
    return frozenset(found)


def family_tokens(record: Record) -> list[str]:
    """The family name and the other tokens after the given name (double surnames, maiden names)."""
    if not record.given:
        return []
    tokens = [t for t in record.name.split() if len(t) > 1 and t != record.given]
    return sorted({record.family, *tokens} - {""})


def name_usernames(record: Record, *, family_alone: bool = False) -> set[str]:
    """Usernames people make from their name, for every family-name token ('debora frias tejada' gives
    'deborafrias' as well as 'deboratejada'): johnsmith, smithjohn, jsmith, johns, smithj (and 'smith')."""
    g = record.given
    found: set[str] = set()
    for f in family_tokens(record):
        found.update((g + f, f + g, g[0] + f, g + f[0], f + g[0]))
        if family_alone:
            found.add(f)
    return found


def _with_name(record: Record, name: str | None, given: str | None = None, family: str | None = None) -> None:
    record.name, record.given, record.family = _name_parts(name, given, family)
    record.tokens = frozenset(record.name.split())
    record.phonetic = jellyfish.metaphone(record.family) if record.family else ""


def identity_record(row: Mapping[str, Any]) -> Record:
    """A record from an Identity's properties (``platform``, ``key``, ``matchKey``, ``displayName``, ...)."""
    platform, key = row["platform"], row["key"]
    record = Record(key=record_key("identity", platform, key), kind="identity", source=platform)
    _with_name(record, row.get("displayName"))
    if platform in SOCIAL:
        record.handle, record.handle_core = key, _core(key)
        record.numbers = username_numbers(key)
    elif platform == "email":
        match_key = row.get("matchKey") or key
        record.emails = frozenset({match_key})
        record.email_locals = frozenset({local_core(match_key)})
        record.numbers = username_numbers(match_key.split("@")[0])
    elif platform == "phone":
        record.phones = frozenset({key})
    record.city = _location(row.get("location"))
    record.avatar = row.get("avatarUrl") or ""
    record.bio = fold(row.get("bio"))
    record.bio_terms = frozenset(_WORD.findall(record.bio))
    record.links = _links(row.get("bio"), row.get("url")) - {record.key}
    record.followers = int(row.get("followers") or 0)
    record.display = {
        k: row.get(k)
        for k in (
            "platform",
            "key",
            "displayName",
            "bio",
            "location",
            "url",
            "avatarUrl",
            "followers",
            "updatedAt",
            "importedAt",
        )
    }
    return record


def contact_record(row: Mapping[str, Any], points: Iterable[Mapping[str, Any]] = ()) -> Record:
    """A record from a Contact's properties and the email/phone identities it HAS."""
    record = Record(key=record_key("contact", row["source"], row["sourceId"]), kind="contact", source=row["source"])
    _with_name(record, row.get("name"), row.get("givenName"), row.get("familyName"))
    emails = {p.get("matchKey") or p["key"] for p in points if p["platform"] == "email"}
    record.emails = frozenset(emails)
    record.email_locals = frozenset(local_core(e) for e in emails)
    record.numbers = username_numbers(*(e.split("@")[0] for e in emails))
    record.phones = frozenset(p["key"] for p in points if p["platform"] == "phone")
    record.city = _location(row.get("city"))
    record.country = fold(row.get("country"))
    record.company = fold(row.get("company"))
    record.street = fold(row.get("street"))
    record.postcode = fold(row.get("postcode")).replace(" ", "")
    record.birth = (row.get("birthDate") or "").replace("-", "")
    record.display = {
        k: row.get(k)
        for k in ("source", "sourceId", "name", "company", "title", "city", "country", "updatedAt", "importedAt")
    }
    return record


def keep_rare_bio_terms(records: Sequence[Record], share: float = 0.005) -> None:
    """Keep in each record's ``bio_terms`` only the words at most ``share`` of the bios hold (at least two).

    'enthusiast', 'love' and 'coffee' are in thousands of bios; 'kubernetes', 'marathon' or an employer's
    name in a few: only those say anything about who wrote them.
    """
    counts: Counter[str] = Counter(term for record in records for term in record.bio_terms)
    bios = sum(1 for record in records if record.bio_terms)
    limit = max(2, int(share * bios))
    for record in records:
        if record.bio_terms:
            record.bio_terms = frozenset(t for t in record.bio_terms if counts[t] <= limit)
