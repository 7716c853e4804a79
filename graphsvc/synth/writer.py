"""Writing the import files and the truth files (UTF-8 CSV with a header, JSON Lines).

Truth keys are computed with the importer's own normalisers (``graphsvc.ingest.normalize``),
so each truth row names exactly the Identity node an import creates; a disagreement
with synth's own key is a bug and raises.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from graphsvc.ingest.normalize import normalize_email, normalize_phone, parse_handle
from graphsvc.synth.people import Community, Person
from graphsvc.synth.posts import Post
from graphsvc.synth.records import Account, Contact

__all__ = ["CONTACT_COLUMNS", "IDENTITY_COLUMNS", "IMPORT_REGION", "write_import_files", "write_truth"]

#: The importer's default region for national phone numbers; synth writes national formats only for it.
IMPORT_REGION = "US"
_T = TypeVar("_T")
CONTACT_COLUMNS = (
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
)
IDENTITY_COLUMNS = (
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
)


def _csv(path: Path, header: tuple[str, ...], rows: Sequence[tuple[object, ...]]) -> int:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return len(rows)


def _shuffled(rng: random.Random, items: list[_T]) -> list[_T]:
    # Rows in generation order would put a person's records next to each other: a give-away.
    order = list(items)
    rng.shuffle(order)
    return order


def write_import_files(
    rng: random.Random, out: Path, accounts: list[Account], contacts: list[Contact], posts: list[Post]
) -> dict[str, int]:
    """contacts.csv, identities.csv and posts.jsonl (edges.csv is streamed by social.write_edges)."""
    counts = {}
    counts["contacts.csv"] = _csv(
        out / "contacts.csv",
        CONTACT_COLUMNS,
        [
            (
                c.source,
                c.source_id,
                c.name,
                c.given,
                c.family,
                ";".join(e.raw for e in c.emails),
                ";".join(raw for raw, _ in c.phones),
                c.company,
                c.title,
                c.city,
                c.country,
                c.street,
                c.postcode,
                c.birth_date,
                c.updated_at,
            )
            for c in _shuffled(rng, contacts)
        ],
    )
    counts["identities.csv"] = _csv(
        out / "identities.csv",
        IDENTITY_COLUMNS,
        [
            (
                a.platform,
                a.raw,
                a.display_name,
                a.bio,
                a.location,
                a.url,
                a.avatar,
                "" if a.platform == "email" else a.followers,
                "" if a.platform == "email" else a.following,
                a.verified,
                a.lang,
                a.updated_at,
            )
            for a in _shuffled(rng, accounts)
        ],
    )
    with (out / "posts.jsonl").open("w", encoding="utf-8", newline="\n") as handle:
        for post in posts:
            record = {
                "platform": post.platform,
                "post_id": post.post_id,
                "author": accounts[post.account].key,
                "text": post.text,
                "created_at": post.created_at,
                "url": post.url,
                "lang": post.lang,
                "reply_to": posts[post.reply_to].post_id if post.reply_to >= 0 else None,
                "share_of": posts[post.share_of].post_id if post.share_of >= 0 else None,
                "mentions": [accounts[m].key for m in post.mentions],
                "hashtags": post.hashtags,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    counts["posts.jsonl"] = len(posts)
    return counts


def _checked(raw: str, expected: str, match_key: str = "", platform: str = "email") -> str:
    """The importer's key for ``raw``; it must be the one synth assumed (else synth has a bug)."""
    if platform == "email":
        parsed = normalize_email(raw)
        key, matches = parsed.address, parsed.match_key == match_key
    else:
        key, matches = parse_handle(raw, platform).key, True
    if key != expected or not matches:
        raise RuntimeError(f"synth's key {expected!r} for {raw!r} differs from the importer's {key!r}")
    return key


def _identity_truth(people: list[Person], accounts: list[Account], contacts: list[Contact]) -> list[tuple[str, ...]]:
    """kind, source, key, person_id: one row per contact and per Identity node an import creates."""
    owner: dict[tuple[str, str], int] = {}
    for account in accounts:
        key = _checked(account.raw, account.key, account.match_key, account.platform)
        owner.setdefault((account.platform, key), account.person)
    for contact in contacts:
        for email in contact.emails:
            if ("email", email.address) not in owner:
                owner[("email", _checked(email.raw, email.address, email.match_key))] = email.owner
        for raw, e164 in contact.phones:
            key = normalize_phone(raw, IMPORT_REGION)
            if key != e164:
                raise RuntimeError(f"phone {raw!r} normalises to {key!r}, expected {e164!r}")
            owner.setdefault(("phone", key), contact.person)
    rows: list[tuple[str, ...]] = [("contact", c.source, c.source_id, people[c.person].id) for c in contacts]
    rows += [("identity", platform, key, people[person].id) for (platform, key), person in owner.items()]
    rows.sort()
    return rows


def write_truth(
    out: Path,
    people: list[Person],
    communities: list[Community],
    accounts: list[Account],
    contacts: list[Contact],
    posts: list[Post],
    received: list[int],
) -> dict[str, int]:
    """truth/identity_person.csv, person_community.csv, households.csv, influencers.csv and post_sentiment.csv."""
    truth = out / "truth"
    truth.mkdir(parents=True, exist_ok=True)
    counts = {}
    counts["truth/identity_person.csv"] = _csv(
        truth / "identity_person.csv",
        ("kind", "source", "key", "person_id"),
        _identity_truth(people, accounts, contacts),
    )
    counts["truth/person_community.csv"] = _csv(
        truth / "person_community.csv",
        ("person_id", "community"),
        [(p.id, communities[p.community].id) for p in people],
    )
    counts["truth/households.csv"] = _csv(
        truth / "households.csv",
        ("person_id", "household", "relation", "birth_date"),
        [
            (
                p.id,
                people[p.household].id,
                "child" if p.parent >= 0 else "partner" if p.index != p.household else "first",
                p.birth_date,
            )
            for p in people
            if p.household >= 0
        ],
    )
    followers = [0] * len(people)
    for account in accounts:
        followers[account.person] += account.followers
    influencers = sorted(
        (p for p in people if p.role == "influencer"), key=lambda p: (-received[p.index], -p.strength, p.index)
    )
    counts["truth/influencers.csv"] = _csv(
        truth / "influencers.csv",
        ("person_id", "rank", "followers_total", "topics"),
        [
            (p.id, rank, followers[p.index], ";".join(communities[p.community].topics))
            for rank, p in enumerate(influencers, start=1)
        ],
    )
    counts["truth/post_sentiment.csv"] = _csv(
        truth / "post_sentiment.csv",
        ("platform", "post_id", "sentiment", "brand"),
        [(p.platform, p.post_id, p.sentiment, p.brand) for p in posts],
    )
    return counts
