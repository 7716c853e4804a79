"""Unmerge with history on the real Neo4j: split and detach, their persistence across runs, the audit trail."""

from __future__ import annotations

import pytest

from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.errors import InputError, NotFound
from graphsvc.resolve import ResolveOptions, resolve
from graphsvc.resolve.history import person_history, split_person
from graphsvc.resolve.review import decide
from tests.resolve.test_resolve import candidate_between, merge_of, person_of, persons
from tests.support import run_json

ADA_SOCIAL = ["identity:github:adal", "identity:twitter:ada_lovelace"]


def test_split_moves_records_now_and_every_later_run_respects_it(small_crm: Database) -> None:
    resolve(small_crm)
    ada = person_of(small_crm, "contact:salesforce:001")
    before = persons(small_crm)[ada]
    assert set(ADA_SOCIAL) <= before

    result = split_person(small_crm, ada, ADA_SOCIAL, by="dpo@example.com", reason="a different Ada")
    new = result["new_person"]
    assert result["cannot_links"] == len(ADA_SOCIAL) * (len(before) - len(ADA_SOCIAL))
    after = persons(small_crm)
    assert after[new] == set(ADA_SOCIAL) and after[ada] == before - set(ADA_SOCIAL)  # at once, not at the next run
    pair = candidate_between(small_crm, "contact:salesforce:001", "identity:twitter:ada_lovelace")
    assert pair["status"] == "rejected"

    for options in (ResolveOptions(incremental=True), ResolveOptions()):  # both kinds of run keep the split
        resolve(small_crm, options)
        assert person_of(small_crm, "identity:twitter:ada_lovelace") != person_of(small_crm, "contact:salesforce:001")
        assert person_of(small_crm, "identity:github:adal") == person_of(small_crm, "identity:twitter:ada_lovelace")

    trail = person_history(small_crm, ada)
    assert [e["action"] for e in trail][-1] == "create"  # the first resolve run merged Ada's records
    split = next(e for e in trail if e["action"] == "split")
    assert (split["by"], split["reason"], split["related"]) == ("dpo@example.com", "a different Ada", [new])
    assert set(split["before"]) == before and set(split["after"]) == before - set(ADA_SOCIAL)
    assert [e["action"] for e in person_history(small_crm, new)] == ["split-from"]


def test_bad_splits_are_refused_and_change_nothing(small_crm: Database) -> None:
    resolve(small_crm)
    ada = person_of(small_crm, "contact:salesforce:001")
    before = persons(small_crm)
    with pytest.raises(InputError, match="not members of"):
        split_person(small_crm, ada, ["identity:twitter:stevensmith"], by="me")
    with pytest.raises(InputError, match="at least one record"):
        split_person(small_crm, ada, sorted(before[ada]), by="me")
    with pytest.raises(NotFound):
        split_person(small_crm, "p-nobody", ADA_SOCIAL, by="me")
    assert persons(small_crm) == before and [e["action"] for e in person_history(small_crm, ada)] == ["create"]


def test_review_decisions_are_in_both_trails(small_crm: Database) -> None:
    resolve(small_crm)
    steven, twitter = "contact:salesforce:002", "identity:twitter:stevensmith"
    pair = merge_of(small_crm, twitter)  # the merge that brought the account in
    decide(small_crm, pair["id"], accept=False, by="reviewer", reason="the bio says Bristol")
    event = person_history(small_crm, person_of(small_crm, steven))[0]
    assert (event["action"], event["by"], event["reason"]) == ("reject", "reviewer", "the bio says Bristol")
    assert sorted(event["after"]) == sorted([pair["a"], pair["b"]])
    resolve(small_crm, ResolveOptions(incremental=True))  # the decision takes effect: the run splits Steven
    kept, moved = person_of(small_crm, steven), person_of(small_crm, twitter)
    assert moved != kept
    split = person_history(small_crm, kept)[0]
    assert (split["action"], split["by"], split["related"]) == ("split", "graphsvc resolve", [moved])
    assert twitter in split["before"] and twitter not in split["after"]
    created = person_history(small_crm, moved)[0]
    assert (created["action"], created["after"], created["related"]) == ("create", [twitter], [kept])


def test_cli_detach_and_history(small_crm: Database, settings: Settings) -> None:
    resolve(small_crm)
    ada = person_of(small_crm, "contact:salesforce:001")
    result = run_json(settings, "person", "detach", ada, "identity:twitter:ada_lovelace", "--by", "cli-test")
    assert result["moved"] == ["identity:twitter:ada_lovelace"] and result["person"] == ada
    shown = run_json(settings, "person", "show", result["new_person"])
    assert shown["members"] == ["identity:twitter:ada_lovelace"]
    trail = run_json(settings, "person", "history", ada)["events"]
    assert trail[0]["action"] == "split" and trail[0]["by"] == "cli-test"
    missing = run_json(settings, "person", "show", "p-nobody", check=False)
    assert missing["code"] == "NOT_FOUND"
