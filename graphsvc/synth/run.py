"""`generate`: the whole synthetic CRM, from one seed, in a fixed order of steps.

Determinism: one ``random.Random`` per step, each seeded from (seed, step name), and
Faker seeded per locale; nothing iterates over an unsorted set and no clock is read
except to time the run, so the same people and seed give byte-identical files.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from graphsvc.errors import InputError
from graphsvc.synth.contacts import make_contacts
from graphsvc.synth.evidence import ensure_evidence
from graphsvc.synth.names import name_pools
from graphsvc.synth.people import make_communities, make_people
from graphsvc.synth.posts import make_posts
from graphsvc.synth.profiles import iso, make_profiles
from graphsvc.synth.social import assign_audience, write_edges
from graphsvc.synth.writer import write_import_files, write_truth

__all__ = ["Progress", "SynthSummary", "generate", "reference_date"]

#: progress(phase, done, total): called now and then during each phase.
Progress = Callable[[str, int, int], None]
_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass
class SynthSummary:
    out: str
    people: int
    seed: int
    reference_date: str  # posts fall in the 120 days before it
    seconds: float
    files: dict[str, int] = field(default_factory=dict)  # file (relative to out) -> data rows
    communities: int = 0
    influencers: int = 0
    edges_within_community: float = 0.0  # share of edge rows inside one community
    evidence_links_added: int = 0  # records that got a link so each person's records share evidence
    hard_records: float = 0.0  # share of records whose every link to their person is also someone else's

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def reference_date(seed: int) -> datetime:
    """The 'now' of a synthetic CRM: a day in 2025 or 2026 fixed by the seed, never the clock."""
    return _EPOCH + timedelta(days=(seed * 7919) % 365)


def _rng(seed: int, step: str) -> random.Random:
    # Separate streams: a change in one step (say posts) leaves the others' output unchanged.
    return random.Random(f"{seed}:{step}")


def generate(people: int, seed: int = 42, out: Path = Path("synth"), progress: Progress | None = None) -> SynthSummary:
    """Write a synthetic social CRM of ``people`` persons to ``out`` (import files plus ``truth/``)."""
    if people < 1:
        raise InputError(f"expected at least 1 person, got {people}", where="--people")
    began = time.perf_counter()
    report: Progress = progress or (lambda phase, done, total: None)
    out.mkdir(parents=True, exist_ok=True)
    reference = reference_date(seed)

    report("people", 0, people)
    communities, community_sizes = make_communities(_rng(seed, "communities"), people)
    pools = name_pools(seed)
    persons = make_people(_rng(seed, "people"), people, pools, communities, community_sizes, _rng(seed, "homes"))
    report("people", people, people)

    report("accounts", 0, people)
    profiles = make_profiles(
        _rng(seed, "accounts"), persons, communities, reference, lambda done: report("accounts", done, people)
    )
    crm_rng = _rng(seed, "contacts")
    known = [bool(own) for own in profiles.by_person]
    contacts = make_contacts(
        crm_rng,
        persons,
        profiles.mail,
        known,
        pools,
        lambda: iso(reference - timedelta(seconds=crm_rng.randrange(3600, 900 * 86400))),
        _rng(seed, "contact-homes"),
    )
    evidence = ensure_evidence(_rng(seed, "evidence"), persons, profiles, contacts)
    report("accounts", people, people)

    report("edges", 0, people)
    edges = write_edges(
        _rng(seed, "edges"), persons, profiles, reference, out / "edges.csv", lambda done: report("edges", done, people)
    )
    assign_audience(_rng(seed, "audience"), persons, profiles, edges)
    report("edges", people, people)

    report("posts", 0, 2 * people)
    posts, received = make_posts(
        _rng(seed, "posts"),
        persons,
        communities,
        profiles,
        reference,
        lambda done: report("posts", done, max(done, 2 * people)),
    )
    report("posts", len(posts), len(posts))

    report("write", 0, 2)
    files = {"edges.csv": edges.rows}
    files |= write_import_files(_rng(seed, "write"), out, profiles.accounts, contacts, posts)
    report("write", 1, 2)
    files |= write_truth(out, persons, communities, profiles.accounts, contacts, posts, received)
    report("write", 2, 2)
    return SynthSummary(
        out=str(out),
        people=people,
        seed=seed,
        reference_date=reference.date().isoformat(),
        seconds=round(time.perf_counter() - began, 2),
        files=dict(sorted(files.items())),
        communities=len({p.community for p in persons}),
        influencers=sum(p.role == "influencer" for p in persons),
        edges_within_community=round(edges.within_community / edges.rows, 3) if edges.rows else 0.0,
        evidence_links_added=evidence.linked,
        hard_records=round(evidence.hard / evidence.records, 3) if evidence.records else 0.0,
    )
