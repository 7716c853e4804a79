"""The Subscription root: ``jobProgress`` over graphql-transport-ws.

The subscription polls the job's JobRun in Neo4j, where a running job writes its phase every
second (so it follows a job started by any process: the CLI or another API worker); it sends an
update whenever the status or the phase changes and ends after the run has succeeded or failed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from graphsvc.api.auth import needs
from graphsvc.api.context import Context
from graphsvc.api.results import JobProgress, JobRun
from graphsvc.errors import InputError
from graphsvc.service import jobruns

__all__ = ["MAX_SUBSCRIPTIONS", "POLL_SECONDS", "RECHECK_SECONDS", "Subscription"]

POLL_SECONDS = 0.5
#: Seconds between checks of the connection's credentials (a revoked key, an ended session): with the
#: key cache's own seconds (GRAPHSVC_APIKEY_CACHE_SECONDS), how long a revoked key keeps a stream open.
RECHECK_SECONDS = 1.0
#: Subscriptions one connection may run at once.
MAX_SUBSCRIPTIONS = 10


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="A job's progress until it has finished: one message per change.", extensions=needs("analyst")
    )
    async def job_progress(self, info: Info[Context, None], id: strawberry.ID) -> AsyncGenerator[JobProgress, None]:
        context = info.context
        if context.subscriptions >= MAX_SUBSCRIPTIONS:
            raise InputError(
                f"expected at most {MAX_SUBSCRIPTIONS} subscriptions on one connection",
                where="jobProgress",
                hint="complete one first, or open another connection",
            )
        context.subscriptions += 1
        try:
            async for progress in _progress(context, str(id)):
                yield progress
        finally:
            context.subscriptions -= 1


async def _progress(context: Context, job_id: str) -> AsyncGenerator[JobProgress, None]:
    """The job's progress, one message per change, the caller's credentials checked every second."""
    last: tuple[object, ...] | None = None
    checked = time.monotonic()
    while True:
        if time.monotonic() - checked >= RECHECK_SECONDS:
            await context.recheck("analyst", "following a job")
            checked = time.monotonic()
        row = await context.call(jobruns.job_run, job_id)
        state = (row["status"], row.get("phase"), row.get("done"), row.get("total"))
        if state != last:
            last = state
            yield JobProgress(
                job=JobRun.from_row(row), phase=row.get("phase"), done=row.get("done"), total=row.get("total")
            )
        if row["status"] != "running":
            return
        await asyncio.sleep(POLL_SECONDS)
