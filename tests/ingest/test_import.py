"""Importers against the real Neo4j: both formats, gzip, all-or-nothing, --skip-invalid, re-import, kill -9."""

from __future__ import annotations

import csv
import gzip
import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from graphsvc.config import Settings
from graphsvc.db import Database, query
from graphsvc.errors import InputError
from graphsvc.ingest.fields import ConvertOptions
from graphsvc.ingest.importer import import_files
from tests.support import cli_command, cli_env, run_json

CONTACT_HEADER = [
    "source",
    "source_id",
    "name",
    "given_name",
    "family_name",
    "email",
    "phone",
    "company",
    "title",
    "city",
    "country",
    "updated_at",
]


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8", newline="") as handle:  # type: ignore[operator]
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, objects: list[dict[str, Any]]) -> Path:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as handle:  # type: ignore[operator]
        for obj in objects:
            handle.write(json.dumps(obj) + "\n")
    return path


def snapshot(db: Database, *, volatile: tuple[str, ...] = ()) -> tuple[list[Any], list[Any]]:
    """Every node and relationship with its properties, in a stable order (minus ``volatile`` keys)."""
    _, nodes, _ = db.adhoc(
        # the data: not the schema's bookkeeping, nor the record of the rejects files written
        "MATCH (n) WHERE NOT n:SchemaVersion AND NOT n:WrittenFile RETURN labels(n) AS l, properties(n) AS p",
        {},
        allow_write=False,
    )
    _, rels, _ = db.adhoc(
        "MATCH (a)-[r]->(b) RETURN type(r) AS t, properties(r) AS p, properties(a) AS a, properties(b) AS b",
        {},
        allow_write=False,
    )

    def clean(props: dict[str, Any]) -> str:
        return json.dumps({k: v for k, v in props.items() if k not in volatile}, sort_keys=True, default=str)

    return (
        sorted(f"{r['l']}{clean(r['p'])}" for r in nodes),
        sorted(f"{r['t']}{clean(r['p'])}{clean(r['a'])}{clean(r['b'])}" for r in rels),
    )


@pytest.fixture
def contacts_csv(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "contacts.csv",
        CONTACT_HEADER,
        [
            [
                "salesforce",
                "003A",
                "Dr. Ada Lovelace",
                "",
                "",
                "Ada.Lovelace+crm@Gmail.com",
                "(415) 555-2671",
                "Analytical Engines",
                "CTO",
                " London ",
                "GB",
                "2026-03-01T10:00:00Z",
            ],
            [
                "salesforce",
                "003B",
                "Grace Hopper",
                "",
                "",
                "grace@navy.example; g.hopper@gmail.com",
                "",
                "US Navy",
                "",
                "",
                "US",
                "",
            ],
        ],
    )


def test_contacts_csv_import_normalises_and_links(db: Database, contacts_csv: Path) -> None:
    summary = import_files(db, "contacts", [contacts_csv])
    assert (summary.read, summary.written, summary.rejected) == (2, 2, 0)
    rows = db.adhoc(
        "MATCH (c:Contact {sourceId: '003A'})-[:HAS]->(i:Identity) "
        "RETURN c.name AS name, c.givenName AS given, c.familyName AS family, c.city AS city, "
        "c.importedFrom AS origin, c.importedAt IS NOT NULL AS stamped, i.platform AS platform, i.key AS key, "
        "i.matchKey AS matchKey ORDER BY platform",
        {},
        allow_write=False,
    )[1]
    assert [(r["platform"], r["key"], r["matchKey"]) for r in rows] == [
        ("email", "ada.lovelace+crm@gmail.com", "adalovelace@gmail.com"),
        ("phone", "+14155552671", "+14155552671"),
    ]
    assert rows[0]["name"] == "Ada Lovelace" and (rows[0]["given"], rows[0]["family"]) == ("Ada", "Lovelace")
    assert rows[0]["city"] == "London" and rows[0]["origin"] == "import:contacts" and rows[0]["stamped"]
    orgs = db.adhoc(
        "MATCH (:Contact)-[:WORKS_AT]->(o:Organization) RETURN o.name AS name ORDER BY name", {}, allow_write=False
    )[1]
    assert [o["name"] for o in orgs] == ["Analytical Engines", "US Navy"]
    grace = db.adhoc("MATCH (:Contact {sourceId: '003B'})-[:HAS]->(i) RETURN count(i) AS n", {}, allow_write=False)
    assert grace[1] == [{"n": 2}]


def test_identities_jsonl_gz_with_profile_urls(db: Database, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "identities.jsonl.gz",
        [
            {"handle": "https://x.com/AdaL", "display_name": "Ada L.", "followers": "1,200", "verified": "true"},
            {"platform": "linkedin", "handle": "linkedin.com/in/ada-lovelace/", "location": "London"},
            {"platform": "github", "handle": "@ada", "contact_source": "salesforce", "contact_id": "003A"},
        ],
    )
    summary = import_files(db, "identities", [path])
    assert summary.written == 3
    rows = db.adhoc(
        "MATCH (i:Identity) RETURN i.platform AS p, i.key AS k, i.followers AS f, i.verified AS v ORDER BY p",
        {},
        allow_write=False,
    )[1]
    assert [(r["p"], r["k"]) for r in rows] == [("github", "ada"), ("linkedin", "ada-lovelace"), ("twitter", "adal")]
    assert rows[2]["f"] == 1200 and rows[2]["v"] is True
    linked = db.adhoc(
        "MATCH (c:Contact {source: 'salesforce', sourceId: '003A'})-[:HAS]->(i:Identity) RETURN i.platform AS p",
        {},
        allow_write=False,
    )[1]
    assert linked == [{"p": "github"}]


def test_edges_and_posts_build_the_social_graph(db: Database, tmp_path: Path) -> None:
    edges = write_csv(
        tmp_path / "edges.csv",
        ["src_platform", "src_handle", "dst_platform", "dst_handle", "type", "since", "weight"],
        [
            ["twitter", "@bob", "twitter", "ada", "FOLLOWS", "2025-01-01", ""],
            ["", "https://twitter.com/carol", "", "x.com/ada", "follows", "", "2"],
            ["linkedin", "bob-b", "linkedin", "ada-l", "CONNECTED_TO", "", ""],
        ],
    )
    assert import_files(db, "edges", [edges]).written == 3
    posts = write_jsonl(
        tmp_path / "posts.jsonl",
        [
            {
                "platform": "twitter",
                "post_id": "1",
                "author": "ada",
                "text": "Loving #graphs with @bob",
                "created_at": "2026-01-10T09:00:00Z",
                "mentions": ["@bob"],
                "hashtags": ["graphs"],
            },
            {
                "platform": "twitter",
                "post_id": "2",
                "author": "bob",
                "text": "@ada agreed!",
                "created_at": "2026-01-11T09:00:00Z",
                "reply_to": "1",
                "mentions": ["ada"],
            },
            {
                "platform": "twitter",
                "post_id": "3",
                "author": "carol",
                "text": "RT",
                "created_at": "2026-01-12T09:00:00Z",
                "share_of": "1",
            },
        ],
    )
    summary = import_files(db, "posts", [posts])
    assert summary.written == 3 and summary.interactions == 3
    follows = db.adhoc(
        "MATCH (a)-[r:FOLLOWS]->(b {key: 'ada'}) RETURN a.key AS a, r.weight AS w ORDER BY a", {}, allow_write=False
    )[1]
    assert follows == [{"a": "bob", "w": None}, {"a": "carol", "w": 2.0}]
    interacted = db.adhoc(
        "MATCH (a)-[r:INTERACTED]->(b) RETURN a.key AS a, b.key AS b, r.replies AS replies, "
        "r.mentions AS mentions, r.shares AS shares, r.count AS n ORDER BY a",
        {},
        allow_write=False,
    )[1]
    assert interacted == [
        {"a": "ada", "b": "bob", "replies": 0, "mentions": 1, "shares": 0, "n": 1},
        {"a": "bob", "b": "ada", "replies": 1, "mentions": 1, "shares": 0, "n": 2},
        {"a": "carol", "b": "ada", "replies": 0, "mentions": 0, "shares": 1, "n": 1},
    ]
    tags = db.adhoc("MATCH (:Post {postId: '1'})-[:TAGGED]->(t:Topic) RETURN t.name AS t", {}, allow_write=False)[1]
    assert tags == [{"t": "graphs"}]


def test_one_bad_row_writes_nothing_and_names_the_place(db: Database, contacts_csv: Path, tmp_path: Path) -> None:
    bad = write_csv(
        tmp_path / "bad.csv",
        CONTACT_HEADER,
        [
            ["hubspot", "1", "Ok Person", "", "", "ok@example.com", "", "", "", "", "", ""],
            ["hubspot", "2", "Bad Mail", "", "", "not-an-email", "", "", "", "", "", ""],
            ["hubspot", "3", "Bad Time", "", "", "", "", "", "", "", "", "yesterday"],
        ],
    )
    with pytest.raises(InputError) as info:
        import_files(db, "contacts", [bad])
    message = info.value.message
    assert "2 invalid record(s); nothing was written" in message
    assert f"{bad}:3:email" in message and "not-an-email" in message
    assert f"{bad}:4:updated_at" in message and "ISO 8601" in message
    assert snapshot(db) == ([], [])


def test_skip_invalid_writes_good_rows_and_collects_rejects(db: Database, tmp_path: Path) -> None:
    bad = write_csv(
        tmp_path / "edges.csv",
        ["src_handle", "dst_handle", "type", "src_platform", "dst_platform"],
        [
            ["a", "b", "FOLLOWS", "twitter", "twitter"],
            ["a", "c", "LIKES", "twitter", "twitter"],
            ["this handle is far too long", "b", "FOLLOWS", "twitter", "twitter"],
        ],
    )
    summary = import_files(db, "edges", [bad], skip_invalid=True)
    assert (summary.read, summary.written, summary.rejected) == (3, 1, 2)
    rejects = [json.loads(line) for line in Path(summary.rejects_file or "").read_text().splitlines()]
    assert [(r["line"], r["where"].rsplit(":", 1)[1]) for r in rejects] == [(3, "type"), (4, "src_handle")]
    assert "LIKES" in rejects[0]["error"] and rejects[1]["record"]["src_handle"] == "this handle is far too long"
    assert db.adhoc("MATCH ()-[r:FOLLOWS]->() RETURN count(r) AS n", {}, allow_write=False)[1] == [{"n": 1}]


def test_parallel_conversion_gives_the_sequential_graph_and_errors(db: Database, tmp_path: Path) -> None:
    rows = [
        [
            "hubspot",
            str(n),
            f"Person {n} Example",
            "",
            "",
            f"p{n}@example.com",
            f"+1 415 555 {n % 10000:04d}",
            f"Co {n % 7}",
            "",
            "Boston",
            "US",
            "",
        ]
        for n in range(1, 4501)
    ]  # more than one chunk per worker
    rows[2999][5] = "not-an-email"
    path = write_csv(tmp_path / "many.csv", CONTACT_HEADER, rows)
    with pytest.raises(InputError) as info:
        import_files(db, "contacts", [path], parallel=True)
    assert f"{path}:3001:email" in info.value.message and snapshot(db) == ([], [])

    parallel = import_files(
        db, "contacts", [path], parallel=True, skip_invalid=True, rejects_path=tmp_path / "p.rejects.jsonl"
    )
    graph = snapshot(db, volatile=("createdAt", "importedAt", "importedFrom"))
    db.run_statement(query("admin.wipe_data"))
    sequential = import_files(
        db, "contacts", [path], parallel=False, skip_invalid=True, rejects_path=tmp_path / "s.rejects.jsonl"
    )
    assert (
        (parallel.read, parallel.written, parallel.rejected)
        == (sequential.read, sequential.written, 1)
        == (4500, 4499, 1)
    )
    assert snapshot(db, volatile=("createdAt", "importedAt", "importedFrom")) == graph
    assert (tmp_path / "p.rejects.jsonl").read_text() == (tmp_path / "s.rejects.jsonl").read_text()


def test_missing_column_and_mapping(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "crm.csv", ["crm", "id", "Full Name"], [["zoho", "9", "Alan Turing"]])
    with pytest.raises(InputError, match=r"crm.csv:1: missing required column\(s\) \['source', 'source_id'\]"):
        import_files(db, "contacts", [path])
    summary = import_files(db, "contacts", [path], mapping={"crm": "source", "id": "source_id", "Full Name": "name"})
    assert summary.written == 1 and summary.ignored_columns == []
    assert db.adhoc("MATCH (c:Contact) RETURN c.familyName AS f", {}, allow_write=False)[1] == [{"f": "Turing"}]


def test_reimport_changes_nothing_and_update_keeps_provenance(db: Database, contacts_csv: Path, tmp_path: Path) -> None:
    import_files(db, "contacts", [contacts_csv])
    before = snapshot(db)
    import_files(db, "contacts", [contacts_csv])
    assert snapshot(db) == before  # not even importedAt moves

    stamp = "MATCH (c:Contact {sourceId: $id}) RETURN c.title AS title, c.importedAt AS at"
    first = db.adhoc(stamp, {"id": "003A"}, allow_write=False)[1][0]
    untouched = db.adhoc(stamp, {"id": "003B"}, allow_write=False)[1][0]
    time.sleep(0.01)
    lines = contacts_csv.read_text().replace(",CTO,", ",Chief Scientist,")
    updated = tmp_path / "contacts-v2.csv"
    updated.write_text(lines)
    import_files(db, "contacts", [updated], options=ConvertOptions(default_region="US"))
    second = db.adhoc(stamp, {"id": "003A"}, allow_write=False)[1][0]
    assert second["title"] == "Chief Scientist" and second["at"] > first["at"]
    assert db.adhoc(stamp, {"id": "003B"}, allow_write=False)[1][0] == untouched


def edges_import(tmp_path: Path, edges: int) -> list[str]:
    """The `graphsvc import edges` command of a file of ``edges`` FOLLOWS ties, in batches of 500."""
    rows = [["twitter", f"user{i}", "twitter", f"user{(i * 7 + 1) % 3000}", "FOLLOWS", "", ""] for i in range(edges)]
    path = write_csv(
        tmp_path / "edges.csv",
        ["src_platform", "src_handle", "dst_platform", "dst_handle", "type", "since", "weight"],
        rows,
    )
    return cli_command("import", "edges", str(path), "--batch-size", "500", "--json")


def test_import_killed_half_way_then_rerun_equals_uninterrupted(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    command = edges_import(tmp_path, 30000)

    subprocess.run(command, env=cli_env(settings), check=True, capture_output=True, timeout=300)
    uninterrupted = snapshot(db, volatile=("createdAt",))
    assert len(uninterrupted[1]) == 30000

    db.run_statement("MATCH (n) WHERE NOT n:SchemaVersion DETACH DELETE n")
    victim = subprocess.Popen(command, env=cli_env(settings), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while db.adhoc("MATCH ()-[r:FOLLOWS]->() RETURN count(r) AS n", {}, allow_write=False)[1][0]["n"] < 2000:
        assert victim.poll() is None and time.monotonic() < deadline, "import ended before it could be killed"
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    partial = db.adhoc("MATCH ()-[r:FOLLOWS]->() RETURN count(r) AS n", {}, allow_write=False)[1][0]["n"]
    assert 0 < partial < 30000

    rerun = subprocess.run(command, env=cli_env(settings), check=True, capture_output=True, text=True, timeout=300)
    assert json.loads(rerun.stdout)["written"] == 30000
    assert snapshot(db, volatile=("createdAt",)) == uninterrupted


def test_cli_import_then_stats(db: Database, settings: Settings, contacts_csv: Path) -> None:
    summary = run_json(settings, "import", "contacts", str(contacts_csv))
    assert (summary["read"], summary["written"], summary["rejected"]) == (2, 2, 0)
    assert summary["rows_per_second"] > 0
    counts = run_json(settings, "db", "stats")
    assert (counts["contacts"], counts["identities"], counts["organizations"]) == (2, 4, 2)
