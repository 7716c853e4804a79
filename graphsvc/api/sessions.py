"""Console sign-in over HTTP: ``/console/login``, ``/console/logout``, ``/console/session``, and the
session cookie as a way into the GraphQL API.

Signing in sets ``graphsvc_session`` (HttpOnly, SameSite=Strict, Path=/, Secure unless the console
is on this machine's loopback) and answers ``{"user", "role", "csrf", "expiresAt"}``. A request that
is signed in by the cookie alone (no API key: a key always wins) must prove it comes from the console
for anything but a GET: the header ``X-CSRF-Token`` must carry the session's CSRF token, which other
sites' pages cannot read; otherwise it is refused with 403 before anything runs. Over a WebSocket
the cookie counts only when the ``Origin`` is the host itself.

Every failed sign-in waits ``FAILED_SIGN_IN_DELAY`` before it is answered (the event loop serves
others meanwhile), and at most ``HASHING_AT_ONCE`` passwords are checked at a time: argon2id's cost
is its memory, and a burst of sign-ins must not take the server's.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import orjson
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from graphsvc.api.auth import Principal
from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.errors import Forbidden, GraphsvcError, InputError, TooManyAttempts, Unauthenticated
from graphsvc.service.sessions import ConsoleSession, SessionCache, end_session, session_user, start_session
from graphsvc.service.users import authenticate

__all__ = [
    "CSRF_HEADER",
    "FAILED_SIGN_IN_DELAY",
    "SESSION_COOKIE",
    "CsrfRefused",
    "cookie_principal",
    "parse_login",
    "session_routes",
]

log = logging.getLogger(__name__)

SESSION_COOKIE = "graphsvc_session"
CSRF_HEADER = "X-CSRF-Token"
#: Seconds every failed sign-in waits before its answer: guessing gets slow, the server does not.
FAILED_SIGN_IN_DELAY = 0.5
#: Passwords checked at once (argon2id takes 64 MiB for each).
HASHING_AT_ONCE = 4
#: The largest sign-in body read: a name and a password, with room to spare.
MAX_BODY = 16 * 1024
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
_EXPIRED = "the console session has ended or expired"
_SIGN_IN = "sign in again at the console (POST /console/login)"


class CsrfRefused(Exception):
    """A cookie-signed-in request without the session's CSRF token: answered 403 before it runs."""

    def response(self) -> JSONResponse:
        message = f"a signed-in request needs the header {CSRF_HEADER} with the session's CSRF token"
        return JSONResponse({"errors": [{"message": message, "extensions": {"code": Forbidden.code}}]}, 403)


def parse_login(content_type: str | None, body: bytes) -> tuple[str, str]:
    """The user name and password of a sign-in body, or an ``InputError`` naming what is wrong."""
    if (content_type or "").split(";")[0].strip().lower() != "application/json":
        raise InputError(f"expected application/json, got {content_type!r}", where="Content-Type")
    if len(body) > MAX_BODY:
        raise InputError(f"expected at most {MAX_BODY} bytes, got {len(body)}", where="body")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InputError("expected JSON (UTF-8)", where="body") from None
    if not isinstance(data, dict):
        raise InputError('expected an object {"username": ..., "password": ...}', where="body")
    return _text(data, "username", 256), _text(data, "password", 1024)


def _text(data: Mapping[str, Any], field: str, longest: int) -> str:
    value = data.get(field)
    if not isinstance(value, str) or not value:
        raise InputError("expected a non-empty string", where=field)
    if len(value) > longest:
        raise InputError(f"expected at most {longest} characters, got {len(value)}", where=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (JSON lets one be written as an escape)
        raise InputError("expected text (a lone surrogate is not)", where=field) from None
    return value


def error_response(status: int, error: GraphsvcError, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """A refusal of a non-GraphQL route: ``{error, code, hint}`` with the HTTP status."""
    body: dict[str, Any] = {"error": error.message, "code": error.code}
    if error.hint:
        body["hint"] = error.hint
    return JSONResponse(body, status, headers=dict(headers or {}))


def _cookie(request: Request, value: str, max_age: int) -> str:
    secure = "" if request.url.hostname in _LOOPBACK else "; Secure"
    return f"{SESSION_COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"


def _set_cookie(response: Response, request: Request, token: str, expires_at: datetime) -> None:
    seconds = max(0, int((expires_at - datetime.now(UTC)).total_seconds()))
    response.headers.append("set-cookie", _cookie(request, token, seconds))


def _clear_cookie(response: Response, request: Request) -> None:
    response.headers.append("set-cookie", _cookie(request, "", 0))


def csrf_matches(connection: HTTPConnection, session: ConsoleSession) -> bool:
    presented = connection.headers.get(CSRF_HEADER, "")
    return secrets.compare_digest(presented.encode(), session.csrf.encode())


def _same_origin(connection: HTTPConnection) -> bool:
    """Whether the request's ``Origin`` names the host it was sent to (a page of this server's own)."""
    origin, host = connection.headers.get("origin"), connection.headers.get("host")
    return bool(origin and host) and urlsplit(origin).netloc.lower() == str(host).lower()


async def _session(connection: HTTPConnection, db: Database, cache: SessionCache) -> ConsoleSession | None:
    token = connection.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    return await asyncio.to_thread(session_user, db, token, cache=cache)


async def cookie_principal(
    connection: HTTPConnection, db: Database, settings: Settings, cache: SessionCache
) -> Principal:
    """Who a request without an API key is: its session cookie's user, else anonymous.

    A cookie whose session has ended counts as none (the anonymous role), but where no anonymous
    role is given it is ``UNAUTHENTICATED`` with a reason to sign in again. A cookie-signed-in POST
    without the session's CSRF token raises ``CsrfRefused``; over a WebSocket the cookie counts only
    from the server's own origin.
    """
    websocket = connection.scope["type"] == "websocket"
    if websocket and not _same_origin(connection):  # another site's page: its cookie is no credential
        return Principal(role=settings.effective_anonymous_role)
    session = await _session(connection, db, cache)
    if session is None:
        anonymous = settings.effective_anonymous_role
        if anonymous is None and connection.cookies.get(SESSION_COOKIE):
            return Principal(role=None, problem=_EXPIRED, problem_hint=_SIGN_IN)
        return Principal(role=anonymous)
    if not websocket and connection.scope.get("method") == "POST" and not csrf_matches(connection, session):
        raise CsrfRefused
    return Principal(role=session.role, user=session.user)


def session_routes(settings: Settings, cache: SessionCache) -> list[Route]:
    """The console's sign-in routes; they use ``request.app.state.db`` and share ``cache`` with GraphQL."""
    hashing = asyncio.Semaphore(HASHING_AT_ONCE)

    async def login(request: Request) -> Response:
        try:
            username, password = parse_login(request.headers.get("content-type"), await _body(request))
        except InputError as exc:
            return error_response(415 if exc.where == "Content-Type" else 400, exc)
        db: Database = request.app.state.db
        try:
            async with hashing:
                user = await asyncio.to_thread(
                    authenticate,
                    db,
                    username,
                    password,
                    max_failures=settings.login_max_failures,
                    lock_minutes=settings.login_lock_minutes,
                )
        except TooManyAttempts as exc:
            log.warning("console sign-in refused: user %r is locked out for %d s", username, exc.retry_after)
            await asyncio.sleep(FAILED_SIGN_IN_DELAY)
            return error_response(429, exc, {"Retry-After": str(exc.retry_after)})
        except Unauthenticated as exc:
            log.info("console sign-in failed")  # not the name: people type passwords into it
            await asyncio.sleep(FAILED_SIGN_IN_DELAY)
            return error_response(401, exc)
        token, session = await asyncio.to_thread(start_session, db, user.name, hours=settings.session_hours)
        log.info("console sign-in: user %r (role %s)", user.name, user.role)
        response = JSONResponse(session.as_dict())
        _set_cookie(response, request, token, session.expires_at)
        return response

    async def logout(request: Request) -> Response:
        session = await _session(request, request.app.state.db, cache)
        if session is None:
            response = error_response(401, Unauthenticated("not signed in", hint=_SIGN_IN))
        elif not csrf_matches(request, session):
            return CsrfRefused().response()
        else:
            await asyncio.to_thread(end_session, request.app.state.db, request.cookies[SESSION_COOKIE])
            log.info("console sign-out: user %r", session.user)
            response = JSONResponse({"user": session.user, "signedOut": True})
        _clear_cookie(response, request)
        return response

    async def current(request: Request) -> Response:
        session = await _session(request, request.app.state.db, cache)
        if session is None:
            response = error_response(401, Unauthenticated("not signed in", hint=_SIGN_IN))
            if SESSION_COOKIE in request.cookies:
                _clear_cookie(response, request)
            return response
        return JSONResponse(session.as_dict())

    return [
        Route("/console/login", login, methods=["POST"]),
        Route("/console/logout", logout, methods=["POST"]),
        Route("/console/session", current, methods=["GET"]),
    ]


async def _body(request: Request) -> bytes:
    """The body, read no further than ``MAX_BODY`` (and a byte, so that a longer one is refused)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BODY:
            break
    return b"".join(chunks)
