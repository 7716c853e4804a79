"""Benchmark the GraphQL API over real HTTP against the raw driver on the same data.

    python bench/api.py [--people N] [--clients C] [--workers P] [--seconds S] [--rounds R] [--warmup W] [--seed S]

Writes N persons (default 100000) into the benchmark's own Neo4j (GRAPHSVC_BENCH_DIR, default
.graphsvc/bench): each with one to three social identities, scores and a community, a CRM contact
with an email for 30%, a marketing denial for 3% (not timed). Then, for two queries:

- ``influencers``: ``influencers(first: 20) { edges { score node { id name scores { influence pagerank } } } }``
  (an index range scan in score order with the consent predicate);
- ``person``: ``person(id) { id name scores { influence pagerank }
  identities { platform handle displayName followers } }``
  for random ids (one round trip: the look-up sees that identities are asked for and fetches them with the person),

it runs C concurrent clients (default 16) for S seconds per query and side (default 12), split into
R rounds (default 3) that alternate the sides, after W unmeasured seconds per query and side
(default 10: Neo4j plans and JIT-compiles for tens of seconds after a load, and whichever side ran
first would otherwise pay for it). **ours** is `graphsvc serve` (production mode without its rate limit, an API key of
role viewer) with P worker processes (default 1: Neo4j shares this machine's cores, and a second
worker added no throughput on two cores), asked over HTTP on 127.0.0.1 by a lean keep-alive
HTTP/1.1 client (an asyncio protocol with httptools' parser, on uvloop); **raw** is the bare driver
with the same parallelism: P processes of C/P threads each, with the same Cypher
(``api.influencers``, same parameters) and a one-round-trip
hand-written person query (``bench_api.person_with_identities``). Both sides thus have as many
Python processes, so the ratio is what the API layer (HTTP, GraphQL, our code) costs.

The **peer** is the Neo4j GraphQL Library (@neo4j/graphql 7 on Apollo Server, Node; bench/peer/,
installed with `npm ci` on first use, left out where Node is missing) on the same Neo4j, asked the
queries its users would write: the top 20 by influence with a filter on the related Consent nodes,
the same with a range filter that lets Neo4j read the influence index, and a person by id with its
identities. ``peer_rps_ratio`` is our requests per second over the peer's best variant (the worse of
the two queries), ``peer_p99_ratio`` our p99 over the peer's (the worse of the two).

A further side, **resolvers**, is the same server with compiled reads off (``GRAPHSVC_COMPILED_READS=false``):
every field through its resolver, as before the compiler.

Prints one JSON object: per query p50 and p99 latency (ms) and requests per second for ours, raw
and resolvers, ``compiled_rps_gain`` (ours over resolvers); ``"p99_ms"`` is the worst of our two
p99s and ``"ratio"`` the worst of our p99 over raw p99.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httptools
import httpx
import uvloop
from _common import ROOT, Timer, bench_database, machine, print_result, say

from graphsvc.config import Settings
from graphsvc.db import Database, query
from graphsvc.neo4j_local import LocalServer
from graphsvc.service.apikeys import create_key
from graphsvc.service.influencers import InfluencerFilter, page_params

PLATFORMS = ("twitter", "linkedin", "github")
COMMUNITY = 250
AS_OF = datetime(2025, 6, 1, tzinfo=UTC)

INFLUENCERS = "{ influencers(first: 20) { edges { score node { id name scores { influence pagerank } } } } }"
PERSON = """query($id: ID!) { person(id: $id) { id name scores { influence pagerank }
  identities { platform handle displayName followers } } }"""

# The peer's queries: what a user of the Neo4j GraphQL Library would write for the same two reads
# (bench/peer/server.mjs has its schema). The top-N as one would write it, with the consent filter on
# the related Consent nodes, and the variant whose range filter lets Neo4j read the influence index.
_REFUSED = '{none: {status: {in: ["denied", "withdrawn"]}}}'
PEER_QUERIES = {
    "influencers": f"{{ people(limit: 20, sort: [{{influence: DESC}}], where: {{consents: {_REFUSED}}}) "
    "{ id name influence pagerank } }",
    "influencers_indexed": f"{{ people(limit: 20, sort: [{{influence: DESC}}], "
    f"where: {{influence: {{gte: 0}}, consents: {_REFUSED}}}) {{ id name influence pagerank }} }}",
    "person": """query($id: ID!) { people(where: {id: {eq: $id}}) { id name influence pagerank
  identities { platform key displayName followers } } }""",
}
PEER = ROOT / "bench" / "peer"


def _start_peer(settings: Settings) -> tuple[subprocess.Popen[bytes], str] | None:
    """The peer (@neo4j/graphql on Apollo Server, Node) on the benchmark's Neo4j, or None without Node."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        say("no Node.js here: the @neo4j/graphql side is left out")
        return None
    if not (PEER / "node_modules").is_dir():
        say("installing the peer's packages (npm ci) ...")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PEER, check=True, capture_output=True)
    if settings.neo4j_uri:
        uri, (user, password) = settings.neo4j_uri, settings.auth_from_env or ("neo4j", "")
    else:
        server = LocalServer(settings)
        uri, (user, password) = server.uri, server.auth
    port = _free_port()
    env = {**os.environ, "NEO4J_URI": uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password, "PORT": str(port)}
    process = subprocess.Popen([node, str(PEER / "server.mjs")], cwd=PEER, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    probe = {"query": "{ __typename }"}
    _wait_ready(process, lambda: httpx.post(f"{base}/graphql", json=probe, timeout=2).status_code == 200, "the peer")
    return process, base


def _wait_ready(process: subprocess.Popen[bytes], ready: Any, what: str) -> None:
    """Until ``ready()`` holds; stops ``process`` and raises if it exits or a minute passes first."""
    deadline = time.monotonic() + 60
    while True:
        try:
            if ready():
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.terminate()
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.2)


def generate(people: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for n in range(people):
        count = rng.choice((1, 1, 2, 3))
        platforms = rng.sample(PLATFORMS, count)
        rows.append(
            {
                "id": f"b{n:07d}",
                "name": f"Bench Person {n}",
                "platforms": sorted(platforms),
                "influence": round(min(1.0, (rng.paretovariate(1.5) - 1) / 20), 6),
                "reach": rng.random() / 10,
                "engagement": rng.random(),
                "kcore": rng.randint(1, 12),
                "community": f"bench:{n // COMMUNITY}",
                "identities": [
                    {"platform": p, "key": f"{p[:2]}{n}", "followers": int(rng.paretovariate(1.1) * 10)}
                    for p in platforms
                ],
                "email": f"person{n}@example.com" if rng.random() < 0.3 else None,
                "denied": rng.random() < 0.03,
            }
        )
    return rows


def load(db: Database, rows: list[dict[str, Any]], batch: int = 5000) -> None:
    for start in range(0, len(rows), batch):
        db.write("bench_api.write_persons", rows=rows[start : start + batch], at=AS_OF)
    communities = sorted({row["community"] for row in rows})
    db.write("bench_api.write_communities", ids=communities, size=COMMUNITY)


def write_graph(db: Database, people: int, seed: int) -> tuple[list[str], list[str], Timer]:
    """Generate and write the benchmark's persons: their ids, their communities' ids, and the time taken."""
    rows = generate(people, seed)
    say(f"writing {len(rows)} persons ...")
    with Timer() as loading:
        load(db, rows)
    ids = [row["id"] for row in rows]
    communities = sorted({row["community"] for row in rows})
    # The caller is the load generator: with the generated rows alive (390,000 tracked objects) each
    # of its full garbage collections took 86 ms, stalling all 16 clients, counted as API latency.
    del rows
    return ids, communities, loading


def summary(latencies: list[float], seconds: float) -> dict[str, float]:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49] * 1000, 2),
        "p99_ms": round(cuts[98] * 1000, 2),
        "rps": round(len(latencies) / seconds, 1),
        "requests": len(latencies),
    }


# -- ours: the app in its own process, asked over HTTP ------------------------------------------
def serve(settings_json: str, port: int) -> None:
    """The server process: what `graphsvc serve` runs, against the benchmark's Neo4j."""
    from graphsvc.api import run_server

    settings = Settings.model_validate_json(settings_json)
    with Database.from_settings(settings, autostart=False) as db:
        run_server(settings, host="127.0.0.1", port=port, db=db, log_level="warning")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection of the load generator: it writes a prepared request and
    reads the response with httptools' parser (the C parser uvicorn itself uses). The load generator
    shares this machine's two cores with the server and Neo4j, so its CPU is theirs: aiohttp spent
    0.25 ms per influencers request, this 0.07 ms (server p99 about 2 ms lower, same code and day)."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.body: list[bytes] = []
        self.done: asyncio.Future[tuple[int, bytes]] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's transports are not asyncio's classes

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(exc or ConnectionError("the API server closed the connection"))

    def _fail(self, exc: BaseException) -> None:
        if self.done is not None and not self.done.done():
            self.done.set_exception(exc)

    def on_body(self, body: bytes) -> None:  # httptools' callbacks
        self.body.append(body)

    def on_message_complete(self) -> None:
        if self.done is not None and not self.done.done():
            self.done.set_result((self.parser.get_status_code(), b"".join(self.body)))

    async def ask(self, request: bytes) -> tuple[int, bytes]:
        assert self.transport is not None
        self.body = []
        self.done = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.done


def _post(host: str, port: int, key: str, body: bytes) -> bytes:
    """A POST /graphql request, as any HTTP client would send it."""
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _http_load(base: str, key: str, make: Any, clients: int, seconds: float) -> tuple[list[float], float]:
    host, port = base.removeprefix("http://").rsplit(":", 1)
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    state = {"count": False, "stop": False}

    async def worker(rng: random.Random) -> None:
        _, connection = await loop.create_connection(_Connection, host, int(port))
        try:
            while not state["stop"]:
                request = _post(host, int(port), key, json.dumps(make(rng)).encode())
                began = time.perf_counter()
                status, payload = await connection.ask(request)
                took = time.perf_counter() - began
                if status != 200 or b'"errors"' in payload:
                    raise RuntimeError(f"the API answered {status}: {payload[:500]!r}")
                if state["count"]:
                    latencies.append(took)
        finally:
            if connection.transport is not None:
                connection.transport.close()

    tasks = [asyncio.create_task(worker(random.Random(n))) for n in range(clients)]
    await asyncio.sleep(0.5)  # connections open, every client busy
    state["count"] = True
    began = time.perf_counter()
    await asyncio.sleep(seconds)
    state["stop"] = True
    elapsed = time.perf_counter() - began
    await asyncio.gather(*tasks)
    return latencies, elapsed


def http_load(base: str, key: str, make: Any, clients: int, seconds: float) -> tuple[list[float], float]:
    """C clients asking in a closed loop for S seconds (uvloop's event loop, as the server's)."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(_http_load(base, key, make, clients, seconds))


# -- raw: the bare driver, C threads -------------------------------------------------------------
def _thread_load(call: Any, clients: int, seconds: float) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()
    state = {"count": False, "stop": False}
    failures: list[BaseException] = []

    def worker(rng: random.Random) -> None:
        mine: list[float] = []
        try:
            while not state["stop"]:
                began = time.perf_counter()
                call(rng)
                took = time.perf_counter() - began
                if state["count"]:
                    mine.append(took)
        except BaseException as exc:
            failures.append(exc)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(random.Random(n),)) for n in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    state["count"] = True
    began = time.perf_counter()
    time.sleep(seconds)
    state["stop"] = True
    elapsed = time.perf_counter() - began
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return latencies, elapsed


_RAW: dict[str, Any] = {}


def _raw_process_init(settings_json: str, ids: list[str]) -> None:
    """A raw-side process: its own driver, as each of our worker processes has."""
    db = Database.from_settings(Settings.model_validate_json(settings_json), autostart=False)
    _RAW.update(db=db, calls=raw_calls(db, ids))


def _raw_process_load(name: str, clients: int, seconds: float) -> tuple[list[float], float]:
    return _thread_load(_RAW["calls"][name], clients, seconds)


def raw_calls(db: Database, ids: list[str]) -> dict[str, Any]:
    influencers_text = query("api.influencers")
    person_text = query("bench_api.person_with_identities")

    def influencers(rng: random.Random) -> None:
        # the parameters made per request, as the service makes them (consent's included)
        given = page_params(InfluencerFilter(), 20, None, "granted")
        rows = db.driver.execute_query(influencers_text, given, database_=db.database, routing_="r").records
        assert len(rows[0]["page"]) == 21

    def person(rng: random.Random) -> None:
        rows = db.driver.execute_query(
            person_text, {"id": rng.choice(ids)}, database_=db.database, routing_="r"
        ).records
        assert rows and rows[0]["identities"]

    return {"influencers": influencers, "person": person}


def _start_server(served: Settings) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", served.model_dump_json(), str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    base = f"http://127.0.0.1:{port}"
    _wait_ready(server, lambda: httpx.get(f"{base}/readyz", timeout=2).status_code == 200, "the API server")
    return server, base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server worker processes, and as many raw-driver processes (default 1: with Neo4j on "
        "the same cores, more add no throughput)",
    )
    parser.add_argument("--seconds", type=float, default=12.0, help="measured seconds per query and side")
    parser.add_argument("--rounds", type=int, default=3, help="alternations of raw and ours the seconds are split into")
    parser.add_argument("--warmup", type=float, default=10.0, help="unmeasured seconds per query and side first")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--serve", nargs=2, metavar=("SETTINGS_JSON", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return

    with bench_database() as (settings, db):
        ids, _, loading = write_graph(db, args.people, args.seed)
        gc.collect()
        gc.freeze()
        _, secret = create_key(db, name="bench", role="viewer")
        # (no rate limit: one key sends every request of the load)
        served = settings.model_copy(update={"mode": "production", "workers": args.workers, "rate_limit_per_minute": 0})
        clients_per_process = [len(range(n, args.clients, args.workers)) for n in range(args.workers)]
        spawn = multiprocessing.get_context("spawn")
        raw_pool = ProcessPoolExecutor(
            args.workers, mp_context=spawn, initializer=_raw_process_init, initargs=(settings.model_dump_json(), ids)
        )
        makers = {
            "influencers": lambda rng: {"query": INFLUENCERS},
            "person": lambda rng: {"query": PERSON, "variables": {"id": rng.choice(ids)}},
        }
        server, base = _start_server(served)
        resolving, resolver_base = _start_server(served.model_copy(update={"compiled_reads": False}))
        peer = _start_peer(settings)
        peer_makers: dict[str, Any] = {
            "influencers": lambda rng: {"query": PEER_QUERIES["influencers"]},
            "influencers_indexed": lambda rng: {"query": PEER_QUERIES["influencers_indexed"]},
            "person": lambda rng: {"query": PEER_QUERIES["person"], "variables": {"id": rng.choice(ids)}},
        }
        try:

            def ours_load(name: str, seconds: float) -> tuple[list[float], float]:
                return http_load(base, secret, makers[name], args.clients, seconds)

            def resolvers_load(name: str, seconds: float) -> tuple[list[float], float]:
                return http_load(resolver_base, secret, makers[name], args.clients, seconds)

            def peer_load(name: str, seconds: float) -> tuple[list[float], float]:
                assert peer is not None
                return http_load(peer[1], secret, peer_makers[name], args.clients, seconds)

            def raw_load(name: str, seconds: float) -> tuple[list[float], float]:
                parts = [raw_pool.submit(_raw_process_load, name, clients, seconds) for clients in clients_per_process]
                results = [part.result() for part in parts]
                return [took for latencies, _ in results for took in latencies], max(took for _, took in results)

            # Neo4j compiles plans and JIT-warms for tens of seconds after a load: warm both sides
            # up unmeasured, then alternate them (raw first in odd rounds, ours first in even ones)
            # so that neither gets the quieter minutes.
            say(f"warming up: {args.warmup:g} s per query and side ...")
            for name in makers:
                raw_load(name, args.warmup)
                ours_load(name, args.warmup)
                resolvers_load(name, args.warmup)
            for name in peer_makers if peer else ():
                peer_load(name, args.warmup)
            measured: dict[str, dict[str, tuple[list[float], float]]] = {
                "ours": {},
                "raw": {},
                "resolvers": {},
                "peer": {},
            }
            share = args.seconds / args.rounds
            for round_no in range(args.rounds):
                for name in peer_makers if peer else ():
                    if name not in makers:  # the peer's second top-N variant has no counterpart of ours
                        say(f"round {round_no + 1}/{args.rounds}: peer {name}, {args.clients} clients, {share:g} s")
                        latencies, seconds = peer_load(name, share)
                        pooled, total = measured["peer"].get(name, ([], 0.0))
                        measured["peer"][name] = (pooled + latencies, total + seconds)
                for name in makers:
                    sides = [("raw", raw_load), ("ours", ours_load), ("resolvers", resolvers_load)]
                    if peer:
                        sides.append(("peer", peer_load))
                    for side, run in sides if round_no % 2 == 0 else reversed(sides):
                        say(f"round {round_no + 1}/{args.rounds}: {side} {name}, {args.clients} clients, {share:g} s")
                        latencies, seconds = run(name, share)
                        pooled, total = measured[side].get(name, ([], 0.0))
                        measured[side][name] = (pooled + latencies, total + seconds)
        finally:
            for process in (server, resolving, *([peer[0]] if peer else [])):
                process.terminate()
                process.wait(timeout=30)
            raw_pool.shutdown()

    ours = {name: summary(*measured["ours"][name]) for name in makers}
    raw = {name: summary(*measured["raw"][name]) for name in makers}
    resolvers = {name: summary(*measured["resolvers"][name]) for name in makers}
    peer_side = {name: summary(*found) for name, found in measured["peer"].items()}
    peer_best = {  # the peer's best variant of each query: the most requests per second
        name: max((r for v, r in peer_side.items() if v.startswith(name)), key=lambda r: r["rps"])
        for name in makers
        if name in peer_side
    }
    ratios = {name: round(ours[name]["p99_ms"] / raw[name]["p99_ms"], 2) for name in ours}
    print_result(
        {
            "benchmark": "api",
            "people": args.people,
            "clients": args.clients,
            "workers": args.workers,
            "seconds": args.seconds,
            "rounds": args.rounds,
            "warmup_seconds": args.warmup,
            "load_seconds": round(loading.seconds, 1),
            "ours": ours,
            "raw": raw,
            "resolvers": resolvers,
            "ratios": ratios,
            "compiled_rps_gain": {n: round(ours[n]["rps"] / resolvers[n]["rps"], 2) for n in ours},
            "peer": peer_side,
            "peer_rps_ratio": min((round(ours[n]["rps"] / r["rps"], 2) for n, r in peer_best.items()), default=None),
            "peer_p99_ratio": max(
                (round(ours[n]["p99_ms"] / r["p99_ms"], 2) for n, r in peer_best.items()), default=None
            ),
            "p99_ms": max(result["p99_ms"] for result in ours.values()),
            "ratio": max(ratios.values()),
            "goal": {"ratio": 1.3, "peer_rps_ratio": 1.2, "peer_p99_ratio": 1.0},
            "machine": machine(),
        }
    )


if __name__ == "__main__":
    main()
