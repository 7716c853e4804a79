"""Cursors and driver values: the small pure functions every page goes through."""

from __future__ import annotations

from datetime import UTC, date, datetime

import neo4j.time
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphsvc.errors import InputError
from graphsvc.service.cursors import decode, encode
from graphsvc.service.values import plain

KEYS = st.lists(
    st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-(2**62), 2**62), st.text(), st.none()),
    min_size=1,
    max_size=3,
)


@given(kind=st.text(min_size=1), key=KEYS)
def test_a_cursor_gives_back_its_sort_key(kind: str, key: list[object]) -> None:
    cursor = encode(kind, key)
    assert "=" not in cursor and decode(cursor, kind, len(key)) == key


@given(key=KEYS)
def test_a_cursor_of_another_list_is_refused_where_it_was_given(key: list[object]) -> None:
    with pytest.raises(InputError) as refused:
        decode(encode("persons", key), "influence", len(key), where="influencers.after")
    assert refused.value.where == "influencers.after" and "cursor from this list (influence)" in refused.value.message


def test_plain_turns_neo4j_temporals_into_stdlib_ones_at_any_depth() -> None:
    at = neo4j.time.DateTime(2025, 6, 1, 12, 30, 0, 0, tzinfo=UTC)
    row = {
        "name": "Ada",
        "score": 0.5,
        "n": 3,
        "none": None,
        "at": at,
        "posts": [{"day": neo4j.time.Date(2025, 6, 1), "tags": ("a", "b")}],
    }
    assert plain(row) == {
        "name": "Ada",
        "score": 0.5,
        "n": 3,
        "none": None,
        "at": datetime(2025, 6, 1, 12, 30, tzinfo=UTC),
        "posts": [{"day": date(2025, 6, 1), "tags": ["a", "b"]}],
    }
    assert type(plain(row)["at"]) is datetime and type(plain(row)["posts"][0]["day"]) is date
