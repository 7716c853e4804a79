"""The short path for plain fields gives exactly graphql-core's results and errors."""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, ClassVar, NewType

import pytest
import strawberry
from graphql import GraphQLResolveInfo
from hypothesis import given, settings
from hypothesis import strategies as st
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.permission import BasePermission
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graphsvc.api.execution import plain_field_context, plain_fields
from graphsvc.api.schema import build_schema
from graphsvc.config import Settings


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


Odd = NewType("Odd", str)
#: a scalar whose serialiser may answer null (graphql-core calls that an error, even in a nullable field)
SCALARS = {
    Odd: strawberry.scalar(name="Odd", serialize=lambda value: None if value == "none" else str(value), parse_value=str)
}


class Refuse(BasePermission):
    message = "not for you"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Inner:
    label: str
    size: int | None
    colour: Colour | None


@strawberry.interface
class Named:
    title: str


@strawberry.type
class Book(Named):
    pages: int


@strawberry.type
class Item:
    name: str
    count: int
    ratio: float | None
    colour: Colour | None
    seen: datetime | None
    odd: Odd | None
    tags: list[str]
    maybe_tags: list[str | None] | None
    inner: Inner | None
    inners: list[Inner]
    deep: list[list[Inner | None]] | None
    named: Named | None
    book: Book | None
    secret: str | None = strawberry.field(default=None, permission_classes=[Refuse])

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()

    @strawberry.field
    def scaled(self, by: int = 2) -> float:
        return self.count * by


ITEMS: list[Any] = []


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return ITEMS


QUERY = """query($skip: Boolean!, $with: Boolean!) {
  items {
    __typename name count ratio colour seen odd tags maybeTags secret shout scaled(by: 3)
    again: name
    inner { __typename label ...Bits size @skip(if: $skip) }
    inners { label colour size @include(if: $with) }
    deep { label ...Bits }
    named { title ... on Book { pages } }
    book { title pages }
    ... on Item { inner { colour } }
  }
}
fragment Bits on Inner { colour size @skip(if: $skip) }"""


def _schemas(*extensions: Any) -> tuple[strawberry.Schema, strawberry.Schema]:
    """Ours and graphql-core's. Parsed documents are cached, as the API's are: plans made for one
    request are then met again by later ones, with other variables."""
    extensions = (*extensions, ParserCache)
    config = StrawberryConfig(scalar_map=SCALARS)
    ours = strawberry.Schema(query=Query, extensions=list(extensions), config=config, types=[Book])
    ours.execution_context_class = plain_field_context(ours._schema)
    return ours, strawberry.Schema(query=Query, extensions=list(extensions), config=config, types=[Book])


FAST, STOCK = _schemas()


def _outcome(
    schema: strawberry.Schema, query: str = QUERY, variables: dict[str, Any] | None = None
) -> tuple[Any, list[tuple[str, Any]]]:
    result = schema.execute_sync(query, variable_values=variables)
    return result.data, sorted((error.message, error.path) for error in result.errors or [])


def _same(left: Any, right: Any) -> bool:
    """Equal, with NaN equal to itself (a float field may hold one)."""
    if isinstance(left, float) and isinstance(right, float):
        return left == right or (math.isnan(left) and math.isnan(right))
    if isinstance(left, dict) and isinstance(right, dict):
        return list(left) == list(right) and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right, strict=True))
    return bool(left == right)


ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(),
    st.text(max_size=5),
    st.sampled_from(list(Colour)),
    st.datetimes(timezones=st.just(UTC)),
    st.just(object()),
    st.builds(ValueError, st.text(max_size=3)),
)


def often(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a valid value, one time in ten anything at all (so most of a result is data, some errors)."""
    return st.integers(0, 9).flatmap(lambda n: valid if n else ANYTHING)


INNER = st.builds(
    Inner,
    label=often(st.text(max_size=4)),
    size=often(st.integers(0, 9) | st.none()),
    colour=often(st.sampled_from(list(Colour)) | st.none()),
)
INNERS = often(st.lists(often(INNER), max_size=3) | st.tuples(INNER))
ITEM = st.builds(
    Item,
    name=often(st.text(max_size=8)),
    count=often(st.integers(-(2**33), 2**33)),
    ratio=often(st.floats() | st.none()),
    colour=often(st.sampled_from(list(Colour)) | st.none()),
    seen=often(st.datetimes(timezones=st.just(UTC)) | st.none()),
    odd=often(st.sampled_from(["x", "none", None])),
    tags=often(st.lists(st.text(max_size=2), max_size=2)),
    maybe_tags=often(st.lists(st.none() | st.text(max_size=2), max_size=2) | st.none()),
    inner=often(INNER | st.none()),
    inners=INNERS,
    deep=often(st.lists(INNERS, max_size=2) | st.none()),
    named=st.builds(Book, title=st.text(max_size=3), pages=st.integers(0, 9)) | st.none(),
    book=often(
        st.builds(Book, title=st.text(max_size=3), pages=st.integers(0, 9))
        | st.none()
        | st.builds(SimpleNamespace, title=st.just("t"), pages=st.just(1))
    ),
    secret=ANYTHING,
)


@settings(max_examples=400, deadline=None)
@given(items=st.lists(often(ITEM), max_size=3), skip=st.booleans(), with_=st.booleans())
def test_short_path_results_and_errors_equal_graphql_cores(items: list[Any], skip: bool, with_: bool) -> None:
    ITEMS[:] = items
    variables = {"skip": skip, "with": with_}
    fast, stock = _outcome(FAST, QUERY, variables), _outcome(STOCK, QUERY, variables)
    assert _same(fast[0], stock[0]), (fast, stock)
    assert fast[1] == stock[1]
    assert not any(message.startswith("Variable '$") for message, _ in fast[1])  # the variables were taken


def _item(**values: Any) -> Item:
    given = {
        "name": "a",
        "count": 1,
        "ratio": 0.5,
        "colour": Colour.RED,
        "seen": None,
        "odd": None,
        "tags": ["x"],
        "maybe_tags": None,
        "inner": None,
        "inners": [],
        "deep": None,
        "named": None,
        "book": None,
    }
    return Item(**{**given, **values})


def test_a_null_in_a_non_null_field_is_graphql_cores_error_at_its_path() -> None:
    ITEMS[:] = [_item(), _item(inners=[Inner(label=None, size=1, colour=None)])]  # type: ignore[arg-type]
    data, errors = _outcome(FAST, "{ items { name inners { label size } } }")
    assert data == {"items": [{"name": "a", "inners": []}, None]}  # the null goes up to the nullable item
    assert errors == [("Cannot return null for non-nullable field Inner.label.", ["items", 1, "inners", 0, "label"])]


def test_plain_selections_are_walked_without_graphql_cores_field_execution(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    stock = StrawberryGraphQLCoreExecutionContext.execute_field

    def counted(self: Any, parent_type: Any, source: Any, details: Any, *args: Any) -> Any:
        calls.append(f"{parent_type.name}.{details[0].node.name.value}")
        return stock(self, parent_type, source, details, *args)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_field", counted)
    ITEMS[:] = [
        _item(inner=Inner(label="l", size=2, colour=None), inners=[Inner(label="m", size=None, colour=None)])
        for _ in range(3)
    ]
    query = "{ items { name inner { label } inners { __typename label size } shout } }"
    expected = {
        "items": [
            {
                "name": "a",
                "inner": {"label": "l"},
                "inners": [{"__typename": "Inner", "label": "m", "size": None}],
                "shout": "A",
            }
        ]
        * 3
    }
    assert FAST.execute_sync(query).data == expected
    assert calls == ["Query.items", "Item.shout", "Item.shout", "Item.shout"]  # the resolvers only
    calls.clear()
    assert STOCK.execute_sync(query).data == expected and len(calls) == 1 + 3 * (4 + 1 + 3)


def test_only_plain_argument_free_fields_take_the_short_path() -> None:
    short = plain_fields(FAST._schema)
    assert {name for (parent, name) in short if parent == "Item"} == {
        "name",
        "count",
        "ratio",
        "colour",
        "seen",
        "odd",
        "tags",
        "maybeTags",
        "inner",
        "inners",
        "deep",
        "named",
        "book",
    }
    ours = plain_fields(build_schema(Settings())._schema)
    assert {
        ("InfluencerConnection", "edges"),
        ("InfluencerEdge", "node"),
        ("Person", "scores"),
        ("Scores", "influence"),
    } <= ours.keys()
    # personal data is read through resolvers that check the caller's role: never the short path
    assert not {("Contact", "emails"), ("Contact", "phones"), ("Identity", "handle")} & ours.keys()


class Counting(SchemaExtension):
    seen: ClassVar[list[str]] = []

    def resolve(self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo, *args: Any, **kwargs: Any) -> Any:
        Counting.seen.append(info.field_name)
        return _next(root, info, *args, **kwargs)


def test_an_extension_that_wraps_resolvers_sees_every_field() -> None:
    fast, _ = _schemas(Counting)
    ITEMS[:] = [_item(inner=Inner(label="l", size=None, colour=None))]
    Counting.seen.clear()
    assert fast.execute_sync("{ items { name inner { label } } }").data == {
        "items": [{"name": "a", "inner": {"label": "l"}}]
    }
    assert Counting.seen == ["items", "name", "inner", "label"]


def test_no_short_path_where_defer_and_stream_are_on() -> None:
    config = StrawberryConfig(scalar_map=SCALARS, enable_experimental_incremental_execution=True)
    incremental = strawberry.Schema(query=Query, config=config, types=[Book])
    assert plain_field_context(incremental._schema).fields == {}
    assert plain_field_context(FAST._schema).fields
