"""The console's one page: ``/`` serves the app shell, whose ES modules route between the screens.

The shell and every asset come from the package (``static/``); a Content-Security-Policy keeps the
page to its own origin, so nothing can load or send from another host even if a value slipped
through as markup.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import HTMLResponse

__all__ = ["SECURITY_HEADERS", "console_page"]

#: Same-origin only; styles may be set inline (the drawing libraries size their canvases that way).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-cache",
}


@lru_cache(maxsize=1)
def _shell() -> str:
    return (resources.files("graphsvc.console") / "static" / "index.html").read_text(encoding="utf-8")


async def console_page(request: Request) -> HTMLResponse:
    """The console's app shell (the screens are routed in the page, after the ``#``)."""
    return HTMLResponse(_shell(), headers=SECURITY_HEADERS)
