"""The GraphQL schema, with the cross-cutting limits as extensions (depth, aliases, tokens, masking).

``docs/schema.graphql`` is ``sdl()``, and a test fails when the two drift apart; regenerate it with
``python -c "from graphsvc.api.schema import sdl; print(sdl(), end='')" > docs/schema.graphql``.
"""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

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


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema; limits from the settings, error masking in production, introspection as configured."""
    # The limit rules are built once: the validation cache is keyed by the document *and* the rule
    # classes, and the limiters make new classes on every construction (so a fresh limiter per
    # request would validate every request again). Extensions themselves are factories: strawberry
    # keeps per-request state on them.
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: AddValidationRules(rules),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
    ]
    if settings.mode == "production":
        extensions.append(lambda: MaskErrors(should_mask_error=lambda e: not _is_user_facing(e),
                                             error_message=MASKED_MESSAGE))  # fmt: skip
    return strawberry.Schema(query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions)


def sdl() -> str:
    """The schema in SDL, as ``docs/schema.graphql`` holds it."""
    return build_schema(Settings()).as_str() + "\n"
