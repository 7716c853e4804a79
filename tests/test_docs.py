"""The README tells the truth: every setting and every command is documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer.main

from graphsvc.cli.main import app
from graphsvc.config import settings_table

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: Any, prefix: str = "graphsvc") -> list[str]:
    names = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            names += _commands(command, f"{prefix} {name}")
        else:
            names.append(f"{prefix} {name}")
    return names


def test_every_setting_is_in_the_readme_table() -> None:
    missing = [name for name, _, _ in settings_table() if f"| `{name}` |" not in README]
    assert missing == []


def test_every_cli_command_is_documented() -> None:
    group = typer.main.get_command(app)
    missing = [name for name in _commands(group) if f"`{name}" not in README]
    assert missing == []


def test_make_targets_named_in_readme_exist() -> None:
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z]+):", makefile, re.MULTILINE))
    assert {"setup", "demo", "test"} <= targets
    assert set(re.findall(r"\$ make ([a-z]+)", README)) <= targets
