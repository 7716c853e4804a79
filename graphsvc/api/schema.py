"""The GraphQL schema, with the cross-cutting limits as extensions (depth, aliases, tokens, masking).

``docs/schema.graphql`` is ``sdl()``, and a test fails when the two drift apart; regenerate it with
``python -c "from graphsvc.api.schema import sdl; print(sdl(), end='')" > docs/schema.graphql``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import strawberry
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, parse, validate
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.types import ExecutionResult

from graphsvc.api.execution import plain_field_context
from graphsvc.api.mutations import Mutation
from graphsvc.api.queries import Query
from graphsvc.api.subscriptions import Subscription
from graphsvc.config import Settings
from graphsvc.errors import GraphsvcError

__all__ = ["MASKED_MESSAGE", "build_schema", "sdl"]

MASKED_MESSAGE = "Unexpected error."


def _is_user_facing(error: GraphQLError) -> bool:
    """Errors the caller may read: validation errors and graphsvc's own; anything else is masked."""
    original = error.original_error
    return original is None or isinstance(original, GraphsvcError | GraphQLError)


#: Parsed documents and validation results, shared by every request (clients repeat their queries).
_parse = lru_cache(maxsize=256)(parse)
_validate = lru_cache(maxsize=256)(validate)


class _Guards(SchemaExtension):
    """The API's limits, caches and masking in one extension (strawberry builds every extension's
    hooks anew for each request, so one extension costs less per request than five):

    - the depth and alias rules (built once, by strawberry's limiters) and the token limit;
    - parsing and validation cached by document text (and rules), as strawberry's caches do;
    - in production, errors that are not the caller's to read replaced by ``MASKED_MESSAGE``.
    """

    def __init__(self, rules: tuple[type[ASTValidationRule], ...], max_tokens: int, mask: bool) -> None:
        self.rules = rules
        self.max_tokens = max_tokens
        self.mask = mask

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = context.validation_rules + self.rules
        context.parse_options["max_tokens"] = self.max_tokens
        yield
        result = context.result
        if self.mask and isinstance(result, GraphQLExecutionResult | ExecutionResult) and result.errors:
            result.errors = [_masked(error) if not _is_user_facing(error) else error for error in result.errors]

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.graphql_document = _parse(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        errors = _validate(context.schema._schema, context.graphql_document, context.validation_rules)
        context.pre_execution_errors = errors
        yield


def _masked(error: GraphQLError) -> GraphQLError:
    return GraphQLError(
        MASKED_MESSAGE,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
    )


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema; limits from the settings, error masking in production, introspection as configured."""
    # The limit rules are built once: the validation cache is keyed by the document *and* the rule
    # classes, and the limiters make new classes on every construction. The extension itself is a
    # factory: strawberry keeps per-request state on it.
    rules = (
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
        *(() if settings.introspection else (NoSchemaIntrospectionCustomRule,)),
    )
    mask = settings.mode == "production"
    schema = strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[lambda: _Guards(rules, settings.max_tokens, mask)],
    )
    schema.execution_context_class = plain_field_context(schema._schema)
    return schema


def sdl() -> str:
    """The schema in SDL, as ``docs/schema.graphql`` holds it."""
    return build_schema(Settings()).as_str() + "\n"
