"""Every named query exists where it is used, and every one defined is used somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graphsvc.db.queries import add_folder, all_names, query, statements
from graphsvc.errors import QueryNotFound

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = (ROOT / "cypher", ROOT / "bench" / "cypher")
add_folder(FOLDERS[1])  # the benchmarks' queries are checked too, though the package does not ship them
_REFERENCE = re.compile(r"""["']([a-z_]+\.[a-z_0-9]+)["']""")


def _python_sources(*folders: str) -> str:
    files = [path for folder in folders for path in (ROOT / folder).rglob("*.py")]
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def test_every_defined_query_is_used() -> None:
    source = _python_sources("graphsvc", "bench", "tests")
    unused = [name for name in all_names() if not name.startswith("schema.") and f'"{name}"' not in source]
    assert unused == []


def test_every_referenced_query_exists() -> None:
    files = {path.stem for folder in FOLDERS for path in folder.glob("*.cypher")}
    referenced = {m for m in _REFERENCE.findall(_python_sources("graphsvc", "bench")) if m.split(".")[0] in files}
    assert referenced - set(all_names()) == set()


def test_unknown_name_is_a_clear_error() -> None:
    with pytest.raises(QueryNotFound, match=r"no Cypher query named 'admin\.pong'"):
        query("admin.pong")


def test_migration_blocks_split_into_statements() -> None:
    parts = statements("schema.v1")
    assert len(parts) > 10
    assert all(part.startswith("CREATE ") and not part.endswith(";") for part in parts)
