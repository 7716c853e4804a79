"""`graphsvc consent record|show` and `graphsvc subject export|erase`: consent and data-subject rights."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from graphsvc.cli.database import open_database
from graphsvc.cli.output import JsonFlag, console, emit
from graphsvc.errors import InputError
from graphsvc.service import consent as consent_service
from graphsvc.service.subjects import erase_subject, export_subject, remember_file

consent_app = typer.Typer(
    help="Consent records per person and purpose (ISO/IEC TS 27560 fields).", no_args_is_help=True
)
subject_app = typer.Typer(
    help="Data-subject rights: export everything held on a person, or erase them.", no_args_is_help=True
)

PersonId = Annotated[str, typer.Argument(help="The person's id (p-...).")]
By = Annotated[str, typer.Option("--by", help="Who acts (kept in the record or the audit trail).")]


def _time(text: str | None, where: str) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"expected an ISO 8601 time such as 2026-01-31T12:00:00Z, got {text!r}", where=where) from None


@consent_app.command("record")
def record(
    person_id: PersonId,
    purpose: Annotated[str, typer.Argument(help="What for: marketing, profiling, newsletter, ...")],
    status: Annotated[str, typer.Argument(help="granted, denied or withdrawn.")],
    channel: Annotated[str, typer.Option(help="email, phone, social or any.")] = "any",
    legal_basis: Annotated[str | None, typer.Option(help="consent, contract, legitimate-interest, ...")] = None,
    collection_method: Annotated[str | None, typer.Option(help="web-form, call, import, ...")] = None,
    source: Annotated[str | None, typer.Option(help="Where it was collected (a form, a CRM).")] = None,
    policy_url: Annotated[str | None, typer.Option(help="The privacy notice shown.")] = None,
    given_at: Annotated[str | None, typer.Option(help="ISO 8601; default now.")] = None,
    expires_at: Annotated[str | None, typer.Option(help="ISO 8601; after it the record counts as absent.")] = None,
    by: By = "cli",
    as_json: JsonFlag = False,
) -> None:
    """Record a consent statement (a new record: the latest unexpired one per purpose is in effect)."""
    with open_database() as db:
        row = consent_service.record_consent(
            db,
            person_id=person_id,
            purpose=purpose,
            status=status,
            recorded_by=f"cli:{by}",
            channel=channel,
            legal_basis=legal_basis,
            collection_method=collection_method,
            source=source,
            policy_url=policy_url,
            given_at=_time(given_at, "--given-at"),
            expires_at=_time(expires_at, "--expires-at"),
        )
    emit(dict(row), as_json, lambda d: console.print(f"{person_id}: {d['purpose']} {d['status']} (record {d['id']})"))


@consent_app.command("show")
def show(person_id: PersonId, as_json: JsonFlag = False) -> None:
    """The person's consent in effect per purpose (expired records count as absent)."""
    with open_database() as db:
        effective = consent_service.effective(db, person_id)
    emit(
        {"person": person_id, "effective": effective},
        as_json,
        lambda d: console.print(
            "\n".join(f"{k}: {v}" for k, v in d["effective"].items()) or "no consent record in effect"
        ),
    )


@subject_app.command("export")
def export(
    person_id: PersonId,
    out: Annotated[Path | None, typer.Option("--out", help="Write the JSON here instead of stdout.")] = None,
    by: By = "cli",
    as_json: JsonFlag = False,
) -> None:
    """Everything held on the person as JSON, with each record's source and time and the access log."""
    with open_database() as db:
        data = export_subject(db, person_id, api_key_id=f"cli:{by}")
        if out is not None:
            out.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
            remember_file(db, out, "subject-export")  # an erasure of the person deletes it
    if out is not None:
        emit(
            {"person": person_id, "out": str(out), "access_event": data["accessEvent"]},
            as_json,
            lambda d: console.print(f"{person_id} exported to {d['out']}"),
        )
        return
    emit(data, as_json, lambda d: console.print_json(json.dumps(d, default=str)))


@subject_app.command("erase")
def erase(
    person_id: PersonId,
    by: By = "cli",
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: erasure cannot be undone.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Erase the person and every trace of them; their identifiers go on the suppression list."""
    if not yes:
        raise InputError("erasure cannot be undone: pass --yes to confirm", where="--yes")
    with open_database() as db:
        erasure = erase_subject(db, person_id, actor=f"cli:{by}")

    def human(d: dict[str, Any]) -> None:
        console.print(
            f"{person_id} erased: {d['contacts']} contacts, {d['identities']} identities, {d['posts']} posts, "
            f"{d['consents']} consent records; {d['redacted_posts']} posts and {d['redacted_audit_entries']} "
            f"audit entries of others redacted; {len(d['deleted_files'])} files deleted "
            f"(audit event {d['audit_event']})"
        )
        for left in d["files_left"]:
            console.print(f"[yellow]not deleted:[/] {left}")

    emit(erasure.as_dict(), as_json, human)
