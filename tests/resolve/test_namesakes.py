"""Counting the persons behind a name or an email: pure functions, known answers and invariants."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphsvc.resolve.compare import COMPARISONS
from graphsvc.resolve.model import MatchModel, TermFrequencies
from graphsvc.resolve.namesakes import estimate_holders
from graphsvc.resolve.records import SOCIAL, Record, contact_record, identity_record

PLATFORMS = ("twitter", "facebook", "linkedin", "instagram")


def population(special: dict[str, dict[str, int]], people: int = 400) -> dict[str, dict[str, int]]:
    """``people`` other names, each held by one person with an account on two of the four platforms."""
    by_source = {f"name{n}": {PLATFORMS[n % 4]: 1, PLATFORMS[(n + 1) % 4]: 1} for n in range(people)}
    return {**by_source, **special}


def test_one_account_per_platform_reads_as_one_person_two_on_one_platform_as_two() -> None:
    by_source = population(
        {
            "jakub paczos": {"twitter": 1, "facebook": 1, "linkedin": 1, "crm:hubspot": 1},
            "anna nowak": {"twitter": 2, "facebook": 1},
        }
    )
    holders, persons = estimate_holders(by_source, single=SOCIAL, prior_mean=lambda v: 0.01)
    assert holders["jakub paczos"].persons < 1.1
    assert holders["jakub paczos"].others < 0.05
    assert 2.0 <= holders["anna nowak"].persons < 2.5
    assert holders["anna nowak"].others >= 0.5
    assert 395 < persons < 410


def test_the_namesake_prior_raises_the_share_of_other_persons() -> None:
    by_source = population({"john smith": {"twitter": 1, "linkedin": 1}})
    rare, _ = estimate_holders(by_source, single=SOCIAL, prior_mean=lambda v: 0.01)
    common, _ = estimate_holders(by_source, single=SOCIAL, prior_mean=lambda v: 3.0 if v == "john smith" else 0.01)
    assert rare["john smith"].others < 0.05
    assert common["john smith"].others > rare["john smith"].others + 0.2
    assert common["john smith"].persons > 1.5  # the counts pull back: more holders would show on more platforms


@given(
    st.dictionaries(st.sampled_from(["twitter", "facebook", "email", "crm:hubspot"]), st.integers(1, 4), min_size=1),
    st.floats(0.001, 20.0),
)
def test_holders_are_at_least_what_the_counts_show(sources: dict[str, int], mean: float) -> None:
    by_source = population({"x": sources}, people=50)
    holders, _ = estimate_holders(by_source, single=SOCIAL, prior_mean=lambda v: mean if v == "x" else 0.1)
    least = max([c for s, c in sources.items() if s in SOCIAL] or [1])
    assert holders["x"].persons >= least - 1e-9
    assert 0.0 <= holders["x"].others < 1.0
    assert holders["x"].others >= (least - 1) / least - 1e-9  # at least this many holders: at least this share


def identity(platform: str, handle: str, name: str) -> Record:
    return Record(
        key=f"identity:{platform}:{handle}",
        kind="identity",
        source=platform,
        handle=handle,
        name=name,
        given=name.split()[0],
        family=name.split()[-1] if " " in name else "",
    )


def test_a_persons_own_records_are_not_namesakes_of_each_other() -> None:
    records = [identity(p, f"u{n}{p}", f"given{n} family{n}") for n in range(300) for p in PLATFORMS[n % 2 :][:2]]
    records += [identity(p, "jpaczos", "jakub paczos") for p in PLATFORMS]  # one person, four accounts
    records += [identity(p, f"jsmith{n}", "john smith") for n in range(3) for p in ("twitter",)]  # three people
    tf = TermFrequencies(records)
    plain = Counter(r.name for r in records)
    total = sum(plain.values())
    assert tf.frequency["name"]["jakub paczos"] < 0.1 * plain["jakub paczos"] / total
    assert tf.frequency["name"]["john smith"] >= 0.6 * plain["john smith"] / total  # each has two namesakes


def test_a_given_name_alone_is_as_common_as_the_given_name() -> None:
    records = [identity("twitter", f"d{n}", f"derek family{n}") for n in range(20)]
    records += [identity("github", f"x{n}", f"other{n} family{n}") for n in range(180)]
    records += [identity("facebook", "derek1", "derek")]
    tf = TermFrequencies(records)
    assert tf.frequency["name"]["derek"] >= 20 / 201


def crm(source: str, name: str, email: str) -> Record:
    return contact_record({"source": source, "sourceId": name, "name": name}, [{"platform": "email", "key": email}])


def test_a_household_email_says_one_of_its_people_no_more() -> None:
    email = next(i for i, c in enumerate(COMPARISONS) if c.name == "email")
    anna, tom = (
        crm("hubspot", "Anna Smith", "smithfamily@example.com"),
        crm("hubspot", "Tom Smith", "smithfamily@example.com"),
    )
    ana, ana_again = crm("hubspot", "Ana Lopez", "ana@example.com"), crm("salesforce", "Ana López", "ana@example.com")
    tf = TermFrequencies([anna, tom, ana, ana_again])
    assert tf.email_holders(anna, tom) == 2 and tf.email_holders(ana, ana_again) == 1  # one person in two CRMs
    m = [[1.0] + [0.5] * (len(c.levels) - 1) for c in COMPARISONS]
    u = [[1.0] + [0.5] * (len(c.levels) - 1) for c in COMPARISONS]
    m[email], u[email] = [1.0, 0.9, 0.1], [1.0, 1e-8, 1.0 - 1e-8]
    model = MatchModel(m=m, u=u, prior=1e-4, tf=tf)
    levels = tuple(1 if c == email else 0 for c in range(len(COMPARISONS)))
    assert model.probability(levels, anna, tom) == pytest.approx(0.5)  # which of the two: the other fields say
    assert model.probability(levels, ana, ana_again) > 0.99


def test_a_household_address_that_names_one_of_its_people_is_that_persons() -> None:
    jadwiga, peter = (
        crm("hubspot", "Jadwiga Lochel", "jadwiga@ladeck.de"),
        crm("hubspot", "Peter Deck", "jadwiga@ladeck.de"),
    )
    helen, tom = (
        crm("hubspot", "Helen Sanderson", "sanderson.home@gmail.com"),
        crm("hubspot", "Tom Sanderson", "sanderson.home@gmail.com"),
    )
    address, home = (
        Record(key=f"identity:email:{email}", kind="identity", source="email", emails=frozenset({email}))
        for email in ("jadwiga@ladeck.de", "sanderson.home@gmail.com")
    )
    tf = TermFrequencies([jadwiga, peter, helen, tom, address, home])
    assert tf.email_holders(jadwiga, address) == 1  # 'jadwiga@' is Jadwiga's
    assert tf.email_holders(peter, address) == 2 and tf.email_holders(jadwiga, peter) == 2
    assert tf.email_holders(helen, home) == 2  # 'sanderson.home@' names both Sandersons: still either


def account(platform: str, handle: str, name: str) -> Record:
    return identity_record({"platform": platform, "key": handle, "displayName": name})


def test_a_handle_one_person_holds_on_several_platforms_weighs_more_than_one_several_people_hold() -> None:
    username = next(i for i, c in enumerate(COMPARISONS) if c.name == "username")
    records = [account(p, f"u{n}{p}", f"Given{n} Family{n}") for n in range(300) for p in PLATFORMS[n % 2 :][:2]]
    dorothea = [account(p, "dorothea_the", "Dorothea Plath") for p in PLATFORMS[:3]]  # one person, three accounts
    mikes = [account("twitter", f"mike{n}", f"Mike Family{n}") for n in range(3)]  # three people, one platform
    mikes += [account("facebook", "mike", "Mike Other")]
    tf = TermFrequencies([*records, *dorothea, *mikes])
    assert tf.kin("username", "dorotheathe") > 0.9  # her other records hold it as well
    assert tf.kin("username", "mike") < 0.5  # the facebook 'mike' may be one of the three: no more likely
    assert tf.chance("username", "dorotheathe") < 0.2 * tf.chance("username", "mike")
    assert tf.others["username"]["mike"] >= 0.6  # three accounts on one platform: three people at least
    m = [[1.0] + [0.05] * (len(c.levels) - 1) for c in COMPARISONS]
    u = [[1.0] + [1e-9] * (len(c.levels) - 1) for c in COMPARISONS]
    model = MatchModel(m=m, u=u, prior=1e-3, tf=tf)
    levels = tuple(1 if c == username else 0 for c in range(len(COMPARISONS)))
    # m for her handle is her records' kin (about 1), not the average 0.05: 4 bits more than the bare ratio
    assert model.weight(levels, dorothea[0], dorothea[1]) > math.log2(0.05 / tf.chance("username", "dorotheathe")) + 4
    assert model.probability(levels, dorothea[0], dorothea[1]) > 0.5 > 4 * model.probability(levels, mikes[0], mikes[3])


def test_a_username_that_fits_one_persons_name_weighs_more_than_one_that_fits_many() -> None:
    name = next(i for i, c in enumerate(COMPARISONS) if c.name == "name")
    records = [account(p, f"u{n}{p}", f"Given{n} Family{n}") for n in range(300) for p in PLATFORMS[n % 2 :][:2]]
    lunna = account("twitter", "lunna_ramos", "Lunna Ramos")
    ramos = [
        account("twitter", f"r{n}", f"{given} Ramos") for n, given in enumerate(("Luis", "Lara", "Leo", "Lia", "Lucas"))
    ]
    sign_ups = [
        Record(
            key=f"identity:email:{local}@gmail.com", kind="identity", source="email", email_locals=frozenset({local})
        )
        for local in ("ramosl", "nowakz")
    ]
    zofia = account("twitter", "zofia_n", "Zofia Nowak")  # the only Z. Nowak
    tf = TermFrequencies([*records, lunna, *ramos, zofia, *sign_ups])
    assert tf.chance("fits", "nowakz") < tf.chance("fits", "ramosl") / 3  # six L. Ramos, one Z. Nowak
    m = [[1.0] + [0.2] * (len(c.levels) - 1) for c in COMPARISONS]
    u = [[1.0] + [1e-4] * (len(c.levels) - 1) for c in COMPARISONS]
    model = MatchModel(m=m, u=u, prior=1e-3, tf=tf)
    levels = tuple(5 if c == name else 0 for c in range(len(COMPARISONS)))
    assert model.weight(levels, zofia, sign_ups[1]) > model.weight(levels, lunna, sign_ups[0]) + 2


def test_holders_known_from_elsewhere_raise_the_estimate() -> None:
    by_source = population({"ramosl": {"twitter": 1, "facebook": 1, "crm:hubspot": 1}})
    plain, _ = estimate_holders(by_source, single=SOCIAL, prior_mean=lambda v: 0.5)
    named, _ = estimate_holders(by_source, single=SOCIAL, prior_mean=lambda v: 0.5, at_least={"ramosl": 3})
    assert plain["ramosl"].persons < 2.0 <= 3.0 <= named["ramosl"].persons  # three different names: three people
    assert named["ramosl"].others >= 2 / 3 - 1e-9 > plain["ramosl"].others
