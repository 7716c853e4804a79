"""What a GraphQL operation may cost, worked out before anything runs, against the caller's budget.

The cost of a selection is the sum of its fields' costs:

- a scalar or enum field costs nothing (it is read with its object);
- a field of an object type costs its ``WEIGHTS`` entry (the work of answering it at all, for the
  fields that search, expand neighbourhoods, find paths or score merges; an ego network's times its
  depth), plus 1 and the cost of its own selection for each object it can return;
- a list can return as many objects as its ``first``/``limit`` argument (or that argument's default)
  says, for a connection's ``edges`` and ``nodes`` the connection's ``first``, and otherwise ``SIZES``
  (a person's identities, a community's top members...).

Fragments, aliases and ``@skip``/``@include`` count as graphql-core executes them: every alias is
counted, so thirty aliases of an expensive field cost thirty times as much. A size argument past its
bound counts at the bound (the field itself refuses it). The cost only grows with the response, so a
budget per role (``GRAPHSVC_COST_BUDGETS``) bounds what one request can ask of Neo4j and the server.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLIncludeDirective,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    build_schema,
    get_named_type,
    is_leaf_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_directive_values, get_variable_values
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from graphsvc.config import Settings
from graphsvc.service.cursors import DEFAULT_PAGE

__all__ = [
    "SIZES",
    "WEIGHTS",
    "CostGuard",
    "CostLimit",
    "chosen_operation",
    "graphql_schema",
    "operation_cost",
    "over_budget",
]

#: Extra cost of a field beyond its 1, for the fields that do much more work than reading a record.
WEIGHTS: dict[tuple[str, str], int] = {
    ("Query", "search"): 20,
    ("Query", "warmPath"): 200,
    ("Query", "mergePreview"): 1000,
    ("Query", "trendingTopics"): 50,
    ("Query", "demandSignals"): 50,
    ("Query", "segment"): 20,
    ("Segment", "count"): 50,
    ("Segment", "export"): 500,
    ("Person", "egoNetwork"): 50,
    ("Person", "sentimentTrend"): 20,
    ("Brand", "sentimentTrend"): 20,
    ("Community", "ties"): 20,
    ("Mutation", "runResolve"): 500,
    ("Mutation", "runJob"): 500,
    ("Mutation", "exportSubject"): 100,
    ("Mutation", "eraseSubject"): 100,
}

#: How many items a list without a size argument is counted for: what such a list holds at most in
#: practice (a person's accounts, a community's top members...), not a bound the field enforces.
SIZES: dict[tuple[str, str], int] = {
    ("Person", "identities"): 10,
    ("Person", "contacts"): 5,
    ("Person", "topics"): 10,
    ("Person", "brandStances"): 10,
    ("Person", "consents"): 10,
    ("Community", "topMembers"): 10,
    ("Community", "ties"): 20,
    ("WarmPath", "persons"): 5,
    ("WarmPath", "ties"): 4,
    ("MergePreview", "largestChanges"): 20,
    ("Query", "brands"): 50,
    ("Query", "savedSegments"): 50,
    ("Query", "personValues"): 20,
    ("Person", "sentimentTrend"): 52,
    ("Brand", "sentimentTrend"): 52,
}
#: Lists counted at this size when nothing else says.
DEFAULT_SIZE = 10

#: Size arguments, counted as given up to this (each field refuses more than its own bound, which is
#: lower: counting up to here keeps the cost exact for every value a field accepts).
SIZE_ARGUMENTS = {"first": 10_000, "limit": 10_000}
#: An ego network's depth is counted up to this (the field itself refuses more than 3).
MAX_DEPTH = 10
#: An ego network's ties: at most this many per member kept.
TIES_PER_MEMBER = 4


class CostLimit(GraphQLError):
    """An operation that would cost more than the caller's budget (``COST_LIMIT``)."""

    def __init__(self, cost: int, budget: int, role: str | None) -> None:
        super().__init__(
            f"this operation would cost {cost}, over the budget of {budget} for role {role or 'anonymous'}; "
            "ask for fewer items (first, limit, depth), fewer aliases or fewer nested lists",
            extensions={"code": "COST_LIMIT", "cost": cost, "budget": budget},
        )


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: VariableValues,
) -> int:
    """The cost of the operation ``operation_name`` of ``document`` (validated) with these coerced
    variables; 0 where there is no such operation (execution reports that)."""
    operation = chosen_operation(document, operation_name)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return _Counter(schema, fragments, variables).selection(root, [operation.selection_set], None)


def chosen_operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode | None:
    """The operation a request names (or its document's only one), as graphql-core chooses; None if none."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    return chosen[0] if len(chosen) == 1 else None


class _Counter:
    def __init__(
        self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode], variables: VariableValues
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def selection(self, parent: GraphQLObjectType, sets: list[SelectionSetNode], page: int | None) -> int:
        """The cost of these selection sets on ``parent``; ``page``: the enclosing connection's size."""
        total = 0
        for node in self._fields(sets, set()):
            total += self.field(parent, node, page)
        return total

    def field(self, parent: GraphQLObjectType, node: FieldNode, page: int | None) -> int:
        name = node.name.value
        definition = parent.fields.get(name)
        if definition is None:  # __typename, introspection
            return 0
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        arguments = get_argument_values(definition, node, self.variables) if definition.args else {}
        sized = _size_argument(arguments)
        key = (parent.name, name)
        inner: list[SelectionSetNode] = [node.selection_set] if node.selection_set is not None else []
        weight = WEIGHTS.get(key, 0)  # the work of answering the field at all, once
        if name == "egoNetwork":
            weight *= max(1, min(int(arguments.get("depth") or 1), MAX_DEPTH))
        item = 1
        if isinstance(named, GraphQLObjectType):  # its lists hold as many as its size argument says
            item += self.selection(named, inner, sized)
        return weight + item * self._count(definition.type, key, sized, page)

    def _count(self, type_: GraphQLOutputType, key: tuple[str, str], sized: int | None, page: int | None) -> int:
        """How many items a field of ``type_`` is counted for (1 for a single object)."""
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if not isinstance(inner, GraphQLList):
            return 1
        if sized is not None:
            return sized
        if key[1] in ("edges", "nodes", "members"):
            return page if page is not None else DEFAULT_PAGE
        if key == ("EgoNetwork", "ties"):
            return (page if page is not None else DEFAULT_PAGE) * TIES_PER_MEMBER
        return SIZES.get(key, DEFAULT_SIZE)

    def _fields(self, sets: list[SelectionSetNode], seen: set[str]) -> list[FieldNode]:
        """The fields these selection sets select, every alias apart, fragments spread, directives applied."""
        out: list[FieldNode] = []
        for selection_set in sets:
            for node in selection_set.selections:
                if not self._included(node):
                    continue
                if isinstance(node, FieldNode):
                    out.append(node)
                elif isinstance(node, InlineFragmentNode):
                    out.extend(self._fields([node.selection_set], seen))
                elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                    fragment = self.fragments.get(node.name.value)
                    if fragment is not None:
                        out.extend(self._fields([fragment.selection_set], seen | {node.name.value}))
        return out

    def _included(self, node: Any) -> bool:
        skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
        if skip and skip.get("if") is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        return not (include and include.get("if") is False)


def _size_argument(arguments: Mapping[str, Any]) -> int | None:
    """The list size a field's arguments ask for (at most its bound), or None where none is given."""
    for name, bound in SIZE_ARGUMENTS.items():
        value = arguments.get(name)
        if isinstance(value, int):
            return max(0, min(value, bound))
    if "first" in arguments or "limit" in arguments:  # given as null: the default page
        return DEFAULT_PAGE
    return None


#: The schema as graphql-core sees it, built from strawberry's SDL (its public ``as_str``), per schema.
_SCHEMAS: weakref.WeakKeyDictionary[Any, GraphQLSchema] = weakref.WeakKeyDictionary()


def graphql_schema(schema: Any) -> GraphQLSchema:
    """graphql-core's schema for a strawberry schema, built once."""
    found = _SCHEMAS.get(schema)
    if found is None:
        found = _SCHEMAS[schema] = build_schema(schema.as_str())
    return found


def over_budget(
    settings: Settings,
    role: str | None,
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: VariableValues,
) -> CostLimit | None:
    """The ``COST_LIMIT`` error where the operation costs more than ``role``'s budget, else None."""
    budget = settings.cost_budget(role)
    cost = operation_cost(schema, document, operation_name, variables)
    return CostLimit(cost, budget, role) if cost > budget else None


class CostGuard(SchemaExtension):
    """Refuses a query or mutation that costs more than the caller's budget, before anything runs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        kind = context.operation_type
        if document is not None and kind is not OperationType.SUBSCRIPTION and not context.pre_execution_errors:
            schema = graphql_schema(context.schema)
            operation = chosen_operation(document, context.operation_name)
            if operation is not None:
                variables = get_variable_values(schema, operation.variable_definitions or (), context.variables or {})
                if not isinstance(variables, list):  # (a coercion error: execution reports it)
                    principal = getattr(context.context, "principal", None)
                    refused = over_budget(
                        self.settings,
                        getattr(principal, "role", None),
                        schema,
                        document,
                        context.operation_name,
                        variables,
                    )
                    if refused is not None:
                        context.result = ExecutionResult(data=None, errors=[refused])
        yield
