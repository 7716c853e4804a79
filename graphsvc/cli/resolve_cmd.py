"""`graphsvc resolve`: unify identities into persons; `--evaluate` measures quality against truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from graphsvc.cli.database import open_database
from graphsvc.cli.output import JsonFlag, console, emit, err_console
from graphsvc.config import get_settings
from graphsvc.service import resolution

HELP = """Unify contacts and identities into persons: block, score with evidence, cluster, write.

Certain matches merge; uncertain ones go to the review queue (`graphsvc review list`). Human
decisions outrank automation. --incremental re-resolves only what changed since the last run.
--dry-run previews what would merge and split (counts, consolidation rate, the largest
changes) and writes nothing. --evaluate DIR measures the persons now in the graph against DIR/truth/identity_person.csv
(as `graphsvc synth` writes it) and changes nothing. --explain-model prints the match model the last
full run learnt: every comparison level's m, u and weight, and the learnt weights its sanity check
refused, with why."""


def resolve_command(
    incremental: Annotated[
        bool, typer.Option("--incremental", help="Only records imported or decided since the last run.")
    ] = False,
    evaluate_dir: Annotated[
        Path | None, typer.Option("--evaluate", help="Compare the graph's persons with DIR's truth; writes nothing.")
    ] = None,
    threshold: Annotated[
        float, typer.Option(min=0.5, max=1.0, help="Merge automatically at or above this probability.")
    ] = resolution.THRESHOLD,
    review_min: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Queue for review from this probability.")
    ] = resolution.REVIEW_MIN,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Preview what would merge and split; write nothing.")
    ] = False,
    explain_model: Annotated[
        bool,
        typer.Option(
            "--explain-model",
            help="Print the last full run's match model: each comparison level's m, u and weight, and what "
            "the sanity check refused; write nothing.",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Resolve identities into persons."""
    options = resolution.options(
        get_settings(),
        threshold=threshold,
        review_min=review_min,
        incremental=incremental,
        dry_run=dry_run,
        where="--review-min",
    )
    with open_database(migrate=True) as db:
        if explain_model:
            emit(resolution.explain_model(db), as_json, _print_model)
            return
        if evaluate_dir is not None:
            emit(resolution.evaluate_against(db, evaluate_dir), as_json, _print_evaluation)
            return
        with Progress(
            SpinnerColumn(),
            TextColumn("resolve: {task.description}"),
            TimeElapsedColumn(),
            console=err_console,
            disable=as_json,
            transient=True,
        ) as bar:
            task = bar.add_task("loading records", total=None)
            steps = {
                "start": "loading records",
                "load": "blocking",
                "block": "comparing pairs",
                "compare": "scoring",
                "score": "clustering",
                "cluster": "writing persons and candidates",
            }

            def progress(phase: str, done: int, total: int | None) -> None:
                bar.update(task, description=steps.get(phase, phase))

            summary = resolution.run(db, options, progress)
    emit(summary.as_dict(), as_json, _print_summary)


def _print_summary(d: dict[str, Any]) -> None:
    if d.get("preview"):
        _print_preview(d["preview"])
        return
    console.print(
        f"{d['mode']} run {d['run']}: {d['records']} records in {d['units']} units"
        + (f" ({d['focus']} changed)" if d["focus"] else "")
        + f"; {d['pairs']} candidate pairs"
    )
    console.print(
        f"{d['persons']} persons (largest {d['largest_person']} records; {d['ids_kept']} ids kept, "
        f"{d['ids_new']} new), {d['persons_written']} written, {d['persons_dropped']} dropped"
    )
    console.print(f"{d['auto']} pairs merged automatically, {d['pending']} waiting for review (`graphsvc review list`)")
    console.print("seconds: " + ", ".join(f"{k} {v}" for k, v in d["seconds"].items()))
    for reason in (d.get("model") or {}).get("refused", []):
        console.print(f"[yellow]model: refused[/yellow] {reason} (counted as 0; `graphsvc resolve --explain-model`)")


def _print_preview(p: dict[str, Any]) -> None:
    console.print(
        f"dry run, nothing written: {p['records']} records would form {p['persons_after']} persons "
        f"(now {p['persons_before']}; consolidation rate {p['consolidation_rate']:.1%})"
    )
    console.print(
        f"{p['merges']} merges, {p['splits']} splits, {p['new_persons']} new persons, "
        f"{p['unchanged_persons']} unchanged; {p['records_changing_person']} records change person"
    )
    for c in p["largest_changes"]:
        came = ", ".join(c["from_persons"]) or "no person yet"
        console.print(
            f"  {c['person']}: {c['records']} records, {c['moved']} moved (from {came}) {', '.join(c['names'])}"
        )


def _print_evaluation(d: dict[str, Any]) -> None:
    console.print(
        f"{d['records']} records: {d['persons_predicted']} persons predicted, {d['persons_true']} true "
        f"(largest {d['largest_predicted']} vs {d['largest_true']})"
    )
    for name in ("pairwise", "bcubed"):
        m = d[name]
        console.print(f"{name:9} precision {m['precision']:.4f}  recall {m['recall']:.4f}  F1 {m['f1']:.4f}")


def _print_model(d: dict[str, Any]) -> None:
    table = Table(title=f"Match model of {d['run']} (prior {d['prior']:.3g})", box=None)
    for column in ("comparison", "level", "m", "u", "weight (bits)"):
        table.add_column(column, justify="right" if column in ("m", "u", "weight (bits)") else "left")
    for row in d["levels"]:
        weight = f"{row['weight']:+.2f}" if not row["refused"] else f"[red]0 (learnt {row['learnt']:+.2f})[/red]"
        table.add_row(row["comparison"], row["level"], f"{row['m']:.3g}", f"{row['u']:.3g}", weight)
    console.print(table)
    for reason in d["refused"]:
        console.print(f"[red]refused:[/red] {reason}")
