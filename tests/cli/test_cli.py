"""The `graphsvc` command as a user runs it: a real process against the session's Neo4j."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from graphsvc.config import Settings
from graphsvc.db import Database
from tests.support import cli_command, run_cli, run_json


def test_neo4j_status_json(settings: Settings, db: Database) -> None:
    status = run_json(settings, "neo4j", "status")
    assert status["running"] is True and status["ready"] is True
    if settings.managed:
        assert status["managed"] is True and status["uri"] == db.uri and status["pid"] > 0


def test_db_migrate_twice_changes_nothing(settings: Settings, db: Database) -> None:
    report = run_json(settings, "db", "migrate")
    assert report["applied"] == [] and report["before"] == report["after"]


def test_db_cypher_reads_with_parameters_and_guards_writes(settings: Settings, db: Database) -> None:
    out = run_json(settings, "db", "cypher", "RETURN $name AS name, $n + 1 AS next", "-p", "name=Ada", "-p", "n=41")
    assert out == {"columns": ["name", "next"], "rows": [{"name": "Ada", "next": 42}], "query_type": "r"}

    refused = run_cli(settings, "db", "cypher", "CREATE (:Topic {name: 'x'})", "--json", check=False)
    assert refused.returncode == 2
    assert json.loads(refused.stdout)["code"] == "CYPHER_ERROR"
    assert db.adhoc("MATCH (t:Topic) RETURN count(t) AS n", {}, allow_write=False)[1] == [{"n": 0}]

    written = run_json(
        settings, "db", "cypher", "CREATE (t:Topic {name: $n}) RETURN t.name AS name", "-p", "n=crm", "--write"
    )
    assert written["rows"] == [{"name": "crm"}] and written["query_type"] == "rw"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["db", "cypher", "RETURN 1", "-p", "no-equals"], "expected name=value"),
        (["db", "cypher", "RETUR 1"], "SyntaxError"),
    ],
)
def test_bad_input_gets_a_clear_error(settings: Settings, db: Database, args: list[str], message: str) -> None:
    proc = run_cli(settings, *args, check=False)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_bad_setting_names_the_variable(settings: Settings) -> None:
    env = dict(os.environ, GRAPHSVC_PORT="eighty")
    proc = subprocess.run(
        cli_command("neo4j", "status"), capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert proc.returncode == 2
    assert "GRAPHSVC_PORT" in proc.stderr and "'eighty'" in proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["resolve", "--threshold", "1.5"], "Invalid value for '--threshold'"),
        (["serve", "--workers", "0"], "Invalid value for '--workers'"),
        (["review", "list", "--no-such-option"], "No such option: --no-such-option"),
    ],
)
def test_a_bad_option_is_reported_as_json_with_json(settings: Settings, args: list[str], message: str) -> None:
    as_json = run_cli(settings, *args, "--json", check=False)
    assert as_json.returncode == 2 and as_json.stderr == ""
    error = json.loads(as_json.stdout)
    assert error["code"] == "BAD_USER_INPUT" and message in error["message"]
    assert error["hint"].startswith("Usage: graphsvc ")
    as_text = run_cli(settings, *args, check=False)  # for people: click's own rendering
    assert as_text.returncode == 2 and message in as_text.stderr and as_text.stdout == ""


@pytest.mark.parametrize(
    ("args", "exit_code", "code"),
    [
        (["person", "show", "p-nobody"], 1, "NOT_FOUND"),
        (["db", "cypher", "RETUR 1"], 2, "CYPHER_ERROR"),
        (["jobs", "run", "everything"], 2, "BAD_USER_INPUT"),
    ],
)
def test_exit_codes_follow_whose_fault_it_is(
    settings: Settings, db: Database, args: list[str], exit_code: int, code: str
) -> None:
    done = run_cli(settings, *args, "--json", check=False)
    assert (done.returncode, json.loads(done.stdout)["code"]) == (exit_code, code)
