"""Claims: one run of a kind at a time across every process that shares the graph.

A run claims a named lock (a ``JobLock`` node) for its id before it writes anything, renews the
claim while it runs, and releases it at the end. A second claim while the first is held is refused
with ``Conflict``; a claim not renewed for ``STALE_SECONDS`` belongs to a process that died, and the
next claim takes it over and marks that run failed. A claim records its holder's host and process
id: a claim whose process is gone from the claimant's own machine (killed, crashed) is taken over at
once. Analytics jobs (lock ``analytics``) and
resolution runs (lock ``resolve``) use it, from the CLI, the API's workers or the console alike.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from graphsvc.db.database import Database
from graphsvc.errors import Conflict, GraphsvcError

__all__ = ["RENEW_SECONDS", "STALE_SECONDS", "claim", "held", "release"]

_log = logging.getLogger(__name__)

#: Seconds between renewals of a held claim.
RENEW_SECONDS = 1.0
#: A claim not renewed for this long belongs to a process that died; the next claim takes it over.
STALE_SECONDS = 60.0


def _gone(host: str | None, pid: int | None) -> bool:
    """Whether the process ``pid`` of ``host`` is known to have ended: only this machine's can be."""
    if host != socket.gethostname() or not pid or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def claim(db: Database, lock: str, holder: str, *, what: str, hint: str) -> None:
    """Claim ``lock`` for ``holder`` (a JobRun id), or raise ``Conflict`` naming who holds it."""
    take_over: str | None = None
    for _ in range(2):
        now = datetime.now(UTC)
        row = db.write(
            "claims.claim",
            lock=lock,
            id=holder,
            now=now,
            staleBefore=now - timedelta(seconds=STALE_SECONDS),
            takeOver=take_over,
            host=socket.gethostname(),
            pid=os.getpid(),
        )[0]
        if row["free"]:
            return
        if not _gone(row["host"], row["pid"]):
            break
        take_over = row["previous"]  # its process is gone: take the claim over at once
    raise Conflict(f"{what} is already running ({row['previous']})", hint=hint)


def release(db: Database, lock: str, holder: str) -> None:
    """Give ``lock`` up, if ``holder`` still holds it; a failure is logged (the claim lapses by itself)."""
    try:
        db.write("claims.release", lock=lock, id=holder)
    except GraphsvcError as exc:
        _log.warning("could not release the %s lock held by %s: %s", lock, holder, exc)


@contextmanager
def held(db: Database, lock: str, holder: str, *, what: str, hint: str) -> Iterator[None]:
    """Claim ``lock`` for ``holder``, renew it every ``RENEW_SECONDS`` while the block runs, then release it."""
    claim(db, lock, holder, what=what, hint=hint)
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(RENEW_SECONDS):
            try:
                db.write("claims.renew", lock=lock, id=holder, now=datetime.now(UTC))
            except GraphsvcError as exc:  # a missed renewal is not the run's failure; the next may land
                _log.warning("%s: the %s claim was not renewed: %s", holder, lock, exc)

    renewer = threading.Thread(target=renew, name=f"graphsvc-claim-{lock}", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()
        release(db, lock, holder)
