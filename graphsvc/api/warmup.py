"""The server's warm-up: representative reads sent to itself before /readyz says ready.

A Neo4j that has just started (or just loaded a graph) plans, compiles and pages in every query the
first time it meets it, and the JVM compiles its hot paths over the first minutes; so does this
process (the compiled reads, the schema's resolvers). Tens of clients arriving at once on a cold
server queue behind that work, and the first minute's tail latency is many times the steady one.
With ``warmup_seconds`` (on in production), the lifespan starts ``warm``: rounds of the read
screens' typical operations (a person's page, influencers overall and by community, persons
filtered on influence, search, communities, a community's top members, a segment's count and first
page, contacts, the review queue) about a person, a community and a handle of the graph, sent
through the whole ASGI stack in process (``httpx.ASGITransport``), until a round costs about what
the one before did (the caches have settled) or the time is up. /readyz answers 503 ``warming``
meanwhile, so a load balancer or an orchestrator sends traffic once it is warm; a client that calls
anyway is served as usual.

The operations run as an analyst, under a random token that exists only in this process's memory
and only while the warm-up runs (``Warmup.principal``); they only read.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from graphsvc.errors import GraphsvcError
from graphsvc.service import health

__all__ = ["OPERATIONS", "Warmup", "warmup_host"]

_log = logging.getLogger("graphsvc.api")

_PERSON = """query WarmPerson($id: ID!) { person(id: $id) { id name
  scores { influence pagerank reach betweenness } identities { platform handle followers bio }
  contacts { id name company emails } community { id size } topics { topic score }
  egoNetwork(depth: 2, limit: 50) { members { distance person { id name } } } } }"""
_INFLUENCERS = """query WarmInfluencers { influencers(first: 25) {
  edges { score node { id name platforms scores { influence reach } } } pageInfo { endCursor hasNextPage } } }"""
_BY_COMMUNITY = """query WarmCommunityInfluencers($community: ID!) { influencers(first: 25, community: $community) {
  edges { score node { id name } } } }"""
_PERSONS = """query WarmPersons { persons(first: 25, filter: {minInfluence: 0.5}) {
  nodes { id name platforms scores { influence } } pageInfo { endCursor } } }"""
_SEARCH = """query WarmSearch($text: String!) { search(text: $text, first: 20) { score kind person { id name } } }"""
_COMMUNITIES = """query WarmCommunities { communities(first: 25) { nodes { id size persons topTopics } } }"""
_COMMUNITY = """query WarmCommunity($community: ID!) { community(id: $community) { id size
  topMembers { id name scores { influence } } } }"""
_SEGMENT = """query WarmSegment { segment(filter: {minInfluence: 0.5, hasContact: true}) {
  count persons(first: 25) { nodes { id name } } } }"""
_CONTACTS = """query WarmContacts { contacts(first: 25) { nodes { id name company city emails } } }"""
_REVIEW = """query WarmReview { reviewQueue(first: 20) { id score status } }"""

#: (name, document, the sample's values it needs as variables: {variable: sample key}).
OPERATIONS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("person", _PERSON, {"id": "person"}),
    ("influencers", _INFLUENCERS, {}),
    ("community influencers", _BY_COMMUNITY, {"community": "community"}),
    ("persons", _PERSONS, {}),
    ("search", _SEARCH, {"text": "handle"}),
    ("communities", _COMMUNITIES, {}),
    ("community", _COMMUNITY, {"community": "community"}),
    ("segment", _SEGMENT, {}),
    ("contacts", _CONTACTS, {}),
    ("review queue", _REVIEW, {}),
)

#: A round less than this many times faster than the one before ends the warm-up (it has settled).
SETTLED = 1.25
MIN_ROUNDS = 2
MAX_ROUNDS = 12


@dataclass
class Warmup:
    """One server's warm-up: ``warming`` until ``run`` ends; ``token`` is its credential meanwhile."""

    seconds: float
    host: str = "localhost"  # the Host header its requests carry: one the trusted-host list allows
    warming: bool = True
    token: str | None = field(default_factory=lambda: "gsw_" + secrets.token_urlsafe(32), repr=False)
    rounds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.seconds <= 0:  # no warm-up: ready at once, and no token
            self.warming, self.token = False, None

    def is_token(self, secret: str | None) -> bool:
        """Whether ``secret`` is this warm-up's token (and the warm-up still runs)."""
        token = self.token
        return token is not None and secret is not None and secrets.compare_digest(secret, token)

    async def run(self, app: Any, db: Any) -> None:
        """Rounds of ``OPERATIONS`` against ``app`` until they settle or ``seconds`` pass; never raises
        (a failure is logged and ends the warm-up: the server is then as ready as it would be cold)."""
        started = time.monotonic()
        try:
            if self.seconds > 0:
                await asyncio.wait_for(self._rounds(app, db), timeout=self.seconds)
        except TimeoutError:
            _log.info("warm-up: stopped after %.0f s, %d rounds", self.seconds, len(self.rounds))
        except (GraphsvcError, httpx.HTTPError) as exc:
            _log.warning("warm-up not done: %s", getattr(exc, "code", type(exc).__name__))
        finally:
            self.token, self.warming = None, False
        if self.rounds:
            _log.info(
                "warm-up: %d rounds in %.1f s (first %.2f s, last %.2f s)",
                len(self.rounds),
                time.monotonic() - started,
                self.rounds[0],
                self.rounds[-1],
            )

    async def _rounds(self, app: Any, db: Any) -> None:
        sample = await asyncio.to_thread(health.warmup_sample, db)
        operations = [
            (name, {"query": document, "variables": {v: sample[k] for v, k in needs.items()}})
            for name, document, needs in OPERATIONS
            if all(sample.get(k) is not None for k in needs.values())
        ]
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 0))
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        base = f"http://{self.host}"
        async with httpx.AsyncClient(transport=transport, base_url=base, headers=headers) as client:
            while len(self.rounds) < MAX_ROUNDS:
                began = time.monotonic()
                for name, body in operations:
                    answer = await client.post("/graphql", json=body, timeout=None)
                    errors = _errors(answer)
                    if answer.status_code != 200 or errors:
                        self.failures.append(name)
                        _log.warning("warm-up: %s answered %s %s", name, answer.status_code, _codes(errors))
                self.rounds.append(time.monotonic() - began)
                if self.failures or (len(self.rounds) >= MIN_ROUNDS and self.rounds[-1] * SETTLED > self.rounds[-2]):
                    return


def warmup_host(allowed: list[str]) -> str:
    """A Host the trusted-host list lets through: its first name, a wildcard's made concrete."""
    first = allowed[0] if allowed else "*"
    if first == "*":
        return "localhost"
    return "warm-up" + first[1:] if first.startswith("*.") else first


def _errors(answer: httpx.Response) -> Any:
    try:
        body = answer.json()
    except ValueError:  # not JSON (a refusal before the app): the status says it
        return None
    return body.get("errors") if isinstance(body, dict) else None


def _codes(errors: Any) -> list[str]:
    if not isinstance(errors, list):
        return []
    return [str((e.get("extensions") or {}).get("code")) for e in errors if isinstance(e, dict)]
