"""Analytics: the social map projected into NetworkX; influence, topic influence, communities, advocacy.

Loading (``project``) and writing (``writeback``) are separate from the measures, which are pure
functions of a graph (``influence``, ``communities``, ``advocacy``); ``jobs`` ties them together
and records each run as a ``JobRun``. See ``docs/analytics.md`` for the definitions.
"""

from graphsvc.analytics.jobs import KINDS, JobParams, JobReport, list_jobs, run_job
from graphsvc.analytics.project import EdgeWeights, Projection, project

__all__ = ["KINDS", "EdgeWeights", "JobParams", "JobReport", "Projection", "list_jobs", "project", "run_job"]
