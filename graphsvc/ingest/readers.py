"""Stream records out of CSV and JSON Lines files (gzip too), one at a time, with their line numbers.

Memory stays constant whatever the file size: nothing is read ahead beyond the
current record. Column names are renamed through the ``--map`` mapping before
anything else sees them.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from graphsvc.errors import InputError

__all__ = ["Record", "file_format", "read_records"]

#: The longest line (and so the longest record) read: a longer one is an error naming it, so that a
#: file (or a gzip that inflates) to one enormous line cannot take the memory.
MAX_LINE_CHARS = 16 * 1024 * 1024
csv.field_size_limit(MAX_LINE_CHARS)


@dataclass(frozen=True, slots=True)
class Record:
    """One input record: where it came from and its fields (already renamed by the mapping)."""

    path: str
    line: int
    fields: dict[str, Any]

    def where(self, column: str | None = None) -> str:
        return f"{self.path}:{self.line}" + (f":{column}" if column else "")


def file_format(path: Path) -> str:
    """'csv' or 'jsonl' from the name (``.csv``, ``.jsonl``, ``.ndjson``, ``.json``, each optionally ``.gz``)."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    raise InputError(
        f"cannot tell the format of {path.name!r}: expected a name ending in .csv, .jsonl or .ndjson (optionally .gz)",
        where=str(path),
    )


def _open(path: Path) -> IO[bytes]:
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gzipped else path.open("rb")  # type: ignore[return-value]


class _Lines:
    """The lines of a file as text, each at most ``MAX_LINE_CHARS`` bytes, decoded one at a time and
    counted (``number``: the last line read), so that bad UTF-8 or an overlong line names its line."""

    def __init__(self, raw: IO[bytes], path: Path) -> None:
        self.raw = raw
        self.path = path
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        where = f"{self.path}:{self.number + 1}"
        try:
            data = self.raw.readline(MAX_LINE_CHARS + 1)
        except (OSError, EOFError) as exc:  # truncated or corrupt gzip, unreadable file
            raise InputError(f"cannot read the file: {exc}", where=where) from None
        if not data:
            raise StopIteration
        self.number += 1
        if len(data) > MAX_LINE_CHARS:
            raise InputError(
                f"a line longer than {MAX_LINE_CHARS:,} bytes: not a CSV or JSON Lines file of records", where=where
            )
        try:
            return data.decode("utf-8-sig" if self.number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start} of the line)", where=where) from None


def read_records(path: Path, mapping: Mapping[str, str] | None = None) -> Iterator[Record]:
    """Yield the records of ``path`` in order; ``mapping`` renames file columns to model fields."""
    if not path.is_file():
        raise InputError("no such file", where=str(path))
    rename = dict(mapping or {})
    reader = _read_csv if file_format(path) == "csv" else _read_jsonl
    try:
        yield from reader(path, rename)
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", where=str(path)) from None
    except (OSError, EOFError) as exc:  # truncated gzip, unreadable file
        raise InputError(f"cannot read the file: {exc}", where=str(path)) from None


def _read_csv(path: Path, rename: dict[str, str]) -> Iterator[Record]:
    with _open(path) as handle:
        reader = csv.reader(_Lines(handle, path), strict=True)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"malformed CSV header: {exc}", where=f"{path}:1") from None
        columns = [rename.get(name.strip(), name.strip()) for name in header]
        duplicated = {c for c in columns if columns.count(c) > 1}
        if duplicated:
            raise InputError(f"duplicate column(s) after mapping: {sorted(duplicated)}", where=f"{path}:1")
        line = reader.line_num
        while True:
            start = line + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(f"malformed CSV: {exc}", where=f"{path}:{start}") from None
            line = reader.line_num
            if not values or (len(values) == 1 and not values[0].strip()):
                continue
            if len(values) != len(columns):
                yield Record(
                    str(path),
                    start,
                    {"__error__": f"expected {len(columns)} fields as in the header, found {len(values)}"},
                )
                continue
            yield Record(str(path), start, dict(zip(columns, values, strict=True)))


def _read_jsonl(path: Path, rename: dict[str, str]) -> Iterator[Record]:
    with _open(path) as handle:
        lines = _Lines(handle, path)
        for text in lines:
            number = lines.number
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                yield Record(str(path), number, {"__error__": f"invalid JSON ({exc.msg} at column {exc.colno})"})
                continue
            if not isinstance(obj, dict):
                yield Record(str(path), number, {"__error__": f"expected a JSON object, got {type(obj).__name__}"})
                continue
            yield Record(str(path), number, {rename.get(str(k), str(k)): v for k, v in obj.items()})
