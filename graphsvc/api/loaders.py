"""Per-request DataLoaders: the look-ups of one GraphQL response, batched into one query each.

A page of persons with their identities, contacts, scores and communities costs one query for the
page plus one per kind of related record, whatever the page size (scores are properties of the
person, read with it). A look-up of persons by id that also asks for their identities costs one
query in all (``person_with_identities`` primes ``person`` and ``identities``). Loaders live in the
request's context, so nothing is cached across requests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Sequence
from functools import cached_property, partial
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from graphsvc.db import Database
from graphsvc.service import consent, contacts, persons
from graphsvc.service.rows import CommunityRow, ConsentRow, ContactRow, IdentityRow, PersonRow

__all__ = ["Loaders"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
Row = dict[str, Any]
Key = tuple[str, str]


def _loader(
    db: Database, fetch: Callable[[Database, Sequence[K]], dict[K, V]], missing: Callable[[], V | None]
) -> DataLoader[K, V | None]:
    async def load(keys: list[K]) -> list[V | None]:
        found = await asyncio.to_thread(fetch, db, keys)
        return [found[key] if key in found else missing() for key in keys]

    return DataLoader(load_fn=load)


_none: Callable[[], Any] = lambda: None  # noqa: E731


class Loaders:
    """One DataLoader per kind of look-up, for one request, each made when first used (most
    requests use one or two, and making all of them up front costs a small request measurably)."""

    def __init__(self, db: Database, consent_default: str) -> None:
        self._db = db
        self._consent_default = consent_default

    @cached_property
    def person(self) -> DataLoader[str, PersonRow | None]:
        return _loader(self._db, partial(persons.persons_by_id, consent_default=self._consent_default), _none)

    @cached_property
    def person_with_identities(self) -> DataLoader[str, PersonRow | None]:
        return DataLoader(load_fn=self._persons_with_identities)

    @cached_property
    def identities(self) -> DataLoader[str, list[IdentityRow] | None]:
        return _loader(self._db, partial(persons.identities_of, consent_default=self._consent_default), list)

    @cached_property
    def contacts(self) -> DataLoader[str, list[ContactRow] | None]:
        return _loader(self._db, persons.contacts_of, list)

    @cached_property
    def topics(self) -> DataLoader[str, list[Row] | None]:
        return _loader(self._db, partial(persons.topics_of, consent_default=self._consent_default), list)

    @cached_property
    def stances(self) -> DataLoader[str, list[Row] | None]:
        return _loader(self._db, partial(persons.stances_of, consent_default=self._consent_default), list)

    @cached_property
    def consents(self) -> DataLoader[str, list[ConsentRow] | None]:
        return _loader(self._db, persons.consents_of, list)

    @cached_property
    def targetable(self) -> DataLoader[str, bool]:
        """Whether each person passes the targeting consent predicate (``consent.targetable``)."""

        async def load(ids: list[str]) -> list[bool]:
            found = await asyncio.to_thread(consent.targetable, self._db, ids, default=self._consent_default)
            return [person_id in found for person_id in ids]

        return DataLoader(load_fn=load)

    @cached_property
    def community(self) -> DataLoader[str, CommunityRow | None]:
        return _loader(self._db, persons.communities_by_id, _none)

    @cached_property
    def contact(self) -> DataLoader[Key, ContactRow | None]:
        return _loader(self._db, contacts.contacts_by_key, _none)

    @cached_property
    def identity(self) -> DataLoader[Key, IdentityRow | None]:
        return _loader(self._db, partial(contacts.identities_by_key, consent_default=self._consent_default), _none)

    @cached_property
    def contact_person(self) -> DataLoader[Key, str | None]:
        return _loader(self._db, contacts.persons_of_contacts, _none)

    @cached_property
    def identity_person(self) -> DataLoader[Key, str | None]:
        return _loader(self._db, contacts.persons_of_identities, _none)

    async def _persons_with_identities(self, ids: list[str]) -> list[PersonRow | None]:
        found = await asyncio.to_thread(
            persons.persons_with_identities, self._db, ids, consent_default=self._consent_default
        )
        for person_id, (row, members) in found.items():
            self.person.prime(person_id, row)
            self.identities.prime(person_id, members)
        return [found[person_id][0] if person_id in found else None for person_id in ids]
