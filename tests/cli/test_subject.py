"""`graphsvc consent` and `graphsvc subject` as a user runs them, against the real Neo4j."""

from __future__ import annotations

import json
from pathlib import Path

from graphsvc.config import Settings
from graphsvc.db import Database
from tests.api.graph import ADA_PII, write_social_map
from tests.support import run_json


def test_consent_export_and_erase_from_the_cli(db: Database, settings: Settings, tmp_path: Path) -> None:
    write_social_map(db)
    recorded = run_json(
        settings,
        "consent",
        "record",
        "p3",
        "marketing",
        "granted",
        "--legal-basis",
        "consent",
        "--expires-at",
        "2099-01-01T00:00:00+00:00",
        "--by",
        "dpo",
    )
    assert (
        recorded["status"] == "granted" and recorded["recordedBy"] == "cli:dpo" and recorded["legalBasis"] == "consent"
    )
    assert run_json(settings, "consent", "show", "p3")["effective"] == {"marketing": "granted"}
    bad = run_json(settings, "consent", "record", "p3", "marketing", "maybe", check=False)
    assert bad["code"] == "BAD_USER_INPUT" and "granted" in bad["message"]

    out = tmp_path / "ada.json"
    exported = run_json(settings, "subject", "export", "p1", "--out", str(out), "--by", "dpo")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert ADA_PII["email"] in json.dumps(data) and data["accessEvent"] == exported["access_event"]

    refused = run_json(settings, "subject", "erase", "p1", check=False)  # no --yes: nothing happens
    assert refused["code"] == "BAD_USER_INPUT"
    erased = run_json(settings, "subject", "erase", "p1", "--yes", "--by", "dpo")
    assert erased["identities"] == 3 and erased["contacts"] == 1
    assert erased["deleted_files"] == [str(out.resolve())] and not out.exists()  # the export held her
    assert db.adhoc("MATCH (p:Person {id: 'p1'}) RETURN count(p) AS n", {}, allow_write=False)[1] == [{"n": 0}]
    actor = db.adhoc("MATCH (a:AuditEvent {action: 'erase'}) RETURN a.actor AS actor", {}, allow_write=False)[1]
    assert actor == [{"actor": "cli:dpo"}]
