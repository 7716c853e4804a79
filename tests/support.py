"""Test helpers: free ports and a real uvicorn server in a thread."""

from __future__ import annotations

import socket
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
def serve_in_thread(app: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn on a free loopback port; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
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
    response = httpx.post(f"{base_url}/graphql", json={"query": query, "variables": variables or {}},
                          headers=headers, timeout=30)  # fmt: skip
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body
