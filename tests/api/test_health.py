from __future__ import annotations

import httpx

from graphsvc import __version__
from graphsvc.api import create_app
from graphsvc.config import Settings
from graphsvc.db import Database, latest_version
from tests.support import graphql, serve_in_thread


def test_health_query_makes_a_real_round_trip(db: Database, settings: Settings) -> None:
    with serve_in_thread(create_app(settings, db)) as base:
        body = graphql(
            base, "{ health { ok neo4jVersion neo4jEdition schemaVersion latestSchemaVersion graphsvcVersion } }"
        )
        assert "errors" not in body, body
        health = body["data"]["health"]
        assert health["ok"] is True
        assert health["neo4jVersion"].startswith("5.26.")
        assert health["neo4jEdition"] == "community" or settings.neo4j_uri
        assert health["schemaVersion"] == health["latestSchemaVersion"] == latest_version()
        assert health["graphsvcVersion"] == __version__

        assert httpx.get(f"{base}/healthz").json()["status"] == "alive"
        assert httpx.get(f"{base}/readyz").json() == {"status": "ready"}
        page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()


def test_bad_query_gets_a_coded_error(db: Database, settings: Settings) -> None:
    with serve_in_thread(create_app(settings, db)) as base:
        response = httpx.post(f"{base}/graphql", json={"query": "{ health { nope } }"})
        error = response.json()["errors"][0]
        assert "nope" in error["message"]
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_introspection_can_be_switched_off(db: Database, settings: Settings) -> None:
    closed = settings.model_copy(update={"introspection": False})
    with serve_in_thread(create_app(closed, db)) as base:
        response = httpx.post(f"{base}/graphql", json={"query": "{ __schema { types { name } } }"})
        assert "introspection" in response.json()["errors"][0]["message"].lower()
