"""The GraphQL schema: types and resolvers. Resolvers call service functions, never Cypher text."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import strawberry
from strawberry.extensions import SchemaExtension, AddValidationRules, MaskErrors, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.types import Info
from graphql.validation import NoSchemaIntrospectionCustomRule

from graphsvc import __version__
from graphsvc.api.context import Context
from graphsvc.config import Settings
from graphsvc.errors import GraphsvcError
from graphsvc.service import health as health_service

__all__ = ["build_schema"]


@strawberry.type(description="A real round trip to Neo4j: who answered and what schema it holds.")
class Health:
    ok: bool
    neo4j_version: str
    neo4j_edition: str
    schema_version: int
    latest_schema_version: int
    graphsvc_version: str


@strawberry.type
class Query:
    @strawberry.field(description="Round trip to Neo4j: server version and the graph's schema version.")
    async def health(self, info: Info[Context, None]) -> Health:
        report = await asyncio.to_thread(health_service.check, info.context.db)
        return Health(graphsvc_version=__version__, **report)


def _is_user_facing(error: Exception) -> bool:
    original = getattr(error, "original_error", None)
    return original is None or isinstance(original, GraphsvcError)


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with the cross-cutting limits as extensions (depth, aliases, tokens, masking)."""
    # Factories, not instances: strawberry builds a fresh extension for every request.
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=12),
        lambda: MaxAliasesLimiter(max_alias_count=30),
        lambda: MaxTokensLimiter(max_token_count=4000),
    ]
    if not settings.introspection:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    if settings.mode == "production":
        extensions.append(lambda: MaskErrors(should_mask_error=lambda e: not _is_user_facing(e)))
    return strawberry.Schema(query=Query, extensions=extensions)
