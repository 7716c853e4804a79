"""GraphiQL at GET /graphql: the package's own page, offline, in a real browser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
from playwright.sync_api import Page, expect

from graphsvc.console.graphiql import SESSION_PATH, graphiql_page
from graphsvc.db import Database
from graphsvc.service import health
from tests.console.conftest import BrowserLog, Screenshot

QUERY = "{ health { neo4jVersion schemaVersion } }"


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def test_the_page_loads_only_the_packaged_files() -> None:
    assets = _Assets()
    assets.feed(graphiql_page())
    assert assets.urls == [
        "data:,",
        "/static/vendor/graphiql/graphiql.min.css",
        "/static/graphiql/page.css",
        "/static/vendor/react/react.production.min.js",
        "/static/vendor/react-dom/react-dom.production.min.js",
        "/static/vendor/graphiql/graphiql.min.js",
        "/static/graphiql/start.js",
    ]


def test_the_endpoint_is_escaped_into_the_page() -> None:
    assert 'data-endpoint="/api?a=1&amp;b=&quot;2&quot;"' in graphiql_page('/api?a=1&b="2"')


def test_graphql_serves_it_to_a_browser_and_answers_queries_as_before(app_url: str) -> None:
    page = httpx.get(f"{app_url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.text == graphiql_page()
    answer = httpx.get(f"{app_url}/graphql", params={"query": "{ health { ok } }"}, headers={"Accept": "text/html"})
    assert answer.json() == {"data": {"health": {"ok": True}}}


def test_graphiql_runs_a_query_offline(
    page: Page, app_url: str, db: Database, browser_log: BrowserLog, screenshot: Screenshot
) -> None:
    browser_log.tolerate_failed_load(re.escape(SESSION_PATH) + "$")  # nobody signed in (or no console yet)
    page.goto(f"{app_url}/graphql")
    editor = page.locator(".graphiql-query-editor .CodeMirror")
    expect(editor).to_be_visible()
    # CodeMirror closes brackets as one types, so the query is set through its API, then run by keyboard.
    editor.evaluate("(element, query) => element.CodeMirror.setValue(query)", QUERY)
    editor.click()
    page.keyboard.press("Control+Enter")

    version = health.check(db)["neo4j_version"]
    result = page.locator(".graphiql-response .CodeMirror")
    expect(result).to_contain_text(f'"neo4jVersion": "{version}"')
    expect(result).to_contain_text('"schemaVersion"')
    expect(page.locator(".graphiql-query-editor")).to_contain_text("schemaVersion")
    screenshot(page)
