"""The application layer: every operation the front-ends (CLI, API) offer, orchestrated once.

A service function checks its arguments (errors name the argument), calls the domain packages and
the named queries of ``cypher/``, applies consent where a result targets people, and returns plain
values or the typed rows of ``graphsvc.service.rows``. It never builds Cypher from text.
"""
