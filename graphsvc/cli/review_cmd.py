"""`graphsvc review list|show|accept|reject`: the human side of identity resolution."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from graphsvc.cli.database import open_database
from graphsvc.cli.output import JsonFlag, console, emit
from graphsvc.service import review

app = typer.Typer(help="The review queue of uncertain matches; decisions outrank automation.", no_args_is_help=True)


def _side(side: dict[str, Any]) -> str:
    if side["kind"] == "contact":
        parts = [f"{side['source']}:{side['sourceId']}", side.get("name"), side.get("company"), side.get("city")]
    else:
        parts = [
            f"{side['platform']}:{side['key']}",
            side.get("displayName"),
            side.get("location"),
            f"{side['followers']} followers" if side.get("followers") else None,
            side.get("avatarUrl"),
        ]
    return "\n".join(str(p) for p in parts if p)


def _evidence(items: list[dict[str, Any]]) -> str:
    return "\n".join(f"{e['weight']:+.2f} {e['level']}" for e in items)


@app.command("list")
def list_(
    limit: Annotated[int, typer.Option(min=1, max=100, help="How many pairs (1-100; page with --offset).")] = 20,
    offset: Annotated[int, typer.Option(min=0, max=100_000, help="Skip this many (paging).")] = 0,
    status: Annotated[str, typer.Option(help="pending, auto, accepted or rejected.")] = "pending",
    as_json: JsonFlag = False,
) -> None:
    """Candidate pairs, most valuable first, both sides side by side with the evidence."""
    with open_database() as db:
        rows = review.queue(db, status=status, limit=limit, offset=offset)

    def human(d: dict[str, Any]) -> None:
        table = Table("id", "score", "a", "b", "evidence (match weight)", show_lines=True)
        for row in d["candidates"]:
            table.add_row(
                row["id"], f"{row['score']:.3f}", _side(row["a"]), _side(row["b"]), _evidence(row["evidence"])
            )
        console.print(table)
        console.print(f"{len(d['candidates'])} pair(s); decide with `graphsvc review accept|reject ID`")

    emit({"candidates": rows}, as_json, human)


@app.command()
def show(
    pair_id: Annotated[str, typer.Argument(help="The pair's id (from `review list`).")], as_json: JsonFlag = False
) -> None:
    """One candidate pair in full."""
    with open_database() as db:
        row = review.candidate(db, pair_id)
    emit(row, as_json, lambda d: console.print_json(json.dumps(d, default=str)))


def _decide(pair_id: str, accept: bool, by: str, reason: str | None, as_json: bool) -> None:
    with open_database() as db:
        row = review.decide(db, pair_id, accept=accept, by=by, reason=reason)
    emit(
        row,
        as_json,
        f"{row['id']}: {row['status']} ({row['a']['id']} / {row['b']['id']}); "
        "`graphsvc resolve --incremental` applies it",
    )


ByOption = Annotated[str, typer.Option("--by", help="Who decides (kept in the audit trail).")]
ReasonOption = Annotated[str | None, typer.Option("--reason", help="Why (kept with the decision).")]
PairArgument = Annotated[str, typer.Argument(help="The pair's id (from `review list`).")]


@app.command()
def accept(pair_id: PairArgument, by: ByOption = "cli", reason: ReasonOption = None, as_json: JsonFlag = False) -> None:
    """The two records are the same person: a must-link for every later run."""
    _decide(pair_id, True, by, reason, as_json)


@app.command()
def reject(pair_id: PairArgument, by: ByOption = "cli", reason: ReasonOption = None, as_json: JsonFlag = False) -> None:
    """The two records are different people: a cannot-link for every later run."""
    _decide(pair_id, False, by, reason, as_json)
