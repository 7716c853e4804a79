"""Analytics jobs as the front-ends start them: in the foreground (the CLI) or in a background thread (the API).

``job_params`` checks what a caller asks for once, for both. ``run`` runs a job to its end.
``JobRunner.start`` begins ``graphsvc.analytics.run_job`` in a thread and returns the id of its
``JobRun`` as soon as the job has written it. The job itself makes sure that one runs at a time,
across processes (the CLI and every API worker), and writes its progress on the JobRun every
second, so ``job_run`` tells any process the phase a job is in. ``JobRunner.start_resolve`` does the
same for a resolution run, which records itself as a JobRun of kind 'resolve'; one runs at a time
in a process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from graphsvc.analytics.jobs import KINDS, JobParams, JobReport, list_jobs, new_run_id, run_job
from graphsvc.db import Database
from graphsvc.errors import GraphsvcError, InputError, InternalError, NotFound
from graphsvc.resolve import ResolveOptions, resolve
from graphsvc.resolve.run import new_run_id as new_resolve_id
from graphsvc.service.values import plain

__all__ = [
    "KINDS",
    "JobParams",
    "JobReport",
    "JobRunner",
    "check_kind",
    "job_params",
    "job_run",
    "list_jobs",
    "recent_runs",
    "run",
]

Progress = Callable[[str, int, int | None], None]

_START_TIMEOUT = 30.0


def check_kind(kind: str, *, where: str = "kind") -> None:
    """Raise ``InputError`` unless ``kind`` names a job."""
    if kind not in KINDS:
        raise InputError(f"expected one of {', '.join(KINDS)}, got {kind!r}", where=where)


def job_params(
    *,
    batch_size: int,
    consent_default: str,
    platform: str | None = None,
    since: datetime | None = None,
    seed: int = JobParams.seed,
    top_k: int = JobParams.top_k,
    betweenness_k: int | None = JobParams.betweenness_k,
) -> JobParams:
    """The parameters of a run: ``platform`` folded to lower case, ``since`` a time with a UTC offset."""
    if since is not None and since.tzinfo is None:
        raise InputError(f"expected a time with a UTC offset, got {since.isoformat()!r}", where="since")
    return JobParams(
        platform=platform.strip().lower() if platform else None,
        since=since,
        seed=seed,
        top_k=top_k,
        betweenness_k=betweenness_k,
        batch_size=batch_size,
        consent_default=consent_default,
    )


def run(db: Database, kind: str, params: JobParams, progress: Progress | None = None) -> JobReport:
    """Run ``kind`` to its end; raises ``Conflict`` while another job runs (in any process)."""
    check_kind(kind)
    return run_job(db, kind, params, progress=progress)


def recent_runs(db: Database, limit: int = 20) -> list[dict[str, Any]]:
    """The most recent job runs, newest first, with driver times as ``datetime``."""
    return [dict(plain(row)) for row in list_jobs(db, limit)]


def job_run(db: Database, job_id: str) -> dict[str, Any]:
    rows = db.read("api.job_run", id=job_id)
    if not rows:
        raise NotFound(f"no job run {job_id!r}", hint="runJob returns the id of the run it starts")
    return dict(plain(rows[0]["job"]))


class JobRunner:
    """Starts analytics jobs and resolution runs in background threads."""

    def start(self, db: Database, kind: str, params: JobParams) -> str:
        """Begin ``kind`` with ``params``; returns the JobRun id once the job has recorded it.

        Raises ``Conflict`` while another job runs (in any process).
        """
        check_kind(kind)
        run_id = new_run_id(kind)
        return _begin(kind, run_id, lambda report: run_job(db, kind, params, progress=report, run_id=run_id))

    def start_resolve(self, db: Database, options: ResolveOptions) -> str:
        """Begin a resolution run; returns its JobRun id once the run has recorded it.

        Raises ``Conflict`` while another resolution run writes (in any process: the CLI's too).
        """
        run_id = new_resolve_id()
        return _begin("resolve", run_id, lambda report: resolve(db, options, report, run_id=run_id))


def _begin(kind: str, run_id: str, job: Callable[[Progress], object]) -> str:
    """Run ``job(progress)`` in a thread; return ``run_id`` once its first progress report came."""
    begun = threading.Event()  # the job has started, or failed before it could
    started = threading.Event()  # the job has written its JobRun (its first report comes after)
    failure: list[BaseException] = []

    def report(phase: str, done: int, total: int | None) -> None:
        started.set()
        begun.set()

    def work() -> None:
        try:
            job(report)
        except BaseException as exc:
            failure.append(exc)
        finally:
            begun.set()

    threading.Thread(target=work, name=f"graphsvc-job-{kind}", daemon=True).start()
    if not begun.wait(_START_TIMEOUT):
        raise InternalError(f"the {kind} job did not start within {_START_TIMEOUT:.0f} s")
    if not started.is_set():
        error = failure[0] if failure else None
        if isinstance(error, GraphsvcError):
            raise error
        raise InternalError(f"the {kind} job failed to start: {error}")
    return run_id
