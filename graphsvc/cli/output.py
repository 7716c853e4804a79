"""How every CLI command reports: a human line on stderr/stdout, or one JSON object with --json."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

__all__ = ["JsonFlag", "ProgressFn", "console", "emit", "err_console", "progress_bar", "to_jsonable"]

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object (machine-readable) instead of text.")]


ProgressFn = Callable[[str, int, int | None], None]


@contextmanager
def progress_bar(prefix: str = "", *, disable: bool = False) -> Iterator[ProgressFn]:
    """A progress bar on stderr (off with --json); yields ``progress(phase, done, total)``, one bar per phase."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=disable,
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(f"{prefix}{phase}", total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield progress


def to_jsonable(value: Any) -> Any:
    """Make driver and stdlib values printable as JSON (temporal types, paths, nodes)."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime | date | Path):
        return str(value)
    if hasattr(value, "iso_format"):  # neo4j.time types
        return value.iso_format()
    if hasattr(value, "items") and hasattr(value, "element_id"):  # neo4j Node / Relationship
        return {"element_id": value.element_id, **{k: to_jsonable(v) for k, v in value.items()}}
    return value


def emit(data: dict[str, Any], as_json: bool, human: Callable[[dict[str, Any]], None] | str) -> None:
    """Print ``data`` as JSON, or call ``human`` (or print the string) for people."""
    if as_json:
        sys.stdout.write(json.dumps(to_jsonable(data), ensure_ascii=False) + "\n")
        sys.stdout.flush()  # a long-running command (serve) is read line by line while it runs
    elif callable(human):
        human(data)
    else:
        console.print(human)
