"""Roles and PII: who may ask what, and who reads emails, phones and addresses (graphsvc.api.auth)."""

from __future__ import annotations

import httpx
import pytest

from graphsvc.db import Database
from graphsvc.service.apikeys import ROLES, authenticate, create_key, list_keys, revoke_key
from tests.api.client import ask, data, error
from tests.api.conftest import Serve
from tests.api.graph import ADA_PII

CONTACT_PII = '{ contact(id: "crm:1") { name emails phones street postcode birthDate } }'
IDENTITIES = '{ person(id: "p1") { identities { platform handle } } }'
UPSERT = 'mutation { upsertContact(input: {source: "crm", sourceId: "77", name: "New Person"}) { id } }'
ERASE = 'mutation { eraseSubject(personId: "p9") { personId } }'
SEGMENT = '{ segment(filter: {community: "run1:0"}) { count } }'
WARM = '{ warmPath(to: "p3") { hops } }'
REVIEW = "{ reviewQueue { id } }"
EXPORT = 'mutation { exportSubject(personId: "p2") }'
JOB = "mutation { runJob(kind: COMMUNITIES) { id } }"

#: operation -> the least role that may run it.
MATRIX = [
    (CONTACT_PII, "viewer"),
    (IDENTITIES, "viewer"),
    ("{ influencers { edges { score } } }", "viewer"),
    ('{ search(text: "ada") { kind } }', "viewer"),
    ("{ communities { totalCount } }", "viewer"),
    (SEGMENT, "marketer"),
    (WARM, "marketer"),
    (REVIEW, "analyst"),
    (UPSERT, "analyst"),
    (EXPORT, "analyst"),
    ('{ person(id: "p4") { consents { status } } }', "analyst"),
    (ERASE, "admin"),
]


@pytest.mark.parametrize("query, least", MATRIX, ids=[f"{least}:{q[:40]}" for q, least in MATRIX])
def test_role_matrix(serve: Serve, social_map: Database, keys: dict[str, str], query: str, least: str) -> None:
    with serve(mode="production") as base:
        anonymous = error(ask(base, query))
        assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"
        for role in ROLES:
            body = ask(base, query, key=keys[role])
            if ROLES.index(role) >= ROLES.index(least):
                data(body)
            else:
                problem = error(body)
                assert problem["extensions"]["code"] == "FORBIDDEN", (role, problem)
                assert f"needs role {least} or above; this key has role {role}" in problem["message"]


@pytest.mark.parametrize("role", ROLES)
def test_pii_only_for_analyst_and_admin(api: str, social_map: Database, keys: dict[str, str], role: str) -> None:
    contact = data(ask(api, CONTACT_PII, key=keys[role]))["contact"]
    handles = {i["platform"]: i["handle"] for i in data(ask(api, IDENTITIES, key=keys[role]))["person"]["identities"]}
    assert contact["name"] == "Ada Lovelace" and handles["twitter"] == "adalove"
    if role in ("analyst", "admin"):
        assert contact["emails"] == [ADA_PII["email"]] and contact["birthDate"] == ADA_PII["birthDate"]
        assert handles["email"] == ADA_PII["email"] and handles["phone"] == ADA_PII["phone"]
    else:  # null, and no error: the value is simply not theirs to read
        assert contact == {
            "name": "Ada Lovelace",
            "emails": None,
            "phones": None,
            "street": None,
            "postcode": None,
            "birthDate": None,
        }
        assert handles["email"] is None and handles["phone"] is None


def test_pii_cannot_be_probed_by_search_or_lookup(api: str, social_map: Database, keys: dict[str, str]) -> None:
    search = '{ search(text: "ada@example.com") { kind identity { platform handle } } }'
    marketer = data(ask(api, search, key=keys["marketer"]))["search"]
    assert marketer and all(hit["identity"] is None or hit["identity"]["platform"] == "twitter" for hit in marketer)
    analyst = data(ask(api, search, key=keys["analyst"]))["search"]
    assert {"kind": "identity", "identity": {"platform": "email", "handle": ADA_PII["email"]}} in analyst
    lookup = '{ identity(platform: "email", handle: "ADA@example.com") { handle } }'
    assert error(ask(api, lookup, key=keys["marketer"]))["extensions"]["code"] == "FORBIDDEN"
    assert data(ask(api, lookup, key=keys["analyst"]))["identity"] == {"handle": ADA_PII["email"]}


def test_segment_export_columns_follow_the_role(api: str, social_map: Database, keys: dict[str, str]) -> None:
    query = "{ segment(filter: {hasContact: true}) { export(format: CSV) { rows data } } }"
    marketer = data(ask(api, query, key=keys["marketer"]))["segment"]["export"]
    assert marketer["rows"] == 2
    assert (
        marketer["data"].splitlines()[0] == "id,name,influence,community,platforms,company,title,city,country,handles"
    )
    assert ADA_PII["email"] not in marketer["data"]
    analyst = data(ask(api, query, key=keys["analyst"]))["segment"]["export"]
    assert analyst["data"].splitlines()[0].endswith(",handles,emails,phones")
    # an E.164 phone starts with '+': a spreadsheet would read it as a formula, so the cell is quoted
    assert f"{ADA_PII['email']},'{ADA_PII['phone']}" in analyst["data"]


@pytest.mark.parametrize("header", ["Authorization", "X-API-Key"])
def test_both_headers_carry_a_key(api: str, social_map: Database, keys: dict[str, str], header: str) -> None:
    value = f"Bearer {keys['admin']}" if header == "Authorization" else keys["admin"]
    response = httpx.post(f"{api}/graphql", json={"query": "{ me { role } }"}, headers={header: value})
    assert response.json()["data"]["me"]["role"] == "admin"


def test_a_bad_or_revoked_key_is_refused_not_downgraded(serve: Serve, db: Database) -> None:
    key, secret = create_key(db, name="soon revoked", role="analyst")
    with serve(apikey_cache_seconds=0) as base:  # no cache: the revocation counts at once
        assert data(ask(base, "{ me { role } }", key=secret))["me"]["role"] == "analyst"
        revoke_key(db, key.id)
        for bad in (secret, "gsk_000000000000_" + "x" * 40, "not-a-key"):
            problem = error(ask(base, "{ persons { totalCount } }", key=bad))
            assert problem["extensions"]["code"] == "UNAUTHENTICATED"
            assert "not valid" in problem["message"]
    assert authenticate(db, secret) is None


def test_keys_are_stored_hashed(db: Database) -> None:
    key, secret = create_key(db, name="integration", role="marketer")
    assert secret.startswith(f"gsk_{key.id}_")
    stored = db.adhoc("MATCH (k:ApiKey {id: $id}) RETURN properties(k) AS k", {"id": key.id}, allow_write=False)[1]
    assert secret not in str(stored) and len(stored[0]["k"]["hash"]) == 64
    assert authenticate(db, secret) == key.__class__(id=key.id, name="integration", role="marketer")
    assert [k.id for k in list_keys(db)] == [key.id]
    assert list_keys(db)[0].last_used_at is not None


def test_anonymous_role_follows_the_mode_unless_set(serve: Serve, social_map: Database) -> None:
    with serve() as base:
        assert data(ask(base, "{ me { role } }"))["me"]["role"] == "viewer"
    with serve(mode="production") as base:
        assert data(ask(base, "{ me { role } health { ok } }"))["me"]["role"] is None  # health stays open
    with serve(mode="production", anonymous_role="marketer") as base:
        assert data(ask(base, SEGMENT))["segment"]["count"] == 3
