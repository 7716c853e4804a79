"""Comparing and scoring on worker processes gives exactly what one process gives."""

from __future__ import annotations

from graphsvc.resolve.blocking import candidate_pairs
from graphsvc.resolve.model import Scorer, estimate_model
from graphsvc.resolve.parallel import compare_pairs, score_pairs
from graphsvc.resolve.records import Record, identity_record

PLATFORMS = ("twitter", "facebook", "linkedin", "instagram", "github")


GIVEN = ("anna", "jakub", "maria", "pedro", "lena", "tom")
FAMILY = ("nowak", "silva", "weber", "moreau", "rossi")


def records() -> list[Record]:
    """Accounts of 30 names on several platforms, handles and cities varying: namesakes and true pairs."""
    found = []
    for n in range(90):
        given, family = GIVEN[n % 6], FAMILY[n % 5]
        handle = [f"{given}{family}", f"{given[0]}{family}", f"{given}_{family}{n}"][n % 3]
        found.append(
            identity_record(
                {
                    "platform": PLATFORMS[n % 5],
                    "key": f"{handle}{n // 30 or ''}",
                    "displayName": f"{given.title()} {family.title()}",
                    "location": ("Berlin", "Lyon", "Porto")[n % 3],
                }
            )
        )
    return found


def test_workers_compare_and_score_as_one_process_does() -> None:
    found = records()
    unit_of = list(range(len(found)))
    pairs = sorted(candidate_pairs(found, unit_of))
    assert len(pairs) >= 90
    alone = compare_pairs(found, pairs, workers=1)
    assert compare_pairs(found, pairs, workers=2) == alone
    scorer = Scorer(estimate_model(found, unit_of, alone))
    scores = score_pairs(found, alone, scorer, workers=1)
    assert score_pairs(found, alone, scorer, workers=2) == scores
    assert list(scores) == list(alone)  # pairs keep their order
