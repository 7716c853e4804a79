"""`graphsvc serve --workers N`: N server processes, each with its own listening socket on the port.

Python runs one request's code at a time per process, so using every core takes several
processes. Each worker binds the port with ``SO_REUSEPORT``, and the kernel spreads new
connections over the workers by a hash of the addresses. (uvicorn's own ``--workers`` shares one
socket, and the worker that wakes first accepts a whole burst of connections: with 16 keep-alive
clients, one worker held all 16 while the other idled.) The parent only watches: it restarts a
worker that dies, gives up when one dies during start-up, and stops them all on SIGINT or SIGTERM.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import signal
import socket
import threading
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from typing import Any

from graphsvc.config import Settings
from graphsvc.errors import ServerError

__all__ = ["AppFactory", "ensure_port_free", "serve_workers"]

#: What a worker process serves: the app of the parent's settings.
AppFactory = Callable[[Settings], Any]

#: A worker that exits sooner than this after its start failed to start: the parent stops.
_START_GRACE_SECONDS = 10.0
_STOP_SECONDS = 30.0

_log = logging.getLogger("graphsvc.serve")


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ServerError(
            f"cannot listen on {host}:{port}: {exc.strerror}", hint="choose another port with --port or GRAPHSVC_PORT"
        ) from None
    return sock


def _in_use(host: str, port: int) -> bool:
    """Whether something already listens there: a socket with SO_REUSEPORT of the same user would
    bind the port anyway and share its connections with ours."""
    target = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    try:
        with socket.create_connection((target, port), timeout=0.5):
            return True
    except OSError:
        return False


def ensure_port_free(host: str, port: int) -> None:
    """Raise ``ServerError`` when ``host:port`` cannot be served: something listens there, or binds it."""
    if _in_use(host, port):
        raise ServerError(
            f"something already listens on {host}:{port}",
            hint="stop it, or choose another port with --port or GRAPHSVC_PORT",
        )
    _bind(host, port).close()


def _worker(
    app_factory: AppFactory, settings_json: str, host: str, port: int, log_level: str
) -> None:  # pragma: no cover - a child
    import uvicorn

    from graphsvc.api.logs import log_config

    settings = Settings.model_validate_json(settings_json)
    sock = _bind(host, port)
    config = uvicorn.Config(
        functools.partial(app_factory, settings),
        factory=True,
        log_level=log_level,
        log_config=log_config(),
        ws_max_size=settings.max_body_bytes,
    )
    uvicorn.Server(config).run(sockets=[sock])


def serve_workers(settings: Settings, app_factory: AppFactory, *, host: str, port: int, log_level: str) -> None:
    """Run ``settings.workers`` server processes on ``host:port`` until SIGINT or SIGTERM.

    Each builds its app with ``app_factory(settings)``: a module-level function, which the spawned
    process imports by its name.
    """
    ensure_port_free(host, port)
    context = multiprocessing.get_context("spawn")
    args = (app_factory, settings.model_dump_json(), host, port, log_level)

    def start() -> tuple[BaseProcess, float]:
        process = context.Process(target=_worker, args=args, name="graphsvc-worker", daemon=False)
        process.start()
        return process, time.monotonic()

    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    workers = [start() for _ in range(settings.workers)]
    failure: str | None = None
    try:
        while not stop.wait(0.5):
            for n, (process, began) in enumerate(workers):
                if process.is_alive():
                    continue
                if time.monotonic() - began < _START_GRACE_SECONDS:
                    failure = f"a worker process exited while starting (exit code {process.exitcode})"
                    stop.set()
                    break
                _log.warning("worker %s exited (code %s); starting another", process.pid, process.exitcode)
                workers[n] = start()
    finally:
        _stop_all([process for process, _ in workers])
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failure:
        raise ServerError(failure, hint="its error is printed above; `graphsvc neo4j status` checks Neo4j")


def _stop_all(processes: list[Any]) -> None:
    for process in processes:
        if process.is_alive():
            process.terminate()  # SIGTERM: uvicorn finishes the requests in flight, then exits
    deadline = time.monotonic() + _STOP_SECONDS
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()
