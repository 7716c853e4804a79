"""CRM contacts: about 40% of people are in a CRM, some in two (duplicates), written the CRM way.

A CRM holds the formal name (a second CRM may hold the nickname), often without accents,
work and personal addresses, phones in national or international form, the employer
(a second CRM may still have the previous one), a city and country as typed, and often the home
address and the date of birth. A household's members share the home address and, in some of their
records, a landline and a family email address.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

from graphsvc.synth.emails import PersonMail
from graphsvc.synth.names import NamePools
from graphsvc.synth.noise import location_text, written_name
from graphsvc.synth.people import Person
from graphsvc.synth.phones import PhoneBook
from graphsvc.synth.records import Contact, Email

__all__ = ["CRMS", "make_contacts"]

#: CRM name -> share of contacts.
CRMS = {"salesforce": 0.5, "hubspot": 0.35, "pipedrive": 0.15}
_IN_CRM, _SECOND_CRM, _SAME_CRM_TWICE = 0.40, 0.13, 0.02
#: Shares of contacts holding the home address and the date of birth (B2C CRMs hold them, B2B ones seldom),
#: and of a household's contacts holding its landline.
_ADDRESS, _BIRTH_DATE, _LANDLINE = 0.45, 0.3, 0.5
_ALNUM = string.ascii_letters + string.digits


class _Ids:
    """Record ids in each CRM's own shape, unique per CRM."""

    def __init__(self) -> None:
        self.taken: set[tuple[str, str]] = set()

    def new(self, rng: random.Random, source: str) -> str:
        while True:
            if source == "salesforce":
                value = "003" + "".join(rng.choices(_ALNUM, k=15))
            elif source == "hubspot":
                value = str(rng.randrange(10**9, 10**11))
            else:
                value = str(rng.randrange(1, 10**7))
            if (source, value) not in self.taken:
                self.taken.add((source, value))
                return value


def _name_columns(rng: random.Random, person: Person, contact: Contact, nickname: float) -> None:
    given, family = written_name(rng, person, nickname=nickname, accents=0.3, typos=0.03)
    draw = rng.random()
    contact.name = f"{family}, {given}" if draw < 0.05 else ("" if draw < 0.15 else f"{given} {family}")
    if not contact.name or rng.random() < 0.8:
        contact.given, contact.family = given, family


def _emails(rng: random.Random, mail: PersonMail, partner_mail: PersonMail | None) -> list[Email]:
    chosen: list[Email] = []
    if mail.work and rng.random() < 0.7:
        chosen.append(mail.work)
    if rng.random() < 0.55 or not chosen:
        chosen.append(mail.personal if not mail.variants or rng.random() < 0.8 else rng.choice(mail.variants))
    if mail.old and rng.random() < 0.1:
        chosen.append(mail.old)
    household = partner_mail.household if partner_mail else mail.household
    if household and rng.random() < (0.8 if partner_mail else 0.5):
        chosen.append(household)
    return chosen


def _contact(
    rng: random.Random,
    homes: random.Random,
    person: Person,
    source: str,
    ids: _Ids,
    mail: PersonMail,
    partner_mail: PersonMail | None,
    phones: list[tuple[str, str]],
    pools: NamePools,
    stamp: Callable[[], str],
    duplicate: bool,
) -> Contact:
    contact = Contact(person=person.index, source=source, source_id=ids.new(rng, source), updated_at=stamp())
    _name_columns(rng, person, contact, nickname=0.35 if duplicate else 0.08)
    contact.emails = _emails(rng, mail, partner_mail)
    contact.phones = phones
    if person.company and rng.random() < 0.95:
        stale = duplicate and rng.random() < 0.15  # the other CRM still has the previous employer
        contact.company = pools.companies[person.locale.faker].pick(rng) if stale else person.company
        contact.title = person.title if rng.random() < 0.85 else ""
    if rng.random() < 0.85:
        city = location_text(rng, person.city, person.locale, "crm")
        contact.city = city.split(",")[0] if rng.random() < 0.8 else city
    draw = rng.random()
    contact.country = (
        person.locale.country if draw < 0.5 else (rng.choice(person.locale.country_names) if draw < 0.9 else "")
    )
    if person.street and homes.random() < _ADDRESS:
        contact.street = person.street
        contact.postcode = person.postcode if homes.random() < 0.85 else ""
    if person.birth_date and homes.random() < _BIRTH_DATE:
        contact.birth_date = person.birth_date
    return contact


def make_contacts(
    rng: random.Random,
    people: list[Person],
    mails: list[PersonMail],
    known: list[bool],
    pools: NamePools,
    stamp: Callable[[], str],
    homes: random.Random,
) -> list[Contact]:
    """The CRM records: ~40% of people, ~15% of them twice; households share an address and a landline.

    ``known``: whether a person has any account; those who have none are known from a CRM only.
    ``homes``: the stream that households, addresses and dates of birth draw from (so that the rest is
    drawn as it would be without them).
    """
    ids, book = _Ids(), PhoneBook()
    crms, weights = list(CRMS), list(CRMS.values())
    contacts: list[Contact] = []
    landlines: dict[int, tuple[str, str]] = {}  # household -> its home phone
    for person in people:
        chance = _IN_CRM + (0.35 if person.partner >= 0 else 0.0) + (0.1 if person.role == "influencer" else 0.0)
        drawn = rng.random()
        child_in_crm = person.parent >= 0 and homes.random() < 0.35
        if drawn >= chance and known[person.index] and not child_in_crm:
            continue
        count = (
            rng.choices((0, 1, 2), weights=(0.25, 0.6, 0.15))[0]
            if person.company
            else rng.choices((0, 1), weights=(0.3, 0.7))[0]
        )
        first_mobile = rng.random() < 0.7  # the office line comes first in some CRMs
        phones = [book.number(rng, person.locale.country, mobile=(n == 0) == first_mobile) for n in range(count)]
        home_phone: list[tuple[str, str]] = []  # the household's landline, from its own stream
        if person.household >= 0 and homes.random() < _LANDLINE:
            if person.household not in landlines:
                landlines[person.household] = book.number(homes, person.locale.country, mobile=False)
            home_phone.append(landlines[person.household])
        partner_mail = (
            mails[person.partner]
            if person.partner >= 0
            else mails[person.parent]  # a grown-up child sometimes still gives the family's address
            if person.parent >= 0 and homes.random() < 0.4
            else None
        )
        first = rng.choices(crms, weights=weights)[0]
        contacts.append(
            _contact(
                rng,
                homes,
                person,
                first,
                ids,
                mails[person.index],
                partner_mail,
                phones + home_phone,
                pools,
                stamp,
                False,
            )
        )
        draw = rng.random()
        if draw < _SECOND_CRM + _SAME_CRM_TWICE:
            second = first if draw < _SAME_CRM_TWICE else rng.choice([c for c in crms if c != first])
            # The same numbers (perhaps not all), written again the way the other CRM's user typed them.
            again = [book.rewrite(rng, e164) for _, e164 in phones[: rng.randint(max(0, len(phones) - 1), len(phones))]]
            again += [book.rewrite(homes, e164) for _, e164 in home_phone]
            contacts.append(
                _contact(rng, homes, person, second, ids, mails[person.index], partner_mail, again, pools, stamp, True)
            )
    return contacts
