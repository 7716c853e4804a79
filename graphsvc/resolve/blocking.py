"""Candidate generation: only records that share a blocking key are ever compared.

Keys (a record gets several): the email match key, the phone, the username without
separators and digits (shared by handles on every platform and by email local parts),
usernames derived from the name, the full folded name with the city, a phonetic family
name with the given name's canonical form (nicknames) and the city, the full name alone,
the given name with each family-name token and the city (double surnames), the avatar URL, the
birth date or the postcode with a name part, the street address; and every profile link found in a
bio or website pairs directly with the identity it names. Blocks larger than ``max_block`` are skipped: a key shared by
thousands ("john smith") says nothing on its own, and its pairs are still reached
through the more specific keys (name with city, username, email).

A username made from a name ('jsmith' for John Smith) pairs the record with those that use it as
their handle or email address; two records whose names merely suggest it pair only in a block of at
most ``_SUGGESTED_BLOCK`` records ('annan' suits every Anna N., and their names have keys of their own).
At 100k people those pairs were most of all pairs, and few of them true.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

from nicknames import NickNamer

from graphsvc.resolve.records import Record, family_tokens, name_usernames

__all__ = ["blocking_keys", "candidate_pairs", "canonical_given_names"]

_NICKNAMES = NickNamer()
_SUGGESTED_BLOCK = 6


@lru_cache(maxsize=65536)
def canonical_given_names(given: str) -> frozenset[str]:
    """The given name and the full names it may be short for: 'bob' -> {'bob', 'robert', ...}."""
    if not given:
        return frozenset()
    return frozenset({given, *(_NICKNAMES.canonicals_of(given) or ())})


def blocking_keys(record: Record) -> set[str]:
    keys: set[str] = {f"e:{email}" for email in record.emails}
    keys.update(f"p:{phone}" for phone in record.phones)
    keys.update(f"u:{local}" for local in record.email_locals if len(local) >= 5)
    if len(record.handle_core) >= 4:
        keys.add(f"u:{record.handle_core}")
    used = {record.handle_core, *record.email_locals}
    keys.update(f"d:{name}" for name in name_usernames(record) if len(name) >= 5 and name not in used)
    if record.name:
        keys.add(f"n:{' '.join(sorted(record.tokens))}")
        if record.city:
            keys.add(f"nc:{' '.join(sorted(record.tokens))}|{record.city}")
            if record.phonetic:
                keys.update(
                    f"ph:{record.phonetic}|{canon}|{record.city}" for canon in canonical_given_names(record.given)
                )
            keys.update(f"gf:{record.given}|{family}|{record.city}" for family in family_tokens(record))
    if record.avatar:
        keys.add(f"a:{record.avatar}")
    if record.birth:
        keys.update(f"b:{record.birth}|{part}" for part in (record.given[:1], record.phonetic) if part)
    if record.postcode:
        keys.update(f"pc:{record.postcode}|{part}" for part in (record.given, record.phonetic) if part)
    if record.street:
        keys.add(f"st:{record.street}")
    return keys


def candidate_pairs(
    records: Sequence[Record],
    unit_of: Sequence[int],
    *,
    max_block: int = 60,
    focus: Iterable[int] | None = None,
) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)`` with ``i < j`` in different units that share a key or a link.

    With ``focus``, only pairs with at least one focused record (incremental runs).
    """
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        for key in blocking_keys(record):
            blocks[key].append(index)
    wanted = set(focus) if focus is not None else None
    pairs: set[tuple[int, int]] = set()

    def add(a: int, b: int) -> None:
        if unit_of[a] != unit_of[b] and (wanted is None or a in wanted or b in wanted):
            pairs.add((a, b) if a < b else (b, a))

    for key, members in blocks.items():
        suggested: list[int] = []  # records whose name suggests the username 'key' (they pair with its users)
        if key.startswith("d:"):
            if f"u:{key[2:]}" in blocks or len(members) > _SUGGESTED_BLOCK:
                continue  # paired with the username's users below, or too common to pair among themselves
        elif key.startswith("u:"):
            suggested = blocks.get(f"d:{key[2:]}", [])
        size = len(members) + len(suggested)
        if size < 2 or size > max_block:
            continue
        if wanted is not None and not (wanted.intersection(members) or wanted.intersection(suggested)):
            continue
        if size <= _SUGGESTED_BLOCK:
            members, suggested = members + suggested, []
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1 :]:
                add(a, b)
            for b in suggested:
                add(a, b)
    by_key = {record.key: index for index, record in enumerate(records)}
    for index, record in enumerate(records):
        for target in record.links:
            other = by_key.get(target)
            if other is None or unit_of[other] == unit_of[index]:
                continue
            if wanted is None or index in wanted or other in wanted:
                pairs.add((index, other) if index < other else (other, index))
    return pairs
