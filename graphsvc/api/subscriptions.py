"""The Subscription root: ``jobProgress`` over graphql-transport-ws.

The subscription polls the job's JobRun in Neo4j, where a running job writes its phase every
second (so it follows a job started by any process: the CLI or another API worker); it sends an
update whenever the status or the phase changes and ends after the run has succeeded or failed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from graphsvc.api.auth import needs
from graphsvc.api.context import Context
from graphsvc.api.results import JobProgress, JobRun
from graphsvc.service import jobruns

__all__ = ["POLL_SECONDS", "Subscription"]

POLL_SECONDS = 0.5


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="A job's progress until it has finished: one message per change.", extensions=needs("analyst")
    )
    async def job_progress(self, info: Info[Context, None], id: strawberry.ID) -> AsyncGenerator[JobProgress, None]:
        context = info.context
        last: tuple[object, ...] | None = None
        while True:
            row = await context.call(jobruns.job_run, str(id))
            state = (row["status"], row.get("phase"), row.get("done"), row.get("total"))
            if state != last:
                last = state
                yield JobProgress(
                    job=JobRun.from_row(row), phase=row.get("phase"), done=row.get("done"), total=row.get("total")
                )
            if row["status"] != "running":
                return
            await asyncio.sleep(POLL_SECONDS)
