"""The suppression list on the real Neo4j: erased identifiers stay only as keyed hashes (the key kept
outside the graph) and are never re-imported."""

from __future__ import annotations

import hashlib
import hmac
import json
import stat
from pathlib import Path

import pytest

from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.errors import ConfigError
from graphsvc.ingest.importer import import_files
from graphsvc.ingest.suppression import load_suppression, suppress_identifiers, suppression_hash
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
    key = db.suppression_key()
    db.write_tx(lambda tx: suppress_identifiers(tx, key, ERASED))
    db.write_tx(lambda tx: suppress_identifiers(tx, key, ERASED[:1]))  # twice changes nothing
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


def test_the_key_stays_outside_the_graph(db: Database, settings: Settings, tmp_path: Path) -> None:
    """The hashes are HMAC-SHA256 under the key file's secret (0600, in the state directory), which no
    node holds; a process with another key is refused rather than silently missing every entry."""
    key = db.suppression_key()
    db.write_tx(lambda tx: suppress_identifiers(tx, key, ERASED))
    key_file = settings.state_dir / "suppression.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    secret = key_file.read_text(encoding="ascii").strip()
    assert key == secret.encode("ascii") and secret.lower() not in every_value(db)
    expected = hmac.new(key, b"email:ada@analytical.example", hashlib.sha256).hexdigest()
    assert suppression_hash(key, "email", "ada@analytical.example") == expected
    hashes = {row["h"] for row in db.adhoc("MATCH (s:Suppression) RETURN s.hash AS h", {}, allow_write=False)[1]}
    assert expected in hashes

    other = settings.model_copy(update={"suppression_key": "x" * 40})
    with Database.from_settings(other, autostart=False) as elsewhere, pytest.raises(ConfigError) as refused:
        load_suppression(elsewhere)
    assert "another suppression key" in refused.value.message
    loose = tmp_path / "loose.key"
    loose.write_text("y" * 64, encoding="ascii")
    loose.chmod(0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        settings.model_copy(update={"suppression_key_file": loose}).suppression_secret()


def test_a_crm_record_is_suppressed_by_source_and_id(db: Database, tmp_path: Path) -> None:
    key = db.suppression_key()
    db.write_tx(lambda tx: suppress_identifiers(tx, key, [{"platform": "contact", "key": "crm:1"}]))
    contacts = write_csv(
        tmp_path / "contacts.csv",
        CONTACT_HEADER,
        [
            ["crm", "1", "Ada King", "", "", "new@address.example", "", "", "", "", "", ""],  # a new email, same record
            ["crm", "2", "Grace Hopper", "", "", "grace@navy.example", "", "", "", "", "", ""],
        ],
    )
    summary = import_files(db, "contacts", [contacts])
    assert (summary.written, summary.suppressed) == (1, 1)
    linked = write_csv(
        tmp_path / "identities.csv",
        ["platform", "handle", "contact_source", "contact_id"],
        [["twitter", "ada_new", "crm", "1"], ["twitter", "grace", "crm", "2"]],
    )
    summary = import_files(db, "identities", [linked])
    assert (summary.written, summary.suppressed) == (1, 1)
    assert "new@address.example" not in every_value(db) and "ada_new" not in every_value(db)
