"""/static serves the package's files, with the types a browser insists on, and nothing outside them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette

from graphsvc.console.static_files import static_mount
from tests.console.test_vendor import MANIFEST
from tests.support import serve_in_thread


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    """Just the static route, over real HTTP (no database needed)."""
    with serve_in_thread(Starlette(routes=[static_mount()])) as base, httpx.Client(base_url=base) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/static/vendor/react/react.production.min.js", "text/javascript"),
        ("/static/vendor/graphiql/graphiql.min.css", "text/css"),
        ("/static/graphiql/start.js", "text/javascript"),
        ("/static/vendor/manifest.json", "application/json"),
    ],
)
def test_files_are_served_with_their_type(client: httpx.Client, path: str, content_type: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == content_type


def test_a_vendored_file_arrives_unchanged(client: httpx.Client) -> None:
    body = client.get("/static/vendor/graphiql/graphiql.min.js").content
    assert hashlib.sha256(body).hexdigest() == MANIFEST["files"]["graphiql/graphiql.min.js"]["sha256"]
    assert json.loads(client.get("/static/vendor/manifest.json").content) == MANIFEST


@pytest.mark.parametrize("path", ["/static/nope.js", "/static/../static_files.py", "/static/%2e%2e/graphiql.py"])
def test_nothing_else_is_served(client: httpx.Client, path: str) -> None:
    assert client.get(path).status_code == 404
