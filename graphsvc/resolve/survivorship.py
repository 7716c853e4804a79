"""Survivorship: which value of a unified person's records wins, field by field, and where it came from.

Each field of a ``Person`` (name, email, phone, company, title, location, avatar) is chosen
from its member records by a rule:

* ``source_priority``: the value of the most trusted source (``Settings.survivorship_priority``:
  ``crm`` stands for every CRM, or name one such as ``salesforce``); ties go to the most recent;
* ``most_recent``: the value updated (else imported) last; ties go to the trusted source;
* ``most_frequent``: the value most records agree on; ties go to the trusted source.

The winner is written with its provenance (``nameSource``: the record it came from, ``nameAt``:
when that record was updated or imported, ``nameRule``). A human edit (``graphsvc person edit``)
always wins: the field is listed in ``edited`` and no resolve run or import overwrites it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from graphsvc.resolve.records import Record

__all__ = ["DEFAULT_PRIORITY", "DEFAULT_RULES", "FIELDS", "Rule", "golden_record"]

Rule = Literal["source_priority", "most_recent", "most_frequent"]
FIELDS = ("name", "email", "phone", "company", "title", "location", "avatar")
DEFAULT_RULES: dict[str, Rule] = {
    "name": "source_priority",
    "email": "most_frequent",
    "phone": "source_priority",
    "company": "most_recent",
    "title": "most_recent",
    "location": "most_recent",
    "avatar": "source_priority",
}
#: Most trusted first; ``crm`` is every CRM source, and anything not listed comes last.
DEFAULT_PRIORITY = ("crm", "linkedin", "github", "facebook", "twitter", "instagram", "forum", "email", "phone")


@dataclass(frozen=True)
class _Candidate:
    value: str
    record: str  # the record key it came from
    source: str  # the record's source (a CRM name or a platform)
    crm: bool
    at: str  # ISO time the record was updated or imported ('' when unknown)


def _at(record: Record) -> str:
    value = record.display.get("updatedAt") or record.display.get("importedAt")
    iso = getattr(value, "isoformat", None)
    return str(iso()) if iso else str(value or "")


def _candidates(records: Sequence[Record]) -> dict[str, list[_Candidate]]:
    found: dict[str, list[_Candidate]] = {field: [] for field in FIELDS}
    contacts = [r for r in records if r.kind == "contact"]

    def add(field: str, value: Any, record: Record) -> None:
        if value not in (None, ""):
            found[field].append(
                _Candidate(str(value), record.key, record.source, record.kind == "contact", _at(record))
            )

    for record in records:
        shown = record.display
        if record.kind == "contact":
            add("name", shown.get("name"), record)
            add("company", shown.get("company"), record)
            add("title", shown.get("title"), record)
            add("location", ", ".join(str(p) for p in (shown.get("city"), shown.get("country")) if p), record)
            continue
        platform = shown.get("platform")
        if platform == "email" or platform == "phone":
            field = "email" if platform == "email" else "phone"
            add(field, shown.get("key"), record)
            stated = record.emails if field == "email" else record.phones
            for contact in contacts:  # the CRM contacts that state this address or number vouch for it too
                if stated & (contact.emails if field == "email" else contact.phones):
                    add(field, shown.get("key"), contact)
        else:
            add("name", shown.get("displayName"), record)
            add("location", shown.get("location"), record)
            add("avatar", shown.get("avatarUrl"), record)
    return found


def _rank(candidate: _Candidate, priority: Sequence[str]) -> int:
    for position, source in enumerate(priority):
        if source == candidate.source or (source == "crm" and candidate.crm):
            return position
    return len(priority)


def _choose(candidates: list[_Candidate], rule: Rule, priority: Sequence[str]) -> _Candidate:
    """The winner; stable sorts from the least to the most important key (ISO times sort as text)."""
    counts = Counter(c.value.casefold() for c in candidates)
    order = sorted(candidates, key=lambda c: c.value)
    if rule == "most_recent":
        order = sorted(order, key=lambda c: _rank(c, priority))
        order = sorted(order, key=lambda c: c.at, reverse=True)  # unknown times ('') come last
    else:
        order = sorted(order, key=lambda c: c.at, reverse=True)
        order = sorted(order, key=lambda c: _rank(c, priority))
        if rule == "most_frequent":
            order = sorted(order, key=lambda c: -counts[c.value.casefold()])
    return order[0]


def golden_record(
    records: Sequence[Record], rules: Mapping[str, Rule] | None = None, priority: Sequence[str] = DEFAULT_PRIORITY
) -> dict[str, Any]:
    """The person's fields with their provenance: ``{name, nameSource, nameAt, nameRule, ...}`` (None if no value)."""
    rules = {**DEFAULT_RULES, **(rules or {})}
    out: dict[str, Any] = {}
    for field, candidates in _candidates(records).items():
        best = _choose(candidates, rules[field], priority) if candidates else None
        out[field] = best.value if best else None
        out[f"{field}Source"] = best.record if best else None
        out[f"{field}At"] = best.at or None if best else None
        out[f"{field}Rule"] = rules[field] if best else None
    return out
