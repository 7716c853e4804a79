"""`graphsvc demo`: the whole product on one machine: Neo4j, schema, a synthetic CRM, the API."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Annotated

import typer

from graphsvc.api import run_server
from graphsvc.api.workers import ensure_port_free
from graphsvc.cli.database import open_database
from graphsvc.cli.output import JsonFlag, console, emit, progress_bar
from graphsvc.config import get_settings
from graphsvc.db import migrate
from graphsvc.service.demo import demo_accounts, load_demo

_EXAMPLE = "{ health { neo4jVersion schemaVersion } }"


def demo(
    people: Annotated[
        int, typer.Option("--people", min=0, help="Synthetic people to load if the graph is empty.")
    ] = 3000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic CRM.")] = 42,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the API after loading.")] = True,
    as_json: JsonFlag = False,
) -> None:
    """Start Neo4j, apply the schema, load the demo data once, give the console one account per role
    (new passwords every time, printed here), and serve the API and the console."""
    settings = get_settings()
    if serve:
        ensure_port_free(settings.host, settings.port)  # before minutes of loading
    with ExitStack() as stack:
        with console.status("Starting Neo4j and applying the schema..."):
            db = stack.enter_context(open_database())
            report = migrate(db)
        with progress_bar("demo data: ", disable=as_json) as progress:
            loaded = load_demo(
                db,
                people=people,
                seed=seed,
                workdir=settings.state_dir / "demo",
                batch_size=settings.batch_size,
                consent_default=settings.consent_default,
                progress=progress,
            )
        counts = loaded["counts"]
        accounts = demo_accounts(db)
        url = f"http://{settings.host}:{settings.port}/graphql"
        console_url = f"http://{settings.host}:{settings.port}/"
        sign_ins = "\n".join(f"  {a['user']:<9} {a['password']}  (role {a['role']})" for a in accounts)
        what = "loaded a synthetic CRM" if loaded["loaded"] else "the graph already holds data (kept as it is)"
        emit(
            {
                "event": "serving" if serve else "loaded",
                "url": url,
                "neo4j": db.uri,
                "schema_version": report.after,
                "console": console_url,
                "accounts": accounts,
                **loaded,
            },
            as_json,
            f"Neo4j at {db.uri}, schema v{report.after}; {what}: {counts['contacts']:,} contacts, "
            f"{counts['identities']:,} identities, {counts['persons']:,} persons, {counts['posts']:,} posts, "
            f"{counts['relationships']:,} relationships.\n"
            f"The console: [bold]{console_url}[/]; sign in as (user, password):\n{sign_ins}\n"
            + (
                f"Point a browser at [bold]{url}[/] (GraphiQL) and run: {_EXAMPLE}\nCtrl+C stops the API; "
                "`graphsvc neo4j stop` stops Neo4j."
                if serve
                else ""
            ),
        )
        if serve:
            run_server(settings, host=settings.host, port=settings.port, db=db, log_level="warning")
