from __future__ import annotations

import pytest

from graphsvc.db import Database
from graphsvc.errors import CypherError, DatabaseUnavailable, QueryFailed, is_callers
from tests.support import free_port


def test_named_read_and_write_round_trip(db: Database) -> None:
    before = db.round_trips
    db.adhoc("CREATE (:Topic {name: $name})", {"name": "crm"}, allow_write=True)
    keys, rows, kind = db.adhoc("MATCH (t:Topic) RETURN t.name AS name", {}, allow_write=False)
    assert (keys, rows, kind) == (["name"], [{"name": "crm"}], "r")
    assert db.round_trips == before + 2


def test_rows_read_as_record_data_gives_them(db: Database) -> None:
    """The fast conversion of records agrees with the driver's own for every kind of value."""
    db.adhoc(
        "CREATE (:Topic {name: 'a', at: datetime('2025-01-02T03:04:05Z')})-[:RELATED {w: 1.5}]->"
        "(:Topic {name: 'b', tags: ['x', 'y']})",
        {},
        allow_write=True,
    )
    text = """MATCH path = (a:Topic {name: 'a'})-[r]->(b) RETURN path, r, a, b {.*, n: [1, null, {k: 'v'}]} AS map,
              a.at AS at, date('2025-01-02') AS day, duration('P1D') AS span, point({x: 1, y: 2}) AS point,
              [[1, 2], []] AS nested, null AS nothing"""
    with db.driver.session(database=db.database) as session:
        expected = [record.data() for record in session.run(text)]
    _, rows, _ = db.adhoc(text, {}, allow_write=False)
    assert rows == expected
    assert rows[0]["map"] == {"name": "b", "tags": ["x", "y"], "n": [1, None, {"k": "v"}]}
    assert rows[0]["r"] == ({"name": "a", "at": rows[0]["at"]}, "RELATED", {"name": "b", "tags": ["x", "y"]})


def test_adhoc_refuses_writes_without_permission(db: Database) -> None:
    with pytest.raises(CypherError, match=r"would write .*--write"):
        db.adhoc("CREATE (:Topic {name: 'x'})", {}, allow_write=False)
    assert db.adhoc("MATCH (t:Topic) RETURN count(t) AS n", {}, allow_write=False)[1] == [{"n": 0}]


def test_adhoc_batched_writes_run_in_their_own_transactions(db: Database) -> None:
    db.adhoc("UNWIND range(1, 250) AS n CREATE (:Topic {name: 't' + n})", {}, allow_write=True)
    text = "MATCH (t:Topic) CALL (t) { DETACH DELETE t } IN TRANSACTIONS OF $size ROWS"
    with pytest.raises(CypherError, match="would write"):
        db.adhoc(text, {"size": 100}, allow_write=False)  # still refused without --write
    db.adhoc(text, {"size": 100}, allow_write=True)
    assert db.adhoc("MATCH (t:Topic) RETURN count(t) AS n", {}, allow_write=False)[1] == [{"n": 0}]


def test_parameters_are_never_spliced_into_text(db: Database) -> None:
    hostile = "x'}) DETACH DELETE n //"
    db.adhoc("CREATE (:Topic {name: $name})", {"name": hostile}, allow_write=True)
    assert db.adhoc("MATCH (t:Topic) RETURN t.name AS name", {}, allow_write=False)[1] == [{"name": hostile}]


def test_syntax_error_is_translated(db: Database) -> None:
    with pytest.raises(CypherError, match="SyntaxError"):
        db.adhoc("RETUR 1", {}, allow_write=False)


def test_a_named_query_the_server_rejects_is_our_fault_not_the_callers(db: Database) -> None:
    with pytest.raises(QueryFailed, match="ParameterMissing") as info:
        db.read("resolve.candidate")  # the query needs $id
    assert not is_callers(info.value) and info.value.exit_code == 5


def test_unreachable_server_is_database_unavailable() -> None:
    with (
        Database(f"bolt://127.0.0.1:{free_port()}", ("neo4j", "x")) as db,
        pytest.raises(DatabaseUnavailable, match="unavailable") as info,
    ):
        db.ping()
    assert "graphsvc neo4j start" in (info.value.hint or "")


def test_a_read_only_query_may_not_load_files_or_call_other_procedures(db: Database) -> None:
    """Neo4j counts LOAD CSV and procedure calls as reads; without --write they are refused all the
    same, from the server's own plan (so no spelling, comment or case gets one past)."""
    import pytest

    from graphsvc.errors import CypherError

    for text in (
        "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
        "load   csv with headers from 'http://169.254.169.254/latest' AS l RETURN l",
        "CALL db.clearQueryCaches()",
        "CALL /* a comment */ dbms.listConfig() YIELD name RETURN name",
        "MATCH (n) WITH count(n) AS n CALL db.clearQueryCaches() YIELD value RETURN value",
    ):
        with pytest.raises(CypherError) as refused:
            db.adhoc(text, {}, allow_write=False)
        assert "--write" in str(refused.value), text
    # the procedures that describe the graph stay open, and --write lifts the rule
    keys, _, kind = db.adhoc("CALL db.labels() YIELD label RETURN label", {}, allow_write=False)
    assert keys == ["label"] and kind == "r"
    assert db.adhoc("CALL db.clearQueryCaches()", {}, allow_write=True)[0] == ["value"]
