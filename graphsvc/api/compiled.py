"""The compiled read path: a query the compiler covers is answered by one Cypher statement.

``CompiledReads`` is a strawberry schema extension. After parsing and validation, it asks
``graphsvc.service.compiled`` for a plan of the operation; when there is one, and the caller's role
may read every root field it selects, it runs the statement and sets the execution result, which
tells strawberry not to run the resolvers (its documented way for an extension to answer in their
place). Anything the compiler does not cover, mutations, subscriptions, a caller the resolvers would
refuse, and a statement that fails all take the resolver path, which gives the errors as before.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult, GraphQLSchema, OperationDefinitionNode, build_schema
from graphql.execution.values import get_variable_values
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from graphsvc.api.auth import Principal, role_at_least
from graphsvc.errors import GraphsvcError
from graphsvc.service import compiled
from graphsvc.service.audit import record_access

__all__ = ["CompiledReads"]

_log = logging.getLogger(__name__)

#: The role every compiled root field needs (as its resolver's ``needs``): below it, the resolvers refuse.
ROLE = "viewer"

#: The schema as graphql-core sees it, built from strawberry's SDL (its public ``as_str``), per schema.
_SCHEMAS: weakref.WeakKeyDictionary[Any, GraphQLSchema] = weakref.WeakKeyDictionary()


def _graphql_schema(schema: Any) -> GraphQLSchema:
    found = _SCHEMAS.get(schema)
    if found is None:
        found = _SCHEMAS[schema] = build_schema(schema.as_str())
    return found


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
        principal: Principal | None = getattr(app, "principal", None)
        if principal is None or principal.problem or not role_at_least(principal.role, ROLE):
            return
        schema = _graphql_schema(context.schema)
        operation = next(
            (
                d
                for d in document.definitions
                if isinstance(d, OperationDefinitionNode)
                and (context.operation_name is None or (d.name is not None and d.name.value == context.operation_name))
            ),
            None,
        )
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
            source=context.query,
        )
        if plan is None:
            return
        try:
            data = await asyncio.to_thread(compiled.run, app.db, plan)
        except GraphsvcError:  # bad input, an unavailable database: the resolvers report it as they do
            return
        except Exception:  # a bug here: the resolvers answer, and the log says what went wrong
            _log.warning("a compiled read failed; the resolvers answer it", exc_info=True)
            return
        if principal.user:  # a console user opened persons: the access log says who, as the resolver does
            for key, person_id in plan.opened:
                if data.get(key) is not None:
                    await app.call(
                        record_access, api_key_id=None, user=principal.user, operation="person", person_ids=[person_id]
                    )
        context.result = ExecutionResult(data=data, errors=None)
