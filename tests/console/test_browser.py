"""The browser fixtures themselves: a page that reaches off this machine or logs an error is caught."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.console.conftest import BrowserLog


def test_requests_to_other_hosts_and_console_errors_are_caught(page: Page, browser_log: BrowserLog) -> None:
    page.set_content(
        '<img src="https://cdn.example.com/lib.png"><script>console.error("boom"); undefinedCall();</script>'
    )
    page.wait_for_load_state("load")
    problems = browser_log.problems()
    assert problems[0] == "request to another host aborted: https://cdn.example.com/lib.png"
    assert any("console error: boom" in problem for problem in problems)
    assert any(problem.startswith("uncaught: ") and "undefinedCall" in problem for problem in problems)
    browser_log.offsite.clear()  # seen: let the fixture's teardown pass
    browser_log.errors.clear()
