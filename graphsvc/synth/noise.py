"""How a person's name and place come out on a profile: nicknames, typos, accents, decorations, gaps.

Each function draws one written form from a distribution documented in docs/synth.md;
'casual' platforms (Twitter, Instagram, forums) get more nicknames, lower case and
missing values than LinkedIn or a CRM.
"""

from __future__ import annotations

import random

from graphsvc.synth.names import ascii_name, german_translit, typo
from graphsvc.synth.people import Person
from graphsvc.synth.places import City, Locale

__all__ = ["CASUAL", "display_name", "location_text", "written_name"]

#: Platforms where people write their name loosely.
CASUAL = frozenset({"twitter", "instagram", "forum", "github", "email"})
_DECORATIONS = ("Dr. {}", "{}, PhD", "{} 🏃", "{} ✨", "{} ({pronouns})", "{} | {topic}", "{} 🌱")
_UPPERCASE_SHARE = 0.01


def _accent_variant(rng: random.Random, text: str) -> str:
    if text.isascii():
        return text
    if any(ch in text for ch in "äöüÄÖÜß") and rng.random() < 0.6:
        return german_translit(text)
    return ascii_name(text)


def written_name(
    rng: random.Random, person: Person, *, nickname: float, accents: float, typos: float
) -> tuple[str, str]:
    """(given, family) as one source writes them: maybe the nickname, no accents, one typo, one surname."""
    given = person.nick if person.nick and rng.random() < nickname else person.given
    # 'García López' -> 'García': the first surname is the one people use on their own.
    family = person.surname if person.surname != person.family and rng.random() < 0.5 else person.family
    if rng.random() < accents:
        given, family = _accent_variant(rng, given), _accent_variant(rng, family)
    if rng.random() < typos:
        if rng.random() < 0.5:
            given = typo(rng, given)
        else:
            family = typo(rng, family)
    return given, family


def display_name(rng: random.Random, person: Person, platform: str, topic: str) -> str:
    """The name on a profile ('' when missing): full, nickname, initials, decorated, lower case..."""
    casual = platform in CASUAL
    if rng.random() < (0.12 if casual else 0.02):
        return ""
    given, family = written_name(rng, person, nickname=0.35 if casual else 0.08, accents=0.25, typos=0.04)
    draw = rng.random()
    if casual and draw < 0.07:
        text = given  # first name only
    elif draw < 0.11:
        text = f"{given[0]}. {family}" if rng.random() < 0.5 else f"{given} {family[0]}."
    else:
        text = f"{given} {family}"
    draw = rng.random()
    if draw < 0.06:
        text = rng.choice(_DECORATIONS).format(
            text, topic=topic, pronouns="she/her" if person.gender == "f" else "he/him"
        )
    elif casual and draw < 0.1:
        text = text.lower()
    elif draw < 0.1 + _UPPERCASE_SHARE:
        text = text.upper()
    return text


def _with_place(rng: random.Random, city: str, region: str, locale: Locale) -> str:
    if region and rng.random() < 0.6:
        return f"{city}, {region}"
    return f"{city}, {rng.choice(locale.country_names)}"


def location_text(rng: random.Random, city: City, locale: Locale, platform: str) -> str:
    """'London', 'London, UK', 'london, england', 'Munich, Germany', 'London, England, United Kingdom'."""
    if platform == "linkedin" and rng.random() < 0.7:
        country = locale.country_names[1] if len(locale.country_names) > 1 else locale.country_names[0]
        return f"{city.name}, {city.region}, {country}" if city.region else f"{city.name}, {country}"
    name = city.name
    draw = rng.random()
    if city.other and draw < 0.2:
        name = rng.choice(city.other)
    elif draw < 0.27:
        name = ascii_name(name)
    shape = rng.random()
    if shape < 0.45:
        text = name
    elif shape < 0.85:
        text = _with_place(rng, name, city.region, locale)
    elif shape < 0.95:
        text = _with_place(rng, name, city.region, locale).lower()
    else:
        text = f"📍 {name}" if platform in {"instagram", "twitter"} else name.upper()
    return text
