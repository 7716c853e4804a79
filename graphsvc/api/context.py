"""Per-request context handed to resolvers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphsvc.config import Settings
from graphsvc.db import Database

__all__ = ["Context"]


@dataclass
class Context:
    db: Database
    settings: Settings
    request: Any = None
    response: Any = None
