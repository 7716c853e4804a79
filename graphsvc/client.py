"""The analyst's client: graphsvc's GraphQL API as pandas DataFrames and NetworkX graphs.

    from graphsvc.client import Client
    gs = Client()                                  # GRAPHSVC_URL and GRAPHSVC_API_KEY from the environment
    top = gs.influencers(topic="running", limit=50)
    ego = gs.subgraph([top.id[0]], hops=2)

Every call goes through the API, so the key's role, the PII rules and consent apply exactly as for
any other caller (a viewer's DataFrames have no emails; people who refused profiling never appear in
lists). Lists follow the API's pages for the caller up to ``limit``, with a progress bar (tqdm's
notebook bar in Jupyter) when they take more than one page. GraphQL errors become ``GraphsvcError``
subclasses carrying the code, path and hint; a connection that fails, or an API that answers 502, 503
or 504, is tried again with back-off, ``retries`` times.

Columns and their dtypes are listed per method in docs/client.md. This module talks HTTP only: it
imports nothing else of graphsvc, so it works against any graphsvc server.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import networkx as nx
import pandas as pd
from tqdm.auto import tqdm

__all__ = [
    "BadInput",
    "Client",
    "Conflict",
    "Forbidden",
    "GraphsvcError",
    "NotFound",
    "PersonProfile",
    "Unauthenticated",
    "Unavailable",
]

DEFAULT_URL = "http://127.0.0.1:8000"
#: The API's largest page: lists are read in pages of this many.
PAGE = 100
#: The API's bound on one ego network (persons per seed).
MAX_SUBGRAPH = 500
_RETRY_STATUS = frozenset({502, 503, 504})
_COMPONENTS = ["influence", "pagerank", "reach", "engagement", "kcore", "betweenness"]


# -- errors ------------------------------------------------------------------------------------


class GraphsvcError(Exception):
    """An error the API answered (or a failure to reach it): ``code``, ``path``, ``hint``, ``errors``."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "INTERNAL",
        path: Sequence[str | int] | None = None,
        hint: str | None = None,
        errors: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        self.message = message
        self.code = code
        self.path = list(path or [])
        self.hint = hint
        self.errors = list(errors)
        where = f" at {'.'.join(str(p) for p in self.path)}" if self.path else ""
        super().__init__(f"{code}{where}: {message}" + (f" ({hint})" if hint else ""))


class BadInput(GraphsvcError):
    """The request was malformed or an argument out of range (BAD_USER_INPUT, validation, limits)."""


class Forbidden(GraphsvcError):
    """The key's role may not read or do this (FORBIDDEN)."""


class Unauthenticated(Forbidden):
    """No usable key: missing, unknown or revoked (UNAUTHENTICATED)."""


class NotFound(GraphsvcError):
    """What was asked for does not exist (NOT_FOUND)."""


class Conflict(GraphsvcError):
    """It conflicts with what is under way, e.g. a job already running (CONFLICT)."""


class Unavailable(GraphsvcError):
    """The API or its database could not be reached, after the retries (UNAVAILABLE, DATABASE_UNAVAILABLE, TIMEOUT)."""


_BY_CODE: dict[str, type[GraphsvcError]] = {
    "BAD_USER_INPUT": BadInput,
    "GRAPHQL_PARSE_FAILED": BadInput,
    "GRAPHQL_VALIDATION_FAILED": BadInput,
    "QUERY_TOO_DEEP": BadInput,
    "TOO_MANY_ALIASES": BadInput,
    "TOO_MANY_TOKENS": BadInput,
    "FORBIDDEN": Forbidden,
    "UNAUTHENTICATED": Unauthenticated,
    "NOT_FOUND": NotFound,
    "CONFLICT": Conflict,
    "DATABASE_UNAVAILABLE": Unavailable,
    "TIMEOUT": Unavailable,
    "UNAVAILABLE": Unavailable,
}


def _raise_for(errors: Sequence[Mapping[str, Any]]) -> None:
    first = errors[0]
    extensions = first.get("extensions") or {}
    code = str(extensions.get("code") or "INTERNAL")
    kind = _BY_CODE.get(code, GraphsvcError)
    raise kind(
        str(first.get("message", "")), code=code, path=first.get("path"), hint=extensions.get("hint"), errors=errors
    )


# -- results -----------------------------------------------------------------------------------


@dataclass
class PersonProfile:
    """One unified person: the profile, and DataFrames of its identities, field values and history."""

    id: str
    name: str | None
    platforms: list[str]
    community: str | None
    scores: dict[str, float | int | None]
    topics: pd.DataFrame
    identities: pd.DataFrame
    values: pd.DataFrame
    history: pd.DataFrame
    consents: pd.DataFrame
    #: False when the key's role may not read the audit history or consents (below analyst).
    history_visible: bool = True
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


_PERSON_FIELDS = (
    "id name size platforms community { id } scores { influence pagerank reach engagement kcore betweenness }"
)

_INFLUENCERS = f"""query($topic: String, $platform: String, $community: ID, $minScore: Float, $purpose: String,
  $sort: InfluencerSort!, $first: Int, $after: String) {{
  influencers(topic: $topic, platform: $platform, community: $community, minScore: $minScore, purpose: $purpose,
              sort: $sort, first: $first, after: $after) {{
    pageInfo {{ hasNextPage endCursor }}
    edges {{ score rank node {{ {_PERSON_FIELDS} identities {{ followers }} }} }} }} }}"""

_PERSONS = f"""query($filter: PersonFilterInput, $first: Int, $after: String) {{
  persons(filter: $filter, first: $first, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {_PERSON_FIELDS} }} }} }} }}"""

_PERSON = f"""query($id: ID!) {{
  person(id: $id) {{ {_PERSON_FIELDS}
    topics {{ topic score rank }}
    identities {{ platform handle displayName followers following verified url avatarUrl location bio lang }} }}
  personValues(id: $id) {{ field value source at rule edited }} }}"""

_PERSON_PRIVATE = """query($id: ID!) {
  personHistory(id: $id) { id at action by reason before after related }
  person(id: $id) { consents { purpose status channel givenAt withdrawnAt expiresAt } } }"""

_MEMBERS = """query($first: Int, $after: String) { persons(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id contacts { source sourceId } identities { platform handle } } } } }"""

_COMMUNITIES = """query($first: Int, $after: String) { communities(first: $first, after: $after) {
  pageInfo { hasNextPage endCursor }
  edges { node { id size persons topTopics topMembers { id } ties { communityId weight } } } } }"""

_SEGMENT = f"""query($filter: SegmentFilterInput!, $first: Int, $after: String) {{ segment(filter: $filter) {{
  count persons(first: $first, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {_PERSON_FIELDS} }} }} }} }} }}"""

_RECORD = """kind id contact { source sourceId name company city person { id } }
             identity { platform handle displayName person { id } }"""
_REVIEW = f"""query($status: MatchStatus!, $first: Int!, $offset: Int!) {{
  reviewQueue(status: $status, first: $first, offset: $offset) {{
    id status score value evidence decidedBy decidedAt reason a {{ {_RECORD} }} b {{ {_RECORD} }} }} }}"""

_POINT = "bucket posts sentiment positive negative"
_BRAND_TREND = f"""query($brand: String!, $unit: TrendUnit!, $days: Int!) {{
  brand(name: $brand) {{ sentimentTrend(unit: $unit, days: $days) {{ {_POINT} }} }} }}"""
_PERSON_TREND = f"""query($id: ID!, $brand: String, $unit: TrendUnit!, $days: Int!) {{
  person(id: $id) {{ sentimentTrend(brand: $brand, unit: $unit, days: $days) {{ {_POINT} }} }} }}"""

_TRENDING = """query($days: Int!, $minPosts: Int!, $first: Int) {
  trendingTopics(days: $days, minPosts: $minPosts, first: $first) { topic current previous growth } }"""

_DEMAND = """query($days: Int!, $brand: String, $first: Int!) {
  demandSignals(days: $days, brand: $brand, first: $first) {
    platform postId text createdAt sentiment brands authorPlatform authorHandle influence person { id } } }"""

_STANCES = f"""query($brand: String!, $advocates: Boolean!, $first: Int, $after: String) {{
  advocates: advocates(brand: $brand, first: $first, after: $after) @include(if: $advocates) {{
    pageInfo {{ hasNextPage endCursor }} edges {{ score posts sentiment node {{ {_PERSON_FIELDS} }} }} }}
  detractors: detractors(brand: $brand, first: $first, after: $after) @skip(if: $advocates) {{
    pageInfo {{ hasNextPage endCursor }} edges {{ score posts sentiment node {{ {_PERSON_FIELDS} }} }} }} }}"""

_EGO = f"""query($id: ID!, $depth: Int!, $limit: Int!) {{ person(id: $id) {{ egoNetwork(depth: $depth, limit: $limit) {{
  members {{ distance person {{ {_PERSON_FIELDS} identities {{ platform handle avatarUrl }} }} }}
  ties {{ strength kinds interactions source {{ id }} target {{ id }} }} }} }} }}"""


# -- the client --------------------------------------------------------------------------------


class Client:
    """graphsvc's API for analysts. ``url`` (else ``GRAPHSVC_URL``, else the local default) is the
    server's base URL or its ``/graphql`` endpoint; ``api_key`` (else ``GRAPHSVC_API_KEY``) is sent as
    a bearer token."""

    def __init__(
        self,
        url: str | None = None,
        api_key: str | None = None,
        *,
        timeout: float = 60.0,
        retries: int = 4,
        backoff: float = 0.5,
        progress: bool = True,
    ) -> None:
        base = (url or os.environ.get("GRAPHSVC_URL") or DEFAULT_URL).rstrip("/")
        self.endpoint = base if base.endswith("/graphql") else base + "/graphql"
        key = api_key if api_key is not None else os.environ.get("GRAPHSVC_API_KEY")
        headers = {"Accept": "application/json", "User-Agent": "graphsvc-client"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self.retries = retries
        self.backoff = backoff
        self.progress = progress
        self._http = httpx.Client(timeout=timeout, headers=headers)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client({self.endpoint!r})"

    # -- any query ------------------------------------------------------------------------------

    def query(self, graphql: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Run one GraphQL operation; returns its ``data``, or raises the first error as a ``GraphsvcError``."""
        body = {"query": graphql, "variables": dict(variables or {})}
        for attempt in range(self.retries + 1):
            try:
                answer = self._http.post(self.endpoint, json=body)
            except httpx.TransportError as exc:
                if attempt == self.retries:
                    raise Unavailable(
                        f"could not reach {self.endpoint}: {exc}",
                        code="UNAVAILABLE",
                        hint="is `graphsvc serve` running there?",
                    ) from exc
            else:
                if answer.status_code not in _RETRY_STATUS:
                    return _data(answer)
                if attempt == self.retries:
                    raise Unavailable(f"{self.endpoint} answered {answer.status_code}", code="UNAVAILABLE")
            time.sleep(self.backoff * 2**attempt * (0.5 + random.random()))  # exponential, jittered
        raise AssertionError("unreachable")

    def query_df(self, graphql: str, variables: Mapping[str, Any] | None = None, path: str = "") -> pd.DataFrame:
        """Run one operation and flatten the list at ``path`` (dotted, e.g. ``"influencers.edges"``) into
        a DataFrame; nested objects become dotted columns (``node.name``)."""
        found: Any = self.query(graphql, variables)
        for step in [s for s in path.split(".") if s]:
            found = found[int(step)] if isinstance(found, list) else found[step]
        if isinstance(found, Mapping):
            found = [found]
        return pd.json_normalize(list(found))

    # -- lists ----------------------------------------------------------------------------------

    def influencers(
        self,
        topic: str | None = None,
        platform: str | None = None,
        community: str | None = None,
        min_score: float | None = None,
        *,
        purpose: str | None = None,
        sort: str = "score",
        limit: int = 100,
    ) -> pd.DataFrame:
        """The most influential persons (overall, or on ``topic``), ranked by the score or one ``sort``
        component. Columns: rank, id, name, score, platforms, community, followers, and the components."""
        variables = {
            "topic": topic,
            "platform": platform,
            "community": community,
            "minScore": min_score,
            "purpose": purpose,
            "sort": sort.upper(),
        }
        rows = []
        for n, edge in enumerate(self._follow(_INFLUENCERS, variables, "influencers", limit, "influencers")):
            person = edge["node"]
            followers = [i["followers"] for i in person.get("identities") or [] if i.get("followers") is not None]
            rows.append(
                {
                    "rank": edge["rank"] if edge["rank"] is not None else n + 1,
                    **_person_row(person),
                    "score": edge["score"],
                    "followers": sum(followers) if followers else None,
                }
            )
        columns = ["rank", "id", "name", "score", "platforms", "community", "followers", "size", *_COMPONENTS]
        return _frame(rows, columns, {"rank": "Int64", "score": "float64", "followers": "Int64"})

    def persons(
        self,
        name: str | None = None,
        community: str | None = None,
        platform: str | None = None,
        min_influence: float | None = None,
        has_contact: bool | None = None,
        *,
        limit: int = 1000,
    ) -> pd.DataFrame:
        """Unified persons in id order, filtered. Columns: id, name, size, platforms, community, and the
        score components."""
        wanted = {
            "name": name,
            "community": community,
            "platform": platform,
            "minInfluence": min_influence,
            "hasContact": has_contact,
        }
        variables = {"filter": {k: v for k, v in wanted.items() if v is not None}}
        rows = [_person_row(e["node"]) for e in self._follow(_PERSONS, variables, "persons", limit, "persons")]
        return _frame(rows, _PERSON_COLUMNS, {})

    def person(self, id: str) -> PersonProfile:
        """One person's profile, with ``identities``, ``values`` (each surviving value with its source
        and rule), ``topics``, and for role analyst ``history`` and ``consents`` (else empty)."""
        data = self.query(_PERSON, {"id": id})
        person = data["person"]
        if person is None:
            raise NotFound(f"no person {id!r}", code="NOT_FOUND", path=["person"])
        history, consents, visible = _frame([], _HISTORY_COLUMNS, {}), _frame([], _CONSENT_COLUMNS, {}), True
        try:
            private = self.query(_PERSON_PRIVATE, {"id": id})
        except Forbidden:
            visible = False
        else:
            history = _frame(private["personHistory"], _HISTORY_COLUMNS, {"at": "datetime64[ns, UTC]"})
            consents = _frame(
                (private["person"] or {}).get("consents") or [],
                _CONSENT_COLUMNS,
                {
                    "givenAt": "datetime64[ns, UTC]",
                    "withdrawnAt": "datetime64[ns, UTC]",
                    "expiresAt": "datetime64[ns, UTC]",
                },
            )
        identities = [
            {
                "platform": i["platform"],
                "handle": i["handle"],
                "display_name": i["displayName"],
                "followers": i["followers"],
                "following": i["following"],
                "verified": i["verified"],
                "url": i["url"],
                "avatar_url": i["avatarUrl"],
                "location": i["location"],
                "bio": i["bio"],
                "lang": i["lang"],
            }
            for i in person["identities"]
        ]
        return PersonProfile(
            id=person["id"],
            name=person["name"],
            platforms=list(person["platforms"]),
            community=(person.get("community") or {}).get("id"),
            scores=dict(person.get("scores") or {}),
            topics=_frame(person["topics"], ["topic", "score", "rank"], {"score": "float64", "rank": "Int64"}),
            identities=_frame(
                identities, _IDENTITY_COLUMNS, {"followers": "Int64", "following": "Int64", "verified": "boolean"}
            ),
            values=_frame(
                data["personValues"], ["field", "value", "source", "at", "rule", "edited"], {"edited": "bool"}
            ),
            history=history,
            consents=consents,
            history_visible=visible,
            raw=data,
        )

    def memberships(self, *, limit: int = 10_000) -> pd.DataFrame:
        """Which records make up each person (of the first ``limit`` persons): one row per CRM contact or
        identity. Columns: person, kind ('contact' or 'identity'), source (the CRM, or the platform), key
        (the CRM's id, or the handle; null for emails and phones below role analyst), record (as
        resolution names it, ``kind:source:key``)."""
        rows = []
        for edge in self._follow(_MEMBERS, {}, "persons", limit, "persons"):
            person = edge["node"]
            for c in person["contacts"]:
                rows.append({"person": person["id"], "kind": "contact", "source": c["source"], "key": c["sourceId"]})
            for i in person["identities"]:
                rows.append({"person": person["id"], "kind": "identity", "source": i["platform"], "key": i["handle"]})
        frame = _frame(
            rows, ["person", "kind", "source", "key"], dict.fromkeys(["person", "kind", "source", "key"], "string")
        )
        frame["record"] = (frame["kind"] + ":" + frame["source"] + ":" + frame["key"]).astype("string")
        return frame

    def communities(self, *, limit: int = 1000) -> pd.DataFrame:
        """Communities, largest first. Columns: id, size (persons), persons, top_topics, top_members (ids),
        ties (a dict: other community id -> weight)."""
        rows = [
            {
                "id": n["id"],
                "size": n["size"],
                "persons": n["persons"],
                "top_topics": list(n["topTopics"]),
                "top_members": [m["id"] for m in n["topMembers"]],
                "ties": {t["communityId"]: t["weight"] for t in n["ties"]},
            }
            for n in (e["node"] for e in self._follow(_COMMUNITIES, {}, "communities", limit, "communities"))
        ]
        columns = ["id", "size", "persons", "top_topics", "top_members", "ties"]
        return _frame(rows, columns, {"size": "Int64", "persons": "Int64"})

    def segment(self, filters: Mapping[str, Any] | None = None, *, limit: int = 1000, **more: Any) -> pd.DataFrame:
        """The members of a segment (role marketer), as ``persons`` gives them; filters by the API's names
        (``community``, ``topic``, ``platform``, ``minInfluence``, ``city``, ``hasContact``,
        ``consentPurpose``) or their snake_case forms. ``df.attrs["count"]`` holds the whole count."""
        given = {_camel(k): v for k, v in {**(filters or {}), **more}.items() if v is not None}
        count: list[int] = []

        def keep_count(data: Mapping[str, Any]) -> None:
            count.append(data["segment"]["count"])

        edges = self._follow(_SEGMENT, {"filter": given}, "segment.persons", limit, "segment", on_page=keep_count)
        frame = _frame([_person_row(e["node"]) for e in edges], _PERSON_COLUMNS, {})
        frame.attrs["count"] = count[0] if count else 0
        return frame

    def review_queue(self, status: str = "pending", *, limit: int = 200) -> pd.DataFrame:
        """Candidate pairs (role analyst), most valuable first. Columns: id, status, score, value, a, a_kind,
        a_name, a_person, b, b_kind, b_name, b_person, decided_by, decided_at, reason, evidence (a dict)."""
        rows: list[dict[str, Any]] = []
        bar = self._bar(None, "review queue") if limit > PAGE else None
        while len(rows) < limit:
            size = min(PAGE, limit - len(rows))
            page = self.query(_REVIEW, {"status": status.upper(), "first": size, "offset": len(rows)})["reviewQueue"]
            rows += [_pair_row(pair) for pair in page]
            if bar is not None:
                bar.update(len(page))
            if len(page) < size:
                break
        if bar is not None:
            bar.close()
        columns = ["id", "status", "score", "value", "a", "a_kind", "a_name", "a_person", "b", "b_kind", "b_name"]
        columns += ["b_person", "decided_by", "decided_at", "reason", "evidence"]
        return _frame(rows, columns, {"score": "float64", "value": "float64", "decided_at": "datetime64[ns, UTC]"})

    def trend(
        self,
        brand: str | None = None,
        person: str | None = None,
        *,
        unit: str = "week",
        days: int = 120,
    ) -> pd.DataFrame:
        """Sentiment over time for a ``brand``, or for a ``person`` (about ``brand`` when both are given).
        Columns: bucket (datetime64), posts, sentiment (mean, -1..1), positive, negative."""
        if person is not None:
            data = self.query(_PERSON_TREND, {"id": person, "brand": brand, "unit": unit.upper(), "days": days})
            if data["person"] is None:
                raise NotFound(f"no person {person!r}", code="NOT_FOUND", path=["person"])
            points = data["person"]["sentimentTrend"]
        elif brand is not None:
            data = self.query(_BRAND_TREND, {"brand": brand, "unit": unit.upper(), "days": days})
            if data["brand"] is None:
                raise NotFound(f"no brand {brand!r}", code="NOT_FOUND", path=["brand"])
            points = data["brand"]["sentimentTrend"]
        else:
            raise BadInput("expected brand= or person=", code="BAD_USER_INPUT")
        dtypes = {"bucket": "datetime64[ns]", "posts": "Int64", "sentiment": "float64"}
        return _frame(points, ["bucket", "posts", "sentiment", "positive", "negative"], dtypes | _INTS)

    def trending_topics(self, *, days: int = 7, min_posts: int = 3, limit: int = 50) -> pd.DataFrame:
        """Topics growing fastest: posts in the last ``days`` against the ``days`` before. Columns: topic,
        current, previous, growth."""
        found = self.query(_TRENDING, {"days": days, "minPosts": min_posts, "first": limit})["trendingTopics"]
        return _frame(found, ["topic", "current", "previous", "growth"], {"current": "Int64", "previous": "Int64"})

    def demand_signals(self, *, days: int = 30, brand: str | None = None, limit: int = 50) -> pd.DataFrame:
        """Posts asking for a recommendation or a purchase (role marketer). Columns: platform, post_id, text,
        created_at (UTC), sentiment, brands, author_platform, author_handle, influence, person."""
        found = self.query(_DEMAND, {"days": days, "brand": brand, "first": limit})["demandSignals"]
        rows = [
            {
                "platform": s["platform"],
                "post_id": s["postId"],
                "text": s["text"],
                "created_at": s["createdAt"],
                "sentiment": s["sentiment"],
                "brands": list(s["brands"]),
                "author_platform": s["authorPlatform"],
                "author_handle": s["authorHandle"],
                "influence": s["influence"],
                "person": (s.get("person") or {}).get("id"),
            }
            for s in found
        ]
        columns = ["platform", "post_id", "text", "created_at", "sentiment", "brands", "author_platform"]
        columns += ["author_handle", "influence", "person"]
        return _frame(rows, columns, {"created_at": "datetime64[ns, UTC]", "sentiment": "float64"})

    def stances(self, brand: str, side: str = "advocates", *, limit: int = 100) -> pd.DataFrame:
        """A brand's ``advocates`` or ``detractors`` (role marketer), strongest first. Columns: id, name,
        stance (the score), posts, sentiment, platforms, community and the score components."""
        if side not in ("advocates", "detractors"):
            raise BadInput(f"expected 'advocates' or 'detractors', got {side!r}", code="BAD_USER_INPUT")
        variables = {"brand": brand, "advocates": side == "advocates"}
        rows = [
            {**_person_row(e["node"]), "stance": e["score"], "posts": e["posts"], "sentiment": e["sentiment"]}
            for e in self._follow(_STANCES, variables, side, limit, side)
        ]
        return _frame(rows, ["id", "name", "stance", "posts", "sentiment", *_PERSON_COLUMNS[2:]], {"posts": "Int64"})

    # -- graphs ---------------------------------------------------------------------------------

    def subgraph(
        self,
        seeds: str | Iterable[str],
        hops: int = 1,
        *,
        kinds: Iterable[str] | None = None,
        limit: int = 200,
    ) -> nx.MultiDiGraph:
        """The persons within ``hops`` (1-3) ties of each seed (at most ``limit`` per seed, strongest ties
        first; the API's bound is 500) and the ties among them: one edge per tie kind (``FOLLOWS``,
        ``FRIENDS_WITH``, ``CONNECTED_TO``, ``INTERACTED``; only ``kinds`` when given), keyed by the kind,
        pointing away from the seed. Node attributes: name, platforms, handle, avatar, community,
        distance (hops from the nearest seed), the score components. Edge attributes: kind, weight (the
        tie's strength, 0-1), interactions."""
        starts = [seeds] if isinstance(seeds, str) else list(seeds)
        if not 1 <= limit <= MAX_SUBGRAPH:
            raise BadInput(
                f"expected a limit of 1 to {MAX_SUBGRAPH} persons per seed, got {limit}",
                code="BAD_USER_INPUT",
                path=["limit"],
                hint="for more, start from more seeds (each brings its own neighbourhood) or read persons() in pages",
            )
        wanted = {k.upper() for k in kinds} if kinds is not None else None
        graph = nx.MultiDiGraph()
        for seed in self._bar_over(starts, "subgraph"):
            found = self.query(_EGO, {"id": seed, "depth": hops, "limit": limit})["person"]
            if found is None:
                raise NotFound(f"no person {seed!r}", code="NOT_FOUND", path=["person"])
            ego = found["egoNetwork"]
            for member in ego["members"]:
                person = member["person"]
                identities = person.get("identities") or []
                attrs = _person_row(person)
                attrs["handle"] = next((i["handle"] for i in identities if i.get("handle")), None)
                attrs["avatar"] = next((i["avatarUrl"] for i in identities if i.get("avatarUrl")), None)
                pid = attrs.pop("id")
                known = graph.nodes[pid].get("distance") if pid in graph else None
                attrs["distance"] = member["distance"] if known is None else min(known, member["distance"])
                graph.add_node(pid, **attrs)
            for tie in ego["ties"]:
                if tie["source"] is None or tie["target"] is None:
                    continue
                for kind in tie["kinds"]:
                    if wanted is not None and kind not in wanted:
                        continue
                    graph.add_edge(
                        tie["source"]["id"],
                        tie["target"]["id"],
                        key=kind,
                        kind=kind,
                        weight=tie["strength"],
                        interactions=tie["interactions"],
                    )
        return graph

    def community_graph(self, *, limit: int = 1000) -> nx.Graph:
        """Communities as nodes (attributes: size, persons, top_topics, top_members) and the ties between
        them as weighted edges (``weight``: the strength of the ties between their members)."""
        rows = self.communities(limit=limit).to_dict("records")
        graph = nx.Graph()
        for row in rows:
            graph.add_node(
                row["id"],
                size=int(row["size"]) if pd.notna(row["size"]) else 0,
                persons=int(row["persons"]) if pd.notna(row["persons"]) else 0,
                top_topics=row["top_topics"],
                top_members=row["top_members"],
            )
        for row in rows:
            ties: dict[str, float] = row["ties"]
            for other, weight in ties.items():
                if other in graph and not graph.has_edge(row["id"], other):
                    graph.add_edge(row["id"], other, weight=weight)
        return graph

    # -- paging ---------------------------------------------------------------------------------

    def _follow(
        self,
        graphql: str,
        variables: Mapping[str, Any],
        path: str,
        limit: int,
        what: str,
        on_page: Any = None,
    ) -> list[dict[str, Any]]:
        """The edges of the connection at ``path``, page after page, up to ``limit``."""
        if limit < 1:
            raise BadInput(f"expected a limit of 1 or more, got {limit}", code="BAD_USER_INPUT", path=["limit"])
        edges: list[dict[str, Any]] = []
        after: str | None = None
        bar: Any = None
        try:
            while len(edges) < limit:
                data = self.query(graphql, {**variables, "first": min(PAGE, limit - len(edges)), "after": after})
                if on_page is not None:
                    on_page(data)
                connection: Any = data
                for step in path.split("."):
                    connection = connection[step]
                edges += connection["edges"]
                more = connection["pageInfo"]["hasNextPage"]
                if bar is None and more and len(edges) < limit:  # a long read: show how it goes
                    known = connection.get("totalCount")
                    bar = self._bar(min(limit, known) if known is not None else None, what)
                    bar.update(len(edges))
                elif bar is not None:
                    bar.update(len(connection["edges"]))
                if not more:
                    break
                after = connection["pageInfo"]["endCursor"]
        finally:
            if bar is not None:
                bar.close()
        return edges[:limit]

    def _bar(self, total: int | None, what: str) -> Any:
        """A progress bar for a read of more than one page (tqdm's notebook bar in Jupyter); ``total``
        is None where the list's length is not known in advance."""
        return tqdm(total=total, desc=what, unit="row", disable=not self.progress, leave=False)

    def _bar_over(self, items: list[str], what: str) -> Iterator[str]:
        yield from tqdm(items, desc=what, unit="seed", disable=not self.progress or len(items) <= 1, leave=False)


# -- shaping -----------------------------------------------------------------------------------

_PERSON_COLUMNS = ["id", "name", "size", "platforms", "community", *_COMPONENTS]
_IDENTITY_COLUMNS = ["platform", "handle", "display_name", "followers", "following", "verified", "url", "avatar_url"]
_IDENTITY_COLUMNS += ["location", "bio", "lang"]
_VALUE_COLUMNS = ["field", "value", "source", "at", "rule", "edited"]
_HISTORY_COLUMNS = ["id", "at", "action", "by", "reason", "before", "after", "related"]
_CONSENT_COLUMNS = ["purpose", "status", "channel", "givenAt", "withdrawnAt", "expiresAt"]
_INTS = {"positive": "Int64", "negative": "Int64"}
_DTYPES = {"size": "Int64", "kcore": "Int64", **{c: "float64" for c in _COMPONENTS if c != "kcore"}}


def _person_row(person: Mapping[str, Any]) -> dict[str, Any]:
    scores = person.get("scores") or {}
    return {
        "id": person["id"],
        "name": person.get("name"),
        "size": person.get("size"),
        "platforms": list(person.get("platforms") or []),
        "community": (person.get("community") or {}).get("id"),
        **{c: scores.get(c) for c in _COMPONENTS},
    }


def _pair_row(pair: Mapping[str, Any]) -> dict[str, Any]:
    row = {
        "id": pair["id"],
        "status": pair["status"],
        "score": pair["score"],
        "value": pair["value"],
        "decided_by": pair["decidedBy"],
        "decided_at": pair["decidedAt"],
        "reason": pair["reason"],
        "evidence": pair["evidence"],
    }
    for side in ("a", "b"):
        record = pair[side]
        found = record.get("contact") or record.get("identity") or {}
        row[side] = record["id"]
        row[f"{side}_kind"] = record["kind"]
        row[f"{side}_name"] = found.get("name") or found.get("displayName")
        row[f"{side}_person"] = (found.get("person") or {}).get("id")
    return row


def _frame(rows: Iterable[Mapping[str, Any]], columns: list[str], dtypes: Mapping[str, str]) -> pd.DataFrame:
    """A DataFrame with exactly ``columns`` (in order, also when empty) and the documented dtypes:
    text as ``string``, counts as nullable ``Int64``, scores as ``float64``, times as ``datetime64``."""
    frame = pd.DataFrame(list(rows), columns=columns)
    for column in columns:
        dtype = dtypes.get(column) or _DTYPES.get(column)
        if dtype is None and column in ("id", "name", "community", "topic", "platform", "status", "text"):
            dtype = "string"
        if dtype is None:
            continue
        if dtype.startswith("datetime64"):
            frame[column] = pd.to_datetime(frame[column], utc="UTC" in dtype, format="ISO8601")
        else:
            frame[column] = frame[column].astype(dtype)  # type: ignore[call-overload]
    return frame


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _data(answer: httpx.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        raise GraphsvcError(
            f"the API answered {answer.status_code} without JSON", code="INTERNAL", hint=answer.text[:200]
        ) from None
    if not isinstance(body, dict):
        raise GraphsvcError("the API answered something other than a JSON object", code="INTERNAL")
    if body.get("errors"):
        _raise_for(body["errors"])
    if answer.status_code >= 400 or body.get("data") is None:
        raise GraphsvcError(f"the API answered {answer.status_code} without data", code="INTERNAL")
    data: dict[str, Any] = body["data"]
    return data
