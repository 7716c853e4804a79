"""Analytics jobs started from the API: run in a background thread, watched until they finish.

``JobRunner.start`` begins ``graphsvc.analytics.run_job`` in a thread and returns the id of its
``JobRun`` as soon as the job has written it. The job itself makes sure that one runs at a time,
across processes (the CLI and every API worker), and writes its progress on the JobRun every
second, so ``job_run`` tells any process the phase a job is in.
"""

from __future__ import annotations

import threading
from typing import Any

from graphsvc.analytics.jobs import KINDS, JobParams, new_run_id, run_job
from graphsvc.db import Database
from graphsvc.errors import GraphsvcError, InputError, NotFound
from graphsvc.service.values import plain

__all__ = ["JobRunner", "job_run"]

_START_TIMEOUT = 30.0


def job_run(db: Database, job_id: str) -> dict[str, Any]:
    rows = db.read("api.job_run", id=job_id)
    if not rows:
        raise NotFound(f"no job run {job_id!r}", hint="runJob returns the id of the run it starts")
    return dict(plain(rows[0]["job"]))


class JobRunner:
    """Starts analytics jobs in background threads."""

    def start(self, db: Database, kind: str, params: JobParams) -> str:
        """Begin ``kind`` with ``params``; returns the JobRun id once the job has recorded it.

        Raises ``Conflict`` while another job runs (in any process).
        """
        if kind not in KINDS:
            raise InputError(f"expected one of {', '.join(KINDS)}, got {kind!r}", where="kind")
        run_id = new_run_id(kind)
        begun = threading.Event()  # the job has started, or failed before it could
        started = threading.Event()  # the job has written its JobRun (its first report comes after)
        failure: list[BaseException] = []

        def report(phase: str, done: int, total: int | None) -> None:
            started.set()
            begun.set()

        def work() -> None:
            try:
                run_job(db, kind, params, progress=report, run_id=run_id)
            except BaseException as exc:
                failure.append(exc)
            finally:
                begun.set()

        threading.Thread(target=work, name=f"graphsvc-job-{kind}", daemon=True).start()
        if not begun.wait(_START_TIMEOUT):
            raise GraphsvcError(f"the {kind} job did not start within {_START_TIMEOUT:.0f} s")
        if not started.is_set():
            error = failure[0] if failure else None
            if isinstance(error, GraphsvcError):
                raise error
            raise GraphsvcError(f"the {kind} job failed to start: {error}")
        return run_id
