"""Usernames: the variants people pick (jsmith, john.smith, johnsmith84, smith_j), per platform rules.

Each person has a few *styles* (parts, separator, digits). A platform renders a style
with the characters it allows, and a registry hands out each key once per platform:
the second John Smith on Twitter gets 'johnsmith84' or 'johnsmith_7', as in life.
Every key satisfies the platform's rule; ``PLATFORM_RULES`` is the contract the tests check.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from typing import NamedTuple

from graphsvc.synth.names import ascii_name, german_translit
from graphsvc.synth.people import Person

__all__ = ["PLATFORM_RULES", "SOCIAL_PLATFORMS", "Registry", "Style", "present", "slug", "styles_of"]

#: Social platforms in output order, and the rule each key (lower-cased, without '@' or URL) must satisfy.
PLATFORM_RULES: dict[str, re.Pattern[str]] = {
    "twitter": re.compile(r"[a-z0-9_]{1,15}"),
    "facebook": re.compile(r"[a-z0-9.]{5,50}"),
    "linkedin": re.compile(r"[a-z0-9-]{3,100}"),
    "instagram": re.compile(r"[a-z0-9_.]{1,30}"),
    "github": re.compile(r"[a-z0-9](?:[a-z0-9-]{0,37}[a-z0-9])?"),
    "forum": re.compile(r"[a-z0-9_.-]{2,40}"),
}
SOCIAL_PLATFORMS = tuple(PLATFORM_RULES)
_MAX = {"twitter": 15, "facebook": 50, "linkedin": 100, "instagram": 30, "github": 39, "forum": 40}
_MIN = {"twitter": 1, "facebook": 5, "linkedin": 3, "instagram": 1, "github": 1, "forum": 2}
_SEP = {  # the separator a platform uses instead of one it does not allow
    "twitter": {".": "_", "-": "_"},
    "github": {".": "-", "_": "-"},
    "facebook": {"_": ".", "-": "."},
    "linkedin": {".": "-", "_": "-"},
    "instagram": {"-": "_"},
    "forum": {},
}
_WORDS = (
    "the",
    "real",
    "its",
    "hey",
    "mr",
    "dev",
    "codes",
    "runs",
    "bakes",
    "travels",
    "photo",
    "official",
    "xo",
    "life",
    "studio",
    "writes",
    "eats",
    "makes",
    "on",
    "daily",
)
_LETTERS = re.compile(r"[^a-z]")
_URLS = {
    "twitter": ("https://x.com/{}", "https://twitter.com/{}", "x.com/{}", "https://mobile.twitter.com/{}"),
    "facebook": ("https://www.facebook.com/{}", "https://facebook.com/{}", "https://m.facebook.com/{}", "fb.com/{}"),
    "linkedin": (
        "https://www.linkedin.com/in/{}",
        "https://www.linkedin.com/in/{}/",
        "linkedin.com/in/{}",
        "https://uk.linkedin.com/in/{}",
    ),
    "instagram": ("https://instagram.com/{}", "https://www.instagram.com/{}/", "instagram.com/{}"),
    "github": ("https://github.com/{}", "github.com/{}"),
}
#: How often a raw handle is written plain, with '@', or as a profile URL (the rest).
_FORMS = {
    "twitter": (0.5, 0.25),
    "facebook": (0.45, 0.0),
    "linkedin": (0.4, 0.0),
    "instagram": (0.55, 0.25),
    "github": (0.6, 0.1),
    "forum": (0.8, 0.2),
}


class Style(NamedTuple):  # a tuple: people x styles is a lot of objects
    parts: tuple[str, ...]  # ('john', 'smith')
    sep: str  # '', '.', '_', '-'
    digits: str  # '84', ''


@lru_cache(maxsize=1 << 16)
def slug(text: str) -> str:
    """Lower-case ASCII letters only: 'Ana Belén' -> 'anabelen'."""
    return _LETTERS.sub("", ascii_name(text).lower())


def styles_of(rng: random.Random, person: Person) -> list[Style]:
    """The username styles a person uses; the first is their favourite, reused on most platforms."""
    given = slug(person.given.split()[0]) or "x"
    umlauts = person.locale.country == "DE" and rng.random() < 0.5  # 'mueller' rather than 'muller'
    family = slug(german_translit(person.surname) if umlauts else person.surname) or "x"
    if person.family != person.surname and rng.random() < 0.3:
        family = slug(person.family) or family
    nick = slug(person.nick)
    yy, sep = f"{person.birth_year % 100:02d}", rng.choice(("", "", ".", "_", "-"))
    candidates = [
        (Style((given, family), sep, ""), 6.0),
        (Style((given[0], family), "", ""), 3.0),
        (Style((given, family), sep, yy), 3.0),
        (Style((family, given[0]), rng.choice(("", "_")), ""), 1.5),
        (Style((given, family[0]), "", ""), 1.0),
        (Style((given[0], family), "", yy), 1.5),
        (Style((family, given), sep, ""), 1.0),
        (Style((rng.choice(_WORDS), nick or given), rng.choice(("", "_")), ""), 1.0),
        (Style((nick or given, rng.choice(_WORDS)), rng.choice(("", "_", ".")), ""), 1.0),
    ]
    if nick:
        candidates += [(Style((nick, family), sep, ""), 3.0), (Style((nick, family), "", yy), 1.0)]
    styles = [s for s, _ in candidates]
    favourite = rng.choices(styles, weights=[w for _, w in candidates])[0]
    return [favourite, *[s for s in styles if s != favourite]]


def _render(style: Style, platform: str, extra: str = "") -> str:
    sep = _SEP[platform].get(style.sep, style.sep)
    parts = [p for p in style.parts if p]
    digits = style.digits + extra
    text = sep.join(parts) + digits
    if len(text) > _MAX[platform] and len(parts) > 1:  # long names: 'christopherwilliamson' -> 'cwilliamson'
        text = sep.join([parts[0][0], *parts[1:]]) + digits
    if len(text) > _MAX[platform]:
        text = text[: _MAX[platform] - len(digits)] + digits
    text = text.strip("._-")
    while len(text) < _MIN[platform]:
        text += "0"
    return text


class Registry:
    """Hands out each key once per platform, so handles are unique within a platform."""

    def __init__(self) -> None:
        self.taken: dict[str, set[str]] = {platform: set() for platform in SOCIAL_PLATFORMS}

    def claim(self, rng: random.Random, platform: str, style: Style) -> str:
        taken = self.taken[platform]
        for attempt in range(60):
            if attempt == 0:
                extra = ""
            elif platform == "linkedin" and attempt < 40:
                extra = f"-{rng.getrandbits(32):08x}" if attempt % 2 else f"-{rng.randint(1, 99)}"
            else:
                width = 1 + min(4, attempt // 8)
                extra = ("_" if platform in {"twitter", "instagram"} and attempt % 3 == 0 else "") + str(
                    rng.randrange(10 ** (width - 1), 10**width)
                )
            key = _render(style, platform, extra)
            if key not in taken and PLATFORM_RULES[platform].fullmatch(key):
                taken.add(key)
                return key
        raise RuntimeError(f"no free {platform} handle for {style}")  # 60 random suffixes all taken: a bug

    def claim_numeric_facebook(self, rng: random.Random) -> str:
        """A profile without a username: Facebook shows its numeric id (profile.php?id=...)."""
        while True:
            key = str(100000000000000 + rng.randrange(10**14))
            if key not in self.taken["facebook"]:
                self.taken["facebook"].add(key)
                return key


def present(rng: random.Random, platform: str, key: str) -> str:
    """The handle as a source writes it: plain, '@Name', or a profile URL, sometimes in mixed case."""
    if platform == "facebook" and key.isdigit():
        return f"https://www.facebook.com/profile.php?id={key}"
    shown = key
    if platform in {"twitter", "instagram", "github"} and rng.random() < 0.15:
        shown = re.sub(r"(^|[._-])([a-z])", lambda m: m.group(1) + m.group(2).upper(), key)
    plain, at = _FORMS[platform]
    draw = rng.random()
    if draw < plain:
        return shown
    if draw < plain + at or platform not in _URLS:
        return f"@{shown}"
    return rng.choice(_URLS[platform]).format(shown)
