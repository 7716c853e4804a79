"""Survivorship: field rules, provenance, and human edits that no run or import overwrites."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.errors import InputError
from graphsvc.ingest.importer import import_files
from graphsvc.resolve import ResolveOptions, resolve
from graphsvc.resolve.history import edit_person, get_person, person_history
from graphsvc.resolve.records import contact_record, identity_record
from graphsvc.resolve.survivorship import golden_record
from tests.ingest.test_import import CONTACT_HEADER, write_csv
from tests.resolve.conftest import CONTACTS
from tests.resolve.test_resolve import person_of
from tests.support import cli_command, cli_env, run_json


def test_each_rule_picks_its_winner_and_says_where_it_came_from() -> None:
    crm = contact_record(
        {
            "source": "salesforce",
            "sourceId": "1",
            "name": "Ada Lovelace",
            "company": "Analytical Engines",
            "title": "CTO",
            "updatedAt": "2024-01-01T00:00:00Z",
        },
        [{"platform": "email", "key": "ada@ae.example", "matchKey": "ada@ae.example"}],
    )
    old = contact_record(
        {
            "source": "hubspot",
            "sourceId": "9",
            "name": "Ada King",
            "company": "Babbage & Co",
            "title": "Analyst",
            "updatedAt": "2019-05-01T00:00:00Z",
        }
    )
    linkedin = identity_record(
        {
            "platform": "linkedin",
            "key": "ada",
            "displayName": "Countess Ada",
            "location": "London",
            "avatarUrl": "https://img.example/a.png",
            "updatedAt": "2025-06-01T00:00:00Z",
        }
    )
    mail = identity_record({"platform": "email", "key": "ada@ae.example", "matchKey": "ada@ae.example"})
    other = identity_record(
        {
            "platform": "email",
            "key": "ada.k@mail.example",
            "matchKey": "ada.k@mail.example",
            "updatedAt": "2026-01-01T00:00:00Z",
        }
    )
    records = [crm, old, linkedin, mail, other]

    golden = golden_record(records)
    assert (golden["name"], golden["nameSource"], golden["nameRule"]) == ("Ada Lovelace", crm.key, "source_priority")
    assert (golden["company"], golden["companyAt"]) == ("Analytical Engines", "2024-01-01T00:00:00Z")  # most recent
    assert (golden["email"], golden["emailSource"]) == ("ada@ae.example", crm.key)  # stated twice, the CRM vouches
    assert (golden["avatar"], golden["phone"], golden["phoneSource"]) == ("https://img.example/a.png", None, None)

    changed = golden_record(
        records,
        {"name": "most_recent", "email": "most_recent", "company": "source_priority"},
        ["hubspot", "crm", "linkedin"],
    )
    assert (changed["name"], changed["nameSource"]) == ("Countess Ada", linkedin.key)
    assert changed["email"] == "ada.k@mail.example" and changed["company"] == "Babbage & Co"


def test_persons_carry_surviving_values_and_human_edits_always_win(small_crm: Database, tmp_path: Path) -> None:
    resolve(small_crm)
    ada = person_of(small_crm, "contact:salesforce:001")
    fields = get_person(small_crm, ada)["fields"]
    assert fields["name"]["value"] == "Ada Lovelace" and fields["name"]["source"] == "contact:salesforce:001"
    assert fields["email"]["value"] == "ada@analytical.example" and fields["phone"]["value"] == "+442079460958"
    assert fields["company"]["value"] == "Analytical Engines" and fields["location"]["rule"] == "most_recent"
    assert fields["name"]["at"] is not None and not fields["name"]["edited"]

    edited = edit_person(small_crm, ada, "name", "Augusta Ada King", by="dpo@example.com", reason="her legal name")
    assert edited["fields"]["name"] == {
        **edited["fields"]["name"],
        "value": "Augusta Ada King",
        "source": "human:dpo@example.com",
        "rule": "human edit",
        "edited": True,
    }
    # a changed CRM record is imported and every kind of run happens: the edit stays
    renamed = [["salesforce", "001", "Ada King Lovelace", *CONTACTS[0][3:]]]
    import_files(small_crm, "contacts", [write_csv(tmp_path / "renamed.csv", CONTACT_HEADER, renamed)])
    resolve(small_crm, ResolveOptions(incremental=True))
    resolve(small_crm, ResolveOptions(rules=(("name", "most_frequent"),)))
    assert get_person(small_crm, ada)["fields"]["name"]["value"] == "Augusta Ada King"
    assert person_history(small_crm, ada)[-2]["action"] == "edit"

    back = edit_person(small_crm, ada, "name", None, by="dpo@example.com")  # hand it back to the rules
    assert back["fields"]["name"]["edited"] is False
    resolve(small_crm)
    assert person_of(small_crm, "contact:salesforce:001") == ada
    assert get_person(small_crm, ada)["fields"]["name"]["value"] == "Ada King Lovelace"  # the CRM's new value
    with pytest.raises(InputError, match="expected one of"):
        edit_person(small_crm, ada, "shoe size", "5", by="me")


def test_rules_come_from_settings_through_the_cli(small_crm: Database, settings: Settings) -> None:
    env = {**cli_env(settings), "GRAPHSVC_SURVIVORSHIP_RULES": '{"location": "source_priority"}'}
    subprocess.run(cli_command("resolve", "--json"), env=env, capture_output=True, text=True, check=True, timeout=300)
    ada = person_of(small_crm, "contact:salesforce:001")
    shown = run_json(settings, "person", "show", ada)
    assert shown["fields"]["location"]["value"] == "London, GB"  # the CRM's, not the newer social profiles'
    assert shown["fields"]["location"]["rule"] == "source_priority"
    edited = run_json(settings, "person", "edit", ada, "title", "Countess", "--by", "cli-test")
    assert edited["fields"]["title"]["value"] == "Countess" and edited["fields"]["title"]["edited"]
    refused = run_json(settings, "person", "edit", ada, "title", check=False)
    assert refused["code"] == "BAD_USER_INPUT" or "VALUE" in refused["message"]
