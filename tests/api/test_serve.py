"""`graphsvc serve` as a user runs it: a real process, several workers, stopped by Ctrl+C."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

from graphsvc.config import Settings
from graphsvc.db import Database
from tests.support import cli_command, cli_env, free_port, graphql, run_json


def _workers(pid: int) -> list[int]:
    """The uvicorn worker processes of ``pid`` (multiprocessing's spawned children)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()]


def test_serve_with_two_workers_answers_and_stops_cleanly(
    settings: Settings, social_map: Database, keys: dict[str, str]
) -> None:
    port = free_port()
    env = dict(cli_env(settings), GRAPHSVC_MODE="production")
    with subprocess.Popen(
        cli_command("serve", "--workers", "2", "--port", str(port), "--json"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as server:
        try:
            workers = _check_serving(server, port, keys)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def _wait_ready(server: subprocess.Popen[str], port: int) -> str:
    """The server's base URL, once its /readyz answers 200 (within a minute, while it runs)."""
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return base
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline and server.poll() is None, server.stderr.read() if server.stderr else ""
        time.sleep(0.2)


def _check_serving(server: subprocess.Popen[str], port: int, keys: dict[str, str]) -> list[int]:
    """What a user checks: the announced URL, readiness, two workers, answers; returns the workers."""
    assert server.stdout is not None
    announced = json.loads(server.stdout.readline())
    assert announced["event"] == "serving" and announced["workers"] == 2
    assert announced["url"] == f"http://127.0.0.1:{port}/graphql"
    base = _wait_ready(server, port)
    workers = _workers(server.pid)
    assert len(workers) == 2
    auth = {"Authorization": f"Bearer {keys['viewer']}"}
    for _ in range(10):  # whichever worker takes the connection answers alike
        body = graphql(base, '{ person(id: "p1") { id name } }', **auth)
        assert body == {"data": {"person": {"id": "p1", "name": "Ada Lovelace"}}}
    anonymous = graphql(base, '{ person(id: "p1") { id } }')  # production: no key, no data
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    return workers


def test_a_second_server_on_a_taken_port_is_refused(settings: Settings, db: Database) -> None:
    port = free_port()
    with socket.create_server(("127.0.0.1", port), reuse_port=True):  # even a holder that allows sharing
        refused = run_json(settings, "serve", "--workers", "2", "--port", str(port), check=False, timeout=120)
    assert refused["code"] == "SERVER" and f"127.0.0.1:{port}" in refused["message"]


def test_the_access_log_holds_no_query_strings(settings: Settings, social_map: Database) -> None:
    """A GraphQL GET carries its variables in the URL: the access log keeps the path only."""
    port = free_port()
    with subprocess.Popen(
        cli_command("serve", "--port", str(port)),
        env=cli_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as server:
        try:
            base = _wait_ready(server, port)
            query = "query($t: String!) { search(text: $t, first: 5) { kind } }"
            variables = json.dumps({"t": "ada@example.com"})
            answered = httpx.get(f"{base}/graphql", params={"query": query, "variables": variables}, timeout=10)
            assert answered.status_code == 200 and "errors" not in answered.json()
        finally:
            server.send_signal(signal.SIGINT)
            output, _ = server.communicate(timeout=30)
    assert '"GET /graphql?… HTTP/1.1" 200' in output, output
    assert "example.com" not in output and "ada%40" not in output and "search" not in output
