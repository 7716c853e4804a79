"""Mutations over real HTTP against the real Neo4j: writes, decisions, consent, export, erasure, jobs."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.db.claims import STALE_SECONDS
from graphsvc.errors import Conflict
from graphsvc.ingest.importer import import_files
from graphsvc.service import resolution
from graphsvc.service.jobruns import JobRunner
from tests.api.client import ask, data, error, ws_open
from tests.api.graph import ADA_PII
from tests.ingest.test_import import write_csv


def everything(db: Database) -> str:
    """Every property of every node and relationship, lower-cased: where an erased value must not be."""
    rows = db.adhoc(
        "MATCH (n) RETURN labels(n) AS l, properties(n) AS p "
        "UNION ALL MATCH ()-[r]->() RETURN [type(r)] AS l, properties(r) AS p",
        {},
        allow_write=False,
    )[1]
    return json.dumps(rows, default=str).lower()


def test_erase_leaves_no_trace_and_is_never_imported_again(
    api: str, social_map: Database, keys: dict[str, str], tmp_path: Path
) -> None:
    before = everything(social_map)
    erased_values = [ADA_PII["email"], ADA_PII["phone"], ADA_PII["street"].lower(), "adalove", "ada lovelace"]
    assert all(value in before for value in erased_values)

    erasure = data(
        ask(
            api,
            'mutation { eraseSubject(personId: "p1") { personId contacts identities posts consents '
            "redactedPosts auditEvent } }",
            key=keys["admin"],
        )
    )["eraseSubject"]
    assert erasure["contacts"] == 1 and erasure["identities"] == 3 and erasure["posts"] == 1
    assert erasure["redactedPosts"] == 1  # Grace's reply mentioned @AdaLove: kept, redacted
    after = everything(social_map)
    assert [value for value in erased_values if value in after] == []
    assert "thanks @[erased] for the notes" in after
    audit = social_map.adhoc(
        "MATCH (a:AuditEvent {action: 'erase'}) RETURN a.personId AS p, a.counts AS c", {}, allow_write=False
    )[1]
    assert [(a["p"], json.loads(a["c"])["identities"]) for a in audit] == [("p1", 3)]
    assert data(ask(api, '{ person(id: "p1") { id } }', key=keys["admin"]))["person"] is None
    again = error(ask(api, 'mutation { eraseSubject(personId: "p1") { personId } }', key=keys["admin"]))
    assert again["extensions"]["code"] == "NOT_FOUND" and again["path"] == ["eraseSubject"]

    # the erasure sticks: the same handle and email in a later import are refused, and counted
    identities = write_csv(
        tmp_path / "again.csv",
        ["platform", "handle", "display_name"],
        [["twitter", "AdaLove", "Ada"], ["email", ADA_PII["email"], "Ada"], ["twitter", "newbie", "N"]],
    )
    summary = import_files(social_map, "identities", [identities])
    assert (summary.written, summary.suppressed) == (1, 2)
    assert [value for value in erased_values if value in everything(social_map)] == []


def test_erasure_reaches_every_text_and_file_that_names_the_person(
    api: str, social_map: Database, keys: dict[str, str], tmp_path: Path
) -> None:
    """Posts that quote Ada's address without a mention edge, other people's audit entries and review
    reasons that name her records, and the rejects file that holds her row are all cleaned; what does
    not name her is left as it was."""
    social_map.adhoc(
        """
        MATCH (grace:Identity {platform: 'twitter', key: 'gracehop'}), (p2:Person {id: 'p2'})
        CREATE (grace)-[:POSTED]->(:Post {platform: 'twitter', postId: 'q1', createdAt: datetime(),
                                          text: 'Write to ADA@example.com or call +14155550101, says @AdaLove.'})
        CREATE (:AuditEvent {id: 'other-1', personId: 'p2', at: datetime(), action: 'edit', by: 'analyst',
                             reason: 'same mail as ada@example.com (see adalove and p1)',
                             before: ['identity:twitter:adalove', 'email=ada@example.com'], after: ['name=Grace'],
                             related: ['p1', 'p3']})
        CREATE (:AuditEvent {id: 'other-2', personId: 'p3', at: datetime(), action: 'edit', by: 'analyst',
                             reason: 'typo', before: ['name=Alan'], after: ['name=Alan Turing'], related: []})
        WITH 1 AS one
        MATCH ()-[r:MATCH_CANDIDATE {pairId: 'pair-grace'}]->()
        SET r.reason = "not her: ada@example.com is Ada's"
        """,
        {},
        allow_write=True,
    )
    bad_rows = write_csv(
        tmp_path / "bad.csv",
        ["source", "source_id", "name", "email", "birth_date"],
        [["crm", "9", "Ada L", ADA_PII["email"], "not a date"], ["crm", "10", "Good Row", "good@row.example", ""]],
    )
    other_rows = write_csv(
        tmp_path / "other.csv", ["source", "source_id", "name", "birth_date"], [["crm", "11", "Someone", "bad"]]
    )
    for path in (bad_rows, other_rows):
        summary = import_files(social_map, "contacts", [path], skip_invalid=True)
        assert summary.rejects_file and Path(summary.rejects_file).exists()
    ours, theirs = Path(f"{bad_rows}.rejects.jsonl"), Path(f"{other_rows}.rejects.jsonl")
    assert ADA_PII["email"] in ours.read_text(encoding="utf-8")

    erasure = data(
        ask(
            api,
            'mutation { eraseSubject(personId: "p1") { redactedPosts redactedAuditEntries deletedFiles filesLeft } }',
            key=keys["admin"],
        )
    )["eraseSubject"]
    assert erasure == {"redactedPosts": 2, "redactedAuditEntries": 2, "deletedFiles": 1, "filesLeft": []}
    assert not ours.exists() and theirs.exists()  # the rejects file that held her row is gone, the other kept
    after = everything(social_map)
    for value in (ADA_PII["email"], ADA_PII["phone"], "adalove", "identity:twitter:adalove"):
        assert value not in after, value
    naming = social_map.adhoc(
        "MATCH (n) WHERE NOT (n:AuditEvent AND n.action = 'erase') "  # the erasure's own record keeps the id
        "AND any(k IN keys(n) WHERE n[k] = 'p1' OR (valueType(n[k]) STARTS WITH 'LIST' AND 'p1' IN n[k])) "
        "RETURN labels(n) AS labels",
        {},
        allow_write=False,
    )[1]
    assert naming == []
    rows = social_map.adhoc(
        "MATCH (a:AuditEvent) WHERE a.id IN ['other-1', 'other-2'] "
        "RETURN a.id AS id, a.reason AS reason, a.before AS before, a.related AS related ORDER BY id",
        {},
        allow_write=False,
    )[1]
    assert rows == [
        {
            "id": "other-1",
            "reason": "same mail as [erased] (see [erased] and [erased])",
            "before": ["[erased]", "email=[erased]"],
            "related": ["[erased]", "p3"],
        },
        {"id": "other-2", "reason": "typo", "before": ["name=Alan"], "related": []},
    ]
    quoted = social_map.adhoc("MATCH (p:Post {postId: 'q1'}) RETURN p.text AS t", {}, allow_write=False)[1]
    assert quoted == [{"t": "Write to [erased] or call [erased], says @[erased]."}]


def test_writes_through_the_api_are_screened_against_the_suppression_list(
    api: str, social_map: Database, keys: dict[str, str]
) -> None:
    data(ask(api, 'mutation { eraseSubject(personId: "p1") { personId } }', key=keys["admin"]))
    upsert = """mutation($s: String!, $id: String!, $e: [String!]) {
                upsertContact(input: {source: $s, sourceId: $id, name: "Someone", emails: $e}) { id } }"""
    for variables in (
        {"s": "web", "id": "w-1", "e": [ADA_PII["email"].upper()]},  # her email, in any case
        {"s": "crm", "id": "1", "e": ["fresh@new.example"]},  # her CRM record, with a new email
    ):
        refused = error(ask(api, upsert, variables, key=keys["analyst"]))
        assert refused["extensions"]["code"] == "BAD_USER_INPUT" and "suppression list" in refused["message"]
        assert ADA_PII["email"] not in refused["message"].lower() and refused["path"] == ["upsertContact"]
    handle = 'mutation { addIdentity(input: {platform: "twitter", handle: "@AdaLove"}) { handle } }'
    refused = error(ask(api, handle, key=keys["analyst"]))
    assert refused["extensions"]["code"] == "BAD_USER_INPUT" and "adalove" not in refused["message"].lower()
    fine = data(ask(api, upsert, {"s": "web", "id": "w-2", "e": ["fresh@new.example"]}, key=keys["analyst"]))
    assert fine["upsertContact"]["id"] == "web:w-2"
    assert ADA_PII["email"] not in everything(social_map)


def test_export_holds_everything_and_is_logged(api: str, social_map: Database, keys: dict[str, str]) -> None:
    exported = data(ask(api, 'mutation { exportSubject(personId: "p1") }', key=keys["analyst"]))["exportSubject"]
    text = json.dumps(exported).lower()
    for value in (ADA_PII["email"], ADA_PII["phone"], ADA_PII["street"].lower(), "adalove", "notes on the engine"):
        assert value in text, value
    logged = social_map.adhoc(
        "MATCH (a:AccessEvent {id: $id}) RETURN a.operation AS op, a.personIds AS ids",
        {"id": exported["accessEvent"]},
        allow_write=False,
    )[1]
    assert logged == [{"op": "exportSubject", "ids": ["p1"]}]
    denied = error(ask(api, 'mutation { exportSubject(personId: "p1") }', key=keys["marketer"]))
    assert denied["extensions"]["code"] == "FORBIDDEN"


def test_upsert_contact_and_add_identity_validate_like_an_import(
    api: str, social_map: Database, keys: dict[str, str]
) -> None:
    upsert = """mutation($e: [String!]) { upsertContact(input: {source: "hubspot", sourceId: "h-1",
                name: "Dr. Mary Somerville",
                emails: $e, phones: ["+44 20 7946 0000"], city: "London"})
                { id name givenName familyName emails phones } }"""
    contact = data(ask(api, upsert, {"e": ["Mary.Somerville+crm@Gmail.com"]}, key=keys["analyst"]))["upsertContact"]
    assert contact["id"] == "hubspot:h-1" and (contact["givenName"], contact["familyName"]) == ("Mary", "Somerville")
    assert contact["emails"] == ["mary.somerville+crm@gmail.com"] and contact["phones"] == ["+442079460000"]
    again = data(ask(api, upsert, {"e": ["mary@somerville.example"]}, key=keys["analyst"]))["upsertContact"]
    assert again["id"] == contact["id"]  # an update, not a second contact
    bad = error(ask(api, upsert, {"e": ["not-an-email"]}, key=keys["analyst"]))
    assert bad["extensions"]["code"] == "BAD_USER_INPUT" and bad["path"] == ["upsertContact"]
    assert "email" in bad["message"] and "not-an-email" in bad["message"]

    identity = data(
        ask(
            api,
            """mutation { addIdentity(input: {handle: "https://x.com/MarySom", displayName: "Mary S",
                               contactId: "hubspot:h-1"}) { platform handle displayName } }""",
            key=keys["analyst"],
        )
    )
    assert identity["addIdentity"] == {"platform": "twitter", "handle": "marysom", "displayName": "Mary S"}
    stated = social_map.adhoc(
        "MATCH (:Contact {sourceId: 'h-1'})-[:HAS]->(i:Identity {key: 'marysom'}) RETURN count(i) AS n",
        {},
        allow_write=False,
    )[1]
    assert stated == [{"n": 1}]


def test_accept_and_reject_are_human_decisions(api: str, social_map: Database, keys: dict[str, str]) -> None:
    accepted = data(
        ask(api, 'mutation { acceptMatch(id: "pair-ada", reason: "same bio") { id status } }', key=keys["analyst"])
    )["acceptMatch"]
    rejected = data(ask(api, 'mutation { rejectMatch(id: "pair-grace") { id status } }', key=keys["admin"]))[
        "rejectMatch"
    ]
    assert (accepted["status"], rejected["status"]) == ("accepted", "rejected")
    queue = data(ask(api, "{ reviewQueue { id } }", key=keys["analyst"]))["reviewQueue"]
    assert queue == []
    missing = error(ask(api, 'mutation { acceptMatch(id: "pair-none") { id } }', key=keys["analyst"]))
    assert missing["extensions"]["code"] == "NOT_FOUND"


def _wait_for(api: str, job: str, key: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        run = data(ask(api, "query($id: ID!) { jobRun(id: $id) { id status stats } }", {"id": job}, key=key))["jobRun"]
        if run["status"] != "running":
            return dict(run)
        time.sleep(0.5)
    raise AssertionError(f"job {job} still running")


def test_run_job_and_follow_its_progress_over_websocket(api: str, social_map: Database, keys: dict[str, str]) -> None:
    started = data(ask(api, "mutation { runJob(kind: ALL) { id status } }", key=keys["analyst"]))["runJob"]
    messages = []
    with ws_open(api, {"Authorization": f"Bearer {keys['analyst']}"}) as ws:
        ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {
                        "query": "subscription($id: ID!) { jobProgress(id: $id) { job { status } phase } }",
                        "variables": {"id": started["id"]},
                    },
                }
            )
        )
        while True:
            message = json.loads(ws.recv(timeout=120))
            if message["type"] != "next":
                break
            messages.append(message["payload"]["data"]["jobProgress"])
    assert message["type"] == "complete", message
    assert messages and messages[-1]["job"]["status"] == "succeeded"
    run = _wait_for(api, started["id"], keys["analyst"])
    assert run["status"] == "succeeded" and run["stats"]["counts"]["persons"] >= 9
    influence = social_map.adhoc("MATCH (p:Person {id: 'p1'}) RETURN p.scoresJobRun AS run", {}, allow_write=False)[1]
    assert influence == [{"run": started["id"]}]  # the job's results replaced the fixture's


def test_run_job_while_another_runs_is_a_conflict(api: str, social_map: Database, keys: dict[str, str]) -> None:
    social_map.adhoc(
        "CREATE (:JobLock {name: 'analytics', holder: 'all-cli', heartbeatAt: datetime()})", {}, allow_write=True
    )  # a `graphsvc jobs run` in another process
    failed = error(ask(api, "mutation { runJob(kind: INFLUENCE) { id } }", key=keys["analyst"]))
    assert failed["extensions"]["code"] == "CONFLICT" and "all-cli" in failed["message"]
    assert failed["path"] == ["runJob"]


def test_run_resolve_in_the_background_and_find_it_among_the_runs(
    api: str, social_map: Database, keys: dict[str, str]
) -> None:
    started = data(ask(api, "mutation { runResolve(incremental: false) { id kind status } }", key=keys["analyst"]))[
        "runResolve"
    ]
    assert started["kind"] == "resolve" and started["status"] in {"running", "succeeded"}
    finished = _wait_for(api, started["id"], keys["analyst"])
    assert finished["status"] == "succeeded" and finished["stats"]["mode"] == "full"
    runs = data(ask(api, "{ jobRuns(first: 5) { id kind status } }", key=keys["analyst"]))["jobRuns"]
    assert {"id": started["id"], "kind": "resolve", "status": "succeeded"} in runs
    refused = error(ask(api, "mutation { runResolve { id } }", key=keys["marketer"]))
    assert refused["extensions"]["code"] == "FORBIDDEN"


def test_one_resolution_run_at_a_time_across_processes(
    api: str, db: Database, settings: Settings, keys: dict[str, str]
) -> None:
    """A run that writes claims the graph's resolve lock: while another process's run holds it (here
    written as `graphsvc resolve` in another process would), neither the API nor the CLI's code
    path starts a second; a claim whose holder stopped renewing it is taken over."""
    db.adhoc(
        "CREATE (:JobLock {name: 'resolve', holder: 'resolve-cli', heartbeatAt: datetime()})", {}, allow_write=True
    )
    refused = error(ask(api, "mutation { runResolve { id } }", key=keys["analyst"]))
    assert refused["extensions"]["code"] == "CONFLICT" and "resolve-cli" in refused["message"]
    options = resolution.options(settings)
    with pytest.raises(Conflict, match="resolve-cli"):
        resolution.run(db, options)
    assert db.adhoc("MATCH (j:JobRun {kind: 'resolve'}) RETURN count(j) AS n", {}, allow_write=False)[1] == [{"n": 0}]
    # a dry run (mergePreview) writes nothing and needs no claim
    assert resolution.run(db, replace(options, dry_run=True)).preview is not None
    # the holder died: its heartbeat is older than STALE_SECONDS
    stale = datetime.now(UTC) - timedelta(seconds=STALE_SECONDS + 5)
    db.adhoc("MATCH (l:JobLock {name: 'resolve'}) SET l.heartbeatAt = $at", {"at": stale}, allow_write=True)
    run = JobRunner().start_resolve(db, options)
    deadline = time.monotonic() + 60  # let it end before the next test empties the graph
    status: list[dict[str, object]] = []
    while time.monotonic() < deadline:
        status = db.adhoc("MATCH (j:JobRun {id: $id}) RETURN j.status AS s", {"id": run}, allow_write=False)[1]
        if status != [{"s": "running"}]:
            break
        time.sleep(0.1)
    assert status == [{"s": "succeeded"}]
    lock = db.adhoc("MATCH (l:JobLock {name: 'resolve'}) RETURN l.holder AS holder", {}, allow_write=False)[1]
    assert lock == [{"holder": None}]  # released at the end
