"""Stream records out of CSV and JSON Lines files (gzip too), one at a time, with their line numbers.

Memory stays constant whatever the file size: nothing is read ahead beyond the
current record. Column names are renamed through the ``--map`` mapping before
anything else sees them.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from graphsvc.errors import InputError

__all__ = ["Record", "file_format", "read_records"]

csv.field_size_limit(16 * 1024 * 1024)


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


def _open(path: Path) -> IO[str]:
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    raw: IO[bytes] = gzip.open(path, "rb") if gzipped else path.open("rb")  # type: ignore[assignment]  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


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
        reader = csv.reader(handle, strict=True)
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
        for number, text in enumerate(handle, start=1):
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
