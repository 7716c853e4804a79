"""Limits every HTTP request meets before the application sees it: body size, time and rate.

``RequestLimits`` is an ASGI middleware. A request body over ``max_bytes`` is answered 413 before any of
it is parsed: at once when its ``Content-Length`` says so, else as soon as the bytes read pass the
limit (a chunked upload is not read to its end). A body within the limit is read whole and handed to
the application as it came. A request that takes longer than ``timeout`` seconds is cancelled and
answered 503 with ``Retry-After`` (its Neo4j queries stop on their own transaction timeout).

``RateLimits`` is another: requests a minute per API key or session, and per address without one.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["RateLimits", "Replay", "RequestLimits", "read_body"]


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

        deadline = asyncio.timeout(self.timeout)
        try:
            async with deadline:
                await self.app(scope, replay, watched)
        except TimeoutError:
            # not this deadline's, or part of the answer has left (all there is to do is to cut it off)
            if started or not deadline.expired():
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


class RateLimits:
    """Requests a minute per API key or console session (``per_key``), and per client address for
    requests with neither (``per_address``): token buckets that hold a minute's worth and refill
    continuously. Over the limit, 429 with ``Retry-After`` (seconds until a request is allowed again).
    Buckets live in this process (each worker counts its own), at most ``MAX_BUCKETS`` of them, the
    least recently used forgotten first. Keys are kept as hashes, never as themselves.

    The console's static files and the health probes are not counted: a page load fetches a dozen
    files, and a monitor must see the service it watches. Behind a reverse proxy the address is the
    one the proxy forwards (uvicorn reads ``X-Forwarded-For`` from the addresses in its
    ``FORWARDED_ALLOW_IPS``, the loopback by default)."""

    MAX_BUCKETS = 100_000
    #: Paths that take no token.
    EXEMPT = ("/static/", "/healthz", "/readyz", "/favicon.ico")

    def __init__(self, app: ASGIApp, *, per_key: int, per_address: int) -> None:
        self.app = app
        self.per_key = per_key
        self.per_address = per_address
        self.buckets: OrderedDict[bytes, tuple[float, float]] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"].startswith(self.EXEMPT):
            await self.app(scope, receive, send)
            return
        who, limit = self._who(scope)
        wait = self._take(who, limit) if limit else 0.0
        if wait > 0 and scope["type"] == "http":
            seconds = max(1, int(wait + 0.999))
            await _answer(
                send,
                429,
                f"too many requests: at most {limit} a minute; retry in {seconds} s",
                "RATE_LIMITED",
                headers=[(b"retry-after", str(seconds).encode())],
                retryAfter=seconds,
            )
            return
        if wait > 0:  # a WebSocket: refused before it is accepted
            await send({"type": "websocket.close", "code": 1013})
            return
        await self.app(scope, receive, send)

    def _who(self, scope: Scope) -> tuple[bytes, int]:
        """Whose bucket a request draws from (a hash of its key or session cookie, else its address)."""
        credential = b""
        for name, value in scope["headers"]:
            if name in (b"authorization", b"x-api-key"):
                credential = value.strip()
                break
            if name == b"cookie" and b"graphsvc_session=" in value:
                credential = value.split(b"graphsvc_session=", 1)[1].split(b";", 1)[0]
        if credential:
            return b"k" + hashlib.blake2b(credential, digest_size=16).digest(), self.per_key
        client = scope.get("client") or ("", 0)
        return b"a" + str(client[0]).encode(), self.per_address

    def _take(self, who: bytes, per_minute: int) -> float:
        """Take a token from ``who``'s bucket: 0 if there was one, else the seconds until there is."""
        now = time.monotonic()
        rate = per_minute / 60.0
        tokens, then = self.buckets.pop(who, (float(per_minute), now))
        tokens = min(float(per_minute), tokens + (now - then) * rate)
        if tokens >= 1.0:
            self.buckets[who] = (tokens - 1.0, now)
            wait = 0.0
        else:
            self.buckets[who] = (tokens, now)
            wait = (1.0 - tokens) / rate
        while len(self.buckets) > self.MAX_BUCKETS:
            self.buckets.popitem(last=False)
        return wait
