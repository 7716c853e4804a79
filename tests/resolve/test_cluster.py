"""Clustering constraints, stable ids, blocking and the evaluation metrics: pure functions, known answers."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphsvc.resolve.blocking import candidate_pairs
from graphsvc.resolve.cluster import ClusterOptions, assign_ids, cluster_units
from graphsvc.resolve.compare import COMPARISONS, compare
from graphsvc.resolve.evaluate import evaluate
from graphsvc.resolve.model import MatchModel
from graphsvc.resolve.records import Record, contact_record, identity_record, keep_rare_bio_terms, username_numbers

NO_PLATFORMS: list[frozenset[str]] = [frozenset()] * 10


def clique(nodes: range, p: float) -> dict[tuple[int, int], float]:
    return dict.fromkeys(itertools.combinations(nodes, 2), p)


def as_sets(clusters: list[list[int]]) -> set[frozenset[int]]:
    return {frozenset(c) for c in clusters}


def test_one_weak_bridge_does_not_chain_two_large_clusters() -> None:
    edges = clique(range(4), 0.99) | clique(range(4, 8), 0.99) | {(3, 4): 0.93}
    clusters = cluster_units(8, edges, unit_platforms=NO_PLATFORMS[:8])
    assert as_sets(clusters) == {frozenset(range(4)), frozenset(range(4, 8))}
    # ...but a bridge that is certain, or well supported, merges them
    strong = cluster_units(8, edges | {(3, 4): 0.999}, unit_platforms=NO_PLATFORMS[:8])
    assert as_sets(strong) == {frozenset(range(8))}
    supported = edges | {(0, 4): 0.93, (1, 5): 0.93}
    assert as_sets(cluster_units(8, supported, unit_platforms=NO_PLATFORMS[:8])) == {frozenset(range(8))}


def test_cannot_link_splits_and_must_link_joins() -> None:
    edges = {(0, 1): 0.99, (1, 2): 0.99}
    assert as_sets(cluster_units(3, edges, unit_platforms=NO_PLATFORMS[:3])) == {frozenset({0, 1, 2})}
    split = cluster_units(3, edges, unit_platforms=NO_PLATFORMS[:3], cannot_link=[(0, 2)])
    assert frozenset({0, 1, 2}) not in as_sets(split) and len(split) == 2
    joined = cluster_units(4, {}, unit_platforms=NO_PLATFORMS[:4], must_link=[(2, 3)])
    assert as_sets(joined) == {frozenset({0}), frozenset({1}), frozenset({2, 3})}  # no evidence needed
    refused = cluster_units(3, edges, unit_platforms=NO_PLATFORMS[:3], must_link=[(0, 2)], cannot_link=[(0, 2)])
    assert not any({0, 2} <= set(c) for c in refused)


def test_two_accounts_on_one_platform_need_strong_evidence() -> None:
    platforms = [frozenset({"twitter"}), frozenset({"twitter"}), frozenset({"github"})]
    weak = cluster_units(3, {(0, 1): 0.95, (1, 2): 0.95}, unit_platforms=platforms)
    assert as_sets(weak) == {frozenset({0}), frozenset({1, 2})} or as_sets(weak) == {frozenset({0, 1}), frozenset({2})}
    assert len(cluster_units(2, {(0, 1): 0.999}, unit_platforms=platforms[:2])) == 1


def test_threshold_and_size_cap() -> None:
    threshold = ClusterOptions().threshold
    assert len(cluster_units(2, {(0, 1): threshold - 0.01}, unit_platforms=NO_PLATFORMS[:2])) == 2
    assert len(cluster_units(2, {(0, 1): threshold}, unit_platforms=NO_PLATFORMS[:2])) == 1
    capped = cluster_units(
        6, clique(range(6), 0.999), unit_platforms=NO_PLATFORMS[:6], options=ClusterOptions(max_size=4)
    )
    assert max(len(c) for c in capped) <= 4


def test_ids_are_stable_when_membership_barely_changes() -> None:
    previous = {"a": "p-1", "b": "p-1", "c": "p-1", "d": "p-2", "e": "p-2"}
    # p-1 gains a record, p-2 loses one to a new person: both keep their ids
    ids = assign_ids([["a", "b", "c", "x"], ["d"], ["e", "y"]], previous)
    assert ids[0] == "p-1" and ids[1:].count("p-2") == 1 and len(set(ids)) == 3
    # a person split in two halves keeps its id on one side only
    halves = assign_ids([["a", "b"], ["c"]], previous)
    assert halves[0] == "p-1" and halves[1] != "p-1"
    # new ids are deterministic
    assert assign_ids([["q", "r"]], {}) == assign_ids([["r", "q"]], {})


def test_blocking_pairs_shared_keys_and_links_but_skips_huge_blocks() -> None:
    records = [
        identity_record({"platform": "twitter", "key": "ada_l", "displayName": "Ada Lovelace", "location": "London"}),
        identity_record({"platform": "github", "key": "adal", "displayName": "Ada L."}),
        identity_record({"platform": "linkedin", "key": "someone-else", "bio": "see https://x.com/ada_l"}),
        identity_record({"platform": "forum", "key": "grace", "displayName": "Grace Hopper"}),
    ]
    pairs = candidate_pairs(records, list(range(4)))
    assert (0, 1) in pairs  # same username without separators: adal
    assert (0, 2) in pairs  # the bio links to the twitter profile
    assert not any(3 in pair for pair in pairs)
    commons = [
        Record(
            key=f"identity:forum:s{i}",
            kind="identity",
            source="forum",
            name="john smith",
            tokens=frozenset({"john", "smith"}),
        )
        for i in range(100)
    ]
    assert candidate_pairs(commons, list(range(100)), max_block=60) == set()
    assert candidate_pairs(records, [0, 0, 1, 2]) & {(0, 1)} == set()  # same unit: never compared


def test_evaluation_metrics_on_a_known_example() -> None:
    truth = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "2"}
    predicted = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "z", "extra": "w"}
    report = evaluate(predicted, truth)
    # true pairs: ab ac bc de (4); predicted pairs: ab cd (2); correct: ab (1)
    assert report["pairwise"] == {"precision": 0.5, "recall": 0.25, "f1": pytest.approx(0.3333, abs=1e-4)}
    # B-cubed precision: a,b 1; c,d 1/2; e 1 -> 4/5. Recall: a,b 2/3; c 1/3; d,e 1/2 -> (4/3+1/3+1)/5
    assert report["bcubed"]["precision"] == 0.8
    assert report["bcubed"]["recall"] == pytest.approx(round((2 / 3 * 2 + 1 / 3 + 1) / 5, 4))
    assert report["records_only_in_graph"] == 1 and report["largest_true"] == 3


def test_shared_rare_connections_are_evidence() -> None:
    social = next(i for i, c in enumerate(COMPARISONS) if c.name == "connections")
    a = Record(key="identity:twitter:a", kind="identity", source="twitter", ties=frozenset({"p-1", "p-2", "p-3", "x"}))
    b = Record(key="identity:github:b", kind="identity", source="github", ties=frozenset({"p-1", "p-2", "p-3"}))
    c = Record(key="identity:forum:c", kind="identity", source="forum", ties=frozenset({"p-9"}))
    d = Record(key="identity:forum:d", kind="identity", source="forum")
    levels = COMPARISONS[social].levels
    assert levels[compare(a, b)[social]] == "share 3 or more rare connections"
    assert levels[compare(a, c)[social]] == "no connection in common"
    assert compare(a, d)[social] == 0  # no ties known: nothing to compare


def named(key: str, name: str) -> Record:
    return identity_record({"platform": "twitter", "key": key, "displayName": name})


def test_a_given_name_alone_neither_agrees_nor_disagrees_with_a_full_name() -> None:
    name = next(i for i, c in enumerate(COMPARISONS) if c.name == "name")
    ryan = named("ryan", "Ryan")
    assert compare(ryan, named("rh", "Ryan Holland"))[name] == 0  # says nothing, as a missing name
    assert compare(named("rob", "Rob"), named("robert", "Robert Holland"))[name] == 0  # a nickname fits too
    assert COMPARISONS[name].levels[compare(ryan, named("ml", "Maria Lopez"))[name]] == "different names"
    assert COMPARISONS[name].levels[compare(ryan, named("ryan2", "Ryan"))[name]] == "same name"
    # unless its username spells the rest of the name: 'Penelope' at 'pbriggs' is Penelope Briggs's namesake at most
    penelope = named("pbriggs", "Penelope")
    assert COMPARISONS[name].levels[compare(penelope, named("pb", "Penelope Briggs"))[name]] == "username matches name"
    assert compare(penelope, named("pw", "Penelope Wise"))[name] == 0


def test_two_accounts_on_one_platform_never_count_for_a_match() -> None:
    platform = next(i for i, c in enumerate(COMPARISONS) if c.name == "platform")
    # u measured where random pairs almost never hold two social accounts: the raw ratio m/u is far above 1
    m = [[1.0, 0.5, 0.5] for _ in COMPARISONS]
    u = [[1.0, 0.5, 0.5] for _ in COMPARISONS]
    m[platform], u[platform] = [0.97, 0.03], [0.999999, 0.000001]
    model = MatchModel(m=m, u=u, prior=0.01)
    assert model.level_weight(platform, 1) == 0.0
    levels = tuple(1 if c == platform else 0 for c in range(len(COMPARISONS)))
    assert model.probability(levels) == pytest.approx(0.01)


def test_bios_compare_on_their_rare_words_only() -> None:
    bio = next(i for i, c in enumerate(COMPARISONS) if c.name == "bio")
    levels = COMPARISONS[bio].levels

    def account(key: str, text: str) -> Record:
        return identity_record({"platform": "twitter", "key": key, "bio": text})

    # 0.5% of 1,004 bios: a word in up to 5 of them is rare
    crowd = [account(f"c{i}", "Travel enthusiast. Coffee first.") for i in range(1000)]
    a = account("a", "Travel enthusiast. Kubernetes at Freeman-Thompson")
    b = account("b", "Kubernetes wrangler @ Freeman-Thompson. Coffee first.")
    c = account("c", "Kubernetes and travel")
    d = account("d", "Coffee first.")
    keep_rare_bio_terms([*crowd, a, b, c, d])
    assert a.bio_terms == {"kubernetes", "freeman", "thompson"} and not d.bio_terms  # the crowd's words are gone
    assert levels[compare(a, b)[bio]] == "bios share 2 or more rare words"
    assert levels[compare(a, c)[bio]] == "bios share a rare word"
    assert levels[compare(b, account("e", "Shepherd in Wales"))[bio]] == "bios share no rare word"
    assert compare(a, d)[bio] == 0  # nothing rare to compare


def test_usernames_ending_with_the_same_year_agree_on_it() -> None:
    number = next(i for i, c in enumerate(COMPARISONS) if c.name == "number")
    levels = COMPARISONS[number].levels
    assert username_numbers("chloe_sanderson65", "csanderson1965", "ana-silva-21558c35") == {
        "65"
    }  # LinkedIn's id is no year
    assert not username_numbers("jsmith7", "jsmith123", "jsmith")
    insta = identity_record({"platform": "instagram", "key": "chloe_sanderson65"})
    mail = identity_record({"platform": "email", "key": "csanderson65@gmail.com"})
    other = identity_record({"platform": "twitter", "key": "chloesand91"})
    crm = contact_record({"source": "hubspot", "sourceId": "1", "name": "Chloe Sanderson", "birthDate": "1965-03-02"})
    assert levels[compare(insta, mail)[number]] == "usernames end with the same number (or the birth year)"
    assert levels[compare(crm, insta)[number]] == "usernames end with the same number (or the birth year)"
    assert levels[compare(insta, other)[number]] == "different numbers"
    assert compare(insta, identity_record({"platform": "github", "key": "chloes"}))[number] == 0


@given(st.from_regex(r"[a-z]{1,12}[._-]?", fullmatch=True), st.integers(0, 99), st.booleans())
def test_a_username_ending_with_a_year_gives_its_two_digits(stem: str, year: int, long: bool) -> None:
    digits = f"{1900 + year}" if long else f"{year:02d}"
    assert username_numbers(stem + digits) == {f"{year:02d}"}


def test_a_linkedin_id_suffix_is_not_part_of_the_username() -> None:
    username = next(i for i, c in enumerate(COMPARISONS) if c.name == "username")
    levels = COMPARISONS[username].levels
    linkedin = identity_record({"platform": "linkedin", "key": "anna-schmidt-f8224be2", "displayName": "Anna Schmidt"})
    assert linkedin.handle_core == "annaschmidt"  # not 'annaschmidtfbe', 'similar' to every other annaschmidt
    mail = identity_record({"platform": "email", "key": "anna-schmidt78@gmail.com", "displayName": "Anna Schmidt"})
    assert levels[compare(linkedin, mail)[username]] == "same username made from the name"  # the name's, not rare
    own = identity_record({"platform": "twitter", "key": "rambling_rose", "displayName": "Dorothea Thé"})
    suffixed = identity_record({"platform": "linkedin", "key": "rambling-rose-0a1b2c3d"})
    assert levels[compare(own, suffixed)[username]] == "same username"


def test_a_number_is_not_counted_twice() -> None:
    number = next(i for i, c in enumerate(COMPARISONS) if c.name == "number")
    born = contact_record({"source": "hubspot", "sourceId": "1", "name": "Chloe Sanderson", "birthDate": "1965-03-02"})
    again = contact_record(
        {"source": "salesforce", "sourceId": "2", "name": "Chloe Sanderson", "birthDate": "1965-03-02"}
    )
    assert compare(born, again)[number] == 0  # two birth dates: the birth-date comparison's business
    points = [{"platform": "email", "key": "csanderson65@gmail.com"}]
    one = contact_record({"source": "hubspot", "sourceId": "1", "name": "Chloe Sanderson"}, points)
    two = contact_record({"source": "salesforce", "sourceId": "2", "name": "Chloe Sanderson"}, points)
    assert compare(one, two)[number] == 0  # the shared email says it already


def test_display_name_decorations_are_not_part_of_the_name() -> None:
    for shown in (
        "Ewelina Fugiel (she/her)",
        "Ewelina Fugiel | surfing",
        "Dr. Ewelina Fugiel, PhD",
        "Ewelina Fugiel · Founder",
    ):
        record = named("ef", shown)
        assert (record.name, record.given, record.family) == ("ewelina fugiel", "ewelina", "fugiel"), shown
    assert named("an", "Anna (Ania) Nowak").name == "anna nowak"
