"""The layering holds: no module imports itself round a cycle, and front-ends run no Cypher.

The layer and front-end contracts themselves are import-linter's (``[tool.importlinter]`` in
pyproject.toml, run by ``make test``); these are the rules it cannot express.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

PACKAGE = Path(__file__).resolve().parents[1] / "graphsvc"
FRONT_ENDS = ("cli", "api", "console")

#: ``Database`` methods that run Cypher: only ``graphsvc.db`` and the layers below the front-ends call them.
RUNS_CYPHER = frozenset({"read", "read_generated", "write", "read_tx", "write_tx", "run_statement", "run_batched"})


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph("graphsvc")
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for name in ("a", "b", "c"):
        graph.add_module(name)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="a")
    graph.add_import(importer="b", imported="c")
    assert _cycles(graph) == [["a", "b"]]


def _cypher_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.relative_to(PACKAGE.parent)}:{node.lineno} .{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in RUNS_CYPHER
        and ast.unparse(node.func.value).split(".")[-1] == "db"  # a Database is ``db`` or ``x.db`` everywhere
    ]


def test_front_ends_run_no_cypher() -> None:
    found = [
        call for name in FRONT_ENDS for path in sorted((PACKAGE / name).rglob("*.py")) for call in _cypher_calls(path)
    ]
    assert found == [], "front-ends call graphsvc.service, which calls the named queries"
