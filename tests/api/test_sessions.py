"""Console sign-in over real HTTP: the cookie, lock-out, CSRF, sign-out, disabled users, expiry, the access log."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from websockets.exceptions import InvalidStatus

from graphsvc.api.sessions import SESSION_COOKIE, parse_login
from graphsvc.db import Database
from graphsvc.errors import InputError
from graphsvc.service.apikeys import ROLES
from graphsvc.service.subjects import export_subject
from graphsvc.service.users import create_user, disable_user, enable_user
from tests.api.client import ask, data, error, ws_open
from tests.api.conftest import Serve
from tests.api.graph import ADA_PII

PASSWORD = "correct horse battery staple"
CONTACT_PII = '{ contact(id: "crm:1") { name emails } }'
UPSERT = 'mutation { upsertContact(input: {source: "crm", sourceId: "77", name: "New Person"}) { id } }'


@pytest.fixture
def users(db: Database) -> list[str]:
    """One console user per role, named after it, all with ``PASSWORD``."""
    for role in ROLES:
        create_user(db, name=role, role=role, password=PASSWORD)
    return list(ROLES)


@pytest.fixture
def production(serve: Serve) -> Iterator[str]:
    """The app in production mode: no anonymous role, so only the session gives one."""
    with serve(mode="production") as base:
        yield base


def login(base: str, user: str, password: str = PASSWORD, **headers: str) -> httpx.Response:
    return httpx.post(f"{base}/console/login", json={"username": user, "password": password}, headers=headers)


class Console:
    """A signed-in browser, as far as the server can tell: the session cookie and the CSRF token."""

    def __init__(self, base: str, user: str) -> None:
        signed_in = login(base, user)
        assert signed_in.status_code == 200, signed_in.text
        self.base = base
        self.answer: dict[str, Any] = signed_in.json()
        self.set_cookie = signed_in.headers["set-cookie"]
        self.token = self.set_cookie.split(";")[0].removeprefix(f"{SESSION_COOKIE}=")
        self.csrf: str = self.answer["csrf"]

    def headers(self, csrf: str | None = "yes") -> dict[str, str]:
        headers = {"Cookie": f"{SESSION_COOKIE}={self.token}"}
        if csrf is not None:
            headers["X-CSRF-Token"] = self.csrf if csrf == "yes" else csrf
        return headers

    def post(self, query: str, csrf: str | None = "yes") -> httpx.Response:
        return httpx.post(f"{self.base}/graphql", json={"query": query}, headers=self.headers(csrf), timeout=30)

    def ask(self, query: str) -> dict[str, Any]:
        response = self.post(query)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def session(self) -> httpx.Response:
        return httpx.get(f"{self.base}/console/session", headers=self.headers(None))


def test_sign_in_sets_a_strict_http_only_cookie(api: str, users: list[str]) -> None:
    console = Console(api, "marketer")
    assert set(console.answer) == {"user", "role", "csrf", "expiresAt"}
    assert console.answer["user"] == "marketer" and console.answer["role"] == "marketer"
    attributes = [part.strip() for part in console.set_cookie.split(";")]
    assert {"HttpOnly", "SameSite=Strict", "Path=/"} <= set(attributes), attributes
    [max_age] = [int(a.removeprefix("Max-Age=")) for a in attributes if a.startswith("Max-Age=")]
    assert 12 * 3600 - 10 <= max_age <= 12 * 3600
    assert "Secure" not in attributes  # on 127.0.0.1 the console is served over plain HTTP
    assert len(console.token) >= 43 and console.token not in json.dumps(console.answer)
    assert console.session().json() == console.answer
    elsewhere = login(api, "viewer", Host="console.example.com")
    assert "Secure" in [part.strip() for part in elsewhere.headers["set-cookie"].split(";")]


def test_wrong_password_and_unknown_user_get_the_same_answer(api: str, users: list[str]) -> None:
    wrong_password = login(api, "analyst", "not the password at all")
    unknown_user = login(api, "nobody", PASSWORD)
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert (
        wrong_password.json()
        == unknown_user.json()
        == {"error": "wrong user name or password", "code": "UNAUTHENTICATED"}
    )
    assert "set-cookie" not in wrong_password.headers


def test_five_failures_lock_the_user_out_even_with_the_right_password(api: str, db: Database, users: list[str]) -> None:
    answers = [login(api, "analyst", f"guess number {i}") for i in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    locked = login(api, "analyst")
    assert locked.status_code == 429 and locked.json()["code"] == "TOO_MANY_ATTEMPTS"
    assert 14 * 60 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert login(api, "viewer").status_code == 200  # only that user is locked
    enable_user(db, "analyst")  # an admin lifts the lock
    assert login(api, "analyst").status_code == 200


def test_a_success_restarts_the_count(api: str, users: list[str]) -> None:
    for _ in range(2):
        assert [login(api, "viewer", "wrong password!").status_code for _ in range(4)] == [401] * 4
        assert login(api, "viewer").status_code == 200


def test_the_session_gives_the_users_role_in_graphql(production: str, social_map: Database, users: list[str]) -> None:
    assert error(ask(production, CONTACT_PII))["extensions"]["code"] == "UNAUTHENTICATED"
    viewer, analyst = Console(production, "viewer"), Console(production, "analyst")
    assert data(viewer.ask(CONTACT_PII))["contact"] == {"name": "Ada Lovelace", "emails": None}
    assert data(analyst.ask(CONTACT_PII))["contact"] == {"name": "Ada Lovelace", "emails": [ADA_PII["email"]]}
    assert data(analyst.ask("{ me { role user keyId } }"))["me"] == {
        "role": "analyst",
        "user": "analyst",
        "keyId": None,
    }
    refused = error(viewer.ask('{ segment(filter: {community: "run1:0"}) { count } }'))
    assert refused["extensions"]["code"] == "FORBIDDEN" and "this user has role viewer" in refused["message"]
    # a GET query needs no CSRF token (strawberry refuses mutations over GET)
    by_get = httpx.get(f"{production}/graphql", params={"query": CONTACT_PII}, headers=viewer.headers(None))
    assert data(by_get.json())["contact"]["name"] == "Ada Lovelace"


def test_a_post_without_the_csrf_token_is_refused_before_it_runs(
    api: str, social_map: Database, users: list[str]
) -> None:
    admin = Console(api, "admin")
    read = '{ person(id: "p1") { name } }'
    assert data(admin.ask(read))["person"]["name"] == "Ada Lovelace"  # compiled, and kept for the next
    for csrf in (None, "forged", ""):
        for query in (UPSERT, read):
            refused = admin.post(query, csrf=csrf)
            assert refused.status_code == 403, refused.text
            [problem] = refused.json()["errors"]
            assert problem["extensions"]["code"] == "FORBIDDEN" and "X-CSRF-Token" in problem["message"]
    assert _contact_77(social_map) == []  # nothing ran
    assert data(admin.ask(UPSERT))["upsertContact"]["id"]
    assert _contact_77(social_map) == [{"name": "New Person"}]


def _contact_77(db: Database) -> list[dict[str, Any]]:
    return db.adhoc("MATCH (c:Contact {source: 'crm', sourceId: '77'}) RETURN c.name AS name", {}, allow_write=False)[1]


def test_an_api_key_wins_over_the_cookie_and_needs_no_csrf(
    api: str, social_map: Database, users: list[str], keys: dict[str, str]
) -> None:
    viewer = Console(api, "viewer")
    headers = {**viewer.headers(None), "Authorization": f"Bearer {keys['analyst']}"}
    body = httpx.post(f"{api}/graphql", json={"query": "{ me { role user keyName } }"}, headers=headers).json()
    assert data(body)["me"] == {"role": "analyst", "user": None, "keyName": "test analyst"}


def test_sign_out_ends_the_session_at_once(production: str, social_map: Database, users: list[str]) -> None:
    analyst = Console(production, "analyst")
    assert data(analyst.ask(CONTACT_PII))["contact"]["emails"]  # cached as verified now
    forged = httpx.post(f"{production}/console/logout", headers=analyst.headers(None))
    assert forged.status_code == 403 and analyst.session().status_code == 200  # no token: still signed in
    signed_out = httpx.post(f"{production}/console/logout", headers=analyst.headers())
    assert signed_out.status_code == 200 and signed_out.json() == {"user": "analyst", "signedOut": True}
    assert "Max-Age=0" in signed_out.headers["set-cookie"]
    assert analyst.session().status_code == 401
    gone = error(analyst.ask(CONTACT_PII))
    assert gone["extensions"]["code"] == "UNAUTHENTICATED" and "session has ended or expired" in gone["message"]


def test_an_ended_session_is_anonymous_where_anonymous_has_a_role(
    api: str, social_map: Database, users: list[str]
) -> None:
    analyst = Console(api, "analyst")
    assert httpx.post(f"{api}/console/logout", headers=analyst.headers()).status_code == 200
    # development mode: anonymous requests are viewers, and so is a request with a dead cookie
    assert data(analyst.ask("{ me { role user } }"))["me"] == {"role": "viewer", "user": None}


def test_disabling_a_user_ends_their_sessions(
    production: str, db: Database, social_map: Database, users: list[str]
) -> None:
    marketer = Console(production, "marketer")
    assert data(marketer.ask(CONTACT_PII))["contact"]["name"] == "Ada Lovelace"
    user, ended = disable_user(db, "marketer")
    assert user.disabled and ended == 1
    assert error(marketer.ask(CONTACT_PII))["extensions"]["code"] == "UNAUTHENTICATED"  # not after a cache period
    again = login(production, "marketer")
    assert again.status_code == 401 and "disabled" in again.json()["error"]
    assert login(production, "marketer", "wrong password!").json()["error"] == "wrong user name or password"


def test_an_expired_session_is_refused(serve: Serve, social_map: Database, users: list[str]) -> None:
    with serve(mode="production", session_hours=1.5 / 3600) as base:
        viewer = Console(base, "viewer")
        assert data(viewer.ask(CONTACT_PII))["contact"]["name"] == "Ada Lovelace"
        time.sleep(2)
        assert viewer.session().status_code == 401
        assert error(viewer.ask(CONTACT_PII))["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_console_user_opening_a_person_is_in_the_access_log(
    api: str, social_map: Database, users: list[str], keys: dict[str, str]
) -> None:
    analyst = Console(api, "analyst")
    for _ in range(2):  # the second answered by the compiled route: logged all the same
        assert data(analyst.ask('{ person(id: "p1") { name } }'))["person"]["name"] == "Ada Lovelace"
    assert data(analyst.ask('{ person(id: "nobody") { name } }'))["person"] is None
    data(ask(api, '{ person(id: "p1") { name } }', key=keys["analyst"]))  # API keys: no event
    data(analyst.ask('mutation { exportSubject(personId: "p2") }'))
    events = [
        {k: e[k] for k in ("user", "apiKeyId", "operation")} for e in export_subject(social_map, "p1")["accessEvents"]
    ]
    assert events == [{"user": "analyst", "apiKeyId": None, "operation": "person"}] * 2
    exported = export_subject(social_map, "p2")["accessEvents"]
    assert {"user": "analyst", "operation": "exportSubject"} in [
        {k: e[k] for k in ("user", "operation")} for e in exported
    ]


def _ws_me(base: str, console: Console, origin: str | None) -> Any:
    headers = {"Cookie": f"{SESSION_COOKIE}={console.token}"} | ({"Origin": origin} if origin else {})
    with ws_open(base, headers) as ws:
        ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "{ me { role user } }"}}))
        return json.loads(ws.recv(timeout=10))["payload"]["data"]["me"]


def test_a_websocket_takes_the_cookie_only_from_the_same_origin(production: str, users: list[str]) -> None:
    admin = Console(production, "admin")
    assert _ws_me(production, admin, production) == {"role": "admin", "user": "admin"}
    assert _ws_me(production, admin, None) == {"role": None, "user": None}  # no Origin: no browser page's
    with pytest.raises(InvalidStatus, match="403"):  # another site's page: strawberry refuses the handshake
        _ws_me(production, admin, "http://evil.example")


@pytest.mark.parametrize(
    "content_type, body, where",
    [
        ("text/plain", b'{"username": "a", "password": "b"}', "Content-Type"),
        ("application/json", b"{nope", "body"),
        ("application/json", b"[1, 2]", "body"),
        ("application/json", b'{"password": "b"}', "username"),
        ("application/json", b'{"username": "a", "password": 7}', "password"),
        ("application/json", b'{"username": "", "password": "b"}', "username"),
        ("application/json", b'{"username": "a", "password": "\\ud800"}', None),  # a lone surrogate
        ("application/json", b"x" * 20_000, "body"),
    ],
)
def test_a_malformed_body_names_what_is_wrong(content_type: str, body: bytes, where: str | None) -> None:
    with pytest.raises(InputError) as refused:
        parse_login(content_type, body)
    assert where is None or refused.value.where == where


def test_a_malformed_sign_in_is_a_400_naming_the_field(api: str) -> None:
    answer = httpx.post(f"{api}/console/login", json={"username": "someone"})
    assert answer.status_code == 400
    assert answer.json() == {"error": "password: expected a non-empty string", "code": "BAD_USER_INPUT"}
    assert (
        httpx.post(f"{api}/console/login", content=b"user=a", headers={"Content-Type": "text/plain"}).status_code == 415
    )


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=10,
)
_BODIES = (
    st.binary(max_size=300)
    | _JSON.map(lambda value: json.dumps(value).encode())
    | st.fixed_dictionaries({"username": _JSON, "password": _JSON}).map(lambda value: json.dumps(value).encode())
)


@settings(max_examples=300, deadline=None)
@given(body=_BODIES)
@example(body=b'{"username": "a\\ud800", "password": "b"}')
def test_parsing_any_body_gives_credentials_or_an_input_error(body: bytes) -> None:
    try:
        username, password = parse_login("application/json", body)
    except InputError as refused:
        assert refused.where in {"body", "username", "password"}
    else:
        assert username and password
        username.encode(), password.encode()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_BODIES)
def test_no_sign_in_body_is_a_server_error(api: str, body: bytes) -> None:
    answer = httpx.post(f"{api}/console/login", content=body, headers={"Content-Type": "application/json"}, timeout=30)
    assert answer.status_code in {400, 401}, (body, answer.status_code, answer.text)
    assert set(answer.json()) >= {"error", "code"}
