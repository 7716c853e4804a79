"""Limits every HTTP request meets before the application sees it: body size and time.

``RequestLimits`` is an ASGI middleware. A request body over ``max_bytes`` is answered 413 before any of
it is parsed: at once when its ``Content-Length`` says so, else as soon as the bytes read pass the
limit (a chunked upload is not read to its end). A body within the limit is read whole and handed to
the application as it came. A request that takes longer than ``timeout`` seconds is cancelled and
answered 503 with ``Retry-After`` (its Neo4j queries stop on their own transaction timeout).
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Replay", "RequestLimits", "read_body"]


class RequestLimits:
    def __init__(self, app: ASGIApp, *, max_bytes: int, timeout: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._too_large(send)
            return
        replay = receive
        if scope["method"] in ("POST", "PUT", "PATCH"):
            body, replay = await read_body(receive, self.max_bytes)
            if body is None and not replay.cut_short:
                await self._too_large(send)
                return

        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            async with asyncio.timeout(self.timeout):
                await self.app(scope, replay, watched)
        except TimeoutError:
            if started:  # part of the answer has left: all that is left to do is to cut it off
                raise
            await _answer(
                send,
                503,
                f"the request took longer than {self.timeout:g} s and was stopped",
                "TIMEOUT",
                headers=[(b"retry-after", b"5")],
            )

    async def _too_large(self, send: Send) -> None:
        await _answer(
            send,
            413,
            f"the request body is larger than {self.max_bytes} bytes (GRAPHSVC_MAX_BODY_BYTES)",
            "REQUEST_TOO_LARGE",
            limit=self.max_bytes,
        )


class Replay:
    """A ``receive`` that gives the messages already read again, then the connection's own."""

    def __init__(self, messages: list[Message], receive: Receive, cut_short: bool) -> None:
        self.messages = messages
        self.receive = receive
        #: whether the client went away before the body ended
        self.cut_short = cut_short

    async def __call__(self) -> Message:
        return self.messages.pop(0) if self.messages else await self.receive()


async def read_body(receive: Receive, limit: int) -> tuple[bytes | None, Replay]:
    """The request body, read whole (None when it is over ``limit`` bytes, when reading stops, or when
    the client went away first), and a ``receive`` that gives an application the same messages again."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return None, Replay(messages, receive, cut_short=True)
        size += len(message.get("body", b""))
        if size > limit:
            return None, Replay(messages, receive, cut_short=False)
        if not message.get("more_body", False):
            return b"".join(m.get("body", b"") for m in messages), Replay(messages, receive, cut_short=False)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _answer(
    send: Send, status: int, message: str, code: str, headers: list[tuple[bytes, bytes]] | None = None, **more: Any
) -> None:
    """A GraphQL-shaped error answer (``errors`` with a code, no ``data``), closing the connection."""
    body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": code, **more}}]})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
