"""Per-request context handed to resolvers: the database, settings, who is asking, and the DataLoaders."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Concatenate, ParamSpec, TypeVar

from graphsvc.api.auth import Principal
from graphsvc.api.loaders import Loaders
from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.service.jobruns import JobRunner

__all__ = ["Context"]

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
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.db)

    @property
    def consent_default(self) -> str:
        return self.settings.consent_default

    async def call(self, fn: Callable[Concatenate[Database, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run the service function ``fn(db, ...)`` off the event loop (the driver is synchronous)."""
        return await asyncio.to_thread(fn, self.db, *args, **kwargs)
