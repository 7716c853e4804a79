"""Identity resolution end to end on the real Neo4j: persons, evidence, decisions, stable ids, incremental runs."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.errors import NotFound
from graphsvc.ingest.importer import import_files
from graphsvc.resolve import ResolveOptions, resolve
from graphsvc.resolve.compare import COMPARISONS
from graphsvc.resolve.records import pair_id
from graphsvc.resolve.review import decide, review_queue
from graphsvc.resolve.run import load_records
from tests.ingest.test_import import CONTACT_HEADER, write_csv
from tests.resolve.conftest import IDENTITY_HEADER, TRUTH
from tests.support import run_cli, run_json


def persons(db: Database) -> dict[str, set[str]]:
    """Person id -> member records, for the persons holding a record under test (not the filler)."""
    groups: dict[str, set[str]] = defaultdict(set)
    for row in db.read("resolve.membership"):
        groups[row["person"]].add(row["record"])
    return {pid: members for pid, members in groups.items() if members & TRUTH.keys()}


def partition(db: Database) -> set[frozenset[str]]:
    return {frozenset(members) for members in persons(db).values()}


def true_partition() -> set[frozenset[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for key, label in TRUTH.items():
        groups[label].add(key)
    return {frozenset(g) for g in groups.values()}


def person_of(db: Database, record: str) -> str:
    return next(pid for pid, members in persons(db).items() if record in members)


def candidate_between(db: Database, a: str, b: str) -> dict[str, Any]:
    rows = db.adhoc(
        "MATCH ()-[r:MATCH_CANDIDATE]->() WHERE (r.a = $a AND r.b = $b) OR (r.a = $b AND r.b = $a) "
        "RETURN r.pairId AS id, r.status AS status, r.score AS score, r.evidence AS evidence",
        {"a": a, "b": b},
        allow_write=False,
    )[1]
    assert rows, f"no candidate between {a} and {b}"
    return {**rows[0], "evidence": json.loads(rows[0]["evidence"])}


def merge_of(db: Database, key: str) -> dict[str, Any]:
    """The automatic merge that brought record ``key`` into its person (the stored candidates explain each merge)."""
    rows = db.adhoc(
        "MATCH ()-[r:MATCH_CANDIDATE {status: 'auto'}]->() WHERE $key IN [r.a, r.b] "
        "RETURN r.pairId AS id, r.a AS a, r.b AS b, r.score AS score ORDER BY r.score DESC",
        {"key": key},
        allow_write=False,
    )[1]
    assert rows, f"no automatic merge of {key}"
    return rows[0]


def stamps(db: Database) -> dict[str, Any]:
    rows = db.adhoc("MATCH (p:Person) RETURN p.id AS id, p.resolvedAt AS at", {}, allow_write=False)[1]
    return {r["id"]: r["at"] for r in rows}


def import_ada_instagram(db: Database, tmp_path: Path) -> None:
    """A new account of Ada's arrives: her Instagram, with her name, bio and city."""
    row = ["instagram", "ada_lovelace", "Ada Lovelace", "poetical science", "London", "", "https://img.example/ada.png"]
    import_files(db, "identities", [write_csv(tmp_path / "more.csv", IDENTITY_HEADER, [[*row, "300", "", "", "", ""]])])


def test_resolve_unifies_the_small_crm(small_crm: Database) -> None:
    summary = resolve(small_crm)
    assert summary.records == len(TRUTH) + 2 * 400 and summary.mode == "full"  # filler: a contact and its email
    assert partition(small_crm) == true_partition()
    # namesakes stay apart: the Paris fan account, and the Steven Smith of Bristol
    assert person_of(small_crm, "identity:twitter:ada_paris") != person_of(small_crm, "contact:salesforce:001")
    # every merge explains itself: a score and weighted evidence, strongest first
    pair = candidate_between(small_crm, "contact:salesforce:002", "contact:hubspot:h-9")
    assert pair["status"] == "auto" and pair["score"] > 0.9
    levels = [e["level"] for e in pair["evidence"]]
    assert "same email" in levels and "nickname, initial or extra name" in levels  # Steve ~ Steven
    weights = [abs(e["weight"]) for e in pair["evidence"]]
    assert weights == sorted(weights, reverse=True) and all(e["weight"] for e in pair["evidence"])
    # only the merges are stored of a person's inner pairs: one per merge, a forest over its members
    forest = small_crm.adhoc(
        "MATCH (p:Person)-[:HAS_MEMBER]->(n)-[r:MATCH_CANDIDATE {status: 'auto'}]->(m) "
        "WHERE (p)-[:HAS_MEMBER]->(m) WITH p, count(r) AS merges "
        "RETURN p.size AS size, merges",
        {},
        allow_write=False,
    )[1]
    assert forest and all(row["merges"] < row["size"] for row in forest)
    assert sum(row["merges"] for row in forest) == summary.auto
    linked = candidate_between(small_crm, "identity:twitter:ada_lovelace", "identity:github:adal")
    assert "one profile links to the other" in [e["level"] for e in linked["evidence"]]
    counted = small_crm.adhoc("MATCH (p:Person) RETURN count(p) AS n", {}, allow_write=False)[1]
    assert counted == [{"n": len(true_partition()) + 400}]  # and every filler contact is a person of its own


def test_rerun_keeps_ids_and_incremental_touches_only_affected_persons(small_crm: Database, tmp_path: Path) -> None:
    resolve(small_crm)
    before = persons(small_crm)
    again = resolve(small_crm)
    assert persons(small_crm) == before and again.ids_new == 0 and again.persons_written == 0

    stamped = stamps(small_crm)
    ada = person_of(small_crm, "contact:salesforce:001")
    import_ada_instagram(small_crm, tmp_path)
    summary = resolve(small_crm, ResolveOptions(incremental=True))
    assert summary.mode == "incremental" and summary.focus == 1
    assert summary.pairs < again.pairs  # only the new record's neighbourhood was scored
    after = persons(small_crm)
    assert after[ada] == before[ada] | {"identity:instagram:ada_lovelace"}  # joined Ada, under Ada's id
    restamped = stamps(small_crm)
    assert {pid for pid in stamped if restamped[pid] != stamped[pid]} == {ada}  # nobody else was rewritten


def add_candidate(db: Database, a: str, b: str) -> str:
    """A pending candidate for ``a``/``b`` as a reviewer might raise by hand; returns its id."""
    low, high = sorted((a, b))
    sides = {k: {"id": k, **dict(zip(("kind", "source", "key"), k.split(":", 2), strict=True))} for k in (low, high)}
    pid = pair_id(a, b)
    db.write(
        "resolve.write_candidates",
        now=None,
        run="manual",
        rows=[
            {
                "pairId": pid,
                "a": sides[low],
                "b": sides[high],
                "score": 0.1,
                "weight": -3.0,
                "evidence": "[]",
                "value": 0.0,
                "status": "pending",
            }
        ],
    )
    return pid


def add_ambiguous_smith(db: Database, tmp_path: Path) -> None:
    """A second X account 'Steven Smith' in Leeds: Steven's second account, or a namesake. A case for a human."""
    import_files(
        db,
        "identities",
        [
            write_csv(
                tmp_path / "ambiguous.csv",
                IDENTITY_HEADER,
                [["twitter", "smith_leeds", "Steven Smith", "", "Leeds", "", "", "", "", "", "", ""]],
            )
        ],
    )


def test_review_decisions_outrank_automation_and_survive_reruns(small_crm: Database, tmp_path: Path) -> None:
    add_ambiguous_smith(small_crm, tmp_path)
    resolve(small_crm)
    queue = review_queue(small_crm, limit=50)
    assert queue, "the small CRM has uncertain pairs"
    assert {"a", "b", "evidence", "score", "value"} <= set(queue[0]) and queue[0]["a"]["kind"] in {
        "contact",
        "identity",
    }
    assert [q["value"] for q in queue] == sorted((q["value"] for q in queue), reverse=True)

    # reject an automatic merge: the two must part, in this and every later run
    auto = merge_of(small_crm, "identity:twitter:stevensmith")
    decide(small_crm, auto["id"], accept=False, by="tester", reason="a different Steven")
    resolve(small_crm, ResolveOptions(incremental=True))
    assert person_of(small_crm, "identity:twitter:stevensmith") != person_of(small_crm, "contact:salesforce:002")
    # accept a pair the model would never merge: the Paris account is Ada's after all
    paris = add_candidate(small_crm, "identity:twitter:ada_paris", "identity:twitter:ada_lovelace")
    decide(small_crm, paris, accept=True, by="tester")
    # at once: the decision joins the two records' persons in its own transaction
    assert person_of(small_crm, "identity:twitter:ada_paris") == person_of(small_crm, "contact:salesforce:001")
    resolve(small_crm, ResolveOptions(incremental=True))
    assert person_of(small_crm, "identity:twitter:ada_paris") == person_of(small_crm, "contact:salesforce:001")

    resolve(small_crm)  # a full re-run keeps both decisions
    assert person_of(small_crm, "identity:twitter:stevensmith") != person_of(small_crm, "contact:salesforce:002")
    assert person_of(small_crm, "identity:twitter:ada_paris") == person_of(small_crm, "contact:salesforce:001")
    assert review_queue(small_crm, status="rejected")[0]["id"] == auto["id"]
    with pytest.raises(NotFound):
        decide(small_crm, "m-nope", accept=True, by="tester")


def test_cli_resolve_review_and_evaluate(small_crm: Database, tmp_path: Path, settings: Settings) -> None:
    add_ambiguous_smith(small_crm, tmp_path)
    summary = run_json(settings, "resolve")
    assert summary["persons"] == len(true_partition()) + 401 and summary["largest_person"] == 7
    truth = tmp_path / "truth"
    truth.mkdir()
    with (truth / "identity_person.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kind", "source", "key", "person_id"])
        for key, label in TRUTH.items():
            writer.writerow([*key.split(":", 2), label])
    report = run_json(settings, "resolve", "--evaluate", str(tmp_path))
    assert report["pairwise"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert report["bcubed"]["f1"] == 1.0 and report["records"] == len(TRUTH)
    assert report["records_only_in_graph"] == 801  # the filler and the ambiguous account are not in this truth

    listed = run_json(settings, "review", "list", "--limit", "3")["candidates"]
    assert 0 < len(listed) <= 3
    decided = run_json(settings, "review", "reject", listed[0]["id"], "--by", "dpo", "--reason", "checked")
    assert decided["status"] == "rejected"
    shown = run_json(settings, "review", "show", listed[0]["id"])
    assert (shown["decidedBy"], shown["reason"]) == ("dpo", "checked")
    missing = run_json(settings, "review", "accept", "m-000", check=False)
    assert missing["code"] == "NOT_FOUND"


def test_ties_are_loaded_as_persons_and_hubs_are_ignored(small_crm: Database, tmp_path: Path) -> None:
    resolve(small_crm)
    edges = [
        ["twitter", "ada_lovelace", "twitter", "stevensmith", "FOLLOWS", "", ""],
        ["github", "adal", "twitter", "stevensmith", "FOLLOWS", "", ""],
    ]
    import_files(
        small_crm,
        "edges",
        [
            write_csv(
                tmp_path / "edges.csv",
                ["src_platform", "src_handle", "dst_platform", "dst_handle", "type", "since", "weight"],
                edges,
            )
        ],
    )
    records, _ = load_records(small_crm)
    by_key = {r.key: r for r in records}
    steven = person_of(small_crm, "identity:twitter:stevensmith")
    # Ada's two accounts both follow Steven: as persons, they share that connection
    assert by_key["identity:twitter:ada_lovelace"].ties == by_key["identity:github:adal"].ties == {steven}


def test_a_point_stated_under_one_name_joins_its_contact_a_familys_stays_apart(db: Database, tmp_path: Path) -> None:
    rows = [
        ["hubspot", "1", "Anna Smith", "", "", "smithfamily@example.org", "+44 113 496 0000", "", "", "", "GB", ""],
        ["hubspot", "2", "Tom Smith", "", "", "smithfamily@example.org", "", "", "", "", "GB", ""],
        [
            "salesforce",
            "3",
            "Steven Smith",
            "",
            "",
            "steven.smith@acme.example",
            "+44 113 496 0000",
            "",
            "",
            "",
            "GB",
            "",
        ],
        ["hubspot", "4", "Steve Smith", "", "", "steven.smith@acme.example", "", "", "", "", "GB", ""],
    ]
    import_files(db, "contacts", [write_csv(tmp_path / "contacts.csv", CONTACT_HEADER, rows)])
    records, unit_of = load_records(db)
    unit = {r.key: unit_of[i] for i, r in enumerate(records)}
    # the same man in two CRMs: his address goes with the first contact that states it
    assert unit["identity:email:steven.smith@acme.example"] in {unit["contact:salesforce:3"], unit["contact:hubspot:4"]}
    # a family's address and a phone that Anna and Steven both state stay units of their own
    family, phone = unit["identity:email:smithfamily@example.org"], unit["identity:phone:+441134960000"]
    assert family not in {unit[f"contact:hubspot:{n}"] for n in (1, 2)}
    assert phone not in {unit["contact:hubspot:1"], unit["contact:salesforce:3"]}


def graph_state(db: Database) -> tuple[Any, ...]:
    """Everything a resolve run writes: persons, memberships, candidates and job runs."""

    def rows(text: str) -> list[Any]:
        return sorted(json.dumps(r, sort_keys=True, default=str) for r in db.adhoc(text, {}, allow_write=False)[1])

    return (
        rows("MATCH (p:Person) RETURN properties(p) AS p"),
        rows("MATCH (p:Person)-[:HAS_MEMBER]->(m) RETURN p.id AS p, elementId(m) AS m"),
        rows("MATCH ()-[r:MATCH_CANDIDATE]->() RETURN properties(r) AS r"),
        rows("MATCH (j:JobRun) RETURN properties(j) AS j"),
    )


def test_dry_run_previews_merges_and_splits_and_writes_nothing(
    small_crm: Database, tmp_path: Path, settings: Settings
) -> None:
    first = resolve(small_crm, ResolveOptions(dry_run=True))
    assert first.preview is not None and graph_state(small_crm) == ([], [], [], [])
    assert first.preview["persons_before"] == 0 and first.preview["persons_after"] == len(true_partition()) + 400
    assert first.preview["new_persons"] == first.preview["persons_after"] and first.preview["splits"] == 0

    resolve(small_crm)
    ada = person_of(small_crm, "contact:salesforce:001")
    # a new account of Ada's arrives: the preview shows it joining her person
    import_ada_instagram(small_crm, tmp_path)
    before = graph_state(small_crm)
    preview = run_json(settings, "resolve", "--dry-run")["preview"]
    assert graph_state(small_crm) == before  # nothing written, not even a JobRun
    assert preview["merges"] == 1 and preview["splits"] == 0 and preview["records_changing_person"] == 1
    assert preview["largest_changes"][0]["person"] == ada and preview["largest_changes"][0]["new_records"] == 1
    assert 0 < preview["consolidation_rate"] < 1
    real = resolve(small_crm)  # the preview said what the real run does
    assert real.persons == preview["persons_after"] and person_of(small_crm, "identity:instagram:ada_lovelace") == ada


def test_cli_explains_the_model_the_last_full_run_learnt(small_crm: Database, settings: Settings) -> None:
    missing = run_json(settings, "resolve", "--explain-model", check=False)
    assert missing["code"] == "NOT_FOUND" and "graphsvc resolve" in missing["hint"]

    summary = run_json(settings, "resolve")
    explained = run_json(settings, "resolve", "--explain-model")
    assert explained["run"] == summary["run"]
    levels = {(row["comparison"], row["level"]): row for row in explained["levels"]}
    assert set(levels) == {(c.name, level) for c in COMPARISONS for level in c.levels[1:]}
    for row in explained["levels"]:
        assert 0 < row["m"] <= 1 and 0 < row["u"] <= 1
        if row["kind"] != "other":  # agreements and disagreements: as learnt, or 0 where refused
            assert row["weight"] == (0.0 if row["refused"] else pytest.approx(row["learnt"], abs=2e-3))
    same, differ = levels[("email", "same email")], levels[("location", "different cities")]
    assert same["kind"] == "agreement" and same["weight"] > 0
    assert differ["kind"] == "disagreement" and differ["weight"] <= 0
    assert explained["refused"] == [row["refused"] for row in explained["levels"] if row["refused"]]
    assert summary["model"]["refused"] == explained["refused"]

    shown = run_cli(settings, "resolve", "--explain-model").stdout
    assert "same email" in shown and "different cities" in shown
