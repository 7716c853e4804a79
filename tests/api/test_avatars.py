"""The console's avatar proxy: the server fetches an identity's picture so the browser never asks another host."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
import pytest

from graphsvc.db import Database
from tests.api.conftest import Serve


def _png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


PNG = _png()


class _Pictures(BaseHTTPRequestHandler):
    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Pictures.asked.append(self.path)
        if self.path == "/ada.png":
            self._answer(200, "image/png", PNG)
        elif self.path == "/moved.png":
            self.send_response(302)
            self.send_header("Location", "/ada.png")
            self.end_headers()
        elif self.path == "/script.svg":
            self._answer(
                200, "image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
            )
        elif self.path == "/huge.png":
            self._answer(200, "image/png", PNG + b"\x00" * 1_100_000)
        else:
            self._answer(404, "text/plain", b"no")

    def _answer(self, status: int, media_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def pictures() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pictures)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Pictures.asked = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _identities(db: Database, urls: list[str]) -> None:
    db.adhoc(
        "UNWIND range(0, size($urls) - 1) AS n "
        "CREATE (:Identity {platform: 'twitter', key: 'pic' + n, avatarUrl: $urls[n]})",
        {"urls": urls},
        allow_write=True,
    )


def _get(base: str, url: str, key: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.get(f"{base}/console/avatar", params={"url": url}, headers=headers, timeout=10)


def test_a_known_picture_comes_through_the_server_and_is_kept(
    serve: Serve, db: Database, keys: dict[str, str], pictures: str
) -> None:
    urls = [f"{pictures}/ada.png", f"{pictures}/moved.png", f"{pictures}/script.svg", f"{pictures}/huge.png"]
    _identities(db, urls)
    with serve(avatar_private_hosts=True, anonymous_role="none") as base:
        answer = _get(base, urls[0], keys["viewer"])
        assert answer.status_code == 200 and answer.content == PNG
        assert answer.headers["content-type"] == "image/png"
        assert "default-src 'none'" in answer.headers["content-security-policy"]
        assert _get(base, urls[0], keys["viewer"]).content == PNG
        assert _Pictures.asked.count("/ada.png") == 1  # the second answer came from memory
        assert _get(base, urls[1], keys["viewer"]).content == PNG  # a redirect, followed and checked
        # what is not a raster picture, or is too large, is not served
        assert _get(base, urls[2], keys["viewer"]).status_code == 204  # no content: the console shows initials
        assert _get(base, urls[3], keys["viewer"]).status_code == 204
        # only URLs that are an identity's picture: the proxy is not an open one
        stranger = _get(base, f"{pictures}/other.png", keys["viewer"])
        assert stranger.status_code == 404 and stranger.json()["code"] == "NOT_FOUND"
        assert "/other.png" not in _Pictures.asked
        # only for a caller with a role
        refused = _get(base, urls[0])
        assert refused.status_code == 401 and refused.json()["code"] == "UNAUTHENTICATED"
        assert _get(base, "", keys["viewer"]).json()["code"] == "BAD_USER_INPUT"
    # an erased picture stops at once, even while it is in memory
    with serve(avatar_private_hosts=True) as base:
        assert _get(base, urls[0]).status_code == 200
        db.adhoc("MATCH (i:Identity {key: 'pic0'}) DETACH DELETE i", {}, allow_write=True)
        assert _get(base, urls[0]).status_code == 404


def test_private_addresses_are_refused_unless_allowed(serve: Serve, db: Database, pictures: str) -> None:
    url = f"{pictures}/ada.png"
    _identities(db, [url, "file:///etc/passwd"])
    with serve() as base:  # the default: a stored URL cannot make the server reach its own network
        assert _get(base, url).status_code == 204
        assert _get(base, "file:///etc/passwd").status_code == 204
    assert _Pictures.asked == []
    with serve(avatars="off", avatar_private_hosts=True) as base:
        assert _get(base, url).status_code == 204
    assert _Pictures.asked == []
