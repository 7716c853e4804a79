"""One Neo4j driver per process, managed transactions, named queries, translated errors.

``Database.write`` runs a named query from ``cypher/`` inside ``execute_write``, so
transient failures (leader switch, deadlock, a dropped connection) are retried by the
driver. Every write graphsvc issues is an idempotent MERGE, which is what makes such
retries safe. ``Database.read`` runs a single read query as an auto-commit transaction
in a read session: one network round trip instead of two (no separate COMMIT), which
matters for the API's latency; it retries retryable failures itself, a few times.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, LiteralString, TypeVar

import neo4j
import neo4j.time
from neo4j import AsyncGraphDatabase, GraphDatabase, ManagedTransaction
from neo4j import exceptions as nx

from graphsvc.config import Settings
from graphsvc.db.queries import query
from graphsvc.errors import ConfigError, CypherError, DatabaseUnavailable, GraphsvcError, QueryFailed, QueryTimeout

__all__ = ["AsyncReads", "Database", "translate_errors"]

T = TypeVar("T")
Row = dict[str, Any]


@contextmanager
def translate_errors(uri: str = "", *, callers_query: bool = False) -> Iterator[None]:
    """Turn driver exceptions into graphsvc errors (the db boundary).

    A query Neo4j rejects is the caller's ``CypherError`` when the caller wrote it
    (``callers_query``), and graphsvc's own ``QueryFailed`` (a bug) when it is a named query.
    """
    try:
        yield
    except GraphsvcError:
        raise
    except nx.AuthError as exc:
        raise ConfigError(
            f"Neo4j at {uri} rejected the credentials: {exc.message}",
            hint="check NEO4J_USER/NEO4J_PASSWORD or NEO4J_AUTH",
        ) from None
    except (nx.ServiceUnavailable, nx.SessionExpired, nx.TransientError, OSError) as exc:
        detail = getattr(exc, "message", None) or str(exc)
        raise DatabaseUnavailable(
            f"Neo4j at {uri} is unavailable: {detail}",
            hint="start it with `graphsvc neo4j start`, or check NEO4J_URI",
        ) from None
    except nx.Neo4jError as exc:
        if (exc.code or "").startswith("Neo.ClientError.Transaction.TransactionTimedOut"):
            raise QueryTimeout(
                "Neo4j stopped the query at its time limit",
                hint="ask for less (smaller pages, fewer nested lists), or retry when the server is less busy",
            ) from None
        rejected = CypherError if callers_query else QueryFailed
        raise rejected(f"Neo4j rejected the query ({exc.code}): {exc.message}") from None
    except nx.DriverError as exc:
        raise DatabaseUnavailable(f"Neo4j driver error: {exc}") from None


#: Tries of one ``Database.read`` before a retryable failure (a dropped connection...) is reported.
READ_ATTEMPTS = 3

#: Value types a record holds as they are; anything else (nodes, relationships, paths, points) is
#: left to ``Record.data()``.
_PLAIN = frozenset(
    {
        str,
        int,
        float,
        bool,
        type(None),
        bytes,
        neo4j.time.DateTime,
        neo4j.time.Date,
        neo4j.time.Time,
        neo4j.time.Duration,
    }
)


class _NotPlain(Exception):
    """A record holds a value ``Record.data()`` must convert."""


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {key: _plain(item) for key, item in value.items()}
    if kind is list:
        return [_plain(item) for item in value]
    raise _NotPlain


def _rows(result: neo4j.Result) -> list[Row]:
    """The records of ``result`` as ``[record.data() for record in result]`` gives them, faster.

    graphsvc's queries return maps and lists of plain values, which ``Record.data()`` walks with
    abstract-base-class checks on every value, a large share of the CPU of reading a page. Exact
    type checks pass those through; a record holding anything else goes to ``Record.data()``.
    """
    keys = result.keys()
    rows = []
    for record in result:
        try:
            rows.append({key: _plain(value) for key, value in zip(keys, record, strict=True)})
        except _NotPlain:
            rows.append(record.data())
    return rows


_BATCHED = re.compile(r"\bIN\s+(?:\d+\s+CONCURRENT\s+)?TRANSACTIONS\b", re.IGNORECASE)


#: Procedures a read-only ``graphsvc db cypher`` may call: the ones that describe the graph.
READ_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
        "db.info",
        "db.ping",
        "dbms.components",
    }
)


def _refuse_outside_reads(plan: dict[str, Any]) -> None:
    """Refuse, from the server's own plan, what a read-only query must not do although Neo4j counts it
    as a read: LOAD CSV (it reads files and URLs the server can reach) and procedures outside
    ``READ_PROCEDURES``."""
    pending = [plan]
    while pending:
        step = pending.pop()
        pending.extend(step.get("children", []))
        operator = str(step.get("operatorType", "")).split("@")[0]
        details = str((step.get("args") or step.get("arguments") or {}).get("Details", ""))
        if operator == "LoadCSV":
            raise CypherError(
                "LOAD CSV reads files and URLs the database server can reach: it needs --write",
                hint="import files with `graphsvc import`, or re-run with --write if you mean it",
            )
        if operator == "ProcedureCall":
            name = details.split("(")[0].strip()
            if name not in READ_PROCEDURES:
                raise CypherError(
                    f"procedure {name or '?'} is not one a read-only query may call; it needs --write",
                    hint=f"read-only queries may call {', '.join(sorted(READ_PROCEDURES))}",
                )


class Database:
    """A driver plus the database name; thread-safe, meant to live as long as the process."""

    def __init__(
        self,
        uri: str,
        auth: tuple[str, str] | None,
        *,
        database: str = "neo4j",
        read_timeout: float | None = None,
        suppression_secret: Callable[[], bytes] | None = None,
        **driver_options: Any,
    ) -> None:
        self.uri = uri
        self.database = database
        self._suppression_secret = suppression_secret
        self._suppression_key: bytes | None = None
        #: seconds a read (``read``, ``read_generated``) may run before Neo4j stops it (None: the server's own
        #: transaction timeout); the API server sets it to its request timeout
        self.read_timeout = read_timeout
        options: dict[str, Any] = {
            "connection_timeout": 5.0,
            "max_transaction_retry_time": 15.0,
            "notifications_min_severity": "OFF",  # schema-less MERGE warnings are expected, not news
        }
        options.update(driver_options)
        with translate_errors(uri):
            self.driver = GraphDatabase.driver(uri, auth=auth, **options)
        self._auth = auth
        self._options = options
        self._lock = threading.Lock()
        self.round_trips = 0  # transactions run through this object; the API's DataLoader test reads it

    @classmethod
    def from_settings(
        cls, settings: Settings, *, autostart: bool = True, read_timeout: float | None = None, **driver_options: Any
    ) -> Database:
        """Connect to NEO4J_URI, or to the managed local server (starting it when ``autostart``)."""
        options: dict[str, Any] = {
            "database": settings.neo4j_database,
            "read_timeout": read_timeout,
            "suppression_secret": settings.suppression_secret,
            **driver_options,
        }
        if settings.neo4j_uri:
            return cls(settings.neo4j_uri, settings.auth_from_env, **options)
        from graphsvc.neo4j_local.server import LocalServer

        server = LocalServer(settings)
        if autostart:
            server.start()
        return cls(server.uri, server.auth, **options)

    def suppression_key(self) -> bytes:
        """The key of this graph's suppression hashes (``Settings.suppression_secret``): it lives outside
        the graph, so the hashes in a dump of the database cannot be checked without it."""
        if self._suppression_key is None:
            if self._suppression_secret is None:
                raise ConfigError(
                    "this connection has no suppression key, which erasure and imports need",
                    hint="open the database with Database.from_settings, or pass suppression_secret",
                )
            self._suppression_key = self._suppression_secret()
        return self._suppression_key

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _count(self) -> None:
        with self._lock:
            self.round_trips += 1

    # -- managed transactions ---------------------------------------------------------------
    def read_tx(self, work: Callable[[ManagedTransaction], T]) -> T:
        """Run ``work`` in a read transaction (retried on transient errors)."""
        self._count()
        with translate_errors(self.uri), self.driver.session(database=self.database) as session:
            return session.execute_read(work)

    def write_tx(self, work: Callable[[ManagedTransaction], T]) -> T:
        """Run ``work`` in a write transaction (retried on transient errors: keep it idempotent)."""
        self._count()
        with translate_errors(self.uri), self.driver.session(database=self.database) as session:
            return session.execute_write(work)

    def read(self, name: str, **params: Any) -> list[Row]:
        """Rows of the named read query (one auto-commit read transaction, retried on transient errors)."""
        return self._read(neo4j.Query(query(name), timeout=self.read_timeout), params)

    def read_generated(self, text: str, params: dict[str, Any]) -> list[Row]:
        """Rows of a read statement that ``graphsvc.service.compiled`` assembled from its fixed fragments
        and the schema's property names (never from a caller's text: their values are ``params``)."""
        return self._read(neo4j.Query(text, timeout=self.read_timeout), params)

    def _read(self, text: Any, params: dict[str, Any]) -> list[Row]:
        self._count()
        with translate_errors(self.uri):
            for attempt in range(READ_ATTEMPTS):
                try:
                    with self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
                        return _rows(session.run(text, params))
                except (nx.Neo4jError, nx.DriverError) as exc:
                    if attempt + 1 == READ_ATTEMPTS or not exc.is_retryable():
                        raise
                    time.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def async_reads(self) -> AsyncReads:
        """The driver's asyncio twin of this database, for reads on the calling event loop."""
        return AsyncReads(self)

    def write(self, name: str, **params: Any) -> list[Row]:
        """Rows of the named write query."""
        text = query(name)
        return self.write_tx(lambda tx: _rows(tx.run(text, params)))

    def run_statement(self, text: LiteralString) -> None:
        """Run one statement in an auto-commit transaction (schema changes cannot share one)."""
        self._count()
        with translate_errors(self.uri), self.driver.session(database=self.database) as session:
            session.run(text).consume()

    def run_batched(self, name: str, **params: Any) -> None:
        """Run a named ``CALL { ... } IN TRANSACTIONS`` query: it must run in an auto-commit transaction."""
        self._count()
        with translate_errors(self.uri), self.driver.session(database=self.database) as session:
            session.run(query(name), params).consume()

    def adhoc(self, text: str, params: dict[str, Any], *, allow_write: bool) -> tuple[list[str], list[Row], str]:
        """An analyst's own query (``graphsvc db cypher``): refuses writes unless ``allow_write``.

        Returns the column names, the rows and the query type ('r', 'rw', 'w' or 's').
        The check uses the server's own plan (EXPLAIN), not a guess from the text.
        """
        self._count()
        with translate_errors(self.uri, callers_query=True), self.driver.session(database=self.database) as session:
            plan = session.run(neo4j.Query(f"EXPLAIN {text}"), params).consume()
            kind = plan.query_type or "r"
            if kind != "r" and not allow_write:
                raise CypherError(
                    f"the query would write (query type {kind!r}) and --write was not given",
                    hint="re-run with --write if you mean to change the graph",
                )
            if not allow_write:
                _refuse_outside_reads(plan.plan or {})
            if allow_write and _BATCHED.search(text):
                # CALL { ... } IN TRANSACTIONS commits batch by batch: only an auto-commit transaction may run it
                result = session.run(neo4j.Query(text), params)  # the analyst's own text, as EXPLAIN above
                return list(result.keys()), _rows(result), kind
            work = session.execute_write if allow_write else session.execute_read

            def run(tx: ManagedTransaction) -> tuple[list[str], list[Row]]:
                result = tx.run(text, params)
                return list(result.keys()), _rows(result)

            keys, rows = work(run)
            return keys, rows, kind

    def ping(self, timeout: float = 2.0) -> None:
        """One round trip without retries: raises ``DatabaseUnavailable`` when Neo4j does not answer."""
        with translate_errors(self.uri), self.driver.session(database=self.database) as session:
            session.run(neo4j.Query(query("admin.ping"), timeout=timeout)).consume()


class AsyncReads:
    """Reads on an event loop, through the driver's asyncio API: a server answers a compiled read
    without handing it to a thread (which the synchronous driver needs), and the asyncio driver
    spends less CPU per query. One per event loop (a driver belongs to the loop it is used from);
    it counts its round trips on the ``Database`` it was made from."""

    def __init__(self, db: Database) -> None:
        self.db = db
        with translate_errors(db.uri):
            self.driver = AsyncGraphDatabase.driver(db.uri, auth=db._auth, **db._options)

    async def read_generated(self, text: str, params: dict[str, Any]) -> list[Row]:
        """As ``Database.read_generated``: a statement ``graphsvc.service.compiled`` assembled."""
        self.db._count()
        with translate_errors(self.db.uri):
            for attempt in range(READ_ATTEMPTS):
                try:
                    async with self.driver.session(
                        database=self.db.database, default_access_mode=neo4j.READ_ACCESS
                    ) as session:
                        result = await session.run(neo4j.Query(text, timeout=self.db.read_timeout), params)
                        keys = result.keys()
                        rows = []
                        async for record in result:
                            try:
                                rows.append({key: _plain(value) for key, value in zip(keys, record, strict=True)})
                            except _NotPlain:
                                rows.append(record.data())
                        return rows
                except (nx.Neo4jError, nx.DriverError) as exc:
                    if attempt + 1 == READ_ATTEMPTS or not exc.is_retryable():
                        raise
                    await asyncio.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    async def close(self) -> None:
        await self.driver.close()
