"""`graphsvc person show|edit|split|detach|history`: a unified person, its values, unmerge and audit trail."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from graphsvc.cli.database import open_database
from graphsvc.cli.output import JsonFlag, console, emit
from graphsvc.errors import InputError
from graphsvc.service.profiles import detach_record, edit_person, get_person, person_history, split_person

app = typer.Typer(help="Unified persons: their records, splits (unmerge) and audit trail.", no_args_is_help=True)

PersonId = Annotated[str, typer.Argument(help="The person's id (p-...).")]
By = Annotated[str, typer.Option("--by", help="Who decides (kept in the audit trail).")]
Reason = Annotated[str | None, typer.Option("--reason", help="Why (kept in the audit trail).")]


@app.command()
def show(person_id: PersonId, as_json: JsonFlag = False) -> None:
    """The person's surviving values (each with the record it came from, when, and the rule) and its records."""
    with open_database() as db:
        person = get_person(db, person_id)

    def human(d: dict[str, Any]) -> None:
        table = Table("field", "value", "from", "when", "rule", title=d["id"])
        for field, f in d["fields"].items():
            table.add_row(
                field,
                str(f["value"] or ""),
                str(f["source"] or ""),
                str(f["at"] or "")[:19],
                (f["rule"] or "") + (" (human edit wins)" if f["edited"] else ""),
            )
        console.print(table)
        console.print("records:\n  " + "\n  ".join(d["members"]))

    emit(person, as_json, human)


@app.command()
def edit(
    person_id: PersonId,
    field: Annotated[str, typer.Argument(help="name, email, phone, company, title, location or avatar.")],
    value: Annotated[str | None, typer.Argument(help="The value to show; it wins over every rule and import.")] = None,
    unset: Annotated[bool, typer.Option("--unset", help="Drop the human edit: the rules choose again.")] = False,
    by: By = "cli",
    reason: Reason = None,
    as_json: JsonFlag = False,
) -> None:
    """Set a field by hand (a human edit is never overwritten), or --unset it."""
    if (value is None) != unset:
        raise InputError("expected a VALUE or --unset (not both)", where="value")
    with open_database() as db:
        person = edit_person(db, person_id, field, None if unset else value, by=by, reason=reason)
    emit(
        person,
        as_json,
        lambda d: console.print(f"{d['id']}: {field} = {d['fields'][field]['value']!r} ({d['fields'][field]['rule']})"),
    )


@app.command()
def split(
    person_id: PersonId,
    records: Annotated[
        list[str], typer.Argument(help="Record keys to move out (contact:SOURCE:ID, identity:PLATFORM:KEY).")
    ],
    by: By = "cli",
    reason: Reason = None,
    as_json: JsonFlag = False,
) -> None:
    """Move records out into a new person; they are never merged back unless a human accepts a pair."""
    with open_database() as db:
        result = split_person(db, person_id, records, by=by, reason=reason)
    emit(result, as_json, _print_split)


@app.command()
def detach(
    person_id: PersonId,
    record: Annotated[str, typer.Argument(help="The record key to detach (contact:SOURCE:ID, identity:PLATFORM:KEY).")],
    by: By = "cli",
    reason: Reason = None,
    as_json: JsonFlag = False,
) -> None:
    """Detach one record (say a namesake's account) into a person of its own."""
    with open_database() as db:
        result = detach_record(db, person_id, record, by=by, reason=reason)
    emit(result, as_json, _print_split)


@app.command()
def history(
    person_id: PersonId,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many events, newest first (1-1000).")] = 50,
    as_json: JsonFlag = False,
) -> None:
    """The person's audit trail: every merge, split and decision, who made it, when and why."""
    with open_database() as db:
        events = person_history(db, person_id, limit)

    def human(d: dict[str, Any]) -> None:
        table = Table("when", "action", "by", "reason", "members before -> after", "related")
        for e in d["events"]:
            table.add_row(
                str(e["at"])[:19],
                e["action"],
                e["by"],
                e["reason"] or "",
                f"{len(e['before'])} -> {len(e['after'])}",
                ", ".join(e["related"]),
            )
        console.print(table)

    emit({"person": person_id, "events": events}, as_json, human)


def _print_split(d: dict[str, Any]) -> None:
    console.print(
        f"{d['person']} keeps {len(d['kept'])} record(s); {d['new_person']} now holds "
        f"{', '.join(d['moved'])}; {d['cannot_links']} cannot-link(s) recorded (run {d['run']})"
    )
    console.print_json(json.dumps({"kept": d["kept"]}))
