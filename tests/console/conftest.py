"""The console and GraphiQL in a real browser: the system chromium driven by Playwright, the app over HTTP.

Every page runs offline: a request to any host but this machine is aborted and fails the test, as
does an error in the browser's console or an uncaught exception in a page's script. CI installs
chromium (``.ci/run``); without it these tests fail and say so rather than skip.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Playwright, Route, sync_playwright

from graphsvc.api import create_app
from graphsvc.config import Settings
from graphsvc.db import Database
from tests.support import serve_in_thread

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".graphsvc" / "screenshots"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

Screenshot = Callable[[Page], Path]


def chromium_path() -> str:
    return shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Headless chromium from the system (Playwright's own browser download is not used)."""
    path = chromium_path()
    args = ["--no-sandbox"] if os.geteuid() == 0 else []  # chromium refuses to sandbox as root
    try:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=args)
    except Error as exc:
        pytest.fail(
            f"could not launch chromium at {path!r} for the browser tests: {exc.message.splitlines()[0]}\n"
            "Install it (Debian: apt-get install chromium), or put it on PATH as 'chromium'.",
            pytrace=False,
        )
    yield browser
    browser.close()


@dataclass
class BrowserLog:
    """What a page did that a test should not allow: requests off this machine, console errors, uncaught errors."""

    offsite: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    tolerated: list[re.Pattern[str]] = field(default_factory=list)

    def tolerate_failed_load(self, url_pattern: str) -> None:
        """Accept the console's 'Failed to load resource' for URLs matching ``url_pattern`` (a regex), e.g.
        the session endpoint answering 401 to a caller who has not signed in."""
        self.tolerated.append(re.compile(url_pattern))

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if message.text.startswith("Failed to load resource") and any(p.search(url) for p in self.tolerated):
            return
        self.errors.append(f"console error: {message.text} ({url})")

    def on_page_error(self, error: Error) -> None:
        self.errors.append(f"uncaught: {error.message}")

    def problems(self) -> list[str]:
        return [f"request to another host aborted: {url}" for url in self.offsite] + self.errors


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def page(browser: Browser, browser_log: BrowserLog) -> Iterator[Page]:
    """A fresh browser context and page that may reach only this machine; checked for problems at teardown."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})

    def only_local(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            browser_log.offsite.append(url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.on("console", browser_log.on_console)
    page.on("pageerror", browser_log.on_page_error)
    yield page
    context.close()
    problems = browser_log.problems()
    assert not problems, "the page misbehaved:\n" + "\n".join(problems)


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Screenshot:
    """``screenshot(page)`` saves the whole page to .graphsvc/screenshots/<test name>.png and returns the path."""

    def take(page: Page) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', request.node.name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def app_url(db: Database, settings: Settings) -> Iterator[str]:
    """The real app (development settings: anonymous callers are viewers) over HTTP on a free port."""
    with serve_in_thread(create_app(settings, db)) as base:
        yield base
