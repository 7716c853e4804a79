"""GraphQL execution with a short path for plain leaf fields.

Most fields of a result are scalars read straight off an object (``Person.name``, ``Scores.influence``):
strawberry resolves them by ``getattr`` and needs no ``Info``. graphql-core still builds a resolve
info, an argument dict and three nested completion calls for each of them, about 4 us a field, and an
influencers page has a hundred such fields. ``FastLeafContext`` reads and coerces those fields
directly; anything else, and anything that goes wrong on the short path (a null where the schema
says non-null, a value the scalar refuses, an exception), is executed again by graphql-core's own
code, so results and errors are exactly graphql-core's.

A field takes the short path when strawberry marks it basic (no resolver, no field extensions, no
permission classes), it has no arguments, its type is a scalar or an enum (non-null or not), and no
schema extension wraps resolvers (``resolve`` hooks; ``graphsvc.api.schema._Guards`` has none).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLLeafType, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, Undefined, is_leaf_type
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

__all__ = ["FastLeafContext", "fast_leaf_context", "plain_leaf_fields"]

#: (parent type name, field name) -> (read the value off the source, the leaf type, may it be null)
LeafFields = dict[tuple[str, str], tuple[Callable[[Any], Any], GraphQLLeafType, bool]]


def plain_leaf_fields(schema: GraphQLSchema) -> LeafFields:
    """The fields of ``schema`` that may take the short path, with how to read and coerce each."""
    found: LeafFields = {}
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            nullable = not isinstance(field.type, GraphQLNonNull)
            leaf = field.type if nullable else field.type.of_type
            if definition is None or field.args or not is_leaf_type(leaf) or not definition.is_basic_field:
                continue
            if not getattr(field.resolve, "_is_default", False):
                continue  # strawberry built a resolver after all (an exception handler, say)
            found[(type_.name, name)] = (_reader(definition.default_resolver, definition.python_name), leaf, nullable)
    return found


def _reader(resolver: Callable[[Any, str], Any], attribute: str) -> Callable[[Any], Any]:
    return lambda source: resolver(source, attribute)


class FastLeafContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, reading plain leaf fields without graphql-core's machinery."""

    leaf_fields: LeafFields = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        probe = _probe
        # a schema extension with a ``resolve`` hook must see every field: no short path then
        self.short = self.leaf_fields if manager is None or manager.get_field_resolver(probe) is probe else {}

    def execute_field(self, parent_type: GraphQLObjectType, source: Any, field_details_list: Any, path: Any,
                      position_context: Any) -> Any:  # fmt: skip
        plain = self.short.get((parent_type.name, field_details_list[0].node.name.value))
        if plain is not None:
            read, leaf, nullable = plain
            try:
                value = read(source)
                if value is None:
                    if nullable:
                        return None
                elif not isinstance(value, Exception):
                    coerced = leaf.coerce_output_value(value)
                    if coerced is not None and coerced is not Undefined:
                        return coerced
            except Exception:  # noqa: BLE001, S110 - graphql-core's own path below reports it, located
                pass
        return super().execute_field(parent_type, source, field_details_list, path, position_context)


def _probe(*args: Any, **kwargs: Any) -> None:  # pragma: no cover - never called, only compared
    return None


def fast_leaf_context(schema: GraphQLSchema) -> type[FastLeafContext]:
    """An execution context class for ``schema``, its plain leaf fields found once."""
    return type("FastLeafContext", (FastLeafContext,), {"leaf_fields": plain_leaf_fields(schema)})
