"""Households, namesakes and missing values (issue 27.3), and the model's sanity check (27.4).

A household's members share a family name, a street, a postcode, a city, often a landline and a
family email address; a parent and a grown-up child may share the whole name. They are different
people unless evidence one person holds joins them. Missing values are neutral.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from graphsvc.errors import ModelRefused
from graphsvc.resolve.compare import COMPARISONS, compare
from graphsvc.resolve.model import (
    _PRIOR_M,
    _PRIOR_U,
    AGREEMENTS,
    DISAGREEMENTS,
    STABLE_DISAGREEMENTS,
    MatchModel,
    Scorer,
    TermFrequencies,
    _conditional,
    _normalise,
    sanity_check,
)
from graphsvc.resolve.records import Record, contact_record
from graphsvc.service.resolution import REVIEW_MIN, THRESHOLD

_INDEX = {c.name: i for i, c in enumerate(COMPARISONS)}


def _contact(source_id: str, name: str, *, phone: str = "", email: str = "", **fields: str) -> Record:
    points = ([{"platform": "phone", "key": phone}] if phone else []) + (
        [{"platform": "email", "key": email}] if email else []
    )
    row: dict[str, Any] = {"source": "hubspot", "sourceId": source_id, "name": name, **fields}
    return contact_record(row, points)


HOME = {"street": "12 Elm Grove", "postcode": "LS6 2AB", "city": "Leeds"}

#: A population for the term frequencies: the household's names among others.
POPULATION = [
    _contact(str(n), f"{given} {family}", city=city)
    for n, (given, family, city) in enumerate(
        [
            ("John", "Whitfield", "Leeds"),
            ("Mary", "Whitfield", "Leeds"),
            ("Robert", "Ashdown", "York"),
            ("Anna", "Kowalska", "Leeds"),
            ("Peter", "Lund", "Hull"),
            ("Sara", "Ortiz", "Leeds"),
            ("James", "Noble", "York"),
            ("Emma", "Stone", "Hull"),
        ]
    )
]


def _model(*records: Record, prior: float = 1e-5) -> MatchModel:
    """The default (prior) weights, with the term frequencies of ``POPULATION`` and ``records``."""
    return MatchModel(
        m=[_normalise(row, _conditional(c)) for c, row in enumerate(_PRIOR_M)],
        u=[_normalise(row, _conditional(c)) for c, row in enumerate(_PRIOR_U)],
        prior=prior,
        tf=TermFrequencies([*POPULATION, *records]),
    )


def _p(a: Record, b: Record) -> float:
    return Scorer(_model(a, b)).probability(compare(a, b), a, b)


def test_spouses_sharing_a_home_are_two_people() -> None:
    john = _contact("1", "John Whitfield", **HOME)
    mary = _contact("2", "Mary Whitfield", **HOME)
    levels = compare(john, mary)
    assert COMPARISONS[_INDEX["name"]].levels[levels[_INDEX["name"]]] == "same family name only"
    weights = Scorer(_model(john, mary)).level_weights(levels, john, mary)
    shared = sum(w for c, w in enumerate(weights) if w > 0)
    assert shared == pytest.approx(0.0, abs=1e-9)  # the family name, street, postcode and city: nothing for a match
    assert _p(john, mary) < REVIEW_MIN


def test_partners_of_different_names_sharing_a_home_and_an_address_are_two_people() -> None:
    ida = _contact("1", "Ida Blazejak", email="idaandjeremi@example.com", **HOME)
    jeremi = _contact("2", "Jeremi Dworczak", email="idaandjeremi@example.com", **HOME)
    assert _p(ida, jeremi) < THRESHOLD
    weights = Scorer(_model(ida, jeremi)).level_weights(compare(ida, jeremi), ida, jeremi)
    home = sum(weights[_INDEX[c]] for c in ("address", "postcode", "location", "name"))
    assert home <= 1e-9  # the home weighs at most what the different given names cost


def test_a_married_name_is_not_a_given_name_disagreement() -> None:
    # the same given name, the family name changed: 'different names', but the home still counts
    before = _contact("1", "Anna Kowalska", birthDate="1984-02-17", **HOME)
    after = _contact("2", "Anna Whitfield", birthDate="1984-02-17", **HOME)
    weights = Scorer(_model(before, after)).level_weights(compare(before, after), before, after)
    assert weights[_INDEX["address"]] > 0 and _p(before, after) >= THRESHOLD


def test_a_shared_landline_or_family_email_does_not_join_a_household() -> None:
    john = _contact("1", "John Whitfield", phone="+441132000000", email="whitfields@example.com", **HOME)
    mary = _contact("2", "Mary Whitfield", phone="+441132000000", email="whitfields@example.com", **HOME)
    # the number and the address are one person's evidence only where nothing says otherwise: here the
    # given names differ, and a landline or family address is what a household shares
    assert _p(john, mary) < THRESHOLD


def test_evidence_one_person_holds_joins_records_despite_a_given_name_difference() -> None:
    # 'Liam' is not a nickname of William the model knows; the household's email and landline say "one
    # of the Whitfields", and the date of birth says which
    william = _contact(
        "1", "William Whitfield", phone="+441132000000", email="whitfields@example.com", birthDate="1979-05-02", **HOME
    )
    liam = _contact(
        "2", "Liam Whitfield", phone="+441132000000", email="whitfields@example.com", birthDate="1979-05-02"
    )
    assert _p(william, liam) >= THRESHOLD
    liam_unborn = _contact("3", "Liam Whitfield", phone="+441132000000", email="whitfields@example.com")
    assert _p(william, liam_unborn) < THRESHOLD


def test_parent_and_child_of_one_name_are_two_people() -> None:
    senior = _contact("1", "Robert Ashdown", birthDate="1952-04-11", **HOME)
    junior = _contact("2", "Robert Ashdown", birthDate="1981-09-30", **HOME)
    levels = compare(senior, junior)
    assert levels[_INDEX["birth date"]] == COMPARISONS[_INDEX["birth date"]].level("different birth dates")
    weights = Scorer(_model(senior, junior)).level_weights(levels, senior, junior)
    home = sum(weights[_INDEX[c]] for c in ("address", "postcode", "location", "birth date"))
    assert home <= 1e-9  # the home weighs at most what the birth dates cost: the name alone is left
    assert _p(senior, junior) < THRESHOLD
    # the same two records without dates of birth: the home counts, and they are one person
    assert _p(_contact("3", "Robert Ashdown", **HOME), _contact("4", "Robert Ashdown", **HOME)) >= THRESHOLD


def test_the_same_person_with_a_typo_in_the_birth_date_is_not_held_apart() -> None:
    one = _contact("1", "Robert Ashdown", birthDate="1952-04-11", **HOME)
    typo = _contact("2", "Robert Ashdown", birthDate="1952-11-04", **HOME)  # day and month swapped
    assert _p(one, typo) >= THRESHOLD


def test_a_missing_value_is_neutral() -> None:
    with_birth = _contact("1", "Robert Ashdown", birthDate="1952-04-11", **HOME)
    without = _contact("2", "Robert Ashdown", **HOME)
    neither = _contact("3", "Robert Ashdown", **HOME)
    levels = compare(with_birth, without)
    assert levels[_INDEX["birth date"]] == 0
    assert _p(with_birth, without) == pytest.approx(_p(neither, without))
    no_city = _contact("4", "Robert Ashdown", street=HOME["street"], postcode=HOME["postcode"])
    assert compare(no_city, without)[_INDEX["location"]] == 0


@settings(max_examples=60, deadline=None)
@given(
    given_a=st.sampled_from(["John", "Mary", "Peter", "Sara", "Hannah", "Olek"]),
    given_b=st.sampled_from(["John", "Mary", "Peter", "Sara", "Hannah", "Olek"]),
    share_home=st.booleans(),
    share_city=st.booleans(),
    born_a=st.sampled_from(["", "1950-01-02", "1981-07-19"]),
    born_b=st.sampled_from(["", "1950-01-02", "1981-07-19"]),
)
def test_stable_disagreements_outweigh_shared_agreements(
    given_a: str, given_b: str, share_home: bool, share_city: bool, born_a: str, born_b: str
) -> None:
    """Whatever a pair shares of a home: where the given names differ and no evidence one person
    holds (an email, a phone, a handle, a link, a picture, a date of birth) joins them, its weights
    sum to at most 0; where the birth dates differ, the home's weigh at most what that costs."""
    assume(not (born_a and born_a == born_b))
    place = {**(HOME if share_home else {}), **({"city": "Leeds"} if share_city else {})}
    a = _contact("1", f"{given_a} Whitfield", **place, **({"birthDate": born_a} if born_a else {}))
    b = _contact("2", f"{given_b} Whitfield", **place, **({"birthDate": born_b} if born_b else {}))
    levels = compare(a, b)
    assume(any((c, level) in STABLE_DISAGREEMENTS for c, level in enumerate(levels)))
    weights = Scorer(_model(a, b)).level_weights(levels, a, b)
    if COMPARISONS[_INDEX["name"]].levels[levels[_INDEX["name"]]] == "same family name only":
        assert sum(weights) <= 1e-9
    else:
        assert sum(weights[_INDEX[c]] for c in ("address", "postcode", "location", "birth date")) <= 1e-9


def _backwards(comparison: str, level: str, m: float, u: float) -> MatchModel:
    """The default model with one level's m and u set (the check reads their ratio only)."""
    model = _model()
    c = _INDEX[comparison]
    at = COMPARISONS[c].level(level)
    model.m[c][at], model.u[c][at] = m, u
    return model


def test_a_backwards_weight_is_refused_and_says_why() -> None:
    model = sanity_check(_backwards("location", "different cities", m=0.6, u=0.3))
    c, level = _INDEX["location"], COMPARISONS[_INDEX["location"]].level("different cities")
    assert model.learnt_weight(c, level) > 0
    assert model.level_weight(c, level) == 0.0  # refused: neutral
    (reason,) = [r.reason for r in model.refused.values()]
    assert "location 'different cities'" in reason and "a disagreement cannot be evidence for a match" in reason
    explained = {(row["comparison"], row["level"]): row for row in model.explain()}
    assert explained[("location", "different cities")]["refused"] == reason
    assert explained[("location", "same city")]["refused"] is None
    assert model.as_dict()["refused"] == [reason]


def test_a_backwards_agreement_is_refused() -> None:
    model = sanity_check(_backwards("postcode", "same postcode", m=0.01, u=0.3))
    assert [(r.comparison, r.level) for r in model.refused.values()] == [("postcode", "same postcode")]


def test_a_model_whose_decisive_weights_are_backwards_is_refused() -> None:
    with pytest.raises(ModelRefused, match="email 'same email'") as refused:
        sanity_check(_backwards("email", "same email", m=0.01, u=0.5))
    assert refused.value.code == "MODEL_REFUSED" and refused.value.hint


def test_a_sane_model_passes_unchanged() -> None:
    model = sanity_check(_model())
    assert model.refused == {}
    assert all(model.level_weight(c, lv) >= 0 for c, lv in AGREEMENTS)
    assert all(model.level_weight(c, lv) <= 0 for c, lv in DISAGREEMENTS)
