"""The compiled read path: a query the compiler covers is answered by one Cypher statement.

Two entrances, one answer:

- ``CompiledReads``, a strawberry schema extension: after parsing and validation it asks
  ``graphsvc.service.compiled`` for a plan of the operation; when there is one, and the caller's role
  may read every root field it selects, it runs the statement and sets the execution result, which
  tells strawberry not to run the resolvers (its documented way for an extension to answer in their
  place). The compiler keeps the plan, per document, operation and role.
- ``CompiledRoute``, the ASGI endpoint in front of strawberry's view at ``/graphql``: a JSON POST whose
  document the extension already compiled (and graphql-core therefore already parsed and validated
  under the same rules) is answered from the kept plan with the same bytes, status and headers the view
  would send, without the view's request handling, extension hooks and per-request context. Anything
  else (a new document, a GET, a batch, a caller the resolvers would refuse, variables that do not
  coerce, a statement that fails) goes to strawberry's view unchanged, body and all.

Anything the compiler does not cover, mutations, subscriptions, a caller the resolvers would refuse, and
a statement that fails all take the resolver path, which gives the errors as before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import orjson
from graphql import ExecutionResult
from graphql.execution.values import get_variable_values
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from graphsvc.api.auth import Principal, role_at_least
from graphsvc.api.cost import chosen_operation, graphql_schema, over_budget
from graphsvc.api.limits import read_body
from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.db.database import AsyncReads
from graphsvc.errors import GraphsvcError
from graphsvc.service import compiled
from graphsvc.service.audit import record_access

__all__ = ["CompiledReads", "CompiledRoute"]

_log = logging.getLogger(__name__)


#: The role every compiled root field needs (as its resolver's ``needs``): below it, the resolvers refuse.
ROLE = "viewer"


def _may_read(principal: Principal | None) -> bool:
    return principal is not None and not principal.problem and role_at_least(principal.role, ROLE)


async def _answer(
    db: Database, reads: AsyncReads | None, principal: Principal, plan: compiled.Plan
) -> dict[str, Any] | None:
    """The ``data`` of ``plan``, or None where the resolvers must answer (they report the error).

    A plan its statement answers alone runs on the event loop's asyncio driver (``reads``); one that
    calls service functions runs in a thread, as they use the synchronous driver."""
    try:
        if plan.direct and reads is not None and plan.text is not None:
            data = compiled.shaped(plan, await reads.read_generated(plan.text, plan.params))
        else:
            data = await asyncio.to_thread(compiled.run, db, plan)
    except GraphsvcError:  # bad input, an unavailable database: the resolvers report it as they do
        return None
    except Exception:  # a bug here: the resolvers answer, and the log says what went wrong
        _log.warning("a compiled read failed; the resolvers answer it", exc_info=True)
        return None
    if principal.user:  # a console user opened persons: the access log says who, as the resolver does
        for key, person_id in plan.opened:
            if data.get(key) is not None:
                await asyncio.to_thread(
                    record_access, db, api_key_id=None, user=principal.user, operation="person", person_ids=[person_id]
                )
    return data


class CompiledReads(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        await self._answer()
        yield

    async def _answer(self) -> None:
        context = self.execution_context
        app = context.context
        document = context.graphql_document
        if document is None or context.operation_type is not OperationType.QUERY or context.pre_execution_errors:
            return
        if context.result is not None:  # refused already (over its cost budget)
            return
        principal: Principal | None = getattr(app, "principal", None)
        if principal is None or not _may_read(principal):
            return
        schema = graphql_schema(context.schema)
        operation = chosen_operation(document, context.operation_name)
        if operation is None:
            return
        variables = get_variable_values(schema, operation.variable_definitions or (), context.variables or {})
        if isinstance(variables, list):  # coercion failed: the resolver path reports it
            return
        plan = compiled.plan(
            schema,
            document,
            context.operation_name,
            variables,
            reads_pii=principal.reads_pii,
            consent_default=app.consent_default,
            source=context.query if len(context.query or "") <= compiled.KEPT_DOCUMENT else None,
        )
        if plan is None or not role_at_least(principal.role, plan.role):
            return
        data = await _answer(app.db, app.reads, principal, plan)
        if data is not None:
            context.result = ExecutionResult(data=data, errors=None)


class CompiledRoute:
    """``/graphql``: a POST of an already compiled document answered here, everything else by ``view``.

    ``view`` is the strawberry app; ``principal(request)`` says who sends a request (as the view's
    context does); ``settings`` and the schema are the view's. An operation over the caller's cost
    budget is left to the view, which refuses it.
    """

    def __init__(self, view: Any, principal: Callable[[Request], Awaitable[Principal]], settings: Settings) -> None:
        self.view = view
        self.principal = principal
        self.settings = settings
        #: requests answered here (the rest went to the view)
        self.answered = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not _plain_json(scope):
            await self.view(scope, receive, send)
            return
        body, replay = await read_body(receive, MAX_BODY)
        response = await self._compiled(scope, body) if body is not None else None
        if response is None:
            await self.view(scope, replay, send)
            return
        await response(scope, replay, send)

    async def _compiled(self, scope: Scope, body: bytes) -> Response | None:
        try:
            given = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        if type(given) is not dict:
            return None
        source, variables, name = given.get("query"), given.get("variables"), given.get("operationName")
        extensions = given.get("extensions")
        if (
            type(source) is not str
            or not (variables is None or type(variables) is dict)
            or not (name is None or type(name) is str)
            or not (extensions is None or type(extensions) is dict)
        ):
            return None
        schema = graphql_schema(self.view.schema)
        if not compiled.known(schema, source, name):
            return None  # a document the view has not compiled yet: it parses, validates and compiles it
        request = Request(scope)
        try:
            principal = await self.principal(request)
        except Exception:  # a refusal (no CSRF token, say): the view answers it as it does
            return None
        if not _may_read(principal):
            return None
        plan = compiled.kept(
            schema,
            source,
            name,
            variables,
            reads_pii=principal.reads_pii,
            consent_default=self.settings.consent_default,
        )
        if plan is None or not role_at_least(principal.role, plan.role):
            return None
        if plan.document is None or plan.variables is None:
            return None
        if over_budget(self.settings, principal.role, schema, plan.document, name, plan.variables) is not None:
            return None  # the view refuses it
        state = request.app.state
        data = await _answer(state.db, state.reads, principal, plan)
        if data is None:
            return None
        self.answered += 1
        # as strawberry's view answers: the JSON of {"data": ...}, 200, application/json
        return Response(orjson.dumps({"data": data}), media_type="application/json")


def _plain_json(scope: Scope) -> bool:
    """Whether the request is a JSON body that asks for a single JSON answer (no streaming, no upload)."""
    content_type = b""
    for name, value in scope["headers"]:
        if name == b"content-type":
            content_type = value.lower()
        elif name == b"accept" and (b"multipart/mixed" in value or b"text/event-stream" in value):
            return False
    return b"application/json" in content_type


#: Bodies the route reads before it hands them to the view (a larger one is never a compiled read's).
MAX_BODY = 64 * 1024
