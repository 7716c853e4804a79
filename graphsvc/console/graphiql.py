"""GraphiQL, the in-browser GraphQL IDE, from the package's own copy: the page the API serves at GET /graphql.

Strawberry's built-in page loads React and GraphiQL from a CDN; this one refers only to ``/static/``
(the vendored files and ``static/graphiql/``), so the IDE works offline and under a same-origin
content security policy: no inline script or style. The page's script (``static/graphiql/start.js``)
posts queries with the browser's cookies (``credentials: 'same-origin'``) and, when the console
session (``GET /console/session``) offers a CSRF token, sends it as ``X-CSRF-Token``.
"""

from __future__ import annotations

from html import escape

from graphsvc.console.static_files import STATIC_PATH

__all__ = ["SESSION_PATH", "graphiql_page"]

#: The console's session endpoint: a JSON object whose ``csrf`` (if any) the page sends with each request.
SESSION_PATH = "/console/session"

_PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>GraphiQL - graphsvc</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="{static}/vendor/graphiql/graphiql.min.css">
    <link rel="stylesheet" href="{static}/graphiql/page.css">
  </head>
  <body>
    <div id="graphiql" data-endpoint="{endpoint}" data-session="{session}">Loading GraphiQL...</div>
    <script src="{static}/vendor/react/react.production.min.js"></script>
    <script src="{static}/vendor/react-dom/react-dom.production.min.js"></script>
    <script src="{static}/vendor/graphiql/graphiql.min.js"></script>
    <script src="{static}/graphiql/start.js"></script>
  </body>
</html>
"""


def graphiql_page(endpoint: str = "/graphql", session: str = SESSION_PATH) -> str:
    """The HTML of the IDE, querying ``endpoint`` (a same-origin path) and reading the CSRF token at ``session``."""
    return _PAGE.format(static=STATIC_PATH, endpoint=escape(endpoint), session=escape(session))
