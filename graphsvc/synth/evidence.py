"""The promise behind the truth: every record shares some real evidence with the rest of its person.

Evidence is what a resolver can see: the same email match key, phone, username core
(handle without separators and digits, also an email's local part), exact name with
city or with employer, avatar (not a default one), website, or a profile or address
named in a bio. Per person, records that share evidence are joined; a record left
alone gets a link a person would plausibly write ('also on x.com/jsmith' in a bio,
or the address in the CRM). Evidence can be *ambiguous*: 'johnsmith' or
'john smith|london' is shared with other people, which is what makes the hard cases hard.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from graphsvc.ingest.normalize import fold
from graphsvc.synth.people import Person
from graphsvc.synth.profiles import DEFAULT_AVATARS, Profiles, profile_url
from graphsvc.synth.records import Account, Contact, Email

__all__ = ["EvidenceReport", "ensure_evidence"]

_NOISE = re.compile(r"[._\-+]+|\d+")
_NOT_NAME = re.compile(r"[^a-z ]+")
_PARTICLES = frozenset({"da", "das", "de", "del", "della", "di", "do", "dos", "du", "la", "le", "van", "von", "y"})
_DECORATION = re.compile(r"\s*(\(.*?\)|\|.*|,.*|\bdr\.?\s|\bphd\b)", re.IGNORECASE)
_LINK_WORDS = ("also on", "more at", "find me at", "elsewhere:")

Record = Account | Contact


@dataclass
class EvidenceReport:
    linked: int  # records added a link so that their person's records are all connected
    hard: int  # records whose every link to their person is shared with other people
    records: int


def _core(text: str) -> str:
    return _NOISE.sub("", text)


@lru_cache(maxsize=1 << 18)
def _name(text: str) -> str:
    """'Dr. John Smith (he/him) 🏃' -> 'john smith': the name a resolver would compare."""
    text = "".join(ch for ch in _DECORATION.sub(" ", f" {text}") if ch.isalpha() or ch in " -.'")
    return " ".join(_NOT_NAME.sub(" ", fold(text)).split())


@lru_cache(maxsize=1 << 16)
def _place(text: str) -> str:
    return _name(text.split(",")[0])


def _as_email(row: Account) -> Email:
    return Email(row.key, row.match_key, row.raw, row.person)


def _email_tokens(email: Email) -> Iterable[str]:
    yield f"i:email:{email.address}"
    yield f"e:{email.match_key}"
    local = email.address.split("@")[0].split("+")[0]
    yield f"h:{local}"
    if len(_core(local)) >= 4:
        yield f"u:{_core(local)}"


def _name_tokens(name: str, place: str, company: str) -> Iterable[str]:
    """A full name alone (rare names identify), with the city or the employer, and usernames it suggests."""
    if len(name.split()) < 2:
        return
    words = [w for w in name.split() if w not in _PARTICLES] or name.split()
    yield f"n:{name}"
    if place:
        yield f"nc:{name}|{place}"
    if company:
        yield f"cn:{name}|{company}"
    for family in {words[1 if len(words) > 1 else 0], words[-1]}:
        given = words[0]
        yield from (
            f"u:{given}{family}",
            f"u:{given[0]}{family}",
            f"u:{family}{given}",
            f"u:{given}{family[0]}",
            f"u:{family}{given[0]}",
        )


def _tokens(record: Record, person: Person) -> set[str]:
    company = fold(person.company)
    if isinstance(record, Contact):
        found: set[str] = set()
        for email in record.emails:
            found.update(_email_tokens(email))
        found.update(f"p:{e164}" for _, e164 in record.phones)
        name = _name(
            f"{record.given} {record.family}"
            if record.given or record.family
            else " ".join(reversed(record.name.split(", ", 1)))
        )
        found.update(_name_tokens(name, _place(record.city), fold(record.company)))
        return found
    found = {f"i:{record.ref}", *(f"i:{link}" for link in record.links)}
    if record.platform == "email":
        found.update(_email_tokens(Email(record.key, record.match_key, record.raw, record.person)))
    elif not record.key.isdigit():
        found.add(f"h:{record.key}")  # the same username elsewhere ('jsmith84' here and at gmail.com)
        if len(_core(record.key)) >= 4:
            found.add(f"u:{_core(record.key)}")  # or a variant of it ('john.smith' and 'johnsmith84')
    found.update(
        _name_tokens(
            _name(record.display_name),
            _place(record.location),
            company if company and company in fold(record.bio) else "",
        )
    )
    if record.avatar and record.avatar not in DEFAULT_AVATARS:
        found.add(f"a:{record.avatar}")
    if record.url and not record.links:
        found.add(f"w:{record.url}")
    return found


def _components(tokens: list[set[str]]) -> list[int]:
    parent = list(range(len(tokens)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, found in enumerate(tokens):
        for token in sorted(found):
            j = first.setdefault(token, i)
            parent[root(i)] = root(j)
    return [root(i) for i in range(len(tokens))]


def _target_text(record: Record) -> tuple[str, str]:
    """(text to write in a bio, 'platform:key' it names) for a record another one should point to."""
    if isinstance(record, Contact):
        email = record.emails[0]
        return f"✉ {email.address}", f"email:{email.address}"
    if record.platform == "email":
        return f"✉ {record.key}", record.ref
    return profile_url(record.platform, record.key), record.ref


def _join(rng: random.Random, person: Person, main: list[Record], other: list[Record], named: bool) -> None:
    """Make ``other`` (a group of one person's records) share evidence with ``main``.

    ``named``: ``main`` shows the person's plain full name, so writing it on an account of
    ``other`` joins them too: weaker evidence than a link (and ambiguous for common names).
    """
    rows = [r for r in other if isinstance(r, Account)]
    if named and rows and rng.random() < 0.25:
        rows[0].display_name = person.full_name
        return

    def social(group: list[Record]) -> list[Account]:
        return [r for r in group if isinstance(r, Account) and r.platform != "email"]

    def rank(r: Record) -> int:  # point at a profile first, then an email row, then a contact's address
        return 0 if isinstance(r, Account) and r.platform != "email" else (1 if isinstance(r, Account) else 2)

    for source, targets in ((social(other), main), (social(main), other)):
        if source:
            account = rng.choice(source)
            text, ref = _target_text(min(targets, key=rank))
            account.bio = f"{account.bio} {rng.choice(_LINK_WORDS)} {text}".strip()
            account.links.append(ref)
            return

    def split(group: list[Record]) -> tuple[list[Contact], list[Account]]:
        return [r for r in group if isinstance(r, Contact)], [r for r in group if isinstance(r, Account)]

    (main_contacts, main_rows), (other_contacts, other_rows) = split(main), split(other)
    if main_contacts and other_rows:  # the CRM also holds the address the person signed up with
        main_contacts[0].emails.append(_as_email(other_rows[0]))
    elif other_contacts and main_rows:
        other_contacts[0].emails.append(_as_email(main_rows[0]))
    elif main_contacts and other_contacts:
        other_contacts[0].emails.append(main_contacts[0].emails[0])
    else:  # sign-up addresses and nothing else: both were given with the full name and the city
        for row in (main_rows[0], other_rows[0]):
            row.display_name, row.location = person.full_name, person.city.name


def ensure_evidence(
    rng: random.Random, people: list[Person], profiles: Profiles, contacts: list[Contact]
) -> EvidenceReport:
    """Join each person's records by evidence (adding links where needed); count the ambiguous ones."""
    by_person: list[list[Contact]] = [[] for _ in people]
    for contact in contacts:
        by_person[contact.person].append(contact)
    linked = 0
    evidence: list[list[set[str]]] = []
    for person in people:
        records: list[Record] = [
            *(profiles.accounts[i] for i in profiles.by_person[person.index]),
            *by_person[person.index],
        ]
        for _ in range(len(records) + 1):  # each round joins two groups of records
            tokens = [_tokens(r, person) for r in records]
            roots = _components(tokens)
            if len(set(roots)) <= 1:
                evidence.append(tokens)
                break
            sizes = {root: roots.count(root) for root in roots}
            main_root = max(roots, key=lambda root: (sizes[root], -roots.index(root)))
            other_root = next(root for root in roots if root != main_root)
            name = f"n:{_name(person.full_name)}"
            named = any(name in t for t, g in zip(tokens, roots, strict=True) if g == main_root)
            _join(
                rng,
                person,
                [r for r, g in zip(records, roots, strict=True) if g == main_root],
                [r for r, g in zip(records, roots, strict=True) if g == other_root],
                named,
            )
            linked += 1
        else:
            raise RuntimeError(f"could not join the records of {person.id}")  # every _join joins: a bug
    return EvidenceReport(linked=linked, hard=_hard(people, evidence), records=sum(len(e) for e in evidence))


def _hard(people: list[Person], evidence: list[list[set[str]]]) -> int:
    """Records of multi-record persons whose every token shared within the person is also someone else's."""
    owner: dict[str, int] = {}
    for person, found in zip(people, evidence, strict=True):
        for tokens in found:
            for token in tokens:
                if owner.setdefault(token, person.index) != person.index:
                    owner[token] = -1
    hard = 0
    for found in evidence:
        if len(found) < 2:
            continue
        for i, tokens in enumerate(found):
            shared = {t for j, other in enumerate(found) if j != i for t in tokens & other}
            if shared and all(owner[t] == -1 for t in shared):
                hard += 1
    return hard
