"""Files graphsvc writes that may hold personal data, remembered so that an erasure can find them.

A rejects file holds the rows an import refused, as they were; a subject export holds everything
on one person. Each is recorded as ``(:WrittenFile {host, path, kind, at})`` when written.
``purge_files`` (run by an erasure) deletes those on this machine that hold any of the erased
person's identifiers and forgets the ones that are gone; files on another machine, or that it could
not delete, are returned for the operator.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from graphsvc.db import Database

__all__ = ["Purged", "purge_files", "record_file"]

#: Bytes read at a time while looking for identifiers (a match across two chunks is found by the overlap).
_CHUNK = 1 << 20


def _host() -> str:
    return socket.gethostname()


def record_file(db: Database, path: Path, kind: str) -> None:
    """Remember that graphsvc wrote ``path`` (a ``kind`` of file that may hold personal data)."""
    db.write("ingest.record_file", host=_host(), path=str(path.resolve()), kind=kind, at=datetime.now(UTC))


@dataclass
class Purged:
    deleted: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)


def _holds(path: Path, needles: Sequence[bytes]) -> bool:
    longest = max((len(n) for n in needles), default=0)
    tail = b""
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            window = (tail + chunk).lower()
            if any(n in window for n in needles):
                return True
            tail = window[-longest:] if longest else b""
    return False


def purge_files(db: Database, identifiers: Sequence[str]) -> Purged:
    """Delete the recorded files on this machine that hold any of ``identifiers`` (any case)."""
    needles = sorted({i.lower().encode("utf-8") for i in identifiers if i})
    purged, gone, host = Purged(), [], _host()
    for row in db.read("ingest.written_files"):
        path = Path(row["path"])
        if row["host"] != host:
            purged.left.append(f"{row['host']}:{path} (another machine's {row['kind']} file: check it there)")
            continue
        try:
            if not path.exists():
                gone.append(row["path"])
            elif _holds(path, needles):
                path.unlink()
                purged.deleted.append(str(path))
                gone.append(row["path"])
        except OSError as exc:
            purged.left.append(f"{path} ({exc.strerror}: delete it by hand)")
    if gone:
        db.write("ingest.forget_files", host=host, paths=gone)
    return purged
