"""The vendored front-end libraries match their manifest, and no page of the console loads from another host."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from graphsvc.console.graphiql import graphiql_page

STATIC = Path(__file__).resolve().parents[2] / "graphsvc" / "console" / "static"
VENDOR = STATIC / "vendor"
MANIFEST = json.loads((VENDOR / "manifest.json").read_text())

#: A URL on another host: http://..., https://... or protocol-relative //host/...
OFF_ORIGIN = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


def _vendored() -> set[str]:
    return {path.relative_to(VENDOR).as_posix() for path in VENDOR.rglob("*") if path.is_file()} - {"manifest.json"}


@pytest.mark.parametrize("name", sorted(MANIFEST["files"]))
def test_each_file_is_as_published(name: str) -> None:
    entry = MANIFEST["files"][name]
    path = VENDOR / name
    assert path.is_file(), f"{name} is in vendor/manifest.json but not in {VENDOR}"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], f"{name} differs from npm's"
    package = MANIFEST["packages"][entry["package"]]
    assert (entry["version"], entry["license"]) == (package["version"], package["license"])


def test_every_vendored_file_is_in_the_manifest() -> None:
    assert _vendored() == set(MANIFEST["files"])


@pytest.mark.parametrize("package", sorted(MANIFEST["packages"]))
def test_each_package_keeps_its_licence(package: str) -> None:
    licences = [name for name, entry in MANIFEST["files"].items() if entry["package"] == package and "LICENSE" in name]
    assert licences, f"no LICENSE file vendored for {package}"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value is not None]


def _pages() -> list[tuple[str, str]]:
    files = [path for path in STATIC.rglob("*.html") if VENDOR not in path.parents]
    return [(path.relative_to(STATIC).as_posix(), path.read_text()) for path in sorted(files)]


@pytest.mark.parametrize(("name", "html"), [("graphiql_page()", graphiql_page()), *_pages()])
def test_pages_refer_only_to_their_own_origin(name: str, html: str) -> None:
    links = _Links()
    links.feed(html)
    off = [url for url in links.urls if OFF_ORIGIN.match(url)]
    assert not off, f"{name} refers to other hosts (every asset must come from the package): {off}"


@pytest.mark.parametrize("url", ["https://unpkg.com/react.js", "http://x/y", "//cdn.example.com/a.css", " HTTPS://a/b"])
def test_off_origin_urls_are_recognised(url: str) -> None:
    assert OFF_ORIGIN.match(url)


@pytest.mark.parametrize(
    "url", ["/static/vendor/react/react.production.min.js", "page.css", "../a.js", "#top", "data:,", "mailto:a@b.c"]
)
def test_same_origin_urls_pass(url: str) -> None:
    assert not OFF_ORIGIN.match(url)
