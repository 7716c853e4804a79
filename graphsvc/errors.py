"""The one error hierarchy of graphsvc.

Every exception graphsvc raises on purpose derives from ``GraphsvcError``.
Driver and library exceptions are translated at the boundary where they
occur (``graphsvc.db``, ``graphsvc.neo4j_local``), so callers never see a
``neo4j.exceptions`` class.

    GraphsvcError                  base: ``message`` plus an optional ``hint``
    |-- UsageError                 the caller's fault: fix the input and retry
    |   |-- ConfigError            a setting has a bad value
    |   |-- InputError             a bad row, field or argument (names the place)
    |   |-- QueryNotFound          a Cypher name that no file in cypher/ defines
    |   |-- CypherError            a query the server rejected (syntax, constraint)
    |   |-- NotFound               a requested entity does not exist
    |   `-- Conflict               the state of the graph forbids it now (a job is running)
    |-- EnvironmentProblem         this machine lacks something (Java, Maven)
    |-- ServerError                the managed Neo4j server could not start/stop
    `-- DatabaseUnavailable        Neo4j cannot be reached now: transient, retry

``UsageError`` and its children mean "do not retry as is"; ``DatabaseUnavailable``
means "retrying later may work". The CLI maps them to exit codes 2, 3 and 4.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "Conflict",
    "CypherError",
    "DatabaseUnavailable",
    "EnvironmentProblem",
    "GraphsvcError",
    "InputError",
    "NotFound",
    "QueryNotFound",
    "ServerError",
    "UsageError",
]


class GraphsvcError(Exception):
    """Base class: a message for the user and, where useful, a hint on what to do."""

    exit_code = 1
    code = "INTERNAL"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message

    def as_dict(self) -> dict[str, str | None]:
        return {"error": type(self).__name__, "code": self.code, "message": self.message, "hint": self.hint}


class UsageError(GraphsvcError):
    """The caller's fault: the same call will fail again until the input changes."""

    exit_code = 2
    code = "BAD_USER_INPUT"


class ConfigError(UsageError):
    """A setting has a value graphsvc cannot use."""

    code = "BAD_CONFIG"


class InputError(UsageError):
    """Bad input data; ``where`` names the place (file:line:column, field, GraphQL path)."""

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        super().__init__(f"{where}: {message}" if where else message, hint=hint)
        self.where = where
        self.reason = message


class QueryNotFound(UsageError):
    """No file in cypher/ defines a query of that name."""

    code = "QUERY_NOT_FOUND"


class CypherError(UsageError):
    """The server rejected a query as written (syntax, types, constraint violation)."""

    code = "CYPHER_ERROR"


class NotFound(UsageError):
    """The entity asked for does not exist."""

    code = "NOT_FOUND"


class Conflict(UsageError):
    """What was asked conflicts with what is under way (one analytics job runs at a time)."""

    code = "CONFLICT"


class EnvironmentProblem(GraphsvcError):
    """This machine lacks a tool graphsvc needs (Java 17+, Maven)."""

    exit_code = 3
    code = "ENVIRONMENT"


class ServerError(GraphsvcError):
    """The managed local Neo4j server failed to start, stop or answer."""

    exit_code = 3
    code = "SERVER"


class DatabaseUnavailable(GraphsvcError):
    """Neo4j cannot be reached right now; a later retry may succeed."""

    exit_code = 4
    code = "DATABASE_UNAVAILABLE"
