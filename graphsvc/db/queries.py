"""Named Cypher: the only place that turns ``cypher/*.cypher`` text into query strings.

A file holds one or more blocks, each introduced by a ``// name: NAME`` line; the
query's full name is ``FILE.NAME`` (``admin.ping`` is block ``ping`` of
``admin.cypher``). Queries take parameters only; nothing is ever formatted into
their text. Files are read once per process.

The package's own queries are in ``cypher/``; a program with queries of its own (the benchmarks,
whose Cypher is no part of the package) adds its folder with ``add_folder``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import LiteralString, cast

from graphsvc.errors import QueryNotFound

__all__ = ["add_folder", "all_names", "cypher_dir", "query", "statements"]

_HEADER = re.compile(r"^//\s*name:\s*([A-Za-z_][A-Za-z0-9_]*)\s*$", re.MULTILINE)


def cypher_dir() -> Path:
    """The cypher folder: the repository's ``cypher/`` in a checkout, else the wheel's copy."""
    checkout = Path(__file__).resolve().parents[2] / "cypher"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("graphsvc") / "_cypher"))


_extra_folders: list[Path] = []


def add_folder(folder: Path) -> None:
    """Make the ``*.cypher`` files of ``folder`` loadable by name too (their names must be new)."""
    folder = folder.resolve()
    if folder not in _extra_folders:
        _extra_folders.append(folder)
        _load.cache_clear()


@lru_cache(maxsize=1)
def _load() -> dict[str, str]:
    named: dict[str, str] = {}
    for path in [path for folder in (cypher_dir(), *_extra_folders) for path in sorted(folder.glob("*.cypher"))]:
        text = path.read_text(encoding="utf-8")
        headers = list(_HEADER.finditer(text))
        for i, header in enumerate(headers):
            end = headers[i + 1].start() if i + 1 < len(headers) else len(text)
            body = text[header.end() : end].strip()
            name = f"{path.stem}.{header.group(1)}"
            if name in named:
                raise ValueError(f"{path}: query name {header.group(1)!r} is defined twice")
            named[name] = body.removesuffix(";").strip() if body.count(";") <= 1 else body
    return named


def query(name: str) -> LiteralString:
    """The text of the query ``name`` (``file.block``)."""
    try:
        # The text comes from our own files, never from input: that is what LiteralString asserts.
        return cast(LiteralString, _load()[name])
    except KeyError:
        close = [known for known in _load() if known.split(".")[-1] == name.split(".")[-1]]
        hint = f"did you mean {close[0]!r}?" if close else f"names are FILE.BLOCK from {cypher_dir()}"
        raise QueryNotFound(f"no Cypher query named {name!r}", hint=hint) from None


def statements(name: str) -> list[LiteralString]:
    """A block holding several statements (a migration), split on the ';' that ends a line."""
    parts = re.split(r";\s*$", query(name), flags=re.MULTILINE)
    return [cast(LiteralString, part.strip()) for part in parts if part.strip() and not _only_comments(part)]


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("//") for line in text.splitlines())


def all_names() -> list[str]:
    return sorted(_load())
