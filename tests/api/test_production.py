"""Production mode is safe by default: no introspection or GraphiQL unless enabled, only the allowed
host names, and rate limits per key and per address."""

from __future__ import annotations

import httpx

from graphsvc.db import Database
from tests.api.client import ask, data
from tests.api.conftest import Serve

INTROSPECT = "{ __schema { queryType { name } } }"


def test_production_closes_introspection_and_graphiql_unless_enabled(
    serve: Serve, social_map: Database, keys: dict[str, str]
) -> None:
    with serve(mode="production") as base:
        refused = ask(base, INTROSPECT, key=keys["admin"])
        assert "data" not in refused and "introspection" in refused["errors"][0]["message"]
        page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}, timeout=10)
        assert "graphiql" not in page.text.lower()
    with serve(mode="production", introspection=True, graphiql=True) as base:
        assert data(ask(base, INTROSPECT, key=keys["admin"]))["__schema"]["queryType"]["name"] == "Query"
        page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}, timeout=10)
        assert page.status_code == 200 and "graphiql" in page.text.lower()
    with serve() as base:  # development: both open
        assert data(ask(base, INTROSPECT))["__schema"]["queryType"]["name"] == "Query"


def test_production_answers_only_its_own_host_names(serve: Serve, social_map: Database) -> None:
    """A page on another site that points its own host name at 127.0.0.1 (DNS rebinding) gets 400."""
    with serve(mode="production") as base:
        port = base.rsplit(":", 1)[1]
        for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example"):
            refused = httpx.get(f"{base}/healthz", headers={"Host": host}, timeout=10)
            assert refused.status_code == 400, host
        for host in (f"localhost:{port}", f"127.0.0.1:{port}"):
            assert httpx.get(f"{base}/healthz", headers={"Host": host}, timeout=10).status_code == 200, host
    with serve(mode="production", allowed_hosts=["crm.example.com"]) as base:
        assert httpx.get(f"{base}/healthz", headers={"Host": "crm.example.com"}, timeout=10).status_code == 200
        assert httpx.get(f"{base}/healthz", timeout=10).status_code == 400


def test_rate_limits_per_key_and_per_address(serve: Serve, social_map: Database, keys: dict[str, str]) -> None:
    with serve(rate_limit_per_minute=5, anonymous_rate_limit_per_minute=3) as base:
        for _ in range(5):
            assert data(ask(base, "{ __typename }", key=keys["viewer"]))
        limited = httpx.post(
            f"{base}/graphql",
            json={"query": "{ __typename }"},
            headers={"Authorization": f"Bearer {keys['viewer']}"},
            timeout=10,
        )
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1
        problem = limited.json()["errors"][0]
        assert problem["extensions"]["code"] == "RATE_LIMITED" and "5 a minute" in problem["message"]
        # another key has its own bucket; requests without a key share their address's
        assert data(ask(base, "{ __typename }", key=keys["analyst"]))
        for _ in range(3):
            assert data(ask(base, "{ __typename }"))
        assert httpx.post(f"{base}/graphql", json={"query": "{ __typename }"}, timeout=10).status_code == 429
        # an address out of requests still loads the console's files and answers the health probes
        for path in ("/healthz", "/readyz", "/static/console.css", "/healthz"):
            assert httpx.get(f"{base}{path}", timeout=10).status_code != 429, path
    with serve() as base:  # development: no limit
        for _ in range(30):
            assert data(ask(base, "{ __typename }", key=keys["viewer"]))
