"""Every query over real HTTP against the real Neo4j: look-ups, lists, search, influencers, communities."""

from __future__ import annotations

from graphsvc.db import Database
from tests.api.client import ask, data, error
from tests.api.graph import ADA_PII, EXCLUDED, PERSONS

PERSON = """
query($id: ID!) {
  person(id: $id) {
    id name size platforms
    scores { influence pagerank reach engagement kcore betweenness jobRun }
    community { id size persons topTopics topMembers { id } }
    identities { platform handle displayName scores { influence } person { id } }
    contacts { id source sourceId name company city person { id } }
    topics { topic score rank }
    brandStances { brand side score posts sentiment }
  }
}"""


def test_person_with_everything_around_it(api: str, social_map: Database) -> None:
    person = data(ask(api, PERSON, {"id": "p1"}))["person"]
    assert person["name"] == "Ada Lovelace" and person["platforms"] == ["twitter"]
    assert person["scores"] == {
        "influence": 0.9,
        "pagerank": 0.09,
        "reach": 0.5,
        "engagement": 1.5,
        "kcore": 2,
        "betweenness": 0.01,
        "jobRun": "run1",
    }
    assert person["community"] == {
        "id": "run1:0",
        "size": 3,
        "persons": 3,
        "topTopics": ["graphs"],
        "topMembers": [{"id": "p1"}, {"id": "p2"}, {"id": "p3"}],
    }
    platforms = sorted(i["platform"] for i in person["identities"])
    assert platforms == ["email", "phone", "twitter"]  # its own account and its contact's contact points
    twitter = next(i for i in person["identities"] if i["platform"] == "twitter")
    assert twitter == {
        "platform": "twitter",
        "handle": "adalove",
        "displayName": "Ada Lovelace",
        "scores": {"influence": 0.9},
        "person": {"id": "p1"},
    }
    assert person["contacts"] == [
        {
            "id": "crm:1",
            "source": "crm",
            "sourceId": "1",
            "name": "Ada Lovelace",
            "company": "Analytical Engines",
            "city": "London",
            "person": {"id": "p1"},
        }
    ]
    assert person["topics"] == [{"topic": "graphs", "score": 0.9, "rank": 1}]
    assert person["brandStances"] == [{"brand": "acme", "side": "advocate", "score": 0.7, "posts": 3, "sentiment": 0.6}]


def test_missing_records_are_null(api: str, social_map: Database) -> None:
    found = data(
        ask(
            api,
            '{ person(id: "nobody") { id } contact(id: "crm:404") { id } '
            'identity(platform: "twitter", handle: "nobody") { handle } community(id: "x") { id } }',
        )
    )
    assert found == {"person": None, "contact": None, "identity": None, "community": None}


def test_contact_and_identity_lookups(api: str, social_map: Database) -> None:
    found = data(
        ask(
            api,
            '{ contact(id: "crm:2") { name company person { id name } } '
            'identity(platform: "x", handle: "https://x.com/GraceHop") { platform handle person { id } } }',
        )
    )
    assert found["contact"] == {
        "name": "Grace Hopper",
        "company": "Navy",
        "person": {"id": "p2", "name": "Grace Hopper"},
    }
    assert found["identity"] == {"platform": "twitter", "handle": "gracehop", "person": {"id": "p2"}}


def test_bad_contact_id_is_a_coded_error_with_a_path(api: str, social_map: Database) -> None:
    problem = error(ask(api, '{ contact(id: "no-colon") { id } }'))
    assert problem["path"] == ["contact"]
    assert problem["extensions"]["code"] == "BAD_USER_INPUT"
    assert "id: expected a contact id like 'salesforce:003A1'" in problem["message"]


def test_search_finds_people_contacts_identities_and_organisations(api: str, social_map: Database) -> None:
    hits = data(
        ask(api, '{ search(text: "lovelace") { score kind person { id } contact { id } identity { handle } } }')
    )
    kinds = {hit["kind"] for hit in hits["search"]}
    assert {"person", "contact", "identity"} <= kinds
    assert all(hit["person"] == {"id": "p1"} for hit in hits["search"])
    scores = [hit["score"] for hit in hits["search"]]
    assert scores == sorted(scores, reverse=True)
    prefix = data(ask(api, '{ search(text: "Analyt") { kind organization { key name } } }'))["search"]
    assert {
        "kind": "organization",
        "organization": {"key": "analytical engines", "name": "Analytical Engines"},
    } in prefix
    assert data(ask(api, '{ search(text: "AND (x:*") { kind } }'))["search"] == []  # not Lucene syntax


def test_persons_with_filters(api: str, social_map: Database) -> None:
    query = "query($f: PersonFilterInput) { persons(filter: $f) { totalCount nodes { id } } }"
    ours = data(ask(api, query, {"f": {"hasContact": True}}))["persons"]
    assert ours == {"totalCount": 2, "nodes": [{"id": "p1"}, {"id": "p2"}]}
    strong = data(ask(api, query, {"f": {"minInfluence": 0.65, "community": "run1:0"}}))["persons"]
    assert [n["id"] for n in strong["nodes"]] == ["p1", "p2", "p3"]
    named = data(ask(api, query, {"f": {"name": "HOPP"}}))["persons"]
    assert named["nodes"] == [{"id": "p2"}]


def test_contacts_with_filters(api: str, social_map: Database) -> None:
    query = "query($f: ContactFilterInput) { contacts(filter: $f) { totalCount edges { cursor node { id } } } }"
    every = data(ask(api, query))["contacts"]
    assert [e["node"]["id"] for e in every["edges"]] == ["crm:1", "crm:2"] and every["totalCount"] == 2
    london = data(ask(api, query, {"f": {"city": "london", "company": "engines"}}))["contacts"]
    assert [e["node"]["id"] for e in london["edges"]] == ["crm:1"]


def test_influencers_with_score_components(api: str, social_map: Database) -> None:
    query = """{ influencers(first: 20) { edges { score rank node { id scores { influence pagerank kcore } } } } }"""
    edges = data(ask(api, query))["influencers"]["edges"]
    expected = [pid for pid, *_ in PERSONS if pid not in EXCLUDED]
    assert [e["node"]["id"] for e in edges] == expected  # by influence, consent applied
    assert edges[0] == {
        "score": 0.9,
        "rank": None,
        "node": {"id": "p1", "scores": {"influence": 0.9, "pagerank": 0.09, "kcore": 2}},
    }


def test_influencers_on_a_topic_in_a_community(api: str, social_map: Database) -> None:
    query = 'query($c: ID) { influencers(topic: "graphs", community: $c) { edges { score rank node { id } } } }'
    edges = data(ask(api, query))["influencers"]["edges"]
    assert [(e["node"]["id"], e["score"], e["rank"]) for e in edges] == [("p1", 0.9, 1), ("p3", 0.5, 3)]  # p4, p5 out
    assert data(ask(api, query, {"c": "run1:1"}))["influencers"]["edges"] == []
    strong = data(ask(api, "{ influencers(minScore: 0.75) { edges { node { id } } } }"))["influencers"]["edges"]
    assert [e["node"]["id"] for e in strong] == ["p1", "p2"]


def test_communities_largest_first_with_members(api: str, social_map: Database) -> None:
    query = "{ communities { totalCount nodes { id size topMembers { id } members(first: 2) { nodes { id } } } } }"
    found = data(ask(api, query))["communities"]
    assert found["totalCount"] == 2
    assert [c["id"] for c in found["nodes"]] == ["run1:1", "run1:0"]
    assert found["nodes"][1]["members"]["nodes"] == [{"id": "p1"}, {"id": "p2"}]


def test_ego_network(api: str, social_map: Database) -> None:
    query = """{ person(id: "p2") { egoNetwork(depth: 2, limit: 10) {
                  members { distance person { id } }
                  ties { strength kinds interactions source { id } target { id } } } } }"""
    ego = data(ask(api, query))["person"]["egoNetwork"]
    distance = {m["person"]["id"]: m["distance"] for m in ego["members"]}
    # p4 (Ada's friend) denied marketing: left out, as influencers leave them out
    assert distance == {"p2": 0, "p1": 1, "p3": 1, "p6": 1, "p9": 2}
    assert ego["members"][0]["person"]["id"] == "p2"
    talk = next(t for t in ego["ties"] if {t["source"]["id"], t["target"]["id"]} == {"p2", "p3"})
    assert talk["kinds"] == ["INTERACTED"] and talk["interactions"] == 4
    assert abs(talk["strength"] - (1 - 2.718281828**-2.0)) < 1e-6
    assert all(distance[t["source"]["id"]] <= distance[t["target"]["id"]] for t in ego["ties"])


def test_review_queue_shows_both_sides_and_evidence(api: str, social_map: Database, keys: dict[str, str]) -> None:
    query = """{ reviewQueue { id status score value evidence a { kind id contact { name } }
                                b { kind id identity { handle } } } }"""
    queue = data(ask(api, query, key=keys["analyst"]))["reviewQueue"]
    assert [c["id"] for c in queue] == ["pair-ada", "pair-grace"]  # most valuable first
    ada = queue[0]
    assert ada["a"] == {"kind": "contact", "id": "contact:crm:1", "contact": {"name": "Ada Lovelace"}}
    assert ada["b"] == {"kind": "identity", "id": "identity:twitter:adalove", "identity": {"handle": "adalove"}}
    assert ada["evidence"] == [{"level": "name: Ada Lovelace ~ Ada Lovelace", "weight": 3.2}]


def test_me_tells_the_role(api: str, social_map: Database, keys: dict[str, str]) -> None:
    assert data(ask(api, "{ me { role keyId } }"))["me"] == {"role": "viewer", "keyId": None}
    me = data(ask(api, "{ me { role keyName } }", key=keys["marketer"]))["me"]
    assert me == {"role": "marketer", "keyName": "test marketer"}


def test_pii_of_ada_is_readable_by_an_analyst(api: str, social_map: Database, keys: dict[str, str]) -> None:
    query = '{ contact(id: "crm:1") { emails phones street postcode birthDate } }'
    contact = data(ask(api, query, key=keys["analyst"]))["contact"]
    assert contact == {
        "emails": [ADA_PII["email"]],
        "phones": [ADA_PII["phone"]],
        "street": ADA_PII["street"],
        "postcode": ADA_PII["postcode"],
        "birthDate": ADA_PII["birthDate"],
    }
