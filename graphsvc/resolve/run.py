"""`graphsvc resolve`: load records, block, score, cluster, and write persons and candidates.

Full run: every record. Incremental run (``--incremental``): only the records imported or
decided on since the last successful run, their candidate partners, and every member of
the persons those belong to are re-scored and re-clustered, with the match model of the
last full run; everything else is left as it is.
"""

from __future__ import annotations

import json
import math
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from graphsvc.db import Database, claims
from graphsvc.resolve.blocking import candidate_pairs
from graphsvc.resolve.cluster import ClusterOptions, assign_ids, cluster_units
from graphsvc.resolve.compare import COMPARISONS, same_person_names, with_connections
from graphsvc.resolve.history import audit_event, write_audit
from graphsvc.resolve.model import (
    MatchModel,
    Scorer,
    TermFrequencies,
    estimate_model,
    evidence,
    random_pairs,
    sanity_check,
)
from graphsvc.resolve.parallel import compare_levels, compare_pairs, score_pairs
from graphsvc.resolve.records import Record, contact_record, identity_record, keep_rare_bio_terms, member_of, pair_id
from graphsvc.resolve.survivorship import DEFAULT_PRIORITY, Rule, golden_record

__all__ = [
    "ResolveOptions",
    "ResolveSummary",
    "load_records",
    "merge_preview",
    "pair_id",
    "resolve",
    "stored_model",
]

Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class ResolveOptions:
    # Merge automatically at or above this probability. The model's probabilities run low between 0.3 and
    # 0.8, where most pairs are still true ones, so the threshold sits below the band's top: how it was
    # chosen, and what it gives, is in docs/resolution.md and docs/performance.md.
    threshold: float = 0.7
    review_min: float = 0.3  # queue for review between this and the threshold
    strong: float = 0.999  # may bridge two clusters of several units, or two accounts on one platform
    max_block: int = 60
    max_cluster: int = 40
    incremental: bool = False
    dry_run: bool = False  # compute everything, write nothing, report what would change (``preview``)
    rules: tuple[tuple[str, Rule], ...] = ()  # survivorship rule per field, over DEFAULT_RULES
    priority: tuple[str, ...] = DEFAULT_PRIORITY  # trusted sources first (survivorship)
    batch_size: int = 2000
    seed: int = 0


@dataclass
class ResolveSummary:
    run: str
    mode: str
    records: int = 0
    units: int = 0
    focus: int = 0
    pairs: int = 0
    auto: int = 0
    pending: int = 0
    persons: int = 0
    persons_written: int = 0
    persons_dropped: int = 0
    ids_kept: int = 0
    ids_new: int = 0
    largest_person: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)
    preview: dict[str, Any] | None = None  # what a dry run would change (see ``merge_preview``)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Loaded:
    records: list[Record]
    unit_of: list[int]
    previous: dict[str, str]  # record key -> person id before this run
    imported: dict[str, Any]  # record key -> importedAt
    influence: dict[str, float]
    ties: dict[int, set[str]] = field(default_factory=dict)  # record index -> identity keys of its rare ties


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: The claim that keeps resolution runs that write to one at a time, across processes.
RESOLVE_LOCK = "resolve"


def _with_times(row: Mapping[str, Any]) -> dict[str, Any]:
    """``row`` with ``importedAt`` and ``updatedAt`` (microseconds since the epoch) as UTC datetimes."""
    return {
        **row,
        **{k: _EPOCH + timedelta(microseconds=row[k]) for k in ("importedAt", "updatedAt") if row.get(k) is not None},
    }


def _load(db: Database) -> _Loaded:
    records: list[Record] = []
    previous: dict[str, str] = {}
    imported: dict[str, Any] = {}
    influence: dict[str, float] = {}
    owners: dict[str, list[int]] = {}  # email/phone identity key -> the contacts that state it
    # In key order: the same graph gives the same records, model and persons, however Neo4j stored it.
    for row in sorted(db.read("resolve.contacts"), key=lambda r: (r["contact"]["source"], r["contact"]["sourceId"])):
        record = contact_record(_with_times(row["contact"]), row["points"])
        keys = [f"identity:{p['platform']}:{p['key']}" for p in row["points"]]
        for key in keys:
            owners.setdefault(key, []).append(len(records))
        records.append(record)
        imported[record.key] = record.display["importedAt"]
        if row["person"]:
            previous[record.key] = row["person"]
    index_of: dict[str, int] = {}
    for row in map(_with_times, sorted(db.read("resolve.identities"), key=lambda r: (r["platform"], r["key"]))):
        record = identity_record(row)
        index_of[record.key] = len(records)
        records.append(record)
        imported[record.key] = row.get("importedAt")
        influence[record.key] = float(row.get("influence") or 0.0)
        if row["person"]:
            previous[record.key] = row["person"]
    keep_rare_bio_terms(records)
    ties = _attach_ties(db, records, index_of, previous)
    unit_of = list(range(len(records)))
    for key, contacts in owners.items():
        # A point stated by contacts of different names (a family's email, a shared landline) stays a unit of
        # its own; one that contacts of one name state (the same person in two CRMs) goes with the first.
        if key in index_of and (len(contacts) == 1 or _one_name(records, contacts)):
            unit_of[index_of[key]] = contacts[0]
    return _Loaded(records, unit_of, previous, imported, influence, ties)


def _one_name(records: Sequence[Record], indexes: Sequence[int]) -> bool:
    """Whether these records are all named, with names one person may carry."""
    first = records[indexes[0]]
    return all(records[i].name for i in indexes) and all(same_person_names(first, records[i]) for i in indexes[1:])


def _attach_ties(
    db: Database, records: list[Record], index_of: dict[str, int], previous: dict[str, str], hub_degree: int = 500
) -> dict[int, set[str]]:
    """Give each identity the set of its rare connections, as persons where they are known.

    Accounts with more than ``hub_degree`` ties are left out: following a celebrity says
    nothing about who you are. Returns each record's ties as identity keys (for ``_map_ties``).
    """
    pairs = [(row["a"], b) for row in db.read("resolve.ties") for b in row["targets"]]
    degree: Counter[str] = Counter()
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    ties: dict[int, set[str]] = {}
    for a, b in pairs:
        for me, other in ((a, b), (b, a)):
            if degree[other] <= hub_degree and me in index_of:
                ties.setdefault(index_of[me], set()).add(other)
    _map_ties(records, ties, previous)
    return ties


def _map_ties(records: list[Record], ties: dict[int, set[str]], person_of: Mapping[str, str]) -> None:
    """Each record's ties as the persons they belong to (an identity key where none is known)."""
    for index, keys in ties.items():
        records[index].ties = frozenset(person_of.get(key, key) for key in keys)


def load_records(db: Database) -> tuple[list[Record], list[int]]:
    """Every record in the graph and its unit (a contact with the email and phone identities it states)."""
    loaded = _load(db)
    return loaded.records, loaded.unit_of


def _decisions(db: Database, index_of: dict[str, int]) -> tuple[dict[tuple[int, int], bool], list[dict[str, Any]]]:
    rows = db.read("resolve.decisions")
    labels: dict[tuple[int, int], bool] = {}
    for row in sorted(rows, key=lambda r: str(r["decidedAt"])):  # the latest decision on a pair wins
        a, b = index_of.get(row["a"]), index_of.get(row["b"])
        if a is not None and b is not None and a != b:
            labels[(min(a, b), max(a, b))] = row["status"] == "accepted"
    return labels, rows


def _focus(db: Database, loaded: _Loaded, index_of: dict[str, int]) -> set[int] | None:
    last = db.read("resolve.last_run")
    if not last:
        return None
    since = last[0]["startedAt"]
    since = since.to_native() if hasattr(since, "to_native") else since  # loaded times are Python datetimes
    focus = {
        i
        for i, r in enumerate(loaded.records)
        if r.key not in loaded.previous or (loaded.imported.get(r.key) is not None and loaded.imported[r.key] >= since)
    }
    for row in db.read("resolve.decided_since", since=since):
        focus.update(index_of[k] for k in (row["a"], row["b"]) if k in index_of)
    return focus


def stored_model(db: Database) -> tuple[MatchModel, dict[str, Any]] | None:
    """The match model the last full run learnt (sanity-checked again), and that run's id and end."""
    rows = db.read("resolve.last_model")
    if not rows or not rows[0]["model"]:
        return None
    data = json.loads(rows[0]["model"])
    if [len(row) for row in data["m"]] != [len(c.levels) for c in COMPARISONS]:
        return None  # learnt before the comparisons changed: learn again
    model = sanity_check(MatchModel(m=data["m"], u=data["u"], prior=data["prior"]))
    return model, {"run": rows[0]["run"], "finishedAt": rows[0]["finishedAt"]}


def new_run_id() -> str:
    return f"resolve-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def resolve(
    db: Database,
    options: ResolveOptions = ResolveOptions(),
    progress: Progress | None = None,
    *,
    run_id: str | None = None,
) -> ResolveSummary:
    """Run identity resolution and write the result; returns what it did.

    A run that writes claims the ``resolve`` lock (one run at a time across processes, else
    ``Conflict``: ``graphsvc.db.claims``), records itself as a ``JobRun`` (kind 'resolve', id
    ``run_id`` if given) before it reads anything, and reports the phase ``start`` once it has: a
    caller that started it in the background can then follow it by that id.
    """
    run = run_id or new_run_id()
    now = datetime.now(UTC)
    summary = ResolveSummary(run=run, mode="incremental" if options.incremental else "full")
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        summary.seconds[name] = round(summary.seconds.get(name, 0.0) + time.perf_counter() - clock, 3)
        clock = time.perf_counter()
        if progress:
            progress(name, 1, 1)

    if options.dry_run:
        return _run(db, options, summary, run, now, lap)
    with claims.held(db, RESOLVE_LOCK, run, what="a resolution run", hint="follow it in the recent job runs"):
        db.write("resolve.start_run", run=run, now=now, params=json.dumps(asdict(options)))
        if progress:
            progress("start", 0, None)
        return _run(db, options, summary, run, now, lap)


def _run(
    db: Database,
    options: ResolveOptions,
    summary: ResolveSummary,
    run: str,
    now: datetime,
    lap: Callable[[str], None],
) -> ResolveSummary:
    try:
        loaded = _load(db)
        records, unit_of = loaded.records, loaded.unit_of
        index_of = {r.key: i for i, r in enumerate(records)}
        summary.records, summary.units = len(records), len(set(unit_of))
        labels, _ = _decisions(db, index_of)
        focus = _focus(db, loaded, index_of) if options.incremental else None
        if options.incremental and focus is None:
            summary.mode = "full (no earlier run)"
        lap("load")
        if options.dry_run:
            summary.mode += " (dry run: nothing written)"
        _resolve(db, options, summary, loaded, index_of, labels, focus, run, now, lap)
    except BaseException:
        if not options.dry_run:
            stats = json.dumps(summary.as_dict())
            db.write("resolve.finish_run", run=run, status="failed", stats=stats, model=None)
        raise
    return summary


def _resolve(
    db: Database,
    options: ResolveOptions,
    summary: ResolveSummary,
    loaded: _Loaded,
    index_of: dict[str, int],
    labels: dict[tuple[int, int], bool],
    focus: set[int] | None,
    run: str,
    now: datetime,
    lap: Callable[[str], None],
) -> None:
    records, unit_of = loaded.records, loaded.unit_of
    if focus is not None:
        summary.focus = len(focus)
        partners = candidate_pairs(records, unit_of, max_block=options.max_block, focus=focus)
        touched = focus | {i for pair in partners for i in pair}
        persons = {loaded.previous[records[i].key] for i in touched if records[i].key in loaded.previous}
        scope = touched | {i for i, r in enumerate(records) if loaded.previous.get(r.key) in persons}
        scope |= {i for i, r in enumerate(records) if unit_of[i] in {unit_of[j] for j in touched}}
        pairs = {
            p
            for p in candidate_pairs(records, unit_of, max_block=options.max_block, focus=scope)
            if p[0] in scope and p[1] in scope
        }
    else:
        scope = set(range(len(records)))
        pairs = candidate_pairs(records, unit_of, max_block=options.max_block)
    pairs |= {p for p in labels if p[0] in scope and p[1] in scope}
    summary.pairs = len(pairs)
    lap("block")
    ordered = sorted(scope)
    units = sorted({unit_of[i] for i in ordered})
    position = {unit: n for n, unit in enumerate(units)}
    platforms: list[set[str]] = [set() for _ in units]
    for i in ordered:
        if records[i].kind == "identity" and records[i].handle:
            platforms[position[unit_of[i]]].add(records[i].source)
    must = [
        (position[unit_of[a]], position[unit_of[b]])
        for (a, b), ok in labels.items()
        if ok and a in scope and b in scope
    ]
    cannot = [
        (position[unit_of[a]], position[unit_of[b]])
        for (a, b), ok in labels.items()
        if not ok and a in scope and b in scope
    ]
    cluster_options = ClusterOptions(threshold=options.threshold, strong=options.strong, max_size=options.max_cluster)
    last = stored_model(db) if focus is not None else None
    stored = last[0] if last else None
    levels: dict[tuple[int, int], tuple[int, ...]] = {}
    frequencies = TermFrequencies(records)
    sample = random_pairs(unit_of, seed=options.seed) if stored is None else []  # u is measured on these
    sample_levels: list[tuple[int, ...]] = []
    unit_clusters: list[list[int]] = []
    members_of_unit: dict[int, list[int]] = {}
    # Two passes: the second sees each account's ties as the persons the first pass found, so two
    # accounts followed by the same few people (on any platform) share evidence the first could not see.
    for second in (False, True):
        if second:
            found = {
                records[i].key: f"pass1:{n}"
                for n, cluster in enumerate(unit_clusters)
                for u in cluster
                for i in members_of_unit[u]
            }
            _map_ties(records, loaded.ties, {**loaded.previous, **found})
        if second:  # only the connections level can differ from the first pass
            levels = {pair: with_connections(lv, records[pair[0]], records[pair[1]]) for pair, lv in levels.items()}
            sample_levels = [
                with_connections(lv, records[a], records[b]) for (a, b), lv in zip(sample, sample_levels, strict=True)
            ]
        else:
            levels = compare_pairs(records, pairs)
            sample_levels = compare_levels(records, sample)
        lap("compare")
        model = stored or estimate_model(
            records, unit_of, levels, labels=labels, random_levels=Counter(sample_levels), tf=frequencies
        )
        model.tf = frequencies
        scorer = Scorer(model)
        scores = score_pairs(records, levels, scorer)
        lap("score")
        edges: dict[tuple[int, int], float] = {}
        strongest: dict[tuple[int, int], tuple[int, int]] = {}  # unit pair -> its strongest record pair
        for (a, b), p in scores.items():
            ua, ub = position[unit_of[a]], position[unit_of[b]]
            key = (min(ua, ub), max(ua, ub))
            if p > edges.get(key, -1.0):
                edges[key], strongest[key] = p, (a, b)
        merges: list[tuple[int, int]] = []
        unit_clusters = cluster_units(
            len(units),
            edges,
            unit_platforms=[frozenset(p) for p in platforms],
            must_link=must,
            cannot_link=cannot,
            options=cluster_options,
            merges=merges,
        )
        members_of_unit = {}
        for i in ordered:
            members_of_unit.setdefault(position[unit_of[i]], []).append(i)
        lap("cluster")
    summary.model = model.as_dict()
    clusters = [sorted(records[i].key for u in cluster for i in members_of_unit[u]) for cluster in unit_clusters]
    previous_in_scope = {k: v for k, v in loaded.previous.items() if index_of.get(k) in scope}
    ids = assign_ids(clusters, previous_in_scope)
    summary.persons = len(clusters)
    summary.largest_person = max((len(c) for c in clusters), default=0)
    explains = {strongest[(min(a, b), max(a, b))] for a, b in merges}  # the record pairs that merged persons
    person_of = {key: pid for pid, cluster in zip(ids, clusters, strict=True) for key in cluster}
    if options.dry_run:  # counted as _write_candidates would store them
        statuses = Counter(
            _candidate_status(pair, p, records, person_of, explains, options) for pair, p in scores.items()
        )
        summary.auto, summary.pending = statuses["auto"], statuses["pending"]
        summary.preview = merge_preview(clusters, ids, previous_in_scope, records, index_of)
        return

    _write(db, options, summary, loaded, index_of, clusters, ids, previous_in_scope, run, now, lap)
    _write_candidates(db, options, summary, loaded, scorer, levels, scores, explains, person_of, scope, focus, run, now)
    lap("write_candidates")
    db.write(
        "resolve.finish_run",
        run=run,
        status="succeeded",
        stats=json.dumps(summary.as_dict()),
        model=json.dumps({"m": model.m, "u": model.u, "prior": model.prior}) if focus is None else None,
    )


def merge_preview(
    clusters: Sequence[Sequence[str]],
    ids: Sequence[str],
    previous: Mapping[str, str],
    records: Sequence[Record],
    index_of: Mapping[str, int],
    largest: int = 10,
) -> dict[str, Any]:
    """What writing ``clusters`` would change against the persons now in the graph.

    A *merge* is a person that gathers records of two or more current persons (or adds records
    that had none); a *split* is a current person whose records would end up in two or more.
    """
    before: dict[str, set[str]] = {}
    for key, person in previous.items():
        before.setdefault(person, set()).add(key)
    after_of = {key: pid for pid, cluster in zip(ids, clusters, strict=True) for key in cluster}
    changes: list[dict[str, Any]] = []
    merges = new = unchanged = 0
    for pid, cluster in zip(ids, clusters, strict=True):
        sources = sorted({previous[k] for k in cluster if k in previous})
        unassigned = sum(1 for k in cluster if k not in previous)
        if not sources:
            new += 1
        elif len(sources) == 1 and before[sources[0]] == set(cluster):
            unchanged += 1
            continue
        elif len(sources) > 1 or unassigned:
            merges += 1
        moved = sum(1 for k in cluster if previous.get(k) != pid)
        if moved:
            names = sorted({records[index_of[k]].name for k in cluster if records[index_of[k]].name})[:3]
            changes.append(
                {
                    "person": pid,
                    "records": len(cluster),
                    "moved": moved,
                    "from_persons": sources,
                    "new_records": unassigned,
                    "names": names,
                }
            )
    splits = [person for person, keys in before.items() if len({after_of.get(k) for k in keys}) > 1]
    total = sum(len(c) for c in clusters)
    changes.sort(key=lambda c: (-c["moved"], c["person"]))
    return {
        "records": total,
        "persons_before": len(before),
        "persons_after": len(clusters),
        "consolidation_rate": round(1 - len(clusters) / total, 4) if total else 0.0,
        "merges": merges,
        "splits": len(splits),
        "new_persons": new,
        "unchanged_persons": unchanged,
        "records_changing_person": sum(1 for key in after_of if previous.get(key) != after_of[key]),
        "largest_changes": changes[:largest],
        "split_persons": sorted(splits)[:largest],
    }


def _person_name(records: Sequence[Record]) -> str | None:
    contacts = [str(r.display["name"]) for r in records if r.kind == "contact" and r.display.get("name")]
    if contacts:
        return str(sorted(contacts)[0])
    names = Counter(r.display.get("displayName") for r in records if r.display.get("displayName"))
    return str(names.most_common(1)[0][0]) if names else None


def _action(before: set[str] | None, after: set[str]) -> str:
    """The audit action of a person whose members went from ``before`` (None: a new person) to ``after``."""
    if before is None:
        return "create"  # a new person: of several records, or split off another person
    gained, lost = after - before, before - after
    return "regroup" if gained and lost else "merge" if gained else "split"


def _write(
    db: Database,
    options: ResolveOptions,
    summary: ResolveSummary,
    loaded: _Loaded,
    index_of: dict[str, int],
    clusters: list[list[str]],
    ids: list[str],
    previous: dict[str, str],
    run: str,
    now: datetime,
    lap: Callable[[str], None],
) -> None:
    old_members: dict[str, set[str]] = {}
    for key, pid in previous.items():
        old_members.setdefault(pid, set()).add(key)
    new_of = {key: pid for pid, cluster in zip(ids, clusters, strict=True) for key in cluster}
    gone = sorted(set(old_members) - set(ids))
    rows: list[dict[str, Any]] = []
    # The audit trail: every person whose members changed, except a new person of one record (no merge).
    events = [
        audit_event(
            pid,
            "dissolve",
            by="graphsvc resolve",
            run=run,
            before=old_members[pid],
            related={new_of[k] for k in old_members[pid] if k in new_of},
        )
        for pid in gone
    ]
    for pid, cluster in zip(ids, clusters, strict=True):
        if pid in old_members:
            summary.ids_kept += 1
        else:
            summary.ids_new += 1
        if old_members.get(pid) == set(cluster):
            continue
        members = [loaded.records[index_of[k]] for k in cluster]
        rows.append(
            {
                "id": pid,
                "name": _person_name(members),
                "members": [member_of(r.key) for r in members],
                "platforms": sorted({r.source for r in members if r.kind == "identity"}),
            }
        )
        came_from = {previous[k] for k in cluster if k in previous} - {pid}
        if pid in old_members or len(cluster) > 1 or came_from:
            events.append(
                audit_event(
                    pid,
                    _action(old_members.get(pid), set(cluster)),
                    by="graphsvc resolve",
                    run=run,
                    before=old_members.get(pid, ()),
                    after=cluster,
                    related=came_from | {new_of[k] for k in old_members.get(pid, ()) if k in new_of} - {pid},
                )
            )
    step = max(1, options.batch_size // 4)  # a person row carries all its members
    for start in range(0, len(rows), step):
        summary.persons_written += db.write("resolve.write_persons", rows=rows[start : start + step], now=now, run=run)[
            0
        ]["written"]
    for start in range(0, len(gone), options.batch_size):
        summary.persons_dropped += db.write("resolve.drop_empty_persons", ids=gone[start : start + options.batch_size])[
            0
        ]["dropped"]
    lap("write_persons")
    golden = [
        {
            "id": pid,
            **golden_record([loaded.records[index_of[k]] for k in cluster], dict(options.rules), options.priority),
        }
        for pid, cluster in zip(ids, clusters, strict=True)
    ]
    for start in range(0, len(golden), step):
        db.write("resolve.write_golden", rows=golden[start : start + step])
    lap("write_golden")
    for start in range(0, len(events), step):
        batch = events[start : start + step]
        db.write_tx(lambda tx: write_audit(tx, batch, now))  # noqa: B023 (called at once)
    lap("write_audit")


def _candidate_status(
    pair: tuple[int, int],
    p: float,
    records: Sequence[Record],
    person_of: Mapping[str, str],
    explains: set[tuple[int, int]],
    options: ResolveOptions,
) -> str | None:
    """'auto' for a pair that merged two persons, 'pending' for one a reviewer should see, else None."""
    if p < options.review_min:  # neither a reason for a merge nor worth a reviewer's time
        return None
    if person_of.get(records[pair[0]].key) == person_of.get(records[pair[1]].key):
        return "auto" if pair in explains else None  # the merges explain why a person's records are one
    return "pending"


def _write_candidates(
    db: Database,
    options: ResolveOptions,
    summary: ResolveSummary,
    loaded: _Loaded,
    scorer: Scorer,
    levels: dict[tuple[int, int], tuple[int, ...]],
    scores: dict[tuple[int, int], float],
    explains: set[tuple[int, int]],
    person_of: dict[str, str],
    scope: set[int],
    focus: set[int] | None,
    run: str,
    now: datetime,
) -> None:
    """Store the pairs that merged persons (status auto) and those a reviewer should see (pending).

    Other pairs within one person are not stored: the merges already explain why its records are one
    (each record is reached through a chain of them), and at 100k people they were half of all rows.
    """
    records = loaded.records
    rows = []
    for (a, b), p in scores.items():
        status = _candidate_status((a, b), p, records, person_of, explains, options)
        if status is None:
            continue
        ra, rb = records[a], records[b]
        summary.auto += status == "auto"
        summary.pending += status == "pending"
        lv = levels[(a, b)]
        weights = scorer.level_weights(lv, ra, rb)
        value = math.log10(1 + max(ra.followers, rb.followers)) + 2.0 * (ra.kind == "contact" or rb.kind == "contact")
        value += 10.0 * max(loaded.influence.get(ra.key, 0.0), loaded.influence.get(rb.key, 0.0))
        rows.append(
            {
                "pairId": pair_id(ra.key, rb.key),
                "a": {"id": ra.key, **member_of(ra.key)},
                "b": {"id": rb.key, **member_of(rb.key)},
                "score": round(p, 6),
                "weight": round(sum(weights), 3),
                "evidence": json.dumps(evidence(lv, weights)),
                "value": round(value, 3),
                "status": status,
            }
        )
    for start in range(0, len(rows), options.batch_size):
        db.write("resolve.write_candidates", rows=rows[start : start + options.batch_size], now=now, run=run)
    if focus is None:
        db.run_batched("resolve.drop_all_stale_candidates", run=run)
    else:
        keys = sorted(records[i].key for i in scope)
        for start in range(0, len(keys), options.batch_size):
            db.write("resolve.drop_stale_candidates", keys=keys[start : start + options.batch_size], run=run)
