"""Segments: the persons matching a marketer's filter, counted, paged and exported (CSV or JSON).

Consent always applies: people whose consent for marketing or profiling (and for the segment's own
``consent_purpose``, if given) is not granted are not in any segment. Exports leave out emails and
phones unless the caller may read PII, and every export is recorded as an access event.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from typing import Any

from graphsvc.db import Database
from graphsvc.errors import InputError
from graphsvc.service import consent
from graphsvc.service.audit import record_access
from graphsvc.service.cursors import Page, decode, encode, page_size, paginate
from graphsvc.service.values import jsonable, plain

__all__ = [
    "EXPORT_COLUMNS",
    "FORMATS",
    "Export",
    "SegmentFilter",
    "csv_cell",
    "save_segment",
    "saved_segments",
    "segment_count",
    "segment_export",
    "segment_page",
]

FORMATS = ("csv", "json")
EXPORT_COLUMNS = (
    "id",
    "name",
    "influence",
    "community",
    "platforms",
    "company",
    "title",
    "city",
    "country",
    "handles",
    "emails",
    "phones",
)
_PII_COLUMNS = ("emails", "phones")


@dataclass(frozen=True)
class SegmentFilter:
    community: str | None = None
    topic: str | None = None
    platform: str | None = None
    min_influence: float | None = None
    city: str | None = None
    has_contact: bool | None = None
    consent_purpose: str | None = None

    def params(self, consent_default: str) -> dict[str, Any]:
        if self.min_influence is not None and not 0.0 <= self.min_influence <= 1.0:
            raise InputError(f"expected a score from 0 to 1, got {self.min_influence}", where="filter.minInfluence")
        purposes = list(consent.TARGETING_PURPOSES)
        if self.consent_purpose:
            purposes.append(consent.check_purpose(self.consent_purpose, where="filter.consentPurpose"))
        return {
            "community": self.community,
            "topic": self.topic,
            "platform": self.platform.lower() if self.platform else None,
            "minInfluence": self.min_influence,
            "city": self.city.strip().lower() if self.city and self.city.strip() else None,
            "hasContact": self.has_contact,
            **consent.params(consent_default, purposes),
        }


@dataclass
class Export:
    format: str
    rows: int
    data: str
    end_cursor: str | None
    has_more: bool
    access_event: str | None


def segment_page(
    db: Database, wanted: SegmentFilter, *, first: int | None, after: str | None, consent_default: str
) -> Page:
    size = page_size(first)
    key = decode(after, "segment")
    rows = db.read(
        "api.segment_rows",
        after=key[0] if key else "",
        limit=size + 1,
        export=False,
        pii=False,
        **wanted.params(consent_default),
    )
    return paginate([plain(r["person"]) for r in rows], size, "segment", lambda row: [row["id"]])


def segment_count(db: Database, wanted: SegmentFilter, *, consent_default: str) -> int:
    return int(db.read("api.segment_count", **wanted.params(consent_default))[0]["total"])


def _export_row(row: dict[str, Any], pii: bool) -> dict[str, Any]:
    person, contact = row["person"], row["contact"] or {}
    out = {
        "id": person["id"],
        "name": person.get("name"),
        "influence": person.get("influence"),
        "community": person.get("community"),
        "platforms": person.get("platforms") or [],
        "company": contact.get("company"),
        "title": contact.get("title"),
        "city": contact.get("city"),
        "country": contact.get("country"),
        "handles": row["handles"] or [],
    }
    if pii:
        out.update(emails=sorted(row["emails"] or []), phones=sorted(row["phones"] or []))
    return out


#: A text cell starting with one of these is a formula to a spreadsheet (CSV injection, OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: lists joined by ';', formula-like text led by a quote."""
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row[c]) for c in columns])
    return buffer.getvalue()


def segment_export(
    db: Database,
    wanted: SegmentFilter,
    *,
    fmt: str,
    pii: bool,
    consent_default: str,
    max_rows: int,
    after: str | None = None,
    api_key_id: str | None = None,
    user: str | None = None,
) -> Export:
    """Up to ``max_rows`` members after ``after`` as CSV or JSON; PII columns only when ``pii``."""
    if fmt not in FORMATS:
        raise InputError(f"expected one of {', '.join(FORMATS)}, got {fmt!r}", where="format")
    key = decode(after, "segment")
    rows = db.read(
        "api.segment_rows",
        after=key[0] if key else "",
        limit=max_rows + 1,
        export=True,
        pii=pii,
        **wanted.params(consent_default),
    )
    has_more = len(rows) > max_rows
    shaped = [_export_row(plain(r), pii) for r in rows[:max_rows]]
    columns = [c for c in EXPORT_COLUMNS if pii or c not in _PII_COLUMNS]
    data = _csv(shaped, columns) if fmt == "csv" else json.dumps(jsonable(shaped), ensure_ascii=False)
    event = None
    if shaped:
        event = record_access(
            db,
            api_key_id=api_key_id,
            user=user,
            operation=f"segment.export.{fmt}",
            person_ids=[row["id"] for row in shaped],
        )
    end = encode("segment", [shaped[-1]["id"]]) if shaped else None
    return Export(format=fmt, rows=len(shaped), data=data, end_cursor=end, has_more=has_more, access_event=event)


#: Most saved segments listed.
MAX_SAVED = 500


def save_segment(db: Database, name: str, wanted: SegmentFilter, *, by: str, consent_default: str) -> dict[str, Any]:
    """Save ``wanted`` under ``name`` (replacing a segment of that name); returns it."""
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise InputError(f"expected a name of 1 to 100 characters, got {len(name)}", where="name")
    wanted.params(consent_default)  # a bad filter is refused before it is kept
    filter_json = json.dumps({k: v for k, v in asdict(wanted).items() if v is not None}, sort_keys=True)
    return _saved(db.write("segments.save", segment=name, filter=filter_json, by=by)[0]["segment"])


def saved_segments(db: Database) -> list[dict[str, Any]]:
    """Every saved segment, by name."""
    return [_saved(row["segment"]) for row in db.read("segments.saved", limit=MAX_SAVED)]


def _saved(row: dict[str, Any]) -> dict[str, Any]:
    segment = dict(plain(row))
    segment["filter"] = SegmentFilter(**json.loads(segment["filter"] or "{}"))
    return segment
