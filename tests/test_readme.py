"""The README's quick start works as written: its files, its commands in order, its curl and Python queries.

The commands run as a user runs them (real `graphsvc` processes) against the session's Neo4j; the API
runs over real HTTP. Only what cannot run here as written is adapted: `graphsvc neo4j start` (the
session's server is running), `graphsvc serve` (the app is served on a free port instead), and the
review decision's ``ID`` placeholder (the first pair in the queue, if there is one).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shlex
from pathlib import Path

import httpx
import pytest

from graphsvc.api import create_app
from graphsvc.config import Settings
from graphsvc.db import Database
from tests.support import run_json, serve_in_thread

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
_HEREDOC = re.compile(r"^cat > (\S+) <<'EOF'\n(.*?)^EOF$", re.MULTILINE | re.DOTALL)
_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _blocks(language: str) -> list[str]:
    return [body for lang, body in _BLOCK.findall(README) if lang == language]


def _commands() -> list[list[str]]:
    """Every `graphsvc ...` line of the README's shell blocks, in order, without its comment."""
    lines = [line for block in _blocks("sh") for line in block.splitlines() if line.startswith("graphsvc ")]
    return [shlex.split(line, comments=True) for line in lines]


def test_the_quick_start_runs_as_written(
    db: Database, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {name: tmp_path / name for name, _ in _HEREDOC.findall(README)}
    for name, text in _HEREDOC.findall(README):
        files[name].write_text(text, encoding="utf-8")
    assert {"contacts.csv", "identities.csv", "edges.csv", "posts.csv"} <= set(files)

    secret = None
    ran = []
    for argv in _commands():
        args = [str(files[a]) if a in files else a for a in argv[1:]]
        if args[:2] == ["neo4j", "start"] or args[:1] == ["serve"]:
            continue
        if args[:2] == ["review", "accept"]:
            queue = run_json(settings, "review", "list")["candidates"]
            if not queue:
                continue
            args = ["review", "accept", queue[0]["id"]]
        out = run_json(settings, *args)
        ran.append(" ".join(args[:2]))
        if args[:2] == ["apikey", "create"]:
            secret = out["secret"]
        if args[0] == "import":
            assert out["rejected"] == 0 and out["written"] > 0, out
    assert {
        "db migrate",
        "import contacts",
        "import posts",
        "resolve",
        "review list",
        "jobs run",
        "apikey create",
    } <= set(ran)
    assert secret

    with serve_in_thread(create_app(settings, db)) as base:
        curl = next(block for block in _blocks("sh") if block.lstrip().startswith("export API_KEY"))
        payload = json.loads(re.search(r"-d '(\{.*\})'", curl).group(1))  # type: ignore[union-attr]
        answer = httpx.post(f"{base}/graphql", json=payload, headers={"Authorization": f"Bearer {secret}"}).json()
        edges = answer["data"]["influencers"]["edges"]
        assert "errors" not in answer and edges
        names = {edge["node"]["name"] for edge in edges}
        assert {"Ada Lovelace", "Charles Babbage"} & names

        (program,) = _blocks("python")
        monkeypatch.setenv("API_KEY", secret)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(program.replace("http://127.0.0.1:8000", base), {"__name__": "readme"})
        lines = printed.getvalue().splitlines()
        assert len(lines) == len(edges) and any(name in printed.getvalue() for name in names)
