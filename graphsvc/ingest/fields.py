"""What each import kind expects, and the conversion of one record into one row for Cypher.

A converter validates and normalises a record; a bad value raises ``InputError``
naming file, line and column and what was expected. Converted rows carry a
``hash`` of their content, so that re-importing an unchanged record changes
nothing in the graph (not even its import time).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from graphsvc.errors import InputError
from graphsvc.ingest import normalize as norm
from graphsvc.ingest.enrich import BrandTerms, enrich
from graphsvc.ingest.readers import Record

__all__ = ["COLUMNS", "EDGE_TYPES", "KINDS", "ConvertOptions", "convert"]

#: The relationship types an edges file may name (allow-list; the Cypher per type is fixed).
EDGE_TYPES = {"FOLLOWS": "follows", "FRIENDS_WITH": "friends_with", "CONNECTED_TO": "connected_to"}

#: Accepted columns per kind: (column, required, what is expected). docs/importing.md's tables mirror this.
COLUMNS: dict[str, list[tuple[str, bool, str]]] = {
    "contacts": [
        ("source", True, "CRM name, e.g. salesforce (or give --source)"),
        ("source_id", True, "the record's id in that CRM"),
        ("name", False, "full name"),
        ("given_name", False, "given name (else split from name)"),
        ("family_name", False, "family name (else split from name)"),
        ("email", False, "email address(es), ';'-separated"),
        ("phone", False, "phone number(s), ';'-separated; national numbers use --region"),
        ("company", False, "organisation name"),
        ("title", False, "job title"),
        ("city", False, "city"),
        ("country", False, "country name or ISO code"),
        ("street", False, "street address"),
        ("postcode", False, "postal code"),
        ("region", False, "state, province or county"),
        ("birth_date", False, "date of birth, YYYY-MM-DD or YYYYMMDD"),
        ("updated_at", False, "ISO 8601 time the CRM last changed the record"),
    ],
    "identities": [
        ("platform", False, f"one of {sorted(norm.KNOWN_PLATFORMS)} (else taken from a profile URL)"),
        ("handle", True, "handle, profile URL, email or phone"),
        ("display_name", False, "name shown on the profile"),
        ("bio", False, "profile text"),
        ("location", False, "free-text location"),
        ("url", False, "website"),
        ("avatar_url", False, "picture URL"),
        ("followers", False, "integer >= 0"),
        ("following", False, "integer >= 0"),
        ("verified", False, "true/false"),
        ("lang", False, "language code"),
        ("updated_at", False, "ISO 8601 time"),
        ("contact_source", False, "with contact_id: the CRM contact that states this identity"),
        ("contact_id", False, "with contact_source"),
    ],
    "edges": [
        ("src_platform", False, "platform of the source (else from its URL)"),
        ("src_handle", True, "source handle or URL"),
        ("dst_platform", False, "platform of the target (else from its URL)"),
        ("dst_handle", True, "target handle or URL"),
        ("type", True, f"one of {sorted(EDGE_TYPES)}"),
        ("since", False, "ISO 8601 date or time"),
        ("weight", False, "number >= 0"),
    ],
    "posts": [
        ("platform", True, "platform of the post"),
        ("post_id", True, "the post's id on that platform"),
        ("author", True, "author handle or URL"),
        ("text", False, "the text"),
        ("created_at", True, "ISO 8601 time"),
        ("url", False, "link to the post"),
        ("lang", False, "language code"),
        ("reply_to", False, "post_id this replies to"),
        ("share_of", False, "post_id this shares"),
        ("mentions", False, "handles mentioned (JSON list, or ';'-separated in CSV)"),
        ("hashtags", False, "tags without '#' (JSON list, or ';'-separated in CSV)"),
    ],
}
KINDS = tuple(COLUMNS)


@dataclass(frozen=True)
class ConvertOptions:
    default_region: str | None = "US"
    source: str | None = None  # fills a missing contacts 'source'
    brands: BrandTerms | None = None  # tracked brands, for the brand mentions of posts
    vocabulary: frozenset[str] = frozenset()  # known topics, found as words in a post's text


# -- value helpers -------------------------------------------------------------------------------
def _text(record: Record, column: str, *, required: bool = False) -> str | None:
    value = record.fields.get(column)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError("a value is required", where=record.where(column))
        return None
    if not isinstance(value, str | int | float):
        raise InputError(f"expected text, got {type(value).__name__}", where=record.where(column))
    return str(value).strip()


def _integer(record: Record, column: str) -> int | None:
    text = _text(record, column)
    if text is None:
        return None
    try:
        value = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        value = -1.0
    if not (value >= 0 and value.is_integer()):
        raise InputError(f"expected a whole number >= 0, got {text!r}", where=record.where(column))
    return int(value)


def _number(record: Record, column: str) -> float | None:
    text = _text(record, column)
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"expected a number >= 0, got {text!r}", where=record.where(column)) from None
    if not value >= 0 or value == float("inf"):
        raise InputError(f"expected a number >= 0, got {text!r}", where=record.where(column))
    return value


_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


def _boolean(record: Record, column: str) -> bool | None:
    value = record.fields.get(column)
    if isinstance(value, bool):
        return value
    text = _text(record, column)
    if text is None:
        return None
    if text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    raise InputError(f"expected true or false, got {text!r}", where=record.where(column))


def _timestamp(record: Record, column: str, *, required: bool = False) -> datetime | None:
    text = _text(record, column, required=required)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError:
            raise InputError(
                f"expected an ISO 8601 date or time like 2026-01-31T12:00:00Z, got {text!r}", where=record.where(column)
            ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _birth_date(record: Record, column: str) -> str | None:
    text = _text(record, column)
    if text is None:
        return None
    compact = text.replace("-", "")
    try:
        if not (compact.isdigit() and len(compact) == 8):
            raise ValueError
        born = date(int(compact[:4]), int(compact[4:6]), int(compact[6:]))
    except ValueError:
        raise InputError(
            f"expected a date of birth like 1815-12-10 or 18151210, got {text!r}", where=record.where(column)
        ) from None
    if born > date.today():
        raise InputError(f"expected a date of birth in the past, got {text!r}", where=record.where(column))
    return born.isoformat()


def _list(record: Record, column: str) -> list[str]:
    value = record.fields.get(column)
    if value is None or value == "":
        return []
    if isinstance(value, list):
        if not all(isinstance(item, str) for item in value):
            raise InputError("expected a list of strings", where=record.where(column))
        return [item.strip() for item in value if item.strip()]
    if isinstance(value, str):
        return [item.strip() for item in value.split(";") if item.strip()]
    raise InputError(f"expected a list of strings, got {type(value).__name__}", where=record.where(column))


def _handle(record: Record, handle_column: str, platform_column: str | None) -> norm.Handle:
    raw = _text(record, handle_column, required=True)
    platform = _text(record, platform_column) if platform_column else None
    try:
        return norm.parse_handle(raw or "", platform.lower() if platform else None)
    except InputError as exc:
        raise InputError(exc.reason, where=record.where(handle_column)) from None


def _checked(record: Record, column: str, fn: Callable[[str], Any], raw: str) -> Any:
    try:
        return fn(raw)
    except InputError as exc:
        raise InputError(exc.reason, where=record.where(column)) from None


def _digest(row: dict[str, Any]) -> str:
    text = json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


# -- converters -----------------------------------------------------------------------------------
def _contact(record: Record, options: ConvertOptions) -> dict[str, Any]:
    source = _text(record, "source") or options.source
    if not source:
        raise InputError("a value is required (or pass --source)", where=record.where("source"))
    source_id = _text(record, "source_id", required=True)
    name, given, family = _text(record, "name"), _text(record, "given_name"), _text(record, "family_name")
    parsed = (
        norm.normalize_name(name or " ".join(p for p in (given, family) if p)) if (name or given or family) else None
    )
    points = [
        {"platform": "email", "key": email.address, "matchKey": email.match_key, "raw": raw}
        for raw in _list(record, "email")
        for email in [_checked(record, "email", norm.normalize_email, raw)]
    ]
    points += [
        {"platform": "phone", "key": key, "matchKey": key, "raw": raw}
        for raw in _list(record, "phone")
        for key in [_checked(record, "phone", lambda r: norm.normalize_phone(r, options.default_region), raw)]
    ]
    company = _text(record, "company")
    props = {
        "name": parsed.full if parsed else None,
        "givenName": given or (parsed.given if parsed else None) or None,
        "familyName": family or (parsed.family if parsed else None) or None,
        "nameKey": parsed.key if parsed else None,
        "company": company,
        "title": _text(record, "title"),
        "city": norm.normalize_location(_text(record, "city")),
        "country": _text(record, "country"),
        "street": norm.normalize_location(_text(record, "street")),
        "postcode": _text(record, "postcode"),
        "region": _text(record, "region"),
        "birthDate": _birth_date(record, "birth_date"),
        "updatedAt": _timestamp(record, "updated_at"),
    }
    row = {
        "source": source,
        "sourceId": source_id,
        "props": props,
        "points": points,
        "org": {"key": norm.fold(company), "name": company} if company else None,
    }
    row["hash"] = _digest(row)
    return row


def _identity(record: Record, options: ConvertOptions) -> dict[str, Any]:
    raw = _text(record, "handle", required=True) or ""
    platform = (_text(record, "platform") or "").lower() or None
    if platform == "phone":
        handle = norm.Handle(
            "phone", _checked(record, "handle", lambda r: norm.normalize_phone(r, options.default_region), raw)
        )
    else:
        handle = _handle(record, "handle", "platform")
    match_key = norm.normalize_email(raw).match_key if handle.platform == "email" else handle.key
    display = _text(record, "display_name")
    props = {
        "raw": raw,
        "matchKey": match_key,
        "displayName": display,
        "nameKey": norm.fold(display) if display else None,
        "bio": _text(record, "bio"),
        "location": norm.normalize_location(_text(record, "location")),
        "url": _text(record, "url"),
        "avatarUrl": _text(record, "avatar_url"),
        "followers": _integer(record, "followers"),
        "following": _integer(record, "following"),
        "verified": _boolean(record, "verified"),
        "lang": _text(record, "lang"),
        "updatedAt": _timestamp(record, "updated_at"),
    }
    contact_source, contact_id = _text(record, "contact_source"), _text(record, "contact_id")
    if bool(contact_source) != bool(contact_id):
        column = "contact_id" if contact_source else "contact_source"
        raise InputError("contact_source and contact_id go together: give both or neither", where=record.where(column))
    row = {
        "platform": handle.platform,
        "key": handle.key,
        "props": props,
        "contact": {"source": contact_source, "sourceId": contact_id} if contact_source else None,
    }
    row["hash"] = _digest(row)
    return row


def _edge(record: Record, options: ConvertOptions) -> dict[str, Any]:
    kind = (_text(record, "type", required=True) or "").upper()
    if kind not in EDGE_TYPES:
        raise InputError(f"expected one of {sorted(EDGE_TYPES)}, got {kind!r}", where=record.where("type"))
    src = _handle(record, "src_handle", "src_platform")
    dst = _handle(record, "dst_handle", "dst_platform")
    return {
        "type": kind,
        "sp": src.platform,
        "sk": src.key,
        "dp": dst.platform,
        "dk": dst.key,
        "since": _timestamp(record, "since"),
        "weight": _number(record, "weight"),
    }


def _post(record: Record, options: ConvertOptions) -> dict[str, Any]:
    platform = (_text(record, "platform", required=True) or "").lower()
    author = _checked(
        record, "author", lambda r: norm.parse_handle(r, platform), _text(record, "author", required=True) or ""
    )
    mentions = [
        _checked(record, "mentions", lambda r: norm.parse_handle(r, platform), m).key for m in _list(record, "mentions")
    ]
    text = _text(record, "text") or ""
    found = enrich(
        text,
        hashtags=[tag.lstrip("#") for tag in _list(record, "hashtags")],
        lang=_text(record, "lang"),
        brands=options.brands,
        vocabulary=options.vocabulary,
    )
    props = {
        "text": text,
        "createdAt": _timestamp(record, "created_at", required=True),
        "url": _text(record, "url"),
        **found.as_props(),
    }
    return {
        "platform": platform,
        "postId": _text(record, "post_id", required=True),
        "author": author.key,
        "props": props,
        "replyTo": _text(record, "reply_to"),
        "shareOf": _text(record, "share_of"),
        "mentions": sorted(set(mentions)),
        "hashtags": found.topics,
        "brands": found.brands,
    }


_CONVERTERS: dict[str, Callable[[Record, ConvertOptions], dict[str, Any]]] = {
    "contacts": _contact,
    "identities": _identity,
    "edges": _edge,
    "posts": _post,
}


def convert(kind: str, record: Record, options: ConvertOptions) -> dict[str, Any]:
    """The Cypher row for ``record``; raises ``InputError`` naming the place of a bad value."""
    if "__error__" in record.fields:
        raise InputError(str(record.fields["__error__"]), where=record.where())
    return _CONVERTERS[kind](record, options)
