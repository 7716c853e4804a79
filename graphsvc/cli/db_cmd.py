"""`graphsvc db migrate|stats|cypher`: the schema, and ad-hoc Cypher for analysts and scripts."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from graphsvc.cli.database import open_database
from graphsvc.cli.output import JsonFlag, console, emit, to_jsonable
from graphsvc.db import migrate as run_migrations
from graphsvc.errors import InputError
from graphsvc.service.stats import graph_counts

app = typer.Typer(help="Schema migrations and ad-hoc Cypher.", no_args_is_help=True)


@app.command()
def migrate(as_json: JsonFlag = False) -> None:
    """Apply the schema in cypher/schema.cypher (constraints, indexes, full-text); idempotent."""
    with open_database() as db:
        report = run_migrations(db)
    data = report.as_dict()
    emit(
        data,
        as_json,
        f"schema at version {report.after}"
        + (f" (applied {report.applied}, {report.statements} statements)" if report.applied else " (already current)"),
    )


@app.command()
def stats(as_json: JsonFlag = False) -> None:
    """Count contacts, identities, persons, posts and relationships (from Neo4j's count store: instant)."""
    with open_database() as db:
        counts = graph_counts(db)

    def human(d: dict[str, Any]) -> None:
        table = Table("what", "count")
        for key, value in d.items():
            table.add_row(key, f"{value:,}")
        console.print(table)

    emit(counts, as_json, human)


def parse_param(text: str) -> tuple[str, Any]:
    """``name=value``: the value is read as JSON when it parses (numbers, lists, true), else kept as text."""
    name, sep, raw = text.partition("=")
    if not sep or not name.isidentifier():
        raise InputError(f"expected name=value with a Cypher identifier as name, got {text!r}", where="--param")
    try:
        return name, json.loads(raw)
    except json.JSONDecodeError:
        return name, raw


@app.command()
def cypher(
    statement: Annotated[str, typer.Argument(help="The Cypher to run; pass values with --param, never inline.")],
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="name=value (value as JSON if it parses).")
    ] = None,
    write: Annotated[bool, typer.Option("--write", help="Allow the query to change the graph.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Run a Cypher query and print its rows (read-only unless --write)."""
    params = dict(parse_param(p) for p in param or [])
    with open_database() as db:
        keys, rows, kind = db.adhoc(statement, params, allow_write=write)

    def human(d: dict[str, Any]) -> None:
        table = Table(*keys)
        for row in d["rows"]:
            table.add_row(*(json.dumps(to_jsonable(row[k]), ensure_ascii=False) for k in keys))
        console.print(table)
        console.print(f"{len(d['rows'])} row(s)")

    emit({"columns": keys, "rows": rows, "query_type": kind}, as_json, human)
