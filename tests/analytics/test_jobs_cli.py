"""`graphsvc jobs run|list` through typer's runner, against the session's Neo4j."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from graphsvc.cli.jobs_cmd import app, parse_since
from graphsvc.config import Settings, get_settings
from graphsvc.db import Database
from graphsvc.errors import InputError
from tests.analytics.graphs import write_graph
from tests.support import cli_env


@pytest.fixture
def runner(settings: Settings) -> Iterator[CliRunner]:
    get_settings.cache_clear()  # the settings are read once per process: read them with the test's environment
    yield CliRunner(env=cli_env(settings))
    get_settings.cache_clear()


def test_run_all_then_list_as_json(db: Database, runner: CliRunner) -> None:
    write_graph(
        db,
        identities={"twitter:a": 3, "twitter:b": 1, "twitter:c": 0},
        follows=[("twitter:a", "twitter:b"), ("twitter:c", "twitter:b"), ("twitter:b", "twitter:a")],
        persons={"A": ["twitter:a"], "B": ["twitter:b"], "C": ["twitter:c"]},
    )
    result = runner.invoke(app, ["run", "all", "--platform", "Twitter", "--since", "2024-01-01", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["status"] == "succeeded" and report["kind"] == "all"
    assert report["counts"]["written_person_scores"] == 3 and report["top_persons"][0]["person"] == "B"
    listed = runner.invoke(app, ["list", "--json"])
    assert listed.exit_code == 0, listed.output
    job = json.loads(listed.stdout)["jobs"][0]
    assert job["id"] == report["id"] and job["params"]["platform"] == "twitter"
    assert job["params"]["since"] == "2024-01-01T00:00:00+00:00"


def test_bad_arguments_name_the_place() -> None:
    with pytest.raises(InputError, match="--since: expected an ISO 8601 date"):
        parse_since("last tuesday")
    result = CliRunner().invoke(app, ["run", "popularity"])
    assert isinstance(result.exception, InputError) and result.exception.where == "KIND"
