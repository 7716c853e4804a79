"""Per-request DataLoaders: the look-ups of one GraphQL response, batched into one query each.

A page of persons with their identities, contacts, scores and communities costs one query for the
page plus one per kind of related record, whatever the page size (scores are properties of the
person, read with it). Loaders live in the request's context, so nothing is cached across requests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from graphsvc.db import Database
from graphsvc.service import contacts, persons

__all__ = ["Loaders"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
Row = dict[str, Any]
Key = tuple[str, str]


def _loader(db: Database, fetch: Callable[[Database, Sequence[K]], dict[K, V]],
            missing: Callable[[], V | None]) -> DataLoader[K, V | None]:  # fmt: skip
    async def load(keys: list[K]) -> list[V | None]:
        found = await asyncio.to_thread(fetch, db, keys)
        return [found[key] if key in found else missing() for key in keys]

    return DataLoader(load_fn=load)


class Loaders:
    """One DataLoader per kind of look-up, for one request."""

    def __init__(self, db: Database) -> None:
        none: Callable[[], Any] = lambda: None  # noqa: E731
        self.person: DataLoader[str, Row | None] = _loader(db, persons.persons_by_id, none)
        self.identities: DataLoader[str, list[Row] | None] = _loader(db, persons.identities_of, list)
        self.contacts: DataLoader[str, list[Row] | None] = _loader(db, persons.contacts_of, list)
        self.topics: DataLoader[str, list[Row] | None] = _loader(db, persons.topics_of, list)
        self.stances: DataLoader[str, list[Row] | None] = _loader(db, persons.stances_of, list)
        self.consents: DataLoader[str, list[Row] | None] = _loader(db, persons.consents_of, list)
        self.community: DataLoader[str, Row | None] = _loader(db, persons.communities_by_id, none)
        self.contact: DataLoader[Key, Row | None] = _loader(db, contacts.contacts_by_key, none)
        self.identity: DataLoader[Key, Row | None] = _loader(db, contacts.identities_by_key, none)
        self.contact_person: DataLoader[Key, str | None] = _loader(db, contacts.persons_of_contacts, none)
        self.identity_person: DataLoader[Key, str | None] = _loader(db, contacts.persons_of_identities, none)
