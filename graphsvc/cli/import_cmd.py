"""`graphsvc import contacts|identities|edges|posts FILE...`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graphsvc.cli.database import open_database
from graphsvc.cli.output import JsonFlag, console, emit, progress_bar
from graphsvc.config import get_settings
from graphsvc.errors import InputError
from graphsvc.service.imports import KINDS, import_files

HELP = """Import CSV or JSON Lines files (gzip too): validate every row, then write in batches.

By default one bad row means nothing is written; --skip-invalid writes the good rows and puts
each bad one with its reason in a rejects file. Re-importing a file changes nothing."""


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items or []:
        column, sep, target = item.partition("=")
        if not sep or not column.strip() or not target.strip():
            raise InputError(f"expected column=field, got {item!r}", where="--map")
        mapping[column.strip()] = target.strip()
    return mapping


def import_command(
    kind: Annotated[str, typer.Argument(help=f"What the files hold: {', '.join(KINDS)}.")],
    files: Annotated[
        list[Path], typer.Argument(help="CSV (.csv) or JSON Lines (.jsonl/.ndjson) files, optionally .gz.")
    ],
    map_: Annotated[list[str] | None, typer.Option("--map", help="Rename a file column: column=field.")] = None,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Write good rows; bad rows go to the rejects file.")
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option(help="Where --skip-invalid puts bad rows (default FILE.rejects.jsonl).")
    ] = None,
    region: Annotated[str, typer.Option(help="Default region for national phone numbers (ISO 3166 code).")] = "US",
    source: Annotated[str | None, typer.Option(help="CRM name for contacts files without a 'source' column.")] = None,
    batch_size: Annotated[
        int | None, typer.Option(min=1, help="Rows per transaction (default GRAPHSVC_BATCH_SIZE).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Import contacts, identities, edges or posts."""
    if kind not in KINDS:
        raise InputError(f"expected one of {', '.join(KINDS)}, got {kind!r}", where="KIND")
    settings = get_settings()
    mapping = parse_mapping(map_)
    with open_database(migrate=True) as db, progress_bar(f"{kind}: ", disable=as_json) as progress:
        summary = import_files(
            db,
            kind,
            files,
            mapping=mapping,
            region=region,
            source=source,
            skip_invalid=skip_invalid,
            rejects_path=rejects,
            batch_size=batch_size or settings.batch_size,
            progress=progress,
        )

    def human(d: dict) -> None:
        console.print(
            f"{kind}: read {d['read']}, written {d['written']}, rejected {d['rejected']} "
            f"in {d['seconds']}s ({d['rows_per_second']:.0f} rows/s)"
        )
        if d["interactions"]:
            console.print(f"INTERACTED edges recomputed: {d['interactions']}")
        if d["rejects_file"]:
            console.print(f"rejected rows and reasons: {d['rejects_file']}")
        if d["suppressed"]:
            console.print(
                f"[yellow]{d['suppressed']} row(s) refused:[/] they carry an email, phone or handle of a "
                "person erased on request (the suppression list); nothing of them was written"
            )
        if d["ignored_columns"]:
            console.print(f"[yellow]ignored unknown column(s):[/] {', '.join(d['ignored_columns'])} (see --map)")

    emit(summary.as_dict(), as_json, human)
