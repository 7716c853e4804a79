"""`graphsvc synth`: the files are deterministic, valid for the importer, consistent with the truth, and realistic.

Pure Python (no Neo4j): the files are read back and checked with the importer's own
converters and normalisers, so a row the importer would reject fails here first.
"""

from __future__ import annotations

import csv
import json
import os
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from graphsvc.cli import synth_cmd
from graphsvc.errors import InputError
from graphsvc.ingest.fields import COLUMNS, ConvertOptions, convert
from graphsvc.ingest.normalize import fold, normalize_email, normalize_phone, parse_handle
from graphsvc.ingest.readers import read_records
from graphsvc.synth import BRANDS, PLATFORM_RULES, generate, reference_date
from graphsvc.synth.names import NICKNAMES

PEOPLE, SEED = 2000, 7
IMPORT_FILES = {
    "contacts": "contacts.csv",
    "identities": "identities.csv",
    "edges": "edges.csv",
    "posts": "posts.jsonl",
}
TRUTH_FILES = ("identity_person.csv", "person_community.csv", "influencers.csv", "post_sentiment.csv", "households.csv")
ENGAGED_WINDOW = timedelta(days=120)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


@dataclass
class Synth:
    """One generated directory, read back."""

    out: Path
    contacts: list[dict[str, str]]
    identities: list[dict[str, str]]
    edges: list[dict[str, str]]
    posts: list[dict[str, Any]]
    truth: list[dict[str, str]]
    communities: list[dict[str, str]]
    influencers: list[dict[str, str]]
    sentiment: list[dict[str, str]]
    households: list[dict[str, str]]

    @classmethod
    def read(cls, out: Path) -> Synth:
        with (out / "posts.jsonl").open(encoding="utf-8") as handle:
            posts = [json.loads(line) for line in handle]
        return cls(
            out,
            _csv(out / "contacts.csv"),
            _csv(out / "identities.csv"),
            _csv(out / "edges.csv"),
            posts,
            *(_csv(out / "truth" / name) for name in TRUTH_FILES),
        )

    def identity_key(self, row: dict[str, str]) -> tuple[str, str]:
        if row["platform"] == "email":
            return "email", normalize_email(row["handle"]).address
        return row["platform"], parse_handle(row["handle"], row["platform"]).key

    def person_of(self) -> dict[tuple[str, str, str], str]:
        """(kind, source, key) -> person id, from the truth."""
        return {(r["kind"], r["source"], r["key"]): r["person_id"] for r in self.truth}


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    out = tmp_path_factory.mktemp("synth")
    generate(PEOPLE, seed=SEED, out=out)
    return Synth.read(out)


def _digest(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


# -- determinism and scale ----------------------------------------------------------------------
def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    generate(300, seed=SEED, out=tmp_path / "a")
    generate(300, seed=SEED, out=tmp_path / "b")
    generate(300, seed=SEED + 1, out=tmp_path / "c")
    a, b, c = (_digest(tmp_path / name) for name in "abc")
    assert set(a) == {*IMPORT_FILES.values(), *(f"truth/{name}" for name in TRUTH_FILES)}
    assert a == b
    assert all(a[name] != c[name] for name in a)


def test_output_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    # Iterating over an unsorted set would make the files depend on PYTHONHASHSEED; run in another process.
    code = (
        "from pathlib import Path; from graphsvc.synth import generate; "
        f"generate(150, {SEED}, Path({str(tmp_path / 'x')!r}))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)
    generate(150, seed=SEED, out=tmp_path / "y")
    assert _digest(tmp_path / "x") == _digest(tmp_path / "y")


def test_row_counts_scale_with_people(synth: Synth, tmp_path: Path) -> None:
    small = generate(PEOPLE // 4, seed=SEED, out=tmp_path).files
    assert len(synth.communities) == PEOPLE and small["truth/person_community.csv"] == PEOPLE // 4
    for name, per_person in (("identities.csv", 3.0), ("edges.csv", 10.0), ("posts.jsonl", 2.0)):
        big = {"identities.csv": synth.identities, "edges.csv": synth.edges, "posts.jsonl": synth.posts}[name]
        assert 0.7 * per_person * PEOPLE < len(big) < 1.3 * per_person * PEOPLE, name
        assert 3.0 < len(big) / small[name] < 5.0, name
    assert 0.3 * PEOPLE < len({r["person_id"] for r in synth.truth if r["kind"] == "contact"}) < 0.55 * PEOPLE


def test_people_below_one_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="at least 1 person"):
        generate(0, out=tmp_path)


def test_tiny_populations_work(tmp_path: Path) -> None:
    for people in (1, 2, 5):
        files = generate(people, seed=SEED, out=tmp_path / str(people)).files
        assert files["truth/person_community.csv"] == people and files["truth/influencers.csv"] == 1


# -- the importer accepts everything --------------------------------------------------------------
@pytest.mark.parametrize("kind", list(IMPORT_FILES))
def test_every_row_passes_the_importers_validation(synth: Synth, kind: str) -> None:
    path = synth.out / IMPORT_FILES[kind]
    if path.suffix == ".csv":
        assert set(_header(path)) <= {name for name, _, _ in COLUMNS[kind]}
    rows = [convert(kind, record, ConvertOptions()) for record in read_records(path)]  # raises on a bad value
    assert rows


def test_columns_are_exactly_the_documented_ones(synth: Synth) -> None:
    assert _header(synth.out / "contacts.csv") == [
        "source",
        "source_id",
        "name",
        "given_name",
        "family_name",
        "email",
        "phone",
        "company",
        "title",
        "city",
        "country",
        "street",
        "postcode",
        "birth_date",
        "updated_at",
    ]
    assert _header(synth.out / "identities.csv") == [
        "platform",
        "handle",
        "display_name",
        "bio",
        "location",
        "url",
        "avatar_url",
        "followers",
        "following",
        "verified",
        "lang",
        "updated_at",
    ]
    assert _header(synth.out / "edges.csv") == [
        "src_platform",
        "src_handle",
        "dst_platform",
        "dst_handle",
        "type",
        "since",
        "weight",
    ]
    assert list(synth.posts[0]) == [
        "platform",
        "post_id",
        "author",
        "text",
        "created_at",
        "url",
        "lang",
        "reply_to",
        "share_of",
        "mentions",
        "hashtags",
    ]


# -- truth ------------------------------------------------------------------------------------------
def test_every_record_has_exactly_one_truth_row_and_every_person_has_one(synth: Synth) -> None:
    keys = Counter((r["kind"], r["source"], r["key"]) for r in synth.truth)
    assert max(keys.values()) == 1
    wanted = {("contact", c["source"], c["source_id"]) for c in synth.contacts}
    wanted |= {("identity", *synth.identity_key(row)) for row in synth.identities}
    for contact in synth.contacts:
        wanted |= {("identity", "email", normalize_email(e).address) for e in contact["email"].split(";") if e}
        wanted |= {("identity", "phone", normalize_phone(p, "US")) for p in contact["phone"].split(";") if p}
    assert wanted == set(keys)
    people = {r["person_id"] for r in synth.communities}
    assert {r["person_id"] for r in synth.truth} == people
    assert len(people) == PEOPLE and all(r["community"].startswith("c") for r in synth.communities)


def test_handles_follow_the_platform_rules_and_are_unique(synth: Synth) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for row in synth.identities:
        platform, key = synth.identity_key(row)
        if platform in PLATFORM_RULES:
            assert PLATFORM_RULES[platform].fullmatch(key), (platform, key, row["handle"])
            assert key not in seen[platform]
        seen[platform].add(key)
    assert set(seen) == {*PLATFORM_RULES, "email"}
    forms = Counter(
        "url"
        if "/" in r["handle"]
        else "@"
        if r["handle"].startswith("@")
        else "mixed case"
        if r["handle"] != r["handle"].lower()
        else "plain"
        for r in synth.identities
    )
    assert min(forms.values()) > 20, forms


def test_edges_join_existing_accounts_on_one_platform(synth: Synth) -> None:
    accounts = {synth.identity_key(row) for row in synth.identities}
    types = {
        "twitter": "FOLLOWS",
        "instagram": "FOLLOWS",
        "github": "FOLLOWS",
        "forum": "FOLLOWS",
        "facebook": "FRIENDS_WITH",
        "linkedin": "CONNECTED_TO",
    }
    pairs: Counter[tuple[str, ...]] = Counter()
    for edge in synth.edges:
        assert edge["src_platform"] == edge["dst_platform"] and types[edge["src_platform"]] == edge["type"]
        assert (edge["src_platform"], edge["src_handle"]) in accounts and (
            edge["dst_platform"],
            edge["dst_handle"],
        ) in accounts
        ends = (edge["src_handle"], edge["dst_handle"])
        pairs[(edge["src_platform"], *(sorted(ends) if edge["type"] != "FOLLOWS" else ends))] += 1
    assert max(pairs.values()) == 1  # friendships once per pair, follows once per direction
    assert set(Counter(e["type"] for e in synth.edges)) == {"FOLLOWS", "FRIENDS_WITH", "CONNECTED_TO"}


def test_edges_mostly_stay_in_the_community(synth: Synth) -> None:
    person = synth.person_of()
    community = {r["person_id"]: r["community"] for r in synth.communities}
    inside = sum(
        community[person[("identity", e["src_platform"], e["src_handle"])]]
        == community[person[("identity", e["dst_platform"], e["dst_handle"])]]
        for e in synth.edges
    )
    assert 0.65 < inside / len(synth.edges) < 0.9


def test_posts_refer_to_existing_accounts_and_earlier_posts(synth: Synth) -> None:
    accounts = {synth.identity_key(row) for row in synth.identities}
    by_id = {(p["platform"], p["post_id"]): p for p in synth.posts}
    assert len(by_id) == len(synth.posts)
    reference = reference_date(SEED)
    for post in synth.posts:
        created = datetime.fromisoformat(post["created_at"])
        assert reference - ENGAGED_WINDOW <= created <= reference and post["created_at"].endswith("Z")
        assert (post["platform"], post["author"]) in accounts
        assert all((post["platform"], m) in accounts for m in post["mentions"])
        for ref in (post["reply_to"], post["share_of"]):
            if ref is not None:
                assert by_id[(post["platform"], ref)]["created_at"] <= post["created_at"]
        assert all(tag == tag.lower() and not tag.startswith("#") for tag in post["hashtags"])
    kinds = Counter("reply" if p["reply_to"] else "share" if p["share_of"] else "original" for p in synth.posts)
    assert kinds["reply"] > 0.15 * len(synth.posts) and kinds["share"] > 0.05 * len(synth.posts)
    assert any(p["mentions"] for p in synth.posts) and any("?" in p["text"] for p in synth.posts)


# -- influence ---------------------------------------------------------------------------------------
def _engagement(synth: Synth) -> Counter[str]:
    person = synth.person_of()
    author = {(p["platform"], p["post_id"]): p["author"] for p in synth.posts}
    received: Counter[str] = Counter()
    for post in synth.posts:
        targets = [author[(post["platform"], ref)] for ref in (post["reply_to"], post["share_of"]) if ref]
        for handle in targets + post["mentions"]:
            received[person[("identity", post["platform"], handle)]] += 1
    return received


def test_influencers_get_most_engagement_in_their_rank_order(synth: Synth) -> None:
    received = _engagement(synth)
    influencers = [r["person_id"] for r in sorted(synth.influencers, key=lambda r: int(r["rank"]))]
    assert len(influencers) == PEOPLE // 100
    share = sum(received[p] for p in influencers) / sum(received.values())
    assert share > 0.3, share  # 1% of people, a third or more of all replies, shares and mentions
    ranked = [received[p] for p in influencers]
    assert ranked == sorted(ranked, reverse=True)
    assert all(r["topics"] and int(r["followers_total"]) > 0 for r in synth.influencers)


def test_followers_are_heavy_tailed_and_the_most_followed_are_not_all_influencers(synth: Synth) -> None:
    followers = sorted(
        ((int(r["followers"]), synth.identity_key(r)) for r in synth.identities if r["followers"]), reverse=True
    )
    counts = [f for f, _ in followers]
    assert counts[0] > 1000 * statistics.median(counts)
    person = synth.person_of()
    influencers = {r["person_id"] for r in synth.influencers}
    assert any(person[("identity", *key)] not in influencers for _, key in followers[:10])


# -- noise ---------------------------------------------------------------------------------------------
def _names_by_person(synth: Synth) -> dict[str, list[str]]:
    person = synth.person_of()
    names: dict[str, list[str]] = defaultdict(list)
    for row in synth.identities:
        if row["display_name"]:
            names[person[("identity", *synth.identity_key(row))]].append(row["display_name"])
    for row in synth.contacts:
        names[person[("contact", row["source"], row["source_id"])]].append(row["name"] or row["given_name"])
    return names


def test_nicknames_typos_and_missing_names_are_present(synth: Synth) -> None:
    nicks = {nick: formal for formal, _, _, options in NICKNAMES for nick in options}
    both = 0
    for names in _names_by_person(synth).values():
        firsts = {name.split()[0] for name in names if name}
        both += any(first in nicks and nicks[first] in firsts for first in firsts)
    assert both >= 10  # 'Bob Smith' on one profile, 'Robert Smith' in the CRM
    assert 0.05 < sum(not r["display_name"] for r in synth.identities) / len(synth.identities) < 0.4
    assert any(not r["location"] for r in synth.identities) and any(not r["bio"] for r in synth.identities)


def test_common_names_recur_in_different_cities(synth: Synth) -> None:
    person = synth.person_of()
    cities: dict[str, dict[str, str]] = defaultdict(dict)  # name -> person -> city
    for row in synth.contacts:
        if row["given_name"] and row["family_name"] and row["city"]:
            name = fold(f"{row['given_name']} {row['family_name']}")
            cities[name][person[("contact", row["source"], row["source_id"])]] = fold(row["city"])
    for row in synth.identities:
        if row["display_name"] and row["location"]:
            who = person[("identity", *synth.identity_key(row))]
            cities[fold(row["display_name"])].setdefault(who, fold(row["location"].split(",")[0]))
    common = [name for name, where in cities.items() if len(where) >= 5 and len(set(where.values())) >= 3]
    assert common, sorted(cities, key=lambda n: -len(cities[n]))[:5]


def test_households_share_an_email(synth: Synth) -> None:
    person = synth.person_of()
    holders: dict[str, set[str]] = defaultdict(set)
    for row in synth.contacts:
        for email in filter(None, row["email"].split(";")):
            holders[normalize_email(email).address].add(person[("contact", row["source"], row["source_id"])])
    assert sum(len(who) > 1 for who in holders.values()) >= 3


def test_some_people_are_in_two_crms(synth: Synth) -> None:
    person = synth.person_of()
    crms = Counter(person[("contact", r["source"], r["source_id"])] for r in synth.contacts)
    assert 0.05 < sum(n > 1 for n in crms.values()) / len(crms) < 0.3


# -- sentiment ------------------------------------------------------------------------------------------
def test_sentiment_covers_three_classes_and_brands(synth: Synth) -> None:
    labels = Counter(r["sentiment"] for r in synth.sentiment)
    assert set(labels) == {"positive", "negative", "neutral"} and min(labels.values()) > 0.1 * len(synth.sentiment)
    brands = Counter(r["brand"] for r in synth.sentiment if r["brand"])
    assert set(brands) == {b.name for b in BRANDS}
    assert [(r["platform"], r["post_id"]) for r in synth.sentiment] == [
        (p["platform"], p["post_id"]) for p in synth.posts
    ]


def test_a_lexicon_model_reads_most_labels_but_not_all(synth: Synth) -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    label = {(r["platform"], r["post_id"]): r["sentiment"] for r in synth.sentiment}
    english = [p for p in synth.posts if p["lang"] == "en"][:2000]
    agree = 0
    for post in english:
        score = analyzer.polarity_scores(post["text"])["compound"]
        read = "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
        agree += read == label[(post["platform"], post["post_id"])]
    assert 0.75 < agree / len(english) < 0.98  # mostly clear, with planted hard cases


# -- CLI --------------------------------------------------------------------------------------------------
def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("synth")(synth_cmd.synth)
    app.command("noop", hidden=True)(lambda: None)  # a second command keeps 'synth' a subcommand
    return app


def test_cli_prints_json_with_counts_per_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(), ["synth", "--people", "60", "--seed", str(SEED), "--out", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["out"] == str(tmp_path) and summary["people"] == 60 and summary["seed"] == SEED
    assert set(summary["files"]) == {*IMPORT_FILES.values(), *(f"truth/{name}" for name in TRUTH_FILES)}
    assert summary["files"]["truth/person_community.csv"] == 60 and summary["seconds"] >= 0


def test_cli_human_output_and_bad_people(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["synth", "--people", "40", "--seed", str(SEED), "--out", str(tmp_path)])
    assert result.exit_code == 0 and "identities.csv" in result.output and "40 people" in result.output
    assert CliRunner().invoke(_app(), ["synth", "--people", "0", "--out", str(tmp_path)]).exit_code == 2


def test_households_share_a_home_and_differ_in_who_they_are(synth: Synth) -> None:
    """Partners and grown-up children: one home (street, postcode, city), often one family name and a
    landline, different dates of birth; a few children carry the parent's whole name."""
    members: dict[str, list[dict[str, str]]] = {}
    for row in synth.households:
        members.setdefault(row["household"], []).append(row)
    assert len(members) > PEOPLE * 0.02 and {r["relation"] for r in synth.households} == {"first", "partner", "child"}
    person_of = synth.person_of()
    contacts_of: dict[str, list[dict[str, str]]] = {}
    for contact in synth.contacts:
        contacts_of.setdefault(person_of[("contact", contact["source"], contact["source_id"])], []).append(contact)
    households = {row["person_id"]: row["household"] for row in synth.households}
    homes: dict[str, set[tuple[str, str]]] = {}
    phones: dict[str, list[set[str]]] = {}
    for person, home in households.items():
        for contact in contacts_of.get(person, []):
            if contact["street"]:
                homes.setdefault(home, set()).add((contact["street"], contact["postcode"] or "?"))
            phones.setdefault(home, []).append(set(filter(None, contact["phone"].split(";"))))
    assert homes and all(len({street for street, _ in found}) == 1 for found in homes.values())
    shared = [
        home
        for home, sets in phones.items()
        if len(sets) > 1 and any(a & b for i, a in enumerate(sets) for b in sets[i + 1 :])
    ]
    assert shared  # a landline more than one member's records carry
    by_id = {row["person_id"]: row for row in synth.households}
    for row in synth.households:
        if row["relation"] == "child":
            parents = [m for m in members[row["household"]] if m["relation"] != "child"]
            assert any(int(row["birth_date"][:4]) - int(p["birth_date"][:4]) >= 20 for p in parents), row
    assert len(by_id) == len(synth.households)
    dated = [c for c in synth.contacts if c["birth_date"]]
    assert 0.15 < len(dated) / len(synth.contacts) < 0.45
