"""Settings: read once at start-up from the environment (then ``.env``, then defaults).

This is the only module that reads the environment. Each field's description is its
documentation: docs/settings.md is generated from this list (``python -m graphsvc.docs settings``)
and ``tests/test_docs.py`` checks that it is.
"""

from __future__ import annotations

import json
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graphsvc.errors import ConfigError

__all__ = ["NEO4J_VERSION", "Settings", "env_name", "get_settings", "settings_table"]

#: The Neo4j LTS release the managed server runs (5.26 LTS, community edition).
NEO4J_VERSION = "5.26.30"

_SIZE_PATTERN = r"^\d+[kmgKMG]?$"

#: The most one GraphQL operation may cost per role, where GRAPHSVC_COST_BUDGETS does not say.
DEFAULT_COST_BUDGETS = {"viewer": 10_000, "marketer": 10_000, "analyst": 20_000, "admin": 50_000}


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    """All of graphsvc's settings. Environment variable names are given per field."""

    model_config = SettingsConfigDict(
        env_prefix="GRAPHSVC_", env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    # -- where Neo4j is ---------------------------------------------------------------------
    neo4j_uri: str | None = Field(
        None,
        validation_alias=_env("NEO4J_URI"),
        description="Bolt/neo4j URI of an external server (Docker, Aura, a cluster). "
        "Unset: graphsvc starts and uses its managed local server.",
    )
    neo4j_user: str = Field("neo4j", validation_alias=_env("NEO4J_USER"), description="User for NEO4J_URI.")
    neo4j_password: str | None = Field(
        None, validation_alias=_env("NEO4J_PASSWORD"), description="Password for NEO4J_URI."
    )
    neo4j_auth: str | None = Field(
        None,
        validation_alias=_env("NEO4J_AUTH"),
        description="'user/password', as the Neo4j Docker image takes it. Sets the managed server's "
        "password (instead of a generated one) and the credentials for NEO4J_URI.",
    )
    neo4j_database: str = Field("neo4j", validation_alias=_env("NEO4J_DATABASE"), description="Database name.")

    # -- the managed local server -------------------------------------------------------------
    state_dir: Path = Field(
        Path(".graphsvc"),
        description="Project-local state: the managed server's data, logs, config and password file.",
    )
    cache_dir: Path = Field(
        Path(platformdirs.user_cache_dir("graphsvc")),
        description="User cache for the Neo4j server jars fetched from Maven Central (shared by checkouts).",
    )
    neo4j_data_dir: Path | None = Field(
        None, description="Data directory of the managed server (default: STATE_DIR/neo4j/data)."
    )
    neo4j_bolt_port: int = Field(7687, ge=1, le=65535, description="Bolt port of the managed server (127.0.0.1).")
    neo4j_http_port: int = Field(7474, ge=1, le=65535, description="HTTP port of the managed server (127.0.0.1).")
    neo4j_http: bool = Field(
        False,
        description="Open the managed server's HTTP port (Neo4j Browser, the HTTP API) on 127.0.0.1; graphsvc "
        "itself speaks Bolt only, so it stays closed unless you want it.",
    )
    neo4j_heap: str = Field("4g", pattern=_SIZE_PATTERN, description="Managed server JVM max heap, e.g. 4g.")
    neo4j_tx_log_retention: str = Field(
        "1 days",
        pattern=r"^\d+ (files|days|hours|size|txs|entries)$|^keep_none$",
        description="How long the managed server keeps transaction log files (Neo4j's "
        "db.tx_log.rotation.retention_policy). They hold every write, an erased person's values too, until "
        "rotated (every 64 MiB) and pruned at the next checkpoint: docs/privacy.md.",
    )
    neo4j_transaction_timeout_seconds: int = Field(
        600,
        ge=1,
        le=7 * 24 * 3600,
        description="Managed server: the longest any transaction may run (db.transaction.timeout); the API's "
        "own queries stop sooner, at GRAPHSVC_REQUEST_TIMEOUT_SECONDS.",
    )
    neo4j_pagecache: str = Field("4g", pattern=_SIZE_PATTERN, description="Managed server page cache, e.g. 4g.")
    neo4j_start_timeout: float = Field(
        180.0, gt=0, description="Seconds to wait for the managed server's Bolt port to answer."
    )

    # -- the service --------------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address `graphsvc serve` binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port `graphsvc serve` binds to.")
    workers: int = Field(
        1,
        ge=1,
        le=64,
        description="Processes `graphsvc serve` runs, each with its own Neo4j connections: one "
        "per CPU core lets the API use every core (Python runs one request's code at a time per process).",
    )
    mode: Literal["development", "production"] = Field(
        "development", description="'production' masks internal error details in GraphQL responses."
    )
    introspection: bool | None = Field(
        None,
        description="Allow GraphQL schema introspection (default: on in development, off in production).",
    )
    graphiql: bool | None = Field(
        None,
        description="Serve GraphiQL to a browser at GET /graphql (default: on in development, off in production).",
    )
    rate_limit_per_minute: int | None = Field(
        None,
        ge=0,
        le=10_000_000,
        description="Requests a minute one API key or console session may send (bursts up to that many), "
        "per server process; beyond it 429 with Retry-After. 0 turns it off. Default: off in development, "
        "6000 in production.",
    )
    anonymous_rate_limit_per_minute: int | None = Field(
        None,
        ge=0,
        le=10_000_000,
        description="The same for requests without a key or session, per client address (sign-in attempts, "
        "anonymous reads). Default: off in development, 600 in production.",
    )
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Host names the API answers, as JSON, e.g. '[\"crm.example.com\"]' ('*.example.com' "
        "for subdomains); any other Host header gets 400, which keeps other sites' pages from reaching a "
        "server on localhost by DNS rebinding. Default: any in development; localhost, 127.0.0.1 and "
        "[::1] in production.",
    )
    batch_size: int = Field(
        5000, ge=1, le=1_000_000, description="Rows per UNWIND batch for imports and job write-back."
    )

    # -- survivorship: which record's value a unified person shows ------------------------------
    survivorship_rules: dict[str, Literal["source_priority", "most_recent", "most_frequent"]] = Field(
        default_factory=dict,
        description="Rule per person field (name, email, phone, company, title, location, avatar) as JSON, e.g. "
        '{"title": "most_recent"}; unlisted fields keep their defaults (docs/resolution.md, Survivorship).',
    )
    survivorship_priority: list[str] = Field(
        default_factory=lambda: [
            "crm",
            "linkedin",
            "github",
            "facebook",
            "twitter",
            "instagram",
            "forum",
            "email",
            "phone",
        ],
        description="Sources most trusted first, as JSON ('crm' is every CRM, or name one such as 'salesforce').",
    )

    @field_validator("survivorship_rules")
    @classmethod
    def _known_fields(cls, value: dict[str, str]) -> dict[str, str]:
        known = {"name", "email", "phone", "company", "title", "location", "avatar"}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"unknown person field(s) {unknown}; expected some of {sorted(known)}")
        return value

    # -- the GraphQL API: access, limits, consent ----------------------------------------------
    anonymous_role: Literal["none", "viewer", "marketer", "analyst", "admin"] | None = Field(
        None,
        description="Role of GraphQL requests without an API key: none, viewer, marketer, analyst or admin "
        "(default: viewer in development mode, so GraphiQL works in the demo; none in production).",
    )
    apikey_cache_seconds: float = Field(
        30.0,
        ge=0,
        description="Seconds the API trusts a verified API key before checking it in Neo4j again "
        "(a revoked key stops working within this time; 0 checks every request).",
    )
    session_hours: float = Field(
        12.0,
        gt=0,
        le=24 * 366,
        description="Hours a console sign-in lasts (the session cookie's lifetime); then the user signs in again.",
    )
    session_cache_seconds: float = Field(
        10.0,
        ge=0,
        description="Seconds an API process trusts a verified console session before checking it in Neo4j "
        "again. Signing out or disabling a user takes effect at once in the process that did it, and "
        "within this time in the others (0 checks every request).",
    )
    login_max_failures: int = Field(
        5, ge=1, le=1000, description="Failed console sign-ins in a row that lock a user out for a while."
    )
    login_lock_minutes: float = Field(
        15.0, gt=0, le=24 * 60, description="Minutes a user stays locked out after too many failed sign-ins."
    )
    avatars: Literal["proxy", "off"] = Field(
        "proxy",
        description="How the console shows people's pictures: 'proxy' fetches each avatar URL of the graph "
        "server-side (so the browser never contacts another host) and keeps it in memory for a day; 'off' "
        "shows initials.",
    )
    avatar_private_hosts: bool = Field(
        False,
        description="Let the avatar proxy fetch from private, loopback and link-local addresses (an intranet, "
        "tests). Off, a stored URL cannot make the server reach its own network.",
    )
    consent_default: Literal["granted", "denied"] = Field(
        "granted",
        description="Consent assumed for a purpose with no (unexpired) record: 'granted' (opt-out, "
        "the B2B social CRM default) or 'denied' (opt-in).",
    )
    consent_sweep_seconds: float = Field(
        60.0,
        ge=0,
        description="How often the API server clears what was computed about persons whose consent for "
        "profiling lapsed (an expired record, a changed default); a recorded refusal clears at once. 0: never.",
    )
    warmup_seconds: float | None = Field(
        None,
        ge=0,
        description="At most how long the API server spends, when it starts, sending itself representative "
        "reads (a person's page, influencers, persons, search, communities, a segment, contacts) so that "
        "Neo4j has planned, compiled and cached them before the first client waits; /readyz answers 503 "
        "'warming' until then. 0: no warm-up. Default: off in development, 60 in production.",
    )
    suppression_key: str | None = Field(
        None,
        min_length=32,
        repr=False,
        description="The secret (32 characters or more) the suppression list's keyed hashes (HMAC-SHA256) "
        "of erased people's identifiers are made with, from a secret store. Unset: a random key made once "
        "in GRAPHSVC_SUPPRESSION_KEY_FILE. Kept out of the graph, so a database dump alone cannot be "
        "checked against a list of addresses; losing it makes the list useless, so back it up.",
    )
    suppression_key_file: Path | None = Field(
        None,
        description="Where the suppression key is kept when GRAPHSVC_SUPPRESSION_KEY is unset (made on first "
        "use, mode 0600). Unset: suppression.key in GRAPHSVC_STATE_DIR.",
    )
    compiled_reads: bool = Field(
        True,
        description="Answer the GraphQL reads the compiler covers with one Cypher statement each, without the "
        "field resolvers (docs/api.md); off, every request runs the resolvers.",
    )
    cost_budgets: dict[str, int] = Field(
        default_factory=dict,
        description="Most a GraphQL operation may cost per role, as JSON, e.g. '{\"viewer\": 5000}' "
        "(roles not named keep their defaults: viewer and marketer 10000, analyst 20000, admin 50000). "
        "The cost counts the objects a response can hold: docs/api.md.",
    )
    max_body_bytes: int = Field(
        1_000_000,
        ge=1024,
        le=1_000_000_000,
        description="Largest request body the API reads; a larger one gets 413 before any of it is parsed.",
    )
    request_timeout_seconds: float = Field(
        30.0,
        gt=0,
        le=3600,
        description="Seconds a GraphQL request may take before the API answers 503 and stops waiting for it; "
        "its Neo4j queries stop at the same time (a transaction timeout).",
    )
    max_query_depth: int = Field(12, ge=2, le=100, description="Deepest GraphQL selection the API accepts.")
    max_aliases: int = Field(30, ge=0, le=1000, description="Most field aliases one GraphQL document may use.")
    max_tokens: int = Field(4000, ge=100, le=100_000, description="Most tokens one GraphQL document may hold.")
    export_max_rows: int = Field(
        10_000, ge=1, le=1_000_000, description="Most rows one GraphQL segment export returns."
    )

    @field_validator("cost_budgets")
    @classmethod
    def _budget_roles(cls, value: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(value) - set(DEFAULT_COST_BUDGETS))
        if unknown:
            raise ValueError(f"unknown role(s) {unknown}; expected some of {sorted(DEFAULT_COST_BUDGETS)}")
        low = sorted(role for role, budget in value.items() if budget < 1)
        if low:
            raise ValueError(f"expected a budget of at least 1 for {low}")
        return value

    def cost_budget(self, role: str | None) -> int:
        """The most one operation of ``role`` may cost (``cost_budgets``, else the default)."""
        name = role or "viewer"
        return self.cost_budgets.get(name, DEFAULT_COST_BUDGETS.get(name, DEFAULT_COST_BUDGETS["viewer"]))

    @field_validator("neo4j_auth")
    @classmethod
    def _auth_has_slash(cls, value: str | None) -> str | None:
        if value is not None and value.lower() != "none" and "/" not in value:
            raise ValueError("expected 'user/password' (or 'none')")
        return value

    # -- derived ----------------------------------------------------------------------------
    @property
    def managed(self) -> bool:
        """True when graphsvc runs its own local server (no NEO4J_URI given)."""
        return not self.neo4j_uri

    @property
    def effective_anonymous_role(self) -> str | None:
        """The role of requests without a key: the setting, else viewer in development and none in production."""
        role = self.anonymous_role or ("viewer" if self.mode == "development" else "none")
        return None if role == "none" else role

    @property
    def effective_rate_limits(self) -> tuple[int, int]:
        """(per key or session, per address without one) requests a minute; 0 is no limit."""
        production = self.mode == "production"
        keyed = self.rate_limit_per_minute if self.rate_limit_per_minute is not None else (6000 if production else 0)
        anonymous = self.anonymous_rate_limit_per_minute
        return keyed, anonymous if anonymous is not None else (600 if production else 0)

    @property
    def effective_warmup_seconds(self) -> float:
        """``warmup_seconds``, else 0 (none) in development and 60 in production."""
        if self.warmup_seconds is not None:
            return self.warmup_seconds
        return 60.0 if self.mode == "production" else 0.0

    @property
    def effective_introspection(self) -> bool:
        return self.introspection if self.introspection is not None else self.mode == "development"

    @property
    def effective_graphiql(self) -> bool:
        return self.graphiql if self.graphiql is not None else self.mode == "development"

    @property
    def effective_allowed_hosts(self) -> list[str]:
        """``allowed_hosts``, else any host in development and the loopback names in production."""
        if self.allowed_hosts:
            return list(self.allowed_hosts)
        return ["*"] if self.mode == "development" else ["localhost", "127.0.0.1", "[::1]", "::1"]

    def suppression_secret(self) -> bytes:
        """The suppression list's HMAC key: ``suppression_key``, else the key file's (made at first use)."""
        if self.suppression_key:
            return self.suppression_key.encode("utf-8")
        path = self.suppression_key_file or self.state_dir / "suppression.key"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w", encoding="ascii") as out:
                    out.write(secrets.token_hex(32) + "\n")
            if path.stat().st_mode & 0o077:
                raise ConfigError(
                    f"the suppression key file {path} is readable by others",
                    hint=f"chmod 600 {path}",
                )
            text = path.read_text(encoding="ascii").strip()
        except OSError as exc:
            raise ConfigError(
                f"cannot read or make the suppression key file {path}: {exc.strerror}",
                hint="set GRAPHSVC_SUPPRESSION_KEY from a secret store, or GRAPHSVC_SUPPRESSION_KEY_FILE",
            ) from None
        if len(text) < 32:
            raise ConfigError(f"the suppression key file {path} holds fewer than 32 characters")
        return text.encode("ascii")

    @property
    def auth_from_env(self) -> tuple[str, str] | None:
        """Credentials given by the environment: NEO4J_USER/NEO4J_PASSWORD, else NEO4J_AUTH."""
        if self.neo4j_password is not None:
            return (self.neo4j_user, self.neo4j_password)
        if self.neo4j_auth and self.neo4j_auth.lower() != "none":
            user, _, password = self.neo4j_auth.partition("/")
            return (user, password)
        return None


def env_name(field: str) -> str:
    """The environment variable that sets ``field`` (``port`` -> ``GRAPHSVC_PORT``)."""
    alias = Settings.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"GRAPHSVC_{field.upper()}"


def settings_table() -> list[tuple[str, str, str]]:
    """(environment variable, default, description) for every setting: the table of docs/settings.md."""
    rows = []
    for field, info in Settings.model_fields.items():
        value = info.get_default(call_default_factory=True)
        default = "" if value is None else json.dumps(value) if isinstance(value, dict | list) else str(value)
        if field == "cache_dir":
            default = "the user cache dir (~/.cache/graphsvc on Linux)"
        rows.append((env_name(field), default, info.description or ""))
    return rows


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once; a bad value becomes a ``ConfigError`` naming it."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{_loc_name(err['loc'])}: {err['msg']} (got {err.get('input')!r})" for err in exc.errors()
        )
        raise ConfigError(
            f"invalid setting: {problems}", hint="docs/settings.md lists every setting with its default"
        ) from None


def _loc_name(loc: tuple[int | str, ...]) -> str:
    name = str(loc[0]) if loc else "settings"
    return env_name(name) if name in Settings.model_fields else name
