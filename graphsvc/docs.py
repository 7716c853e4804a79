"""Reference pages rendered from the code itself: the CLI's own help and the settings table.

    python -m graphsvc.docs cli > docs/cli.md
    python -m graphsvc.docs settings > docs/settings.md

``tests/test_docs.py`` fails when a committed page differs from what these functions render,
so the reference cannot drift from the code.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

import typer
import typer.main

__all__ = ["CLI_COMMAND", "SETTINGS_COMMAND", "cli_reference", "command_paths", "settings_reference"]

CLI_COMMAND = "python -m graphsvc.docs cli > docs/cli.md"
SETTINGS_COMMAND = "python -m graphsvc.docs settings > docs/settings.md"

#: A fixed help width, so the page does not depend on the terminal it was rendered in.
WIDTH = 100


class _Command(Protocol):
    """What the renderer uses of a click command or group.

    Recent typer releases vendor click in a private module, so the class is described by what it
    offers rather than imported.
    """

    name: str | None
    help: str | None
    hidden: bool

    def format_usage(self, ctx: Any, formatter: Any) -> None: ...

    def format_options(self, ctx: Any, formatter: Any) -> None: ...


def _root() -> _Command:
    from graphsvc.cli.main import app  # imported late: `settings` needs no CLI

    command: _Command = typer.main.get_command(app)
    return command


def _context(command: _Command, name: str, parent: typer.Context | None) -> typer.Context:
    return typer.Context(
        command,  # type: ignore[arg-type]
        info_name=name,
        parent=parent,
        terminal_width=WIDTH,
        max_content_width=WIDTH,
    )


def _subcommands(command: _Command, ctx: typer.Context) -> list[tuple[str, _Command]]:
    """A group's visible commands in the order the CLI lists them (none for a plain command)."""
    lister = getattr(command, "list_commands", None)
    getter = getattr(command, "get_command", None)
    if lister is None or getter is None:
        return []
    found = [(name, getter(ctx, name)) for name in lister(ctx)]
    return [(name, sub) for name, sub in found if sub is not None and not sub.hidden]


def _walk(
    command: _Command, name: str = "graphsvc", parent: typer.Context | None = None
) -> Iterator[tuple[str, _Command, typer.Context, bool]]:
    """(path, command, context, is_group) for the command and everything below it, depth first."""
    ctx = _context(command, name, parent)
    children = _subcommands(command, ctx)
    yield ctx.command_path, command, ctx, bool(children) or hasattr(command, "commands")
    for child_name, child in children:
        yield from _walk(child, child_name, ctx)


def command_paths() -> list[str]:
    """Every runnable command, as typed: ``graphsvc neo4j start``, ``graphsvc import``, ..."""
    return [path for path, _, _, is_group in _walk(_root()) if not is_group]


def _help_text(command: _Command) -> str:
    """The command's help as Markdown paragraphs (click's ``\\f`` cut-off honoured)."""
    text = inspect.cleandoc(command.help or "").split("\f")[0].strip()
    paragraphs = [" ".join(part.split()) for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "\n\n".join(paragraphs)


def _summary(command: _Command) -> str:
    first = _help_text(command).split("\n\n")[0]
    return first.replace("|", "\\|")


def _anchor(path: str) -> str:
    """The anchor GitHub gives the heading ``## `path` ``."""
    return re.sub(r"[^a-z0-9 _-]", "", path.lower()).replace(" ", "-")


def _usage_and_options(command: _Command, ctx: typer.Context) -> str:
    formatter = ctx.make_formatter()
    command.format_usage(ctx, formatter)
    command.format_options(ctx, formatter)
    lines = [line.rstrip() for line in formatter.getvalue().splitlines()]
    return "\n".join(lines).strip("\n")


_CLI_INTRO = f"""\
# Command-line reference

Generated from the CLI's own help by `{CLI_COMMAND}`;
edit the help texts in `graphsvc/cli/`, not this page. `graphsvc COMMAND --help` prints the same.

## Conventions

- **`--json`**: a command given `--json` prints one JSON object on stdout instead of text; an error
  prints `{{"error", "code", "message", "hint"}}`.
- **Exit codes**:

  | code | meaning |
  |---|---|
  | 0 | done |
  | 1 | not found, or not running (`graphsvc neo4j status` with no server) |
  | 2 | the caller's fault: bad input, a bad setting, forbidden, a conflict; fix it before retrying |
  | 3 | an environment or managed-server problem: Java or Maven missing, the server will not start |
  | 4 | Neo4j is unavailable: retry later |
  | 5 | an internal error: a bug; report it with the error id printed |

- **Which Neo4j**: with `NEO4J_URI` set, every command uses that server; otherwise commands that need a
  database start graphsvc's managed local server ([deployment.md](deployment.md)).
- **`graphsvc db cypher`** passes values as parameters, never spliced into the text: `-p name=Ada`
  passes the string `Ada`, `-p n=5` or `-p ids='[1,2]'` pass JSON values. Whether a query writes is
  decided by the server's own plan (`EXPLAIN`), so `--write` cannot be bypassed by clever text.
"""


def cli_reference() -> str:
    """docs/cli.md: a summary table, then every command's help, usage, arguments and options."""
    entries = list(_walk(_root()))
    out = [_CLI_INTRO, "## Commands\n", "| command | what it does |", "|---|---|"]
    for path, command, _, is_group in entries[1:]:
        if not is_group:
            out.append(f"| [`{path}`](#{_anchor(path)}) | {_summary(command)} |")
    out.append("")
    for path, command, ctx, is_group in entries:
        depth = 3 if not is_group and path.count(" ") > 1 else 2
        out.append(f"{'#' * depth} `{path}`\n")
        text = _help_text(command)
        if text:
            out.append(text + "\n")
        out.append("```text\n" + _usage_and_options(command, ctx) + "\n```\n")
    return "\n".join(out).rstrip("\n") + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _default(value: str) -> str:
    if not value:
        return "(unset)"
    if " " in value and not value.startswith(("[", "{")):
        return _cell(value)  # prose, such as "the user cache dir (...)"
    return f"`{_cell(value)}`"


_SETTINGS_INTRO = f"""\
# Settings

graphsvc reads its settings once, at start-up: from the environment, then from a `.env` file in the
working directory, then the defaults below. A bad value stops the command (exit code 2) with the
variable's name and what was expected. How to size the memory and worker settings:
[performance.md](performance.md#sizing-and-tuning); which Neo4j is used: [deployment.md](deployment.md).

Generated from `graphsvc/config.py` by `{SETTINGS_COMMAND}`;
edit the descriptions there, not here.
"""


def settings_reference() -> str:
    """docs/settings.md: every setting with its environment variable, default and meaning."""
    from graphsvc.config import settings_table

    out = [_SETTINGS_INTRO, "| variable | default | meaning |", "|---|---|---|"]
    for name, default, description in settings_table():
        out.append(f"| `{name}` | {_default(default)} | {_cell(description)} |")
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m graphsvc.docs", description="Print a reference page rendered from the code."
    )
    parser.add_argument("page", choices=["cli", "settings"], help="which reference page to print")
    args = parser.parse_args(argv)
    text = cli_reference() if args.page == "cli" else settings_reference()
    sys.stdout.buffer.write(text.encode("utf-8"))  # UTF-8 whatever the locale
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
