"""Consent filtering: denied, withdrawn and (un)expired records, the default, and recordConsent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from graphsvc.db import Database, query
from graphsvc.db.queries import all_names, cypher_dir
from graphsvc.service import consent
from tests.api.client import ask, data, error
from tests.api.conftest import Serve
from tests.api.graph import EXCLUDED, PERSONS

EVERYONE = {pid for pid, *_ in PERSONS}
INFLUENCERS = "{ influencers(first: 50) { edges { node { id } } } }"
SEGMENT = "{ segment(filter: {}) { count persons(first: 50) { nodes { id } } } }"


def _influencers(base: str, key: str | None = None) -> set[str]:
    return {e["node"]["id"] for e in data(ask(base, INFLUENCERS, key=key))["influencers"]["edges"]}


def _segment(base: str, key: str) -> set[str]:
    segment = data(ask(base, SEGMENT, key=key))["segment"]
    members = {n["id"] for n in segment["persons"]["nodes"]}
    assert segment["count"] == len(members)
    return members


def test_denied_withdrawn_and_superseded_people_never_appear(
    api: str, social_map: Database, keys: dict[str, str]
) -> None:
    assert _influencers(api) == EVERYONE - EXCLUDED  # p6's denial expired, p7 granted after denying
    assert _segment(api, keys["marketer"]) == EVERYONE - EXCLUDED
    assert consent.targetable(social_map, sorted(EVERYONE), default="granted") == EVERYONE - EXCLUDED
    assert consent.effective(social_map, "p7") == {"marketing": "granted"}
    assert consent.effective(social_map, "p6") == {}  # expired: absent


def test_default_denied_keeps_only_explicit_grants(serve: Serve, social_map: Database, keys: dict[str, str]) -> None:
    for purpose in ("marketing", "profiling"):
        consent.record_consent(social_map, person_id="p1", purpose=purpose, status="granted", recorded_by="test")
    with serve(consent_default="denied") as base:
        assert _influencers(base) == {"p1"}
        assert _segment(base, keys["marketer"]) == {"p1"}


def test_a_segment_purpose_adds_its_own_consent(api: str, social_map: Database, keys: dict[str, str]) -> None:
    consent.record_consent(social_map, person_id="p2", purpose="newsletter", status="denied", recorded_by="test")
    query = '{ segment(filter: {consentPurpose: "newsletter", hasContact: true}) { count } }'
    assert data(ask(api, query, key=keys["marketer"]))["segment"]["count"] == 1  # p1 only


def test_influencers_for_a_purpose_leave_out_who_refused_it(
    api: str, social_map: Database, keys: dict[str, str]
) -> None:
    consent.record_consent(social_map, person_id="p2", purpose="newsletter", status="denied", recorded_by="test")
    consent.record_consent(social_map, person_id="p3", purpose="events", status="granted", recorded_by="test")
    listed = data(ask(api, "{ consentPurposes }"))["consentPurposes"]
    assert listed == ["events", "newsletter"]  # marketing and profiling, always required, are not offered
    query = '{ influencers(first: 50, purpose: "newsletter") { edges { node { id } } } }'
    assert {e["node"]["id"] for e in data(ask(api, query))["influencers"]["edges"]} == EVERYONE - EXCLUDED - {"p2"}
    bad = error(ask(api, '{ influencers(purpose: "News Letter") { edges { score } } }'))
    assert bad["extensions"]["code"] == "BAD_USER_INPUT" and "purpose" in bad["message"]


def test_record_consent_then_the_person_drops_out(api: str, social_map: Database, keys: dict[str, str]) -> None:
    mutation = """mutation($input: ConsentInput!) { recordConsent(input: $input) {
                    id purpose channel status legalBasis givenAt withdrawnAt expiresAt recordedBy } }"""
    given = {
        "personId": "p3",
        "purpose": "marketing",
        "status": "WITHDRAWN",
        "channel": "EMAIL",
        "legalBasis": "consent",
        "collectionMethod": "web-form",
        "source": "preference-centre",
        "policyUrl": "https://example.com/privacy",
    }
    record = data(ask(api, mutation, {"input": given}, key=keys["analyst"]))["recordConsent"]
    assert record["status"] == "withdrawn" and record["channel"] == "email" and record["withdrawnAt"]
    assert record["recordedBy"].startswith("apikey:") and record["givenAt"] is None
    assert "p3" not in _influencers(api)
    consents = data(ask(api, '{ person(id: "p3") { consents { purpose status legalBasis } } }', key=keys["analyst"]))
    assert consents["person"]["consents"] == [{"purpose": "marketing", "status": "withdrawn", "legalBasis": "consent"}]

    expiring = {
        "personId": "p3",
        "purpose": "marketing",
        "status": "GRANTED",
        "expiresAt": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
    }
    data(ask(api, mutation, {"input": expiring}, key=keys["analyst"]))
    assert "p3" in _influencers(api)  # the newer grant counts until it expires


def test_bad_consent_input_is_a_coded_error(api: str, social_map: Database, keys: dict[str, str]) -> None:
    mutation = "mutation($input: ConsentInput!) { recordConsent(input: $input) { id } }"
    bad = [
        ({"personId": "p1", "purpose": "Bad Purpose!", "status": "GRANTED"}, "BAD_USER_INPUT", "purpose:"),
        (
            {"personId": "p1", "purpose": "marketing", "status": "GRANTED", "expiresAt": "2001-01-01T00:00:00+00:00"},
            "BAD_USER_INPUT",
            "expiresAt: expected expiresAt after",
        ),
        ({"personId": "nobody", "purpose": "marketing", "status": "DENIED"}, "NOT_FOUND", "no person 'nobody'"),
    ]
    for given, code, message in bad:
        problem = error(ask(api, mutation, {"input": given}, key=keys["analyst"]))
        assert problem["extensions"]["code"] == code and message in problem["message"], problem
        assert problem["path"] == ["recordConsent"]


def _stated_predicate() -> str:
    """The consent predicate as api.cypher's header states it: its indented comment lines."""
    lines = (cypher_dir() / "api.cypher").read_text(encoding="utf-8").splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith("//   CASE WHEN COUNT"))
    stated = []
    for line in lines[first:]:
        if not line.startswith("//   "):
            break
        stated.append(line.removeprefix("//"))
    return " ".join(" ".join(stated).split())


def test_every_targeting_query_applies_the_one_consent_predicate() -> None:
    """Every named query that takes $purposes filters with the predicate api.cypher's header states,
    word for word (on the person variable it filters), so no list can apply a weaker rule."""
    stated = _stated_predicate()
    assert stated.endswith("$consentDefault) = 'granted') END") and "ORDER BY coalesce(c.withdrawnAt" in stated
    using = [name for name in all_names() if "$purposes" in query(name)]
    assert {"api.influencers", "api.segment_count", "consent.targetable", "brands.stances"} <= set(using), using
    for name in using:
        text = " ".join(query(name).split())
        assert stated in text or stated.replace("(p)-[:GAVE]", "(q)-[:GAVE]") in text, name
