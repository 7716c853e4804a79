"""`graphsvc serve`: the GraphQL API over HTTP."""

from __future__ import annotations

from typing import Annotated

import typer

from graphsvc.api import run_server
from graphsvc.api.workers import ensure_port_free
from graphsvc.cli.database import open_database
from graphsvc.cli.output import JsonFlag, console, emit
from graphsvc.config import get_settings


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default GRAPHSVC_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default GRAPHSVC_PORT).")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, max=64, help="Worker processes (default GRAPHSVC_WORKERS; one per CPU core uses every core)."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Serve GraphQL at /graphql (GraphiQL in a browser), /healthz and /readyz."""
    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    if workers is not None:
        settings = settings.model_copy(update={"workers": workers})
    ensure_port_free(host, port)  # before announcing anything
    with open_database(migrate=True) as db:
        url = f"http://{host}:{port}/graphql"
        emit(
            {"url": url, "neo4j": db.uri, "workers": settings.workers, "event": "serving"},
            as_json,
            f"graphsvc is serving GraphQL at [bold]{url}[/] (Neo4j at {db.uri}, {settings.workers} "
            f"worker{'s' if settings.workers > 1 else ''}); Ctrl+C stops it.",
        )
        run_server(settings, host=host, port=port, db=db, log_level="warning" if as_json else "info")


__all__ = ["console", "serve"]
