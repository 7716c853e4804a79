"""The starlette application: GraphQL at /graphql, /healthz and /readyz. The lifespan owns the driver."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from graphsvc import __version__
from graphsvc.api.context import Context
from graphsvc.api.schema import build_schema
from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.errors import DatabaseUnavailable, GraphsvcError

__all__ = ["create_app"]


class _GraphQL(GraphQL):
    """Strawberry's ASGI app, with our context and error codes."""

    def __init__(self, app_state: Any, settings: Settings) -> None:
        super().__init__(build_schema(settings))
        self.app_state = app_state
        self.settings = settings

    async def get_context(self, request: Any, response: Any) -> Context:  # type: ignore[override]
        return Context(db=self.app_state.db, settings=self.settings, request=request, response=response)

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        response: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            response["errors"] = [_format_error(err) for err in result.errors]
        return response


def _format_error(error: Any) -> dict[str, Any]:
    formatted = error.formatted
    original = getattr(error, "original_error", None)
    extensions = dict(formatted.get("extensions") or {})
    if isinstance(original, GraphsvcError):
        extensions.setdefault("code", original.code)
        if original.hint:
            extensions.setdefault("hint", original.hint)
    else:
        extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED" if original is None else "INTERNAL")
    formatted["extensions"] = extensions
    return formatted


def create_app(settings: Settings, db: Database | None = None) -> Starlette:
    """The ASGI app. With ``db`` given the caller owns it; otherwise the lifespan opens and closes one."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owned = db is None
        app.state.db = db if db is not None else await asyncio.to_thread(Database.from_settings, settings)
        try:
            yield
        finally:
            if owned:
                app.state.db.close()

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "alive", "version": __version__})

    async def readyz(request: Request) -> JSONResponse:
        try:
            await asyncio.to_thread(request.app.state.db.ping)
        except DatabaseUnavailable as exc:
            return JSONResponse({"status": "unavailable", "reason": exc.message}, status_code=503)
        return JSONResponse({"status": "ready"})

    async def root(request: Request) -> RedirectResponse:
        return RedirectResponse("/graphql")

    app = Starlette(lifespan=lifespan)
    graphql = _GraphQL(app.state, settings)
    app.router.routes.extend(
        [
            Route("/", root),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
        ]
    )
    return app
