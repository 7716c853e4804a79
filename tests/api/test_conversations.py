"""Conversations over real HTTP: posts, sentiment trends, trending topics, demand signals, advocates, detractors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from graphsvc.db import Database
from tests.api.client import ask, data, error
from tests.api.graph import NOW

# postId, author handle, days ago, text, sentiment, label, demand, brands, topics
POSTS = [
    ("3", "adalove", 8, "Loving the acme engine", 0.8, "positive", False, ["acme"], ["engines"]),
    ("4", "gracehop", 1, "acme support is awful", -0.7, "negative", False, ["acme"], ["engines"]),
    (
        "5",
        "aturing",
        2,
        "Can anyone recommend crm software? thinking of acme",
        0.0,
        "neutral",
        True,
        ["acme"],
        ["engines"],
    ),
    ("6", "kjohnson", 3, "Which crm software should we buy?", 0.0, "neutral", True, [], ["engines"]),  # p4: no consent
    ("7", "anon1", 4, "Looking for crm software recommendations?", 0.1, "neutral", True, [], []),  # nobody's account
]


@pytest.fixture
def conversations(social_map: Database) -> Database:
    """The social map plus enriched posts about the brand acme, and the stances an analytics run writes."""
    rows = [
        {
            "id": pid,
            "author": author,
            "at": NOW - timedelta(days=ago),
            "text": text,
            "sentiment": score,
            "label": label,
            "demand": demand,
            "brands": brands,
            "topics": topics,
        }
        for pid, author, ago, text, score, label, demand, brands, topics in POSTS
    ]
    social_map.adhoc(
        """
        MERGE (anon:Identity {platform: 'forum', key: 'anon1'}) SET anon.matchKey = 'anon1'
        WITH 1 AS one
        MATCH (b:Brand {name: 'acme'}) SET b.category = 'crm software', b.aliases = ['acme inc'], b.products = []
        WITH 1 AS one
        UNWIND $rows AS r
        MATCH (i:Identity {key: r.author})
        CREATE (i)-[:POSTED]->(post:Post {platform: i.platform, postId: r.id, text: r.text, createdAt: r.at,
                                          sentiment: r.sentiment, sentimentLabel: r.label, demand: r.demand,
                                          question: r.demand})
        FOREACH (name IN r.brands | MERGE (b:Brand {name: name}) CREATE (post)-[:MENTIONS]->(b))
        FOREACH (name IN r.topics | MERGE (t:Topic {name: name}) CREATE (post)-[:TAGGED]->(t))
    """,
        {"rows": rows},
        allow_write=True,
    )
    social_map.adhoc(
        """
        MATCH (b:Brand {name: 'acme'})
        UNWIND [['p4', 'ADVOCATES', 0.95, 4, 0.9], ['p3', 'ADVOCATES', 0.3, 1, 0.5],
                ['p2', 'DETRACTS', 0.5, 1, -0.7]] AS s
        MATCH (p:Person {id: s[0]})
        CALL (p, b, s) {
          WITH s WHERE s[1] = 'ADVOCATES' CREATE (p)-[:ADVOCATES {score: s[2], posts: s[3],
            sentiment: s[4], jobRun: 'run1'}]->(b)
          UNION WITH s WHERE s[1] = 'DETRACTS' CREATE (p)-[:DETRACTS {score: s[2], posts: s[3],
            sentiment: s[4], jobRun: 'run1'}]->(b)
        }
    """,
        {},
        allow_write=True,
    )
    return social_map


def test_person_conversations_newest_first(api: str, conversations: Database) -> None:
    query = """query($first: Int!, $offset: Int!) { person(id: "p1") { conversations(first: $first, offset: $offset) {
               platform postId text createdAt sentiment sentimentLabel brands topics author } } }"""
    posts = data(ask(api, query, {"first": 20, "offset": 0}))["person"]["conversations"]
    assert [p["postId"] for p in posts] == ["1", "3"]
    assert posts[1] == {
        "platform": "twitter",
        "postId": "3",
        "text": "Loving the acme engine",
        "createdAt": posts[1]["createdAt"],
        "sentiment": 0.8,
        "sentimentLabel": "positive",
        "brands": ["acme"],
        "topics": ["engines"],
        "author": "adalove",
    }
    assert posts[1]["createdAt"].startswith((NOW - timedelta(days=8)).date().isoformat())
    second = data(ask(api, query, {"first": 1, "offset": 1}))["person"]["conversations"]
    assert [p["postId"] for p in second] == ["3"]
    bad = error(ask(api, query, {"first": 0, "offset": 0}))
    assert bad["extensions"]["code"] == "BAD_USER_INPUT" and bad["path"] == ["person", "conversations"]


def test_sentiment_trends_of_a_person_and_a_brand(api: str, conversations: Database) -> None:
    person = data(
        ask(
            api,
            '{ person(id: "p1") { sentimentTrend(brand: "acme", unit: DAY, days: 30) '
            "{ bucket posts sentiment positive negative } } }",
        )
    )["person"]["sentimentTrend"]
    day = (NOW - timedelta(days=8)).date().isoformat()
    assert person == [{"bucket": day, "posts": 1, "sentiment": 0.8, "positive": 1, "negative": 0}]
    brand = data(
        ask(
            api,
            '{ brand(name: "acme") { name aliases category posts '
            "sentimentTrend(unit: DAY, days: 30) { bucket posts sentiment } } }",
        )
    )["brand"]
    assert (brand["name"], brand["aliases"], brand["category"], brand["posts"]) == (
        "acme",
        ["acme inc"],
        "crm software",
        3,
    )
    by_day = {point["bucket"]: (point["posts"], point["sentiment"]) for point in brand["sentimentTrend"]}
    assert by_day == {(NOW - timedelta(days=n)).date().isoformat(): (1, s) for n, s in ((8, 0.8), (2, 0.0), (1, -0.7))}
    short = data(ask(api, '{ brand(name: "acme") { sentimentTrend(unit: DAY, days: 5) { posts } } }'))
    assert len(short["brand"]["sentimentTrend"]) == 2
    assert data(ask(api, '{ brand(name: "nope") { name } brands { name } }')) == {
        "brand": None,
        "brands": [{"name": "acme"}],
    }
    bad = error(ask(api, '{ brand(name: "acme") { sentimentTrend(days: 0) { posts } } }'))
    assert bad["extensions"]["code"] == "BAD_USER_INPUT" and bad["path"] == ["brand", "sentimentTrend"]


def test_trending_topics(api: str, conversations: Database) -> None:
    query = "query($min: Int!) { trendingTopics(minPosts: $min) { topic current previous growth } }"
    assert data(ask(api, query, {"min": 3}))["trendingTopics"] == [
        {"topic": "engines", "current": 3, "previous": 1, "growth": 2.0}
    ]
    both = data(ask(api, query, {"min": 2}))["trendingTopics"]
    assert [t["topic"] for t in both] == ["engines", "graphs"]  # equal growth: more posts first


def test_demand_signals_leave_out_people_without_consent(
    api: str, conversations: Database, keys: dict[str, str]
) -> None:
    query = """query($brand: String) { demandSignals(brand: $brand) { postId text createdAt brands authorPlatform
               authorHandle influence person { id name } } }"""
    every = data(ask(api, query, key=keys["marketer"]))["demandSignals"]
    assert [s["postId"] for s in every] == ["5", "7"]  # newest first; p4's question (post 6) is out
    assert every[0]["person"] == {"id": "p3", "name": "Alan Turing"} and every[0]["influence"] == 0.7
    assert every[1]["person"] is None and every[1]["authorHandle"] == "anon1"
    about = data(ask(api, query, {"brand": "acme"}, key=keys["marketer"]))["demandSignals"]
    assert [s["postId"] for s in about] == ["5", "7"]  # post 7 names acme's category
    missing = error(ask(api, query, {"brand": "nope"}, key=keys["marketer"]))
    assert missing["extensions"]["code"] == "NOT_FOUND" and missing["path"] == ["demandSignals"]
    assert error(ask(api, query))["extensions"]["code"] == "FORBIDDEN"  # anonymous: viewer


def test_advocates_and_detractors_with_consent_and_pages(
    api: str, conversations: Database, keys: dict[str, str]
) -> None:
    query = """query($after: String) { advocates(brand: "acme", first: 1, after: $after) {
               edges { cursor score posts sentiment node { id } } pageInfo { hasNextPage endCursor } } }"""
    first = data(ask(api, query, key=keys["marketer"]))["advocates"]
    assert [(e["node"]["id"], e["score"], e["posts"]) for e in first["edges"]] == [("p1", 0.7, 3)]  # p4 out: consent
    assert first["pageInfo"]["hasNextPage"]
    second = data(ask(api, query, {"after": first["pageInfo"]["endCursor"]}, key=keys["marketer"]))["advocates"]
    assert [e["node"]["id"] for e in second["edges"]] == ["p3"] and not second["pageInfo"]["hasNextPage"]

    brand = data(
        ask(
            api,
            '{ brand(name: "acme") { detractors { edges { node { name } sentiment } } '
            "advocates { edges { node { id } } } } }",
            key=keys["marketer"],
        )
    )["brand"]
    assert brand["detractors"]["edges"] == [{"node": {"name": "Grace Hopper"}, "sentiment": -0.7}]
    assert [e["node"]["id"] for e in brand["advocates"]["edges"]] == ["p1", "p3"]
    same = data(ask(api, '{ detractors(brand: "acme") { edges { node { id } } } }', key=keys["marketer"]))
    assert same["detractors"]["edges"] == [{"node": {"id": "p2"}}]

    wrong_list = error(
        ask(
            api,
            '{ detractors(brand: "acme", after: "' + first["pageInfo"]["endCursor"] + '") { edges { score } } }',
            key=keys["marketer"],
        )
    )
    assert wrong_list["extensions"]["code"] == "BAD_USER_INPUT" and wrong_list["path"] == ["detractors"]
    assert (
        error(ask(api, '{ advocates(brand: "nope") { edges { score } } }', key=keys["marketer"]))["extensions"]["code"]
        == "NOT_FOUND"
    )
    assert error(ask(api, '{ advocates(brand: "acme") { edges { score } } }'))["extensions"]["code"] == "FORBIDDEN"
