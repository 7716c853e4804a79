"""GraphQL execution with a short path for plain fields.

Most of a result is values read straight off objects (``InfluencerEdge.node``, ``Person.name``,
``Scores.influence``): strawberry resolves such fields by ``getattr`` and needs no ``Info``. graphql-core
still builds a resolve info, a path, an argument dict and three or four nested completion calls for
every one of them, and a page of results has a hundred or more of them.

``PlainFieldContext`` completes a plain field, and the whole selection below it while that is plain
too, in one tight walk: a value, a list, an object whose selected fields are all plain (``__typename``
included). The walk is planned once per field and request from graphql-core's own collected
sub-fields (so fragments, aliases and ``@skip``/``@include`` are graphql-core's), and the plan is kept
for later requests when no directive below the field makes it depend on the variables. Anything else, and
anything that goes wrong on the short path (a null where the schema says non-null, a value a scalar
refuses, something that is not a list, an exception), is executed again from that field by graphql-core's
own code: results and errors are exactly graphql-core's.

A field is plain when strawberry marks it basic (no resolver, no field extensions, no permission
classes) and it has no arguments; an object type is walked when it has no ``is_type_of`` check (an
interface or a union needs graphql-core). No short path at all when a schema extension wraps resolvers
(``resolve`` hooks; ``graphsvc.api.schema._Guards`` has none) or the schema has ``@defer``/``@stream``.

This leans on graphql-core 3.3's executor (``execute_field``, ``collect_subfields``, field details);
pyproject.toml pins graphql-core to 3.3, and tests/api/test_execution.py compares the two paths.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    Undefined,
    is_leaf_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

__all__ = ["PlainFieldContext", "plain_field_context", "plain_fields"]

Read = Callable[[Any], Any]
Complete = Callable[[Any], Any]
#: (parent type name, field name) -> how to read the field's value off its source object, and its type
PlainFields = dict[tuple[str, str], tuple[Read, GraphQLOutputType]]


#: Plans kept across requests (per schema); the cache starts afresh when it holds this many.
SHARED_PLANS = 4096
_UNPLANNED: Any = object()


class _Off(Exception):
    """The short path cannot complete this value: graphql-core's code will, from the field."""


def plain_fields(schema: GraphQLSchema) -> PlainFields:
    """The fields of ``schema`` that strawberry resolves by reading an attribute, argument-free."""
    found: PlainFields = {}
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if definition is None or field.args or not definition.is_basic_field:
                continue
            if not getattr(field.resolve, "_is_default", False):
                continue  # strawberry built a resolver after all (an exception handler, say)
            found[(type_.name, name)] = (_reader(definition.default_resolver, definition.python_name), field.type)
    return found


def _reader(resolver: Callable[[Any, str], Any], attribute: str) -> Read:
    return lambda source: resolver(source, attribute)


def _leaf(leaf: GraphQLLeafType) -> Complete:
    coerce = leaf.coerce_output_value

    def complete(value: Any) -> Any:
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise _Off  # graphql-core: an error, even in a nullable field
        return coerced

    return complete


def _nullable(inner: Complete, nullable: bool) -> Complete:
    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            if nullable:
                return None
            raise _Off
        if isinstance(value, Exception):
            raise _Off  # graphql-core raises a returned exception as the field's error
        return inner(value)

    return complete


def _scalar(type_: GraphQLOutputType) -> Complete | None:
    """How to complete a scalar or enum value (of a non-null type or not); None for any other type."""
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    return _nullable(_leaf(inner), nullable=inner is type_) if is_leaf_type(inner) else None


def _list(item: Complete) -> Complete:
    def complete(value: Any) -> Any:
        if type(value) is not list and type(value) is not tuple:
            raise _Off  # other iterables (and non-iterables) are graphql-core's
        return [item(entry) for entry in value]

    return complete


def _object(fields: list[tuple[str, Read, Complete]]) -> Complete:
    def complete(value: Any) -> Any:
        return {name: sub(read(value)) for name, read, sub in fields}

    return complete


def _typename(name: str) -> tuple[Read, Complete]:
    return (lambda source: name), (lambda value: value)


class PlainFieldContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, completing plain fields without graphql-core's per-field machinery."""

    fields: ClassVar[PlainFields] = {}
    leaves: ClassVar[dict[tuple[str, str], tuple[Read, Complete]]] = {}
    shared_plans: ClassVar[
        dict[tuple[tuple[str, str], tuple[int, ...]], tuple[tuple[FieldNode, ...], Complete | None]]
    ] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        # a schema extension with a ``resolve`` hook must see every field: no short path then
        self.on = manager is None or manager.get_field_resolver(_probe) is _probe
        self.plans: dict[tuple[tuple[str, str], int], tuple[Any, Complete | None]] = {}

    def execute_field(
        self, parent_type: GraphQLObjectType, source: Any, field_details_list: Any, path: Any, position_context: Any
    ) -> Any:
        if self.on:
            key = (parent_type.name, field_details_list[0].node.name.value)
            complete: Complete | None = None
            leaf = self.leaves.get(key)
            if leaf is not None:
                read, complete = leaf
            elif (plain := self.fields.get(key)) is not None:
                read, type_ = plain
                complete = self._plan(key, type_, field_details_list)
            if complete is not None:
                try:
                    return complete(read(source))
                except Exception:
                    pass
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

    def _plan(self, field: tuple[str, str], type_: GraphQLOutputType, field_details_list: Any) -> Complete | None:
        """How to complete this field's value here, or None where graphql-core must.

        Planned once per field and request; and kept for later requests when nothing below the field
        depends on the variables (no directives): parsed documents are cached, so a client repeating a
        query brings the very same syntax nodes again.
        """
        key = (field, id(field_details_list))
        planned = self.plans.get(key)
        if planned is None:
            nodes = tuple(details.node for details in field_details_list)
            shared_key = (field, tuple(map(id, nodes)))
            shared = self.shared_plans.get(shared_key, _UNPLANNED)
            if shared is _UNPLANNED:
                complete = self._completer(type_, field_details_list)
                if self._static(nodes):
                    if len(self.shared_plans) >= SHARED_PLANS:
                        self.shared_plans.clear()
                    # the nodes are kept with the plan, so that their ids cannot be reused meanwhile
                    self.shared_plans[shared_key] = (nodes, complete)
            else:
                complete = shared[1]
            # the list is kept with the plan so that its id cannot be reused within the request
            planned = (field_details_list, complete)
            self.plans[key] = planned
        return planned[1]

    def _static(self, nodes: tuple[FieldNode, ...]) -> bool:
        """Whether the selections below ``nodes`` are the same whatever the variables: no directives."""
        pending = [node.selection_set for node in nodes]
        while pending:
            selection_set = pending.pop()
            for node in selection_set.selections if selection_set is not None else ():
                if node.directives:
                    return False
                if isinstance(node, FragmentSpreadNode):
                    fragment = self.fragment_definitions.get(node.name.value)
                    if fragment is None or fragment.directives or getattr(node, "arguments", None):
                        return False
                    pending.append(fragment.selection_set)
                elif isinstance(node, FieldNode | InlineFragmentNode):
                    pending.append(node.selection_set)
        return True

    def _completer(self, type_: GraphQLOutputType, field_details_list: Any) -> Complete | None:
        scalar = _scalar(type_)
        if scalar is not None:
            return scalar
        nullable = not isinstance(type_, GraphQLNonNull)
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        complete: Complete | None
        if isinstance(inner, GraphQLList):
            item = self._completer(inner.of_type, field_details_list)
            complete = _list(item) if item is not None else None
        elif isinstance(inner, GraphQLObjectType) and inner.is_type_of is None:
            complete = self._object_completer(inner, field_details_list)
        else:
            complete = None  # an interface or union: graphql-core resolves the runtime type
        return _nullable(complete, nullable) if complete is not None else None

    def _object_completer(self, type_: GraphQLObjectType, field_details_list: Any) -> Complete | None:
        grouped = self.collect_subfields(type_, field_details_list)[0]  # no @defer here: see plain_field_context
        fields: list[tuple[str, Read, Complete]] = []
        for response_name, sub_details in grouped.items():
            name = sub_details[0].node.name.value
            if name == "__typename":
                fields.append((response_name, *_typename(type_.name)))
                continue
            plain = self.fields.get((type_.name, name))
            if plain is None:
                return None
            read, field_type = plain
            sub = self._completer(field_type, sub_details)
            if sub is None:
                return None
            fields.append((response_name, read, sub))
        return _object(fields)


def _probe(*args: Any, **kwargs: Any) -> None:  # pragma: no cover - never called, only compared
    return None


def plain_field_context(schema: GraphQLSchema) -> type[PlainFieldContext]:
    """An execution context class for ``schema``, its plain fields found once."""
    incremental = schema.get_directive("defer") is not None or schema.get_directive("stream") is not None
    fields = plain_fields(schema) if not incremental else {}
    leaves: dict[tuple[str, str], tuple[Read, Complete]] = {}
    for key, (read, type_) in fields.items():
        scalar = _scalar(type_)
        if scalar is not None:
            leaves[key] = (read, scalar)
    return type("PlainFieldContext", (PlainFieldContext,), {"fields": fields, "leaves": leaves, "shared_plans": {}})
