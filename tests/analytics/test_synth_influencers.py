"""`graphsvc synth`'s planted influencers rank at the top of the influence job, though they are not the most followed."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graphsvc.analytics import run_job
from graphsvc.db import Database
from graphsvc.ingest.importer import import_files
from graphsvc.synth import generate
from tests.analytics.graphs import read_scores

pytestmark = pytest.mark.slow


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_planted_influencers_rank_at_the_top(db: Database, tmp_path: Path) -> None:
    generate(1500, seed=7, out=tmp_path)
    for kind, name in (("identities", "identities.csv"), ("edges", "edges.csv"), ("posts", "posts.jsonl")):
        import_files(db, kind, [tmp_path / name])
    members = [{"person": r["person_id"], "platform": r["source"], "key": r["key"]}
               for r in _csv(tmp_path / "truth" / "identity_person.csv") if r["kind"] == "identity"]  # fmt: skip
    db.adhoc("UNWIND $rows AS r MATCH (i:Identity {platform: r.platform, key: r.key}) "
             "MERGE (p:Person {id: r.person}) MERGE (p)-[:HAS_MEMBER]->(i)", {"rows": members}, allow_write=True)  # fmt: skip
    run_job(db, "influence")

    persons = read_scores(db, "Person")
    ranking = sorted(persons, key=lambda pid: -persons[pid]["influence"])
    planted = [r["person_id"] for r in _csv(tmp_path / "truth" / "influencers.csv")]
    top = set(ranking[: len(planted)])
    ranks = sorted(ranking.index(pid) for pid in planted)
    assert sum(pid in top for pid in planted) >= 0.8 * len(planted), ranks
    followers = {r["person"]: r["followers"] for r in db.adhoc(
        "MATCH (p:Person)-[:HAS_MEMBER]->(i:Identity) RETURN p.id AS person, sum(coalesce(i.followers, 0)) AS followers",
        {}, allow_write=False)[1]}  # fmt: skip
    most_followed = sorted(followers, key=lambda pid: -followers[pid])[:3]
    # synth's celebrities: followed by millions, engaged with by few
    assert not any(pid in top for pid in most_followed), [ranking.index(pid) for pid in most_followed]
