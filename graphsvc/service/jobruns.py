"""Analytics jobs started from the API: run in a background thread, watched until they finish.

``JobRunner.start`` begins ``graphsvc.analytics.run_job`` in a thread and returns the id of its
``JobRun`` as soon as the job has written it; ``progress`` tells the phase the job last reported
(while it runs in this process), and ``job_run`` reads the JobRun from Neo4j (any process's).
One job runs at a time per process: two analytics runs would replace each other's results.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graphsvc.analytics.jobs import KINDS, JobParams, run_job
from graphsvc.db import Database
from graphsvc.errors import GraphsvcError, InputError, NotFound
from graphsvc.service.values import plain

__all__ = ["JobRunner", "Progress", "job_run"]

_START_TIMEOUT = 30.0


@dataclass(frozen=True)
class Progress:
    phase: str
    done: int
    total: int | None


def job_run(db: Database, job_id: str) -> dict[str, Any]:
    rows = db.read("api.job_run", id=job_id)
    if not rows:
        raise NotFound(f"no job run {job_id!r}", hint="runJob returns the id of the run it starts")
    return dict(plain(rows[0]["job"]))


class JobRunner:
    """Starts analytics jobs in background threads (one at a time) and keeps their latest progress."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: threading.Thread | None = None
        self._progress: dict[str, Progress] = {}
        self._current: dict[str, Any] = {}

    def progress(self, job_id: str) -> Progress | None:
        return self._progress.get(job_id)

    def start(self, db: Database, kind: str, params: JobParams) -> str:
        """Begin ``kind`` with ``params``; returns the JobRun id once the job has recorded it."""
        if kind not in KINDS:
            raise InputError(f"expected one of {', '.join(KINDS)}, got {kind!r}", where="kind")
        begun = threading.Event()
        failure: list[BaseException] = []
        with self._lock:
            if self._running is not None and self._running.is_alive():
                raise InputError(f"a job is already running ({self._current.get('id') or 'starting'})",
                                 where="kind", hint="watch it with the jobProgress subscription, then retry")  # fmt: skip
            since = datetime.now(UTC)
            current: dict[str, Any] = {"id": None, "last": Progress("starting", 0, None)}
            self._current = current

            def report(phase: str, done: int, total: int | None) -> None:
                current["last"] = Progress(phase, done, total)
                if current["id"] is not None:
                    self._progress[current["id"]] = current["last"]
                begun.set()

            def work() -> None:
                try:
                    run_job(db, kind, params, progress=report)
                except BaseException as exc:  # noqa: BLE001 - reported through the JobRun and the caller
                    failure.append(exc)
                finally:
                    begun.set()

            self._running = threading.Thread(target=work, name=f"graphsvc-job-{kind}", daemon=True)
            self._running.start()
        if not begun.wait(_START_TIMEOUT):
            raise GraphsvcError(f"the {kind} job did not start within {_START_TIMEOUT:.0f} s")
        rows = db.read("api.latest_job_since", kind=kind, since=since)
        if not rows:
            error = failure[0] if failure else None
            if isinstance(error, GraphsvcError):
                raise error
            raise GraphsvcError(f"the {kind} job failed to start: {error}")
        current["id"] = str(rows[0]["id"])
        self._progress[current["id"]] = current["last"]
        return current["id"]
