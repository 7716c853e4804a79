"""`graphsvc synth`: write a realistic synthetic social CRM (import files plus ground truth)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from graphsvc.cli.output import JsonFlag, console, emit, progress_bar
from graphsvc.service.demo import synthesize


def synth(
    people: Annotated[int, typer.Option("--people", min=1, help="How many people (persons) to make.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Seed: the same people and seed give byte-identical files.")] = 42,
    out: Annotated[Path, typer.Option("--out", help="Directory for the files (created if missing).")] = Path("synth"),
    as_json: JsonFlag = False,
) -> None:
    """Write contacts, identities, edges and posts of synthetic people, with the ground truth in OUT/truth."""
    with progress_bar("synth: ", disable=as_json) as progress:
        summary = synthesize(people, seed=seed, out=out, progress=progress)

    def human(d: dict[str, Any]) -> None:
        console.print(
            f"{d['people']} people (seed {d['seed']}, reference date {d['reference_date']}) "
            f"written to {d['out']} in {d['seconds']}s:"
        )
        for name, rows in d["files"].items():
            console.print(f"  {name:<28} {rows:>9,} rows")
        console.print(
            f"{d['communities']} communities, {d['influencers']} planted influencers; "
            f"{d['hard_records']:.1%} of records are hard to resolve. See docs/synth.md."
        )

    emit(summary.as_dict(), as_json, human)
