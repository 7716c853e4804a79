"""The one error hierarchy of graphsvc.

Every exception graphsvc raises on purpose derives from ``GraphsvcError``. Driver and library
exceptions are translated at the boundary where they occur (``graphsvc.db``,
``graphsvc.neo4j_local``), so callers never see a ``neo4j.exceptions`` class. Whose fault an error
is decides everything a front-end does with it: the CLI's exit code, the API's ``extensions.code``,
and whether its message reaches the caller or is masked and logged under an id.

    GraphsvcError                  base: ``message`` plus an optional ``hint``
    |-- UsageError                 the caller's fault: fix the input and retry        exit 2
    |   |-- ConfigError            a setting has a bad value                          BAD_CONFIG
    |   |-- InputError             a bad row, field or argument (names the place)     BAD_USER_INPUT
    |   |-- CypherError            the caller's own Cypher was rejected               CYPHER_ERROR
    |   |-- Unauthenticated        no valid credentials                               UNAUTHENTICATED
    |   |-- TooManyAttempts        sign-ins refused for a while after failures        TOO_MANY_ATTEMPTS
    |   |-- Forbidden              the caller's role may not do this                  FORBIDDEN
    |   |-- Conflict               the graph's state forbids it now (a job runs)      CONFLICT
    |   |-- ModelRefused           the records teach a backwards match model          MODEL_REFUSED
    |   `-- NotFound               the entity asked for does not exist     exit 1     NOT_FOUND
    |-- InternalError              our fault, a bug: masked in production  exit 5     INTERNAL
    |   |-- QueryNotFound          a Cypher name that no file in cypher/ defines
    |   `-- QueryFailed            Neo4j rejected one of graphsvc's own queries
    `-- OperationalError           the environment, not the request
        |-- EnvironmentProblem     this machine lacks something (Java, Maven)  exit 3  ENVIRONMENT
        |-- ServerError            the managed Neo4j could not start or stop   exit 3  SERVER
        `-- DatabaseUnavailable    Neo4j cannot be reached now: retry later    exit 4  DATABASE_UNAVAILABLE
            `-- QueryTimeout       Neo4j stopped a query at its time limit     exit 4  TIMEOUT

An exception that is no ``GraphsvcError`` at all is a bug too, and is treated as ``InternalError``.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "Conflict",
    "CypherError",
    "DatabaseUnavailable",
    "EnvironmentProblem",
    "Forbidden",
    "GraphsvcError",
    "InputError",
    "InternalError",
    "ModelRefused",
    "NotFound",
    "OperationalError",
    "QueryFailed",
    "QueryNotFound",
    "QueryTimeout",
    "ServerError",
    "TooManyAttempts",
    "Unauthenticated",
    "UsageError",
    "is_callers",
]


class GraphsvcError(Exception):
    """Base class: a message for the user and, where useful, a hint on what to do."""

    exit_code = 5
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


class CypherError(UsageError):
    """The server rejected the caller's own Cypher (`graphsvc db cypher`): syntax, types, a write refused."""

    code = "CYPHER_ERROR"


class Unauthenticated(UsageError):
    """The request carries no usable credentials (an unknown, revoked or malformed key)."""

    code = "UNAUTHENTICATED"


class TooManyAttempts(UsageError):
    """Too many failed sign-ins: the account refuses them until ``retry_after`` seconds have passed."""

    code = "TOO_MANY_ATTEMPTS"

    def __init__(self, message: str, *, retry_after: int = 0, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


class Forbidden(UsageError):
    """The caller's role may not read or do this."""

    code = "FORBIDDEN"


class Conflict(UsageError):
    """What was asked conflicts with what is under way (one analytics job runs at a time)."""

    code = "CONFLICT"


class ModelRefused(UsageError):
    """Identity resolution learnt a model whose decisive weights point the wrong way (the same email
    as evidence against a match): the records, not the code, need fixing; nothing was written."""

    code = "MODEL_REFUSED"


class NotFound(UsageError):
    """The entity asked for does not exist."""

    exit_code = 1
    code = "NOT_FOUND"


class InternalError(GraphsvcError):
    """A bug in graphsvc: nothing the caller can fix. The API masks its message in production."""


class QueryNotFound(InternalError):
    """No file in cypher/ defines a query of that name."""


class QueryFailed(InternalError):
    """Neo4j rejected one of graphsvc's own named queries (syntax, types, a constraint it should have kept)."""


class OperationalError(GraphsvcError):
    """The environment failed, not the request: the same call may work once it is mended."""

    exit_code = 3
    code = "ENVIRONMENT"


class EnvironmentProblem(OperationalError):
    """This machine lacks a tool graphsvc needs (Java 17+, Maven)."""

    exit_code = 3
    code = "ENVIRONMENT"


class ServerError(OperationalError):
    """The managed local Neo4j server failed to start, stop or answer."""

    exit_code = 3
    code = "SERVER"


class DatabaseUnavailable(OperationalError):
    """Neo4j cannot be reached right now; a later retry may succeed."""

    exit_code = 4
    code = "DATABASE_UNAVAILABLE"


class QueryTimeout(DatabaseUnavailable):
    """Neo4j stopped a query at its time limit (the request's deadline, or the server's own)."""

    code = "TIMEOUT"


def is_callers(error: BaseException | None) -> bool:
    """Whether the caller may read ``error`` as it is: graphsvc's own errors other than its bugs."""
    return isinstance(error, GraphsvcError) and not isinstance(error, InternalError)
