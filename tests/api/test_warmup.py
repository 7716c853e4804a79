"""The server's warm-up (graphsvc.api.warmup): representative reads before /readyz says ready."""

from __future__ import annotations

import asyncio
import time

import httpx

from graphsvc.api import create_app
from graphsvc.api.warmup import OPERATIONS, warmup_host
from graphsvc.config import Settings
from graphsvc.db import Database


async def _warm_up(settings: Settings, db: Database) -> tuple[list[tuple[int, str]], object]:
    """Start the app's lifespan: /readyz at once and after the warm-up, and the warm-up itself."""
    app = create_app(settings, db)
    transport = httpx.ASGITransport(app=app)
    seen: list[tuple[int, str]] = []
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://localhost") as client,
    ):
        answer = await client.get("/readyz")
        seen.append((answer.status_code, answer.json()["status"]))
        deadline = time.monotonic() + 60
        while app.state.warmup.warming and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        answer = await client.get("/readyz")
        seen.append((answer.status_code, answer.json()["status"]))
    return seen, app.state.warmup


def test_production_server_warms_up_before_it_says_ready(social_map: Database, settings: Settings) -> None:
    production = settings.model_copy(update={"mode": "production", "warmup_seconds": 60})
    seen, warmup = asyncio.run(_warm_up(production, social_map))

    assert seen[0] == (503, "warming")
    assert seen[1] == (200, "ready")
    # every operation of every round answered without an error, over a graph with persons,
    # identities and communities: the documents still match the schema
    assert warmup.failures == []  # type: ignore[attr-defined]
    assert len(warmup.rounds) >= 2  # type: ignore[attr-defined]
    assert warmup.token is None and not warmup.is_token("gsw_anything")  # type: ignore[attr-defined]


def test_the_warm_up_token_is_not_a_key_once_warm(social_map: Database, settings: Settings) -> None:
    production = settings.model_copy(update={"mode": "production", "warmup_seconds": 60})
    app = create_app(production, social_map)

    async def run() -> tuple[object, object, object]:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client,
        ):
            token = app.state.warmup.token
            assert token is not None and token.startswith("gsw_")
            query = {"query": "{ contacts(first: 1) { nodes { id } } }"}
            during = await client.post("/graphql", json=query, headers={"Authorization": f"Bearer {token}"})
            while app.state.warmup.warming:
                await asyncio.sleep(0.05)
            after = await client.post("/graphql", json=query, headers={"Authorization": f"Bearer {token}"})
            other = await client.post("/graphql", json=query, headers={"Authorization": f"Bearer gsw_{'x' * 43}"})
            return _outcome(during), _outcome(after), _outcome(other)

    during, after, other = asyncio.run(run())
    assert during == (200, None)  # the warm-up's own credential, while it runs
    assert after == other == (200, "UNAUTHENTICATED")  # gone with the warm-up; a guessed one never worked


def _outcome(answer: httpx.Response) -> tuple[int, str | None]:
    errors = answer.json().get("errors") or [{}]
    return answer.status_code, (errors[0].get("extensions") or {}).get("code")


def test_development_server_is_ready_at_once(social_map: Database, settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"mode": "development"}), social_map)

    async def run() -> tuple[int, bool]:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client,
        ):
            return (await client.get("/readyz")).status_code, app.state.warmup.warming

    assert asyncio.run(run()) == (200, False)
    assert settings.model_copy(update={"mode": "production"}).effective_warmup_seconds > 0


def test_an_empty_graph_warms_up_with_what_it_has(db: Database, settings: Settings) -> None:
    seen, warmup = asyncio.run(_warm_up(settings.model_copy(update={"mode": "production", "warmup_seconds": 60}), db))

    assert seen[1] == (200, "ready")
    # the operations about a person, a community or a handle are left out; the rest answer
    assert warmup.failures == []  # type: ignore[attr-defined]
    assert any(needs for _, _, needs in OPERATIONS)


def test_the_warm_up_passes_the_trusted_host_list(social_map: Database, settings: Settings) -> None:
    for allowed in (["graphsvc.example.com"], ["*.example.com"]):
        production = settings.model_copy(update={"mode": "production", "warmup_seconds": 60, "allowed_hosts": allowed})
        app = create_app(production, social_map)

        async def run(app: object = app) -> object:
            async with app.router.lifespan_context(app):  # type: ignore[attr-defined]
                while app.state.warmup.warming:  # type: ignore[attr-defined]
                    await asyncio.sleep(0.05)
                return app.state.warmup  # type: ignore[attr-defined]

        warmup = asyncio.run(run())
        assert warmup.failures == [] and len(warmup.rounds) >= 2, allowed  # type: ignore[attr-defined]
    assert warmup_host(["*"]) == "localhost" and warmup_host([]) == "localhost"
