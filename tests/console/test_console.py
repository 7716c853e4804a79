"""The marketer console end to end: a real browser, the real app over HTTP, a synthetic CRM in the real Neo4j.

One synthetic social CRM is loaded for the module (imported, resolved and scored as `graphsvc demo`
does); every test signs in as a user of the role it needs. The page fixture fails a test on any
request to another host and on any error in the browser's console. Each screen is saved to
.graphsvc/screenshots/.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from graphsvc.api import create_app
from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.service.users import create_user
from tests.console.conftest import SCREENSHOTS, BrowserLog, Screenshot
from tests.support import load_crm, serve_in_thread

PASSWORD = "correct horse battery staple"
ROLES = ("viewer", "marketer", "analyst")


@pytest.fixture(scope="module")
def crm(session_db: Database, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Database:
    """A small synthetic social CRM, resolved and scored, with one user per role."""
    load_crm(session_db, settings, tmp_path_factory.mktemp("crm"))
    for role in ROLES:
        create_user(session_db, name=f"{role}1", role=role, password=PASSWORD)
    # a name a spreadsheet would run as a formula, to export
    session_db.adhoc(
        "MATCH (p:Person) WITH p ORDER BY p.influence DESC LIMIT 1 SET p.name = '=HYPERLINK(\"http://x.test\")'",
        {},
        allow_write=True,
    )
    return session_db


@pytest.fixture
def console(crm: Database, settings: Settings) -> Iterator[str]:
    with serve_in_thread(create_app(settings, crm)) as base:
        yield base


@pytest.fixture(autouse=True)
def signed_out_is_no_error(browser_log: BrowserLog) -> None:
    """The console asks for the session first: before signing in, the answer is a 401."""
    browser_log.tolerate_failed_load(r"/console/session$")


def sign_in(page: Page, base: str, user: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_wrong_password_and_sign_out(
    page: Page, console: str, browser_log: BrowserLog, screenshot: Screenshot
) -> None:
    browser_log.tolerate_failed_load(r"/console/login$")
    sign_in(page, console, "marketer1", "not the password at all")
    expect(page.get_by_role("alert")).to_contain_text("wrong user name or password")
    screenshot(page)
    sign_in(page, console, "marketer1")
    expect(page.locator("#who-name")).to_have_text("marketer1")
    expect(page.locator("#who-role")).to_have_text("marketer")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.reload()  # the cookie is gone: still signed out
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_a_viewer_sees_no_emails_and_no_review_queue(page: Page, console: str, crm: Database) -> None:
    sign_in(page, console, "viewer1")
    expect(page.locator("#influencers tbody tr").first).to_be_visible()
    expect(page.get_by_role("link", name="Review queue")).to_be_hidden()
    page.goto(f"{console}/#/review")
    expect(page.get_by_role("alert")).to_contain_text("needs role analyst")
    person = crm.adhoc(
        "MATCH (p:Person)-[:HAS_MEMBER]->(:Contact)-[:HAS]->(i:Identity {platform: 'email'}) RETURN p.id AS id, "
        "i.key AS email LIMIT 1",
        {},
        allow_write=False,
    )[1][0]
    page.goto(f"{console}/#/person/{person['id']}")
    expect(page.get_by_role("heading", name="Identities")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(person["email"])


def test_influencers_for_a_topic_then_a_person_with_an_ego_network(
    page: Page, console: str, crm: Database, screenshot: Screenshot
) -> None:
    topic = crm.adhoc(
        "MATCH (:Person)-[r:TOPIC_INFLUENCE]->(t:Topic) RETURN t.name AS topic, count(r) AS n ORDER BY n DESC LIMIT 1",
        {},
        allow_write=False,
    )[1][0]["topic"]
    sign_in(page, console, "marketer1")
    expect(page.locator("#influencers tbody tr").first).to_be_visible()
    screenshot(page)
    page.get_by_label("Topic").fill(topic)
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#influencers th").nth(2)).to_have_text("topic score")
    first = page.locator("#influencers tbody tr").first
    name = first.locator("td").nth(1).get_by_role("link").inner_text()
    first.locator("td").nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    graph = page.locator("#ego-network")
    expect(graph).to_have_attribute("data-nodes", re.compile(r"^[1-9]\d*$"))
    expect(graph.locator("canvas").first).to_be_visible()
    expect(page.get_by_role("heading", name="Warm path")).to_be_visible()
    expect(page.get_by_text("Looking for a warm path")).to_have_count(0, timeout=15_000)  # answered, path or not
    screenshot(page)
    page.screenshot(path=str(SCREENSHOTS / "person-viewport.png"))  # the view docs/console.png shows


def test_accepting_a_pair_joins_the_records_and_rejecting_one_removes_it(
    page: Page, console: str, crm: Database, screenshot: Screenshot
) -> None:
    pending = crm.adhoc(
        "MATCH ()-[r:MATCH_CANDIDATE {status: 'pending'}]->() RETURN count(r) AS n", {}, allow_write=False
    )[1][0]["n"]
    assert pending >= 2, "the synthetic CRM should leave pairs to review"
    sign_in(page, console, "analyst1")
    page.get_by_role("link", name="Review queue").click()
    pair = page.locator("article[data-pair]")
    expect(pair).to_be_visible()
    expect(page.locator("#evidence-chart")).to_be_visible()
    screenshot(page)
    accepted = pair.get_attribute("data-pair")
    page.keyboard.press("a")  # the keyboard shortcut
    expect(page.locator(f'article[data-pair="{accepted}"]')).to_have_count(0)
    status = crm.adhoc(
        "MATCH (a)-[r:MATCH_CANDIDATE {pairId: $id}]->(b) OPTIONAL MATCH (p:Person)-[:HAS_MEMBER]->(a) "
        "OPTIONAL MATCH (q:Person)-[:HAS_MEMBER]->(b) RETURN r.status AS status, p.id = q.id AS together",
        {"id": accepted},
        allow_write=False,
    )[1][0]
    assert status == {"status": "accepted", "together": True}

    rejected = page.locator("article[data-pair]").get_attribute("data-pair")
    page.get_by_role("button", name="Reject (R)").click()
    expect(page.locator(f'article[data-pair="{rejected}"]')).to_have_count(0)
    page.reload()
    expect(page.locator(f'article[data-pair="{rejected}"]')).to_have_count(0)
    assert crm.adhoc(
        "MATCH ()-[r:MATCH_CANDIDATE {pairId: $id}]->() RETURN r.status AS s", {"id": rejected}, allow_write=False
    )[1] == [{"s": "rejected"}]


def test_a_segment_is_built_saved_and_exported_with_formulas_escaped(
    page: Page, console: str, screenshot: Screenshot, tmp_path: Path
) -> None:
    sign_in(page, console, "marketer1")
    page.get_by_role("link", name="Segments").click()
    total = page.locator("#segment-total")
    expect(total).to_be_visible()
    everyone = int(total.inner_text().replace(",", ""))
    page.get_by_label("Minimum influence").fill("0.5")
    expect(total).not_to_have_text(str(everyone))
    page.get_by_label("Minimum influence").fill("")
    expect(total).to_have_text(f"{everyone:,}")
    page.get_by_label("Segment name").fill("Everyone reachable")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#saved-segments")).to_contain_text("Everyone reachable")
    screenshot(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    path = tmp_path / "segment.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) == everyone
    names = [row["name"] for row in rows]
    assert '\'=HYPERLINK("http://x.test")' in names and not any(n.startswith(("=", "+", "@")) for n in names)


def test_every_screen_renders_offline(page: Page, console: str) -> None:
    sign_in(page, console, "analyst1")
    checks = {  # screen: (its heading, what shows once its content is in)
        "influencers": ("Influencers", "#influencers tbody tr"),
        "communities": ("Communities", "#communities tbody tr"),
        "segments": ("Segments", "#segment-total"),
        "brands": ("Brands & trends", "#brand"),
        "review": ("Review queue", "article[data-pair], .state.empty"),
        "jobs": ("Jobs", "#job-runs, .state.empty"),
    }
    for screen, (heading, ready) in checks.items():
        page.goto(f"{console}/#/{screen}")
        # the screen itself, not what the last one left in the page until this one replaces it
        expect(page.locator("#view h1").first).to_have_text(heading)
        expect(page.locator("#view").locator(ready).first).to_be_visible()
        if screen == "communities":  # the map draws communities, not persons
            expect(page.locator("#community-map")).to_have_attribute("data-nodes", re.compile(r"^[1-9]\d*$"))
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"screen-{screen}.png"), full_page=True)
