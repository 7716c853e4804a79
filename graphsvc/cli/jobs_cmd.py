"""`graphsvc jobs run influence|communities|all` and `graphsvc jobs list`: NetworkX jobs over the social map."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from graphsvc.cli.database import open_database
from graphsvc.cli.output import JsonFlag, console, emit, progress_bar
from graphsvc.config import get_settings
from graphsvc.errors import InputError
from graphsvc.service.jobruns import KINDS, check_kind, job_params, list_jobs
from graphsvc.service.jobruns import run as run_job

app = typer.Typer(
    help="Analytics jobs: influence, topic influence, communities, advocates and detractors.", no_args_is_help=True
)


def parse_since(text: str | None) -> datetime | None:
    """An ISO 8601 date (midnight UTC) or time (UTC when it names no zone)."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"expected an ISO 8601 date or time such as 2024-01-31, got {text!r}", where="--since"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@app.command()
def run(
    kind: Annotated[str, typer.Argument(help=f"Which job: {', '.join(KINDS)}.")],
    platform: Annotated[
        str | None, typer.Option(help="Only this platform's identities and ties (e.g. twitter).")
    ] = None,
    since: Annotated[str | None, typer.Option(help="Only interactions and posts since this ISO date or time.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of Louvain, sampled betweenness and reach sketches.")] = 42,
    top_k: Annotated[int, typer.Option(min=1, help="Persons kept per topic and per brand side.")] = 100,
    betweenness_k: Annotated[int, typer.Option(min=1, help="Sampled sources for approximate betweenness.")] = 256,
    as_json: JsonFlag = False,
) -> None:
    """Project the graph into NetworkX, compute, and write the results back tagged with a JobRun."""
    check_kind(kind, where="KIND")  # before Neo4j is started for nothing
    params = job_params(
        platform=platform,
        since=parse_since(since),
        seed=seed,
        top_k=top_k,
        betweenness_k=betweenness_k,
        batch_size=get_settings().batch_size,
        consent_default=get_settings().consent_default,
    )
    with open_database(migrate=True) as db, progress_bar(f"{kind}: ", disable=as_json) as progress:
        report = run_job(db, kind, params, progress=progress)

    def human(d: dict[str, Any]) -> None:
        console.print(
            f"job {d['id']} {d['status']} in {d['seconds']['total']}s: "
            f"{d['counts']['persons']} persons, {d['counts']['person_edges']} person edges"
        )
        if d["top_persons"]:
            table = Table("person", "influence", "pagerank", "reach", "engagement", "kcore", "betweenness")
            for p in d["top_persons"]:
                table.add_row(
                    str(p["person"] or p["node"]),
                    f"{p['influence']:.3f}",
                    f"{p['pagerank']:.2e}",
                    f"{p['reach']:.0f}",
                    f"{p['engagement']:.1f}",
                    f"{p['kcore']:.0f}",
                    f"{p['betweenness']:.2e}",
                )
            console.print(table)
        for c in d["top_communities"]:
            console.print(f"community {c['id']}: {c['size']} members; top topics {', '.join(c['topTopics']) or '-'}")

    emit(report.as_dict(), as_json, human)


@app.command("list")
def list_command(
    limit: Annotated[int, typer.Option(min=1, help="How many runs to show.")] = 20,
    as_json: JsonFlag = False,
) -> None:
    """The most recent job runs, newest first."""
    with open_database() as db:
        jobs = list_jobs(db, limit)

    def human(d: dict[str, Any]) -> None:
        table = Table("id", "kind", "status", "started", "seconds")
        for job in d["jobs"]:
            seconds = (job["stats"] or {}).get("seconds", {}).get("total", "")
            status = f"{job['status']} ({job['phase']})" if job.get("phase") else job["status"]
            table.add_row(job["id"], job["kind"], status, str(job["startedAt"]), str(seconds))
        console.print(table)

    emit({"jobs": jobs}, as_json, human)
