"""Pure normalisation functions: emails, phones, handles and profile URLs, names, locations.

Each function takes raw text and returns a canonical value, or raises ``InputError``
whose ``reason`` names the value and the form that was expected (the importer adds
file, line and column). Nothing here touches the database, so everything is unit-
and property-tested in ``tests/ingest/test_normalize.py``.

Two keys per email: the *address* (the original, only case- and IDN-normalised) is
what we store and show; the *match key* also drops plus-tags and Gmail's ignored
dots, and is used only for matching identities to each other.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import email_validator
import phonenumbers
from anyascii import anyascii
from nameparser import HumanName

from graphsvc.errors import InputError

__all__ = [
    "KNOWN_PLATFORMS",
    "Email",
    "Handle",
    "Name",
    "fold",
    "normalize_email",
    "normalize_location",
    "normalize_name",
    "normalize_phone",
    "parse_handle",
]

#: Platforms with a handle syntax we check; any other lower-case slug (e.g. 'mastodon') is accepted as is.
HANDLE_RULES: dict[str, tuple[re.Pattern[str], str]] = {
    "twitter": (re.compile(r"[a-z0-9_]{1,15}"), "1-15 letters, digits or '_'"),
    "instagram": (re.compile(r"[a-z0-9_.]{1,30}"), "1-30 letters, digits, '_' or '.'"),
    "github": (re.compile(r"[a-z0-9](?:[a-z0-9-]{0,37}[a-z0-9])?"), "1-39 letters, digits or inner '-'"),
    "linkedin": (re.compile(r"[a-z0-9%-][a-z0-9%_-]{2,99}"), "3-100 letters, digits or '-'"),
    "facebook": (re.compile(r"[a-z0-9.]{5,50}"), "5-50 letters, digits or '.' (or a numeric profile id)"),
}
KNOWN_PLATFORMS = frozenset({"email", "phone", "web", "forum", *HANDLE_RULES})
_PLATFORM_ALIASES = {"x": "twitter", "fb": "facebook", "ig": "instagram", "mail": "email", "tel": "phone"}
_SLUG = re.compile(r"[a-z][a-z0-9_-]{1,30}")

_HOSTS = {
    "x.com": "twitter",
    "twitter.com": "twitter",
    "mobile.twitter.com": "twitter",
    "mobile.x.com": "twitter",
    "facebook.com": "facebook",
    "m.facebook.com": "facebook",
    "fb.com": "facebook",
    "web.facebook.com": "facebook",
    "linkedin.com": "linkedin",
    "instagram.com": "instagram",
    "github.com": "github",
}
# First path segments that are pages of the platform, not profiles.
_RESERVED = {
    "twitter": {"home", "i", "intent", "search", "hashtag", "share", "explore", "settings", "notifications"},
    "facebook": {"groups", "pages", "events", "watch", "marketplace", "sharer", "sharer.php", "photo.php", "story.php"},
    "instagram": {"p", "reel", "reels", "explore", "stories", "accounts"},
    "github": {"orgs", "topics", "settings", "marketplace", "explore", "features", "about", "login"},
}
_GMAIL = {"gmail.com", "googlemail.com"}
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Email:
    address: str  # lower-cased, IDN domain in Unicode NFC: what we store and show
    match_key: str  # also without '+tag' (and dots for Gmail): what matching compares


@dataclass(frozen=True, slots=True)
class Handle:
    platform: str
    key: str


@dataclass(frozen=True, slots=True)
class Name:
    full: str  # the name without honorifics or suffixes, in NFC with single spaces
    given: str
    family: str
    middle: str
    key: str  # fold(full): accent-, case- and script-insensitive, for blocking and comparison


#: Unicode categories fold drops: symbols (emoji, dingbats), format characters (zero-width joiners),
#: private use and surrogates. anyascii would spell them out ('🌱' -> ':seedling:'), and a name decorated
#: with an emoji ('Kim Yates 🌱') must fold to the same key as the plain one.
_SYMBOLS = frozenset({"So", "Sk", "Cf", "Co", "Cs"})


def fold(text: str | None) -> str:
    """Case-, accent- and script-insensitive form without emoji: 'Łukasz  MÜLLER 🌱' -> 'lukasz muller'."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = "".join(ch for ch in text if unicodedata.category(ch) not in _SYMBOLS and not "\ufe00" <= ch <= "\ufe0f")
    return _SPACES.sub(" ", anyascii(text).casefold()).strip()


def _clean(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


# -- email -----------------------------------------------------------------------------------------
def normalize_email(raw: str) -> Email:
    """Validate an address (syntax only, no network) and derive its stored form and match key."""
    text = _clean(raw).removeprefix("mailto:")
    try:
        parsed = email_validator.validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except email_validator.EmailNotValidError as exc:
        raise InputError(f"expected an email address like name@example.com, got {raw!r} ({exc})") from None
    local, domain = parsed.local_part.casefold(), parsed.domain.casefold()
    match_local = local.split("+", 1)[0] or local
    if domain in _GMAIL:
        match_local, domain_key = match_local.replace(".", ""), "gmail.com"
    else:
        domain_key = domain
    return Email(address=f"{local}@{domain}", match_key=f"{match_local}@{domain_key}")


# -- phone ------------------------------------------------------------------------------------------
def normalize_phone(raw: str, region: str | None = "US") -> str:
    """E.164 form of a phone number; national numbers are read in ``region`` (ISO 3166 alpha-2)."""
    text = raw.strip()
    try:
        number = phonenumbers.parse(text, (region or "").upper() or None)
    except phonenumbers.NumberParseException as exc:
        hint = "" if text.startswith("+") or region else " (national numbers need a default region)"
        raise InputError(f"expected a phone number like +44 20 7946 0958, got {raw!r}: {exc}{hint}") from None
    if not phonenumbers.is_valid_number(number):
        where = phonenumbers.region_code_for_number(number) or region or "any region"
        raise InputError(f"expected a valid phone number, got {raw!r} (not a valid number for {where})")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# -- handles and profile URLs ------------------------------------------------------------------------
def canonical_platform(name: str) -> str:
    """'X' -> 'twitter'; any other lower-case slug passes; anything else is an error."""
    platform = _PLATFORM_ALIASES.get(name.strip().lower(), name.strip().lower())
    if platform not in KNOWN_PLATFORMS and not _SLUG.fullmatch(platform):
        raise InputError(f"expected a platform such as {', '.join(sorted(KNOWN_PLATFORMS))}, got {name!r}")
    return platform


def _looks_like_url(text: str) -> bool:
    return "://" in text or text.lower().startswith("www.") or text.split("/", 1)[0].lower() in _HOSTS


def _from_url(text: str) -> Handle:
    url = urlsplit(text if "://" in text else f"https://{text}")
    host = (url.hostname or "").lower().removeprefix("www.")
    host = "linkedin.com" if host.endswith(".linkedin.com") else host
    platform = _HOSTS.get(host)
    segments = [s for s in url.path.split("/") if s]
    if platform is None:
        if not host or "." not in host:
            raise InputError(f"expected a profile URL, got {text!r}")
        path = "/".join(segments)
        return Handle("web", f"{host}/{path}".rstrip("/") if path else host)
    if platform == "facebook" and segments[:1] == ["profile.php"]:
        ids = parse_qs(url.query).get("id", [])
        if not ids or not ids[0].isdigit():
            raise InputError(f"expected facebook.com/profile.php?id=<number>, got {text!r}")
        return Handle("facebook", ids[0])
    if platform == "facebook" and segments[:1] == ["people"] and len(segments) >= 3 and segments[2].isdigit():
        return Handle("facebook", segments[2])
    if platform == "linkedin":
        if len(segments) < 2 or segments[0] not in {"in", "pub"}:
            raise InputError(f"expected a linkedin.com/in/<name> profile URL, got {text!r}")
        return Handle("linkedin", _checked_handle("linkedin", segments[1], text))
    if not segments or segments[0].lower() in _RESERVED.get(platform, set()):
        raise InputError(f"expected a {platform} profile URL like https://{host}/<name>, got {text!r}")
    return Handle(platform, _checked_handle(platform, segments[0], text))


def _checked_handle(platform: str, handle: str, raw: str) -> str:
    key = unicodedata.normalize("NFC", handle.strip().removeprefix("@")).casefold()
    rule = HANDLE_RULES.get(platform)
    if rule is not None:
        if not rule[0].fullmatch(key):
            raise InputError(f"expected a {platform} handle of {rule[1]}, got {raw!r}")
        return key
    if not key or any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in key):
        raise InputError(f"expected a {platform} handle without spaces, got {raw!r}")
    return key


def parse_handle(raw: str, platform: str | None = None) -> Handle:
    """A platform and a canonical key from a handle ('@Ada'), an email or phone, or a profile URL.

    ``platform`` is required for bare handles; a profile URL names its own (and must agree
    with ``platform`` when both are given). URLs of unknown sites become platform 'web'.
    """
    text = raw.strip()
    if not text:
        raise InputError("expected a handle or profile URL, got an empty value")
    wanted = canonical_platform(platform) if platform else None
    if wanted == "email":
        return Handle("email", normalize_email(text).address)
    if wanted == "phone":
        return Handle("phone", normalize_phone(text, None))
    if _looks_like_url(text):
        handle = _from_url(text)
        if wanted and wanted != handle.platform and wanted != "web":
            raise InputError(f"expected a {wanted} handle or profile URL, got a {handle.platform} URL {raw!r}")
        return handle
    if wanted is None:
        if "@" in text.strip("@"):
            return Handle("email", normalize_email(text).address)
        raise InputError(f"cannot tell the platform of {raw!r}: give a platform or a profile URL")
    return Handle(wanted, _checked_handle(wanted, text, raw))


# -- names and locations ---------------------------------------------------------------------------
def normalize_name(raw: str) -> Name:
    """Split a personal name, dropping honorifics ('Dr.', 'Mrs') and suffixes ('Jr.', 'PhD')."""
    text = _clean(raw)
    if not text:
        raise InputError("expected a name, got an empty value")
    parsed = HumanName(text)
    given, middle, family = parsed.first, parsed.middle, parsed.last
    if not (given or family):  # only a title, e.g. 'Dr.': keep what was written
        given = text
    full = " ".join(part for part in (given, middle, family) if part)
    return Name(full=full, given=given, family=family, middle=middle, key=fold(full))


def normalize_location(raw: str | None) -> str | None:
    """Free text kept as written, only trimmed and with single spaces; None when empty."""
    if raw is None:
        return None
    text = _clean(raw)
    return text or None
