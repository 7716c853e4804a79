"""Opaque Relay cursors for keyset pagination, and the page-size rule every list shares.

A cursor is the sort key of a row (``["p-12"]``, ``[0.93, "p-12"]``), tagged with the kind of list
it belongs to and base64url-encoded, so a cursor from one list cannot be used on another.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson

from graphsvc.errors import InputError

__all__ = ["DEFAULT_PAGE", "MAX_PAGE", "Page", "decode", "encode", "page_size", "paginate"]

DEFAULT_PAGE = 20
MAX_PAGE = 100


def encode(kind: str, key: list[Any]) -> str:
    # orjson writes the compact UTF-8 JSON json.dumps(separators=(",", ":"), ensure_ascii=False) does,
    # several times faster: every row of a page gets a cursor
    return base64.urlsafe_b64encode(orjson.dumps([kind, *key])).decode().rstrip("=")


def decode(cursor: str | None, kind: str, length: int = 1, *, where: str = "after") -> list[Any] | None:
    """The sort key in ``cursor`` (None for None); ``InputError`` when it is not a cursor of this list."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError):
        data = None
    if not isinstance(data, list) or len(data) != length + 1 or data[0] != kind:
        raise InputError(
            f"expected a cursor from this list ({kind}), got {cursor!r}",
            where=where,
            hint="pass pageInfo.endCursor of the previous page unchanged",
        )
    return data[1:]


def page_size(first: int | None, *, where: str = "first", maximum: int = MAX_PAGE) -> int:
    """``first`` checked: 1..maximum (default DEFAULT_PAGE)."""
    size = DEFAULT_PAGE if first is None else first
    if not 1 <= size <= maximum:
        raise InputError(f"expected 1 to {maximum}, got {size}", where=where)
    return size


RowT = TypeVar("RowT")


@dataclass
class Page(Generic[RowT]):
    """One page of a list: its rows, each row's cursor, and whether more rows follow."""

    rows: list[RowT]
    cursors: list[str]
    has_next: bool


def paginate(rows: list[RowT], size: int, kind: str, key: Callable[[RowT], list[Any]]) -> Page[RowT]:
    """Cut ``rows`` (fetched with LIMIT size + 1) into a page; ``key`` gives a row's sort key."""
    kept = rows[:size]
    return Page(rows=kept, cursors=[encode(kind, key(row)) for row in kept], has_next=len(rows) > size)
