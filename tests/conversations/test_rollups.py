"""Enrichment at import, interactions, roll-ups and the CLI, against the real Neo4j."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.errors import InputError, NotFound
from graphsvc.resolve import resolve
from graphsvc.service import conversations as rollups
from graphsvc.service.brands import enrich_all, set_brand
from graphsvc.service.imports import import_files
from tests.ingest.test_import import write_jsonl
from tests.support import run_json

END = datetime(2026, 7, 4, 12, tzinfo=UTC)  # a Saturday: days 1-3 ago share a week


def post(pid: str, author: str, text: str, days_ago: float, **extra: Any) -> dict[str, Any]:
    return {
        "platform": "twitter",
        "post_id": pid,
        "author": author,
        "text": text,
        "created_at": (END - timedelta(days=days_ago)).isoformat(),
        **extra,
    }


POSTS = [
    post("1", "ada", "I love my Acme Rocket, best running shoes ever!", 1, hashtags=["running"]),
    post("2", "ada", "Acme Rocket again today, amazing grip", 2, hashtags=["running"]),
    post("3", "bob", "@ada great pace!", 2, mentions=["ada"], reply_to="1", hashtags=["running"]),
    post("4", "cy", "Acme customer service is awful, never again", 9, hashtags=["running"]),
    post("5", "cy", "Anyone recommend a good running shoe for trails?", 3, hashtags=["running"]),
    post("6", "bob", "sharing this", 1, share_of="1", hashtags=["running"]),
    post("7", "dee", "Globex Cloud is down again", 4),
    post("8", "dee", "Bread day", 10, hashtags=["baking"]),
    post("9", "dee", "More bread", 11, hashtags=["baking"]),
    post("10", "dee", "Bread again", 12, hashtags=["baking"]),
]


@pytest.fixture
def conversations(db: Database, tmp_path: Path) -> Database:
    set_brand(db, "Acme", products=["Acme Rocket"], category="running shoe")
    import_files(db, "posts", [write_jsonl(tmp_path / "posts.jsonl", POSTS)])
    return db


def rows(db: Database, text: str, **params: Any) -> list[dict[str, Any]]:
    return db.adhoc(text, params, allow_write=False)[1]


def test_posts_are_enriched_at_import(conversations: Database) -> None:
    found = {
        r["id"]: r
        for r in rows(
            conversations,
            "MATCH (p:Post) RETURN p.postId AS id, p.sentimentLabel AS label, "
            "p.question AS question, p.demand AS demand, p.lang AS lang, "
            "[(p)-[:MENTIONS]->(b:Brand) | b.name] AS brands",
        )
    }
    assert found["1"]["label"] == "positive" and found["1"]["brands"] == ["Acme"]
    assert found["4"]["label"] == "negative" and found["4"]["brands"] == ["Acme"]
    assert found["5"]["question"] and found["5"]["demand"] and found["5"]["brands"] == []  # asks about the category
    assert found["7"]["brands"] == []  # Globex is not tracked (yet)
    assert found["1"]["lang"] == "en"


def test_interactions_are_aggregated_from_replies_mentions_and_shares(conversations: Database) -> None:
    edge = rows(
        conversations,
        "MATCH (:Identity {key: 'bob'})-[r:INTERACTED]->(:Identity {key: 'ada'}) "
        "RETURN r.replies AS replies, r.mentions AS mentions, r.shares AS shares, r.count AS count, "
        "r.weight AS weight, r.lastAt AS lastAt",
    )
    assert len(edge) == 1
    e = edge[0]
    assert (e["replies"], e["mentions"], e["shares"], e["count"]) == (1, 1, 1, 3)
    assert 0 < e["weight"] < 3  # recency-weighted: each interaction counts a little less than 1
    assert e["lastAt"].to_native() == END - timedelta(days=1)


def test_brand_trend_trending_topics_and_demand(conversations: Database) -> None:
    weeks = rollups.brand_trend(conversations, "Acme", unit="week", days=30)
    assert sum(w["posts"] for w in weeks) == 3
    assert weeks[-1]["positive"] == 2 and weeks[0]["negative"] == 1  # positive lately, negative before
    days = rollups.brand_trend(conversations, "Acme", unit="day", days=30)
    assert len(days) == 3 and all(d["bucket"] < d2["bucket"] for d, d2 in itertools.pairwise(days))
    with pytest.raises(NotFound):
        rollups.brand_trend(conversations, "Nope")
    with pytest.raises(InputError, match="day, week"):
        rollups.brand_trend(conversations, "Acme", unit="month")

    topics = {t["topic"]: t for t in rollups.trending_topics(conversations, days=7, min_posts=1)}
    assert topics["running"]["current"] == 5 and topics["running"]["previous"] == 1
    assert topics["running"]["growth"] == 4.0 and "baking" not in topics  # baking is only in the earlier window

    signals = rollups.demand_signals(conversations, days=7)
    assert [s["postId"] for s in signals] == ["5"] and signals[0]["authorHandle"] == "cy"
    assert rollups.demand_signals(conversations, days=7, brand="Acme")[0]["postId"] == "5"


def test_person_trend_and_re_enrichment_after_a_new_brand(conversations: Database, settings: Settings) -> None:
    resolve(conversations)
    ada = rows(conversations, "MATCH (p:Person)-[:HAS_MEMBER]->(:Identity {key: 'ada'}) RETURN p.id AS id")[0]["id"]
    trend = rollups.persons_trend(conversations, [ada], unit="week", days=30)
    assert sum(b["posts"] for b in trend) == 2 and all(b["sentiment"] > 0 for b in trend)
    assert [p["postId"] for p in rollups.person_posts(conversations, ada)] == ["1", "2"]

    set_brand(conversations, "Globex", products=["Globex Cloud"], category="cloud provider")
    assert enrich_all(conversations) == len(POSTS)
    assert rows(conversations, "MATCH (:Post {postId: '7'})-[:MENTIONS]->(b:Brand) RETURN b.name AS b") == [
        {"b": "Globex"}
    ]

    cli = run_json(settings, "conversations", "trend", "--brand", "Acme", "--unit", "week", "--days", "30")
    assert sum(b["posts"] for b in cli["buckets"]) == 3
    listed = run_json(settings, "brands", "list")
    assert {b["name"]: b["posts"] for b in listed["brands"]} == {"Acme": 3, "Globex": 1}
