"""`graphsvc neo4j fetch|start|stop|status|logs`: the managed local Neo4j server."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from graphsvc.cli.database import open_database
from graphsvc.cli.output import JsonFlag, console, emit, err_console
from graphsvc.config import get_settings
from graphsvc.errors import DatabaseUnavailable
from graphsvc.neo4j_local import LocalServer

app = typer.Typer(help="Run a real Neo4j 5.26 community server locally, without Docker.", no_args_is_help=True)


def _server() -> LocalServer:
    return LocalServer(get_settings())


@app.command()
def fetch(as_json: JsonFlag = False) -> None:
    """Download the Neo4j server jars from Maven Central into the user cache (once)."""
    began = time.perf_counter()
    with err_console.status("Fetching Neo4j jars with Maven (first time only)...", spinner="dots"):
        lib = _server().fetch()
    data = {"lib": str(lib), "jars": len(list(lib.glob("*.jar"))), "seconds": round(time.perf_counter() - began, 2)}
    emit(data, as_json, f"Neo4j jars ready: {data['jars']} jars in {lib} ({data['seconds']}s)")


@app.command()
def start(as_json: JsonFlag = False) -> None:
    """Start the managed server and wait until Bolt answers; prints its URI."""
    settings = get_settings()
    if not settings.managed:
        emit(
            {"managed": False, "uri": settings.neo4j_uri},
            as_json,
            f"NEO4J_URI is set ({settings.neo4j_uri}): graphsvc uses that server and starts none.",
        )
        return
    server = LocalServer(settings)
    began = time.perf_counter()
    with err_console.status("Starting Neo4j 5.26 (the first start also fetches it)...", spinner="dots"):
        status = server.start()
    data = {
        **status.as_dict(),
        "managed": True,
        "seconds": round(time.perf_counter() - began, 2),
        "user": server.auth[0],
        "password_file": str(server.password_file),
    }
    emit(data, as_json, f"Neo4j {status.version} is running at {status.uri} (pid {status.pid}, {data['seconds']}s)")


@app.command()
def stop(as_json: JsonFlag = False) -> None:
    """Shut the managed server down cleanly."""
    began = time.perf_counter()
    stopped = _server().stop()
    data = {"stopped": stopped, "seconds": round(time.perf_counter() - began, 2)}
    emit(data, as_json, "Neo4j stopped." if stopped else "Neo4j was not running.")


@app.command()
def status(as_json: JsonFlag = False) -> None:
    """Is the server running, where, and which version (the external one when NEO4J_URI is set)."""
    settings = get_settings()
    if settings.managed:
        data = {**_server().status().as_dict(), "managed": True}
    else:
        data = {"managed": False, "uri": settings.neo4j_uri, "running": True, "ready": True}
        try:
            with open_database() as db:
                db.ping()
        except DatabaseUnavailable as exc:
            data.update(running=False, ready=False, reason=exc.message)

    def human(d: dict) -> None:
        state = "[green]running[/]" if d["ready"] else "[yellow]starting[/]" if d["running"] else "[red]not running[/]"
        console.print(f"Neo4j at {d['uri']}: {state}" + (f" (pid {d['pid']})" if d.get("pid") else ""))

    emit(data, as_json, human)
    if not data["running"]:
        raise typer.Exit(1)


@app.command()
def logs(
    lines: Annotated[int, typer.Option("--lines", "-n", min=1, help="How many lines to show.")] = 50,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing new lines.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Show the end of the managed server's neo4j.log."""
    server = _server()
    tail = server.log_tail(lines)
    emit({"file": str(server.logs_dir / "neo4j.log"), "lines": tail}, as_json, lambda d: print(*d["lines"], sep="\n"))
    if follow and not as_json:
        path = server.logs_dir / "neo4j.log"
        with path.open(encoding="utf-8", errors="replace") as handle:
            handle.seek(0, 2)
            while True:
                line = handle.readline()
                if line:
                    print(line, end="", flush=True)
                else:
                    time.sleep(0.5)
