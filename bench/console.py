"""Benchmark the marketer console in a real browser against the GraphQL requests behind each screen.

    python bench/console.py [--people N] [--follows F] [--rounds R] [--seed S]

Writes N persons (default 100000) as bench/api.py does (one to three identities each, scores, a
community, a CRM contact for some, a marketing denial for 3%) plus F random follows between their
identities (default 3 per person), so that ego networks have ties. Then serves the app (`graphsvc
serve`'s code, production mode) in its own process, signs in as an analyst in Debian's chromium
(Playwright), and times each screen with the browser's own clock (``performance.now()`` from the
navigation until the screen's content is in the page):

- first views: influencers, a person (with the ego-network picture drawn), communities (the map
  drawn), segments (the count shown), review queue, brands, jobs;
- interactions: the next page of influencers, the segment count after a filter changes, the ego
  network at depth 2.

The baseline, measured in the same run, is the GraphQL request behind each timed view, posted over
HTTP by a plain client (httpx) with the same session: ``ratio`` is the screen's time over its
request's, i.e. what the browser, the page's scripts and the drawing add. Each figure is the median
of R rounds (default 5), with the worst round. It also reports the bytes of GraphQL responses each
screen fetched. Prints one JSON object; the goals: every first view under 1000 ms, every
interaction under 300 ms.
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
import statistics
import time
from typing import Any

import httpx
from _common import Timer, bench_database, machine, print_result, say
from api import _start_server, generate, load
from playwright.sync_api import Page, sync_playwright

from graphsvc.db import Database
from graphsvc.service.users import create_user

USER, PASSWORD = "bench-analyst", "bench analyst password"

# in the page: navigate to ``hash`` and resolve with the milliseconds until ``selector`` matches
_VIEW = """async ([hash, selector]) => {
  const t0 = performance.now();
  const ready = () => document.querySelector(selector);
  const done = new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error(`${selector} did not appear within 30 s`)), 30000);
    const observer = new MutationObserver(() => {
      if (ready()) { observer.disconnect(); resolve(performance.now() - t0); }
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  location.hash = hash;
  return await done;
}"""

# in the page: run ``act`` (a JS statement) and resolve with the milliseconds until ``changed()`` holds
_INTERACTION = """async ([act, probe]) => {
  const before = eval(probe);
  const t0 = performance.now();
  const done = new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error(`${probe} did not change within 30 s`)), 30000);
    const observer = new MutationObserver(() => {
      const now = eval(probe);
      if (now !== null && now !== before) { observer.disconnect(); resolve(performance.now() - t0); }
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  eval(act);
  return await done;
}"""

QUERIES = {
    "influencers": (
        "query { influencers(first: 25) { edges { score rank node { id name platforms "
        "identities { platform avatarUrl followers } "
        "scores { influence pagerank reach engagement kcore betweenness } } } "
        "pageInfo { hasNextPage endCursor } } }",
        {},
    ),
    "communities": (
        "query { communities(first: 60) { edges { node { id size persons topTopics ties { communityId weight } "
        "topMembers { id name } } } pageInfo { hasNextPage endCursor } totalCount } }",
        {},
    ),
    "segments": (
        "query($f: SegmentFilterInput!) { segment(filter: $f) { count "
        "persons(first: 10) { nodes { id name platforms } } } }",
        {"f": {}},
    ),
}


def follows(db: Database, rows: list[dict[str, Any]], per_person: int, seed: int, batch: int = 20000) -> int:
    """Random follows between the persons' identities, preferring the influential (as people do)."""
    rng = random.Random(seed)
    accounts = [(i["platform"], i["key"]) for row in rows for i in row["identities"]]
    weights = list(itertools.accumulate(row["influence"] + 0.001 for row in rows for _ in row["identities"]))
    edges = []
    for a in accounts:  # cumulative weights: a draw costs log(n), not n
        for b in rng.choices(accounts, cum_weights=weights, k=per_person):
            if a != b:
                edges.append([*a, *b])
    for start in range(0, len(edges), batch):
        db.write("bench_analytics.follows", rows=edges[start : start + batch])
    return len(edges)


def median_worst(values: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(values), 1), "worst_ms": round(max(values), 1)}


def graphql_ms(client: httpx.Client, base: str, csrf: str, query: str, variables: dict[str, Any]) -> float:
    began = time.perf_counter()
    answer = client.post(
        f"{base}/graphql", json={"query": query, "variables": variables}, headers={"X-CSRF-Token": csrf}
    )
    elapsed = (time.perf_counter() - began) * 1000
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text[:300]
    return elapsed


def measure(page: Page, base: str, person: str, rounds: int) -> tuple[dict[str, Any], dict[str, Any]]:
    views = {
        "influencers": ("#/influencers", "#influencers tbody tr"),
        "person": (f"#/person/{person}", "#ego-network[data-nodes]"),
        "communities": ("#/communities", "#community-map[data-nodes]"),
        "segments": ("#/segments", "#segment-total"),
        "review": ("#/review", "article[data-pair], .state.empty"),
        "brands": ("#/brands", "#brand, .state.empty"),
        "jobs": ("#/jobs", "#job-runs, .state.empty"),
    }
    first: dict[str, list[float]] = {name: [] for name in views}
    fetched: dict[str, int] = {}
    for _ in range(rounds):
        for name, (hash_, selector) in views.items():
            say(f"timing {name}")
            page.evaluate("location.hash = '#/nowhere'")
            page.wait_for_selector(".state.error")
            page.evaluate("performance.clearResourceTimings()")
            first[name].append(page.evaluate(_VIEW, [hash_, selector]))
            page.wait_for_load_state("networkidle")
            fetched[name] = page.evaluate(
                "performance.getEntriesByType('resource').filter(e => e.name.endsWith('/graphql'))"
                ".reduce((sum, e) => sum + e.encodedBodySize, 0)"
            )
    interactions: dict[str, list[float]] = {"influencers_next_page": [], "segment_count": [], "ego_depth_2": []}
    for _ in range(rounds):
        page.evaluate(_VIEW, ["#/influencers", "#influencers tbody tr"])
        interactions["influencers_next_page"].append(
            page.evaluate(
                _INTERACTION,
                [
                    "[...document.querySelectorAll('button')].find(b => b.textContent.startsWith('Next')).click()",
                    "document.querySelector('#influencers tbody tr')?.dataset.person ?? null",
                ],
            )
        )
        page.evaluate(_VIEW, ["#/segments", "#segment-total"])
        interactions["segment_count"].append(
            page.evaluate(
                _INTERACTION,
                [
                    "(() => { const i = document.querySelector('input[name=minInfluence]'); i.value = '0.05'; "
                    "i.dispatchEvent(new Event('input', { bubbles: true })); })()",
                    "document.querySelector('#segment-total')?.textContent ?? null",
                ],
            )
        )
        page.evaluate(_VIEW, [f"#/person/{person}", "#ego-network[data-nodes]"])
        interactions["ego_depth_2"].append(
            page.evaluate(
                _INTERACTION,
                [
                    "(() => { const s = document.querySelector('#ego-depth'); s.value = '2'; "
                    "s.dispatchEvent(new Event('change', { bubbles: true })); })()",
                    "document.querySelector('#ego-network[data-depth]')?.dataset.depth ?? null",
                ],
            )
        )
    return (
        {name: {**median_worst(v), "graphql_bytes": fetched[name]} for name, v in first.items()},
        {name: median_worst(v) for name, v in interactions.items()},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--follows", type=int, default=3, help="follows per identity")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with bench_database() as (settings, db):
        with Timer() as loading:
            rows = generate(args.people, args.seed)
            load(db, rows)
            ties = follows(db, rows, args.follows, args.seed)
            create_user(db, name=USER, role="analyst", password=PASSWORD)
        say(f"wrote {args.people:,} persons and {ties:,} follows in {loading.seconds:.0f} s")
        person = max(rows, key=lambda row: row["influence"] if not row["denied"] else -1)["id"]
        served = settings.model_copy(update={"mode": "production", "rate_limit_per_minute": 0})
        server, base = _start_server(served)
        try:
            with httpx.Client(timeout=30) as client:
                signed = client.post(f"{base}/console/login", json={"username": USER, "password": PASSWORD}).json()
                csrf = signed["csrf"]
                person_query = (
                    "query($id: ID!) { person(id: $id) { egoNetwork(depth: 1, limit: 60) { members { distance "
                    "person { id name scores { influence } community { id } } } ties { strength kinds "
                    "source { id } target { id } } } } }"
                )
                requests = {**QUERIES, "person (ego network)": (person_query, {"id": person})}
                for query, variables in requests.values():  # warm, as the browser's first round is
                    graphql_ms(client, base, csrf, query, variables)
                baseline = {
                    name: median_worst([graphql_ms(client, base, csrf, q, v) for _ in range(args.rounds)])
                    for name, (q, v) in requests.items()
                }
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
                # the timing probes below use eval, which the console's CSP forbids its own pages
                page = browser.new_page(viewport={"width": 1280, "height": 800}, bypass_csp=True)
                began = time.perf_counter()
                page.goto(f"{base}/")
                page.get_by_label("User name").fill(USER)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_selector("#influencers tbody tr")
                cold = round((time.perf_counter() - began) * 1000, 1)
                views, interactions = measure(page, base, person, args.rounds)
                browser.close()
        finally:
            server.terminate()
            server.wait(30)
    pairs = {
        "influencers": "influencers",
        "communities": "communities",
        "segments": "segments",
        "person": "person (ego network)",
    }
    ratios = {
        name: round(views[name]["median_ms"] / baseline[request]["median_ms"], 2) for name, request in pairs.items()
    }
    worst_view = max(v["median_ms"] for v in views.values())
    worst_interaction = max(v["median_ms"] for v in interactions.values())
    print_result(
        {
            "benchmark": "console",
            "people": args.people,
            "follows": ties,
            "rounds": args.rounds,
            "sign_in_to_first_screen_ms": cold,
            "first_view": views,
            "interaction": interactions,
            "baseline_graphql": baseline,
            "ratio": ratios,
            "worst_first_view_ms": worst_view,
            "worst_interaction_ms": worst_interaction,
            "goals_met": worst_view < 1000 and worst_interaction < 300,
            "machine": machine(),
        }
    )


if __name__ == "__main__":
    main()
