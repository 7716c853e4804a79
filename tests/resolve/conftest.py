"""A small social CRM whose true persons are known, written through the real importers."""

from __future__ import annotations

from pathlib import Path

import pytest
from faker import Faker

from graphsvc.db import Database
from graphsvc.ingest.importer import import_files
from tests.ingest.test_import import CONTACT_HEADER, write_csv

IDENTITY_HEADER = [
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

CONTACTS = [
    [
        "salesforce",
        "001",
        "Ada Lovelace",
        "",
        "",
        "ada@analytical.example",
        "+44 20 7946 0958",
        "Analytical Engines",
        "",
        "London",
        "GB",
        "",
    ],
    ["salesforce", "002", "Steven Smith", "", "", "steven.smith@acme.example", "", "Acme", "", "Leeds", "GB", ""],
    ["hubspot", "h-9", "Steve Smith", "", "", "steven.smith@acme.example", "", "Acme", "", "Leeds", "GB", ""],
    ["salesforce", "003", "Steven Smith", "", "", "ssmith@globex.example", "", "Globex", "", "Bristol", "GB", ""],
]
IDENTITIES = [
    [
        "twitter",
        "@Ada_Lovelace",
        "Ada Lovelace",
        "Poet of science. Also https://github.com/adal",
        "London, UK",
        "",
        "",
        "5400",
        "10",
        "",
        "",
        "",
    ],
    [
        "github",
        "https://github.com/adal",
        "Ada L.",
        "",
        "London",
        "",
        "https://img.example/ada.png",
        "80",
        "1",
        "",
        "",
        "",
    ],
    [
        "linkedin",
        "https://www.linkedin.com/in/ada-lovelace",
        "Ada Lovelace",
        "CTO at Analytical Engines",
        "London",
        "",
        "https://img.example/ada.png",
        "900",
        "",
        "",
        "",
        "",
    ],
    ["email", "ada.lovelace+news@gmail.com", "Ada Lovelace", "", "London", "", "", "", "", "", "", ""],
    ["twitter", "ada_paris", "Ada Lovelace", "Fan account", "Paris", "", "", "12", "", "", "", ""],
    ["twitter", "stevensmith", "Steven Smith", "Engineer at Acme", "Leeds", "", "", "200", "", "", "", ""],
    ["twitter", "smith_bristol", "Steven Smith", "Globex", "Bristol", "", "", "30", "", "", "", ""],
    ["facebook", "steven.smith.leeds", "Steven Smith", "", "Leeds, England", "", "", "", "", "", "", ""],
]

#: The truth: person label per record key.
TRUTH = {
    "contact:salesforce:001": "ada",
    "identity:email:ada@analytical.example": "ada",
    "identity:phone:+442079460958": "ada",
    "identity:twitter:ada_lovelace": "ada",
    "identity:github:adal": "ada",
    "identity:linkedin:ada-lovelace": "ada",
    "identity:email:ada.lovelace+news@gmail.com": "ada",
    "identity:twitter:ada_paris": "ada-paris",
    "contact:salesforce:002": "steven-leeds",
    "contact:hubspot:h-9": "steven-leeds",
    "identity:email:steven.smith@acme.example": "steven-leeds",
    "identity:twitter:stevensmith": "steven-leeds",
    "identity:facebook:steven.smith.leeds": "steven-leeds",
    "contact:salesforce:003": "steven-bristol",
    "identity:email:ssmith@globex.example": "steven-bristol",
    "identity:twitter:smith_bristol": "steven-bristol",
}


def filler_contacts(n: int = 400, seed: int = 7) -> list[list[str]]:
    """Unrelated CRM contacts around the cases under test, so that match statistics mean something."""
    fake = Faker(["en_GB", "en_US", "de_DE", "fr_FR"])
    fake.seed_instance(seed)
    rows = []
    for i in range(n):
        given, family = fake.first_name(), fake.last_name()
        rows.append(
            [
                "filler",
                f"f{i}",
                f"{given} {family}",
                given,
                family,
                f"{given}.{family}.{i}@example.org".lower().replace(" ", ""),
                "",
                fake.company(),
                "",
                fake.city(),
                "GB",
                "",
            ]
        )
    return rows


@pytest.fixture
def small_crm(db: Database, tmp_path: Path) -> Database:
    import_files(db, "contacts", [write_csv(tmp_path / "contacts.csv", CONTACT_HEADER, CONTACTS + filler_contacts())])
    import_files(db, "identities", [write_csv(tmp_path / "identities.csv", IDENTITY_HEADER, IDENTITIES)])
    return db
