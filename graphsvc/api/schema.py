"""The GraphQL schema, with the cross-cutting limits as extensions (depth, aliases, tokens, masking).

Every error leaves with an ``extensions.code`` that follows from its kind, never from its words:
graphsvc's own errors carry their class's code (``graphsvc.errors``), the limits' rules stamp theirs
on what they report, and anything else is ``INTERNAL``: logged with its traceback under an
``errorId`` that the response carries too, and in production shown only as ``MASKED_MESSAGE``.

``docs/schema.graphql`` is ``sdl()``, and a test fails when the two drift apart; regenerate it with
``python -c "from graphsvc.api.schema import sdl; print(sdl(), end='')" > docs/schema.graphql``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, cast

import strawberry
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, GraphQLSyntaxError, Lexer, Source, TokenKind, parse, validate
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule, ValidationContext
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.types import ExecutionResult

from graphsvc.api.compiled import CompiledReads
from graphsvc.api.cost import CostGuard, graphql_schema
from graphsvc.api.mutations import Mutation
from graphsvc.api.queries import Query
from graphsvc.api.subscriptions import Subscription
from graphsvc.config import Settings
from graphsvc.errors import GraphsvcError, is_callers

__all__ = ["MASKED_MESSAGE", "build_schema", "is_internal", "sdl"]

MASKED_MESSAGE = "Unexpected error."

_log = logging.getLogger("graphsvc.api")


def is_internal(error: GraphQLError) -> bool:
    """Whether ``error`` is graphsvc's own fault (a bug), not the caller's: its details are not theirs to read."""
    original = error.original_error
    return original is not None and not is_callers(original) and not isinstance(original, GraphQLError)


def _with_code(error: GraphQLError, code: str, **more: Any) -> None:
    error.extensions = {**(error.extensions or {}), "code": code, **more}


class _Stamping:
    """A validation context that stamps ``code`` on every error reported through it."""

    def __init__(self, context: ValidationContext, code: str) -> None:
        self._context = context
        self._code = code

    def report_error(self, error: GraphQLError) -> None:
        _with_code(error, self._code)
        self._context.report_error(error)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def _coded(rule: type[ASTValidationRule], code: str) -> type[ASTValidationRule]:
    """``rule``, with ``code`` on every error it reports (strawberry's limiters report through the
    context they are given, so the rule is given one that stamps)."""

    def __init__(self: ASTValidationRule, context: ValidationContext) -> None:
        rule.__init__(self, cast(ValidationContext, _Stamping(context, code)))

    return type(rule.__name__, (rule,), {"__init__": __init__})


def _more_tokens_than(text: str, limit: int) -> bool:
    """Whether ``text`` holds more than ``limit`` GraphQL tokens (lexing stops at the first past it)."""
    lexer = Lexer(Source(text))
    try:
        for _ in range(limit + 1):
            if lexer.advance().kind == TokenKind.EOF:
                return False
    except GraphQLSyntaxError:
        return False
    return True


class _Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Log graphsvc's own faults, each under an id the response carries; the caller's mistakes are
        answered, not logged (their messages may quote personal data)."""
        for error in errors:
            original = error.original_error
            if isinstance(original, GraphsvcError) and not (error.extensions or {}).get("code"):
                # the code a client reads, on every transport (a subscription's errors too)
                more = {"hint": original.hint} if original.hint else {}
                _with_code(error, original.code, **more)
            if is_internal(error):
                error_id = uuid.uuid4().hex[:16]
                _with_code(error, "INTERNAL", errorId=error_id)
                path = ".".join(str(part) for part in error.path or ()) or "-"
                _log.error("internal error %s at %s", error_id, path, exc_info=error.original_error)


#: Parsed documents and their validation results, shared by every request (clients repeat their
#: queries); only documents of at most ``SMALL_DOCUMENT`` characters are kept, so that the caches stay
#: small whatever strangers send (a document padded with whitespace or a long comment is parsed and
#: validated for its own request only).
SMALL_DOCUMENT = 16_384
_parse = lru_cache(maxsize=256)(parse)
_validate = lru_cache(maxsize=256)(validate)


class _Guards(SchemaExtension):
    """The API's limits, caches and masking in one extension (strawberry builds every extension's
    hooks anew for each request, so one extension costs less per request than five):

    - the depth and alias rules (built once, by strawberry's limiters) and the token limit;
    - parsing and validation cached by document text (and rules) for small documents, as strawberry's
      caches do, against graphql-core's schema built from the SDL (strawberry's public ``as_str``);
    - in production, errors that are not the caller's to read replaced by ``MASKED_MESSAGE``;
    - each operation on a WebSocket its own DataLoaders (the connection's operations share a context).
    """

    def __init__(self, rules: tuple[type[ASTValidationRule], ...], max_tokens: int, mask: bool) -> None:
        self.rules = rules
        self.max_tokens = max_tokens
        self.mask = mask

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        app = context.context
        if getattr(app, "reprincipal", None) is not None:  # a WebSocket's operation: DataLoaders of its own
            app.fresh_loaders()
        context.validation_rules = context.validation_rules + self.rules
        context.parse_options["max_tokens"] = self.max_tokens
        yield
        result = context.result
        if self.mask and isinstance(result, GraphQLExecutionResult | ExecutionResult) and result.errors:
            result.errors = [_masked(error) if is_internal(error) else error for error in result.errors]

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        small = len(context.query or "") <= SMALL_DOCUMENT
        try:
            context.graphql_document = (_parse if small else parse)(context.query or "", **context.parse_options)
        except GraphQLSyntaxError as error:
            too_long = _more_tokens_than(context.query or "", self.max_tokens)
            _with_code(error, "TOO_MANY_TOKENS" if too_long else "GRAPHQL_PARSE_FAILED")
            raise
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        schema, document = graphql_schema(context.schema), context.graphql_document
        if document is not None:
            small = len(context.query or "") <= SMALL_DOCUMENT
            rules = tuple(context.validation_rules)
            context.pre_execution_errors = (_validate if small else validate)(schema, document, rules)
        yield


def _masked(error: GraphQLError) -> GraphQLError:
    return GraphQLError(
        MASKED_MESSAGE,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=error.extensions,
    )


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema; limits from the settings, error masking in production, introspection as configured."""
    # The limit rules are built once: the validation cache is keyed by the document *and* the rule
    # classes, and the limiters make new classes on every construction. The extension itself is a
    # factory: strawberry keeps per-request state on it.
    rules = (
        *(_coded(r, "QUERY_TOO_DEEP") for r in QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules),
        *(
            _coded(r, "TOO_MANY_ALIASES")
            for r in MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules
        ),
        *(() if settings.effective_introspection else (NoSchemaIntrospectionCustomRule,)),
    )
    mask = settings.mode == "production"
    schema = _Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            lambda: _Guards(rules, settings.max_tokens, mask),
            lambda: CostGuard(settings),
            *([CompiledReads] if settings.compiled_reads else []),
        ],
    )
    return schema


def sdl() -> str:
    """The schema in SDL, as ``docs/schema.graphql`` holds it."""
    return build_schema(Settings()).as_str() + "\n"
