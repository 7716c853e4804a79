"""Email addresses: personal, work, old, '+tag' aliases and Gmail dot variants, and household addresses.

Addresses are unique per person by their *match key* (the importer's key that ignores
'+tags' and Gmail dots), so two people never share one by accident; the only shared
addresses are the planted household ones ('smithfamily@gmail.com').
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field

from graphsvc.synth.handles import Style, slug
from graphsvc.synth.names import ascii_name
from graphsvc.synth.people import Person
from graphsvc.synth.records import Email

__all__ = ["Mailboxes", "PersonMail", "company_domain", "gravatar"]

_LEGAL = {
    "gmbh",
    "ag",
    "kg",
    "co",
    "ohg",
    "mbh",
    "inc",
    "llc",
    "ltd",
    "plc",
    "group",
    "and",
    "sons",
    "sa",
    "sl",
    "spa",
    "srl",
    "sarl",
    "sas",
    "sp",
    "z",
    "o",
    "s",
    "a",
    "ltda",
    "e",
    "k",
    "me",
    "cia",
    "et",
    "fils",
    "i",
    "y",
    "und",
    "figli",
    "c",
    "ek",
    "gbr",
    "kgaa",
    "eireli",
    "ss",
    "snc",
    "sca",
    "sc",
    "sci",
}
_WORD = re.compile(r"[a-z0-9]+")
_TAGS = ("news", "shop", "forum", "social", "promo", "x")


def company_domain(company: str, tld: str) -> str:
    """'Müller Schmidt GmbH & Co. KG' -> 'muellerschmidt.de'-like: the domain of a work address."""
    words = [w for w in _WORD.findall(ascii_name(company).lower()) if w not in _LEGAL][:2] or ["company"]
    name = ("-" if len(words) > 1 and len("".join(words)) > 14 else "").join(words)[:40].strip("-")
    return f"{name}{tld}"


def gravatar(address: str) -> str:
    """The Gravatar URL of an address: the same picture wherever a site uses Gravatar."""
    return f"https://www.gravatar.com/avatar/{hashlib.md5(address.encode()).hexdigest()}?s=200&d=identicon"


def _match_key(address: str) -> str:
    # Mirrors normalize_email's match key for the plain ASCII addresses synth makes; the writer checks
    # every address it writes against the importer's own function (validating all is slow).
    local, _, domain = address.partition("@")
    local = local.split("+", 1)[0]
    if domain in {"gmail.com", "googlemail.com"}:
        return f"{local.replace('.', '')}@gmail.com"
    return f"{local}@{domain}"


@dataclass(slots=True)
class PersonMail:
    personal: Email
    work: Email | None = None
    old: Email | None = None
    variants: list[Email] = field(default_factory=list)  # '+tag' aliases and dot variants of the personal one
    household: Email | None = None  # shared with the partner; owned by this person

    def all(self) -> list[Email]:
        found = [self.personal, self.work, self.old, *self.variants, self.household]
        return [e for e in found if e is not None]


class Mailboxes:
    """Hands out addresses; an address's match key belongs to one person (or one household)."""

    def __init__(self) -> None:
        self.owner: dict[str, int] = {}

    @staticmethod
    def _email(rng: random.Random, address: str, key: str, owner: int) -> Email:
        local, _, domain = address.partition("@")
        raw = address if rng.random() < 0.94 else f"{local[:1].upper()}{local[1:]}@{domain.capitalize()}"
        return Email(address, key, raw, owner)

    def _claim(self, rng: random.Random, person: int, local: str, domain: str) -> Email:
        for attempt in range(80):
            candidate = local if attempt == 0 else f"{local}{rng.randrange(1, 10 ** (1 + attempt // 10))}"
            address = f"{candidate}@{domain}"
            key = _match_key(address)
            if self.owner.setdefault(key, person) == person:
                return self._email(rng, address, key, person)
        raise RuntimeError(f"no free address like {local}@{domain}")

    def for_person(self, rng: random.Random, person: Person, styles: list[Style], partner: Person | None) -> PersonMail:
        free = person.locale.free_mail
        weights = [5.0, *[5.0 / max(1, len(free) - 1)] * (len(free) - 1)]
        style = styles[0] if rng.random() < 0.5 else rng.choice(styles)
        domain = rng.choices(free, weights=weights)[0]
        mail = PersonMail(self._claim(rng, person.index, _local(style, rng), domain))
        if person.company:
            given, family = slug(person.given.split()[0]), slug(person.surname)
            local = rng.choice((f"{given}.{family}", f"{given[:1]}{family}", f"{given}", f"{given[:1]}.{family}"))
            mail.work = self._claim(
                rng, person.index, local or "info", company_domain(person.company, person.locale.tld)
            )
        if rng.random() < 0.35:
            mail.old = self._claim(rng, person.index, _local(rng.choice(styles), rng), rng.choice(free))
        local, _, domain = mail.personal.address.partition("@")
        if rng.random() < 0.15:
            mail.variants.append(self._claim(rng, person.index, f"{local}+{rng.choice(_TAGS)}", domain))
        if domain == "gmail.com" and rng.random() < 0.15:
            dotted = (
                local.replace(".", "") if "." in local else (local[:1] + "." + local[1:] if len(local) > 2 else local)
            )
            if dotted != local:
                mail.variants.append(self._claim(rng, person.index, dotted, domain))
        if partner is not None:
            family = slug(person.surname)
            local = rng.choice(
                (f"{family}family", f"the{family}s", f"{slug(person.given)}and{slug(partner.given)}", f"{family}.home")
            )
            mail.household = self._claim(rng, person.index, local, rng.choices(free, weights=weights)[0])
        return mail


def _local(style: Style, rng: random.Random) -> str:
    sep = style.sep if style.sep in {".", "_", "-"} or rng.random() < 0.5 else rng.choice((".", ""))
    parts = [p for p in style.parts if p]
    return (sep.join(parts) + style.digits).strip("._-") or "mail"
