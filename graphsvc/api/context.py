"""Per-request context handed to resolvers: the database, settings, who is asking, and the DataLoaders."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Concatenate, ParamSpec, TypeVar

from strawberry.types import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from graphsvc.api.auth import Principal
from graphsvc.api.loaders import Loaders
from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.db.database import AsyncReads
from graphsvc.service.jobruns import JobRunner

__all__ = ["Context", "selects"]

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class Context:
    db: Database
    settings: Settings
    request: Any = None
    response: Any = None
    principal: Principal = field(default_factory=lambda: Principal(role=None))
    jobs: JobRunner = field(default_factory=JobRunner)
    connection_params: dict[str, Any] | None = None  # graphql-transport-ws connection_init payload
    reads: AsyncReads | None = None  # the server's asyncio driver (compiled reads)
    #: over a WebSocket: who the connection's credentials say the caller is now (a key revoked since
    #: the connection opened stops working), for long-lived operations to check again
    reprincipal: Callable[[], Awaitable[Principal]] | None = None
    #: subscriptions running on this connection
    subscriptions: int = 0
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.db, self.settings.consent_default)

    @property
    def consent_default(self) -> str:
        return self.settings.consent_default

    async def recheck(self, minimum: str, what: str) -> None:
        """Work out the caller again from the connection's credentials and require ``minimum``."""
        if self.reprincipal is not None:
            self.principal = await self.reprincipal()
        self.principal.require(minimum, what)

    def fresh_loaders(self) -> None:
        """New DataLoaders: each operation's own (a WebSocket's operations share one context)."""
        self.loaders = Loaders(self.db, self.settings.consent_default)

    async def call(self, fn: Callable[Concatenate[Database, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run the service function ``fn(db, ...)`` off the event loop (the driver is synchronous)."""
        return await asyncio.to_thread(fn, self.db, *args, **kwargs)


def selects(info: Info[Any, Any], name: str) -> bool:
    """Whether the current field's selection asks for the sub-field ``name`` (through fragments too).

    Resolvers look ahead with it to fetch related records in the same round trip as the record.
    """

    def within(selections: list[Any]) -> bool:
        for selection in selections:
            if isinstance(selection, SelectedField):
                if selection.name == name:
                    return True
            elif isinstance(selection, FragmentSpread | InlineFragment) and within(selection.selections):
                return True
        return False

    return any(within(field.selections) for field in info.selected_fields)
