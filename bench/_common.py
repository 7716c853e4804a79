"""What every benchmark shares: its own Neo4j (never the demo's or the tests'), timing, one JSON line.

Each benchmark starts graphsvc's managed server in ``.graphsvc/bench`` (or GRAPHSVC_BENCH_DIR,
so two benchmarks can run side by side) on free ports (or uses NEO4J_URI when set: its data is
wiped), empties the graph, applies the schema, and stops the server at the end. The figures go to
stdout as one JSON object; progress goes to stderr.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graphsvc.config import Settings
from graphsvc.db import Database, migrate, query
from graphsvc.db.queries import add_folder
from graphsvc.neo4j_local import LocalServer
from graphsvc.synth import SynthSummary

#: The benchmarks' own Cypher (their loaders and bare-driver baselines) is no part of the package.
add_folder(Path(__file__).resolve().parent / "cypher")

ROOT = Path(__file__).resolve().parents[1]
__all__ = ["ROOT", "Timer", "bench_database", "machine", "print_result", "say", "synthesised"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def bench_database(*, heap: str = "4g", pagecache: str = "4g") -> Iterator[tuple[Settings, Database]]:
    """A running Neo4j with an empty graph and the current schema, for one benchmark run."""
    if os.environ.get("NEO4J_URI"):
        settings = Settings()
        server = None
    else:
        state_dir = Path(os.environ.get("GRAPHSVC_BENCH_DIR") or ROOT / ".graphsvc" / "bench")
        settings = Settings(
            state_dir=state_dir,
            neo4j_bolt_port=_free_port(),
            neo4j_http_port=_free_port(),
            neo4j_heap=heap,
            neo4j_pagecache=pagecache,
        )
        server = LocalServer(settings)
        say(f"starting the benchmark's Neo4j in {settings.state_dir} ...")
        server.start()
        port = int(server.uri.rsplit(":", 1)[1])  # a server left by an interrupted run keeps its port
        settings = settings.model_copy(update={"neo4j_bolt_port": port})
    try:
        with Database.from_settings(settings, autostart=False) as db:
            db.run_statement(query("admin.wipe_data"))
            migrate(db)
            yield settings, db
    finally:
        if server is not None:
            server.stop()


class Timer:
    """``with Timer() as t: ...`` then ``t.seconds``."""

    def __enter__(self) -> Timer:
        self.began = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.began


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def print_result(result: dict[str, Any]) -> None:
    """The benchmark's one JSON object, on stdout."""
    sys.stdout.write(json.dumps(result, default=str) + "\n")


def synthesised(people: int, seed: int) -> tuple[Path, SynthSummary, float]:
    """`graphsvc synth` of ``people`` into the benchmarks' own directory: (dir, summary, seconds)."""
    from graphsvc.synth import generate  # Faker loads only for the benchmarks that synthesise

    out = ROOT / ".graphsvc" / "bench" / f"synth-{people}-{seed}"
    say(f"synthesising {people} people into {out} ...")
    with Timer() as timer:
        summary = generate(people, seed=seed, out=out)
    return out, summary, timer.seconds
