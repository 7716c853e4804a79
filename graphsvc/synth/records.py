"""The rows synth writes, before they are written: identities (accounts, email sign-ups) and CRM contacts."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Account", "Contact", "Email"]


@dataclass(frozen=True, slots=True)
class Email:
    address: str  # the importer's key, normalize_email(raw).address (the writer checks it)
    match_key: str  # normalize_email(raw).match_key: equal for 'j.smith+news@gmail.com' and 'jsmith@gmail.com'
    raw: str  # as the source wrote it (sometimes in mixed case)
    owner: int  # index of the person it belongs to (a household address: the partner who set it up)


@dataclass(slots=True)
class Account:
    """One identities.csv row: a social account or an email address seen at a sign-up."""

    person: int
    platform: str
    key: str  # the key the importer stores (lower-case handle, email address): the truth key
    raw: str  # the handle column as written: 'jsmith', '@JSmith', 'https://x.com/jsmith'
    display_name: str = ""
    bio: str = ""
    location: str = ""
    url: str = ""
    avatar: str = ""
    followers: int = 0
    following: int = 0
    verified: str = ""
    lang: str = ""
    updated_at: str = ""
    match_key: str = ""  # emails only
    links: list[str] = field(default_factory=list)  # 'platform:key' of records this one's bio or url names

    @property
    def ref(self) -> str:
        return f"{self.platform}:{self.key}"


@dataclass(slots=True)
class Contact:
    """One contacts.csv row: a CRM's record of a person."""

    person: int
    source: str
    source_id: str
    name: str = ""
    given: str = ""
    family: str = ""
    emails: list[Email] = field(default_factory=list)
    phones: list[tuple[str, str]] = field(default_factory=list)  # (as written, E.164)
    company: str = ""
    title: str = ""
    city: str = ""
    country: str = ""
    street: str = ""
    postcode: str = ""
    birth_date: str = ""
    updated_at: str = ""
