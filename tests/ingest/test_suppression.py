"""The suppression list on the real Neo4j: erased identifiers stay only as salted hashes and are never re-imported."""

from __future__ import annotations

import json
from pathlib import Path

from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.ingest.importer import import_files
from graphsvc.ingest.suppression import load_suppression, suppress_identifiers
from tests.ingest.test_import import CONTACT_HEADER, write_csv, write_jsonl
from tests.support import run_json

IDENTITY_HEADER = ["platform", "handle", "display_name"]
ERASED = [{"platform": "email", "key": "ada@analytical.example"}, {"platform": "twitter", "key": "ada_lovelace"}]


def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "contacts": write_csv(
            tmp_path / "contacts.csv",
            CONTACT_HEADER,
            [
                ["crm", "1", "Ada Lovelace", "", "", "ada@analytical.example", "", "", "", "", "", ""],
                ["crm", "2", "Grace Hopper", "", "", "grace@navy.example", "", "", "", "", "", ""],
            ],
        ),
        "identities": write_csv(
            tmp_path / "identities.csv",
            IDENTITY_HEADER,
            [["twitter", "@ada_lovelace", "Ada"], ["twitter", "@grace", "Grace"]],
        ),
        "edges": write_csv(
            tmp_path / "edges.csv",
            ["src_handle", "dst_handle", "type", "src_platform", "dst_platform"],
            [
                ["grace", "ada_lovelace", "FOLLOWS", "twitter", "twitter"],
                ["ada_lovelace", "grace", "FOLLOWS", "twitter", "twitter"],
            ],
        ),
        "posts": write_jsonl(
            tmp_path / "posts.jsonl",
            [
                {
                    "platform": "twitter",
                    "post_id": "1",
                    "author": "ada_lovelace",
                    "text": "engines!",
                    "created_at": "2026-01-01T00:00:00Z",
                },
                {
                    "platform": "twitter",
                    "post_id": "2",
                    "author": "grace",
                    "text": "hi @ada_lovelace",
                    "mentions": ["ada_lovelace"],
                    "created_at": "2026-01-02T00:00:00Z",
                },
            ],
        ),
    }


def every_value(db: Database) -> str:
    rows = db.adhoc(
        "MATCH (n) RETURN properties(n) AS p UNION ALL MATCH ()-[r]->() RETURN properties(r) AS p",
        {},
        allow_write=False,
    )[1]
    return json.dumps(rows, default=str).lower()


def test_suppressed_identifiers_are_refused_on_import_and_never_readable(
    db: Database, tmp_path: Path, settings: Settings
) -> None:
    assert load_suppression(db) is None  # an empty list: imports check nothing
    db.write_tx(lambda tx: suppress_identifiers(tx, ERASED))
    db.write_tx(lambda tx: suppress_identifiers(tx, ERASED[:1]))  # twice changes nothing
    hashes = db.adhoc("MATCH (s:Suppression) RETURN s.hash AS h", {}, allow_write=False)[1]
    assert len(hashes) == 2
    assert "ada@analytical.example" not in every_value(db) and "ada_lovelace" not in every_value(db)

    paths = files(tmp_path)
    summaries = {kind: import_files(db, kind, [path]) for kind, path in paths.items()}
    assert {k: (s.read, s.written, s.suppressed) for k, s in summaries.items()} == {
        "contacts": (2, 1, 1),
        "identities": (2, 1, 1),
        "edges": (2, 0, 2),
        "posts": (2, 1, 1),
    }
    text = every_value(db)
    assert "ada@analytical.example" not in text, text
    assert "ada_lovelace" not in text and "hi @[erased]" in text  # the mention is redacted in the kept post
    grace = db.adhoc("MATCH (:Post {postId: '2'})-[:MENTIONS]->(i) RETURN count(i) AS n", {}, allow_write=False)[1]
    assert grace == [{"n": 0}]  # the mention of the erased account is dropped, the post kept

    cli = run_json(settings, "import", "contacts", str(paths["contacts"]))
    assert (cli["suppressed"], cli["written"]) == (1, 1)
