"""Trust in the unified profile, over GraphQL: surviving values with provenance, merge preview, unmerge, history.

The same functions as `graphsvc person ...` and `graphsvc resolve --dry-run` (graphsvc.service.profiles
and graphsvc.service.resolution): a person's field values each with the record it came from, when, and the rule;
human edits; splitting a person or detaching one record (remembered as cannot-links); the audit trail;
and a merge preview that writes nothing. Everything that names records or personal data needs role
analyst (the audit trail lists record keys, which are emails, phones and handles).
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from graphsvc.api.auth import PII_PLATFORMS, needs
from graphsvc.api.context import Context
from graphsvc.service import resolution
from graphsvc.service.profiles import detach_record, edit_person, get_person, person_history, split_person

__all__ = ["GovernanceMutation", "GovernanceQuery"]

Ctx = Info[Context, None]
_PII_FIELDS = frozenset({"email", "phone"})


@strawberry.type(description="One field of a unified person: the surviving value and where it came from.")
class PersonValue:
    field: str
    value: str | None = strawberry.field(
        description="Null when no record has one (or, for email and phone, below role analyst)."
    )
    source: str | None = strawberry.field(
        description="The record it came from (contact:SOURCE:ID, identity:PLATFORM:KEY), or human:WHO for an edit."
    )
    at: str | None = strawberry.field(description="When that record was updated or imported (ISO 8601).")
    rule: str | None = strawberry.field(description="source_priority, most_recent, most_frequent or 'human edit'.")
    edited: bool = strawberry.field(description="A human edit: no run or import overwrites it.")


@strawberry.type(description="A change to one person that a resolve run would make.")
class MergeChange:
    person: str
    records: int
    moved: int = strawberry.field(description="Records that would change person.")
    from_persons: list[str]
    new_records: int = strawberry.field(description="Records that have no person yet.")


@strawberry.type(description="What a resolve run would merge and split; nothing is written.")
class MergePreview:
    records: int
    persons_before: int
    persons_after: int
    consolidation_rate: float = strawberry.field(description="1 - persons / records after the run.")
    merges: int
    splits: int
    new_persons: int
    unchanged_persons: int
    records_changing_person: int
    largest_changes: list[MergeChange]
    split_persons: list[str]


@strawberry.type(description="One entry of a person's audit trail.")
class AuditEntry:
    id: strawberry.ID
    at: str
    action: str = strawberry.field(
        description="create, merge, split, regroup, dissolve, split-from, accept, reject, edit, unedit."
    )
    by: str | None
    reason: str | None
    before: list[str]
    after: list[str]
    related: list[str] = strawberry.field(description="Other persons involved.")


@strawberry.type(description="The result of a split: who keeps which records, and the cannot-links recorded.")
class SplitResult:
    person: str
    new_person: str
    kept: list[str]
    moved: list[str]
    cannot_links: int


def _values(person: dict[str, Any], pii: bool) -> list[PersonValue]:
    out = []
    for name, f in person["fields"].items():
        hidden = name in _PII_FIELDS and not pii
        source = f["source"]
        if not pii and source and source.split(":")[:2][-1] in PII_PLATFORMS:
            source = None  # identity:email:... names the address itself
        out.append(
            PersonValue(
                field=name,
                value=None if hidden else f["value"],
                source=None if hidden else source,
                at=str(f["at"]) if f["at"] else None,
                rule=f["rule"],
                edited=f["edited"],
            )
        )
    return out


def _split(result: dict[str, Any]) -> SplitResult:
    return SplitResult(
        person=result["person"],
        new_person=result["new_person"],
        kept=result["kept"],
        moved=result["moved"],
        cannot_links=result["cannot_links"],
    )


@strawberry.type
class GovernanceQuery:
    @strawberry.field(
        description="A person's surviving field values, each with its source record, time and rule.",
        extensions=needs("viewer"),
    )
    async def person_values(self, info: Ctx, id: strawberry.ID) -> list[PersonValue]:
        person = await info.context.call(get_person, str(id))
        return _values(person, info.context.principal.reads_pii)

    @strawberry.field(
        description="A person's audit trail, newest first: merges, splits, decisions, edits.",
        extensions=needs("analyst"),
    )
    async def person_history(self, info: Ctx, id: strawberry.ID, limit: int = 100) -> list[AuditEntry]:
        rows = await info.context.call(person_history, str(id), limit)
        return [
            AuditEntry(
                id=strawberry.ID(r["id"]),
                at=str(r["at"]),
                action=r["action"],
                by=r["by"],
                reason=r["reason"],
                before=r["before"] or [],
                after=r["after"] or [],
                related=r["related"] or [],
            )
            for r in rows
        ]

    @strawberry.field(
        description="What a resolve run would merge and split (nothing is written).", extensions=needs("analyst")
    )
    async def merge_preview(
        self, info: Ctx, threshold: float = resolution.THRESHOLD, review_min: float = resolution.REVIEW_MIN
    ) -> MergePreview:
        options = resolution.options(
            info.context.settings, threshold=threshold, review_min=review_min, where="mergePreview"
        )
        p = await info.context.call(resolution.merge_preview, options)
        return MergePreview(
            records=p["records"],
            persons_before=p["persons_before"],
            persons_after=p["persons_after"],
            consolidation_rate=p["consolidation_rate"],
            merges=p["merges"],
            splits=p["splits"],
            new_persons=p["new_persons"],
            unchanged_persons=p["unchanged_persons"],
            records_changing_person=p["records_changing_person"],
            split_persons=p["split_persons"],
            largest_changes=[
                MergeChange(
                    person=c["person"],
                    records=c["records"],
                    moved=c["moved"],
                    from_persons=c["from_persons"],
                    new_records=c["new_records"],
                )
                for c in p["largest_changes"]
            ],
        )


@strawberry.type
class GovernanceMutation:
    @strawberry.mutation(
        description="Unmerge: move records into a new person; cannot-links keep them apart in every later resolve.",
        extensions=needs("analyst"),
    )
    async def split_person(
        self, info: Ctx, id: strawberry.ID, records: list[str], reason: str | None = None
    ) -> SplitResult:
        return _split(
            await info.context.call(split_person, str(id), records, by=info.context.principal.actor, reason=reason)
        )

    @strawberry.mutation(
        description="Detach one record (say a namesake's account) into a person of its own.",
        extensions=needs("analyst"),
    )
    async def detach_record(
        self, info: Ctx, person_id: strawberry.ID, record: str, reason: str | None = None
    ) -> SplitResult:
        return _split(
            await info.context.call(
                detach_record, str(person_id), record, by=info.context.principal.actor, reason=reason
            )
        )

    @strawberry.mutation(
        description="A human edit of a person's field (null value: back to the rules); it wins "
        "over every run and import.",
        extensions=needs("analyst"),
    )
    async def edit_person(
        self, info: Ctx, id: strawberry.ID, field: str, value: str | None, reason: str | None = None
    ) -> list[PersonValue]:
        person = await info.context.call(
            edit_person, str(id), field, value, by=info.context.principal.actor, reason=reason
        )
        return _values(person, info.context.principal.reads_pii)
