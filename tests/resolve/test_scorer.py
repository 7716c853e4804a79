"""The Scorer gives exactly MatchModel's weights and probabilities, for every kind of pair."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from graphsvc.resolve.compare import COMPARISONS, NAME, USERNAME, compare
from graphsvc.resolve.model import (
    _PRIOR_M,
    _PRIOR_U,
    MatchModel,
    Scorer,
    TermFrequencies,
    _conditional,
    _normalise,
    _tf_value,
    random_pairs,
)
from graphsvc.resolve.records import Record, contact_record, identity_record


def _identity(platform: str, handle: str, name: str) -> Record:
    parts = name.split()
    return Record(
        key=f"identity:{platform}:{handle}",
        kind="identity",
        source=platform,
        handle=handle,
        name=name,
        given=parts[0] if parts else "",
        family=parts[-1] if len(parts) > 1 else "",
    )


def _contact(name: str, email: str, phone: str = "") -> Record:
    points = [{"platform": "email", "key": email}] + ([{"platform": "phone", "key": phone}] if phone else [])
    return contact_record({"source": "hubspot", "sourceId": f"{name}|{email}", "name": name}, points)


#: Pairs that agree on names, usernames, numbers, household and personal emails, phones, or nothing.
POOL = [
    _contact("Anna Smith", "smithfamily@example.com", "+14155550100"),
    _contact("Tom Smith", "smithfamily@example.com"),
    _contact("Anna Smith", "anna.smith84@example.com", "+14155550100"),
    _contact("Marcos Teixeira", "mteixeira92@example.com"),
    _identity("twitter", "annasmith84", "Anna Smith"),
    _identity("github", "annasmith", ""),
    _identity("linkedin", "mteixeira92", "Marcos Vinicius Teixeira"),
    _identity("twitter", "mteixeira", "marcos"),
    _identity("facebook", "tom.smith", "Tom Smith"),
    _identity("twitter", "jsmith", "J Smith"),
]

TF = TermFrequencies(POOL)
probabilities = st.floats(min_value=0.001, max_value=1.0)


@settings(max_examples=25, deadline=None)
@given(st.data(), st.floats(min_value=1e-6, max_value=0.5))
def test_the_scorer_equals_the_model(data: st.DataObject, prior: float) -> None:
    m = [[1.0] + [data.draw(probabilities) for _ in c.levels[1:]] for c in COMPARISONS]
    u = [[1.0] + [data.draw(probabilities) for _ in c.levels[1:]] for c in COMPARISONS]
    model = MatchModel(m=m, u=u, prior=prior, tf=TF)
    scorer = Scorer(model)
    seen = set()
    for a, b in combinations(POOL, 2):
        levels = compare(a, b)
        seen.add(levels)
        assert scorer.level_weights(levels, a, b) == model.level_weights(levels, a, b)
        assert scorer.probability(levels, a, b) == model.probability(levels, a, b)
    assert len(seen) >= 9  # the pool covers many patterns, each planned once and reused


def test_a_username_that_fits_the_name_makes_the_others_difference_no_evidence() -> None:
    name, username = NAME, USERNAME
    m = [_normalise(row, _conditional(c)) for c, row in enumerate(_PRIOR_M)]
    u = [_normalise(row, _conditional(c)) for c, row in enumerate(_PRIOR_U)]
    pool = [
        identity_record({"platform": "email", "key": "a.nguyen@example.com"}),
        identity_record({"platform": "twitter", "key": "ashley_photo", "displayName": "Ashley Nguyen"}),
        identity_record({"platform": "forum", "key": "travels_far", "displayName": "Ashley Nguyen"}),
    ]
    model = MatchModel(m=m, u=u, prior=1e-4, tf=TermFrequencies(pool))
    mail, twitter, forum = pool
    fits = compare(mail, twitter)
    assert COMPARISONS[name].levels[fits[name]] == "username matches name"
    assert COMPARISONS[username].levels[fits[username]] == "different usernames"
    assert (
        model.level_weights(fits, mail, twitter)[username] == 0.0
    )  # 'anguyen' spelled her name: that was the evidence
    named = compare(forum, twitter)  # the same name, and usernames that differ: that still counts against
    assert COMPARISONS[username].levels[named[username]] == "different usernames"
    assert model.level_weights(named, forum, twitter)[username] < 0
    assert Scorer(model).level_weights(fits, mail, twitter) == model.level_weights(fits, mail, twitter)


def test_random_pairs_join_different_units_and_a_small_graph_draws_few() -> None:
    unit_of = [0, 0, 1, 2]  # a contact and its email, and two accounts
    pairs = random_pairs(unit_of, samples=1000, seed=3)
    assert 0 < len(pairs) <= 6 and all(unit_of[a] != unit_of[b] for a, b in pairs)  # 4 records: at most 6 draws
    assert random_pairs(unit_of, samples=1000, seed=3) == pairs  # the same seed, the same sample


def test_a_username_spelling_an_initial_is_as_rare_as_the_names_it_fits() -> None:
    name = NAME
    mail = identity_record({"platform": "email", "key": "thomasm@example.com"})
    initial = identity_record({"platform": "facebook", "key": "thetommy", "displayName": "Thomas M"})
    full = identity_record({"platform": "facebook", "key": "tmuller", "displayName": "Thomas Muller"})
    assert COMPARISONS[name].levels[compare(mail, initial)[name]] == "username matches name"
    assert _tf_value(name, compare(mail, initial)[name], mail, initial) == ("fits", "thomasm")  # every Thomas M.
    assert _tf_value(name, compare(mail, full)[name], mail, full) == ("fits", "thomasm")
