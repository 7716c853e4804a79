"""Verified credentials kept for a few seconds: what the API checked against Neo4j, by secret hash.

API keys and console sessions are both looked up by the hash of their secret; each answer (found or
refused) is trusted for ``ttl`` seconds, so a busy client costs one look-up per period. The cache is
bounded: secrets that were made up must not grow it forever.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["TrustCache"]

V = TypeVar("V")

#: Entries kept at most; past that the cache starts again empty.
MAX_ENTRIES = 10_000


class TrustCache(Generic[V]):
    """Answers by secret hash, each trusted for ``ttl`` seconds (thread-safe); ``ttl <= 0`` keeps nothing."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, V | None]] = {}

    def get(self, digest: str) -> tuple[bool, V | None]:
        """``(known, answer)``: ``known`` is False when there is no live entry for ``digest``."""
        with self._lock:
            entry = self._entries.get(digest)
        if entry is None or entry[0] < time.monotonic():
            return False, None
        return True, entry[1]

    def put(self, digest: str, answer: V | None) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._entries) > MAX_ENTRIES:
                self._entries.clear()
            self._entries[digest] = (time.monotonic() + self.ttl, answer)

    def forget(self, digest: str) -> None:
        with self._lock:
            self._entries.pop(digest, None)

    def forget_where(self, test: Callable[[V], bool]) -> None:
        """Drop every entry whose (found) answer passes ``test``."""
        with self._lock:
            for digest in [d for d, (_, v) in self._entries.items() if v is not None and test(v)]:
                del self._entries[digest]
