"""The short path for plain leaf fields gives exactly graphql-core's results and errors."""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NewType

import strawberry
from graphql import GraphQLResolveInfo
from hypothesis import given, settings
from hypothesis import strategies as st
from strawberry.extensions import SchemaExtension
from strawberry.permission import BasePermission
from strawberry.schema.config import StrawberryConfig

from graphsvc.api.execution import fast_leaf_context, plain_leaf_fields
from graphsvc.api.schema import build_schema
from graphsvc.config import Settings


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


Odd = NewType("Odd", str)
#: a scalar whose serialiser may answer null (graphql-core calls that an error, even in a nullable field)
SCALARS = {Odd: strawberry.scalar(name="Odd", serialize=lambda value: None if value == "none" else str(value),
                                  parse_value=str)}  # fmt: skip


class Refuse(BasePermission):
    message = "not for you"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Item:
    name: str
    count: int
    ratio: float | None
    colour: Colour | None
    seen: datetime | None
    tags: list[str]
    odd: Odd | None = None
    secret: str | None = strawberry.field(default=None, permission_classes=[Refuse])

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()

    @strawberry.field
    def scaled(self, by: int = 2) -> float:
        return self.count * by


ITEMS: list[Item] = []


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return ITEMS


QUERY = "{ items { name count ratio colour seen tags odd secret shout scaled(by: 3) } }"


def _schemas(*extensions: Any) -> tuple[strawberry.Schema, strawberry.Schema]:
    config = StrawberryConfig(scalar_map=SCALARS)
    ours = strawberry.Schema(query=Query, extensions=list(extensions), config=config)
    ours.execution_context_class = fast_leaf_context(ours._schema)
    return ours, strawberry.Schema(query=Query, extensions=list(extensions), config=config)


FAST, STOCK = _schemas()


def _outcome(schema: strawberry.Schema) -> tuple[Any, list[tuple[str, Any]]]:
    result = schema.execute_sync(QUERY)
    return result.data, sorted((error.message, error.path) for error in result.errors or [])


def _same(left: Any, right: Any) -> bool:
    """Equal, with NaN equal to itself (a float field may hold one)."""
    if isinstance(left, float) and isinstance(right, float):
        return left == right or (math.isnan(left) and math.isnan(right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right, strict=True))
    return bool(left == right)


ANYTHING = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.floats(), st.text(max_size=5),
                     st.sampled_from(list(Colour)), st.datetimes(timezones=st.just(UTC)), st.just(object()),
                     st.builds(ValueError, st.text(max_size=3)))  # fmt: skip
ITEM = st.builds(Item, name=st.one_of(st.text(max_size=8), ANYTHING), count=st.one_of(st.integers(-(2**33), 2**33), ANYTHING),
                 ratio=st.one_of(st.floats(), ANYTHING), colour=st.one_of(st.sampled_from(list(Colour)), ANYTHING),
                 seen=ANYTHING, tags=st.just(["a"]), odd=st.one_of(st.just("none"), ANYTHING), secret=ANYTHING)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(items=st.lists(ITEM, max_size=3))
def test_short_path_results_and_errors_equal_graphql_cores(items: list[Item]) -> None:
    ITEMS[:] = items
    fast, stock = _outcome(FAST), _outcome(STOCK)
    assert _same(fast[0], stock[0]), (fast, stock)
    assert fast[1] == stock[1]


def test_a_null_in_a_non_null_field_is_graphql_cores_error_at_its_path() -> None:
    ITEMS[:] = [Item(name=None, count=1, ratio=None, colour=None, seen=None, tags=[])]  # type: ignore[arg-type]
    data, errors = _outcome(FAST)
    assert data is None and errors == [("Cannot return null for non-nullable field Item.name.", ["items", 0, "name"])]


def test_only_plain_argument_free_leaves_take_the_short_path() -> None:
    short = plain_leaf_fields(FAST._schema)
    assert {name for (parent, name) in short if parent == "Item"} == {"name", "count", "ratio", "colour", "seen", "odd"}
    ours = plain_leaf_fields(build_schema(Settings())._schema)
    assert {("Person", "name"), ("InfluencerEdge", "score"), ("Scores", "influence")} <= ours.keys()
    # personal data is read through resolvers that check the caller's role: never the short path
    assert not {("Contact", "emails"), ("Contact", "phones"), ("Identity", "handle")} & ours.keys()


class Counting(SchemaExtension):
    seen: list[str] = []

    def resolve(self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo, *args: Any,
                **kwargs: Any) -> Any:  # fmt: skip
        Counting.seen.append(info.field_name)
        return _next(root, info, *args, **kwargs)


def test_an_extension_that_wraps_resolvers_sees_every_field() -> None:
    fast, _ = _schemas(Counting)
    ITEMS[:] = [Item(name="a", count=1, ratio=0.5, colour=Colour.RED, seen=None, tags=["x"])]
    Counting.seen.clear()
    assert fast.execute_sync("{ items { name count } }").data == {"items": [{"name": "a", "count": 1}]}
    assert Counting.seen == ["items", "name", "count"]
