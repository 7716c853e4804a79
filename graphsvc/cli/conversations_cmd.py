"""`graphsvc conversations enrich|trend|trending|demand`: what people say, and how it moves."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from graphsvc.cli.database import open_database
from graphsvc.cli.output import JsonFlag, console, emit, progress_bar
from graphsvc.config import get_settings
from graphsvc.errors import InputError
from graphsvc.service import conversations
from graphsvc.service.brands import enrich_all

app = typer.Typer(help="Sentiment, topics, brand mentions, demand signals and trends.", no_args_is_help=True)


def _table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    table = Table(*columns)
    for row in rows:
        table.add_row(*(str(row.get(c, "")) for c in columns))
    console.print(table)


@app.command()
def enrich(as_json: JsonFlag = False) -> None:
    """Re-enrich every post (after changing the tracked brands): sentiment, topics, brands, demand."""
    settings = get_settings()
    with open_database() as db, progress_bar(disable=as_json) as progress:
        written = enrich_all(db, batch_size=settings.batch_size, progress=progress)
    emit({"posts": written}, as_json, f"{written} posts enriched")


@app.command()
def trend(
    brand: Annotated[str | None, typer.Option(help="A tracked brand.")] = None,
    person: Annotated[list[str] | None, typer.Option("--person", help="A person id (repeat for a segment).")] = None,
    unit: Annotated[str, typer.Option(help="day or week.")] = "week",
    days: Annotated[int, typer.Option(min=1, help="How far back from the newest post.")] = 120,
    as_json: JsonFlag = False,
) -> None:
    """Volume and sentiment over time, for a brand, a person or a segment of persons."""
    if not brand and not person:
        raise InputError("expected --brand or --person", where="trend")
    with open_database() as db:
        rows = (
            conversations.persons_trend(db, person, brand=brand, unit=unit, days=days)
            if person
            else conversations.brand_trend(db, brand or "", unit=unit, days=days)
        )
    emit(
        {"buckets": rows},
        as_json,
        lambda d: _table(d["buckets"], ["bucket", "posts", "sentiment", "positive", "negative"]),
    )


@app.command()
def trending(
    days: Annotated[int, typer.Option(min=1, help="Window length; compared with the window before.")] = 7,
    min_posts: Annotated[int, typer.Option(min=1, help="Ignore topics with fewer posts in the window.")] = 3,
    limit: Annotated[int, typer.Option(min=1)] = 20,
    as_json: JsonFlag = False,
) -> None:
    """Topics growing fastest against the previous window."""
    with open_database() as db:
        rows = conversations.trending_topics(db, days=days, min_posts=min_posts, limit=limit)
    emit({"topics": rows}, as_json, lambda d: _table(d["topics"], ["topic", "current", "previous", "growth"]))


@app.command()
def demand(
    days: Annotated[int, typer.Option(min=1, help="How far back from the newest post.")] = 30,
    brand: Annotated[str | None, typer.Option(help="Only questions about this brand or its category.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 50,
    as_json: JsonFlag = False,
) -> None:
    """Demand signals: people asking about a tracked brand or its category."""
    with open_database() as db:
        rows = conversations.demand_signals(db, days=days, brand=brand, limit=limit)
    emit(
        {"signals": rows},
        as_json,
        lambda d: _table(d["signals"], ["createdAt", "authorPlatform", "authorHandle", "personName", "text"]),
    )
