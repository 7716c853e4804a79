"""Soak the API: a bounded mixed workload for minutes, and whether anything degrades.

    python bench/soak.py [--people N] [--clients C] [--seconds S] [--warmup W] [--seed S]

Writes N persons (default 100000, as bench/api.py writes them) into the benchmark's own Neo4j, then
runs `graphsvc serve` (production mode, its rate limit off: one key sends the whole load; the clients
start once /readyz says ready, after the server's own warm-up) and C concurrent clients (default 32)
for W seconds of unmeasured load (default 0: measured from the first request) and then S measured
seconds (default 600), each drawing its next request from a fixed mix:

- reads of every kind: a person with identities, contacts, community and ego network; influencers
  (overall and by community); persons filtered on influence; search; communities and one community's
  top members; a segment's count and first page; contacts;
- writes: ``upsertContact`` (a new CRM contact with an email) and ``recordConsent``;
- a subscription: one client at a time opens a graphql-transport-ws connection, follows a job's
  progress (``jobProgress`` of a finished run: its last state, then completion) and closes, again
  and again.

Every answer is checked: its HTTP status, and the ``code`` of each GraphQL error. Every 10 seconds the
resident memory of the API process and of Neo4j's JVM is read from /proc.

Prints one JSON object: requests and requests per second; ``status_5xx`` and ``internal_errors``
(both must be 0; ``warmup_status_5xx`` and ``warmup_internal_errors`` for the warm-up) and the error
codes seen; p50/p99 per minute and ``p99_ratio_last_to_first`` (the
last full minute's p99 over the first's); memory of both processes in the first and the last minute
and its growth; per kind of request its count and p99. The baseline measured in the same run is the
first minute: a service that leaks, fragments or piles up work shows in the last minute's figures
against it.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx
from _common import bench_database, machine, print_result, say
from api import _start_server, write_graph
from websockets.asyncio.client import connect

from graphsvc.service.apikeys import create_key

PERSON = """query($id: ID!) { person(id: $id) { id name scores { influence pagerank reach }
  identities { platform handle followers } contacts { id name } community { id size }
  egoNetwork(depth: 1, limit: 10) { members { distance person { id } } } } }"""
INFLUENCERS = "{ influencers(first: 20) { edges { score node { id name scores { influence } } } } }"
BY_COMMUNITY = """query($c: ID!) { influencers(first: 10, community: $c) {
  edges { score node { id name } } } }"""
PERSONS = """query($m: Float!) { persons(first: 20, filter: {minInfluence: $m}) {
  nodes { id name platforms scores { influence } } } }"""
SEARCH = "query($t: String!) { search(text: $t, first: 10) { score kind person { id name } } }"
COMMUNITIES = "{ communities(first: 10) { nodes { id size persons topTopics } } }"
COMMUNITY = "query($c: ID!) { community(id: $c) { id size topMembers { id name scores { influence } } } }"
SEGMENT = """query($m: Float!) { segment(filter: {minInfluence: $m, hasContact: true}) {
  count persons(first: 20) { nodes { id name } } } }"""
CONTACTS = "{ contacts(first: 20) { nodes { id name company city emails } } }"
UPSERT = """mutation($id: String!, $e: [String!]) { upsertContact(input: {source: "soak", sourceId: $id,
  name: "Soak Contact", emails: $e, city: "Leeds"}) { id } }"""
CONSENT = """mutation($p: ID!, $s: ConsentStatus!) { recordConsent(input: {personId: $p, purpose: "newsletter",
  status: $s}) { status } }"""
FOLLOW = "subscription($id: ID!) { jobProgress(id: $id) { job { status } phase } }"


def requests(ids: list[str], communities: list[str]) -> list[tuple[str, int, Any]]:
    """(kind, weight, make(rng, n) -> request body): the mix the clients draw from."""
    return [
        ("person", 30, lambda rng, n: {"query": PERSON, "variables": {"id": rng.choice(ids)}}),
        ("influencers", 10, lambda rng, n: {"query": INFLUENCERS}),
        (
            "influencers_community",
            8,
            lambda rng, n: {"query": BY_COMMUNITY, "variables": {"c": rng.choice(communities)}},
        ),
        ("persons", 8, lambda rng, n: {"query": PERSONS, "variables": {"m": rng.choice((0.2, 0.5, 0.8))}}),
        ("search", 10, lambda rng, n: {"query": SEARCH, "variables": {"t": f"Person {rng.randrange(len(ids))}"}}),
        ("communities", 4, lambda rng, n: {"query": COMMUNITIES}),
        ("community", 6, lambda rng, n: {"query": COMMUNITY, "variables": {"c": rng.choice(communities)}}),
        ("segment", 4, lambda rng, n: {"query": SEGMENT, "variables": {"m": rng.choice((0.3, 0.6, 0.9))}}),
        ("contacts", 6, lambda rng, n: {"query": CONTACTS}),
        (
            "upsert_contact",
            8,
            lambda rng, n: {"query": UPSERT, "variables": {"id": f"s{n}", "e": [f"soak{n}@example.org"]}},
        ),
        (
            "record_consent",
            6,
            lambda rng, n: {
                "query": CONSENT,
                "variables": {"p": rng.choice(ids), "s": rng.choice(("GRANTED", "DENIED"))},
            },
        ),
    ]


class Tally:
    """What the clients saw: per answer its time, kind, latency, status and error codes."""

    def __init__(self) -> None:
        self.answers: list[tuple[float, str, float]] = []
        self.statuses: Counter[int] = Counter()
        self.codes: Counter[str] = Counter()
        self.transport_errors: Counter[str] = Counter()
        self.subscriptions = 0
        self.measured_from = 0.0
        self.warmup_statuses: Counter[int] = Counter()
        self.warmup_codes: Counter[str] = Counter()

    def record(self, at: float, kind: str, seconds: float, status: int, body: bytes) -> None:
        measured = at >= self.measured_from
        statuses, codes = (self.statuses, self.codes) if measured else (self.warmup_statuses, self.warmup_codes)
        if measured:
            self.answers.append((at, kind, seconds))
        statuses[status] += 1
        if b'"errors"' in body:
            try:
                errors = json.loads(body).get("errors") or []
            except ValueError:
                errors = [{"extensions": {"code": "UNPARSABLE_BODY"}}]
            for error in errors:
                codes[(error.get("extensions") or {}).get("code", "NO_CODE")] += 1


async def client(
    base: str, key: str, mix: list[tuple[str, int, Any]], seed: int, until: float, tally: Tally, counter: list[int]
) -> None:
    rng = random.Random(seed)
    kinds, weights = [m[0] for m in mix], [m[1] for m in mix]
    makers = {m[0]: m[2] for m in mix}
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http:
        while time.monotonic() < until:
            kind = rng.choices(kinds, weights)[0]
            counter[0] += 1
            body = makers[kind](rng, counter[0])
            began = time.monotonic()
            try:
                answer = await http.post("/graphql", json=body)
            except httpx.HTTPError as exc:
                tally.transport_errors[type(exc).__name__] += 1
                continue
            tally.record(time.monotonic(), kind, time.monotonic() - began, answer.status_code, answer.content)


async def subscriber(base: str, key: str, job: str, until: float, tally: Tally) -> None:
    """Open, follow a finished job's progress to its completion, close; again and again."""
    url = base.replace("http", "ws") + "/graphql"
    while time.monotonic() < until:
        began = time.monotonic()
        async with connect(
            url, subprotocols=["graphql-transport-ws"], additional_headers={"Authorization": f"Bearer {key}"}
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(
                json.dumps({"id": "1", "type": "subscribe", "payload": {"query": FOLLOW, "variables": {"id": job}}})
            )
            while True:
                message = json.loads(await ws.recv())
                if message["type"] == "next" and message["payload"].get("errors"):
                    for error in message["payload"]["errors"]:
                        tally.codes[(error.get("extensions") or {}).get("code", "NO_CODE")] += 1
                if message["type"] in ("complete", "error"):
                    break
        tally.subscriptions += 1
        tally.record(time.monotonic(), "subscription", time.monotonic() - began, 200, b"")
        await asyncio.sleep(0.5)


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


async def sample_memory(
    pids: dict[str, int], start: float, until: float, samples: list[tuple[float, dict[str, float]]]
) -> None:
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    while time.monotonic() < until:
        samples.append((time.monotonic(), {name: _rss_mib(pid) for name, pid in pids.items()}))
        await asyncio.sleep(10)


def _p(values: list[float], q: int) -> float:
    if len(values) < 2:
        return round(values[0] * 1000, 2) if values else 0.0
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000, 2)


async def soak(
    base: str, key: str, mix: Any, job: str, clients: int, warmup: float, seconds: float, pids: dict[str, int]
) -> Any:
    tally, counter, samples = Tally(), [0], []
    start = time.monotonic() + warmup
    tally.measured_from = start
    until = start + seconds
    tasks = [client(base, key, mix, n, until, tally, counter) for n in range(clients - 1)]
    tasks += [subscriber(base, key, job, until, tally), sample_memory(pids, start, until, samples)]
    await asyncio.gather(*tasks)
    return tally, samples, start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=600.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=0.0, help="unmeasured seconds of the same load first")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    with bench_database() as (settings, db):
        ids, communities, loading = write_graph(db, args.people, args.seed)
        gc.collect()
        _, key = create_key(db, name="soak", role="analyst")
        job = db.write("bench_soak.finished_job")[0]["id"]
        served = settings.model_copy(update={"mode": "production", "rate_limit_per_minute": 0})
        server, base = _start_server(served)
        neo4j_pid = int(json.loads((settings.state_dir / "neo4j" / "run" / "server.json").read_text())["pid"])
        try:
            say(f"soaking with {args.clients} clients: {args.warmup:.0f} s of warm-up, then {args.seconds:.0f} s ...")
            tally, samples, start = asyncio.run(
                soak(
                    base,
                    key,
                    requests(ids, communities),
                    job,
                    args.clients,
                    args.warmup,
                    args.seconds,
                    {"api": server.pid, "neo4j": neo4j_pid},
                )
            )
        finally:
            server.terminate()
            server.wait(timeout=30)

    per_minute: dict[int, list[float]] = defaultdict(list)
    per_kind: dict[str, list[float]] = defaultdict(list)
    for at, kind, took in tally.answers:
        per_minute[int((at - start) // 60)].append(took)
        per_kind[kind].append(took)
    minutes = sorted(m for m in per_minute if (m + 1) * 60 <= args.seconds) or sorted(per_minute)
    first, last = minutes[0], minutes[-1]
    memory_first = [s for t, s in samples if t - start < 60]
    memory_last = [s for t, s in samples if t - start >= (last * 60)]

    def mean_mib(group: list[dict[str, float]], name: str) -> float:
        return round(statistics.fmean(s[name] for s in group), 1) if group else 0.0

    memory = {
        name: {
            "first_minute_mib": mean_mib(memory_first, name),
            "last_minute_mib": mean_mib(memory_last, name),
            "growth": round(mean_mib(memory_last, name) / max(mean_mib(memory_first, name), 1e-9) - 1, 4),
        }
        for name in ("api", "neo4j")
    }
    result = {
        "benchmark": "soak",
        "people": args.people,
        "clients": args.clients,
        "seconds": args.seconds,
        "load_seconds": round(loading.seconds, 1),
        "requests": len(tally.answers),
        "rps": round(len(tally.answers) / args.seconds, 1),
        "status_5xx": sum(n for status, n in tally.statuses.items() if status >= 500),
        "internal_errors": tally.codes.get("INTERNAL", 0),
        "warmup_seconds": args.warmup,
        "warmup_status_5xx": sum(n for status, n in tally.warmup_statuses.items() if status >= 500),
        "warmup_internal_errors": tally.warmup_codes.get("INTERNAL", 0),
        "warmup_error_codes": dict(tally.warmup_codes),
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "error_codes": dict(tally.codes),
        "transport_errors": dict(tally.transport_errors),
        "subscriptions": tally.subscriptions,
        "per_minute": [
            {
                "minute": m,
                "requests": len(per_minute[m]),
                "p50_ms": _p(per_minute[m], 50),
                "p99_ms": _p(per_minute[m], 99),
            }
            for m in sorted(per_minute)
        ],
        "baseline_first_minute_p99_ms": _p(per_minute[first], 99),
        "last_minute_p99_ms": _p(per_minute[last], 99),
        "p99_ratio_last_to_first": round(_p(per_minute[last], 99) / max(_p(per_minute[first], 99), 1e-9), 3),
        "memory": memory,
        "per_kind": {k: {"requests": len(v), "p99_ms": _p(v, 99)} for k, v in sorted(per_kind.items())},
        "machine": machine(),
    }
    print_result(result)


if __name__ == "__main__":
    main()
