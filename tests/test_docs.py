"""The docs tell the truth: generated references match the code, links lead somewhere, examples fit.

Nothing here needs Neo4j: the README's example files go through the importer's own converter, and its
GraphQL examples are validated against docs/schema.graphql.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from graphql import GraphQLSchema, build_schema, parse, validate

from graphsvc.config import settings_table
from graphsvc.docs import CLI_COMMAND, SETTINGS_COMMAND, cli_reference, command_paths, settings_reference
from graphsvc.ingest.fields import COLUMNS, ConvertOptions, convert
from graphsvc.ingest.readers import read_records

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]

#: Pages the README links to that another change is about to write. Remove an entry once its page exists.
PENDING: set[Path] = set()

_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)
_HEX_WORD = re.compile(r"(?<![\w-])[0-9a-f]{7,40}(?![\w-])")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _prose(text: str) -> str:
    """The page without its fenced code blocks (links and headings only count outside them)."""
    return _FENCE.sub("", text)


def _anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the page's headings."""
    return {
        re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in _HEADING.findall(_prose(_text(path)))
    }


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


# -- generated references ---------------------------------------------------------------------------
def test_cli_reference_is_generated_from_the_cli() -> None:
    assert _text(DOCS / "cli.md") == cli_reference(), f"docs/cli.md is out of date: run `{CLI_COMMAND}`"


def test_settings_reference_is_generated_from_the_settings() -> None:
    assert _text(DOCS / "settings.md") == settings_reference(), (
        f"docs/settings.md is out of date: run `{SETTINGS_COMMAND}`"
    )


def test_cli_reference_is_stable() -> None:
    assert cli_reference() == cli_reference()


def test_every_cli_command_is_documented() -> None:
    cli = _text(DOCS / "cli.md")
    paths = command_paths()
    assert {"graphsvc import", "graphsvc neo4j start", "graphsvc apikey create"} <= set(paths)
    assert [path for path in paths if f"`{path}`" not in cli] == []


def test_every_setting_is_documented() -> None:
    settings = _text(DOCS / "settings.md")
    assert [name for name, _, _ in settings_table() if f"| `{name}` |" not in settings] == []


def test_every_import_column_is_documented() -> None:
    importing = _text(DOCS / "importing.md")
    columns = [(kind, column) for kind, columns in COLUMNS.items() for column, _, _ in columns]
    assert [(kind, column) for kind, column in columns if f"| `{column}` |" not in importing] == []


# -- the README -------------------------------------------------------------------------------------
def test_readme_is_a_short_guide() -> None:
    size = len(README.read_bytes())
    assert size < 13_000, f"README.md is {size} bytes: move reference material into docs/"


def test_make_targets_named_in_readme_exist() -> None:
    makefile = _text(ROOT / "Makefile")
    targets = set(re.findall(r"^([a-z]+):", makefile, re.MULTILINE))
    named = set(re.findall(r"\$ make ([a-z]+)", _text(README)))
    assert {"demo", "test"} <= named
    assert named <= targets


def test_readme_links_every_guide() -> None:
    linked = set(_LINK.findall(_text(README)))
    pages = set(DOCS.glob("*.md")) | PENDING
    assert sorted(_name(page) for page in pages if _name(page) not in linked) == []


def test_readme_example_files_import(tmp_path: Path) -> None:
    files = dict(re.findall(r"^cat > (\w+)\.csv <<'EOF'\n(.*?)^EOF$", _text(README), re.MULTILINE | re.DOTALL))
    assert set(files) == set(COLUMNS), "the quick start shows one file of each kind"
    for kind, content in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(content, encoding="utf-8")
        rows = [convert(kind, record, ConvertOptions()) for record in read_records(path)]
        assert len(rows) == content.count("\n") - 1, kind  # every line after the header is a row


def _readme_queries() -> list[str]:
    readme = _text(README)
    queries = [json.loads(payload)["query"] for payload in re.findall(r"-d '(\{.*?\})'", readme)]
    queries += re.findall(r'QUERY = """(.*?)"""', readme, re.DOTALL)
    return queries


def _doc_queries() -> list[tuple[str, str]]:
    found = [("README.md", query) for query in _readme_queries()]
    for page in PAGES:
        found += [(_name(page), block) for block in _blocks(_text(page), "graphql")]
    return found


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(_text(DOCS / "schema.graphql"))


def test_readme_shows_curl_and_python_queries() -> None:
    assert len(_readme_queries()) == 2


@pytest.mark.parametrize(("page", "query"), _doc_queries(), ids=lambda value: str(value)[:40])
def test_graphql_examples_fit_the_schema(schema: GraphQLSchema, page: str, query: str) -> None:
    errors = validate(schema, parse(query))
    assert [error.message for error in errors] == [], page


# -- every page ------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_relative_links_lead_to_files_in_the_repository(page: Path) -> None:
    broken = []
    for target in _LINK.findall(_prose(_text(page))):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        if not path.is_relative_to(ROOT):
            broken.append(f"{target} (outside the repository)")
        elif not path.exists() and path not in PENDING:
            broken.append(f"{target} (no such file)")
        elif anchor and path.suffix == ".md" and path.exists() and anchor not in _anchors(path):
            broken.append(f"{target} (no such heading)")
    assert broken == []


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_no_commit_hashes(page: Path) -> None:
    """History lives in git: a commit hash in a guide is a sign of narrative that belongs there."""
    hashes = [word for word in _HEX_WORD.findall(_text(page)) if re.search(r"\d", word) and re.search(r"[a-f]", word)]
    assert hashes == []


def test_pending_pages_are_still_pending() -> None:
    written = sorted(_name(page) for page in PENDING if page.exists())
    assert written == [], f"{written} exist now: remove them from PENDING in tests/test_docs.py"
