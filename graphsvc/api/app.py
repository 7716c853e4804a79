"""The starlette application: GraphQL at /graphql (HTTP, graphql-transport-ws, GraphiQL), /healthz, /readyz, /static.

The console's sign-in is under /console (``graphsvc.api.sessions``). The lifespan owns the driver
(unless the caller passes one) and a thread pool sized for the driver's blocking calls. Every
GraphQL error carries ``extensions.code``.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from graphsvc import __version__
from graphsvc.api.auth import KeyCache, Principal, resolve_principal, secret_from
from graphsvc.api.compiled import CompiledRoute
from graphsvc.api.context import Context
from graphsvc.api.http import GraphQLOverHTTP
from graphsvc.api.limits import RateLimits, RequestLimits
from graphsvc.api.logs import log_config
from graphsvc.api.schema import build_schema
from graphsvc.api.sessions import SESSION_COOKIE, CsrfRefused, cookie_principal, error_response, session_routes
from graphsvc.api.warmup import Warmup, warmup_host
from graphsvc.api.workers import serve_workers
from graphsvc.config import Settings
from graphsvc.console.graphiql import graphiql_page
from graphsvc.console.pages import console_page
from graphsvc.console.static_files import static_mount
from graphsvc.db import Database
from graphsvc.errors import DatabaseUnavailable, GraphsvcError, InputError, NotFound, Unauthenticated
from graphsvc.service import avatars, consent
from graphsvc.service.jobruns import JobRunner
from graphsvc.service.sessions import SessionCache

__all__ = ["create_app", "error_code", "run_server", "server_app"]

#: A picture from the avatar proxy: the browser keeps it an hour; it can hold nothing that runs.
AVATAR_HEADERS = {
    "Cache-Control": "private, max-age=3600",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
}

#: Threads for the synchronous driver's calls: enough for many concurrent requests' queries.
WORKER_THREADS = 64

#: Seconds a thread may hold the GIL while others wait for it, in a server process (Python's default
#: is 0.005). The event loop shares the GIL with the threads reading query results; at the default a
#: busy reader kept the loop from answering for up to 5 ms at a time, which a concurrent load's
#: slowest requests felt; handing the GIL on more often shortens that tail for a little throughput.
SWITCH_INTERVAL = 0.0005


def error_code(error: GraphQLError) -> str:
    """The ``extensions.code`` of a GraphQL error: one stamped on it (a limit, a parse failure, an
    internal error), its graphsvc class's, ``GRAPHQL_VALIDATION_FAILED`` for a rule's, else ``INTERNAL``."""
    stamped = (error.extensions or {}).get("code")
    if stamped:
        return str(stamped)
    original = error.original_error
    if isinstance(original, GraphsvcError):
        return original.code
    return "GRAPHQL_VALIDATION_FAILED" if original is None else "INTERNAL"


class _GraphQL(GraphQL):
    """Strawberry's ASGI app, with our context (caller, DataLoaders), error codes and GraphiQL page."""

    def __init__(self, app_state: Any, settings: Settings) -> None:
        super().__init__(
            build_schema(settings),
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            graphql_ide="graphiql" if settings.effective_graphiql else None,
        )
        self.app_state = app_state
        self.settings = settings
        self.keys = KeyCache(settings.apikey_cache_seconds)
        self.sessions = SessionCache(settings.session_cache_seconds)
        self.jobs = JobRunner()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        except CsrfRefused as refused:  # raised by get_context, before anything ran or was sent
            await refused.response()(scope, receive, send)

    async def principal(self, request: Any) -> Principal:
        """Who sends ``request``: its API key's role, else its session cookie's user, else anonymous."""
        db = self.app_state.db
        secret = secret_from(request.headers)
        warmup = getattr(self.app_state, "warmup", None)
        if warmup is not None and warmup.is_token(secret):
            return Principal(role="analyst", key_name="warm-up")
        if secret is None and SESSION_COOKIE in request.cookies:  # a key always wins over the cookie
            return await cookie_principal(request, db, self.settings, self.sessions)
        return await resolve_principal(secret, db, self.settings, self.keys)

    async def get_context(self, request: Any, response: Any) -> Context:  # type: ignore[override]
        db = self.app_state.db
        principal = await self.principal(request)
        return Context(
            db=db,
            settings=self.settings,
            request=request,
            response=response,
            principal=principal,
            jobs=self.jobs,
            reads=getattr(self.app_state, "reads", None),
        )

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        """GraphiQL from the package's own files (``graphsvc.console.graphiql``), not strawberry's CDN page."""
        return HTMLResponse(graphiql_page())

    async def on_ws_connect(self, context: Context) -> Any:  # type: ignore[override]
        """A key in the connection_init payload replaces the one (if any) of the upgrade request; the
        connection keeps how to check its credentials again (``Context.recheck``)."""
        secret = secret_from(context.connection_params or {})
        if secret is not None:
            context.principal = await resolve_principal(secret, context.db, self.settings, self.keys)

            async def again() -> Principal:
                return await resolve_principal(secret, context.db, self.settings, self.keys)

            context.reprincipal = again
        else:
            request = context.request
            context.reprincipal = lambda: self.principal(request)
        if context.principal.problem:
            raise ConnectionRejectionError({"reason": context.principal.problem})
        return UNSET

    def encode_json(self, data: object) -> bytes:
        """Responses as JSON by orjson: several times faster than the standard library on a page of results."""
        return orjson.dumps(data)

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        """The response: ``data`` and ``errors``, but no ``data`` for a request error (the document did
        not parse or validate, the variables did not coerce, the cost was over budget: nothing ran,
        and every error is about the request, none about a field's path)."""
        requested = result.data is None and bool(result.errors) and all(not e.path for e in result.errors or ())
        response: GraphQLHTTPResponse = {} if requested else {"data": result.data}
        if result.errors:
            response["errors"] = [_format_error(err) for err in result.errors]
        return response


def _format_error(error: Any) -> dict[str, Any]:
    formatted = error.formatted
    original = getattr(error, "original_error", None)
    extensions = dict(formatted.get("extensions") or {})
    extensions.setdefault("code", error_code(error))
    if isinstance(original, GraphsvcError) and original.hint:
        extensions.setdefault("hint", original.hint)
    formatted["extensions"] = extensions
    return dict(formatted)


_log = logging.getLogger(__name__)


async def _sweep_consent(db: Database, settings: Settings) -> None:
    """Every ``consent_sweep_seconds``: clear what was computed about persons whose profiling consent
    lapsed since (``consent.sweep``). A failed sweep (Neo4j away) is logged and tried again next time."""
    while True:
        await asyncio.sleep(settings.consent_sweep_seconds)
        try:
            cleared = await asyncio.to_thread(consent.sweep, db, default=settings.consent_default)
        except GraphsvcError as exc:
            _log.warning("consent sweep not done: %s", exc.code)
            continue
        if cleared:
            _log.info("consent sweep: cleared what was computed about %d persons", cleared)


def create_app(settings: Settings, db: Database | None = None, *, freeze: bool = False) -> Starlette:
    """The ASGI app. With ``db`` given the caller owns it; otherwise the lifespan opens and closes one.

    ``freeze`` (for a server process): once started, what exists (modules, the schema, the driver)
    lives as long as the process, so it is moved out of the garbage collector's reach: full
    collections otherwise walk it all and stall the requests in flight. The process also hands the
    GIL on more often (``SWITCH_INTERVAL``).
    """

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owned = db is None
        workers = ThreadPoolExecutor(max_workers=WORKER_THREADS, thread_name_prefix="graphsvc-api")
        asyncio.get_running_loop().set_default_executor(workers)
        app.state.db = (
            db
            if db is not None
            else await asyncio.to_thread(
                Database.from_settings, settings, read_timeout=settings.request_timeout_seconds
            )
        )
        app.state.reads = app.state.db.async_reads()
        if freeze:
            gc.collect()
            gc.freeze()
            sys.setswitchinterval(SWITCH_INTERVAL)
        sweeper = (
            asyncio.create_task(_sweep_consent(app.state.db, settings)) if settings.consent_sweep_seconds > 0 else None
        )
        app.state.warmup = Warmup(settings.effective_warmup_seconds, warmup_host(settings.effective_allowed_hosts))
        warming = asyncio.create_task(app.state.warmup.run(app, app.state.db)) if app.state.warmup.warming else None
        try:
            yield
        finally:
            if warming is not None:
                warming.cancel()
            if sweeper is not None:
                sweeper.cancel()
            await pictures.close()
            await app.state.reads.close()
            if owned:
                app.state.db.close()
            workers.shutdown(wait=False, cancel_futures=True)

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "alive", "version": __version__})

    async def readyz(request: Request) -> JSONResponse:
        try:
            await asyncio.to_thread(request.app.state.db.ping)
        except DatabaseUnavailable as exc:  # said first: Neo4j away is what an operator must know
            return JSONResponse({"status": "unavailable", "reason": exc.message}, status_code=503)
        warmup = getattr(request.app.state, "warmup", None)
        if warmup is not None and warmup.warming:
            return JSONResponse({"status": "warming"}, status_code=503, headers={"Retry-After": "1"})
        return JSONResponse({"status": "ready"})

    pictures = avatars.AvatarProxy(private_hosts=settings.avatar_private_hosts)

    async def avatar(request: Request) -> Response:
        """``/console/avatar?url=``: an identity's picture, fetched by the server (``service.avatars``)."""
        try:
            (await graphql.principal(request)).require("viewer", "a picture")
        except GraphsvcError as exc:
            return error_response(401 if isinstance(exc, Unauthenticated) else 403, exc)
        url = request.query_params.get("url", "")
        if not url or len(url) > avatars.MAX_URL:
            return error_response(
                400, InputError(f"expected an avatar URL of at most {avatars.MAX_URL} characters", where="url")
            )
        if not await asyncio.to_thread(avatars.known, request.app.state.db, url):
            return error_response(404, NotFound("no identity has this picture"))
        picture = await pictures.picture(url) if settings.avatars == "proxy" else None
        if picture is None:  # a known picture not to be had (now): no content, and the console shows initials
            return Response(status_code=204, headers={"Cache-Control": "private, max-age=600"})
        return Response(picture.content, media_type=picture.media_type, headers=AVATAR_HEADERS)

    limits = Middleware(RequestLimits, max_bytes=settings.max_body_bytes, timeout=settings.request_timeout_seconds)
    hosts = Middleware(TrustedHostMiddleware, allowed_hosts=settings.effective_allowed_hosts)
    per_key, per_address = settings.effective_rate_limits
    rates = Middleware(RateLimits, per_key=per_key, per_address=per_address)
    app = Starlette(lifespan=lifespan, middleware=[hosts, rates, limits])
    graphql = _GraphQL(app.state, settings)
    endpoint = CompiledRoute(graphql, graphql.principal, settings) if settings.compiled_reads else graphql
    app.router.routes.extend(
        [
            Route("/", console_page),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/console/avatar", avatar),
            Route("/graphql", GraphQLOverHTTP(endpoint), methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            *session_routes(settings, graphql.sessions),
            static_mount(),
        ]
    )
    return app


def server_app(settings: Settings) -> Starlette:
    """The app of one worker process of ``run_server``: the parent's settings, its own driver."""
    return create_app(settings, freeze=True)


def run_server(
    settings: Settings, *, host: str, port: int, db: Database | None = None, log_level: str = "info"
) -> None:
    """Serve until interrupted: the process entry point of ``graphsvc serve``.

    With ``settings.workers`` above 1, that many worker processes (``graphsvc.api.workers``), each
    building the app from the same settings with its own Neo4j driver; ``db`` serves the
    single-process case only.
    """
    import uvicorn

    if settings.workers > 1:
        serve_workers(settings, server_app, host=host, port=port, log_level=log_level)
        return
    uvicorn.run(
        create_app(settings, db, freeze=True),
        host=host,
        port=port,
        log_level=log_level,
        log_config=log_config(),
        ws_max_size=settings.max_body_bytes,
    )
