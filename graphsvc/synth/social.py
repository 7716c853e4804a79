"""Declared ties: people befriend people, and each tie shows on the platforms both are on.

Ties are drawn between *people*, mostly inside their community (a share ``MIXING`` goes
across) and towards the popular (celebrities and influencers are followed a lot), then
realised on each platform both people use. So the same friends recur across a person's
accounts, as in life. Facebook friendships and LinkedIn connections are written once per
pair; follows are directed, some returned. Platform-reported follower counts are the
in-graph degree plus an off-graph audience with a heavy tail.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path

from graphsvc.synth.people import Person
from graphsvc.synth.profiles import Profiles

__all__ = ["EDGE_COLUMNS", "EDGE_TYPES", "MIXING", "EdgeStats", "assign_audience", "write_edges"]

EDGE_COLUMNS = ("src_platform", "src_handle", "dst_platform", "dst_handle", "type", "since", "weight")
EDGE_TYPES = {
    "twitter": "FOLLOWS",
    "facebook": "FRIENDS_WITH",
    "linkedin": "CONNECTED_TO",
    "instagram": "FOLLOWS",
    "github": "FOLLOWS",
    "forum": "FOLLOWS",
}
MIXING = 0.2  # share of ties that leave the community
TIES_PER_PERSON = 17.0  # person-level ties; about 10 edge rows per person once realised on platforms
_REALISE = {"twitter": 0.75, "facebook": 0.8, "linkedin": 0.6, "instagram": 0.7, "github": 0.5, "forum": 0.5}
_RECIPROCAL = 0.3
_SINCE_DAYS = 3000


@dataclass
class EdgeStats:
    rows: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    within_community: int = 0
    in_degree: list[int] = field(default_factory=list)  # per account
    out_degree: list[int] = field(default_factory=list)


def _weighted(members: list[int], people: list[Person]) -> tuple[list[int], list[float]]:
    return members, list(accumulate(people[i].popularity for i in members))


def write_edges(
    rng: random.Random,
    people: list[Person],
    profiles: Profiles,
    reference: datetime,
    path: Path,
    progress: Callable[[int], None],
) -> EdgeStats:
    """Draw ties and write edges.csv; returns the counts and each account's in- and out-degree."""
    accounts = profiles.accounts
    on: list[list[tuple[str, int, float, str]]] = [
        [
            (accounts[i].platform, i, _REALISE[accounts[i].platform], EDGE_TYPES[accounts[i].platform])
            for i in own
            if accounts[i].platform != "email"
        ]
        for own in profiles.by_person
    ]
    account_on = [{platform: i for platform, i, _, _ in mine} for mine in on]
    members: dict[int, list[int]] = {}
    for person in people:
        if on[person.index]:
            members.setdefault(person.community, []).append(person.index)
    pools = {community: _weighted(ids, people) for community, ids in sorted(members.items())}
    everyone = _weighted([p.index for p in people if on[p.index]], people)
    dates = [(reference - timedelta(days=d)).date().isoformat() for d in range(1, _SINCE_DAYS + 1)]
    strong, weak = [f"{w / 100:.2f}" for w in range(40, 101)], [f"{w / 100:.2f}" for w in range(5, 51)]
    community_of = [p.community for p in people]
    regular = [p.role == "regular" for p in people]
    keys = [a.key for a in accounts]
    stats = EdgeStats(in_degree=[0] * len(accounts), out_degree=[0] * len(accounts))
    in_degree, out_degree, by_type = stats.in_degree, stats.out_degree, stats.by_type
    seen: set[int] = set()
    size = len(accounts) + 1
    draw = rng.random  # bound once: this loop runs millions of times
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(EDGE_COLUMNS)
        batch: list[tuple[str, ...]] = []
        for person in people:
            mine = on[person.index]
            if not mine:
                continue
            degree = min(400, int(TIES_PER_PERSON * rng.lognormvariate(-0.5, 1.0)))
            if person.role == "celebrity":
                degree //= 4
            inside = sum(1 for _ in range(degree) if draw() >= MIXING)
            local = pools[person.community]
            targets = rng.choices(local[0], cum_weights=local[1], k=inside)
            targets += rng.choices(everyone[0], cum_weights=everyone[1], k=degree - inside)
            for other in targets:
                if other == person.index:
                    continue
                theirs = account_on[other]
                same = community_of[other] == person.community
                weights = strong if same else weak
                for platform, src, realise, kind in mine:
                    dst = theirs.get(platform)
                    if dst is None or draw() >= realise:
                        continue
                    follows = kind == "FOLLOWS"
                    back = follows and regular[other] and draw() < _RECIPROCAL
                    for a, b in ((src, dst), (dst, src)) if back else ((src, dst),):
                        key = a * size + b if follows else min(a, b) * size + max(a, b)
                        if key in seen:
                            continue
                        seen.add(key)
                        batch.append(
                            (
                                platform,
                                keys[a],
                                platform,
                                keys[b],
                                kind,
                                dates[int(draw() * _SINCE_DAYS)],
                                weights[int(draw() * len(weights))],
                            )
                        )
                        by_type[kind] = by_type.get(kind, 0) + 1
                        stats.within_community += same
                        out_degree[a] += 1
                        in_degree[b] += 1
                        if not follows:  # a friendship or connection counts on both sides
                            out_degree[b] += 1
                            in_degree[a] += 1
            if len(batch) >= 50_000:
                writer.writerows(batch)
                stats.rows += len(batch)
                batch.clear()
            if person.index % 2000 == 1999:
                progress(person.index + 1)
        writer.writerows(batch)
        stats.rows += len(batch)
    return stats


def assign_audience(rng: random.Random, people: list[Person], profiles: Profiles, stats: EdgeStats) -> None:
    """Platform-reported followers/following: in-graph degree plus a heavy-tailed off-graph audience."""
    for index, account in enumerate(profiles.accounts):
        if account.platform == "email":
            continue
        role = people[account.person].role
        if role == "celebrity":
            extra, verified = int(10 ** rng.uniform(5.3, 6.9)), rng.random() < 0.9
        elif role == "influencer":
            extra, verified = int(rng.uniform(800, 2500) * min(60.0, rng.paretovariate(1.3))), rng.random() < 0.35
        else:
            extra, verified = int(rng.lognormvariate(3.0, 1.4)), rng.random() < 0.005
        account.followers = stats.in_degree[index] + extra
        account.following = stats.out_degree[index] + int(rng.lognormvariate(3.2 if role != "celebrity" else 2.0, 1.0))
        if account.platform in {"twitter", "instagram", "facebook", "linkedin"}:
            account.verified = "true" if verified else "false"
