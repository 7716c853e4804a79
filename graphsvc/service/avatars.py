"""People's pictures for the console, fetched by the server so that the browser never contacts another host.

The console asks ``/console/avatar?url=...`` for an identity's ``avatarUrl``; ``AvatarProxy`` answers
with the image, or with nothing, and never as an open proxy:

- only a URL that is the avatar of an identity in the graph is fetched (an erased person's picture
  stops being served at once, cached or not), and only for a signed-in caller;
- only http(s), to public addresses (``avatar_private_hosts`` allows the rest), each redirect
  checked again, at most ``MAX_BYTES``, and only raster images (PNG, JPEG, GIF, WebP: an SVG can
  carry script);
- pictures are kept in memory, never on disk, up to ``CACHE_BYTES`` in all, for ``KEEP_SECONDS``; a
  host that did not answer is not asked again for ``HOST_BACKOFF_SECONDS``, so a console without
  internet shows initials at once instead of waiting for every picture.

The address check resolves the host before the request; a host that resolves differently a moment
later (DNS rebinding) is the residual risk, as with most image proxies that do not pin the address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from graphsvc.db import Database

__all__ = ["AvatarProxy", "Picture", "known"]

MAX_BYTES = 1_000_000
MAX_URL = 2048
CACHE_BYTES = 32_000_000
KEEP_SECONDS = 24 * 3600
MISS_SECONDS = 600
HOST_BACKOFF_SECONDS = 60
MAX_HOSTS_DOWN = 10_000
TIMEOUT_SECONDS = 3.0
MAX_REDIRECTS = 3
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def known(db: Database, url: str) -> bool:
    """Whether ``url`` is the picture of an identity in the graph."""
    (row,) = db.read("api.avatar_known", url=url)
    return bool(row["known"])


@dataclass(frozen=True)
class Picture:
    content: bytes
    media_type: str


class Refused(Exception):
    """A URL the proxy will not fetch, or whose answer is not a picture it serves."""


class AvatarProxy:
    """Fetches and caches pictures; one per server process."""

    def __init__(self, *, private_hosts: bool = False) -> None:
        self.private_hosts = private_hosts
        self._cache: OrderedDict[str, tuple[float, Picture | None]] = OrderedDict()
        self._bytes = 0
        self._host_down: dict[str, float] = {}
        self._client: httpx.AsyncClient | None = None

    async def picture(self, url: str) -> Picture | None:
        """The picture at ``url`` (already known to be an avatar of the graph), or None."""
        now = time.monotonic()
        cached = self._cache.get(url)
        if cached is not None and cached[0] > now:
            self._cache.move_to_end(url)
            return cached[1]
        try:
            found: Picture | None = await self._fetch(url)
        except (Refused, httpx.HTTPError, OSError):
            found = None
        self._keep(url, found, now)
        return found

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    def _keep(self, url: str, picture: Picture | None, now: float) -> None:
        if url in self._cache:
            self._drop(url)
        self._cache[url] = (now + (KEEP_SECONDS if picture else MISS_SECONDS), picture)
        self._bytes += len(picture.content) if picture else 0
        while self._bytes > CACHE_BYTES and self._cache:
            self._drop(next(iter(self._cache)))

    def _drop(self, url: str) -> None:
        _, picture = self._cache.pop(url)
        self._bytes -= len(picture.content) if picture else 0

    async def _fetch(self, url: str) -> Picture:
        client = self._client = self._client or httpx.AsyncClient(
            timeout=TIMEOUT_SECONDS, follow_redirects=False, headers={"User-Agent": "graphsvc-avatars"}
        )
        for _ in range(MAX_REDIRECTS + 1):
            host = await self._check(url)
            try:
                async with client.stream("GET", url, headers={"Accept": ", ".join(sorted(IMAGE_TYPES))}) as answer:
                    if answer.is_redirect and "location" in answer.headers:
                        url = urljoin(url, answer.headers["location"])
                        continue
                    return await _read(answer)
            except httpx.TransportError:
                self._down(host)
                raise
        raise Refused("too many redirects")

    def _down(self, host: str) -> None:
        now = time.monotonic()
        if len(self._host_down) >= MAX_HOSTS_DOWN:  # forget the hosts whose pause is over
            self._host_down = {h: until for h, until in self._host_down.items() if until > now}
        self._host_down[host] = now + HOST_BACKOFF_SECONDS

    async def _check(self, url: str) -> str:
        """Refuse what is not an http(s) URL of a public host (unless private hosts are allowed)."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host or len(url) > MAX_URL:
            raise Refused("not an http(s) URL")
        if self._host_down.get(host, 0.0) > time.monotonic():
            raise Refused(f"{host} did not answer a moment ago")
        if self.private_hosts:
            return host
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError:
            self._down(host)
            raise
        for *_, sockaddr in addresses:
            if not ipaddress.ip_address(str(sockaddr[0]).split("%")[0]).is_global:
                raise Refused(f"{host} is not a public address")
        return host


async def _read(answer: httpx.Response) -> Picture:
    media_type = answer.headers.get("content-type", "").split(";")[0].strip().lower()
    if answer.status_code != 200 or media_type not in IMAGE_TYPES:
        raise Refused(f"answered {answer.status_code} {media_type or 'without a type'}")
    body = bytearray()
    async for chunk in answer.aiter_bytes():
        body += chunk
        if len(body) > MAX_BYTES:
            raise Refused("larger than a picture may be")
    return Picture(bytes(body), media_type)
