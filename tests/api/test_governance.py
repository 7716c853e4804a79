"""Trust in the unified profile over GraphQL: values with provenance, merge preview, unmerge, history, roles."""

from __future__ import annotations

from pathlib import Path

from graphsvc.db import Database
from graphsvc.ingest.importer import import_files
from graphsvc.resolve import resolve
from tests.api.client import ask, data, error
from tests.ingest.test_import import write_csv
from tests.resolve.conftest import CONTACT_HEADER, CONTACTS, IDENTITIES, IDENTITY_HEADER, filler_contacts

VALUES = "query($id: ID!) { personValues(id: $id) { field value source rule edited } }"


def _crm(db: Database, tmp_path: Path) -> str:
    import_files(db, "contacts", [write_csv(tmp_path / "c.csv", CONTACT_HEADER, CONTACTS + filler_contacts(100))])
    import_files(db, "identities", [write_csv(tmp_path / "i.csv", IDENTITY_HEADER, IDENTITIES)])
    resolve(db)
    rows = db.adhoc(
        "MATCH (p:Person)-[:HAS_MEMBER]->(:Contact {source: 'salesforce', sourceId: '001'}) RETURN p.id AS id",
        {},
        allow_write=False,
    )[1]
    return str(rows[0]["id"])


def test_values_preview_split_edit_and_history(api: str, db: Database, keys: dict[str, str], tmp_path: Path) -> None:
    ada = _crm(db, tmp_path)
    analyst = keys["analyst"]
    values = {v["field"]: v for v in data(ask(api, VALUES, {"id": ada}, key=analyst))["personValues"]}
    assert values["name"]["value"] == "Ada Lovelace" and values["name"]["source"] == "contact:salesforce:001"
    assert values["email"]["value"] == "ada@analytical.example"
    viewer = {v["field"]: v for v in data(ask(api, VALUES, {"id": ada}, key=keys["viewer"]))["personValues"]}
    assert viewer["email"]["value"] is None and viewer["name"]["value"] == "Ada Lovelace"  # PII below analyst

    preview = data(
        ask(api, "{ mergePreview { personsBefore personsAfter merges splits consolidationRate } }", key=analyst)
    )["mergePreview"]
    assert preview["personsBefore"] == preview["personsAfter"] and preview["merges"] == preview["splits"] == 0
    before = db.adhoc("MATCH (j:JobRun) RETURN count(j) AS n", {}, allow_write=False)[1]

    split = data(
        ask(
            api,
            'mutation($id: ID!) { splitPerson(id: $id, records: ["identity:twitter:ada_lovelace"], '
            'reason: "fan account") { person newPerson moved cannotLinks } }',
            {"id": ada},
            key=analyst,
        )
    )
    assert (
        split["splitPerson"]["moved"] == ["identity:twitter:ada_lovelace"] and split["splitPerson"]["cannotLinks"] > 0
    )
    again = data(ask(api, "{ mergePreview { merges splits } }", key=analyst))["mergePreview"]
    assert again == {"merges": 0, "splits": 0}  # the split is respected by the next run
    assert db.adhoc("MATCH (j:JobRun) RETURN count(j) AS n", {}, allow_write=False)[1] == before  # nothing written

    edited = data(
        ask(
            api,
            'mutation($id: ID!) { editPerson(id: $id, field: "title", value: "Countess") { field value edited } }',
            {"id": ada},
            key=analyst,
        )
    )["editPerson"]
    assert {"field": "title", "value": "Countess", "edited": True} in edited
    history = data(
        ask(api, "query($id: ID!) { personHistory(id: $id) { action by reason } }", {"id": ada}, key=analyst)
    )["personHistory"]
    assert [h["action"] for h in history][:2] == ["edit", "split"] and history[1]["reason"] == "fan account"
    assert history[0]["by"].startswith("apikey:")

    bad = error(
        ask(
            api,
            'mutation($id: ID!) { detachRecord(personId: $id, record: "identity:twitter:nobody") { person } }',
            {"id": ada},
            key=analyst,
        )
    )
    assert bad["extensions"]["code"] == "BAD_USER_INPUT" and bad["path"] == ["detachRecord"]
    denied = error(
        ask(
            api,
            'mutation($id: ID!) { editPerson(id: $id, field: "title", value: "x") { field } }',
            {"id": ada},
            key=keys["marketer"],
        )
    )
    assert denied["extensions"]["code"] == "FORBIDDEN"
