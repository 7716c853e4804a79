"""A small social map for the API tests, written with plain Cypher (no import, resolve or jobs needed).

Persons p1..p9 with CRM contacts (p1, p2: "our people"), social identities, declared ties and
interactions, posts and topics, analytics results (scores, communities, topic influence, a brand
stance), consent records that exercise every rule, and one pending match candidate.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from graphsvc.db import Database

NOW = datetime.now(UTC)
PAST = NOW - timedelta(days=400)
RECENT = NOW - timedelta(days=10)

# id, name, influence, community, twitter handle
PERSONS = [
    ("p1", "Ada Lovelace", 0.9, "run1:0", "adalove"),
    ("p2", "Grace Hopper", 0.8, "run1:0", "gracehop"),
    ("p3", "Alan Turing", 0.7, "run1:0", "aturing"),
    ("p4", "Katherine Johnson", 0.6, "run1:1", "kjohnson"),
    ("p5", "Dorothy Vaughan", 0.5, "run1:1", "dvaughan"),
    ("p6", "Mary Jackson", 0.4, "run1:1", "mjackson"),
    ("p7", "Edsger Dijkstra", 0.3, "run1:1", "edsger"),
    ("p8", "Barbara Liskov", 0.2, "run1:1", "bliskov"),
    ("p9", "Frances Allen", 0.1, "run1:1", "fallen"),
]
ADA_PII = {
    "email": "ada@example.com",
    "phone": "+14155550101",
    "street": "12 St James Square",
    "postcode": "SW1Y 4JH",
    "birthDate": "1815-12-10",
}
#: Who must never appear in targeting results under the default (granted) consent setting.
EXCLUDED = {"p4", "p5", "p8"}

# (person, purpose, status, effective time, expires)
CONSENTS = [
    ("p4", "marketing", "denied", RECENT, None),  # denied: out
    ("p5", "profiling", "withdrawn", RECENT, None),  # withdrawn: out
    ("p6", "marketing", "denied", PAST, NOW - timedelta(days=1)),  # denied but expired: absent, so in
    ("p7", "marketing", "denied", PAST, None),  # denied, then granted later: in
    ("p7", "marketing", "granted", RECENT, None),
    ("p8", "marketing", "granted", PAST, None),  # granted, then withdrawn later: out
    ("p8", "marketing", "withdrawn", RECENT, None),
]


def _run(db: Database, text: str, **params: Any) -> None:
    db.adhoc(text, params, allow_write=True)


def write_social_map(db: Database) -> None:
    rows = [
        {"id": pid, "name": name, "influence": score, "community": community, "handle": handle}
        for pid, name, score, community, handle in PERSONS
    ]
    _run(
        db,
        """
        UNWIND $rows AS r
        CREATE (p:Person {id: r.id, name: r.name, size: 1, platforms: ['twitter'], influence: r.influence,
                          pagerank: r.influence / 10, reach: 0.5, engagement: 1.5, kcore: 2, betweenness: 0.01,
                          community: r.community, scoresJobRun: 'run1'})
        CREATE (i:Identity {platform: 'twitter', key: r.handle, matchKey: r.handle, displayName: r.name,
                            bio: 'Bio of ' + r.name, followers: 100, influence: r.influence, scoresJobRun: 'run1'})
        CREATE (p)-[:HAS_MEMBER]->(i)
        MERGE (c:Community {id: r.community})
        CREATE (p)-[:IN_COMMUNITY]->(c)
    """,
        rows=rows,
    )
    _run(
        db,
        """
        MATCH (c:Community {id: 'run1:0'}) SET c.size = 3, c.persons = 3, c.topMembers = ['p1', 'p2', 'p3'],
              c.topTopics = ['graphs'], c.jobRun = 'run1'
        WITH 1 AS one
        MATCH (c:Community {id: 'run1:1'}) SET c.size = 6, c.persons = 6, c.topMembers = ['p4', 'p5', 'p1'],
              c.topTopics = ['space'], c.jobRun = 'run1'
    """,
    )
    _run(
        db,
        """
        MATCH (p1:Person {id: 'p1'}), (p2:Person {id: 'p2'})
        CREATE (c1:Contact {source: 'crm', sourceId: '1', name: 'Ada Lovelace', givenName: 'Ada',
                            familyName: 'Lovelace', company: 'Analytical Engines', title: 'Countess', city: 'London',
                            country: 'GB', street: $pii.street, postcode: $pii.postcode, birthDate: $pii.birthDate})
        CREATE (e:Identity {platform: 'email', key: $pii.email, matchKey: $pii.email})
        CREATE (ph:Identity {platform: 'phone', key: $pii.phone, matchKey: $pii.phone})
        CREATE (c1)-[:HAS]->(e), (c1)-[:HAS]->(ph), (p1)-[:HAS_MEMBER]->(c1)
        CREATE (c2:Contact {source: 'crm', sourceId: '2', name: 'Grace Hopper', company: 'Navy', city: 'Arlington',
                            country: 'US'})
        CREATE (e2:Identity {platform: 'email', key: 'grace@navy.example', matchKey: 'grace@navy.example'})
        CREATE (c2)-[:HAS]->(e2), (p2)-[:HAS_MEMBER]->(c2)
        CREATE (o:Organization {key: 'analytical engines', name: 'Analytical Engines'})
        CREATE (c1)-[:WORKS_AT]->(o)
    """,
        pii=ADA_PII,
    )
    ties = [
        ("adalove", "gracehop", "FRIENDS_WITH"),
        ("adalove", "aturing", "FOLLOWS"),
        ("adalove", "kjohnson", "FRIENDS_WITH"),
        ("gracehop", "mjackson", "CONNECTED_TO"),
        ("mjackson", "fallen", "FOLLOWS"),
        ("fallen", "mjackson", "FOLLOWS"),
    ]
    _run(
        db,
        """
        UNWIND $ties AS t
        MATCH (a:Identity {platform: 'twitter', key: t[0]}), (b:Identity {platform: 'twitter', key: t[1]})
        CALL (a, b, t) {
          WITH t WHERE t[2] = 'FOLLOWS' MERGE (a)-[:FOLLOWS {weight: 1.0}]->(b)
          UNION WITH t WHERE t[2] = 'FRIENDS_WITH' MERGE (a)-[:FRIENDS_WITH {weight: 1.0}]->(b)
          UNION WITH t WHERE t[2] = 'CONNECTED_TO' MERGE (a)-[:CONNECTED_TO {weight: 1.0}]->(b)
        }
    """,
        ties=[list(t) for t in ties],
    )
    talks = [("gracehop", "aturing", 2.0, 4), ("kjohnson", "fallen", 3.0, 6)]
    _run(
        db,
        """
        UNWIND $talks AS t
        MATCH (a:Identity {platform: 'twitter', key: t[0]}), (b:Identity {platform: 'twitter', key: t[1]})
        CREATE (a)-[:INTERACTED {weight: t[2], count: t[3], lastAt: $now}]->(b)
    """,
        talks=[list(t) for t in talks],
        now=NOW,
    )
    _run(
        db,
        """
        MATCH (ada:Identity {platform: 'twitter', key: 'adalove'}),
              (grace:Identity {platform: 'twitter', key: 'gracehop'})
        MERGE (graphs:Topic {name: 'graphs'})
        CREATE (ada)-[:POSTED]->(p1:Post {platform: 'twitter', postId: '1', text: 'Notes on the engine #graphs',
                                          createdAt: $now})-[:TAGGED]->(graphs)
        CREATE (grace)-[:POSTED]->(p2:Post {platform: 'twitter', postId: '2', text: 'Thanks @AdaLove for the notes',
                                           createdAt: $now})-[:MENTIONS]->(ada)
        CREATE (p2)-[:REPLY_TO]->(p1), (p2)-[:TAGGED]->(graphs)
        MERGE (b:Brand {name: 'acme'})
        WITH graphs, b
        UNWIND [['p1', 0.9, 1], ['p4', 0.8, 2], ['p3', 0.5, 3], ['p5', 0.45, 4]] AS s
        MATCH (p:Person {id: s[0]})
        CREATE (p)-[:TOPIC_INFLUENCE {score: s[1], rank: s[2], jobRun: 'run1'}]->(graphs)
        WITH DISTINCT b
        MATCH (p:Person {id: 'p1'})
        CREATE (p)-[:ADVOCATES {score: 0.7, posts: 3, sentiment: 0.6, jobRun: 'run1'}]->(b)
    """,
        now=NOW,
    )
    consents = [
        {
            "id": f"consent-{n}",
            "person": person,
            "purpose": purpose,
            "status": status,
            "given": at if status != "withdrawn" else PAST,
            "withdrawn": at if status == "withdrawn" else None,
            "expires": expires,
        }
        for n, (person, purpose, status, at, expires) in enumerate(CONSENTS)
    ]
    _run(
        db,
        """
        UNWIND $rows AS r
        MATCH (p:Person {id: r.person})
        CREATE (p)-[:GAVE]->(:Consent {id: r.id, purpose: r.purpose, channel: 'any', status: r.status,
                                       givenAt: r.given, withdrawnAt: r.withdrawn, expiresAt: r.expires,
                                       recordedAt: $now, recordedBy: 'test'})
    """,
        rows=consents,
        now=NOW,
    )
    evidence = json.dumps([{"level": "name: Ada Lovelace ~ Ada Lovelace", "weight": 3.2}])
    _run(
        db,
        """
        MATCH (c:Contact {source: 'crm', sourceId: '1'}), (i:Identity {platform: 'twitter', key: 'adalove'})
        CREATE (c)-[:MATCH_CANDIDATE {pairId: 'pair-ada', a: 'contact:crm:1', b: 'identity:twitter:adalove',
                                      score: 0.6, weight: 1.2, value: 5.0, evidence: $evidence, status: 'pending'}]->(i)
        WITH 1 AS one
        MATCH (c:Contact {source: 'crm', sourceId: '2'}), (i:Identity {platform: 'twitter', key: 'gracehop'})
        CREATE (c)-[:MATCH_CANDIDATE {pairId: 'pair-grace', a: 'contact:crm:2', b: 'identity:twitter:gracehop',
                                      score: 0.55, weight: 0.4, value: 2.0, evidence: '[]', status: 'pending'}]->(i)
    """,
        evidence=evidence,
    )


def write_many_persons(db: Database, count: int, *, prefix: str = "q", influence: float | None = None) -> list[str]:
    """``count`` persons, each with two identities and a community; returns their ids."""
    ids = [f"{prefix}{n:03d}" for n in range(count)]
    rows = [
        {"id": pid, "influence": influence if influence is not None else round(1.0 - n / (2 * count), 6)}
        for n, pid in enumerate(ids)
    ]
    _run(
        db,
        """
        MERGE (c:Community {id: 'bulk'}) SET c.size = $count, c.topMembers = [], c.topTopics = []
        WITH c
        UNWIND $rows AS r
        CREATE (p:Person {id: r.id, name: 'Person ' + r.id, size: 2, platforms: ['github', 'twitter'],
                          influence: r.influence, community: 'bulk', scoresJobRun: 'bulk'})
        CREATE (p)-[:HAS_MEMBER]->(:Identity {platform: 'twitter', key: 'tw_' + r.id, influence: r.influence})
        CREATE (p)-[:HAS_MEMBER]->(:Identity {platform: 'github', key: 'gh_' + r.id})
        CREATE (p)-[:IN_COMMUNITY]->(c)
    """,
        rows=rows,
        count=count,
    )
    return ids
