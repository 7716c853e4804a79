"""Test helpers: free ports, a real uvicorn server in a thread, and the `graphsvc` CLI as a real process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_in_thread(app: Any, port: int | None = None) -> Iterator[str]:
    """Run ``app`` under uvicorn on ``port`` (else a free one) of the loopback; yields its base URL."""
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def graphql(base_url: str, query: str, variables: dict[str, Any] | None = None, **headers: str) -> dict[str, Any]:
    """POST a GraphQL request over real HTTP; returns the decoded JSON body."""
    response = httpx.post(
        f"{base_url}/graphql", json={"query": query, "variables": variables or {}}, headers=headers, timeout=30
    )
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def cli_env(settings: Any) -> dict[str, str]:
    """The environment that points a `graphsvc` process at the test session's Neo4j."""
    return dict(
        os.environ,
        GRAPHSVC_STATE_DIR=str(settings.state_dir),
        GRAPHSVC_NEO4J_BOLT_PORT=str(settings.neo4j_bolt_port),
        GRAPHSVC_NEO4J_HTTP_PORT=str(settings.neo4j_http_port),
    )


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "graphsvc.cli.main", *args]


def run_cli(
    settings: Any, *args: str, check: bool = True, timeout: float = 300, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `graphsvc ARGS` as a user would (``input`` on its stdin); with ``check`` a non-zero exit fails
    with its output."""
    proc = subprocess.run(
        cli_command(*args),
        capture_output=True,
        text=True,
        env=cli_env(settings),
        timeout=timeout,
        check=False,
        input=input,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"graphsvc {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def run_json(settings: Any, *args: str, check: bool = True, timeout: float = 300, input: str | None = None) -> Any:
    """`graphsvc ARGS --json`, parsed."""
    return json.loads(run_cli(settings, *args, "--json", check=check, timeout=timeout, input=input).stdout)


def load_crm(db: Any, settings: Any, workdir: Any, *, people: int = 400, seed: int = 11) -> dict[str, Any]:
    """Empty the graph, then load a small synthetic social CRM as `graphsvc demo` does (imported,
    resolved, scored); returns load_demo's summary (``synth_dir`` holds the ground truth)."""
    from graphsvc.db import query
    from graphsvc.service.demo import load_demo

    db.run_statement(query("admin.wipe_data"))
    return load_demo(db, people=people, seed=seed, workdir=workdir, batch_size=settings.batch_size)
