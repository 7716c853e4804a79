"""Every importer against whatever a stranger can put in a file: random bytes, malformed CSV and JSON
Lines, bad encodings, overlong lines, gzip that inflates to one enormous line. The answer is a clean
import or an ``InputError`` that names the file and line; never another exception, and a refused
file leaves the graph exactly as it was."""

from __future__ import annotations

import gzip
import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsvc.db import Database
from graphsvc.errors import InputError
from graphsvc.ingest.fields import COLUMNS
from graphsvc.ingest.importer import KINDS, import_files
from graphsvc.ingest.readers import MAX_LINE_CHARS

#: What a cell can hold: words, digits, the characters CSV and JSON treat specially, control characters.
CELL = st.text(
    alphabet=st.sampled_from([*"abcxyz ADA@.+-_/:#0129", '"', ",", "\n", "\r", "\\", "\x00", "é", "😀", "\t"]),
    max_size=24,
)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | CELL,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(CELL, inner, max_size=3),
    max_leaves=6,
)


def _columns(kind: str) -> st.SearchStrategy[list[str]]:
    names = [name for name, _, _ in COLUMNS[kind]]
    return st.lists(st.sampled_from(names) | CELL, min_size=1, max_size=len(names) + 2)


@st.composite
def csv_bytes(draw: st.DrawFn, kind: str) -> bytes:
    header = draw(_columns(kind))
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=len(header) + 1), max_size=6))

    def line(cells: list[str]) -> str:
        quoted = draw(st.booleans())
        return ",".join(f'"{c}"' if quoted else c for c in cells)

    return ("\n".join(line(r) for r in [header, *rows]) + draw(st.sampled_from(["", "\n", "\r\n"]))).encode()


@st.composite
def jsonl_bytes(draw: st.DrawFn, kind: str) -> bytes:
    names = [name for name, _, _ in COLUMNS[kind]]
    objects = st.dictionaries(st.sampled_from(names) | CELL, JSON_VALUE, max_size=len(names))
    lines = draw(st.lists(objects.map(json.dumps) | JSON_VALUE.map(json.dumps) | CELL, max_size=6))
    return "\n".join(lines).encode()


@st.composite
def hostile_file(draw: st.DrawFn, kind: str) -> tuple[str, bytes]:
    """(file name, content): CSV or JSON Lines, well or badly formed, sometimes not UTF-8, sometimes gzipped."""
    fmt = draw(st.sampled_from(["csv", "jsonl"]))
    content = draw(st.one_of(csv_bytes(kind) if fmt == "csv" else jsonl_bytes(kind), st.binary(max_size=200)))
    if draw(st.booleans()):
        content = draw(st.sampled_from([b"\xff\xfe", b"\xc3\x28", b""])) + content  # bad UTF-8 up front
    name = f"input.{fmt}"
    if draw(st.booleans()):
        content, name = gzip.compress(content), name + ".gz"
    return name, content


def fingerprint(db: Database) -> str:
    """A hash of every node's labels and properties and every relationship: equal graphs, equal hash."""
    rows = db.adhoc(
        "MATCH (n) RETURN 'n' AS k, labels(n) AS l, properties(n) AS p "
        "UNION ALL MATCH (a)-[r]->(b) RETURN 'r' AS k, [type(r), elementId(a), elementId(b)] AS l, properties(r) AS p",
        {},
        allow_write=False,
    )[1]
    text = sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)
    return hashlib.sha256("\n".join(text).encode()).hexdigest()


def _import_or_refuse(db: Database, kind: str, path: Path) -> Any:
    before = fingerprint(db)
    try:
        return import_files(db, kind, [path])
    except InputError as exc:
        # one place (where), or the invalid records each with its file:line in the message
        assert (exc.where or "").startswith(str(path)) or f"{path}:" in exc.message, (exc.where, exc.message)
        assert fingerprint(db) == before, "a refused import changed the graph"
        return exc


@pytest.mark.parametrize("kind", KINDS)
def test_any_file_is_imported_cleanly_or_refused_with_its_place(db: Database, tmp_path: Path, kind: str) -> None:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(hostile_file(kind))
    def check(named: tuple[str, bytes]) -> None:
        name, content = named
        path = tmp_path / name
        path.write_bytes(content)
        _import_or_refuse(db, kind, path)

    check()


@pytest.mark.parametrize("gzipped", [False, True])
def test_one_enormous_line_is_refused_by_its_line_number(db: Database, tmp_path: Path, gzipped: bool) -> None:
    """A gzip of a few tens of kilobytes that inflates to 40 MB on one line (a 'zip bomb' of one record),
    and the same as plain text after a good header: refused at the line, without reading it whole."""
    header = "source,source_id,name\ncrm,1,Ada\n"
    content = (header + "crm,2," + "a" * (MAX_LINE_CHARS * 2 + 100)).encode()
    path = tmp_path / ("bomb.csv.gz" if gzipped else "bomb.csv")
    path.write_bytes(gzip.compress(content) if gzipped else content)
    began = time.perf_counter()
    refused = _import_or_refuse(db, "contacts", path)
    assert isinstance(refused, InputError) and refused.where == f"{path}:3", refused
    assert "longer than" in refused.message
    assert time.perf_counter() - began < 30
    jsonl = tmp_path / "bomb.jsonl.gz"
    jsonl.write_bytes(gzip.compress(b'{"platform": "twitter", "handle": "' + b"x" * (MAX_LINE_CHARS + 10) + b'"}'))
    refused = _import_or_refuse(db, "identities", jsonl)
    assert isinstance(refused, InputError) and refused.where == f"{jsonl}:1"


def test_bad_utf8_names_its_line(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("source,source_id,name\ncrm,1,Ada\ncrm,2,Ren\xe9e\n".encode("latin-1"))
    refused = _import_or_refuse(db, "contacts", path)
    assert isinstance(refused, InputError) and refused.where == f"{path}:3" and "UTF-8" in refused.message
