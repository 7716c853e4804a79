"""`graphsvc synth`'s planted influencers rank at the top of the influence job, though they are not the most followed.

The synthetic CRM goes the whole way a real one does: every file imported, identities resolved into
Persons by `graphsvc.resolve` (not by the ground truth), then the job. Resolved Persons have their own
ids; each is mapped to the synth person most of its members belong to.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from graphsvc.analytics import run_job
from graphsvc.db import Database
from graphsvc.resolve import resolve
from graphsvc.service.demo import IMPORT_ORDER
from graphsvc.service.imports import import_files
from graphsvc.synth import generate
from tests.analytics.graphs import rows

pytestmark = pytest.mark.slow


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_planted_influencers_rank_at_the_top(db: Database, tmp_path: Path) -> None:
    generate(1500, seed=7, out=tmp_path)
    for kind, name in IMPORT_ORDER:
        import_files(db, kind, [tmp_path / name])
    resolve(db)
    run_job(db, "influence")

    truth = {
        (r["kind"], r["source"], r["key"]): r["person_id"] for r in _csv(tmp_path / "truth" / "identity_person.csv")
    }
    persons = rows(
        db,
        "MATCH (p:Person) WHERE p.influence IS NOT NULL "
        "RETURN p.id AS id, p.influence AS influence, "
        "[(p)-[:HAS_MEMBER]->(i:Identity) | ['identity', i.platform, i.key]] + "
        "[(p)-[:HAS_MEMBER]->(c:Contact) | ['contact', c.source, c.sourceId]] AS members, "
        "reduce(s = 0, f IN [(p)-[:HAS_MEMBER]->(i:Identity) | coalesce(i.followers, 0)] | s + f) "
        "AS followers",
    )
    synth_person = {}
    for p in persons:
        votes = Counter(truth[tuple(m)] for m in p["members"] if tuple(m) in truth)
        synth_person[p["id"]] = votes.most_common(1)[0][0] if votes else None
    assert sum(v is not None for v in synth_person.values()) >= 0.95 * len(persons)  # the mapping holds
    ranking = [p["id"] for p in sorted(persons, key=lambda p: (-p["influence"], p["id"]))]
    planted = [r["person_id"] for r in _csv(tmp_path / "truth" / "influencers.csv")]
    assert len(planted) >= 10
    # A planted influencer's rank: that of the best-ranked resolved Person standing for them.
    rank = {}
    for i, pid in enumerate(ranking):
        rank.setdefault(synth_person[pid], i)
    ranks = sorted(rank.get(pid, len(ranking)) for pid in planted)
    assert sum(r < len(planted) for r in ranks) >= 0.8 * len(planted), ranks

    by_followers = [p["id"] for p in sorted(persons, key=lambda p: (-p["followers"], p["id"]))]
    celebrities = [ranking.index(pid) for pid in by_followers[:3]]  # followed by millions, engaged with by few
    assert all(synth_person[pid] not in planted for pid in by_followers[:3])
    # at least 70% of the planted influencers outrank every one of the three most-followed persons (one
    # celebrity ranked high enough sets the bar for all: 11 of 15 on this sample since synth makes households)
    assert sum(r < min(celebrities) for r in ranks) >= 0.7 * len(planted), (ranks, celebrities)
