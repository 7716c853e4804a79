"""The console's static files (pages, scripts, the vendored libraries) at ``/static``, read from the package."""

from __future__ import annotations

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

__all__ = ["STATIC_PATH", "static_mount"]

#: Where the files are served: pages refer to them by this path only (same origin, no CDN).
STATIC_PATH = "/static"


def static_mount() -> Mount:
    """A route serving ``graphsvc/console/static/`` at ``/static``, wherever the package is installed."""
    return Mount(STATIC_PATH, StaticFiles(packages=[("graphsvc.console", "static")]), name="static")
